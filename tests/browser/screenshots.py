"""Screenshots of the main pages for the README, from the demo app.

    .venv/bin/python tests/browser/screenshots.py [--out docs/screenshots] [--only NAME.png ...]

Builds the demo (as `stuurboord run` does on a new database: every model in bpmn/, the demo
committee and its cases walked up to now, the demo password) in a temporary folder, serves it on
127.0.0.1 and a free port, and saves 1280x800 PNGs of: *Mijn taken*, *Nieuw onderwerp*, a
*Dossier* with its diagram (bpmn-js), a meeting's agenda, the comply-or-explain register, the
dashboard *Sturingskader* (as a member), *Projecten* and a project, *Beheer*, the modeller, the
public decision list and a decision's page (not signed in), five task pages with their brief
(screening, the chair's agenda
decision, comply-or-explain, the government liaison's answer with the select of the committee's
decisions), the lineage of a topic from its project to its KPI (*Herkomst*), and moving
running cases: a changed topic process taken into use as version 2, the dry run on *Dossiers verplaatsen*, and a moved case (its *Versies* line, version 2's diagram).
The last two change the demo (a new topic version), so they come last.
Uses Debian's chromium (/usr/bin/chromium); downloads nothing. Not a test (no `test_` name).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

import processes  # noqa: E402
import webapp  # noqa: E402
from engine import Database, Engine  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402
from engine.timing.policy import load_policy  # noqa: E402
from processes import demo_data  # noqa: E402
from processes.records import oslo  # noqa: E402
from processes.records.models import Decision  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ServerThread  # noqa: E402
from webapp.app import create_app  # noqa: E402
from webapp.demo import DEMO_PASSWORD, give_demo_passwords, load_demo_data  # noqa: E402
from webapp.i18n import compile_catalogs  # noqa: E402
from webapp.identity import state  # noqa: E402

BPMN_DIR = ROOT / "bpmn"
VIEWPORT = {"width": 1280, "height": 800}
MAX_BYTES = 300 * 1024


@dataclass(frozen=True)
class Shot:
    """One screenshot: the file, who looks (None: not signed in), and how to get the page
    ready."""

    name: str
    user: str | None
    prepare: Callable[[Page, str], None]


def build_demo(folder: Path) -> tuple[Engine, object]:
    """The demo database in `folder` and the app on it."""
    database = Database(f"sqlite:///{folder / 'stuurboord.db'}")
    upgrade(database, [processes.MIGRATIONS, webapp.MIGRATIONS])
    engine = Engine(database, processes.build_registry(), policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    compile_catalogs()
    load_demo_data(engine)
    app = create_app(engine, {"STUURBOORD_MODE": "demo", "SECRET_KEY": "screenshots-only"})
    with app.app_context():
        give_demo_passwords(engine, state().accounts)
    return engine, app


def _open(path: str) -> Callable[[Page, str], None]:
    def prepare(page: Page, url: str) -> None:
        page.goto(url + path)

    return prepare


def _case_with_diagram(engine: Engine) -> Callable[[Page, str], None]:
    """The running topic case whose chair decision is up, scrolled to its diagram, and the
    diagram scrolled to the marked step (as a person would)."""
    cases = engine.list_cases(process_id="topic", status="running", limit=100)
    chosen = next(
        (
            c
            for c in cases
            if any(t.state == "ready" and t.element_id == "chair_decision" for t in
                   engine.case_tasks(c.id))
        ),
        cases[0],
    )  # fmt: skip

    def prepare(page: Page, url: str) -> None:
        page.goto(f"{url}/dossiers/{chosen.id}")
        page.locator("[data-bpmn-diagram].is-drawn").wait_for()
        page.evaluate(
            """() => {
                const section = document.querySelector('section.diagram');
                window.scrollTo(0, section.getBoundingClientRect().top + window.scrollY - 8);
            }"""
        )

    return prepare


def _modeller(page: Page, url: str) -> None:
    """The topic process in the modeller with a user task selected (its properties shown)."""
    page.goto(url + "/beheer/processen/topic/modeller")
    page.locator("[data-modeller].is-loaded").wait_for()
    page.locator(".modeller-canvas .djs-shape[data-element-id=confirm_screening]").click()
    page.locator("[data-properties] [data-field=due]").wait_for()
    page.evaluate(
        """() => {
            const box = document.querySelector('.modeller-actions');
            window.scrollTo(0, box.getBoundingClientRect().top + window.scrollY - 8);
        }"""
    )


def _task_page(engine: Engine, process_id: str, element_id: str) -> Callable[[Page, str], None]:
    """The task page of the first ready `element_id` task of a running `process_id` case."""
    task_id = next(
        (
            t.id
            for c in engine.list_cases(process_id=process_id, status="running", limit=200)
            for t in engine.case_tasks(c.id)
            if t.state == "ready" and t.element_id == element_id
        ),
        None,
    )

    def prepare(page: Page, url: str) -> None:
        page.goto(f"{url}/taken/{task_id}" if task_id else f"{url}/taken")

    return prepare


def _binding_answer(engine: Engine) -> Callable[[Page, str], None]:
    """The government liaison's answer to the escalation, *Bindende afspraak* chosen, scrolled
    to the select of the committee's decisions, the first one chosen (a closed select shows
    only its choice)."""
    task = _task_page(engine, "government_escalation", "record_answer")

    def prepare(page: Page, url: str) -> None:
        task(page, url)
        page.get_by_role("radio", name="Bindende afspraak").check()
        picker = page.locator("select[name=decision_id]")
        picker.select_option(index=1)
        page.evaluate(
            "() => window.scrollBy(0, document.querySelector('select[name=decision_id]')"
            ".getBoundingClientRect().top - 420)"
        )

    return prepare


def _review_checks(engine: Engine) -> Callable[[Page, str], None]:
    """The secretariat's task *Project toetsen* of a review for the Flemish Government: a review
    of a demo project outside VRD2 started and taken up, the page with what the register says
    about overlap, reuse and partners."""
    from datetime import timedelta

    from processes.records import dates
    from processes.records.steering import Project

    def prepare(page: Page, url: str) -> None:
        with engine.db.read() as session:
            project_id = session.execute(
                select(Project.id).where(Project.vrd2.is_(False), Project.status == "running")
                .order_by(Project.id)
            ).scalars().first()
        meeting = dates.local_date(engine.clock.now()) + timedelta(days=42)
        secretariat = engine.actor("secretariaat")
        case = engine.start_case("project_review", {
            "project_id": project_id, "government_meeting_on": meeting.isoformat(),
            "question": "Is het project afgestemd op wat steden en provincies al bouwen?",
        }, secretariat)  # fmt: skip
        [intake] = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
        engine.complete_task(intake.id, {"intake_decision": "accept"}, secretariat)
        [checks] = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
        page.goto(f"{url}/taken/{checks.id}")
        heading = page.get_by_role("heading", name="Afstemming: projecten die overlappen")
        heading.scroll_into_view_if_needed()

    return prepare


def _upcoming_meeting(page: Page, url: str) -> None:
    page.goto(url + "/zittingen")
    page.locator("section[aria-labelledby=komend] tbody a").first.click()
    page.get_by_role("heading", name="Agenda", exact=True).scroll_into_view_if_needed()


def _public_decision(engine: Engine) -> Callable[[Page, str], None]:
    """The public page of the demo's binding decision (the one with comply-or-explain)."""
    with engine.db.read() as session:
        binding = session.execute(select(Decision.uuid).where(Decision.binding.is_(True)))
        wanted = set(binding.scalars())
        found = [d.uuid for d in oslo.published_decisions(session) if d.uuid in wanted]

    def prepare(page: Page, url: str) -> None:
        page.goto(f"{url}/id/besluiten/{found[0]}" if found else f"{url}/besluiten")

    return prepare


