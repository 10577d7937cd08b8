"""The public decision list and linked data of the demo, in a real browser, not signed in.

The demo committee (processes.demo) is loaded once into its own database and served like the
other browser tests' site; its past meeting has approved minutes, so its two decisions (both
voted on, one binding with comply-or-explain at four entities) are published. A visitor opens
*Besluiten*, filters by year with the keyboard and by focus domain with clicks, opens a
decision, and follows its agenda-item and meeting links. Every page has no axe-core violation
and no sideways scrolling on a phone; the same pages' HTML carries RDFa that rdflib reads
(pyRdfa registered as rdflib's ``rdfa`` parser: rdflib 7 no longer ships one), and the
decision's Turtle and JSON-LD parse into the same graph.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef, plugin
from rdflib.namespace import DCTERMS
from rdflib.parser import Parser
from sqlalchemy import select

import processes
from engine import Database, Engine
from engine.timing.policy import load_policy
from processes import demo
from processes import demo_data as data
from processes.records import oslo
from processes.records.models import Organisation
from processes.records.oslo import BESLUIT, ELI
from tests.browser.conftest import TIMEOUT_MS, ServerThread
from tests.browser.test_accessibility import AXE, violations
from tests.processes_fixtures import BPMN_DIR
from webapp.app import create_app
from webapp.i18n import compile_catalogs

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # pragma: no cover - conftest skips the browser tests then
    Browser = Page = object  # type: ignore[misc, assignment]

plugin.register("rdfa", Parser, "pyRdfa.rdflibparsers", "RDFaParser")

COMMON_COUNTER = "Gemeenschappelijke loketfunctionaliteiten"
STATUS = {
    "dep-omg": "Toegepast",
    "dep-wvg": "Uitleg aanvaard",
    "gem-gent": "Uitgelegd, wordt beoordeeld",
    "gem-leuven": "Nog geen antwoord",
}
"""What a visitor reads per bound entity: the demo's four comply-or-explain states."""
CODES = ("dep-omg", "gem-gent", "complied", "explanation_accepted", "common_counter_functions")


