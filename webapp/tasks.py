"""One task: its form (rendered from the schema registered for it), claim, unclaim, complete.

Two people completing the same task: one wins, the other sees that someone else was first
(409) and nothing of theirs is stored.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import (
    Actor,
    CaseStateError,
    Forbidden,
    TaskConflict,
    TaskNotActive,
    ValidationFailed,
)
from engine.queries import TaskInfo
from webapp import forms, rights
from webapp.identity import current_actor, engine, login_required, safe_next

bp = Blueprint("tasks", __name__)


def task_form(
    task: TaskInfo, values: dict[str, Any] | None = None, errors: dict[str, Any] | None = None
) -> list[forms.FormField]:
    schema = engine().registry.form_for(task.process_id, task.element_id)
    return forms.fields_for(schema, values, errors)


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


def _render(
    task: TaskInfo,
    status: int = 200,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    problem: str | None = None,
) -> tuple[str, int]:
    eng = engine()
    actor = _me()
    fields = task_form(task, values, errors)
    general = forms.form_errors(errors, fields) if errors else []
    page = render_template(
        "task.html",
        task=task,
        case=eng.case(task.case_id),
        fields=fields,
        may_act=rights.may_act(eng, actor, task),
        acting=rights.actor_for_task(eng, actor, task),
        general_errors=general,
        problem=problem,
    )
    return page, status


@bp.get("/taken/<task_id>")
@login_required
def show(task_id: str) -> tuple[str, int]:
    return _render(rights.visible_task(engine(), _me(), task_id))


@bp.post("/taken/<task_id>")
@login_required
def complete(task_id: str) -> Response | tuple[str, int]:
    eng = engine()
    actor = _me()
    task = rights.visible_task(eng, actor, task_id)
    schema = eng.registry.form_for(task.process_id, task.element_id)
    data = forms.read_form(schema, request.form)
    try:
        case = eng.complete_task(task.id, data, rights.actor_for_task(eng, actor, task))
    except ValidationFailed as error:
        return _render(task, 422, values=dict(request.form), errors=error.errors)
    except TaskConflict:
        return _render(
            eng.task(task.id),
            409,
            problem=_(
                "Iemand anders heeft deze taak net opgenomen of afgerond. Je gegevens zijn niet "
                "bewaard; bekijk het dossier voor de huidige stand."
            ),
        )
    except TaskNotActive:
        return _render(
            eng.task(task.id),
            409,
            problem=_(
                "Deze taak staat niet meer open: ze werd al afgerond of is vervallen. Je gegevens "
                "zijn niet bewaard."
            ),
        )
    except CaseStateError:
        return _render(task, 409, problem=_("Het dossier is opgeschort; deze taak kan nu niet."))
    except Forbidden:
        return _render(task, 403, problem=_("Je hebt niet de rol die deze taak vraagt."))
    flash(_("Taak „%(name)s” afgerond.", name=task.name or task.element_id), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _back(task: TaskInfo) -> Response:
    return redirect(safe_next(request.form.get("terug")) or url_for("tasks.show", task_id=task.id))


@bp.post("/taken/<task_id>/opnemen")
@login_required
def claim(task_id: str) -> Response:
    eng = engine()
    task = rights.visible_task(eng, _me(), task_id)
    try:
        eng.claim(task.id, rights.actor_for_task(eng, _me(), task))
        flash(_("Je hebt deze taak opgenomen."), "success")
    except (TaskConflict, TaskNotActive):
        flash(_("Deze taak is al opgenomen door iemand anders of staat niet meer open."), "warning")
    except Forbidden:
        flash(_("Je hebt niet de rol die deze taak vraagt."), "error")
    return _back(task)


@bp.post("/taken/<task_id>/vrijgeven")
@login_required
def unclaim(task_id: str) -> Response:
    eng = engine()
    task = rights.visible_task(eng, _me(), task_id)
    try:
        eng.unclaim(task.id, rights.actor_for_task(eng, _me(), task))
        flash(_("De taak is weer vrij voor je collega's."), "success")
    except (TaskConflict, TaskNotActive, Forbidden):
        flash(_("Deze taak kon niet vrijgegeven worden."), "warning")
    return _back(task)
