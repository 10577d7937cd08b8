"""Counters in the database, so that every web worker sees the same ones.

Used for sign-in throttling (per address, and per unknown user name so that unknown and known
names behave alike) and for rate limits (cases started per API client). A row per key holds a
count in a window and, once over the limit, a lock end.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.models import WebThrottle

MAX_LOCK = timedelta(hours=1)


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from now until `moment`, at least 1 (for a Retry-After header)."""
    return max(1, math.ceil((moment - now).total_seconds()))


def lock_for(failures: int, limit: int, base_seconds: int) -> timedelta | None:
    """How long to lock after `failures` consecutive failures: none below `limit`, then the
    base time, doubling with each further failure, at most an hour."""
    if failures < limit:
        return None
    doublings = min(failures - limit, 12)
    return min(timedelta(seconds=base_seconds * 2**doublings), MAX_LOCK)


def _row(session: Session, key: str, now: datetime) -> WebThrottle:
    """The row for `key`, created if missing and locked for this transaction."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(WebThrottle)
        .values(key=key, count=0, window_started_at=now, locked_until=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return session.execute(
        select(WebThrottle).where(WebThrottle.key == key).with_for_update()
    ).scalar_one()


def locked(session: Session, key: str, now: datetime) -> int | None:
    """Seconds until `key` is free again, or None if it is not locked."""
    row = session.get(WebThrottle, key)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return seconds_until(row.locked_until, now)
    return None


def fail_in_window(session: Session, key: str, now: datetime, limit: int, window: int) -> None:
    """Count one failure for `key`; at `limit` failures within `window` seconds, lock the key
    until the window ends."""
    row = _row(session, key, now)
    if row.window_started_at + timedelta(seconds=window) <= now:
        row.count, row.window_started_at, row.locked_until = 0, now, None
    row.count += 1
    if row.count >= limit:
        row.locked_until = row.window_started_at + timedelta(seconds=window)
    session.flush()


def fail_consecutive(session: Session, key: str, now: datetime, limit: int, base: int) -> None:
    """Count one consecutive failure for `key` and lock it as `lock_for` says."""
    row = _row(session, key, now)
    row.count += 1
    lock = lock_for(row.count, limit, base)
    row.locked_until = now + lock if lock else None
    session.flush()


def clear(session: Session, key: str) -> None:
    row = session.get(WebThrottle, key)
    if row is not None:
        session.delete(row)
        session.flush()


def take(session: Session, key: str, now: datetime, limit: int, window: int) -> int | None:
    """Rate limit: use one of `limit` slots per `window` seconds. Returns None if allowed, else
    the seconds until the window ends (nothing is counted then)."""
    row = _row(session, key, now)
    end = row.window_started_at + timedelta(seconds=window)
    if end <= now:
        row.count, row.window_started_at, end = 0, now, now + timedelta(seconds=window)
    if row.count >= limit:
        return seconds_until(end, now)
    row.count += 1
    session.flush()
    return None
