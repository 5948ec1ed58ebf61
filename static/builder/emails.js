/* Email editor: merge-tag buttons insert at the cursor; outcome and delay fields show only for
 * the triggers that use them. Without this script every field shows and tags are typed. */
(function () {
  "use strict";

  function body() { return document.getElementById("id_body"); }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-insert-tag]");
    var field = body();
    if (!button || !field) return;
    var tag = button.dataset.insertTag;
    var start = field.selectionStart || 0, end = field.selectionEnd || 0;
    field.setRangeText(tag, start, end, "end");
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });

  function showForTrigger() {
    var trigger = document.getElementById("id_trigger");
    if (!trigger) return;
    document.querySelectorAll("[data-show-for]").forEach(function (el) {
      el.hidden = el.dataset.showFor !== trigger.value;
    });
  }

  document.addEventListener("change", function (e) {
    if (e.target.id === "id_trigger") showForTrigger();
  });
  document.addEventListener("DOMContentLoaded", showForTrigger);
})();
