"""*Projecten*: the register's pages and API (webapp/projects.py, webapp/api/projects.py): the
list with its filters, one project with its milestones, reports and topics, 404 for an unknown
project and for users who may not see the register, the secretariat's *Nieuw project* form
(errors keep what was typed and store nothing), starting the follow-up, and the owner's task
page with the project's facts and a row per milestone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import func, select

from processes.records.steering import Project
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_project import PROCESS, followed, registered, report_data
from tests.web.conftest import bearer, csrf_of, sign_in, token_for
from tests.web.test_meetings import web_app


@pytest.fixture(name="site")
def site_fixture(committee: Committee) -> Flask:
    return web_app(committee)


def client_for(app: Flask, user_id: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user_id)
    return client


def text_of(page: Any) -> str:
    return " ".join(lxml_html.fromstring(page.text).text_content().split())


def count_projects(committee: Committee) -> int:
    with committee.engine.db.read() as session:
        return session.execute(select(func.count()).select_from(Project)).scalar_one()


def test_the_list_shows_projects_in_words_and_filters_them(
    committee: Committee, site: Flask
) -> None:
    registered(committee)
    registered(committee, title="Archief in de cloud", vrd2=False, focus_domains=["innovation"],
               owner_organisation_id="fb", milestones=[])  # fmt: skip
    client = client_for(site, "mia")  # a member
    page = client.get("/projecten")
    assert page.status_code == 200
    shown = text_of(page)
    assert "Omgevingsloket 2.0" in shown and "Archief in de cloud" in shown
    assert "Departement Omgeving" in shown and "Facilitair Bedrijf" in shown
    assert "€ 1.000.000" in shown and "Gepland" in shown
    assert "Analyse klaar" in shown and "30 apr 2026" in shown
    assert "common_counter_functions" not in shown and "dep-omg" not in shown
    assert "Gemeenschappelijke loketfunctionaliteiten" in shown
    only_vrd2 = text_of(client.get("/projecten?vrd2=ja"))
    assert "Omgevingsloket 2.0" in only_vrd2 and "Archief in de cloud" not in only_vrd2
    by_domain = text_of(client.get("/projecten?domein=innovation"))
    assert "Archief in de cloud" in by_domain and "Omgevingsloket 2.0" not in by_domain
    running = text_of(client.get("/projecten?status=running"))
    assert "Geen projecten gevonden" in running
    assert "Nieuw project registreren" not in shown  # members read, the secretariat registers


def test_a_project_page_shows_all_its_facts_reports_and_topics(
    committee: Committee, site: Flask
) -> None:
    project_id, case_id = followed(committee)
    committee.complete(case_id, "progress_report",
                       report_data(committee, project_id, budget_spent=1_180_000), "sofie")  # fmt: skip
    [topic] = [c for c in committee.cases("topic") if c.data["origin"]["case_id"] == case_id]
    page = client_for(site, "mia").get(f"/projecten/{project_id}")
    assert page.status_code == 200
    shown = text_of(page)
    for expected in (
        "Omgevingsloket 2.0", "Departement Omgeving", "Sofie Peeters", "Stad Gent",
        "Facilitair Bedrijf", "MAGDA-diensten", "Notificatieplatform", "Data",
        "€ 1.180.000", "18 % boven planning", "Analyse klaar", "Livegang",
        "buiten tolerantie", "Lopend",
    ):  # fmt: skip
        assert expected in shown, expected
    links = lxml_html.fromstring(page.text).xpath("//a/@href")
    assert f"/dossiers/{topic.id}" in links and f"/dossiers/{case_id}" in links
    # The follow-up's case page names the project and links the topic it submitted.
    case_page = client_for(site, "sara").get(f"/dossiers/{case_id}")
    assert case_page.status_code == 200
    assert "Omgevingsloket 2.0" in text_of(case_page)
    assert f"/dossiers/{topic.id}" in lxml_html.fromstring(case_page.text).xpath("//a/@href")


def test_unknown_projects_and_users_outside_the_register_get_404(
    committee: Committee, site: Flask
) -> None:
    project_id = registered(committee)
    member = client_for(site, "mia")
    assert member.get("/projecten/999999").status_code == 404
    assert member.get("/projecten/99999999999").status_code == 404
    outsider = client_for(site, "tom")  # a submitter
    assert outsider.get("/projecten").status_code == 404
    assert outsider.get(f"/projecten/{project_id}").status_code == 404
    assert outsider.get("/projecten/nieuw").status_code == 404
    assert "Projecten" not in text_of(outsider.get("/"))
    assert member.get("/projecten/nieuw").status_code == 403


def new_form(client: FlaskClient, **fields: str) -> Any:
    page = client.get("/projecten/nieuw")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(page.text),
        "title": "Slimme subsidies",
        "description": "Eén aanvraag voor alle subsidies.",
        "owner_organisation_id": "dep-wvg",
        "owner_user_id": "wim",
        "status": "planned",
        "budget_planned": "250000",
        "milestones-rijen": "1",
        "milestones-0-title": "Pilot",
        "milestones-0-planned_on": "30-06-2026",
    }
    data.update(fields)
    return client.post("/projecten/nieuw", data=data)


def test_an_invalid_new_project_keeps_what_was_typed_and_stores_nothing(
    committee: Committee, site: Flask
) -> None:
    client = client_for(site, "sara")
    refused = new_form(client, budget_planned="veel", planned_end_on="01-01-2026",
                       started_on="01-03-2026", owner_user_id="niemand")  # fmt: skip
    assert refused.status_code == 422
    tree = lxml_html.fromstring(refused.text)
    assert tree.xpath("//input[@name='title']/@value") == ["Slimme subsidies"]
    assert tree.xpath("//input[@name='milestones-0-title']/@value") == ["Pilot"]
    shown = text_of(refused)
    assert "Geef een geheel getal" in shown
    assert count_projects(committee) == 0
    # An unknown owner is named once the form itself is valid.
    unknown = new_form(client, owner_user_id="niemand")
    assert unknown.status_code == 422 and "Onbekende gebruiker: niemand" in text_of(unknown)
    assert count_projects(committee) == 0


def test_the_secretariat_registers_a_project_and_starts_its_follow_up(
    committee: Committee, site: Flask
) -> None:
    client = client_for(site, "sara")
    done = new_form(client, vrd2="true", focus_domains="data", partners="gem-gent")
    assert done.status_code == 302
    project_id = int(re.search(r"/projecten/(\d+)", done.headers["Location"])[1])
    page = client.get(f"/projecten/{project_id}")
    assert "Slimme subsidies" in text_of(page) and "Pilot" in text_of(page)
    started = client.post(f"/projecten/{project_id}/opvolging",
                          data={"csrf_token": csrf_of(page.text)})  # fmt: skip
    assert started.status_code == 302
    [case] = committee.cases(PROCESS)
    assert case.data["project"]["id"] == project_id
    assert case.title == "Opvolging: Slimme subsidies"
    assert "Het opvolgingsdossier" in text_of(client.get(f"/projecten/{project_id}"))
    trail = [e.action for e in committee.engine.audit_trail()]
    assert "project_registered" in trail and "project_followup_opened" in trail


def test_the_report_task_page_shows_the_facts_and_a_row_per_milestone(
    committee: Committee, site: Flask
) -> None:
    _project_id, case_id = followed(committee)
    task = committee.task(case_id, "progress_report")
    page = client_for(site, "sofie").get(f"/taken/{task.id}")
    assert page.status_code == 200
    shown = text_of(page)
    for expected in ("Departement Omgeving", "€ 1.000.000", "Analyse klaar",
                     "Dit is het eerste rapport", "Op schema", "Ontspoord"):  # fmt: skip
        assert expected in shown, expected
    # The owner reports as the project's owner, not in a role of the committee's.
    facts = lxml_html.fromstring(page.text).xpath("//dl[@class='facts']")[0].text_content()
    assert "Toegewezen aan" in facts and "Indiener" not in facts and "indiener" not in facts
    tree = lxml_html.fromstring(page.text)
    assert len(tree.xpath("//input[starts-with(@name, 'milestones-') and "
                          "contains(@name, '-forecast_on')]")) == 2  # fmt: skip


def test_the_api_lists_and_shows_projects_with_the_pages_rights(
    committee: Committee, site: Flask
) -> None:
    project_id, case_id = followed(committee)
    committee.complete(case_id, "progress_report",
                       report_data(committee, project_id, budget_spent=1_180_000), "sofie")  # fmt: skip
    member = bearer(token_for(site, "mia"))
    client = site.test_client()
    listed = client.get("/api/v1/projects?vrd2=true", headers=member)
    assert listed.status_code == 200
    [row] = listed.json
    assert (row["id"], row["owner"], row["budget_over_percent"]) == (
        project_id, "Departement Omgeving", 18.0
    )
    assert client.get("/api/v1/projects?vrd2=false", headers=member).json == []
    assert client.get("/api/v1/projects?status=bogus", headers=member).status_code == 422
    one = client.get(f"/api/v1/projects/{project_id}", headers=member)
    assert one.status_code == 200
    body = one.json
    assert [m["title"] for m in body["milestones"]] == ["Analyse klaar", "Livegang"]
    [report] = body["reports"]
    assert report["over_tolerance"] is True and report["topic_case_id"] is not None
    assert [t["case_id"] for t in body["topics"]] == [report["topic_case_id"]]
    assert client.get("/api/v1/projects/99999999999", headers=member).status_code == 404
    missing = client.get("/api/v1/projects/999999", headers=member)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    outsider = bearer(token_for(site, "tom"))
    assert client.get("/api/v1/projects", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/projects/{project_id}", headers=outsider).status_code == 404


def posted_form(html: str) -> dict[str, str]:
    """The values a browser would post from the page's task form, as shown."""
    tree = lxml_html.fromstring(html)
    [form] = [f for f in tree.xpath("//form[@method='post']") if f.xpath(".//*[@name='summary']")]
    data: dict[str, str] = {}
    for item in form.xpath(".//input[@name]"):
        if item.get("type") in ("radio", "checkbox") and item.get("checked") is None:
            continue
        if item.get("type") == "submit":
            continue
        data[item.get("name")] = item.get("value") or ""
    for item in form.xpath(".//textarea[@name]"):
        data[item.get("name")] = item.text or ""
    return data


