"""The object importers' loading layer on its own: records in, works out, with the rules that
keep a legal catalogue safe (REFs and inventory numbers never move, a broken file writes
nothing, a dry run writes nothing, a second run changes nothing, close names only proposed)."""

from decimal import Decimal

import pytest

from importers.records import (
    DimensionRecord,
    MakerRecord,
    ObjectRecord,
    RejectedRecord,
    SourceFileError,
)
from museum_collections.models import Person, Work
from museum_collections.services.work_import import ObjectLoader
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def notice(number=1, inventory="A1973.2.1", ref="01610014032", **extra):
    values = {
        "file": "notices.txt",
        "record_number": number,
        "inventory_number": inventory,
        "joconde_ref": ref,
        "fields": {"title": "Fond de vaisselle « sigillée »", "acquisition_date": "1955 acquis"},
        "terms": {"domains": ["archéologie", "céramique"], "techniques": ["céramique"]},
        "makers": [MakerRecord(name="Gaston Vuillier", surname="Vuillier", forenames="Gaston")],
        "dimensions": [DimensionRecord("height", Decimal("1.64"), "cm")],
        "raw": {"REF": ref, "INV": inventory, "TITR": "Fond de vaisselle « sigillée »"},
    }
    values.update(extra)
    return ObjectRecord(**values)


def reader(*items):
    """A reader as the importers give one: records, rejections, or a file error."""

    def read(path):
        for item in items:
            if isinstance(item, Exception):
                raise item
            yield item

    return read


def load(*items, dry_run=False, source="joconde"):
    loader = ObjectLoader(source, log=lambda line: None)
    return loader.load_files(["notices.txt"], reader(*items), dry_run=dry_run)


def test_a_notice_becomes_a_work_that_keeps_its_ref_and_its_record():
    report = load(notice())
    assert (report.created, report.rejected, report.unreadable) == (1, [], [])
    work = Work.objects.get(inventory_number="A1973.2.1")
    assert work.joconde_ref == "01610014032"
    assert work.title == "Fond de vaisselle « sigillée »"
    assert [d.display for d in work.dimensions.all()] == ["H. 1.64 cm"]
    assert [t.label for t in work.domains.all()] == ["archéologie", "céramique"]
    assert work.imported_records == {
        "joconde": {
            "REF": "01610014032",
            "INV": "A1973.2.1",
            "TITR": "Fond de vaisselle « sigillée »",
        }
    }
    assert work.makers.get().person.name == "Gaston Vuillier"
    assert not work.is_public  # publishing is a decision (--publish)


def test_a_second_run_changes_nothing():
    load(notice())
    stamp = Work.objects.get().updated_at
    report = load(notice())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Work.objects.get().updated_at == stamp
    assert Person.objects.count() == 1


def test_a_changed_value_updates_only_what_the_source_says():
    load(notice())
    Work.objects.filter(inventory_number="A1973.2.1").update(internal_notes="Vitrine 3")
    report = load(notice(fields={"title": "Fond de coupelle"}, terms={}))
    assert (report.updated, report.unchanged) == (1, 0)
    work = Work.objects.get()
    assert work.title == "Fond de coupelle"
    assert work.acquisition_date == "1955 acquis"  # the file no longer says it: kept
    assert work.internal_notes == "Vitrine 3"
    assert work.domains.count() == 2  # no DOMN in the file: the terms stay


def test_a_ref_never_moves_and_an_inventory_number_is_never_rewritten():
    load(notice())
    report = load(
        notice(1, inventory="A1973.2.99"),  # same REF, other number
        notice(2, inventory="A1973.2.1", ref="01610099999"),  # same number, other REF
    )
    assert report.created == 0
    assert [(r.record_number, r.field) for r in report.rejected] == [(1, "INV"), (2, "REF")]
    assert "never rewritten" in report.rejected[0].reason
    assert Work.objects.get().inventory_number == "A1973.2.1"


def test_the_same_object_twice_in_a_file_is_rejected_the_second_time():
    report = load(notice(1), notice(2, ref="01610014099"))
    assert report.created == 1
    (rejected,) = report.rejected
    assert (rejected.record_number, rejected.field) == (2, "inventory_number")
    assert "record 1" in rejected.reason


