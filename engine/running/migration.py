"""Moving open cases of a process from one deployed version to another.

A *plan* maps every element of the old version to one of the new: by id where the new version
has the same id, by an explicit `OLD=NEW` where the id changed. For each case, the tasks it
waits in must map to an element of the same kind; a user task's form must keep its fields; a
waiting timer's definition must stay as it was (its due time is kept); the case may not be in an
incident, suspended or ended. A case that passes is moved in its own transaction (revision
check, as every writer): its task tree is re-pointed at the new version's specs; a waiting
task whose following steps changed has its predicted branch predicted again from the new model
(SpiffWorkflow's own `reset_branch`, keeping the task's data and timer state); the automatic
steps the new model allows run as after any other change. Finished history whose element no
longer exists is cut out of the pruned tree. Before the transaction commits, the stored state
must load on the new version's specs. A case that cannot move, or whose move fails, stays
exactly as it was.

Each move is recorded in the audit trail (`case_migrated`, changes `version` before/after and
`waiting_in`), which is append-only and hash-chained; `version_history` reads a case's versions
from there, so moves need no table of their own.

`SpiffWorkflow.bpmn.util.diff` is used for what holds up: `SpecDiff` suggests where a removed
element went (by the shape of the flow). Its `migrate_workflow` is not used: it clears the
waiting tasks' internal data, so a waiting timer would start again from the moment of the move
(tests/test_migration.py shows the difference).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.errors import EngineError, NotFound, TaskConflict, ValidationFailed
from engine.people.actors import Actor
from engine.running import runtime
from engine.running.case_rows import require_admin
from engine.running.migration_plan import (
    Element,
    Mover,
    Plan,
    Refusal,
    _Refused,
    build_plan,
    check_mapping,
    elements,
    parse_mapping,
)
from engine.running.serialization import state_from_json, state_to_json
from engine.storage.models import AuditEntry, Case, CaseTask, ProcessVersion

OPEN = ("running", "incident")
__all__ = ["CaseOutcome", "Element", "MigrationReport", "Migrations", "Plan", "Refusal",
           "VersionStep", "parse_mapping", "version_history"]  # fmt: skip


@dataclass(frozen=True)
class CaseOutcome:
    """`result`: can_move (dry run), moved, refused, failed."""

    case_id: int
    title: str | None
    from_version: int | None
    to_version: int
    result: str
    reasons: tuple[Refusal, ...] = ()
    waiting_in: tuple[str, ...] = ()

    def describe(self) -> str:
        return "; ".join(reason.describe() for reason in self.reasons)


@dataclass(frozen=True)
class MigrationReport:
    process_id: str
    to_version: int
    dry_run: bool
    plans: tuple[Plan, ...]
    outcomes: tuple[CaseOutcome, ...]

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result == result)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


@dataclass(frozen=True)
class VersionStep:
    """One version a case ran on: from `since` (None: from its start)."""

    version: int
    since: Any
    actor: str | None = None
    reason: str | None = None


Progress = Callable[[CaseOutcome], None]


# -- running a migration over cases ------------------------------------------------------------


class Migrations:
    """Plans, dry runs and moves, on the case service's storage and caches."""

    def __init__(self, cases: Any) -> None:
        self.cases = cases

    # versions and plans

    def plans(self, process_id: str, to_version: int, from_version: int | None,
              mapping: dict[str, str], case_ids: Sequence[int] | None = None,
              ) -> tuple[list[Plan], dict[int, int]]:  # fmt: skip
        """The plan per old version involved, and the version id per version number."""
        with self.cases.db.read() as session:
            known = session.execute(
                select(ProcessVersion.version, ProcessVersion.id)
                .where(ProcessVersion.process_id == process_id)
            ).all()  # fmt: skip
            if not known:
                raise NotFound(f"no process {process_id!r} is deployed")
            ids = {row.version: row.id for row in known}
            if to_version not in ids:
                raise NotFound(f"process {process_id} has no version {to_version}")
            if from_version is not None:
                if from_version not in ids:
                    raise NotFound(f"process {process_id} has no version {from_version}")
                if from_version == to_version:
                    raise ValidationFailed("the versions to move from and to are the same",
                                           {"from_version": ["Same as to_version."]})  # fmt: skip
                olds = [from_version]
            else:
                query = (select(ProcessVersion.version).distinct()
                         .join(Case, Case.process_version_id == ProcessVersion.id)
                         .where(Case.process_id == process_id, Case.status.in_(OPEN),
                                ProcessVersion.version != to_version))  # fmt: skip
                if case_ids:
                    query = query.where(Case.id.in_(list(case_ids)))
                olds = sorted(session.execute(query).scalars())
        new = self.cases._specs(ids[to_version])
        plans = [build_plan(process_id, v, to_version, self.cases._specs(ids[v]), new, mapping)
                 for v in olds]  # fmt: skip
        if mapping:
            check_mapping(mapping, [{e.id for e in p.old_elements} for p in plans] or [set()],
                          {e.id for e in elements(*new)})  # fmt: skip
        return plans, ids

    # the run

    def run(self, process_id: str, to_version: int, *, from_version: int | None = None,
            mapping: dict[str, str] | None = None, case_ids: Sequence[int] | None = None,
            dry_run: bool = False, actor: Actor, reason: str | None = None,
            batch_size: int = 50, progress: Progress | None = None) -> MigrationReport:  # fmt: skip
        require_admin(actor, "move cases to another process version")
        mapping = dict(mapping or {})
        if not dry_run and not (reason or "").strip():
            reason = None
        plans, ids = self.plans(process_id, to_version, from_version, mapping, case_ids)
        by_version = {plan.from_version: plan for plan in plans}
        targets = self._cases(process_id, to_version, from_version, case_ids)
        outcomes = []
        for start in range(0, len(targets), batch_size):
            for case_id in targets[start : start + batch_size]:
                outcome = self._one(case_id, process_id, to_version, ids, by_version, dry_run,
                                    actor, reason)  # fmt: skip
                outcomes.append(outcome)
                if progress is not None:
                    progress(outcome)
        return MigrationReport(process_id, to_version, dry_run, tuple(plans), tuple(outcomes))

    def count(self, process_id: str, to_version: int, from_version: int | None,
              case_ids: Sequence[int] | None) -> int:  # fmt: skip
        return len(self._cases(process_id, to_version, from_version, case_ids))

    def _cases(self, process_id: str, to_version: int, from_version: int | None,
               case_ids: Sequence[int] | None) -> list[int]:  # fmt: skip
        if case_ids:
            return sorted(set(case_ids))
        with self.cases.db.read() as session:
            query = (select(Case.id)
                     .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
                     .where(Case.process_id == process_id, Case.status.in_(OPEN),
                            ProcessVersion.version != to_version)
                     .order_by(Case.id))  # fmt: skip
            if from_version is not None:
                query = query.where(ProcessVersion.version == from_version)
            return list(session.execute(query).scalars())

    def _one(self, case_id: int, process_id: str, to_version: int, ids: dict[int, int],
             plans: dict[int, Plan], dry_run: bool, actor: Actor,
             reason: str | None) -> CaseOutcome:  # fmt: skip
        with self.cases.db.read() as session:
            row = session.execute(
                select(Case.id, Case.title, Case.process_id, Case.status, Case.suspended,
                       Case.revision, Case.state_json, ProcessVersion.version)
                .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
                .where(Case.id == case_id)
            ).one_or_none()  # fmt: skip
        if row is None:
            return CaseOutcome(case_id, None, None, to_version, "refused",
                               (Refusal("error", detail="no such case"),))  # fmt: skip
        refused = _state_refusals(row, process_id, to_version)
        plan = plans.get(row.version)
        if refused or plan is None:
            reasons = refused or (Refusal("not_this_process"),)
            return CaseOutcome(case_id, row.title, row.version, to_version, "refused",
                               tuple(reasons))  # fmt: skip
        old_specs = self.cases._specs(ids[row.version])
        new_specs = self.cases._specs(ids[to_version])
        mover = Mover(plan, old_specs, new_specs, self._form_fields(process_id))
        workflow = runtime.load_workflow(row.state_json, old_specs, self.cases.scripts)
        waiting = tuple(sorted({t.task_spec.bpmn_id for t in mover.waiting_in(workflow)}))
        outcome = CaseOutcome(case_id, row.title, row.version, to_version, "can_move",
                              waiting_in=waiting)  # fmt: skip
        self.cases.hooks("migrate_after_load", case_id=case_id, actor=actor)
        try:
            if dry_run:
                mover.move(workflow)
                state_from_json(state_to_json(workflow), *mover.new, self.cases.scripts)
                return outcome
            self._move(case_id, row.revision, mover, ids[to_version], actor, reason)
        except _Refused as refusal:
            return _with(outcome, "refused", refusal.reasons)
        except TaskConflict:
            return _with(outcome, "failed", (Refusal("conflict"),))
        except EngineError as error:
            return _with(outcome, "failed", (Refusal("error", detail=error.message),))
        except Exception as error:
            detail = f"{type(error).__name__}: {error}"
            return _with(outcome, "refused" if dry_run else "failed",
                         (Refusal("error", detail=detail),))  # fmt: skip
        return _with(outcome, "moved", ())

    def _form_fields(self, process_id: str) -> Callable[[str], frozenset[str] | None]:
        registry = self.cases.registry

        def fields(element_id: str) -> frozenset[str] | None:
            schema = registry.form_for(process_id, element_id)
            return None if schema is None else frozenset(schema().fields)

        return fields

    def _move(self, case_id: int, seen: int, mover: Mover, version_id: int, actor: Actor,
              reason: str | None) -> None:  # fmt: skip
        cases = self.cases
        with cases._writing(case_id, seen) as current:
            refused = _state_refusals(current.case, mover.plan.process_id, mover.plan.to_version,
                                      version=current.case.version)  # fmt: skip
            if refused:
                raise _Refused(refused)
            workflow = current.workflow
            before_ready = {str(t.id): t.task_spec for t in runtime.ready_human_tasks(workflow)}
            waiting_before = sorted({t.task_spec.bpmn_id for t in mover.waiting_in(workflow)})
            mover.move(workflow)
            new_version = cases._version(current.session, version_id)
            from_version = current.case.version
            current.case.process_version_id, current.case.version = version_id, new_version.version
            current.visited = {mover.plan.mapping.get(v) or v for v in current.visited
                               if mover.plan.mapping.get(v, v) is not None}  # fmt: skip
            current.session.execute(update(Case).where(Case.id == case_id)
                                    .values(process_version_id=version_id))  # fmt: skip
            _repoint_task_rows(current.session, workflow, before_ready)
            current.audit.record(
                actor.user_id, "case_migrated", case_id=case_id, element_id=mover.plan.process_id,
                changes={
                    "version": {"before": from_version, "after": new_version.version},
                    "waiting_in": {"before": waiting_before, "after": sorted(
                        {t.task_spec.bpmn_id for t in mover.waiting_in(workflow)})},
                },
                reason=reason, on_behalf_of=actor.on_behalf_of,
            )  # fmt: skip
            failure = cases._run(current, actor, lambda: runtime.run_until_wait(workflow))
            cases._finish(current, actor, failure)
            # The stored state must load on the new version's specs before it commits.
            state_from_json(state_to_json(workflow), *mover.new, cases.scripts)
            cases.hooks("migrate_before_commit", case_id=case_id, actor=actor)
        cases._committed(current)


