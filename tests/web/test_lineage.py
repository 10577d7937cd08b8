"""The lineage page (/herkomst/<kind>/<id>) and API (/api/v1/lineage/<kind>/<id>) on the demo.

The demo (with its steering data) is loaded once, on SQLite. A member opens the lineage of the
demo topic about Mijn Burgerprofiel and of its KPI: every step links to its own page, to its own
lineage, and to the steps before and after it; the words are plain (no codes, no ISO dates). An
unknown kind, an unknown id and a user who does not see every case get the same 404.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import processes
from engine import Database, Engine
from engine.timing.policy import load_policy
from processes import demo
from processes import demo_data as data
from processes.demo_steering import KPIS, PROJECTS
from processes.records.models import Decision
from processes.records.steering import DecisionAction, Kpi, Project
from tests.processes_fixtures import BPMN_DIR
from tests.web.conftest import bearer, csrf_of, token_for
from webapp.app import create_app
from webapp.demo import DEMO_PASSWORD, give_demo_passwords
from webapp.identity import state

MEMBER = "lid.omgeving"
SUBMITTER = "indiener"  # started the topic, but does not see every case


@dataclass
class Demo:
    app: Flask
    engine: Engine
    topic: int
    decision: int
    kpi: int
    project: int
    actions: list[int]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("lineage-web") / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    engine = Engine(database, processes.build_registry(), policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    demo.load(engine)
    app = create_app(engine, {"TESTING": True, "TOPIC_PROCESS": "topic"})
    with app.app_context():
        give_demo_passwords(engine, state().accounts)
    [topic] = [
        c.id
        for c in engine.list_cases(process_id="topic", limit=500)
        if c.title == data.TOPICS["burgerprofiel"]["title"]
    ]
    with database.read() as session:
        decision = session.execute(
            select(Decision.id).where(Decision.topic_case_id == topic)
        ).scalar_one()
        kpi = session.execute(select(Kpi.id).where(Kpi.name == KPIS[0].name)).scalar_one()
        project = session.execute(
            select(Project.id).where(Project.title == PROJECTS[0].title)
        ).scalar_one()
        actions = list(
            session.execute(
                select(DecisionAction.action_id).where(DecisionAction.decision_id == decision)
            ).scalars()
        )
    yield Demo(app, engine, topic, decision, kpi, project, actions)
    database.dispose()


def signed_in(site: Demo, user_id: str, language: str = "nl") -> FlaskClient:
    client = site.app.test_client()
    page = client.get("/aanmelden")
    client.post(
        "/aanmelden",
        data={"gebruiker": user_id, "wachtwoord": DEMO_PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    if language != "nl":
        token = csrf_of(client.get("/taken").text)
        client.post("/taal", data={"taal": language, "csrf_token": token})
    return client


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


# -- the page ------------------------------------------------------------------------------------


def test_a_member_follows_a_topic_to_its_kpi(site: Demo) -> None:
    client = signed_in(site, MEMBER)
    page = client.get(f"/herkomst/topic/{site.topic}")
    assert page.status_code == 200
    links = hrefs(page.text)
    # Each step links to its own page...
    assert f"/dossiers/{site.topic}" in links
    assert f"/projecten/{site.project}" in links
    assert f"/sturingskader/kpis/{site.kpi}" in links
    assert {f"/sturingskader/acties/{a}" for a in site.actions} <= links
    assert any(link.startswith("/zittingen/") for link in links)
    # ... and to its own lineage (the page's own start does not link to itself).
    assert f"/herkomst/kpi/{site.kpi}" in links
    assert f"/herkomst/decision/{site.decision}" in links
    assert f"/herkomst/project/{site.project}" in links
    assert f"/herkomst/topic/{site.topic}" not in links
    # Steps link to the steps before and after them on the page.
    anchors = {link for link in links if link.startswith("#stap-")}
    assert f"#stap-kpi-{site.kpi}" in anchors and f"#stap-decision-{site.decision}" in anchors
    assert all(f'id="{anchor[1:]}"' in page.text for anchor in anchors)
    text = visible_text(page.text)
    for words in (
        data.TOPICS["burgerprofiel"]["title"],
        "Besluit",
        "Bindend",
        "Stad Gent",
        "Opleiding dossierstatus in Mijn Burgerprofiel voor lokale besturen",
        KPIS[0].name,
        "Doel nog niet gehaald",
        "Laatste meting 61 %",
        "Komt voort uit",
        "Leidde tot",
        f"#{site.topic}",
    ):
        assert words in text, words
    # The steps come in the order of the chain.
    steps = [k.strip() for k in re.findall(r'<p class="lineage-kind">([^<]+)', page.text)]
    assert [k for i, k in enumerate(steps) if k not in steps[:i]] == [
        "Project", "Onderwerp", "Agendapunt", "Behandeling", "Besluit", "Pas toe of leg uit",
        "Actie", "KPI",
    ]  # fmt: skip
    # Plain words: no codes, ids or ISO dates.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    for code in ("gem-gent", "dep-omg", "common_counter_functions", "not_reached", "binding"):
        assert code not in text, code


def test_the_kpi_leads_back_to_the_topic(site: Demo) -> None:
    page = signed_in(site, MEMBER).get(f"/herkomst/kpi/{site.kpi}")
    assert page.status_code == 200
    links = hrefs(page.text)
    assert f"/herkomst/topic/{site.topic}" in links and f"/dossiers/{site.topic}" in links
    assert 'aria-current="page"' in page.text


def test_the_page_speaks_english(site: Demo) -> None:
    page = signed_in(site, MEMBER, "en").get(f"/herkomst/decision/{site.decision}")
    assert page.status_code == 200
    text = visible_text(page.text)
    for words in ("Lineage", "Decision", "Binding", "Target not reached yet", "Led to"):
        assert words in text, words
    assert "Leidde tot" not in text


def test_the_topic_case_page_links_to_its_lineage(site: Demo) -> None:
    member = signed_in(site, MEMBER)
    assert f"/herkomst/topic/{site.topic}" in hrefs(member.get(f"/dossiers/{site.topic}").text)
    [meeting] = site.engine.list_cases(process_id="meeting", limit=1)
    assert "/herkomst/" not in member.get(f"/dossiers/{meeting.id}").text
    submitter = signed_in(site, SUBMITTER).get(f"/dossiers/{site.topic}")
    assert submitter.status_code == 200 and "/herkomst/" not in submitter.text


def test_project_action_and_kpi_pages_link_to_their_lineage(site: Demo) -> None:
    member = signed_in(site, MEMBER)
    pages = {
        f"/projecten/{site.project}": f"/herkomst/project/{site.project}",
        f"/sturingskader/acties/{site.actions[0]}": f"/herkomst/action/{site.actions[0]}",
        f"/sturingskader/kpis/{site.kpi}": f"/herkomst/kpi/{site.kpi}",
    }
    for page, lineage in pages.items():
        shown = member.get(page)
        assert shown.status_code == 200 and lineage in hrefs(shown.text), page
        assert member.get(lineage).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/herkomst/vergadering/1", "/herkomst/mandate/1", "/herkomst/kpi/999999", "/herkomst/topic/0"],
)
def test_unknown_kinds_and_ids_answer_404(site: Demo, path: str) -> None:
    page = signed_in(site, MEMBER).get(path)
    assert page.status_code == 404
    assert "Geen herkomst gevonden" in page.text


def test_an_unknown_kind_is_explained(site: Demo) -> None:
    page = signed_in(site, MEMBER).get("/herkomst/vergadering/1")
    assert "Herkomst bestaat alleen voor onderwerpen, besluiten" in visible_text(page.text)


def test_those_who_do_not_see_every_case_get_404(site: Demo) -> None:
    for user in (SUBMITTER, "contact.gent"):
        page = signed_in(site, user).get(f"/herkomst/topic/{site.topic}")
        assert page.status_code == 404, user
        assert data.TOPICS["burgerprofiel"]["title"] not in page.text
    anonymous = site.app.test_client().get(f"/herkomst/topic/{site.topic}")
    assert anonymous.status_code == 302 and "/aanmelden" in anonymous.headers["Location"]


# -- the API -------------------------------------------------------------------------------------


def test_a_members_deputy_gets_the_lineage_while_standing_in(site: Demo) -> None:
    path = f"/herkomst/topic/{site.topic}"
    assert signed_in(site, "contact.leuven").get(path).status_code == 404
    start = datetime.now(UTC)
    site.engine.set_deputy(
        MEMBER, "contact.leuven", start, start + timedelta(days=30), site.engine.actor(MEMBER)
    )
    deputy = signed_in(site, "contact.leuven")
    assert deputy.get(path).status_code == 200
    assert path in hrefs(deputy.get(f"/dossiers/{site.topic}").text)


def test_the_api_gives_nodes_and_edges(site: Demo) -> None:
    client = site.app.test_client()
    answer = client.get(
        f"/api/v1/lineage/kpi/{site.kpi}", headers=bearer(token_for(site.app, MEMBER))
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["start"] == {"kind": "kpi", "id": site.kpi}
    keys = {(n["kind"], n["id"]) for n in body["nodes"]}
    assert {("topic", site.topic), ("decision", site.decision), ("kpi", site.kpi)} <= keys
    [topic] = [n for n in body["nodes"] if n["kind"] == "topic"]
    assert topic["page"] == f"/dossiers/{site.topic}" and topic["case_id"] == site.topic
    assert topic["lineage"] == f"/api/v1/lineage/topic/{site.topic}"
    assert topic["kind_label"] == "Onderwerp" and topic["title"]
    [kpi] = [n for n in body["nodes"] if n["kind"] == "kpi"]
    assert kpi["status"] == "not_reached" and kpi["status_label"] == "Doel nog niet gehaald"
    edges = {
        ((e["source"]["kind"], e["source"]["id"]), (e["target"]["kind"], e["target"]["id"]))
        for e in body["edges"]
    }
    assert (("decision", site.decision), ("kpi", site.kpi)) in edges
    assert all(source in keys and target in keys for source, target in edges)


def test_the_api_refuses_what_you_may_not_see(site: Demo) -> None:
    client = site.app.test_client()
    member = bearer(token_for(site.app, MEMBER))
    unknown_kind = client.get("/api/v1/lineage/vergadering/1", headers=member)
    assert unknown_kind.status_code == 404
    assert unknown_kind.get_json()["code"] == "NOT_FOUND"
    assert "topic, decision" in unknown_kind.get_json()["detail"]
    assert client.get("/api/v1/lineage/decision/999999", headers=member).status_code == 404
    submitter = bearer(token_for(site.app, SUBMITTER))
    hidden = client.get(f"/api/v1/lineage/topic/{site.topic}", headers=submitter)
    assert hidden.status_code == 404
    assert data.TOPICS["burgerprofiel"]["title"] not in hidden.text
    assert client.get(f"/api/v1/lineage/topic/{site.topic}").status_code == 401