def test_a_file_that_breaks_midway_writes_nothing_and_is_reported():
    rejected = RejectedRecord("notices.txt", 2, "", "TITR", "unreadable")
    report = load(
        notice(1),
        rejected,
        SourceFileError("notices.txt", "the file ends inside a notice: it is truncated"),
    )
    assert Work.objects.count() == 0 and Person.objects.count() == 0
    assert report.created == 0 and report.rejected == []
    assert report.unreadable == [("notices.txt", "the file ends inside a notice: it is truncated")]


def test_a_dry_run_reports_and_writes_nothing():
    report = load(notice(), dry_run=True)
    assert report.created == 1 and report.people_created == 1
    assert Work.objects.count() == 0 and Person.objects.count() == 0


def test_a_value_that_does_not_store_rejects_its_record_with_the_field():
    report = load(notice(fields={"creation_date": "x" * 300}), notice(2, "A1.1", "01610000002"))
    assert report.created == 1
    (rejected,) = report.rejected
    assert (rejected.record_number, rejected.field) == (1, "creation_date")


def test_makers_are_reconciled_exactly_then_without_accents_and_close_names_only_proposed():
    exact = Person.objects.create(name="Gaston Vuillier", surname="Vuillier", forenames="Gaston")
    accents = Person.objects.create(name="Émile Gallé")
    close = Person.objects.create(name="Jean-Baptiste Camille Corot")
    report = load(
        notice(
            makers=[
                MakerRecord(name="Gaston Vuillier"),
                MakerRecord(name="EMILE GALLE", role="verrier"),
                MakerRecord(name="Jean-Baptiste Camile Corot"),
            ]
        )
    )
    work = Work.objects.get()
    people = [maker.person for maker in work.makers.all()]
    assert people[:2] == [exact, accents]
    assert people[2] != close and people[2].name == "Jean-Baptiste Camile Corot"
    (proposal,) = report.proposals
    assert (proposal.field, proposal.value, proposal.candidates) == (
        "maker",
        "Jean-Baptiste Camile Corot",
        (str(close),),
    )


def test_terms_are_linked_to_their_concepts_and_close_values_proposed(vocabularies):
    from museum_collections.models import Concept

    material = Concept.objects.create(scheme=vocabularies["schemes"]["TECH"], pref_label="matériau")
    Concept.objects.create(
        scheme=vocabularies["schemes"]["TECH"], pref_label="papier", broader=material
    )
    report = load(
        notice(
            terms={"domains": ["Peinture", "peintures"], "techniques": ["papier", "aquarelle"]},
            legal_status={"ownership": "propriété du département", "acquisition_mode": "dons"},
            makers=[],
        )
    )
    work = Work.objects.get()
    assert [(t.label, t.in_vocabulary) for t in work.domains.all()] == [
        ("peinture", True),
        ("peintures", False),
    ]
    assert [t.label for t in work.materials.all()] == ["papier"]  # TECH mixes both
    assert [t.label for t in work.techniques.all()] == ["aquarelle"]
    assert work.ownership.pref_label == "propriété du département"
    assert work.acquisition_mode is None
    assert [(p.field, p.value, p.candidates) for p in report.proposals] == [
        ("STAT", "dons", ("don",)),
        ("DOMN", "peintures", ("peinture",)),
    ]
    assert report.works_outside_vocabulary == 1


def test_staff_see_the_record_as_imported_on_the_work(admin_client):
    from django.urls import reverse

    load(notice(raw={"REF": "01610014032", "LOCA": "Autun ; musée Rolin"}))
    work = Work.objects.get()
    response = admin_client.get(reverse(Work.snippet_viewset.get_url_name("edit"), args=[work.pk]))
    assert response.status_code == 200
    assert "Autun ; musée Rolin" in response.content.decode()
    assert "imported_records" not in response.context["form"].fields  # shown, never posted


def test_only_staff_cleared_for_private_data_see_the_record_as_imported(client, make_user):
    from django.urls import reverse

    load(notice(raw={"REF": "01610014032", "PRIX": "Prix payé 12 000 F à M. Dupont"}))
    work = Work.objects.get()
    url = reverse(Work.snippet_viewset.get_url_name("edit"), args=[work.pk])
    for role, sees in (("Registrar", True), ("Documentalist", False)):
        verified_login(client, make_user(role, username=role))
        page = client.get(url)
        assert page.status_code == 200
        assert ("M. Dupont" in page.content.decode()) is sees, role
