"""Service-task handlers of the topic process (``topic``) and of ``college_question``.

Each handler takes ``(call, params)`` and returns JSON-able data for the task's result variable.
Every change to a record or to who is responsible is written to the audit trail with
``call.record``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from marshmallow import ValidationError

from engine import SCHEDULER_ACTOR, SYSTEM_ACTOR, ServiceCall
from processes.records import dates
from processes.records.choices import organisation_rows
from processes.records.models import Meeting
from processes.records.notify import day_names, notify, role_holders
from processes.records.reference import AGENDA_KINDS
from processes.topics import screening
from processes.topics.forms import TopicSubmissionForm

Handler = Callable[[ServiceCall, dict[str, Any]], Any]

ENGINE_ACTORS = (SYSTEM_ACTOR.user_id, SCHEDULER_ACTOR.user_id)


def _change(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


# -- submission and screening ------------------------------------------------------------------


def register_submission(call: ServiceCall, params: dict[str, Any]) -> str | None:
    """Who submitted the topic: the user who started the case. A case another process started
    (through the engine) names its submitter in ``submitted_by``, or has none: None, and the
    secretariat then does what the submitter would."""
    if call.actor in ENGINE_ACTORS:
        submitted_by = call.data.get("submitted_by") or None
    else:
        submitted_by = call.actor
    call.record(
        "topic_submitted",
        changes={
            "submitted_by": _change(None, submitted_by),
            "kind": _change(None, call.data.get("kind", "topic")),
            "title": _change(None, call.data.get("title")),
        },
        reason=None if submitted_by else f"started by {call.actor} for another process",
    )
    return str(submitted_by) if submitted_by else None


ALIASES = {"question_or_proposal": "question"}
_SUBMISSION_FORM = TopicSubmissionForm()
"""Made once: a marshmallow schema keeps no state between loads, and making one costs more
than a load."""
"""Start-data names other processes use for the dossier fields (see processes.followup.agenda)."""


def dossier(data: dict[str, Any]) -> dict[str, Any]:
    """The submission as the topic start form defines it, from the case data.

    A case started by a person went through the form already; one started by another process
    (an escalation, a working group's proposal, a question from the college) did not, so fields
    it left out get the form's defaults and known aliases are mapped. Data the form refuses
    (too long, unknown codes) raises ValueError naming the fields: an incident to fix by retry.
    """
    form = _SUBMISSION_FORM
    raw = {name: data[name] for name in form.fields if data.get(name) is not None}
    for alias, name in ALIASES.items():
        if name not in raw and data.get(alias) is not None:
            raw[name] = data[alias]
    try:
        return form.dump(form.load(raw))
    except ValidationError as error:
        raise ValueError(
            f"the topic's data does not fit the submission form: {error.messages}"
        ) from error


def screening_facts(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Everything the admission table reads (variable ``screening_facts``): the dossier as the
    submission form defines it, and what lives outside it: is the topic in before the target
    meeting's agenda deadline, and which affected entities are known organisations.
    """
    facts = dossier(call.data)
    now = call.clock.now()
    received = dates.local_date(now)
    entities = [str(code) for code in facts["affected_entities"]]
    named = dict(organisation_rows(call.session, entities, names=True))
    found = set(named)
    meeting_id = facts["target_meeting_id"]
    facts.update(
        received_at=now.isoformat(),
        received_on=received.isoformat(),
        known_entities=[code for code in entities if code in found],
        known_entity_names=[named[code] for code in entities if code in found],
        unknown_entities=[code for code in entities if code not in found],
        meeting_id=meeting_id,
        meeting_date=None,
        agenda_deadline=None,
    )
    if meeting_id is None:
        return {**facts, "on_time": True, "reason": "no_target_meeting"}
    meeting = call.session.get(Meeting, int(meeting_id))
    if meeting is None:
        return {**facts, "on_time": False, "reason": "unknown_meeting"}
    facts["meeting_date"] = meeting.meeting_date.isoformat()
    facts["agenda_deadline"] = meeting.agenda_deadline.isoformat()
    if meeting.status != "planned":
        return {**facts, "on_time": False, "reason": "agenda_closed"}
    on_time = received <= meeting.agenda_deadline
    return {**facts, "on_time": on_time, "reason": "in_time" if on_time else "too_late"}


def record_screening(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Keep the admission decision with the case and in the audit trail: per condition met or
    not and why, the rule that matched, the verdict and the inputs."""
    result = screening.build(call.data, call.clock.now().isoformat())
    previous = call.data.get("screening") or {}
    call.record(
        "screening_recorded",
        changes={
            "verdict": _change(previous.get("verdict"), result["verdict"]),
            "rule": _change(previous.get("rule"), result["rule"]),
            "conditions": _change(
                {c["id"]: c["met"] for c in previous.get("conditions", [])} or None,
                {c["id"]: c["met"] for c in result["conditions"]},
            ),
            "inputs": _change(previous.get("inputs"), result["inputs"]),
        },
        reason=result["summary"]["nl"],
    )
    return result


# -- the chair's decision ----------------------------------------------------------------------


def plan_deferral(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """When a deferred topic comes back to the chair: 09:00 local on the chosen date.

    params: ``until`` (ISO date).
    """
    until = dates.parse_date(params["until"])
    if until is None:
        raise ValueError("a deferral needs a date")
    wake = dates.at_local(until, dates.MORNING)
    now = call.clock.now()
    if wake <= now:
        wake = now + timedelta(minutes=1)
    call.record(
        "topic_deferred",
        changes={"deferred_until": _change(None, until.isoformat())},
        reason=call.data.get("chair_reason") or None,
    )
    return {"until": until.isoformat(), "wake_at": wake.isoformat()}


# -- waiting for the treatment -----------------------------------------------------------------


def watch_outcome(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """When to chase a missing treatment outcome: `interval_days` after the meeting day, then
    every `interval_days` after each reminder.

    params: ``interval_days``.
    """
    interval = timedelta(days=int(params.get("interval_days") or 7))
    item = call.data.get("agenda_item") or {}
    previous = call.data.get("outcome_watch") or {}
    now = call.clock.now()
    if previous.get("agenda_item_id") == item.get("agenda_item_id"):
        rounds = int(previous.get("round", 0)) + 1
        check_at = now + interval
    else:
        rounds = 0
        meeting_day = dates.parse_date(item.get("meeting_date"))
        base = max(now, dates.end_of_day(meeting_day)) if meeting_day else now
        check_at = base + interval
        _tell_admitted(call, item, meeting_day)
    return {
        "agenda_item_id": item.get("agenda_item_id"),
        "meeting_id": item.get("meeting_id"),
        "round": rounds,
        "check_at": check_at.isoformat(),
    }


def _tell_admitted(call: ServiceCall, item: dict[str, Any], meeting_day: date | None) -> None:
    """The submitter hears that the topic is on a meeting's agenda (once per placement)."""
    submitted_by = call.data.get("submitted_by")
    if not submitted_by:
        return
    notify(
        call,
        [str(submitted_by)],
        event="admitted",
        template="topic_admitted",
        params={
            "title": _title(call),
            "meeting_title": str(item.get("meeting_title") or ""),
            "meeting_day": day_names(meeting_day),
            "item_kind": {
                language: text.lower()
                for language, text in AGENDA_KINDS.get(
                    str(item.get("kind")), AGENDA_KINDS["discussion"]
                ).items()
            },
        },
    )


def outcome_overdue(call: ServiceCall, params: dict[str, Any]) -> int:
    """No treatment outcome yet: remind the secretariat; from the second time on, also escalate
    to the chair. Returns how many reminders went out for this agenda item so far."""
    watch = call.data.get("outcome_watch") or {}
    item = call.data.get("agenda_item") or {}
    rounds = int(watch.get("round", 0)) + 1
    title = _title(call)
    task_name = {
        "nl": f"De uitkomst van de behandeling van „{title}” registreren",
        "en": f"Record the outcome of the treatment of “{title}”",
    }
    meeting_day = dates.parse_date(item.get("meeting_date"))
    notified = notify(
        call,
        role_holders(call, "secretariat"),
        event=f"outcome_overdue:{rounds}",
        template="reminder",
        params={
            "task_name": task_name,
            "case_title": title,
            "due_date": day_names(meeting_day),
        },
    )
    if rounds >= 2 and meeting_day is not None:
        overdue = (dates.local_date(call.clock.now()) - meeting_day).days
        notified += notify(
            call,
            role_holders(call, "chair"),
            event=f"outcome_escalated:{rounds}",
            template="escalation",
            params={
                "task_name": task_name,
                "case_title": title,
                "assignee": "",
                "days_overdue": max(overdue, 0),
            },
        )
    call.record(
        "treatment_outcome_overdue",
        changes={"reminders": _change(rounds - 1, rounds), "notified": _change(None, notified)},
    )
    return rounds


# -- after the treatment -----------------------------------------------------------------------


def _facts(call: ServiceCall) -> dict[str, Any]:
    return call.data.get("screening_facts") or dossier(call.data)


def _title(call: ServiceCall) -> str:
    return str(_facts(call).get("title") or f"dossier {call.case_id}")


def _focus_domain(call: ServiceCall, outcome: dict[str, Any]) -> str | None:
    domains = _facts(call).get("focus_domains") or []
    return outcome.get("focus_domain") or (domains[0] if domains else None)


def _start(call: ServiceCall, process_id: str, data: dict[str, Any], title: str, key: str) -> None:
    call.start_case(process_id, data, title=title[:200], key=key)
    call.record(
        "follow_up_started",
        changes={"process_id": _change(None, process_id), "data": _change(None, data)},
    )


def start_comply_or_explain(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """A binding decision with bound entities: start comply-or-explain for it."""
    outcome = call.data["outcome"]
    data = {
        "decision_id": outcome["decision_id"],
        "decision_text": outcome["decision_text"],
        "deadline": outcome["deadline"],
        "entities": list(outcome["entities"]),
        "focus_domain": _focus_domain(call, outcome),
        "source_case_id": call.case_id,
    }
    title = f"Pas toe of leg uit: {_title(call)}"
    _start(call, "comply_or_explain", data, title, f"decision-{outcome['decision_id']}")
    return {"process_id": "comply_or_explain", "data": data}


def start_working_group(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The committee gave the topic to a working group: start its assignment."""
    outcome = call.data["outcome"]
    data = {
        "topic_case_id": call.case_id,
        "working_group_id": outcome["working_group_id"],
        "question": outcome["wg_question"],
        "focus_domain": _focus_domain(call, outcome),
        "deliverable": outcome["wg_deliverable"],
        "due_date": outcome["wg_due_date"],
    }
    title = f"Werkgroep: {_title(call)}"
    _start(call, "working_group_assignment", data, title, f"item-{outcome['agenda_item_id']}")
    return {"process_id": "working_group_assignment", "data": data}


def start_escalation(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The committee escalates the topic to the Flemish Government."""
    outcome = call.data["outcome"]
    data = {
        "topic_case_id": call.case_id,
        "title": _title(call)[:200],
        "summary": outcome["escalation_summary"],
        "decision_needed": outcome["decision_needed"],
    }
    title = f"Escalatie: {_title(call)}"
    _start(call, "government_escalation", data, title, f"item-{outcome['agenda_item_id']}")
    return {"process_id": "government_escalation", "data": data}


def answer_question(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Send the committee's answer to the college of chairs: to the college's own case when it
    asked through ``college_question``, otherwise as a notification to the one who asked."""
    outcome = call.data.get("outcome") or {}
    answer = {
        "topic_case_id": call.case_id,
        "title": _title(call),
        "answer": call.data["answer"],
        "outcome": outcome.get("outcome"),
        "decision_text": outcome.get("decision_text"),
        "meeting_id": outcome.get("meeting_id"),
        "answered_by": call.actor,
        "answered_at": call.clock.now().isoformat(),
    }
    college_case = call.data.get("college_case_id")
    submitted_by = call.data.get("submitted_by")
    notified: list[str] = []
    if college_case is not None:
        call.send_message(int(college_case), "question_answered", answer)
    elif submitted_by:
        notified = notify(
            call,
            [str(submitted_by)],
            event="question_answered",
            template="task_assigned",
            params={
                "task_name": {
                    "nl": "Het antwoord van het Stuurorgaan lezen",
                    "en": "Read the steering committee's answer",
                },
                "case_title": _title(call),
                "assigned_by": {
                    "nl": "Het secretariaat van het Stuurorgaan",
                    "en": "The steering committee's secretariat",
                },
            },
        )
    call.record(
        "question_answered",
        changes={"answer": _change(None, answer["answer"]), "notified": _change(None, notified)},
        reason=f"to college case {college_case}" if college_case is not None else None,
    )
    return answer


# -- college_question --------------------------------------------------------------------------


def submit_college_question(call: ServiceCall, params: dict[str, Any]) -> str:
    """Start the topic case for a question of the college of chairs (kind ``question``); it
    goes through the same admission, and its answer comes back to this case."""
    fields = (
        "title",
        "question",
        "summary",
        "impact",
        "affected_entities",
        "focus_domains",
        "vrd2_priorities",
        "target_meeting_id",
    )
    form = TopicSubmissionForm()
    topic = form.dump(form.load({"kind": "question", **{k: call.data.get(k) for k in fields}}))
    topic.update(submitted_by=call.actor, college_case_id=call.case_id)
    call.start_case("topic", topic, title=topic["title"], key="question")
    call.record(
        "question_submitted",
        changes={"topic": _change(None, topic)},
    )
    return call.actor


def question_overdue(call: ServiceCall, params: dict[str, Any]) -> int:
    """The college still waits for an answer: remind the secretariat."""
    rounds = int(call.data.get("answer_reminders") or 0) + 1
    notified = notify(
        call,
        role_holders(call, "secretariat"),
        event=f"question_overdue:{rounds}",
        template="reminder",
        params={
            "task_name": {
                "nl": "Vraag van het Voorzitterscollege beantwoorden",
                "en": "Answer the question from the College of Chairs",
            },
            "case_title": str(call.data.get("title") or ""),
            "due_date": day_names(dates.local_date(call.clock.now())),
        },
    )
    call.record(
        "question_overdue",
        changes={"reminders": _change(rounds - 1, rounds), "notified": _change(None, notified)},
    )
    return rounds


SERVICES: dict[str, Handler] = {
    "topics/register_submission": register_submission,
    "topics/screening_facts": screening_facts,
    "topics/record_screening": record_screening,
    "topics/plan_deferral": plan_deferral,
    "topics/watch_outcome": watch_outcome,
    "topics/outcome_overdue": outcome_overdue,
    "topics/start_comply_or_explain": start_comply_or_explain,
    "topics/start_working_group": start_working_group,
    "topics/start_escalation": start_escalation,
    "topics/answer_question": answer_question,
    "topics/submit_college_question": submit_college_question,
    "topics/question_overdue": question_overdue,
}
