/* Small helps where they truly help; every page works without this file.
   - "select all" for bulk claiming in Mijn taken;
   - filters in Mijn taken apply as soon as a choice changes. */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.hidden = false;
    var input = box.querySelector("input");
    var name = box.getAttribute("data-select-all");
    input.addEventListener("change", function () {
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (item) {
        item.checked = input.checked;
      });
    });
  });
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
