"""Failing automatic steps become incidents; admins retry, suspend, resume and terminate."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields

from engine import CaseStateError, Engine, Forbidden, Registry, ServiceCall
from tests import modelkit as m
from tests.conftest import BPMN
from tests.helpers import actor, snapshot


class Numbers(Schema):
    divisor = fields.Integer()
    amount = fields.Integer()
    cust_id = fields.String()


def _deploy(engine: Engine, registry: Registry, *processes: str, dmn: bool = False) -> None:
    for pid in ("script_fail", "gateway_gap", "service_call", "dmn_gap"):
        registry.forms.setdefault((pid, f"{pid}_start"), Numbers)
    files = [("steps.bpmn", m.definitions(*processes))]
    if dmn:
        files.append(("risk.dmn", (BPMN / "risk.dmn").read_bytes()))
    engine.deploy_files(files)


@pytest.fixture
def admin(engine: Engine):
    return actor(engine, "ada", ("admin", None))


def test_script_error_is_an_incident_and_retry_after_fixing_data(engine, registry, admin) -> None:
    _deploy(
        engine,
        registry,
        m.process(
            "script_fail", [m.script("divide", "x = 1\nratio = 10 / divisor"), m.user("after")]
        ),
    )
    case = engine.start_case("script_fail", {"divisor": 0})
    assert case.status == "incident"
    [incident] = engine.incidents()
    assert (incident.case_id, incident.element_id, incident.error_type) == (
        case.id,
        "divide",
        "ZeroDivisionError",
    )
    assert incident.line == 2 and incident.error_line == "ratio = 10 / divisor"
    assert "division by zero" in incident.message
    assert engine.case_tasks(case.id) == []
    retried = engine.retry(case.id, admin, {"divisor": 4})
    assert retried.status == "running"
    assert retried.data["ratio"] == 2.5
    assert engine.incidents() == []
    [resolved] = engine.incidents(open_only=False)
    assert resolved.status == "resolved"
    [task] = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
    assert task.element_id == "after"
    actions = [e.action for e in engine.audit_trail(case.id)]
    assert actions[:2] == ["case_started", "incident_raised"] and "case_retried" in actions
    assert engine.verify_audit().ok


def test_retry_that_fails_again_raises_a_new_incident(engine, registry, admin) -> None:
    _deploy(
        engine,
        registry,
        m.process("script_fail", [m.script("divide", "ratio = 10 / divisor"), m.user("after")]),
    )
    case = engine.start_case("script_fail", {"divisor": 0})
    assert engine.retry(case.id, admin).status == "incident"
    assert [i.status for i in engine.incidents(open_only=False)] == ["resolved", "open"]


def test_gateway_without_matching_flow_is_an_incident(engine, registry, admin) -> None:
    gap = m.process("gateway_gap", [m.user("never")])
    # An exclusive gateway whose only flow has a condition, and no default.
    gap = gap.replace(
        '<bpmn:userTask id="never"',
        '<bpmn:exclusiveGateway id="gg_gw"><bpmn:incoming>gateway_gap_f0</bpmn:incoming>'
        "<bpmn:outgoing>gg_cond</bpmn:outgoing></bpmn:exclusiveGateway>"
        '<bpmn:sequenceFlow id="gg_cond" sourceRef="gg_gw" targetRef="never">'
        "<bpmn:conditionExpression>amount &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:userTask id="never"',
    )
    gap = gap.replace(
        '<bpmn:userTask id="never" name="Check"><bpmn:incoming>gateway_gap_f0</bpmn:incoming>',
        '<bpmn:userTask id="never" name="Check"><bpmn:incoming>gg_cond</bpmn:incoming>',
    )
    gap = gap.replace('targetRef="never"/>', 'targetRef="gg_gw"/>', 1)
    gap = gap.replace(
        "<bpmn:flowNodeRef>never</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>gg_gw</bpmn:flowNodeRef><bpmn:flowNodeRef>never</bpmn:flowNodeRef>",
    )
    _deploy(engine, registry, gap)
    case = engine.start_case("gateway_gap", {"amount": 5})
    assert case.status == "incident"
    [incident] = engine.incidents()
    assert incident.element_id == "gg_gw"
    assert "No conditions satisfied" in incident.message
    assert engine.retry(case.id, admin, {"amount": 5000}).status == "running"
    assert [t.element_id for t in engine.case_tasks(case.id)] == ["never"]


def test_failing_service_keeps_the_real_error(engine, registry, admin) -> None:
    calls: list[dict] = []
    crm_up = False

    @registry.service("crm/lookup")
    def lookup(call: ServiceCall, params: dict) -> dict:
        calls.append(params)
        if not crm_up:
            raise ConnectionError("crm.example is unreachable")
        call.record(
            "customer_looked_up",
            changes={"customer": {"before": None, "after": params["customer_id"]}},
        )
        return {"id": params["customer_id"], "tier": "gold"}

    _deploy(
        engine,
        registry,
        m.process(
            "service_call",
            [
                m.service("lookup", "crm/lookup", {"customer_id": "cust_id"}, "customer"),
                m.user("after"),
            ],
        ),
    )
    case = engine.start_case("service_call", {"cust_id": "C-7"})
    [incident] = engine.incidents()
    assert incident.error_type == "ConnectionError"
    assert "crm.example is unreachable" in incident.message
    assert "NameError" not in incident.message
    crm_up = True
    retried = engine.retry(case.id, admin)
    assert retried.data["customer"] == {"id": "C-7", "tier": "gold"}
    assert calls == [{"customer_id": "C-7"}, {"customer_id": "C-7"}]
    assert "customer_looked_up" in [e.action for e in engine.audit_trail(case.id)]


def test_unregistered_service_is_an_incident(engine, registry) -> None:
    _deploy(
        engine,
        registry,
        m.process(
            "service_call",
            [m.service("lookup", "crm/missing", {"customer_id": "cust_id"}, "customer")],
        ),
    )
    case = engine.start_case("service_call", {"cust_id": "C-7"})
    [incident] = engine.incidents()
    assert incident.case_id == case.id
    assert "no service handler is registered for 'crm/missing'" in incident.message


def test_dmn_without_matching_rule_is_an_incident(engine, registry, admin) -> None:
    _deploy(
        engine,
        registry,
        m.process("dmn_gap", [m.rule("rate", "risk_decision"), m.user("after")]),
        dmn=True,
    )
    ok = engine.start_case("dmn_gap", {"amount": 10})
    assert ok.status == "running" and ok.data["risk"] == "low"
    gap = engine.start_case("dmn_gap", {"amount": 9999})
    assert gap.status == "incident"
    [incident] = engine.incidents()
    assert incident.element_id == "rate" and incident.error_type == "NoRuleMatched"
    assert "decision table 'risk_table' has no rule matching the data" in incident.message
    assert engine.retry(gap.id, admin, {"amount": 2000}).data["risk"] == "high"


def test_suspend_resume_terminate(engine, admin, db) -> None:
    engine.deploy([BPMN / "review.bpmn"])
    clerk = actor(engine, "carla", ("clerk", None))
    from tests.helpers import IntakeForm, StartForm

    engine.registry.form("review", "start", StartForm)
    engine.registry.form("review", "intake", IntakeForm)
    case = engine.start_case("review", {"requester": "carla"}, clerk)
    [task] = engine.tasks_for(clerk)
    with pytest.raises(Forbidden, match="only an admin"):
        engine.suspend(case.id, clerk)
    assert engine.suspend(case.id, admin, "waiting for legal advice").suspended
    before = snapshot(db)
    with pytest.raises(CaseStateError, match="suspended"):
        engine.complete_task(task.id, {"amount": 1}, clerk)
    with pytest.raises(CaseStateError, match="already suspended"):
        engine.suspend(case.id, admin)
    assert snapshot(db) == before
    assert not engine.resume(case.id, admin).suspended
    ended = engine.terminate(case.id, admin, "withdrawn by submitter")
    assert ended.status == "terminated"
    assert engine.tasks_for(clerk) == []
    assert engine.task(task.id).state == "cancelled"
    with pytest.raises(CaseStateError, match="terminated"):
        engine.terminate(case.id, admin)
    terminated = [e for e in engine.audit_trail(case.id) if e.action == "case_terminated"]
    assert terminated[0].reason == "withdrawn by submitter" and terminated[0].actor == "ada"


def test_retry_without_incident_is_refused(engine, admin, db) -> None:
    engine.deploy([BPMN / "review.bpmn"])
    case = engine.start_case("review", {})  # no start form registered: empty start data
    before = snapshot(db)
    with pytest.raises(CaseStateError, match="no incident"):
        engine.retry(case.id, admin)
    assert snapshot(db) == before
