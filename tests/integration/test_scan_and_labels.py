"""Scan codes and labels: a label's code finds its work or location, `/scan/<code>` opens its
admin page for staff who may see locations, and the label sheets carry the codes and titles."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from exporters.labels import Label, write_label_sheet
from museum_collections.models import Location, Movement, Work
from museum_collections.scan import admin_url, resolve_code, scan_code_of, scan_url
from museum_collections.services.movements import move
from tests.conftest import verified_login

from .places import Kind, place, store_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(museofile):
    return store_tree()


@pytest.fixture
def work(tree):
    work = Work.objects.create(inventory_number="2019.1.1", title="Portrait de femme")
    move(work, tree["shelf_1"], reason=Movement.Reason.STORAGE)
    return work


def as_user(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# Codes -------------------------------------------------------------------------------------


def test_a_code_finds_a_work_by_ref_or_inventory_number_and_a_location_in_any_case(work, tree):
    assert re.fullmatch(r"M5062\d{6}", work.joconde_ref)
    assert resolve_code(work.joconde_ref) == work
    assert resolve_code("  2019.1.1 ") == work
    assert resolve_code("res1-e1-t1") == tree["shelf_1"]
    assert resolve_code("RES1-E1-T1") == tree["shelf_1"]
    assert resolve_code("M5062999999") is None  # a REF of no work
    assert resolve_code("NOWHERE") is None
    assert resolve_code("  ") is None


def test_a_location_label_finds_its_location_even_if_a_work_has_that_number(tree):
    Work.objects.create(inventory_number="S1")
    assert resolve_code("S1") == tree["gallery"]  # the printed code wins over a typed number


def test_the_scan_url_is_the_code_under_the_admin_base_url(work, tree, settings, rf):
    settings.WAGTAILADMIN_BASE_URL = "https://cartel.example.org/"
    assert scan_code_of(work) == work.joconde_ref and scan_code_of(tree["box"]) == "BX-12"
    assert scan_url(tree["box"]) == "https://cartel.example.org/scan/BX-12"
    request = rf.get("/", HTTP_HOST="localhost:8000")
    assert scan_url(work, request) == f"http://localhost:8000/scan/{work.joconde_ref}"


# /scan/<code> --------------------------------------------------------------------------------


def test_scanning_a_work_opens_its_admin_page(work, make_user):
    response = as_user(make_user("Registrar")).get(f"/scan/{work.joconde_ref}")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailsnippets_collections_work:edit", args=[work.pk])


def test_scanning_a_location_opens_its_admin_page_or_says_what_it_is(tree, make_user):
    response = as_user(make_user("Photographer")).get("/scan/res1-e1-t1")
    expected = admin_url(tree["shelf_1"])
    if expected:  # the locations' admin views are registered
        assert response.status_code == 302 and response["Location"] == expected
    else:
        assert response.status_code == 200 and response.json()["code"] == "RES1-E1-T1"


def test_a_code_typed_by_hand_is_found_too(work, make_user):
    response = as_user(make_user("Registrar")).get("/scan/", {"code": "2019.1.1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/edit/{work.pk}/")
    assert as_user(make_user("Curator")).get("/scan/").status_code == 200  # the form


def test_scan_pages_are_for_staff_who_may_see_locations(work, make_user):
    url = f"/scan/{work.joconde_ref}"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("wagtailadmin_login"))
    assert as_user(make_user("Researcher")).get(url).status_code == 403
    assert as_user(make_user("Documentalist")).get(url).status_code == 403


def test_an_unknown_code_says_it_was_not_found_and_what_to_do(tree, make_user):
    response = as_user(make_user("Registrar")).get("/scan/ZZ-404")
    assert response.status_code == 404
    page = response.content.decode()
    assert "ZZ-404" in page and "not found" in page and "inventory number" in page


# Labels ------------------------------------------------------------------------------------


@pytest.fixture
def stocked(tree):
    """Works on shelf 1, in the box on it, and on shelf 2; a closed drawer on shelf 1."""
    place("RES1-E1-T1-OLD", Kind.SHELF, tree["shelf_1"], "Ancien tiroir", is_active=False)
    where = {
        "2019.1.10": tree["shelf_1"],
        "2019.1.2": tree["shelf_1"],
        "2019.1.3": tree["box"],
        "2020.4.1": tree["shelf_2"],
    }
    for number, location in where.items():
        work = Work.objects.create(inventory_number=number, title=f"Vase n° {number}")
        move(work, location, reason=Movement.Reason.STORAGE)
    deleted = Work.objects.create(
        inventory_number="2019.1.9", is_deleted=True, deletion_reason="Doublon"
    )
    move(deleted, tree["shelf_1"], reason=Movement.Reason.STORAGE)
    return tree


def test_labels_of_a_shelf_its_box_and_the_works_on_it(stocked, tmp_path, capsys):
    output = tmp_path / "labels.pdf"
    call_command("print_labels", location="res1-e1-t1", output=output)

    assert capsys.readouterr().out.strip() == (
        f"4 labels (2 works, 2 locations) on 1 page → {output}"
    )
    text = pdf_text(output)
    refs = {w.inventory_number: w.joconde_ref for w in Work.objects.all()}
    for expected in (
        "RES1-E1-T1",
        "Tablette 1",
        "BX-12",
        "Boîte 12",
        refs["2019.1.2"],
        "Vase n° 2019.1.2",
        refs["2019.1.10"],
    ):
        assert expected in text
    assert refs["2019.1.3"] not in text  # in the box: only with --recursive
    assert "RES1-E1-T1-OLD" not in text and refs["2019.1.9"] not in text  # closed, deleted
    # the shelf, its works by inventory number, then the box
    order = [text.index(code) for code in ("Tablette 1", "2019.1.2", "2019.1.10", "BX-12")]
    assert order == sorted(order)


def test_recursive_works_only_labels_follow_the_tree(stocked, tmp_path, capsys):
    output = tmp_path / "works.pdf"
    call_command("print_labels", location="RES1", output=output, recursive=True, works_only=True)
    assert "4 labels (4 works, 0 locations)" in capsys.readouterr().out
    text = pdf_text(output)
    order = [text.index(number) for number in ("2019.1.2", "2019.1.10", "2019.1.3", "2020.4.1")]
    assert order == sorted(order)
    assert "Réserve 1" not in text


def test_locations_only(stocked, tmp_path, capsys):
    call_command(
        "print_labels",
        location="RES1-E1",
        output=tmp_path / "l.pdf",
        recursive=True,
        locations_only=True,
    )
    assert "4 labels (0 works, 4 locations)" in capsys.readouterr().out


def test_thirty_labels_fill_two_sheets_with_a_qr_code_and_a_barcode_each(tree, tmp_path, capsys):
    for i in range(1, 30):
        work = Work.objects.create(inventory_number=f"2021.3.{i}", title=f"Tesson {i}")
        move(work, tree["shelf_2"], reason=Movement.Reason.STORAGE)
    output = tmp_path / "shelf.pdf"
    call_command("print_labels", location="RES1-E1-T2", output=output)
    assert "30 labels (29 works, 1 locations) on 2 pages" in capsys.readouterr().out

    reader = PdfReader(output)
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "RES1-E1-T2" in first and "2021.3.23" in first and "2021.3.24" in second
    # QR modules and bars are filled rectangles: hundreds per label
    rectangles = [page.get_contents().get_data().count(b" re") for page in reader.pages]
    assert rectangles[0] > 24 * 150 and rectangles[1] > 6 * 150


def test_the_label_sheet_is_written_whole_or_not_at_all(tmp_path):
    output = tmp_path / "labels.pdf"
    labels = [
        Label(f"Objet {i}", "Sous-titre", f"CODE-{i}", f"https://x/scan/CODE-{i}")
        for i in range(30)
    ]
    assert write_label_sheet(output, labels) == 2
    assert write_label_sheet(output, labels[:2], skip=23) == 2  # a sheet already partly used
    before = output.read_bytes()
    with pytest.raises(ValueError, match="no labels"):
        write_label_sheet(output, [])
    assert output.read_bytes() == before and list(tmp_path.iterdir()) == [output]


def test_an_unknown_location_says_how_to_list_the_codes(tree, tmp_path, capsys):
    with pytest.raises(CommandError, match="--list"):
        call_command("print_labels", location="NOPE", output=tmp_path / "x.pdf")
    call_command("print_labels", list=True)
    listing = capsys.readouterr().out
    assert "RES1-E1-T1\tMusée départemental › Réserves" in listing
    assert Location.objects.count() == len(listing.splitlines())
