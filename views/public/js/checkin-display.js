/* Projector page: keeps the self check-in code current (it changes every minute), and shows it
 * once a sitting opens when the page was opened before (or the code goes when the sitting closes). */
(function () {
  'use strict';
  var root = document.getElementById('self-display');
  if (!root) return;
  var headingEl = document.getElementById('self-heading');
  var openEl = document.getElementById('self-open');
  var codeEl = document.getElementById('self-code');
  var secEl = document.getElementById('self-seconds');
  /* Counted from the clock, not from ticks: a throttled timer (a background tab) does not hold the code back. */
  var due = Date.now() + (Number(secEl ? secEl.textContent : 60) || 60) * 1000;
  /* The code on screen is still accepted for a minute after the next one starts; after that it must go. */
  var validUntil = due + 60000;
  var busy = false;
  /** Takes the code off the screen and says why (trainees would be refused, and their tries counted). */
  function withdraw(text) {
    if (openEl) openEl.hidden = true;
    if (codeEl) codeEl.textContent = '';
    if (headingEl) headingEl.textContent = text;
  }
  async function refresh() {
    if (busy) return;
    busy = true;
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, 10000);
    try {
      var res = await fetch('/api/v1/attendance/sessions/' + root.dataset.session + '/self-code', { headers: { Accept: 'application/json' }, signal: ctl ? ctl.signal : undefined });
      if (res.status === 401 || res.status === 403) {
        withdraw('Phiên đăng nhập trên máy chiếu đã hết hạn: hãy đăng nhập lại rồi mở lại trang này.');
        due = Date.now() + 30000; /* signed in again in another tab: the code comes back */
        return;
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      var body = await res.json();
      if (headingEl) headingEl.textContent = body.heading;
      if (codeEl) codeEl.textContent = body.code || '';
      if (openEl) openEl.hidden = !body.code;
      due = Date.now() + body.secondsLeft * 1000;
      validUntil = due + 60000;
    } catch (e) {
      due = Date.now() + 10000; /* keep showing the last code while it is accepted; ask again shortly */
      if (Date.now() > validUntil) withdraw('Mất kết nối với máy chủ: đang thử lại…');
    } finally {
      clearTimeout(timer);
      busy = false;
    }
  }
  setInterval(function () {
    var left = Math.ceil((due - Date.now()) / 1000);
    if (secEl) secEl.textContent = String(Math.max(0, left));
    if (left <= 0) refresh();
  }, 1000);
})();
