"""The notification outbox: rows written with their cause, rendered from Dutch/English templates.

`enqueue` adds one `notification` row per channel inside the caller's transaction, so a
notification exists if and only if its cause was committed. Its key
``"{event_key}:{user_id}:{channel}"`` is unique, which makes enqueueing idempotent. The
`engine.notify.mailer.Sender` delivers e-mail rows after commit. An in-app row is delivered in the
very transaction that creates it (its template is rendered there and the row written as 'sent'), so
no crash between commit and delivery can strand it; only a row whose template fails to render is
left 'pending' for the sender, which retries it and raises an incident in the end.

Templates live in ``engine/notify/templates/notifications/<name>.<language>.txt``: the first line of
the output is the subject (or in-app title), the rest the body. A parameter given per language
(``{"nl": ..., "en": ...}``, at any depth) renders in the recipient's language. They render with
StrictUndefined, so a missing parameter is an error, and without autoescaping (plain text).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.storage.models import Notification, UserAccount
from engine.storage.work import announce_work
from engine.timing.clock import Clock

log = logging.getLogger(__name__)

INAPP = "inapp"
EMAIL = "email"
CHANNELS = (INAPP, EMAIL)
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
TEMPLATE_DIR = Path(__file__).parent / "templates" / "notifications"

_TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEY_LENGTH = 400  # notification.key is VARCHAR(400)


# -- templates ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=select_autoescape(("html", "htm", "xml"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language_for(language: str | None) -> str:
    """The template language for a user's setting: 'nl' or 'en' (anything else falls back)."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def template_exists(template: str) -> bool:
    """True if `template` is a valid name with a file for every supported language."""
    if not _TEMPLATE_NAME.match(template):
        return False
    return all((TEMPLATE_DIR / f"{template}.{lang}.txt").is_file() for lang in LANGUAGES)


