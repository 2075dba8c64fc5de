"""Exporting 100,000 works to Joconde XML: time against a plain lxml write, and memory.

Builds the works (bench/catalogue.py's generator: title, date, domain, denomination, maker,
two dimensions), marks them for Joconde, runs `export_joconde --format xml` (notices built from
the database, checked, written, validated against the schema), then rewrites the same elements
with nothing but lxml (`iterparse` of our file and `xmlfile`), in the same run.

    .venv/bin/python bench/export.py [--works 100000] [--database-url postgres://…]
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from catalogue import (  # noqa: E402  (bench/catalogue.py)
    SURNAMES,
    add_works,
    build_vocabulary,
    scratch_database,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plain_lxml_copy(source: Path, target: Path) -> int:
    from lxml import etree

    count = 0
    with target.open("wb") as out, etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("notices"):
            for _event, notice in etree.iterparse(str(source), tag="notice"):
                element = etree.Element("notice")
                for child in notice:
                    etree.SubElement(element, child.tag).text = child.text
                xf.write(element)
                count += 1
                notice.clear(keep_tail=False)
                while notice.getprevious() is not None:
                    del notice.getparent()[0]
    return count


def main():
    args = parse_args()
    url = scratch_database(args.database_url)
    from django.db import connection

    from museum_collections.models import Person, Work

    build_vocabulary()
    Person.objects.bulk_create(
        Person(name=f"Jean {surname}", surname=surname, forenames="Jean", sort_name=surname.lower())
        for surname in SURNAMES
    )
    add_works(0, args.works, random.Random(20261204), list(Person.objects.all()))
    Work.objects.update(in_joconde=True, owner="Département")
    print(f"{Work.objects.count():,} works; memory {peak_mb():.0f} MB before the export")

    folder = Path(tempfile.mkdtemp(prefix="cartel-export-"))
    ours = folder / "joconde.xml"
    connection.close()
    # In a process of its own, so that its peak memory is the export's, not the build's.
    started = time.perf_counter()
    subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", "export_joconde", "--format", "xml", "--output", str(ours)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    exported = time.perf_counter() - started
    export_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    started = time.perf_counter()
    count = plain_lxml_copy(ours, folder / "plain.xml")
    plain = time.perf_counter() - started

    print(f"\n{'step':<44}{'notices':>9}{'seconds':>9}{'ratio':>8}")
    print(f"{'plain lxml (iterparse + xmlfile), baseline':<44}{count:>9,}{plain:>9.2f}{1:>7.1f}×")
    print(
        f"{'export_joconde --format xml (+ validation)':<44}{count:>9,}{exported:>9.2f}"
        f"{exported / plain:>7.1f}×  (target ≤ 3×)"
    )
    print(
        f"\npeak resident memory of the export process: {export_mb:.0f} MB (target: under 200 MB)"
    )
    print(f"file: {ours} ({ours.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
