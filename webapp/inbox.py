"""*Mijn taken*: what needs me, by role, with due dates; overdue first. Sort and filter by
query parameters (so the page works without JavaScript); claim one or several at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from engine import Actor, EngineError, NotFound
from engine.running.queries import CaseInfo, TaskInfo
from webapp import rights
from webapp.identity import current_actor, engine, login_required
from webapp.wording import CASE_KIND_KEYS, task_label

bp = Blueprint("inbox", __name__)

SORTS = ("vervaldatum", "dossier", "taak", "aangemaakt")


@dataclass(frozen=True)
class Row:
    task: TaskInfo
    case: CaseInfo | None  # filled for the rows shown (and for all when search/sort need it)
    on_behalf_of: str | None
    overdue: bool


def _sort_key(sort: str, now: datetime) -> Callable[[Row], tuple[Any, ...]]:
    def key(row: Row) -> tuple[Any, ...]:
        task = row.task
        if sort == "dossier" and row.case is not None:
            return (row.case.title or "", row.case.id, task.created_at)
        if sort == "taak":
            return (task_label(task).lower(), task.created_at)
        if sort == "aangemaakt":
            return (task.created_at,)
        due = task.due_at or datetime.max.replace(tzinfo=now.tzinfo)
        return (not row.overdue, due, task.created_at)

    return key


def rows_for(
    actor: Actor, role: str | None, search: str, claimed: str, sort: str, descending: bool
) -> list[Row]:
    eng = engine()
    now = eng.clock.now()
    tasks = rights.my_tasks(eng, actor, role)
    need_cases = bool(search) or sort == "dossier"
    cases: dict[int, CaseInfo] = (
        eng.cases({t.case_id for t, _ in tasks}, CASE_KIND_KEYS) if need_cases else {}
    )
    rows = []
    for task, on_behalf_of in tasks:
        if claimed == "mij" and task.claimed_by != actor.user_id:
            continue
        if claimed == "vrij" and task.claimed_by is not None:
            continue
        case = cases.get(task.case_id)
        if search:
            title = case.title or "" if case else ""
            text = f"{task.name or task.element_id} {task_label(task)} {title} {task.case_id}"
            if search.lower() not in text.lower():
                continue
        overdue = task.due_at is not None and task.due_at < now
        rows.append(Row(task, case, on_behalf_of, overdue))
    rows.sort(key=_sort_key(sort, now), reverse=descending)
    return rows


@bp.get("/")
@login_required
def home() -> Response:
    return redirect(url_for("inbox.index"))


def with_cases(rows: list[Row]) -> list[Row]:
    """Fill in the cases of the rows about to be shown (one query)."""
    missing = {row.task.case_id for row in rows if row.case is None}
    cases = engine().cases(missing, CASE_KIND_KEYS) if missing else {}
    return [row if row.case is not None else replace(row, case=cases.get(row.task.case_id))
            for row in rows]  # fmt: skip


PAGE_SIZE = 50  # rows per page: the whole queue is sorted and filtered, one page rendered


@bp.get("/taken")
@login_required
def index() -> str:
    from webapp.app import remember_names

    actor = current_actor()
    assert actor is not None
    role = request.args.get("rol") or None
    search = request.args.get("zoek", "")[:100]
    claimed = request.args.get("opgenomen", "alle")
    sort = request.args.get("sorteer", "vervaldatum")
    sort = sort if sort in SORTS else "vervaldatum"
    descending = request.args.get("richting") == "af"
    rows = rows_for(actor, role, search, claimed, sort, descending)
    page = max(1, request.args.get("pagina", 1, type=int) or 1)
    start = (page - 1) * PAGE_SIZE
    roles = sorted({r for r, _scope in actor.grants})
    filters = {"rol": role, "zoek": search or None, "opgenomen": claimed, "sorteer": sort,
               "richting": "af" if descending else None}  # fmt: skip
    shown = with_cases(rows[start : start + PAGE_SIZE])
    remember_names([row.on_behalf_of for row in shown] + [row.task.claimed_by for row in shown])
    return render_template(
        "inbox.html",
        rows=shown,
        total=len(rows),
        page=page,
        more=start + PAGE_SIZE < len(rows),
        filters={key: value for key, value in filters.items() if value},
        roles=roles,
        role=role,
        search=search,
        claimed=claimed,
        sort=sort,
        descending=descending,
        sorts=SORTS,
    )


def claim_one(actor: Actor, task_id: str) -> TaskInfo:
    eng = engine()
    task = rights.visible_task(eng, actor, task_id)
    return eng.claim(task.id, rights.actor_for_task(eng, actor, task))


@bp.post("/taken/opnemen")
@login_required
def claim_many() -> Response:
    actor = current_actor()
    assert actor is not None
    ids = request.form.getlist("taak")[:200]
    done, failed = 0, 0
    for task_id in ids:
        try:
            claim_one(actor, task_id)
            done += 1
        except (EngineError, NotFound):
            failed += 1
    if done:
        flash(ngettext("%(num)s taak opgenomen.", "%(num)s taken opgenomen.", done), "success")
    if failed:
        flash(
            ngettext(
                "%(num)s taak kon niet opgenomen worden (al opgenomen of afgerond).",
                "%(num)s taken konden niet opgenomen worden (al opgenomen of afgerond).",
                failed,
            ),
            "warning",
        )
    if not ids:
        flash(_("Kies eerst een of meer taken."), "warning")
    return redirect(url_for("inbox.index"))
