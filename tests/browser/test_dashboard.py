"""The dashboard (*Sturingskader*) as a member would use it: open it from the main navigation,
read the charts and their tables, pick a focus domain, follow a figure to the records behind it.
axe-core finds no WCAG 2.1 A/AA violation on the overall page nor on a domain's page.

A server of its own (the hand-made data set of tests/test_dashboard_figures.py, judged on its
day), so that these rows do not show up in the other browser tests' registers. Set
``STUURBOORD_DASHBOARD_SHOTS`` to a folder to keep screenshots of both pages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from processes.records import dates
from tests.browser.conftest import ServerThread, Site, build_site, signed_in_pages
from tests.browser.test_modeller import axe_clean
from tests.test_dashboard_figures import TODAY, seed_figures

SHOTS = os.environ.get("STUURBOORD_DASHBOARD_SHOTS")


@pytest.fixture(scope="module")
def dash_site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    app, engine, clock = build_site(tmp_path_factory.mktemp("dashboard-site"), sqlite_template)
    with engine.db.write() as session:
        seed_figures(session)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dates, "today", lambda: TODAY)
        server = ServerThread(app)
        server.start()
        yield Site(f"http://127.0.0.1:{server.port}", app, engine, clock)
        server.stop()
    engine.db.dispose()


@pytest.fixture
def open_as(browser: Browser, dash_site: Site) -> Iterator[Callable[..., Page]]:
    """Signed-in pages on the dashboard's own site (see `signed_in_pages`)."""
    with signed_in_pages(browser, dash_site) as open_page:
        yield open_page


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_a_member_opens_the_dashboard_picks_a_domain_and_follows_a_figure(
    dash_site: Site, open_as: Callable[[str], Page]
) -> None:
    mia = open_as("mia")  # a member of the committee
    nav = mia.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Sturingskader").click()
    expect(mia.get_by_role("heading", level=1)).to_have_text("Sturingskader")
    # the charts are images with a name, and their figures are in the table beside them
    expect(
        mia.get_by_role("img", name="Adoptie van bindende besluiten per overheidsinstantie")
    ).to_be_visible()
    table = mia.get_by_role("table", name="Verplichtingen per overheidsinstantie")
    expect(table.get_by_role("row", name=re.compile("^Gemeente Charlie"))).to_contain_text(
        "1 laattijdig"
    )
    expect(mia.get_by_role("img", name="Projecten per status")).to_be_visible()
    _shot(mia, "sturingskader.png")
    axe_clean(mia)

    mia.get_by_label("Focusdomein", exact=True).select_option(label="Data")
    mia.get_by_role("button", name="Toon").click()
    mia.wait_for_url("**/sturingskader/domeinen/data")
    expect(mia.get_by_role("heading", level=1)).to_have_text("Data")
    expect(mia.get_by_role("img", name="Open datasets over de tijd")).to_be_visible()
    # the records behind the figures: a project, an action, a KPI (their pages come from
    # other branches: only the addresses are checked here)
    attention = mia.locator("#projecten ~ ul.attention, section[aria-labelledby=projecten] ul")
    expect(attention.get_by_role("link", name="Portaal")).to_have_attribute("href", "/projecten/1")
    expect(mia.get_by_role("link", name="Actie 1", exact=True)).to_have_attribute(
        "href", "/sturingskader/acties/1"
    )
    expect(mia.get_by_role("link", name="Open datasets")).to_have_attribute(
        "href", "/sturingskader/kpis/1"
    )
    _shot(mia, "sturingskader-data.png")
    axe_clean(mia)

    # follow an adoption figure: Agentschap Alfa's complied obligations in this domain
    table = mia.get_by_role("table", name="Verplichtingen per overheidsinstantie")
    table.get_by_role("link", name="Agentschap Alfa: 1 toegepast").click()
    mia.wait_for_url(re.compile(r"/pas-toe-of-leg-uit\?"))
    assert "domein=data" in mia.url and "entiteit=ag-a" in mia.url and "status=complied" in mia.url
    expect(mia.get_by_label("Focusdomein", exact=True)).to_have_value("data")
    expect(mia.get_by_label("Status", exact=True)).to_have_value("complied")
    register = mia.locator("table.matrix")
    expect(register).to_contain_text("Besluit 1")
    expect(register).not_to_contain_text("Besluit 2")


def test_someone_who_does_not_see_everything_gets_not_found(
    dash_site: Site, open_as: Callable[[str], Page]
) -> None:
    wim = open_as("wim")  # a working group's chair
    nav = wim.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Sturingskader")).to_have_count(0)
    answer = wim.goto(dash_site.at("/sturingskader"))
    assert answer is not None and answer.status == 404


def test_on_a_phone_the_dashboard_does_not_scroll_sideways(
    dash_site: Site, open_as: Callable[[str], Page]
) -> None:
    mia = open_as("mia")
    mia.set_viewport_size({"width": 390, "height": 844})
    for path in ("/sturingskader", "/sturingskader/domeinen/data"):
        mia.goto(dash_site.at(path))
        wide, shown = mia.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert wide <= shown, f"{path}: {wide} px wide on a {shown} px screen"
        _shot(mia, path.strip("/").replace("/", "-") + "-phone.png")
