/* After signing out: what the check-in page kept for offline use goes (the pages and rosters of the course, with
 * the trainees' names and QR tokens), so that the next person on a shared phone sees nothing of it. The scans
 * still waiting to be sent (the IndexedDB queue) stay: they are sent once someone signs in again. */
(function () {
  'use strict';
  var done = [];
  if (window.caches) {
    done.push(caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf('taphuan-checkin-') === 0; }).map(function (k) {
        return caches.open(k).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (r) { return new URL(r.url).pathname.indexOf('/assets/') !== 0; }).map(function (r) { return cache.delete(r); }));
          });
        });
      }));
    }));
  }
  if (window.indexedDB) {
    done.push(new Promise(function (resolve) {
      var open = indexedDB.open('taphuan-checkin', 1);
      // The same stores as the check-in page makes (checkin.js), should this phone never have opened it.
      open.onupgradeneeded = function () {
        open.result.createObjectStore('queue', { keyPath: 'clientScanId' });
        open.result.createObjectStore('rosters', { keyPath: 'sittingId' });
      };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction('rosters', 'readwrite');
        tx.objectStore('rosters').clear();
        tx.oncomplete = tx.onerror = function () { db.close(); resolve(); };
      };
      open.onerror = function () { resolve(); };
    }));
  }
  Promise.all(done).then(function () { document.documentElement.dataset.offlineCleared = '1'; }, function () {});
})();
