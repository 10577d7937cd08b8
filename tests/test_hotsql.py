"""engine/storage/hotsql.py: prebuilt statements straight to the driver, and deferred writes
(sent with the next statement on PostgreSQL), behave as `Connection.execute` would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from engine.storage import hotsql
from engine.storage.db import Database
from engine.storage.models import UserAccount

INSERT_USER = insert(UserAccount)
USERS = select(UserAccount.id, UserAccount.active, UserAccount.created_at).order_by(UserAccount.id)
AT = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def user(user_id: str) -> dict[str, object]:
    return dict(id=user_id, display_name=user_id.title(), email=None, language="nl",
                notify_mode="immediate", active=True, created_at=AT)  # fmt: skip


def stored(db: Database) -> list[str]:
    with db.snapshot() as connection:
        return [row.id for row in connection.execute(USERS)]


def test_rows_read_back_as_sqlalchemy_reads_them(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, [user("ann"), user("bert")])
    with db.snapshot() as connection:
        ours = [tuple(row) for row in hotsql.run(connection, USERS).all()]
        theirs = [tuple(row) for row in connection.execute(USERS)]
    assert ours == theirs == [("ann", True, AT), ("bert", True, AT)]
    assert ours[0][2].tzinfo is not None


def test_a_deferred_write_is_seen_by_the_next_statement_of_its_transaction(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"), defer=True)
        assert session.execute(select(UserAccount.id)).scalars().all() == ["ann"]
        hotsql.run(session, INSERT_USER, user("bert"), defer=True)
    assert stored(db) == ["ann", "bert"]


def test_a_failing_deferred_write_fails_its_transaction_and_stores_nothing(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
    with pytest.raises(IntegrityError), db.write() as session:
        hotsql.run(session, INSERT_USER, user("bert"), defer=True)
        hotsql.run(session, INSERT_USER, user("ann"), defer=True)
    assert stored(db) == ["ann"]
    with db.write() as session:  # the connection goes on cleanly afterwards
        hotsql.run(session, INSERT_USER, user("carl"), defer=True)
    assert stored(db) == ["ann", "carl"]


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
    with pytest.raises(IntegrityError), db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
    assert stored(db) == ["ann"]


def test_a_deferred_read_has_its_rows_once_waited_for(db: Database) -> None:
    """`wait` sends a deferred statement that is still queued (PostgreSQL) and costs nothing
    for one that already went with another statement."""
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
        early = hotsql.run(session, USERS, defer=True)
        hotsql.wait(session, early)
        assert [row.id for row in early.all()] == ["ann"]
        later = hotsql.run(session, USERS, defer=True)
        hotsql.run(session, INSERT_USER, user("bert"), defer=False)  # sends the read first
        hotsql.wait(session, later)
        assert [row.id for row in later.all()] == ["ann"]
    assert stored(db) == ["ann", "bert"]


def test_a_write_transaction_is_one_transaction_with_the_begin_sent_late(db: Database) -> None:
    """PostgreSQL: the BEGIN waits for the transaction's first statement; what the
    transaction wrote before it failed is still undone, whichever way it was sent."""
    with pytest.raises(RuntimeError), db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
        session.execute(insert(UserAccount).values(**user("bert")))
        hotsql.run(session, INSERT_USER, user("carl"), defer=True)
        assert len(hotsql.run(session, USERS).all()) == 3
        raise RuntimeError("changed my mind")
    assert stored(db) == []
    with db.write():
        pass  # nothing ran: nothing to send
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("dora"), defer=True)
    assert stored(db) == ["dora"]
