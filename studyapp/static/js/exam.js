// Exam page: one question per screen, answer card, flags, countdown (display only: the server decides),
// autosave of every change with a client sequence number, retry with backoff until saved.
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root || !window.fetch) { return; }
  document.body.classList.add("exam-js");

  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var attemptId = root.getAttribute("data-attempt");
  var saveUrl = root.getAttribute("data-save-url").replace(/\/0$/, "/");
  var resultUrl = root.getAttribute("data-result-url");
  var submitForm = document.getElementById("exam-submit-form");
  var deadline = Date.parse(root.getAttribute("data-deadline"));
  var clockOffset = Date.parse(root.getAttribute("data-server-now")) - Date.now();
  var sections = Array.prototype.slice.call(document.querySelectorAll(".exam-q"));
  var statusEl = document.getElementById("exam-save-status");
  var alertEl = document.getElementById("exam-alert");
  var countdownEl = document.getElementById("exam-countdown");
  var STORE_KEY = "studyapp.exam." + attemptId;
  var closed = false;

  // ---- local state (survives reloads; the server stays the authority) ---------------------------
  var store = { seq: 0, flags: [], pending: {} };
  try { store = Object.assign(store, JSON.parse(window.localStorage.getItem(STORE_KEY) || "{}")); } catch (e) { /* ignore */ }
  var seq = Math.max(parseInt(root.getAttribute("data-max-seq"), 10) || 0, store.seq || 0);
  function persist() {
    store.seq = seq;
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(store)); } catch (e) { /* storage full or blocked */ }
  }

  function byQid(qid) {
    return sections.filter(function (s) { return s.getAttribute("data-qid") === String(qid); })[0];
  }

  // ---- answers ------------------------------------------------------------------------------------
  function inputs(section) {
    return Array.prototype.slice.call(section.querySelectorAll('input[name="q' + section.getAttribute("data-qid") + '"]'));
  }
  function readAnswer(section) {
    var type = section.getAttribute("data-qtype");
    var all = inputs(section);
    if (type === "fill_blank") { return all.map(function (i) { return i.value; }); }
    var checked = all.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    if (type === "multiple") { return checked.sort(); }
    if (!checked.length) { return null; }
    return type === "true_false" ? checked[0] === "true" : checked[0];
  }
  function writeAnswer(section, answer) {
    var type = section.getAttribute("data-qtype");
    inputs(section).forEach(function (input, n) {
      if (type === "fill_blank") { input.value = (answer && answer[n]) || ""; }
      else if (type === "multiple") { input.checked = !!answer && answer.indexOf(input.value) >= 0; }
      else if (type === "true_false") { input.checked = answer !== null && String(answer) === input.value; }
      else { input.checked = answer === input.value; }
    });
  }
  function isAnswered(section) {
    var answer = readAnswer(section);
    if (answer === null) { return false; }
    if (Array.isArray(answer)) { return answer.some(function (v) { return String(v).trim() !== ""; }); }
    return true;
  }

  // ---- saving: latest answer per question, retried with backoff until the server has it ------------
  var inflight = {}, failures = {};
  function setStatus() {
    var waiting = Object.keys(store.pending).length;
    var failing = Object.keys(failures).some(function (k) { return failures[k] > 0; });
    statusEl.textContent = !waiting ? "已保存" : (failing ? "未保存，正在重试…" : "保存中…");
    statusEl.classList.toggle("is-unsaved", waiting > 0 && failing);
  }
  function showAlert(message) {
    alertEl.textContent = message;
    alertEl.hidden = false;
  }
  function queueSave(section) {
    if (closed) { return; }
    seq += 1;
    store.pending[section.getAttribute("data-qid")] = { answer: readAnswer(section), seq: seq };
    persist();
    setStatus();
    flush(section.getAttribute("data-qid"));
    refreshCard();
  }
  function retryLater(qid) {
    failures[qid] = (failures[qid] || 0) + 1;
    var delay = Math.min(30000, 1000 * Math.pow(2, failures[qid] - 1));
    setStatus();
    window.setTimeout(function () { inflight[qid] = false; flush(qid); }, delay);
  }
  function flush(qid) {
    var item = store.pending[qid];
    if (!item || inflight[qid] || closed) { return; }
    inflight[qid] = true;
    window.fetch(saveUrl + qid, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answer: item.answer, seq: item.seq })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) { throw new Error("not json"); }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (reply) {
      if (reply.status === 200) {
        if (store.pending[qid] && store.pending[qid].seq <= item.seq) { delete store.pending[qid]; }
        if (!reply.data.stored && reply.data.seq > item.seq) {
          showAlert("第" + byQid(qid).getAttribute("data-position") + "题已在其他窗口或设备作答，刷新页面可看到已保存的答案。");
        }
        failures[qid] = 0;
        persist();
        inflight[qid] = false;
        setStatus();
        flush(qid);  // a newer change may have queued meanwhile
      } else if (reply.status === 409) {
        finish(reply.data.error.message);
      } else if (reply.status === 422 || reply.status === 404) {
        delete store.pending[qid];
        persist();
        inflight[qid] = false;
        setStatus();
        showAlert(reply.data.error.message);
      } else {
        if (reply.status === 401 || reply.status === 400) { showAlert(reply.data.error.message); }
        retryLater(qid);
      }
    }).catch(function () { retryLater(qid); });
  }

  // ---- the end: refused save, countdown at zero ---------------------------------------------------
  function finish(message) {
    if (closed) { return; }
    closed = true;
    showAlert(message + " 正在前往成绩页…");
    window.fetch(submitForm.action, {
      method: "POST", credentials: "same-origin", headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).catch(function () { /* the server finalizes overdue attempts on its own */ }).then(function () {
      try { window.localStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
      window.setTimeout(function () { window.location.href = resultUrl; }, 1500);
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + clockOffset)) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdownEl.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    countdownEl.parentNode.classList.toggle("is-urgent", left <= 300);
    if (left === 0) { finish("考试时间到，系统已按截止前保存的答案交卷。"); return; }
    window.setTimeout(tick, 1000 - ((Date.now() + clockOffset) % 1000));
  }

  // ---- navigation, answer card and flags ---------------------------------------------------------
  var current = 1;
  function show(position) {
    current = Math.max(1, Math.min(sections.length, position));
    sections.forEach(function (s) { s.hidden = parseInt(s.getAttribute("data-position"), 10) !== current; });
    // A reload (or a return from another page) comes back to this question: in the address and in storage.
    store.current = current;
    persist();
    if (window.history && window.history.replaceState && window.location.hash !== "#q-" + current) {
      window.history.replaceState(null, "", "#q-" + current);
    }
    refreshCard();
  }
  function refreshCard() {
    sections.forEach(function (section) {
      var position = parseInt(section.getAttribute("data-position"), 10);
      var cell = document.querySelector('[data-cell="' + position + '"]');
      var flagged = store.flags.indexOf(position) >= 0;
      var answered = isAnswered(section);
      cell.classList.toggle("is-done", answered);
      cell.classList.toggle("is-flagged", flagged);
      cell.classList.toggle("is-current", position === current);
      cell.setAttribute("aria-label", "第" + position + "题，" + (answered ? "已答" : "未答") + (flagged ? "，已标记" : ""));
      if (position === current) { cell.setAttribute("aria-current", "step"); } else { cell.removeAttribute("aria-current"); }
      var flag = section.querySelector("[data-flag]");
      flag.setAttribute("aria-pressed", flagged ? "true" : "false");
      flag.textContent = flagged ? "取消标记" : "标记此题";
    });
  }
  document.addEventListener("click", function (event) {
    var go = event.target.closest && event.target.closest("[data-go]");
    if (go) {
      var target = go.getAttribute("data-go");
      if (target === "card") { return; }  // plain anchor: scroll to the card
      event.preventDefault();
      show(parseInt(target, 10));
      var title = document.getElementById("q-" + current + "-title");
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: true });
      document.getElementById("q-" + current).scrollIntoView({ block: "start" });
      return;
    }
    var flag = event.target.closest && event.target.closest("[data-flag]");
    if (flag) {
      var position = parseInt(flag.getAttribute("data-flag"), 10);
      var at = store.flags.indexOf(position);
      if (at >= 0) { store.flags.splice(at, 1); } else { store.flags.push(position); }
      persist();
      refreshCard();
    }
  });
  sections.forEach(function (section) {
    var timer = null;
    section.addEventListener("change", function () { queueSave(section); });
    // Typing in a blank saves after a short pause, so a lost connection loses at most a few characters.
    section.addEventListener("input", function (event) {
      if (event.target.type !== "text") { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { queueSave(section); }, 800);
    });
  });

  // ---- submitting: confirm, listing unanswered questions, after every save has landed --------------
  // [3, 4, 6, 7, 8] -> "3–4、6–8": a long run of numbers reads as one range, not forty-five numbers.
  function ranges(numbers) {
    var parts = [], i = 0;
    while (i < numbers.length) {
      var j = i;
      while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) { j += 1; }
      parts.push(j > i ? numbers[i] + "–" + numbers[j] : String(numbers[i]));
      i = j + 1;
    }
    return parts.join("、");
  }
  var dialog = document.getElementById("exam-confirm");
  submitForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var unanswered = sections.filter(function (s) { return !isAnswered(s); })
      .map(function (s) { return parseInt(s.getAttribute("data-position"), 10); });
    var flagged = store.flags.slice().sort(function (a, b) { return a - b; });
    var text = unanswered.length
      ? "还有 " + unanswered.length + " 题未作答：第" + ranges(unanswered) + "题。"
      : "所有题目均已作答。";
    if (flagged.length) { text += " 已标记待检查：第" + ranges(flagged) + "题。"; }
    document.getElementById("exam-confirm-text").textContent = text + " 交卷后不能再修改。";
    dialog.hidden = false;
    document.getElementById("exam-confirm-back").focus();
  });
  document.getElementById("exam-confirm-back").addEventListener("click", function () { dialog.hidden = true; });
  dialog.addEventListener("keydown", function (event) { if (event.key === "Escape") { dialog.hidden = true; } });
  document.getElementById("exam-confirm-go").addEventListener("click", function () {
    var button = this, waited = 0;
    button.disabled = true;
    Object.keys(store.pending).forEach(flush);
    (function wait() {
      if (!Object.keys(store.pending).length) {
        closed = true;
        try { window.localStorage.removeItem(STORE_KEY); } catch (e) { /* ignore */ }
        HTMLFormElement.prototype.submit.call(submitForm);
        return;
      }
      if ((waited += 250) > 10000) {
        button.disabled = false;
        dialog.hidden = true;
        showAlert("有答案尚未保存（网络不通？）。请稍候，显示“已保存”后再交卷。");
        return;
      }
      window.setTimeout(wait, 250);
    })();
  });

  // ---- leaving while the clock runs: ask first (the clock does not stop; saved answers stay) ---------
  var LEAVE_QUESTION = "考试仍在计时，离开本页计时不会暂停（已保存的答案不会丢失）。确定离开吗？";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || closed || event.defaultPrevented) { return; }
    var href = link.getAttribute("href");
    if (href.charAt(0) === "#") { return; }  // a question or the answer card on this page
    if (window.confirm(LEAVE_QUESTION)) { leaving = true; } else { event.preventDefault(); }
  });
  var leaving = false;  // already asked: the browser need not ask again
  window.addEventListener("beforeunload", function (event) {
    if (closed || leaving) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  // ---- font size, shared with the chapter page --------------------------------------------------
  var SCALE_KEY = "studyapp.readerScale", STEPS = [0.875, 1, 1.125, 1.25, 1.5, 1.75, 2];
  function scaleIndex() {
    var i = -1;
    try { i = STEPS.indexOf(parseFloat(window.localStorage.getItem(SCALE_KEY) || "1")); } catch (e) { /* ignore */ }
    return i < 0 ? 1 : i;
  }
  function applyScale(i) { document.documentElement.style.setProperty("--reader-scale", String(STEPS[i])); }
  applyScale(scaleIndex());
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-exam-scale]");
    if (!button) { return; }
    var i = Math.max(0, Math.min(STEPS.length - 1, scaleIndex() + parseInt(button.getAttribute("data-exam-scale"), 10)));
    try { window.localStorage.setItem(SCALE_KEY, String(STEPS[i])); } catch (e) { /* ignore */ }
    applyScale(i);
  });

  // ---- start: restore unsent answers from before a reload or a lost session, then show question 1 ----
  Object.keys(store.pending).forEach(function (qid) {
    var section = byQid(qid);
    var item = store.pending[qid];
    if (!section || item.seq <= (parseInt(section.getAttribute("data-seq"), 10) || 0)) {
      delete store.pending[qid];
      return;
    }
    writeAnswer(section, item.answer);
    flush(qid);
  });
  persist();
  setStatus();
  var hash = /^#q-(\d+)$/.exec(window.location.hash);
  show(hash ? parseInt(hash[1], 10) : (parseInt(store.current, 10) || 1));
  tick();
})();
