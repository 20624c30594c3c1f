/*
 * Which device this is, for the one-active-device rule of exams: a random id kept in
 * this browser's storage, so a reload is the same device and another phone is not.
 */
(function () {
  "use strict";
  var KEY = "exam-device";
  function random() {
    if (window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(12);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    return String(Math.random()).slice(2) + String(Date.now());
  }
  window.examDevice = function () {
    var id = null;
    try { id = window.localStorage.getItem(KEY); } catch (e) { id = null; }
    if (!id) {
      id = "d-" + random();
      try { window.localStorage.setItem(KEY, id); } catch (e) { /* private mode: per page */ }
    }
    return id;
  };
  // The start button waits for the device id: a tap before this script ran (a slow
  // phone) would otherwise reach the server without one.
  document.querySelectorAll("[data-exam-start]").forEach(function (form) {
    form.querySelector("input[name=device]").value = window.examDevice();
    form.querySelector("button[type=submit]").disabled = false;
  });
})();
