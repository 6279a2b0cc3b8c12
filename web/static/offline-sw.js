// The service worker, served as /sw.js (web/pages/offline.py puts the version in). It keeps
// what "Log a need" needs on the phone, so the page opens with no signal, and each project's
// "Consent at the door" page once opened; what is captured there waits in IndexedDB
// (static/offline.js), not here.
"use strict";

var VERSION = "__VERSION__";
var PREFIX = "needs-shell-";
var CACHE = PREFIX + VERSION;
var PAGE = "/needs/new";
// A project's door page, kept on the phone as it was last opened with a signal.
var DOOR = /^\/projects\/[0-9a-f-]{36}\/consent$/;
var SHELL = [
  "/static/pages.css",
  "/static/pages.js",
  "/static/offline.js",
  "/static/favicon.svg",
];
// With one bar of signal a page may never finish: after this, the phone's copy is shown.
var PATIENCE_MS = 6000;

function keepPage(cache) {
  // Only the signed-in page itself, never a redirect to the sign-in page.
  return fetch(PAGE, { credentials: "same-origin" })
    .then(function (response) {
      if (response.ok && !response.redirected) return cache.put(PAGE, response);
    })
    .catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.addAll(SHELL).then(function () { return keepPage(cache); });
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        return Promise.all(
          keys
            .filter(function (key) { return key.indexOf(PREFIX) === 0 && key !== CACHE; })
            .map(function (key) { return caches.delete(key); })
        );
      })
      .then(function () { return self.clients.claim(); })
  );
});

// Signing out forgets the pages kept on the phone (they list households).
function forgetPages(cache) {
  return cache.keys().then(function (requests) {
    return Promise.all(
      requests
        .filter(function (request) { return SHELL.indexOf(new URL(request.url).pathname) < 0; })
        .map(function (request) { return cache.delete(request); })
    );
  });
}

self.addEventListener("message", function (event) {
  if (event.data === "signed-out") {
    event.waitUntil(caches.open(CACHE).then(forgetPages));
  }
  // A leader signed in on any page: keep "Log a need" now, before the signal goes.
  if (event.data === "keep-page") {
    event.waitUntil(
      caches.open(CACHE).then(function (cache) {
        return cache.match(PAGE, { ignoreVary: true }).then(function (kept) {
          if (!kept) return keepPage(cache);
        });
      })
    );
  }
});

function fromCache(path) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(path, { ignoreVary: true, ignoreSearch: true });
  });
}

function offlinePage() {
  return fromCache(PAGE).then(function (kept) {
    return kept || Response.error();
  });
}

// The network first; the kept page (`keep`: its path) when the network fails or is too slow.
function page(request, keep) {
  var network = fetch(request).then(function (response) {
    if (keep && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(keep, copy); });
    }
    return response;
  });
  if (!keep) return network.catch(offlinePage);
  var kept = function () {
    return fromCache(keep).then(function (found) { return found || offlinePage(); });
  };
  var slow = new Promise(function (resolve) {
    setTimeout(function () {
      fromCache(keep).then(function (found) { if (found) resolve(found); });
    }, PATIENCE_MS);
  });
  return Promise.race([network.catch(kept), slow]);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return; // needs are sent by the page, never replayed here
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate") {
    // Log a need and the door pages are kept for the phone; any other page, with no signal,
    // offers "Log a need" instead.
    var keep = url.pathname === PAGE || DOOR.test(url.pathname) ? url.pathname : null;
    event.respondWith(page(request, keep));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(
      fromCache(url.pathname).then(function (kept) {
        return kept || fetch(request);
      })
    );
  }
});
