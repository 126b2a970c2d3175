// Contest round: show the server's countdown for the current question; when it runs out, reload so the
// server settles the question and hands out the next one. The server alone decides what counts.
(function () {
  "use strict";
  var timer = document.getElementById("contest-timer");
  if (!timer) { return; }
  var remaining = parseInt(timer.getAttribute("data-remaining-ms"), 10) || 0;
  var reloadUrl = timer.getAttribute("data-reload");
  var endsAt = Date.now() + remaining;
  var form = document.getElementById("contest-form");
  var sent = false;
  if (form) {
    form.addEventListener("submit", function () {
      sent = true;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "提交中…"; }
    });
  }

  function tick() {
    var left = Math.max(0, endsAt - Date.now());
    var seconds = Math.ceil(left / 1000);
    timer.textContent = left > 0 ? "剩余 " + seconds + " 秒" : "时间到";
    timer.classList.toggle("is-low", seconds <= 5);
    if (left > 0) {
      window.setTimeout(tick, 250);
    } else if (!sent) {
      // The latency allowance lets an answer already on its way still count; then move on.
      window.setTimeout(function () { if (!sent) { window.location.replace(reloadUrl); } }, 2500);
    }
  }
  tick();
}());
