"""Projecten: the register of digitisation projects (`/projecten`, a project at `/projecten/<id>`).

* `/projecten`: the list, with filters by focus domain, VRD2 and status (query parameters
  ``domein``, ``vrd2`` = ``ja``/``nee``, ``status``; an unknown value counts as "all").
* `/projecten/<id>`: all facts of one project: owner, budget, focus domains, building blocks,
  partners and sponsors, milestones, the progress reports and the topics they brought to the
  committee (links to their case pages). A ``reviews`` block is left for the review process.
* `/projecten/nieuw`: the secretariat registers a project (form :class:`ProjectForm`); with an
  error the form comes back with what was typed and nothing is stored.
* ``POST /projecten/<id>/opvolging``: the secretariat starts the project's follow-up case.

Who sees what: those who see every case (secretariat, chair, members, admins, also as deputy;
:func:`webapp.rights.sees_all`) see the pages; anyone else gets 404, as for a case they may not
see. Only the secretariat registers projects and starts their follow-up (others: 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine import Actor, Engine, ValidationFailed
from processes.projects import queries, writes
from processes.projects.forms import PROCESS, ProjectForm
from processes.projects.queries import Filters
from processes.records import choices, dates
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import (
    BUILDING_BLOCKS,
    PARTNER_ROLES,
    PROJECT_STATUSES,
    REPORT_HEALTH,
    Project,
)
from processes.reviews.queries import reviews_of
from webapp import forms, rights
from webapp.i18n import localized
from webapp.identity import current_actor, engine, login_required

bp = Blueprint("projects", __name__)

SECRETARIAT = "secretariat"
YES_NO = {"ja": True, "nee": False}


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    actor = g.get("actor")
    return {"nav_steering": bool(actor and rights.sees_all(actor))}


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


def may_see_projects(eng: Engine, actor: Actor) -> bool:
    """The register is for those who see every case (also as deputy)."""
    return rights.sees_all_acting(eng, actor)


def may_register(eng: Engine, actor: Actor) -> bool:
    return any(who.holds(SECRETARIAT) for who in rights.acting_actors(eng, actor))


def _secretariat_actor(eng: Engine, actor: Actor) -> Actor | None:
    """The user, or the secretary they stand in for: who starts a follow-up."""
    return next((who for who in rights.acting_actors(eng, actor) if who.holds(SECRETARIAT)), None)


def _visible() -> Engine:
    eng = engine()
    if not may_see_projects(eng, _me()):
        abort(404)
    return eng


# -- words -------------------------------------------------------------------------------------


def euros(amount: int | None) -> str:
    """1250000 → "€ 1.250.000"."""
    if amount is None:
        return "—"
    return "€\u00a0" + f"{amount:,}".replace(",", ".")


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{abs(value):.1f}".replace(".", ",").removesuffix(",0")
    return f"{shown}\u00a0%"


def label(table: dict[str, Any], code: str | None) -> str:
    if not code:
        return "—"
    return localized(table.get(code)) or code


def words() -> dict[str, Any]:
    """What the templates use to show codes as words."""
    return {
        "euros": euros,
        "percent": percent,
        "status_label": lambda code: label(PROJECT_STATUSES, code),
        "health_label": lambda code: label(REPORT_HEALTH, code),
        "domain_label": lambda code: label(FOCUS_DOMAINS, code),
        "block_label": lambda code: label(BUILDING_BLOCKS, code),
        "partner_label": lambda code: label(PARTNER_ROLES, code),
        "domain_list": lambda codes: ", ".join(label(FOCUS_DOMAINS, c) for c in codes) or "—",
        "block_list": lambda codes: ", ".join(label(BUILDING_BLOCKS, c) for c in codes) or "—",
        "name_list": lambda pairs: ", ".join(name for _code, name in pairs) or "—",
    }


# -- the list ----------------------------------------------------------------------------------


def read_filters(args: MultiDict[str, str]) -> Filters:
    domain = args.get("domein") or None
    status = args.get("status") or None
    return Filters(
        focus_domain=domain if domain in FOCUS_DOMAINS else None,
        vrd2=YES_NO.get(args.get("vrd2") or ""),
        status=status if status in PROJECT_STATUSES else None,
    )


@bp.get("/projecten")
@login_required
def index() -> str:
    eng = _visible()
    filters = read_filters(request.args)
    with eng.db.read() as session:
        rows = queries.list_projects(session, filters, dates.today())
    return render_template(
        "projects/index.html",
        rows=rows,
        filters=filters,
        vrd2_filter=next((k for k, v in YES_NO.items() if v == filters.vrd2), ""),
        focus_domains=[(code, localized(name)) for code, name in FOCUS_DOMAINS.items()],
        statuses=[(code, localized(name)) for code, name in PROJECT_STATUSES.items()],
        may_register=may_register(eng, _me()),
        **words(),
    )


# -- one project -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Followup:
    case_id: int
    running: bool


@bp.get("/projecten/<int:project_id>")
@login_required
def show(project_id: int) -> str:
    eng = _visible()
    if not 0 < project_id <= rights.MAX_ID:
        abort(404)
    with eng.db.read() as session:
        detail = queries.project_detail(session, project_id, dates.today())
        reviews = reviews_of(session, project_id, dates.today()) if detail is not None else []
    if detail is None:
        abort(404)
    followup = None
    case_id = detail.project.followup_case_id
    if case_id is not None:
        followup = Followup(case_id, eng.case(case_id).status == "running")
    return render_template(
        "projects/show.html",
        detail=detail,
        reviews=reviews,
        project=detail.project,
        followup=followup,
        may_start=may_register(eng, _me())
        and case_id is None
        and detail.project.status not in queries.ENDED
        and bool(detail.project.owner_user_id),
        names=eng.display_names(),
        **words(),
    )


@bp.post("/projecten/<int:project_id>/opvolging")
@login_required
def start_followup(project_id: int) -> Response:
    eng = _visible()
    starter = _secretariat_actor(eng, _me())
    if starter is None:
        abort(403)
    if not 0 < project_id <= rights.MAX_ID:
        abort(404)
    with eng.db.read() as session:
        found = session.get(Project, project_id)
        title = _("Opvolging: %(title)s", title=found.title) if found is not None else None
    try:
        case = eng.start_case(PROCESS, {"project_id": project_id}, starter, title=title)
    except ValidationFailed:
        flash(_("Dit project kan niet opgevolgd worden: het loopt al, is afgelopen of heeft "
                "geen projecteigenaar."), "error")  # fmt: skip
        return redirect(url_for("projects.show", project_id=project_id))
    flash(_("De opvolging van het project is gestart."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


# -- a new project -----------------------------------------------------------------------------


def _new_page(values: dict[str, Any] | None = None, errors: dict[str, Any] | None = None,
              status: int = 200) -> tuple[str, int]:  # fmt: skip
    fields = forms.fields_for(ProjectForm, values, errors)
    general = forms.form_errors(errors, fields) if errors else []
    return render_template("projects/new.html", fields=fields, general_errors=general), status


def validated(eng: Engine, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The registration loaded by the form, and the errors by field (the form's own, then
    unknown organisations or people)."""
    try:
        loaded = ProjectForm().load(data)
    except ValidationError as error:
        return {}, dict(error.normalized_messages())
    with eng.db.read() as session:
        unknown = choices.reference_errors(session, ProjectForm(), data)
    return loaded, unknown


@bp.route("/projecten/nieuw", methods=["GET", "POST"])
@login_required
def new() -> Response | tuple[str, int]:
    eng = _visible()
    actor = _me()
    if not may_register(eng, actor):
        abort(403)
    if request.method == "GET":
        return _new_page()
    if forms.ADD_ENTRY in request.form:  # *Nog een rij*: the same form with one more milestone
        shown = forms.read_form(ProjectForm, request.form, keep_blank=True)
        forms.add_entry(ProjectForm, shown, request.form.get(forms.ADD_ENTRY, ""))
        return _new_page(shown)
    data = forms.read_form(ProjectForm, request.form)
    loaded, errors = validated(eng, data)
    if errors:
        return _new_page(data, errors, 422)
    with eng.recording() as (session, audit):
        project = writes.create_project(writes.PageRecorder(session, audit, actor.user_id), loaded)
        project_id = project.id
    flash(_("Het project is geregistreerd."), "success")
    return redirect(url_for("projects.show", project_id=project_id))
