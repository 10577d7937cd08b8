"""One task: its form (rendered from the schema registered for it), claim, unclaim, complete.

Two people completing the same task: one wins, the other sees that someone else was first
(409) and nothing of theirs is stored.

Some tasks' forms are prepared from the records (`PREPARED`, by process and task): the meeting
process's *Behandelingen vastleggen* gets one entry per agenda item still to treat, and
*Agenda ordenen en markeren* one per scheduled item with its current marks, and the project
follow-up's *Voortgangsrapport* one per milestone not yet reached (read through
`processes.records.queries`, as the meeting pages do). When the process sent the task back
because the last attempt could not be stored, the reasons show above the form.

*Nog een rij* (`forms.ADD_ENTRY`) in a list of sub-forms shows the form again with one more
entry; it completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import (
    Actor,
    CaseStateError,
    Engine,
    Forbidden,
    TaskConflict,
    TaskNotActive,
    ValidationFailed,
)
from engine.running.queries import TaskInfo
from processes.meetings import PROCESS_ID as MEETING_PROCESS
from processes.projects import queries as project_queries
from processes.projects.forms import PROCESS as PROJECT_PROCESS
from processes.projects.forms import REPORT_TASK
from processes.projects.writes import milestones_of
from processes.records import queries as records
from processes.records.choices import CaseContext
from processes.records.queries import AgendaEntry
from webapp import briefing, forms, rights
from webapp.i18n import day, localized
from webapp.identity import current_actor, engine, login_required, safe_next

bp = Blueprint("tasks", __name__)


@dataclass(frozen=True)
class Prepared:
    """What the page adds to a task's form: seeds for its lists of sub-forms (by key) and
    notices to show above it."""

    seeds: dict[str, list[forms.Seed]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def _scheduled_items(eng: Engine, case_id: int) -> list[AgendaEntry]:
    """The agenda items of the meeting a ``meeting`` case manages that are still to treat, in
    agenda order (what ``meetings/store_treatments`` expects a treatment for)."""
    with eng.db.read() as session:
        meeting = records.meeting_of_case(session, case_id)
        if meeting is None:
            return []
        entries = records.agenda(session, meeting.meeting_id)
    return [e for e in entries if e.status == "scheduled"]


def _item_legend(number: int, entry: AgendaEntry) -> str:
    return _("Agendapunt %(number)s: %(title)s", number=number, title=entry.title)


def _not_stored(data: Any) -> list[str]:
    """The reasons a service gave for not storing the last attempt (``problems`` with nl/en
    texts), if it did not."""
    if not isinstance(data, dict) or data.get("stored", data.get("published")) is not False:
        return []
    problems = [localized(p) or "" for p in data.get("problems") or []]
    return [p for p in problems if p]


def _treatments(eng: Engine, task: TaskInfo) -> Prepared:
    """*Behandelingen vastleggen*: one treatment per agenda item still to treat."""
    items = _scheduled_items(eng, task.case_id)
    seeds = [
        forms.Seed(_item_legend(n, e), fixed={"agenda_item_id": e.agenda_item_id})
        for n, e in enumerate(items, start=1)
    ]
    notices = _not_stored(eng.case(task.case_id).data.get("treatment_result"))
    return Prepared({"treatments": seeds}, notices)


def _agenda_order(eng: Engine, task: TaskInfo) -> Prepared:
    """*Agenda ordenen en markeren*: the scheduled items in their order, with their marks."""
    items = _scheduled_items(eng, task.case_id)
    seeds = [
        forms.Seed(
            _item_legend(n, e),
            fixed={"agenda_item_id": e.agenda_item_id},
            values={"kind": e.kind, "public": e.public},
        )
        for n, e in enumerate(items, start=1)
    ]
    notices = _not_stored(eng.case(task.case_id).data.get("publication"))
    return Prepared({"agenda_order": seeds}, notices)


def _milestone_updates(eng: Engine, task: TaskInfo) -> Prepared:
    """*Voortgangsrapport*: one entry per milestone of the project not yet reached, with its
    current forecast."""
    with eng.db.read() as session:
        project = project_queries.project_of_followup(session, task.case_id)
        if project is None:
            return Prepared()
        open_ones = [m for m in milestones_of(session, project.id) if m.done_on is None]
    seeds = [
        forms.Seed(
            _("Mijlpaal: %(title)s (gepland %(day)s)", title=m.title, day=day(m.planned_on)),
            fixed={"milestone_id": m.id},
            values={"forecast_on": (m.forecast_on or m.planned_on).isoformat()},
        )
        for m in open_ones
    ]
    return Prepared({"milestones": seeds})


PREPARED: dict[tuple[str, str], Callable[[Engine, TaskInfo], Prepared]] = {
    (MEETING_PROCESS, "record_treatments"): _treatments,
    (MEETING_PROCESS, "order_agenda"): _agenda_order,
    (PROJECT_PROCESS, REPORT_TASK): _milestone_updates,
}
"""Tasks whose form the page prepares from the records, by (process id, task id)."""


def prepared(task: TaskInfo) -> Prepared:
    """The seeds and notices for this task's form (nothing for most tasks)."""
    hook = PREPARED.get((task.process_id, task.element_id))
    return hook(engine(), task) if hook is not None and task.state == "ready" else Prepared()


