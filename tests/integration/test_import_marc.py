"""`manage.py import_marc` on the real shared records: counts, exact values, a second run that
changes nothing, rejected records reported, unreadable files writing nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import ReferenceIndex

from documentation.models import BibliographicRecord
from museum_collections.models import Person

pytestmark = pytest.mark.django_db


def run(*args, report):
    out = StringIO()
    code = 0
    try:
        call_command(
            "import_marc", *map(str, args), "--report", str(report), stdout=out, stderr=out
        )
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue()


@pytest.fixture
def unimarc(test_data):
    folder = test_data / "unimarc"
    return [
        *sorted((folder / "iso2709").glob("bsg_*.mrc")),
        *sorted((folder / "xml").glob("bnf_*.xml")),
    ]


def test_french_library_records_with_their_accents_and_authors(unimarc, tmp_path):
    code, output = run(*unimarc, report=tmp_path / "r.csv")
    assert code == 0 and "100 were created" in output
    assert BibliographicRecord.objects.count() == 100
    record = BibliographicRecord.objects.get(record_id="046331514")
    assert (record.title, record.publisher, record.publication_year) == (
        "Œuvres choisies",
        "A. Rousseau",
        1911,
    )
    assert record.authors.get().person.birth_date == "1836"
    potter = BibliographicRecord.objects.get(record_id="FRBNF370903960000006")
    assert potter.title == "Harry Potter à l'école des sorciers"
    assert [(a.person.name, a.role) for a in potter.authors.all()] == [
        ("J. K. Rowling", "070"),
        ("Jean-François Ménard", "730"),
    ]
    assert potter.source_format == "unimarc" and potter.raw["leader"]
    rowling = potter.authors.first().person  # Wagtail's "usage" of the person shows the record
    assert ReferenceIndex.get_references_to(rowling).filter(object_id=str(potter.pk)).exists()


def test_a_second_run_changes_nothing(unimarc, tmp_path):
    run(*unimarc, report=tmp_path / "r.csv")
    people = Person.objects.count()
    stamps = sorted(BibliographicRecord.objects.values_list("pk", "updated_at"))
    code, output = run(*unimarc, report=tmp_path / "r.csv")
    assert code == 0 and "0 were created, 0 updated, 101 unchanged" in output
    assert Person.objects.count() == people
    assert stamps == sorted(BibliographicRecord.objects.values_list("pk", "updated_at"))


def test_a_dry_run_writes_nothing(unimarc, tmp_path):
    code, output = run(*unimarc, "--dry-run", report=tmp_path / "r.csv")
    assert code == 0 and "100 would be created" in output
    assert not BibliographicRecord.objects.exists() and not Person.objects.exists()


def test_malformed_records_are_rejected_one_by_one_and_reported(test_data, tmp_path):
    files = sorted((test_data / "marc21" / "malformed").iterdir())
    report = tmp_path / "rejected.csv"
    code, output = run(*files, report=report)
    assert code == 1 and "15 rejected" in output
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 16 and "pymarc_bad_records.mrc;9;;" in report.read_text("utf-8-sig")
    assert BibliographicRecord.objects.count() == 2  # the readable ones went in


def test_an_unreadable_file_writes_nothing_of_itself(test_data, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a '
        '4500</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">&b;</subfield>'
        "</datafield></record></collection>"
    )
    good = test_data / "unimarc" / "iso2709" / "bsg_cotesBR.mrc"
    code, output = run(good, bomb, report=tmp_path / "r.csv")
    assert code == 2 and "bomb.xml could not be read, nothing of it was written" in output
    assert "4 were created" in output
    assert BibliographicRecord.objects.count() == 4  # the good file went in


def test_the_import_checks_what_the_model_would_refuse():
    from django.core.exceptions import ValidationError

    from documentation.services import _check

    good = {
        "title": "Œuvres",
        "record_type": "book",
        "source_format": "unimarc",
        "languages": "fre",
    }
    _check("046331514", good)  # no error
    for values, field in (
        ({**good, "title": "x" * 2000}, "title"),
        ({**good, "record_type": "poster"}, "record_type"),
        ({**good, "languages": "français"}, "languages"),
    ):
        with pytest.raises(ValidationError) as error:
            _check("1", values)
        assert list(error.value.message_dict) == [field]
        with pytest.raises(ValidationError) as model_error:
            BibliographicRecord(record_id="1", **values).full_clean(validate_unique=False)
        assert field in model_error.value.message_dict  # the model says the same
    with pytest.raises(ValidationError, match="99999 is not a year"):  # PostgreSQL's smallint
        _check("1", {**good, "publication_year": 99999})
