/* The content editor's conveniences. Every one of them has a plain-HTML fallback: forms post and
   redirect, up/down buttons reorder, recall tags can be typed, rich text is HTML or paragraphs. */
(function () {
  "use strict";

  function editor() { return document.querySelector("[data-editor]"); }

  /* Every save sends the revision the page is at: the server refreshes #editor-revision after each
     save made here, and leaves it alone when a save was refused as stale. */
  document.addEventListener("htmx:configRequest", function (e) {
    var current = document.getElementById("editor-revision");
    if (current && e.detail.parameters.has && e.detail.parameters.has("revision")) {
      e.detail.parameters.set("revision", current.value);
    }
  });

  /* Keep keyboard focus where it was when the fragment holding it is swapped (e.g. "Move down"). */
  var focusedId = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var active = document.activeElement;
    var after = e.detail.elt && e.detail.elt.dataset && e.detail.elt.dataset.focusAfter;
    focusedId = after || (active && active.id ? active.id : null);
  });
  /* A delete confirmation takes the focus on its main button. */
  document.addEventListener("htmx:load", function (e) {
    var first = e.target.querySelector && (e.target.matches("[data-autofocus]") ? e.target :
      e.target.querySelector("[data-autofocus]"));
    if (first) { focusedId = null; first.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusedId) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var again = document.getElementById(focusedId);
    if (again && !again.disabled) {
      again.focus();
    } else if (again) {
      /* A move button at the end of the list is disabled: its sibling keeps the focus. */
      var other = document.getElementById(focusedId.replace(/-(up|down)$/, function (m, d) {
        return d === "up" ? "-down" : "-up";
      }));
      if (other) other.focus();
    }
  });

  /* Recall tags go in at the cursor of the last text field used in the same form. */
  function isText(el) {
    return el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text"));
  }
  document.addEventListener("focusin", function (e) {
    var form = e.target.closest && e.target.closest("[data-recall-form]");
    if (form && isText(e.target) && e.target.closest("[data-recall-field]")) {
      form.dataset.lastField = e.target.id;
    }
  });
  function insertAt(field, text, selectFrom, selectTo) {
    var start = field.selectionStart, end = field.selectionEnd;
    field.setRangeText(text, start, end, "end");
    if (selectFrom !== undefined) field.setSelectionRange(start + selectFrom, start + selectTo);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest(".recall-tag");
    if (!button) return;
    var form = button.closest("[data-recall-form]");
    var field = form && (document.getElementById(form.dataset.lastField || "") ||
      form.querySelector("[data-recall-field] input[type=text], [data-recall-field] textarea"));
    if (field) insertAt(field, button.dataset.insert);
  });

  /* Rich text: a few buttons that wrap the selection in the tags the runtime allows. */
  function showToolbars(root) {
    root.querySelectorAll("[data-rich-for][hidden]").forEach(function (bar) { bar.hidden = false; });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-wrap]");
    if (!button) return;
    var field = document.getElementById(button.closest("[data-rich-for]").dataset.richFor);
    var selected = field.value.slice(field.selectionStart, field.selectionEnd);
    var tag = button.dataset.wrap;
    if (tag === "a") {
      var text = selected || "link text";
      insertAt(field, '<a href="https://">' + text + "</a>", 9, 17);
    } else if (tag === "ul") {
      var items = (selected || "item").split(/\n+/).map(function (line) {
        return "<li>" + line.trim() + "</li>";
      });
      insertAt(field, "<ul>" + items.join("") + "</ul>");
    } else {
      var inner = selected || "text";
      insertAt(field, "<" + tag + ">" + inner + "</" + tag + ">", tag.length + 2,
        tag.length + 2 + inner.length);
    }
  });

  /* Drag and drop: items of a [data-sortable] list move among their siblings; the drop posts the
     new position to the item's move URL (the same the up/down buttons use). */
  /* Questions may also be dragged onto another step's list (same data-sort-group). */
  var dragged = null, startIndex = -1, startList = null;
  function sameGroup(list) {
    var group = startList && startList.dataset.sortGroup;
    return list === startList || (group && list.dataset.sortGroup === group);
  }
  function items(list) {
    return Array.prototype.filter.call(list.children, function (c) {
      return c.classList.contains("sortable-item");
    });
  }
  document.addEventListener("pointerdown", function (e) {
    var handle = e.target.closest("[data-drag-handle]");
    var item = handle && handle.closest(".sortable-item");
    if (item && item.parentElement.hasAttribute("data-sortable")) item.draggable = true;
  });
  document.addEventListener("dragstart", function (e) {
    var item = e.target.closest && e.target.closest(".sortable-item[draggable=true]");
    if (!item) return;
    e.stopPropagation();
    dragged = item;
    startList = item.parentElement;
    startIndex = items(startList).indexOf(item);
    item.classList.add("is-dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", "");
  });
  document.addEventListener("dragover", function (e) {
    if (!dragged) return;
    var over = e.target.closest && e.target.closest(".sortable-item");
    while (over && !sameGroup(over.parentElement)) {
      over = over.parentElement.closest(".sortable-item");
    }
    if (!over) return;
    e.preventDefault();
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var before = e.clientY < box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, before ? over : over.nextSibling);
  });
  document.addEventListener("drop", function (e) {
    if (dragged) e.preventDefault();
  });
  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var item = dragged, list = item.parentElement, index = items(list).indexOf(item);
    var values = { position: String(index) };
    var target = item.dataset.moveTarget;
    dragged = null;
    item.draggable = false;
    item.classList.remove("is-dragging");
    if (list !== startList) {
      values.step = list.dataset.step;
      target = "#steps";
    } else if (index === startIndex) {
      return;
    }
    if (!window.htmx) return;
    values.revision = document.getElementById("editor-revision").value;
    window.htmx.ajax("POST", item.dataset.moveUrl,
      { source: item, target: target, swap: "outerHTML", values: values });
  });

  function ready() {
    if (!editor()) return;
    showToolbars(document);
    document.body.addEventListener("htmx:load", function (e) { showToolbars(e.target); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
