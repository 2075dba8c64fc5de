"""`GET /health` against the real database, the real disk and a real (closed) network port."""

import json
import socket
import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check(response) -> dict:
    body = response.json()
    text = response.content.decode()
    # nothing about the machine: no path, no database name, no exception text
    assert "/" not in text.replace("\\/", "")
    assert str(connection.settings_dict["NAME"]) not in text
    assert "Error" not in text and "Traceback" not in text
    return body


def test_healthy_on_the_real_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert check(response) == {
        "status": "ok",
        "checks": {"database": "ok", "search": "ok", "cache": "ok", "disk": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_too_little_free_disk_space_fails_naming_the_disk(client, settings):
    settings.CARTEL_HEALTH_MIN_FREE_BYTES = 10**18  # an exabyte: more than any disk here
    response = client.get("/health")
    assert response.status_code == 503
    assert check(response) == {
        "status": "fail",
        "checks": {"database": "ok", "search": "ok", "cache": "ok", "disk": "fail"},
    }


def test_a_cache_folder_that_cannot_be_written_fails_naming_the_cache(client, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "a-file" / "pages"),  # even root cannot make it
        }
    }
    response = client.get("/health")
    assert response.status_code == 503
    assert check(response)["checks"] == {
        "database": "ok",
        "search": "ok",
        "cache": "fail",
        "disk": "ok",
    }


def test_an_unreachable_elasticsearch_fails_quickly_naming_the_search(client, settings):
    settings.CARTEL_SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    start = time.monotonic()
    response = client.get("/health")
    assert time.monotonic() - start < 5
    assert response.status_code == 503
    body = check(response)
    assert body["status"] == "fail"
    assert body["checks"] == {"database": "ok", "search": "fail", "cache": "ok", "disk": "ok"}
    assert "127.0.0.1" not in json.dumps(body)


def test_a_silent_elasticsearch_fails_within_seconds(client, settings):
    """A server that accepts the connection and never answers (a hung node): /health waits for
    it a couple of seconds, not the client's default 30 s and retries."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.CARTEL_SEARCH_BACKEND = "elasticsearch"
        settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        start = time.monotonic()
        response = client.get("/health")
        assert time.monotonic() - start < 10
    assert response.status_code == 503
    assert check(response)["checks"]["search"] == "fail"


def test_read_only(client):
    assert client.head("/health").status_code == 200  # what some monitors send
    assert client.post("/health").status_code == 405
