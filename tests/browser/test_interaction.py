"""Two people completing one task at once; the keyboard alone for signing in and the inbox.
(The case page's diagram, drawn by bpmn-js, is tested in test_modeller.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import committee as board
from tests.browser.conftest import PASSWORD, Site, as_user, task_id_of

CONFIRM = "Screening bevestigen"


def submitted_topic(site: Site, title: str) -> int:
    """A topic waiting for the secretariat's screening; returns its case id."""
    return board.committee(site).start("topic", board.topic_data(title), "sofie").id


def focused(page: Page) -> str:
    """What has the keyboard focus: its tag, name or id, and text."""
    return str(
        page.evaluate(
            """() => { const e = document.activeElement;
                return [e.tagName, e.name || e.id || "", (e.innerText || "").trim()].join("|"); }"""
        )
    )


def tab_to(page: Page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text is `text` (fails after `limit` presses)."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if focused(page).endswith(f"|{text}"):
            return
    pytest.fail(f"{text!r} never got the focus with Tab")


def test_two_people_complete_the_same_task_one_wins_the_other_is_told(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    site.engine.ensure_user("sven", "Sven Secretariaat", grants=[("secretariat", None)])
    with site.app.app_context():
        from webapp.identity import state

        state().accounts.set_password("sven", PASSWORD)
    case_id = submitted_topic(site, board.unique("Tegelijk afgerond"))
    task_id = task_id_of(site, case_id, "confirm_screening")
    pages = [as_user(new_context, site, user) for user in ("sara", "sven")]
    for page in pages:
        page.goto(site.at(f"/taken/{task_id}"))
        page.get_by_label("Opmerking bij de screening").fill("Nagekeken.")

    submit = "document.querySelector('form.task-form').requestSubmit()"
    with pages[0].expect_navigation() as first, pages[1].expect_navigation() as second:
        for page in pages:  # both forms go out before either answer comes back
            page.evaluate(submit)
    statuses = sorted(nav.value.status for nav in (first, second) if nav.value is not None)
    assert statuses == [200, 409], statuses  # the winner lands on the case page

    loser = next(
        p for p, nav in zip(pages, (first, second), strict=True) if nav.value.status == 409
    )
    winner = next(p for p in pages if p is not loser)
    expect(winner.locator(".flash-success")).to_contain_text(f"Taak „{CONFIRM}” afgerond.")
    expect(loser.get_by_role("alert")).to_contain_text(
        "Je gegevens zijn niet bewaard"
    )  # "someone else was first" or "no longer open": both say nothing of theirs was stored
    task = site.engine.task(task_id)
    assert task.state == "completed"
    assert [e.action for e in site.engine.audit_trail(case_id)].count("task_completed") == 1


def test_signing_in_and_opening_a_task_with_the_keyboard_only(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    title = board.unique("Met het toetsenbord")
    case_id = submitted_topic(site, title)
    page = new_context().new_page()
    page.goto(site.at("/aanmelden"))
    assert focused(page).startswith("INPUT|gebruiker")  # the form starts where you type
    page.keyboard.type("sara")
    page.keyboard.press("Tab")
    assert focused(page).startswith("INPUT|wachtwoord")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/taken")

    # The skip link comes first and takes the focus to the content.
    page.keyboard.press("Tab")
    assert focused(page).endswith("|Naar de inhoud")
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")

    tab_to(page, CONFIRM)  # the first "Screening bevestigen" row is an older case's: find ours
    while site.at(f"/dossiers/{case_id}") not in page.evaluate(
        "() => document.activeElement.closest('tr').querySelector('a[href^=\"/dossiers/\"]').href"
    ):
        tab_to(page, CONFIRM)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/taken/{task_id_of(site, case_id, 'confirm_screening')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(CONFIRM)

    tab_to(page, "Afronden")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text(f"Taak „{CONFIRM}” afgerond.")