def _held_meeting(page: Page, url: str) -> None:
    """The last held meeting, scrolled to its minutes: attendance, quorum and votes."""
    page.goto(url + "/zittingen")
    page.locator("section[aria-labelledby=voorbij] tbody a").first.click()
    page.locator("#notulen").scroll_into_view_if_needed()
    page.evaluate(
        "() => window.scrollTo(0, document.querySelector('#notulen').getBoundingClientRect().top"
        " + window.scrollY - 8)"
    )


def _lineage(engine: Engine) -> Callable[[Page, str], None]:
    """The lineage of the demo topic about Mijn Burgerprofiel: from its project to its KPI."""
    title = demo_data.TOPICS["burgerprofiel"]["title"]
    case_id = next(c.id for c in engine.list_cases(process_id="topic", limit=500)
                   if c.title == title)  # fmt: skip
    return _open(f"/herkomst/topic/{case_id}")


RENAMED = ('name="Beslissen over agendering"', 'name="Beslissen over de agenda"')


def _topic_version_2(engine: Engine) -> None:
    """Take a changed topic process into use as version 2 (once): the chair's task renamed."""
    if [v.version for v in engine.versions("topic")] != [1]:
        return
    xml = (BPMN_DIR / "topic.bpmn").read_text(encoding="utf-8")
    changed = xml.replace(*RENAMED)
    assert changed != xml, "topic.bpmn: the chair's task has another name now"
    dmn = (BPMN_DIR / "admission.dmn").read_bytes()
    engine.deploy_files([("topic.bpmn", changed.encode()), ("admission.dmn", dmn)], "beheerder",
                        "De taak van de voorzitter heet nu zoals op de agenda")  # fmt: skip


