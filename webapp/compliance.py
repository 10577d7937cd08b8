"""*Pas toe of leg uit*: the steering framework's register as a matrix of decisions by entities,
with filters (focus domain, entity, status), the adoption per decision and a CSV export.

Who sees what: the secretariat, the chair, members and admins see every entity; an entity's
contact person (role ``entity_contact`` for that entity, also as deputy) sees that entity's
column; anyone else sees an empty register. Adoption is always counted over all the entities a
decision binds (processes.followup.queries), whatever the filters or the user's view.

Every status has a colour *and* its name in text (webapp/static/css/stuurboord.css, section
"meetings and comply-or-explain": each pair has a contrast of at least 4.5:1).

The CSV opens as it should in Excel with Belgian settings: semicolons between the columns, UTF-8
with a byte-order mark (so that the accents come through), ``text/csv; charset=utf-8``, dates
as dd-mm-jjjj, percentages as the page shows them, and each entity's answer (what it did, or
its explanation and the secretariat's assessment) beside its status. It starts with a header
row; quoting follows RFC 4180. A cell that a spreadsheet would read as
a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from flask import Blueprint, g, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine import Actor, Engine
from processes.followup.queries import Matrix, compliance_matrix
from processes.records import choices, dates, titles
from processes.records import queries as records
from processes.records.followup import OBLIGATION_STATUSES, STATUS_LABELS
from processes.records.reference import FOCUS_DOMAINS
from webapp import rights
from webapp.i18n import language, localized
from webapp.identity import current_actor, engine, login_required

bp = Blueprint("compliance", __name__)

ENTITY_ROLE = "entity_contact"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATOR = ";"
"""Excel with Belgian (and most European) regional settings splits columns on semicolons."""


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


# -- who sees which entity ---------------------------------------------------------------------


def entity_scope(eng: Engine, actor: Actor) -> frozenset[str] | None:
    """The entities this user may see in the register: None for all of them, else a set
    (empty for someone who is no one's contact person)."""
    actors = rights.acting_actors(eng, actor)
    if any(rights.sees_all(who) for who in actors):
        return None
    scopes: set[str] = set()
    for who in actors:
        for role, scope in who.grants:
            if role == ENTITY_ROLE:
                if scope is None:
                    return None
                scopes.add(scope)
    return frozenset(scopes)


@dataclass(frozen=True)
class Filters:
    """The register's filters; None means "all"."""

    focus_domain: str | None = None
    entity: str | None = None
    status: str | None = None

    def query(self) -> dict[str, str]:
        """The filters as the page's query parameters."""
        pairs = {"domein": self.focus_domain, "entiteit": self.entity, "status": self.status}
        return {key: value for key, value in pairs.items() if value}


def read_filters(args: MultiDict[str, str], entities: Iterable[str]) -> Filters:
    """Filters from the query string; an unknown value counts as "all"."""
    domain = args.get("domein") or None
    entity = args.get("entiteit") or None
    status = args.get("status") or None
    return Filters(
        focus_domain=domain if domain in FOCUS_DOMAINS else None,
        entity=entity if entity in set(entities) else None,
        status=status if status in OBLIGATION_STATUSES else None,
    )


def visible_matrix(session: Session, scope: frozenset[str] | None, filters: Filters) -> Matrix:
    """The matrix after the filters, restricted to the entities in `scope`."""
    if scope is not None and filters.entity is not None and filters.entity not in scope:
        return Matrix(entities=[])
    matrix = compliance_matrix(
        session,
        focus_domain=filters.focus_domain,
        entity=filters.entity,
        status=filters.status,
    )
    if scope is None:
        return matrix
    rows = []
    for row in matrix.rows:
        cells = {org: cell for org, cell in row.cells.items() if org in scope}
        if cells:
            rows.append(replace(row, cells=cells))
    return Matrix(entities=sorted({org for row in rows for org in row.cells}), rows=rows)


# -- words -------------------------------------------------------------------------------------


def status_label(status: str) -> str:
    """An obligation status in words, in the current language."""
    return localized(STATUS_LABELS.get(status)) or status


def focus_label(code: str | None) -> str:
    return (localized(FOCUS_DOMAINS.get(code)) or code) if code else "—"


def percent(value: float) -> str:
    """25.0 → "25 %", 12.5 → "12,5 %" (in Dutch)."""
    return f"{format_decimal(value, format='#,##0.#')}\u00a0%"


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    actor = g.get("actor")
    shown = bool(
        actor and (rights.sees_all(actor) or any(r == ENTITY_ROLE for r, _s in actor.grants))
    )
    return {"nav_compliance": shown}


# -- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """What the page and the CSV show."""

    matrix: Matrix
    filters: Filters
    names: dict[str, str]
    """Entity names by code; the matrix's columns are in the order of these names."""
    entities: list[str]
    """Entities the user may filter on (all, or theirs)."""
    everything: bool
    decisions: dict[int, str] = field(default_factory=dict)
    """What each shown decision is called (its agenda item's title and the meeting's date)."""


def register(args: MultiDict[str, str] | None = None) -> Register:
    """The register as this user may see it, after the filters in `args` (the page's query
    parameters `domein`, `entiteit`, `status`; default: the request's)."""
    eng = engine()
    actor = _me()
    scope = entity_scope(eng, actor)
    with eng.db.read() as session:
        names = {org.organisation_id: org.name for org in records.organisations(session)}
        choosable = sorted(names if scope is None else scope & set(names), key=lambda o: names[o])
        filters = read_filters(request.args if args is None else args, choosable)
        matrix = (
            visible_matrix(session, scope, filters)
            if scope is None or scope
            else Matrix(entities=[])
        )
        decisions = {
            name.decision_id: choices.decision_label(name, language())
            for name in titles.decision_names(session, [row.decision_id for row in matrix.rows])
        }
    by_name = sorted(matrix.entities, key=lambda org: (names.get(org, org).casefold(), org))
    everything = any(rights.sees_all(who) for who in rights.acting_actors(eng, actor))
    return Register(
        replace(matrix, entities=by_name), filters, names, choosable, everything, decisions
    )


@bp.get("/pas-toe-of-leg-uit")
@login_required
def index() -> str:
    found = register()
    eng = engine()
    actor = _me()
    linkable = {
        cell.entity_case_id
        for row in found.matrix.rows
        for cell in row.cells.values()
        if cell.entity_case_id is not None
        and (found.everything or rights.may_see_case(eng, actor, cell.entity_case_id))
    }
    return render_template(
        "compliance/index.html",
        register=found,
        matrix=found.matrix,
        filters=found.filters,
        names=found.names,
        decisions=found.decisions,
        linkable=linkable,
        focus_domains=[(code, localized(label)) for code, label in FOCUS_DOMAINS.items()],
        statuses=[(code, status_label(code)) for code in OBLIGATION_STATUSES],
        status_label=status_label,
        focus_label=focus_label,
        percent=percent,
    )


# -- CSV ---------------------------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """A CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_date(value: date | datetime | None) -> str:
    """A date as Belgian spreadsheets read it: 29-01-2027 (moments in Brussels time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = dates.local_date(value)
    return value.strftime("%d-%m-%Y")


def csv_rows(found: Register) -> list[list[str]]:
    """The header row, then one row per shown obligation, with the entity's answer."""
    header = [
        _("Besluit (nr)"),
        _("Besluit"),
        _("Focusdomein"),
        _("Overheidsinstantie"),
        _("Status"),
        _("Uiterste datum"),
        _("Beantwoord op"),
        _("Wat er gedaan is"),
        _("Gedaan op"),
        _("Uitleg: waarom niet"),
        _("Risico's"),
        _("Wat in de plaats"),
        _("Gepland tegen"),
        _("Beoordeling van de uitleg"),
        _("Adoptie van het besluit"),
    ]
    rows = [header]
    for row in found.matrix.rows:
        for org in found.matrix.entities:
            cell = row.cells.get(org)
            if cell is None:
                continue
            rows.append(
                [
                    str(row.decision_id),
                    row.decision_text,
                    focus_label(row.focus_domain),
                    found.names.get(org, org),
                    status_label(cell.status),
                    csv_date(cell.deadline),
                    csv_date(cell.answered_at),
                    cell.what_done or "",
                    csv_date(cell.done_on),
                    cell.reason or "",
                    cell.risks or "",
                    cell.mitigation or "",
                    csv_date(cell.planned_on),
                    cell.assessment_note or "",
                    percent(row.adoption_pct),
                ]
            )
    return [[neutralise(value) for value in values] for values in rows]


def csv_response(found: Register) -> Response:
    """The register as the CSV download (also served by the API)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerows(csv_rows(found))
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="pas-toe-of-leg-uit.csv"'},
    )


@bp.get("/pas-toe-of-leg-uit.csv")
@login_required
def export() -> Response:
    return csv_response(register())
