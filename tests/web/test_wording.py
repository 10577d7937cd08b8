"""Words the pages use: one language per request for bilingual messages, plurals, and the
timeline's sentences (never an action key, a role id or a technical reason)."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.running.queries import AuditInfo, TaskInfo
from webapp import timeline
from webapp.errors import _one_language
from webapp.wording import days, one_language, vote_counts

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def entry(action: str, **extra) -> AuditInfo:
    values = dict(seq=1, at=AT, actor="sofie", on_behalf_of=None, action=action, case_id=1,
                  task_id=None, element_id=None, changes=None, reason=None)  # fmt: skip
    values.update(extra)
    return AuditInfo(**values)


def names(user_id: str | None) -> str:
    return {"sofie": "Sofie Peeters", "sara": "Sara Secretariaat"}.get(user_id or "", "?")


def test_bilingual_messages_in_the_request_language(app) -> None:
    message = "Alleen een besluit kan bindend zijn. / Only a decision can be binding."
    with app.test_request_context("/api/v1/tasks", headers={"Accept-Language": "en"}):
        assert one_language(message) == "Only a decision can be binding."
        assert _one_language({"x": [message], "y": {"0": [message]}}) == {
            "x": ["Only a decision can be binding."],
            "y": {"0": ["Only a decision can be binding."]},
        }
    with app.test_request_context("/api/v1/tasks", headers={"Accept-Language": "nl"}):
        assert one_language(message) == "Alleen een besluit kan bindend zijn."
        assert one_language("Geen schuine streep") == "Geen schuine streep"


def test_days_have_a_proper_plural(app) -> None:
    with app.test_request_context("/"):
        assert days(1) == "1 dag" and days(7) == "7 dagen"


def test_vote_counts_have_a_proper_plural(app) -> None:
    with app.test_request_context("/"):
        assert vote_counts(1, 0, 1) == "1 voor, 0 tegen, 1 onthouding"
        assert vote_counts(2, 1, 0) == "2 voor, 1 tegen, 0 onthoudingen"
    with app.test_request_context("/api/v1/tasks", headers={"Accept-Language": "en"}):
        assert vote_counts(1, 0, 1) == "1 for, 0 against, 1 abstention"
        assert vote_counts(2, 1, 3) == "2 for, 1 against, 3 abstentions"


def test_timeline_sentences_hide_keys_role_ids_and_technical_reasons(app) -> None:
    task = TaskInfo(**{**{f: None for f in TaskInfo.__dataclass_fields__}, "id": "t1",
                       "case_id": 1, "process_id": "topic", "element_id": "chair_decision",
                       "name": "Beslissen over agendering", "role": "chair", "state": "ready"})  # fmt: skip
    trail = [
        entry("case_started", reason="version 1"),
        entry("topic_submitted"),
        entry("case_data_changed"),
        entry("task_created", actor="system", task_id="t1", reason="for chair"),
        entry(
            "topic_deferred",
            actor="chris",
            changes={"deferred_until": {"after": "2027-01-21"}},
            reason="Eerst het advies afwachten.",
        ),
        entry("incident_raised", actor="system", reason="NameError: name 'x' is not defined"),
        entry("something_new_and_unknown", reason="agenda item 6"),
    ]
    with app.test_request_context("/"):
        shown = timeline.moments(trail, [task], names)
        admin = timeline.moments(trail, [task], names, admin=True)
    sentences = [m.sentence for m in reversed(shown)]
    assert sentences == [
        "Sofie Peeters startte het dossier.",
        "Sofie Peeters diende het onderwerp in.",
        "De taak „Beslissen over agendering” staat klaar (voorzitter).",
        "De voorzitter stelde het onderwerp uit tot 21 jan 2027.",
        "Een automatische stap liep mis. De beheerder is verwittigd en lost het op.",
        "Er is een stap in het dossier vastgelegd.",
    ]
    reasons = [m.reason for m in reversed(shown)]
    assert reasons == [None, None, None, "Eerst het advies afwachten.", None, None]
    assert all(m.technical is None for m in shown)
    assert [m.technical for m in admin if m.technical] == ["NameError: name 'x' is not defined"]
