/* Share page: load the real embed script on demand, as the snippet would on a customer's site
 * (on demand so that opening this page neither counts a view nor starts an entry). */
document.addEventListener("click", function (e) {
  "use strict";
  var button = e.target.closest("[data-embed-preview]");
  if (!button) return;
  var box = document.getElementById("embed-preview");
  box.textContent = "";
  var script = document.createElement("script");
  script.src = button.dataset.src;
  script.dataset.campaign = button.dataset.campaign;
  script.dataset.title = button.dataset.title;
  script.dataset.utmSource = "builder-preview";
  if (button.dataset.embedPreview === "popup") {
    script.dataset.mode = "popup";
    script.dataset.button = button.dataset.button;
  }
  box.appendChild(script);
});
