"""Putting something back on the committee's agenda: starting a `topic` case.

The follow-up processes return to the committee by starting a submission of the `topic` process
(kind ``topic`` for a working group's proposal, kind ``escalation`` for a refusal, an amendment,
a rejected explanation or an overdue answer). The start data is checked against the topic
submission form itself (:class:`processes.topics.forms.TopicSubmissionForm`), because a case
started by another case skips form validation; texts are shortened to what that form allows.
It names where it came from (``origin``) but no submitter: the topic process then lets the
secretariat complete or withdraw the dossier if the admission screening finds it lacking. Who
put it on the agenda is in this case's audit trail. The case starts once the current step has
committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from marshmallow import ValidationError

from engine import ServiceCall
from processes.followup.recording import RecordError
from processes.topics.forms import TopicSubmissionForm

TOPIC_PROCESS = "topic"
Kind = Literal["topic", "escalation"]

_TITLE_MAX = 200
_TEXT_MAX = 4000
_ENTITIES_MAX = 50


def topic_data(
    *,
    kind: Kind,
    title: str,
    summary: str,
    question: str,
    impact: str,
    affected_entities: Sequence[str],
    focus_domains: Sequence[str | None],
    origin_process: str,
    origin_case_id: int,
    origin_record: dict[str, Any],
) -> dict[str, Any]:
    """The start data of a topic submission coming from a follow-up process."""
    submission = {
        "kind": kind,
        "title": clip(title, _TITLE_MAX),
        "summary": clip(summary, _TEXT_MAX),
        "question": clip(question, _TEXT_MAX),
        "impact": clip(impact, _TEXT_MAX),
        "affected_entities": list(dict.fromkeys(affected_entities))[:_ENTITIES_MAX],
        "focus_domains": list(dict.fromkeys(d for d in focus_domains if d)),
    }
    form = TopicSubmissionForm()
    try:
        data = form.dump(form.load(submission))
    except ValidationError as error:
        raise RecordError(f"not a valid topic submission: {error.normalized_messages()}") from error
    data["origin"] = {"process": origin_process, "case_id": origin_case_id, **origin_record}
    return data


def put_on_agenda(call: ServiceCall, data: dict[str, Any], key: str) -> dict[str, Any]:
    """Start the topic case after this step commits; audit the request; return a summary for
    the case data."""
    call.start_case(TOPIC_PROCESS, data, title=data["title"], key=key)
    call.record(
        "agenda_requested",
        changes={
            "topic": {"before": None, "after": {"kind": data["kind"], "title": data["title"]}}
        },
        reason=f"start {TOPIC_PROCESS} ({data['kind']}) from {call.process_id} {call.case_id}",
    )
    return {"process": TOPIC_PROCESS, "kind": data["kind"], "title": data["title"]}


def clip(text: str | None, limit: int) -> str:
    """`text` cut to `limit` characters (with an ellipsis when cut)."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
