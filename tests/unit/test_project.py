"""The project's set-up: the import name of `collections/`, settings read from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict | None = None, cwd: str = "/") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CARTEL_MUSEOFILE"}
            },
            **(env or {}),
        },
    )


def test_collections_folder_is_installed_as_museum_collections_outside_the_repo():
    result = run_python(
        "import collections, museum_collections, museum_collections.dating as s;"
        "print(collections.__file__); print(museum_collections.__path__[0]); print(s.__name__)"
    )
    assert result.returncode == 0, result.stderr
    stdlib, package, module = result.stdout.split()
    assert Path(stdlib).parent != ROOT / "collections" and Path(stdlib).parents[1].name.startswith(
        "python3"
    )
    assert Path(package) == ROOT / "collections"
    assert module == "museum_collections.dating"


def test_app_label_stays_collections():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev'; django.setup();"
        "from museum_collections.models import Work; print(Work._meta.label, Work._meta.db_table)",
        cwd=str(ROOT),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["collections.Work", "collections_work"]


def settings_value(module: str, expression: str, env: dict) -> subprocess.CompletedProcess:
    return run_python(
        f"import os; os.environ['DJANGO_SETTINGS_MODULE']='{module}';"
        f"from django.conf import settings; print(repr(({expression},)))",
        env=env,
        cwd=str(ROOT),
    )


def test_sqlite_when_nothing_is_set_and_postgresql_from_database_url():
    sqlite = settings_value("config.settings.dev", "settings.DATABASES['default']['ENGINE']", {})
    assert sqlite.stdout.strip() == "('django.db.backends.sqlite3',)"
    pg = settings_value(
        "config.settings.dev",
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        {"DATABASE_URL": "postgres://u@db.example:5432/cartel"},
    )
    assert pg.stdout.strip() == "('django.db.backends.postgresql', 'cartel')"


def test_media_root_allowed_hosts_and_elasticsearch_come_from_the_environment():
    result = settings_value(
        "config.settings.dev",
        "settings.MEDIA_ROOT, settings.ALLOWED_HOSTS, settings.ELASTICSEARCH_URL",
        {
            "MEDIA_ROOT": "/srv/cartel/media",
            "ALLOWED_HOSTS": "musee.example, www.musee.example",
            "ELASTICSEARCH_URL": "http://es:9200",
        },
    )
    assert result.stdout.strip() == (
        "(PosixPath('/srv/cartel/media'), ['musee.example', 'www.musee.example'], 'http://es:9200')"
    )


KEY = "7f3Kq9-xVb2LmN8pR4tWz6Yc1Hd5Jg0Se3Ua7Io2Pl9Mk4Nj8Bh6Gv"  # strong enough for check --deploy


def test_production_refuses_to_start_without_a_secret_key_or_hosts():
    missing_key = settings_value(
        "config.settings.production", "settings.DEBUG", {"ALLOWED_HOSTS": "x"}
    )
    assert missing_key.returncode != 0 and "SECRET_KEY is not set" in missing_key.stderr
    missing_hosts = settings_value(
        "config.settings.production", "settings.DEBUG", {"SECRET_KEY": KEY}
    )
    assert missing_hosts.returncode != 0 and "ALLOWED_HOSTS is not set" in missing_hosts.stderr
    no_museofile = settings_value(
        "config.settings.production",
        "settings.DEBUG",
        {"SECRET_KEY": KEY, "ALLOWED_HOSTS": "musee.example"},
    )
    assert no_museofile.returncode != 0 and "CARTEL_MUSEOFILE is not set" in no_museofile.stderr
    ok = settings_value(
        "config.settings.production",
        "settings.DEBUG, settings.SESSION_COOKIE_SECURE",
        {
            "SECRET_KEY": KEY,
            "ALLOWED_HOSTS": "musee.example",
            "CARTEL_MUSEOFILE": "M0354",
            "MEDIA_ROOT": "/srv/cartel/media",
            "CARTEL_CACHE_DIR": "/var/cache/cartel/pages",
        },
    )
    assert ok.stdout.strip() == "(False, True)", ok.stderr