def _with(outcome: CaseOutcome, result: str, reasons: Sequence[Refusal]) -> CaseOutcome:
    return CaseOutcome(outcome.case_id, outcome.title, outcome.from_version, outcome.to_version,
                       result, tuple(reasons), outcome.waiting_in)  # fmt: skip


def _state_refusals(row: Any, process_id: str, to_version: int,
                    version: int | None = None) -> list[Refusal]:  # fmt: skip
    if row.process_id != process_id:
        return [Refusal("not_this_process")]
    if (version if version is not None else row.version) == to_version:
        return [Refusal("same_version")]
    if row.status not in OPEN:
        return [Refusal("ended")]
    if row.status == "incident":
        return [Refusal("incident")]
    if row.suspended:
        return [Refusal("suspended")]
    return []


def _repoint_task_rows(session: Session, workflow: BpmnWorkflow, before: dict[str, Any]) -> None:
    """Ready task rows follow their task to the new element (id, name, lane, role)."""
    for task in runtime.ready_human_tasks(workflow):
        old = before.get(str(task.id))
        spec = task.task_spec
        if old is None or (old.bpmn_id, old.bpmn_name, old.lane, runtime.role_of(old)) == (
            spec.bpmn_id,
            spec.bpmn_name,
            spec.lane,
            runtime.role_of(spec),
        ):
            continue
        session.execute(update(CaseTask).where(CaseTask.id == str(task.id)).values(
            element_id=spec.bpmn_id, name=spec.bpmn_name, lane=spec.lane,
            role=runtime.role_of(spec)))  # fmt: skip


def version_history(session: Session, case_id: int) -> list[VersionStep]:
    """The versions a case ran on, oldest first (its moves are in the audit trail)."""
    current = session.execute(
        select(ProcessVersion.version, Case.started_at)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(Case.id == case_id)
    ).one_or_none()  # fmt: skip
    if current is None:
        raise NotFound(f"case {case_id} not found")
    moves = session.execute(
        select(AuditEntry.at, AuditEntry.actor, AuditEntry.changes, AuditEntry.reason)
        .where(AuditEntry.case_id == case_id, AuditEntry.action == "case_migrated")
        .order_by(AuditEntry.seq)
    ).all()  # fmt: skip
    if not moves:
        return [VersionStep(current.version, current.started_at)]
    first = (moves[0].changes or {}).get("version", {}).get("before", current.version)
    steps = [VersionStep(first, current.started_at)]
    for move in moves:
        after = (move.changes or {}).get("version", {}).get("after")
        steps.append(VersionStep(after, move.at, move.actor, move.reason))
    return steps
