"""How long each migration of our apps takes on a live-size database, and what it locks.

Builds a scratch database (see bench/catalogue.py) holding --works works (default 100,000)
with their parts, a draft inventory entry each (--validated of them validated, hash-chained),
and one movement each into boxes on shelves. Then, for each app (collections, documentation,
portal), migration by migration from the newest back to the second one:

1. migrate the app back to just before migration M (Django unapplies M, the newer migrations
   of the app and those of other apps that depend on them), timing M's reversal;
2. migrate everything forward again, timing M's application.

Why this replay is honest: when M is re-applied, every table created before M still holds the
full data set (only tables created by M or later were dropped, and those belong to migrations
already measured), so M meets the rows it would meet on a live database; a table M creates is
empty, as it would be. The initial migrations are not replayed: undoing them drops the data,
and on a live database they never run again. Irreversible migrations are reported as such.

For each migration the SQL it ran is recorded and classified: on SQLite, a migration holds the
database's write lock until it commits (readers go on in WAL mode; every writer waits), and
"table rebuild" means the whole table is copied; on PostgreSQL, each statement's lock is named
(ACCESS EXCLUSIVE blocks reads and writes, SHARE / SHARE ROW EXCLUSIVE block writes) and held
until the migration commits, so the migration's time is how long the site waits.

    .venv/bin/python bench/migrations.py                       # SQLite, temporary file
    .venv/bin/python bench/migrations.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import SURNAMES, add_works, build_vocabulary, scratch_database
from movements import build_store, fill_shelves

APPS = ("collections", "documentation", "portal")

# PostgreSQL: the lock each kind of statement takes on an existing table, strongest first.
POSTGRESQL_LOCKS = [
    (
        r"^ALTER TABLE \"?(\w+)\"? ADD CONSTRAINT .* FOREIGN KEY",
        "SHARE ROW EXCLUSIVE (writes wait)",
    ),
    (r"^ALTER TABLE \"?(\w+)\"?", "ACCESS EXCLUSIVE (reads and writes wait)"),
    (r"^DROP TABLE (?:IF EXISTS )?\"?(\w+)\"?", "ACCESS EXCLUSIVE (reads and writes wait)"),
    (r"^CREATE (?:UNIQUE )?INDEX (?!CONCURRENTLY).* ON \"?(\w+)\"?", "SHARE (writes wait)"),
    (r"^CREATE TRIGGER .* ON \"?(\w+)\"?", "SHARE ROW EXCLUSIVE (writes wait)"),
    (r"^(?:UPDATE|DELETE FROM|INSERT INTO) \"?(\w+)\"?", "ROW EXCLUSIVE (rows written)"),
]
# SQLite: what a statement does to an existing table (the write lock covers the whole database).
SQLITE_CHANGES = [
    (r'^CREATE TABLE "new__(\w+)"', "table rebuild (whole table copied)"),
    (r"^ALTER TABLE \"?(\w+)\"? ADD COLUMN", "column added"),
    (r"^CREATE (?:UNIQUE )?INDEX .* ON \"?(\w+)\"?", "index built"),
    (r"^CREATE TRIGGER .* ON \"?(\w+)\"?", "trigger created"),
    (r"^(?:UPDATE|DELETE FROM|INSERT INTO) \"?(\w+)\"?", "rows written"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--validated", type=int, default=1_000)
    parser.add_argument("--top", type=int, default=10, help="how many slow migrations to print")
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def build(works, validated):
    from django.contrib.auth import get_user_model

    from museum_collections.models import InventoryEntry, Person, Work
    from museum_collections.services import register

    rng = random.Random(20261204)
    build_vocabulary()
    Person.objects.bulk_create(Person(name=f"Maurice {s}", sort_name=s.lower()) for s in SURNAMES)
    add_works(0, works, rng, list(Person.objects.all()))
    for first in range(0, works, 5_000):
        InventoryEntry.objects.bulk_create(
            InventoryEntry(
                work_id=work.pk,
                inventory_number=work.inventory_number,
                inventory_sort_key=work.inventory_sort_key,
                designation=f"Tableau : {work.title}",
                acquisition_mode="don",
                acquisition_source="Famille de l'artiste",
                legacy_numbering=True,  # the builders' numbers are not all of the 2004 form
            )
            for work in Work.objects.order_by("pk")[first : first + 5_000]
        )
    print(f"  {works:,} draft inventory entries", flush=True)
    registrar = get_user_model().objects.create_user("registrar", first_name="Anne")
    for entry in InventoryEntry.objects.order_by("inventory_sort_key")[:validated]:
        register.validate_entry(entry, registrar)
    print(f"  {validated:,} entries validated", flush=True)
    fill_shelves(build_store(), 0, works, 2_000, "T")


class Recorder:
    """Times each migration applied or unapplied, and keeps the SQL it ran."""

    def __init__(self):
        self.current = None
        self.started = 0.0
        self.done = []  # (action, app, name, seconds, statements)
        self.statements = []

    def progress(self, action, migration=None, fake=False):
        if action in ("apply_start", "unapply_start"):
            self.current, self.started, self.statements = migration, time.perf_counter(), []
        elif action in ("apply_success", "unapply_success"):
            seconds = time.perf_counter() - self.started
            self.done.append(
                (
                    action.split("_")[0],
                    migration.app_label,
                    migration.name,
                    seconds,
                    self.statements,
                )
            )
            self.current = None

    def capture(self, execute, sql, params, many, context):
        if self.current is not None:
            self.statements.append(" ".join(str(sql).split()))
        return execute(sql, params, many, context)


def migrate(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    recorder = Recorder()
    executor = MigrationExecutor(connection, recorder.progress)
    with connection.execute_wrapper(recorder.capture):
        executor.migrate(targets)
    return recorder.done


def chain_of(app):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection).graph
    leaf = next(node for node in graph.leaf_nodes() if node[0] == app)
    return [node for node in graph.forwards_plan(leaf) if node[0] == app]


def replay():
    """{(app, name): {"apply": (seconds, statements), "unapply": ...}} (see the docstring)."""
    from django.db import connection
    from django.db.migrations.exceptions import IrreversibleError
    from django.db.migrations.loader import MigrationLoader

    results = defaultdict(dict)
    everything = MigrationLoader(connection).graph.leaf_nodes()
    for app in APPS:
        chain = chain_of(app)
        for before, migration in reversed(list(zip(chain, chain[1:], strict=False))):
            try:
                for _action, app_label, name, seconds, sql in migrate([before]):
                    if (app_label, name) == migration:
                        results[migration]["unapply"] = (seconds, sql)
            except IrreversibleError as error:
                results[migration]["irreversible"] = str(error)
                migrate(everything)
                break
            for _action, app_label, name, seconds, sql in migrate(everything):
                if (app_label, name) == migration:
                    results[migration]["apply"] = (seconds, sql)
            print(f"  {app}.{migration[1]}: {results[migration]['apply'][0]:.2f} s", flush=True)
    return results


def locks(statements, vendor):
    """What a migration's statements do to tables that existed before it, one line each."""
    found, created = {}, {"django_migrations"}
    for sql in statements:
        new_table = re.match(r'^CREATE TABLE "(\w+)"', sql)
        if new_table and not new_table.group(1).startswith("new__"):
            created.add(new_table.group(1))
        for pattern, lock in SQLITE_CHANGES if vendor == "sqlite" else POSTGRESQL_LOCKS:
            match = re.match(pattern, sql)
            if match and not match.group(1).startswith("new__"):
                found.setdefault(match.group(1), set()).add(lock)
                break
    return {
        table: ", ".join(sorted(kinds)) for table, kinds in found.items() if table not in created
    }


