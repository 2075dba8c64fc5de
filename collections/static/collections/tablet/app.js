// The récolement tablet app: log in, download a campaign's slice, scan and record offline,
// send the queue when the network is there. Plain ES module, no framework, no build step.
//
// Screens: login → setup (campaign, locations, download) → work (scan, card) ⇄ queue.
// What the user records is written to IndexedDB (db.js) before anything is shown as saved;
// sync.js sends it. window.__cartelTiming keeps the time from each scan (Enter) to its
// observation saved in IndexedDB, for bench/tablet.py.

import * as db from "./db.js";
import { CameraScanner, CodeIndex, REF_PATTERN, attachWedge } from "./scan.js";
import { ANSWERED, Api, AuthError, NetworkError, Refused, RetryLater, sync } from "./sync.js";

const STRINGS = JSON.parse(document.getElementById("tablet-strings").textContent);
const CONFIG = JSON.parse(document.getElementById("tablet-settings").textContent);
const THUMBNAILS = "cartel-tablet-thumbnails";
const LIST_LIMIT = 300;
const QUEUE_LIMIT = 300;

const $ = (id) => document.getElementById(id);

/** A UI string, with its {name} placeholders filled in. */
function t(name, values = {}) {
  const text = STRINGS[name] ?? name;
  return text.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// The tablet's own conventions for dates when it speaks the page's language (en-GB, fr-CA…).
const LOCALE = navigator.language?.startsWith(CONFIG.language) ? navigator.language : CONFIG.language;
const timeFormat = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: "short",
  timeStyle: "short",
});
const formatTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : "");

// Timings for bench/tablet.py: scan (Enter) → observation saved in IndexedDB.
const timing = {
  scans: [],
  clear() {
    this.scans.length = 0;
  },
};
window.__cartelTiming = timing;

const app = {
  api: new Api({ base: CONFIG.api, language: CONFIG.language }),
  session: null,
  slice: null,
  index: new CodeIndex(null),
  selection: null,
  place: null,
  items: new Map(),
  latest: new Map(), // work id → its latest observation item
  screen: "loading",
  card: null, // the work shown
  move: null, // {subject: {code, label, type}} while moving
  syncing: null,
  lastSync: null,
  syncStatus: "",
  chain: Promise.resolve(),
  queueFilter: "all",
  photoUrls: [],
};

/** Run changes to the queue one after the other (two quick taps never make two records). */
function serial(work) {
  const next = app.chain.then(work, work);
  app.chain = next.catch((error) => showError(error));
  return next;
}

// Messages ------------------------------------------------------------------------------------

let messageTimer = null;

function showMessage(text, kind = "info", sticky = false) {
  const box = $("message");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(messageTimer);
  if (!sticky) messageTimer = setTimeout(() => (box.hidden = true), kind === "error" ? 8000 : 3000);
}

function showError(error) {
  console.error(error);
  showMessage(t("unexpected_error", { error: error?.message || error }), "error", true);
}

// Screens -------------------------------------------------------------------------------------

function show(screen) {
  app.screen = screen;
  document.documentElement.dataset.state = screen;
  for (const name of ["loading", "login", "setup", "work", "queue"]) {
    $(`screen-${name}`).hidden = name !== screen;
  }
  const signedIn = Boolean(app.session?.token);
  $("bar-menu").hidden = !signedIn;
  $("bar-queue").hidden = !signedIn && !pendingCount();
  closeMenu();
  if ($("message").dataset.kind !== "error") $("message").hidden = true;
  if (screen !== "work") stopCamera();
  if (screen === "work") {
    renderPlace();
    renderList();
    refocus();
  }
  if (screen === "queue") renderQueue();
}

function closeMenu() {
  $("menu").hidden = true;
  $("bar-menu").setAttribute("aria-expanded", "false");
}

// The queue in memory ---------------------------------------------------------------------------

function remember(item) {
  app.items.set(item.key, item);
  if (item.kind === "observation" && item.work_id != null) {
    const before = app.latest.get(item.work_id);
    if (!before || before.seq <= item.seq || before.key === item.key) {
      app.latest.set(item.work_id, item);
    }
  }
}

async function loadItems() {
  const items = await db.allItems();
  app.items.clear();
  app.latest.clear();
  for (const item of items) remember(item);
  renderCounts();
}

/** The work's latest observation for the campaign on the tablet, else null. */
function observationOf(work) {
  const item = work ? app.latest.get(work.id) : null;
  return item && item.campaign_id === app.slice?.campaign.id ? item : null;
}

function pendingCount() {
  let count = 0;
  for (const item of app.items.values()) if (item.state === "pending") count += 1;
  return count;
}

function counts() {
  const result = { pending: 0, sent: 0, conflict: 0, error: 0 };
  for (const item of app.items.values()) {
    if (item.state === "pending") result.pending += 1;
    else if (item.state === "conflict") result.conflict += 1;
    else if (item.state === "error") result.error += 1;
    else result.sent += 1;
  }
  return result;
}

function renderCounts() {
  const { pending, error, conflict } = counts();
  const count = $("pending-count");
  count.textContent = String(pending);
  count.dataset.count = String(pending);
  const label = [t("to_send")];
  if (error) label.push(t("count_errors", { count: error }));
  if (conflict) label.push(t("count_conflicts", { count: conflict }));
  $("pending-label").textContent = label.join(" · ");
  $("bar-queue").dataset.errors = String(error);
  $("bar-queue").hidden = !app.session?.token && !pending;
  if (app.screen === "queue") renderQueue();
}

