"""Faults around the notification outbox: a sender that dies between claim and send, uncertain
mail listed for an admin (resend, dismiss, audited), in-app rows never stranded."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine import CaseStateError, Forbidden, NotFound
from engine.notify.mailer import DeliveryUncertain, LogTransport, Mail, Sender
from engine.notify.notifications import list_for
from engine.notify.stuck_mail import STUCK_AFTER
from engine.storage.models import AuditEntry, Notification
from tests.helpers import actor
from tests.test_notifications import make_user, notify


class Crash(BaseException):
    """The process dies: nothing after this line of the sender runs (not an Exception)."""


class CrashingTransport:
    def __init__(self) -> None:
        self.calls = 0

    def send(self, mail: Mail) -> None:
        self.calls += 1
        raise Crash


class UncertainTransport:
    def send(self, mail: Mail) -> None:
        raise DeliveryUncertain("connection lost after the data was sent")


def _statuses(db) -> dict[str, str]:
    with db.read() as session:
        return dict(session.execute(select(Notification.key, Notification.status)).all())


def _users(engine) -> None:
    make_user(engine, "ann")
    make_user(engine, "bob", language="en")
    make_user(engine, "bea")
    engine.grant("bea", "admin", None, actor(engine, "root", ("admin", None)))


def test_sender_killed_between_claim_and_send_strands_nothing_in_app(db, clock, engine) -> None:
    _users(engine)
    notify(db, clock, "remind:1", "ann")
    notify(db, clock, "remind:1", "bob")
    # A row the old sender had claimed before it died (in-app rows used to be claimed too).
    notify(db, clock, "remind:2", "ann", channels=("inapp",))
    with db.write() as session:
        session.execute(
            update(Notification)
            .where(Notification.key == "remind:2:ann:inapp")
            .values(status="sending", sent_at=None)
        )

    with pytest.raises(Crash):
        Sender(db, clock, CrashingTransport()).deliver_due()
    statuses = _statuses(db)
    assert statuses["remind:1:ann:inapp"] == statuses["remind:1:bob:inapp"] == "sent"
    assert statuses["remind:1:ann:email"] == "sending"  # claimed, then the process died

    # Restart: the stranded in-app row is delivered, the maybe-sent mail is not sent again.
    restarted = LogTransport()
    Sender(db, clock, restarted).deliver_due()
    clock.advance(minutes=STUCK_AFTER.total_seconds() / 60 + 1)
    Sender(db, clock, restarted).deliver_due()
    Sender(db, clock, restarted).deliver_due()
    with db.read() as session:
        assert sorted(n.title for n in list_for(session, "ann")) == [
            "Herinnering: Goedkeuren (Topic 7)",
            "Herinnering: Goedkeuren (Topic 7)",
        ]
        assert len(list_for(session, "bob")) == 1
        told = list_for(session, "bea")
    assert restarted.messages == []  # at most once: a claimed mail is never resent by itself
    # Both mails of the claimed batch may or may not have gone out: both wait for an admin.
    stuck = engine.stuck_mail()
    assert [(s.user_id, s.recipient, s.subject) for s in stuck] == [
        ("ann", "Ann", "Herinnering: Goedkeuren (Topic 7)"),
        ("bob", "Bob", "Reminder: Goedkeuren (Topic 7)"),
    ]
    assert sorted(n.title for n in told) == [  # told once per mail, however many runs
        "Mail misschien niet verstuurd: Ann",
        "Mail misschien niet verstuurd: Bob",
    ]


def test_uncertain_mail_is_listed_at_once_and_an_admin_resends_it(db, clock, engine) -> None:
    _users(engine)
    notify(db, clock, "remind:1", "bob", channels=("email",))
    report = Sender(db, clock, UncertainTransport()).deliver_due()
    assert report.uncertain == 1
    [stuck] = engine.stuck_mail()
    assert stuck.last_error.startswith("DeliveryUncertain")

    admin = actor(engine, "bea", ("admin", None))
    with pytest.raises(Forbidden):
        engine.resend_mail(stuck.id, actor(engine, "ann"))
    with pytest.raises(NotFound):
        engine.resend_mail(stuck.id + 999, admin)
    assert _statuses(db)["remind:1:bob:email"] == "sending"  # refused attempts changed nothing

    engine.resend_mail(stuck.id, admin)
    assert engine.stuck_mail() == []
    with pytest.raises(CaseStateError):
        engine.resend_mail(stuck.id, admin)  # not stuck any more
    transport = LogTransport()
    assert Sender(db, clock, transport).deliver_due().sent == 1
    assert [message["To"] for message in transport.messages] == ["bob@example.org"]
    with db.read() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "notification_resent")
        ).all()
    assert entry.actor == "bea"
    assert engine.verify_audit().ok


def test_admin_dismisses_a_stuck_mail_with_a_reason(db, clock, engine) -> None:
    _users(engine)
    notify(db, clock, "remind:1", "ann", channels=("email",))
    with pytest.raises(Crash):
        Sender(db, clock, CrashingTransport()).deliver_due()
    admin = actor(engine, "bea", ("admin", None))
    assert engine.stuck_mail() == []  # only stuck once it has waited STUCK_AFTER
    with db.read() as session:
        row_id = session.scalar(select(Notification.id).where(Notification.channel == "email"))
    with pytest.raises(CaseStateError, match="still being sent"):
        engine.dismiss_mail(row_id, admin, "ann got it")
    clock.advance(minutes=STUCK_AFTER.total_seconds() / 60)
    [stuck] = engine.stuck_mail()
    with pytest.raises(CaseStateError, match="reason"):
        engine.dismiss_mail(stuck.id, admin, "  ")
    engine.dismiss_mail(stuck.id, admin, "Ann bevestigde dat ze de mail kreeg")
    assert engine.stuck_mail() == []
    assert _statuses(db)["remind:1:ann:email"] == "dismissed"
    with db.read() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "notification_dismissed")
        ).all()
    assert entry.reason == "Ann bevestigde dat ze de mail kreeg"
