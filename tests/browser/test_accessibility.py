"""Accessibility and small screens on the main pages, as several roles.

axe-core (the npm package pinned in package.json, installed by `make setup` into
node_modules) is injected into each page and must report no WCAG 2.1 A/AA violation. The
same pages at 390 px wide (a phone) must not scroll sideways: wide content (the diagram, the
register) scrolls inside its own box.

The pages' CSP forbids injected scripts, so these contexts bypass CSP (only here).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser import committee as scene
from tests.browser.conftest import Site, task_id_of

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - conftest skips the browser tests then
    Browser = Page = object  # type: ignore[misc, assignment]


@pytest.fixture(scope="module")
def scenery(site: Site) -> dict[str, int | str]:
    """A meeting with an admitted topic, and a new topic waiting for its screening."""
    meeting_case, meeting_id = scene.plan_meeting(site)
    admitted = scene.admitted_topic(site, meeting_id, scene.unique("Toegankelijk onderwerp"))
    board = scene.committee(site)
    waiting = board.start("topic", scene.topic_data(scene.unique("Nieuw onderwerp")), "sofie")
    return {
        "meeting_case": meeting_case,
        "meeting_id": meeting_id,
        "admitted": admitted,
        "waiting": waiting.id,
        "screening_task": task_id_of(site, waiting.id, "confirm_screening"),
    }


def pages_for(scenery: dict[str, int | str]) -> dict[str, list[str]]:
    meeting = scenery["meeting_id"]
    return {
        "sofie": ["/taken", "/onderwerpen/nieuw", f"/dossiers/{scenery['waiting']}", "/dossiers"],
        "sara": [
            "/taken",
            f"/taken/{scenery['screening_task']}",
            f"/dossiers/{scenery['waiting']}",
            "/zittingen",
            f"/zittingen/{meeting}",
            f"/zittingen/{meeting}/bundel",
            "/pas-toe-of-leg-uit",
            "/account",
        ],
        "chris": ["/taken", f"/dossiers/{scenery['admitted']}", "/meldingen"],
        "ada": [
            "/beheer/",
            "/beheer/gebruikers",
            "/beheer/gebruikers/sofie",
            "/beheer/gebruikers/sofie/wachtwoord",
            "/beheer/gebruikers/sofie/bevestigen/deactiveren",
            "/beheer/processen",
            "/beheer/incidenten",
        ],
    }


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + json.dumps([node["target"] for node in v["nodes"][:5]])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("user_id", ["sofie", "sara", "chris", "ada"])
def test_main_pages_have_no_axe_violations(
    site: Site, scenery: dict[str, int | str], open_as: Callable[[str, int], Page], user_id: str
) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make setup` (npm ci)")
    page = open_as(user_id, 1280)
    found = []
    for path in pages_for(scenery)[user_id]:
        response = page.goto(site.at(path))
        assert response is not None and response.status == 200, path
        found += [f"{path}: {problem}" for problem in violations(page)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("user_id", ["sofie", "sara", "chris", "ada"])
def test_no_page_scrolls_sideways_on_a_phone(
    site: Site, scenery: dict[str, int | str], open_as: Callable[[str, int], Page], user_id: str
) -> None:
    page = open_as(user_id, 390)
    wide = []
    for path in pages_for(scenery)[user_id]:
        page.goto(site.at(path))
        width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width[0] > width[1]:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .filter(e => !e.closest('.bpmn-canvas, .matrix-scroll, .visually-hidden'))
                    .slice(0, 5)
                    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
            )
            wide.append(f"{path}: {width[0]} > {width[1]} px: {culprits}")
    assert not wide, "\n".join(wide)


def test_inbox_cards_label_their_values_on_a_phone(
    site: Site, scenery: dict[str, int | str], open_as: Callable[[str, int], Page]
) -> None:
    page = open_as("sara", 390)
    page.goto(site.at("/taken"))
    cell = page.locator("td[data-label='Termijn']").first
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Termijn"'


def test_axe_reports_what_it_should(open_as: Callable[[str, int], Page]) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make setup` (npm ci)")
    page = open_as("sofie", 1280)
    page.set_content('<html lang="nl"><title>x</title><main><img src="x.png"></main></html>')
    assert any(problem.startswith("image-alt") for problem in violations(page))
