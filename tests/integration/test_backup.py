"""`manage.py backup` and `manage.py restore`: a backup restored into an empty database gives back
every work, register entry, movement and image, and its registers still verify.

The data is committed (transactional database) so that pg_dump, another connection, sees it; the
restored copy is read by other processes of manage.py, as a museum would after a disaster.
"""

import datetime
import hashlib
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Collection

from museum_collections.models import (
    CartelImage,
    DepositEntry,
    InventoryEntry,
    Movement,
    Person,
    Work,
    WorkMedia,
)
from museum_collections.services import movements, register

from .places import store_tree
from .registers import make_entry

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
JPEGS = ["progressive_zurbaran_agnus-dei.jpg", "exif-orientation-6_pillow_hopper.jpg"]


def identities() -> dict:
    """What must come back, read through the ORM: run here and in the restored copy's process."""

    def file_digest(image):
        with image.file.open("rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    return {
        "works": sorted(Work.objects.values_list("pk", "inventory_number", "joconde_ref", "title")),
        "inventory": sorted(
            InventoryEntry.objects.values_list("pk", "work_id", "sequence", "entry_hash")
        ),
        "deposits": sorted(
            DepositEntry.objects.values_list("pk", "work_id", "sequence", "entry_hash")
        ),
        "movements": sorted(
            (pk, work, to, moved_at.isoformat())
            for pk, work, to, moved_at in Movement.objects.values_list(
                "pk", "work_id", "to_location_id", "moved_at"
            )
        ),
        "images": sorted(
            (image.pk, image.file.name, file_digest(image)) for image in CartelImage.objects.all()
        ),
        "media_links": sorted(WorkMedia.objects.values_list("work_id", "image_id")),
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CARTEL_IIIF_CACHE = settings.MEDIA_ROOT / "iiif-cache"
    return settings.MEDIA_ROOT


@pytest.fixture
def validated_entries_removed_after(transactional_db):
    """A validated entry is never deleted, so SQLite's flush (DELETE) would fail: after the test,
    remove the registers as a database administrator would (guard off, delete, guard back on).
    PostgreSQL's flush truncates, which row triggers do not see."""
    yield
    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("museum_collections.migrations.0004_register_triggers")
    with connection.cursor() as cursor:
        for statement in guard.sqlite_reverse(apps):
            cursor.execute(statement)
        for table in ("inventoryremoval", "inventoryentry", "depositentry", "registerhead"):
            cursor.execute(f"DELETE FROM collections_{table}")
        for statement in guard.sqlite_statements(apps):
            cursor.execute(statement)


@pytest.fixture
def collection(validated_entries_removed_after, media, make_user, test_data):
    """Three works in the inventory register and one on deposit, all validated; images of real
    JPEG files; movements through the store; a stale file in the IIIF cache."""
    if Collection.get_first_root_node() is None:  # flushed by an earlier transactional test
        Collection.add_root(name="Root")
    registrar = make_user("Registrar")
    places = store_tree()
    works = []
    for number, image in zip(("2019.1.1", "2019.1.2", "2020.1.1"), [*JPEGS, None], strict=True):
        entry = register.validate_entry(make_entry(number), registrar)
        works.append(entry.work)
        if image:
            with open(test_data / "images" / image, "rb") as f:
                picture = CartelImage(title=image, file=ImageFile(f, name=image))
                picture.save()
            WorkMedia.objects.create(work=entry.work, image=picture, is_primary=True)
    deposited = Work.objects.create(inventory_number="D.2005.3.1", title="Paysage")
    works.append(deposited)
    register.validate_entry(
        DepositEntry.objects.create(
            work=deposited,
            deposit_number="D.2005.3.1",
            depositor=Person.objects.create(name="Centre national des arts plastiques"),
            depositor_number="FNAC PFH-6020",
            deposit_deed="Arrêté du 3 mai 2005",
            taken_in_charge_on=datetime.date(2005, 6, 1),
            designation="Tableau : Paysage",
        ),
        registrar,
    )
    for work in works:
        movements.move(work, places["shelf_1"], reason="first placement", user=registrar)
    movements.move(places["box"], places["shelf_2"], reason="reorganisation", user=registrar)
    movements.move(works[0], places["gallery"], reason="exhibition", user=registrar)
    cache = media / "iiif-cache" / "1"
    cache.mkdir(parents=True)
    (cache / "full.jpg").write_bytes(b"derived")
    return identities()


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the engine under test, dropped afterwards."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"{settings_dict['NAME']}_restored"
    server = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}"
        f"@{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}"
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*arguments, database_url, media_root):
    """manage.py in its own process, on another database and MEDIA_ROOT."""
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    environment.pop("CARTEL_IIIF_CACHE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_backup_restores_into_an_empty_database(collection, empty_database, tmp_path, media):
    folder = tmp_path / "backup-2026-12-04"
    call_command("backup", "--output", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    counts = manifest["counts"]
    assert (counts["works"], counts["inventory_entries"], counts["deposit_entries"]) == (4, 3, 1)
    assert (counts["movements"], counts["images"]) == (6, 2)
    assert ["collections", "0004_register_triggers"] in manifest["migrations"]
    assert not any("iiif-cache" in name for name in manifest["files"])
    assert any("iiif-cache" in note for note in manifest["media_skipped"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    restored_media = tmp_path / "restored-media"
    restored = manage(
        "restore", str(folder), database_url=empty_database, media_root=restored_media
    )
    assert restored.returncode == 0, restored.stderr
    assert ["works", "4", "4"] in [line.split() for line in restored.stdout.splitlines()]

    read_back = manage(
        "shell",
        "-c",
        "import json; from tests.integration.test_backup import identities; "
        "print(json.dumps(identities()))",
        database_url=empty_database,
        media_root=restored_media,
    )
    assert read_back.returncode == 0, read_back.stderr
    assert json.loads(read_back.stdout.splitlines()[-1]) == json.loads(json.dumps(collection))
    assert len(collection["images"]) == 2 and len(collection["movements"]) == 6

    verified = manage("verify_register", database_url=empty_database, media_root=restored_media)
    assert verified.returncode == 0, verified.stderr
    inventory, deposits = verified.stdout.splitlines()[:2]  # in French: the site's language
    assert "intact" in inventory and " 3" in inventory.replace("\xa0", " ")
    assert "intact" in deposits and " 1" in deposits.replace("\xa0", " ")

    again = manage("restore", str(folder), database_url=empty_database, media_root=restored_media)
    assert again.returncode == 1
    assert "--force" in again.stderr and "Traceback" not in again.stderr


def test_a_damaged_file_or_a_newer_backup_is_refused_before_anything_changes(collection, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--output", str(folder))
    image = next((folder / "media" / "original_images").iterdir())
    intact = image.read_bytes()
    damaged = bytearray(intact)
    damaged[len(damaged) // 2] ^= 0xFF
    image.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match=f"media/original_images/{image.name} does not match"):
        call_command("restore", str(folder))
    assert identities() == collection

    image.write_bytes(intact)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["migrations"].append(["collections", "9999_from_the_future"])
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=r"collections\.9999_from_the_future"):
        call_command("restore", str(folder))
    assert identities() == collection


def test_a_backup_that_fails_leaves_no_folder(collection, tmp_path, media):
    """A file that cannot be read once the database is dumped, then a database that cannot be
    read at all: neither leaves a folder behind, complete-looking or not."""
    (media / "original_images" / "vanished.jpg").symlink_to(tmp_path / "nowhere.jpg")
    with pytest.raises(CommandError, match="vanished.jpg"):
        call_command("backup", "--output", str(tmp_path / "backup"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]

    if connection.vendor == "sqlite":
        missing = f"sqlite:///{tmp_path / 'no-such-folder' / 'cartel.sqlite3'}"
    else:
        db = connection.settings_dict
        missing = f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}/cartel_no_such_base"
    failed = manage(
        "backup", "--output", str(tmp_path / "backup"), database_url=missing, media_root=media
    )
    assert failed.returncode == 1
    assert "CommandError" in failed.stderr and "Traceback" not in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]
