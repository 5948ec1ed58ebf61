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
