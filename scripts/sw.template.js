// Rollback Lab's service worker, written by scripts/postbuild.mjs: it keeps
// every file of one build (both app bundles, every page entry) in a cache
// named after that build, answers from it first, and works offline. A new
// build installs beside the old one and waits: the page shows "update
// ready", and only when the learner accepts does it take over, so a page
// never mixes files of two versions.
const VERSION = __VERSION__;
const BASE = __BASE__;
const PRECACHE = __PRECACHE__;
const CACHE = `rollback-lab-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(PRECACHE.map((rel) => new Request(BASE + rel, { cache: "reload" }))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("rollback-lab-") && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

// The page entry of a navigation: "/learn/x" and "/learn/x/" are both
// "learn/x/index.html"; an unknown path is "404.html".
function entryFor(url) {
  let rel = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname.slice(1);
  rel = rel.replace(/\/+$/, "").replace(/(^|\/)index\.html$/, "");
  const entry = rel === "" ? "index.html" : `${rel}/index.html`;
  return PRECACHE.includes(entry) ? entry : "404.html";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    const entry = entryFor(url);
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(BASE + entry))
        .then((hit) => hit || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request)),
  );
});
