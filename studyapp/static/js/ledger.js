// The ledger: "全部出席" fills the attendance sheet; "复制提醒" copies the reminder text.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var all = event.target.closest && event.target.closest("[data-all-present]");
    if (all) {
      document.querySelectorAll("select[data-attendance]").forEach(function (select) { select.value = "present"; });
      return;
    }
    var copy = event.target.closest && event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      if (!source) { return; }
      source.select();
      var done = function () { copy.textContent = "已复制"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    }
  });
})();
