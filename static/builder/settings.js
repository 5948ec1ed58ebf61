/* Settings page: the schedule is typed in the campaign's time zone and shown in UTC as it is
 * typed; a campaign whose zone was never chosen starts in the browser's zone. */
(function () {
  "use strict";
  var select = document.querySelector("[data-browser-timezone]");
  if (select && select.dataset.chosen !== "1" && window.Intl) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
  }

  // The UTC instant at which the wall clock in `zone` reads y-m-d h:min (two passes for DST).
  function toUtc(parts, zone) {
    var format = new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23",
      year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric"});
    var wanted = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4]);
    var guess = wanted;
    for (var i = 0; i < 2; i++) {
      var shown = {};
      format.formatToParts(new Date(guess)).forEach(function (p) { shown[p.type] = +p.value; });
      var wall = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour % 24, shown.minute);
      guess += wanted - wall;
    }
    return new Date(guess);
  }

  var utc = new Intl.DateTimeFormat("en-GB", {timeZone: "UTC", day: "numeric", month: "short",
    year: "numeric", hour: "2-digit", minute: "2-digit"});

  function show(note) {
    var input = document.getElementById(note.dataset.utcFor);
    var zoneSelect = document.querySelector("[data-browser-timezone]");
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(input.value);
    if (!match || !zoneSelect) { note.textContent = ""; return; }
    try {
      note.textContent = "In UTC: " + utc.format(toUtc(match.slice(1).map(Number),
        zoneSelect.value)) + " UTC";
    } catch (e) { note.textContent = ""; }
  }

  document.addEventListener("input", function (e) {
    if (!e.target.closest("#settings-form")) return;
    document.querySelectorAll("[data-utc-for]").forEach(function (note) {
      if (e.target.id === note.dataset.utcFor || e.target.matches("[data-browser-timezone]")) {
        show(note);
      }
    });
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-browser-timezone]")) {
      document.querySelectorAll("[data-utc-for]").forEach(show);
    }
  });
})();
