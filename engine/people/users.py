"""Users and their role grants (who may act on which tasks)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.people.actors import Actor
from engine.storage import hotsql
from engine.storage.models import Deputy, RoleGrant, UserAccount
from engine.timing.clock import Clock


def ensure_user(
    session: Session,
    audit: AuditRecorder,
    clock: Clock,
    *,
    user_id: str,
    display_name: str,
    email: str | None,
    language: str,
    grants: Iterable[tuple[str, str | None]],
    actor: str,
) -> bool:
    """Create the user if missing and add any grants they lack. True if anything changed."""
    changed = False
    user = session.get(UserAccount, user_id)
    if user is None:
        user = UserAccount(
            id=user_id,
            display_name=display_name,
            email=email,
            language=language,
            active=True,
            created_at=clock.now(),
        )
        session.add(user)
        audit.record(actor, "user_created", changes={"user": {"before": None, "after": user_id}})
        changed = True
    held = {(g.role, g.scope) for g in _grants(session, user_id)}
    for role, scope in grants:
        if (role, scope) in held:
            continue
        session.add(RoleGrant(user_id=user_id, role=role, scope=scope))
        grant = f"{user_id}:{role}:{scope or '*'}"
        audit.record(actor, "role_granted", changes={"grant": {"before": None, "after": grant}})
        held.add((role, scope))
        changed = True
    session.flush()
    return changed


def _grants(session: Session, user_id: str) -> list[RoleGrant]:
    return list(session.execute(select(RoleGrant).where(RoleGrant.user_id == user_id)).scalars())


def actor_for(session: Session, user_id: str) -> Actor:
    user = session.get(UserAccount, user_id)
    if user is None or not user.active:
        raise NotFound(f"user {user_id} not found")
    grants = frozenset((g.role, g.scope) for g in _grants(session, user_id))
    return Actor(user_id, grants)


_ACTOR = (
    select(UserAccount.active, RoleGrant.role, RoleGrant.scope)
    .select_from(UserAccount)
    .outerjoin(RoleGrant, RoleGrant.user_id == UserAccount.id)
    .where(UserAccount.id == bindparam("user_id"))
)


def actor_of(connection: Connection, user_id: str) -> Actor:
    """`actor_for` in one statement on a bare connection: every request asks it."""
    rows = hotsql.run(connection, _ACTOR, {"user_id": user_id}).all()
    if not rows or not rows[0].active:
        raise NotFound(f"user {user_id} not found")
    return Actor(user_id, frozenset((r.role, r.scope) for r in rows if r.role is not None))


@dataclass(frozen=True)
class UserInfo:
    id: str
    display_name: str
    email: str | None
    language: str
    notify_mode: str
    active: bool
    grants: tuple[tuple[str, str | None], ...]


def list_users(session: Session) -> list[UserInfo]:
    grants: dict[str, list[tuple[str, str | None]]] = {}
    for grant in session.execute(
        select(RoleGrant).order_by(RoleGrant.role, RoleGrant.scope)
    ).scalars():
        grants.setdefault(grant.user_id, []).append((grant.role, grant.scope))
    users = session.execute(select(UserAccount).order_by(UserAccount.id)).scalars()
    return [
        UserInfo(u.id, u.display_name, u.email, u.language, u.notify_mode, u.active,
                 tuple(grants.get(u.id, ())))
        for u in users
    ]  # fmt: skip


def display_names(connection: Connection, user_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Display names by user id: every user's, or those of `user_ids` (unknown ids left out).
    PostgreSQL: the ids go as one array parameter, so the statement's text is the same for
    any number of them and psycopg prepares it once."""
    query = select(UserAccount.id, UserAccount.display_name)
    if user_ids is not None:
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        if connection.dialect.name == "postgresql":
            ids = bindparam("user_ids", wanted, type_=ARRAY(UserAccount.id.type))
            query = query.where(UserAccount.id == any_(ids))
        else:
            query = query.where(UserAccount.id.in_(wanted))
    return {row.id: row.display_name for row in connection.execute(query)}


