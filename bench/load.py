"""The portal under load: throughput and p95 for 1, 10 and 50 concurrent clients, without and
with the cache of anonymous visitors' pages (portal.page_cache).

Builds --works published works in a scratch database (the real-word catalogue of
bench/search.py), attaches real photographs of tests/data/images to a few of them, rebuilds the
catalogue index and runs `collectstatic`; then starts gunicorn (`config.wsgi`, --workers sync
workers, 2 × cores + 1 by default) with the production settings (`config.settings.production`,
DEBUG off, the cache in a folder shared by the workers) on 127.0.0.1 and a free port. Each
client is a thread with its own keep-alive `http.client` connection; every request carries
`X-Forwarded-Proto: https`, as nginx sends it, so that the production HTTPS redirect does not
apply. The mix: catalogue searches with real words (/collections/?q=), work pages
(/collections/<REF>/), the JSON API (/api/works/?q=) and IIIF tiles (from the images' info.json;
each tile is rendered once before the measures, as the IIIF cache holds it in production).
Works and words are drawn with Zipf's law (the n-th most visited is visited 1/n as often as the
first; ranks shuffled), as visits to a collection's pages are: a few often, most rarely.

Rounds on the same requests: the baseline, gunicorn with CARTEL_PAGE_CACHE_SECONDS=0; then
with the page cache, after --warm-up requests of the same law (a portal that has been running);
then the same requests once more, every page now kept (a quiet evening: no change since).
Prints, per round, level and kind: requests, errors, cache hits, throughput, p50 and p95; then
the ratios of both cached rounds to the baseline, and checks that a change made by another
process (this one, saving a work) reaches every worker at once. Target: p95 under 200 ms at 50
clients. gunicorn is stopped and the scratch files removed in every case (a PostgreSQL scratch
database is left, as by the other benches).

    .venv/bin/python bench/load.py [--works 5000] [--requests 400] [--clients 1,10,50]
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/cartel_bench
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from catalogue import scratch_database  # noqa: E402
from search import build as build_catalogue  # noqa: E402

IMAGES = ROOT / "tests" / "data" / "images"
PHOTOGRAPHS = [  # real photographs of works, from 0.4 to 56 megapixels
    "progressive_zurbaran_agnus-dei.jpg",
    "cmyk-progressive_segantini_ave-maria-a-trasbordo.jpg",
    "png-alpha_tiepolo_allegory-with-venus-and-time.png",
    "multipage-pyramid_morisot_woman-at-her-toilette.tif",
    "large-7500px_publicdomainvectors_man-burning-bonfire.jpg",
]
MIX = {"search": 3, "work": 3, "api": 2, "tile": 2}  # relative weights of the kinds of request
TILES = 16  # distinct tiles requested (rendered once, then served from the IIIF cache)
TARGET_MS = 200
HEADERS = {"X-Forwarded-Proto": "https"}  # as nginx sends it
CACHE_HEADER = "X-Cartel-Cache"  # portal.page_cache.HEADER


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per level")
    parser.add_argument("--clients", default="1,10,50", help="concurrency levels, comma-separated")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--warm-up", type=int, default=2_000, help="requests before the cached round"
    )
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def production_environment(scratch: Path) -> dict[str, str]:
    """What config.settings.production needs, pointed at the scratch folders."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CARTEL_MUSEOFILE": "M0000",
        "MEDIA_ROOT": str(scratch / "media"),
        "CARTEL_EXPORT_DIR": str(scratch / "exports"),
        "CARTEL_IIIF_CACHE": str(scratch / "iiif-cache"),
        "CARTEL_CACHE_DIR": str(scratch / "cache"),
    }


def attach_photographs(rng: random.Random) -> list[int]:
    """Each photograph, cleared for publication, as the primary image of one published work."""
    from django.core.files.images import ImageFile

    from museum_collections.models import CartelImage, Rights, Work, WorkMedia

    chosen = rng.sample(list(Work.objects.public().values_list("pk", flat=True)), len(PHOTOGRAPHS))
    works = Work.objects.filter(pk__in=chosen).order_by("pk")
    ids = []
    for work, name in zip(works, PHOTOGRAPHS, strict=True):
        with (IMAGES / name).open("rb") as f:
            image = CartelImage(
                title=name,
                file=ImageFile(f, name=name),
                is_public=True,
                rights=Rights.PUBLIC_DOMAIN,
            )
            image._set_image_file_metadata()
            image.save()
        WorkMedia.objects.create(work=work, image=image, is_primary=True, sort_order=0)
        ids.append(image.pk)
    return ids


