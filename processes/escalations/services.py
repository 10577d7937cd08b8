"""Service tasks of the escalation to the Flemish Government: the dossier through its life, and
what the answer starts (comply-or-explain, or a new escalation topic for the committee)."""

from __future__ import annotations

from typing import Any

from engine import Registry, ServiceCall
from processes.escalations.forms import (
    ANSWER_OPTIONS,
    PROCESS,
    EscalationStartForm,
    PrepareDossierForm,
    RecordAnswerForm,
)
from processes.followup import agenda, recording
from processes.followup.recording import RecordError
from processes.records.followup import EscalationDossier

FOLLOWUP_PROCESS = "comply_or_explain"

_ANSWER_NL = {code: nl.lower() for code, (nl, _en) in ANSWER_OPTIONS.items()}


def dossier_view(dossier: EscalationDossier) -> dict[str, Any]:
    """What the model reads from case data: `dossier["id"]`, the status and the committee
    decision it belongs to (`dossier["decision_id"]`, None until known: the gateway *Besluit
    gekend?* reads it, since a case the meeting started has no `decision_id` variable)."""
    return {"id": dossier.id, "status": dossier.status, "decision_id": dossier.decision_id}


def _load(call: ServiceCall, params: dict[str, Any]) -> EscalationDossier:
    dossier = recording.load(
        call.session, EscalationDossier, params.get("dossier_id"), "escalation dossier"
    )
    if dossier.case_id != call.case_id:
        raise RecordError(f"escalation dossier {dossier.id} belongs to case {dossier.case_id}")
    return dossier


def open_dossier(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Record the escalation dossier from the start data (status draft)."""
    terms = recording.validated(EscalationStartForm, call.data, "escalation")
    now = call.clock.now()
    dossier = EscalationDossier(
        case_id=call.case_id,
        topic_case_id=terms["topic_case_id"],
        decision_id=terms.get("decision_id"),
        title=terms["title"],
        summary=terms["summary"],
        decision_needed=terms["decision_needed"],
        status="draft",
        created_at=now,
        updated_at=now,
    )
    recording.create(call, dossier, "escalation_dossier_opened")
    return dossier_view(dossier)


def save_dossier(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the secretariat's text of the dossier."""
    dossier = _load(call, params)
    recording.expect_status(dossier, ("draft",), "escalation dossier")
    text = recording.validated(PrepareDossierForm, call.data, "escalation dossier")
    recording.update(call, dossier, text, "escalation_dossier_prepared")
    return dossier_view(dossier)


def approve_dossier(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair approved the dossier."""
    dossier = _load(call, params)
    recording.expect_status(dossier, ("draft",), "escalation dossier")
    recording.update(
        call,
        dossier,
        {"status": "approved", "approved_at": call.clock.now(), "approved_by": call.actor},
        "escalation_dossier_approved",
        reason=call.data.get("dossier_comment"),
    )
    return dossier_view(dossier)


def send_dossier(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Record that the dossier went to the Flemish Government."""
    dossier = _load(call, params)
    recording.expect_status(dossier, ("approved",), "escalation dossier")
    recording.update(
        call,
        dossier,
        {"status": "sent", "sent_at": call.clock.now()},
        "escalation_dossier_sent",
        reason="to the Flemish Government",
    )
    return dossier_view(dossier)


def store_answer(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Record the Flemish Government's answer (status answered)."""
    dossier = _load(call, params)
    recording.expect_status(dossier, ("sent",), "escalation dossier")
    answer = recording.validated(RecordAnswerForm, call.data, "answer")
    changes: dict[str, Any] = {
        "status": "answered",
        "answer": answer["answer"],
        "answer_text": answer["answer_text"],
        "answered_on": answer["answered_on"],
        "answered_at": call.clock.now(),
    }
    if answer["answer"] == "binding_agreement" and answer.get("decision_id") is not None:
        # the liaison named the committee decision: *Besluit koppelen* is not needed
        changes["decision_id"] = answer["decision_id"]
    recording.update(
        call, dossier, changes, "escalation_answered", reason=_ANSWER_NL[answer["answer"]]
    )
    return dossier_view(dossier)


def start_followup(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """A binding agreement: start comply-or-explain for the entities it binds."""
    dossier = _load(call, params)
    recording.expect_status(dossier, ("answered",), "escalation dossier")
    if dossier.answer != "binding_agreement":
        raise RecordError(f"escalation dossier {dossier.id} was answered {dossier.answer!r}")
    answer = recording.validated(RecordAnswerForm, call.data, "binding agreement")
    decision_id = call.data.get("decision_id")
    if decision_id is None:
        decision_id = dossier.decision_id
    if isinstance(decision_id, bool) or not isinstance(decision_id, int):
        raise RecordError("a binding agreement needs the committee decision it belongs to")
    recording.update(call, dossier, {"decision_id": decision_id}, "escalation_dossier_linked")
    data = {
        "decision_id": decision_id,
        "decision_text": answer["answer_text"],
        "deadline": answer["deadline"].isoformat(),
        "entities": answer["entities"],
        "focus_domain": answer["focus_domain"],
        "source_case_id": call.case_id,
    }
    title = f"Pas toe of leg uit: {dossier.title}"
    call.start_case(FOLLOWUP_PROCESS, data, title=title, key=f"dossier-{dossier.id}")
    call.record(
        "followup_requested",
        changes={"comply_or_explain": {"before": None, "after": data}},
        reason=f"binding agreement of escalation dossier {dossier.id}",
    )
    return {"process": FOLLOWUP_PROCESS, "entities": len(answer["entities"])}


def return_to_committee(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """A refusal or an amendment goes back onto the committee's agenda as an escalation."""
    dossier = _load(call, params)
    recording.expect_status(dossier, ("answered",), "escalation dossier")
    label = _ANSWER_NL.get(dossier.answer or "", dossier.answer or "antwoord")
    data = agenda.topic_data(
        kind="escalation",
        title=f"Antwoord Vlaamse Regering ({label}): {dossier.title}",
        summary=f"{dossier.summary}\n\nAntwoord van de Vlaamse Regering: {dossier.answer_text}",
        question=(
            f"De Vlaamse Regering antwoordde met een {label}. "
            f"Oorspronkelijk gevraagde beslissing: {dossier.decision_needed}"
        ),
        impact="Het Stuurorgaan beslist hoe het verder gaat na het antwoord.",
        affected_entities=[],
        focus_domains=[],
        origin_process=PROCESS,
        origin_case_id=call.case_id,
        origin_record={"dossier_id": dossier.id, "topic_case_id": dossier.topic_case_id},
    )
    return agenda.put_on_agenda(call, data, key=f"dossier-{dossier.id}-answer")


HANDLERS = {
    "escalations/open_dossier": open_dossier,
    "escalations/save_dossier": save_dossier,
    "escalations/approve_dossier": approve_dossier,
    "escalations/send_dossier": send_dossier,
    "escalations/store_answer": store_answer,
    "escalations/start_followup": start_followup,
    "escalations/return_to_committee": return_to_committee,
}


def register(registry: Registry) -> None:
    """Add the handlers above under their operator names."""
    for name, handler in HANDLERS.items():
        registry.service(name)(handler)