// Network and service worker ------------------------------------------------------------------

function renderNetwork() {
  const online = navigator.onLine;
  const badge = $("network");
  badge.dataset.online = String(online);
  const ready = document.documentElement.dataset.offline === "ready";
  // Offline, the app running says it all; online, say whether it would run without network.
  badge.textContent = online ? `${t("online")}${ready ? ` · ${t("offline_ready")}` : ""}` : t("offline");
  $("login-offline").hidden = online;
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const ready = () => {
    document.documentElement.dataset.offline = "ready";
    renderNetwork();
  };
  try {
    await navigator.serviceWorker.register(CONFIG.service_worker, { scope: CONFIG.scope });
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) ready();
    else navigator.serviceWorker.addEventListener("controllerchange", ready, { once: true });
  } catch (error) {
    console.warn("Service worker not registered", error);
  }
}

// Sync ------------------------------------------------------------------------------------------

let syncTimer = null;

function scheduleSync(delay = 2000) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => {
    if (navigator.onLine && app.session?.token) syncNow();
  }, delay);
}

function setSyncStatus(text) {
  app.syncStatus = text;
  $("queue-status").textContent = text;
}

async function syncNow(manual = false) {
  if (!app.session?.token) return;
  while (app.syncing) {
    // One sync at a time; a tap on "Sync now" during one sends what was recorded since.
    await app.syncing.catch(() => null);
    if (!manual || !pendingCount() || !app.session?.token) return;
  }
  document.documentElement.dataset.sync = "running";
  $("queue-sync").disabled = true;
  setSyncStatus(t("syncing"));
  app.syncing = (async () => {
    let status = "done";
    try {
      const result = await sync({
        api: app.api,
        device: app.session.device_name,
        onProgress: ({ done, total }) => setSyncStatus(t("sync_progress", { done, total })),
      });
      if (result.busy) {
        status = "busy"; // another tab of this tablet is sending the queue
        return;
      }
      app.lastSync = new Date().toISOString();
      await db.setSetting("last_sync", app.lastSync);
      setSyncStatus(
        result.left
          ? t("sync_left", { count: result.left })
          : t("sync_done", { time: formatTime(app.lastSync) }),
      );
    } catch (error) {
      status = "failed";
      if (error instanceof AuthError) {
        await sessionEnded(error);
      } else if (error instanceof NetworkError) {
        setSyncStatus(t("sync_offline"));
      } else if (error instanceof RetryLater) {
        setSyncStatus(t("sync_server_busy"));
      } else if (error instanceof Refused) {
        setSyncStatus(t("sync_refused", { error: error.message }));
        showMessage(t("sync_refused", { error: error.message }), "error", true);
      } else {
        throw error;
      }
    } finally {
      await loadItems();
      const root = document.documentElement;
      root.dataset.sync = status;
      root.dataset.syncRuns = String(Number(root.dataset.syncRuns || 0) + 1);
      $("queue-sync").disabled = false;
      if (app.screen === "work") {
        renderList();
        renderCardState();
      }
    }
  })();
  try {
    await app.syncing;
  } catch (error) {
    showError(error);
  } finally {
    app.syncing = null;
  }
}

// Session ---------------------------------------------------------------------------------------

async function sessionEnded(error) {
  app.session = { ...app.session, token: null, expired: true, revoked: Boolean(error?.revoked) };
  app.api.token = null;
  await db.setSetting("session", app.session);
  showLogin();
}

function defaultDeviceName() {
  const suffix = crypto.randomUUID().slice(0, 4).toUpperCase();
  return `${t("tablet")} ${suffix}`;
}

async function showLogin() {
  const device = (await db.getSetting("device_name")) || defaultDeviceName();
  $("login-device").value = device;
  $("login-username").value = app.session?.user?.username || app.session?.username || "";
  $("login-password").value = "";
  $("login-otp").value = "";
  $("login-error").hidden = true;
  const expired = $("login-expired");
  if (app.session?.expired) {
    expired.textContent = `${app.session.revoked ? t("session_revoked") : t("session_ended")} ${t(
      "queue_kept",
      { count: pendingCount() },
    )}`;
    expired.hidden = false;
  } else {
    expired.hidden = true;
  }
  renderNetwork();
  show("login");
  ($("login-username").value ? $("login-password") : $("login-username")).focus();
}

async function login(event) {
  event.preventDefault();
  const form = event.target;
  const error = $("login-error");
  error.hidden = true;
  const device = form.device_name.value.trim() || defaultDeviceName();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const { status, data } = await app.api.request("POST", "tablet/login", {
      json: {
        username: form.username.value.trim(),
        password: form.password.value,
        otp: form.otp.value.trim(),
        device_name: device,
      },
      auth: false,
    });
    form.otp.value = ""; // a one-time code never works twice
    if (status !== 201) {
      error.textContent = data.error || t(data.otp_required ? "login_otp_needed" : "login_failed");
      error.hidden = false;
      if (data.otp_required) form.otp.focus();
      return;
    }
    app.session = {
      token: data.token,
      session_id: data.session_id,
      user: data.user,
      can_move: Boolean(data.can_move),
      device_name: device,
    };
    app.api.token = data.token;
    await db.setSetting("session", app.session);
    await db.setSetting("device_name", device);
    form.password.value = "";
    if (app.slice) {
      show("work");
      syncNow();
    } else {
      showSetup();
    }
  } catch (problem) {
    error.textContent = problem instanceof NetworkError ? t("login_offline") : String(problem);
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  const pending = pendingCount();
  const button = $("logout");
  if (pending && button.dataset.confirm !== "1") {
    button.dataset.confirm = "1";
    button.textContent = t("logout_confirm", { count: pending });
    return;
  }
  button.dataset.confirm = "";
  button.textContent = t("logout");
  try {
    if (navigator.onLine) await app.api.post("tablet/logout", {});
  } catch {
    // offline or already revoked: the token is forgotten anyway
  }
  app.session = { username: app.session?.user?.username, expired: false };
  app.api.token = null;
  await db.setSetting("session", app.session);
  showLogin();
}

