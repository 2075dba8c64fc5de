"""Importing 10,000 UNIMARC records: time against a plain pymarc read, and memory.

Builds an ISO 2709 file of --records records by repeating the shared BSG files (tests/data),
each copy with its own 001 so that every record is new, then prints, in one run:

* the time of a plain pymarc read of the file (the baseline), of our reader alone, and of
  `manage.py import_marc` into a scratch database, with the ratio to the baseline
  (target for the import: at most 3×);
* the peak resident memory after the baseline and after the import (target: flat, under 200 MB).

    .venv/bin/python bench/import_marc.py                  # SQLite, temporary file
    .venv/bin/python bench/import_marc.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from catalogue import scratch_database  # noqa: E402  (bench/catalogue.py)

SOURCES = sorted((ROOT / "tests" / "data" / "unimarc" / "iso2709").glob("bsg_*.mrc"))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def build_file(path: Path, count: int) -> int:
    """Repeat the shared records, renumbering 001, until ``count`` records are written."""
    import pymarc

    records = []
    for source in SOURCES:
        with source.open("rb") as handle:
            records += [r for r in pymarc.MARCReader(handle, force_utf8=True) if r is not None]
    written = 0
    with path.open("wb") as out:
        while written < count:
            for record in records:
                if written == count:
                    break
                for field in record.get_fields("001"):
                    record.remove_field(field)
                record.add_ordered_field(pymarc.Field(tag="001", data=f"BENCH{written:07d}"))
                record.leader = record.leader[:9] + "a" + record.leader[10:]
                out.write(record.as_marc())
                written += 1
    return written


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    args = parse_args()
    scratch_database(args.database_url)
    import pymarc
    from django.core.management import call_command

    from importers.marc import read_records

    data = Path(tempfile.mkdtemp(prefix="cartel-marc-")) / "bench.mrc"
    count = build_file(data, args.records)
    print(f"{count:,} records, {data.stat().st_size / 1e6:.1f} MB in {data}")

    started = time.perf_counter()
    with data.open("rb") as handle:
        plain = sum(1 for r in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True) if r)
    baseline = time.perf_counter() - started
    baseline_mb = peak_mb()

    started = time.perf_counter()
    ours = sum(1 for _record in read_records(data))
    reader = time.perf_counter() - started

    started = time.perf_counter()
    call_command(
        "import_marc", str(data), "--report", str(data.with_suffix(".csv")), stdout=io.StringIO()
    )
    imported = time.perf_counter() - started
    import_mb = peak_mb()

    print(f"\n{'step':<36}{'records':>9}{'seconds':>9}{'ratio':>8}")
    print(f"{'plain pymarc read (baseline)':<36}{plain:>9,}{baseline:>9.2f}{1:>7.1f}×")
    print(f"{'our reader (decode + detect)':<36}{ours:>9,}{reader:>9.2f}{reader / baseline:>7.1f}×")
    print(
        f"{'import_marc into the database':<36}{count:>9,}{imported:>9.2f}"
        f"{imported / baseline:>7.1f}×  (target ≤ 3×)"
    )
    print(
        f"\npeak resident memory: {baseline_mb:.0f} MB after the baseline, "
        f"{import_mb:.0f} MB after the import (target: flat, under 200 MB)"
    )


if __name__ == "__main__":
    main()
