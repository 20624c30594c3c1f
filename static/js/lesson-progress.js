/*
 * The learner's progress on the lesson page, kept current from the heartbeat answers of
 * the player ("video:progress", static/js/video-player.js) and of a text lesson's reading
 * clock ("lesson:progress", static/js/lesson-reading.js): share watched or read, lesson
 * complete, required lessons done, course complete with its certificate.
 */
(function () {
  "use strict";
  var panel = document.querySelector("[data-lesson-progress]");
  if (!panel) { return; }
  var lessonDone = panel.querySelector("[data-lesson-done]");
  var coverage = panel.querySelector("[data-coverage]");
  var lessonsDone = panel.querySelector("[data-lessons-done]");
  var courseBar = panel.querySelector("[data-course-bar]");
  var courseDone = panel.querySelector("[data-course-done]");
  var required = Number(panel.dataset.lessonsRequired) || 0;

  function showCourseBar(done) {
    lessonsDone.textContent = String(done);
    var percent = required ? Math.floor((done * 100) / required) : 0;
    courseBar.value = percent;
    courseBar.textContent = percent + "%";
  }

  function show(event) {
    var state = event.detail || {};
    if (coverage && typeof state.coverage === "number") {
      coverage.textContent = String(Math.round(state.coverage * 100));
    }
    if (state.lesson_complete && lessonDone.hidden) {
      lessonDone.hidden = false;
      if (panel.dataset.lessonRequired === "1") {
        showCourseBar(Math.min(required, Number(lessonsDone.textContent) + 1));
      }
    }
    if (state.course_complete) {
      showCourseBar(required);
      courseDone.hidden = false;
    }
  }
  document.addEventListener("video:progress", show);
  document.addEventListener("lesson:progress", show);
})();