// Setup: campaign, locations, download ---------------------------------------------------------

async function showSetup() {
  show("setup");
  const status = $("setup-status");
  const current = $("setup-current");
  if (app.slice) {
    current.textContent = t("slice_current", {
      campaign: app.slice.campaign.title,
      works: app.slice.works.length,
      date: formatTime(app.slice.generated_at),
    });
    current.hidden = false;
    $("setup-continue").hidden = false;
  }
  $("setup-campaigns").replaceChildren();
  $("setup-locations").replaceChildren();
  $("setup-locations-title").hidden = true;
  $("setup-download").disabled = true;
  status.textContent = t("loading_campaigns");
  try {
    const { status: code, data } = await app.api.get("campaigns");
    if (code !== 200) throw new Refused(data.error || `HTTP ${code}`);
    app.campaigns = data.campaigns || [];
    status.textContent = app.campaigns.length ? "" : t("no_campaign");
    renderCampaigns();
  } catch (error) {
    if (error instanceof AuthError) return sessionEnded(error);
    status.textContent = error instanceof NetworkError ? t("setup_offline") : error.message;
  }
}

function renderCampaigns() {
  const chosen = app.selection?.campaign_id;
  $("setup-campaigns").replaceChildren(
    ...app.campaigns.map((campaign) =>
      h(
        "label",
        { class: "choice" },
        h("input", {
          type: "radio",
          name: "campaign",
          value: campaign.id,
          checked: campaign.id === chosen,
          onchange: () => renderLocations(campaign),
        }),
        h(
          "span",
          {},
          h("strong", {}, campaign.title),
          h(
            "small",
            {},
            [campaign.start_date, campaign.end_date].filter(Boolean).join(" – "),
          ),
        ),
      ),
    ),
  );
  const selected = app.campaigns.find((campaign) => campaign.id === chosen);
  if (selected) renderLocations(selected);
}

function renderLocations(campaign) {
  const chosen = new Set(
    app.selection?.campaign_id === campaign.id ? app.selection.locations : [],
  );
  $("setup-locations-title").hidden = !campaign.locations.length;
  const update = () => {
    const boxes = [...document.querySelectorAll("#setup-locations input:checked")];
    $("setup-download").disabled = campaign.locations.length > 0 && boxes.length === 0;
  };
  $("setup-locations").replaceChildren(
    ...campaign.locations.map((place) =>
      h(
        "label",
        { class: "choice" },
        h("input", {
          type: "checkbox",
          name: "location",
          value: place.code,
          checked: chosen.has(place.code),
          onchange: update,
        }),
        h("span", {}, h("strong", {}, place.code), h("small", {}, place.full_name)),
      ),
    ),
  );
  app.setupCampaign = campaign;
  update();
}

async function download() {
  const campaign = app.setupCampaign;
  if (!campaign) return;
  const codes = [...document.querySelectorAll("#setup-locations input:checked")].map(
    (input) => input.value,
  );
  const status = $("setup-status");
  const button = $("setup-download");
  button.disabled = true;
  status.textContent = t("downloading");
  try {
    const query = codes.length ? `?locations=${encodeURIComponent(codes.join(","))}` : "";
    const { status: code, data } = await app.api.get(`campaigns/${campaign.id}/slice${query}`);
    if (code !== 200) throw new Refused(data.error || `HTTP ${code}`);
    await cacheThumbnails(data.works, (done, total) => {
      status.textContent = t("thumbnails_progress", { done, total });
    });
    app.selection = { campaign_id: campaign.id, locations: codes };
    await db.setSetting("slice", data);
    await db.setSetting("selection", app.selection);
    useSlice(data);
    if (app.place && !app.index.locations.has(app.place)) setPlace(null);
    status.textContent = t("downloaded", { works: data.works.length });
    document.documentElement.dataset.slice = "ready";
    show("work");
  } catch (error) {
    if (error instanceof AuthError) return sessionEnded(error);
    status.textContent = error instanceof NetworkError ? t("setup_offline") : error.message;
  } finally {
    button.disabled = false;
  }
}

