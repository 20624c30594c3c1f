/*
 * The lecture player, made for phones on weak mobile networks.
 *
 * Before the learner taps play the page holds the poster and nothing else: no playlist,
 * no segment, no player library. On the tap the player
 *   - plays an on-demand lecture with static/js/vod-player.js (a few KB, fetched then from
 *     its hashed, long-cached static URL) wherever the browser has MediaSource, a live
 *     lecture with hls.js (it holds the live edge), and HLS natively where the browser has
 *     no MediaSource (older iPhones);
 *   - starts at the rung the link can carry, judged from what the browser knows of the
 *     connection and from how fast the poster came (the lowest rung when it cannot
 *     tell), never above the size of the picture shown, or at the lowest when the learner
 *     turned on the data saver (省流量, kept in localStorage);
 *   - fetches the first playlists, and the init and the segment at the start position of
 *     the picture and of the sound, all at once while the player's script is on its way:
 *     vod-player.js takes those responses, a native player finds them in the cache.
 * Tapping the picture plays and pauses; the controls are the page's own, below the
 * picture, so a portrait video keeps every control on the screen.
 *
 * Contract with the pages embedding it (templates/video/includes/player.html):
 *   data-master-url / data-audio-url  signed HLS URLs (fresh ones from data-playback-url)
 *   [data-rung] elements              data-size (short side), data-bandwidth, data-url (the
 *                                     master playlist of that rung alone)
 *   data-vod-src / data-hls-src       vod-player.js and hls.js, loaded on the tap when needed
 *   data-start="123.4"                start at this second
 *   data-progress-url="/…"            POST JSON heartbeats (see below) with static/js/heartbeat.js
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
 * While a video plays, <body> has the class "is-playing-video" (the tab bar steps aside).
 */
