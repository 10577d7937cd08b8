"""API tokens: `Authorization: Bearer sbt_…`. Only the SHA-256 is stored (the token has 256
random bits, so a fast hash suffices); the plain token is shown once, when made."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update

from engine import Actor, Engine, NotFound
from engine.people import users
from engine.storage import hotsql
from webapp.models import ApiToken

PREFIX = "sbt_"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(engine: Engine, user_id: str, name: str) -> str:
    """A new token for `user_id`; returns it in plain text (the only time it is known)."""
    token = PREFIX + secrets.token_urlsafe(32)
    with engine.db.write() as session:
        session.add(
            ApiToken(
                user_id=user_id,
                token_hash=_digest(token),
                name=name.strip()[:100] or "API",
                created_at=engine.clock.now(),
                revoked_at=None,
            )
        )
    return token


def resolve(engine: Engine, token: str) -> str | None:
    """The user of a live token, or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    with engine.db.snapshot() as connection:  # every API request: one light statement
        found = hotsql.run(connection, _RESOLVE, {"digest": _digest(token)}).one_or_none()
    return None if found is None else str(found[0])


def actor_of(engine: Engine, token: str) -> Actor | None:
    """The actor of a live token (the user with their grants), or None: also for a token of
    a user who is inactive or gone. Both reads on one connection (every API request asks)."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    with engine.db.snapshot() as connection:
        found = hotsql.run(connection, _RESOLVE, {"digest": _digest(token)}).one_or_none()
        if found is None:
            return None
        try:
            return users.actor_of(connection, found[0])
        except NotFound:  # deactivated or removed since: the token no longer counts
            return None


_RESOLVE = select(ApiToken.user_id).where(
    ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None)
)
"""resolve's statement, built once (building it per request costs a fifth of running it) and
run through hotsql, cheaper than `Connection.execute`."""


def of_user(engine: Engine, user_id: str) -> list[TokenInfo]:
    with engine.db.read() as session:
        rows = session.execute(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).scalars()
        return [TokenInfo(r.id, r.name, r.created_at, r.revoked_at) for r in rows]


def revoke(engine: Engine, user_id: str, token_id: int) -> bool:
    with engine.db.write() as session:
        result = session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)
            )
            .values(revoked_at=engine.clock.now())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
