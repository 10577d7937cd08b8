"""Which cases belong together, read from the records: a topic and the working-group
assignment, the escalation and the comply-or-explain follow-up it led to; a follow-up and its
per-entity obligation cases. For the case page's outcome and links both ways."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.records.followup import EscalationDossier, Mandate, Obligation


def assignment_cases(session: Session, topic_case_id: int) -> list[tuple[int, str]]:
    """(case id, working group id) of the working-group assignments given for a topic."""
    rows = session.execute(
        select(Mandate.case_id, Mandate.working_group_id)
        .where(Mandate.topic_case_id == topic_case_id)
        .order_by(Mandate.id)
    ).all()
    return [(case_id, group) for case_id, group in rows]


def escalation_cases(session: Session, topic_case_id: int) -> list[int]:
    return list(
        session.execute(
            select(EscalationDossier.case_id)
            .where(EscalationDossier.topic_case_id == topic_case_id)
            .order_by(EscalationDossier.id)
        ).scalars()
    )


def followup_cases(session: Session, decision_id: int) -> list[int]:
    """The comply-or-explain cases that follow up a decision."""
    return sorted(
        set(
            session.execute(
                select(Obligation.case_id).where(Obligation.decision_id == decision_id)
            ).scalars()
        )
    )


def obligation_cases(session: Session, followup_case_id: int) -> list[tuple[int, str]]:
    """(entity case id, organisation id) of a comply-or-explain case's obligations."""
    rows = session.execute(
        select(Obligation.entity_case_id, Obligation.organisation_id)
        .where(Obligation.case_id == followup_case_id, Obligation.entity_case_id.is_not(None))
        .order_by(Obligation.organisation_id)
    ).all()
    return [(int(case_id), org) for case_id, org in rows]
