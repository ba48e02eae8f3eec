/* Draws each chart from the figure JSON the server put beside it (no inline scripts: the
   Content-Security-Policy forbids them). The same figures are in a table under each chart. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    var nodes = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var source = document.getElementById(node.getAttribute("data-figure"));
      if (!source) { continue; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(node, figure.data, figure.layout, { displaylogo: false, responsive: true,
        modeBarButtonsToRemove: ["select2d", "lasso2d", "zoom2d", "pan2d", "autoScale2d", "zoomIn2d", "zoomOut2d", "resetScale2d"],
        toImageButtonOptions: { format: "png", scale: 2 } });
      node.setAttribute("data-drawn", "true");
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