def _migration_dry_run(engine: Engine) -> Callable[[Page, str], None]:
    """*Dossiers verplaatsen*: the topic process from version 1 to 2, the dry run's table."""

    def prepare(page: Page, url: str) -> None:
        _topic_version_2(engine)
        page.goto(f"{url}/beheer/verplaatsen?proces=topic&van=1&naar=2")
        page.get_by_role("button", name="3. Proefdraaien").click()
        page.locator("#resultaat-sectie").wait_for()
        page.evaluate(
            """() => {
                const box = document.querySelector('#resultaat-sectie');
                window.scrollTo(0, box.getBoundingClientRect().top + window.scrollY - 8);
            }"""
        )

    return prepare


def _moved_case(engine: Engine) -> Callable[[Page, str], None]:
    """The topic cases moved to version 2; the one whose chair decision is up, from its title
    (and its *Versies* line) down to version 2's diagram."""

    def prepare(page: Page, url: str) -> None:
        _topic_version_2(engine)
        report = engine.migrate_cases("topic", 2, actor=engine.actor("beheerder"), from_version=1,
                                      reason="De taak van de voorzitter heet nu zoals op de "
                                      "agenda")  # fmt: skip
        moved = [o.case_id for o in report.outcomes if o.result == "moved"] or [
            c.id for c in engine.list_cases(process_id="topic", status="running", limit=100)
            if c.version == 2
        ]  # fmt: skip
        chosen = next(
            (c for c in moved if any(t.state == "ready" and t.element_id == "chair_decision"
                                     for t in engine.case_tasks(c))),
            moved[0],
        )  # fmt: skip
        page.goto(f"{url}/dossiers/{chosen}")
        page.locator("[data-bpmn-diagram].is-drawn").wait_for()
        page.evaluate(
            """() => {
                const title = document.querySelector('main h1');
                window.scrollTo(0, title.getBoundingClientRect().top + window.scrollY - 8);
            }"""
        )

    return prepare


