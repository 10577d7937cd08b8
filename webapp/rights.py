"""Who may see what. Every page and endpoint that takes an id goes through here.

The rule (documented in webapp/README.md):
- the secretariat, the chair, members and admins (any grant of those roles) see every case;
- anyone else sees a case they started, a case in which they have or had a task (assigned,
  claimed or completed by them, or a ready task their roles let them do), and the cases of the
  people they are deputy for right now (with those people's rights).
A case or task the user may not see answers exactly as one that does not exist: NotFound, which
the web layer turns into the same 404 (no IDOR, no enumeration).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import g, has_request_context

from engine import Actor, Engine, NotFound
from engine.running.queries import CaseInfo, TaskInfo

SEE_ALL_ROLES = frozenset({"secretariat", "chair", "member", "admin"})
MAX_ID = 2**31 - 1


def sees_all(actor: Actor) -> bool:
    return any(role in SEE_ALL_ROLES for role, _scope in actor.grants)


def _involved(engine: Engine, actor: Actor, case_id: int) -> bool:
    if engine.case_involves(case_id, actor.user_id):
        return True
    return any(
        task.state == "ready" and actor.may_act_on(task.role, task.scope, task.assignee)
        for task in engine.case_tasks(case_id)
    )


def acting_actors(engine: Engine, actor: Actor) -> list[Actor]:
    """The user, then the user as deputy of each person they stand in for now.

    Asked once per request and actor (a task completion asks three times); never kept across
    requests, so another worker's change to the deputies counts from the next request on."""
    if not has_request_context():
        return _acting_actors(engine, actor)
    known: dict[Actor, list[Actor]] = g.setdefault("acting_actors", {})
    if actor not in known:
        known[actor] = _acting_actors(engine, actor)
    return list(known[actor])


def sees_all_acting(engine: Engine, actor: Actor) -> bool:
    """Whether the user sees every case, themselves or as deputy of someone who does (the
    register, the dashboard, the actions and KPIs and the lineage are for them)."""
    return any(sees_all(who) for who in acting_actors(engine, actor))


def _acting_actors(engine: Engine, actor: Actor) -> list[Actor]:
    found = [actor]
    for principal in engine.principals_of(actor.user_id):
        try:
            found.append(engine.acting_for(actor.user_id, principal))
        except NotFound:
            continue
    return found


def may_see_case(engine: Engine, actor: Actor, case_id: int) -> bool:
    for who in acting_actors(engine, actor):
        if sees_all(who) or _involved(engine, who, case_id):
            return True
    return False


def visible_case(engine: Engine, actor: Actor, case_id: int) -> CaseInfo:
    """The case, if this user may see it; NotFound otherwise (same as a missing case)."""
    if not 0 < case_id <= MAX_ID:
        raise NotFound(f"case {case_id} not found")
    case = engine.case(case_id)
    if not may_see_case(engine, actor, case_id):
        raise NotFound(f"case {case_id} not found")
    return case


def visible_task(engine: Engine, actor: Actor, task_id: str) -> TaskInfo:
    """The task, if this user may open it; NotFound otherwise (same as a missing task).

    Those who see every case may open every task; others the tasks they may do (by role or
    assignment, also as deputy; open or not, so that a late second person hears "no longer
    open") and those they claimed or completed. A submitter looking for the chair's task in
    their own case gets NotFound: the case page shows them its progress.
    """
    if not isinstance(task_id, str) or not 0 < len(task_id) <= 36:
        raise NotFound("task not found")
    task = engine.task(task_id)
    if may_open_task(engine, actor, task):
        return task
    raise NotFound(f"task {task_id} not found")


def may_open_task(engine: Engine, actor: Actor, task: TaskInfo) -> bool:
    if actor.user_id in (task.claimed_by, task.completed_by):
        return True
    if any(sees_all(who) for who in acting_actors(engine, actor)):
        return True
    return may_act(engine, actor, task)


def actor_for_task(engine: Engine, actor: Actor, task: TaskInfo) -> Actor:
    """Who acts on `task`: the user themselves if they may, else the user as deputy of the
    first person they stand in for who may (the audit then says "user for person"). If no one
    may, the user, and the engine answers Forbidden."""
    for who in acting_actors(engine, actor):
        if who.may_act_on(task.role, task.scope, task.assignee) or (
            who.on_behalf_of is not None and task.assignee == who.on_behalf_of
        ):
            return who
    return actor


def may_act(engine: Engine, actor: Actor, task: TaskInfo) -> bool:
    who = actor_for_task(engine, actor, task)
    return who.may_act_on(task.role, task.scope, task.assignee) or (
        who.on_behalf_of is not None and task.assignee == who.on_behalf_of
    )


def my_tasks(
    engine: Engine, actor: Actor, role: str | None = None
) -> list[tuple[TaskInfo, str | None]]:
    """Ready tasks for the user and for those they deputise for: (task, on behalf of)."""
    seen: set[str] = set()
    found: list[tuple[TaskInfo, str | None]] = []
    for who in acting_actors(engine, actor):
        for task in engine.tasks_for(who, role):
            if task.id not in seen:
                seen.add(task.id)
                found.append((task, who.on_behalf_of))
    return found


def visible_cases(
    engine: Engine,
    actor: Actor,
    *,
    status: str | None = None,
    process_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    text: str | None = None,
    data_keys: Sequence[str] | None = None,
) -> list[CaseInfo]:
    """Cases this user may see, newest first (those whose title or data contain `text`; with
    `data_keys`, only those keys of their data)."""
    actors = acting_actors(engine, actor)
    if any(sees_all(who) for who in actors):
        return engine.list_cases(status=status, process_id=process_id, limit=limit, offset=offset,
                                 text=text, data_keys=data_keys)  # fmt: skip
    return engine.list_cases(
        status=status, process_id=process_id, visible_to=actors, limit=limit, offset=offset,
        text=text, data_keys=data_keys,
    )  # fmt: skip