def user_info(session: Session, user_id: str) -> UserInfo | None:
    user = session.get(UserAccount, user_id)
    if user is None:
        return None
    grants = tuple((g.role, g.scope) for g in _grants(session, user_id))
    return UserInfo(user.id, user.display_name, user.email, user.language, user.notify_mode,
                    user.active, grants)  # fmt: skip


def set_active(
    session: Session, audit: AuditRecorder, user_id: str, active: bool, actor: str
) -> None:
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if user.active != active:
        audit.record(actor, "user_activated" if active else "user_deactivated",
                     changes={"active": {"before": user.active, "after": active}},
                     reason=user_id)  # fmt: skip
        user.active = active


def revoke(session: Session, audit: AuditRecorder, user_id: str, role: str, scope: str | None,
           actor: str) -> bool:  # fmt: skip
    query = select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.role == role)
    query = query.where(RoleGrant.scope.is_(None) if scope is None else RoleGrant.scope == scope)
    grant = session.execute(query).scalar_one_or_none()
    if grant is None:
        return False
    session.delete(grant)
    label = f"{user_id}:{role}:{scope or '*'}"
    audit.record(actor, "role_revoked", changes={"grant": {"before": label, "after": None}})
    return True


def set_deputy(session: Session, audit: AuditRecorder, clock: Clock, *, user_id: str,
               deputy_id: str, starts: datetime, ends: datetime,
               actor: str) -> DeputyInfo:  # fmt: skip
    for who in (user_id, deputy_id):
        if session.get(UserAccount, who) is None:
            raise NotFound(f"user {who} not found")
    if user_id == deputy_id:
        raise ValidationFailed("a user cannot be their own deputy", {"deputy_id": ["Same user."]})
    if ends <= starts:
        raise ValidationFailed("the period ends before it starts", {"ends": ["Before start."]})
    row = Deputy(user_id=user_id, deputy_id=deputy_id, starts=starts, ends=ends,
                 created_at=clock.now(), created_by=actor)  # fmt: skip
    session.add(row)
    audit.record(actor, "deputy_named",
                 changes={"deputy": {"before": None, "after": f"{deputy_id} for {user_id}"}},
                 reason=f"{starts.isoformat()} - {ends.isoformat()}")  # fmt: skip
    session.flush()
    return _deputy_info(row)


_PRINCIPALS = (
    select(Deputy.user_id)
    .where(
        Deputy.deputy_id == bindparam("deputy_id"),
        Deputy.starts <= bindparam("now", type_=Deputy.starts.type),
        Deputy.ends > bindparam("now", type_=Deputy.ends.type),
    )
    .distinct()
    .order_by(Deputy.user_id)
)
"""principals_of's statement, built once and run through hotsql: every request asks it."""


def principals_of(session: Session | Connection, deputy_id: str, now: datetime) -> list[str]:
    """Whom `deputy_id` stands in for at `now`, by id."""
    rows = hotsql.run(session, _PRINCIPALS, {"deputy_id": deputy_id, "now": now}).all()
    return [row[0] for row in rows]


def acting_for(session: Session, deputy_id: str, principal_id: str, now: datetime) -> Actor:
    """The deputy acting with the principal's rights; the audit says "deputy for principal"."""
    if principal_id not in principals_of(session, deputy_id, now):
        raise Forbidden(f"{deputy_id} is not a deputy of {principal_id} now")
    principal = actor_for(session, principal_id)
    return Actor(deputy_id, principal.grants, on_behalf_of=principal_id)


LANGUAGES = ("nl", "en")
NOTIFY_MODES = ("immediate", "digest")


