/* Logic pages, on top of plain forms that work without it:
 * - rules can be dragged to a new place in their step (the ↑ ↓ buttons do the same);
 * - the preview's Phone / Desktop buttons resize the frame without reloading it, and the frame
 *   grows to fit the step it shows (the runtime reports its height, as it does to embeds). */
(function () {
  "use strict";
  var dragged = null;

  document.addEventListener("dragstart", function (e) {
    var rule = e.target.closest && e.target.closest("li[data-move-url]");
    if (!rule) return;
    dragged = rule;
    rule.classList.add("is-dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", rule.id);
  });

  document.addEventListener("dragover", function (e) {
    var over = e.target.closest && e.target.closest("li[data-move-url]");
    if (!dragged || !over || over.parentNode !== dragged.parentNode) return;
    e.preventDefault();
  });

  document.addEventListener("drop", function (e) {
    var over = e.target.closest && e.target.closest("li[data-move-url]");
    if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) return;
    e.preventDefault();
    var siblings = Array.prototype.slice.call(over.parentNode.children);
    window.htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: dragged, target: "#logic-steps", swap: "outerHTML",
      values: { position: siblings.indexOf(over), revision: dragged.dataset.revision }
    });
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-preview-width]");
    if (!button) return;
    var frame = document.getElementById("preview-frame");
    if (!frame) return;
    e.preventDefault();
    frame.parentNode.dataset.width = button.dataset.previewWidth;
    document.querySelectorAll("[data-preview-width]").forEach(function (other) {
      if (other === button) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
  });
  var PREVIEW_MIN_HEIGHT = 640;
  window.addEventListener("message", function (e) {
    var frame = document.getElementById("preview-frame");
    if (!frame || e.source !== frame.contentWindow || e.origin !== location.origin) return;
    if (e.data && e.data.type === "stepcraft:height" && e.data.height > 0) {
      frame.style.height = Math.max(PREVIEW_MIN_HEIGHT, Math.ceil(e.data.height)) + "px";
    }
  });
})();
