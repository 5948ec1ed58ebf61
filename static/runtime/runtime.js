/* Stepcraft runtime: progressive enhancement over plain forms (everything works without it).
 * - after HTMX swaps a step in, move focus to its heading and announce it;
 * - record micro-interactions and send them in batches with navigator.sendBeacon;
 * - tell an embedding page how tall the content is (postMessage), so the iframe fits. */
(function () {
  "use strict";

  var FLUSH_EVERY_MS = 10000;
  var FLUSH_AT = 20;
  var IDLE_AFTER_MS = 30000;
  var queue = [];
  var stepStartedAt = Date.now();
  var lastActivity = Date.now();
  var idleReported = false;
  var firstValues = {};

  function currentForm() { return document.querySelector("form[data-step]"); }

  function record(kind, data) {
    var form = currentForm();
    if (!form || !form.dataset.eventsUrl) return;
    queue.push({ kind: kind, step: form.dataset.step, at: Date.now(), data: data || {} });
    if (queue.length >= FLUSH_AT) flush();
  }

  function flush() {
    var form = currentForm();
    if (!queue.length || !form || !form.dataset.eventsUrl) return;
    var body = JSON.stringify({ events: queue.splice(0, 100) });
    var blob = new Blob([body], { type: "application/json" });
    if (!(navigator.sendBeacon && navigator.sendBeacon(form.dataset.eventsUrl, blob))) {
      fetch(form.dataset.eventsUrl, { method: "POST", body: body, keepalive: true,
        headers: { "Content-Type": "application/json" } }).catch(function () {});
    }
  }

  function leaveStep() {
    record("time", { ms: Date.now() - stepStartedAt });
    flush();
  }

  function enterStep() {
    stepStartedAt = Date.now();
    lastActivity = Date.now();
    idleReported = false;
    firstValues = {};
    record("view", { by: "client" });
  }

  function valueOf(field) {
    if (field.type === "checkbox") {
      var boxes = document.querySelectorAll('input[type=checkbox][name="' + field.name + '"]');
      return Array.prototype.filter.call(boxes, function (b) { return b.checked; })
        .map(function (b) { return b.value; }).join(",");
    }
    if (field.type === "radio") return field.checked ? field.value : null;
    if (field.type === "file") return field.files && field.files.length ? "(file)" : "";
    return field.value;
  }

  /* Only the fields of questions: the server refuses a whole batch that names anything else
   * (the submit buttons' "action", the honeypot, the hidden step key). */
  function questionField(f) {
    return f && f.name && f.closest && f.closest("form[data-step] .rt-question") ? f : null;
  }

  document.addEventListener("focusin", function (e) {
    var f = questionField(e.target);
    if (f) record("focus", { question: f.name });
  });

  document.addEventListener("change", function (e) {
    var f = questionField(e.target);
    if (!f) return;
    var value = valueOf(f);
    if (value === null) return;
    // By code points: cutting an emoji in half would leave a lone surrogate, which the server
    // refuses (and with it the whole batch).
    value = Array.from(String(value)).slice(0, 200).join("");
    if (!(f.name in firstValues)) firstValues[f.name] = value;
    record("change", { question: f.name, first: firstValues[f.name], value: value });
  });

  ["keydown", "pointerdown", "input", "scroll"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (idleReported) record("idle", { ms: Date.now() - lastActivity, resumed: true });
      lastActivity = Date.now();
      idleReported = false;
    }, { passive: true });
  });

  setInterval(function () {
    if (!idleReported && Date.now() - lastActivity > IDLE_AFTER_MS) {
      idleReported = true;
      record("idle", { ms: Date.now() - lastActivity });
    }
    flush();
  }, FLUSH_EVERY_MS);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", leaveStep);

  document.addEventListener("htmx:beforeRequest", function (e) {
    var submitter = e.detail.requestConfig && e.detail.requestConfig.triggeringEvent &&
      e.detail.requestConfig.triggeringEvent.submitter;
    if (submitter && submitter.value === "back") record("back", { by: "client" });
    leaveStep();
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    if (!e.detail.target || e.detail.target.id !== "stage") return;
    var heading = document.querySelector("#stage [data-stage-heading]");
    var firstInvalid = document.querySelector('#stage [aria-invalid="true"]');
    if (firstInvalid) {
      firstInvalid.focus();
    } else if (heading) {
      heading.focus();
      var label = document.querySelector("#stage .rt-progress-label");
      document.getElementById("announcer").textContent =
        (label ? label.textContent + ": " : "") + heading.textContent;
    }
    enterStep();
    reportHeight();
    var focused = document.activeElement;
    if (focused && focused !== document.body) {
      tellParent("stepcraft:focus",
        { top: Math.round(focused.getBoundingClientRect().top + window.scrollY) });
    }
  });

  /* Embedding: the page in the iframe tells its parent how tall it is, where the element that
   * got focus after a swap is (so a parent scrolled down to the last step's button can show the
   * new step's heading or first error), and when Escape is pressed (keys pressed inside a frame
   * never reach the parent's dialog). */
  var embedded = window.parent !== window;
  function tellParent(type, data) {
    if (!embedded) return;
    data.type = type;
    data.slug = location.pathname.split("/")[2];
    window.parent.postMessage(data, "*");
  }

  var lastHeight = 0;
  function reportHeight() {
    if (!embedded) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    tellParent("stepcraft:height", { height: height });
  }
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.documentElement);
  window.addEventListener("load", reportHeight);

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !e.defaultPrevented) tellParent("stepcraft:escape", {});
  });

  /* The outcome's share link: a Copy button where the clipboard can be written to and a Share
   * button where the device has a share sheet (both stay hidden otherwise: the read-only field
   * can still be copied by hand, and each network's link works without any script). */
  function enableSharing() {
    if (navigator.clipboard) {
      document.querySelectorAll("#stage [data-copy][hidden]").forEach(function (b) {
        b.hidden = false;
      });
    }
    if (navigator.share) {
      document.querySelectorAll("#stage [data-share-native][hidden]").forEach(function (item) {
        item.hidden = false;
      });
    }
  }
  /* A share through the sheet or Copy is counted like a network's link (entries/share_views.py). */
  function recordShare(element, network) {
    var box = element.closest("[data-share-record]");
    if (box && navigator.sendBeacon) {
      navigator.sendBeacon(box.dataset.shareRecord + "?to=" + network);
    }
  }
  document.addEventListener("click", function (e) {
    var share = e.target.closest && e.target.closest("[data-share-url]");
    if (!share) return;
    navigator.share({ title: share.dataset.shareText, text: share.dataset.shareText,
      url: share.dataset.shareUrl }).then(function () {
      recordShare(share, "native");
    }, function () {});  // cancelled: nothing to say, nothing shared
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    var status = document.querySelector("#stage [data-copy-status]");
    navigator.clipboard.writeText(field.value).then(function () {
      if (status) status.textContent = status.dataset.copied;
      recordShare(button, "copy");
    }, function () {
      field.select();
      if (status) status.textContent = status.dataset.copyByHand;
    });
  });
  document.addEventListener("htmx:afterSettle", enableSharing);

  document.addEventListener("DOMContentLoaded", function () {
    enableSharing();
    if (embedded) document.documentElement.classList.add("is-embedded");
    var invalid = document.querySelector('#stage [aria-invalid="true"]');
    if (invalid) invalid.focus();
    enterStep();
    reportHeight();
  });
})();
