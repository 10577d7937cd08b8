"""*Sturingskader*: the dashboard of the steering framework, overall (`/sturingskader`) and per
focus domain (`/sturingskader/domeinen/<focus_domain>`), and its figures as CSV
(`/sturingskader.csv`, with `?domein=` for one domain).

Shown to those who see everything (secretariat, chair, members, admins; also as deputy);
anyone else gets the same 404 as for a page that does not exist.

Four parts, each a chart (inline SVG, webapp/charts.py) with a table beside it, and every
figure links to the records it counts: adoption of binding decisions per entity (to the
*Pas toe of leg uit* register with the entity, status and domain filters), projects by status
with budget and milestone health (to the project register and each project), actions by status
(to each action), KPIs against their target (to each KPI). The figures themselves are counted by
the database (processes/records/dashboard.py) against today's date.

The CSV has one line per figure: part, focus domain, subject, measure, value (the long shape
a spreadsheet's pivot table wants), in the user's language, with the register's CSV conventions
(semicolons, UTF-8 with a byte-order mark, formula cells neutralised).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from processes.records import dashboard as figures
from processes.records import dates
from processes.records.dashboard import (
    ADOPTION_GROUPS,
    KPI_STANDINGS,
    ActionLine,
    ActionStatusRow,
    DomainSummary,
    EntityAdoption,
    KpiStanding,
    ProjectLine,
    ProjectStatusRow,
    StatusCounts,
)
from processes.records.followup import STATUS_LABELS
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import ACTION_STATUSES, PROJECT_STATUSES
from webapp import charts, rights
from webapp.compliance import CSV_SEPARATOR, neutralise, percent
from webapp.i18n import localized
from webapp.identity import current_actor, engine, login_required

bp = Blueprint("steering", __name__)

ATTENTION_LIMIT = 10
"""Projects that ask for attention, listed with links (the worst first)."""
OVERDUE_LIMIT = 15
"""Overdue actions listed on the overall page (a domain's page lists all its actions)."""

SERIES_STYLE = {
    "complied": ("#1e6b2f", "solid"),
    "explained": ("#0050b3", "stripes"),
    "overdue": ("#9b1020", "hatch"),
    "open": ("#4f5b66", "dots"),
}


def group_labels() -> dict[str, str]:
    return {
        "complied": _("Toegepast"),
        "explained": _("Uitgelegd"),
        "overdue": _("Laattijdig"),
        "open": _("Nog open"),
    }


def group_label(group: str) -> str:
    return group_labels()[group]


def standing_labels() -> dict[str, str]:
    return {
        "reached": _("Doel gehaald"),
        "behind": _("Doel nog niet gehaald"),
        "unmeasured": _("Nog niet gemeten"),
    }


def standing_label(standing: str) -> str:
    return standing_labels()[standing]


def status_label(status: str) -> str:
    return localized(STATUS_LABELS.get(status)) or status


def project_status_label(status: str) -> str:
    return localized(PROJECT_STATUSES.get(status)) or status


def action_status_label(status: str) -> str:
    return localized(ACTION_STATUSES.get(status)) or status


def domain_label(code: str | None) -> str:
    return (localized(FOCUS_DOMAINS.get(code)) or code) if code else _("zonder focusdomein")


def euro(amount: int) -> str:
    return f"€\u00a0{format_decimal(amount, format='#,##0')}"


def number(value: float | None) -> str:
    return "" if value is None else format_decimal(value, format="#,##0.##")


def numbers() -> Callable[[float | None], str]:
    """`number` for a whole page: the locale's symbols looked up once, the same result."""
    point, group = format_decimal(1.5)[1], format_decimal(1000)[1]

    def formatted(value: float | None) -> str:
        if value is None:
            return ""
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", "\0").replace(".", point).replace("\0", group)

    return formatted


def _may_see() -> bool:
    eng = engine()
    actor = current_actor()
    return actor is not None and rights.sees_all_acting(eng, actor)


# -- what the pages show -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    focus_domain: str | None
    today: date
    adoption: list[EntityAdoption]
    adoption_total: StatusCounts
    projects: list[ProjectStatusRow]
    attention: list[ProjectLine]
    actions: list[ActionStatusRow]
    action_lines: list[ActionLine]
    kpi_counts: dict[str, int]
    kpis: list[KpiStanding] = field(default_factory=list)
    series: dict[int, list[tuple[date, float]]] = field(default_factory=dict)
    domains: list[DomainSummary] = field(default_factory=list)

    @property
    def projects_total(self) -> int:
        return sum(row.projects for row in self.projects)

    @property
    def actions_total(self) -> int:
        return sum(row.actions for row in self.actions)

    @property
    def actions_overdue(self) -> int:
        return sum(row.overdue for row in self.actions)


def collect(focus_domain: str | None, today: date) -> Dashboard:
    """Every figure of the page, in one read transaction."""
    with engine().db.read() as session:
        if focus_domain is None:
            summary = figures.overview(session, today, FOCUS_DOMAINS)
            kpis: list[KpiStanding] = []
            lines, total, kpi_counts = summary.lines, summary.adoption_total, summary.kpi_counts
        else:
            kpis = figures.kpi_standings(session, focus_domain)
            lines = []
            total = figures.adoption_total(session, focus_domain)
            kpi_counts = figures.kpi_counts(session, focus_domain)
        overall = focus_domain is None
        return Dashboard(
            focus_domain=focus_domain,
            today=today,
            adoption=figures.adoption_by_entity(session, focus_domain),
            adoption_total=total,
            projects=figures.projects_by_status(session, today, focus_domain),
            attention=figures.projects_needing_attention(
                session, today, focus_domain, limit=ATTENTION_LIMIT
            ),
            actions=figures.actions_by_status(session, today, focus_domain),
            action_lines=figures.action_lines(
                session,
                today,
                focus_domain,
                overdue_only=overall,
                limit=OVERDUE_LIMIT if overall else None,
            ),
            kpi_counts=kpi_counts,
            kpis=kpis,
            series=figures.kpi_series(session, [k.kpi_id for k in kpis]),
            domains=lines,
        )


# -- charts ------------------------------------------------------------------------------------


def _series() -> list[charts.Series]:
    return [
        charts.Series(group, group_label(group), *SERIES_STYLE[group]) for group in ADOPTION_GROUPS
    ]


def adoption_chart(board: Dashboard) -> Markup:
    total = board.adoption_total
    desc = _(
        "%(total)s verplichtingen bij %(entities)s overheidsinstanties: %(complied)s toegepast, "
        "%(explained)s uitgelegd, %(overdue)s laattijdig, %(open)s nog open.",
        total=total.total,
        entities=len(board.adoption),
        **total.groups,
    )
    rows = [(row.name, [row.counts.group(g) for g in ADOPTION_GROUPS]) for row in board.adoption]
    return charts.stacked_bars(
        "chart-adoption",
        _("Adoptie van bindende besluiten per overheidsinstantie"),
        desc,
        _series(),
        rows,
    )


def projects_chart(board: Dashboard) -> Markup:
    rows = [
        (project_status_label(r.status), r.projects, r.with_late_milestones) for r in board.projects
    ]
    desc = "; ".join(
        _(
            "%(status)s: %(n)s projecten, waarvan %(late)s met mijlpalen te laat en "
            "%(over)s boven budget",
            status=project_status_label(r.status),
            n=r.projects,
            late=r.with_late_milestones,
            over=r.over_budget,
        )
        for r in board.projects
    ) or _("Geen projecten.")
    return charts.bars(
        "chart-projects",
        _("Projecten per status"),
        desc,
        rows,
        marked=charts.Series("late", _("mijlpalen te laat"), "#9b1020", "hatch"),
        all_label=_("Projecten"),
    )


def actions_chart(board: Dashboard) -> Markup:
    rows = [(action_status_label(r.status), r.actions, r.overdue) for r in board.actions]
    desc = "; ".join(
        _(
            "%(status)s: %(n)s acties, waarvan %(late)s te laat",
            status=action_status_label(r.status),
            n=r.actions,
            late=r.overdue,
        )
        for r in board.actions
    ) or _("Geen acties.")
    return charts.bars(
        "chart-actions",
        _("Acties per status"),
        desc,
        rows,
        marked=charts.Series("late", _("te laat"), "#9b1020", "hatch"),
        all_label=_("Acties"),
    )


def kpis_chart(board: Dashboard) -> Markup:
    rows = [(standing_label(s), board.kpi_counts[s], 0) for s in KPI_STANDINGS]
    desc = "; ".join(f"{standing_label(s)}: {board.kpi_counts[s]}" for s in KPI_STANDINGS)
    return charts.bars("chart-kpis", _("KPI's tegenover hun doel"), desc, rows)


def day_labels() -> Callable[[date], str]:
    """Dates as the page writes them ("1 jun 2026"), each formatted once per page (a domain's
    page writes the same quarterly dates for every KPI)."""
    cache: dict[date, str] = {}

    def label(day: date) -> str:
        if day not in cache:
            cache[day] = format_date(day, "d MMM y")
        return cache[day]

    return label


def kpi_chart(
    kpi: KpiStanding,
    points: list[tuple[date, float]],
    day_of: Callable[[date], str],
    number: Callable[[float | None], str] = number,
) -> Markup:
    unit = f" {kpi.unit}" if kpi.unit else ""
    target = _("doel %(value)s", value=number(kpi.target) + unit)
    measured = ", ".join(f"{day_of(d)}: {number(v)}{unit}" for d, v in points)
    desc = (
        (_("Gemeten waarden: %(values)s.", values=measured) if points else _("Nog geen metingen."))
        + " "
        + _(
            "Doel: %(target)s tegen %(on)s.",
            target=number(kpi.target) + unit,
            on=format_date(kpi.target_on, "d MMM y"),
        )
    )
    return charts.line(
        f"chart-kpi-{kpi.kpi_id}",
        _("%(name)s over de tijd", name=kpi.name),
        desc,
        points,
        target=kpi.target,
        target_label=target,
        date_label=lambda day: day_of(day).split(" ", 1)[1],
        number=number,
    )


# -- the adoption table: links to the register, built once per page -----------------------------


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    label: str | None = None
    """The link's accessible name when the text alone (a number) says too little."""


@dataclass(frozen=True)
class AdoptionCell:
    count: int
    link: Link | None
    """The count as a link, for a group of one status."""
    parts: list[Link]
    """For a group of several statuses: a link per status with obligations in it."""


@dataclass(frozen=True)
class AdoptionRow:
    entity: Link
    cells: list[AdoptionCell]
    total: int


def adoption_rows(board: Dashboard) -> list[AdoptionRow]:
    """The table beside the adoption chart; every number opens the *Pas toe of leg uit*
    register with the entity, the status and the page's domain as its filters."""
    base = url_for("compliance.index")

    def href(**filters: str | None) -> str:
        query = urlencode(register_filters(board, **filters))
        return f"{base}?{query}" if query else base

    group_names = {group: group_label(group) for group in ADOPTION_GROUPS}
    status_names = {
        status: status_label(status).lower()
        for statuses in ADOPTION_GROUPS.values()
        for status in statuses
    }
    rows = []
    for row in board.adoption:
        cells = []
        for group, statuses in ADOPTION_GROUPS.items():
            count = row.counts.group(group)
            if len(statuses) == 1:
                label = f"{row.name}: {count} {group_names[group].lower()}"
                link = (
                    Link(str(count), href(entiteit=row.organisation_id, status=statuses[0]), label)
                    if count
                    else None
                )
                cells.append(AdoptionCell(count, link, []))
            else:
                parts = [
                    Link(
                        f"{row.counts.by_status[status]} {status_names[status]}",
                        href(entiteit=row.organisation_id, status=status),
                    )
                    for status in statuses
                    if row.counts.by_status.get(status)
                ]
                cells.append(AdoptionCell(count, None, parts))
        entity = Link(row.name, href(entiteit=row.organisation_id))
        rows.append(AdoptionRow(entity, cells, row.counts.total))
    return rows


# -- pages -------------------------------------------------------------------------------------


def _render(board: Dashboard) -> str:
    return render_template(
        "steering/dashboard.html",
        board=board,
        adoption_rows=adoption_rows(board),
        register_all=url_for("compliance.index", **register_filters(board)),
        groups=list(ADOPTION_GROUPS),
        adoption_groups=ADOPTION_GROUPS,
        standings=KPI_STANDINGS,
        focus_domains=[(code, localized(label)) for code, label in FOCUS_DOMAINS.items()],
        charts={
            "adoption": adoption_chart(board),
            "projects": projects_chart(board),
            "actions": actions_chart(board),
            "kpis": kpis_chart(board),
        },
        kpi_chart=kpi_chart,
        day_of=day_labels(),
        group_names=group_labels(),
        standing_names=standing_labels(),
        action_status_names={code: action_status_label(code) for code in ACTION_STATUSES},
        project_status_names={code: project_status_label(code) for code in PROJECT_STATUSES},
        domain_names={code: domain_label(code) for code in FOCUS_DOMAINS},
        group_label=group_label,
        standing_label=standing_label,
        status_label=status_label,
        project_status_label=project_status_label,
        action_status_label=action_status_label,
        domain_label=domain_label,
        euro=euro,
        number=numbers(),
        percent=percent,
        register_filters=register_filters,
    )


def register_filters(board: Dashboard, **filters: str | None) -> dict[str, str]:
    """Query parameters for the *Pas toe of leg uit* register (webapp/compliance.py reads
    `domein`, `entiteit`, `status`), with the page's focus domain."""
    found = {"domein": board.focus_domain, **filters}
    return {key: value for key, value in found.items() if value}


@bp.get("/sturingskader")
@login_required
def dashboard() -> Any:
    if not _may_see():
        abort(404)
    chosen = request.args.get("domein", "")
    if chosen:
        if chosen not in FOCUS_DOMAINS:
            abort(404)
        return redirect(url_for("steering.domain", focus_domain=chosen))
    return _render(collect(None, dates.today()))


@bp.get("/sturingskader/domeinen/<focus_domain>")
@login_required
def domain(focus_domain: str) -> str:
    if not _may_see() or focus_domain not in FOCUS_DOMAINS:
        abort(404)
    return _render(collect(focus_domain, dates.today()))


# -- CSV ---------------------------------------------------------------------------------------


def csv_rows(board: Dashboard) -> list[list[str]]:
    """Header, then one line per figure: part, focus domain, subject, measure, value."""
    where = domain_label(board.focus_domain) if board.focus_domain else _("alle focusdomeinen")
    rows = [[_("Onderdeel"), _("Focusdomein"), _("Onderwerp"), _("Maat"), _("Waarde")]]

    def add(part: str, subject: str, measure: str, value: object) -> None:
        rows.append([part, where, subject, measure, str(value)])

    part = _("Adoptie van bindende besluiten")
    for entity in board.adoption:
        for group in ADOPTION_GROUPS:
            add(part, entity.name, group_label(group), entity.counts.group(group))
        add(part, entity.name, _("Totaal"), entity.counts.total)
    part = _("Projecten")
    for row in board.projects:
        subject = project_status_label(row.status)
        add(part, subject, _("Aantal projecten"), row.projects)
        add(part, subject, _("Budget gepland (euro)"), row.budget_planned)
        add(part, subject, _("Budget besteed (euro)"), row.budget_spent)
        add(part, subject, _("Boven budget"), row.over_budget)
        add(part, subject, _("Met mijlpalen te laat"), row.with_late_milestones)
        add(part, subject, _("Mijlpalen te laat"), row.late_milestones)
        add(part, subject, _("Mijlpalen"), row.milestones)
    part = _("Acties")
    for action in board.actions:
        subject = action_status_label(action.status)
        add(part, subject, _("Aantal acties"), action.actions)
        add(part, subject, _("Te laat"), action.overdue)
    part = _("KPI's")
    for standing in KPI_STANDINGS:
        add(part, standing_label(standing), _("Aantal KPI's"), board.kpi_counts[standing])
    for kpi in board.kpis:
        add(part, kpi.name, _("Laatste waarde"), number(kpi.latest))
        add(part, kpi.name, _("Doel"), number(kpi.target))
        add(part, kpi.name, _("Stand"), standing_label(kpi.standing))
    return [[neutralise(value) for value in values] for values in rows]


@bp.get("/sturingskader.csv", endpoint="csv")
@login_required
def csv_export() -> Response:
    if not _may_see():
        abort(404)
    chosen = request.args.get("domein") or None
    if chosen is not None and chosen not in FOCUS_DOMAINS:
        abort(404)
    board = collect(chosen, dates.today())
    out = io.StringIO()
    csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n").writerows(csv_rows(board))
    name = f"sturingskader-{chosen}.csv" if chosen else "sturingskader.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
