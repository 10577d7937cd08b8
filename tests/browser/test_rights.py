"""What a submitter may not open answers exactly like what does not exist (no IDOR, no hint):
a chair's task, another submitter's closed case. And a form post without its CSRF token is
refused with nothing changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import committee as board
from tests.browser.conftest import Site, as_user, task_id_of


def answer(page: Page, site: Site, path: str) -> tuple[int, str]:
    """The status and the main text of a page, as the browser shows them."""
    response = page.goto(site.at(path))
    assert response is not None
    return response.status, page.locator("main").inner_text()


def withdrawn_topic(site: Site, submitter: str) -> int:
    """A topic that failed screening and that its submitter withdrew: a closed case."""
    committee = board.committee(site)
    case = committee.start(
        "topic",
        board.topic_data(board.unique("Ingetrokken voorstel"), impact="", focus_domains=[]),
        submitter,
    )
    committee.complete(case.id, "confirm_screening", {}, "sara")
    committee.complete(case.id, "revise_submission", {"revision_action": "withdraw"}, submitter)
    assert committee.case(case.id).status == "completed"
    return case.id


def test_a_submitter_gets_the_same_404_for_a_chair_task_as_for_no_task(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    _meeting_case, meeting_id = board.plan_meeting(site)
    committee = board.committee(site)
    mine = committee.start("topic", board.topic_data(board.unique("Mijn voorstel")), "sofie")
    committee.complete(mine.id, "confirm_screening", {}, "sara")
    chair_task = task_id_of(site, mine.id, "chair_decision")
    others = board.admitted_topic(site, meeting_id, board.unique("Voorstel van Tom"), "tom")

    sofie = as_user(new_context, site, "sofie")
    missing = answer(sofie, site, f"/taken/{uuid.uuid4()}")
    assert missing[0] == 404
    assert answer(sofie, site, f"/taken/{chair_task}") == missing  # her own case's chair task
    assert answer(sofie, site, f"/dossiers/{others}") == answer(sofie, site, "/dossiers/99999")
    # Her own case she does see, with the chair's step in its progress.
    status, text = answer(sofie, site, f"/dossiers/{mine.id}")
    assert status == 200 and "Beslissen over agendering" in text


def test_a_submitter_gets_the_same_404_for_another_submitters_closed_case(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    closed = withdrawn_topic(site, "tom")
    sofie = as_user(new_context, site, "sofie")
    missing = answer(sofie, site, "/dossiers/987654")
    assert missing[0] == 404
    assert answer(sofie, site, f"/dossiers/{closed}") == missing
    tom = as_user(new_context, site, "tom")
    assert answer(tom, site, f"/dossiers/{closed}")[0] == 200  # his own, closed, case


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    committee = board.committee(site)
    case = committee.start("topic", board.topic_data(board.unique("Zonder token")), "sofie")
    task_id = task_id_of(site, case.id, "confirm_screening")
    trail = len(site.engine.audit_trail(case.id))
    sara = as_user(new_context, site, "sara")
    sara.goto(site.at(f"/taken/{task_id}"))

    # The same form fields the page would send, without the token: by request and by fetch.
    refused = sara.request.post(site.at(f"/taken/{task_id}"), form={"screening_note": "x"})
    assert refused.status == 400
    status = sara.evaluate(
        """async (url) => {
            const body = new URLSearchParams({screening_note: "x"});
            const response = await fetch(url, {method: "POST", body, redirect: "manual"});
            return response.status;
        }""",
        site.at(f"/taken/{task_id}"),
    )
    assert status == 400
    claim = sara.request.post(site.at(f"/taken/{task_id}/opnemen"), form={})
    assert claim.status == 400

    task = site.engine.task(task_id)
    assert task.state == "ready" and task.claimed_by is None
    assert len(site.engine.audit_trail(case.id)) == trail
    # With the page's own form (and so its token) it works.
    sara.reload()
    sara.get_by_role("button", name="Afronden").click()
    expect(sara.locator(".flash-success")).to_contain_text("afgerond")
    assert site.engine.task(task_id).state == "completed"
