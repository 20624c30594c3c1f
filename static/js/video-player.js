/*
 * The lecture player: HLS through hls.js (MediaSource), native HLS where MediaSource is
 * missing (older iPhones), speed, quality, captions, sound-only, resume, play counting.
 *
 * Contract with the pages embedding it (templates/video/includes/player.html):
 *   data-master-url / data-audio-url  signed HLS URLs (fresh ones from data-playback-url)
 *   data-start="123.4"                start at this second
 *   data-resume-url="/…"              GET → {"position": seconds}: start there
 *   data-progress-url="/…"            POST JSON heartbeats (see below), X-CSRFToken sent
 *   data-live                         a live lecture: start near the live edge
 * Events dispatched on the [data-video-player] element (bubbling):
 *   video:ready      {videoId, duration}
 *   video:heartbeat  {videoId, position, duration, rate, ranges: [[from, to], …], visible,
 *                    tab, reason} when playback starts, every 15 s while playing, on pause /
 *                    ended / the page hiding or showing again; ranges are the stretches
 *                    actually watched since the last heartbeat, `visible` whether the page
 *                    was visible while they played, `tab` an id of this page load (the
 *                    server counts time once however many tabs play)
 *   video:progress   the data-progress-url's JSON answer to a heartbeat
 *   video:play-counted {videoId}
 * Events it listens to on the same element:
 *   video:seek  {position}   jump to a second
 */
