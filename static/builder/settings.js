/* Settings page: a campaign whose schedule zone was never chosen starts in the browser's zone. */
(function () {
  "use strict";
  var select = document.querySelector("[data-browser-timezone]");
  if (!select || select.dataset.chosen === "1" || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
})();
