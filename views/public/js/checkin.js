/* Check-in phone: QR scan (jsQR) or manual search, marks the chosen sitting.
 * Offline: the roster is kept in IndexedDB, scans are queued there with their scan time
 * and sent as one idempotent batch when the connection returns. */
(function () {
  'use strict';
  var root = document.getElementById('checkin');
  if (!root || !window.idb) return;
  var sessionId = root.dataset.session;
  var sittingId = root.dataset.sitting;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var $ = function (id) { return document.getElementById(id); };
  var resultBox = $('checkin-result');
  var roster = { trainees: [] };
  var byToken = new Map();
  var syncing = false;
  var lastScan = { token: null, at: 0 };

  var dbPromise = window.idb.openDB('taphuan-checkin', 1, {
    upgrade: function (db) {
      db.createObjectStore('queue', { keyPath: 'clientScanId' });
      db.createObjectStore('rosters', { keyPath: 'sittingId' });
    },
  });

  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/checkin-sw.js').catch(function () {});

  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /** The token in what the camera read: the printed URL (…/checkin/t/<token>) or the bare token. */
  function tokenOf(text) {
    var t = String(text || '').trim();
    var m = t.match(/\/checkin\/t\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/);
    if (m) t = m[1];
    return /^[A-Za-z0-9_-]{16,64}$/.test(t) ? t : null;
  }

  function show(kind, text) {
    resultBox.className = 'checkin-result checkin-' + kind;
    resultBox.textContent = text;
  }

  function setNet() {
    var el = $('net-state');
    el.textContent = navigator.onLine ? 'Trực tuyến' : 'Ngoại tuyến – lượt quét được lưu trên máy';
    el.className = navigator.onLine ? 'badge' : 'badge warn';
  }

  function indexRoster() {
    byToken = new Map();
    roster.trainees.forEach(function (t) { t.key = fold(t.fullName + ' ' + (t.communeName || '') + ' ' + (t.provinceName || '')); byToken.set(t.token, t); });
    var marked = roster.trainees.filter(function (t) { return t.status === 'present' || t.status === 'late'; }).length;
    $('roster-state').textContent = 'Danh sách: ' + roster.trainees.length + ' học viên, đã điểm danh ' + marked + '.';
  }

  async function loadRoster() {
    var db = await dbPromise;
    try {
      var res = await fetch('/api/v1/attendance/sessions/' + sessionId + '/sittings/' + sittingId + '/roster', { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      roster = await res.json();
      await db.put('rosters', { sittingId: sittingId, data: roster });
    } catch (e) {
      var saved = await db.get('rosters', sittingId);
      if (saved) roster = saved.data;
    }
    indexRoster();
    await applyQueueToRoster();
  }

  async function applyQueueToRoster() {
    var db = await dbPromise;
    var queued = await db.getAll('queue');
    queued.forEach(function (q) {
      var t = byToken.get(q.token);
      if (t && !t.status && q.sittingId === sittingId) t.pending = true;
    });
    renderQueue(queued);
  }

  function renderQueue(queued) {
    $('queue-count').textContent = String(queued.length);
    var list = $('queue-list');
    list.textContent = '';
    queued.forEach(function (q) {
      var li = document.createElement('li');
      var time = new Date(q.scannedAt).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
      li.textContent = (q.fullName || 'Mã ' + q.token.slice(0, 6) + '…') + (q.communeName ? ' – ' + q.communeName : '') + ' (' + time + ')';
      list.appendChild(li);
    });
  }

  async function refreshQueue() {
    var db = await dbPromise;
    renderQueue(await db.getAll('queue'));
  }

  function describe(t) {
    return t ? t.fullName + (t.communeName ? ' – ' + t.communeName : '') : '';
  }

  /** One check-in: straight to the server when it answers, else into the queue. */
  async function checkIn(raw) {
    var token = tokenOf(raw);
    if (!token) {
      show('error', 'Mã QR không phải mã điểm danh của hệ thống.');
      return { ok: false };
    }
    var known = byToken.get(token);
    var clientScanId = newId();
    var scannedAt = new Date().toISOString();
    if (navigator.onLine) {
      try {
        var res = await fetch('/api/v1/attendance/scan', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify({ token: token, sittingId: sittingId, clientScanId: clientScanId }),
        });
        var body = await res.json().catch(function () { return {}; });
        if (res.ok) {
          if (known) { known.status = body.status; known.markedAtLocal = body.markedAtLocal; }
          show(body.outcome === 'already' ? 'already' : 'ok', body.message + (body.trainee && body.trainee.communeName ? ' · ' + body.trainee.communeName : ''));
          indexRoster();
          return { ok: true, online: true, body: body };
        }
        if (res.status < 500) {
          show('error', body.message || 'Không điểm danh được.');
          return { ok: false, body: body };
        }
      } catch (e) {
        /* no connection: queue below */
      }
    }
    if (known && (known.status === 'present' || known.status === 'late')) {
      show('already', known.fullName + ' đã điểm danh lúc ' + (known.markedAtLocal || '') + '.');
      return { ok: true, queued: false };
    }
    if (known && known.pending) {
      show('already', known.fullName + ' đã được quét, đang chờ đồng bộ.');
      return { ok: true, queued: false };
    }
    var db = await dbPromise;
    await db.put('queue', { clientScanId: clientScanId, token: token, sittingId: sittingId, scannedAt: scannedAt, fullName: known ? known.fullName : null, communeName: known ? known.communeName : null });
    if (known) known.pending = true;
    show('queued', (known ? describe(known) : 'Mã chưa có trong danh sách đã lưu') + ': đã lưu trên máy, sẽ gửi khi có mạng.');
    await refreshQueue();
    return { ok: true, queued: true };
  }

  /** Sends the queue as batches; entries the server answered (ok or refused) leave the queue. */
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      var db = await dbPromise;
      var queued = await db.getAll('queue');
      for (var i = 0; i < queued.length; i += 100) {
        var chunk = queued.slice(i, i + 100);
        var res = await fetch('/api/v1/attendance/batch', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify({ entries: chunk.map(function (q) { return { clientScanId: q.clientScanId, token: q.token, sittingId: q.sittingId, scannedAt: q.scannedAt }; }) }),
        });
        if (!res.ok) break;
        var body = await res.json();
        var problems = [];
        for (var j = 0; j < body.results.length; j++) {
          var r = body.results[j];
          var q = chunk[r.index];
          if (r.statusCode >= 500) continue;
          await db.delete('queue', q.clientScanId);
          var t = byToken.get(q.token);
          if (t) t.pending = false;
          if (r.ok && t && q.sittingId === sittingId) { t.status = r.result.status; t.markedAtLocal = r.result.markedAtLocal; }
          if (!r.ok) problems.push((q.fullName || 'Mã ' + q.token.slice(0, 6) + '…') + ': ' + r.message);
        }
        if (problems.length) show('error', 'Đồng bộ xong, có lượt không hợp lệ: ' + problems.join('; '));
        else show('ok', 'Đã đồng bộ ' + body.results.length + ' lượt quét.');
      }
    } catch (e) {
      /* still offline: try again later */
    } finally {
      syncing = false;
      indexRoster();
      await refreshQueue();
    }
  }

  /* Manual search (diacritic-insensitive) over the cached roster. */
  $('manual-search').addEventListener('input', function () {
    var q = fold(this.value);
    var list = $('manual-results');
    list.textContent = '';
    if (q.length < 2) return;
    roster.trainees.filter(function (t) { return t.key.indexOf(q) >= 0; }).slice(0, 20).forEach(function (t) {
      var li = document.createElement('li');
      var label = document.createElement('span');
      label.textContent = describe(t) + (t.status === 'present' || t.status === 'late' ? ' ✓' : t.pending ? ' (chờ đồng bộ)' : '');
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'small primary';
      btn.textContent = 'Điểm danh';
      btn.setAttribute('aria-label', 'Điểm danh ' + t.fullName);
      btn.addEventListener('click', function () { checkIn(t.token); });
      li.appendChild(label);
      li.appendChild(btn);
      list.appendChild(li);
    });
  });

  /* Camera scanning with jsQR. */
  var video = $('camera');
  var canvas = $('camera-canvas');
  var stream = null;
  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      if (code && code.data) {
        var token = tokenOf(code.data);
        var now = Date.now();
        if (token !== lastScan.token || now - lastScan.at > 3000) {
          lastScan = { token: token, at: now };
          checkIn(code.data);
        }
      }
    }
    requestAnimationFrame(tick);
  }
  $('camera-start').addEventListener('click', async function () {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      $('camera-start').hidden = true;
      $('camera-stop').hidden = false;
      requestAnimationFrame(tick);
    } catch (e) {
      show('error', 'Không mở được camera. Hãy cho phép trình duyệt dùng camera, hoặc tìm học viên theo tên.');
    }
  });
  $('camera-stop').addEventListener('click', function () {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    $('camera-start').hidden = false;
    $('camera-stop').hidden = true;
  });

  $('sync-now').addEventListener('click', sync);
  window.addEventListener('online', function () { setNet(); sync(); });
  window.addEventListener('offline', setNet);
  setInterval(sync, 15000);
  setNet();

  /* For scanners that type (keyboard wedge) and for tests: the same path as a camera read. */
  window.taphuanCheckin = { submitScan: checkIn, sync: sync, ready: loadRoster().then(sync) };
})();