(function () {
  "use strict";
  if (window.LmsVideoPlayer) { window.LmsVideoPlayer.initAll(); return; }

  var HEARTBEAT_MS = 15000;
  var PLAY_SECONDS = 10;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function Player(root) {
    this.root = root;
    this.video = root.querySelector("video");
    this.bar = root.querySelector(".video-player__bar");
    this.message = root.querySelector("[data-message]");
    this.videoId = Number(root.dataset.videoId);
    this.masterUrl = root.dataset.masterUrl;
    this.audioUrl = root.dataset.audioUrl || null;
    this.audioOnly = false;
    this.ranges = [];
    this.rangeStart = null;
    this.watched = 0;
    this.tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this.visible = document.visibilityState === "visible";
    this.counted = false;
    this.lastTime = 0;
    this.hls = null;
    this.refreshing = false;
    root.lmsPlayer = this;
    this.attachControls();
    this.trackWatching();
    var self = this;
    this.startPosition().then(function (position) { self.load(self.masterUrl, position, false); });
  }

  Player.prototype.say = function (key) {
    this.message.textContent = key ? this.message.dataset[key] : "";
    this.message.hidden = !key;
  };

  Player.prototype.startPosition = function () {
    var start = parseFloat(this.root.dataset.start || "0") || 0;
    var url = this.root.dataset.resumeUrl;
    if (!url) { return Promise.resolve(start); }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) { return Number(data.position) || start; })
      .catch(function () { return start; });
  };

  Player.prototype.load = function (url, position, autoplay) {
    var self = this;
    var video = this.video;
    var seekWhenReady = function () {
      if (position > 0) { video.currentTime = position; }
      if (autoplay) { video.play().catch(function () {}); }
    };
    if (window.Hls && window.Hls.isSupported()) {
      if (this.hls) { this.hls.destroy(); }
      var hls = new window.Hls({
        // Phones on weak networks: never fetch a rung larger than the player shows.
        capLevelToPlayerSize: true,
        startPosition: position > 0 ? position : -1,
        maxBufferLength: 30,
        // Live: two segments (4 s) behind the edge, for a glass-to-screen delay under 10 s.
        liveSyncDurationCount: this.root.hasAttribute("data-live") ? 2 : 3,
      });
      this.hls = hls;
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        self.fillQualities();
        if (autoplay) { video.play().catch(function () {}); }
      });
      hls.on(window.Hls.Events.LEVEL_SWITCHED, function (_event, data) {
        self.root.dataset.level = String(data.level);
        var level = hls.levels[data.level];
        self.root.dataset.levelHeight = level ? String(level.height || 0) : "0";
      });
      hls.on(window.Hls.Events.ERROR, function (_event, data) { self.onHlsError(data); });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
      video.addEventListener("loadedmetadata", seekWhenReady, { once: true });
    } else {
      this.say("unsupported");
      return;
    }
    this.bar.hidden = false;
  };

  Player.prototype.onHlsError = function (data) {
    if (!data.fatal) { return; }
    var status = data.response && data.response.code;
    if ((status === 403 || status === 410) && !this.refreshing) {
      this.refreshUrls();  // the signed URLs expired while the page stayed open
    } else if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) {
      this.say("network");
      var hls = this.hls;
      setTimeout(function () { hls.startLoad(); }, 3000);
    } else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
      this.hls.recoverMediaError();
    }
  };

  Player.prototype.refreshUrls = function () {
    var self = this;
    this.refreshing = true;
    fetch(this.root.dataset.playbackUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        self.masterUrl = data.master;
        self.audioUrl = data.audio;
        self.load(self.audioOnly ? self.audioUrl : self.masterUrl, self.video.currentTime, !self.video.paused);
      })
      .finally(function () { self.refreshing = false; });
  };

  Player.prototype.fillQualities = function () {
    var control = this.root.querySelector("[data-quality-control]");
    var select = this.root.querySelector("[data-quality]");
    if (!this.hls || this.audioOnly || this.hls.levels.length < 2) { control.hidden = true; return; }
    while (select.options.length > 1) { select.remove(1); }
    this.hls.levels
      // Named by the short side, so a portrait phone video's 360x640 rung is "360p" too.
      .map(function (level, index) { return { index: index, size: Math.min(level.width, level.height) }; })
      .sort(function (a, b) { return b.size - a.size; })
      .forEach(function (level) { select.add(new Option(level.size + "p", String(level.index))); });
    select.value = "-1";
    control.hidden = false;
  };

  Player.prototype.attachControls = function () {
    var self = this;
    var video = this.video;
    this.root.querySelector("[data-speed]").addEventListener("change", function (event) {
      video.playbackRate = parseFloat(event.target.value);
    });
    this.root.querySelector("[data-quality]").addEventListener("change", function (event) {
      if (self.hls) { self.hls.currentLevel = parseInt(event.target.value, 10); }
    });
    var captions = this.root.querySelector("[data-captions]");
    if (captions) {
      var show = function () {
        Array.prototype.forEach.call(video.textTracks, function (track, index) {
          track.mode = String(index) === captions.value ? "showing" : "disabled";
        });
      };
      captions.addEventListener("change", show);
      video.addEventListener("loadedmetadata", show);
    }
    var audioOnly = this.root.querySelector("[data-audio-only]");
    if (audioOnly) {
      audioOnly.addEventListener("click", function () {
        self.audioOnly = !self.audioOnly;
        audioOnly.setAttribute("aria-pressed", String(self.audioOnly));
        self.root.classList.toggle("is-audio-only", self.audioOnly);
        self.say(self.audioOnly ? "audioOnly" : "");
        var rate = video.playbackRate;
        self.load(self.audioOnly ? self.audioUrl : self.masterUrl, video.currentTime, !video.paused);
        video.playbackRate = rate;
      });
    }
    this.root.addEventListener("video:seek", function (event) {
      video.currentTime = Number(event.detail && event.detail.position) || 0;
    });
    video.addEventListener("loadedmetadata", function () {
      self.emit("video:ready", { videoId: self.videoId, duration: video.duration });
    });
  };

  Player.prototype.emit = function (name, detail) {
    this.root.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true }));
  };

  /* Watched time: only stretches played continuously count; a seek closes a stretch. */
  Player.prototype.trackWatching = function () {
    var self = this;
    var video = this.video;
    video.addEventListener("playing", function () {
      self.rangeStart = video.currentTime;
      self.lastTime = video.currentTime;
      self.say("");
      self.heartbeat("playing");  // the server measures wall time from here
    });
    video.addEventListener("seeking", function () { self.closeRange(self.lastTime); });
    video.addEventListener("seeked", function () { if (!video.paused) { self.rangeStart = video.currentTime; } self.lastTime = video.currentTime; });
    video.addEventListener("timeupdate", function () {
      var now = video.currentTime;
      var step = now - self.lastTime;
      if (!video.paused && !video.seeking && step > 0 && step < 2 * video.playbackRate + 1) {
        self.watched += step / video.playbackRate;
        if (!self.counted && self.watched >= PLAY_SECONDS) { self.countPlay(); }
      }
      self.lastTime = now;
    });
    video.addEventListener("pause", function () { self.heartbeat("pause"); });
    video.addEventListener("ended", function () { self.heartbeat("ended"); });
    document.addEventListener("visibilitychange", function () {
      // This beat closes the stretch played before the change, so it still carries the
      // visibility that stretch had; later beats carry the new one.
      var visible = document.visibilityState === "visible";
      if (!visible) { self.heartbeat("hidden"); } else if (!video.paused) { self.heartbeat("shown"); }
      self.visible = visible;
    });
    setInterval(function () { if (!video.paused) { self.heartbeat("interval"); } }, HEARTBEAT_MS);
  };

  Player.prototype.closeRange = function (end) {
    if (this.rangeStart !== null && end > this.rangeStart) {
      this.ranges.push([Math.round(this.rangeStart * 10) / 10, Math.round(end * 10) / 10]);
    }
    this.rangeStart = null;
  };

  Player.prototype.heartbeat = function (reason) {
    var video = this.video;
    this.closeRange(video.currentTime);
    if (!video.paused) { this.rangeStart = video.currentTime; }
    var detail = {
      videoId: this.videoId,
      position: video.currentTime,
      duration: video.duration || null,
      rate: video.playbackRate,
      ranges: this.ranges,
      visible: this.visible,
      tab: this.tab,
      reason: reason,
    };
    this.ranges = [];
    this.emit("video:heartbeat", detail);
    var url = this.root.dataset.progressUrl;
    if (url) {
      var self = this;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(detail),
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { self.emit("video:progress", data); } })
        .catch(function () {});
    }
  };

  Player.prototype.countPlay = function () {
    var self = this;
    this.counted = true;
    var body = new URLSearchParams({ ticket: this.root.dataset.playTicket || "" });
    fetch(this.root.dataset.playsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
    }).then(function (response) {
      if (response.ok) { self.emit("video:play-counted", { videoId: self.videoId }); }
    }).catch(function () {});
  };

  window.LmsVideoPlayer = {
    initAll: function () {
      document.querySelectorAll("[data-video-player]").forEach(function (root) {
        if (!root.lmsPlayer) { new Player(root); }
      });
    },
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", window.LmsVideoPlayer.initAll);
  } else {
    window.LmsVideoPlayer.initAll();
  }
})();
