/* Check-in phone: QR scan (jsQR) or manual search, marks the chosen sitting.
 * Offline: the roster is kept in IndexedDB, scans are queued there with their scan time
 * and sent as one idempotent batch when the connection returns. A scan the server does not
 * answer within a few seconds is queued too; a lost sign-in keeps the queue and says so. */
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
  /* A weak link must not hold a scan for minutes: past this the scan is queued (the batch is idempotent). */
  var SCAN_TIMEOUT_MS = 8000;
  var BATCH_TIMEOUT_MS = 30000;
  /* Server or network failures: the queue is tried again after 15 s, 30 s, 1 min… up to 5 min. */
  var RETRY_MIN_MS = 15000;
  var RETRY_MAX_MS = 300000;
  var retryDelay = RETRY_MIN_MS;
  var nextSyncAt = 0;
  /* The server answered 401/403: the sign-in (or its CSRF token) is gone; only signing in again helps. */
  var signedOut = false;

  var dbPromise = window.idb.openDB('taphuan-checkin', 1, {
    upgrade: function (db) {
      db.createObjectStore('queue', { keyPath: 'clientScanId' });
      db.createObjectStore('rosters', { keyPath: 'sittingId' });
    },
  });

  /**
   * The service worker keeps this page for a reload without a connection (phones drop a background tab). A page
   * that came through the worker is kept already; on the first visit the worker was not there yet, so it is
   * asked to fetch and keep the page. `data-offline-ready` says when the page would open offline.
   */
  function keepPageOffline(registration) {
    if (navigator.serviceWorker.controller) {
      root.dataset.offlineReady = '1';
      return;
    }
    var worker = registration.active;
    if (!worker || !window.MessageChannel) return;
    var channel = new MessageChannel();
    channel.port1.onmessage = function (e) {
      if (e.data && e.data.kept) root.dataset.offlineReady = '1';
    };
    worker.postMessage({ keep: location.pathname + location.search }, [channel.port2]);
  }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/checkin-sw.js')
      .then(function () { return navigator.serviceWorker.ready; })
      .then(keepPageOffline)
      .catch(function () {});
  }

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

  /** The sign-in notice stays until a request goes through again (in practice: the page comes back after signing in). */
  function setSignedOut(on) {
    signedOut = on;
    var box = $('checkin-auth');
    if (box) box.hidden = !on;
    var link = $('checkin-login');
    if (link) link.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
  }

  function isAuthProblem(status) {
    return status === 401 || status === 403;
  }

  /** Worth sending again later: the server failed or asked to wait. */
  function isTransient(status) {
    return status >= 500 || status === 408 || status === 429;
  }

  /** Minutes the phone's clock may be off before the operator is warned (offline scans carry the phone's time). */
  var CLOCK_SKEW_MINUTES = 5;

  /**
   * Compares the phone's clock with the server's (the Date header of an answer the server just gave, so only
   * POSTs: a GET may come from the offline cache with an old date) and warns while they are too far apart.
   */
  function checkClock(res) {
    var box = $('checkin-clock');
    var server = Date.parse(res.headers.get('Date') || '');
    if (!box || isNaN(server)) return;
    var minutes = Math.round((Date.now() - server) / 60000);
    box.hidden = Math.abs(minutes) < CLOCK_SKEW_MINUTES;
    if (!box.hidden) {
      box.textContent = 'Đồng hồ của điện thoại đang ' + (minutes > 0 ? 'nhanh' : 'chậm') + ' khoảng ' + Math.abs(minutes) +
        ' phút so với máy chủ. Lượt quét khi mất mạng sẽ bị ghi sai giờ và có thể bị từ chối: hãy chỉnh lại giờ của điện thoại (tự động theo mạng).';
    }
  }

  /** fetch with a time limit that covers the answer's body too: { status, ok, body }, or a rejection. */
  function request(url, opts, ms) {
    var ctl = window.AbortController ? new AbortController() : null;
    if (ctl) opts.signal = ctl.signal;
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        if (ctl) ctl.abort();
        reject(new Error('timeout'));
      }, ms);
      fetch(url, opts)
        .then(function (res) {
          if (opts.method === 'POST') checkClock(res);
          return res.json().catch(function () { return {}; }).then(function (body) { return { status: res.status, ok: res.ok, body: body }; });
        })
        .then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
    });
  }

  function postJson(url, data, ms) {
    return request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(data),
    }, ms);
  }

  function indexRoster() {
    byToken = new Map();
    roster.trainees.forEach(function (t) {
      t.key = fold(t.fullName + ' ' + (t.communeName || '') + ' ' + (t.provinceName || ''));
      byToken.set(t.token, t);
      /* Badges of a record merged into this one: the server checks the person in with them too. */
      (t.aliases || []).forEach(function (a) { byToken.set(a, t); });
    });
    var marked = roster.trainees.filter(function (t) { return t.status === 'present' || t.status === 'late'; }).length;
    $('roster-state').textContent = 'Danh sách: ' + roster.trainees.length + ' học viên, đã điểm danh ' + marked + '.';
  }

  async function loadRoster() {
    var db = await dbPromise;
    try {
      var r = await request('/api/v1/attendance/sessions/' + sessionId + '/sittings/' + sittingId + '/roster', { headers: { Accept: 'application/json' } }, SCAN_TIMEOUT_MS);
      if (isAuthProblem(r.status)) setSignedOut(true);
      if (!r.ok) throw new Error('HTTP ' + r.status);
      roster = r.body;
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
      if (t && !t.status && !q.refused && q.sittingId === sittingId) t.pending = true;
    });
    renderQueue(queued);
  }

  function scanLabel(q) {
    var time = new Date(q.scannedAt).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
    return (q.fullName || 'Mã ' + q.token.slice(0, 6) + '…') + (q.communeName ? ' – ' + q.communeName : '') + ' (' + time + ')';
  }

  /** Waiting scans, and apart from them the scans the server refused for their time (kept until the operator dismisses them). */
  function renderQueue(queued) {
    var waiting = queued.filter(function (q) { return !q.refused; });
    var refused = queued.filter(function (q) { return q.refused; });
    $('queue-count').textContent = String(waiting.length);
    var list = $('queue-list');
    list.textContent = '';
    waiting.forEach(function (q) {
      var li = document.createElement('li');
      li.textContent = scanLabel(q);
      list.appendChild(li);
    });
    var box = $('refused');
    if (!box) return;
    box.hidden = !refused.length;
    $('refused-count').textContent = String(refused.length);
    var rl = $('refused-list');
    rl.textContent = '';
    refused.forEach(function (q) {
      var li = document.createElement('li');
      var label = document.createElement('span');
      label.textContent = scanLabel(q) + ': ' + q.refused;
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'small';
      btn.textContent = 'Đã xử lý';
      btn.setAttribute('aria-label', 'Đã xử lý ' + (q.fullName || q.token));
      btn.addEventListener('click', async function () {
        var db = await dbPromise;
        await db.delete('queue', q.clientScanId);
        await refreshQueue();
      });
      li.appendChild(label);
      li.appendChild(btn);
      rl.appendChild(li);
    });
  }

  async function refreshQueue() {
    var db = await dbPromise;
    renderQueue(await db.getAll('queue'));
  }

  function describe(t) {
    return t ? t.fullName + (t.communeName ? ' – ' + t.communeName : '') : '';
  }

  /** One check-in: straight to the server when it answers in time, else into the queue. */
  async function checkIn(raw) {
    var token = tokenOf(raw);
    if (!token) {
      show('error', 'Mã QR không phải mã điểm danh của hệ thống.');
      return { ok: false };
    }
    var known = byToken.get(token);
    var clientScanId = newId();
    var scannedAt = new Date().toISOString();
    if (navigator.onLine && !signedOut) {
      try {
        var r = await postJson('/api/v1/attendance/scan', { token: token, sittingId: sittingId, clientScanId: clientScanId }, SCAN_TIMEOUT_MS);
        var body = r.body;
        if (r.ok) {
          if (known) { known.status = body.status; known.markedAtLocal = body.markedAtLocal; }
          show(body.outcome === 'already' ? 'already' : 'ok', body.message + (body.trainee && body.trainee.communeName ? ' · ' + body.trainee.communeName : ''));
          indexRoster();
          return { ok: true, online: true, body: body };
        }
        if (isAuthProblem(r.status)) setSignedOut(true);
        else if (!isTransient(r.status)) {
          show('error', body.message || 'Không điểm danh được.');
          return { ok: false, body: body };
        }
      } catch (e) {
        /* no connection, or no answer in time: queue below */
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
    show('queued', (known ? describe(known) : 'Mã chưa có trong danh sách đã lưu') + (signedOut ? ': đã lưu trên máy, sẽ gửi sau khi đăng nhập lại.' : ': đã lưu trên máy, sẽ gửi khi có mạng.'));
    await refreshQueue();
    return { ok: true, queued: true };
  }

  function setSyncState(text) {
    var el = $('sync-state');
    if (el) el.textContent = text;
  }

  /**
   * Sends the waiting scans as batches. Answered entries leave the queue, except those refused for
   * their time (the phone's clock): they stay in sight, apart, until the operator has dealt with them.
   * 401/403 keeps everything for after signing in; 5xx or no answer is tried again later, each time later.
   * `force` (button, back online, page opened): now, whatever the back-off or the sign-in notice say.
   */
  async function sync(force) {
    if (syncing || !navigator.onLine) return;
    if (force !== true && (signedOut || Date.now() < nextSyncAt)) return;
    syncing = true;
    var failed = false;
    var attempted = false;
    try {
      var db = await dbPromise;
      var queued = (await db.getAll('queue')).filter(function (q) { return !q.refused; });
      attempted = queued.length > 0;
      var sent = 0;
      var problems = [];
      var refused = 0;
      var rejected = 0;
      var chunks = [];
      for (var i = 0; i < queued.length; i += 100) chunks.push(queued.slice(i, i + 100));
      while (chunks.length) {
        var chunk = chunks.shift();
        var r = await postJson('/api/v1/attendance/batch', { entries: chunk.map(function (q) { return { clientScanId: q.clientScanId, token: q.token, sittingId: q.sittingId, scannedAt: q.scannedAt }; }) }, BATCH_TIMEOUT_MS);
        if (isAuthProblem(r.status)) {
          setSignedOut(true);
          break;
        }
        if (!r.ok) {
          if (isTransient(r.status)) {
            failed = true;
            break;
          }
          // One bad entry refuses its whole batch: the entries go again one by one, and one refused on its own
          // stays in sight under "Chưa ghi được" (sending it again would only be refused again).
          if (chunk.length > 1) {
            chunks = chunk.map(function (q) { return [q]; }).concat(chunks);
            continue;
          }
          chunk[0].refused = r.body.message || 'Máy chủ từ chối lượt quét (mã ' + r.status + ').';
          await db.put('queue', chunk[0]);
          rejected++;
          continue;
        }
        setSignedOut(false);
        for (var j = 0; j < r.body.results.length; j++) {
          var res = r.body.results[j];
          var q = chunk[res.index];
          if (res.statusCode >= 500) { failed = true; continue; }
          var t = byToken.get(q.token);
          if (t) t.pending = false;
          if (!res.ok && res.reason === 'scan-time') {
            q.refused = res.message;
            await db.put('queue', q);
            refused++;
            continue;
          }
          await db.delete('queue', q.clientScanId);
          if (res.ok) sent++;
          if (res.ok && t && q.sittingId === sittingId) { t.status = res.result.status; t.markedAtLocal = res.result.markedAtLocal; }
          if (!res.ok) problems.push((q.fullName || 'Mã ' + q.token.slice(0, 6) + '…') + ': ' + res.message);
        }
      }
      if (refused) show('error', refused + ' lượt quét chưa được ghi vì thời điểm quét nằm ngoài giờ của buổi học: kiểm tra đồng hồ điện thoại, xem mục "Chưa ghi được".');
      else if (rejected) show('error', rejected + ' lượt quét bị máy chủ từ chối: xem mục "Chưa ghi được".');
      else if (problems.length) show('error', 'Đồng bộ xong, có lượt không hợp lệ: ' + problems.join('; '));
      else if (sent) show('ok', 'Đã đồng bộ ' + sent + ' lượt quét.');
    } catch (e) {
      failed = true; /* no connection, or no answer in time */
    } finally {
      syncing = false;
      if (failed) {
        nextSyncAt = Date.now() + retryDelay;
        setSyncState('Chưa gửi hết được các lượt đang chờ: tự thử lại sau ' + Math.round(retryDelay / 1000) + ' giây.');
        retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
      } else {
        retryDelay = RETRY_MIN_MS;
        nextSyncAt = 0;
        setSyncState('');
      }
      if (attempted) {
        indexRoster();
        await refreshQueue();
      }
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

  $('sync-now').addEventListener('click', function () { sync(true); });
  window.addEventListener('online', function () { setNet(); sync(true); });
  window.addEventListener('offline', setNet);
  setInterval(sync, 5000);
  setNet();

  /* For scanners that type (keyboard wedge) and for tests: the same path as a camera read. */
  window.taphuanCheckin = { submitScan: checkIn, sync: function () { return sync(true); }, ready: loadRoster().then(function () { return sync(true); }) };
})();
