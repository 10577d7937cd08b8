"""Explainable decisions: every DMN evaluation leaves a `decision_evaluated` audit row.

The row sits in the step's transaction, on the business rule task, and says which decision and
table ran, with which hit policy, which rules matched (1-based row number, rule id and the
rule's annotation), the value of every input expression and each matched rule's outputs:

    {"decision": "risk_decision", "table": "risk_table", "table_name": null,
     "hit_policy": "UNIQUE",
     "inputs": [{"label": "Amount", "expression": "amount", "value": 10}],
     "rules": [{"row": 1, "id": "r_low", "annotation": null, "outputs": {"risk": "low"}}]}

Its `reason` says the same in one line for a person reading the trail. Outside an engine step
(plain SpiffWorkflow use) nothing is recorded. A table that fails while being explained is left
to the incident its evaluation raises.

Imports: the step context (`engine.service_call`) only.
"""

from __future__ import annotations

from typing import Any

from engine.running.service_call import step_or_none


def record(task: Any, table: Any, rules: list[Any]) -> None:
    """Add the explanation of this evaluation to the running step's audit trail."""
    context = step_or_none()
    if context is None or not rules:
        return
    try:
        explanation = explain(task, table, rules)
    except Exception:  # the evaluation itself fails on the same expression: an incident follows
        return
    matched = ", ".join(_rule_label(rule) for rule in explanation["rules"])
    decision = explanation["decision"] or explanation["table"]
    context.audit.record(
        context.actor,
        "decision_evaluated",
        case_id=context.case_id,
        task_id=str(task.id),
        element_id=task.task_spec.bpmn_id,
        changes=explanation,
        reason=f"decision {decision!r}: {matched} matched",
    )


def explain(task: Any, table: Any, rules: list[Any]) -> dict[str, Any]:
    engine = task.workflow.script_engine
    extensions = getattr(task.task_spec, "extensions", None) or {}
    return {
        "decision": extensions.get("calledDecisionId"),
        "table": table.id,
        "table_name": table.name or None,
        "hit_policy": table.hit_policy,
        "inputs": [
            {
                "label": item.label or None,
                "expression": item.expression,
                "value": _value(engine, task, item.expression),
            }
            for item in table.inputs
        ],
        "rules": [
            {
                "row": rule.row_number,
                "id": rule.id,
                "annotation": rule.description or None,
                "outputs": rule.output_as_dict(task),
            }
            for rule in rules
        ],
    }


def _value(engine: Any, task: Any, expression: str | None) -> Any:
    if not expression:
        return None
    try:
        return engine.evaluate(task, expression)
    except Exception as error:  # an input only some rules read may be missing
        return {"error": f"{type(error).__name__}: {error}"}


def _rule_label(rule: dict[str, Any]) -> str:
    label = f"rule {rule['row']} ({rule['id']})"
    return f"{label} {rule['annotation']!r}" if rule["annotation"] else label