def set_preferences(session: Session, audit: AuditRecorder, user_id: str, *,
                    language: str | None, notify_mode: str | None, actor: str) -> None:  # fmt: skip
    """A user's language (pages and notifications) and mail rhythm (immediate or daily digest)."""
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    errors = {}
    if language is not None and language not in LANGUAGES:
        errors["language"] = [f"Must be one of {', '.join(LANGUAGES)}."]
    if notify_mode is not None and notify_mode not in NOTIFY_MODES:
        errors["notify_mode"] = [f"Must be one of {', '.join(NOTIFY_MODES)}."]
    if errors:
        raise ValidationFailed("invalid preferences", errors)
    changes = {}
    for name, value in (("language", language), ("notify_mode", notify_mode)):
        if value is not None and getattr(user, name) != value:
            changes[name] = {"before": getattr(user, name), "after": value}
            setattr(user, name, value)
    if changes:
        audit.record(actor, "preferences_changed", changes=changes, reason=user_id)


EMAIL_MAX = 320
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")


def email_problem(email: str) -> str | None:
    """Why `email` cannot be an e-mail address (None when it can)."""
    if len(email) > EMAIL_MAX:
        return f"At most {EMAIL_MAX} characters."
    if not _EMAIL.match(email):
        return "Not an e-mail address."
    return None


def set_email(session: Session, audit: AuditRecorder, user_id: str, email: str | None,
              actor: str) -> bool:  # fmt: skip
    """A user's e-mail address for notifications (None or "" removes it). True if changed."""
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    value = (email or "").strip() or None
    if value is not None and (problem := email_problem(value)):
        raise ValidationFailed("invalid e-mail address", {"email": [problem]})
    if user.email == value:
        return False
    audit.record(actor, "email_changed", changes={"email": {"before": user.email, "after": value}},
                 reason=user_id)  # fmt: skip
    user.email = value
    return True


NAME_MAX = 200


def set_display_name(session: Session, audit: AuditRecorder, user_id: str, name: str,
                     actor: str) -> bool:  # fmt: skip
    """A user's name as people see it. True if changed; ValidationFailed if empty or too long."""
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    value = name.strip()
    if not value or len(value) > NAME_MAX:
        raise ValidationFailed(
            "invalid name", {"display_name": [f"Give a name of 1 to {NAME_MAX} characters."]}
        )
    if user.display_name == value:
        return False
    audit.record(actor, "name_changed",
                 changes={"display_name": {"before": user.display_name, "after": value}},
                 reason=user_id)  # fmt: skip
    user.display_name = value
    return True


@dataclass(frozen=True)
class DeputyInfo:
    id: int
    user_id: str
    deputy_id: str
    starts: datetime
    ends: datetime
    created_at: datetime
    created_by: str


def _deputy_info(row: Deputy) -> DeputyInfo:
    return DeputyInfo(row.id, row.user_id, row.deputy_id, row.starts, row.ends, row.created_at,
                      row.created_by)  # fmt: skip


def deputies(session: Session, *, user_id: str | None = None,
             deputy_id: str | None = None) -> list[DeputyInfo]:  # fmt: skip
    """Deputy periods a user named (`user_id`) or stands in for (`deputy_id`), by start."""
    query = select(Deputy).order_by(Deputy.starts, Deputy.id)
    if user_id is not None:
        query = query.where(Deputy.user_id == user_id)
    if deputy_id is not None:
        query = query.where(Deputy.deputy_id == deputy_id)
    return [_deputy_info(row) for row in session.execute(query).scalars()]


def remove_deputy(session: Session, audit: AuditRecorder, *, user_id: str, deputy_row: int,
                  actor: str) -> None:  # fmt: skip
    """End a deputy period the user named (NotFound for someone else's or an unknown one)."""
    row = session.get(Deputy, deputy_row, with_for_update=True)
    if row is None or row.user_id != user_id:
        raise NotFound(f"deputy period {deputy_row} not found")
    audit.record(actor, "deputy_removed",
                 changes={"deputy": {"before": f"{row.deputy_id} for {row.user_id}",
                                     "after": None}},
                 reason=f"{row.starts.isoformat()} - {row.ends.isoformat()}")  # fmt: skip
    session.delete(row)
