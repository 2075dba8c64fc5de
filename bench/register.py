"""The inventory register at the museum's scale: validation, verification, the printed edition.

A retrospective inventory can put the whole collection (5,000+ works) in one year's register.
This builds --entries draft entries in a scratch database, then measures, first on
--baseline-entries and then on all of them: validating every entry (one transaction each, as
the admin does), `verify_register`, and `print_register` for the year. Per-entry costs are
printed with their ratio to the baseline: a ratio near 1 means the cost grows linearly.

    .venv/bin/python bench/register.py                       # SQLite, temporary file
    .venv/bin/python bench/register.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import datetime
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue import scratch_database  # noqa: E402  (bench/catalogue.py)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--baseline-entries", type=int, default=500)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def add_drafts(start, stop, year):
    from museum_collections.inventory_numbers import parse_inventory_number
    from museum_collections.models import InventoryEntry, Work

    works = []
    for index in range(start, stop):
        number = f"{year}.{index // 10 + 1}.{index % 10 + 1}"
        works.append(
            Work(
                inventory_number=number,
                inventory_sort_key=parse_inventory_number(number).sort_key,
                inventory_year=year,
                joconde_ref=f"M0000{index + 1:06d}",
                title=f"Étude pour le décor de la chapelle, n° {index + 1}",
            )
        )
    Work.objects.bulk_create(works, batch_size=1000)
    InventoryEntry.objects.bulk_create(
        (
            InventoryEntry(
                work=work,
                inventory_number=work.inventory_number,
                inventory_sort_key=work.inventory_sort_key,
                designation=f"Dessin : {work.title}",
                acquisition_mode="don",
                acquisition_source="Famille de l'artiste",
                materials="papier ; mine de plomb",
                measurements="H. 31,5 ; l. 24 cm",
                author="Maurice Denis (1870-1943)",
                period="vers 1899",
                registration_date=datetime.date(year, 3, 1),
            )
            for work in Work.objects.filter(inventory_year=year).order_by("pk")[start:stop]
        ),
        batch_size=1000,
    )


def measure(count, user, year, output):
    from django.core.management import call_command

    from museum_collections.models import InventoryEntry
    from museum_collections.services import register

    drafts = list(InventoryEntry.objects.drafts().order_by("inventory_sort_key"))
    started = time.perf_counter()
    for entry in drafts:
        register.validate_entry(entry, user)
    validate = time.perf_counter() - started

    started = time.perf_counter()
    (report, _deposits) = register.verify_registers()
    verify = time.perf_counter() - started
    assert report.ok and report.checked == count, report

    started = time.perf_counter()
    call_command("print_register", "--year", str(year), "--output", str(output), stdout=sys.stderr)
    edition = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        {
            "validate (ms per entry)": validate * 1000 / len(drafts),
            "verify_register (ms per entry)": verify * 1000 / count,
            "print_register (ms per entry)": edition * 1000 / count,
        },
        peak_mb,
        output.stat().st_size,
    )


def main():
    args = parse_args()
    scratch_database(args.database_url)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("registrar", first_name="Anne", last_name="Bench")
    year = 2024
    scratch = Path(tempfile.mkdtemp(prefix="cartel-register-"))

    add_drafts(0, args.baseline_entries, year)
    baseline, base_mb, base_size = measure(
        args.baseline_entries, user, year, scratch / "baseline.pdf"
    )
    add_drafts(args.baseline_entries, args.entries, year)
    large, large_mb, large_size = measure(args.entries, user, year, scratch / "edition.pdf")

    print(
        f"\n{'measure':<34}{args.baseline_entries:>8,} entries{args.entries:>10,} entries"
        f"{'ratio':>8}"
    )
    for name, value in large.items():
        print(f"{name:<34}{baseline[name]:>16.2f}{value:>18.2f}{value / baseline[name]:>7.2f}×")
    print(f"{'PDF size (MB)':<34}{base_size / 1e6:>16.1f}{large_size / 1e6:>18.1f}")
    print(f"{'peak resident memory (MB)':<34}{base_mb:>16.0f}{large_mb:>18.0f}")


if __name__ == "__main__":
    main()