def report(results, vendor, works, top):
    rows = [
        (timing["apply"][0], migration, timing)
        for migration, timing in results.items()
        if "apply" in timing
    ]
    rows.sort(key=lambda row: row[0], reverse=True)
    print(f"\nMigrations replayed on {works:,} works ({vendor}), slowest first:")
    print(f"{'migration':<44}{'apply':>9}{'reverse':>9}  locks held until commit")
    for seconds, (app, name), timing in rows[:top]:
        back = timing.get("unapply", (None,))[0]
        held = locks(timing["apply"][1], vendor)
        what = (
            "; ".join(f"{table}: {lock}" for table, lock in held.items())
            or "new tables only, nothing existing touched"
        )
        back_text = f"{back:>8.2f}s" if back is not None else f"{'—':>9}"
        print(f"{app + '.' + name:<44}{seconds:>8.2f}s{back_text}  {what}")
    for (app, name), timing in results.items():
        if "irreversible" in timing:
            print(f"{app}.{name}: irreversible, not replayed ({timing['irreversible']})")
    if vendor == "sqlite":
        print(
            "SQLite: during each migration every writer waits (readers go on, WAL); "
            "total of all migrations replayed: "
            f"{sum(row[0] for row in rows):.1f} s."
        )


def main():
    args = parse_args()
    scratch_database(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    build(args.works, args.validated)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Built in {time.perf_counter() - started:.0f} s; replaying the migrations…", flush=True)
    results = replay()
    report(results, connection.vendor, args.works, args.top)


if __name__ == "__main__":
    main()
