"""The library catalogue (OPAC) and the archives on the public portal, through the Django test
client: the 100 real UNIMARC records of the MARC import tests (BnF, Sudoc, Sainte-Geneviève),
copies, works they cite (POP's fixture notices), and an archive tree fonds › series › file ›
item; every private field holds a marker that no page may show."""

import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command

from documentation.models import (
    ArchiveUnit,
    BibliographicAuthor,
    BibliographicRecord,
    DocumentaryFile,
    LibraryItem,
    WorkReference,
)
from museum_collections.models import CartelImage, Person, Rights, Work
from museum_collections.services.demo_portal import load_demo_portal
from portal.models.library_pages import ArchivesPage, LibraryPage
from tests.markers import MARKER, leaked, plant_markers

pytestmark = pytest.mark.django_db
SECRET_FILE = "Dossier DOCFILE-5e1d2"
POTTER = "FRBNF370903960000006"  # Harry Potter à l'école des sorciers
OEUVRES = "046331514"  # Œuvres choisies, 1911
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def archive_image(test_data, title: str, *, public: bool) -> CartelImage:
    with open(test_data / "images" / "progressive_zurbaran_agnus-dei.jpg", "rb") as f:
        image = CartelImage(
            title=title, is_public=public, credit="Photo Archives", rights=Rights.CC_BY
        )
        image.file = ImageFile(f, name="lettre.jpg")
        image.save()
    return image


@pytest.fixture
def documentation(joconde_catalogue, test_data, tmp_path):
    folder = test_data / "unimarc"
    files = [
        *sorted((folder / "iso2709").glob("bsg_*.mrc")),
        *sorted((folder / "xml").glob("bnf_*.xml")),
    ]
    call_command(
        "import_marc", *map(str, files), "--report", str(tmp_path / "r.csv"), stdout=StringIO()
    )
    load_demo_portal()
    works = list(Work.objects.public().order_by("inventory_sort_key"))
    hidden = works[-1]
    Work.objects.filter(pk=hidden.pk).update(is_public=False, title="Oeuvre non publiee")
    potter = BibliographicRecord.objects.get(record_id=POTTER)
    maker = Person.objects.filter(works_made__work=works[0]).first()
    BibliographicAuthor.objects.create(record=potter, person=maker, role="440", sort_order=9)
    copies = [
        LibraryItem.objects.create(record=potter, call_number="8 R 1234", copy_number=n)
        for n in (1, 2)
    ]
    copies[1].status = LibraryItem.Status.ON_LOAN
    copies[1].save()
    WorkReference.objects.create(record=potter, work=works[0], pages="12", figure="3")
    WorkReference.objects.create(record=potter, work=hidden, pages="99")
    fonds = ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J", title="Fonds Émile Vuillier", level="fonds", dates="1870-1930"
    )
    series = ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J-1", title="Correspondance", level="series", parent=fonds
    )
    file = ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J-1-3",
        title="Lettres à l'éditeur",
        level="file",
        parent=series,
        scope_and_content="Lettres sur la gravure des planches du Tour de France.",
        access_conditions="Consultation sur rendez-vous.",
        creator=maker,
    )
    item = ArchiveUnit.objects.create(
        reference_code="FR-M5062-1J-1-3-1",
        title="Lettre du 3 mai 1890",
        level="item",
        item_kind="letter",
        parent=file,
    )
    file.works.add(works[0], hidden)
    correspondent = Person.objects.create(name="Henri Béraldi")
    file.people.add(maker, correspondent)
    file.images.add(
        archive_image(test_data, "Première page de la lettre", public=True),
        archive_image(test_data, "Image non publiée", public=False),
    )
    plant_markers(correspondent)
    secret = DocumentaryFile.objects.create(code="DO-5e1d2", title=SECRET_FILE)
    secret.works.add(works[0])
    for record in BibliographicRecord.objects.all():
        plant_markers(record)
    for unit in (fonds, series, file, item):
        plant_markers(unit)
    for copy in copies:
        plant_markers(copy)
        copy.barcode = f"{MARKER}-{copy.copy_number}"  # barcodes are unique
        copy.save()
    plant_markers(secret)
    return SimpleNamespace(
        potter=potter,
        oeuvres=BibliographicRecord.objects.get(record_id=OEUVRES),
        maker=maker,
        work=works[0],
        hidden=hidden,
        units=SimpleNamespace(fonds=fonds, series=series, file=file, item=item),
        library=LibraryPage.objects.get().url,
        archives=ArchivesPage.objects.get().url,
    )


