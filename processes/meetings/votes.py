"""Votes (stemmingen) as records: one ``vote`` row per vote held in a treatment, and for an
open vote recorded by seat one ``vote_cast`` row per member who voted. A secret vote has its
counts only: who voted how is never stored.

The outcome: adopted when there are more votes for than against, else rejected (the rule the
linked data has published since votes were first recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.storage.models import UserAccount
from processes.records.models import (
    AgendaItem,
    CommitteeSeat,
    Person,
    Treatment,
    Vote,
    VoteCast,
)

CHOICES = ("for", "against", "abstain")
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "adopted": {"nl": "aangenomen", "en": "adopted"},
    "rejected": {"nl": "verworpen", "en": "rejected"},
}
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "for": {"nl": "voor", "en": "for"},
    "against": {"nl": "tegen", "en": "against"},
    "abstain": {"nl": "onthouding", "en": "abstention"},
}


def outcome_of(count_for: int, count_against: int) -> str:
    return "adopted" if count_for > count_against else "rejected"


def held(entry: dict[str, Any]) -> bool:
    """A treatment entry records a vote: ticked as held, or with counts or voters."""
    return bool(
        entry.get("vote_held")
        or any(entry.get(f"votes_{c}") is not None for c in CHOICES)
        or any(entry.get(f"voters_{c}") for c in CHOICES)
    )


def voters_of(entry: dict[str, Any]) -> dict[str, list[str]]:
    """Who voted how in an open vote by seat (nothing for a secret vote)."""
    if entry.get("vote_secret"):
        return {c: [] for c in CHOICES}
    return {c: [str(u) for u in entry.get(f"voters_{c}") or []] for c in CHOICES}


def seats_on(session: Session, day: date, user_ids: list[str]) -> dict[str, int]:
    """The seat each of these people held on `day` (people without a seat left out)."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(Person.user_id, CommitteeSeat.id)
        .join(CommitteeSeat, CommitteeSeat.person_id == Person.id)
        .where(
            Person.user_id.in_(user_ids),
            or_(CommitteeSeat.started_on.is_(None), CommitteeSeat.started_on <= day),
            or_(CommitteeSeat.ended_on.is_(None), CommitteeSeat.ended_on >= day),
        )
        .order_by(CommitteeSeat.id.desc())
    ).all()
    return {user: seat for user, seat in rows}


def record_vote(
    session: Session,
    treatment: Treatment,
    item: AgendaItem,
    day: date,
    entry: dict[str, Any],
    now: datetime,
) -> Vote | None:
    """Store the vote of a treatment entry (None when no vote was held)."""
    if not held(entry):
        return None
    cast = voters_of(entry)
    counts = [
        entry.get(f"votes_{c}") if entry.get(f"votes_{c}") is not None else len(cast[c])
        for c in CHOICES
    ]
    vote = Vote(
        treatment_id=treatment.id,
        subject=item.title[:500],
        secret=bool(entry.get("vote_secret")),
        count_for=counts[0],
        count_against=counts[1],
        count_abstain=counts[2],
        outcome=outcome_of(counts[0], counts[1]),
        recorded_at=now,
    )
    session.add(vote)
    session.flush()
    seats = seats_on(session, day, [u for users in cast.values() for u in users])
    for choice in CHOICES:
        for user in cast[choice]:
            session.add(
                VoteCast(vote_id=vote.id, seat_id=seats.get(user), user_id=user, choice=choice)
            )
    session.flush()
    return vote


# -- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """How one member voted: their name and seat kind (None without a seat)."""

    user_id: str
    name: str
    seat_kind: str | None
    choice: str


@dataclass(frozen=True)
class VoteRecord:
    """A vote as the meeting pack, the minutes and the linked data show it."""

    uuid: str
    subject: str
    secret: bool
    count_for: int
    count_against: int
    count_abstain: int
    outcome: str
    casts: tuple[Cast, ...] = ()

    @property
    def by_seat(self) -> bool:
        return bool(self.casts)

    def voters(self, choice: str) -> list[Cast]:
        return [c for c in self.casts if c.choice == choice]


def casts_of(session: Session, vote_ids: list[int]) -> dict[int, list[Cast]]:
    """Who voted how, per vote id, in seat order."""
    if not vote_ids:
        return {}
    rows = session.execute(
        select(VoteCast, UserAccount.display_name, CommitteeSeat.seat_kind)
        .outerjoin(UserAccount, UserAccount.id == VoteCast.user_id)
        .outerjoin(CommitteeSeat, CommitteeSeat.id == VoteCast.seat_id)
        .where(VoteCast.vote_id.in_(vote_ids))
        .order_by(VoteCast.vote_id, VoteCast.seat_id, VoteCast.id)
    ).all()
    found: dict[int, list[Cast]] = {}
    for cast, name, seat_kind in rows:
        found.setdefault(cast.vote_id, []).append(
            Cast(cast.user_id, name or cast.user_id, seat_kind, cast.choice)
        )
    return found


def as_record(vote: Vote, casts: list[Cast]) -> VoteRecord:
    return VoteRecord(
        uuid=vote.uuid,
        subject=vote.subject,
        secret=vote.secret,
        count_for=vote.count_for,
        count_against=vote.count_against,
        count_abstain=vote.count_abstain,
        outcome=vote.outcome,
        casts=() if vote.secret else tuple(casts),
    )


def votes_of(session: Session, agenda_item_ids: list[int]) -> dict[int, VoteRecord]:
    """The vote held on each of these agenda items, by agenda item id (items without a vote
    left out; with several votes on one item, the last)."""
    if not agenda_item_ids:
        return {}
    rows = session.execute(
        select(Treatment.agenda_item_id, Vote)
        .join(Vote, Vote.treatment_id == Treatment.id)
        .where(Treatment.agenda_item_id.in_(agenda_item_ids))
        .order_by(Vote.id)
    ).all()
    casts = casts_of(session, [vote.id for _item, vote in rows])
    return {item: as_record(vote, casts.get(vote.id, [])) for item, vote in rows}


def votes_of_treatment(session: Session, treatment_id: int) -> list[Vote]:
    return list(
        session.execute(
            select(Vote).where(Vote.treatment_id == treatment_id).order_by(Vote.id)
        ).scalars()
    )
