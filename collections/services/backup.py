"""Backups that restore: the database (one consistent snapshot, taken while the site runs) and
the media files, with a manifest that lists every file's size and SHA-256.

A backup is written into a hidden sibling folder (``.NAME.incomplete-…``) renamed to NAME only
when the manifest is written: a folder named NAME is always complete.

A restore checks everything it can before it changes anything (checksums, migrations known to
this code, an empty target database unless ``force``), copies the media next to MEDIA_ROOT's
files, restores the database in one transaction, and only then swaps the media in. What is not
all-or-nothing: the swap of media happens after the database is committed (a crash between the
two leaves the new media in MEDIA_ROOT/.cartel-restore-*: run the restore again with --force),
and ``migrate`` (when the code is newer than the backup) runs after the restore, migration by
migration.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
RESTORE_STAGING = ".cartel-restore-"
SET_ASIDE = ".cartel-before-restore-"
CHUNK = 1024 * 1024

# The main records counted in the manifest and compared after a restore.
RECORDS = {
    "works": "collections.Work",
    "inventory_entries": "collections.InventoryEntry",
    "deposit_entries": "collections.DepositEntry",
    "movements": "collections.Movement",
    "images": "collections.CartelImage",
    "documents": "collections.CartelDocument",
    "people": "collections.Person",
    "library_records": "documentation.BibliographicRecord",
    "archive_units": "documentation.ArchiveUnit",
}

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why and what to do."""


@dataclass
class Summary:
    files: int
    bytes: int
    seconds: float
    counts: dict[str, int]
    restored_counts: dict[str, int] | None = None
    notes: list[str] | None = None


# --- backup -------------------------------------------------------------------------------


def backup(output: Path, report: Report = print) -> Summary:
    """Write a complete backup into the new folder ``output``."""
    started = time.perf_counter()
    output = Path(output).absolute()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(
            _("%(folder)s already exists and is not empty: give a new folder.") % {"folder": output}
        )
    vendor = _vendor()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.incomplete-", dir=output.parent))
    try:
        report(_("Database (%(vendor)s)…") % {"vendor": vendor})
        database_file = staging / DATABASE_FILES[vendor]
        try:
            dump = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
            state = dump(database_file)
        except DatabaseError as error:
            raise BackupError(
                _("The database could not be read (%(error)s): nothing was written.")
                % {"error": str(error).strip()}
            ) from error
        files = {DATABASE_FILES[vendor]: _file_entry(database_file)}
        report(
            _("  %(size)s, %(works)s works.")
            % {
                "size": _size(files[DATABASE_FILES[vendor]]["size"]),
                "works": state["counts"]["works"],
            }
        )
        report(_("Media (%(folder)s)…") % {"folder": settings.MEDIA_ROOT})
        skipped = _copy_media(Path(settings.MEDIA_ROOT), staging / MEDIA, files, report)
        manifest = {
            "cartel_version": _cartel_version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": vendor,
            "database_file": DATABASE_FILES[vendor],
            "migrations": state["migrations"],
            "counts": state["counts"],
            "media_skipped": skipped,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        os.replace(staging, output)  # an existing empty folder is replaced
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    summary = Summary(
        files=len(files),
        bytes=sum(f["size"] for f in files.values()),
        seconds=time.perf_counter() - started,
        counts=state["counts"],
    )
    report(
        _("Backup written to %(folder)s: %(files)s files, %(size)s in %(seconds).1f s.")
        % {
            "folder": output,
            "files": summary.files,
            "size": _size(summary.bytes),
            "seconds": summary.seconds,
        }
    )
    return summary


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Cartel backs up PostgreSQL and SQLite databases, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def _dump_postgresql(target: Path) -> dict:
    """pg_dump reads the snapshot exported by our own REPEATABLE READ transaction, so the counts
    and migrations in the manifest describe exactly the dumped data."""
    pg_dump = _tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _read_state(cursor)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _postgresql_environment(),
        )
    return state


