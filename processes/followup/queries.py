"""Read models of the steering framework (sturingskader): the comply-or-explain matrix.

Rows are decisions, columns are entities, each cell is one obligation with its status. The web
app renders it; filters narrow it down by focus domain, entity or status.

Adoption of a decision is the share of its bound entities that comply (status ``complied``),
counted over *all* its obligations whatever the filters show. An accepted explanation is
settled but is not adoption; both figures are given.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.records.followup import OBLIGATION_STATUSES, SETTLED_STATUSES, Obligation

__all__ = ["Cell", "DecisionRow", "Matrix", "adoption_percentage", "compliance_matrix"]


@dataclass(frozen=True)
class Cell:
    """One entity's obligation under one decision."""

    obligation_id: int
    organisation_id: str
    status: str
    deadline: date
    answered_at: datetime | None
    entity_case_id: int | None
    what_done: str | None = None
    done_on: date | None = None
    reason: str | None = None
    risks: str | None = None
    mitigation: str | None = None
    planned_on: date | None = None
    assessment_note: str | None = None
    """The entity's answer (comply: what was done, when; explain: why not, risks, what instead,
    by when) and the secretariat's assessment of an explanation."""


@dataclass(frozen=True)
class DecisionRow:
    """One decision: its cells (after filters) and its adoption (over all its obligations)."""

    decision_id: int
    decision_text: str
    focus_domain: str | None
    deadline: date
    cells: dict[str, Cell]
    total: int
    status_counts: dict[str, int]
    adoption_pct: float
    settled_pct: float


@dataclass(frozen=True)
class Matrix:
    """Decisions by entities. `entities` are the columns: every entity in a shown cell."""

    entities: list[str]
    rows: list[DecisionRow] = field(default_factory=list)

    def cell(self, decision_id: int, organisation_id: str) -> Cell | None:
        """The cell at a decision and an entity, if shown."""
        for row in self.rows:
            if row.decision_id == decision_id:
                return row.cells.get(organisation_id)
        return None


def percentage(part: int, whole: int) -> float:
    """`part` of `whole` in percent, one decimal; 0.0 for an empty whole."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def compliance_matrix(
    session: Session,
    *,
    focus_domain: str | None = None,
    entity: str | None = None,
    status: str | None = None,
) -> Matrix:
    """The comply-or-explain matrix, newest deadlines last.

    `focus_domain` keeps the decisions of that domain; `entity` keeps that entity's cells;
    `status` keeps cells in that status. A decision without any cell left is not shown.
    """
    if status is not None and status not in OBLIGATION_STATUSES:
        known = ", ".join(OBLIGATION_STATUSES)
        raise ValueError(f"unknown obligation status {status!r}; expected one of {known}")
    query = select(Obligation).order_by(
        Obligation.deadline, Obligation.decision_id, Obligation.organisation_id
    )
    if focus_domain is not None:
        query = query.where(Obligation.focus_domain == focus_domain)
    by_decision: dict[int, list[Obligation]] = {}
    for obligation in session.execute(query).scalars():
        by_decision.setdefault(obligation.decision_id, []).append(obligation)
    rows = []
    columns: dict[str, None] = {}
    for decision_id, obligations in by_decision.items():
        shown = [
            o
            for o in obligations
            if (entity is None or o.organisation_id == entity)
            and (status is None or o.status == status)
        ]
        if not shown:
            continue
        counts = Counter(o.status for o in obligations)
        settled = sum(counts[s] for s in SETTLED_STATUSES)
        first = obligations[0]
        rows.append(
            DecisionRow(
                decision_id=decision_id,
                decision_text=first.decision_text,
                focus_domain=first.focus_domain,
                deadline=min(o.deadline for o in obligations),
                cells={o.organisation_id: _cell(o) for o in shown},
                total=len(obligations),
                status_counts=dict(counts),
                adoption_pct=percentage(counts["complied"], len(obligations)),
                settled_pct=percentage(settled, len(obligations)),
            )
        )
        columns.update(dict.fromkeys(o.organisation_id for o in shown))
    return Matrix(entities=sorted(columns), rows=rows)


def adoption_percentage(session: Session, decision_id: int) -> float:
    """The share (in percent) of a decision's bound entities that comply."""
    statuses = list(
        session.execute(
            select(Obligation.status).where(Obligation.decision_id == decision_id)
        ).scalars()
    )
    return percentage(statuses.count("complied"), len(statuses))


def _cell(obligation: Obligation) -> Cell:
    return Cell(
        obligation_id=obligation.id,
        organisation_id=obligation.organisation_id,
        status=obligation.status,
        deadline=obligation.deadline,
        answered_at=obligation.answered_at,
        entity_case_id=obligation.entity_case_id,
        what_done=obligation.what_done,
        done_on=obligation.done_on,
        reason=obligation.reason,
        risks=obligation.risks,
        mitigation=obligation.mitigation,
        planned_on=obligation.planned_on,
        assessment_note=obligation.assessment_note,
    )
