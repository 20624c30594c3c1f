/*
 * The on-demand lecture player: the platform's fMP4 HLS ladder played through MediaSource,
 * a few kilobytes, so that fetching it on the tap does not hold back the first frame on a
 * weak link (hls.js, 155 KB, took 3 s of slow 3G). Live lectures keep hls.js, which holds
 * the live edge; browsers without MediaSource play HLS themselves (static/js/video-player.js
 * decides).
 *
 * new LmsVod(video, options) plays options.url — a master playlist (the whole ladder, or one
 * rung's own with its audio) or a media playlist (sound only) — from options.position:
 *   - it fetches the starting rung's init segment and the segment holding the position (not
 *     the beginning), and the audio rendition's beside them: one SourceBuffer for the picture
 *     and one for the sound (one alone for sound only, or sound muxed with the picture);
 *   - it buffers at most AHEAD seconds ahead (phones pay for data) and drops what lies more
 *     than BEHIND seconds behind; a seek outside the buffer abandons what is in flight and
 *     goes on from the segment there; it ends the stream after the last segment;
 *   - it measures each segment's throughput and changes rung between segments, up one rung
 *     at a time and only when the slower of two averages allows it, down at once to what the
 *     link carries; never above options.cap() (the picture's size, the data saver); a new
 *     rung's init segment is appended first, with changeType when its codecs differ;
 *   - a failed request is tried again after a growing pause (at once when the browser comes
 *     back online); after SAY_AFTER failures in a row options.onNetwork(true), and (false)
 *     once data flows again; on 403/410 (signed URLs expired) options.onExpired(), and the
 *     page hands fresh URLs to rebase(url): the playlists' URIs are relative, so they resolve
 *     against the new one.
 * Other options: size (short side of the rung to start at), fixed (never change rung), early
 * ({absolute URL: {response: Promise<Response>, at: ms}}: fetches the page started on the tap,
 * used instead of fetching again; what the player takes or fetches itself is left there
 * without a response, so that the page does not fetch it too), onLevel(short side of the rung playing, 0 for sound),
 * onFatal() (the browser cannot decode it).
 */
