"""Users and their role grants (who may act on which tasks)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.audit import AuditRecorder
from engine.clock import Clock
from engine.errors import NotFound
from engine.models import RoleGrant, UserAccount


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
