"""Loans, exhibitions, condition checks and treatments in the Wagtail admin: clashes shown before
saving, the loan workflow through its buttons, the printable checklist, and privacy."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from museum_collections.loans_admin import work_care_summary
from museum_collections.models import (
    ConditionCheck,
    ConservationTreatment,
    CurrentLocation,
    Exhibition,
    ExhibitionSection,
    ExhibitionVenue,
    ExhibitionWork,
    Loan,
    LoanObject,
    Location,
    Movement,
    Person,
    Work,
)
from museum_collections.services.movements import move
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with its 'no permission' redirect."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def inline(prefix, rows, initial=0) -> dict:
    """What the admin posts for an InlinePanel's rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
        data.setdefault(f"{prefix}-{index}-ORDER", index + 1)
    return data


def loan_data(partner, lines, start, end, *, direction="out", initial=0, **fields) -> dict:
    return {
        "direction": direction,
        "partner": partner.pk,
        "purpose": "exhibition",
        "start_date": start,
        "end_date": end,
        "contact": "Jeanne Roux, jeanne.roux@example.org",
        "insurance_value": "250000",
        **inline("lines", lines, initial),
        **fields,
    }


def exhibition_data(title, venues, checklist, *, status="planned", initial=(0, 0)) -> dict:
    return {
        "title": title,
        "status": status,
        **inline("venues", venues, initial[0]),
        **inline("sections", [{"title": "Les Nabis"}, {"title": "Après 1900"}]),
        **inline("checklist", checklist, initial[1]),
    }


def messages_of(client, response) -> list[str]:
    page = response if response.status_code == 200 else client.get(response["Location"])
    return [str(message) for message in page.context["messages"]]


def errors(response) -> list[str]:
    assert response.status_code == 200, response.get("Location")
    return list(response.context["form"].non_field_errors())


@pytest.fixture
def partner():
    return Person.objects.create(name="Musée des Beaux-Arts de Rennes", kind="organisation")


@pytest.fixture
def store():
    site = Location.objects.create(code="MD", name="Musée", kind=Location.Kind.SITE)
    return Location.objects.create(
        code="RES1", name="Réserve 1", kind=Location.Kind.ROOM, parent=site
    )


@pytest.fixture
def works(store):
    made = []
    for number, title in ((1, "Les Muses"), (2, "Paysage")):
        work = Work.objects.create(
            inventory_number=f"2019.1.{number}",
            title=title,
            normal_location=store,
            insurance_value=Decimal("1000"),
        )
        move(work, store, reason=Movement.Reason.STORAGE)
        made.append(work)
    return made


@pytest.fixture
def curator(client, make_user):
    client.force_login(make_user("Curator"))
    return client


def test_a_curator_lends_two_works_and_an_overlapping_loan_is_refused(curator, partner, works):
    lines = [{"work": w.pk, "insurance_value": "150000", "notes": ""} for w in works]
    response = curator.post(url(Loan, "add"), loan_data(partner, lines, "2026-05-01", "2026-05-10"))
    assert response.status_code == 302, errors(response)
    first = Loan.objects.get()
    assert first.number == "PS-2026-001" and first.status == Loan.Status.REQUESTED
    assert first.insurance_value == Decimal("250000")
    assert sorted(first.lines.values_list("work__inventory_number", "insurance_value")) == [
        ("2019.1.1", Decimal("150000")),
        ("2019.1.2", Decimal("150000")),
    ]

    other = Person.objects.create(name="Musée d'Orsay", kind="organisation")
    data = loan_data(other, [{"work": works[1].pk}], "2026-05-10", "2026-06-01")
    response = curator.post(url(Loan, "add"), data)
    [message] = errors(response)
    assert "2019.1.2 — Paysage" in message and "PS-2026-001" in message
    assert "Musée des Beaux-Arts de Rennes" in message and "01/05/2026 – 10/05/2026" in message
    assert "PS-2026-001" in response.content.decode()
    assert Loan.objects.count() == 1

    # The day after the first loan ends, the work is free.
    data = loan_data(other, [{"work": works[1].pk}], "2026-05-11", "2026-06-01")
    assert curator.post(url(Loan, "add"), data).status_code == 302

    listing = curator.get(url(Loan, "list"), {"direction": "out", "year": 2026})
    assert [loan.works_count for loan in listing.context["object_list"]] == [1, 2]
    assert not curator.get(url(Loan, "list"), {"status": "approved"}).context["object_list"]
    assert "PS-2026-002" in curator.get(url(Loan, "list"), {"q": "Orsay"}).content.decode()