@dataclass
class Public:
    url: str
    engine: Engine
    decisions: list[oslo.PublishedDecision]

    def at(self, path: str) -> str:
        return self.url + path

    def decision(self, key: str) -> oslo.PublishedDecision:
        """The published decision on the agenda item of the demo topic `key`."""
        [found] = [d for d in self.decisions if d.title == data.TOPICS[key]["title"]]
        return found


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Public]:
    path = tmp_path_factory.mktemp("public-decisions") / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    engine = Engine(database, processes.build_registry(), policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    demo.load(engine)
    compile_catalogs()
    app = create_app(engine, {"TESTING": True, "SECRET_KEY": "browser-tests-only"})
    with database.read() as session:
        decisions = oslo.published_decisions(session)
    server = ServerThread(app)
    server.start()
    yield Public(f"http://127.0.0.1:{server.port}", engine, decisions)
    server.stop()
    database.dispose()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Callable[[int], Page]]:
    """A page in a new context without signing in (CSP bypassed only to inject axe-core)."""
    contexts = []

    def open_page(width: int = 1280) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="nl-BE", bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def accessible(page: Page) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make setup` (npm ci)")
    found = violations(page)
    assert not found, f"{page.url}:\n" + "\n".join(found)


def rdfa_of(page: Page, url: str) -> Graph:
    """The RDFa in the HTML the server sends for `url` (fetched, not the live DOM)."""
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/html"), url
    return Graph().parse(data=response.text(), format="rdfa", publicID=url, media_type="text/html")


def listed(page: Page) -> list[str]:
    return page.locator(".decision-list h3").all_inner_texts()


def test_a_visitor_filters_the_list_and_follows_a_decision_to_its_meeting(
    public: Public, visitor: Callable[[int], Page]
) -> None:
    page = visitor(1280)
    burgerprofiel, cloud = public.decision("burgerprofiel"), public.decision("cloud")
    year = str(burgerprofiel.meeting_date.year)

    page.goto(public.at("/besluiten"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Besluiten van het Stuurorgaan")
    expect(page.get_by_role("button", name="Afmelden")).to_have_count(0)  # not signed in
    expect(page.get_by_role("heading", name="2 besluiten")).to_be_visible()
    assert sorted(listed(page)) == sorted([burgerprofiel.title, cloud.title])
    accessible(page)

    # the year with the keyboard: the first year in the list, then Tab to the button
    page.get_by_label("Jaar").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Toepassen")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/besluiten\?jaar={year}&domein=$"))
    expect(page.get_by_label("Jaar")).to_have_value(year)
    assert sorted(listed(page)) == sorted([burgerprofiel.title, cloud.title])

    # the focus domain with clicks: only the decision of that domain remains
    page.get_by_label("Focusdomein").select_option(label=COMMON_COUNTER)
    page.get_by_role("button", name="Toepassen").click()
    page.wait_for_url(re.compile(rf"jaar={year}&domein=common_counter_functions$"))
    expect(page.get_by_role("heading", name="1 besluit", exact=True)).to_be_visible()
    assert listed(page) == [burgerprofiel.title]
    item = page.locator(".decision-list li")
    expect(item).to_contain_text(f"agendapunt {burgerprofiel.item_position} · {COMMON_COUNTER}")
    accessible(page)
    page.get_by_label("Focusdomein").select_option(label="Privacy")
    page.get_by_role("button", name="Toepassen").click()
    expect(page.get_by_text("Er zijn geen gepubliceerde besluiten")).to_be_visible()
    page.go_back()

    # the decision: its vote, and comply-or-explain per entity in words
    page.get_by_role("link", name=burgerprofiel.title).click()
    page.wait_for_url(f"**/id/besluiten/{burgerprofiel.uuid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(burgerprofiel.title)
    expect(page.locator("dl.facts")).to_contain_text("18 voor, 1 tegen, 2 onthoudingen")
    with public.engine.db.read() as session:
        names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    rows = page.locator("table tbody tr")
    shown = {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text()
        for i in range(rows.count())
    }
    assert shown == {names[org]: label for org, label in STATUS.items()}
    text = page.locator("main").inner_text()
    assert not [code for code in CODES if code in text]
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "a raw date on the decision page"
    accessible(page)

    # its agenda item: the item's place on its meeting page
    page.get_by_role("link", name=f"Punt {burgerprofiel.item_position}", exact=True).click()
    anchor = f"#punt-{burgerprofiel.item_position}"
    page.wait_for_url(f"**/id/zittingen/{burgerprofiel.meeting_uuid}{anchor}")
    expect(page.locator(f"li{anchor}")).to_contain_text(burgerprofiel.title)
    expect(page.locator(f"li{anchor}:target")).to_be_in_viewport()
    accessible(page)
    page.go_back()

    # its meeting: every public item with its outcome, a link to each decision
    page.get_by_role("link", name=burgerprofiel.meeting_title).click()
    page.wait_for_url(f"**/id/zittingen/{burgerprofiel.meeting_uuid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(burgerprofiel.meeting_title)
    agenda = page.locator("ol.agenda > li")
    expect(agenda).to_have_count(len(demo.PAST_AGENDA) + 1)  # and the college's question
    for outcome in ("Beslist", "Naar een werkgroep", "Geëscaleerd naar de Vlaamse Regering",
                    "Uitgesteld", "Genoteerd"):  # fmt: skip
        expect(page.locator("ol.agenda")).to_contain_text(outcome)
    reads = page.get_by_role("link", name=re.compile("^Lees het besluit"))
    expect(reads).to_have_count(2)
    to_cloud = page.get_by_role("link", name=f"Lees het besluit bij punt {cloud.item_position}")
    expect(to_cloud).to_have_attribute("href", f"/id/besluiten/{cloud.uuid}")
    accessible(page)


def test_the_public_pages_carry_rdfa_and_the_decision_parses_as_turtle_and_json_ld(
    public: Public, visitor: Callable[[int], Page]
) -> None:
    page = visitor(1280)
    decision = public.decision("burgerprofiel")
    url = public.at(f"/id/besluiten/{decision.uuid}")
    besluit = URIRef(url)
    title = Literal(decision.title, lang="nl")

    in_list = rdfa_of(page, public.at("/besluiten"))
    assert set(in_list.subjects(RDF.type, BESLUIT.Besluit)) == {
        URIRef(public.at(f"/id/besluiten/{d.uuid}")) for d in public.decisions
    }
    assert in_list.value(besluit, ELI.title) == title

    on_page = rdfa_of(page, url)
    assert (besluit, RDF.type, BESLUIT.Besluit) in on_page
    assert on_page.value(besluit, ELI.title) == title

    meeting_url = public.at(f"/id/zittingen/{decision.meeting_uuid}")
    meeting = rdfa_of(page, meeting_url)
    zitting = URIRef(meeting_url)
    assert (zitting, RDF.type, BESLUIT.Zitting) in meeting
    assert meeting.value(zitting, DCTERMS.title) == Literal(decision.meeting_title, lang="nl")
    item = URIRef(public.at(f"/id/agendapunten/{decision.item_uuid}"))
    assert (zitting, BESLUIT.behandelt, item) in meeting

    # the links on the decision page lead to its data, which parses and agrees with the RDFa
    page.goto(url)
    graphs = {}
    for name, media, fmt in (("Turtle", "text/turtle", "turtle"),
                             ("JSON-LD", "application/ld+json", "json-ld")):  # fmt: skip
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        assert href is not None
        response = page.request.get(public.at(href))
        assert response.ok and response.headers["content-type"].startswith(media), href
        graphs[name] = Graph().parse(data=response.text(), format=fmt, publicID=url)
    turtle, jsonld = graphs["Turtle"], graphs["JSON-LD"]
    assert (besluit, RDF.type, BESLUIT.Besluit) in turtle
    assert set(turtle) == set(jsonld)
    for predicate in (RDF.type, ELI.title, ELI.date_publication, ELI.has_part):
        assert set(turtle.objects(besluit, predicate)) == set(on_page.objects(besluit, predicate))
    assert len(set(turtle.objects(besluit, ELI.has_part))) == len(decision.articles)


@pytest.mark.parametrize("path", ["/besluiten", "decision", "meeting"])
def test_the_public_pages_do_not_scroll_sideways_on_a_phone(
    public: Public, visitor: Callable[[int], Page], path: str
) -> None:
    decision = public.decision("burgerprofiel")
    path = {
        "decision": f"/id/besluiten/{decision.uuid}",
        "meeting": f"/id/zittingen/{decision.meeting_uuid}",
    }.get(path, path)
    page = visitor(390)
    page.goto(public.at(path))
    width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"{path}: {width[0]} > {width[1]} px"
