"""The notifications people wait for when a task of theirs appears (engine task hooks).

* the submitter, when the secretariat sends a topic back (with the conditions not met and the
  secretariat's note), and when the chair declines it (with the chair's reason);
* the chair, when a decision waits: admission to the agenda, a working group's mandate, an
  escalation dossier;
* an entity's contact people, when a new comply-or-explain obligation arrives.

Admission and the committee's decision reach the submitter from the steps that make them
(``topics.services.watch_outcome``, ``meetings.treatments``); new incidents reach the admins
from the engine itself.
"""

from __future__ import annotations

from typing import Any

from engine import Registry, ServiceCall
from engine.running.registry import NewTask
from processes.records import dates
from processes.records.models import Organisation
from processes.records.notify import day_names, notify, role_holders, task_names

CHAIR_DECISIONS = (
    ("topic", "chair_decision"),
    ("working_group_assignment", "approve_mandate"),
    ("government_escalation", "approve_dossier"),
)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _title(call: ServiceCall, task: NewTask) -> str:
    return task.case_title or _text(call.data.get("title")) or f"#{call.case_id}"


def failed_conditions(data: dict[str, Any]) -> list[dict[str, str]]:
    """The admission conditions a topic does not meet, each with why, in both languages."""
    conditions = (data.get("screening") or {}).get("conditions") or []
    reasons = []
    for condition in conditions:
        if condition.get("met"):
            continue
        label = condition.get("label") or {}
        why = condition.get("explanation") or {}
        reasons.append(
            {
                language: f"{label.get(language, '')}: {why.get(language, '')}".strip(": ")
                for language in ("nl", "en")
            }
        )
    return reasons


def sent_back(call: ServiceCall, task: NewTask) -> None:
    if not task.assignee:
        return
    notify(
        call,
        [task.assignee],
        event="sent_back",
        template="topic_sent_back",
        params={
            "title": _title(call, task),
            "reasons": failed_conditions(call.data),
            "note": _text(call.data.get("screening_note")),
            "task_name": task_names(task.name),
        },
    )


def declined(call: ServiceCall, task: NewTask) -> None:
    if not task.assignee:
        return
    notify(
        call,
        [task.assignee],
        event="declined",
        template="topic_declined",
        params={"title": _title(call, task), "reason": _text(call.data.get("chair_reason"))},
    )


def decision_waiting(call: ServiceCall, task: NewTask) -> None:
    users = [task.assignee] if task.assignee else role_holders(call, task.role, task.scope)
    notify(
        call,
        users,
        event="decision_waiting",
        template="decision_waiting",
        params={
            "task_name": task_names(task.name),
            "case_title": _title(call, task),
            "due_date": day_names(dates.local_date(task.due_at) if task.due_at else None),
        },
    )


def new_obligation(call: ServiceCall, task: NewTask) -> None:
    entity_id = _text(call.data.get("entity_id")) or task.scope
    organisation = call.session.get(Organisation, entity_id) if entity_id else None
    notify(
        call,
        role_holders(call, task.role, task.scope),
        event="obligation_new",
        template="obligation_new",
        params={
            "entity": organisation.name if organisation else (entity_id or ""),
            "decision_text": _text(call.data.get("decision_text")),
            "deadline": day_names(dates.parse_date(call.data.get("deadline"))),
            "task_name": task_names(task.name),
        },
    )


def register(registry: Registry) -> None:
    """Hook the notifications above to the tasks they announce."""
    registry.on_task("topic", "revise_submission")(sent_back)
    registry.on_task("topic", "acknowledge_decline")(declined)
    for process_id, element_id in CHAIR_DECISIONS:
        registry.on_task(process_id, element_id)(decision_waiting)
    registry.on_task("obligation", "answer_obligation")(new_obligation)
