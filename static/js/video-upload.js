/*
 * The upload page: tus-js-client sends the file in chunks to /video/uploads/. A dropped
 * connection is retried by itself; after a reload or a closed page, choosing the same
 * file again continues from the last byte the server has (the upload URL is remembered
 * in localStorage under the file's fingerprint). Then the processing status is shown.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-video-upload]");
  if (!form || !window.tus) { return; }
  var fileInput = form.querySelector("input[type=file]");
  var startButton = form.querySelector("[data-start]");
  var pauseButton = form.querySelector("[data-pause]");
  var resumeButton = form.querySelector("[data-resume]");
  var progressBox = form.querySelector("[data-upload-progress]");
  var bar = form.querySelector("[data-upload-bar]");
  var message = form.querySelector("[data-upload-message]");
  var upload = null;

  function text(key, values) {
    var template = form.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) { template = template.replace("{" + name + "}", values[name]); });
    return template;
  }

  function size(bytes) {
    var units = ["B", "KB", "MB", "GB"];
    var unit = 0;
    while (bytes >= 1024 && unit < units.length - 1) { bytes /= 1024; unit += 1; }
    return bytes.toFixed(unit ? 1 : 0) + " " + units[unit];
  }

  function percent(sent, total) { return total ? ((sent / total) * 100).toFixed(1) + "%" : "0%"; }

  function say(value) { message.textContent = value; progressBox.hidden = false; }

  function field(name) {
    var element = form.elements[name];
    return element ? element.value : "";
  }

  function buttons(state) {
    startButton.hidden = state !== "idle";
    pauseButton.hidden = state !== "uploading";
    resumeButton.hidden = state !== "paused";
    Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (input) {
      input.disabled = state !== "idle";
    });
  }

  function showProcessing(videoId) {
    var box = form.querySelector("[data-processing]");
    var status = form.querySelector("[data-status-template]").content.cloneNode(true);
    status.querySelector("[data-video-status]").dataset.id = videoId;
    form.querySelector("[data-processing-status]").replaceChildren(status);
    form.querySelector("[data-edit-link]").href = form.dataset.editUrl.replace("/0/", "/" + videoId + "/");
    box.hidden = false;
    form.dataset.videoId = videoId;
  }

  function start(file) {
    var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    upload = new window.tus.Upload(file, {
      endpoint: form.dataset.endpoint,
      chunkSize: Number(form.dataset.chunkSize),
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      headers: { "X-CSRFToken": csrf },
      metadata: {
        filename: file.name,
        filetype: file.type,
        title: field("title"),
        collection: field("collection"),
        lecturer: field("lecturer"),
        visibility: field("visibility"),
      },
      onProgress: function (sent, total) {
        bar.value = (sent / total) * 100;
        say(text("uploading", { sent: size(sent), total: size(total), percent: percent(sent, total) }));
      },
      onShouldRetry: function (error) {
        say(text("offline"));
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        return status === 0 || status === 409 || status === 423 || status >= 500;
      },
      onError: function (error) {
        var response = error.originalResponse;
        var reason = response && response.getBody() ? response.getBody() : text("offline");
        say(text("failed", { reason: reason }));
        buttons(response ? "idle" : "paused");
      },
      onSuccess: function (payload) {
        bar.value = 100;
        say(text("done"));
        buttons("done");
        var videoId = payload && payload.lastResponse && payload.lastResponse.getHeader("Video-Id");
        if (videoId) { showProcessing(videoId); }
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say(text("resuming"));
        form.dataset.resumed = "true";
      }
      buttons("uploading");
      upload.start();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = fileInput.files[0];
    if (!file) { say(text("chooseFile")); return; }
    if (file.size > Number(form.dataset.maxSize)) { say(text("tooLarge")); return; }
    if (!field("title").trim()) {
      form.elements.title.value = file.name.replace(/\.[^.]+$/, "");
    }
    start(file);
  });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files[0];
    if (file && !field("title").trim()) { form.elements.title.value = file.name.replace(/\.[^.]+$/, ""); }
  });
  pauseButton.addEventListener("click", function () {
    upload.abort();
    buttons("paused");
    say(text("paused"));
  });
  resumeButton.addEventListener("click", function () {
    buttons("uploading");
    upload.start();
  });
})();
