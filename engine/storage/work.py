"""Telling the scheduler that new work is due earlier than it planned to wake.

A transaction that adds a scheduled job or a notification calls `announce_work(session, due)`.
On commit, listeners in this process hear the earliest due time (the embedded web app and
scheduler share a process); on PostgreSQL a `NOTIFY stuurboord_work` is sent in the same
transaction, so a scheduler in another process hears it too, only once the work is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.storage import hotsql

CHANNEL = "stuurboord_work"
_KEY = "stuurboord_new_work"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :due)")

Listener = Callable[[datetime], None]


def announce_work(session: Session, due: datetime) -> None:
    earliest = session.info.get(_KEY)
    if earliest is not None and earliest <= due:
        return
    session.info[_KEY] = due
    if session.get_bind().dialect.name == "postgresql":
        # prebuilt; it goes with the transaction's next statement or its COMMIT (a NOTIFY is
        # only delivered at commit anyway)
        hotsql.run(session, _NOTIFY, {"due": due.isoformat()}, defer=True)


def committed(session: Session, listeners: list[Listener]) -> None:
    """Call every listener with the earliest new due time, once the write session's
    transaction has committed (`Database.write`)."""
    due = session.info.pop(_KEY, None)
    if due is None:
        return
    for listener in list(listeners):
        listener(due)
