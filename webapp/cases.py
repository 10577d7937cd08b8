"""Cases: the list, *Nieuw onderwerp* (start form from the registered schema) and the
*Dossier* page (data, status, tasks, timeline from the audit trail, my tasks' forms inline).

The live BPMN diagram goes in the `diagram` block of case.html (part two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import Actor, Forbidden, NotFound, UnknownProcess, ValidationFailed
from engine.queries import AuditInfo, CaseInfo, TaskInfo
from webapp import forms, rights
from webapp.engine_adapter import start_event_id
from webapp.identity import current_actor, engine, login_required
from webapp.tasks import task_form
from webapp.wording import action_label

bp = Blueprint("cases", __name__)
PAGE_SIZE = 25
STATUSES = ("running", "incident", "completed", "terminated")


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


@bp.get("/dossiers")
@login_required
def index() -> str:
    status = request.args.get("status") or None
    status = status if status in STATUSES else None
    page = max(1, request.args.get("pagina", 1, type=int) or 1)
    found = rights.visible_cases(
        engine(), _me(), status=status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    return render_template(
        "cases.html",
        cases=found[:PAGE_SIZE],
        status=status,
        statuses=STATUSES,
        page=page,
        more=len(found) > PAGE_SIZE,
    )


# -- starting a case ---------------------------------------------------------------------------


def _start_schema(process_id: str) -> tuple[str | None, Any]:
    eng = engine()
    if not eng.versions(process_id):
        abort(404)
    element = start_event_id(eng, process_id)
    return element, eng.registry.form_for(process_id, element) if element else None


def _title(data: dict[str, Any]) -> str | None:
    title = data.get("title") or data.get("titel")
    return str(title)[:500] if isinstance(title, str) and title.strip() else None


def _start_page(
    process_id: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
    problem: str | None = None,
) -> tuple[str, int]:
    _element, schema = _start_schema(process_id)
    fields = forms.fields_for(schema, values, errors)
    general = forms.form_errors(errors, fields) if errors else []
    topic = process_id == current_app.config["TOPIC_PROCESS"]
    page = render_template(
        "new_case.html",
        process_id=process_id,
        fields=fields,
        topic=topic,
        general_errors=general,
        problem=problem,
    )
    return page, status


def _start(process_id: str) -> Response | tuple[str, int]:
    eng = engine()
    _element, schema = _start_schema(process_id)
    if forms.ADD_ENTRY in request.form:  # *Nog een rij*: the same form with one more entry
        shown = forms.read_form(schema, request.form, keep_blank=True)
        forms.add_entry(schema, shown, request.form.get(forms.ADD_ENTRY, ""))
        return _start_page(process_id, values=shown)
    data = forms.read_form(schema, request.form)
    try:
        case = eng.start_case(process_id, data, _me(), title=_title(data))
    except ValidationFailed as error:
        return _start_page(process_id, values=data, errors=error.errors, status=422)
    except UnknownProcess:
        abort(404)
    except Forbidden:
        return _start_page(
            process_id,
            values=data,
            status=403,
            problem=_("Je hebt niet de rol om zo'n dossier te starten."),
        )
    flash(_("Je dossier is aangemaakt. Je volgt het hier op."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/onderwerpen/nieuw", methods=["GET", "POST"])
@login_required
def new_topic() -> Response | tuple[str, int]:
    process_id = current_app.config["TOPIC_PROCESS"]
    return _start(process_id) if request.method == "POST" else _start_page(process_id)


@bp.route("/dossiers/nieuw/<process_id>", methods=["GET", "POST"])
@login_required
def new_case(process_id: str) -> Response | tuple[str, int]:
    if len(process_id) > 255:
        abort(404)
    return _start(process_id) if request.method == "POST" else _start_page(process_id)


# -- the case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    entry: AuditInfo
    label: str
    task_name: str | None


@dataclass(frozen=True)
class DataItem:
    key: str
    label: str
    value: Any
    on_form: bool


def _data_items(case: CaseInfo) -> list[DataItem]:
    eng = engine()
    element = start_event_id(eng, case.process_id)
    schema = eng.registry.form_for(case.process_id, element) if element else None
    labels = {f.name: f.label for f in forms.fields_for(schema)}
    order = {name: index for index, name in enumerate(labels)}
    choices = {f.name: dict(f.choices) for f in forms.fields_for(schema)}
    items = []
    for key, value in case.data.items():
        if key.startswith("_"):
            continue
        named = choices.get(key, {})
        if value is None or value == [] or value == "":
            value = "—"
        elif isinstance(value, list):
            value = ", ".join(str(named.get(str(v), v)) for v in value)
        elif isinstance(value, bool):
            value = _("ja") if value else _("nee")
        elif isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        else:
            value = named.get(str(value), value)
        label = labels.get(key, key.replace("_", " ").capitalize())
        items.append(DataItem(key, label, value, key in labels))
    return sorted(items, key=lambda item: (not item.on_form, order.get(item.key, 0)))


def _process_name(case: CaseInfo) -> str:
    for version in engine().versions(case.process_id):
        if version.version == case.version and version.name:
            return version.name
    return case.process_id


def _timeline(case_id: int, tasks: list[TaskInfo]) -> list[Moment]:
    names = {t.id: t.name or t.element_id for t in tasks}
    trail = engine().audit_trail(case_id)
    return [Moment(e, action_label(e.action), names.get(e.task_id or "")) for e in reversed(trail)]


@bp.get("/dossiers/<int:case_id>")
@login_required
def show(case_id: int) -> str:
    eng = engine()
    actor = _me()
    try:
        case = rights.visible_case(eng, actor, case_id)
    except NotFound:
        abort(404)
    tasks = eng.case_tasks(case_id)
    mine = [t for t in tasks if t.state == "ready" and rights.may_act(eng, actor, t)]
    openable = {t.id for t in tasks if rights.may_open_task(eng, actor, t)}
    task_forms = {t.id: task_form(t) for t in mine}
    return render_template(
        "case.html",
        case=case,
        tasks=tasks,
        mine=mine,
        task_forms=task_forms,
        openable=openable,
        data_items=_data_items(case),
        timeline=_timeline(case_id, tasks),
        now=eng.clock.now(),
    )
