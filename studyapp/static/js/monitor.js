// Live monitor of a sitting: poll the JSON endpoint every 10 s and redraw the counts (no inline script).
(function () {
  "use strict";
  var root = document.getElementById("monitor");
  if (!root) { return; }
  var source = root.getAttribute("data-source");
  var interval = parseInt(root.getAttribute("data-interval"), 10) || 10000;
  var FIELDS = ["expected", "started", "in_progress", "submitted", "not_started"];

  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = String(text);
    if (cls) { el.className = cls; }
    if (tag === "th") { el.setAttribute("scope", "row"); }
    return el;
  }

  function render(state) {
    Object.keys(state.total).forEach(function (key) {
      var el = root.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = String(state.total[key]); }
    });
    var body = root.querySelector("[data-rows]");
    var rows = document.createDocumentFragment();
    state.branches.forEach(function (branch) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("th", branch.name));
      FIELDS.forEach(function (key) { tr.appendChild(cell("td", branch[key], "num")); });
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
    root.querySelector('[data-field="updated"]').textContent = state.updated;
  }

  function poll() {
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        render(state);
        root.querySelector('[data-field="error"]').hidden = true;
      })
      .catch(function () { root.querySelector('[data-field="error"]').hidden = false; })
      .then(function () { window.setTimeout(poll, interval); });
  }

  window.setTimeout(poll, interval);
}());
