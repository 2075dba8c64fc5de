"""No half-written data: the real import commands on damaged files, against the database.

The contract (collections/management/import_command.py, services/work_import.py): a file that
cannot be read writes nothing (exit 2); otherwise every record is either written whole or
listed in the report with its file, record number and reason (exit 0 or 1).
"""

import csv
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from importers.joconde import read_objects
from importers.mapping import load_mapping
from importers.records import ObjectRecord, SourceFileError
from museum_collections.models import Person, Work

from .strategies import data_file, examples, mutated, safe_text, tried

pytestmark = pytest.mark.django_db
DB_SETTINGS = settings(
    max_examples=examples(25), suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("imports")


SUMMARY = re.compile(
    r"([\d,]+) records in .*?: (\d+) were created, (\d+) updated, (\d+) unchanged, (\d+) rejected"
)


def run(command, *args, report: Path) -> tuple[int, str]:
    report.unlink(missing_ok=True)
    out = StringIO()
    try:
        call_command(command, *map(str, args), "--report", str(report), stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def rejected_in(report: Path) -> list[dict]:
    if not report.exists():
        return []
    with report.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    return [row for row in rows if row["record"]]


def expected(read, path: Path):
    """What the reader gives for the file, or None when it refuses the file."""
    try:
        return list(read(path))
    except SourceFileError:
        return None


def check_all_or_accepted(command, args, read, path: Path, report: Path) -> None:
    """Within a savepoint rolled back afterwards, so that each example starts empty."""
    items = expected(read, path)
    with transaction.atomic():
        works_before, people_before = Work.objects.count(), Person.objects.count()
        code, output = run(command, *args, report=report)
        if items is None:
            assert code == 2, output
            assert Work.objects.count() == works_before and Person.objects.count() == people_before
        else:
            assert code in (0, 1), output
            counts = SUMMARY.search(output).group(1, 2, 3, 4, 5)
            total, created, updated, unchanged, rejected = (int(c.replace(",", "")) for c in counts)
            # Every record is written whole or rejected: none lost, none half-written.
            assert total == len(items) == created + rejected and not updated and not unchanged
            assert (code == 1) == bool(rejected)
            records = {i.inventory_number: i for i in items if isinstance(i, ObjectRecord)}
            works = list(Work.objects.prefetch_related("dimensions"))
            assert len(works) == created and {w.inventory_number for w in works} <= set(records)
            reported = {int(row["record"]) for row in rejected_in(report)}
            assert {i.record_number for i in items if not isinstance(i, ObjectRecord)} <= reported
            for work in works:
                record = records[work.inventory_number]
                assert work.dimensions.count() == len(record.dimensions)
                assert work.imported_records[args_source(command, args)] == record.raw
        tried(f"{command} (database)")
        transaction.set_rollback(True)


def args_source(command, args) -> str:
    return "joconde" if command == "import_joconde" else Path(args[2]).stem


VALUE = safe_text(max_size=30).map(lambda t: "".join(c for c in t if c.isprintable()))


def joconde_txt(notices) -> bytes:
    lines = []
    for number, (autr, dims, title) in enumerate(notices, 1):
        lines += ["REF", f"M5062{number:06d}", "INV", f"2019.1.{number}", "DOMN", "peinture"]
        lines += ["AUTR", autr, "DIMS", dims, "TITR", title, "//"]
    return "\r\n".join(lines).encode() + b"\r\n"


NOTICES = st.lists(
    st.tuples(
        VALUE | st.sampled_from(["VUILLIER Gaston (dessinateur)", "X" * 300]),
        VALUE | st.sampled_from(["H. 61, l. 50", "H. 1234567890123", "Hauteur en cm 26.8"]),
        VALUE | st.just("T" * 2000),
    ),
    min_size=1,
    max_size=4,
)


@DB_SETTINGS
@given(notices=NOTICES, data=st.data(), damage=st.booleans())
@example(notices=[("X" * 300, "", "")], data=None, damage=False)
@example(notices=[("", "H. 1234567890123", "")], data=None, damage=False)
def test_import_joconde_writes_whole_records_or_nothing(folder, notices, data, damage):
    original = joconde_txt(notices)
    path = folder / "notices.txt"
    path.write_bytes(data.draw(mutated(original, max_ops=2)) if damage and data else original)
    check_all_or_accepted("import_joconde", [path], read_objects, path, folder / "report.csv")


MAPPING = (
    'key = "numéro"\n[fields]\ntitle = "titre"\n{extra}\n'
    '[makers]\nname = "auteur"\nsplit = ";"\ninverted = true\n'
    '[[dimensions]]\ncolumn = "hauteur"\nkind = "height"\nunit = "in"\n'
)
EXTRA = {  # the columns that only some of the files have
    "inventaire.tsv": 'inscriptions_note = "inscriptions"',
    "inventaire_cp1252.csv": '[terms.DOMN]\ncolumn = "domaine"',
    "inventaire_utf16.csv": '[terms.DOMN]\ncolumn = "domaine"',
}


@DB_SETTINGS
@given(
    data=st.data(),
    name=st.sampled_from(["inventaire.tsv", "inventaire_cp1252.csv", "inventaire_utf16.csv"]),
)
def test_import_objects_writes_whole_records_or_nothing(folder, data, name):
    mapping = folder / "inventaire.toml"
    mapping.write_text(MAPPING.format(extra=EXTRA[name]), encoding="utf-8")
    original = data_file(f"malformed-objects/{name}")
    path = folder / name
    path.write_bytes(data.draw(mutated(original, max_ops=3)))
    rules = load_mapping(mapping)
    check_all_or_accepted(
        "import_objects", [path, "--mapping", mapping], rules.read, path, folder / "report.csv"
    )


MAPPINGS = Path(__file__).resolve().parents[2] / "importers" / "mappings"


@settings(max_examples=examples(10), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@example(data=None)
def test_a_filemaker_export_cut_or_damaged_midway_writes_whole_rows_or_nothing(folder, data):
    """Rows read before the damage are rolled back when the file turns out unreadable."""
    original = data_file("filemaker/fmpxmlresult_bell_gallery_subset-a_raw.xml")
    if data is None:  # cut in the middle of a row, as in malformed-objects/bell_gallery_cut.xml
        damaged = original[: len(original) // 2]
    else:
        damaged = data.draw(mutated(original, max_ops=2))
    path = folder / "bell.xml"
    path.write_bytes(damaged)
    mapping = MAPPINGS / "bell_gallery.toml"
    rules = load_mapping(mapping)
    check_all_or_accepted(
        "import_objects", [path, "--mapping", mapping], rules.read, path, folder / "report.csv"
    )


def test_a_file_unreadable_after_a_full_batch_writes_nothing(folder):
    """The loader writes by batches of 500: a file refused after its first batch (here the
    same REF twice, found at the last notice) must still leave nothing behind."""
    notices = [("", "", f"Titre {n}") for n in range(1, 521)]
    data = joconde_txt(notices) + b"REF\r\nM5062000001\r\nINV\r\n2019.9.9\r\n//\r\n"
    path = folder / "late-error.txt"
    path.write_bytes(data)
    check_all_or_accepted("import_joconde", [path], read_objects, path, folder / "report.csv")
    assert Work.objects.count() == 0
