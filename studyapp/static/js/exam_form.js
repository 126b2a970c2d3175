// Exam form: add and remove rule rows and fixed-question rows in place (no save needed for more rows),
// and point the fixed-question search at the bank chosen above.
(function () {
  "use strict";
  function renumber(body) {
    Array.prototype.forEach.call(body.querySelectorAll("tr"), function (row, i) {
      var n = String(i + 1);
      var cell = row.querySelector(".rule-row__n");
      if (cell) { cell.textContent = n; }
      Array.prototype.forEach.call(row.querySelectorAll("[aria-label]"), function (el) {
        el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/(规则|第)\d*/, "$1" + n));
      });
    });
  }
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    var remove = event.target.closest("[data-remove-row]");
    if (add) {
      var box = add.closest("[data-rows]");
      var body = box.querySelector("[data-rows-body]");
      var row = box.querySelector("template[data-row-template]").content.firstElementChild.cloneNode(true);
      var select = document.getElementById("module_id");
      var key = row.querySelector("[data-bank-list]");
      if (key && select) { key.setAttribute("list", "bank-" + select.value); }
      body.appendChild(row);
      renumber(body);
      var first = row.querySelector("input, select");
      if (first) { first.focus(); }
    } else if (remove) {
      var rows = remove.closest("[data-rows-body]");
      var tr = remove.closest("tr");
      if (rows.querySelectorAll("tr").length > 1) {
        tr.parentNode.removeChild(tr);
      } else {
        Array.prototype.forEach.call(tr.querySelectorAll("input"), function (el) { el.value = ""; });
        Array.prototype.forEach.call(tr.querySelectorAll("select"), function (el) { el.selectedIndex = 0; });
      }
      renumber(rows);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "module_id") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-bank-list]"), function (el) {
      el.setAttribute("list", "bank-" + event.target.value);
    });
  });
})();