def build(args, scratch: Path) -> tuple[dict, list[str], list[int]]:
    os.environ.update(production_environment(scratch))
    database_url = scratch_database(args.database_url)
    os.environ["DATABASE_URL"] = database_url
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from museum_collections.models import Work

    rng = random.Random(20261204)
    started = time.perf_counter()
    words = build_catalogue(args.works, rng)
    images = attach_photographs(rng)
    call_command("rebuild_catalogue_index")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    settings.STATIC_ROOT = scratch / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    refs = list(Work.objects.public().values_list("joconde_ref", flat=True))
    print(
        f"Built {args.works:,} works, {len(images)} photographs, the index and the static "
        f"files in {time.perf_counter() - started:.0f} s"
    )
    connection.close()
    return words, refs, images


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(workers: int, port: int, scratch: Path, page_cache: bool) -> subprocess.Popen:
    log = (scratch / "gunicorn.log").open("a")
    environment = {**os.environ, "CARTEL_PAGE_CACHE_SECONDS": "600" if page_cache else "0"}
    server = subprocess.Popen(  # noqa: S603 -- a fixed command line
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--backlog=256",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # stopped as a group: the arbiter and its workers
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"gunicorn stopped at start-up:\n{(scratch / 'gunicorn.log').read_text()}"
            )
        try:
            status, body, _ = get(
                http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/health"
            )
        except OSError:
            time.sleep(0.3)
            continue
        print(
            f"gunicorn: {workers} sync workers on 127.0.0.1:{port}, page cache "
            f"{'on' if page_cache else 'off'}; /health {status} {body.decode()}"
        )
        return server
    raise SystemExit("gunicorn did not answer within 60 s: see its log above")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def get(connection: http.client.HTTPConnection, url: str) -> tuple[int, bytes, bool]:
    """One GET on a kept-alive connection (reopened when the server closed it): status, body
    and whether the page cache answered."""
    connection.request("GET", url, headers=HEADERS)
    response = connection.getresponse()
    return response.status, response.read(), response.getheader(CACHE_HEADER) == "hit"


def tile_urls(port: int, images: list[int], rng: random.Random) -> list[str]:
    """TILES tile URLs of the photographs, at every scale factor, as a viewer asks them."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    urls = []
    for image_id in images:
        status, body, _ = get(connection, f"/iiif/image/{image_id}/info.json")
        assert status == 200, f"info.json of image {image_id}: HTTP {status}"
        info = json.loads(body)
        width, height = info["width"], info["height"]
        tile = info["tiles"][0]
        for factor in tile["scaleFactors"]:
            side = tile["width"] * factor
            for y in range(0, height, side):
                for x in range(0, width, side):
                    w, h = min(side, width - x), min(side, height - y)
                    size = f"{-(-w // factor)},"
                    urls.append(f"/iiif/image/{image_id}/{x},{y},{w},{h}/{size}/0/default.jpg")
    connection.close()
    return rng.sample(urls, min(TILES, len(urls)))


class Zipf:
    """Draws from `items` by Zipf's law (s = 1) over a shuffled ranking."""

    def __init__(self, items: list, rng: random.Random):
        self.items = rng.sample(items, len(items))
        self.cumulative = list(accumulate(1 / rank for rank in range(1, len(items) + 1)))
        self.rng = rng

    def __call__(self):
        return self.rng.choices(self.items, cum_weights=self.cumulative)[0]


def request_plan(words: dict, refs: list[str], tiles: list[str], rng: random.Random):
    """A function drawing `count` (kind, url) pairs from the mix."""
    from urllib.parse import quote

    terms = sorted({w for ws in words.values() for t in ws for w in t.split() if len(w) > 3})
    word, work, tile = Zipf(terms, rng), Zipf(refs, rng), Zipf(tiles, rng)
    makers = {
        "search": lambda: f"/collections/?q={quote(word())}",
        "work": lambda: f"/collections/{work()}/",
        "api": lambda: f"/api/works/?q={quote(word())}",
        "tile": tile,
    }

    def plan(count: int) -> list[tuple[str, str]]:
        kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
        return [(kind, makers[kind]()) for kind in kinds]

    return plan


def run_level(port: int, plan: list, clients: int) -> tuple[float, dict]:
    """Every request of the plan, by `clients` threads; (seconds, kind -> [(ms or None, hit)])."""
    pending = iter(plan)
    lock = threading.Lock()
    timings = defaultdict(list)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                kind, url = next(pending, (None, None))
            if kind is None:
                break
            started = time.perf_counter()
            try:
                status, _body, hit = get(connection, url)
                ms = (time.perf_counter() - started) * 1000 if status == 200 else None
            except (OSError, http.client.HTTPException):
                connection.close()
                ms, hit = None, False
            with lock:
                timings[kind].append((ms, hit))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, timings