async function cacheThumbnails(works, progress) {
  if (!("caches" in window)) return;
  const cache = await caches.open(THUMBNAILS);
  const wanted = new Set(
    works.filter((work) => work.thumbnail).map((work) => new URL(work.thumbnail, location.href).href),
  );
  for (const request of await cache.keys()) {
    if (!wanted.has(request.url)) await cache.delete(request);
  }
  const have = new Set((await cache.keys()).map((request) => request.url));
  const todo = [...wanted].filter((url) => !have.has(url));
  const total = todo.length;
  let done = 0;
  const worker = async () => {
    while (todo.length) {
      const url = todo.pop();
      try {
        // Thumbnails on another origin (a storage service) are kept as opaque responses.
        const here = new URL(url).origin === location.origin;
        const response = await fetch(url, here ? { credentials: "same-origin" } : { mode: "no-cors" });
        if (response.ok || response.type === "opaque") await cache.put(url, response);
      } catch {
        // a thumbnail that cannot be had is shown as missing; the rest goes on
      }
      done += 1;
      if (done % 10 === 0 || done === total) progress(done, total);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

function useSlice(slice) {
  app.slice = slice;
  app.index = new CodeIndex(slice);
  $("bar-campaign").textContent = slice ? `· ${slice.campaign.title}` : "";
  buildCardControls();
  const reasons = slice?.choices?.reasons || [];
  $("move-reason").replaceChildren(
    ...reasons.map((reason) =>
      h("option", { value: reason.value, selected: reason.value === "recolement" }, reason.label),
    ),
  );
  $("card-location").replaceChildren(
    h("option", { value: "" }, t("location_unknown")),
    ...(slice?.locations || []).map((place) =>
      h("option", { value: place.code }, `${place.code} — ${place.full_name}`),
    ),
  );
}

// Scanning --------------------------------------------------------------------------------------

function refocus() {
  if (app.screen === "work" && app.refocus) app.refocus();
}

function onScan(raw, startedAt) {
  if (app.screen !== "work") return;
  return serial(() => handleScan(raw, startedAt));
}

async function handleScan(raw, startedAt) {
  const found = app.index.resolve(raw);
  if (!found) return;
  if (app.move) return moveScan(found);
  if (found.type === "location") {
    setPlace(found.location.code);
    flash(t("place_set", { place: found.location.full_name }));
    return;
  }
  if (found.type === "unknown") {
    showUnknown(found.code);
    return;
  }
  const work = found.work;
  if (!observationOf(work)) {
    const item = newObservation(work);
    await db.putItem(item);
    timing.scans.push({ code: found.code, ms: performance.now() - startedAt });
    remember(item);
    afterRecord();
  }
  openCard(work);
}

function flash(text) {
  const place = $("place");
  place.dataset.flash = "1";
  setTimeout(() => (place.dataset.flash = ""), 600);
  showMessage(text, "success");
}

function setPlace(code) {
  app.place = code;
  db.setSetting("place", code);
  renderPlace();
  renderList();
}

function renderPlace() {
  const place = app.place ? app.index.locations.get(app.place) : null;
  $("place-code").textContent = place ? place.code : t("no_place");
  $("place-name").textContent = place ? place.full_name : t("scan_place_first");
  $("place").dataset.code = place ? place.code : "";
  const expected = expectedHere();
  const done = expected.filter((work) => isChecked(work)).length;
  $("place-progress").textContent = place
    ? t("place_progress", { done, total: expected.length })
    : "";
  $("tool-move").hidden = !app.session?.can_move;
}

function expectedHere() {
  if (!app.slice) return [];
  if (!app.place) return [];
  const codes = app.index.subtree(app.place);
  return app.slice.works.filter((work) => codes.has(work.expected_location));
}

function isChecked(work) {
  return Boolean(observationOf(work) || work.record);
}

function presenceLabel(value) {
  const choice = app.slice?.choices?.presence?.find((option) => option.value === value);
  return choice ? choice.label : value || "";
}

function renderList() {
  const list = $("work-list");
  const works = expectedHere();
  $("list-title").textContent = app.place ? t("expected_here", { count: works.length }) : "";
  const rows = works.slice(0, LIST_LIMIT).map((work) => {
    const item = observationOf(work);
    const presence = item ? item.data.presence : work.record?.presence;
    const state = item ? item.state : work.record ? "server" : "todo";
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "work-row",
          dataset: { id: work.id, state, presence: presence || "" },
          onclick: () => openCard(work),
        },
        h("span", { class: "mark", "aria-hidden": "true" }),
        h(
          "span",
          { class: "work-row-text" },
          h("strong", {}, work.inventory_number),
          " ",
          work.designation,
          work.expected_location !== app.place
            ? h("small", {}, ` · ${work.expected_location}`)
            : null,
        ),
        h("span", { class: "work-row-state" }, presence ? presenceLabel(presence) : t("to_check")),
      ),
    );
  });
  if (works.length > LIST_LIMIT) {
    rows.push(h("li", { class: "hint" }, t("more_works", { count: works.length - LIST_LIMIT })));
  }
  list.replaceChildren(...rows);
}

// Observations ----------------------------------------------------------------------------------

function defaultData() {
  return {
    presence: "seen",
    location_found: app.place || "",
    marked_on_object: false,
    marked_on_label: false,
    marked_on_support: false,
    conforms: true,
    identification_problem: false,
    inventoried_twice: false,
    condition: "",
    alterations: "",
    follow_ups: [],
    notes: "",
  };
}

function newObservation(work, data = null, extra = {}) {
  const now = new Date().toISOString();
  return {
    key: crypto.randomUUID(),
    kind: "observation",
    seq: db.nextSeq(),
    rev: 1,
    state: "pending",
    campaign_id: app.slice.campaign.id,
    work_id: work ? work.id : null,
    work_ref: work ? work.ref : null,
    inventory_number: work ? work.inventory_number : null,
    label: work ? `${work.inventory_number} — ${work.designation}` : extra.label || "",
    observed_at: now,
    created_at: now,
    data: data || defaultData(),
    ...extra,
  };
}