(function () {
  "use strict";
  var AHEAD = 30;
  var BEHIND = 30;
  var UP = 0.7;  // a higher rung may take this share of the estimated link
  var STAY = 0.9;  // the rung playing is left when it takes more than this share
  var SAY_AFTER = 3;
  var STALE = { stale: true };
  var MediaSourceType = window.ManagedMediaSource || window.MediaSource;

  function attributes(text) {
    var found = {};
    text.replace(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g, function (_all, key, value) {
      found[key] = value.replace(/^"|"$/g, "");
    });
    return found;
  }

  function lines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(Boolean);
  }

  function mime(kind, codecs) {
    return kind + '/mp4; codecs="' + codecs.join(",") + '"';
  }

  /* {rungs (picture, lowest first), sound: {uri, codecs}} of a master; null for a media playlist. */
  function parseMaster(text) {
    if (text.indexOf("#EXT-X-STREAM-INF:") < 0) { return null; }
    var all = lines(text);
    var groups = {};
    var rungs = [];
    var sound = null;
    all.forEach(function (line, index) {
      var tag = line.slice(0, line.indexOf(":") + 1);
      var a = attributes(line.slice(tag.length));
      if (tag === "#EXT-X-MEDIA:" && a.TYPE === "AUDIO" && a.URI) {
        groups[a["GROUP-ID"]] = a.URI;
      } else if (tag === "#EXT-X-STREAM-INF:") {
        var size = (a.RESOLUTION || "0x0").split("x").map(Number);
        var codecs = (a.CODECS || "mp4a.40.2").split(",");
        var audio = codecs.filter(function (c) { return /^(mp4a|ac-3|ec-3|opus|flac)/.test(c); });
        var picture = codecs.filter(function (c) { return audio.indexOf(c) < 0; });
        if (!size[1]) {
          sound = sound || { uri: all[index + 1], codecs: audio };
          return;
        }
        var grouped = a.AUDIO && groups[a.AUDIO];
        rungs.push({
          uri: all[index + 1],
          bandwidth: Number(a.BANDWIDTH) || 0,
          size: Math.min(size[0], size[1]),
          mime: mime("video", grouped ? picture : codecs),
          audio: grouped ? { uri: groups[a.AUDIO], codecs: audio } : null,
        });
      }
    });
    rungs.sort(function (x, y) { return x.bandwidth - y.bandwidth; });
    var withSound = rungs.filter(function (rung) { return rung.audio; })[0];
    return { rungs: rungs, sound: withSound ? withSound.audio : sound };
  }

  function parseMedia(text) {
    var init = null;
    var segments = [];
    var time = 0;
    var length = null;
    lines(text).forEach(function (line) {
      if (line.indexOf("#EXT-X-MAP:") === 0) {
        init = attributes(line.slice(11)).URI;
      } else if (line.indexOf("#EXTINF:") === 0) {
        length = parseFloat(line.slice(8)) || 0;
      } else if (line.charAt(0) !== "#" && length !== null) {
        segments.push({ uri: line, start: time, end: time + length });
        time += length;
        length = null;
      }
    });
    return { init: init, segments: segments, duration: time };
  }

  /* The first segment still playing at `time` (the last one past the end). */
  function indexAt(media, time) {
    var segments = media.segments;
    for (var i = 0; i < segments.length; i++) {
      if (segments[i].end > time) { return i; }
    }
    return Math.max(segments.length - 1, 0);
  }

  function rangeAround(ranges, time) {
    for (var i = 0; i < ranges.length; i++) {
      if (ranges.start(i) - 0.3 <= time && time < ranges.end(i)) { return [ranges.start(i), ranges.end(i)]; }
    }
    return null;
  }

  function Track(vod, kind, type, uri, media) {
    this.vod = vod;
    this.kind = kind;
    this.type = type;
    this.uri = uri;  // of its playlist, relative to the URL played
    this.media = media;
    this.buffer = vod.source.addSourceBuffer(type);
    this.wanted = type;
    this.initKey = null;
    this.next = indexAt(media, vod.position);
    this.epoch = 0;
    this.busy = false;
    this.done = false;
    this.controller = null;
    this.buffer.addEventListener("updateend", this.pump.bind(this));
  }

  Track.prototype.playlistUrl = function () {
    return new URL(this.uri, this.vod.base).href;
  };

  Track.prototype.append = function (data) {
    var buffer = this.buffer;
    return new Promise(function (resolve, reject) {
      var settle = function (event) {
        buffer.removeEventListener("updateend", settle);
        buffer.removeEventListener("error", settle);
        if (event.type === "updateend") { resolve(); } else { reject(event.error || new Error("append")); }
      };
      buffer.addEventListener("updateend", settle);
      buffer.addEventListener("error", settle);
      try { buffer.appendBuffer(data); } catch (error) { settle({ type: "thrown", error: error }); }
    });
  };

  /* A seek: go on from the segment at `time`, or from the end of the buffer around it. */
  Track.prototype.seek = function (time) {
    var range = rangeAround(this.buffer.buffered, time);
    var next = range ? indexAt(this.media, range[1] - 0.5) + 1 : indexAt(this.media, time);
    this.done = false;
    if (next === this.next) { return; }  // what is in flight is what it needs
    this.epoch += 1;
    if (this.controller) { this.controller.abort(); }
    this.next = next;
  };

  Track.prototype.pump = function () {
    var vod = this.vod;
    if (this.busy || vod.dead || this.buffer.updating) { return; }
    var now = vod.time();
    var buffered = this.buffer.buffered;
    if (buffered.length && buffered.start(0) < now - BEHIND - 10) {
      this.buffer.remove(0, now - BEHIND);  // its updateend pumps again
      return;
    }
    if (this.next >= this.media.segments.length) {
      this.done = true;
      vod.end();
      return;
    }
    if (this.media.segments[this.next].start - now >= AHEAD) { return; }
    var self = this;
    var epoch = this.epoch;
    this.busy = true;
    var ready = this.kind === "video" ? vod.switchTo(this, vod.choose()) : Promise.resolve();
    ready.then(function () {
      if (epoch !== self.epoch) { throw STALE; }
      var index = self.next;
      var segment = self.media.segments[index];
      var key = self.media.init ? self.uri + " " + self.media.init : null;
      var init = key && key !== self.initKey ? vod.initSegment(self, key) : null;
      return Promise.all([init, vod.get(segment.uri, self.playlistUrl.bind(self), "arrayBuffer", self)])
        .then(function (got) {
          if (epoch !== self.epoch) { throw STALE; }
          vod.measure(got[1], segment.end - segment.start);
          var appended = Promise.resolve();
          if (got[0]) {
            if (self.type !== self.wanted && self.buffer.changeType) { self.buffer.changeType(self.wanted); }
            self.type = self.wanted;
            appended = self.append(got[0]).then(function () { self.initKey = key; });
          }
          return appended.then(function () { return self.append(got[1].body); }).then(function () {
            if (self.kind === "video") { vod.appended(segment, self.level); }
            if (epoch === self.epoch) { self.next = index + 1; }
            vod.nudge();
          });
        });
    }).catch(function (error) {
      if (error === STALE) { return; }
      if (error && error.name === "QuotaExceededError" && !self.buffer.updating) {
        self.buffer.remove(0, Math.max(vod.time() - 5, 0.1));  // full: drop more behind
        return;
      }
      vod.fatal();
    }).then(function () {
      self.busy = false;
      self.pump();
    });
  };

  function Vod(video, options) {
    var self = this;
    this.video = video;
    this.options = options;
    this.base = new URL(options.url, window.location.href).href;
    this.early = options.early || {};
    this.position = options.position || 0;
    this.started = false;
    this.dead = false;
    this.tracks = [];
    this.inits = {};
    this.rate = { fast: null, slow: null };
    this.failures = 0;
    this.waits = [];
    this.played = [];
    this.levelShown = null;
    this.source = new MediaSourceType();
    if (window.ManagedMediaSource && this.source instanceof window.ManagedMediaSource) {
      video.disableRemotePlayback = true;  // Safari opens a ManagedMediaSource only so
    }
    this.objectUrl = URL.createObjectURL(this.source);
    this.listeners = {
      seeking: function () { self.seeking(); },
      timeupdate: function () { self.showLevel(); self.pumpAll(); },
      waiting: function () { self.nudge(); },
      loadedmetadata: function () {
        if (self.position > 0 && !self.started) { video.currentTime = self.position; }
        self.started = true;
      },
      error: function () { self.fatal(); },
    };
    Object.keys(this.listeners).forEach(function (name) {
      video.addEventListener(name, self.listeners[name]);
    });
    this.online = function () { self.wake(); };
    window.addEventListener("online", this.online);
    var opened = new Promise(function (resolve) {
      self.source.addEventListener("sourceopen", function () {
        URL.revokeObjectURL(self.objectUrl);
        resolve();
      }, { once: true });
    });
    video.src = this.objectUrl;
    var owner = { epoch: 0 };
    this.get("", function () { return self.base; }, "text", owner).then(function (got) {
      var master = parseMaster(got.body);
      var sound = master ? master.sound : { uri: "", codecs: ["mp4a.40.2"] };
      self.levels = master ? master.rungs : [];
      var start = self.levels.filter(function (rung) { return rung.size === options.size; })[0] || self.levels[0];
      self.level = self.levels.indexOf(start);
      var wanted = [];
      if (start) { wanted.push(self.mediaOf(start.uri, owner)); }
      if (sound && (!start || start.audio)) {
        wanted.push(master ? self.mediaOf(sound.uri, owner) : parseMedia(got.body));
      }
      return Promise.all(wanted.concat([opened])).then(function (media) {
        if (self.dead) { throw STALE; }
        if (start) {
          var picture = new Track(self, "video", start.mime, start.uri, media[0]);
          picture.level = self.level;
          self.tracks.push(picture);
        }
        if (sound && (!start || start.audio)) {
          self.tracks.push(new Track(self, "audio", mime("audio", sound.codecs), sound.uri, media[wanted.length - 1]));
        }
        self.source.duration = media[0].duration;
        if (!start) { self.options.onLevel(0); }
        self.pumpAll();
      });
    }).catch(function (error) {
      if (error !== STALE) { self.fatal(); }
    });
  }

  Vod.prototype.time = function () {
    return this.started ? this.video.currentTime : this.position;
  };

  /* Fetch `uri` (relative to what from() says at each try), again and again until it comes,
     unless `owner` moves on (a seek) or the player is destroyed. */
  Vod.prototype.get = function (uri, from, as, owner) {
    var self = this;
    var epoch = owner.epoch;
    var attempt = function () {
      if (self.dead || owner.epoch !== epoch) { return Promise.reject(STALE); }
      var url = new URL(uri, from()).href;
      var early = self.early[url];
      var at = early && early.response ? early.at : performance.now();
      var response = early && early.response;
      self.early[url] = { at: at };  // taken: the page does not fetch it again
      if (!response) {
        owner.controller = window.AbortController ? new AbortController() : null;
        response = fetch(url, { credentials: "same-origin", signal: owner.controller && owner.controller.signal });
      }
      return response.then(function (answer) {
        if (!answer.ok) { var error = new Error(String(answer.status)); error.status = answer.status; throw error; }
        return answer[as]();
      }).then(function (body) {
        self.flowing();
        return { body: body, seconds: (performance.now() - at) / 1000 };
      }, function (error) {
        if (self.dead || owner.epoch !== epoch) { throw STALE; }
        return self.failed(error).then(attempt);
      });
    };
    return attempt();
  };

  Vod.prototype.mediaOf = function (uri, owner) {
    var self = this;
    return this.get(uri, function () { return self.base; }, "text", owner).then(function (got) {
      return parseMedia(got.body);
    });
  };

  Vod.prototype.initSegment = function (track, key) {
    var self = this;
    if (this.inits[key]) { return Promise.resolve(this.inits[key]); }
    return this.get(track.media.init, track.playlistUrl.bind(track), "arrayBuffer", track).then(function (got) {
      self.inits[key] = got.body;
      return got.body;
    });
  };

  Vod.prototype.failed = function (error) {
    var self = this;
    this.failures += 1;
    if (error && (error.status === 403 || error.status === 410)) {
      this.options.onExpired();
    } else if (this.failures === SAY_AFTER) {
      this.options.onNetwork(true);
    }
    var pause = Math.min(500 * Math.pow(2, this.failures - 1), 5000);
    return new Promise(function (resolve) {
      self.waits.push(resolve);
      setTimeout(resolve, pause);
    });
  };

  Vod.prototype.flowing = function () {
    if (this.failures >= SAY_AFTER) { this.options.onNetwork(false); }
    this.failures = 0;
  };

  Vod.prototype.wake = function () {
    var waits = this.waits;
    this.waits = [];
    waits.forEach(function (resolve) { resolve(); });
  };

  /* Fresh signed URLs: the same files under a new prefix. */
  Vod.prototype.rebase = function (url) {
    this.base = new URL(url, window.location.href).href;
    this.wake();
  };

  Vod.prototype.measure = function (got, seconds) {
    if (got.body.byteLength < 8192 || !(got.seconds > 0)) { return; }  // mostly latency
    var sample = got.body.byteLength * 8 / got.seconds;
    var rate = this.rate;
    [["fast", 3], ["slow", 9]].forEach(function (pair) {
      var keep = Math.pow(0.5, seconds / pair[1]);
      rate[pair[0]] = rate[pair[0]] === null ? sample : rate[pair[0]] * keep + sample * (1 - keep);
    });
  };

  /* The rung for the next segment of the picture. */
  Vod.prototype.choose = function () {
    var levels = this.levels;
    var current = this.level;
    if (this.options.fixed || levels.length < 2) { return current; }
    var cap = this.options.cap ? this.options.cap() : Infinity;
    var top = 0;
    levels.forEach(function (rung, i) { if (rung.size <= cap) { top = i; } });
    var estimate = this.rate.fast === null ? null : Math.min(this.rate.fast, this.rate.slow);
    if (estimate === null) { return Math.min(current, top); }
    var fits = 0;
    levels.forEach(function (rung, i) { if (i <= top && rung.bandwidth <= estimate * UP) { fits = i; } });
    if (fits > current) { return current + 1; }
    if (current > top || levels[current].bandwidth > estimate * STAY) { return Math.min(fits, top); }
    return current;
  };

  Vod.prototype.switchTo = function (track, level) {
    if (level === track.level) { return Promise.resolve(); }
    var rung = this.levels[level];
    var epoch = track.epoch;
    return this.mediaOf(rung.uri, track).then(function (media) {
      if (epoch !== track.epoch) { throw STALE; }
      var time = track.media.segments[track.next].start;
      track.uri = rung.uri;
      track.media = media;
      track.wanted = rung.mime;
      track.level = level;
      track.next = indexAt(media, time + 0.001);
    }).then(function () { track.vod.level = level; });
  };

  /* Which rung each stretch of the picture came from, for onLevel. */
  Vod.prototype.appended = function (segment, level) {
    this.played.push({ start: segment.start, end: segment.end, size: this.levels[level].size });
    if (this.played.length > 64) { this.played.shift(); }
    this.showLevel();
  };

  Vod.prototype.showLevel = function () {
    var now = this.video.currentTime;
    for (var i = this.played.length - 1; i >= 0; i--) {
      var stretch = this.played[i];
      if (stretch.start <= now + 0.3 && now < stretch.end) {
        if (stretch.size !== this.levelShown) {
          this.levelShown = stretch.size;
          this.options.onLevel(stretch.size);
        }
        return;
      }
    }
  };

  Vod.prototype.pumpAll = function () {
    this.tracks.forEach(function (track) { track.pump(); });
  };

  Vod.prototype.seeking = function () {
    var now = this.video.currentTime;
    this.tracks.forEach(function (track) { track.seek(now); });
    this.wake();
    this.pumpAll();
  };

  /* Step over a small hole at the playhead (fragments of the picture start at 0.2 s). */
  Vod.prototype.nudge = function () {
    var video = this.video;
    if (!this.started || video.seeking || video.readyState > 2) { return; }
    var now = video.currentTime;
    var ranges = video.buffered;
    for (var i = 0; i < ranges.length; i++) {
      if (ranges.start(i) <= now && now < ranges.end(i)) { return; }
      if (ranges.start(i) > now && ranges.start(i) - now < 1) { video.currentTime = ranges.start(i) + 0.01; return; }
    }
  };

  Vod.prototype.end = function () {
    var finished = this.tracks.every(function (track) { return track.done && !track.buffer.updating; });
    if (finished && this.source.readyState === "open") { this.source.endOfStream(); }
  };

  Vod.prototype.fatal = function () {
    if (this.dead) { return; }
    this.destroy();
    this.options.onFatal();
  };

  /* Stop: nothing more is fetched or appended; the next source takes the element. */
  Vod.prototype.destroy = function () {
    var self = this;
    this.dead = true;
    this.tracks.forEach(function (track) {
      track.epoch += 1;
      if (track.controller) { track.controller.abort(); }
    });
    this.wake();
    Object.keys(this.listeners).forEach(function (name) {
      self.video.removeEventListener(name, self.listeners[name]);
    });
    window.removeEventListener("online", this.online);
    URL.revokeObjectURL(this.objectUrl);
  };

  window.LmsVod = Vod;
})();
