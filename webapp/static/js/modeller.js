/* The modeller in Beheer (webapp/modeller.py): bpmn-js's Modeler (served from node_modules, see
   webapp/vendor.py) with a properties panel of our own for what the engine reads:
   names, lanes (= roles), task type, the `due`, `role`, `scope` and `assignee` properties,
   scripts, conditions on flows, timers, messages and the decision a business rule task calls.
   Extension properties are kept as spiffworkflow:properties, as in bpmn/*.bpmn.
   Buttons: save a draft (a second writer is warned: overwrite or reload), check (problems are
   marked on their element and listed), compare with the version in use, take into use. */
(function () {
  "use strict";
  var root = document.querySelector("[data-modeller]");
  if (!root) { return; }
  var T = JSON.parse(root.getAttribute("data-texts"));
  var SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core";
  var results = root.querySelector("[data-results]");
  var panel = root.querySelector("[data-properties]");
  if (typeof window.BpmnJS !== "function") { results.textContent = T.unavailable; return; }

  var modeler = new window.BpmnJS({ container: root.querySelector(".bpmn-canvas") });
  var modeling = modeler.get("modeling");
  var moddle = modeler.get("moddle");
  var registry = modeler.get("elementRegistry");
  var canvas = modeler.get("canvas");
  var overlays = modeler.get("overlays");
  var revision = parseInt(root.getAttribute("data-revision"), 10) || 0;
  var marked = [];
  var fieldCount = 0;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_all, key) { return values[key] == null ? "" : String(values[key]); });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text != null) { node.textContent = text; }
    return node;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.getAttribute("data-csrf") },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }
  function currentXml() { return modeler.saveXML({ format: true }).then(function (r) { return r.xml; }); }
  function say(nodes, isError) {
    results.replaceChildren.apply(results, nodes);
    results.className = "modeller-results flash " + (isError ? "flash-error" : "flash-success");
  }
  function load(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (xml) { return modeler.importXML(xml); })
      .then(function () { canvas.zoom("fit-viewport", "auto"); root.classList.add("is-loaded"); render(null); })
      .catch(function () { say([el("p", {}, T.unavailable)], true); });
  }

  // -- extension properties (spiffworkflow:properties, generic elements to bpmn-moddle) -------
  function extension(bo, type) {
    var ext = bo.extensionElements;
    return ext ? (ext.values || []).filter(function (v) { return v.$type === type; })[0] || null : null;
  }
  function property(bo, name) {
    var props = extension(bo, "spiffworkflow:properties");
    var found = props ? (props.$children || []).filter(function (c) { return c.name === name; })[0] : null;
    return found ? found.value || "" : "";
  }
  function extensions(bo) {
    return bo.extensionElements || moddle.create("bpmn:ExtensionElements", { values: [] });
  }
  function setProperty(element, name, value) {
    var bo = element.businessObject;
    var ext = extensions(bo);
    ext.values = ext.values || [];
    var props = extension(bo, "spiffworkflow:properties") || null;
    if (!props) {
      props = moddle.createAny("spiffworkflow:properties", SPIFF, {});
      props.$children = [];
      ext.values.push(props);
    }
    props.$children = props.$children || [];
    var found = props.$children.filter(function (c) { return c.name === name; })[0];
    if (value && found) { found.value = value; }
    else if (value) { props.$children.push(moddle.createAny("spiffworkflow:property", SPIFF, { name: name, value: value })); }
    else if (found) { props.$children.splice(props.$children.indexOf(found), 1); }
    modeling.updateProperties(element, { extensionElements: ext });
  }
  function setBody(element, type, value) {
    var bo = element.businessObject;
    var ext = extensions(bo);
    ext.values = (ext.values || []).filter(function (v) { return v.$type !== type; });
    if (value) { var node = moddle.createAny(type, SPIFF, {}); node.$body = value; ext.values.push(node); }
    modeling.updateProperties(element, { extensionElements: ext });
  }
  function centre(shape) { return { x: shape.x + shape.width / 2, y: shape.y + shape.height / 2 }; }
  function expression(value) { return value ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined; }

  // -- the properties panel -----------------------------------------------------------------
  function field(label, value, onChange, options) {
    options = options || {};
    var id = "eigenschap-" + (++fieldCount);
    var box = el("div", { "class": "field" });
    box.appendChild(el("label", { "for": id }, label));
    var input;
    if (options.choices) {
      input = el("select", { id: id });
      options.choices.forEach(function (choice) {
        var option = el("option", { value: choice[0] }, choice[1]);
        if (choice[0] === value) { option.selected = true; }
        input.appendChild(option);
      });
    } else {
      input = el(options.multiline ? "textarea" : "input", { id: id });
      if (!options.multiline) { input.type = "text"; }
      input.value = value || "";
    }
    if (options.hint) {
      var hint = el("p", { "class": "hint", id: id + "-hulp" }, options.hint);
      input.setAttribute("aria-describedby", id + "-hulp");
      box.appendChild(hint);
    }
    if (options.field) { input.setAttribute("data-field", options.field); }
    input.addEventListener("change", function () { onChange(input.value.trim() === "" ? "" : input.value); });
    box.appendChild(input);
    panel.appendChild(box);
    return input;
  }
  var TASKS = ["bpmn:Task", "bpmn:UserTask", "bpmn:ManualTask", "bpmn:ScriptTask", "bpmn:ServiceTask", "bpmn:BusinessRuleTask", "bpmn:SendTask", "bpmn:ReceiveTask"];
  var HUMAN = ["bpmn:UserTask", "bpmn:ManualTask"];
  var TIMER_KINDS = ["timeDuration", "timeDate", "timeCycle"];

  function render(element) {
    panel.replaceChildren();
    if (!element || element.type === "bpmn:Process" || element.type === "bpmn:Collaboration" || element.type === "label") {
      panel.appendChild(el("p", { "class": "muted" }, T.chooseElement));
      return;
    }
    var bo = element.businessObject;
    var type = bo.$type;
    panel.appendChild(el("p", { "class": "muted" }, T.elementId + ": ")).appendChild(el("code", {}, bo.id));
    field(type === "bpmn:Lane" ? T.laneRole : T.name, bo.name || "", function (v) {
      modeling.updateProperties(element, { name: v || undefined });
    }, { field: "name", hint: type === "bpmn:Lane" ? T.laneRoleHint : null });
    if (TASKS.indexOf(type) >= 0) {
      field(T.taskType, type, function (v) {
        var replaced = modeler.get("bpmnReplace").replaceElement(element, { type: v });
        modeler.get("selection").select(replaced);
      }, { field: "type", choices: TASKS.map(function (t) { return [t, T.types[t] || t]; }) });
    }
    if (HUMAN.indexOf(type) >= 0) {
      field(T.due, property(bo, "due"), function (v) { setProperty(element, "due", v); }, { field: "due", hint: T.dueHint });
      field(T.role, property(bo, "role"), function (v) { setProperty(element, "role", v); }, { field: "role", hint: T.roleHint });
      field(T.scope, property(bo, "scope"), function (v) { setProperty(element, "scope", v); }, { field: "scope" });
      field(T.assignee, property(bo, "assignee"), function (v) { setProperty(element, "assignee", v); }, { field: "assignee", hint: T.assigneeHint });
      panel.appendChild(el("p", { "class": "hint" }, T.formHint));
    }
    if (type === "bpmn:ScriptTask") {
      field(T.script, bo.script || "", function (v) {
        modeling.updateProperties(element, { script: v || undefined, scriptFormat: "python" });
      }, { field: "script", multiline: true });
    }
    if (type === "bpmn:BusinessRuleTask") {
      var decision = extension(bo, "spiffworkflow:calledDecisionId");
      field(T.decision, decision ? decision.$body || "" : "", function (v) {
        setBody(element, "spiffworkflow:calledDecisionId", v);
      }, { field: "decision" });
    }
    if (type === "bpmn:SequenceFlow") {
      var nodes = registry.filter(function (e) {
        return e.type !== "label" && e.businessObject && e.businessObject.$instanceOf &&
          e.businessObject.$instanceOf("bpmn:FlowNode");
      }).map(function (e) { return [e.id, (e.businessObject.name ? e.businessObject.name + " " : "") + "(" + e.id + ")"]; })
        .sort(function (a, b) { return a[1].localeCompare(b[1]); });
      field(T.source, element.source.id, function (v) {
        var node = registry.get(v);
        if (node) { modeling.reconnectStart(element, node, centre(node)); }
      }, { field: "source", choices: nodes });
      field(T.target, element.target.id, function (v) {
        var node = registry.get(v);
        if (node) { modeling.reconnectEnd(element, node, centre(node)); }
      }, { field: "target", choices: nodes });
      field(T.condition, bo.conditionExpression ? bo.conditionExpression.body || "" : "", function (v) {
        modeling.updateProperties(element, { conditionExpression: expression(v) });
      }, { field: "condition", multiline: true, hint: T.conditionHint });
    }
    (bo.eventDefinitions || []).forEach(function (definition) {
      if (definition.$type === "bpmn:TimerEventDefinition") {
        var kind = TIMER_KINDS.filter(function (k) { return definition[k]; })[0] || "timeDuration";
        var text = definition[kind] ? definition[kind].body || "" : "";
        var kindInput = field(T.timerKind, kind, function () { apply(); }, {
          field: "timer-kind", choices: TIMER_KINDS.map(function (k) { return [k, T.timerKinds[k]]; })
        });
        var textInput = field(T.timer, text, function () { apply(); }, { field: "timer", hint: T.timerHint });
        var apply = function () {
          var values = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
          values[kindInput.value] = expression(textInput.value.trim());
          modeling.updateModdleProperties(element, definition, values);
        };
      }
      if (definition.$type === "bpmn:MessageEventDefinition") {
        field(T.message, definition.messageRef ? definition.messageRef.name || "" : "", function (v) {
          modeling.updateModdleProperties(element, definition, { messageRef: message(v) });
        }, { field: "message", hint: T.messageHint });
      }
    });
  }
  function message(name) {
    if (!name) { return undefined; }
    var definitions = modeler.getDefinitions();
    var found = definitions.rootElements.filter(function (e) { return e.$type === "bpmn:Message" && e.name === name; })[0];
    if (!found) {
      found = moddle.create("bpmn:Message", { id: "Message_" + Math.random().toString(36).slice(2, 9), name: name });
      found.$parent = definitions;
      definitions.rootElements.push(found);
    }
    return found;
  }

  modeler.on("selection.changed", function (event) { render(event.newSelection[0] || null); });
  modeler.on("element.changed", function (event) {
    var selected = modeler.get("selection").get()[0];
    if (selected && selected === event.element && !panel.contains(document.activeElement)) { render(selected); }
  });

  // -- problems and differences -------------------------------------------------------------
  function clearMarks() {
    marked.forEach(function (id) { if (registry.get(id)) { canvas.removeMarker(id, "has-problem"); } });
    marked = [];
    overlays.remove({ type: "problem" });
  }
  function elementButton(id, label) {
    var button = el("button", { type: "button", "class": "link-button", "data-select": id }, label);
    return button;
  }
  function nameOf(id) {
    var shape = registry.get(id);
    return shape && shape.businessObject.name ? shape.businessObject.name + " (" + id + ")" : id;
  }
  function showProblems(problems) {
    clearMarks();
    var list = el("ul", { "class": "problem-list" });
    problems.forEach(function (p) {
      var item = el("li");
      if (p.element && registry.get(p.element)) {
        if (marked.indexOf(p.element) === -1) {  // one badge per element, however many problems
          canvas.addMarker(p.element, "has-problem");
          marked.push(p.element);
          var badge = el("span", { "class": "problem-badge", title: p.message }, "!");
          overlays.add(p.element, "problem", { position: { bottom: 10, left: -8 }, html: badge });
        }
        item.appendChild(elementButton(p.element, nameOf(p.element)));
        item.appendChild(document.createTextNode(": "));
      } else if (p.element) {
        item.appendChild(el("code", {}, p.element));
        item.appendChild(document.createTextNode(": "));
      }
      item.appendChild(document.createTextNode(p.message + (p.line ? " (" + fill(T.line, { line: p.line }) + ")" : "")));
      list.appendChild(item);
    });
    say([el("h3", {}, T.problems), list], true);
  }
  results.addEventListener("click", function (event) {
    var button = event.target.closest("[data-select]");
    if (!button) { return; }
    var shape = registry.get(button.getAttribute("data-select"));
    if (shape) { modeler.get("selection").select(shape); canvas.scrollToElement(shape); }
  });
  function check() {
    return currentXml().then(function (xml) { return post(root.getAttribute("data-check"), { xml: xml }); })
      .then(function (answer) {
        if (answer.status === 200) { clearMarks(); say([el("p", {}, T.checkOk)], false); return true; }
        showProblems(answer.data.problems || [{ message: T.error }]);
        return false;
      });
  }
  function compare() {
    return currentXml().then(function (xml) { return post(root.getAttribute("data-compare"), { xml: xml }); })
      .then(function (answer) {
        if (answer.status !== 200) { say([el("p", {}, answer.data.error || T.error)], true); return; }
        var nodes = [el("h3", {}, fill(T.compareHeading, { version: answer.data.version }))];
        var any = false;
        [["added", T.added], ["removed", T.removed], ["changed", T.changed]].forEach(function (pair) {
          var items = answer.data[pair[0]] || [];
          if (!items.length) { return; }
          any = true;
          nodes.push(el("h4", {}, pair[1] + " (" + items.length + ")"));
          var list = el("ul", { "class": "diff-list diff-" + pair[0] });
          items.forEach(function (e) {
            list.appendChild(el("li", { "data-element-id": e.id }, (e.name ? e.name + " " : "") + "(" + (T.kinds[e.kind] || e.kind) + ", " + e.id + ")"));
          });
          nodes.push(list);
        });
        if (!any) { nodes.push(el("p", {}, T.noChanges)); }
        say(nodes, false);
      });
  }

  // -- saving a draft -----------------------------------------------------------------------
  var conflictBox = root.querySelector("[data-conflict]");
  function save(force) {
    return currentXml().then(function (xml) {
      return post(root.getAttribute("data-save"), { xml: xml, revision: revision, force: !!force });
    }).then(function (answer) {
      if (answer.status === 200) {
        revision = answer.data.revision;
        conflictBox.hidden = true;
        say([el("p", {}, fill(T.saved, { revision: revision }))], false);
      } else if (answer.status === 409) {
        var c = answer.data.conflict;
        conflictBox.querySelector("[data-conflict-text]").textContent = c.revision ?
          fill(T.conflict, { who: c.saved_by, when: new Date(c.saved_at).toLocaleString() }) : T.conflictGone;
        conflictBox.setAttribute("data-revision", c.revision);
        conflictBox.hidden = false;
        conflictBox.querySelector("button").focus();
      } else {
        say([el("p", {}, answer.data.error || T.error)], true);
      }
    });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) {
      if (event.target.closest("[data-zoom]")) { canvas.zoom("fit-viewport", "auto"); }
      return;
    }
    var action = button.getAttribute("data-action");
    if (action === "save") { save(false); }
    if (action === "overwrite") { save(true); }
    if (action === "reload") {
      revision = parseInt(conflictBox.getAttribute("data-revision"), 10) || 0;
      conflictBox.hidden = true;
      load(root.getAttribute("data-source")).then(function () { say([el("p", {}, T.reloaded)], false); });
    }
    if (action === "check") { check(); }
    if (action === "compare") { compare(); }
  });
  root.querySelector("[data-open-file]").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) { return; }
    file.text().then(function (xml) { return modeler.importXML(xml); })
      .then(function () { canvas.zoom("fit-viewport", "auto"); say([el("p", {}, fill(T.opened, { name: file.name }))], false); })
      .catch(function (error) { say([el("p", {}, fill(T.notOpened, { name: file.name, reason: error.message }))], true); });
  });

  // -- taking into use ----------------------------------------------------------------------
  var form = root.querySelector("[data-deploy-form]");
  var reasonError = form.querySelector("[data-reason-error]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = form.querySelector("textarea").value.trim();
    reasonError.hidden = !!reason;
    reasonError.textContent = reason ? "" : T.reasonMissing;
    if (!reason) { form.querySelector("textarea").focus(); return; }
    currentXml().then(function (xml) { return post(root.getAttribute("data-deploy"), { xml: xml, reason: reason }); })
      .then(function (answer) {
        if (answer.status === 200) {
          revision = 0;
          clearMarks();
          var link = el("a", { href: answer.data.url }, fill(T.versionLink, { version: answer.data.version }));
          var text = answer.data.created ? fill(T.deployed, { version: answer.data.version }) : fill(T.unchanged, { version: answer.data.version });
          say([el("p", {}, text), el("p", {}).appendChild(link).parentNode], false);
          form.reset();
        } else if (answer.data.problems) {
          showProblems(answer.data.problems);
        } else {
          say([el("p", {}, answer.data.error || T.error)], true);
        }
      });
  });

  load(root.getAttribute("data-source"));
})();