def test_the_workflow_through_the_admin_buttons_writes_movements(curator, partner, works, store):
    loan = Loan.objects.create(
        direction="out",
        partner=partner,
        purpose="exhibition",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 5, 10),
    )
    for work in works:
        LoanObject.objects.create(loan=loan, work=work)
    today = timezone.localdate().isoformat()

    def step(status, **data):
        return curator.post(url(Loan, "status", loan.pk, status), {"date": today, **data})

    edit = curator.get(url(Loan, "edit", loan.pk)).content.decode()
    assert url(Loan, "status", loan.pk, "approved") in edit and "Approve" in edit
    assert url(Loan, "status", loan.pk, "cancelled") in edit
    assert url(Loan, "status", loan.pk, "departed") not in edit
    assert "Status: requested" in edit

    confirm = curator.get(url(Loan, "status", loan.pk, "approved"))
    assert confirm.status_code == 200 and "location" not in confirm.context["form"].fields
    assert Loan.objects.get(pk=loan.pk).status == "requested"  # GET changes nothing

    response = step("departed")  # not yet
    assert response["Location"] == url(Loan, "edit", loan.pk)
    assert "this step is not possible now" in messages_of(curator, response)[0]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = curator.post(url(Loan, "status", loan.pk, "approved"), {"date": tomorrow})
    assert response.status_code == 200 and "future" in str(response.context["form"].errors)

    for status in ("approved", "agreement_signed", "departed"):
        response = step(status)
        assert response.status_code == 302, response.context["form"].errors
        assert Loan.objects.get(pk=loan.pk).status == status
    assert "2 movements written" in messages_of(curator, response)[-1]
    loan.refresh_from_db()
    away = loan.outside_location
    assert set(CurrentLocation.objects.values_list("work_id", "location")) == {
        (works[0].pk, away.pk),
        (works[1].pk, away.pk),
    }
    assert "Returned" in curator.get(url(Loan, "edit", loan.pk)).content.decode()

    Work.objects.filter(pk=works[1].pk).update(normal_location=None)
    response = step("returned")
    assert response.status_code == 200
    assert any(
        "no normal location" in m and "2019.1.2" in m for m in messages_of(curator, response)
    )
    assert Loan.objects.get(pk=loan.pk).status == "departed"

    response = step("returned", location=store.pk)
    assert response.status_code == 302
    assert Loan.objects.get(pk=loan.pk).status == "returned"
    assert Movement.objects.filter(loan=loan, reason="loan").count() == 4
    assert set(CurrentLocation.objects.values_list("location", flat=True)) == {store.pk}
    changes = ModelLogEntry.objects.filter(object_id=str(loan.pk), action="cartel.loan.status")
    assert [entry.data["to"] for entry in changes.order_by("pk")] == [
        "approved",
        "agreement_signed",
        "departed",
        "returned",
    ]
    assert changes.order_by("pk").last().data["location"] == "RES1"


def test_a_loan_in_is_received_where_the_registrar_says(client, make_user, partner, store):
    verified_login(client, make_user("Registrar"))
    borrowed = Work.objects.create(inventory_number="D.2026.1.1", title="Prêtée")
    loan = Loan.objects.create(
        direction="in",
        partner=partner,
        purpose="exhibition",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 5, 10),
    )
    LoanObject.objects.create(loan=loan, work=borrowed)
    Loan.objects.filter(pk=loan.pk).update(status="agreement_signed")
    assert "Received" in client.get(url(Loan, "edit", loan.pk)).content.decode()
    status_url = url(Loan, "status", loan.pk, "departed")
    today = timezone.localdate().isoformat()
    response = client.post(status_url, {"date": today})
    assert response.status_code == 200 and "location" in response.context["form"].errors
    assert client.post(status_url, {"date": today, "location": store.pk}).status_code == 302
    assert CurrentLocation.objects.get(work=borrowed).location == store


