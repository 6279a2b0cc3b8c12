// Small helps on top of pages that work without scripts.
(function () {
  "use strict";

  // Log a need: a recent household and a typed address exclude each other.
  function household(form) {
    var choices = form.querySelector("[data-household-choices]");
    var address = form.querySelector("[data-household-address]");
    if (!choices || !address) return;
    var radios = choices.querySelectorAll("input[type=radio]");
    var inputs = address.querySelectorAll("input");
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () {
        inputs.forEach(function (input) { input.value = ""; });
      });
    });
    inputs.forEach(function (input) {
      input.addEventListener("input", function () {
        if (input.value) radios.forEach(function (radio) { radio.checked = false; });
      });
    });
  }

  // A form sent once is not sent again by a second tap while the page loads.
  function once(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (!button) return;
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  }

  // Coming back to a page from the browser's history: its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[disabled]").forEach(function (button) {
      button.disabled = false;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var log = document.getElementById("log-need");
    if (log) household(log);
    document.querySelectorAll("form").forEach(once);
  });
})();
