"""Local accounts: argon2id password hashes and sign-in with throttling.

Throttling (ASVS 6.3.1), all kept in the database so that every worker shares it:
- per account: after `LOGIN_MAX_FAILURES` consecutive failures the account is locked for
  `LOGIN_LOCK_SECONDS`, doubling with each further failure (at most an hour); a success resets;
- per unknown user name: the same, so that a lock does not reveal whether a name exists;
- per client address: `LOGIN_IP_MAX_FAILURES` failures within `LOGIN_IP_WINDOW_SECONDS`.
While locked, even the right password is refused (429 with Retry-After).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import update

from engine import Engine, NotFound
from webapp import throttle
from webapp.models import WebCredential, WebSession

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def hasher_for(config: Any) -> PasswordHasher:
    """RFC 9106 low-memory argon2id; the cheapest profile when testing."""
    if config.get("TESTING"):
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user id, or a wait, or neither (wrong)."""

    user_id: str | None = None
    retry_after: int | None = None


class Accounts:
    """Passwords and sign-in for one engine (one database)."""

    def __init__(self, engine: Engine, config: Any) -> None:
        self.engine = engine
        self.config = config
        self.hasher = hasher_for(config)
        self._dummy = self.hasher.hash("no such user: spend the same time")

    def password_problem(self, password: str) -> str | None:
        """Why a new password is not acceptable, or None (ASVS 6.2: length, not composition)."""
        if len(password) < MIN_PASSWORD_LENGTH:
            return "too_short"
        if len(password) > MAX_PASSWORD_LENGTH:
            return "too_long"
        return None

    def set_password(self, user_id: str, password: str, *, digest: str | None = None) -> None:
        """Store a new password for an existing engine user and end their sessions. `digest`
        may pass a hash of `password` made once for many demo accounts (argon2 is slow on
        purpose)."""
        self.engine.actor(user_id)  # NotFound for unknown or inactive users
        if digest is None or not self.hasher.verify(digest, password):
            digest = self.hasher.hash(password)
        now = self.engine.clock.now()
        with self.engine.db.write() as session:
            row = session.get(WebCredential, user_id)
            if row is None:
                session.add(
                    WebCredential(
                        user_id=user_id, password_hash=digest, failed_logins=0, changed_at=now
                    )
                )
            else:
                row.password_hash, row.failed_logins, row.locked_until = digest, 0, None
                row.changed_at = now
            session.execute(
                update(WebSession)
                .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    def has_password(self, user_id: str) -> bool:
        with self.engine.db.read() as session:
            return session.get(WebCredential, user_id) is not None

    def sign_in(self, user_id: str, password: str, address: str) -> SignIn:
        user_id = user_id.strip()[:100]
        now = self.engine.clock.now()
        ip_key, name_key = f"ip:{address}", f"name:{user_id.lower()}"
        with self.engine.db.read() as session:
            wait = throttle.locked(session, ip_key, now)
            credential = session.get(WebCredential, user_id)
            if credential is None:
                wait = wait or throttle.locked(session, name_key, now)
            elif credential.locked_until is not None and credential.locked_until > now:
                wait = wait or throttle.seconds_until(credential.locked_until, now)
            stored = credential.password_hash if credential is not None else None
        if wait is not None:
            return SignIn(retry_after=wait)
        ok = self._verify(stored or self._dummy, password) and stored is not None
        if ok:
            try:
                self.engine.actor(user_id)
            except NotFound:
                ok = False
        with self.engine.db.write() as session:
            if ok:
                self._succeeded(session, user_id, password, stored or "", now)
                return SignIn(user_id=user_id)
            self._failed(session, user_id if stored else None, ip_key, name_key, now)
        return SignIn()

    def _verify(self, digest: str, password: str) -> bool:
        try:
            return self.hasher.verify(digest, password[:MAX_PASSWORD_LENGTH])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _succeeded(self, session: Any, user_id: str, password: str, stored: str, now: Any) -> None:
        credential = session.get(WebCredential, user_id)
        credential.failed_logins, credential.locked_until = 0, None
        if self.hasher.check_needs_rehash(stored):
            credential.password_hash = self.hasher.hash(password)

    def _failed(
        self, session: Any, user_id: str | None, ip_key: str, name_key: str, now: Any
    ) -> None:
        config = self.config
        limit, base = config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_SECONDS"]
        throttle.fail_in_window(
            session, ip_key, now, config["LOGIN_IP_MAX_FAILURES"], config["LOGIN_IP_WINDOW_SECONDS"]
        )
        if user_id is None:
            throttle.fail_consecutive(session, name_key, now, limit, base)
            return
        credential = session.get(WebCredential, user_id, with_for_update=True)
        credential.failed_logins += 1
        lock = throttle.lock_for(credential.failed_logins, limit, base)
        credential.locked_until = now + lock if lock else None
