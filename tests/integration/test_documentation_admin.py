"""The Documentation menu of the back office: library, documentary files, archives, by role."""

import pytest
from django.urls import reverse

from documentation.models import (
    ArchiveUnit,
    BibliographicAuthor,
    BibliographicRecord,
    DocumentaryFile,
    LibraryItem,
    WorkReference,
)
from museum_collections.models import Person, Work
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def formsets(**counts) -> dict:
    data = {}
    for name, total in counts.items():
        data.update(
            {
                f"{name}-TOTAL_FORMS": str(total),
                f"{name}-INITIAL_FORMS": "0",
                f"{name}-MIN_NUM_FORMS": "0",
                f"{name}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


@pytest.fixture
def library():
    denis = Person.objects.create(name="Maurice Denis", surname="Denis", forenames="Maurice")
    work = Work.objects.create(inventory_number="2019.1.1", title="Le Mystère catholique")
    record = BibliographicRecord.objects.create(
        record_id="FRBNF31234567",
        source_format="unimarc",
        title="Théories, 1890-1910",
        publication_date="1912",
        isbn="2-07-011234-5",
        internal_notes="NOTE-INTERNE-BIB",
    )
    BibliographicAuthor.objects.create(record=record, person=denis, role="author")
    LibraryItem.objects.create(record=record, call_number="MON DEN 1", status="missing")
    WorkReference.objects.create(record=record, work=work, pages="12")
    BibliographicRecord.objects.create(title="Gauguin", record_type="exhibition_catalogue")
    fonds = ArchiveUnit.objects.create(reference_code="1J", title="Fonds Denis", level="fonds")
    series = ArchiveUnit.objects.create(
        reference_code="1J-1", title="Correspondance", level="series", parent=fonds
    )
    ArchiveUnit.objects.create(
        reference_code="1J-1-1",
        title="Lettre à Sérusier",
        level="item",
        item_kind="letter",
        parent=series,
        internal_notes="NOTE-INTERNE-ARCH",
    )
    ArchiveUnit.objects.create(reference_code="2J", title="Fonds Gauguin", level="fonds")
    return {"denis": denis, "work": work, "record": record, "fonds": fonds, "series": series}


def titles(client, model, **params):
    response = client.get(url(model, "list"), params)
    assert response.status_code == 200
    return [str(obj.title) for obj in response.context["object_list"]]


def test_the_library_is_searched_and_filtered(admin_client, library):
    assert titles(admin_client, BibliographicRecord) == ["Gauguin", "Théories, 1890-1910"]
    assert titles(admin_client, BibliographicRecord, q="denis") == ["Théories, 1890-1910"]
    assert titles(admin_client, BibliographicRecord, q="2-07-011234-5") == ["Théories, 1890-1910"]
    assert titles(admin_client, BibliographicRecord, q="MON DEN 1") == ["Théories, 1890-1910"]
    assert titles(admin_client, BibliographicRecord, record_type="exhibition_catalogue") == [
        "Gauguin"
    ]
    assert titles(admin_client, BibliographicRecord, item_status="missing") == [
        "Théories, 1890-1910"
    ]
    assert titles(admin_client, BibliographicRecord, years_min=1900, years_max=1920) == [
        "Théories, 1890-1910"
    ]
    work = library["work"]
    assert titles(admin_client, BibliographicRecord, work=work.pk) == ["Théories, 1890-1910"]


def test_the_archives_open_on_the_fonds_and_show_each_unit_parts(admin_client, library):
    assert titles(admin_client, ArchiveUnit) == ["Fonds Denis", "Fonds Gauguin"]
    page = admin_client.get(url(ArchiveUnit, "list")).content.decode()
    assert f"?parent={library['fonds'].pk}" in page
    assert titles(admin_client, ArchiveUnit, parent=library["fonds"].pk) == ["Correspondance"]
    assert titles(admin_client, ArchiveUnit, within=library["fonds"].pk) == [
        "Correspondance",
        "Lettre à Sérusier",
    ]
    assert titles(admin_client, ArchiveUnit, q="sérusier") == ["Lettre à Sérusier"]
    assert titles(admin_client, ArchiveUnit, level="item") == ["Lettre à Sérusier"]


def record_form_data(**fields) -> dict:
    data = formsets(authors=0, items=0, work_references=0)
    data.update({"record_type": "book", "source_format": "manual"})
    data.update(fields)
    return data


def test_a_documentalist_catalogues_a_book_with_its_authors_and_copies(client, make_user, library):
    client.force_login(make_user("Documentalist"))
    denis = library["denis"]
    data = record_form_data(
        title="Du symbolisme au classicisme",
        publication_date="1964",
        languages="fre",
        internal_notes="don de la famille",
        **formsets(authors=1, items=2, work_references=1),
    )
    data.update(
        {
            "authors-0-person": denis.pk,
            "authors-0-role": "author",
            "authors-0-ORDER": "1",
            "items-0-call_number": "MON DEN 2",
            "items-0-copy_number": "1",
            "items-0-status": "available",
            "items-1-call_number": "MON DEN 2",
            "items-1-copy_number": "2",
            "items-1-status": "in_restoration",
            "work_references-0-work": library["work"].pk,
            "work_references-0-pages": "45",
        }
    )
    response = client.post(url(BibliographicRecord, "add"), data)
    assert response.status_code == 302, response.context["form"].errors
    record = BibliographicRecord.objects.get(title="Du symbolisme au classicisme")
    assert record.publication_year == 1964 and record.internal_notes == "don de la famille"
    assert [a.person for a in record.authors.all()] == [denis]
    assert sorted(record.items.values_list("status", flat=True)) == ["available", "in_restoration"]
    assert record.work_references.get().work == library["work"]

    edit = record_form_data(title="Du symbolisme au classicisme (2e éd.)", languages="fr")
    response = client.post(url(BibliographicRecord, "edit", record.pk), edit)
    assert response.status_code == 200 and "languages" in response.context["form"].errors
    edit["languages"] = "fre; ger"
    assert client.post(url(BibliographicRecord, "edit", record.pk), edit).status_code == 302
    record.refresh_from_db()
    assert record.title.endswith("(2e éd.)") and record.language_list == ["fre", "ger"]


def test_a_documentalist_adds_a_part_to_the_archives_and_a_documentary_file(
    client, make_user, library
):
    client.force_login(make_user("Documentalist"))
    series = library["series"]
    form = client.get(url(ArchiveUnit, "add"), {"parent": series.pk})
    assert form.context["form"].initial["parent"] == series.pk
    assert form.context["form"].initial["level"] == "file"
    data = {"reference_code": "1J-1-2", "title": "Lettres de Gauguin", "level": "file"}
    response = client.post(url(ArchiveUnit, "add"), {**data, "parent": series.pk})
    assert response.status_code == 302
    added = ArchiveUnit.objects.get(reference_code="1J-1-2")
    assert added.path == f"{series.path}{added.pk}/"
    response = client.post(url(ArchiveUnit, "add"), {**data, "reference_code": "X", "parent": ""})
    assert response.status_code == 200 and "parent" in response.context["form"].errors

    response = client.post(
        url(DocumentaryFile, "add"),
        {
            "code": "DO-2019.1.1",
            "title": "Le Mystère catholique",
            "kind": "work",
            "works": [library["work"].pk],
            "people": [library["denis"].pk],
        },
    )
    assert response.status_code == 302
    assert list(library["work"].documentary_files.values_list("code", flat=True)) == ["DO-2019.1.1"]


@pytest.mark.parametrize(
    "role, sees_library, sees_files, can_change, sees_notes",
    [
        ("Documentalist", True, True, True, True),
        ("Curator", True, True, True, True),
        ("Registrar", True, True, False, True),
        ("Researcher", True, False, False, False),
        ("Photographer", False, False, False, False),
    ],
)
def test_roles_reach_the_documentation_their_job_needs(
    client, make_user, library, role, sees_library, sees_files, can_change, sees_notes
):
    verified_login(client, make_user(role))
    record, letter = library["record"], ArchiveUnit.objects.get(reference_code="1J-1-1")
    for model in (BibliographicRecord, LibraryItem, ArchiveUnit):
        assert (client.get(url(model, "list")).status_code == 200) is sees_library
    assert (client.get(url(DocumentaryFile, "list")).status_code == 200) is sees_files
    assert (client.get(url(BibliographicRecord, "edit", record.pk)).status_code == 200) is (
        can_change
    )
    assert (client.get(url(BibliographicRecord, "add")).status_code == 200) is (
        role == "Documentalist"
    )
    if sees_library:
        for obj, secret in ((record, "NOTE-INTERNE-BIB"), (letter, "NOTE-INTERNE-ARCH")):
            page = client.get(url(type(obj), "inspect", obj.pk))
            assert page.status_code == 200
            assert (secret in page.content.decode()) is sees_notes


def test_a_researcher_cannot_change_the_library(client, make_user, library):
    client.force_login(make_user("Researcher"))
    record = library["record"]
    client.post(url(BibliographicRecord, "edit", record.pk), record_form_data(title="Changé"))
    client.post(url(ArchiveUnit, "add"), {"reference_code": "9J", "title": "x", "level": "fonds"})
    record.refresh_from_db()
    assert record.title == "Théories, 1890-1910"
    assert not ArchiveUnit.objects.filter(reference_code="9J").exists()


def test_every_documentation_page_opens(admin_client, library):
    folder = DocumentaryFile.objects.create(code="DA-DENIS", title="Maurice Denis", kind="artist")
    item = LibraryItem.objects.get()
    for obj in (library["record"], item, folder, library["series"]):
        model = type(obj)
        for view, args in (("list", ()), ("add", ()), ("edit", (obj.pk,))):
            assert admin_client.get(url(model, view, *args)).status_code == 200, (model, view)
        if model.snippet_viewset.inspect_view_enabled:
            assert admin_client.get(url(model, "inspect", obj.pk)).status_code == 200
    menu = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Documentation" in menu