function afterRecord() {
  renderCounts();
  renderPlace();
  renderList();
  scheduleSync(3000);
}

/** Change the work's observation: in place while it waits (or was refused), else a new one. */
function changeObservation(work, patch) {
  return serial(async () => {
    const current = observationOf(work);
    if (!current) {
      const item = newObservation(work, { ...defaultData(), ...patch });
      await db.putItem(item);
      remember(item);
    } else {
      const stored = await db.updateItems([current.key], (item) => {
        if (item && (item.state === "pending" || item.state === "error")) {
          return {
            ...item,
            data: { ...item.data, ...patch },
            rev: item.rev + 1,
            state: "pending",
            error: null,
            field: null,
          };
        }
        // Sent already: the change is a new observation (the server merges them).
        return newObservation(work, { ...(item || current).data, ...patch });
      });
      for (const item of stored) remember(item);
    }
    afterRecord();
    renderCardState();
  });
}

// The work's card -------------------------------------------------------------------------------

function toggle(label, { pressed, onClick, value, name }) {
  return h(
    "button",
    {
      type: "button",
      class: "toggle",
      "aria-pressed": pressed ? "true" : "false",
      dataset: { value: value ?? "", name: name ?? "" },
      onclick: onClick,
    },
    label,
  );
}

const MARKING = ["marked_on_object", "marked_on_label", "marked_on_support"];
const FLAGS = ["conforms", "identification_problem", "inventoried_twice"];

function buildCardControls() {
  const choices = app.slice?.choices || {};
  const data = () => cardData();
  $("card-presence").replaceChildren(
    ...(choices.presence || []).map((choice) =>
      toggle(choice.label, {
        value: choice.value,
        name: "presence",
        onClick: () => changeObservation(app.card, { presence: choice.value }),
      }),
    ),
  );
  $("card-marking").replaceChildren(
    ...MARKING.map((name) =>
      toggle(t(name), {
        name,
        onClick: () => changeObservation(app.card, { [name]: !data()[name] }),
      }),
    ),
  );
  $("card-condition").replaceChildren(
    ...(choices.condition || []).map((choice) =>
      toggle(choice.label, {
        value: choice.value,
        name: "condition",
        onClick: () =>
          changeObservation(app.card, {
            condition: data().condition === choice.value ? "" : choice.value,
          }),
      }),
    ),
  );
  $("card-follow-ups").replaceChildren(
    ...(choices.follow_ups || []).map((choice) =>
      toggle(choice.label, {
        value: choice.value,
        name: "follow_ups",
        onClick: () => {
          const chosen = new Set(data().follow_ups || []);
          if (chosen.has(choice.value)) chosen.delete(choice.value);
          else chosen.add(choice.value);
          changeObservation(app.card, { follow_ups: [...chosen].sort() });
        },
      }),
    ),
  );
  $("card-flags").replaceChildren(
    ...FLAGS.map((name) =>
      toggle(t(name === "conforms" ? "does_not_conform" : name), {
        name,
        onClick: () => changeObservation(app.card, { [name]: !data()[name] }),
      }),
    ),
  );
}

function cardItem() {
  return observationOf(app.card);
}

function cardData() {
  const item = cardItem();
  return item ? item.data : { ...defaultData(), presence: "" };
}

function openCard(work) {
  app.card = work;
  $("panel-hint").hidden = true;
  $("panel-unknown").hidden = true;
  const card = $("card");
  card.hidden = false;
  card.dataset.id = work.id;
  card.dataset.ref = work.ref || "";
  $("card-number").textContent = work.inventory_number;
  $("card-ref").textContent = work.ref || "";
  $("card-designation").textContent = work.designation || t("no_designation");
  $("card-details").textContent = [work.makers, work.date, work.dimensions, work.domain]
    .filter(Boolean)
    .join(" · ");
  const expected = work.expected_location ? app.index.locations.get(work.expected_location) : null;
  $("card-expected").textContent = t("expected_at", {
    place: expected ? expected.full_name : work.expected_location || t("location_unknown"),
  });
  const thumb = $("card-thumb");
  thumb.hidden = !work.thumbnail;
  if (work.thumbnail) {
    thumb.src = work.thumbnail;
    thumb.onerror = () => (thumb.hidden = true);
  } else {
    thumb.removeAttribute("src");
  }
  const data = cardData();
  $("card-alterations").value = data.alterations || "";
  $("card-notes").value = data.notes || "";
  $("card-more").open = Boolean(
    data.alterations || data.notes || !data.conforms || data.identification_problem || data.inventoried_twice,
  );
  renderCardState();
  $("panel").scrollTop = 0;
  if (matchMedia("(max-width: 900px)").matches) $("panel").scrollIntoView({ block: "start" });
}

function closeCard() {
  app.card = null;
  $("card").hidden = true;
  $("panel-hint").hidden = false;
  for (const url of app.photoUrls) URL.revokeObjectURL(url);
  app.photoUrls = [];
  refocus();
}

