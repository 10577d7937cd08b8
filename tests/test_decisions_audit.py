"""Every DMN evaluation is explained in the audit trail: decision, matched rules, inputs, outputs."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields

from engine import Engine, Registry
from tests import modelkit as m
from tests.conftest import BPMN
from tests.helpers import actor

# COLLECT: every matching rule counts; rules carry annotations (<description>).
FLAGS_DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="flag_defs" name="Flags"
    namespace="http://stuurboord.test/dmn">
  <decision id="flag_decision" name="Flags">
    <decisionTable id="flag_table" hitPolicy="COLLECT">
      <input id="in_amount" label="Amount">
        <inputExpression id="ie_amount" typeRef="number"><text>amount</text></inputExpression>
      </input>
      <input id="in_country" label="Country">
        <inputExpression id="ie_country" typeRef="string"><text>country</text></inputExpression>
      </input>
      <output id="out_flag" label="Flag" name="flag" typeRef="string"/>
      <rule id="big">
        <description>Large amounts need a second look</description>
        <inputEntry id="big_a"><text>&gt; 1000</text></inputEntry>
        <inputEntry id="big_c"><text></text></inputEntry>
        <outputEntry id="big_o"><text>"large"</text></outputEntry>
      </rule>
      <rule id="abroad">
        <inputEntry id="abroad_a"><text></text></inputEntry>
        <inputEntry id="abroad_c"><text>!= "BE"</text></inputEntry>
        <outputEntry id="abroad_o"><text>"foreign"</text></outputEntry>
      </rule>
      <rule id="any">
        <description>Always</description>
        <inputEntry id="any_a"><text></text></inputEntry>
        <inputEntry id="any_c"><text></text></inputEntry>
        <outputEntry id="any_o"><text>"seen"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


class Numbers(Schema):
    amount = fields.Integer()
    country = fields.String()


@pytest.fixture
def deployed(engine: Engine, registry: Registry) -> Engine:
    for pid in ("risky", "flagged"):
        registry.forms[(pid, f"{pid}_start")] = Numbers
    models = m.definitions(
        m.process("risky", [m.rule("rate", "risk_decision"), m.user("after")]),
        m.process("flagged", [m.rule("flag", "flag_decision"), m.user("after_flag")]),
    )
    engine.deploy_files([("steps.bpmn", models), ("risk.dmn", (BPMN / "risk.dmn").read_bytes()),
                         ("flags.dmn", FLAGS_DMN)])  # fmt: skip
    return engine


def _decisions(engine: Engine, case_id: int) -> list:
    return [a for a in engine.audit_trail(case_id) if a.action == "decision_evaluated"]


def test_unique_table_records_rule_inputs_and_outputs(deployed: Engine) -> None:
    starter = actor(deployed, "carla", ("clerk", None))
    case = deployed.start_case("risky", {"amount": 2500}, starter)
    assert case.data["risk"] == "high"
    [entry] = _decisions(deployed, case.id)
    assert (entry.actor, entry.element_id) == ("carla", "rate")
    assert entry.task_id is not None
    assert entry.changes == {
        "decision": "risk_decision",
        "table": "risk_table",
        "table_name": None,
        "hit_policy": "UNIQUE",
        "inputs": [{"label": "Amount", "expression": "amount", "value": 2500}],
        "rules": [{"row": 2, "id": "r_high", "annotation": None, "outputs": {"risk": "high"}}],
    }
    assert entry.reason == "decision 'risk_decision': rule 2 (r_high) matched"


def test_collect_table_records_every_matched_rule_with_its_annotation(deployed: Engine) -> None:
    case = deployed.start_case("flagged", {"amount": 5000, "country": "NL"})
    assert case.data["flag"] == ["large", "foreign", "seen"]
    [entry] = _decisions(deployed, case.id)
    assert entry.changes["hit_policy"] == "COLLECT"
    assert entry.changes["inputs"] == [
        {"label": "Amount", "expression": "amount", "value": 5000},
        {"label": "Country", "expression": "country", "value": "NL"},
    ]
    assert [(r["row"], r["id"], r["annotation"], r["outputs"]) for r in entry.changes["rules"]] == [
        (1, "big", "Large amounts need a second look", {"flag": "large"}),
        (2, "abroad", None, {"flag": "foreign"}),
        (3, "any", "Always", {"flag": "seen"}),
    ]
    assert "rule 1 (big) 'Large amounts need a second look'" in entry.reason

    small = deployed.start_case("flagged", {"amount": 5, "country": "BE"})
    [entry] = _decisions(deployed, small.id)
    assert [r["id"] for r in entry.changes["rules"]] == ["any"]


def test_no_matching_rule_records_no_decision_but_retry_does(deployed: Engine) -> None:
    admin = actor(deployed, "ada", ("admin", None))
    gap = deployed.start_case("risky", {"amount": 9999})
    assert gap.status == "incident"
    assert _decisions(deployed, gap.id) == []
    deployed.retry(gap.id, admin, {"amount": 10})
    [entry] = _decisions(deployed, gap.id)
    assert entry.actor == "ada"
    assert entry.changes["inputs"][0]["value"] == 10
    assert entry.changes["rules"][0]["id"] == "r_low"


def test_decision_rows_keep_the_audit_chain_intact(deployed: Engine) -> None:
    deployed.start_case("risky", {"amount": 1})
    deployed.start_case("flagged", {"amount": 1, "country": "BE"})
    assert deployed.verify_audit().ok
