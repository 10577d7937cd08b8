/* Forms, a little friendlier; every form works without this file.
   - After a validation error, focus goes to the error summary (the page also sets autofocus).
   - A field needed only with a certain choice (data-show-when, from the form's rules) is shown
     with that choice and hidden otherwise; a hidden field keeps what was typed in it.
   - A long list of checkboxes (data-picker) gets a filter box: type to narrow the list. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-focus-on-load]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  function valuesOf(form, name) {
    var found = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          found.push(input.value === "on" ? "true" : input.value);
        }
      } else if (input.value !== "") {
        found.push(input.value);
      }
    });
    return found;
  }

  function holds(form, rule) {
    var values = valuesOf(form, rule.name);
    if (rule.test === "truthy") {
      return values.length > 0 && values.indexOf("false") === -1 && values.indexOf("nee") === -1;
    }
    if (rule.test === "differs") {
      return values.indexOf(rule.value) === -1;
    }
    return values.indexOf(rule.value) !== -1;
  }

  var dependent = Array.prototype.slice.call(document.querySelectorAll("[data-show-when]"));
  function update(form) {
    dependent.forEach(function (field) {
      if (!form.contains(field)) {
        return;
      }
      var rules;
      try {
        rules = JSON.parse(field.getAttribute("data-show-when"));
      } catch (error) {
        return;
      }
      var shown = rules.some(function (rule) { return holds(form, rule); });
      var invalid = field.classList.contains("field-invalid");
      field.hidden = !shown && !invalid;
    });
  }
  var forms = [];
  dependent.forEach(function (field) {
    var form = field.closest("form");
    if (form && forms.indexOf(form) === -1) {
      forms.push(form);
      form.addEventListener("change", function () { update(form); });
      update(form);
    }
  });

  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var boxes = picker.querySelectorAll("label.choice");
    if (boxes.length < 12) {
      return;
    }
    var label = document.createElement("label");
    label.className = "picker-filter";
    var text = document.documentElement.lang === "en" ? "Filter the list" : "Zoek in de lijst";
    label.appendChild(document.createTextNode(text + " "));
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    label.appendChild(input);
    picker.parentNode.insertBefore(label, picker);
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      boxes.forEach(function (box) {
        box.hidden = wanted !== "" && box.textContent.toLowerCase().indexOf(wanted) === -1;
      });
      picker.querySelectorAll("fieldset").forEach(function (group) {
        var visible = group.querySelectorAll("label.choice:not([hidden])").length;
        group.hidden = visible === 0;
      });
    });
  });
})();