function renderCardState() {
  const work = app.card;
  if (!work) return;
  const item = cardItem();
  const data = cardData();
  const card = $("card");
  card.dataset.key = item ? item.key : "";
  card.dataset.state = item ? item.state : "";
  card.dataset.presence = data.presence || "";
  for (const button of card.querySelectorAll(".toggle")) {
    const { name, value } = button.dataset;
    let pressed;
    if (name === "presence" || name === "condition") pressed = data[name] === value;
    else if (name === "follow_ups") pressed = (data.follow_ups || []).includes(value);
    else if (name === "conforms") pressed = data.conforms === false;
    else pressed = Boolean(data[name]);
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
  }
  const placeSelect = $("card-location");
  placeSelect.value = item ? data.location_found || "" : app.place || "";
  const status = $("card-status");
  status.dataset.state = item ? item.state : work.record ? "server" : "";
  if (!item) {
    status.textContent = work.record
      ? t("already_recorded", { presence: presenceLabel(work.record.presence) })
      : t("not_recorded");
  } else if (item.state === "pending") {
    status.textContent = t("saved_waiting");
  } else if (item.state === "error") {
    status.textContent = t("refused", { error: item.error || "" });
  } else if (item.state === "conflict") {
    status.textContent = t("conflict_explained");
  } else {
    status.textContent = t("sent", { time: formatTime(item.answered_at) });
  }
  renderCardPhotos();
}

async function renderCardPhotos() {
  const list = $("card-photos");
  const work = app.card;
  const photos = [...app.items.values()].filter(
    (item) => item.kind === "photo" && work && item.work_id === work.id,
  );
  for (const url of app.photoUrls) URL.revokeObjectURL(url);
  app.photoUrls = [];
  const figures = [];
  for (const photo of photos) {
    const blob = photo.state === "pending" || photo.state === "error" ? await db.getPhoto(photo.key) : null;
    let image = h("span", { class: "photo-sent" }, "✓");
    if (blob) {
      const url = URL.createObjectURL(blob);
      app.photoUrls.push(url);
      image = h("img", { src: url, alt: "" });
    }
    figures.push(
      h(
        "figure",
        { class: "photo", dataset: { key: photo.key, state: photo.state } },
        image,
        h("figcaption", {}, t(`state_${photo.state}`)),
      ),
    );
  }
  if (app.card === work) list.replaceChildren(...figures);
}

function onPhoto(event) {
  const input = event.target;
  const files = [...input.files];
  input.value = "";
  const work = app.card;
  if (!work || !files.length) return;
  serial(async () => {
    let observation = observationOf(work);
    if (!observation) {
      observation = newObservation(work);
      await db.putItem(observation);
      remember(observation);
    }
    for (const file of files) {
      const now = new Date().toISOString();
      const photo = {
        key: crypto.randomUUID(),
        kind: "photo",
        seq: db.nextSeq(),
        rev: 1,
        state: "pending",
        campaign_id: observation.campaign_id,
        observation_key: observation.key,
        work_id: work.id,
        label: observation.label,
        name: file.name || "photo.jpg",
        type: file.type,
        size: file.size,
        created_at: now,
      };
      await db.putItem(photo, file);
      remember(photo);
    }
    afterRecord();
    renderCardState();
    showMessage(t("photo_saved"), "success");
  });
}

// Objects that are not in the slice -------------------------------------------------------------

function showUnknown(code) {
  closeCard();
  $("panel-hint").hidden = true;
  $("panel-unknown").hidden = false;
  $("panel-unknown").dataset.code = code;
  $("unknown-code").textContent = code;
  $("unknown-description").value = "";
}

function hideUnknown() {
  $("panel-unknown").hidden = true;
  $("panel-hint").hidden = false;
  refocus();
}

function recordUnknown(withDescription) {
  const code = $("panel-unknown").dataset.code || "";
  const description = $("unknown-description").value.trim();
  if (withDescription && !description) {
    $("unknown-description").focus();
    return;
  }
  serial(async () => {
    const extra = { work_id: null, work_ref: null, inventory_number: null, label: code };
    if (withDescription) {
      extra.found_description = code && !description.includes(code) ? `${code} — ${description}` : description;
      extra.label = extra.found_description;
    } else if (REF_PATTERN.test(code.toUpperCase())) {
      extra.work_ref = code.toUpperCase();
    } else {
      extra.inventory_number = code;
    }
    const item = newObservation(null, null, extra);
    await db.putItem(item);
    remember(item);
    afterRecord();
    hideUnknown();
    showMessage(t("recorded_unknown", { code: extra.label }), "success");
  });
}

// Moving a work or a box ------------------------------------------------------------------------

function startMove() {
  closeCard();
  hideUnknown();
  app.move = { subject: null };
  $("panel-hint").hidden = true;
  $("panel-move").hidden = false;
  $("tool-move").setAttribute("aria-pressed", "true");
  renderMove();
}

function stopMove() {
  app.move = null;
  $("panel-move").hidden = true;
  $("panel-hint").hidden = false;
  $("tool-move").setAttribute("aria-pressed", "false");
  $("move-result").hidden = true;
  $("move-error").hidden = true;
  refocus();
}

function renderMove() {
  const subject = app.move?.subject;
  $("panel-move").dataset.step = subject ? "destination" : "subject";
  $("move-subject").textContent = subject ? subject.label : "";
  $("move-destination").textContent = "";
  $("move-step-subject").dataset.current = subject ? "" : "1";
  $("move-step-destination").dataset.current = subject ? "1" : "";
}

function moveError(text) {
  $("move-error").textContent = text;
  $("move-error").hidden = false;
}

