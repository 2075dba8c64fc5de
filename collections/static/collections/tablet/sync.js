// The tablet API client and the sending of the queue.
//
// Every item carries the key made when it was recorded; the server keeps each key once, so
// sending an item twice (a retry, a reload in the middle of a sync, two tabs) records it once.
// An item leaves the "pending" state only when the server has answered for it: a network that
// drops, a timeout or a server error leaves it pending for the next sync. A 401 stops the sync
// and asks to log in again; the queue is kept.

import * as db from "./db.js";

const BATCH = 500; // the API's limit per request
const TIMEOUT_MS = 30_000;
const PHOTO_TIMEOUT_MS = 180_000;
export const ANSWERED = new Set(["created", "replayed", "conflict"]);

export class NetworkError extends Error {}
export class AuthError extends Error {
  constructor(message, revoked) {
    super(message);
    this.revoked = revoked;
  }
}
/** The server could not answer for the items (5xx, 429): try again later. */
export class RetryLater extends Error {}
/** The server refuses the whole request (403, 404…): a message for the user, items kept. */
export class Refused extends Error {}

export class Api {
  constructor({ base, language, token = null }) {
    this.base = base.endsWith("/") ? base : `${base}/`;
    this.language = language;
    this.token = token;
  }

  async request(method, path, { json, form, timeout = TIMEOUT_MS, auth = true } = {}) {
    const headers = { Accept: "application/json", "Accept-Language": this.language };
    if (auth && this.token) headers.Authorization = `Bearer ${this.token}`;
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form) {
      body = form;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    let response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body,
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(error.message);
    } finally {
      clearTimeout(timer);
    }
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    if (response.status === 401 && auth) {
      throw new AuthError(data.error || "", Boolean(data.revoked));
    }
    return { status: response.status, data };
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, json, options = {}) {
    return this.request("POST", path, { json, ...options });
  }
}

/** Raise what a non-2xx answer that is not about the items means. */
function refuse({ status, data }) {
  if (status >= 500 || status === 429 || status === 408) {
    throw new RetryLater(data.error || `HTTP ${status}`);
  }
  throw new Refused(data.error || `HTTP ${status}`);
}

function observationPayload(item) {
  const payload = { key: item.key, observed_at: item.observed_at, data: item.data };
  if (item.work_ref) payload.work_ref = item.work_ref;
  else if (item.inventory_number) payload.inventory_number = item.inventory_number;
  else payload.found_description = item.found_description;
  return payload;
}

/**
 * Store the server's answers. ``sent`` maps each key to the item as it was sent. An item
 * changed on the tablet while it was on its way keeps its answer for what was sent; the
 * change becomes a new item (a new key) that the next round sends.
 */
async function storeAnswers(sent, answers) {
  const now = new Date().toISOString();
  return db.updateItems([...answers.keys()], (item) => {
    const before = sent.get(item?.key);
    if (!item || !before) return undefined;
    const answer = answers.get(item.key);
    if (answer.status === "error" || !ANSWERED.has(answer.status)) {
      if (item.rev !== before.rev) return undefined; // changed since: the change may fix it
      return {
        ...item,
        state: "error",
        error: answer.error || "",
        field: answer.field || null,
        answered_at: now,
      };
    }
    const answered = {
      ...before,
      state: answer.status,
      record_id: answer.record_id ?? null,
      error: null,
      field: null,
      answered_at: now,
    };
    if (item.rev === before.rev) return answered;
    return [
      answered,
      { ...item, key: crypto.randomUUID(), seq: db.nextSeq(), rev: 1, state: "pending" },
    ];
  });
}

async function sendObservations(api, device, batch) {
  const campaign = batch[0].campaign_id;
  const sent = new Map(batch.map((item) => [item.key, item]));
  const response = await api.post(
    `campaigns/${campaign}/observations`,
    { device, observations: batch.map(observationPayload) },
    { timeout: TIMEOUT_MS + batch.length * 100 },
  );
  const answers = new Map();
  if (response.status === 200 && Array.isArray(response.data.results)) {
    for (const answer of response.data.results) {
      if (answer && sent.has(answer.key)) answers.set(answer.key, answer);
    }
  } else if (response.status === 400 || response.status === 404) {
    // The request as a whole was refused (a closed or unknown campaign): each item says so.
    for (const key of sent.keys()) {
      answers.set(key, {
        status: "error",
        error: response.data.error || `HTTP ${response.status}`,
        field: response.data.field || null,
      });
    }
  } else {
    refuse(response);
  }
  return storeAnswers(sent, answers);
}