def _sample_projects(engine: Engine) -> int:
    """A project to show (the first in the register; two examples when the demo has none):
    a VRD2 project whose last report ran over budget, and one outside VRD2 still planned."""
    from datetime import date

    from sqlalchemy import select

    from processes.projects import writes
    from processes.projects.forms import ProjectForm
    from processes.records.steering import Project

    with engine.db.read() as session:
        first = session.execute(select(Project.id).order_by(Project.id)).scalars().first()
    if first is not None:
        return int(first)
    examples = [
        {"title": "Omgevingsloket 2.0", "owner_organisation_id": "dep-omg",
         "owner_user_id": "indiener", "vrd2": True, "status": "running",
         "budget_planned": 1_200_000, "started_on": "2026-01-05", "planned_end_on": "2027-06-30",
         "description": "Eén digitaal loket voor alle omgevingsvergunningen, met de status van "
                        "elke aanvraag in Mijn Burgerprofiel.",
         "focus_domains": ["common_counter_functions", "data"],
         "blocks_used": ["mijn_burgerprofiel", "magda", "acm_idm"],
         "blocks_delivered": ["notificatieplatform"],
         "partners": ["gem-gent", "prov-antw"], "sponsors": ["ag-iv"],
         "milestones": [{"title": "Analyse en aanbesteding", "planned_on": "2026-04-30"},
                        {"title": "Pilot met Stad Gent", "planned_on": "2026-10-31"},
                        {"title": "Livegang voor alle gemeenten", "planned_on": "2027-03-31"}]},
        {"title": "Archief in de cloud", "owner_organisation_id": "ag-fb",
         "owner_user_id": "indiener", "vrd2": False, "budget_planned": 450_000,
         "focus_domains": ["digital_instruments"], "blocks_delivered": ["digitaal_archief"],
         "milestones": [{"title": "Proof of concept", "planned_on": "2027-02-28"}]},
    ]  # fmt: skip
    ids = []
    with engine.recording() as (session, audit):
        rec = writes.PageRecorder(session, audit, "secretariaat")
        for values in examples:
            ids.append(writes.create_project(rec, ProjectForm().load(values)))
        omgeving = ids[0]
        first_milestone, second, _third = writes.milestones_of(session, omgeving.id)
        writes.update_milestones(rec, omgeving, [
            {"milestone_id": first_milestone.id, "done_on": date(2026, 5, 12)},
            {"milestone_id": second.id, "forecast_on": date(2027, 1, 15)},
        ])  # fmt: skip
        report = writes.add_report(
            rec, omgeving, case_id=None, reported_on=date(2026, 11, 30), health="at_risk",
            budget_spent=1_416_000, budget_over_percent=18.0, worst_milestone_delay_days=76,
            summary="De aanbesteding viel duurder uit; de pilot met Stad Gent schuift naar "
                    "januari.",
            submitted_by="indiener",
        )  # fmt: skip
        writes.mark_over_tolerance(rec, report, "budget 18 % boven planning")
        return omgeving.id


def _project_page(engine: Engine) -> Callable[[Page, str], None]:
    def prepare(page: Page, url: str) -> None:
        page.goto(f"{url}/projecten/{_sample_projects(engine)}")

    return prepare


def _project_list(engine: Engine) -> Callable[[Page, str], None]:
    def prepare(page: Page, url: str) -> None:
        _sample_projects(engine)
        page.goto(f"{url}/projecten")

    return prepare


