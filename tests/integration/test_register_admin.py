"""The registers in the Wagtail admin: drafts written from a work, validation behind a
confirmation screen, the lock on validated entries through the admin's own forms, deletion,
removal (radiation), roles and the dashboard."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from museum_collections.models import (
    DepositEntry,
    InventoryEntry,
    Person,
    Work,
    WorkDenomination,
)
from museum_collections.services import register
from tests.conftest import verified_login

from .registers import make_entry

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def form_values(form, **changes) -> dict:
    """What a browser posts back for an admin form as rendered, with ``changes``."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data | changes


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with its 'no permission' redirect."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def logged(entry, action):
    return ModelLogEntry.objects.filter(object_id=str(entry.pk), action=action)


@pytest.fixture
def registrar(client, make_user):
    verified_login(client, make_user("Registrar", first_name="Anne", last_name="Martin"))
    return client


@pytest.fixture
def validated(make_user):
    entry = make_entry(materials="huile ; toile", price=Decimal("1500"))
    return register.validate_entry(entry, make_user("Registrar", username="validator"))


def test_a_draft_written_from_a_work_is_validated_through_a_confirmation_screen(registrar):
    work = Work.objects.create(
        inventory_number="2024.1.1",
        title="Les Muses",
        acquisition_date="12/03/2024",
        acquisition_price=Decimal("1500"),
        former_owners="Collection Dominique Denis",
    )
    WorkDenomination.objects.create(work=work, label="tableau")
    page = registrar.get(url(InventoryEntry, "add") + f"?work={work.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["designation"].value() == "tableau : Les Muses"
    assert form["work"].value() == work.pk
    data = form_values(form, acquisition_mode="achat")
    response = registrar.post(url(InventoryEntry, "add"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    entry = InventoryEntry.objects.get(work=work)
    assert (entry.inventory_number, entry.status, entry.price) == ("2024.1.1", "draft", 1500)
    assert entry.provenance == "Collection Dominique Denis"

    confirm = registrar.get(url(InventoryEntry, "validate", entry.pk))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    for column, value in confirm.context["columns"]:  # every immutable column, with its value
        assert f'<th scope="row">{column}</th><td>{escape(value)}</td>' in page
    assert ("Designation", "tableau : Les Muses") in confirm.context["columns"]
    assert "2024.1.1" in page and "Yes, validate" in page
    assert InventoryEntry.objects.get(pk=entry.pk).status == "draft"  # GET changes nothing

    response = registrar.post(url(InventoryEntry, "validate", entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_validated and entry.sequence == 1
    assert entry.validated_by_name == "Anne Martin"
    assert logged(entry, "cartel.register.validate").count() == 1
    assert "validated" in str(list(registrar.get(response["Location"]).context["messages"])[0])


def test_the_confirmation_screen_lists_problems_without_a_button_and_warns_of_gaps(registrar):
    make_entry("2019.1.1")
    draft = make_entry("2019.1.3")
    confirm = registrar.get(url(InventoryEntry, "validate", draft.pk)).content.decode()
    assert "2019.1.2" in confirm and "Yes, validate" in confirm
    InventoryEntry.objects.filter(pk=draft.pk).update(acquisition_mode="")
    confirm = registrar.get(url(InventoryEntry, "validate", draft.pk)).content.decode()
    assert "mode of acquisition" in confirm and "Yes, validate" not in confirm
    registrar.post(url(InventoryEntry, "validate", draft.pk))
    assert InventoryEntry.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize("role", ["Curator", "Documentalist"])
def test_only_a_registrar_validates(client, make_user, role):
    draft = make_entry()
    client.force_login(make_user(role))
    assert refused(client.get(url(InventoryEntry, "validate", draft.pk)))
    assert refused(client.post(url(InventoryEntry, "validate", draft.pk)))
    assert InventoryEntry.objects.get(pk=draft.pk).status == "draft"
    edit = client.get(url(InventoryEntry, "edit", draft.pk))
    if edit.status_code == 200:  # a curator prepares drafts, without the button to validate
        assert url(InventoryEntry, "validate", draft.pk) not in edit.content.decode()


def test_the_admin_edit_form_changes_only_the_observations_of_a_validated_entry(
    registrar, validated
):
    """The admin path of the acceptance criteria: a locked value posted is ignored."""
    page = registrar.get(url(InventoryEntry, "edit", validated.pk))
    form = page.context["form"]
    assert [name for name, field in form.fields.items() if not field.disabled] == ["observations"]
    html = page.content.decode()
    assert "only the observations may change (arrêté du 25 mai 2004)" in html
    assert "by validator" in html
    other = Work.objects.create(inventory_number="2019.1.2")
    data = form_values(
        form,
        work=other.pk,
        designation="Tableau : un autre",
        price="1",
        registration_date="2000-01-01",
        legacy_numbering="on",
        observations="Numéro repeint en 2024 sur le châssis.",
    )
    response = registrar.post(url(InventoryEntry, "edit", validated.pk), data)
    assert response.status_code == 302
    entry = InventoryEntry.objects.get(pk=validated.pk)
    assert entry.observations == "Numéro repeint en 2024 sur le châssis."
    assert (entry.work_id, entry.designation, entry.price, entry.legacy_numbering) == (
        validated.work_id,
        validated.designation,
        Decimal("1500.00"),
        False,
    )
    assert entry.registration_date == validated.registration_date
    assert all(report.ok for report in register.verify_registers())
    annotation = logged(entry, "cartel.register.observations").get()
    assert annotation.data == {"observations": "Numéro repeint en 2024 sur le châssis."}


def test_drafts_are_deleted_but_validated_entries_never(registrar, validated):
    draft = make_entry("2019.1.2")
    assert (
        url(InventoryEntry, "delete", draft.pk)
        in registrar.get(url(InventoryEntry, "edit", draft.pk)).content.decode()
    )
    listing = registrar.get(url(InventoryEntry, "list")).content.decode()
    assert url(InventoryEntry, "delete", draft.pk) in listing
    assert url(InventoryEntry, "delete", validated.pk) not in listing
    edit = registrar.get(url(InventoryEntry, "edit", validated.pk)).content.decode()
    assert url(InventoryEntry, "delete", validated.pk) not in edit

    for method in (registrar.get, registrar.post):
        response = method(url(InventoryEntry, "delete", validated.pk))
        assert response.status_code == 302
        assert response["Location"] == url(InventoryEntry, "edit", validated.pk)
    messages = [str(m) for m in registrar.get(response["Location"]).context["messages"]]
    assert any("never deleted" in m for m in messages)
    assert InventoryEntry.objects.filter(pk=validated.pk).exists()

    assert registrar.post(url(InventoryEntry, "delete", draft.pk)).status_code == 302
    assert not InventoryEntry.objects.filter(pk=draft.pk).exists()


def test_a_removal_through_the_admin_keeps_the_entry_and_shows_it_removed(registrar, validated):
    remove = url(InventoryEntry, "remove", validated.pk)
    assert registrar.get(remove).status_code == 200
    data = {
        "case": "destruction",
        "decision_reference": "Délibération n° 2024-17",
        "decision_date": "2024-03-01",
        "note": "Détruit dans l'incendie de la réserve.",
    }
    confirm = registrar.post(remove, data)
    assert confirm.status_code == 200 and confirm.context["confirming"]
    assert "Yes, record the removal" in confirm.content.decode()
    assert validated.removal_or_none is None  # nothing recorded before confirmation

    response = registrar.post(remove, data | {"confirm": "1"})
    assert response.status_code == 302
    entry = InventoryEntry.objects.get(pk=validated.pk)
    assert entry.is_validated and entry.removal.case == "destruction"
    assert entry.removal.recorded_by_name == "Anne Martin"
    assert logged(entry, "cartel.register.remove").count() == 1
    assert all(report.ok for report in register.verify_registers())

    listing = registrar.get(url(InventoryEntry, "list"), {"status": "removed"})
    assert list(listing.context["object_list"]) == [entry]
    assert "removed (destruction, " in listing.content.decode()
    again = registrar.get(remove)
    assert again.status_code == 302 and InventoryEntry.objects.filter(pk=entry.pk).exists()


def test_a_draft_cannot_be_removed_and_a_curator_never_removes(client, make_user, validated):
    draft = make_entry("2019.1.2")
    verified_login(client, make_user("Registrar", username="anne"))
    response = client.get(url(InventoryEntry, "remove", draft.pk))
    assert response.status_code == 302
    client.force_login(make_user("Curator"))
    assert refused(client.get(url(InventoryEntry, "remove", validated.pk)))


def test_the_listing_filters_and_searches(registrar, validated):
    make_entry("2019.1.2", designation="Dessin : Étude de nu")

    def numbers(**params):
        response = registrar.get(url(InventoryEntry, "list"), params)
        assert response.status_code == 200
        return sorted(e.inventory_number for e in response.context["object_list"])

    assert numbers() == ["2019.1.1", "2019.1.2"]
    assert numbers(status="draft") == ["2019.1.2"]
    assert numbers(status="validated") == ["2019.1.1"]
    assert numbers(year=datetime.date.today().year) == ["2019.1.1"]
    assert numbers(q="tude de nu") == ["2019.1.2"]
    assert numbers(q="2019.1.1") == ["2019.1.1"]


@pytest.mark.parametrize("role", ["Researcher", "Documentalist"])
def test_the_registers_are_closed_to_researchers_and_documentalists(client, make_user, role):
    client.force_login(make_user(role))
    for model in (InventoryEntry, DepositEntry):
        assert refused(client.get(url(model, "list")))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "cartel-registers" not in home


def test_works_link_to_their_entry_and_the_work_form_proposes_the_next_number(registrar):
    work = Work.objects.create(inventory_number="2019.1.1", title="Les Muses")
    add_entry = url(InventoryEntry, "add") + f"?work={work.pk}"
    assert add_entry in registrar.get(url(Work, "edit", work.pk)).content.decode()
    assert add_entry in registrar.get(url(Work, "list")).content.decode()
    entry = register.draft_entry_for(work, designation="Tableau", acquisition_mode="don")
    assert (
        url(InventoryEntry, "edit", entry.pk)
        in registrar.get(url(Work, "edit", work.pk)).content.decode()
    )
    form = registrar.get(url(Work, "add")).context["form"]
    year = datetime.date.today().year
    assert f"{year}.1.1" in str(form.fields["inventory_number"].help_text)
    response = registrar.get(url(Work, "list"), {"has_register_entry": "false"})
    assert list(response.context["object_list"]) == []


def test_a_validated_deposit_keeps_the_life_of_the_deposit_open(registrar, make_user):
    fnac = Person.objects.create(name="Centre national des arts plastiques", kind="organisation")
    deposit = DepositEntry.objects.create(
        work=Work.objects.create(inventory_number="D.2005.3.1"),
        deposit_number="D.2005.3.1",
        depositor=fnac,
        depositor_number="FNAC PFH-6020",
        deposit_deed="Arrêté du 3 mai 2005",
        taken_in_charge_on=datetime.date(2005, 6, 1),
        designation="Tableau : Paysage",
        convention_end=datetime.date(2015, 6, 1),
    )
    curator = make_user("Curator")
    registrar.force_login(curator)
    assert refused(registrar.post(url(DepositEntry, "validate", deposit.pk)))
    verified_login(registrar, make_user("Registrar", username="anne"))
    assert registrar.get(url(DepositEntry, "validate", deposit.pk)).status_code == 200
    assert registrar.post(url(DepositEntry, "validate", deposit.pk)).status_code == 302
    deposit.refresh_from_db()
    assert deposit.is_validated

    page = registrar.get(url(DepositEntry, "edit", deposit.pk))
    form = page.context["form"]
    assert not form.fields["convention_end"].disabled and form.fields["depositor_number"].disabled
    data = form_values(form, convention_end="2025-06-01", depositor_number="FNAC 1")
    assert registrar.post(url(DepositEntry, "edit", deposit.pk), data).status_code == 302
    deposit.refresh_from_db()
    assert deposit.convention_end == datetime.date(2025, 6, 1)
    assert deposit.depositor_number == "FNAC PFH-6020"


def test_the_dashboard_shows_what_the_registers_need(registrar, validated):
    make_entry("2019.1.3")  # a draft, and 2019.1.2 is missing
    Work.objects.create(inventory_number="2020.1.1")  # in no register
    DepositEntry.objects.create(
        work=Work.objects.create(inventory_number="D.2005.3.1"),
        deposit_number="D.2005.3.1",
        depositor=Person.objects.create(name="Musée du Louvre", kind="organisation"),
        depositor_number="INV 5016",
        deposit_deed="Arrêté du 3 mai 2005",
        taken_in_charge_on=datetime.date(2005, 6, 1),
        designation="Tableau : Paysage",
        convention_end=datetime.date.today() + datetime.timedelta(days=30),
    )
    home = registrar.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    html = " ".join(home.content.decode().split())
    assert "1 draft to validate in the inventory register" in html
    assert "1 draft to validate in the register of deposits" in html
    assert "1 work in no register" in html
    assert "2019: 2019.1.2" in html
    assert "D.2005.3.1" in html and "Musée du Louvre INV 5016" in html
    assert url(DepositEntry, "list") + "?status=draft" in html
