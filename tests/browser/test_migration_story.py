"""Issue 9's story end to end in the browser: an admin changes the topic process in the modeller
(renames the screening task, adds a task for the secretariat after it), takes version 2 into use
with a reason, then on *Beheer → Dossiers verplaatsen* runs the dry run, sees in plain words which
cases can move (and why a suspended one cannot), moves them with a reason; a moved case's page says it runs on version 2, and the
case goes on on version 2 (the renamed and the new task, through the pages) to its end.

It deploys a new topic version, so it runs on a server of its own: the shared one keeps
version 1 for the other browser tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import committee as board
from tests.browser.conftest import ServerThread, Site, as_user, build_site
from tests.browser.test_modeller import (
    axe_clean,
    console_errors,
    select,
    selected_id,
    set_field,
    shape,
)
from webapp import admin_migrations

RENAMED = "Screening nakijken en bevestigen"
ADDED = "Advies inwinnen"


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    app, engine, clock = build_site(tmp_path_factory.mktemp("migration-site"), sqlite_template)
    server = ServerThread(app)
    server.start()
    yield Site(f"http://127.0.0.1:{server.port}", app, engine, clock)
    server.stop()
    engine.db.dispose()


def deploy_version_2(ada: Page, site: Site) -> str:
    """In the modeller: rename the screening task, add a task after it, fix the check's
    problem, save and take it into use with a reason. Returns the new task's id."""
    ada.goto(site.at("/beheer/processen"))
    ada.get_by_role("link", name=re.compile("^modeller topic")).click()
    expect(ada.locator("[data-modeller]")).to_have_class(re.compile("is-loaded"))
    select(ada, "confirm_screening")
    set_field(ada, "name", RENAMED)
    expect(shape(ada, "confirm_screening")).to_contain_text("Screening nakijken")  # type: ignore[arg-type]
    ada.locator(".djs-context-pad .entry[data-action='append.append-task']").click()
    ada.keyboard.press("Escape")
    set_field(ada, "type", "bpmn:UserTask")
    new_id = selected_id(ada)
    set_field(ada, "name", ADDED)
    results = ada.locator("[data-results]")
    ada.get_by_role("button", name="Controleren").click()
    expect(results).to_contain_text("Multiple outgoing flows")
    flow = "topic_f_confirm_screening_admissible"
    ada.evaluate(
        "id => document.querySelector(`.djs-connection[data-element-id=${id}] .djs-hit`)"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        flow,
    )
    expect(ada.locator("[data-properties] code")).to_have_text(flow)
    set_field(ada, "source", new_id)
    ada.get_by_role("button", name="Controleren").click()
    expect(results).to_contain_text("Geen problemen")
    ada.get_by_role("button", name="Opslaan als ontwerp").click()
    expect(results).to_contain_text("Ontwerp bewaard")
    ada.get_by_label("Reden").fill("Advies van het secretariaat bij elke screening")
    ada.get_by_role("button", name="In gebruik nemen").click()
    expect(results).to_contain_text("Versie 2 is in gebruik genomen")
    return new_id