def task_form(
    task: TaskInfo,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    ready: Prepared | None = None,
) -> list[forms.FormField]:
    """The inputs of the task's form, prepared as `PREPARED` says."""
    eng = engine()
    schema = eng.registry.form_for(task.process_id, task.element_id)
    ready = ready if ready is not None else prepared(task)
    case_data = eng.case(task.case_id).data
    if values is None and task.state == "ready" and schema is not None:
        last = eng.last_submission(task.case_id, task.element_id)
        values = forms.prefill(schema, last, case_data)
    context = CaseContext(task.case_id, case_data)
    return forms.fields_for(schema, values, errors, ready.seeds, context)


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
    ready = prepared(task)
    fields = task_form(task, values, errors, ready)
    general = forms.form_errors(errors, fields) if errors else []
    page = render_template(
        "task.html",
        task=task,
        case=eng.case(task.case_id),
        fields=fields,
        may_act=rights.may_act(eng, actor, task),
        acting=rights.actor_for_task(eng, actor, task),
        general_errors=general,
        notices=ready.notices,
        problem=problem,
        brief=briefing.for_task(eng, task) if task.state == "ready" else [],
        brief_level=2,
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
    if forms.ADD_ENTRY in request.form:  # *Nog een rij*: the same form with one more entry
        shown = forms.read_form(schema, request.form, keep_blank=True)
        seeded = prepared(task).seeds
        forms.add_entry(schema, shown, request.form.get(forms.ADD_ENTRY, ""), fixed=seeded)
        return _render(task, values=shown)
    data = forms.read_form(schema, request.form)
    try:
        case = eng.complete_task(task.id, data, rights.actor_for_task(eng, actor, task))
    except ValidationFailed as error:
        return _render(task, 422, values=data, errors=error.errors)
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
    again = _sent_back(task, case.id)
    if again is not None:
        flash(
            _(
                "„%(name)s” is niet bewaard en staat weer open: %(reasons)s",
                name=task.name or task.element_id,
                reasons=" ".join(prepared(again).notices),
            ),
            "warning",
        )
        return redirect(url_for("tasks.show", task_id=again.id))
    flash(_("Taak „%(name)s” afgerond.", name=task.name or task.element_id), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _sent_back(task: TaskInfo, case_id: int) -> TaskInfo | None:
    """For a prepared task: the same task ready again because the process could not store
    what was given (it says why in the case data), else None."""
    if (task.process_id, task.element_id) not in PREPARED:
        return None
    for candidate in engine().case_tasks(case_id):
        if candidate.state == "ready" and candidate.element_id == task.element_id:
            return candidate if prepared(candidate).notices else None
    return None


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
