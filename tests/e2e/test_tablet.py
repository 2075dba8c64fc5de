"""The récolement tablet app (/tablet/) in a real browser, against the real tablet API.

A store with 60 works (10 of them in a box), a campaign over it, a registrar: the tablet logs
in, downloads the slice, records offline, survives a reload offline (the service worker serves
the app, IndexedDB keeps the queue), syncs through a network that drops an answer, and the
server holds each observation, movement and photo exactly once.
"""

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Collection

from museum_collections.models import (
    Location,
    Movement,
    RecolementCampaign,
    RecolementObservation,
    RecolementPlan,
    RecolementRecord,
    TabletSession,
    Work,
)
from museum_collections.services.movements import place_works
from tests.conftest import one_time_code, verified_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHOTO = (
    Path(__file__).resolve().parents[1] / "data" / "images" / "progressive_zurbaran_agnus-dei.jpg"
)
TABLET = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB", "has_touch": True}
# A function, not an expression string: Playwright polls a string with eval(), which the app's
# Content-Security-Policy (no 'unsafe-eval') refuses.
SYNC_RUNS_ABOVE = "(before) => Number(document.documentElement.dataset.syncRuns) > before"

READ_QUEUE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("cartel-tablet");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const items = await new Promise((resolve, reject) => {
    const request = db.transaction("outbox").objectStore("outbox").index("seq").getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return items.map((item) => ({ key: item.key, kind: item.kind, state: item.state }));
}"""  # in the order the items were made

# What a tablet whose answers were all lost would hold: every item pending again.
FORGET_ANSWERS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("cartel-tablet");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction("outbox", "readwrite");
    const store = tx.objectStore("outbox");
    store.getAll().onsuccess = (event) => {
      for (const item of event.target.result) store.put({ ...item, state: "pending" });
    };
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}"""


@pytest.fixture
def store():
    """Réserve 2: a cabinet with two shelves; a box on the first. 60 works placed in them."""
    # Photographs go to Wagtail's root collection, which migrations create and which an earlier
    # transactional test's flush may have removed.
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    site = Location.objects.create(code="MUS", name="Musée", kind="site")
    building = Location.objects.create(code="RES", name="Réserves", kind="building", parent=site)
    room = Location.objects.create(code="R2", name="Réserve 2", kind="room", parent=building)
    cabinet = Location.objects.create(
        code="R2-M01", name="Meuble 1", kind="storage_unit", parent=room
    )
    shelf1 = Location.objects.create(
        code="R2-M01-T1", name="Tablette 1", kind="shelf", parent=cabinet
    )
    shelf2 = Location.objects.create(
        code="R2-M01-T2", name="Tablette 2", kind="shelf", parent=cabinet
    )
    box = Location.objects.create(code="R2-M01-T1-B001", name="Boîte 1", kind="box", parent=shelf1)
    works = [
        Work.objects.create(inventory_number=f"2003.{n}.1", title=f"Étude de draperie {n}")
        for n in range(1, 61)
    ]
    place_works(
        [(work, box if n < 10 else shelf1 if n < 40 else shelf2) for n, work in enumerate(works)],
        reason="storage",
    )
    plan = RecolementPlan.objects.create(
        title="Plan de récolement", first_year=2026, last_year=2035
    )
    campaign = RecolementCampaign.objects.create(
        plan=plan,
        title="Réserve 2, 2026",
        status=RecolementCampaign.Status.IN_PROGRESS,
        start_date=datetime.date(2026, 1, 5),
    )
    campaign.locations.add(room)
    return {
        "room": room,
        "shelf1": shelf1,
        "shelf2": shelf2,
        "box": box,
        "works": works,
        "in_box": works[:10],
        "on_shelf1": works[10:40],
        "on_shelf2": works[40:],
        "campaign": campaign,
    }


@pytest.fixture
def registrar(make_user):
    return make_user("Registrar")


def open_tablet(browser, live_server, device):
    context = browser.new_context(**TABLET)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/tablet/")
    page.locator("html[data-state=login]").wait_for(state="attached")
    return context, page


def log_in(page, device):
    from django.contrib.auth import get_user_model

    page.fill("#login-username", "registrar")
    page.fill("#login-password", "pw")
    page.fill("#login-otp", one_time_code(get_user_model().objects.get(username="registrar")))
    page.fill("#login-device", device)
    page.click("#login-form button[type=submit]")


def download(page, campaign, *codes):
    page.check(f"#setup-campaigns input[value='{campaign.pk}']")
    for code in codes:
        page.check(f"#setup-locations input[value='{code}']")
    page.click("#setup-download")
    page.locator("html[data-state=work]").wait_for(state="attached")
    # The service worker controls the page and keeps the app: it can be reloaded offline.
    page.locator("html[data-offline=ready]").wait_for(state="attached")


def scan(page, code):
    field = page.locator("#scan-input")
    field.fill(code)
    field.press("Enter")


def scan_place(page, location):
    scan(page, location.code)
    page.locator(f"#place[data-code='{location.code}']").wait_for(state="attached")


def scan_work(page, work, by="ref"):
    scan(page, work.joconde_ref if by == "ref" else work.inventory_number)
    page.locator(f"#card[data-id='{work.pk}'][data-state=pending]").wait_for(state="attached")


def pending(page, count):
    page.locator(f"#pending-count[data-count='{count}']").wait_for(state="attached")


def sync_runs(page) -> int:
    return int(page.locator("html").get_attribute("data-sync-runs") or 0)


def sync(page):
    """Tap "Sync now" and wait for that sync to end."""
    if page.locator("html[data-state=queue]").count() == 0:
        page.click("#bar-queue")
    before = sync_runs(page)
    page.click("#queue-sync")
    page.wait_for_function(SYNC_RUNS_ABOVE, arg=before)


def test_a_day_offline_then_one_sync_records_everything_once(
    browser, live_server, store, registrar
):
    context, page = open_tablet(browser, live_server, "Tablette A")
    log_in(page, "Tablette A")
    download(page, store["campaign"], "R2")

    context.set_offline(True)
    page.locator("#network[data-online=false]").wait_for(state="attached")

    # Shelf 1: 20 works, by REF and by inventory number typed by hand.
    scan_place(page, store["shelf1"])
    for n, work in enumerate(store["on_shelf1"][:20]):
        scan_work(page, work, by="ref" if n % 2 else "number")
    missing = store["on_shelf1"][3]
    page.click("#card-done")
    page.click(f".work-row[data-id='{missing.pk}']")
    page.click("#card-presence .toggle[data-value=missing]")
    page.locator(f"#card[data-id='{missing.pk}'][data-presence=missing]").wait_for(state="attached")

    # The box: its 10 works, one in poor condition and photographed.
    scan_place(page, store["box"])
    for work in store["in_box"]:
        scan_work(page, work)
    photographed = store["in_box"][-1]
    page.click("#card-condition .toggle[data-value=poor]")
    page.set_input_files("#card-photo", str(PHOTO))
    page.locator("#card-photos .photo[data-state=pending]").wait_for(state="attached")

    # The box moves to shelf 2: scan the box, then its new place.
    page.click("#tool-move")
    scan(page, store["box"].code)
    page.locator("#panel-move[data-step=destination]").wait_for(state="attached")
    scan(page, store["shelf2"].code)
    page.locator("#move-result").wait_for()
    page.click("#move-cancel")

    # Shelf 2: 20 more works.
    scan_place(page, store["shelf2"])
    for n, work in enumerate(store["on_shelf2"]):
        scan_work(page, work, by="number" if n % 3 else "ref")
    pending(page, 50 + 1 + 1)
    assert RecolementObservation.objects.count() == 0

    # A reload with no network: the service worker serves the app, IndexedDB has the queue.
    response = page.reload()
    assert response.from_service_worker
    page.locator("html[data-state=work]").wait_for(state="attached")
    pending(page, 52)
    queue = page.evaluate(READ_QUEUE)
    assert Counter(item["kind"] for item in queue) == {"observation": 50, "movement": 1, "photo": 1}
    assert {item["state"] for item in queue} == {"pending"}
    keys = [item["key"] for item in queue if item["kind"] == "observation"]

    # Back online, the first sync's answer is lost on the way: the server recorded the first
    # batch (the 30 works seen before the move), the tablet still has everything pending.
    lost = []

    def lose_the_answer(route):
        route.fetch()
        lost.append(route.request.url)
        route.abort("connectionreset")

    page.route("**/observations", lose_the_answer, times=1)
    before = sync_runs(page)
    context.set_offline(False)  # the app syncs by itself when the network is back
    page.wait_for_function(SYNC_RUNS_ABOVE, arg=before)
    assert len(lost) == 1
    assert RecolementObservation.objects.count() == 30
    pending(page, 52)

    sync(page)
    pending(page, 0)
    states = {item["key"]: item["state"] for item in page.evaluate(READ_QUEUE)}
    assert [states[key] for key in keys[:30]] == ["replayed"] * 30
    assert [states[key] for key in keys[30:]] == ["created"] * 20
    assert page.locator("#queue-list .queue-item[data-state=error]").count() == 0

    campaign = store["campaign"]
    assert RecolementObservation.objects.filter(key__in=keys).count() == 50
    assert RecolementObservation.objects.count() == 50
    assert RecolementRecord.objects.filter(campaign=campaign).count() == 50
    records = {
        record.work_id: record for record in RecolementRecord.objects.filter(campaign=campaign)
    }
    assert records[missing.pk].presence == "missing"
    assert records[store["on_shelf1"][0].pk].location_found == store["shelf1"]
    assert records[photographed.pk].location_found == store["box"]
    assert records[photographed.pk].condition == "poor"
    assert records[photographed.pk].photos.count() == 1
    assert sum(record.photos.count() for record in records.values()) == 1
    box = Location.objects.get(pk=store["box"].pk)
    assert box.parent == store["shelf2"]
    carrier = Movement.objects.get(container=box)
    assert carrier.idempotency_key
    carried = list(Movement.objects.filter(carried_by=carrier).values_list("work_id", flat=True))
    assert sorted(carried) == sorted(work.pk for work in store["in_box"])
    assert Movement.objects.filter(work__in=store["in_box"]).count() == 20  # placed, then carried

    # Every answer lost: the next sync sends everything again and the server replays it all.
    page.evaluate(FORGET_ANSWERS)
    page.reload()
    page.locator("html[data-state=work]").wait_for(state="attached")
    pending(page, 52)
    sync(page)
    pending(page, 0)
    assert {item["state"] for item in page.evaluate(READ_QUEUE)} == {"replayed"}
    assert RecolementObservation.objects.count() == 50
    assert RecolementRecord.objects.filter(campaign=campaign).count() == 50
    assert Movement.objects.filter(container=box).count() == 1
    assert Movement.objects.filter(carried_by=carrier).count() == 10
    assert records[photographed.pk].photos.count() == 1
    context.close()


def test_two_tablets_disagreeing_make_a_conflict_the_back_office_shows(
    browser, live_server, store, registrar
):
    work = store["on_shelf1"][0]
    first, tablet_a = open_tablet(browser, live_server, "Tablette A")
    log_in(tablet_a, "Tablette A")
    download(tablet_a, store["campaign"], "R2")
    second, tablet_b = open_tablet(browser, live_server, "Tablette B")
    log_in(tablet_b, "Tablette B")
    download(tablet_b, store["campaign"], "R2")

    scan_place(tablet_a, store["shelf1"])
    scan_work(tablet_a, work)
    sync(tablet_a)
    tablet_a.locator(".queue-item[data-state=created]").wait_for()

    scan_place(tablet_b, store["shelf1"])
    scan_work(tablet_b, work, by="number")
    tablet_b.click("#card-presence .toggle[data-value=not_seen]")
    tablet_b.locator("#card[data-presence=not_seen]").wait_for(state="attached")
    sync(tablet_b)
    tablet_b.locator(".queue-item[data-state=conflict] .badge").wait_for()
    tablet_b.click(".queue-item[data-state=conflict] button:has-text('Open')")
    tablet_b.locator("#card-status[data-state=conflict]").wait_for()

    record = RecolementRecord.objects.get(campaign=store["campaign"], work=work)
    assert record.has_conflict
    assert record.presence == "seen"  # nothing is overwritten until a registrar decides
    assert record.observations.count() == 2

    # The back office lists it among the conflicts to decide.
    from museum_collections.recolement_admin import records_url

    client = Client()
    verified_login(client, registrar)
    response = client.get(records_url(store["campaign"], has_conflict="true"))
    assert response.status_code == 200
    assert work.inventory_number in response.content.decode()
    first.close()
    second.close()


def test_a_revoked_tablet_asks_to_log_in_again_and_keeps_its_queue(
    browser, live_server, store, registrar
):
    context, page = open_tablet(browser, live_server, "Tablette A")
    log_in(page, "Tablette A")
    download(page, store["campaign"], "R2")
    context.set_offline(True)
    scan_place(page, store["shelf2"])
    for work in store["on_shelf2"][:3]:
        scan_work(page, work)
    pending(page, 3)

    TabletSession.objects.update(revoked_at=timezone.now())
    context.set_offline(False)  # the app tries to sync, and is told the tablet was signed out
    page.locator("html[data-state=login]").wait_for(state="attached")
    notice = page.locator("#login-expired")
    notice.wait_for()
    assert "3" in notice.inner_text()
    pending(page, 3)
    assert [item["state"] for item in page.evaluate(READ_QUEUE)] == ["pending"] * 3
    assert RecolementObservation.objects.count() == 0

    # Still there after a reload, and sent once logged in again.
    page.reload()
    page.locator("html[data-state=login]").wait_for(state="attached")
    pending(page, 3)
    assert page.input_value("#login-username") == "registrar"
    log_in(page, "Tablette A")
    page.locator("html[data-state=work]").wait_for(state="attached")
    pending(page, 0)
    assert RecolementObservation.objects.count() == 3
    assert TabletSession.objects.filter(revoked_at__isnull=True).count() == 1
    context.close()


def test_the_page_has_its_strings_in_a_json_block_and_no_inline_code(client):
    response = client.get("/tablet/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<style" not in html and " style=" not in html
    scripts = html.split("<script")[1:]
    assert all(
        'type="application/json"' in script.split(">")[0] or "src=" in script.split(">")[0]
        for script in scripts
    )
    strings = json.loads(
        html.split('id="tablet-strings" type="application/json">')[1].split("<")[0]
    )
    assert strings["state_conflict"] == "conflict"
    worker = client.get("/tablet/sw.js")
    assert worker["Service-Worker-Allowed"] == "/tablet/"
    assert "/static/collections/tablet/app.js" in worker.content.decode()


def qr_image(text: str, module: int = 8):
    """The QR code a label prints (reportlab's encoder), drawn in black on white."""
    from PIL import Image, ImageDraw
    from reportlab.graphics.barcode.qr import QrCodeWidget

    widget = QrCodeWidget(text, barLevel="M")
    widget.getBounds()  # encodes
    matrix = widget.qr
    count = matrix.getModuleCount()
    image = Image.new("L", ((count + 8) * module,) * 2, 255)
    draw = ImageDraw.Draw(image)
    for row in range(count):
        for column in range(count):
            if matrix.isDark(row, column):
                x, y = (column + 4) * module, (row + 4) * module
                draw.rectangle([x, y, x + module - 1, y + module - 1], fill=0)
    return image


def code128_image(text: str, bar: int = 3, height: int = 120):
    """The Code 128 barcode a label prints (reportlab's encoder), drawn in black on white."""
    from PIL import Image, ImageDraw
    from reportlab.graphics.barcode.code128 import Code128

    code = Code128(text)
    code.validate()
    code.encode()
    code.decompose()
    widths = [(ord(c.lower()) - ord("a") + 1, c.isupper()) for c in code.decomposed]
    image = Image.new("L", ((sum(w for w, _ in widths) + 20) * bar, height + 40), 255)
    draw = ImageDraw.Draw(image)
    x = 10 * bar
    for width, is_bar in widths:
        if is_bar:
            draw.rectangle([x, 20, x + width * bar - 1, 20 + height], fill=0)
        x += width * bar
    return image


def write_y4m(path: Path, pictures, fps: int = 5, size=(480, 360)):
    """A video file for Chromium's fake camera: each picture centred on white, one per frame."""
    from PIL import Image

    width, height = size
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for picture in pictures:
            frame = Image.new("RGB", size, "white")
            picture.thumbnail((width - 20, height - 20))
            frame.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
            y, cb, cr = frame.convert("YCbCr").split()
            video.write(b"FRAME\n" + y.tobytes())
            for plane in (cb, cr):
                video.write(plane.resize((width // 2, height // 2)).tobytes())


def test_the_camera_reads_labels_with_the_decoder_from_npm(
    browser_type, live_server, store, registrar, tmp_path
):
    """Without BarcodeDetector (Chromium on Linux has none), the ZXing bundle that `make
    install` copies from npm decodes the labels: a location's QR code (its /scan/ URL), then a
    work's Code 128 barcode (its REF)."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    assert (
        Path(__file__).resolve().parents[2]
        / "collections/static/collections/tablet/vendor/zxing-library.min.js"
    ).exists(), "run `make install`: it copies the barcode decoder from npm"
    shelf, work = store["shelf1"], store["on_shelf1"][0]
    place_qr = qr_image(f"{live_server.url}/scan/{shelf.code}")
    work_barcode = code128_image(work.joconde_ref)
    video = tmp_path / "labels.y4m"
    write_y4m(
        video, [place_qr.copy() for _ in range(10)] + [work_barcode.copy() for _ in range(10)]
    )
    camera = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + camera)
    try:
        context = browser.new_context(**TABLET)
        context.add_init_script("delete window.BarcodeDetector;")
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server.url}/tablet/")
        page.locator("html[data-state=login]").wait_for(state="attached")
        log_in(page, "Tablette A")
        download(page, store["campaign"], "R2")
        page.click("#tool-camera")
        page.locator("#camera[data-engine=ZXing]").wait_for(state="attached")
        page.locator(f"#place[data-code='{shelf.code}']").wait_for(state="attached")
        page.locator(f"#card[data-id='{work.pk}'][data-state=pending]").wait_for(state="attached")
        page.click("#tool-camera")
        page.locator("#camera").wait_for(state="hidden")
    finally:
        browser.close()
