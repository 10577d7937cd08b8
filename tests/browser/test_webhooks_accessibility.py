"""*Beheer → Webhooks* in a real browser: the list, the form, the secret shown once and the
delivery log have no axe-core WCAG 2.1 A/AA violation, and work by keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.notify import webhooks
from engine.people.actors import SYSTEM_ACTOR
from tests.browser.conftest import Site, signed_in_pages
from tests.browser.test_accessibility import AXE, violations

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - conftest skips the browser tests then
    Browser = Page = object  # type: ignore[misc, assignment]


@pytest.fixture
def admin_page(browser: Browser, site: Site) -> Iterator[Page]:
    with signed_in_pages(browser, site) as open_page:
        yield open_page("ada")


@pytest.fixture
def endpoint(site: Site) -> Iterator[int]:
    """An endpoint with one waiting delivery; removed afterwards (the site is shared). Its
    address is public, so the scheduler must not run while it exists."""
    created = site.engine.webhooks.add(
        "https://93.184.215.14/stuurboord", [webhooks.CASE_STARTED, webhooks.TASK_COMPLETED],
        SYSTEM_ACTOR,
    )  # fmt: skip
    with site.engine.db.write() as session:
        webhooks.emit(session, site.clock, webhooks.CASE_STARTED, subject="cases/1",
                      data={"case_id": 1})  # fmt: skip
    yield created.endpoint.id
    for item in site.engine.webhooks.endpoints():
        site.engine.webhooks.delete(item.id, SYSTEM_ACTOR)


def test_webhook_pages_have_no_axe_violations(
    site: Site, endpoint: int, admin_page: Page
) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make setup` (npm ci)")
    page = admin_page
    found = []
    for path in ("/beheer/webhooks", f"/beheer/webhooks/{endpoint}"):
        response = page.goto(site.at(path))
        assert response is not None and response.status == 200, path
        found += [f"{path}: {problem}" for problem in violations(page)]

    page.goto(site.at("/beheer/webhooks"))
    page.get_by_label("Adres (URL) van de ontvanger").fill("https://93.184.215.14/tweede")
    page.get_by_label("Taak afgerond").check()
    page.get_by_role("button", name="Toevoegen").press("Enter")
    secret = page.get_by_label("Geheime sleutel")
    assert secret.input_value().startswith("whsec_")
    found += [f"after adding: {problem}" for problem in violations(page)]

    page.get_by_label("Adres (URL) van de ontvanger").fill("ftp://93.184.215.14/x")
    page.get_by_role("button", name="Toevoegen").click()
    assert page.get_by_text("moet beginnen met https://").is_visible()
    found += [f"refused: {problem}" for problem in violations(page)]
    assert not found, "\n".join(found)