def test_an_exhibition_with_a_borrowed_work_saves_without_a_clash(curator, partner, works):
    venues = [
        {"venue": "Musée départemental", "start_date": "2026-06-01", "end_date": "2026-09-30"}
    ]
    own = [{"work": works[0].pk, "section": "Les Nabis", "catalogue_number": "1"}]
    response = curator.post(url(Exhibition, "add"), exhibition_data("Les Nabis", venues, own))
    assert response.status_code == 302, errors(response)
    show = Exhibition.objects.get()
    assert (show.start_date, show.end_date) == (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 9, 30),
    )

    borrowed = Work.objects.create(inventory_number="D.2026.1.1", title="Le Talisman")
    data = loan_data(
        partner,
        [{"work": borrowed.pk, "insurance_value": "2500"}],
        "2026-05-20",
        "2026-10-10",
        direction="in",
        exhibition=show.pk,
    )
    response = curator.post(url(Loan, "add"), data)
    assert response.status_code == 302, errors(response)
    loan = Loan.objects.get(direction="in")

    edit = curator.get(url(Exhibition, "edit", show.pk)).context["form"]
    checklist = [
        {"id": edit.formsets["checklist"].forms[0].instance.pk, **own[0]},
        {"work": borrowed.pk, "section": "Après 1900", "catalogue_number": "2", "loan": loan.pk},
    ]
    venues = [{"id": show.venues.get().pk, **venues[0], "end_date": "2026-10-01"}]
    data = exhibition_data("Les Nabis", venues, checklist, initial=(1, 1))
    response = curator.post(url(Exhibition, "edit", show.pk), data)
    assert response.status_code == 302, errors(response)
    show.refresh_from_db()
    assert show.end_date == datetime.date(2026, 10, 1)  # refreshed from its venues
    assert show.checklist.count() == 2

    # Another show wanting the borrowed work at the same time clashes with the loan and the show.
    venues = [{"venue": "Ailleurs", "start_date": "2026-10-01", "end_date": "2026-10-20"}]
    response = curator.post(
        url(Exhibition, "add"),
        exhibition_data("Autre", venues, [{"work": borrowed.pk}]),
    )
    [message] = errors(response)
    assert "D.2026.1.1" in message and loan.number in message and "Les Nabis" in message
    # ...unless it is only proposed as cancelled.
    data = exhibition_data("Autre", venues, [{"work": borrowed.pk}], status="cancelled")
    assert curator.post(url(Exhibition, "add"), data).status_code == 302

    # A line borrowed through a loan that does not hold the work is refused.
    data = exhibition_data("Trois", [], [{"work": works[1].pk, "loan": loan.pk}])
    [message] = errors(curator.post(url(Exhibition, "add"), data))
    assert "2019.1.2" in message and loan.number in message


@pytest.fixture
def show_with_loan(partner, works):
    show = Exhibition.objects.create(title="Les Nabis")
    ExhibitionVenue.objects.create(
        exhibition=show,
        venue="Musée départemental",
        start_date=datetime.date(2026, 6, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    ExhibitionSection.objects.create(exhibition=show, title="Les Nabis")
    borrowed = Work.objects.create(inventory_number="D.2026.1.1", title="Le Talisman")
    loan = Loan.objects.create(
        direction="in",
        partner=partner,
        purpose="exhibition",
        start_date=datetime.date(2026, 5, 20),
        end_date=datetime.date(2026, 10, 10),
        exhibition=show,
    )
    LoanObject.objects.create(loan=loan, work=borrowed, insurance_value=Decimal("2500"))
    for work, section, number in ((works[0], "Les Nabis", "1"), (borrowed, "Les Nabis", "2")):
        ExhibitionWork.objects.create(
            exhibition=show, work=work, section=section, catalogue_number=number
        )
    ExhibitionWork.objects.create(exhibition=show, work=works[1], catalogue_number="3")
    show.refresh_dates()
    return show


def test_the_printable_checklist_shows_the_insurance_total_to_a_curator(curator, show_with_loan):
    response = curator.get(url(Exhibition, "checklist", show_with_loan.pk))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "<h1>Les Nabis</h1>" in html and "Musée départemental, 06/01/2026 – 09/30/2026" in html
    assert html.index("D.2026.1.1") < html.index("<h2>Other works</h2>") < html.index("2019.1.2")
    assert "Musée des Beaux-Arts de Rennes" in html  # the lender of the borrowed work
    assert "Total insurance value: 4,500.00 €" in html  # 1000 + 2500 (lent) + 1000
    edit = curator.get(url(Exhibition, "edit", show_with_loan.pk)).content.decode()
    assert url(Exhibition, "checklist", show_with_loan.pk) in edit


def test_a_registrar_prints_the_checklist_and_others_never_reach_it(
    client, make_user, show_with_loan
):
    checklist = url(Exhibition, "checklist", show_with_loan.pk)
    verified_login(client, make_user("Registrar"))
    assert "Total insurance value" in client.get(checklist).content.decode()
    for role in ("Documentalist", "Researcher"):
        client.force_login(make_user(role))
        assert refused(client.get(checklist))
        assert refused(client.get(url(Loan, "list")))


def test_without_private_data_the_checklist_has_no_total_and_the_loan_keeps_its_values(
    client, django_user_model, partner, works, show_with_loan
):
    """Staff handling loans without clearance for private data neither see nor erase values."""
    group = Group.objects.create(name="Loans without private data")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["collections", "wagtailadmin"],
            codename__in=[
                "access_admin",
                "view_work",
                "view_person",
                "view_exhibition",
                "view_loan",
                "change_loan",
            ],
        )
    )
    user = django_user_model.objects.create_user(username="clerk", password="pw")
    user.groups.add(group)
    client.force_login(user)
    page = client.get(url(Exhibition, "checklist", show_with_loan.pk)).content.decode()
    assert "Les Nabis" in page and "insurance" not in page

    loan = Loan.objects.get()
    Loan.objects.filter(pk=loan.pk).update(insurance_value=Decimal("9999"), contact="Mme Roux")
    edit = client.get(url(Loan, "edit", loan.pk))
    form = edit.context["form"]
    assert "insurance_value" not in form.fields and "contact" not in form.fields
    assert "insurance_value" not in form.formsets["lines"].forms[0].fields
    assert "2500" not in edit.content.decode() and "9999" not in edit.content.decode()
    line = loan.lines.get()
    data = loan_data(
        partner,
        [{"id": line.pk, "work": line.work_id, "insurance_value": "1", "notes": "Caisse"}],
        "2026-05-20",
        "2026-10-12",
        direction="in",
        initial=1,
        exhibition=show_with_loan.pk,
        insurance_value="1",
    )
    response = client.post(url(Loan, "edit", loan.pk), data)
    assert response.status_code == 302, errors(response)
    loan.refresh_from_db()
    assert loan.end_date == datetime.date(2026, 10, 12)
    assert (loan.insurance_value, loan.contact) == (Decimal("9999"), "Mme Roux")
    assert loan.lines.get().insurance_value == Decimal("2500")
    assert loan.lines.get().notes == "Caisse"