def test_the_owner_reports_through_the_task_page(committee: Committee, site: Flask) -> None:
    project_id, case_id = followed(committee)
    task = committee.task(case_id, "progress_report")
    client = client_for(site, "sofie")
    page = client.get(f"/taken/{task.id}")
    data = posted_form(page.text)
    assert data["milestones-0-forecast_on"] == "30-04-2026"  # the plan, as the first forecast
    data.update({"health": "off_track", "budget_spent": "1250000", "project_status": "running",
                 "summary": "De aanbesteding viel duurder uit dan gepland.",
                 "milestones-1-forecast_on": "15-01-2027"})  # fmt: skip
    done = client.post(f"/taken/{task.id}", data=data)
    assert done.status_code == 302, text_of(done)[:2000]
    case = committee.case(case_id)
    assert case.data["over_tolerance"] is True
    assert case.data["tolerance_reason"] == "budget_and_milestone"
    page = text_of(client_for(site, "mia").get(f"/projecten/{project_id}"))
    assert "Ontspoord" in page and "15 jan 2027" in page and "107 dagen" in page


def test_a_projects_reviews_and_their_advice_show_on_its_page_and_in_the_api(
    committee: Committee, site: Flask
) -> None:
    from tests.test_process_review import CHECKS, DRAFT, register, start_data

    projects = register(committee)
    case = committee.start("project_review", start_data(projects["review"]), "sara")
    committee.complete(case.id, "intake_review", {"intake_decision": "accept"}, "sara")
    committee.complete(case.id, "check_review", CHECKS, "sara")
    committee.complete(case.id, "draft_advice", DRAFT, "sara")
    page = client_for(site, "mia").get(f"/projecten/{projects['review']}")
    shown = text_of(page)
    assert "Toetsingen voor de Vlaamse Regering" in shown and "Advies in ontwerp" in shown
    assert DRAFT["advice_text"] not in shown  # not yet approved: no advice shown as given

    committee.complete(case.id, "approve_advice", {"advice_decision": "approve"}, "chris")
    shown = text_of(client_for(site, "mia").get(f"/projecten/{projects['review']}"))
    assert "Advies goedgekeurd" in shown and DRAFT["advice_text"] in shown
    assert "Gunstig onder voorwaarden" in shown and "conditional" not in shown

    token = bearer(token_for(site, "mia"))
    body = site.test_client().get(
        f"/api/v1/projects/{projects['review']}", headers={**token, "Accept-Language": "en"}
    ).json
    [given] = body["reviews"]
    assert (given["status"], given["verdict"], given["verdict_label"]) == (
        "approved", "conditional", "Favourable with conditions",
    )  # fmt: skip
    assert given["advice_text"] == DRAFT["advice_text"] and given["late"] is False
