// Chapter page: font-size control (persisted) and reading time reported to the server.
(function () {
  "use strict";
  var KEY = "studyapp.readerScale";
  var STEPS = [0.875, 1, 1.125, 1.25, 1.5, 1.75, 2];
  var root = document.documentElement;

  function currentIndex() {
    var saved = parseFloat(window.localStorage.getItem(KEY) || "1");
    var index = STEPS.indexOf(saved);
    return index < 0 ? 1 : index;
  }

  function apply(index) {
    root.style.setProperty("--reader-scale", String(STEPS[index]));
    var buttons = document.querySelectorAll("[data-reader-scale]");
    buttons.forEach(function (button) {
      var step = parseInt(button.getAttribute("data-reader-scale"), 10);
      button.disabled = (step < 0 && index === 0) || (step > 0 && index === STEPS.length - 1);
    });
  }

  try { apply(currentIndex()); } catch (e) { /* storage blocked: keep the default size */ }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-reader-scale]");
    if (!button) { return; }
    var index = currentIndex() + parseInt(button.getAttribute("data-reader-scale"), 10);
    index = Math.max(0, Math.min(STEPS.length - 1, index));
    try { window.localStorage.setItem(KEY, String(STEPS[index])); } catch (e) { /* ignore */ }
    apply(index);
  });

  // Reading time: count seconds while the page is visible, report every 30 s and when leaving.
  var reader = document.getElementById("reader");
  var url = reader && reader.getAttribute("data-time-url");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  if (!url || !tokenMeta || !window.fetch) { return; }
  var pending = 0;
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;

  function collect() {
    if (visibleSince !== null) {
      var now = Date.now();
      pending += (now - visibleSince) / 1000;
      visibleSince = now;
    }
  }

  function report() {
    collect();
    var seconds = Math.min(Math.floor(pending), 120);
    if (seconds < 1) { return; }
    pending -= seconds;
    fetch(url, {
      method: "POST",
      keepalive: true,  // lets the last report finish while the page unloads
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": tokenMeta.getAttribute("content") },
      body: JSON.stringify({ seconds: seconds })
    }).catch(function () { /* a lost report only loses reading time */ });
  }

  window.setInterval(function () { if (visibleSince !== null) { report(); } }, 30000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      report();
      visibleSince = null;
    } else {
      visibleSince = Date.now();
    }
  });
  window.addEventListener("pagehide", report);
})();
