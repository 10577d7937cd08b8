"""*Projecten* as a member uses it: the register, a filter, a project with its milestones and
follow-up; both pages without axe violations (WCAG 2.1 AA)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from processes.projects import writes
from processes.projects.forms import ProjectForm
from tests.browser import committee as board
from tests.browser.conftest import Site
from tests.browser.test_accessibility import AXE, violations


def register_project(site: Site, title: str, **changes: Any) -> int:
    values: dict[str, Any] = {
        "title": title,
        "description": "Eén loket voor alle omgevingsvergunningen.",
        "owner_organisation_id": "dep-omg",
        "owner_user_id": "sofie",
        "vrd2": True,
        "budget_planned": 1_500_000,
        "focus_domains": ["common_counter_functions"],
        "blocks_used": ["magda", "acm_idm"],
        "partners": ["gem-gent"],
        "milestones": [
            {"title": "Analyse klaar", "planned_on": "2026-06-30"},
            {"title": "Livegang", "planned_on": "2027-01-31"},
        ],
    }
    values.update(changes)
    with site.engine.recording() as (session, audit):
        project = writes.create_project(
            writes.PageRecorder(session, audit, "sara"), ProjectForm().load(values)
        )
        return project.id


def test_a_member_finds_a_project_and_reads_its_milestones(
    site: Site, open_as: Callable[[str, int], Page]
) -> None:
    title = board.unique("Omgevingsloket")
    project_id = register_project(site, title)
    other = register_project(site, board.unique("Archief buiten VRD2"), vrd2=False)
    board.committee(site).start("project_followup", {"project_id": project_id}, "sara")

    page = open_as("mia", 1280)  # axe needs its script in the page: this context bypasses CSP
    page.get_by_role("link", name="Projecten", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projecten")
    page.get_by_label("VRD2").select_option("ja")
    page.get_by_role("button", name="Toepassen").click()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator(f"a[href='/projecten/{other}']")).to_have_count(0)
    if AXE.exists():
        assert violations(page) == []

    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    facts = page.locator("main").inner_text().replace("\u00a0", " ")
    for expected in ("Departement Omgeving", "Sofie Peeters", "€ 1.500.000", "Stad Gent",
                     "MAGDA-diensten", "Lopend", "Het opvolgingsdossier"):  # fmt: skip
        assert expected in facts, expected
    milestones = page.get_by_role("table").first
    expect(milestones.get_by_role("rowheader", name="Analyse klaar")).to_be_visible()
    expect(milestones.get_by_role("rowheader", name="Livegang")).to_be_visible()
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make setup` (npm ci)")
    assert violations(page) == []