async function moveScan(found) {
  $("move-error").hidden = true;
  const subject = app.move.subject;
  if (!subject) {
    if (found.type === "work") {
      app.move.subject = {
        type: "work",
        code: found.work.ref,
        label: `${found.work.inventory_number} — ${found.work.designation}`,
      };
    } else if (found.type === "location") {
      app.move.subject = {
        type: "location",
        code: found.location.code,
        label: `${found.location.code} — ${found.location.full_name}`,
      };
    } else {
      return moveError(t("unknown_code", { code: found.code }));
    }
    $("move-result").hidden = true;
    renderMove();
    return;
  }
  if (found.type !== "location") {
    return moveError(t("scan_a_location"));
  }
  const to = found.location;
  if (subject.type === "location" && (to.code === subject.code || app.index.isInside(to.code, subject.code))) {
    return moveError(t("move_into_itself", { place: subject.code }));
  }
  const now = new Date().toISOString();
  const item = {
    key: crypto.randomUUID(),
    kind: "movement",
    seq: db.nextSeq(),
    rev: 1,
    state: "pending",
    campaign_id: app.slice.campaign.id,
    subject: subject.code,
    subject_type: subject.type,
    label: subject.label,
    to: to.code,
    to_label: `${to.code} — ${to.full_name}`,
    reason: $("move-reason").value || "recolement",
    note: $("move-note").value.trim(),
    moved_at: now,
    created_at: now,
  };
  await db.putItem(item);
  remember(item);
  if (subject.type === "location") {
    const moved = app.index.locations.get(subject.code);
    if (moved) {
      moved.parent = to.code;
      moved.full_name = `${to.full_name} › ${moved.name}`;
      app.index.rebuildTree();
      db.setSetting("slice", app.slice);
    }
  }
  $("move-destination").textContent = item.to_label;
  $("move-result").textContent = t("move_queued", { subject: subject.label, to: item.to_label });
  $("move-result").hidden = false;
  $("move-note").value = "";
  app.move.subject = null;
  $("panel-move").dataset.step = "subject";
  $("move-step-subject").dataset.current = "1";
  $("move-step-destination").dataset.current = "";
  afterRecord();
}

// Camera ----------------------------------------------------------------------------------------

let camera = null;

async function toggleCamera() {
  if (camera?.running) return stopCamera();
  const status = $("camera-status");
  $("camera").hidden = false;
  $("tool-camera").setAttribute("aria-pressed", "true");
  status.textContent = t("camera_starting");
  camera = new CameraScanner($("camera-video"), {
    decoderUrl: CONFIG.decoder,
    onCode: (code, at) => onScan(code, at),
  });
  try {
    await camera.start();
    status.textContent = t("camera_ready", { engine: camera.engine });
    $("camera").dataset.engine = camera.engine;
  } catch (error) {
    stopCamera();
    showMessage(t("camera_failed", { error: error.message }), "error");
  }
}

function stopCamera() {
  if (camera) camera.stop();
  camera = null;
  $("camera").hidden = true;
  $("tool-camera").setAttribute("aria-pressed", "false");
}

// The queue screen -----------------------------------------------------------------------------

const FILTERS = ["all", "pending", "conflict", "error"];

function itemTitle(item) {
  if (item.kind === "movement") return t("move_title", { subject: item.label, to: item.to_label });
  if (item.kind === "photo") return t("photo_title", { work: item.label });
  const presence = presenceLabel(item.data?.presence);
  return `${item.label}${presence ? ` — ${presence}` : ""}`;
}

function renderQueue() {
  const summary = counts();
  $("queue-summary").replaceChildren(
    ...["pending", "sent", "conflict", "error"].map((name) =>
      h(
        "div",
        {},
        h("dt", {}, t(`summary_${name}`)),
        h("dd", { id: `queue-count-${name}`, dataset: { count: summary[name] } }, summary[name]),
      ),
    ),
  );
  $("queue-status").textContent =
    app.syncStatus ||
    (app.lastSync ? t("sync_done", { time: formatTime(app.lastSync) }) : t("never_synced"));
  $("queue-filters").replaceChildren(
    ...FILTERS.map((name) =>
      toggle(t(`filter_${name}`), {
        pressed: app.queueFilter === name,
        value: name,
        name: "filter",
        onClick: () => {
          app.queueFilter = name;
          renderQueue();
        },
      }),
    ),
  );
  const items = [...app.items.values()]
    .filter((item) => app.queueFilter === "all" || item.state === app.queueFilter)
    .sort((a, b) => b.seq - a.seq);
  const rows = items.slice(0, QUEUE_LIMIT).map((item) => queueRow(item));
  if (items.length > QUEUE_LIMIT) {
    rows.push(h("li", { class: "hint" }, t("more_items", { count: items.length - QUEUE_LIMIT })));
  }
  $("queue-list").replaceChildren(...rows);
}

function queueRow(item) {
  const actions = [];
  const work = item.work_id != null ? app.index.works.get(item.work_id) : null;
  if (work) {
    actions.push(
      h("button", { type: "button", class: "small", onclick: () => goToWork(work) }, t("open")),
    );
  }
  if (item.state === "error") {
    actions.push(
      h("button", { type: "button", class: "small", onclick: () => retryItem(item) }, t("send_again")),
    );
  }
  if (item.state === "error" || item.state === "pending") {
    actions.push(
      h(
        "button",
        {
          type: "button",
          class: "small danger",
          onclick: (event) => removeItem(item, event.currentTarget),
        },
        t("remove"),
      ),
    );
  }
  return h(
    "li",
    { class: "queue-item", dataset: { key: item.key, state: item.state, kind: item.kind } },
    h(
      "div",
      { class: "queue-text" },
      h("strong", {}, itemTitle(item)),
      h("small", {}, formatTime(item.observed_at || item.created_at)),
      item.error ? h("p", { class: "error" }, item.error) : null,
      item.state === "conflict" ? h("p", { class: "warning" }, t("conflict_explained")) : null,
    ),
    h("span", { class: "badge", dataset: { state: item.state } }, t(`state_${item.state}`)),
    actions.length ? h("div", { class: "queue-actions" }, actions) : null,
  );
}

