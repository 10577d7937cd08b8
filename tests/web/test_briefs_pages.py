"""Briefs on the pages: above the form on the task page, with the inline form on the case page,
in the API's task description (structured, in the request's language); the case page's outcome
and links both ways; the search box of *Dossiers*."""

from __future__ import annotations

import re
from datetime import date

from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import admit, hold_meeting, item_of, topic_data, treat
from tests.web.conftest import bearer, sign_in, token_for
from tests.web.test_meetings import web_app


def visible(html: str) -> str:
    """The page's text, roughly as a person reads it."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_screening_task_shows_the_topic_and_every_condition(committee: Committee) -> None:
    app = web_app(committee)
    case = committee.start("topic", topic_data(title="Eén loket voor subsidies"), "sofie")
    task = committee.task(case.id, "confirm_screening")
    client = app.test_client()
    sign_in(client, "sara")
    page = client.get(f"/taken/{task.id}")
    assert page.status_code == 200
    text = visible(page.text)
    assert text.index("Screening") < text.index("Opmerking bij de screening")  # above the form
    for label in ("Dient een prioriteit van het strategisch plan", "Transversaal",
                  "Dossier volledig", "Tijdig ingediend voor de gewenste zitting"):  # fmt: skip
        assert label in text
    assert "Eén loket voor subsidies" in text
    assert "Stad Gent" in text and "gem-gent" not in text
    case_page = visible(client.get(f"/dossiers/{case.id}").text)
    assert "Oordeel van de regels" in case_page  # the inline form has its brief too


def test_the_api_describes_the_task_with_its_brief(committee: Committee) -> None:
    app = web_app(committee)
    committee.plan_meeting(date(2026, 3, 26))
    case = committee.start("topic", topic_data(), "sofie")
    committee.complete(case.id, "confirm_screening", {}, "sara")
    task = committee.task(case.id, "chair_decision")
    client = app.test_client()
    headers = bearer(token_for(app, "chris"))
    dutch = client.get(f"/api/v1/tasks/{task.id}", headers=headers).get_json()
    sections = {s["label"]: s for s in dutch["brief"]["sections"]}
    meetings = sections["Zittingen die nog onderwerpen aannemen"]["facts"]
    assert meetings == [
        {"label": "Zitting van 26 maart 2026", "value": "agenda sluit op 16 maart 2026",
         "verdict": None, "link": {"kind": "meeting", "id": meetings[0]["link"]["id"]}}
    ]  # fmt: skip
    english = client.get(
        f"/api/v1/tasks/{task.id}", headers={**headers, "Accept-Language": "en"}
    ).get_json()
    labels = [s["label"] for s in english["brief"]["sections"]]
    assert labels == ["The dossier", "Screening", "Meetings still taking topics"]
    assert english["brief"]["sections"][2]["facts"][0]["value"] == "agenda closes on 16 March 2026"


def test_a_topic_page_says_its_outcome_and_links_the_working_group_both_ways(
    committee: Committee,
) -> None:
    app = web_app(committee)
    meeting_case, meeting_id = committee.plan_meeting(date(2026, 3, 26))
    topic = committee.start("topic", topic_data(title="Datastandaarden"), "sofie").id
    admit(committee, topic, meeting_id)
    client = app.test_client()
    sign_in(client, "sara")
    page = visible(client.get(f"/dossiers/{topic}").text)
    assert "Geagendeerd op de zitting van 26 maart 2026, ter beslissing." in page
    hold_meeting(committee, meeting_case.id, date(2026, 3, 26))
    treat(committee, meeting_case.id, [{
        "agenda_item_id": item_of(committee, topic), "outcome": "working_group",
        "working_group_id": "wg-data", "wg_question": "Welke standaarden?",
        "wg_deliverable": "Een lijst", "wg_due_date": "2026-06-30"}])  # fmt: skip
    [assignment] = committee.cases("working_group_assignment")
    sign_in(client, "sara")  # days went by: a new session
    html = client.get(f"/dossiers/{topic}").text
    assert "Naar werkgroep Data." in visible(html)
    assert f'href="/dossiers/{assignment.id}"' in html
    back = client.get(f"/dossiers/{assignment.id}").text
    assert f'href="/dossiers/{topic}"' in back
    assert "Werkgroep Data, rapport tegen 30 juni 2026." in visible(back)


def test_dossiers_can_be_searched_without_javascript(committee: Committee) -> None:
    app = web_app(committee)
    committee.start("topic", topic_data(title="Cloudbeleid"), "sofie")
    committee.start("topic", topic_data(title="Datastandaarden",
                                        summary="Over OSLO-standaarden."), "sofie")  # fmt: skip
    client = app.test_client()
    sign_in(client, "sara")
    found = visible(client.get("/dossiers?q=oslo").text)
    assert "Datastandaarden" in found and "Cloudbeleid" not in found
    assert 'value="oslo"' in client.get("/dossiers?q=oslo").text
    everything = visible(client.get("/dossiers").text)
    assert "Datastandaarden" in everything and "Cloudbeleid" in everything
    assert "Geen dossiers gevonden" in visible(client.get("/dossiers?q=100%25_x").text)
