"""engine/storage/db.py: `write` and `read` bind their session to a connection whose transaction
they begin and end themselves. The session must behave as one bound to the engine did: a write
commits ORM and prebuilt statements together or neither, the work listeners hear of new work
only after the COMMIT, and a savepoint inside a write still works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from engine.storage import hotsql
from engine.storage.db import Database
from engine.storage.models import UserAccount
from engine.storage.work import announce_work

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
INSERT_USER = insert(UserAccount)


def user(user_id: str) -> dict[str, object]:
    return dict(id=user_id, display_name=user_id.title(), email=None, language="nl",
                notify_mode="immediate", active=True, created_at=AT)  # fmt: skip


def stored(db: Database) -> list[str]:
    with db.snapshot() as connection:
        return list(connection.execute(select(UserAccount.id).order_by(UserAccount.id)).scalars())


class Boom(Exception):
    pass


def test_orm_and_prebuilt_writes_commit_together(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
        session.add(UserAccount(**user("bert")))
        session.flush()
        assert session.get(UserAccount, "ann") is not None  # the ORM sees the prebuilt insert
        session.add(UserAccount(**user("carl")))  # flushed by the commit
    assert stored(db) == ["ann", "bert", "carl"]


def test_an_exception_rolls_back_orm_and_prebuilt_writes(db: Database) -> None:
    with pytest.raises(Boom), db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
        session.add(UserAccount(**user("bert")))
        session.flush()
        raise Boom
    with pytest.raises(Boom), db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))  # the ORM never joined this one
        raise Boom
    assert stored(db) == []
    with db.write() as session:  # the pooled connection goes on cleanly
        hotsql.run(session, INSERT_USER, user("dirk"))
    assert stored(db) == ["dirk"]


def test_a_failed_savepoint_keeps_the_rest_of_the_write(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
        with pytest.raises(Boom), session.begin_nested():
            session.add(UserAccount(**user("bert")))
            session.flush()
            raise Boom
        hotsql.run(session, INSERT_USER, user("carl"))
    assert stored(db) == ["ann", "carl"]


def test_work_listeners_hear_only_committed_work(db: Database) -> None:
    heard: list[datetime] = []

    def listener(due: datetime) -> None:
        heard.append(due)
        assert stored(db) == ["ann"]  # the listener runs after the COMMIT

    db.work_listeners.append(listener)
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
        announce_work(session, AT + timedelta(minutes=5))
        announce_work(session, AT + timedelta(minutes=1))
    assert heard == [AT + timedelta(minutes=1)]
    with pytest.raises(Boom), db.write() as session:
        announce_work(session, AT)
        raise Boom
    assert heard == [AT + timedelta(minutes=1)]
    db.work_listeners.remove(listener)


def test_a_session_reports_its_database_url(db: Database) -> None:
    """The audit trail keys its cache of chain heads on `session.get_bind().engine.url`."""
    with db.write() as session:
        assert session.get_bind().engine.url is db.engine.url
    with db.read() as session:
        assert session.get_bind().engine.url is db.engine.url


def test_read_objects_stay_usable_after_the_read(db: Database) -> None:
    with db.write() as session:
        hotsql.run(session, INSERT_USER, user("ann"))
    with db.read() as session:
        ann = session.get(UserAccount, "ann")
    assert ann is not None and ann.display_name == "Ann"
