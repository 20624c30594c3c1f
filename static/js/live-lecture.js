/*
 * The live lecture page: countdown, status and viewers polled from data-state-url,
 * questions (post, and for the lecturer and admins: mark answered, hide), and the
 * back-to-live button over the lecture player (static/js/video-player.js).
 * Polling is plain GET every few seconds: it goes through any proxy.
 */
(function () {
  "use strict";
  var POLL_MS = 4000;
  var BEHIND_SECONDS = 10;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function init(root) {
    var status = root.dataset.status;
    var moderator = root.hasAttribute("data-moderator");
    var list = root.querySelector("[data-questions]");
    var countdown = root.querySelector("[data-countdown]");
    var startsAt = Date.parse(root.dataset.startsAt);

    function tick() {
      if (!countdown) { return; }
      var left = Math.max(0, Math.round((startsAt - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      countdown.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    }
    tick();
    setInterval(tick, 1000);

    function renderQuestions(questions) {
      list.textContent = "";
      questions.forEach(function (q) {
        var item = document.createElement("li");
        item.dataset.questionId = q.id;
        item.className = "live-question" + (q.answered ? " is-answered" : "") + (q.hidden ? " is-hidden" : "");
        var text = document.createElement("p");
        text.textContent = q.text;
        item.appendChild(text);
        var meta = document.createElement("p");
        meta.className = "muted";
        meta.textContent = q.author + (q.answered ? " · " + list.dataset.labelAnswered : "") + (q.hidden ? " · " + list.dataset.labelHidden : "");
        item.appendChild(meta);
        if (moderator) {
          [["answered", list.dataset.labelMarkAnswered, !q.answered], ["hidden", list.dataset.labelHide, !q.hidden], ["shown", list.dataset.labelShow, q.hidden]]
            .forEach(function (action) {
              if (!action[2]) { return; }
              var button = document.createElement("button");
              button.type = "button";
              button.className = "button button--small button--plain";
              button.textContent = action[1];
              button.dataset.action = action[0];
              button.addEventListener("click", function () {
                postJson(root.dataset.questionUrl + q.id + "/", { action: action[0] }).then(poll);
              });
              item.appendChild(button);
            });
        }
        list.appendChild(item);
      });
    }

    function poll() {
      return fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (data.status !== status) { window.location.reload(); return; }
          var label = root.querySelector("[data-viewers-label]");
          if (label) { label.dataset.viewers = data.viewers; label.textContent = label.textContent.replace(/\d+/, String(data.viewers)); }
          renderQuestions(data.questions);
        })
        .catch(function () {});
    }
    poll();
    setInterval(poll, POLL_MS);

    var form = root.querySelector("[data-question-form]");
    if (form) {
      var error = form.querySelector("[data-question-error]");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var field = form.querySelector("textarea");
        postJson(root.dataset.questionsUrl, { text: field.value }).then(function (result) {
          error.hidden = result.ok;
          if (result.ok) { field.value = ""; poll(); } else { error.textContent = result.data.error.message; }
        }).catch(function () {});
      });
    }

    var endForm = root.querySelector("form[data-confirm]");
    if (endForm) {
      endForm.addEventListener("submit", function (event) {
        if (!window.confirm(endForm.dataset.confirm)) { event.preventDefault(); }
      });
    }

    var back = root.querySelector("[data-back-to-live]");
    var playerRoot = root.querySelector("[data-video-player]");
    if (back && playerRoot) {
      back.addEventListener("click", function () {
        var player = playerRoot.lmsPlayer;
        if (player && player.hls && player.hls.liveSyncPosition) {
          player.video.currentTime = player.hls.liveSyncPosition;
          player.video.play().catch(function () {});
        }
      });
      setInterval(function () {
        var player = playerRoot.lmsPlayer;
        var edge = player && player.hls && player.hls.liveSyncPosition;
        back.hidden = !edge || edge - player.video.currentTime < BEHIND_SECONDS;
      }, 1000);
    }
  }

  function start() { document.querySelectorAll("[data-live-lecture]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
