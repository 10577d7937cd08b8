"""The meeting pack shows the quorum and, once the treatments are recorded, each item's vote
(secret or open) in words."""

from __future__ import annotations

from datetime import timedelta

from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.test_meetings import at, planned, published


def test_the_pack_shows_the_quorum_and_the_votes(committee: Committee) -> None:
    s = published(planned(committee))
    pack = s.client("mia").get(f"/zittingen/{s.meeting_id}/bundel").text
    assert "Quorum om te beslissen" in pack and "2 van de 3 leden aanwezig" in pack
    assert "Stemming:" not in pack
    s.committee.advance_to(at(s.times()["starts_at"]) + timedelta(minutes=1))
    a, b, c = s.topics
    s.committee.complete(
        s.meeting_case,
        "record_treatments",
        {
            "attendance": ["chris", "mia"],
            "treatments": [
                {
                    "agenda_item_id": s.items[a],
                    "outcome": "decided",
                    "decision_text": "Zo beslist.",
                    "vote_held": True,
                    "vote_secret": True,
                    "votes_for": 2,
                    "votes_against": 0,
                    "votes_abstain": 0,
                },
                {
                    "agenda_item_id": s.items[b],
                    "outcome": "decided",
                    "decision_text": "Ook beslist.",
                    "vote_held": True,
                    "votes_for": 1,
                    "votes_against": 1,
                },
                {"agenda_item_id": s.items[c], "outcome": "noted"},
            ],
        },
        "sara",
    )
    pack = s.client("mia").get(f"/zittingen/{s.meeting_id}/bundel").text
    assert "2 voor, 0 tegen, 0 onthoudingen (geheime stemming)" in pack
    assert "1 voor, 1 tegen, 0 onthoudingen (open stemming)</p>" in pack
    assert pack.count("Stemming:") == 2
