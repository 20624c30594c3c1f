/*
 * Taking an exam on a phone: one question per screen with a question map. Every answer
 * is saved as it is given, with an answer id and a revision number; saves wait in this
 * browser's storage while the network is down and are sent when it is back (the server
 * keeps the newest revision and ignores repeats). The server keeps the time.
 * Also drives the mistake book's "check" buttons.
 */
(function () {
  "use strict";

  function responseOf(box) {
    var type = box.dataset.type;
    if (type === "single" || type === "multiple") {
      return Array.prototype.filter.call(box.querySelectorAll("input"), function (i) { return i.checked; })
        .map(function (i) { return Number(i.value); }).sort(function (a, b) { return a - b; });
    }
    if (type === "true_false") {
      var checked = box.querySelector("input:checked");
      return checked ? [checked.value === "true"] : [];
    }
    if (type === "fill") {
      var values = Array.prototype.map.call(box.querySelectorAll("input"), function (i) { return i.value; });
      return values.every(function (v) { return v.trim() === ""; }) ? [] : values;
    }
    var text = box.querySelector("textarea").value;
    return text.trim() === "" ? [] : [text];
  }

  function applyResponse(box, response) {
    var type = box.dataset.type;
    if (type === "single" || type === "multiple") {
      box.querySelectorAll("input").forEach(function (i) { i.checked = response.indexOf(Number(i.value)) !== -1; });
    } else if (type === "true_false") {
      box.querySelectorAll("input").forEach(function (i) { i.checked = response.length > 0 && String(response[0]) === i.value; });
    } else if (type === "fill") {
      box.querySelectorAll("input").forEach(function (i, n) { i.value = response[n] || ""; });
    } else {
      box.querySelector("textarea").value = response[0] || "";
    }
  }

  function showFeedback(panel, body, texts) {
    if (!panel || typeof body.correct !== "boolean") { return; }
    panel.hidden = false;
    panel.className = "exam-feedback " + (body.correct ? "exam-feedback--right" : "exam-feedback--wrong");
    panel.textContent = "";
    var verdict = document.createElement("strong");
    verdict.textContent = body.correct ? texts.right : texts.wrong;
    panel.appendChild(verdict);
    if (body.explanation) {
      var p = document.createElement("p");
      p.textContent = texts.explanation + ":" + body.explanation;
      panel.appendChild(p);
    }
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, body: data };
      });
    });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // ---- the mistake book ----
  var bookTexts = document.querySelector("template[data-book-messages]");
  document.querySelectorAll("[data-mistake]").forEach(function (section) {
    section.querySelector("[data-check]").addEventListener("click", function () {
      post(section.dataset.url, csrfToken(), { response: responseOf(section.querySelector("[data-answer]")) })
        .then(function (result) {
          var panel = section.querySelector("[data-feedback]");
          if (result.status !== 200) {
            panel.hidden = false;
            panel.textContent = (result.body.error || {}).message || "";
            return;
          }
          showFeedback(panel, result.body, bookTexts.dataset);
        });
    });
  });

  var root = document.querySelector("[data-exam-take]");
  if (!root) { return; }

  var attempt = root.dataset.attempt;
  var practice = root.dataset.practice === "1";
  var csrf = root.dataset.csrf;
  var device = window.examDevice();
  var texts = root.querySelector("template[data-messages]").dataset;
  var sections = Array.prototype.slice.call(root.querySelectorAll("[data-question]"));
  var mapItems = Array.prototype.slice.call(root.querySelectorAll("[data-goto]"));
  var statusLine = root.querySelector("[data-status]");
  var alertBox = root.querySelector("[data-alert]");
  var QUEUE_KEY = "exam-queue-" + attempt;
  var REV_KEY = "exam-revision-" + attempt;
  var current = 0;
  var sending = false;
  var stopped = false;

  function load(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full */ }
  }
  var queue = load(QUEUE_KEY, { saves: {}, events: [] });
  var revision = Math.max(Number(root.dataset.revision) || 0, Number(load(REV_KEY, 0)) || 0);

  function newId() {
    return device + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
  }
  function pendingCount() {
    return Object.keys(queue.saves).length;
  }
  function showStatus(offline) {
    var pending = pendingCount();
    if (offline) {
      statusLine.textContent = texts.offline + (pending ? "(" + pending + " " + texts.pending + ")" : "");
      statusLine.dataset.state = "offline";
    } else if (pending || sending) {
      statusLine.textContent = texts.saving + (pending ? "(" + pending + " " + texts.pending + ")" : "");
      statusLine.dataset.state = "saving";
    } else {
      statusLine.textContent = texts.saved;
      statusLine.dataset.state = "saved";
    }
  }
  function fail(message) {
    stopped = true;
    alertBox.hidden = false;
    alertBox.textContent = message;
    root.querySelectorAll("input, textarea").forEach(function (i) { i.disabled = true; });
  }

  function show(position) {
    current = Math.max(0, Math.min(sections.length - 1, position));
    sections.forEach(function (section, n) { section.hidden = n !== current; });
    mapItems.forEach(function (item, n) {
      item.classList.toggle("is-current", n === current);
      if (n === current) { item.setAttribute("aria-current", "step"); } else { item.removeAttribute("aria-current"); }
    });
    root.querySelector("[data-prev]").disabled = current === 0;
    root.querySelector("[data-next]").disabled = current === sections.length - 1;
  }

  function markAnswered(position, response) {
    mapItems[position].classList.toggle("is-answered", response.length > 0);
  }

  function handleRefusal(result) {
    var error = result.body.error || {};
    if (error.code === "submitted") {
      window.location.reload();
      return true;
    }
    if (error.code === "other_device" || error.code === "login") {
      fail(error.message);
      return true;
    }
    return false;
  }

  function sendNext() {
    var positions = Object.keys(queue.saves);
    if (positions.length) {
      var save = queue.saves[positions[0]];
      return post(root.dataset.saveUrl, csrf, {
        device: device, position: save.position, response: save.response,
        client_id: save.client_id, revision: save.revision
      }).then(function (result) {
        if (result.status === 200) {
          var waiting = queue.saves[save.position];
          if (waiting && waiting.client_id === save.client_id) { delete queue.saves[save.position]; }
          store(QUEUE_KEY, queue);
          if (practice) { showFeedback(sections[save.position].querySelector("[data-feedback]"), result.body, texts); }
          return true;
        }
        if (handleRefusal(result)) { return false; }
        // A save the server cannot take (it says why): drop it, show the reason.
        delete queue.saves[save.position];
        store(QUEUE_KEY, queue);
        alertBox.hidden = false;
        alertBox.textContent = (result.body.error || {}).message || "";
        return true;
      });
    }
    if (queue.events.length) {
      var event = queue.events[0];
      return post(root.dataset.eventUrl, csrf, {
        device: device, kind: event.kind, client_id: event.client_id, at: event.at
      }).then(function (result) {
        if (result.status >= 500) { return false; }
        queue.events.shift();
        store(QUEUE_KEY, queue);
        return true;
      });
    }
    return null;
  }

  function flush() {
    if (sending || stopped) { return Promise.resolve(); }
    sending = true;
    showStatus(false);
    function loop() {
      var step = sendNext();
      if (!step) { return Promise.resolve(); }
      return step.then(function (more) { return more ? loop() : undefined; });
    }
    return loop().then(function () {
      sending = false;
      showStatus(false);
    }, function () {
      sending = false;
      showStatus(true);
    });
  }

  function record(kind) {
    queue.events.push({ kind: kind, client_id: newId(), at: new Date().toISOString() });
    store(QUEUE_KEY, queue);
  }

  function changed(section) {
    if (stopped) { return; }
    var position = Number(section.dataset.question);
    var response = responseOf(section.querySelector("[data-answer]"));
    revision += 1;
    store(REV_KEY, revision);
    queue.saves[position] = { position: position, response: response, client_id: newId(), revision: revision };
    store(QUEUE_KEY, queue);
    markAnswered(position, response);
    flush();
  }

  sections.forEach(function (section) {
    var timer = null;
    section.addEventListener("change", function () { changed(section); });
    section.addEventListener("input", function (event) {
      if (event.target.type === "text" || event.target.tagName === "TEXTAREA") {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { changed(section); }, 800);
      }
    });
  });

  // Answers given on this device but not yet sent win over what the page was served with.
  Object.keys(queue.saves).forEach(function (position) {
    var save = queue.saves[position];
    if (sections[save.position]) {
      applyResponse(sections[save.position].querySelector("[data-answer]"), save.response);
      markAnswered(save.position, save.response);
    }
  });

  root.querySelector("[data-prev]").addEventListener("click", function () { show(current - 1); });
  root.querySelector("[data-next]").addEventListener("click", function () { show(current + 1); });
  mapItems.forEach(function (item) {
    item.addEventListener("click", function () { show(Number(item.dataset.goto)); });
  });

  document.addEventListener("visibilitychange", function () {
    record(document.hidden ? "hidden" : "visible");
    if (!document.hidden) { flush(); }
  });
  window.addEventListener("offline", function () { record("offline"); showStatus(true); });
  window.addEventListener("online", function () { record("online"); flush(); });
  window.setInterval(function () { if (pendingCount() || queue.events.length) { flush(); } }, 5000);

  function submit(confirmFirst) {
    if (stopped) { return; }
    var unanswered = mapItems.filter(function (item) { return !item.classList.contains("is-answered"); }).length;
    if (confirmFirst) {
      var question = (unanswered ? unanswered + " " + texts.unanswered + "\n" : "") + texts.confirm;
      if (!window.confirm(question)) { return; }
    }
    flush().then(function () {
      if (pendingCount()) {
        alertBox.hidden = false;
        alertBox.textContent = texts.offlineSubmit;
        return;
      }
      return post(root.dataset.submitUrl, csrf, { device: device }).then(function (result) {
        if (result.status === 200) {
          try { window.localStorage.removeItem(QUEUE_KEY); window.localStorage.removeItem(REV_KEY); } catch (e) { /* ignore */ }
          window.location.href = result.body.result_url;
        } else if (!handleRefusal(result)) {
          alertBox.hidden = false;
          alertBox.textContent = (result.body.error || {}).message || "";
        }
      });
    }, function () {
      alertBox.hidden = false;
      alertBox.textContent = texts.offlineSubmit;
    });
  }
  root.querySelector("[data-submit]").addEventListener("click", function () { submit(true); });

  var timerBox = root.querySelector("[data-timer]");
  if (timerBox && root.dataset.secondsLeft !== "") {
    var endsAt = Date.now() + Number(root.dataset.secondsLeft) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var hours = Math.floor(left / 3600);
      var minutes = Math.floor((left % 3600) / 60);
      var seconds = left % 60;
      timerBox.textContent = (hours ? hours + ":" : "") + ("0" + minutes).slice(-2) + ":" + ("0" + seconds).slice(-2);
      if (left === 0 && !stopped) {
        window.clearInterval(ticking);
        alertBox.hidden = false;
        alertBox.textContent = texts.timesUp;
        flush().then(function () { window.setTimeout(function () { window.location.reload(); }, 2000); });
      }
    };
    var ticking = window.setInterval(tick, 1000);
    tick();
  }

  // Loading the page makes this the attempt's active device (a reload, or another phone).
  post(root.dataset.claimUrl, csrf, { device: device }).then(function (result) {
    if (result.status === 200) { flush(); return; }
    handleRefusal(result);
  }, function () { showStatus(true); });
  show(0);
  showStatus(!navigator.onLine);
})();
