"""Browser tests: the real web app served in-process, driven by Playwright in Debian's chromium.

One server per test session (per xdist worker): a werkzeug server on 127.0.0.1 and a free port,
in a thread, on a temporary SQLite database with every model in bpmn/ deployed, the committee's
people (tests/processes_fixtures.py) with passwords, and a ManualClock that tests move on with
`site.advance(...)`, which then runs the scheduler once, as `stuurboord scheduler --once` would.

Chromium is never downloaded: `/usr/bin/chromium` (Debian's package; `.ci/run` installs it).
Without it these tests are skipped, saying why. Each test gets fresh browser contexts (no
shared cookies); test data is made per test (new cases, meetings), so tests do not depend on
each other's order.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

import processes
import webapp
from engine import Database, Engine, ManualClock
from engine.scheduling.scheduler import Scheduler
from engine.storage.migrate import upgrade
from engine.timing.policy import load_policy
from processes.records import dates
from tests.conftest import START
from tests.processes_fixtures import BPMN_DIR, seed
from webapp.app import create_app
from webapp.i18n import compile_catalogs
from webapp.identity import state

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser tests only 1"
TIMEOUT_MS = 10_000
PEOPLE = ("sofie", "tom", "sara", "chris", "mia", "mo", "cleo", "wim", "eva", "gert", "ada")

try:  # the suite still runs (these tests skip) where playwright is not installed
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None  # type: ignore[assignment]


@dataclass
class Site:
    """The running app: its address, engine and clock."""

    url: str
    app: Flask
    engine: Engine
    clock: ManualClock

    def at(self, path: str) -> str:
        return self.url + path

    def advance(self, **delta: float) -> datetime:
        """Move the clock on and fire what became due (timers, reminders, escalations)."""
        now = self.clock.advance(**delta)
        Scheduler(self.engine, name="browser-tests").run_due()
        return now

    def advance_to(self, moment: datetime) -> datetime:
        self.clock.set(moment)
        Scheduler(self.engine, name="browser-tests").run_due()
        return moment


def build_site(folder: Path, template: Path | None = None) -> tuple[Flask, Engine, ManualClock]:
    """A migrated SQLite database in `folder` (copied from `template` when given), the
    committee's models and people with passwords, and the app on a ManualClock."""
    path = folder / "stuurboord.db"
    if template is not None:
        shutil.copy(template, path)
    database = Database(f"sqlite:///{path}")
    if template is None:
        upgrade(database, [processes.MIGRATIONS, webapp.MIGRATIONS])
    clock = ManualClock(START)
    engine = Engine(
        database, processes.build_registry(), clock, policy=load_policy(BPMN_DIR / "policy")
    )
    engine.deploy([BPMN_DIR])
    seed(engine)
    app = create_app(
        engine,
        {"TESTING": True, "TOPIC_PROCESS": "topic", "SECRET_KEY": "browser-tests-only"},
    )
    with app.app_context():
        for user_id in PEOPLE:
            state().accounts.set_password(user_id, PASSWORD)
    return app, engine, clock


class QuietHandler(WSGIRequestHandler):
    """No access log: the tests say what went wrong."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class ServerThread(threading.Thread):
    """A werkzeug server for `app` on 127.0.0.1 and a free port, until `stop()`."""

    def __init__(self, app: Flask) -> None:
        super().__init__(daemon=True, name="browser-test-server")
        self.server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
        )
        self.port = self.server.server_port

    def run(self) -> None:
        self.server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.join(timeout=5)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    compile_catalogs()
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("browser-site")
        app, engine, clock = build_site(folder, sqlite_template)
        # Forms check dates against "today": the test clock's today.
        patch.setattr(dates, "today", lambda: dates.local_date(clock.now()))
        server = ServerThread(app)
        server.start()
        yield Site(f"http://127.0.0.1:{server.port}", app, engine, clock)
        server.stop()
        engine.db.dispose()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if sync_playwright is None:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    launched = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Make fresh browser contexts (own cookies); all closed after the test."""
    made: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-BE")
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    return new_context().new_page()


def sign_in(page: Page, site: Site, user_id: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto(site.at("/aanmelden"))
    page.get_by_label("Gebruikersnaam").fill(user_id)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name=re.compile("^Aanmelden$")).click()
    page.wait_for_url(re.compile(r"/taken"))


def as_user(new_context: Callable[[], BrowserContext], site: Site, user_id: str) -> Page:
    """A page in a new context, signed in as `user_id`."""
    page = new_context().new_page()
    sign_in(page, site, user_id)
    return page


@contextmanager
def signed_in_pages(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """`open_page(user_id, width=1280)`: a page signed in as `user_id` in a context of its own
    that lets axe-core in (only these test contexts bypass the app's CSP); all closed after."""
    contexts: list[BrowserContext] = []

    def open_page(user_id: str, width: int = 1280) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="nl-BE", bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, site, user_id)
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def open_as(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """Signed-in pages that axe-core can check (see `signed_in_pages`)."""
    with signed_in_pages(browser, site) as open_page:
        yield open_page


def task_id_of(site: Site, case_id: int, element_id: str) -> str:
    """The id of the case's ready task `element_id` (to check what the pages link to)."""
    found = [
        t.id
        for t in site.engine.case_tasks(case_id)
        if t.state == "ready" and t.element_id == element_id
    ]
    assert len(found) == 1, f"case {case_id}: {element_id} ready {len(found)} times"
    return found[0]


def case_id_from(url: str) -> int:
    match = re.search(r"/dossiers/(\d+)", url)
    assert match, f"not a case page: {url}"
    return int(match.group(1))


def data(site: Site, case_id: int) -> dict[str, Any]:
    return site.engine.case(case_id).data
