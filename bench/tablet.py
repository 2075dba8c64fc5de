"""The récolement tablet on a large campaign: the slice's size and the time from a scan to its
observation saved on the tablet.

Builds --works works (default 5,000, no thumbnails) in a scratch database, in boxes of 20 on
shelves of a storage room, and a campaign over the room; then prints, for --baseline-works
(default 500) and for --works works, measured in the same run:

* the slice's size in bytes, raw and gzipped, and its server time (target: under 3 MB raw for
  5,000 works without photos);
* in headless Chromium (/usr/bin/chromium) driving the real app at /tablet/: the median and 95th
  percentile time from a scan (a code typed into the scanner's input, then Enter) to the
  observation saved in IndexedDB, over --scans scans, read from ``window.__cartelTiming``
  (target: median under 50 ms); the time to download the slice, and to start the app from
  IndexedDB (a reload);

and the ratio of each figure to the baseline's.

    .venv/bin/python bench/tablet.py                       # SQLite, temporary file
    .venv/bin/python bench/tablet.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import datetime
import gzip
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue import SURNAMES, add_works, build_vocabulary, scratch_database
from movements import build_store, fill_shelves

# Playwright's sync API runs an event loop in this thread; the ORM calls here are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLICE_TARGET_BYTES = 3_000_000
SCAN_TARGET_MS = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=5_000)
    parser.add_argument("--baseline-works", type=int, default=500)
    parser.add_argument("--scans", type=int, default=100)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def start_server():
    """Django in a thread, with the static files, as for the browser tests."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://127.0.0.1:{server.port}"


def measure_slice(campaign, room, token):
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/registrar/campaigns/{campaign.pk}/slice?locations={room.code}"
    client.get(url)  # warm up
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:500]
    body = response.content
    return {
        "works": len(response.json()["works"]),
        "raw": len(body),
        "gzip": len(gzip.compress(body, compresslevel=6)),
        "server_ms": statistics.median(timings),
    }


def measure_browser(browser, url, campaign, room, scans, rng):
    """Log in, download, then scan ``scans`` works and read the app's timings."""
    from museum_collections.models import Work

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/tablet/")
    page.locator("html[data-state=login]").wait_for(state="attached")
    page.fill("#login-username", "registrar")
    page.fill("#login-password", "bench")
    page.click("#login-form button[type=submit]")
    page.check(f"#setup-campaigns input[value='{campaign.pk}']")
    page.check(f"#setup-locations input[value='{room.code}']")
    started = time.perf_counter()
    page.click("#setup-download")
    page.locator("html[data-state=work]").wait_for(state="attached")
    download_ms = (time.perf_counter() - started) * 1000
    page.locator("html[data-offline=ready]").wait_for(state="attached")

    started = time.perf_counter()
    page.reload()
    page.locator("html[data-state=work]").wait_for(state="attached")
    page.locator("#scan-input").wait_for()
    boot_ms = (time.perf_counter() - started) * 1000

    field = page.locator("#scan-input")
    field.fill(room.code)
    field.press("Enter")
    page.locator(f"#place[data-code='{room.code}']").wait_for(state="attached")
    page.evaluate("window.__cartelTiming.clear()")
    works = list(Work.objects.order_by("pk").values_list("pk", "joconde_ref", "inventory_number"))
    for n, (pk, ref, number) in enumerate(rng.sample(works, scans)):
        field.fill(ref if n % 2 else number)
        field.press("Enter")
        page.locator(f"#card[data-id='{pk}'][data-state=pending]").wait_for(state="attached")
    timings = [scan["ms"] for scan in page.evaluate("window.__cartelTiming.scans")]
    context.close()
    assert len(timings) == scans, len(timings)
    timings.sort()
    return {
        "scan_median_ms": statistics.median(timings),
        "scan_p95_ms": timings[int(len(timings) * 0.95) - 1],
        "download_ms": download_ms,
        "boot_ms": boot_ms,
    }


def main():
    args = parse_args()
    scratch_database(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from playwright.sync_api import sync_playwright

    from museum_collections.models import (
        Person,
        RecolementCampaign,
        RecolementPlan,
        TabletSession,
    )
    from museum_collections.roles import role_group

    rng = random.Random(20261202)
    build_vocabulary()
    Person.objects.bulk_create(Person(name=f"Maurice {s}", sort_name=s.lower()) for s in SURNAMES)
    people = list(Person.objects.all())
    user = get_user_model().objects.create_user("registrar", "", "bench")
    user.groups.add(role_group("Registrar"))
    _session, token = TabletSession.open(user, "bench")
    room = build_store()
    plan = RecolementPlan.objects.create(title="Plan", first_year=2026, last_year=2035)
    campaign = RecolementCampaign.objects.create(
        plan=plan,
        title="Réserve 1",
        status=RecolementCampaign.Status.IN_PROGRESS,
        start_date=datetime.date(2026, 1, 5),
    )
    campaign.locations.add(room)
    server, base_url = start_server()
    figures = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for label, stop, shelf, prefix in (
                ("baseline", args.baseline_works, 100, "S"),
                ("large", args.works, 1000, "L"),
            ):
                start = 0 if label == "baseline" else args.baseline_works
                add_works(start, stop, rng, people)
                fill_shelves(room, start, stop, shelf, prefix)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                figures[label] = measure_slice(campaign, room, token)
                figures[label].update(
                    measure_browser(browser, base_url, campaign, room, args.scans, rng)
                )
                print(f"  measured {label}: {figures[label]['works']:,} works", flush=True)
            browser.close()
    finally:
        server.terminate()

    base, large = figures["baseline"], figures["large"]
    rows = [
        ("slice, raw (bytes)", "raw", "{:,.0f}", large["raw"] < SLICE_TARGET_BYTES, "< 3 MB"),
        ("slice, gzip (bytes)", "gzip", "{:,.0f}", None, ""),
        ("slice, server time (ms)", "server_ms", "{:,.0f}", None, ""),
        (
            f"scan → saved in IndexedDB, median of {args.scans} (ms)",
            "scan_median_ms",
            "{:,.1f}",
            large["scan_median_ms"] < SCAN_TARGET_MS,
            "< 50 ms",
        ),
        ("scan → saved, 95th percentile (ms)", "scan_p95_ms", "{:,.1f}", None, ""),
        ("download and store the slice (ms)", "download_ms", "{:,.0f}", None, ""),
        ("start the app from IndexedDB (ms)", "boot_ms", "{:,.0f}", None, ""),
    ]
    print(
        f"\n{'measure':<48}{base['works']:>12,} works{large['works']:>12,} works{'ratio':>8}  verdict"
    )
    for name, key, number, ok, target in rows:
        verdict = "" if ok is None else ("ok" if ok else "SLOW" if "ms" in key else "TOO BIG")
        verdict = f"{verdict} (target {target})" if target else ""
        ratio = large[key] / base[key] if base[key] else float("nan")
        print(
            f"{name:<48}{number.format(base[key]):>18}{number.format(large[key]):>18}"
            f"{ratio:>7.1f}×  {verdict}"
        )


if __name__ == "__main__":
    main()
