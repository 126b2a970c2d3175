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
})();
