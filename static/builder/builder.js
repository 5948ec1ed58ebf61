/* Builder conveniences; every page works without them. */
document.addEventListener("click", function (e) {
  var button = e.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  var field = document.querySelector(button.dataset.copy);
  navigator.clipboard.writeText(field.value).then(function () {
    var label = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  });
});

/* Actions that stop visitors ask first: a dialog here; without JavaScript the server shows a
   confirmation page instead (the form then carries confirm=1). */
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (!form.matches || !form.matches("form[data-confirm]") || form.querySelector("[name=confirm]")) return;
  if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); return; }
  var confirmed = document.createElement("input");
  confirmed.type = "hidden"; confirmed.name = "confirm"; confirmed.value = "1";
  form.appendChild(confirmed);
}, true);

/* Unsaved edits: typing into a form that posts marks it dirty until it is sent; leaving the
   page then asks first (an in-app link with a dialog, closing or reloading with the browser's). */
(function () {
  var dirty = new Set();
  var MESSAGE = "You have changes that are not saved. Leave this page and lose them?";

  function guarded(form) {
    return form && (form.getAttribute("method") || "").toLowerCase() === "post" &&
      !form.hasAttribute("data-no-unsaved-guard");
  }
  function track(e) {
    var form = e.target.form || (e.target.closest && e.target.closest("form"));
    if (guarded(form) && e.target.type !== "hidden" && e.target.type !== "file") dirty.add(form);
  }
  function forget(form) { if (form) dirty.delete(form); }
  function pending() {
    dirty.forEach(function (form) { if (!form.isConnected) dirty.delete(form); });
    return dirty.size > 0;
  }

  document.addEventListener("input", track);
  document.addEventListener("submit", function (e) { forget(e.target); });
  // A save is a submit; requests on typing or picking (a live preview, a refresh) save nothing.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var trigger = e.detail.requestConfig && e.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.type === "submit") forget(e.detail.elt.closest && e.detail.elt.closest("form"));
  });
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href]");
    if (!link || !pending() || link.target === "_blank" || link.hasAttribute("download") ||
        link.hasAttribute("hx-get") || link.getAttribute("href").charAt(0) === "#") return;
    if (window.confirm(MESSAGE)) { dirty.clear(); } else { e.preventDefault(); }
  }, true);
  window.addEventListener("beforeunload", function (e) {
    if (!pending()) return;
    e.preventDefault();
    e.returnValue = MESSAGE;  // older browsers show a dialog only when this is set
  });
})();
