/*
 * Posting a lesson heartbeat, shared by the lecture player (video-player.js) and the
 * reading clock of text lessons (lesson-reading.js): the body as JSON with the CSRF
 * token, kept alive while the page unloads. Resolves to the server's answer, or null.
 */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  window.LmsHeartbeat = {
    post: function (url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body),
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    },
    /* An id of this page load: the server counts a learner's time once, whatever the tabs. */
    tabId: function () {
      return Math.random().toString(36).slice(2) + Date.now().toString(36);
    },
  };
})();
