// The checklist page: answers saved card by card (htmx); a save that cannot reach the
// server waits in a queue and is sent again when the connection is back. Served from
// our own static files (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var queue = {}; // card id -> FormData of its latest unsent save
  var timer = null;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function cardForm(el) { return el && el.closest ? el.closest("form[data-checklist-card]") : null; }
  function pending() { return Object.keys(queue).length; }

  function showBanner() {
    var banner = document.getElementById("checklist-offline");
    if (!banner) { return; }
    var n = pending();
    var text = banner.querySelector("[data-offline-text]");
    if (text) { text.textContent = text.dataset.offlineText.replace("{n}", String(n)); }
    banner.classList.toggle("d-none", n === 0);
  }

  function snapshot(form) {
    var data = new FormData(form);
    data.delete("answer");
    if (form.dataset.lastAnswer !== undefined) { data.set("answer", form.dataset.lastAnswer); }
    return data;
  }

  function markPending(form) {
    var card = form.closest("article");
    if (card) { card.classList.add("pending-save"); }
    var status = form.querySelector(".checklist-status");
    var banner = document.getElementById("checklist-offline");
    if (status && banner) { status.textContent = banner.dataset.pendingText || ""; }
  }

  function enqueue(form) {
    queue[form.closest("article").id] = { action: form.action, data: snapshot(form) };
    markPending(form);
    showBanner();
    schedule();
  }

  function swapIn(html, id) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var fresh = tpl.content.querySelector("article");
    var old = document.getElementById(id);
    if (fresh && old) {
      old.replaceWith(fresh);
      if (window.htmx) { window.htmx.process(fresh); }
    }
    var progress = tpl.content.getElementById("checklist-progress");
    var oldProgress = document.getElementById("checklist-progress");
    if (progress && oldProgress) {
      progress.removeAttribute("hx-swap-oob");
      oldProgress.replaceWith(progress);
      sizeProgress();
    }
  }

  function flush() {
    timer = null;
    Object.keys(queue).forEach(function (id) {
      var entry = queue[id];
      fetch(entry.action, {
        method: "POST",
        body: entry.data,
        credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": csrf() }
      }).then(function (response) {
        if (response.status >= 500) { throw new Error("server"); }
        return response.text().then(function (html) {
          if (queue[id] === entry) { delete queue[id]; }
          if (response.ok) { swapIn(html, id); }
          showBanner();
        });
      }).catch(function () { schedule(); });
    });
  }

  function schedule() {
    if (!timer && pending()) { timer = window.setTimeout(flush, 10000); }
  }

  // The button pressed is shown at once, whatever the connection.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=answer]");
    var form = cardForm(button);
    if (!form) { return; }
    form.dataset.lastAnswer = button.value;
    var current = form.querySelector("input[name=current]");
    if (current) { current.value = button.value; }
    form.querySelectorAll("button[name=answer]").forEach(function (b) {
      var colour = (b.className.match(/btn-(?:outline-)?(success|info|primary|danger|secondary)/) || [])[1];
      var on = b === button;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
      if (colour) {
        b.classList.toggle("btn-" + colour, on);
        b.classList.toggle("btn-outline-" + colour, !on);
      }
    });
  });

  // A save that did not reach the server (no network, time-out, server error) is queued.
  function failed(event) {
    var form = cardForm(event.detail && event.detail.elt);
    if (!form) { return; }
    var xhr = event.detail.xhr;
    if (event.type === "htmx:responseError" && xhr && xhr.status < 500) { return; }
    enqueue(form);
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = cardForm(event.detail && event.detail.elt);
    if (form && event.detail.successful) {
      var id = form.closest("article") && form.closest("article").id;
      if (id && queue[id]) { delete queue[id]; showBanner(); }
    }
  });
  // The progress bar comes back out of band: size it (CSSOM, which the CSP allows).
  function sizeProgress() {
    document.querySelectorAll("#checklist-progress [data-width]").forEach(function (el) {
      el.style.width = parseFloat(el.dataset.width) + "%";
    });
  }
  document.addEventListener("htmx:oobAfterSwap", sizeProgress);
  document.addEventListener("htmx:afterSettle", sizeProgress);
  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", function (event) {
    if (pending()) { event.preventDefault(); event.returnValue = ""; }
  });
})();