def open_task(page: Page, site: Site, task_name: str, case_title: str) -> None:
    page.goto(site.at("/taken"))
    row = page.get_by_role("row").filter(has_text=case_title).filter(has_text=task_name)
    row.get_by_role("link", name=task_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(task_name)


def complete(page: Page, task_name: str) -> None:
    page.get_by_role("button", name="Afronden").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Taak „{task_name}” afgerond.")


def test_an_admin_changes_the_topic_process_moves_running_cases_and_they_end_on_version_2(
    own_site: Site, new_context: Callable[[], BrowserContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = own_site
    monkeypatch.setattr(admin_migrations, "BATCH_SIZE", 1)  # one case per batch: JS continues
    committee = board.committee(site)
    titles = [board.unique("Te verplaatsen"), board.unique("Ook te verplaatsen")]
    cases = [committee.start("topic", board.topic_data(t), "sofie").id for t in titles]
    for case_id in cases:
        committee.task(case_id, "confirm_screening")  # waiting for the secretariat
    paused_title = board.unique("Opgeschort")
    paused = committee.start("topic", board.topic_data(paused_title), "sofie").id
    site.engine.suspend(paused, committee.actor("ada"), "Wacht op de indiener")

    ada = as_user(new_context, site, "ada")
    errors = console_errors(ada)
    new_id = deploy_version_2(ada, site)
    assert [v.version for v in site.engine.versions("topic")] == [1, 2]

    # Beheer → Dossiers verplaatsen: the topic process, from version 1 to 2
    ada.goto(site.at("/beheer"))
    ada.get_by_role("link", name="Dossiers verplaatsen").click()
    expect(ada.get_by_role("heading", level=1)).to_have_text("Dossiers verplaatsen")
    ada.get_by_label("Proces").select_option("topic")
    ada.get_by_role("button", name="Verder").click()
    ada.get_by_label("Van versie").select_option(label="versie 1")
    ada.get_by_label("Naar versie").select_option(label="versie 2")
    ada.get_by_role("button", name="Plan tonen").click()
    expect(ada.get_by_role("heading", name="Van versie 1 naar versie 2")).to_be_visible()
    axe_clean(ada)

    # the dry run: which cases can move, in plain words; nothing changes
    ada.get_by_role("button", name="3. Proefdraaien").click()
    result = ada.locator("#resultaat-sectie")
    expect(result).to_contain_text("Proefdraaien: er is niets gewijzigd")
    expect(result.get_by_role("status")).to_contain_text("2 van 3 dossiers kunnen verplaatst")
    table = result.locator("table")
    for title, case_id in zip(titles, cases, strict=True):
        row = table.locator("tbody tr", has_text=title)
        expect(row).to_contain_text(f"#{case_id}")
        expect(row).to_contain_text("1 → 2")
        expect(row).to_contain_text("Screening bevestigen (taak)")
        expect(row).to_contain_text("Kan verplaatst worden")
    row = table.locator("tbody tr", has_text=paused_title)
    expect(row).to_contain_text("Kan niet")
    expect(row).to_contain_text("Het dossier is opgeschort.")
    text = table.inner_text()
    for code in ("confirm_screening", "can_move", "suspended", "topic_", "UserTask", "None"):
        assert code not in text, f"{code!r} in the table: {text}"
    assert {site.engine.case(c).version for c in cases} == {1}
    axe_clean(ada)

    # the move: a reason is required, then each case moves
    ada.get_by_role("button", name="Verplaatsen").click()
    expect(ada.locator("#reden-fout")).to_have_text(
        "Geef een reden: ze komt in de audittrail van elk dossier."
    )
    assert {site.engine.case(c).version for c in cases} == {1}
    axe_clean(ada)
    ada.get_by_label("Reden (nodig om te verplaatsen)").fill("Advies bij elke screening")
    ada.get_by_role("button", name="Verplaatsen").click()
    # batches of one: the page shows "1 van 2 verplaatst", its script moves the next one and
    # puts the report in its place
    result = ada.locator("#resultaat-sectie")
    expect(result.get_by_role("heading", name="Resultaat")).to_be_visible()
    expect(result.get_by_role("status")).to_contain_text("2 verplaatst, 1 niet mogelijk")
    expect(result.locator("tbody tr", has_text="Verplaatst")).to_have_count(2)
    assert {site.engine.case(c).version for c in cases} == {2}
    assert site.engine.case(paused).version == 1  # the one that cannot move stays as it was
    axe_clean(ada)

    # a moved case's page: it runs on version 2, and the diagram is version 2's
    moved, title = cases[0], titles[0]
    result.get_by_role("link", name=re.compile(re.escape(title))).click()
    facts = ada.locator("dt", has_text="Versies").locator("xpath=following-sibling::dd[1]")
    expect(facts).to_contain_text(re.compile(r"versie 1 → versie 2 \(sinds .+\)"))
    expect(ada.get_by_role("region", name=re.compile("versie 2"))).to_be_visible()
    expect(ada.locator(".diagram-list-active")).to_contain_text(RENAMED)
    expect(ada.locator(f".djs-element[data-element-id={new_id}]")).to_have_count(1)
    assert [e for e in errors if "status of 422" not in e] == []

    # it goes on on version 2: the renamed task, then the new one, for the secretariat
    sara = as_user(new_context, site, "sara")
    open_task(sara, site, RENAMED, title)
    complete(sara, RENAMED)
    open_task(sara, site, ADDED, title)
    complete(sara, ADDED)
    # the chair declines (engine), the submitter reads it (page): the case has ended
    committee.complete(
        moved, "chair_decision",
        {"chair_decision": "decline", "chair_reason": "Valt buiten het mandaat."}, "chris",
    )  # fmt: skip
    sofie = as_user(new_context, site, "sofie")
    open_task(sofie, site, "Weigering lezen", title)
    complete(sofie, "Weigering lezen")
    case = site.engine.case(moved)
    assert (case.status, case.version) == ("completed", 2)
    done = [t.element_id for t in site.engine.case_tasks(moved) if t.state == "completed"]
    assert {"confirm_screening", new_id, "chair_decision", "acknowledge_decline"} <= set(done)
