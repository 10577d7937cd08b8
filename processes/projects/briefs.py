"""Briefs of the project follow-up: what the owner needs to write a progress report (the
project's facts, its milestones with planned and forecast dates, the previous report), and the
case view (the project as it stands, the topics its reports brought to the committee)."""

from __future__ import annotations

from processes.projects import queries
from processes.projects.queries import Milestone, ProjectDetail, Report
from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Fact,
    Section,
    both,
    choice,
    choices,
    day,
    fact,
    section,
    text,
    yes_no,
)
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import BUILDING_BLOCKS, PROJECT_STATUSES, REPORT_HEALTH


def euros(amount: int | None) -> str:
    """1250000 → "€ 1.250.000" (the Belgian way)."""
    if amount is None:
        return "—"
    return "€\u00a0" + f"{amount:,}".replace(",", ".")


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + "\u00a0%"


def _detail(ctx: BriefContext) -> ProjectDetail | None:
    project = ctx.data.get("project")
    project_id = project.get("id") if isinstance(project, dict) else ctx.data.get("project_id")
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        return None
    return queries.project_detail(ctx.session, project_id, ctx.today)


def _budget(detail: ProjectDetail) -> Fact:
    p = detail.project
    over = detail.budget_over_percent
    spent = euros(p.budget_spent)
    if over is not None and over > 0:
        return fact(("Budget besteed", "Budget spent"),
                    both(f"{spent} ({percent(over)} boven planning)",
                         f"{spent} ({percent(over)} over plan)"))  # fmt: skip
    return fact(("Budget besteed", "Budget spent"), text(spent))


def project_section(detail: ProjectDetail, ctx: BriefContext) -> Section:
    p = detail.project
    return section(
        ("Het project", "The project"),
        [
            fact(("Project", "Project"), text(p.title)),
            fact(("Eigenaar", "Owner"), text(detail.owner_name)),
            fact(("Projecteigenaar", "Project owner"), text(ctx.person(p.owner_user_id))),
            fact(("VRD2-project", "VRD2 project"), yes_no(p.vrd2)),
            fact(("Status", "Status"), choice(p.status, PROJECT_STATUSES)),
            fact(("Focusdomeinen", "Focus domains"), choices(detail.focus_domains, FOCUS_DOMAINS)),
            fact(("Gebruikt bouwstenen", "Uses building blocks"),
                 choices(detail.blocks_used, BUILDING_BLOCKS)),
            fact(("Levert bouwstenen", "Delivers building blocks"),
                 choices(detail.blocks_delivered, BUILDING_BLOCKS)),
            fact(("Gepland budget", "Planned budget"), text(euros(p.budget_planned))),
            _budget(detail),
            fact(("Gepland einde", "Planned end"), day(p.planned_end_on)) if p.planned_end_on
            else None,
        ],
    )  # fmt: skip


def _milestone_fact(m: Milestone) -> Fact:
    planned = day(m.planned_on)
    if m.done_on is not None:
        done = day(m.done_on)
        value = both(f"gepland {planned['nl']}; bereikt op {done['nl']}",
                     f"planned {planned['en']}; reached on {done['en']}")  # fmt: skip
    elif m.forecast_on is not None:
        forecast = day(m.forecast_on)
        late = (
            both(f" ({m.delay_days} dagen later dan gepland)",
                 f" ({m.delay_days} days later than planned)")
            if m.delay_days > 0 else both("", "")
        )  # fmt: skip
        value = both(f"gepland {planned['nl']}; verwacht {forecast['nl']}{late['nl']}",
                     f"planned {planned['en']}; expected {forecast['en']}{late['en']}")  # fmt: skip
    else:
        value = both(f"gepland {planned['nl']}; nog geen verwachting",
                     f"planned {planned['en']}; no forecast yet")  # fmt: skip
    return Fact(both(m.title, m.title), value)


def milestones_section(detail: ProjectDetail) -> Section:
    return section(
        ("Mijlpalen", "Milestones"),
        [_milestone_fact(m) for m in detail.milestones],
        empty=("Dit project heeft geen mijlpalen.", "This project has no milestones."),
    )


def _report_facts(report: Report, ctx: BriefContext) -> list[Fact | None]:
    return [
        fact(("Datum", "Date"), day(report.reported_on)),
        fact(("Door", "By"), text(ctx.person(report.submitted_by))),
        fact(("Inschatting", "Judgement"), choice(report.health, REPORT_HEALTH)),
        fact(("Budget besteed", "Budget spent"), text(euros(report.budget_spent))),
        fact(("Samenvatting", "Summary"), text(report.summary), long=True),
        fact(("Buiten tolerantie", "Over tolerance"), yes_no(report.over_tolerance)),
        ctx.case_link(("Onderwerp voor het Stuurorgaan", "Topic for the committee"),
                      report.topic_case_id),
    ]  # fmt: skip


def previous_report_section(detail: ProjectDetail, ctx: BriefContext) -> Section:
    last = detail.reports[0] if detail.reports else None
    return section(
        ("Het vorige rapport", "The previous report"),
        _report_facts(last, ctx) if last else [],
        empty=("Dit is het eerste rapport.", "This is the first report."),
    )


def _progress_report(ctx: BriefContext) -> Brief:
    detail = _detail(ctx)
    if detail is None:
        missing = ("Project niet gevonden.", "Project not found.")
        return Brief((section(("Het project", "The project"), [], empty=missing),))
    return Brief(
        (
            project_section(detail, ctx),
            milestones_section(detail),
            previous_report_section(detail, ctx),
        )
    )


def case_view(ctx: BriefContext) -> Brief:
    detail = _detail(ctx)
    if detail is None:
        return Brief(())
    p = detail.project
    next_report = ctx.data.get("next_report")
    lines: list[Fact | None] = [
        fact(("Project", "Project"), text(p.title)),
        fact(("Status", "Status"), choice(p.status, PROJECT_STATUSES)),
        fact(("Laatste inschatting", "Last judgement"), choice(p.health, REPORT_HEALTH))
        if p.health else None,
        fact(("Rapporten", "Reports"), text(len(detail.reports))),
        fact(("Volgend rapport gevraagd op", "Next report asked on"), day(next_report.get("on")))
        if isinstance(next_report, dict) and p.status not in queries.ENDED else None,
    ]  # fmt: skip
    links = [
        ctx.case_link(("Voorgelegd aan het Stuurorgaan", "Submitted to the committee"), t.case_id)
        for t in detail.topics
    ]
    return Brief(
        (
            section(("Uitkomst", "Outcome"), lines),
            section(("Verwante dossiers", "Related cases"), links),
        )
    )


BRIEFS: dict[str, Builder] = {"progress_report": _progress_report}
