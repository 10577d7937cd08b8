"""The web app's own tables: password credentials, server-side sessions, API tokens, throttling,
the modeller's drafts.

They live beside the engine's tables (same database) on the Alembic branch "webapp"; the
foreign keys to `user_account` are declared in the migration only, so this metadata stays
independent of the engine's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as UTC without zone; handed back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class WebBase(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class WebCredential(WebBase):
    """A local password (argon2id hash) and the account's failed-sign-in counter and lock."""

    __tablename__ = "web_credential"

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    changed_at: Mapped[datetime]


class WebSession(WebBase):
    """A signed-in browser. `id` is the SHA-256 of the secret the cookie carries."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiToken(WebBase):
    """A bearer token for API clients; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class WebThrottle(WebBase):
    """A counter per key ("ip:…", "name:…", "start:…") shared by every web worker."""

    __tablename__ = "web_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class ModelDraft(WebBase):
    """A process being changed in the modeller (*Opslaan als ontwerp*), one per process.

    `revision` counts saves: a save names the revision it started from, so a second admin
    who saved in between is noticed (never silently overwritten)."""

    __tablename__ = "model_draft"

    process_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    source_xml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    based_on_version: Mapped[int | None] = mapped_column(Integer)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime]
