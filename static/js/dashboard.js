// The back-office dashboard: draws each chart from the JSON beside its canvas (the same
// numbers are in the table that follows), and follows a refresh of the figures.
(function () {
  "use strict";
  var COLOURS = ["#007d7e", "#e07b00", "#5e4fa2", "#c0392b", "#2e7d32"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var narrow = window.matchMedia("(max-width: 600px)").matches;
    var datasets = data.series.map(function (series, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: series.label,
        data: series.data,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: data.type === "line" ? 2 : 0,
        pointRadius: 0,
        tension: 0.2,
      };
    });
    var valueAxis = {
      beginAtZero: true,
      ticks: { precision: 0 },
    };
    if (data.percent) {
      valueAxis.max = 100;
      valueAxis.ticks.callback = function (value) { return value + " %"; };
    }
    var labelAxis = { ticks: { autoSkip: true, maxRotation: 0, font: { size: narrow ? 10 : 12 } } };
    new window.Chart(canvas, {
      type: data.type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom", labels: { boxWidth: 12 } },
        },
        scales: data.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
    });
    canvas.closest(".bo-chart").classList.add("is-drawn");
  }

  function follow(status) {
    var text = status.querySelector("[data-refresh-text]");
    var template = status.dataset.runningText;
    function poll() {
      fetch(status.dataset.refreshStatus, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.running) {
            text.textContent = template + " " + state.percent + " %";
            window.setTimeout(poll, 2000);
          } else if (status.dataset.wasRunning) {
            window.location.reload();
          }
        });
    }
    if (status.dataset.running) {
      status.dataset.wasRunning = "1";
      poll();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
    document.querySelectorAll("[data-refresh-status]").forEach(follow);
  });
})();
