"""`export_opendata`: the published works, public fields only, with the licence stated."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from museum_collections.models import Person, Work

pytestmark = pytest.mark.django_db
MARKER = "PRIVATE-3c1d"


@pytest.fixture
def catalogue(test_data, vocabularies):
    fixtures = test_data / "joconde"
    call_command(
        "import_joconde",
        *map(str, sorted((fixtures / "mistral-xml-harvest").glob("*.xml"))),
        "--publish",
        stdout=StringIO(),
    )
    donor = Person.objects.create(name=MARKER, email="donor@example.org", address=MARKER)
    Work.objects.update(
        internal_notes=MARKER,
        insurance_value=987654321,
        acquisition_price=123456789,
        acquisition_source=donor,
        deletion_reason=MARKER,
    )
    Work.objects.filter(joconde_ref="05000000091").update(is_public=False)


def export(fmt, tmp_path):
    path = tmp_path / f"works.{fmt}"
    call_command("export_opendata", "--format", fmt, "--output", str(path), stdout=StringIO())
    return path


def test_csv_and_jsonl_hold_the_published_works_with_the_licence(catalogue, tmp_path):
    rows = list(csv.DictReader(export("csv", tmp_path).open(encoding="utf-8")))
    lines = [json.loads(line) for line in export("jsonl", tmp_path).open(encoding="utf-8")]
    assert len(rows) == len(lines) == 14
    assert all(r["licence"].startswith("Licence Ouverte / Etalab 2.0") for r in rows + lines)
    tulle = next(r for r in lines if r["joconde_ref"] == "05000000115")
    assert tulle["title"] == "La terrasse de Pebeyre"
    assert tulle["makers"] == "Gaston Vuillier (dessinateur)"
    assert tulle["domains"] == "dessin"
    assert "05000000091" not in {r["joconde_ref"] for r in rows}
    assert {k: str(v) for k, v in tulle.items()} == next(
        r for r in rows if r["joconde_ref"] == "05000000115"
    )


def test_no_private_field_reaches_the_open_data(catalogue, tmp_path):
    for fmt in ("csv", "jsonl"):
        text = export(fmt, tmp_path).read_text(encoding="utf-8")
        for secret in (MARKER, "987654321", "123456789", "donor@example.org"):
            assert secret not in text
        header = text.splitlines()[0]
        for private in (
            "internal_notes",
            "insurance_value",
            "acquisition_price",
            "imported_records",
            "normal_location",
        ):
            assert private not in header
