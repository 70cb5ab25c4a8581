// dyads dashboard charts: read the page's JSON (script#dyads-data) and draw with plotly.js (served locally).
(function () {
  "use strict";
  var QUADS = [
    ["verbal_cooperation", "verbal cooperation", "#4c9be8"],
    ["material_cooperation", "material cooperation", "#1f5fa8"],
    ["verbal_conflict", "verbal conflict", "#f0a04b"],
    ["material_conflict", "material conflict", "#c8372d"]
  ];
  var LAYOUT = { margin: { l: 48, r: 16, t: 8, b: 40 }, legend: { orientation: "h", y: -0.18 },
                 font: { family: "system-ui, sans-serif", size: 12 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff" };
  var CONFIG = { responsive: true, displaylogo: false };

  function column(rows, name) { return rows.map(function (row) { return row[name]; }); }
  // periods as categories: evenly spaced (the server fills quiet periods), readable with one period only
  var PERIODS = { type: "category", automargin: true, nticks: 14 };

  function quadBars(element, rows) {
    var x = column(rows, "period");
    var traces = QUADS.map(function (quad) {
      return { type: "bar", name: quad[1], x: x, y: column(rows, quad[0]), marker: { color: quad[2] } };
    });
    return Plotly.newPlot(element, traces, Object.assign({ barmode: "stack", xaxis: PERIODS, yaxis: { title: "events" } }, LAYOUT), CONFIG);
  }

  var DRAW = {
    "quads": function (element, data) { return quadBars(element, data.quads); },
    "dyad-quads": function (element, data) { return quadBars(element, data.forward); },
    "types": function (element, data) {
      var rows = data.types.slice(0, 20).reverse();
      var colours = { 1: "#4c9be8", 2: "#1f5fa8", 3: "#f0a04b", 4: "#c8372d" };
      return Plotly.newPlot(element, [{
        type: "bar", orientation: "h", x: column(rows, "events"),
        y: rows.map(function (row) {
          var name = row.code + " " + (row.name || "").toLowerCase();
          return name.length > 30 ? name.slice(0, 29) + "…" : name;
        }),
        marker: { color: rows.map(function (row) { return colours[row.quad_class] || "#999"; }) }
      }], Object.assign({}, LAYOUT, { margin: { l: 200, r: 16, t: 8, b: 32 } }), CONFIG);
    },
    "goldstein": function (element, data) {
      function line(rows, name, colour) {
        return { type: "scatter", mode: "lines+markers", connectgaps: true, name: name,
                 x: column(rows, "period"), y: column(rows, "goldstein_mean"), line: { color: colour } };
      }
      return Plotly.newPlot(element, [
        line(data.forward, data.source + " → " + data.target, "#1f5fa8"),
        line(data.backward, data.target + " → " + data.source, "#c8372d")
      ], Object.assign({ xaxis: PERIODS, yaxis: { title: "Goldstein mean", range: [-10.5, 10.5], zeroline: true } },
                    LAYOUT), CONFIG);
    }
  };

  function drawAll() {
    var source = document.getElementById("dyads-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var drawn = 0;
    var charts = document.querySelectorAll("[data-chart]");
    if (typeof Plotly === "undefined") {
      charts.forEach(function (element) { element.textContent = "Charts need plotly: pip install 'dyads[web]'"; });
      document.body.setAttribute("data-charts", "unavailable");
      return;
    }
    var pending = Array.prototype.map.call(charts, function (element) {
      var draw = DRAW[element.getAttribute("data-chart")];
      return draw ? Promise.resolve(draw(element, data)).then(function () { drawn += 1; }) : Promise.resolve();
    });
    Promise.all(pending).then(function () { document.body.setAttribute("data-charts", String(drawn)); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
}());