def test_a_researcher_sees_no_loan_insurance_value_or_location(
    client, make_user, show_with_loan, works
):
    researcher = make_user("Researcher")
    client.force_login(researcher)
    loan = Loan.objects.get()
    for model, pk in ((Loan, loan.pk), (Exhibition, show_with_loan.pk)):
        assert refused(client.get(url(model, "list")))
        assert refused(client.get(url(model, "edit", pk)))
    for model in (ConditionCheck, ConservationTreatment):
        assert refused(client.get(url(model, "list")))
    assert refused(client.get(url(Loan, "status", loan.pk, "approved")))

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Loans and exhibitions" not in home
    work = client.get(url(Work, "inspect", works[0].pk))
    assert work.status_code == 200
    page = work.content.decode()
    assert "Les Muses" in page
    for private in ("Insurance value", "1000", "Réserve 1", "RES1", "PE-2026"):
        assert private not in page

    summary = work_care_summary(works[0], researcher)
    assert [summary[key] for key in ("latest_check", "treatments", "loans", "exhibitions")] == [
        None
    ] * 4
    assert "Les Nabis" not in render_to_string(
        "collections/loans/work_care_summary.html", {"summary": summary}
    )


def test_condition_checks_and_treatments_start_from_a_work_and_treatments_check_clashes(
    client, make_user, partner, works
):
    verified_login(client, make_user("Registrar", first_name="Anne", last_name="Martin"))
    form = client.get(url(ConditionCheck, "add") + f"?work={works[0].pk}").context["form"]
    assert form["work"].value() == works[0].pk and form["checker"].value() == "Anne Martin"
    data = {
        "work": works[0].pk,
        "checked_on": "2026-04-30",
        "checker": "Anne Martin",
        "condition": "fair",
        "reason": "departure",
        "alterations": "soulèvement",
    }
    assert client.post(url(ConditionCheck, "add"), data).status_code == 302
    check = ConditionCheck.objects.get()
    assert check.created_by.username == "registrar"
    listing = client.get(url(ConditionCheck, "list"), {"condition": "fair"})
    assert list(listing.context["object_list"]) == [check]
    assert not client.get(url(ConditionCheck, "list"), {"reason": "damage"}).context["object_list"]

    loan = Loan.objects.create(
        direction="out",
        partner=partner,
        purpose="exhibition",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 5, 10),
    )
    LoanObject.objects.create(loan=loan, work=works[0])
    form = client.get(url(ConservationTreatment, "add") + f"?work={works[0].pk}").context["form"]
    assert form["work"].value() == works[0].pk
    data = {
        "work": works[0].pk,
        "status": "planned",
        "start_date": "2026-05-10",
        "end_date": "2026-06-10",
        "purpose": "Refixage",
    }
    [message] = errors(client.post(url(ConservationTreatment, "add"), data))
    assert "2019.1.1" in message and loan.number in message
    data |= {"start_date": "2026-05-11"}
    assert client.post(url(ConservationTreatment, "add"), data).status_code == 302
    listing = client.get(url(ConservationTreatment, "list"), {"status": "planned"})
    assert len(listing.context["object_list"]) == 1

    summary = work_care_summary(works[0], make_user("Curator"))
    assert summary["latest_check"]["object"] == check
    assert [item["object"].purpose for item in summary["treatments"]] == ["Refixage"]
    assert [item["object"] for item in summary["loans"]] == [loan]
    assert summary["exhibitions"] == []
    html = render_to_string("collections/loans/work_care_summary.html", {"summary": summary})
    assert loan.number in html and "Refixage" in html and "soulèvement" in html
    assert url(ConditionCheck, "add") + f"?work={works[0].pk}" in html
