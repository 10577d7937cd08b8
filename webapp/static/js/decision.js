/* A decision table (DMN) in dmn-js's modeler (served from node_modules, see webapp/vendor.py);
   the changed table is downloaded and installed on the versions page. */
(function () {
  "use strict";
  var box = document.querySelector("[data-dmn]");
  if (!box) { return; }
  var status = box.querySelector("[data-dmn-status]");
  if (typeof window.DmnJS !== "function") { status.textContent = box.getAttribute("data-unavailable"); return; }
  var modeler = new window.DmnJS({ container: box.querySelector(".dmn-canvas") });
  fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      var views = modeler.getViews();
      var table = views.filter(function (v) { return v.type === "decisionTable"; })[0];
      if (table) { return modeler.open(table); }
    })
    .then(function () {
      box.classList.add("is-loaded");
      var button = box.querySelector("[data-dmn-download]");
      button.hidden = false;
      button.addEventListener("click", function () {
        modeler.saveXML({ format: true }).then(function (result) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
          link.download = box.getAttribute("data-name");
          document.body.appendChild(link);
          link.click();
          link.remove();
        });
      });
    })
    .catch(function () { status.textContent = box.getAttribute("data-unavailable"); });
})();