def _dump_sqlite(target: Path) -> dict:
    """SQLite's backup API copies the database in one step, as one read transaction: a
    consistent copy even while the site writes (WAL)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, readable read-only
        state = _read_state(copy.cursor())
    finally:
        copy.close()
    return state


def _read_state(cursor) -> dict:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = [list(row) for row in cursor.fetchall()]
    counts = {}
    for key, label in RECORDS.items():
        cursor.execute(f'SELECT COUNT(*) FROM "{apps.get_model(label)._meta.db_table}"')  # noqa: S608
        counts[key] = cursor.fetchone()[0]
    return {"migrations": migrations, "counts": counts}


def _copy_media(media_root: Path, target: Path, files: dict, report: Report) -> list[str]:
    """Copy MEDIA_ROOT, hashing each file as it is written; the IIIF cache is left out."""
    skipped = []
    cache = Path(settings.CARTEL_IIIF_CACHE).absolute()
    if cache.is_relative_to(media_root.absolute()) and cache.exists():
        skipped.append(
            _("%(folder)s: the IIIF derived-image cache, regenerated on demand")
            % {"folder": cache.relative_to(media_root.absolute()).as_posix()}
        )
    copied = total = 0
    last_report = time.monotonic()
    for folder, subfolders, names in os.walk(media_root):
        folder = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if (folder / name).absolute() != cache
            and not name.startswith((RESTORE_STAGING, SET_ASIDE))
        )
        for name in sorted(names):
            relative = (folder / name).relative_to(media_root)
            try:
                entry = _copy_file(folder / name, target / relative)
            except OSError as error:
                raise BackupError(
                    _("%(file)s could not be read (%(error)s): nothing was written.")
                    % {"file": folder / name, "error": error.strerror}
                ) from error
            files[f"{MEDIA}/{relative.as_posix()}"] = entry
            copied += 1
            total += entry["size"]
            if time.monotonic() - last_report > 5:
                report(_("  %(files)s files, %(size)s…") % {"files": copied, "size": _size(total)})
                last_report = time.monotonic()
    report(_("  %(files)s files, %(size)s.") % {"files": copied, "size": _size(total)})
    return skipped


def _copy_file(source: Path, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return {"size": size, "sha256": digest.hexdigest()}


def _file_entry(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


# --- restore ------------------------------------------------------------------------------


def restore(folder: Path, *, force: bool = False, report: Report = print) -> Summary:
    """Restore the backup in ``folder`` into the configured database and MEDIA_ROOT."""
    started = time.perf_counter()
    folder = Path(folder).absolute()
    manifest = read_manifest(folder)
    report(_("Checking %(files)s files…") % {"files": len(manifest["files"])})
    check_files(folder, manifest)
    vendor = _vendor()
    if manifest["database_vendor"] != vendor:
        raise BackupError(
            _(
                "This backup is of a %(backup)s database and the configured database is "
                "%(vendor)s: restore it into %(backup)s (set DATABASE_URL)."
            )
            % {"backup": manifest["database_vendor"], "vendor": vendor}
        )
    check_migrations_known(manifest)
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(tables)s tables). A restore replaces its "
                "whole content: create an empty database, or run again with --force to overwrite "
                "this one (its records are lost; back it up first)."
            )
            % {"name": connection.settings_dict["NAME"], "tables": len(tables)}
        )
    media_root = Path(settings.MEDIA_ROOT).absolute()
    media_root.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    staging = media_root / f"{RESTORE_STAGING}{stamp}"
    report(_("Copying the media…"))
    try:
        for name in manifest["files"]:
            if name.startswith(f"{MEDIA}/"):
                _copy_file(folder / name, staging / name.removeprefix(f"{MEDIA}/"))
        staging.mkdir(exist_ok=True)
        report(_("Restoring the database…"))
        database_file = folder / manifest["database_file"]
        if vendor == "postgresql":
            _restore_postgresql(database_file, clean=bool(tables))
        else:
            _restore_sqlite(database_file)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    notes = _swap_media(media_root, staging, stamp)
    connection.close()  # forget anything the connection knew about the former schema
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        report(_("The code is newer than the backup: migrating…"))
        call_command("migrate", interactive=False, verbosity=1)
    restored = _read_state(connection.cursor())["counts"]
    files = manifest["files"]
    return Summary(
        files=len(files),
        bytes=sum(f["size"] for f in files.values()),
        seconds=time.perf_counter() - started,
        counts=manifest["counts"],
        restored_counts=restored,
        notes=notes,
    )


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            _(
                "%(folder)s has no %(manifest)s: it is not a complete Cartel backup (an "
                "interrupted backup is never renamed to its final name)."
            )
            % {"folder": folder, "manifest": MANIFEST}
        )
    return json.loads(path.read_text(encoding="utf-8"))


def check_files(folder: Path, manifest: dict) -> None:
    """Every file of the manifest is there with its size and checksum, and no other file."""
    listed = set(manifest["files"])
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(_("%(file)s is missing from the backup.") % {"file": name})
        if _file_entry(path) != expected:
            raise BackupError(
                _(
                    "%(file)s does not match its checksum in the manifest: the backup is "
                    "damaged. Restore another backup."
                )
                % {"file": name}
            )
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            raise BackupError(
                _("%(file)s is in the backup folder but not in its manifest.") % {"file": name}
            )


def check_migrations_known(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of Cartel (%(version)s): this code does "
                "not know the migrations %(migrations)s. Install that version, then restore."
            )
            % {"version": manifest.get("cartel_version", "?"), "migrations": ", ".join(unknown)}
        )


def _restore_postgresql(dump: Path, *, clean: bool) -> None:
    """One transaction: on any error nothing is restored. With ``clean`` (--force), the objects
    of the backup are dropped first, in the same transaction."""
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    connection.close()
    _run([*command, str(dump)], _postgresql_environment())


def _restore_sqlite(database: Path) -> None:
    """The backup API writes the whole file into the configured database in one transaction."""
    source = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _swap_media(media_root: Path, staging: Path, stamp: str) -> list[str]:
    """Put the restored media in place by renames inside MEDIA_ROOT (it may be a mount point);
    the former files are set aside, never deleted. The IIIF cache is emptied: it is keyed by
    image id, and the ids now belong to the restored images."""
    notes = []
    aside = media_root / f"{SET_ASIDE}{stamp}"
    for path in sorted(media_root.iterdir()):
        if path != staging and not path.name.startswith((RESTORE_STAGING, SET_ASIDE)):
            aside.mkdir(exist_ok=True)
            path.rename(aside / path.name)
    for path in sorted(staging.iterdir()):
        path.rename(media_root / path.name)
    staging.rmdir()
    if aside.exists():
        notes.append(
            _("The former media files are set aside in %(folder)s: delete it once checked.")
            % {"folder": aside}
        )
    cache = Path(settings.CARTEL_IIIF_CACHE)
    if cache.exists() and not cache.absolute().is_relative_to(aside):
        shutil.rmtree(cache)
    return notes


# --- shared -------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH: install the Debian package postgresql-client "
                "(the same major version as the server, or newer)."
            )
            % {"tool": name}
        )
    return path


def _postgresql_environment() -> dict[str, str]:
    """The connection settings of DATABASES["default"], for libpq, never on the command line."""
    db = connection.settings_dict
    options = db.get("OPTIONS", {})
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGSERVICE": options.get("service"),
    }
    return os.environ | {key: str(value) for key, value in values.items() if value}


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(
            _("%(tool)s failed (exit status %(status)s): %(error)s")
            % {
                "tool": Path(command[0]).name,
                "status": result.returncode,
                "error": result.stderr.strip(),
            }
        )


def _cartel_version() -> str:
    try:
        return metadata.version("cartel")
    except metadata.PackageNotFoundError:
        return "unknown"


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
