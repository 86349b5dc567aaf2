/* Service worker of the check-in page: keeps the page, its scripts and the roster
 * available without a connection. The scan queue itself lives in IndexedDB (checkin.js). */
'use strict';
/* Named by the server after the versions of the assets below (served cache-first; CHECKIN_ASSETS on the server):
 * a changed checkin.js, stylesheet or vendored script gives a new worker and a new cache, which is how phones get
 * the new file. */
var CACHE = 'taphuan-checkin-__ASSETS_HASH__';
/* Replaced by the server with the addresses the pages link them by, versioned by content (CHECKIN_ASSETS). */
var ASSETS = /*ASSETS*/['/assets/css/app.css', '/assets/js/checkin.js', '/assets/vendor/jsQR.js', '/assets/vendor/idb.js']/*END*/;
var ASSET_PATHS = ASSETS.map(function (u) { return new URL(u, self.location.origin).pathname; });

self.addEventListener('install', function (event) {
  // From the server, not the browser's HTTP cache (the assets are cached for a day): a new worker must store the new script.
  var fresh = ASSETS.map(function (url) { return new Request(url, { cache: 'reload' }); });
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(fresh); }).then(function () { return self.skipWaiting(); }));
});

/** The pages and rosters an older worker kept (the phone may be offline right after an update) go into the new cache. */
function carryOver(oldName) {
  return caches.open(oldName).then(function (old) {
    return old.keys().then(function (requests) {
      return caches.open(CACHE).then(function (cache) {
        return Promise.all(requests.filter(function (r) { return ASSET_PATHS.indexOf(new URL(r.url).pathname) < 0; }).map(function (r) {
          return old.match(r).then(function (res) { return res ? cache.put(r, res) : undefined; });
        }));
      });
    });
  });
}

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.startsWith('taphuan-checkin-') && k !== CACHE; }).map(function (k) {
        return carryOver(k).catch(function () {}).then(function () { return caches.delete(k); });
      }));
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

var CHECKIN_PAGE = /^\/sessions\/[^/]+\/checkin$/;
var ROSTER = /^\/api\/v1\/attendance\/sessions\/[^/]+\/sittings\/[^/]+\/roster$/;

/**
 * A check-in page opened before this worker controlled it asks to be kept ({ keep: its path and query }): the
 * worker fetches it once and stores it, so the page opens again without a connection. Answers { kept } on the
 * port it was given.
 */
self.addEventListener('message', function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (typeof data.keep !== 'string') return;
  var url = new URL(data.keep, self.location.origin);
  if (url.origin !== self.location.origin || !CHECKIN_PAGE.test(url.pathname)) return;
  var answer = function (kept) { if (port) port.postMessage({ kept: kept }); };
  event.waitUntil(
    fetch(url.href, { credentials: 'same-origin', cache: 'no-store', redirect: 'manual' })
      .then(function (res) {
        // A redirect (to the sign-in page) or an error is not the page: nothing is kept.
        if (res.status !== 200) return answer(false);
        return caches.open(CACHE).then(function (c) { return c.put(url.href, res); }).then(function () { answer(true); });
      })
      .catch(function () { answer(false); }),
  );
});

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (CHECKIN_PAGE.test(url.pathname) || ROSTER.test(url.pathname)) {
    event.respondWith(networkFirst(req));
    return;
  }
  if (ASSET_PATHS.indexOf(url.pathname) >= 0) {
    // Kept under their versioned address: a page of a newer deployment (while this older worker still controls
    // it) asks for another version, which comes from the network; without a connection, the version kept here.
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || networkFirst(req).then(function (res) {
        return res.type === 'error' ? caches.match(req, { ignoreSearch: true }).then(function (old) { return old || res; }) : res;
      });
    }));
  }
});