async function sendMovement(api, item) {
  const response = await api.post("movements", {
    subject: item.subject,
    to: item.to,
    reason: item.reason,
    moved_at: item.moved_at,
    note: item.note || "",
    idempotency_key: item.key,
  });
  const { status, data } = response;
  let answer;
  if (status === 201 || status === 200) {
    answer = { status: status === 201 ? "created" : "replayed", record_id: data.id ?? null };
  } else if (status >= 500 || status === 429 || status === 408) {
    refuse(response);
  } else {
    answer = { status: "error", error: data.error || `HTTP ${status}`, field: data.field || null };
  }
  return storeAnswers(new Map([[item.key, item]]), new Map([[item.key, answer]]));
}

async function sendPhoto(api, item) {
  // Once sent, the Blob is dropped: a replay of the key needs no file, the server has it.
  const blob = await db.getPhoto(item.key);
  const form = new FormData();
  form.append("key", item.key);
  form.append("observation_key", item.observation_key);
  if (blob) form.append("file", blob, item.name || `${item.key}.jpg`);
  const response = await api.request("POST", "photos", { form, timeout: PHOTO_TIMEOUT_MS });
  const { status, data } = response;
  let answer;
  if (status === 201 || status === 200) {
    answer = { status: status === 201 ? "created" : "replayed", record_id: data.record_id };
  } else if (status === 409 && data.retry) {
    return []; // the observation has not arrived yet: next time
  } else if (status >= 500 || status === 429 || status === 408) {
    refuse(response);
  } else {
    answer = { status: "error", error: data.error || `HTTP ${status}`, field: data.field };
  }
  const stored = await storeAnswers(new Map([[item.key, item]]), new Map([[item.key, answer]]));
  if (ANSWERED.has(answer.status)) await db.deletePhoto(item.key); // the server has it now
  return stored;
}

async function run({ api, device, onProgress }) {
  const items = await db.allItems();
  const pending = items.filter((item) => item.state === "pending");
  const total = pending.length;
  let done = 0;
  const progress = (count) => {
    done += count;
    if (onProgress) onProgress({ done, total });
  };
  // Observations and movements in the order they were made (a box moved after its works were
  // seen in it is moved after they are recorded), observations in batches.
  let batch = [];
  const flush = async () => {
    if (!batch.length) return;
    const sending = batch;
    batch = [];
    await sendObservations(api, device, sending);
    progress(sending.length);
  };
  for (const item of pending) {
    if (item.kind === "observation") {
      if (batch.length >= BATCH || (batch.length && batch[0].campaign_id !== item.campaign_id)) {
        await flush();
      }
      batch.push(item);
    } else if (item.kind === "movement") {
      await flush();
      await sendMovement(api, item);
      progress(1);
    }
  }
  await flush();
  // Photographs last, in the background of the observations they belong to.
  const now = new Map((await db.allItems()).map((item) => [item.key, item]));
  for (const item of pending) {
    if (item.kind !== "photo") continue;
    const observation = now.get(item.observation_key);
    if (!observation || !ANSWERED.has(observation.state)) continue;
    await sendPhoto(api, item);
    progress(1);
  }
  const left = await db.countPending();
  return { total, done, left };
}

let running = null;

/** Send the queue; one sync at a time across the tabs of this tablet. */
export function sync(options) {
  if (navigator.locks) {
    return navigator.locks.request("cartel-tablet-sync", { ifAvailable: true }, (lock) =>
      lock ? run(options) : { busy: true },
    );
  }
  if (running) return Promise.resolve({ busy: true });
  running = run(options).finally(() => {
    running = null;
  });
  return running;
}
