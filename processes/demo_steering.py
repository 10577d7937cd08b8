"""Demo data of the steering framework (sturingskader): a believable year of the committee's work.

Eight digitisation projects (VRD2 and not) with their owners, building blocks, partners,
budgets, milestones (some late) and two to four progress reports each over the past year, one
of them over tolerance with the topic it brought to the committee; fifteen actions in the focus
domains; eight KPIs with a target and quarterly measurements; and the links decision → action
→ KPI, so that the demo topic about Mijn Burgerprofiel walks all the way to a KPI (its binding
decision → three actions → the KPI on the dossier status in Mijn Burgerprofiel).

The past year's records are inserted directly through the ORM (with an audit entry each): the
processes that write them live cannot run a year backwards. From today on the processes take
over (:func:`start_cases`): every running project with an owner gets its follow-up case (the
owner's next progress report is due on its rhythm), every KPI whose target date lies ahead gets
its measurement case, and one project outside VRD2 is under review for the Flemish Government,
its advice drafted and waiting for the chair's approval. The focus domains' ambitions
(``focus_domain_ambition``) come from a migration and are not written here.

Every date is relative to ``today`` (the demo's clock, see processes.demo.Timeline): the history
lies in the year before it, the plans after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from engine import AuditRecorder, Engine
from processes.records import dates
from processes.records.models import Decision
from processes.records.steering import (
    ActionKpi,
    DecisionAction,
    DecisionKpi,
    Kpi,
    KpiMeasurement,
    Project,
    ProjectBuildingBlock,
    ProjectFocusDomain,
    ProjectMilestone,
    ProjectPartner,
    ProjectReport,
    ProjectTopic,
    SteeringAction,
)

ACTOR = "system"
REASON = "demogegevens sturingskader (processes.demo_steering)"
MORNING = time(10, 0)


@dataclass(frozen=True)
class DemoProject:
    key: str
    title: str
    description: str
    owner: str
    """Organisation id (processes.demo_data.ORGANISATIONS)."""
    owner_user: str
    vrd2: bool
    status: str
    started: int
    """Days before today it started."""
    planned_end: int
    """Days after today it should end (negative: before today)."""
    budget: int
    focus: tuple[str, ...]
    blocks: tuple[tuple[str, str], ...]
    """(building block, uses/delivers)."""
    partners: tuple[tuple[str, str], ...]
    """(organisation id, partner/sponsor)."""
    milestones: tuple[tuple[str, int, int | None, int | None], ...]
    """(title, planned in days from today, forecast in days from today or None, done in days
    from today or None)."""
    reports: tuple[tuple[int, str, int, str], ...]
    """(days before today, health, budget spent, summary), oldest first."""
    topic: str | None = None
    """The demo topic (processes.demo_data.TOPICS key) about this project."""
    topic_reason: str | None = None
    over_tolerance: tuple[float, int] | None = None
    """(budget over %, worst milestone delay in days) of the last report, when it broke a
    tolerance and submitted the project's topic."""


PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        "burgerprofiel",
        "Dossierstatus van lokale besturen in Mijn Burgerprofiel",
        "Alle lokale besturen tonen de status van hun dossiers voor burgers in Mijn "
        "Burgerprofiel, via de standaardkoppeling van de grote softwareleveranciers.",
        "ag-iv", "lid.iv", True, "running", 330, 240, 1_450_000,
        ("common_counter_functions", "streamlining_sites_counters"),
        (("mijn_burgerprofiel", "uses"), ("notificatieplatform", "uses"),
         ("acm_idm", "uses")),
        (("gem-gent", "partner"), ("gem-leuven", "partner"), ("kab-info", "sponsor")),
        (("Standaardkoppeling voor softwareleveranciers klaar", -250, None, -262),
         ("Eerste 100 lokale besturen aangesloten", -120, -95, -95),
         ("200 lokale besturen aangesloten", 60, 75, None),
         ("Alle lokale besturen aangesloten", 240, None, None)),
        ((270, "on_track", 310_000, "Koppeling opgeleverd; drie leveranciers testen."),
         (180, "on_track", 590_000, "Eerste gemeenten live; de leveranciers volgen het plan."),
         (90, "at_risk", 820_000, "Honderd besturen aangesloten, met een maand vertraging bij "
          "één leverancier."),
         (14, "on_track", 1_010_000, "182 besturen tonen de status; de achterstand is "
          "grotendeels ingehaald.")),
        topic="burgerprofiel",
        topic_reason="Het project vraagt een bindende afspraak voor alle entiteiten.",
    ),
    DemoProject(
        "ondernemers",
        "e-loket voor ondernemers: één aanmeldingsflow",
        "Ondernemers melden zich op één manier aan voor alle Vlaamse loketten, met hun "
        "mandaten uit de Kruispuntbank van Ondernemingen.",
        "ag-vlaio", "indiener.vlaio", True, "running", 300, 180, 980_000,
        ("common_counter_functions",),
        (("e_loket", "delivers"), ("acm_idm", "uses"), ("magda", "uses")),
        (("dep-ewi", "sponsor"),),
        (("Analyse van de bestaande aanmeldingen", -240, None, -235),
         ("Nieuwe flow live voor subsidies", -30, 45, None),
         ("Alle loketten op de nieuwe flow", 180, 200, None)),
        ((200, "on_track", 210_000, "Analyse klaar; 14 loketten in scope."),
         (100, "at_risk", 450_000, "De mandatenkoppeling vraagt meer werk dan gepland."),
         (20, "at_risk", 610_000, "Livegang voor subsidies verschoven; nieuwe datum in "
          "overleg met de loketbeheerders.")),
        topic="ondernemers",
        topic_reason="De aanmeldingsflow moet over alle entiteiten heen gelijk zijn.",
    ),
    DemoProject(
        "meldingen",
        "Gemeenschappelijke meldingendienst voor burgers en ondernemers",
        "Eén dienst die burgers en ondernemers meldingen stuurt over hun dossiers, voor alle "
        "Vlaamse en lokale besturen.",
        "ag-iv", "wg.data", True, "running", 360, 150, 760_000,
        ("common_counter_functions", "generic_process_parts"),
        (("notificatieplatform", "delivers"), ("mijn_burgerprofiel", "uses")),
        (("gem-gent", "partner"), ("gem-kortrijk", "partner"), ("prov-antw", "partner")),
        (("Dienst beschikbaar voor Vlaamse entiteiten", -200, None, -190),
         ("Eerste lokale besturen aangesloten", -75, 40, None),
         ("Alle geïnteresseerde besturen aangesloten", 150, 260, None)),
        ((290, "on_track", 180_000, "Ontwerp goedgekeurd door de partners."),
         (190, "on_track", 400_000, "Dienst live voor de Vlaamse entiteiten."),
         (95, "at_risk", 640_000, "De lokale besturen wachten op aanpassingen van hun "
          "leveranciers."),
         (9, "off_track", 905_000, "Budget overschreden en de aansluiting van de lokale "
          "besturen loopt meer dan drie maanden achter.")),
        topic="meldingen",
        topic_reason="De voortgangsrapportering overschreed de tolerantie voor budget en "
        "mijlpalen.",
        over_tolerance=(19.1, 115),
    ),
    DemoProject(
        "magda",
        "MAGDA-diensten voor attesten zonder papier",
        "Entiteiten vragen attesten op bij de authentieke bron via MAGDA, zodat burgers ze "
        "niet meer zelf moeten bezorgen.",
        "ag-iv", "lid.iv", True, "completed", 365, -30, 520_000,
        ("data", "generic_process_parts"),
        (("magda", "delivers"), ("basisregisters", "uses")),
        (("dep-wvg", "partner"), ("ag-opgroeien", "partner")),
        (("Vijf attesten beschikbaar", -260, None, -265),
         ("Twaalf attesten beschikbaar", -60, None, -40)),
        ((250, "on_track", 150_000, "Vijf attesten live."),
         (130, "on_track", 330_000, "Opgroeien gebruikt de attesten in twee loketten."),
         (35, "on_track", 505_000, "Project afgerond binnen budget.")),
    ),
    DemoProject(
        "subsidieloket",
        "Digitaal subsidieloket met elektronische handtekening",
        "Cultuur, Jeugd en Media laat aanvragers hun subsidiedossier online ondertekenen.",
        "dep-cjm", "lid.cjm", False, "running", 210, 120, 340_000,
        ("service_strategy", "digital_legislation"),
        (("acm_idm", "uses"), ("betaalplatform", "uses")),
        (("ext-govtech", "partner"),),
        (("Ondertekening in de testomgeving", -90, None, -84),
         ("Eerste subsidieronde digitaal ondertekend", 35, 50, None)),
        ((150, "on_track", 80_000, "Keuze van de ondertekeningsdienst gemaakt."),
         (40, "at_risk", 190_000, "Wachten op het advies over een gemeenschappelijke "
          "ondertekeningsdienst.")),
        topic="handtekening",
        topic_reason="Het project wil een ondertekeningsdienst hergebruiken of delen.",
    ),
    DemoProject(
        "verkeersdata",
        "Open data over wegwerkzaamheden",
        "Wegen en Verkeer publiceert alle geplande wegwerkzaamheden als open data, volgens de "
        "OSLO-standaard.",
        "ag-awv", "expert.awv", False, "running", 40, 300, 210_000,
        ("data", "data_driven_policy"),
        (("basisregisters", "uses"),),
        (("dep-mow", "sponsor"),),
        (("Datamodel goedgekeurd", 30, None, None),
         ("Eerste publicatie", 150, None, None)),
        ((20, "on_track", 12_000, "Project opgestart; datamodel in opmaak."),
         (5, "on_track", 18_000, "Eerste versie van het datamodel besproken met OSLO.")),
    ),
    DemoProject(
        "upskilling",
        "Leerplatform digitale vaardigheden voor ambtenaren",
        "Een gedeeld leerplatform met basisopleidingen over data, privacy en digitaal werken.",
        "ag-vdab", "expert.vdab", False, "running", 280, 200, 450_000,
        ("digital_upskilling",),
        (),
        (("dep-kb", "sponsor"), ("ag-fb", "partner")),
        (("Eerste vijf modules online", -180, None, -170),
         ("Modules voor leidinggevenden", -20, 30, None),
         ("Alle entiteiten aangesloten", 200, None, None)),
        ((240, "on_track", 70_000, "Platform gekozen."),
         (150, "on_track", 160_000, "Vijf modules online, 1.200 deelnemers."),
         (45, "at_risk", 290_000, "Modules voor leidinggevenden vertraagd door de "
          "aanbesteding.")),
    ),
    DemoProject(
        "cloud",
        "Gedeeld cloudplatform voor de Vlaamse entiteiten",
        "Een gedeeld platform met veilige publieke cloudtoepassingen volgens het "
        "afsprakenkader voor cloudgebruik.",
        "ag-fb", "lid.facilitair", False, "running", 240, 270, 1_200_000,
        ("cybersecurity", "digital_instruments"),
        (("acm_idm", "uses"), ("digitaal_archief", "uses")),
        (("dep-kb", "sponsor"), ("dep-fb", "partner")),
        (("Contract met de cloudleveranciers", -150, None, -150),
         ("Eerste entiteiten gemigreerd", 20, 20, None),
         ("Helft van de entiteiten gemigreerd", 270, None, None)),
        ((200, "on_track", 150_000, "Aanbesteding gegund."),
         (110, "on_track", 420_000, "Platform ingericht; beveiligingsaudit geslaagd."),
         (25, "on_track", 560_000, "Eerste migraties gepland.")),
        topic="cloud",
        topic_reason="Het platform volgt het afsprakenkader voor cloudgebruik.",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAction:
    key: str
    focus: str
    title: str
    kind: str
    owner: str
    owner_user: str
    due: int
    """Days from today (negative: in the past)."""
    status: str
    project: str | None = None
    decision: str | None = None
    """The demo topic (TOPICS key) whose decision the action carries out."""
    kpis: tuple[str, ...] = ()


ACTIONS: tuple[DemoAction, ...] = (
    DemoAction("bp_training", "common_counter_functions",
               "Opleiding dossierstatus in Mijn Burgerprofiel voor lokale besturen",
               "training", "ag-iv", "lid.iv", -20, "done", decision="burgerprofiel",
               kpis=("burgerprofiel",)),
    DemoAction("bp_koppeling", "common_counter_functions",
               "Standaardkoppeling dossierstatus bij de grote softwareleveranciers",
               "technical", "ag-iv", "lid.iv", 60, "running", project="burgerprofiel",
               decision="burgerprofiel", kpis=("burgerprofiel",)),
    DemoAction("bp_campagne", "common_counter_functions",
               "Campagne bij burgers: volg je dossier in Mijn Burgerprofiel",
               "communication", "ag-iv", "lid.iv", 120, "planned", decision="burgerprofiel",
               kpis=("burgerprofiel",)),
    DemoAction("cloud_kennis", "cybersecurity",
               "Kennissessies over het afsprakenkader voor cloudgebruik", "knowledge_sharing",
               "ag-fb", "lid.facilitair", 30, "running", project="cloud", decision="cloud",
               kpis=("cloud",)),
    DemoAction("cyber_baseline", "cybersecurity",
               "Zelfevaluatie cybersecuritybaseline voor alle entiteiten", "service",
               "dep-kb", "wg.cyber", 90, "running", kpis=("baseline",)),
    DemoAction("cyber_oefening", "cybersecurity", "Gezamenlijke crisisoefening cyberaanval",
               "training", "dep-kb", "wg.cyber", -60, "done"),
    DemoAction("oslo_modellen", "data", "Begeleiding bij OSLO-datamodellen voor lokale besturen",
               "knowledge_sharing", "ag-iv", "wg.data", 45, "running", kpis=("oslo",)),
    DemoAction("lblod_publicatie", "data", "Publicatiedienst voor besluiten als linked open data",
               "technical", "ag-iv", "wg.data", -90, "done", kpis=("lblod",)),
    DemoAction("eloket_flow", "common_counter_functions",
               "Nieuwe aanmeldingsflow in het e-loket voor ondernemers", "technical",
               "ag-vlaio", "indiener.vlaio", 45, "running", project="ondernemers",
               kpis=("eloket",)),
    DemoAction("meldingen_aansluiting", "generic_process_parts",
               "Aansluitpakket meldingendienst voor softwareleveranciers", "service", "ag-iv",
               "wg.data", -30, "running", project="meldingen"),
    DemoAction("upskilling_basis", "digital_upskilling",
               "Basisopleiding digitale vaardigheden voor alle ambtenaren", "training",
               "ag-vdab", "expert.vdab", 200, "running", project="upskilling",
               kpis=("upskilling",)),
    DemoAction("upskilling_data", "digital_upskilling", "Masterclass datagedreven werken",
               "training", "ag-vdab", "expert.vdab", -45, "done", kpis=("upskilling",)),
    DemoAction("privacy_sjabloon", "privacy",
               "Gedeeld sjabloon voor gegevensbeschermingseffectbeoordelingen",
               "knowledge_sharing", "dep-kb", "lid.kb", 75, "planned"),
    DemoAction("subsidie_doorlooptijd", "service_strategy",
               "Doorlooptijden van subsidieloketten zichtbaar maken", "service", "dep-cjm",
               "lid.cjm", 100, "planned", project="subsidieloket", kpis=("doorlooptijd",)),
    DemoAction("innovatie_chatbot", "innovation", "Proefproject chatbot voor het Contactcenter",
               "technical", "ext-govtech", "innovator.govtech", -10, "dropped"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoKpi:
    key: str
    focus: str
    name: str
    unit: str
    baseline: float
    target: float
    target_in: int
    """Days from today of the target date."""
    owner_user: str
    values: tuple[float, ...]
    """The quarterly measurements of the past year, oldest first."""
    higher_is_better: bool = True
    decision: str | None = None


KPIS: tuple[DemoKpi, ...] = (
    DemoKpi("burgerprofiel", "common_counter_functions",
            "Lokale besturen die de dossierstatus tonen in Mijn Burgerprofiel", "%", 38, 80,
            390, "lid.iv", (41, 47, 55, 61), decision="burgerprofiel"),
    DemoKpi("eloket", "common_counter_functions",
            "Aanmeldingen van ondernemers via de gemeenschappelijke flow", "%", 12, 70, 270,
            "indiener.vlaio", (12, 15, 21, 26)),
    DemoKpi("lblod", "data", "Gemeenten die hun besluiten als linked open data publiceren",
            "gemeenten", 96, 300, 480, "wg.data", (110, 148, 181, 204)),
    DemoKpi("oslo", "data", "Uitwisselingen volgens een OSLO-standaard", "uitwisselingen",
            40, 120, 390, "wg.data", (44, 52, 63, 71)),
    DemoKpi("baseline", "cybersecurity", "Entiteiten die de cybersecuritybaseline halen", "%",
            35, 90, 450, "wg.cyber", (35, 42, 50, 58)),
    DemoKpi("cloud", "cybersecurity",
            "Cloudtoepassingen met een risicoanalyse volgens het afsprakenkader", "%", 20, 100,
            300, "lid.facilitair", (22, 30, 45, 64), decision="cloud"),
    DemoKpi("upskilling", "digital_upskilling",
            "Ambtenaren met een basisopleiding digitale vaardigheden", "ambtenaren", 0, 10_000,
            365, "expert.vdab", (450, 1_900, 3_600, 5_200)),
    DemoKpi("doorlooptijd", "service_strategy",
            "Gemiddelde doorlooptijd van een subsidieaanvraag", "dagen", 62, 30, 365, "lid.cjm",
            (62, 60, 54, 49), higher_is_better=False),
)  # fmt: skip


def load(engine: Engine, today: date, topic_cases: dict[str, int]) -> None:
    """Insert the steering framework's demo records (see the module docstring).

    `engine` runs on the demo's clock, `today` is the demo's today and `topic_cases` maps the
    demo's topic keys (processes.demo_data.TOPICS) to their case ids.
    """
    with engine.recording() as (session, audit):
        decisions = _decisions(session, topic_cases)
        now = engine.clock.now()
        projects = {p.key: _project(session, audit, p, today, topic_cases, now) for p in PROJECTS}
        kpis = {k.key: _kpi(session, audit, k, today, decisions) for k in KPIS}
        for action in ACTIONS:
            _action(session, audit, action, today, projects, decisions, kpis)
    start_cases(engine, today)


SECRETARIAT = "secretariaat"
CHAIR = "voorzitter"
REVIEWED = "subsidieloket"
"""The demo project under review for the Flemish Government (outside VRD2)."""
REVIEW = {
    "question": "Past het digitaal subsidieloket in de afspraken over gedeelde bouwstenen, en "
    "kan het samen met de lokale besturen gebouwd worden?",
}
REVIEW_CHECKS = {
    "overlap_findings": "Stad Gent en de provincie Antwerpen bouwen elk een subsidieloket; "
    "afstemmen vóór de aanbesteding.",
    "reuse_findings": "Gebruikersbeheer (ACM/IDM) en de basisregisters hergebruiken in plaats "
    "van een eigen aanmelding.",
    "partner_suggestions": "Stad Gent als partner voor het lokale luik.",
}
REVIEW_DRAFT = {
    "verdict": "conditional",
    "advice_text": "Gunstig, op voorwaarde dat het loket samen met de lokale subsidieloketten "
    "wordt ontworpen en de bestaande aanmelding hergebruikt.",
}


def start_cases(engine: Engine, today: date) -> None:
    """The live part of the steering framework: follow-up cases, measurement cases, a review."""
    from processes.steering import operations

    secretariat = engine.actor(SECRETARIAT)
    with engine.db.read() as session:
        followed = session.execute(
            select(Project.id, Project.title, Project.vrd2)
            .where(Project.status == "running", Project.owner_user_id.is_not(None))
            .order_by(Project.id)
        ).all()
        measured = session.execute(
            select(Kpi.id, Kpi.name).where(Kpi.target_on > today).order_by(Kpi.id)
        ).all()
    for project_id, title, _vrd2 in followed:
        engine.start_case(
            "project_followup", {"project_id": project_id}, secretariat,
            title=f"Opvolging: {title}",
        )  # fmt: skip
    for kpi_id, name in measured:
        operations.start_measurements(engine, secretariat, kpi_id, name)
    reviewed = next((p for p in PROJECTS if p.key == REVIEWED), None)
    if reviewed is None:
        return
    with engine.db.read() as session:
        project_id = session.execute(
            select(Project.id).where(Project.title == reviewed.title)
        ).scalar_one()
    meeting = today + timedelta(weeks=4)
    case = engine.start_case(
        "project_review",
        {"project_id": project_id, "government_meeting_on": meeting.isoformat(), **REVIEW},
        secretariat,
    )
    for element, values in (
        ("intake_review", {"intake_decision": "accept"}),
        ("check_review", REVIEW_CHECKS),
        ("draft_advice", REVIEW_DRAFT),
    ):
        [task] = [t for t in engine.case_tasks(case.id) if t.element_id == element]
        engine.complete_task(task.id, values, secretariat)


def _decisions(session: Any, topic_cases: dict[str, int]) -> dict[str, int]:
    """Decision id per demo topic key, for the topics that led to a decision."""
    by_case = {case_id: key for key, case_id in topic_cases.items()}
    rows = session.execute(
        select(Decision.topic_case_id, Decision.id).where(Decision.topic_case_id.in_(list(by_case)))
    ).all()
    return {by_case[case_id]: decision_id for case_id, decision_id in rows}


def _on(day: date, clock: time = MORNING) -> datetime:
    return dates.at_local(day, clock)


def _day(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def _quarter_ends(today: date, count: int) -> list[date]:
    """The last `count` quarter ends before `today`, oldest first."""
    ends: list[date] = []
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before this one
    while len(ends) < count:
        if quarter == 0:
            year, quarter = year - 1, 4
        month = quarter * 3
        end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        ends.append(end)
        quarter -= 1
    return sorted(ends)


def _audit(audit: AuditRecorder, kind: str, key: int, after: dict[str, Any]) -> None:
    audit.record(
        ACTOR,
        f"{kind}_created",
        changes={kind: {"before": None, "after": {"id": key, **after}}},
        reason=REASON,
    )


def _project(
    session: Any,
    audit: AuditRecorder,
    spec: DemoProject,
    today: date,
    topic_cases: dict[str, int],
    now: datetime,
) -> int:
    started = _day(today, -spec.started)
    last = spec.reports[-1]
    project = Project(
        title=spec.title,
        description=spec.description,
        owner_organisation_id=spec.owner,
        owner_user_id=spec.owner_user,
        vrd2=spec.vrd2,
        status=spec.status,
        started_on=started,
        planned_end_on=_day(today, spec.planned_end),
        budget_planned=spec.budget,
        budget_spent=last[2],
        health=last[1],
        report_every_weeks=None if spec.status == "completed" else 12,
        created_at=_on(started - timedelta(days=14)),
        updated_at=_on(_day(today, -last[0])),
    )
    session.add(project)
    session.flush()
    for domain in spec.focus:
        session.add(ProjectFocusDomain(project_id=project.id, focus_domain=domain))
    for block, role in spec.blocks:
        session.add(ProjectBuildingBlock(project_id=project.id, building_block=block, role=role))
    for organisation, role in spec.partners:
        session.add(ProjectPartner(project_id=project.id, organisation_id=organisation, role=role))
    for position, (title, planned, forecast, done) in enumerate(spec.milestones, start=1):
        session.add(
            ProjectMilestone(
                project_id=project.id,
                position=position,
                title=title,
                planned_on=_day(today, planned),
                forecast_on=None if forecast is None else _day(today, forecast),
                done_on=None if done is None else _day(today, done),
            )
        )
    topic_case = topic_cases.get(spec.topic) if spec.topic else None
    for index, (ago, health, spent, summary) in enumerate(spec.reports):
        latest = index == len(spec.reports) - 1
        over = spec.over_tolerance if latest else None
        reported = _day(today, -ago)
        session.add(
            ProjectReport(
                project_id=project.id,
                reported_on=reported,
                health=health,
                budget_spent=spent,
                summary=summary,
                budget_over_percent=over[0] if over else None,
                worst_milestone_delay_days=over[1] if over else None,
                over_tolerance=over is not None,
                topic_case_id=topic_case if over else None,
                submitted_by=spec.owner_user,
                submitted_at=_on(reported, time(16, 0)),
            )
        )
    if topic_case is not None:
        session.add(
            ProjectTopic(
                project_id=project.id,
                topic_case_id=topic_case,
                reason=spec.topic_reason,
                linked_at=now,
            )
        )
    after = {"title": spec.title, "owner": spec.owner, "vrd2": spec.vrd2, "topic": topic_case}
    _audit(audit, "project", project.id, after)
    return project.id


def _kpi(
    session: Any, audit: AuditRecorder, spec: DemoKpi, today: date, decisions: dict[str, int]
) -> int:
    measured = _quarter_ends(today, len(spec.values))
    kpi = Kpi(
        focus_domain=spec.focus,
        name=spec.name,
        unit=spec.unit,
        baseline=spec.baseline,
        target=spec.target,
        target_on=_day(today, spec.target_in),
        higher_is_better=spec.higher_is_better,
        owner_user_id=spec.owner_user,
        measure_every_months=3,
        created_at=_on(measured[0] - timedelta(days=30)),
        updated_at=_on(measured[-1] + timedelta(days=5)),
    )
    session.add(kpi)
    session.flush()
    for day, value in zip(measured, spec.values, strict=True):
        session.add(
            KpiMeasurement(
                kpi_id=kpi.id,
                measured_on=day,
                value=value,
                entered_by=spec.owner_user,
                entered_at=_on(min(day + timedelta(days=5), today), time(11, 0)),
            )
        )
    decision = decisions.get(spec.decision) if spec.decision else None
    if decision is not None:
        session.add(DecisionKpi(decision_id=decision, kpi_id=kpi.id))
    _audit(audit, "kpi", kpi.id, {"name": spec.name, "target": spec.target, "decision": decision})
    return kpi.id


def _action(
    session: Any,
    audit: AuditRecorder,
    spec: DemoAction,
    today: date,
    projects: dict[str, int],
    decisions: dict[str, int],
    kpis: dict[str, int],
) -> None:
    due = _day(today, spec.due)
    created = _day(today, min(spec.due, 0) - 120)
    action = SteeringAction(
        focus_domain=spec.focus,
        title=spec.title,
        kind=spec.kind,
        owner_organisation_id=spec.owner,
        owner_user_id=spec.owner_user,
        due_on=due,
        status=spec.status,
        project_id=projects[spec.project] if spec.project else None,
        done_on=due - timedelta(days=3) if spec.status == "done" else None,
        created_at=_on(created),
        updated_at=_on(min(due, today)),
    )
    session.add(action)
    session.flush()
    decision = decisions.get(spec.decision) if spec.decision else None
    if decision is not None:
        session.add(DecisionAction(decision_id=decision, action_id=action.id))
    for key in spec.kpis:
        session.add(ActionKpi(action_id=action.id, kpi_id=kpis[key]))
    after = {"title": spec.title, "status": spec.status, "decision": decision}
    _audit(audit, "steering_action", action.id, after)
