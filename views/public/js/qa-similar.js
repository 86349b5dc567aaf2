/* Q&A log: while a question is typed into the log form, list published questions that are alike
   (GET /api/v1/questions/similar), so the organiser or lecturer can reuse an answer. No inline script (CSP). */
(function () {
  'use strict';
  var form = document.querySelector('form[data-similar-url]');
  if (!form) return;
  var textarea = form.querySelector('textarea[name="text"]');
  var box = document.getElementById('similar-live');
  if (!textarea || !box || !window.fetch) return;
  var timer = null;
  var last = '';

  function render(items) {
    box.textContent = '';
    if (!items.length) {
      box.hidden = true;
      return;
    }
    var h = document.createElement('p');
    h.className = 'small';
    h.textContent = 'Câu hỏi tương tự đã công bố:';
    box.appendChild(h);
    var ol = document.createElement('ol');
    items.forEach(function (it) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '/questions/' + encodeURIComponent(it.id);
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = it.text.length > 200 ? it.text.slice(0, 200) + '…' : it.text;
      li.appendChild(a);
      if (it.answer) {
        var p = document.createElement('p');
        p.className = 'muted small qa-text';
        p.textContent = 'Trả lời: ' + (it.answer.text.length > 300 ? it.answer.text.slice(0, 300) + '…' : it.answer.text);
        li.appendChild(p);
      }
      ol.appendChild(li);
    });
    box.appendChild(ol);
    box.hidden = false;
  }

  function lookup() {
    var text = textarea.value.trim();
    if (text.length < 15 || text === last) return;
    last = text;
    fetch(form.getAttribute('data-similar-url') + '?text=' + encodeURIComponent(text.slice(0, 2000)), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { render(body.items || []); })
      .catch(function () { /* offline or slow venue link: the question page lists them after logging */ });
  }

  textarea.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 600);
  });
})();
