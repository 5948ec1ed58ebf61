/* Stepcraft embed: <script src="https://HOST/static/embed.js" data-campaign="SLUG" async></script>
 * Inline (default): an iframe after the script tag, resized to its content as steps change.
 * Popup: data-mode="popup" renders a button (data-button="Take the quiz") that opens the
 * campaign in an accessible dialog. Several embeds on one page work independently.
 * Extra data-* parameters (data-utm-source="newsletter") are passed on as URL parameters. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.campaign) return;
  var origin = new URL(script.src).origin;
  var slug = script.dataset.campaign;
  var params = new URLSearchParams();
  Object.keys(script.dataset).forEach(function (key) {
    if (key === "campaign" || key === "mode" || key === "button" || key === "height") return;
    params.set(key.replace(/[A-Z]/g, function (c) { return "_" + c.toLowerCase(); }),
      script.dataset[key]);
  });
  var src = origin + "/c/" + encodeURIComponent(slug) + "/" + (params.toString() ? "?" + params : "");

  function frame() {
    var iframe = document.createElement("iframe");
    iframe.src = src;
    iframe.title = script.dataset.title || "Stepcraft form";
    iframe.loading = "lazy";
    iframe.allow = "clipboard-write";
    iframe.style.cssText = "width:100%;border:0;display:block;height:" +
      (script.dataset.height || "600") + "px;transition:height .2s ease";
    window.addEventListener("message", function (e) {
      if (e.origin !== origin || e.source !== iframe.contentWindow || !e.data) return;
      if (e.data.type === "stepcraft:height" && e.data.height > 0) {
        iframe.style.height = Math.ceil(e.data.height) + "px";
      } else if (e.data.type === "stepcraft:focus" && typeof e.data.top === "number") {
        // A new step (or its first error) got focus: if that is out of view, as after Next at
        // the bottom of a long step, scroll it into view (not every browser does for a frame).
        var y = iframe.getBoundingClientRect().top + e.data.top;
        if (y < 0 || y > window.innerHeight - 48) window.scrollBy(0, y - 16);
      } else if (e.data.type === "stepcraft:escape") {
        var dialog = iframe.closest("dialog");
        if (dialog && dialog.open) dialog.close();
      }
    });
    return iframe;
  }

  if (script.dataset.mode !== "popup") {
    script.parentNode.insertBefore(frame(), script.nextSibling);
    return;
  }

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = script.dataset.button || "Open";
  button.className = "stepcraft-popup-button";
  button.style.cssText = "font:inherit;font-weight:600;padding:.7em 1.2em;border-radius:10px;" +
    "border:0;background:#4f46e5;color:#fff;cursor:pointer";
  script.parentNode.insertBefore(button, script.nextSibling);

  button.addEventListener("click", function () {
    var dialog = document.createElement("dialog");
    dialog.setAttribute("aria-label", button.textContent);
    dialog.style.cssText = "width:min(40rem,94vw);max-height:90vh;padding:0;border:0;" +
      "border-radius:14px;overflow:auto";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Close");
    close.style.cssText = "position:sticky;top:0;float:right;z-index:1;font-size:1.5rem;" +
      "width:2.5rem;height:2.5rem;border:0;background:#fff;border-radius:0 14px 0 10px;cursor:pointer";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); button.focus(); });
    dialog.appendChild(close);
    dialog.appendChild(frame());
    document.body.appendChild(dialog);
    dialog.showModal();  // a modal <dialog> traps focus and closes on Escape by itself
  });
})();
