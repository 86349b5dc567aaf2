/* Projector page: keeps the self check-in code current (it changes every minute). */
(function () {
  'use strict';
  var root = document.getElementById('self-display');
  var codeEl = document.getElementById('self-code');
  var secEl = document.getElementById('self-seconds');
  if (!root || !codeEl) return;
  var left = Number(secEl ? secEl.textContent : 60);
  async function refresh() {
    try {
      var res = await fetch('/api/v1/attendance/sessions/' + root.dataset.session + '/self-code', { headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      var body = await res.json();
      codeEl.textContent = body.code || '—';
      left = body.secondsLeft;
    } catch (e) {
      /* keep showing the last code */
    }
  }
  setInterval(function () {
    left -= 1;
    if (secEl) secEl.textContent = String(Math.max(0, left));
    if (left <= 0) refresh();
  }, 1000);
})();
