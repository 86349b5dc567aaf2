/* Roster page: "select all" checkbox. */
(function () {
  'use strict';
  var all = document.getElementById('roster-all');
  if (!all) return;
  all.addEventListener('change', function () {
    document.querySelectorAll('#roster-form input[name="enrollmentIds"]').forEach(function (box) { box.checked = all.checked; });
  });
})();
