"""Open data without signing in (webapp/opendata.py): content negotiation and suffixes on the
``/id/...`` URIs, the dump, the public decision list and decision pages with RDFa (parsed with
pyRdfa into an rdflib graph and compared with the Turtle), and 404 for what is not published."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient
from pyRdfa import pyRdfa
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef

from processes.records.oslo import BESLUIT, ELI
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_oslo import CLOSED_TEXT, CLOSED_TITLE, NOTE, SHAPES, Published, held_meeting
from tests.web.test_meetings import web_app

BASE = "http://stuurboord.test"


@pytest.fixture
def published(committee: Committee) -> tuple[FlaskClient, Published]:
    return web_app(committee).test_client(), held_meeting(committee)


def rdfa(html: str, url: str) -> Graph:
    parsed = pyRdfa(base=url, media_type="text/html").graph_from_source(
        io.BytesIO(html.encode()), rdfOutput=False
    )
    graph = Graph()
    for triple in parsed:
        graph.add(triple)
    return graph


def test_machines_get_turtle_and_json_ld_by_accept_or_suffix(
    published: tuple[FlaskClient, Published],
) -> None:
    client, p = published
    path = f"/id/zittingen/{p.meeting}"
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert "Accept" in turtle.headers["Vary"]
    jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert "@context" in json.loads(jsonld.text)
    by_suffix = client.get(f"{path}.ttl", headers={"Accept": "text/html"})
    assert by_suffix.mimetype == "text/turtle"
    assert client.get(f"{path}.jsonld").mimetype == "application/ld+json"
    graphs = [
        Graph().parse(data=turtle.text, format="turtle"),
        Graph().parse(data=jsonld.text, format="json-ld"),
        Graph().parse(data=by_suffix.text, format="turtle"),
    ]
    assert len({len(g) for g in graphs}) == 1
    ok, _report, text = validate(graphs[1], shacl_graph=str(SHAPES), inference="none")
    assert ok, text
    zitting = URIRef(f"{BASE}{path}")
    assert (zitting, RDF.type, BESLUIT.Zitting) in graphs[0]
    browser = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.mimetype == "text/html" and "Zitting van 12 maart 2026" in browser.text


def test_the_decision_page_carries_the_same_triples_as_rdfa(
    published: tuple[FlaskClient, Published],
) -> None:
    client, p = published
    path = f"/id/besluiten/{p.decision}"
    page = client.get(path)  # no sign-in
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Eén aanmeldplatform" in page.text
    assert "Zitting van 12 maart 2026" in page.text and "Punt 1" in page.text
    assert "2 voor, 0 tegen, 1 onthouding (" in page.text
    assert "Dit besluit bindt geen overheidsinstanties." in page.text
    html_graph = rdfa(page.text, f"{BASE}{path}")
    turtle = Graph().parse(data=client.get(f"{path}.ttl").text, format="turtle")
    besluit = URIRef(f"{BASE}{path}")
    for predicate in (RDF.type, ELI.title, ELI.date_publication, ELI.language):
        expected = set(turtle.objects(besluit, predicate))
        assert expected and expected == set(html_graph.objects(besluit, predicate)), predicate
    parts = set(turtle.objects(besluit, ELI.has_part))
    assert parts == set(html_graph.objects(besluit, ELI.has_part)) and len(parts) == 2
    for part in parts:
        for predicate in (RDF.type, ELI.number, URIRef("http://www.w3.org/ns/prov#value")):
            assert set(turtle.objects(part, predicate)) == set(html_graph.objects(part, predicate))
    assert str(html_graph.value(besluit, ELI.description)).startswith("Alle entiteiten")


def test_the_public_list_filters_by_year_and_focus_domain(
    published: tuple[FlaskClient, Published],
) -> None:
    client, p = published
    page = client.get("/besluiten")
    assert page.status_code == 200
    assert f'href="/id/besluiten/{p.decision}"' in page.text
    assert 'href="/besluiten"' in page.text  # the header link, for everyone
    for secret in (CLOSED_TITLE, CLOSED_TEXT, NOTE, p.closed_decision):
        assert secret not in page.text
    graph = rdfa(page.text, f"{BASE}/besluiten")
    besluit = URIRef(f"{BASE}/id/besluiten/{p.decision}")
    assert graph.value(besluit, ELI.title) == Literal("Eén aanmeldplatform", lang="nl")
    assert p.decision in client.get("/besluiten?jaar=2026&domein=data").text
    assert p.decision not in client.get("/besluiten?jaar=2025").text
    assert p.decision not in client.get("/besluiten?domein=privacy").text
    wrong = client.get("/besluiten?jaar=twee&domein=onbekend")
    assert wrong.status_code == 200
    assert "Kies een jaar uit de lijst." in wrong.text
    assert "Kies een focusdomein uit de lijst." in wrong.text
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get("/besluiten")
    assert "Decisions of the steering committee" in english.text


def test_the_dump_holds_the_whole_published_graph(
    published: tuple[FlaskClient, Published],
) -> None:
    client, p = published
    dump = client.get("/id/dump.ttl")
    assert dump.mimetype == "text/turtle"
    graph = Graph().parse(data=dump.text, format="turtle")
    assert (URIRef(f"{BASE}/id/besluiten/{p.decision}"), RDF.type, BESLUIT.Besluit) in graph
    for secret in (CLOSED_TITLE, CLOSED_TEXT, NOTE, p.closed_decision):
        assert secret not in dump.text


def test_items_and_treatments_send_browsers_to_their_meeting(
    published: tuple[FlaskClient, Published],
) -> None:
    client, p = published
    answer = client.get(f"/id/agendapunten/{p.items[2]}")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/id/zittingen/{p.meeting}#punt-3")
    answer = client.get(f"/id/behandelingen/{p.treatment}", headers={"Accept": "text/html"})
    assert answer.headers["Location"].endswith("#punt-1")
    data = client.get(f"/id/agendapunten/{p.items[0]}.ttl")
    assert data.status_code == 200 and "Eén aanmeldplatform" in data.text


@pytest.mark.parametrize("suffix", ["", ".ttl", ".jsonld"])
def test_what_is_not_published_is_not_found(
    published: tuple[FlaskClient, Published], suffix: str
) -> None:
    client, p = published
    for path in (
        f"/id/besluiten/{p.closed_decision}",
        f"/id/agendapunten/{p.items[1]}",
        f"/id/behandelingen/{p.closed_treatment}",
        "/id/besluiten/00000000-0000-4000-8000-000000000000",
        "/id/besluiten/geen-uuid",
        f"/id/personen/{p.decision}",
    ):
        assert client.get(f"{path}{suffix}").status_code == 404, path
    assert client.get(f"/id/besluiten/{p.decision}.xml").status_code == 404


def test_an_unapproved_meeting_is_not_found(committee: Committee) -> None:
    client = web_app(committee).test_client()
    p = held_meeting(committee, approved=False)
    assert client.get(f"/id/zittingen/{p.meeting}").status_code == 404
    assert client.get(f"/id/besluiten/{p.decision}.ttl").status_code == 404
    assert p.decision not in client.get("/besluiten").text
