// Site-wide behaviour, no inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  // Forms that ask before they act: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A box that scrolls sideways (a wide table on a phone) can be focused, so the keyboard can scroll it too.
  function focusableScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap, .reader table"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;  // sideways only: a wrap never scrolls down (overflow-y: hidden)
      var inner = box.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (scrolls && !inner && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (!box.getAttribute("aria-label")) {
          var caption = box.querySelector("caption");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格（可左右滚动）");
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusableScrollers);
  } else {
    focusableScrollers();
  }
  window.addEventListener("resize", focusableScrollers);
})();
