// The tablet app's service worker, served by the view at /tablet/sw.js (scope /tablet/), which
// puts `const CARTEL = {version, scope, shell, api, precache}` before this file.
//
// - Installing keeps the page and every static file of the app in a cache named after their
//   hash, so a new version is a new cache and the old one is dropped when it takes over.
// - The page and the app's files: network first (the page and its scripts always of the same
//   version when the server answers), the kept copy when the network is down or slow; the
//   thumbnails of the downloaded slice: from the cache the page filled when it downloaded them.
// - The API is never cached: the queue in IndexedDB is what works offline.
/* global CARTEL */

const SHELL = `cartel-tablet-${CARTEL.version}`;
const THUMBNAILS = "cartel-tablet-thumbnails";
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll(
        [CARTEL.shell, ...CARTEL.precache].map((url) => new Request(url, { cache: "reload" })),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("cartel-tablet-") && name !== SHELL && name !== THUMBNAILS) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Network first, so that the page and its files always come from the same version when the
 * server can be reached; the kept copy (refreshed by each answer) when it cannot, or is slow.
 */
async function fresh(request, key) {
  const cache = await caches.open(SHELL);
  const network = fetch(request);
  try {
    const response = await withTimeout(network, NETWORK_WAIT_MS);
    if (response.ok) {
      await cache.put(key, response.clone());
      return response;
    }
    return (await cache.match(key, { ignoreVary: true })) || response;
  } catch {
    // Offline or too slow: the kept copy; a slow answer still refreshes it.
    network.then((response) => (response.ok ? cache.put(key, response) : null)).catch(() => null);
    return (await cache.match(key, { ignoreVary: true })) || Response.error();
  }
}

async function kept(request) {
  const hit = await caches.match(request, { ignoreVary: true });
  if (hit) return hit;
  return fetch(request);
}

const APP_FILES = new Set(CARTEL.precache.map((url) => new URL(url, self.location.origin).href));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith(CARTEL.api)) return;
  if (request.mode === "navigate") {
    if (url.origin === self.location.origin && url.pathname === CARTEL.shell) {
      event.respondWith(fresh(request, CARTEL.shell));
    }
    return;
  }
  if (APP_FILES.has(url.href)) {
    event.respondWith(fresh(request, url.href));
    return;
  }
  // The thumbnails of the downloaded slice, kept by the page when it downloaded them.
  event.respondWith(kept(request));
});
