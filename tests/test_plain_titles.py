"""Names, not numbers, in what the processes write for people (issue 8, point 2 and 5): a
meeting whose agenda closed is named by its title; decisions and topics are named by title in
the pickers (see tests/test_story_escalation.py for case titles along the escalation path)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from processes.meetings.agenda import add_agenda_item
from processes.records import choices, titles
from processes.records.choices import CaseContext
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401


def test_a_closed_agenda_is_refused_with_the_meeting_named_not_numbered(
    committee: Committee,
) -> None:
    decided = committee.decided_topic()  # its meeting is held
    with committee.engine.db.write() as session:
        call: Any = SimpleNamespace(session=session, case_id=decided.topic_case_id)
        refused = add_agenda_item(call, {"meeting_id": decided.meeting_id})
        missing = add_agenda_item(call, {"meeting_id": 4242})
    assert refused["placed"] is False
    assert refused["reason"]["nl"] == (
        "De agenda van de zitting „Zitting van 22 januari 2026” is al afgesloten; kies een "
        "latere zitting."
    )
    assert str(decided.meeting_id) not in refused["reason"]["nl"]
    assert "4242" not in missing["reason"]["nl"] and "4242" not in missing["reason"]["en"]


def test_topics_are_named_by_title_and_organisation_and_the_case_s_own_comes_first(
    committee: Committee,
) -> None:
    first = committee.decided_topic("Budget voor VRD2")
    second = committee.decided_topic("Cloudbeleid", meeting_date=date(2026, 2, 26))
    with committee.engine.db.read() as session:
        plain = choices.options(session, "topics", "nl")
        ranked = choices.options(
            session, "topics", "en", CaseContext(None, {"topic_case_id": first.topic_case_id})
        )
        decisions = choices.options(session, "decisions", "nl")
    assert [o.label for o in plain] == [
        "Cloudbeleid (Departement Omgeving)",
        "Budget voor VRD2 (Departement Omgeving)",
    ]
    assert [(o.value, o.group) for o in ranked] == [
        (str(first.topic_case_id), "Related to this case"),
        (str(second.topic_case_id), "Other topics"),
    ]
    assert [o.label for o in decisions] == [  # newest meeting first
        "Cloudbeleid (zitting van 26 februari 2026)",
        "Budget voor VRD2 (zitting van 22 januari 2026)",
    ]


def test_long_titles_are_cut_after_a_whole_word() -> None:
    long = "Afsprakenkader voor het gebruik van publieke cloudtoepassingen door alle besturen"
    assert titles.short(long, 40) == "Afsprakenkader voor het gebruik van…"
    assert titles.short("  Kort   en\ngoed ") == "Kort en goed"
    assert len(titles.short("x" * 200)) == titles.SHORT
