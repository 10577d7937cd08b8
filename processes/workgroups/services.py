"""Service tasks of the working-group assignment: the mandate record through its life.

Each handler returns what the model needs next (ids, the report's due date, the instant the due
date has passed and the status-update cycle) and audits every change of the mandate record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import Registry, ServiceCall
from processes.followup import agenda, recording, timing
from processes.followup.recording import RecordError
from processes.records import dates
from processes.records.followup import Mandate
from processes.records.models import WorkingGroup
from processes.workgroups.forms import PROCESS, MandateStartForm, ReviseMandateForm

_WORKING = ("accepted", "reporting", "late")


def mandate_view(mandate: Mandate, cycle: str | None = None) -> dict[str, Any]:
    """What the model reads from case data: `mandate["id"]`, `mandate["due_date"]` (the report
    task's due rule), `mandate["late_at"]` and `mandate["status_cycle"]` (its timers, set once
    the mandate is accepted) and `mandate["every_weeks"]` (the rhythm asked for, if any: input
    of the reporting-rhythm decision table)."""
    return {
        "id": mandate.id,
        "status": mandate.status,
        "due_date": mandate.due_date.isoformat(),
        "late_at": timing.passed_at_iso(mandate.due_date),
        "every_weeks": mandate.status_every_weeks,
        "status_cycle": cycle,
    }


def _load(call: ServiceCall, params: dict[str, Any]) -> Mandate:
    mandate = recording.load(call.session, Mandate, params.get("mandate_id"), "mandate")
    if mandate.case_id != call.case_id:
        raise RecordError(f"mandate {mandate.id} belongs to case {mandate.case_id}")
    return mandate


def _cycle(call: ServiceCall, mandate: Mandate) -> str:
    if mandate.status_every_weeks is None:
        raise RecordError(f"mandate {mandate.id} has no reporting rhythm")
    return timing.status_cycle(mandate.status_every_weeks)


def open_mandate(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Record the proposed mandate from the start data (status proposed)."""
    terms = recording.validated(MandateStartForm, call.data, "mandate")
    now = call.clock.now()
    mandate = Mandate(
        case_id=call.case_id,
        topic_case_id=terms["topic_case_id"],
        working_group_id=terms["working_group_id"],
        question=terms["question"],
        focus_domain=terms["focus_domain"],
        deliverable=terms["deliverable"],
        due_date=terms["due_date"],
        status_every_weeks=terms["status_every_weeks"],
        status="proposed",
        status_updates=0,
        created_at=now,
        updated_at=now,
    )
    recording.create(call, mandate, "mandate_proposed")
    return mandate_view(mandate)


