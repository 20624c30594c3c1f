/*
 * The reading clock of a text lesson with a stated study time (templates/courses/lesson.html,
 * [data-reading-url]). The server measures the time; the page only says whether it was
 * visible. It posts {"visible", "tab", "reason"} when opened (the server's clock starts),
 * every 15 s while visible, when hidden (the time before counts) and when shown again (the
 * hidden time does not). Each answer is dispatched on the document as "lesson:progress"
 * (the shape of the player's "video:progress"; static/js/lesson-progress.js shows it).
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-reading-url]");
  if (!root || !window.LmsHeartbeat) { return; }
  var HEARTBEAT_MS = 15000;
  var url = root.dataset.readingUrl;
  var tab = window.LmsHeartbeat.tabId();
  var visible = document.visibilityState === "visible";

  function beat(reason, wasVisible) {
    window.LmsHeartbeat.post(url, { visible: wasVisible, tab: tab, reason: reason })
      .then(function (data) {
        if (data) { document.dispatchEvent(new CustomEvent("lesson:progress", { detail: data })); }
      });
  }

  beat("opened", visible);
  setInterval(function () { if (visible) { beat("interval", true); } }, HEARTBEAT_MS);
  document.addEventListener("visibilitychange", function () {
    var nowVisible = document.visibilityState === "visible";
    beat(nowVisible ? "shown" : "hidden", visible);  // closes the stretch before the change
    visible = nowVisible;
  });
})();
