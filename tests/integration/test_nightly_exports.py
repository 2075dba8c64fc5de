"""`nightly_exports`: every configured export, one at a time, under a lock, with a kept log."""

import fcntl
from io import StringIO

import pytest
from django.core.management import call_command

from museum_collections.models import Work

pytestmark = pytest.mark.django_db


@pytest.fixture
def exports(settings, tmp_path, test_data):
    settings.CARTEL_EXPORT_DIR = tmp_path
    settings.CARTEL_NIGHTLY_KEEP_REPORTS = 2
    call_command(
        "import_joconde",
        str(test_data / "joconde" / "pop-fixtures" / "joconde-valid-UTF-8.txt"),
        "--publish",
        stdout=StringIO(),
    )
    return tmp_path


def run():
    out, err = StringIO(), StringIO()
    try:
        call_command("nightly_exports", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def test_every_export_is_written_and_logged_and_old_logs_go(exports, settings):
    for _night in range(3):
        code, output = run()
        assert code == 0, output
    assert "5 exports done, 0 failed" in output
    for name in ("joconde.txt", "joconde.xml", "oeuvres.csv", "oeuvres.jsonl", "lido.xml"):
        assert (exports / name).stat().st_size > 0, name
    logs = sorted((exports / "reports").glob("nightly-*.log"))
    assert len(logs) == 2  # the last two nights kept
    assert "== export_joconde --format txt" in logs[-1].read_text(encoding="utf-8")


def test_a_failed_export_is_reported_and_the_others_still_run(exports, settings):
    settings.CARTEL_NIGHTLY_EXPORTS = [
        ("export_joconde", ["--format", "txt", "--output", "joconde.txt"]),
        ("export_opendata", ["--format", "csv", "--output", "nowhere/oeuvres.csv"]),
        ("export_opendata", ["--format", "jsonl", "--output", "oeuvres.jsonl"]),
    ]
    code, output = run()
    assert code == 1
    assert "2 exports done, 1 failed" in output
    assert (exports / "joconde.txt").exists() and (exports / "oeuvres.jsonl").exists()


def test_two_runs_never_overlap(exports):
    with (exports / ".nightly.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, output = run()
    assert code == 2 and "Another nightly_exports is running" in output
    assert not (exports / "joconde.txt").exists()
    assert Work.objects.count() == 3
