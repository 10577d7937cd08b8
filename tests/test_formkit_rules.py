"""Rules between fields on the process forms: required or empty depending on another field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from marshmallow import ValidationError, fields

from processes.escalations.forms import RecordAnswerForm
from processes.records import dates, formkit
from processes.workgroups.forms import LateReportForm

LATER = str(dates.today() + timedelta(days=180))  # a date the date checks accept


class Decision(formkit.StrictForm):
    decision = fields.String(required=True)
    reason = fields.String(load_default=None, allow_none=True)
    new_date = fields.String(load_default=None, allow_none=True)

    rules = (
        formkit.required_when(["reason"], formkit.equals("decision", "no"), ("bij nee", "for no")),
        formkit.empty_when(
            ["new_date"], formkit.differs("decision", "later"), ("tenzij later", "unless later")
        ),
    )


def test_required_and_empty_rules_name_the_field_and_the_reason() -> None:
    assert Decision().load({"decision": "no", "reason": "busy"})["reason"] == "busy"
    with pytest.raises(ValidationError) as caught:
        Decision().load({"decision": "no", "reason": "  ", "new_date": "2027-01-01"})
    assert caught.value.messages == {
        "reason": ["Verplicht bij nee. / Required for no."],
        "new_date": ["Laat leeg tenzij later. / Leave empty unless later."],
    }
    assert Decision().load({"decision": "later", "new_date": "2027-01-01"})["new_date"]


def test_late_report_needs_a_date_only_when_extending() -> None:
    with pytest.raises(ValidationError) as caught:
        LateReportForm().load({"late_decision": "extend", "instruction": "Meer tijd."})
    assert list(caught.value.messages) == ["new_due_date"]
    with pytest.raises(ValidationError) as caught:
        LateReportForm().load(
            {
                "late_decision": "to_agenda",
                "instruction": "Agenderen.",
                "new_due_date": LATER,
            }
        )
    assert caught.value.messages["new_due_date"][0].startswith("Laat leeg als je niet verlengt")


def test_refusal_of_a_binding_agreement_may_not_carry_its_terms() -> None:
    with pytest.raises(ValidationError) as caught:
        RecordAnswerForm().load(
            {
                "answer": "refusal",
                "answer_text": "Nee.",
                "answered_on": str(dates.today() - timedelta(days=7)),
                "deadline": LATER,
            }
        )
    assert "deadline" in caught.value.messages
    assert "Laat leeg tenzij bij een bindende afspraak" in caught.value.messages["deadline"][0]
