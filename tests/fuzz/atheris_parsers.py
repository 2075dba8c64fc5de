"""Coverage-guided fuzzing of the parsers with atheris, run by hand (not by pytest).

atheris is not a project dependency; its manylinux wheel for CPython 3.11 installs without
compiling, e.g. outside the virtualenv:

    .venv/bin/python -m pip install --target /tmp/atheris atheris
    PYTHONPATH=/tmp/atheris .venv/bin/python -m tests.fuzz.atheris_parsers marc -runs=200000

Parsers: marc, csv, xlsx, filemaker, joconde, dates, inventory. Any exception other than the
documented ones (MarcFileError, SourceFileError) is a crash: atheris stops and writes the
input to crash-<sha1>; add it to the matching test of tests/fuzz as an @example.
"""

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from importers import filemaker, joconde, marc, tabular
    from importers.records import SourceFileError
    from museum_collections.dating import parse_date
    from museum_collections.inventory_numbers import parse_inventory_number

FOLDER = Path(tempfile.mkdtemp(prefix="atheris-"))


def through_a_file(suffix: str, read):
    path = FOLDER / f"input{suffix}"

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            for _ in read(path):
                pass
        except (SourceFileError, marc.MarcFileError):
            pass

    return one_input


def text_parser(parse):
    def one_input(data: bytes) -> None:
        text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(300)
        if text.strip():
            parse(text)

    return one_input


TARGETS = {
    "marc": through_a_file(".mrc", marc.read_records),
    "csv": through_a_file(".csv", tabular.read_rows),
    "xlsx": through_a_file(".xlsx", tabular.read_rows),
    "filemaker": through_a_file(".xml", filemaker.read_rows),
    "joconde": through_a_file(".txt", joconde.read_objects),
    "dates": text_parser(parse_date),
    "inventory": text_parser(parse_inventory_number),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"Give the parser to fuzz first: one of {', '.join(TARGETS)}.")
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()
