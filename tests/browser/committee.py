"""Shortcuts through the engine for what a browser test needs as a precondition (a meeting, an
admitted topic, a held meeting, a recorded decision). The steps themselves are walked through
the pages in test_story.py; these only set the scene for the other tests, quickly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from processes.records import dates
from tests.browser.conftest import Site
from tests.processes_fixtures import Committee

_NUMBERS = count(1)


def committee(site: Site) -> Committee:
    return Committee(site.engine, site.clock)


def unique(text: str) -> str:
    """`text` with a number no other test uses (tests share one server)."""
    return f"{text} {next(_NUMBERS)}-{datetime.now().strftime('%H%M%S%f')}"


def meeting_date(site: Site, days: int = 24) -> date:
    """A meeting day `days` from the test clock's today: after the default agenda deadline."""
    return dates.local_date(site.clock.now()) + timedelta(days=days)


def topic_data(title: str, **changes: Any) -> dict[str, Any]:
    """An admissible topic (every admission condition met)."""
    data: dict[str, Any] = {
        "kind": "topic",
        "title": title,
        "summary": "Lokale besturen bouwen elk een eigen aanmelding; we stellen één platform voor.",
        "question": "Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.",
        "impact": "Minder dubbel werk, één aanmelding voor de burger.",
        "affected_entities": ["dep-omg", "gem-gent"],
        "focus_domains": ["common_counter_functions"],
        "vrd2_priorities": ["mijn_burgerprofiel"],
        "reuses_generic_components": True,
        "creates_generic_components": False,
    }
    data.update(changes)
    return data


def plan_meeting(site: Site, title: str | None = None) -> tuple[int, int]:
    """A meeting planned by the secretariat; returns (meeting case id, meeting id)."""
    case, meeting_id = committee(site).plan_meeting(
        meeting_date(site), title=title or unique("Zitting")
    )
    return case.id, meeting_id


def admitted_topic(site: Site, meeting_id: int, title: str, submitter: str = "sofie") -> int:
    """A topic submitted, screened and admitted to the meeting; returns its case id."""
    board = committee(site)
    case = board.start("topic", topic_data(title, target_meeting_id=meeting_id), submitter)
    board.complete(case.id, "confirm_screening", {}, "sara")
    board.complete(
        case.id,
        "chair_decision",
        {"chair_decision": "admit", "chair_meeting_id": meeting_id,
         "chair_item_kind": "decision", "chair_public": True},
        "chris",
    )  # fmt: skip
    return case.id


def freeze_agenda(site: Site, meeting_case: int) -> None:
    """Move the clock to the agenda deadline (the agenda freezes; *order* becomes ready)."""
    meeting = committee(site).case(meeting_case).data["meeting"]
    site.advance_to(datetime.fromisoformat(meeting["freeze_at"]).astimezone(UTC))
    site.advance(minutes=2)


def hold_meeting(site: Site, meeting_case: int, *, publish: bool = True) -> None:
    """From a planned meeting to its *record treatments* task: freeze, publish, meeting day."""
    board = committee(site)
    meeting = board.case(meeting_case).data["meeting"]
    freeze_agenda(site, meeting_case)
    if publish:
        board.complete(meeting_case, "order_agenda", {}, "sara")
    site.advance_to(datetime.fromisoformat(meeting["starts_at"]).astimezone(UTC))
    site.advance(minutes=1)
    board.task(meeting_case, "record_treatments")


def agenda_item(site: Site, topic_case: int) -> int:
    return int(committee(site).case(topic_case).data["agenda_item"]["agenda_item_id"])


def record_binding_decision(
    site: Site, meeting_case: int, topic_case: int, decision: str, entities: list[str]
) -> None:
    """The secretariat records a binding decision for the topic's agenda item (through the
    engine: see test_story.py for why)."""
    deadline = dates.local_date(site.clock.now()) + timedelta(days=90)
    committee(site).complete(
        meeting_case,
        "record_treatments",
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": [
                {
                    "agenda_item_id": agenda_item(site, topic_case),
                    "outcome": "decided",
                    "decision_text": decision,
                    "binding": True,
                    "deadline": deadline.isoformat(),
                    "bound_entities": entities,
                }
            ],
        },
        "sara",
    )


def obligation_case(site: Site, topic_case: int, organisation: str) -> int:
    """The per-entity follow-up case of the topic's decision for one organisation."""
    from sqlalchemy import select

    from processes.records.followup import Obligation

    decision_id = int(committee(site).case(topic_case).data["outcome"]["decision_id"])
    with site.engine.db.read() as session:
        found = session.execute(
            select(Obligation.entity_case_id).where(
                Obligation.decision_id == decision_id, Obligation.organisation_id == organisation
            )
        ).scalar_one()
    assert found is not None
    return int(found)
