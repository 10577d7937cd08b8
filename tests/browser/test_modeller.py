"""bpmn-js in the browser: the case diagram drawn by the navigated viewer with the case's marks,
and the modeller in *Beheer* (rename a task, add a user task in the secretariat lane, see a
check error on its element and fix it, save a draft, compare, take version 2 into use with a
reason). The modeller's story deploys a new topic version, so it runs on a server of its own
(the shared one keeps version 1 for the other tests). No page may break the CSP (console)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.browser import committee as board
from tests.browser.conftest import PASSWORD, ServerThread, Site, as_user, build_site
from tests.browser.test_accessibility import AXE, TAGS

CONFIRM = "Screening bevestigen"


def console_errors(page: Page) -> list[str]:
    """Errors the page logs (a CSP refusal shows up here), collected as it runs."""
    found: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def axe_clean(page: Page) -> None:
    """axe-core finds nothing (evaluated through the devtools protocol, which the page's strict
    CSP does not govern, so the CSP stays on for everything else)."""
    if not AXE.exists():
        return
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    problems = [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
                for v in result["violations"]]  # fmt: skip
    assert not problems, "\n".join(problems)


def test_the_case_diagram_is_drawn_by_bpmn_js_and_marks_the_task_that_is_up(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    case_id = board.committee(site).start("topic", board.topic_data(board.unique("Met diagram")),
                                          "sofie").id  # fmt: skip
    sofie = as_user(new_context, site, "sofie")
    errors = console_errors(sofie)
    sofie.goto(site.at(f"/dossiers/{case_id}"))
    box = sofie.locator("[data-bpmn-diagram]")
    expect(box).to_have_class(re.compile("is-drawn"))
    canvas = sofie.get_by_role("region", name=re.compile("^Procesdiagram: .*versie 1"))
    active = canvas.locator(".djs-element[data-element-id=confirm_screening]")
    expect(active).to_have_class(re.compile("mark-active"))
    expect(canvas.locator(".djs-element[data-element-id=submit]")).to_have_class(
        re.compile("mark-completed")
    )
    expect(canvas.locator(".mark-badge-active")).to_have_count(1)
    # styled by the external sheet (the CSP allows no inline styles): the border is thick
    width = active.locator(".djs-visual > :first-child").evaluate(
        "e => getComputedStyle(e).strokeWidth"
    )
    assert width == "5px"
    # the same as text, for readers without the drawing
    expect(sofie.locator(".diagram-list-active")).to_contain_text(CONFIRM)
    # zoom with the buttons (keyboard: they are buttons)
    before = sofie.evaluate(
        "() => document.querySelector('.bpmn-canvas .viewport').getAttribute('transform')"
    )
    sofie.get_by_role("button", name="Inzoomen").focus()
    sofie.keyboard.press("Enter")
    after = sofie.evaluate(
        "() => document.querySelector('.bpmn-canvas .viewport').getAttribute('transform')"
    )
    assert before != after
    sofie.get_by_role("button", name="Passend").click()
    assert not errors, errors
    axe_clean(sofie)


def test_without_javascript_the_case_page_still_lists_the_steps(
    site: Site, browser: object
) -> None:
    case_id = board.committee(site).start("topic", board.topic_data(board.unique("Zonder JS")),
                                          "sofie").id  # fmt: skip
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(site.at("/aanmelden"))
        page.get_by_label("Gebruikersnaam").fill("sofie")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden", exact=True).click()
        page.goto(site.at(f"/dossiers/{case_id}"))
        expect(page.locator(".diagram-list-active")).to_contain_text(CONFIRM)
        expect(page.locator(".bpmn-toolbar")).to_be_hidden()
    finally:
        context.close()


# -- the modeller: a server of its own ---------------------------------------------------------


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    app, engine, clock = build_site(tmp_path_factory.mktemp("modeller-site"), sqlite_template)
    server = ServerThread(app)
    server.start()
    yield Site(f"http://127.0.0.1:{server.port}", app, engine, clock)
    server.stop()
    engine.db.dispose()


def shape(page: Page, element_id: str) -> object:
    return page.locator(f".modeller-canvas .djs-element.djs-shape[data-element-id={element_id}]")


def select(page: Page, element_id: str) -> None:
    shape(page, element_id).click()  # type: ignore[attr-defined]
    expect(page.locator("[data-properties] code")).to_have_text(element_id)


def set_field(page: Page, field: str, value: str) -> None:
    box = page.locator(f"[data-properties] [data-field={field}]")
    if box.evaluate("e => e.tagName") == "SELECT":
        box.select_option(value)
    else:
        box.fill(value)
        box.press("Tab")


def selected_id(page: Page) -> str:
    return page.locator("[data-properties] code").inner_text()


def test_an_admin_changes_the_topic_process_in_the_modeller_and_takes_it_into_use(
    own_site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    site = own_site
    ada = as_user(new_context, site, "ada")
    errors = console_errors(ada)
    ada.goto(site.at("/beheer/processen"))
    ada.get_by_role("link", name=re.compile("^modeller topic")).click()
    expect(ada.get_by_role("heading", level=1)).to_have_text(
        "Modeller: Agendering van een onderwerp"
    )
    expect(ada.locator("[data-modeller]")).to_have_class(re.compile("is-loaded"))

    # rename a task
    select(ada, "confirm_screening")
    set_field(ada, "name", "Screening nakijken en bevestigen")
    expect(shape(ada, "confirm_screening")).to_contain_text("Screening nakijken")  # type: ignore[arg-type]

    # bpmn-js's own menus work under the strict CSP too (the console stays clean)
    ada.locator(".djs-context-pad .entry[data-action='replace']").click()
    expect(ada.locator(".djs-popup")).to_be_visible()
    ada.keyboard.press("Escape")
    expect(ada.locator(".djs-popup")).to_have_count(0)

    # add a task for a person after it (it lands in the secretariat lane)
    ada.locator(".djs-context-pad .entry[data-action='append.append-task']").click()
    ada.keyboard.press("Escape")  # leave the label editor bpmn-js opens
    new_id = selected_id(ada)
    assert new_id != "confirm_screening"
    set_field(ada, "type", "bpmn:UserTask")
    new_id = selected_id(ada)
    set_field(ada, "name", "Advies inwinnen")
    set_field(ada, "due", "5 working days")

    # the check marks the problem on its element and lists it: two ways out of one task
    ada.get_by_role("button", name="Controleren").click()
    results = ada.locator("[data-results]")
    expect(results).to_contain_text("Problemen")
    expect(results).to_contain_text("Multiple outgoing flows")
    expect(shape(ada, "confirm_screening")).to_have_class(re.compile("has-problem"))  # type: ignore[arg-type]
    expect(ada.locator(".modeller-canvas .problem-badge")).to_have_count(1)
    results.get_by_role("button", name=re.compile("confirm_screening")).click()
    expect(ada.locator("[data-properties] code")).to_have_text("confirm_screening")

    # fixed: the flow to "Toelaatbaar?" now leaves from the new task (chosen in the panel)
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
    expect(ada.locator(".modeller-canvas .has-problem")).to_have_count(0)

    # save a draft, then compare with version 1
    ada.get_by_role("button", name="Opslaan als ontwerp").click()
    expect(results).to_contain_text("Ontwerp bewaard (ontwerp 1)")
    ada.get_by_role("button", name="Vergelijken").click()
    expect(results).to_contain_text("Verschillen met versie 1")
    expect(results.locator(".diff-added")).to_contain_text("Advies inwinnen")
    expect(results.locator(".diff-changed")).to_contain_text("Screening nakijken en bevestigen")

    # take it into use: a reason is required
    ada.get_by_role("button", name="In gebruik nemen").click()
    expect(ada.locator("[data-reason-error]")).to_have_text(
        "Geef een reden: ze komt in de audittrail."
    )
    ada.get_by_label("Reden").fill("Advies van het secretariaat bij elke screening")
    ada.get_by_role("button", name="In gebruik nemen").click()
    expect(results).to_contain_text("Versie 2 is in gebruik genomen")
    assert [v.version for v in site.engine.versions("topic")] == [1, 2]
    source = site.engine.version_source("topic", 2)
    assert 'name="Screening nakijken en bevestigen"' in source
    lane = re.search(r'<bpmn:lane id="topic_lane_secretariat".*?</bpmn:lane>', source, re.S)
    assert lane and f"<bpmn:flowNodeRef>{new_id}</bpmn:flowNodeRef>" in lane.group(0)
    (entry,) = [a for a in site.engine.audit_trail() if a.action == "process_deployed"
                and a.changes["version"]["after"] == 2]  # fmt: skip
    assert entry.actor == "ada" and entry.reason.startswith("Advies van het secretariaat")
    assert [e for e in errors if "status of 422" not in e] == []  # only the check's answers

    # the version page draws version 2; the modeller page passes axe
    results.get_by_role("link", name="Versie 2 bekijken").click()
    expect(ada.locator("[data-bpmn-diagram]")).to_have_class(re.compile("is-drawn"))
    expect(ada.locator(f".djs-element[data-element-id={new_id}]")).to_have_count(1)
    axe_clean(ada)
    ada.goto(site.at("/beheer/processen/topic/modeller"))
    expect(ada.locator("[data-modeller]")).to_have_class(re.compile("is-loaded"))
    axe_clean(ada)
    assert json.loads(ada.locator("[data-modeller]").get_attribute("data-revision") or "x") == 0


MIWG = Path(__file__).resolve().parents[1] / "bpmn" / "miwg_constructs.bpmn"


def test_the_case_diagram_shows_the_constructs_the_old_renderer_left_out(
    own_site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    """Each MIWG-style construct of issue 9, deployed and drawn on a case page by bpmn-js."""
    site = own_site
    site.engine.deploy([MIWG])
    case = site.engine.start_case("miwg", {}, site.engine.actor("ada"))
    ada = as_user(new_context, site, "ada")
    errors = console_errors(ada)
    ada.goto(site.at(f"/dossiers/{case.id}"))
    expect(ada.locator("[data-bpmn-diagram]")).to_have_class(re.compile("is-drawn"))
    canvas = ada.locator(".bpmn-canvas")

    def element(element_id: str) -> object:
        return canvas.locator(f".djs-element[data-element-id={element_id}]")

    # 1-2: multi-instance and loop markers
    expect(element("mi_task").locator("[data-marker=parallel]")).to_have_count(1)  # type: ignore[attr-defined]
    expect(element("loop_task").locator("[data-marker=loop]")).to_have_count(1)  # type: ignore[attr-defined]
    # 3-7: signal, error, escalation, conditional and link events each with their own icon
    icons = {}
    for event in ("signal_throw", "sub_error", "escalation_throw", "condition_catch",
                  "link_throw", "answer_catch"):  # fmt: skip
        paths = element(event).locator(".djs-visual path")  # type: ignore[attr-defined]
        expect(paths.first).to_be_attached()
        icons[event] = paths.first.get_attribute("d")
    assert len(set(icons.values())) == len(icons), icons  # no shared triangle
    # 8: a data object and a data store
    expect(element("file_ref").locator(".djs-visual path")).not_to_have_count(0)  # type: ignore[attr-defined]
    expect(element("archive_ref").locator(".djs-visual path")).not_to_have_count(0)  # type: ignore[attr-defined]
    # 9: a group, with its label
    expect(element("repeat_group")).to_have_count(1)  # type: ignore[attr-defined]
    expect(canvas).to_contain_text("Herhaling")
    # 10: the expanded subprocess's content, flows included, above its fill
    for inner in ("sub_start", "sub_task", "sub_error_end", "s1", "s2"):
        expect(element(inner)).to_have_count(1)  # type: ignore[attr-defined]
    # 11: message flows to and from the second pool
    for flow in ("mf_out", "mf_in"):
        expect(canvas.locator(f".djs-connection[data-element-id={flow}]")).to_have_count(1)
    expect(element("outside_pool")).to_contain_text("Indiener")  # type: ignore[attr-defined]
    # and the case's marks
    expect(element("mi_task")).to_have_class(re.compile("mark-completed"))  # type: ignore[attr-defined]
    assert not errors, errors


def test_a_decision_table_opens_in_dmn_js(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    ada = as_user(new_context, site, "ada")
    errors = console_errors(ada)
    ada.goto(site.at("/beheer/processen"))
    ada.get_by_role("link", name="admission", exact=True).click()
    expect(ada.get_by_role("heading", level=1)).to_have_text("Beslissingstabel admission")
    expect(ada.locator("[data-dmn]")).to_have_class(re.compile("is-loaded"))
    table = ada.locator(".dmn-canvas .tjs-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(ada.get_by_role("button", name="Gewijzigde tabel downloaden")).to_be_visible()
    with ada.expect_download() as download:
        ada.get_by_role("button", name="Gewijzigde tabel downloaden").click()
    assert download.value.suggested_filename == "admission.dmn"
    # the only message: dmn-js's bundle says it was built with Inferno's development build
    assert [e for e in errors if "development build of Inferno" not in e] == []
    axe_clean(ada)


def test_a_second_admin_saving_the_same_draft_is_warned_and_chooses(
    own_site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    site = own_site
    site.engine.ensure_user("bea", "Bea Beheer", grants=[("admin", None)])
    with site.app.app_context():
        from webapp.identity import state

        state().accounts.set_password("bea", PASSWORD)
    pages = {user: as_user(new_context, site, user) for user in ("ada", "bea")}
    for page in pages.values():  # both open the same process before either saves
        page.goto(site.at("/beheer/processen/meeting/modeller"))
        expect(page.locator("[data-modeller]")).to_have_class(re.compile("is-loaded"))
    ada, bea = pages["ada"], pages["bea"]
    ada.get_by_role("button", name="Opslaan als ontwerp").click()
    expect(ada.locator("[data-results]")).to_contain_text("Ontwerp bewaard (ontwerp 1)")

    bea.get_by_role("button", name="Opslaan als ontwerp").click()
    conflict = bea.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Ada Admin bewaarde dit ontwerp intussen")
    expect(bea.get_by_role("button", name="Toch overschrijven")).to_be_focused()
    bea.get_by_role("button", name="Hun ontwerp laden").click()
    expect(bea.locator("[data-results]")).to_contain_text("Het bewaarde ontwerp is geladen.")
    expect(conflict).to_be_hidden()
    bea.get_by_role("button", name="Opslaan als ontwerp").click()  # now on ada's revision
    expect(bea.locator("[data-results]")).to_contain_text("Ontwerp bewaard (ontwerp 2)")

    ada.get_by_role("button", name="Opslaan als ontwerp").click()  # ada is behind now
    expect(ada.locator("[data-conflict]")).to_contain_text("Bea Beheer bewaarde dit ontwerp")
    ada.get_by_role("button", name="Toch overschrijven").click()
    expect(ada.locator("[data-results]")).to_contain_text("Ontwerp bewaard (ontwerp 3)")
