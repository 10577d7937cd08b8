"""The minutes as the meeting page and the meeting pack (page and PDF) show them once the
treatments are recorded: who was present, excused or absent by name and seat, whether the
quorum was met, and per item its vote (counts, open or secret, outcome, and for an open vote by
seat who voted how). A person both present and excused is refused on the task form and by the
API (422), and nothing is stored."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from processes.records.models import MeetingAttendance, Treatment, Vote
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import bearer, token_for
from tests.web.test_forms_nested import _task_id, _treatment_form
from tests.web.test_meetings import Scenario, at, pdf_content, planned, published


def _held(committee: Committee) -> Scenario:
    s = published(planned(committee))
    committee.advance_to(at(s.times()["starts_at"]) + timedelta(minutes=1))
    return s


def _nothing_stored(s: Scenario) -> None:
    with s.committee.engine.db.read() as session:
        for table in (Treatment, MeetingAttendance, Vote):
            assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_present_and_excused_at_once_is_refused_on_the_form_and_by_the_api(
    committee: Committee,
) -> None:
    s = _held(committee)
    task_id = _task_id(committee, s.meeting_case, "record_treatments")
    sara = s.client("sara")
    page = sara.get(f"/taken/{task_id}")
    assert "Verontschuldigd" in page.text
    form = _treatment_form(page.text)
    form.update(
        {
            "treatments-0-outcome": ["noted"],
            "treatments-1-outcome": ["noted"],
            "treatments-2-outcome": ["noted"],
            "attendance": ["chris", "mia"],
            "excused": ["mia"],
        }
    )
    refused = sara.post(f"/taken/{task_id}", data=form)
    assert refused.status_code == 422
    assert "Mia Wouters staat zowel bij de aanwezigen als bij verontschuldigd" in refused.text
    _nothing_stored(s)

    a, b, c = (s.items[t] for t in s.topics)
    api = s.app.test_client()
    response = api.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={
            "data": {
                "attendance": ["chris", "mia"],
                "excused": ["mia"],
                "treatments": [{"agenda_item_id": item, "outcome": "noted"} for item in (a, b, c)],
            }
        },
        headers=bearer(token_for(s.app, "sara")),
    )
    assert response.status_code == 422
    assert "Kies één van beide" in str(response.json["errors"]["excused"])
    _nothing_stored(s)


def test_the_pack_and_the_meeting_page_show_attendance_quorum_and_votes(
    committee: Committee,
) -> None:
    s = _held(committee)
    a, b, c = s.topics
    committee.complete(
        s.meeting_case,
        "record_treatments",
        {
            "attendance": ["chris", "mia"],
            "excused": ["mo"],
            "treatments": [
                {
                    "agenda_item_id": s.items[a],
                    "outcome": "decided",
                    "decision_text": "Zo beslist.",
                    "vote_held": True,
                    "voters_for": ["chris"],
                    "voters_against": ["mia"],
                },
                {
                    "agenda_item_id": s.items[b],
                    "outcome": "decided",
                    "decision_text": "Ook beslist.",
                    "vote_held": True,
                    "vote_secret": True,
                    "votes_for": 2,
                },
                {"agenda_item_id": s.items[c], "outcome": "noted"},
            ],
        },
        "sara",
    )
    mia = s.client("mia")
    pack = mia.get(f"/zittingen/{s.meeting_id}/bundel").text
    quorum = "Quorum bereikt: 2 van 3 zetels aanwezig"
    assert quorum in pack
    assert "<dd>Chris Maes (Voorzitter), Mia Wouters (Lid voor een beleidsdomein)</dd>" in pack
    assert "<dd>Mo El Amrani (Lokaal bestuur)</dd>" in pack
    assert "1 voor, 1 tegen, 0 onthoudingen (open stemming)" in pack
    assert "Uitslag: verworpen" in pack  # 1 for, 1 against: not more for than against
    assert "2 voor, 0 tegen, 0 onthoudingen (geheime stemming)" in pack
    assert "Uitslag: aangenomen" in pack
    assert "<dt>Voor</dt><dd>Chris Maes (Voorzitter)</dd>" in pack
    assert "<dt>Tegen</dt><dd>Mia Wouters (Lid voor een beleidsdomein)</dd>" in pack
    assert pack.count("<dt>Voor</dt>") == 1  # the secret vote names nobody

    pdf = pdf_content(mia.get(f"/zittingen/{s.meeting_id}/bundel.pdf").data)
    for said in (
        quorum,
        "Aanwezigheden en quorum",
        "Verontschuldigd",
        "Mo El Amrani (Lokaal bestuur)",
        "Stemming: 1 voor, 1 tegen, 0 onthoudingen (open stemming)",
        "Uitslag: verworpen",
        "Voor: Chris Maes (Voorzitter)",
        "Stemming: 2 voor, 0 tegen, 0 onthoudingen (geheime stemming)",
    ):
        escaped = said.replace("(", "\\(").replace(")", "\\)")  # as PDF strings write them
        assert escaped.encode("cp1252") in pdf, said

    page = s.client("sara").get(f"/zittingen/{s.meeting_id}").text
    assert quorum in page
    assert "1. A: aanmeldplatform" in page and "2. B: datastandaarden" in page
    assert "<dt>Tegen</dt><dd>Mia Wouters (Lid voor een beleidsdomein)</dd>" in page


def test_without_recorded_treatments_there_are_no_minutes(committee: Committee) -> None:
    s = _held(committee)
    pack = s.client("mia").get(f"/zittingen/{s.meeting_id}/bundel").text
    assert "Aanwezigheden en quorum" not in pack and "Quorum bereikt" not in pack
    assert "Aanwezigheden en quorum" not in s.client("sara").get(f"/zittingen/{s.meeting_id}").text