def _steering_sample(engine: Engine) -> tuple[int, int]:
    """An action and a KPI of the demo (made here when the demo has none yet), linked to each
    other and to the latest decision, with three measurements: (action id, KPI id)."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from processes.records import titles
    from processes.records.steering import Kpi, KpiMeasurement, SteeringAction
    from processes.steering import operations

    with engine.db.read() as session:
        action_id = session.execute(select(SteeringAction.id).limit(1)).scalar()
        kpi_id = session.execute(select(Kpi.id).limit(1)).scalar()
        decisions = titles.decision_names(session)
    if action_id is not None and kpi_id is not None:
        return action_id, kpi_id
    secretariat = engine.actor("secretariaat")
    today = engine.clock.now().date()
    with operations.writing(engine, secretariat) as w:
        action_id = operations.create_action(w, {
            "focus_domain": "digital_upskilling", "kind": "training", "status": "running",
            "title": "Basisopleiding data en digitalisering voor leidinggevenden",
            "description": "Vier sessies per beleidsdomein, samen met de werkgroep Data.\n"
                           "Met een e-learning voor wie niet kan aansluiten.",
            "owner_organisation_id": None, "owner_user_id": "secretariaat",
            "due_on": today + timedelta(days=120), "project_id": None,
        }).id  # fmt: skip
    kpi_id = operations.define_kpi(engine, secretariat, {
        "focus_domain": "digital_upskilling", "unit": "%", "baseline": 12.0, "target": 60.0,
        "name": "Ambtenaren met een basisopleiding digitalisering",
        "target_on": date(today.year + 1, 12, 31), "higher_is_better": True,
        "owner_user_id": "secretariaat", "measure_every_months": 3,
    })  # fmt: skip
    with operations.writing(engine, secretariat) as w:
        operations.link(w, "action_kpi", action_id, kpi_id)
        if decisions:
            operations.link(w, "decision_action", decisions[0].decision_id, action_id)
            operations.link(w, "decision_kpi", decisions[0].decision_id, kpi_id)
        for months, value in ((9, 18.0), (6, 24.5), (3, 31.0)):  # screenshot data only
            w.session.add(KpiMeasurement(
                kpi_id=kpi_id, measured_on=today - timedelta(days=30 * months), value=value,
                note="Bron: opleidingsregister" if months == 3 else None,
                entered_by="secretariaat", entered_at=w.now,
            ))  # fmt: skip
    return action_id, kpi_id


def _steering_page(engine: Engine, kind: str) -> Callable[[Page, str], None]:
    def prepare(page: Page, url: str) -> None:
        action_id, kpi_id = _steering_sample(engine)
        path = f"/sturingskader/acties/{action_id}" if kind == "action" else (
            f"/sturingskader/kpis/{kpi_id}")  # fmt: skip
        page.goto(url + path)

    return prepare


def shots(engine: Engine) -> list[Shot]:
    return [
        Shot("mijn-taken.png", "secretariaat", _open("/taken")),
        Shot("nieuw-onderwerp.png", "indiener", _open("/onderwerpen/nieuw")),
        Shot("dossier-diagram.png", "voorzitter", _case_with_diagram(engine)),
        Shot("zitting-agenda.png", "secretariaat", _upcoming_meeting),
        Shot("zitting-notulen.png", "secretariaat", _held_meeting),
        Shot("pas-toe-of-leg-uit.png", "secretariaat", _open("/pas-toe-of-leg-uit")),
        Shot("sturingskader.png", "lid.omgeving", _open("/sturingskader")),
        Shot("beheer.png", "beheerder", _open("/beheer/")),
        Shot("modeller.png", "beheerder", _modeller),
        Shot("taak-screening.png", "secretariaat", _task_page(engine, "topic", "confirm_screening")),
        Shot("taak-agendering.png", "voorzitter", _task_page(engine, "topic", "chair_decision")),
        Shot("taak-pas-toe.png", "contact.leuven", _task_page(engine, "obligation",
                                                              "answer_obligation")),
        Shot("taak-antwoord-regering.png", "kabinet.info", _binding_answer(engine)),
        Shot("besluiten.png", None, _open("/besluiten")),
        Shot("besluit.png", None, _public_decision(engine)),
        Shot("herkomst.png", "lid.omgeving", _lineage(engine)),
        Shot("taak-toetsing.png", "secretariaat", _review_checks(engine)),
        Shot("projecten.png", "lid.omgeving", _project_list(engine)),
        Shot("project.png", "lid.omgeving", _project_page(engine)),
        Shot("actie.png", "secretariaat", _steering_page(engine, "action")),
        Shot("kpi.png", "secretariaat", _steering_page(engine, "kpi")),
        # these two add topic version 2 and move the cases: keep them last
        Shot("verplaatsen-proef.png", "beheerder", _migration_dry_run(engine)),
        Shot("dossier-verplaatst.png", "beheerder", _moved_case(engine)),
    ]


def sign_in(page: Page, url: str, user: str) -> None:
    page.goto(url + "/aanmelden")
    page.fill("#gebruiker", user)
    page.fill("#wachtwoord", DEMO_PASSWORD)
    page.click("form.stack button")
    page.wait_for_url("**/taken")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="only these files, e.g. modeller.png")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stuurboord-screenshots-") as folder:
        engine, app = build_demo(Path(folder))
        server = ServerThread(app)  # type: ignore[arg-type]
        server.start()
        url = f"http://127.0.0.1:{server.port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                for shot in shots(engine):
                    if args.only and shot.name not in args.only:
                        continue
                    context = browser.new_context(viewport=VIEWPORT, locale="nl-BE")  # type: ignore[arg-type]
                    page = context.new_page()
                    if shot.user is not None:
                        sign_in(page, url, shot.user)
                    shot.prepare(page, url)
                    path = out / shot.name
                    page.screenshot(path=str(path), type="png")
                    size = path.stat().st_size
                    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    print(f"{shown}: {size // 1024} KB")
                    if size > MAX_BYTES:
                        print(f"  warning: larger than {MAX_BYTES // 1024} KB")
                    context.close()
                browser.close()
        finally:
            server.stop()
            engine.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
