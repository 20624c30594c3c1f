/*
 * Video library admin: live status of every [data-video-status] on the page (listing,
 * edit page, upload page), polled every 2 s while any is queued or processing; and the
 * poster picker of the edit page.
 */
(function () {
  "use strict";
  if (window.LmsVideoAdmin) { return; }
  var POLL_MS = 2000;
  var FINAL = { ready: true, failed: true };
  var config = document.querySelector("[data-video-progress-config]");
  if (!config) { return; }

  function formatEta(seconds) {
    var total = Math.max(Math.round(seconds), 1);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var secs = String(total % 60).padStart(2, "0");
    var time = hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + secs : minutes + ":" + secs;
    return config.dataset.etaTemplate.replace("{time}", time);
  }

  function render(box, data) {
    box.dataset.status = data.status;
    var label = box.querySelector("[data-label]");
    label.textContent = data.status_label;
    label.classList.toggle("w-status--primary", data.status === "ready");
    var running = data.status === "queued" || data.status === "processing";
    box.querySelector("[data-running]").hidden = !running;
    box.querySelector("[data-bar]").value = data.progress;
    box.querySelector("[data-percent]").textContent = Math.floor(data.progress) + "%";
    box.querySelector("[data-eta]").textContent =
      data.status === "processing" && data.eta_seconds ? formatEta(data.eta_seconds) : "";
    var reason = box.querySelector("[data-reason]");
    reason.textContent = data.failure_reason || "";
    reason.hidden = !data.failure_reason;
    box.dispatchEvent(new CustomEvent("video:status", { detail: data, bubbles: true }));
  }

  function poll() {
    var boxes = Array.prototype.filter.call(
      document.querySelectorAll("[data-video-status]"),
      function (box) { return box.dataset.id && !FINAL[box.dataset.status]; }
    );
    if (!boxes.length) { return setTimeout(poll, POLL_MS); }
    var query = boxes.map(function (box) { return "id=" + encodeURIComponent(box.dataset.id); }).join("&");
    fetch(config.dataset.url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { videos: [] }; })
      .then(function (data) {
        data.videos.forEach(function (video) {
          document.querySelectorAll('[data-video-status][data-id="' + video.id + '"]').forEach(function (box) {
            render(box, video);
          });
        });
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  function timestamp(text) {
    var parts = text.trim().split(":").map(parseFloat);
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  function posterPicker() {
    var form = document.querySelector("[data-poster-form]");
    if (!form) { return; }
    var input = form.querySelector("input[name=at]");
    var player = document.querySelector("[data-video-player] video");
    form.querySelector("[data-poster-current]").addEventListener("click", function () {
      input.value = player ? player.currentTime.toFixed(2) : "0";
      form.submit();
    });
    var tiles = form.querySelector("[data-poster-tiles]");
    if (!tiles) { return; }
    fetch(tiles.dataset.vtt, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (vtt) {
        var base = new URL(tiles.dataset.vtt, window.location.href);
        vtt.split(/\n\n+/).forEach(function (cue) {
          var lines = cue.trim().split("\n");
          var timing = lines.find(function (line) { return line.indexOf("-->") !== -1; });
          var target = lines[lines.length - 1];
          var match = target && target.match(/^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/);
          if (!timing || !match) { return; }
          var start = timestamp(timing.split("-->")[0]);
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button-secondary";
          button.title = tiles.dataset.label.replace("{time}", timing.split("-->")[0].trim());
          button.setAttribute("aria-label", button.title);
          button.style.cssText = "padding:0;width:" + match[4] + "px;height:" + match[5] + "px;" +
            "background:url('" + new URL(match[1], base).href + "') -" + match[2] + "px -" + match[3] + "px;";
          button.addEventListener("click", function () { input.value = start.toFixed(2); form.submit(); });
          tiles.appendChild(button);
        });
      })
      .catch(function () {});
  }

  window.LmsVideoAdmin = { render: render };
  posterPicker();
  poll();
})();
