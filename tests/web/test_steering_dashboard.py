"""*Sturingskader* (webapp/steering.py): the dashboard overall and per focus domain, who sees it,
its charts (accessible SVG, no inline style or script) and tables with links to the records
behind each figure, and the CSV export. Data: the hand-made set of tests/test_dashboard_figures.py,
judged on its day (15 June 2026)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import Engine
from processes.records import dates
from tests.test_dashboard_figures import TODAY, seed_figures
from tests.web.conftest import PASSWORD, sign_in
from webapp.identity import state

PEOPLE = {
    "mila": ("Mila Lid", [("member", None)]),
    "victor": ("Victor Voorzitter", [("chair", None)]),
    "emma": ("Emma Entiteit", [("entity_contact", "ag-a")]),
}


@pytest.fixture
def site(app: Flask, web_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for user_id, (name, grants) in PEOPLE.items():
        web_engine.ensure_user(user_id, name, grants=grants)
    with app.app_context():
        for user_id in PEOPLE:
            state().accounts.set_password(user_id, PASSWORD)
    with web_engine.db.write() as session:
        seed_figures(session)
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return app


def _as(site: Flask, user_id: str) -> FlaskClient:
    client = site.test_client()
    assert sign_in(client, user_id).status_code == 302
    return client


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_member_sees_every_figure_with_links_to_its_records(site: Flask) -> None:
    page = _as(site, "mila").get("/sturingskader")
    assert page.status_code == 200
    html = page.text
    # adoption: per entity, each single-status count opens the register with that selection
    adoption = _section(html, "adoptie")
    assert 'href="/pas-toe-of-leg-uit?entiteit=dep-b&amp;status=open"' in adoption
    assert "entiteit=gem-c&amp;status=open" not in adoption  # a zero is no link
    assert 'href="/pas-toe-of-leg-uit?entiteit=ag-a&amp;status=complied"' in adoption
    # the explained group is split into its statuses, each its own link
    assert 'href="/pas-toe-of-leg-uit?entiteit=dep-b&amp;status=explanation_rejected"' in adoption
    assert "1 uitleg niet aanvaard" in _text(adoption)
    row = _text("<x " + adoption.split('entiteit=gem-c"')[1].split("</tr>")[0])
    # complied 1, explained 0, overdue 2 (1 overdue, 1 escalated), open 0, total 3: in words
    assert row == "Gemeente Charlie 1 0 2 1 laattijdig 1 geëscaleerd 0 3"
    # totals (hand count: 4 complied, 3 explained, 2 overdue, 2 open of 11)
    assert "36,4" in _text(adoption.split("<tfoot>")[1])
    # projects: by status with budget; the ones that ask for attention link to their page
    projects = _section(html, "projecten")
    assert 'href="/projecten?status=running"' in projects
    assert "€\u00a0150.000" in projects and "€\u00a0140.000" in projects
    assert "3 bij 2 projecten" in _text(projects)
    assert re.findall(r'href="/projecten/(\d+)"', projects) == ["1", "2"]
    # actions: the overdue ones, each to its page
    actions = _section(html, "acties")
    assert re.findall(r'href="/sturingskader/acties/(\d+)"', actions) == ["1", "4"]
    # KPIs and the per-domain table, whose names open the domain page
    kpis = _text(_section(html, "kpis"))
    assert "Doel gehaald 2" in kpis and "Doel nog niet gehaald 1" in kpis
    per_domain = _section(html, "per-domein")
    assert 'href="/sturingskader/domeinen/data"' in per_domain
    assert 'href="/pas-toe-of-leg-uit?domein=privacy">3 van 4<' in per_domain


def test_the_charts_are_accessible_svg_without_inline_style_or_script(site: Flask) -> None:
    html = _as(site, "mila").get("/sturingskader/domeinen/data").text
    svgs = re.findall(r"<svg[^>]*class=\"chart\".*?</svg>", html, re.S)
    assert len(svgs) == 4 + 2  # adoption, projects, actions, KPI counts; a line per data KPI
    for svg in svgs:
        assert 'role="img"' in svg
        labelled = re.search(r'aria-labelledby="([^"]+) ([^"]+)"', svg)
        assert labelled, svg[:200]
        assert f'<title id="{labelled[1]}">' in svg and f'<desc id="{labelled[2]}">' in svg
        assert "style=" not in svg and "<script" not in svg
    adoption = svgs[0]
    assert "6 verplichtingen bij 3 overheidsinstanties: 1 toegepast, 2 uitgelegd" in adoption
    # the series differ by pattern as well as colour
    assert 'fill="url(#chart-adoption-explained)"' in adoption
    assert '<pattern id="chart-adoption-overdue"' in adoption
    assert "style=" not in html.split("<main", 1)[1]


def test_a_domain_page_shows_only_that_domain_and_lists_its_actions_and_kpis(site: Flask) -> None:
    page = _as(site, "victor").get("/sturingskader/domeinen/data")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Data</h1>" in html
    adoption = _section(html, "adoptie")
    assert "domein=data" in adoption
    assert "Agentschap Alfa" in adoption and "vzw-x" not in adoption
    assert re.findall(r'href="/projecten/(\d+)"', _section(html, "projecten")) == ["1", "2"]
    # every action of the domain, grouped by status, each a link
    actions = _section(html, "acties")
    assert sorted(re.findall(r'href="/sturingskader/acties/(\d+)"', actions)) == [
        "1", "2", "3", "6"
    ]  # fmt: skip
    kpis = _section(html, "kpis")
    assert re.findall(r'href="/sturingskader/kpis/(\d+)"', kpis) == ["2", "1"]
    assert "105 %" in _text(kpis)
    assert 'id="per-domein"' not in html


def test_the_selector_goes_to_the_domain_and_unknown_domains_are_not_found(site: Flask) -> None:
    client = _as(site, "mila")
    chosen = client.get("/sturingskader?domein=privacy")
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith("/sturingskader/domeinen/privacy")
    assert client.get("/sturingskader/domeinen/weet-ik-veel").status_code == 404
    assert client.get("/sturingskader?domein=weet-ik-veel").status_code == 404
    assert client.get("/sturingskader.csv?domein=weet-ik-veel").status_code == 404


@pytest.mark.parametrize("user_id", ["sofie", "anna", "victor", "mila"])
def test_those_who_see_everything_see_the_dashboard(site: Flask, user_id: str) -> None:
    client = _as(site, user_id)
    assert client.get("/sturingskader").status_code == 200
    assert client.get("/sturingskader.csv").status_code == 200


@pytest.mark.parametrize("user_id", ["emma", "carla"])
def test_others_get_not_found(site: Flask, user_id: str) -> None:
    client = _as(site, user_id)
    assert client.get("/sturingskader").status_code == 404
    assert client.get("/sturingskader/domeinen/data").status_code == 404
    assert client.get("/sturingskader.csv").status_code == 404
    assert 'href="/sturingskader"' not in client.get("/taken").text


def test_signed_out_visitors_are_sent_to_sign_in(site: Flask) -> None:
    answer = site.test_client().get("/sturingskader")
    assert answer.status_code == 302 and "/aanmelden" in answer.headers["Location"]


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    body = answer.data.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_has_plain_headers_and_one_line_per_figure(site: Flask) -> None:
    rows = _csv(_as(site, "mila"), "/sturingskader.csv")
    assert rows[0] == ["Onderdeel", "Focusdomein", "Onderwerp", "Maat", "Waarde"]
    assert [
        "Adoptie van bindende besluiten", "alle focusdomeinen", "Gemeente Charlie",
        "Laattijdig", "2",
    ] in rows  # fmt: skip
    assert ["Projecten", "alle focusdomeinen", "Lopend", "Budget besteed (euro)", "140000"] in rows
    assert ["Acties", "alle focusdomeinen", "Gepland", "Te laat", "1"] in rows
    assert ["KPI's", "alle focusdomeinen", "Doel gehaald", "Aantal KPI's", "2"] in rows
    # no codes: no status or domain keys anywhere
    flat = " ".join(" ".join(row) for row in rows)
    for code in ("complied", "running", "explanation_", "overdue", "reached"):
        assert code not in flat


def test_csv_of_a_domain_in_english(site: Flask) -> None:
    client = _as(site, "mila")
    page = client.get("/taken")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    client.post("/taal", data={"taal": "en", "csrf_token": token[1]})
    rows = _csv(client, "/sturingskader.csv?domein=data")
    assert rows[0] == ["Part", "Focus domain", "Subject", "Measure", "Value"]
    assert ["KPIs", "Data", "Doorlooptijd", "Latest value", "12"] in rows
    assert ["KPIs", "Data", "Open datasets", "Status", "Target reached"] in rows
    assert all(row[1] == "Data" for row in rows[1:])
