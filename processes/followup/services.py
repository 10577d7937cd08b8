"""Service tasks of comply-or-explain: obligations per entity, their answers, assessments,
overdue flags and escalations. Every status change is audited and kept in `obligation_status`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine import Registry, ServiceCall
from processes.followup import agenda, recording, timing
from processes.followup.forms import (
    OBLIGATION_PROCESS,
    PROCESS,
    AnswerObligationForm,
    AssessExplanationForm,
    ComplyOrExplainStartForm,
    ObligationStartForm,
)
from processes.followup.recording import RecordError
from processes.records import dates, events, titles
from processes.records.followup import Obligation, ObligationStatus
from processes.records.models import Organisation

_ANSWERABLE = ("open", "overdue")


def timing_view(deadline: date) -> dict[str, Any]:
    """What the obligation model reads: `timing["deadline"]` (the answer task's due rule) and
    `timing["overdue_at"]` (the boundary timer that flags the answer overdue)."""
    return {"deadline": deadline.isoformat(), "overdue_at": timing.passed_at_iso(deadline)}


def set_status(
    call: ServiceCall,
    obligation: Obligation,
    status: str,
    note: str | None = None,
    **values: Any,
) -> None:
    """Move an obligation to `status` (with other field values), audited and kept in history."""
    before = obligation.status
    recording.update(
        call, obligation, {"status": status, **values}, f"obligation_{status}", reason=note
    )
    if before != status:
        call.session.add(
            ObligationStatus(
                obligation_id=obligation.id,
                status=status,
                at=call.clock.now(),
                by=call.actor,
                note=note,
            )
        )
        call.session.flush()


def _load(call: ServiceCall, params: dict[str, Any]) -> Obligation:
    obligation = recording.load(call.session, Obligation, params.get("obligation_id"), "obligation")
    if obligation.entity_case_id not in (None, call.case_id):
        raise RecordError(
            f"obligation {obligation.id} is followed up in case {obligation.entity_case_id}"
        )
    return obligation


# -- the decision: one obligation per entity ---------------------------------------------------


def open_obligations(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Create one open obligation per entity and start one `obligation` case per entity."""
    terms = recording.validated(ComplyOrExplainStartForm, call.data, "comply-or-explain")
    decision_id = terms["decision_id"]
    existing = call.session.execute(
        select(Obligation.organisation_id, Obligation.case_id).where(
            Obligation.decision_id == decision_id,
            Obligation.organisation_id.in_(terms["entities"]),
        )
    ).first()
    if existing is not None:
        raise RecordError(
            f"decision {decision_id} is already followed up for entity {existing[0]} "
            f"(case {existing[1]})"
        )
    now = call.clock.now()
    ids = []
    named = _decision_name(call, decision_id, terms["decision_text"])
    for entity in terms["entities"]:
        obligation = Obligation(
            case_id=call.case_id,
            decision_id=decision_id,
            organisation_id=entity,
            decision_text=terms["decision_text"],
            focus_domain=terms["focus_domain"],
            deadline=terms["deadline"],
            status="open",
            created_at=now,
            updated_at=now,
        )
        recording.create(call, obligation, "obligation_opened", reason=f"entity {entity}")
        call.session.add(
            ObligationStatus(obligation_id=obligation.id, status="open", at=now, by=call.actor)
        )
        call.start_case(
            OBLIGATION_PROCESS,
            {
                "obligation_id": obligation.id,
                "decision_id": decision_id,
                "decision_text": terms["decision_text"],
                "entity_id": entity,
                "deadline": terms["deadline"].isoformat(),
                "focus_domain": terms["focus_domain"],
                "parent_case_id": call.case_id,
            },
            title=f"Pas toe of leg uit: {named}, {_entity_name(call, entity)}",
            key=entity,
        )
        ids.append(obligation.id)
    call.session.flush()
    return {"ids": ids, "count": len(ids)}


def _decision_name(call: ServiceCall, decision_id: int, text: str) -> str:
    """A decision as case titles name it: the title of the agenda item it was taken on, else
    the start of its text (never its number)."""
    return titles.decision_title(call.session, decision_id) or titles.short(text, 60)


def _entity_name(call: ServiceCall, entity: str) -> str:
    """An entity's name for case titles (its code when it is not in the reference list)."""
    organisation = call.session.get(Organisation, entity)
    return organisation.name if organisation is not None else entity


# -- one entity's obligation -------------------------------------------------------------------


def link_obligation(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Tie this case to its obligation; return the deadline and when it has passed."""
    terms = recording.validated(ObligationStartForm, call.data, "obligation")
    obligation = _load(call, params)
    if obligation.organisation_id != terms["entity_id"]:
        raise RecordError(
            f"obligation {obligation.id} binds {obligation.organisation_id}, "
            f"not {terms['entity_id']}"
        )
    if obligation.decision_id != terms["decision_id"]:
        raise RecordError(f"obligation {obligation.id} is about decision {obligation.decision_id}")
    recording.update(call, obligation, {"entity_case_id": call.case_id}, "obligation_linked")
    return timing_view(obligation.deadline)


def record_answer(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The entity complied or explained."""
    obligation = _load(call, params)
    recording.expect_status(obligation, _ANSWERABLE, "obligation")
    answer = recording.validated(AnswerObligationForm, call.data, "answer")
    late = call.clock.now() > timing.passed_at(obligation.deadline)
    note = "after the deadline" if late else None
    common = {"answered_at": call.clock.now(), "answered_by": call.actor}
    if answer["response"] == "comply":
        set_status(
            call,
            obligation,
            "complied",
            note,
            what_done=answer["what_done"],
            done_on=answer["done_on"],
            evidence=answer["evidence"],
            **common,
        )
    else:
        set_status(
            call,
            obligation,
            "explained",
            note,
            reason=answer["reason"],
            risks=answer["risks"],
            mitigation=answer["mitigation"],
            planned_on=answer["planned_on"],
            **common,
        )
    _emit(call, events.OBLIGATION_ANSWERED, obligation, response=answer["response"], late=late)
    return {"status": obligation.status}


def mark_overdue(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The deadline passed without an answer: flag the obligation overdue."""
    obligation = _load(call, params)
    if obligation.status == "open":
        set_status(
            call,
            obligation,
            "overdue",
            f"no answer by {obligation.deadline.isoformat()}",
        )
        _emit(call, events.OBLIGATION_OVERDUE, obligation)
    return {"status": obligation.status}


def _emit(call: ServiceCall, event_type: str, obligation: Obligation, **extra: Any) -> None:
    """A webhook event about one obligation, in this step's transaction."""
    call.emit_event(
        event_type,
        {
            "obligation_id": obligation.id,
            "decision_id": obligation.decision_id,
            "entity_id": obligation.organisation_id,
            "status": obligation.status,
            "deadline": obligation.deadline.isoformat(),
            **extra,
        },
        subject=f"obligations/{obligation.id}",
    )


def mark_escalated(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The grace period after the deadline is over: escalate to the chair."""
    obligation = _load(call, params)
    recording.expect_status(obligation, _ANSWERABLE, "obligation")
    set_status(call, obligation, "escalated", "no answer after the grace period")
    return {"status": obligation.status}


def extend_deadline(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair gave the entity a new deadline: the obligation is open again."""
    obligation = _load(call, params)
    recording.expect_status(obligation, ("escalated",), "obligation")
    new_deadline = recording.as_date(call.data.get("new_deadline"), "new_deadline")
    if timing.passed_at(new_deadline) <= call.clock.now():
        raise RecordError(f"the new deadline {new_deadline.isoformat()} has already passed")
    set_status(call, obligation, "open", call.data.get("instruction"), deadline=new_deadline)
    return timing_view(new_deadline)


def overdue_to_agenda(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair puts the entity that did not answer on the agenda as an escalation."""
    obligation = _load(call, params)
    recording.expect_status(obligation, ("escalated",), "obligation")
    entity = _entity_name(call, obligation.organisation_id)
    decision = _decision_name(call, obligation.decision_id, obligation.decision_text)
    return _escalation_topic(
        call,
        obligation,
        title=f"Geen antwoord van {entity} op besluit „{decision}”",
        summary=(
            f"{entity} antwoordde niet tegen {dates.format_nl(obligation.deadline)} op: "
            f"{obligation.decision_text}"
        ),
        question=call.data.get("instruction") or "Hoe gaat het Stuurorgaan verder?",
        impact="De toepassing van het besluit bij deze instantie is onbekend.",
        key="overdue",
    )


def record_assessment(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The secretariat accepted the explanation, or did not."""
    obligation = _load(call, params)
    recording.expect_status(obligation, ("explained",), "obligation")
    assessment = recording.validated(AssessExplanationForm, call.data, "assessment")
    accepted = assessment["verdict"] == "accepted"
    set_status(
        call,
        obligation,
        "explanation_accepted" if accepted else "explanation_rejected",
        assessment["assessment_note"],
        assessment_note=assessment["assessment_note"],
        assessed_at=call.clock.now(),
        assessed_by=call.actor,
    )
    return {"status": obligation.status}


def rejection_to_agenda(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """A rejected explanation goes on the committee's agenda as an escalation."""
    obligation = _load(call, params)
    recording.expect_status(obligation, ("explanation_rejected",), "obligation")
    entity = _entity_name(call, obligation.organisation_id)
    decision = _decision_name(call, obligation.decision_id, obligation.decision_text)
    return _escalation_topic(
        call,
        obligation,
        title=f"Uitleg van {entity} bij besluit „{decision}” niet aanvaard",
        summary=(
            f"Besluit: {obligation.decision_text}\n\nUitleg: {obligation.reason}\n\n"
            f"Risico's: {obligation.risks}\n\nIn de plaats: {obligation.mitigation}"
        ),
        question=f"Beoordeling van het secretariaat: {obligation.assessment_note}",
        impact=f"Geplande toepassing: {_day(obligation.planned_on)}",
        key="rejected",
    )


def _escalation_topic(
    call: ServiceCall,
    obligation: Obligation,
    *,
    title: str,
    summary: str,
    question: str,
    impact: str,
    key: str,
) -> dict[str, Any]:
    data = agenda.topic_data(
        kind="escalation",
        title=title,
        summary=summary,
        question=question,
        impact=impact,
        affected_entities=[obligation.organisation_id],
        focus_domains=[obligation.focus_domain],
        origin_process=OBLIGATION_PROCESS,
        origin_case_id=call.case_id,
        origin_record={
            "obligation_id": obligation.id,
            "decision_id": obligation.decision_id,
            "comply_or_explain_case_id": obligation.case_id,
        },
    )
    return agenda.put_on_agenda(call, data, key=f"obligation-{obligation.id}-{key}")


def _day(value: date | None) -> str:
    return dates.format_nl(value) if value else "onbekend"


HANDLERS = {
    "followup/open_obligations": open_obligations,
    "followup/link_obligation": link_obligation,
    "followup/record_answer": record_answer,
    "followup/mark_overdue": mark_overdue,
    "followup/mark_escalated": mark_escalated,
    "followup/extend_deadline": extend_deadline,
    "followup/overdue_to_agenda": overdue_to_agenda,
    "followup/record_assessment": record_assessment,
    "followup/rejection_to_agenda": rejection_to_agenda,
}
"""Operator name → handler (`PROCESS` and `OBLIGATION_PROCESS` models)."""

__all__ = ["HANDLERS", "PROCESS", "register"]


def register(registry: Registry) -> None:
    """Add the handlers above under their operator names."""
    for name, handler in HANDLERS.items():
        registry.service(name)(handler)