def render(template: str, language: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """Render `template` in `language`: (subject, body). Raises on any template error.

    Missing parameters raise `jinja2.UndefinedError`; unknown templates
    `jinja2.TemplateNotFound`; output without a subject line `ValueError`.
    """
    if not _TEMPLATE_NAME.match(template):
        raise ValueError(f"invalid template name {template!r}")
    language = language_for(language)
    text = (
        _environment()
        .get_template(f"{template}.{language}.txt")
        .render(in_language(params, language))
    )
    subject, _, body = text.lstrip().partition("\n")
    subject = subject.strip()
    if not subject:
        raise ValueError(f"template {template!r} rendered an empty subject")
    return subject, body.strip("\n").rstrip() + "\n"


def in_language(value: Any, language: str) -> Any:
    """`value` with every text given per language (``{"nl": ..., "en": ...}``) in `language`:
    processes pass names and dates in both, the recipient's language picks one."""
    if isinstance(value, Mapping):
        if value and set(value) <= set(LANGUAGES):
            return value.get(language) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()))
        return {key: in_language(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [in_language(item, language) for item in value]
    return value


def day_names(day: date) -> dict[str, str]:
    """A date as notifications write it: {"nl": "9 december 2026", "en": "9 December 2026"}."""
    return {
        "nl": format_date(day, "d MMMM y", locale="nl_BE"),
        "en": format_date(day, "d MMMM y", locale="en_GB"),
    }


# -- enqueue -----------------------------------------------------------------------------------


def notification_key(event_key: str, user_id: str, channel: str) -> str:
    """The idempotency key of one notification: event, recipient, channel."""
    return f"{event_key}:{user_id}:{channel}"


def enqueue(
    session: Session,
    clock: Clock,
    *,
    event_key: str,
    user_id: str,
    template: str,
    params: dict[str, Any],
    case_id: int | None = None,
    channels: Sequence[str] = (INAPP, EMAIL),
) -> int:
    """Add outbox rows for `user_id` in the caller's transaction; return how many were new.

    One row per channel, keyed ``"{event_key}:{user_id}:{channel}"``; a key that already exists
    is skipped (INSERT ... ON CONFLICT DO NOTHING), so calling twice for one event is harmless.
    The e-mail channel is skipped for users without an address; inactive users get nothing.
    Does not commit. Raises ValueError for an unknown user, channel or template, a key that is
    too long, or params that are not JSON.
    """
    _check_request(event_key, template, params, channels)
    user = session.execute(
        select(UserAccount.email, UserAccount.active, UserAccount.language).where(
            UserAccount.id == user_id
        )
    ).one_or_none()
    if user is None:
        raise ValueError(f"unknown user {user_id!r}")
    if not user.active:
        log.info("not notifying inactive user %s of %s", user_id, event_key)
        return 0
    now = clock.now()
    inserted, pending = 0, False
    for channel in dict.fromkeys(channels):
        if channel == EMAIL and not user.email:
            continue
        key = notification_key(event_key, user_id, channel)
        if len(key) > _KEY_LENGTH:
            raise ValueError(f"notification key longer than {_KEY_LENGTH} characters: {key!r}")
        row = _row(key, user_id, channel, case_id, template, params, now)
        if channel == INAPP and _renders(template, user.language, params):
            row.update(status="sent", sent_at=now)
        fresh = _insert_once(session, row)
        inserted += fresh
        pending = pending or (fresh == 1 and row["status"] == "pending")
    if pending:
        announce_work(session, now)
    return inserted


def _renders(template: str, language: str | None, params: Mapping[str, Any]) -> bool:
    try:
        render(template, language_for(language), params)
    except Exception as exc:
        log.warning("in-app notification %s does not render yet: %s", template, exc)
        return False
    return True


def _check_request(
    event_key: str, template: str, params: Mapping[str, Any], channels: Sequence[str]
) -> None:
    if not event_key:
        raise ValueError("event_key must not be empty")
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown notification channel(s) {unknown}; known: {list(CHANNELS)}")
    if not template_exists(template):
        raise ValueError(f"no notification template {template!r} for languages {LANGUAGES}")
    try:
        json.dumps(params)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"notification params must be JSON: {exc}") from exc


def _row(
    key: str,
    user_id: str,
    channel: str,
    case_id: int | None,
    template: str,
    params: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    return {
        "key": key,
        "user_id": user_id,
        "channel": channel,
        "case_id": case_id,
        "template": template,
        "params": params,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _insert_once(session: Session, row: dict[str, Any]) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING; 1 if the row is new, else 0."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise RuntimeError(f"notification outbox does not support the {dialect} dialect")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .values(row)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Notification.id)
    )
    return len(session.execute(statement).all())


# -- in-app ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationInfo:
    """One in-app notification as the user sees it, rendered in their language."""

    id: int
    case_id: int | None
    template: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _visible(user_id: str) -> Any:
    """In-app rows the user can see: delivered ('sent') rows on the in-app channel."""
    return (
        (Notification.user_id == user_id)
        & (Notification.channel == INAPP)
        & (Notification.status == "sent")
    )


def list_for(
    session: Session,
    user_id: str,
    *,
    unread_only: bool = False,
    limit: int = 50,
    language: str | None = None,
) -> list[NotificationInfo]:
    """The user's delivered in-app notifications, newest first, rendered in `language` (the
    language of the page that lists them) or else in the user's own."""
    if language is None:
        language = session.execute(
            select(UserAccount.language).where(UserAccount.id == user_id)
        ).scalar_one_or_none()
    query = select(Notification).where(_visible(user_id))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return [_info(row, language_for(language)) for row in session.execute(query).scalars()]


def _info(row: Notification, language: str) -> NotificationInfo:
    try:
        title, body = render(row.template, language, row.params)
    except Exception as exc:  # a listing must not fail because one template broke later
        log.warning("notification %s no longer renders: %s: %s", row.id, type(exc).__name__, exc)
        title, body = f"[{row.template}]", ""
    return NotificationInfo(
        id=row.id,
        case_id=row.case_id,
        template=row.template,
        title=title,
        body=body,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def unread_count(connection: Session | Connection, user_id: str) -> int:
    """How many delivered in-app notifications the user has not read."""
    query = select(func.count(Notification.id)).where(
        _visible(user_id), Notification.read_at.is_(None)
    )
    return int(connection.execute(query).scalar_one())


def mark_read(
    session: Session, clock: Clock, user_id: str, ids: Sequence[int] | None = None
) -> int:
    """Mark the user's unread in-app notifications read (`ids`, or all when None).

    Ids of other users' rows are ignored. Returns how many rows changed. Does not commit.
    """
    statement = (
        update(Notification)
        .where(_visible(user_id), Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if ids is not None:
        if not ids:
            return 0
        statement = statement.where(Notification.id.in_(list(ids)))
    return max(session.execute(statement).rowcount, 0)  # type: ignore[attr-defined]
