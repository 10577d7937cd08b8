"""The modeller in *Beheer* (webapp/modeller.py, webapp/drafts.py, webapp/modelcompare.py) and the
bpmn-js diagrams' server side: drafts with a second writer warned, the check endpoint (same
checks as a deploy, nothing stored), compare, deploy with a reason (audited), rights, the
model XML endpoints and the vendor files served from node_modules."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from engine import Engine
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from webapp import modelcompare
from webapp.app import create_app
from webapp.identity import state


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


def outside_lanes() -> str:
    """The mini model with its user task in no lane (so no role): a deploy refuses it."""
    return mini_model().replace("<bpmn:flowNodeRef>check</bpmn:flowNodeRef>", "")


def admin(app: Flask, user: str = "anna") -> tuple[FlaskClient, str]:
    """A signed-in client and its CSRF token (for the modeller's JSON posts)."""
    client = app.test_client()
    sign_in(client, user)
    page = client.get("/beheer/processen")
    return client, csrf_of(page.text)


def post(client: FlaskClient, token: str, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": token})  # fmt: skip


def deployed(engine: Engine) -> Engine:
    engine.deploy_files([("mini.bpmn", mini_model().encode())])
    return engine


# -- the page and the model sources -------------------------------------------------------------


def test_modeller_page_opens_the_latest_version_and_its_source(
    app: Flask, web_engine: Engine
) -> None:
    deployed(web_engine)
    client, _token = admin(app)
    page = client.get("/beheer/processen/mini/modeller")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    (box,) = tree.xpath("//div[@data-modeller]")
    assert box.get("data-revision") == "0" and box.get("data-csrf")
    texts = json.loads(box.get("data-texts"))
    assert texts["checkOk"].startswith("Geen problemen")
    scripts = tree.xpath("//script/@src")
    assert "/static/vendor/bpmn-js/dist/bpmn-modeler.production.min.js" in scripts
    assert not tree.xpath("//script[not(@src)]")  # no inline script
    source = client.get(box.get("data-source"))
    assert source.mimetype == "application/xml" and 'id="check"' in source.text
    assert client.get("/beheer/processen/nope/modeller").status_code == 404


def test_version_page_draws_with_bpmn_js_from_the_version_xml(
    app: Flask, web_engine: Engine
) -> None:
    deployed(web_engine)
    client, _token = admin(app)
    listing = client.get("/beheer/processen").text
    assert 'href="/beheer/processen/mini/1#diagram"' in listing
    assert 'href="/beheer/processen/mini/modeller"' in listing
    page = client.get("/beheer/processen/mini/1")
    tree = lxml_html.fromstring(page.text)
    (box,) = tree.xpath("//section[@id='diagram']//div[@data-bpmn-diagram]")
    assert box.get("data-source") == "/beheer/processen/mini/1/bpmn"
    assert box.get("data-marks") is None  # a version: unmarked
    xml = client.get("/beheer/processen/mini/1/bpmn")
    assert xml.status_code == 200 and "<bpmndi:BPMNDiagram" in xml.text
    download = client.get("/beheer/processen/mini/1/bpmn?download=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get("/beheer/processen/mini/9/bpmn").status_code == 404
    assert client.get("/beheer/processen/mini/9").status_code == 404


def test_case_page_marks_come_with_the_text_list_and_the_exact_version(
    app: Flask, client: FlaskClient, web_engine: Engine
) -> None:
    case = web_engine.start_case("review", {"requester": "carla"}, web_engine.actor("carla"))
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case.id}")
    tree = lxml_html.fromstring(page.text)
    (box,) = tree.xpath("//div[@data-bpmn-diagram]")
    marks = json.loads(box.get("data-marks"))
    assert marks["active"] == ["intake"]
    assert box.get("data-source") == f"/dossiers/{case.id}/model.bpmn"
    assert tree.xpath("//ul[contains(@class, 'diagram-list-active')]/li/@data-element-id") == [
        "intake"
    ]
    assert "versie 1" in tree.xpath("string(//p[@class='model-version'])")
    source = client.get(f"/dossiers/{case.id}/model.bpmn")
    assert source.status_code == 200
    assert source.text == web_engine.version_source("review", 1)
    other = app.test_client()
    sign_in(other, "maria")  # may not see carla's case: same 404 as a missing one
    assert other.get(f"/dossiers/{case.id}/model.bpmn").status_code == 404
    assert client.get("/dossiers/999999/model.bpmn").status_code == 404


# -- drafts ---------------------------------------------------------------------------------


def test_drafts_are_saved_and_a_second_writer_is_warned(app: Flask, web_engine: Engine) -> None:
    deployed(web_engine)
    anna, anna_token = admin(app)
    web_engine.ensure_user("bert", "Bert Beheer", grants=[("admin", None)])
    with app.app_context():
        from webapp.identity import state

        state().accounts.set_password("bert", "correct horse battery")
    bert, bert_token = admin(app, "bert")
    url = "/beheer/processen/mini/ontwerp"
    first = post(anna, anna_token, url, {"xml": mini_model(task_name="Anna"), "revision": 0})
    assert first.status_code == 200 and first.json["revision"] == 1
    # bert opened the page before anna saved (revision 0): warned, nothing overwritten
    clash = post(bert, bert_token, url, {"xml": mini_model(task_name="Bert"), "revision": 0})
    assert clash.status_code == 409
    assert clash.json["conflict"] == {"revision": 1, "saved_by": "Anna Admin",
                                      "saved_at": clash.json["conflict"]["saved_at"]}  # fmt: skip
    assert "Anna" in anna.get("/beheer/processen/mini/ontwerp.bpmn").text
    # anna saves on from her revision; bert, still on an old one, is warned again
    assert post(anna, anna_token, url, {"xml": mini_model(task_name="Anna 2"),
                                        "revision": 1}).json["revision"] == 2  # fmt: skip
    assert post(bert, bert_token, url, {"xml": mini_model(task_name="Bert"),
                                        "revision": 1}).status_code == 409  # fmt: skip
    # bert chooses to overwrite
    forced = post(bert, bert_token, url, {"xml": mini_model(task_name="Bert"), "revision": 1,
                                          "force": True})  # fmt: skip
    assert forced.status_code == 200 and forced.json["revision"] == 3
    assert "Bert" in anna.get("/beheer/processen/mini/ontwerp.bpmn").text
    page = anna.get("/beheer/processen/mini/modeller").text
    assert 'data-revision="3"' in page and "Bert Beheer" in page
    # the version in use is still there, unchanged
    assert "Aanvraag nakijken" in anna.get("/beheer/processen/mini/ontwerp.bpmn?versie=1").text


def test_a_draft_must_be_xml_and_name_its_revision(app: Flask, web_engine: Engine) -> None:
    deployed(web_engine)
    client, token = admin(app)
    url = "/beheer/processen/mini/ontwerp"
    broken = post(client, token, url, {"xml": "<bpmn:definitions", "revision": 0})
    assert broken.status_code == 422 and "geen geldige XML" in broken.json["error"]
    assert post(client, token, url, {"xml": mini_model()}).status_code == 422
    assert post(client, token, url, {"xml": mini_model(), "revision": -1}).status_code == 422
    assert post(client, token, url, {"xml": mini_model(), "revision": True}).status_code == 422
    page = client.get("/beheer/processen/mini/modeller").text
    assert 'data-revision="0"' in page  # nothing stored
    # no CSRF token: refused like every other form
    no_token = client.post(url, data=json.dumps({"xml": mini_model(), "revision": 0}),
                           content_type="application/json")  # fmt: skip
    assert no_token.status_code == 400


# -- check, compare, deploy -----------------------------------------------------------------


def test_check_answers_each_problem_with_its_element_and_stores_nothing(
    app: Flask, web_engine: Engine
) -> None:
    deployed(web_engine)
    client, token = admin(app)
    url = "/beheer/processen/mini/controleren"
    fine = post(client, token, url, {"xml": mini_model(task_name="Nieuw")})
    assert fine.status_code == 200 and fine.json == {"problems": []}
    malformed = post(client, token, url, {"xml": mini_model().replace("</bpmn:process>", "", 1)})
    assert malformed.status_code == 422
    (problem,) = malformed.json["problems"]
    assert problem["line"] and "mismatch" in problem["message"].lower()
    no_role = post(client, token, url, {"xml": outside_lanes()})
    assert no_role.status_code == 422
    assert no_role.json["problems"][0]["element"] == "check"
    assert "lane" in no_role.json["problems"][0]["message"]
    bad_timer = mini_model().replace('"P1D"', '"P1X"')
    answer = post(client, token, url, {"xml": bad_timer})
    assert answer.status_code == 422 and answer.json["problems"][0]["element"] == "pause"
    other_id = post(client, token, url, {"xml": mini_model(process_id="elders")})
    assert other_id.status_code == 422 and "elders" in other_id.json["problems"][0]["message"]
    assert post(client, token, url, {}).status_code == 422
    assert [v.version for v in web_engine.versions("mini")] == [1]  # nothing stored


def test_check_answers_all_problems_at_once_each_on_its_element(
    app: Flask, web_engine: Engine
) -> None:
    deployed(web_engine)
    client, token = admin(app)
    two_faults = outside_lanes().replace('"P1D"', '"P1X"')
    answer = post(client, token, "/beheer/processen/mini/controleren", {"xml": two_faults})
    assert answer.status_code == 422
    problems = answer.json["problems"]
    assert [p["element"] for p in problems] == ["check", "pause"]
    assert "lane" in problems[0]["message"] and "P1X" in problems[1]["message"]
    assert all(p["line"] for p in problems)
    deploy = post(client, token, "/beheer/processen/mini/in-gebruik",
                  {"xml": two_faults, "reason": "twee fouten"})  # fmt: skip
    assert deploy.status_code == 422 and len(deploy.json["problems"]) == 2
    assert [v.version for v in web_engine.versions("mini")] == [1]  # nothing stored


def test_compare_names_added_removed_and_changed_elements() -> None:
    before = mini_model()
    after = (
        mini_model(task_name="Aanvraag grondig nakijken")
        .replace(
            '<bpmn:endEvent id="done" name="Klaar"/>',
            '<bpmn:endEvent id="finished" name="Afgerond"/>',
        )
        .replace("<bpmn:flowNodeRef>done</bpmn:flowNodeRef>", "")
        .replace('targetRef="done"', 'targetRef="finished"')
        .replace(
            "</bpmn:process>", '<bpmn:userTask id="extra" name="Extra controle"/></bpmn:process>'
        )
    )
    result = modelcompare.compare(before, after)
    assert {(e.id, e.name) for e in result.added} == {("finished", "Afgerond"),
                                                     ("extra", "Extra controle")}  # fmt: skip
    assert [(e.id, e.kind) for e in result.removed] == [("done", "endEvent")]
    assert {e.id for e in result.changed} == {"check", "f3", "mini_lane"}
    # moving a shape (diagram only) is no change
    moved = before.replace('<dc:Bounds x="270" y="140"', '<dc:Bounds x="280" y="150"')
    assert modelcompare.compare(before, moved).changed == ()


def test_compare_endpoint_against_the_version_in_use(app: Flask, web_engine: Engine) -> None:
    deployed(web_engine)
    client, token = admin(app)
    answer = post(client, token, "/beheer/processen/mini/vergelijken",
                  {"xml": mini_model(task_name="Anders")})  # fmt: skip
    assert answer.status_code == 200
    assert answer.json["version"] == 1
    assert answer.json["changed"] == [{"id": "check", "kind": "userTask", "name": "Anders"}]
    assert answer.json["added"] == [] and answer.json["removed"] == []
    broken = post(client, token, "/beheer/processen/mini/vergelijken", {"xml": "<x"})
    assert broken.status_code == 422


def test_deploy_needs_a_reason_and_is_audited_with_who_and_why(
    app: Flask, web_engine: Engine
) -> None:
    deployed(web_engine)
    client, token = admin(app)
    draft = post(client, token, "/beheer/processen/mini/ontwerp",
                 {"xml": mini_model(task_name="Nieuw"), "revision": 0})  # fmt: skip
    assert draft.status_code == 200
    url = "/beheer/processen/mini/in-gebruik"
    no_reason = post(client, token, url, {"xml": mini_model(task_name="Nieuw"), "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json["field"] == "reason"
    broken = post(client, token, url, {"xml": outside_lanes(), "reason": "Test"})
    assert broken.status_code == 422 and broken.json["problems"][0]["element"] == "check"
    assert [v.version for v in web_engine.versions("mini")] == [1]
    done = post(client, token, url, {"xml": mini_model(task_name="Nieuw"),
                                     "reason": "Nieuwe naam voor de controle"})  # fmt: skip
    assert done.status_code == 200
    assert done.json == {"version": 2, "created": True, "url": "/beheer/processen/mini/2"}
    (entry,) = [a for a in web_engine.audit_trail() if a.action == "process_deployed"
                and a.element_id == "mini" and a.changes["version"]["after"] == 2]  # fmt: skip
    assert entry.actor == "anna"
    assert entry.reason.startswith("Nieuwe naam voor de controle")
    assert 'name="Nieuw"' in web_engine.version_source("mini", 2)
    # the draft is gone: the modeller opens version 2
    assert 'data-revision="0"' in client.get("/beheer/processen/mini/modeller").text
    same = post(client, token, url, {"xml": mini_model(task_name="Nieuw"), "reason": "Nog eens"})
    assert same.json["created"] is False and same.json["version"] == 2


def test_only_admins_reach_the_modeller(app: Flask, web_engine: Engine) -> None:
    deployed(web_engine)
    client, token = admin(app, "carla")
    body = {"xml": mini_model(), "revision": 0, "reason": "x"}
    for path in ("modeller", "ontwerp.bpmn", "1/bpmn"):
        assert client.get(f"/beheer/processen/mini/{path}").status_code == 403
    for path in ("ontwerp", "controleren", "vergelijken", "in-gebruik"):
        assert post(client, token, f"/beheer/processen/mini/{path}", body).status_code == 403
    assert client.get("/beheer/beslissingen/admission").status_code == 403
    assert [v.version for v in web_engine.versions("mini")] == [1]


def test_decision_tables_open_in_dmn_js(app: Flask) -> None:
    client, _token = admin(app)
    page = client.get("/beheer/beslissingen/admission")
    assert page.status_code == 200
    assert "/static/vendor/dmn-js/dist/dmn-modeler.production.min.js" in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self' 'unsafe-inline'" in csp
    modeller_csp = client.get("/beheer/processen/review/modeller").headers[
        "Content-Security-Policy"
    ]
    assert "unsafe-inline" not in modeller_csp
    source = client.get("/beheer/beslissingen/admission.dmn")
    assert (source.status_code == 200 and "<definitions" in source.text) or "dmn:" in source.text
    assert client.get("/beheer/beslissingen/nope").status_code == 404
    assert client.get("/beheer/beslissingen/..%2Fpyproject").status_code == 404


# -- the vendor files ---------------------------------------------------------------------------


def test_vendor_files_are_served_from_an_allow_list(client: FlaskClient) -> None:
    viewer = client.get("/static/vendor/bpmn-js/dist/bpmn-navigated-viewer.production.min.js")
    assert viewer.status_code == 200 and len(viewer.data) > 100_000
    assert client.get("/static/vendor/bpmn-js/dist/assets/bpmn-js.css").status_code == 200
    for refused in (
        "/static/vendor/bpmn-js/package.json",
        "/static/vendor/bpmn-js/dist/bpmn-modeler.development.js",
        "/static/vendor/bpmn-js/../axe-core/axe.min.js",
        "/static/vendor/bpmn-js/dist/..%2F..%2Fpackage.json",
        "/static/vendor/axe-core/axe.min.js",
    ):
        assert client.get(refused).status_code == 404, refused


def test_without_node_modules_the_log_says_what_to_run_and_pages_still_list_the_steps(
    web_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="webapp.vendor"):
        app = create_app(web_engine, {"TESTING": True, "TOPIC_PROCESS": "review",
                                      "NODE_MODULES": str(tmp_path)})  # fmt: skip
    assert "make setup" in caplog.text and "node_modules is incomplete" in caplog.text
    with app.app_context():
        state().accounts.set_password("carla", PASSWORD)
    client = app.test_client()
    assert client.get("/static/vendor/bpmn-js/dist/assets/bpmn-js.css").status_code == 404
    case = web_engine.start_case("review", {"requester": "carla"}, web_engine.actor("carla"))
    sign_in(client, "carla")
    tree = lxml_html.fromstring(client.get(f"/dossiers/{case.id}").text)
    assert tree.xpath("//ul[contains(@class, 'diagram-list-active')]/li/@data-element-id") == [
        "intake"
    ]
