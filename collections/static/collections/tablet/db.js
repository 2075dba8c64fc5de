// IndexedDB: everything the tablet knows lives here first, so that nothing typed is lost.
//
// settings  key → value: the session (token), the downloaded slice, the campaign and locations
//           chosen, the device name, the last location scanned, the last sync.
// outbox    the queue, one item per observation, movement or photograph (keyPath "key", the
//           idempotency key made with crypto.randomUUID() when the item is made). An item is
//           "pending" until the server has answered for it; then its state is the server's
//           status (created, replayed, conflict, error) and it stays for the user to see.
// photos    the photographs' Blobs, by the key of their outbox item, until they are sent.

const NAME = "cartel-tablet";
const VERSION = 1;
// Writes to the queue reach the disk before the promise resolves: a crash or a power cut
// right after "saved" loses nothing.
const DURABLE = { durability: "strict" };

let opening = null;

export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("settings")) db.createObjectStore("settings");
        if (!db.objectStoreNames.contains("outbox")) {
          const outbox = db.createObjectStore("outbox", { keyPath: "key" });
          outbox.createIndex("state", "state");
          outbox.createIndex("seq", "seq");
        }
        if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos");
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version of the app (another tab) needs the database: let it upgrade.
        db.onversionchange = () => db.close();
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab."));
    });
  }
  return opening;
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException("Transaction aborted", "AbortError"));
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transaction(stores, mode, work) {
  const db = await openDb();
  const tx = db.transaction(stores, mode, mode === "readwrite" ? DURABLE : undefined);
  const value = work(tx);
  await finished(tx);
  return value;
}

// Settings ------------------------------------------------------------------------------------

export async function getSetting(name, fallback = null) {
  const db = await openDb();
  const value = await result(db.transaction("settings").objectStore("settings").get(name));
  return value === undefined ? fallback : value;
}

export async function getSettings(names) {
  const db = await openDb();
  const store = db.transaction("settings").objectStore("settings");
  const values = await Promise.all(names.map((name) => result(store.get(name))));
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? null]));
}

export function setSetting(name, value) {
  return transaction("settings", "readwrite", (tx) => {
    tx.objectStore("settings").put(value, name);
  });
}

export function deleteSetting(name) {
  return transaction("settings", "readwrite", (tx) => {
    tx.objectStore("settings").delete(name);
  });
}

// The queue -----------------------------------------------------------------------------------

let lastSeq = 0;

/** A number that orders items as they were made, across reloads. */
export function nextSeq() {
  lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
  return lastSeq;
}

/** Add or replace an item (and a photograph's Blob) in one durable transaction. */
export function putItem(item, blob = null) {
  const stores = blob ? ["outbox", "photos"] : ["outbox"];
  return transaction(stores, "readwrite", (tx) => {
    tx.objectStore("outbox").put(item);
    if (blob) tx.objectStore("photos").put(blob, item.key);
  });
}

export async function allItems() {
  const db = await openDb();
  const items = await result(db.transaction("outbox").objectStore("outbox").index("seq").getAll());
  for (const item of items) lastSeq = Math.max(lastSeq, item.seq);
  return items;
}

export async function countPending() {
  const db = await openDb();
  return result(db.transaction("outbox").objectStore("outbox").index("state").count("pending"));
}

/**
 * Change items in one transaction: ``change(item)`` gets the stored item (or undefined) and
 * returns what to store: an item (or an array of items) to put, null to delete it (and its
 * photograph), or undefined to leave it. Resolves to the list of items stored.
 */
export async function updateItems(keys, change) {
  const stored = [];
  await transaction(["outbox", "photos"], "readwrite", (tx) => {
    const outbox = tx.objectStore("outbox");
    for (const key of keys) {
      outbox.get(key).onsuccess = (event) => {
        const next = change(event.target.result);
        if (next === null) {
          outbox.delete(key);
          tx.objectStore("photos").delete(key);
        } else if (next !== undefined) {
          for (const item of Array.isArray(next) ? next : [next]) {
            outbox.put(item);
            stored.push(item);
          }
        }
      };
    }
  });
  return stored;
}

// Photographs ---------------------------------------------------------------------------------

export async function getPhoto(key) {
  const db = await openDb();
  return result(db.transaction("photos").objectStore("photos").get(key));
}

export function deletePhoto(key) {
  return transaction("photos", "readwrite", (tx) => {
    tx.objectStore("photos").delete(key);
  });
}

/** Everything, for "forget this tablet": only when the queue is empty. */
export async function clearAll() {
  await transaction(["settings", "outbox", "photos"], "readwrite", (tx) => {
    for (const name of ["settings", "outbox", "photos"]) tx.objectStore(name).clear();
  });
}
