// The merchant desk's service worker: after one visit the desk keeps verifying without a network.
// It keeps the desk's scan page, its styles and scripts, the key set and the status list; pages
// and lists come from the network when there is one (fresh), from this cache when there is not.
"use strict";
var CACHE = "rid-desk-v1";
var SHELL = [
  "/merchant/",
  "/static/vendor/uswds/css/uswds.min.css",
  "/static/vendor/uswds/js/uswds-init.min.js",
  "/static/vendor/uswds/js/uswds.min.js",
  "/static/vendor/uswds/img/sprite.svg",
  "/static/console/console.css",
  "/static/desk/desk.css",
  "/static/desk/camera.js",
  "/static/desk/charge.js",
  "/static/desk/offline.js",
  "/static/desk/credential.js",
  "/static/vendor/barcode-detector/ponyfill.js",
  "/static/vendor/cborg/cborg.js",
  "/static/vendor/noble-ed25519/index.js",
  "/v1/keys",
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function networkFirst(request, fallbackUrl, init) {
  return fetch(request, init).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(fallbackUrl || request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(fallbackUrl || request).then(function (hit) {
      return hit || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.indexOf("/merchant/") === 0) {
    // Any desk page asked for offline opens the scan page, which verifies on its own.
    var page = url.pathname === "/merchant/" ? "/merchant/" : null;
    event.respondWith(page ? networkFirst(request, page) : fetch(request).catch(function () {
      return caches.match("/merchant/");
    }));
    return;
  }
  if (url.pathname === "/v1/keys" || url.pathname.indexOf("/v1/status-lists/") === 0) {
    // Revalidated with the server whenever there is one (the HTTP cache would otherwise answer
    // with its copy even offline); without a network, this worker's copy, checked by the page.
    event.respondWith(networkFirst(url.pathname, url.pathname, { cache: "no-cache" }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});
