"""Decisions and topics are chosen by name, never typed as numbers (issue 8, point 2).

*Besluit koppelen* (and the government liaison's answer) offer the committee's decisions in a
labelled select, by the title of the agenda item and the meeting's date, those of the escalated
topic's meeting first; the start forms that name a topic offer the topics by title and the
submitter's organisation. The API keeps taking the ids and refuses unknown ones, field named.
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import html as lxml_html

from processes.records import dates
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_story_escalation import CLOUD, answer, escalated_at_a_meeting
from tests.web.conftest import sign_in, token_for
from tests.web.test_meetings import web_app
from tests.web.test_pickers import page_form, title


def select_of(page: str, name: str) -> Any:
    tree = lxml_html.fromstring(page)
    [select] = tree.xpath(f"//select[@name='{name}']")
    label = tree.xpath(f"//label[@for='{select.get('id')}']")
    assert label, f"the select {name} has no label"
    return select


def test_the_secretariat_links_the_decision_from_a_select(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    escalation, _topic = escalated_at_a_meeting(committee)
    committee.complete(escalation, "record_answer", answer(committee), "gert")
    task = committee.task(escalation, "link_decision")
    other = committee.decided_topic("Opleidingsplan digitale vaardigheden", "Een plan.")

    client = web_app(committee).test_client()
    sign_in(client, "sara")
    page = client.get(f"/taken/{task.id}").text
    select = select_of(page, "decision_id")
    assert not lxml_html.fromstring(page).xpath("//input[@name='decision_id']")
    groups = [
        (g.get("label"), [o.text for o in g.xpath("./option")]) for g in select.xpath("./optgroup")
    ]
    assert groups == [
        ("Over dit onderwerp of van dezelfde zitting", [f"{CLOUD} (zitting van 26 maart 2026)"]),
        (
            "Andere besluiten",
            ["Opleidingsplan digitale vaardigheden (zitting van 22 januari 2026)"],
        ),
    ]
    placeholder = select.xpath("./option")
    assert [o.text for o in placeholder] == ["— kies —"]  # a prompt, no "no decision" choice
    label = lxml_html.fromstring(page).xpath(f"//label[@for='{select.get('id')}']")[0]
    assert "Besluit van het Stuurorgaan" in label.text_content()

    # the brief names decisions by their title, not by number
    assert "Besluit 1" not in page and "besluit 1," not in page

    form = page_form(page)
    chosen = select.xpath("./optgroup[1]/option/@value")[0]
    assert chosen != str(other.decision_id)
    form["decision_id"] = [chosen]
    done = client.post(f"/taken/{task.id}", data=form)
    assert done.status_code == 302, title(done.text)
    assert committee.case(escalation).status == "completed"
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["decision_id"] == int(chosen)

    # the follow-up's case page names the decision (and the escalation's names the topic)
    shown = lxml_html.fromstring(client.get(f"/dossiers/{followup.id}").text).text_content()
    assert f"{CLOUD} (zitting van 26 maart 2026)" in shown
    escalated = lxml_html.fromstring(client.get(f"/dossiers/{escalation}").text).text_content()
    assert "Budget voor VRD2 (Departement Omgeving)" in escalated

    # the comply-or-explain register names it the same way, not "Besluit 3"
    register = lxml_html.fromstring(client.get("/pas-toe-of-leg-uit").text)
    [meta] = register.xpath("//span[contains(@class, 'decision-meta')]")
    assert meta.text_content().startswith(f"{CLOUD} (zitting van 26 maart 2026) · ")


def test_an_unknown_decision_is_refused_on_the_page_and_in_the_api(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    escalation, _topic = escalated_at_a_meeting(committee)
    committee.complete(escalation, "record_answer", answer(committee), "gert")
    task = committee.task(escalation, "link_decision")
    app = web_app(committee)

    client = app.test_client()
    sign_in(client, "sara")
    form = page_form(client.get(f"/taken/{task.id}").text)
    form["decision_id"] = ["4242"]
    refused = client.post(f"/taken/{task.id}", data=form)
    assert refused.status_code == 422 and title(refused.text).startswith("Fout: ")
    assert "Onbekend besluit: 4242. Kies een besluit uit de lijst." in refused.text
    assert committee.task(escalation, "link_decision").state == "ready"

    headers = {"Authorization": f"Bearer {token_for(app, 'sara')}"}
    api = app.test_client()
    url = f"/api/v1/tasks/{task.id}/complete"
    bad = api.post(url, json={"data": {"decision_id": 4242}}, headers=headers)
    assert bad.status_code == 422
    assert list(bad.json["errors"]) == ["decision_id"]
    described = api.get(f"/api/v1/tasks/{task.id}", headers=headers).json
    [field] = [f for f in described["form"] if f["name"] == "decision_id"]
    assert field["kind"] == "select" and field["choices"]
    good = api.post(
        url, json={"data": {"decision_id": int(field["choices"][0][0])}}, headers=headers
    )
    assert good.status_code == 200, good.json
    assert committee.case(escalation).status == "completed"


def test_a_topic_is_chosen_by_title_and_organisation_when_starting_an_escalation(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    decided = committee.decided_topic("Budget voor VRD2")
    client = web_app(committee).test_client()
    sign_in(client, "sara")
    page = client.get("/dossiers/nieuw/government_escalation").text
    select = select_of(page, "topic_case_id")
    labels = [o.text for o in select.xpath(".//option")]
    assert "Budget voor VRD2 (Departement Omgeving)" in labels
    values = select.xpath(".//option/@value")
    assert str(decided.topic_case_id) in values
    decisions = [o.text for o in select_of(page, "decision_id").xpath(".//option")]
    assert "Budget voor VRD2 (zitting van 22 januari 2026)" in decisions
