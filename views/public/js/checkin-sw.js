/* Service worker of the check-in page: keeps the page, its scripts and the roster
 * available without a connection. The scan queue itself lives in IndexedDB (checkin.js). */
'use strict';
/* Named by the server after the content of the assets below (served cache-first): a changed checkin.js or
 * stylesheet gives a new worker and a new cache, which is how phones get the new script. */
var CACHE = 'taphuan-checkin-__ASSETS_HASH__';
var ASSETS = ['/assets/css/app.css', '/assets/js/checkin.js', '/assets/vendor/jsQR.js', '/assets/vendor/idb.js'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.startsWith('taphuan-checkin-') && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); }),
  );
});

function networkFirst(request) {
  return fetch(request)
    .then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(CACHE).then(function (c) { c.put(request, copy); });
      }
      return res;
    })
    .catch(function () {
      return caches.match(request).then(function (hit) { return hit || Response.error(); });
    });
}

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/sessions\/[^/]+\/checkin$/.test(url.pathname) || /^\/api\/v1\/attendance\/sessions\/[^/]+\/sittings\/[^/]+\/roster$/.test(url.pathname)) {
    event.respondWith(networkFirst(req));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(req).then(function (hit) { return hit || networkFirst(req); }));
  }
});