(function () {
  "use strict";
  if (window.LmsVideoPlayer) { window.LmsVideoPlayer.initAll(); return; }

  var HEARTBEAT_MS = 15000;
  var PLAY_SECONDS = 10;
  var DATA_SAVER_KEY = "lms.video.dataSaver";
  // Start at a rung that takes at most this share of the estimated link.
  var LINK_SHARE = 0.7;
  // A browser playing HLS itself is given the whole ladder (it adapts on its own) only
  // when the link carries a rung of this size; otherwise one rung's own playlist.
  var NATIVE_AUTO_SIZE = 480;
  var libraries = {};
  var playing = 0;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) { seconds = 0; }
    var total = Math.floor(seconds);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var secs = total % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return hours ? hours + ":" + pad(minutes) + ":" + pad(secs) : minutes + ":" + pad(secs);
  }

  /* The script at `src`, which defines window[name]: loaded once, when first needed. */
  function loadLibrary(src, name) {
    if (window[name]) { return Promise.resolve(window[name]); }
    if (!libraries[name]) {
      libraries[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () {
          if (window[name]) { resolve(window[name]); } else { reject(new Error(name)); }
        };
        script.onerror = function () { delete libraries[name]; reject(new Error(name)); };
        document.head.appendChild(script);
      });
    }
    return libraries[name];
  }

  function dataSaverStored() {
    try { return window.localStorage.getItem(DATA_SAVER_KEY) === "1"; } catch (e) { return false; }
  }

  function dataSaverStore(on) {
    try {
      if (on) { window.localStorage.setItem(DATA_SAVER_KEY, "1"); } else { window.localStorage.removeItem(DATA_SAVER_KEY); }
    } catch (e) { /* private mode: remembered for this page only */ }
  }

  /* Bits per second the link carries, from the browser's own estimate and from how fast
     the poster arrived; null when neither tells. */
  function linkEstimate(video) {
    var rates = [];
    var connection = navigator.connection;
    if (connection && connection.downlink > 0) { rates.push(connection.downlink * 1e6); }
    var entries = video.poster && window.performance && performance.getEntriesByName
      ? performance.getEntriesByName(video.poster) : [];
    var poster = entries[entries.length - 1];
    if (poster && poster.transferSize > 4096 && poster.responseEnd > poster.requestStart) {
      rates.push((poster.transferSize * 8) / ((poster.responseEnd - poster.requestStart) / 1000));
    }
    return rates.length ? Math.min.apply(Math, rates) : null;
  }

  /* Fetch what a player asks for first — the playlists, then the init and the segment at
     `position` of the video and of the audio — all at once. Each response is kept in
     `early` by its URL for vod-player.js (which reads it instead of fetching again) and
     read here too, so that it reaches the HTTP cache whoever plays. */
  function fetchEarly(early, url, as) {
    url = new URL(url, window.location.href).href;
    if (!early[url]) {
      early[url] = { at: performance.now(), response: fetch(url, { credentials: "same-origin" }) };
    }
    if (!early[url].response) { return Promise.reject(new Error("taken")); }  // by vod-player.js
    return early[url].response.then(function (response) {
      return response.ok ? response.clone()[as]() : Promise.reject(new Error(String(response.status)));
    });
  }

  function warmMedia(early, url, position) {
    url = new URL(url, window.location.href).href;
    return fetchEarly(early, url, "text").then(function (body) {
      var time = 0;
      var length = 0;
      var init = null;
      var target = null;
      body.split(/\r?\n/).forEach(function (line) {
        if (line.indexOf("#EXT-X-MAP:") === 0) {
          var map = /URI="([^"]+)"/.exec(line);
          init = map ? map[1] : null;
        } else if (line.indexOf("#EXTINF:") === 0) {
          length = parseFloat(line.slice(8)) || 0;
        } else if (line && line.charAt(0) !== "#") {
          if (target === null && time + length > position) { target = line; }
          time += length;
        }
      });
      [init, target].forEach(function (uri) {
        if (uri) { fetchEarly(early, new URL(uri, url).href, "arrayBuffer").catch(function () {}); }
      });
    });
  }

  /* `source` is what the player loads (a master or a media playlist); `media` the media
     playlists it will read next, when the page knows them (else they are read from the
     master): fetched at once rather than one after another. */
  function warm(source, media, position) {
    var early = {};
    if (media.length) {
      if (media.indexOf(source) < 0) { fetchEarly(early, source, "text").catch(function () {}); }
      media.forEach(function (url) { warmMedia(early, url, position).catch(function () {}); });
      return early;
    }
    var url = new URL(source, window.location.href).href;
    fetchEarly(early, url, "text").then(function (body) {
      if (body.indexOf("#EXT-X-STREAM-INF") < 0) { return warmMedia(early, url, position); }
      var lines = body.split(/\r?\n/);
      var audio = null;
      var variant = null;
      lines.forEach(function (line, index) {
        if (line.indexOf("#EXT-X-MEDIA:") === 0 && line.indexOf("TYPE=AUDIO") > 0) {
          var uri = /URI="([^"]+)"/.exec(line);
          audio = uri ? uri[1] : audio;
        } else if (line.indexOf("#EXT-X-STREAM-INF:") === 0 && !variant && lines[index + 1]) {
          variant = lines[index + 1].trim();
        }
      });
      [variant, audio].forEach(function (uri) {
        if (uri) { warmMedia(early, new URL(uri, url).href, position).catch(function () {}); }
      });
    }).catch(function () { /* the player fetches them itself */ });
    return early;
  }

  function Player(root) {
    this.root = root;
    this.video = root.querySelector("video");
    this.message = root.querySelector("[data-message]");
    this.startPanel = root.querySelector("[data-start-panel]");
    this.controls = root.querySelector("[data-controls]");
    this.waiting = root.querySelector("[data-waiting]");
    this.videoId = Number(root.dataset.videoId);
    this.masterUrl = root.dataset.masterUrl;
    this.audioUrl = root.dataset.audioUrl || null;
    this.rungs = Array.prototype.map.call(root.querySelectorAll("[data-rung]"), function (el) {
      return {
        size: Number(el.dataset.size),
        bandwidth: Number(el.dataset.bandwidth),
        url: el.dataset.url || "",
        playlist: el.dataset.playlist || "",
      };
    }).sort(function (a, b) { return a.bandwidth - b.bandwidth; });
    this.nativeHls = Boolean(this.video.canPlayType("application/vnd.apple.mpegurl"));
    this.mediaSource = Boolean(window.MediaSource || window.ManagedMediaSource);
    // How videos play here: natively only without MediaSource (a live lecture then too).
    this.native = this.nativeHls && !this.mediaSource;
    this.live = root.hasAttribute("data-live");
    this.audioOnly = root.classList.contains("is-audio-only") && !this.rungs.length;
    this.dataSaver = this.rungs.length > 0 && dataSaverStored();
    this.quality = "";  // "" automatic, else the short side of the rung chosen
    this.started = false;
    this.ranges = [];
    this.rangeStart = null;
    this.watched = 0;
    this.tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
    this.visible = document.visibilityState === "visible";
    this.counted = false;
    this.lastTime = 0;
    this.hls = null;
    this.vod = null;
    this.refreshing = false;
    this.isPlaying = false;
    root.lmsPlayer = this;
    if (root.dataset.aspect) { root.style.setProperty("--video-aspect", root.dataset.aspect); }
    this.attachControls();
    this.trackWatching();
    this.syncToggles();
    this.showDataSaver();
  }

  Player.prototype.say = function (key) {
    this.message.textContent = key ? this.message.dataset[key] : "";
    this.message.hidden = !key;
  };

  /* What the message line says while all is well. */
  Player.prototype.sayState = function () {
    this.say(this.audioOnly && this.rungs.length ? "sayAudioOnly" : (this.dataSaver ? "sayDataSaver" : ""));
  };

  /* The first tap: everything is fetched from here on. */
  Player.prototype.start = function (audioOnly) {
    if (this.started) { return; }
    this.started = true;
    this.audioOnly = audioOnly || this.audioOnly;
    this.startPanel.hidden = true;
    this.controls.hidden = false;
    this.waiting.hidden = false;
    this.syncToggles();
    if (this.root.getBoundingClientRect().bottom > window.innerHeight) {
      this.root.scrollIntoView({ block: "start" });  // the picture and its controls in view
    }
    // Within the tap, so that the browser lets the video play with sound.
    var position = parseFloat(this.root.dataset.start || "0") || 0;
    this.load(this.source(), position, true);
  };

  /* The largest rung worth fetching: the lowest with the data saver, else the smallest
     whose long side covers the picture's in device pixels (as hls.js's capLevelToPlayerSize). */
  Player.prototype.sizeCap = function () {
    var rungs = this.rungs;
    if (this.dataSaver) { return rungs[0].size; }
    var sides = (this.root.dataset.aspect || "16 / 9").split("/").map(Number);
    var ratio = Math.max(sides[0], sides[1]) / Math.min(sides[0], sides[1]) || 16 / 9;
    var shown = Math.max(this.video.clientWidth, this.video.clientHeight) * (window.devicePixelRatio || 1);
    var fits = rungs.filter(function (rung) { return rung.size * ratio >= shown; })[0];
    return (fits || rungs[rungs.length - 1]).size;
  };

  /* What to play: {url, size (the rung to start with, 0 for sound only), fixed}. */
  Player.prototype.source = function () {
    if (this.audioOnly || !this.rungs.length) {
      return { url: this.audioOnly && this.audioUrl ? this.audioUrl : this.masterUrl, size: 0, fixed: true };
    }
    var rungs = this.rungs;
    var wanted = this.dataSaver ? rungs[0].size : Number(this.quality);
    var fixed = rungs.filter(function (rung) { return rung.size === wanted; })[0];
    if (fixed) { return { url: fixed.url || this.masterUrl, size: fixed.size, fixed: true }; }
    var estimate = linkEstimate(this.video);
    var cap = this.sizeCap();
    var start = rungs[0];
    if (estimate) {
      rungs.forEach(function (rung) {
        if (rung.bandwidth <= estimate * LINK_SHARE && rung.size <= cap) { start = rung; }
      });
    }
    var top = rungs[rungs.length - 1].size;
    if (this.native && start.url && !(estimate && start.size >= Math.min(NATIVE_AUTO_SIZE, top))) {
      return { url: start.url, size: start.size, fixed: false };
    }
    return { url: this.masterUrl, size: start.size, fixed: false };
  };

  Player.prototype.load = function (source, position, autoplay) {
    var self = this;
    var video = this.video;
    this.current = source;
    var quality = this.root.querySelector("[data-quality]");
    if (quality && !this.dataSaver) {
      // Say what plays: a rung's own playlist is that rung, the whole ladder is "Auto".
      quality.value = source.url === this.masterUrl || !source.size ? "" : String(source.size);
    }
    var rung = this.rungs.filter(function (r) { return r.size === source.size; })[0];
    var media = [];
    if (source.size === 0 && source.url === this.audioUrl) {
      media = [source.url];
    } else if (rung && rung.playlist && this.audioUrl) {
      media = [rung.playlist, this.audioUrl];
    }
    var early = warm(source.url, media, position);
    if (this.hls) { this.hls.destroy(); this.hls = null; }
    if (this.vod) { this.vod.destroy(); this.vod = null; }
    if (this.native) {
      video.src = source.url;
      video.addEventListener("loadedmetadata", function () {
        if (position > 0) { video.currentTime = position; }
      }, { once: true });
      if (autoplay) { video.play().catch(function () {}); }
      return;
    }
    var failed = function () {
      self.waiting.hidden = true;
      self.say("sayNetwork");
      self.started = false;
      self.startPanel.hidden = false;
    };
    if (!this.live && this.mediaSource) {
      loadLibrary(this.root.dataset.vodSrc, "LmsVod").then(function (Vod) {
        if (self.current !== source) { return; }  // another source was chosen meanwhile
        self.vod = new Vod(video, {
          url: source.url,
          position: position,
          size: source.size,
          fixed: source.fixed,
          early: early,
          cap: function () { return self.sizeCap(); },
          onLevel: function (size) { self.root.dataset.levelHeight = String(size); },
          onNetwork: function (down) { if (down) { self.say("sayNetwork"); } else { self.sayState(); } },
          onExpired: function () { if (!self.refreshing) { self.refreshUrls(); } },
          onFatal: function () { self.vod = null; self.waiting.hidden = true; self.say("sayUnsupported"); },
        });
        if (autoplay) { video.play().catch(function () {}); }
      }).catch(failed);
      return;
    }
    loadLibrary(this.root.dataset.hlsSrc, "Hls").then(function (Hls) {
      if (!Hls.isSupported()) { self.say("sayUnsupported"); self.waiting.hidden = true; return; }
      if (self.current !== source) { return; }
      var hls = new Hls({
        // Phones on weak networks: never fetch a rung larger than the player shows.
        capLevelToPlayerSize: true,
        startPosition: position > 0 ? position : -1,
        maxBufferLength: 30,
        // Live: two segments (4 s) behind the edge, for a glass-to-screen delay under 10 s.
        liveSyncDurationCount: self.live ? 2 : 3,
      });
      self.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        var index = -1;
        hls.levels.forEach(function (level, i) {
          if (Math.min(level.width, level.height) === source.size) { index = i; }
        });
        if (index >= 0) { hls.startLevel = index; }
        if (autoplay) { video.play().catch(function () {}); }
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, function (_event, data) {
        var level = hls.levels[data.level];
        self.root.dataset.levelHeight = level ? String(Math.min(level.width, level.height) || 0) : "0";
      });
      hls.on(Hls.Events.ERROR, function (_event, data) { self.onHlsError(data); });
      hls.loadSource(source.url);
      hls.attachMedia(video);
    }).catch(failed);
  };

  Player.prototype.reload = function () {
    if (!this.started) { return; }
    var video = this.video;
    this.closeRange(video.currentTime);  // the new source starts at 0 before it seeks
    this.load(this.source(), video.currentTime, !video.paused);
  };

  Player.prototype.onHlsError = function (data) {
    if (!data.fatal) { return; }
    var status = data.response && data.response.code;
    if ((status === 403 || status === 410) && !this.refreshing) {
      this.refreshUrls();  // the signed URLs expired while the page stayed open
    } else if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) {
      this.say("sayNetwork");
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
        var renamed = {};  // old URL: fresh URL
        renamed[self.masterUrl] = data.master;
        renamed[self.audioUrl] = data.audio;
        self.masterUrl = data.master;
        self.audioUrl = data.audio;
        (data.rungs || []).forEach(function (fresh) {
          self.rungs.forEach(function (rung) {
            if (rung.size === fresh.size) {
              renamed[rung.url] = fresh.url;
              rung.url = fresh.url;
              rung.playlist = fresh.playlist;
            }
          });
        });
        if (self.vod) {  // the same files under a fresh signature: it goes on where it is
          self.current.url = renamed[self.current.url] || data.master;
          self.vod.rebase(self.current.url);
        } else {
          self.reload();
        }
      })
      .finally(function () { self.refreshing = false; });
  };

  Player.prototype.toggle = function () {
    if (!this.started) { this.start(false); return; }
    if (this.video.paused) { this.video.play().catch(function () {}); } else { this.video.pause(); }
  };

  Player.prototype.showDataSaver = function () {
    var lowest = this.rungs.length ? this.rungs[0].size : 0;
    var saver = this.dataSaver;
    var quality = this.root.querySelector("[data-quality]");
    if (quality) {
      Array.prototype.forEach.call(quality.options, function (option) {
        option.disabled = saver && option.value !== String(lowest);
      });
      quality.value = saver ? String(lowest) : this.quality;
    }
  };

  Player.prototype.syncToggles = function () {
    var audioOnly = this.root.querySelector("[data-audio-only]");
    if (audioOnly) { audioOnly.setAttribute("aria-pressed", String(this.audioOnly)); }
    var saver = this.root.querySelector("[data-data-saver]");
    if (saver) { saver.setAttribute("aria-pressed", String(this.dataSaver)); }
    this.root.classList.toggle("is-audio-only", this.audioOnly || !this.rungs.length);
  };

  Player.prototype.attachControls = function () {
    var self = this;
    var root = this.root;
    var video = this.video;
    root.querySelector("[data-start-video]").addEventListener("click", function () { self.start(false); });
    var listen = root.querySelector("[data-start-audio]");
    if (listen) { listen.addEventListener("click", function () { self.start(true); }); }
    video.addEventListener("click", function () { self.toggle(); });

    var playPause = root.querySelector("[data-play-pause]");
    var showState = function () {
      var paused = video.paused;
      playPause.setAttribute("aria-label", paused ? playPause.dataset.labelPlay : playPause.dataset.labelPause);
      root.classList.toggle("is-paused", paused);
      var nowPlaying = !paused && !video.ended;
      if (nowPlaying !== self.isPlaying) {
        self.isPlaying = nowPlaying;
        playing += nowPlaying ? 1 : -1;
        document.body.classList.toggle("is-playing-video", playing > 0);
      }
    };
    playPause.addEventListener("click", function () { self.toggle(); });
    ["play", "pause", "ended"].forEach(function (name) { video.addEventListener(name, showState); });

    var seek = root.querySelector("[data-seek]");
    var time = root.querySelector("[data-time]");
    var total = root.querySelector("[data-duration]");
    var dragging = false;
    video.addEventListener("durationchange", function () {
      if (isFinite(video.duration)) { seek.max = String(video.duration); total.textContent = clock(video.duration); }
    });
    video.addEventListener("timeupdate", function () {
      time.textContent = clock(video.currentTime);
      if (!dragging) { seek.value = String(video.currentTime); }
    });
    seek.addEventListener("input", function () { dragging = true; time.textContent = clock(Number(seek.value)); });
    seek.addEventListener("change", function () { dragging = false; video.currentTime = Number(seek.value); });

    var waiting = this.waiting;
    video.addEventListener("waiting", function () { waiting.hidden = false; });
    ["playing", "pause", "canplay", "error"].forEach(function (name) {
      video.addEventListener(name, function () { waiting.hidden = true; });
    });

    root.querySelector("[data-fullscreen]").addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); return; }
      if (root.requestFullscreen) { root.requestFullscreen().catch(function () {}); } else if (video.webkitEnterFullscreen) { video.webkitEnterFullscreen(); }
    });

    root.querySelector("[data-speed]").addEventListener("change", function (event) {
      // The default too: a new source (another rung, sound only) keeps the speed.
      video.defaultPlaybackRate = video.playbackRate = parseFloat(event.target.value);
    });
    var quality = root.querySelector("[data-quality]");
    if (quality) {
      quality.addEventListener("change", function () { self.quality = quality.value; self.reload(); });
    }
    var captions = root.querySelector("[data-captions]");
    if (captions) {
      var show = function () {
        Array.prototype.forEach.call(video.textTracks, function (track, index) {
          track.mode = String(index) === captions.value ? "showing" : "disabled";
        });
      };
      captions.addEventListener("change", show);
      video.addEventListener("loadedmetadata", show);
      show();
    }
    var saver = root.querySelector("[data-data-saver]");
    if (saver) {
      saver.addEventListener("click", function () {
        self.dataSaver = !self.dataSaver;
        dataSaverStore(self.dataSaver);
        self.syncToggles();
        self.showDataSaver();
        self.say(self.dataSaver ? "sayDataSaver" : "");
        if (!self.audioOnly) { self.reload(); }
      });
    }
    var audioOnly = root.querySelector("[data-audio-only]");
    if (audioOnly) {
      audioOnly.addEventListener("click", function () {
        self.audioOnly = !self.audioOnly;
        self.syncToggles();
        self.say(self.audioOnly ? "sayAudioOnly" : "");
        if (self.started) { self.reload(); } else { self.start(self.audioOnly); }
      });
    }
    video.addEventListener("error", function () {
      if (self.hls || self.vod || !self.started) { return; }
      var code = video.error && video.error.code;
      if (!self.refreshing && code !== 1) { self.refreshUrls(); } else { self.say("sayNetwork"); }
    });
    root.addEventListener("video:seek", function (event) {
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
      self.sayState();
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
    if (url) {  // pages with a progress URL load static/js/heartbeat.js
      var self = this;
      window.LmsHeartbeat.post(url, detail).then(function (data) {
        if (data) { self.emit("video:progress", data); }
      });
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
