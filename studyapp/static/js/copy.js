// "复制提醒": copy the text of the element named by a button's data-copy to the clipboard.
// The clipboard API needs a secure context; on a plain-http intranet the selected-text fallback works.
(function () {
  "use strict";
  function fallback(field) {
    field.classList.remove("visually-hidden");
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    if (field.id.indexOf("phones") !== -1) { field.classList.add("visually-hidden"); }
    return ok;
  }
  function say(button, text) {
    var status = button.parentNode.querySelector(".chase-copy__status");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var text = field.value;
    var done = function () { say(button, "已复制，可粘贴到微信群"); };
    var failed = function () { say(button, fallback(field) ? "已复制，可粘贴到微信群" : "请长按文字手动复制"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  });
})();