def update_mandate(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the secretariat's revision; the mandate is proposed again."""
    mandate = _load(call, params)
    recording.expect_status(mandate, ("proposed",), "mandate")
    terms = recording.validated(ReviseMandateForm, call.data, "mandate revision")
    values = {name: terms[name] for name in ReviseMandateForm().fields if name != "revision_note"}
    recording.update(call, mandate, values, "mandate_revised", reason=terms.get("revision_note"))
    return mandate_view(mandate)


def approve_mandate(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair approved: status approved."""
    mandate = _load(call, params)
    recording.expect_status(mandate, ("proposed",), "mandate")
    recording.update(call, mandate, {"status": "approved"}, "mandate_approved")
    return mandate_view(mandate)


def decline_mandate(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The working group declined: the mandate is a proposal again, for the secretariat."""
    mandate = _load(call, params)
    recording.expect_status(mandate, ("approved",), "mandate")
    recording.update(
        call,
        mandate,
        {"status": "proposed"},
        "mandate_declined",
        reason=call.data.get("acceptance_comment"),
    )
    return mandate_view(mandate)


def accept_mandate(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The working group accepted: status accepted; status updates start now, every
    `every_weeks` weeks (the outcome of the reporting-rhythm decision table)."""
    mandate = _load(call, params)
    recording.expect_status(mandate, ("approved",), "mandate")
    weeks = params.get("every_weeks")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 26:
        raise RecordError(f"the reporting rhythm must be 1 to 26 weeks, got {weeks!r}")
    recording.update(
        call,
        mandate,
        {"status": "accepted", "status_every_weeks": weeks},
        "mandate_accepted",
        call.data.get("acceptance_comment"),
    )
    return mandate_view(mandate, _cycle(call, mandate))


def record_status(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """A status update came in; the mandate is reporting (unless it is already late)."""
    mandate = _load(call, params)
    recording.expect_status(mandate, _WORKING, "mandate")
    progress = call.data.get("progress")
    if not isinstance(progress, str) or not progress.strip():
        raise RecordError("a status update needs its progress text")
    values: dict[str, Any] = {
        "last_status_note": progress,
        "last_status_at": call.clock.now(),
        "status_updates": mandate.status_updates + 1,
    }
    if mandate.status == "accepted":
        values["status"] = "reporting"
    on_track = call.data.get("on_track")
    expected = call.data.get("expected_report_date")
    reason = None if on_track else f"not on track; report expected {expected or 'later'}"
    recording.update(call, mandate, values, "mandate_status_update", reason)
    return {"status_updates": mandate.status_updates, "on_track": bool(on_track)}


def mark_late(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The due date passed without a report: status late."""
    mandate = _load(call, params)
    if mandate.status in ("reported", "bundled", "late"):
        return {"late": mandate.status == "late"}
    recording.update(
        call,
        mandate,
        {"status": "late"},
        "mandate_late",
        reason=f"no report by {mandate.due_date.isoformat()}",
    )
    return {"late": True}


def extend_mandate(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair extended the due date after the escalation; reporting goes on."""
    mandate = _load(call, params)
    recording.expect_status(mandate, _WORKING, "mandate")
    new_due = recording.as_date(call.data.get("new_due_date"), "new_due_date")
    if new_due <= call.clock.now().date():
        raise RecordError(f"the new due date {new_due.isoformat()} is not in the future")
    values: dict[str, Any] = {"due_date": new_due}
    if mandate.status == "late":
        values["status"] = "reporting" if mandate.status_updates else "accepted"
    recording.update(call, mandate, values, "mandate_extended", reason=call.data.get("instruction"))
    return mandate_view(mandate, _cycle(call, mandate))


def late_to_agenda(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair puts the late mandate on the committee's agenda as an escalation."""
    mandate = _load(call, params)
    instruction = call.data.get("instruction") or ""
    group = call.session.get(WorkingGroup, mandate.working_group_id)
    name = group.name if group is not None else mandate.working_group_id
    data = agenda.topic_data(
        kind="escalation",
        title=f"{name}: rapport laattijdig",
        summary=(
            f"{name} heeft haar rapport niet ingediend tegen "
            f"{dates.format_nl(mandate.due_date)}. Opdracht: {mandate.question}"
        ),
        question=instruction or "Hoe gaat het Stuurorgaan verder met deze opdracht?",
        impact=f"Op te leveren resultaat: {mandate.deliverable}",
        affected_entities=[],
        focus_domains=[mandate.focus_domain],
        origin_process=PROCESS,
        origin_case_id=call.case_id,
        origin_record={"mandate_id": mandate.id, "topic_case_id": mandate.topic_case_id},
    )
    return agenda.put_on_agenda(call, data, key=f"mandate-{mandate.id}-late")


def record_report(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The working group's report is in: status reported."""
    mandate = _load(call, params)
    recording.expect_status(mandate, _WORKING, "mandate")
    report = call.data.get("report")
    if not isinstance(report, str) or not report.strip():
        raise RecordError("the report text is missing")
    recommendations = call.data.get("recommendations")
    text = report if not recommendations else f"{report}\n\n{recommendations}"
    recording.update(
        call,
        mandate,
        {"status": "reported", "report": text, "reported_at": call.clock.now()},
        "mandate_reported",
        reason=_late_note(mandate.due_date, call.clock.now().date()),
    )
    return {"reported": True}


def proposal_to_agenda(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The secretariat's plain-language proposal goes back onto an agenda as a new topic."""
    mandate = _load(call, params)
    recording.expect_status(mandate, ("reported",), "mandate")
    data = call.data
    for name in ("title", "summary", "question", "impact"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise RecordError(f"the proposal has no {name}")
    proposal = f"{data['title']}\n\n{data['summary']}\n\n{data['question']}"
    recording.update(call, mandate, {"status": "bundled", "proposal": proposal}, "mandate_bundled")
    topic = agenda.topic_data(
        kind="topic",
        title=data["title"],
        summary=data["summary"],
        question=data["question"],
        impact=data["impact"],
        affected_entities=data.get("affected_entities") or [],
        focus_domains=[mandate.focus_domain],
        origin_process=PROCESS,
        origin_case_id=call.case_id,
        origin_record={"mandate_id": mandate.id, "topic_case_id": mandate.topic_case_id},
    )
    return agenda.put_on_agenda(call, topic, key=f"mandate-{mandate.id}-proposal")


def _late_note(due: date, on: date) -> str | None:
    return f"{(on - due).days} day(s) after the due date" if on > due else None


HANDLERS = {
    "workgroups/open_mandate": open_mandate,
    "workgroups/update_mandate": update_mandate,
    "workgroups/approve_mandate": approve_mandate,
    "workgroups/decline_mandate": decline_mandate,
    "workgroups/accept_mandate": accept_mandate,
    "workgroups/record_status": record_status,
    "workgroups/mark_late": mark_late,
    "workgroups/extend_mandate": extend_mandate,
    "workgroups/late_to_agenda": late_to_agenda,
    "workgroups/record_report": record_report,
    "workgroups/proposal_to_agenda": proposal_to_agenda,
}


def register(registry: Registry) -> None:
    """Add the handlers above under their operator names."""
    for name, handler in HANDLERS.items():
        registry.service(name)(handler)
