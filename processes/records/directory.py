"""Writing the reference data: organisations, people, committee seats, working groups.

These are admin operations outside any case. Each function works in the caller's transaction
(``with engine.db.write() as session: ...``), is idempotent (an existing row is updated, not
duplicated) and returns the row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.records.models import (
    CommitteeSeat,
    Organisation,
    Person,
    WorkingGroup,
    WorkingGroupMember,
)
from processes.records.reference import ORGANISATION_KINDS, SEAT_KINDS


def add_organisation(
    session: Session, org_id: str, name: str, kind: str, policy_domain: str | None = None
) -> Organisation:
    """Create or update an organisation (entity). `kind` is one of ORGANISATION_KINDS."""
    if kind not in ORGANISATION_KINDS:
        raise ValueError(
            f"unknown organisation kind {kind!r}; expected one of {ORGANISATION_KINDS}"
        )
    row = session.get(Organisation, org_id)
    if row is None:
        row = Organisation(id=org_id, name=name, kind=kind, policy_domain=policy_domain)
        session.add(row)
    else:
        row.name, row.kind, row.policy_domain = name, kind, policy_domain
    session.flush()
    return row


def add_person(
    session: Session, user_id: str, organisation_id: str | None, function: str | None = None
) -> Person:
    """Link a user account to an organisation and a function (the user must exist)."""
    row = session.execute(select(Person).where(Person.user_id == user_id)).scalar_one_or_none()
    if row is None:
        row = Person(user_id=user_id, organisation_id=organisation_id, function=function)
        session.add(row)
    else:
        row.organisation_id, row.function = organisation_id, function
    session.flush()
    return row


def add_seat(
    session: Session,
    person: Person,
    seat_kind: str,
    policy_domain: str | None = None,
    started_on: date | None = None,
) -> CommitteeSeat:
    """Give a person a seat on the committee (one seat per person and kind)."""
    if seat_kind not in SEAT_KINDS:
        raise ValueError(f"unknown seat kind {seat_kind!r}; expected one of {SEAT_KINDS}")
    row = session.execute(
        select(CommitteeSeat).where(
            CommitteeSeat.person_id == person.id, CommitteeSeat.seat_kind == seat_kind
        )
    ).scalar_one_or_none()
    if row is None:
        row = CommitteeSeat(
            person_id=person.id,
            seat_kind=seat_kind,
            policy_domain=policy_domain,
            started_on=started_on,
        )
        session.add(row)
    else:
        row.policy_domain = policy_domain
    session.flush()
    return row


def add_working_group(
    session: Session,
    group_id: str,
    name: str,
    focus_domain: str | None,
    chair_user_id: str | None,
    members: list[str] | tuple[str, ...] = (),
) -> WorkingGroup:
    """Create or update a working group and add members (existing members stay)."""
    row = session.get(WorkingGroup, group_id)
    if row is None:
        row = WorkingGroup(
            id=group_id, name=name, focus_domain=focus_domain, chair_user_id=chair_user_id
        )
        session.add(row)
    else:
        row.name, row.focus_domain, row.chair_user_id = name, focus_domain, chair_user_id
    session.flush()
    have = set(
        session.execute(
            select(WorkingGroupMember.user_id).where(
                WorkingGroupMember.working_group_id == group_id
            )
        ).scalars()
    )
    for user_id in members:
        if user_id not in have:
            session.add(WorkingGroupMember(working_group_id=group_id, user_id=user_id))
    session.flush()
    return row