function goToWork(work) {
  show("work");
  openCard(work);
}

function retryItem(item) {
  serial(async () => {
    const stored = await db.updateItems([item.key], (current) =>
      current && current.state === "error"
        ? { ...current, state: "pending", error: null, field: null, rev: current.rev + 1 }
        : undefined,
    );
    for (const changed of stored) remember(changed);
    renderCounts();
    scheduleSync(500);
  });
}

function removeItem(item, button) {
  if (button.dataset.confirm !== "1") {
    button.dataset.confirm = "1";
    button.textContent = t("remove_confirm");
    return;
  }
  serial(async () => {
    // An observation takes its photographs with it.
    const keys = [item.key];
    for (const other of app.items.values()) {
      if (other.kind === "photo" && other.observation_key === item.key && !ANSWERED.has(other.state)) {
        keys.push(other.key);
      }
    }
    await db.updateItems(keys, (current) =>
      current && (current.state === "pending" || current.state === "error") ? null : undefined,
    );
    await loadItems();
    renderQueue();
  });
}

// Start -----------------------------------------------------------------------------------------

function setupLanguages() {
  const box = $("menu-languages");
  box.replaceChildren(
    ...CONFIG.languages
      .filter((language) => language.code !== CONFIG.language)
      .map((language) =>
        h(
          "button",
          {
            type: "button",
            lang: language.code,
            onclick: () => {
              if (!navigator.onLine) return showMessage(t("language_offline"), "error");
              document.cookie = `${CONFIG.language_cookie}=${language.code}; path=/; max-age=31536000; SameSite=Lax`;
              location.reload();
            },
          },
          language.name,
        ),
      ),
  );
}

function bindEvents() {
  $("message").addEventListener("click", () => ($("message").hidden = true));
  $("login-form").addEventListener("submit", login);
  $("setup-download").addEventListener("click", download);
  $("setup-continue").addEventListener("click", () => show("work"));
  $("bar-queue").addEventListener("click", () => show(app.screen === "queue" ? "work" : "queue"));
  $("bar-menu").addEventListener("click", () => {
    const menu = $("menu");
    menu.hidden = !menu.hidden;
    $("bar-menu").setAttribute("aria-expanded", String(!menu.hidden));
  });
  for (const button of document.querySelectorAll("#menu [data-go]")) {
    button.addEventListener("click", () => {
      const target = button.dataset.go;
      if (target === "setup") showSetup();
      else if (target === "work" && !app.slice) showSetup();
      else show(target);
    });
  }
  $("logout").addEventListener("click", logout);
  $("queue-sync").addEventListener("click", () => syncNow(true));
  $("queue-back").addEventListener("click", () => show(app.slice ? "work" : "setup"));
  $("card-done").addEventListener("click", closeCard);
  $("card-photo").addEventListener("change", onPhoto);
  $("card-location").addEventListener("change", (event) => {
    if (app.card) changeObservation(app.card, { location_found: event.target.value });
  });
  for (const name of ["alterations", "notes"]) {
    $(`card-${name}`).addEventListener("change", (event) => {
      if (app.card) changeObservation(app.card, { [name]: event.target.value });
    });
  }
  $("unknown-number").addEventListener("click", () => recordUnknown(false));
  $("unknown-found").addEventListener("click", () => recordUnknown(true));
  $("unknown-close").addEventListener("click", hideUnknown);
  $("tool-move").addEventListener("click", () => (app.move ? stopMove() : startMove()));
  $("move-cancel").addEventListener("click", stopMove);
  $("tool-camera").addEventListener("click", toggleCamera);
  $("tool-type").addEventListener("click", () => {
    const input = $("scan-input");
    const typing = input.getAttribute("inputmode") !== "text";
    input.setAttribute("inputmode", typing ? "text" : "none");
    $("tool-type").setAttribute("aria-pressed", String(typing));
    input.blur();
    input.focus();
  });
  window.addEventListener("online", () => {
    renderNetwork();
    scheduleSync(300);
  });
  window.addEventListener("offline", renderNetwork);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) scheduleSync(1000);
  });
  setInterval(() => {
    if (navigator.onLine && pendingCount() && !app.syncing) syncNow();
  }, 60_000);
  app.refocus = attachWedge($("scan-input"), onScan, () => app.screen === "work" && $("menu").hidden);
}

async function boot() {
  bindEvents();
  setupLanguages();
  renderNetwork();
  registerServiceWorker();
  if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
  const saved = await db.getSettings(["session", "slice", "selection", "place", "last_sync"]);
  app.session = saved.session;
  app.api.token = saved.session?.token || null;
  app.selection = saved.selection;
  app.lastSync = saved.last_sync;
  if (saved.slice) {
    useSlice(saved.slice);
    document.documentElement.dataset.slice = "ready";
  }
  app.place = saved.place && app.index.locations.has(saved.place) ? saved.place : null;
  await loadItems();
  if (!app.session?.token) return showLogin();
  if (!app.slice) return showSetup();
  show("work");
  scheduleSync(500);
}

boot().catch(showError);
