"""Actions, KPIs and ambitions per focus domain (the *sturingskader*'s follow-up of the focus
domains): `/sturingskader/acties`, `/sturingskader/kpis`, `/sturingskader/ambities`.

Who sees what: the secretariat, the chair, members and admins (webapp/rights.sees_all, also as
deputy) see every action and KPI; the owner of an action or KPI sees that one. Anyone else gets
404 for it, as for an id that does not exist, and empty lists. Only the secretariat creates and
edits actions, KPIs and ambitions and links decisions, actions and KPIs; an action's owner
updates its status. Every change is audited (processes.steering.operations).

Forms are the marshmallow forms of processes/steering/forms.py rendered by webapp/forms.py: a
form with an error answers 422, shows what was typed with the message at the field, and
stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from werkzeug.wrappers import Response

from engine import Actor
from processes.records import choices, titles
from processes.records.reference import FOCUS_DOMAINS, FUNCTIONAL_FOCUS_DOMAINS
from processes.records.steering import ACTION_KINDS, ACTION_STATUSES, Kpi, SteeringAction
from processes.steering import operations, queries
from processes.steering.forms import (
    ActionForm,
    ActionStatusForm,
    AmbitionForm,
    KpiForm,
    LinkActionForm,
    LinkDecisionForm,
)
from webapp import forms, rights
from webapp.actionkit import (
    FormPage,
    focus_label,
    id_or_404,
    may_see,
    me,
    names,
    need_secretariat,
    owner_actor,
    posted,
    secretariat_actor,
    sees_everything,
    validate,
    values_of,
    visible_owners,
    write,
)
from webapp.i18n import language, localized
from webapp.identity import engine, login_required

bp = Blueprint("actions", __name__)


# -- actions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFilters:
    focus_domain: str | None = None
    status: str | None = None
    kind: str | None = None

    def query(self) -> dict[str, str]:
        pairs = {"domein": self.focus_domain, "status": self.status, "soort": self.kind}
        return {key: value for key, value in pairs.items() if value}


def read_action_filters() -> ActionFilters:
    """Filters from the query string; an unknown value counts as "all"."""
    domain, status, kind = (request.args.get(k) or None for k in ("domein", "status", "soort"))
    return ActionFilters(
        focus_domain=domain if domain in FOCUS_DOMAINS else None,
        status=status if status in ACTION_STATUSES else None,
        kind=kind if kind in ACTION_KINDS else None,
    )


def _visible(actor: Actor, rows: list[Any]) -> list[Any]:
    """The rows (actions or KPIs) this user may see."""
    owners = visible_owners(actor)
    return rows if owners is None else [row for row in rows if row.owner_user_id in owners]


@bp.get("/sturingskader/acties")
@login_required
def index() -> str:
    actor = me()
    filters = read_action_filters()
    with engine().db.read() as session:
        found = queries.actions(
            session, focus_domain=filters.focus_domain, status=filters.status, kind=filters.kind
        )
        session.expunge_all()
    return render_template(
        "actions/index.html",
        actions=_visible(actor, found),
        filters=filters,
        focus_domains=[(code, localized(label)) for code, label in FOCUS_DOMAINS.items()],
        statuses=[(code, localized(label)) for code, label in ACTION_STATUSES.items()],
        kinds=[(code, localized(label)) for code, label in ACTION_KINDS.items()],
        can_edit=secretariat_actor(actor) is not None,
        **names(),
    )


def _new_action_page(values: dict[str, Any] | None = None, errors: dict | None = None) -> FormPage:
    return FormPage(
        heading=_("Nieuwe actie"),
        lead=_(
            "Een actie in een focusdomein: een opleiding, kennisdeling, een nieuwe dienst of "
            "een technische oplossing, met een eigenaar en een uiterste datum."
        ),
        action=url_for("actions.new_action"),
        submit=_("Actie aanmaken"),
        back=url_for("actions.index"),
        schema=ActionForm,
        values=values,
        errors=errors,
    )


@bp.route("/sturingskader/acties/nieuw", methods=["GET", "POST"])
@login_required
def new_action() -> Response | tuple[str, int]:
    who = need_secretariat()
    if request.method == "GET":
        domain = request.args.get("domein")
        start = {"focus_domain": domain} if domain in FOCUS_DOMAINS else None
        return _new_action_page(start).render()
    data = posted(ActionForm)
    values, errors = validate(ActionForm, data)
    if values is None:
        return _new_action_page(data, errors).render(422)
    action_id = write(lambda w: operations.create_action(w, values).id, who)
    flash(_("De actie is aangemaakt."), "success")
    return redirect(url_for("actions.action", action_id=action_id))


def _action_page(
    action_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    link_values: dict[str, Any] | None = None,
    link_errors: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    actor = me()
    with engine().db.read() as session:
        view = queries.action_view(session, id_or_404(action_id))
        if view is None or not may_see(actor, view.action.owner_user_id):
            abort(404)
        session.expunge_all()
        kpis = queries.kpi_names(session, view.kpi_ids)
        decisions = _decisions(session, view.decision_ids)
        project = _project_title(session, view.action.project_id)
    editor = secretariat_actor(actor)
    owner = owner_actor(actor, view.action.owner_user_id)
    edit_fields = (
        forms.fields_for(
            ActionForm, values or values_of(view.action, operations.ACTION_FIELDS), errors
        )
        if editor
        else []
    )
    status_fields = (
        forms.fields_for(ActionStatusForm, values or {"status": view.action.status}, errors)
        if owner and not editor
        else []
    )
    link_fields = forms.fields_for(LinkDecisionForm, link_values, link_errors) if editor else []
    general = forms.form_errors(errors, edit_fields or status_fields) if errors else []
    page = render_template(
        "actions/action.html",
        action=view.action,
        view=view,
        kpis=kpis,
        decisions=decisions,
        project=project,
        edit_fields=edit_fields,
        status_fields=status_fields,
        link_fields=link_fields,
        general_errors=general,
        **names(),
    )
    return page, status


@bp.get("/sturingskader/acties/<int:action_id>")
@login_required
def action(action_id: int) -> tuple[str, int]:
    return _action_page(action_id)


@bp.post("/sturingskader/acties/<int:action_id>")
@login_required
def update_action(action_id: int) -> Response | tuple[str, int]:
    actor = me()
    with engine().db.read() as session:
        found = session.get(SteeringAction, id_or_404(action_id))
        owner_id = found.owner_user_id if found else None
    if found is None or not may_see(actor, owner_id):
        abort(404)
    editor = secretariat_actor(actor)
    owner = owner_actor(actor, owner_id)
    if editor is None and owner is None:
        abort(403)
    schema: type[Schema] = ActionForm if editor else ActionStatusForm
    data = posted(schema)
    values, errors = validate(schema, data)
    if values is None:
        return _action_page(action_id, values=data, errors=errors, status=422)

    def change(w: operations.Writer) -> dict:
        row = w.session.get(SteeringAction, action_id)
        if editor is not None:
            return operations.update_action(w, row, values)
        return operations.set_action_status(w, row, values["status"])

    changed = write(change, editor or owner)  # type: ignore[arg-type]
    flash(_("De actie is bijgewerkt.") if changed else _("Er was niets gewijzigd."), "success")
    return redirect(url_for("actions.action", action_id=action_id))


# -- links -------------------------------------------------------------------------------------


def _decisions(session: Any, ids: list[int]) -> list[tuple[int, str, int]]:
    """(decision id, label, meeting id) of the linked decisions, newest meeting first."""
    return [
        (name.decision_id, choices.decision_label(name, language()), name.meeting_id)
        for name in titles.decision_names(session, ids)
    ] if ids else []  # fmt: skip


def _project_title(session: Any, project_id: int | None) -> str | None:
    if project_id is None:
        return None
    options = {o.value: o.label for o in choices.options(session, "any_projects", language())}
    return options.get(str(project_id))


def _link(kind: str, first: int, second: int) -> bool:
    who = need_secretariat()
    try:
        return bool(write(lambda w: operations.link(w, kind, first, second), who))
    except operations.SteeringError:
        abort(404)


def _unlink(kind: str, first: int, second: int) -> bool:
    who = need_secretariat()
    return bool(write(lambda w: operations.unlink(w, kind, first, second), who))


@bp.post("/sturingskader/acties/<int:action_id>/besluiten")
@login_required
def link_action_decision(action_id: int) -> Response | tuple[str, int]:
    need_secretariat()
    data = posted(LinkDecisionForm)
    values, errors = validate(LinkDecisionForm, data)
    if values is None:
        return _action_page(action_id, link_values=data, link_errors=errors, status=422)
    with engine().db.read() as session:
        if session.get(SteeringAction, id_or_404(action_id)) is None:
            abort(404)
    added = _link("decision_action", values["decision_id"], action_id)
    flash(_("Het besluit is gekoppeld.") if added else _("Dat besluit was al gekoppeld."),
          "success")  # fmt: skip
    return redirect(url_for("actions.action", action_id=action_id) + "#besluiten")


@bp.post("/sturingskader/acties/<int:action_id>/besluiten/<int:decision_id>/ontkoppelen")
@login_required
def unlink_action_decision(action_id: int, decision_id: int) -> Response:
    if not _unlink("decision_action", decision_id, action_id):
        abort(404)
    flash(_("Het besluit is ontkoppeld."), "success")
    return redirect(url_for("actions.action", action_id=action_id) + "#besluiten")


@bp.post("/sturingskader/kpis/<int:kpi_id>/besluiten")
@login_required
def link_kpi_decision(kpi_id: int) -> Response | tuple[str, int]:
    need_secretariat()
    data = posted(LinkDecisionForm)
    values, errors = validate(LinkDecisionForm, data)
    if values is None:
        return _kpi_page(kpi_id, link_values=data, link_errors=errors, status=422)
    with engine().db.read() as session:
        if session.get(Kpi, id_or_404(kpi_id)) is None:
            abort(404)
    added = _link("decision_kpi", values["decision_id"], kpi_id)
    flash(_("Het besluit is gekoppeld.") if added else _("Dat besluit was al gekoppeld."),
          "success")  # fmt: skip
    return redirect(url_for("actions.kpi", kpi_id=kpi_id) + "#besluiten")


@bp.post("/sturingskader/kpis/<int:kpi_id>/besluiten/<int:decision_id>/ontkoppelen")
@login_required
def unlink_kpi_decision(kpi_id: int, decision_id: int) -> Response:
    if not _unlink("decision_kpi", decision_id, kpi_id):
        abort(404)
    flash(_("Het besluit is ontkoppeld."), "success")
    return redirect(url_for("actions.kpi", kpi_id=kpi_id) + "#besluiten")


@bp.post("/sturingskader/kpis/<int:kpi_id>/acties")
@login_required
def link_kpi_action(kpi_id: int) -> Response | tuple[str, int]:
    need_secretariat()
    data = posted(LinkActionForm)
    values, errors = validate(LinkActionForm, data)
    if values is None:
        return _kpi_page(kpi_id, action_values=data, action_errors=errors, status=422)
    with engine().db.read() as session:
        if session.get(Kpi, id_or_404(kpi_id)) is None:
            abort(404)
        if session.get(SteeringAction, values["action_id"]) is None:
            errors = {"action_id": [_("Onbekende actie. Kies een actie uit de lijst.")]}
            return _kpi_page(kpi_id, action_values=data, action_errors=errors, status=422)
    added = _link("action_kpi", values["action_id"], kpi_id)
    flash(_("De actie is gekoppeld.") if added else _("Die actie was al gekoppeld."), "success")
    return redirect(url_for("actions.kpi", kpi_id=kpi_id) + "#acties")


@bp.post("/sturingskader/kpis/<int:kpi_id>/acties/<int:action_id>/ontkoppelen")
@login_required
def unlink_kpi_action(kpi_id: int, action_id: int) -> Response:
    if not _unlink("action_kpi", action_id, kpi_id):
        abort(404)
    flash(_("De actie is ontkoppeld."), "success")
    return redirect(url_for("actions.kpi", kpi_id=kpi_id) + "#acties")


# -- KPIs --------------------------------------------------------------------------------------


@bp.get("/sturingskader/kpis")
@login_required
def kpis() -> str:
    actor = me()
    domain = request.args.get("domein")
    domain = domain if domain in FOCUS_DOMAINS else None
    with engine().db.read() as session:
        views = queries.kpi_views(session, domain)
        session.expunge_all()
    owners = visible_owners(actor)
    visible = [v for v in views if owners is None or v.kpi.owner_user_id in owners]
    return render_template(
        "actions/kpis.html",
        views=visible,
        domain=domain,
        focus_domains=[(code, localized(label)) for code, label in FOCUS_DOMAINS.items()],
        can_edit=secretariat_actor(actor) is not None,
        **names(),
    )


def _new_kpi_page(values: dict[str, Any] | None = None, errors: dict | None = None) -> FormPage:
    return FormPage(
        heading=_("Nieuwe KPI"),
        lead=_(
            "Een high level KPI van een focusdomein: wat ze meet, de streefwaarde en "
            "streefdatum, en hoe vaak de eigenaar een meting invoert. Stuurboord vraagt de "
            "eigenaar op dat ritme om een waarde, met herinneringen."
        ),
        action=url_for("actions.new_kpi"),
        submit=_("KPI aanmaken"),
        back=url_for("actions.kpis"),
        schema=KpiForm,
        values=values,
        errors=errors,
    )


@bp.route("/sturingskader/kpis/nieuw", methods=["GET", "POST"])
@login_required
def new_kpi() -> Response | tuple[str, int]:
    who = need_secretariat()
    if request.method == "GET":
        domain = request.args.get("domein")
        start: dict[str, Any] = {"higher_is_better": True, "measure_every_months": 3}
        if domain in FOCUS_DOMAINS:
            start["focus_domain"] = domain
        return _new_kpi_page(start).render()
    data = posted(KpiForm)
    values, errors = validate(KpiForm, data)
    if values is None:
        return _new_kpi_page(data, errors).render(422)
    kpi_id = operations.define_kpi(engine(), who, values)
    flash(_("De KPI is aangemaakt. De eigenaar krijgt op het meetritme een taak."), "success")
    return redirect(url_for("actions.kpi", kpi_id=kpi_id))


def _kpi_page(
    kpi_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    link_values: dict[str, Any] | None = None,
    link_errors: dict[str, Any] | None = None,
    action_values: dict[str, Any] | None = None,
    action_errors: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    actor = me()
    with engine().db.read() as session:
        view = queries.kpi_view(session, id_or_404(kpi_id))
        if view is None or not may_see(actor, view.kpi.owner_user_id):
            abort(404)
        session.expunge_all()
        actions = queries.action_titles(session, view.action_ids)
        all_actions = queries.action_titles(session)
        decisions = _decisions(session, view.decision_ids)
    editor = secretariat_actor(actor)
    case_id = view.kpi.measurement_case_id
    edit_fields = (
        forms.fields_for(KpiForm, values or values_of(view.kpi, operations.KPI_FIELDS), errors)
        if editor
        else []
    )
    page = render_template(
        "actions/kpi.html",
        kpi=view.kpi,
        view=view,
        actions=actions,
        linkable_actions=[(i, t) for i, t in all_actions.items() if i not in actions],
        decisions=decisions,
        edit_fields=edit_fields,
        link_fields=forms.fields_for(LinkDecisionForm, link_values, link_errors) if editor else [],
        action_error=forms.messages((action_errors or {}).get("action_id")),
        general_errors=forms.form_errors(errors, edit_fields) if errors else [],
        can_edit=editor is not None,
        case_id=case_id if case_id and rights.may_see_case(engine(), actor, case_id) else None,
        **names(),
    )
    return page, status


@bp.get("/sturingskader/kpis/<int:kpi_id>")
@login_required
def kpi(kpi_id: int) -> tuple[str, int]:
    return _kpi_page(kpi_id)


@bp.post("/sturingskader/kpis/<int:kpi_id>")
@login_required
def update_kpi(kpi_id: int) -> Response | tuple[str, int]:
    actor = me()
    with engine().db.read() as session:
        found = session.get(Kpi, id_or_404(kpi_id))
        owner_id = found.owner_user_id if found else None
    if found is None or not may_see(actor, owner_id):
        abort(404)
    who = need_secretariat()
    data = posted(KpiForm)
    values, errors = validate(KpiForm, data)
    if values is None:
        return _kpi_page(kpi_id, values=data, errors=errors, status=422)

    def change(w: operations.Writer) -> dict:
        return operations.update_kpi(w, w.session.get(Kpi, kpi_id), values)

    changed = write(change, who)
    flash(_("De KPI is bijgewerkt.") if changed else _("Er was niets gewijzigd."), "success")
    return redirect(url_for("actions.kpi", kpi_id=kpi_id))


# -- ambitions ---------------------------------------------------------------------------------


@bp.get("/sturingskader/ambities")
@login_required
def ambitions() -> str:
    actor = me()
    if not sees_everything(actor):
        abort(404)
    with engine().db.read() as session:
        found = queries.ambitions(session)
        counts = queries.counts_by_domain(session)
        session.expunge_all()
    rows = [
        (code, localized(label), found.get(code), counts.get(code, (0, 0)),
         code in FUNCTIONAL_FOCUS_DOMAINS)
        for code, label in FOCUS_DOMAINS.items()
    ]  # fmt: skip
    return render_template(
        "actions/ambitions.html",
        rows=rows,
        english=language() == "en",
        can_edit=secretariat_actor(actor) is not None,
    )


def _ambition_page(
    code: str, values: dict[str, Any] | None = None, errors: dict | None = None
) -> FormPage:
    return FormPage(
        heading=_("Ambitie: %(domain)s", domain=focus_label(code)),
        lead=_(
            "De ambitie van dit focusdomein zoals het strategisch plan ze formuleert, in het "
            "Nederlands en in een getrouwe Engelse vertaling."
        ),
        action=url_for("actions.edit_ambition", focus_domain=code),
        submit=_("Ambitie bewaren"),
        back=url_for("actions.ambitions"),
        schema=AmbitionForm,
        values=values,
        errors=errors,
    )


@bp.route("/sturingskader/ambities/<focus_domain>", methods=["GET", "POST"])
@login_required
def edit_ambition(focus_domain: str) -> Response | tuple[str, int]:
    if focus_domain not in FOCUS_DOMAINS or not sees_everything(me()):
        abort(404)
    who = need_secretariat()
    if request.method == "GET":
        with engine().db.read() as session:
            row = queries.ambitions(session).get(focus_domain)
            start = values_of(row, ("ambition_nl", "ambition_en")) if row else None
        return _ambition_page(focus_domain, start).render()
    data = posted(AmbitionForm)
    values, errors = validate(AmbitionForm, data)
    if values is None:
        return _ambition_page(focus_domain, data, errors).render(422)
    write(
        lambda w: operations.save_ambition(
            w, focus_domain, values["ambition_nl"], values["ambition_en"] or ""
        ),
        who,
    )
    flash(_("De ambitie is bewaard."), "success")
    return redirect(url_for("actions.ambitions") + f"#{focus_domain}")
