// Certificate page: refreshes the progress of a background issuing run.
(function () {
  var box = document.getElementById('tien-do');
  if (!box || box.getAttribute('data-finished') !== '0') return;
  var url = box.getAttribute('data-url');
  function tick() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        var bar = box.querySelector('progress');
        if (bar) bar.value = p.percent;
        // The total follows what is still pending: it drops when someone issues by hand meanwhile.
        ['done', 'total', 'statusLabel'].forEach(function (k) {
          var el = box.querySelector('[data-field=' + k + ']');
          if (el) el.textContent = p[k];
        });
        if (p.finished) { window.location.reload(); return; }
        setTimeout(tick, 2000);
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 2000);
})();
