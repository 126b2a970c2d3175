// Chapter editor: live preview rendered by the server (the same sanitizer as saving), never in the browser.
(function () {
  "use strict";
  var DELAY_MS = 400;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";

  function setStatus(targetId, text) {
    var status = document.querySelector('[data-status-for="' + targetId + '"]');
    if (status) { status.textContent = text; }
  }

  function attach(textarea) {
    var url = textarea.getAttribute("data-preview-url");
    var targetId = textarea.getAttribute("data-preview-target");
    var kind = textarea.getAttribute("data-preview-kind") || "chapter";
    var target = document.getElementById(targetId);
    if (!url || !target) { return; }
    var timer = null;
    var latest = 0;  // only the newest request may write the preview

    function render() {
      var ticket = ++latest;
      setStatus(targetId, "更新中…");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ markdown: textarea.value, kind: kind })
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (ticket !== latest) { return; }
        if (result.ok) {
          // The server returns nh3-sanitized HTML; it is the same HTML members will be served.
          target.innerHTML = result.body.html;
          setStatus(targetId, "");
        } else {
          setStatus(targetId, (result.body.error && result.body.error.message) || "预览失败");
        }
      }).catch(function () {
        if (ticket === latest) { setStatus(targetId, "预览失败，请检查网络"); }
      });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, DELAY_MS);
    });
    if (textarea.value && !target.innerHTML.trim()) { render(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-preview-url]"), attach);
})();
