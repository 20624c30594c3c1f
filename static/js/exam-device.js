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
  document.querySelectorAll("[data-exam-start] input[name=device]").forEach(function (input) {
    input.value = window.examDevice();
  });
})();
