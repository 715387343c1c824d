// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // The browser's time zone, so emails arrive at a sensible local hour (the form defaults to UTC).
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) {
      document.querySelectorAll('input[data-tz]').forEach(function (input) {
        if (!input.value || input.value === 'UTC') input.value = tz;
      });
      document.querySelectorAll('[data-tz-label]').forEach(function (el) {
        el.textContent = tz;
      });
    }
  } catch (e) {
    /* keep UTC */
  }

  // A filter box over the topic groups; without script, <details> and find-in-page do the job.
  var box = document.querySelector('[data-filter]');
  if (!box) return;
  var input = box.querySelector('input');
  box.hidden = false;
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    document.querySelectorAll('[data-group]').forEach(function (group) {
      var any = false;
      group.querySelectorAll('[data-topic]').forEach(function (topic) {
        var match = !q || topic.textContent.toLowerCase().indexOf(q) !== -1;
        topic.hidden = !match;
        any = any || match;
      });
      group.hidden = !any;
      if (q) group.open = any;
    });
  });
})();
