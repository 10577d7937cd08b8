/* Diagrams drawn by bpmn-js's navigated viewer (served from node_modules, see webapp/vendor.py).
   Each [data-bpmn-diagram] box names the model's XML (data-source) and, on a case page, the
   marks (data-marks: element ids per state). Without this script, or without bpmn-js, the page
   still lists where the case stands; the box then says the drawing is not available. */
(function () {
  "use strict";
  var STATES = ["incident", "active", "waiting", "completed"];
  var GLYPHS = { incident: "!", active: "\u25B6", waiting: "\u25F7", completed: "\u2713" };

  function unavailable(box, why) {
    box.classList.add("is-unavailable");
    box.querySelector(".bpmn-status").textContent = box.getAttribute("data-unavailable");
    if (why && window.console) { window.console.warn("diagram:", why); }
  }

  function badge(state, words) {
    var span = document.createElement("span");
    span.className = "mark-badge mark-badge-" + state;
    span.textContent = GLYPHS[state];
    span.title = words[state] || state;
    span.setAttribute("aria-hidden", "true");
    return span;
  }

  function centre(viewer, id) {
    // a wide model fitted to the box is too small to read: show the step that is up at 100 %
    var canvas = viewer.get("canvas");
    var shape = viewer.get("elementRegistry").get(id);
    if (!shape || canvas.zoom() >= 0.9) { return; }
    canvas.zoom(1);
    var box = canvas.viewbox();
    canvas.viewbox({ x: shape.x + shape.width / 2 - box.width / 2, y: shape.y + shape.height / 2 - box.height / 2,
                     width: box.width, height: box.height });
  }

  function mark(viewer, box) {
    var raw = box.getAttribute("data-marks");
    if (!raw) { return; }
    var marks = JSON.parse(raw);
    var words = JSON.parse(box.getAttribute("data-mark-words") || "{}");
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    var done = {};
    STATES.forEach(function (state) {
      (marks[state] || []).forEach(function (id) {
        if (done[id] || !registry.get(id)) { return; }
        done[id] = true;
        canvas.addMarker(id, "mark-" + state);
        overlays.add(id, "mark", { position: { top: -10, right: 10 }, html: badge(state, words) });
      });
    });
    var focus = (marks.incident || []).concat(marks.active || [], marks.waiting || [])
      .filter(function (id) { return registry.get(id); })[0];
    if (focus) { centre(viewer, focus); }
  }

  function zoomButtons(viewer, box) {
    var canvas = viewer.get("canvas");
    var toolbar = box.querySelector(".bpmn-toolbar");
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom]");
      if (!button) { return; }
      var how = button.getAttribute("data-zoom");
      if (how === "fit") { canvas.zoom("fit-viewport", "auto"); return; }
      var level = canvas.zoom();
      canvas.zoom(how === "in" ? level * 1.25 : level / 1.25);
    });
    box.querySelector(".bpmn-canvas").addEventListener("keydown", function (event) {
      var step = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] }[event.key];
      if (step) { canvas.scroll({ dx: step[0], dy: step[1] }); event.preventDefault(); }
      if (event.key === "+" || event.key === "=") { canvas.zoom(canvas.zoom() * 1.25); }
      if (event.key === "-") { canvas.zoom(canvas.zoom() / 1.25); }
      if (event.key === "0") { canvas.zoom("fit-viewport", "auto"); }
    });
  }

  function draw(box) {
    if (typeof window.BpmnJS !== "function") { unavailable(box, "bpmn-js is not loaded"); return; }
    var container = box.querySelector(".bpmn-canvas");
    var viewer = new window.BpmnJS({ container: container });
    fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport", "auto");
        mark(viewer, box);
        zoomButtons(viewer, box);
        box.classList.add("is-drawn");
      })
      .catch(function (error) { unavailable(box, error); });
  }

  document.querySelectorAll("[data-bpmn-diagram]").forEach(draw);
})();
