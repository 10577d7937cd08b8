"""Server-side sessions. The browser's signed cookie carries a random secret; the database
holds its SHA-256 with the user, an expiry and a revocation time.

Signing in always makes a new secret (the old cookie data is dropped: no session fixation);
signing out revokes the row, so a copy of the old cookie is worth nothing afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select, update

from engine import Engine
from webapp.models import WebSession


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(engine: Engine, user_id: str, hours: int) -> str:
    """A new session for `user_id`; returns the secret for the cookie."""
    secret = secrets.token_urlsafe(32)
    now = engine.clock.now()
    with engine.db.write() as session:
        session.add(
            WebSession(
                id=digest(secret),
                user_id=user_id,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
                revoked_at=None,
            )
        )
    return secret


def resolve(engine: Engine, secret: str) -> str | None:
    """The user of a live session, or None (unknown, expired or revoked)."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        return None
    now = engine.clock.now()
    with engine.db.snapshot() as connection:  # every request: one light statement
        row = connection.execute(_RESOLVE, {"digest": digest(secret)}).one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return str(row.user_id)


_RESOLVE = select(WebSession.user_id, WebSession.expires_at, WebSession.revoked_at).where(
    WebSession.id == bindparam("digest")
)
"""resolve's statement, built once (building it per request costs a fifth of running it)."""


def end(engine: Engine, secret: str) -> None:
    """Revoke the session (signing out)."""
    with engine.db.write() as session:
        session.execute(
            update(WebSession)
            .where(WebSession.id == digest(secret), WebSession.revoked_at.is_(None))
            .values(revoked_at=engine.clock.now())
        )


def end_all(engine: Engine, user_id: str) -> int:
    """Revoke every live session of a user (deactivation, password change)."""
    with engine.db.write() as session:
        result = session.execute(
            update(WebSession)
            .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
            .values(revoked_at=engine.clock.now())
        )
        return max(result.rowcount, 0)  # type: ignore[attr-defined]