def text(client, url, data=None) -> str:
    response = client.get(url, data)
    assert response.status_code == 200, url
    assert not leaked(response.content.decode()), url
    assert SECRET_FILE not in response.content.decode(), url
    return response.content.decode()


def record_url(doc, record) -> str:
    return f"{doc.library}{record.pk}/"


def unit_url(doc, unit) -> str:
    return f"{doc.archives}{unit.pk}/"


def test_the_pages_are_under_the_home_page_and_unknown_ids_are_not_found(documentation, client):
    doc = documentation
    assert (doc.library, doc.archives) == ("/bibliotheque/", "/archives/")
    for url in (
        doc.library,
        record_url(doc, doc.potter),
        doc.archives,
        unit_url(doc, doc.units.file),
    ):
        assert "<main" in text(client, url)
    for url in ("/bibliotheque/999999/", "/archives/999999/", "/bibliotheque/abc/"):
        assert client.get(url).status_code == 404
    assert load_demo_portal() == {"home": 0, "tours": 0, "exhibitions": 0}
    assert LibraryPage.objects.count() == ArchivesPage.objects.count() == 1


def test_the_search_finds_words_without_accents_or_capitals(documentation, client):
    doc = documentation
    for words in ("ecole des sorciers", "ÉCOLE SORCIERS", "rowling", "Jean-Francois Menard"):
        page = text(client, doc.library, {"q": words})
        assert record_url(doc, doc.potter) in page, words
        assert "1 record" in page, words
    page = text(client, doc.library, {"q": "oeuvres choisies"})
    assert record_url(doc, doc.oeuvres) in page
    assert "No record matches" in text(client, doc.library, {"q": "sorciers zzyzx"})


def test_the_search_finds_an_isbn_with_or_without_hyphens(documentation, client):
    doc = documentation
    isbn = doc.potter.isbn_list[0]
    for typed in (isbn, isbn.replace("-", "")):
        assert record_url(doc, doc.potter) in text(client, doc.library, {"q": typed}), typed


def test_the_filters_and_the_pages(documentation, client):
    doc = documentation
    page = text(client, doc.library)
    assert "100 records" in page and 'href="?page=5"' in page
    assert page.count('class="result-title"') == 20
    last = text(client, doc.library, {"page": 5})
    assert last.count('class="result-title"') == 20 and 'aria-current="page" href="?page=5"' in last
    year = doc.oeuvres.publication_year
    expected = BibliographicRecord.objects.filter(publication_year__range=(year, year)).count()
    page = text(client, doc.library, {"from": year, "to": year})
    assert f"{expected} record" in page and record_url(doc, doc.oeuvres) in page
    kind = doc.potter.record_type
    expected = BibliographicRecord.objects.filter(record_type=kind).count()
    assert f"{expected} record" in text(client, doc.library, {"type": kind, "from": "x"})


def test_the_record_page_shows_the_description_authors_copies_and_works(documentation, client):
    doc = documentation
    page = text(client, record_url(doc, doc.potter))
    assert "Harry Potter à l&#x27;école des sorciers" in page
    assert "J. K. Rowling" in page and "Jean-François Ménard" in page
    assert f'href="/collections/makers/{doc.maker.pk}/"' in page  # a maker of published works
    assert "(illustrator)" in page and "(translator)" in page and "<dd>French</dd>" in page
    assert page.count("8 R 1234") == 2 and "Available" in page and "On loan" in page
    assert f'href="/collections/{doc.work.joconde_ref}/"' in page and "p. 12, fig. 3" in page
    assert doc.hidden.joconde_ref not in page and "p. 99" not in page


def test_the_record_page_describes_the_record_in_json_ld(documentation, client):
    doc = documentation
    page = text(client, record_url(doc, doc.potter))
    data = json.loads(JSON_LD.search(page).group(1))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Book"
    assert data["url"] == f"http://testserver{record_url(doc, doc.potter)}"
    assert data["name"] == doc.potter.title and data["isbn"] == doc.potter.isbn
    authors = {author["name"]: author.get("url") for author in data["author"]}
    assert "J. K. Rowling" in authors
    assert authors[doc.maker.name] == f"http://testserver/collections/makers/{doc.maker.pk}/"
    assert [m["url"] for m in data["mentions"]] == [
        f"http://testserver/collections/{doc.work.joconde_ref}/"
    ]  # the hidden work it also cites is not named
    serial = BibliographicRecord.objects.filter(record_type="serial").first()
    if serial:
        assert '"@type": "Periodical"' in text(client, record_url(doc, serial))