def server_cpu_seconds(arbiter: int) -> float:
    """CPU time (user + system) used so far by gunicorn's arbiter and its workers."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if stat.parent.name == str(arbiter) or fields[1] == str(arbiter):  # itself, or a child
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " / ".join(f"{n:.2f}" for n in os.getloadavg()) + " (1/5/15 min)"


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


def report(clients: int, seconds: float, timings: dict) -> tuple[float, float]:
    """Prints a level's lines; returns its overall p95 and throughput."""
    print(f"\n{clients} client(s): {sum(map(len, timings.values())):,} requests in {seconds:.1f} s")
    print(
        f"  {'kind':<8}{'requests':>9}{'errors':>8}{'hits':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    )
    every = []
    for kind in [*MIX, "all"]:
        done = every if kind == "all" else timings.get(kind, [])
        if kind != "all":
            every += done
        good = [ms for ms, _hit in done if ms is not None]
        hits = sum(hit for _ms, hit in done)
        p50, p95 = (percentile(good, 50), percentile(good, 95)) if good else (0.0, 0.0)
        print(
            f"  {kind:<8}{len(done):>9,}{len(done) - len(good):>8}{hits:>6}"
            f"{len(done) / seconds:>8.1f}{p50:>9.0f}{p95:>9.0f}"
        )
    good = [ms for ms, _hit in every if ms is not None]
    return (percentile(good, 95) if good else float("inf")), len(every) / seconds


def measure(server, port: int, plans: dict[int, list]) -> dict[int, tuple[float, float]]:
    """Each level's plan; level -> (p95, throughput)."""
    results = {}
    for clients, plan in plans.items():
        cpu = server_cpu_seconds(server.pid)
        seconds, timings = run_level(port, plan, clients)
        results[clients] = report(clients, seconds, timings)
        cpu = server_cpu_seconds(server.pid) - cpu
        print(
            f"  server CPU: {cpu * 1000 / len(plan):.1f} ms a request ({cpu / seconds:.2f} cores busy)"
        )
    return results


def change_reaches_every_worker(port: int, ref: str, workers: int) -> bool:
    """Renames a work in this process, as an editor would in another worker, then asks for its
    page on new connections (spread over the workers): each must show the new title."""
    from museum_collections.models import Work

    url = f"/collections/{ref}/"
    first, *_ = get(http.client.HTTPConnection("127.0.0.1", port, timeout=60), url)
    work = Work.objects.get(joconde_ref=ref)
    work.title = f"{work.title} (titre corrigé {secrets.token_hex(4)})"
    work.save()
    expected = work.title.encode()
    seen = [
        get(http.client.HTTPConnection("127.0.0.1", port, timeout=60), url)[1]
        for _ in range(4 * workers)
    ]
    return first == 200 and all(expected in body for body in seen)


def main():
    args = parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    scratch = Path(tempfile.mkdtemp(prefix="cartel-load-"))
    server = None
    try:
        words, refs, images = build(args, scratch)
        port = free_port()
        rng = random.Random(20261205)
        rounds = {}
        for cached in (False, True):
            server = start_gunicorn(args.workers, port, scratch, page_cache=cached)
            if not cached:
                tiles = tile_urls(port, images, rng)
                started = time.perf_counter()
                seconds, first = run_level(port, [("tile", url) for url in tiles], 2)
                print(
                    f"{len(tiles)} IIIF tiles rendered into the cache in "
                    f"{time.perf_counter() - started:.1f} s (p50 "
                    f"{percentile([ms for ms, _ in first['tile'] if ms], 50):.0f} ms each, 2 clients)"
                )
                plan = request_plan(words, refs, tiles, rng)
                plans = {clients: plan(args.requests) for clients in levels}
                run_level(port, plan(50), 5)  # every worker's first requests
            else:
                started = time.perf_counter()
                run_level(port, plan(args.warm_up), 5)
                print(
                    f"Warm-up: {args.warm_up:,} requests in {time.perf_counter() - started:.0f} s"
                )
            before = load()
            rounds[cached] = measure(server, port, plans)
            print(f"\nLoad average {before} before the levels, {load()} after")
            if cached:  # the same requests again: every page seen since the last change
                print("\nThe same requests again (every page kept, tiles excepted):")
                rounds["again"] = measure(server, port, plans)
                reached = change_reaches_every_worker(port, rng.choice(refs), args.workers)
                print(
                    "A work renamed by another process: "
                    + (
                        "every worker showed the new title at once"
                        if reached
                        else "STALE PAGES SERVED"
                    )
                )
            if log := (scratch / "gunicorn.log").read_text().strip():
                print("\ngunicorn's log, last lines:", *log.splitlines()[-15:], sep="\n  ")
            stop(server)
            server = None
        print(f"\nMachine: {os.cpu_count()} cores. Page cache against the baseline (no cache):")
        for label, key in (("after the warm-up", True), ("every page kept", "again")):
            print(f"  {label}:")
            for clients in levels:
                (base_p95, base_rate), (p95, rate) = rounds[False][clients], rounds[key][clients]
                print(
                    f"  {clients:>5} client(s): p95 {base_p95:.0f} -> {p95:.0f} ms "
                    f"(×{base_p95 / p95:.1f} faster), {base_rate:.0f} -> {rate:.0f} req/s "
                    f"(×{rate / base_rate:.1f})"
                )
        top = max(levels)
        for label, key in (("after the warm-up", True), ("every page kept", "again")):
            p95 = rounds[key][top][0]
            verdict = "met" if p95 < TARGET_MS and reached else "NOT met"
            print(
                f"Summary, {label}: p95 {p95:.0f} ms at {top} clients, target < {TARGET_MS} ms: "
                f"{verdict}"
            )
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.database_url:  # the temporary SQLite file of scratch_database()
            from django.conf import settings

            if settings.configured:
                shutil.rmtree(Path(settings.DATABASES["default"]["NAME"]).parent, True)


if __name__ == "__main__":
    main()
