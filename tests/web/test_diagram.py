"""The live BPMN diagram (webapp/diagram.py): the model's own DI drawn as inline SVG with the
case's marks, escaped, without inline styles, refusing unsafe XML; and on the case page."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from engine import DiagramState, Engine
from tests.web.conftest import sign_in
from webapp import diagram
from webapp.diagram import DiagramUnavailable, Marks, build, layout, wrap

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(\"x\")</script> & 'co'"


def mini_model(
    process_id: str = "mini",
    task_name: str = "Aanvraag nakijken",
    lane_name: str = "clerk",
    *,
    second_pool: bool = False,
    doctype: bool = False,
) -> str:
    """A small deployable model with a diagram: start → user task → timer → end, in one lane
    of one pool (and, if asked, a second pool with a process of its own)."""
    other_participant = other_process = other_shapes = ""
    if second_pool:
        other_participant = '<bpmn:participant id="other_pool" name="Ander" processRef="other"/>'
        other_process = """
  <bpmn:process id="other" isExecutable="false">
    <bpmn:task id="other_task" name="Andere taak"/>
  </bpmn:process>"""
        other_shapes = """
      <bpmndi:BPMNShape id="other_pool_di" bpmnElement="other_pool" isHorizontal="true">
        <dc:Bounds x="100" y="400" width="600" height="150"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="other_task_di" bpmnElement="other_task">
        <dc:Bounds x="300" y="430" width="100" height="80"/></bpmndi:BPMNShape>"""
    prolog = '<!DOCTYPE x [<!ENTITY big "boom">]>\n' if doctype else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{prolog}<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    id="mini_definitions" targetNamespace="http://example.org/stuurboord/tests">
  <bpmn:collaboration id="mini_collaboration">
    <bpmn:participant id="mini_pool" name="Klein &amp; fijn" processRef="{process_id}"/>
    {other_participant}
  </bpmn:collaboration>
  <bpmn:process id="{process_id}" name="Mini-proces" isExecutable="true">
    <bpmn:laneSet id="mini_lanes">
      <bpmn:lane id="mini_lane" name="{lane_name}">
        <bpmn:flowNodeRef>begin</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>pause</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="begin" name="Begin"/>
    <bpmn:userTask id="check" name="{task_name}"/>
    <bpmn:intermediateCatchEvent id="pause" name="Een dag wachten">
      <bpmn:timerEventDefinition id="pause_timer">
        <bpmn:timeDuration>"P1D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="done" name="Klaar"/>
    <bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="check"/>
    <bpmn:sequenceFlow id="f2" name="nagekeken" sourceRef="check" targetRef="pause"/>
    <bpmn:sequenceFlow id="f3" sourceRef="pause" targetRef="done"/>
  </bpmn:process>{other_process}
  <bpmndi:BPMNDiagram id="mini_diagram">
    <bpmndi:BPMNPlane id="mini_plane" bpmnElement="mini_collaboration">
      <bpmndi:BPMNShape id="mini_pool_di" bpmnElement="mini_pool" isHorizontal="true">
        <dc:Bounds x="100" y="80" width="600" height="200"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="mini_lane_di" bpmnElement="mini_lane" isHorizontal="true">
        <dc:Bounds x="130" y="80" width="570" height="200"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="begin_di" bpmnElement="begin">
        <dc:Bounds x="182" y="162" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="check_di" bpmnElement="check">
        <dc:Bounds x="270" y="140" width="110" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="pause_di" bpmnElement="pause">
        <dc:Bounds x="452" y="162" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="done_di" bpmnElement="done">
        <dc:Bounds x="572" y="162" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1">
        <di:waypoint x="218" y="180"/><di:waypoint x="270" y="180"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2">
        <di:waypoint x="380" y="180"/><di:waypoint x="452" y="180"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f3_di" bpmnElement="f3">
        <di:waypoint x="488" y="180"/><di:waypoint x="572" y="180"/></bpmndi:BPMNEdge>{other_shapes}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def svg_tree(markup: str) -> etree._Element:
    """The SVG parsed as XML: it must be well-formed on its own."""
    return etree.fromstring(markup.encode("utf-8"))


def node(tree: etree._Element, element_id: str) -> etree._Element:
    [found] = tree.xpath("//*[@data-element-id=$id]", id=element_id)
    return found


def title_of(element: etree._Element) -> str:
    return element.findtext(f"{SVG}title") or ""


# -- drawing the model's own diagram -------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["topic", "meeting", "comply_or_explain", "obligation", "working_group_assignment"]
)
def test_every_committee_model_draws_each_of_its_elements(name: str) -> None:
    source = (BPMN_DIR / f"{name}.bpmn").read_text(encoding="utf-8")
    process_id = (
        etree.fromstring(source.encode())
        .find("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
        .get("id")
    )
    drawn = layout(source, process_id)
    result = build(source, process_id, None)
    tree = svg_tree(result.svg)
    assert tree.get("role") == "img" and title_of(tree).startswith("Procesdiagram")
    kinds = {s.kind for s in drawn.shapes}
    assert {"participant", "lane", "task", "event"} <= kinds
    for shape in drawn.shapes:
        if shape.kind not in ("participant", "lane"):
            node(tree, shape.element_id)  # each drawn exactly once
    assert len(tree.xpath("//*[local-name()='polyline'][@class='bpmn-flow']")) == len(
        [e for e in drawn.edges if e.kind == "sequence"]
    )
    assert result.width > 0 and result.height > 0


def test_shapes_follow_bpmn_notation() -> None:
    tree = svg_tree(build(mini_model(), "mini", None).svg)
    assert node(tree, "check").find(f"{SVG}rect").get("rx") == "10"  # rounded task
    begin, pause, done = (node(tree, i) for i in ("begin", "pause", "done"))
    assert "bpmn-start" in begin.find(f"{SVG}circle").get("class")
    assert len(pause.findall(f"{SVG}circle")) == 2  # double ring
    assert pause.find(f"{SVG}g[@class='bpmn-icon']") is not None  # the clock
    assert "bpmn-end" in done.find(f"{SVG}circle").get("class")  # thick ring (CSS)
    flows = tree.xpath("//*[local-name()='polyline']")
    assert all(f.get("marker-end", "").startswith("url(#") for f in flows)
    assert "Klein &amp; fijn" in build(mini_model(), "mini", None).svg


def test_gateways_are_diamonds_with_their_marker() -> None:
    source = (BPMN_DIR / "topic.bpmn").read_text(encoding="utf-8")
    tree = svg_tree(build(source, "topic", None).svg)
    gateway = node(tree, "admissible")
    assert gateway.find(f"{SVG}polygon") is not None
    assert gateway.find(f"{SVG}path[@class='bpmn-marker']") is not None  # the X


def test_marks_active_waiting_completed_incident_in_class_title_and_lists() -> None:
    marks = Marks(
        completed=frozenset({"begin", "check"}),
        active=frozenset({"check"}),
        waiting=frozenset({"pause"}),
        incidents=frozenset({"done"}),
    )
    result = build(mini_model(), "mini", marks)
    tree = svg_tree(result.svg)
    states = {i: node(tree, i).get("data-state") for i in ("begin", "check", "pause", "done")}
    assert states == {
        "begin": "completed",
        "check": "active",  # active outranks completed (a loop came back to it)
        "pause": "waiting",
        "done": "incident",
    }
    assert "is-active" in node(tree, "check").get("class")
    assert title_of(node(tree, "begin")).endswith("✓ afgerond")
    assert "nu aan de beurt" in title_of(node(tree, "check"))
    assert "wacht op" in title_of(node(tree, "pause"))
    assert "incident" in title_of(node(tree, "done"))
    for element_id in ("begin", "check", "pause", "done"):  # a badge, not only a colour
        assert node(tree, element_id).xpath(".//*[contains(@class, 'bpmn-badge')]")
    assert [m.element_id for m in result.active] == ["check"]
    assert result.active[0].lane == "clerk" and result.active[0].name == "Aanvraag nakijken"
    assert [m.element_id for m in result.waiting] == ["pause"]
    assert [m.element_id for m in result.incidents] == ["done"]
    assert [m.element_id for m in result.completed] == ["begin"]
    description = tree.findtext(f"{SVG}desc")
    assert "Nu aan de beurt: Aanvraag nakijken." in description
    assert "Wacht op: Een dag wachten." in description
    assert [state for state, _words, _swatch in result.legend] == list(diagram.STATES)


def test_no_inline_styles_and_ids_unique_per_prefix() -> None:
    first = build(mini_model(), "mini", None, prefix="a").svg
    second = build(mini_model(), "mini", None, prefix="b").svg
    for svg in (first, second):
        assert "style=" not in svg and "<script" not in svg
    assert 'id="a-arrow"' in first and 'id="b-arrow"' in second


# -- untrusted text and XML ----------------------------------------------------------------------


def test_names_from_the_model_are_escaped() -> None:
    source = mini_model(task_name=escape(EVIL), lane_name=escape("<img src=x onerror=alert(1)>"))
    marks = Marks(active=frozenset({"check"}))
    result = build(source, "mini", marks)
    assert "<script" not in result.svg and "<img" not in result.svg
    assert "&lt;script&gt;" in result.svg
    tree = svg_tree(result.svg)  # still well-formed
    assert "<script>" in title_of(node(tree, "check"))  # the text itself, shown as text
    assert result.active[0].name.startswith("<script>")  # the template escapes it (autoescape)


def test_doctype_and_entities_are_refused() -> None:
    with pytest.raises(DiagramUnavailable, match="DOCTYPE"):
        layout(mini_model(doctype=True), "mini")
    entity = mini_model().replace("<bpmn:definitions", '<!ENTITY x "y">\n<bpmn:definitions', 1)
    with pytest.raises(DiagramUnavailable):
        layout(entity, "mini")


def test_not_xml_unknown_process_and_no_diagram_are_refused() -> None:
    with pytest.raises(DiagramUnavailable):
        layout("<bpmn:definitions", "mini")
    with pytest.raises(DiagramUnavailable, match="no process"):
        layout(mini_model(), "nope")
    undrawn = (Path(__file__).parents[1] / "models/good/two_processes.bpmn").read_text()
    with pytest.raises(DiagramUnavailable, match="no diagram"):
        layout(undrawn, "request")
    bad_number = mini_model().replace('x="270"', 'x="1e308"')
    with pytest.raises(DiagramUnavailable, match="range"):
        layout(bad_number, "mini")


def test_only_the_process_of_the_case_is_drawn_when_the_file_holds_several() -> None:
    source = mini_model(second_pool=True)
    tree = svg_tree(build(source, "mini", None).svg)
    assert not tree.xpath("//*[@data-element-id='other_task']")
    assert "Ander" not in "".join(tree.itertext())
    other = svg_tree(build(source, "other", None).svg)
    assert other.xpath("//*[@data-element-id='other_task']")
    assert not other.xpath("//*[@data-element-id='check']")


def test_wrap_breaks_on_words_splits_long_words_and_marks_cuts() -> None:
    assert wrap("Feiten voor de screening verzamelen", 14, 4) == [
        "Feiten voor de",
        "screening",
        "verzamelen",
    ]
    assert wrap("Afsprakenkaderovereenkomst", 10, 4) == ["Afspraken-", "kaderover-", "eenkomst"]
    assert wrap("een twee drie vier vijf", 4, 2) == ["een", "twe…"]
    assert wrap("", 10, 2) == []


# -- on the case page ----------------------------------------------------------------------------


@pytest.fixture
def wired(app: Flask) -> Flask:
    """The app with `case_diagram` for templates (as `create_app` should register it)."""
    if "case_diagram" not in app.jinja_env.globals:
        diagram.init_app(app)
    return app


def test_case_page_shows_the_marked_diagram_and_the_text_list(
    wired: Flask, client: FlaskClient, web_engine: Engine
) -> None:
    web_engine.deploy_files([("mini.bpmn", mini_model(task_name=escape(EVIL)).encode())])
    case = web_engine.start_case("mini", {}, web_engine.actor("carla"), title="Mini")
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case.id}")
    assert page.status_code == 200
    html = page.text
    assert 'role="img"' in html and "diagram.css" in html
    assert 'data-element-id="check" data-state="active"' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert 'class="diagram-list diagram-list-active"' in html
    assert " style=" not in html.split('<section class="diagram"')[1].split("</section>")[0]


def test_case_page_without_a_diagram_in_the_model_says_so(
    wired: Flask, client: FlaskClient, web_engine: Engine
) -> None:
    case = web_engine.start_case("review", {"requester": "carla"}, web_engine.actor("carla"))
    sign_in(client, "carla")
    html = client.get(f"/dossiers/{case.id}").text
    assert "kan niet getoond worden" in html and 'role="img"' not in html


def test_a_stored_model_with_a_doctype_is_not_drawn_and_the_page_still_works(
    wired: Flask, client: FlaskClient, web_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    web_engine.deploy_files([("mini.bpmn", mini_model().encode())])
    case = web_engine.start_case("mini", {}, web_engine.actor("carla"), title="Mini")
    real = web_engine.diagram_state(case.id)
    tampered = DiagramState(
        real.process_id, real.version, mini_model(doctype=True), (), ("check",), (), ()
    )
    monkeypatch.setattr(web_engine, "diagram_state", lambda case_id: tampered)
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case.id}")
    assert page.status_code == 200
    assert "kan niet getoond worden" in page.text and "boom" not in page.text
    with wired.test_request_context():
        assert diagram.case_diagram(case.id) is None
    monkeypatch.undo()
    with wired.test_request_context():
        assert diagram.case_diagram(case.id) is not None
        assert diagram.case_diagram(987654) is None  # no such case
