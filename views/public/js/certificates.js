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
        var done = box.querySelector('[data-field=done]');
        if (done) done.textContent = p.done;
        if (p.finished) { window.location.reload(); return; }
        setTimeout(tick, 2000);
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 2000);
})();