def test_the_archives_are_browsed_from_the_fonds_down(documentation, client):
    doc = documentation
    units = doc.units
    root = text(client, doc.archives)
    assert unit_url(doc, units.fonds) in root and unit_url(doc, units.series) not in root
    page = text(client, unit_url(doc, units.file))
    for above in (units.fonds, units.series):  # the breadcrumb
        assert f'<a href="{unit_url(doc, above)}">{above.title}</a>' in page.replace("&#x27;", "'")
    assert unit_url(doc, units.item) in page and "Lettre du 3 mai 1890" in page
    for shown in ("FR-M5062-1J-1-3", "Lettres sur la gravure", "Consultation sur rendez-vous"):
        assert shown in page
    assert f'href="/collections/makers/{doc.maker.pk}/"' in page  # the creator
    assert f'href="/collections/{doc.work.joconde_ref}/"' in page
    assert doc.hidden.joconde_ref not in page
    people = page.split("People</dt>", 1)[1].split("</dd>", 1)[0]
    assert f'href="/collections/makers/{doc.maker.pk}/"' in people and "Henri Béraldi" in people
    assert 'alt="Première page de la lettre"' in page and "Photo Archives" in page
    assert "Image non publiée" not in page and page.count("<figure") == 1
    assert page.count(".webp") >= 3  # the public image in three widths
    item = text(client, unit_url(doc, units.item))
    assert "Item (letter)" in item and "1870-1930" in text(client, unit_url(doc, units.fonds))


def test_the_archives_search_finds_titles_codes_and_contents(documentation, client):
    doc = documentation
    for words in ("lettres a l'editeur", "GRAVURE planches", "emile vuillier"):
        page = text(client, doc.archives, {"q": words})
        assert "1 description found" in page, words
    response = client.get(doc.archives, {"q": " fr-m5062-1j-1-3 "})  # an exact reference code
    assert response.status_code == 302 and response["Location"] == unit_url(doc, doc.units.file)
    page = text(client, doc.archives, {"q": "Lettre"})
    assert unit_url(doc, doc.units.item) in page and "Correspondance ›" in page  # where it sits
    assert "No description matches" in text(client, doc.archives, {"q": "zzyzx"})


def test_no_private_value_reaches_any_page(documentation, client):
    """Every record page, the searches over every field and every unit page: no marker."""
    doc = documentation
    urls = [record_url(doc, record) for record in BibliographicRecord.objects.all()]
    urls += [unit_url(doc, unit) for unit in ArchiveUnit.objects.all()]
    for url in urls:
        text(client, url)
    for search in (MARKER, SECRET_FILE, "DO-5e1d2"):  # private fields are not searched either
        assert "No record matches" in client.get(doc.library, {"q": search}).content.decode()
        assert "No description matches" in client.get(doc.archives, {"q": search}).content.decode()
    assert ArchiveUnit.objects.filter(internal_notes=MARKER).count() == 4
    assert LibraryItem.objects.filter(location=MARKER, notes=MARKER).count() == 2


def test_a_work_page_links_to_its_library_records_and_archive_units(documentation, client):
    work = documentation.work
    page = client.get(f"/collections/{work.joconde_ref}/").content.decode()
    assert f'href="{documentation.library}{documentation.potter.pk}/"' in page
    assert f'href="{documentation.archives}{documentation.units.file.pk}/"' in page
    assert MARKER not in page
    ours = Work.objects.create(inventory_number="2026.1.1", title="Vase", is_public=True)
    assert ours.joconde_ref.startswith("M")  # the museum's own REF: Muséofile code first
    lower = client.get(f"/collections/{ours.joconde_ref.lower()}/?print=1")
    assert lower.status_code == 301
    assert lower["Location"] == f"/collections/{ours.joconde_ref}/?print=1"
    assert client.get(lower["Location"]).status_code == 200
