// Sign-up: pre-select the time zone the browser reports, so reminders and "today" start out
// right. Without JavaScript (or with a zone not on the list) the server's default stays and
// the person chooses. The page sets data-detect-note only on a fresh form: after a mistake
// the zone chosen before stays as it was.
(function () {
  "use strict";
  var select = document.querySelector("select[data-detect-note]");
  if (!select) {
    return;
  }
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  for (var i = 0; i < select.options.length; i += 1) {
    if (select.options[i].value === zone) {
      select.value = zone;
      var note = document.getElementById(select.getAttribute("data-detect-note"));
      if (note) {
        note.hidden = false;
      }
      return;
    }
  }
})();
