/* Theme page: the sample and the contrast checks follow the form as it is edited.
 * luminance() and contrast() mirror campaigns/theme.py; the server's check is what is saved. */
(function () {
  "use strict";
  var AA = 4.5;
  var BUTTON_TEXT = "#ffffff";
  var HEX = /^#[0-9a-f]{6}$/i;
  var form = document.querySelector(".design-form");
  var sample = document.getElementById("theme-sample");
  if (!form || !sample) return;

  function channel(v) {
    var c = v / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function luminance(hex) {
    var n = parseInt(hex.slice(1), 16);
    return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) +
      0.0722 * channel(n & 255);
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function colour(name) {
    var input = form.elements[name];
    var value = input.value.trim();
    return HEX.test(value) ? value.toLowerCase() : null;
  }

  function showCheck(name, fg, bg) {
    var item = document.querySelector('[data-check="' + name + '"]');
    if (!item || !fg || !bg) return;
    var ratio = contrast(fg, bg);
    var passes = ratio >= AA;
    item.classList.toggle("contrast-check--fail", !passes);
    item.querySelector("[data-ratio]").textContent = (Math.floor(ratio * 100) / 100).toFixed(2) + ":1";
    item.querySelector("[data-verdict]").textContent = passes ? "passes WCAG AA" :
      "below WCAG AA (4.5:1): hard to read for many visitors";
    var swatch = item.querySelector(".contrast-swatch");
    swatch.style.background = bg;
    swatch.style.color = fg;
  }

  function update() {
    var primary = colour("primary"), background = colour("background"), text = colour("text");
    if (primary) sample.style.setProperty("--s-primary", primary);
    if (background) sample.style.setProperty("--s-bg", background);
    if (text) sample.style.setProperty("--s-text", text);
    showCheck("text", text, background);
    showCheck("button", BUTTON_TEXT, primary);
    showCheck("link", primary, background);
    document.querySelectorAll("[data-picker-for]").forEach(function (picker) {
      var value = colour(document.getElementById(picker.dataset.pickerFor).name);
      if (value) picker.value = value;
    });
  }

  document.querySelectorAll("[data-picker-for]").forEach(function (picker) {
    picker.hidden = false;
    picker.addEventListener("input", function () {
      document.getElementById(picker.dataset.pickerFor).value = picker.value;
      update();
    });
  });
  form.addEventListener("input", function (e) {
    if (e.target.matches("[data-theme-colour]")) update();
    if (e.target.matches("[data-theme-persona]")) {
      sample.querySelector("[data-sample-persona]").textContent =
        e.target.value.trim() || sample.dataset.campaignName;
    }
  });
  form.addEventListener("change", function (e) {
    var target = e.target;
    if (target.matches("[data-theme-font]")) {
      sample.className = sample.className.replace(/\bfont-\w+/, "font-" + target.value);
    } else if (target.matches("[data-theme-mode]")) {
      sample.dataset.mode = target.value;  // CSS shows the mode's parts (data-sample-show)
    } else if (target.matches("[data-theme-image]")) {
      var image = sample.querySelector('[data-sample-image="' + target.dataset.themeImage + '"]');
      if (target.files && target.files[0]) {
        image.src = URL.createObjectURL(target.files[0]);
        image.hidden = false;
      }
      syncName();
    } else if (/^remove_/.test(target.name)) {
      var which = target.name.slice(7);
      sample.querySelector('[data-sample-image="' + which + '"]').hidden = target.checked;
      syncName();
    }
  });

  function syncName() {
    var logo = sample.querySelector('[data-sample-image="logo"]');
    sample.querySelector("[data-sample-name]").hidden = !logo.hidden;
  }
})();
