// eISO front-end behaviour. No inline scripts: pages pass data through json_script.
(function () {
  "use strict";

  // Confirm dangerous actions: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Auto-submit filter forms on change: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) {
      if (window.htmx && form.getAttribute("hx-get")) { window.htmx.trigger(form, "submit"); }
      else { form.requestSubmit(); }
    }
  });

  // Charts: <canvas data-chart="ID-of-json-script">.
  function drawCharts(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var config = JSON.parse(source.textContent);
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
      var chart = new window.Chart(canvas, config);
      canvas.dataset.drawn = "1";
      canvas.eisoChart = chart;
    });
  }
  // Computed sizes: <div data-width="42" data-left="7.5"> (percent). Set through the CSSOM,
  // which the Content-Security-Policy allows; style="" attributes it does not.
  function applySizes(root) {
    root.querySelectorAll("[data-width], [data-left]").forEach(function (el) {
      if (el.dataset.width) { el.style.width = parseFloat(el.dataset.width) + "%"; }
      if (el.dataset.left) { el.style.left = parseFloat(el.dataset.left) + "%"; }
    });
  }
  function enhance(root) { applySizes(root); drawCharts(root); }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });

  // Select the whole value of a read-only field on click: <input data-select-on-click>.
  document.addEventListener("click", function (event) {
    var input = event.target.closest("input[data-select-on-click]");
    if (input) { input.select(); }
  });

  // Keep the percent output next to a range input in step.
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.type === "range" && target.dataset.output) {
      var out = document.getElementById(target.dataset.output);
      if (out) { out.textContent = target.value + "%"; }
    }
  });

  // Copy the value of an input: <button data-copy="#feed-url">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var input = document.querySelector(button.dataset.copy);
    if (!input) { return; }
    input.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).catch(function () { document.execCommand("copy"); });
    } else {
      document.execCommand("copy");
    }
    button.classList.add("btn-success");
    setTimeout(function () { button.classList.remove("btn-success"); }, 1200);
  });
})();
