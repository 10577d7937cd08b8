"""The notification outbox: idempotent rows written with their cause, in-app reading, e-mail over
real SMTP (aiosmtpd), retries with back-off into incidents, digests, at-most-once delivery."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from engine import Database, Engine, ServiceCall
from engine.notify.mailer import (
    LogTransport,
    Mail,
    Sender,
    SmtpSettings,
    SmtpTransport,
    latest_digest_at,
    message_id,
    next_digest_at,
    transport_from_env,
)
from engine.notify.notifications import enqueue, list_for, mark_read, render, unread_count
from engine.storage.models import AuditEntry, Incident, Notification, UserAccount
from tests import modelkit as m
from tests.conftest import START

PARAMS = {"task_name": "Goedkeuren", "case_title": "Topic 7", "due_date": "9 maart 2026"}
BRUSSELS = ZoneInfo("Europe/Brussels")


# -- helpers -----------------------------------------------------------------------------------


def make_user(
    engine: Engine,
    user_id: str,
    *,
    email: bool = True,
    language: str = "nl",
    mode: str = "immediate",
) -> None:
    address = f"{user_id}@example.org" if email else None
    engine.ensure_user(user_id, user_id.title(), email=address, language=language)
    if mode != "immediate":
        with engine.db.write() as session:
            session.execute(
                update(UserAccount).where(UserAccount.id == user_id).values(notify_mode=mode)
            )


def notify(
    db: Database,
    clock,
    event: str,
    user_id: str,
    *,
    params=None,
    channels=("inapp", "email"),
    case_id=None,
    template="reminder",
) -> int:
    with db.write() as session:
        return enqueue(
            session,
            clock,
            event_key=event,
            user_id=user_id,
            template=template,
            params=PARAMS if params is None else params,
            case_id=case_id,
            channels=channels,
        )


def stored(db: Database) -> list[Notification]:
    with db.read() as session:
        return list(session.execute(select(Notification).order_by(Notification.id)).scalars())


def row(db: Database, key: str) -> Notification:
    with db.read() as session:
        return session.execute(select(Notification).where(Notification.key == key)).scalar_one()


def incidents(db: Database) -> list[Incident]:
    with db.read() as session:
        return list(session.execute(select(Incident).order_by(Incident.id)).scalars())


def audit_actions(db: Database, action: str) -> list[AuditEntry]:
    with db.read() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            ).scalars()
        )


# -- enqueue -----------------------------------------------------------------------------------


def test_enqueue_is_idempotent_per_event_recipient_and_channel(db, clock, engine) -> None:
    make_user(engine, "ann")
    make_user(engine, "bob", email=False)
    assert notify(db, clock, "reminder:task-1", "ann") == 2
    assert notify(db, clock, "reminder:task-1", "ann") == 0
    assert notify(db, clock, "reminder:task-1", "bob") == 1  # no address: in-app only
    assert notify(db, clock, "reminder:task-2", "ann", channels=("email",)) == 1
    assert notify(db, clock, "reminder:task-2", "ann", channels=("email", "inapp")) == 1
    rows = stored(db)
    assert sorted(r.key for r in rows) == [
        "reminder:task-1:ann:email",
        "reminder:task-1:ann:inapp",
        "reminder:task-1:bob:inapp",
        "reminder:task-2:ann:email",
        "reminder:task-2:ann:inapp",
    ]
    first = row(db, "reminder:task-1:ann:email")
    assert (first.status, first.attempts, first.channel, first.user_id) == (
        "pending",
        0,
        "email",
        "ann",
    )
    assert first.next_attempt_at == first.created_at == START
    assert first.params == PARAMS and first.template == "reminder"


def test_enqueue_refuses_unknown_user_channel_template_and_non_json(db, clock, engine) -> None:
    make_user(engine, "ann")
    with pytest.raises(ValueError, match="unknown user 'nobody'"):
        notify(db, clock, "e1", "nobody")
    with pytest.raises(ValueError, match="unknown notification channel"):
        notify(db, clock, "e1", "ann", channels=("sms",))
    with pytest.raises(ValueError, match="no notification template 'nope'"):
        notify(db, clock, "e1", "ann", template="nope")
    with pytest.raises(ValueError, match="must be JSON"):
        notify(db, clock, "e1", "ann", params={"when": datetime.now(UTC)})
    assert stored(db) == []


def test_outbox_rows_are_written_and_rolled_back_with_their_cause(db, clock, engine) -> None:
    make_user(engine, "ann")
    with pytest.raises(RuntimeError), db.write() as session:
        assert (
            enqueue(
                session,
                clock,
                event_key="cause:1",
                user_id="ann",
                template="reminder",
                params=PARAMS,
            )
            == 2
        )
        raise RuntimeError("the cause failed")
    assert stored(db) == []
    assert notify(db, clock, "cause:1", "ann") == 2  # the key is free: nothing was kept


def test_a_service_task_enqueues_in_the_case_transaction(db, clock, engine, registry) -> None:
    make_user(engine, "ann")

    @registry.service("notify/ann")
    def notify_ann(call: ServiceCall, params: dict) -> int:
        return enqueue(
            call.session,
            call.clock,
            event_key=f"case:{call.case_id}:started",
            user_id="ann",
            template="reminder",
            params=PARAMS,
            case_id=call.case_id,
        )

    engine.deploy_files(
        [
            (
                "n.bpmn",
                m.definitions(
                    m.process(
                        "notify", [m.service("tell", "notify/ann", {}, "queued"), m.user("after")]
                    )
                ),
            )
        ]
    )
    case = engine.start_case("notify", {})
    assert case.status == "running" and case.data["queued"] == 2
    assert [(r.key, r.case_id) for r in stored(db)] == [
        (f"case:{case.id}:started:ann:inapp", case.id),
        (f"case:{case.id}:started:ann:email", case.id),
    ]


def test_several_hooks_on_one_task_run_in_order_and_a_failing_one_stops_none(
    db, clock, engine, registry
) -> None:
    make_user(engine, "ann")
    ran: list[str] = []

    def tell(label: str) -> Callable[[ServiceCall, Any], None]:
        def hook(call: ServiceCall, task: Any) -> None:
            ran.append(label)
            enqueue(call.session, call.clock, event_key=f"case:{call.case_id}:{label}",
                    user_id="ann", template="reminder", params=PARAMS, case_id=call.case_id,
                    channels=("inapp",))  # fmt: skip
            if label == "second":
                raise RuntimeError("this hook breaks after writing")

        return hook

    for label in ("first", "second", "third"):
        registry.on_task("hooked", "review")(tell(label))
    engine.deploy_files([("h.bpmn", m.definitions(m.process("hooked", [m.user("review")])))])
    case = engine.start_case("hooked", {})
    assert ran == ["first", "second", "third"]
    # the failing hook's own write is undone; the others' stay, and so does the step
    assert sorted(r.key for r in stored(db)) == [
        f"case:{case.id}:first:ann:inapp",
        f"case:{case.id}:third:ann:inapp",
    ]
    assert [t.element_id for t in engine.case_tasks(case.id)] == ["review"]


# -- in-app ------------------------------------------------------------------------------------


def test_inapp_list_unread_count_and_mark_read(db, clock, engine) -> None:
    make_user(engine, "ann", language="nl")
    make_user(engine, "bob", language="en")
    for n in (1, 2, 3):
        notify(
            db,
            clock,
            f"r{n}",
            "ann",
            params={**PARAMS, "task_name": f"Taak {n}"},
            channels=("inapp",),
        )
        clock.advance(minutes=1)
    notify(db, clock, "r1", "bob", channels=("inapp",))
    # Delivered in the transaction that wrote them: the sender has nothing left to do.
    report = Sender(db, clock, LogTransport()).deliver_due()
    assert (report.sent, report.failed, report.retried) == (0, 0, 0)

    with db.read() as session:
        listed = list_for(session, "ann")
        assert [n.title for n in listed] == [f"Herinnering: Taak {n} (Topic 7)" for n in (3, 2, 1)]
        assert listed[0].body.startswith("Er wacht een taak op je: Taak 3\n")
        assert all(n.unread for n in listed)
        [bobs] = list_for(session, "bob")
        assert bobs.title == "Reminder: Goedkeuren (Topic 7)"
        assert (unread_count(session, "ann"), unread_count(session, "bob")) == (3, 1)
        assert [n.title for n in list_for(session, "ann", limit=1)] == [
            "Herinnering: Taak 3 (Topic 7)"
        ]

    oldest = listed[-1].id
    with db.write() as session:
        assert mark_read(session, clock, "ann", [oldest, bobs.id]) == 1  # bob's row is not ann's
    with db.read() as session:
        assert (unread_count(session, "ann"), unread_count(session, "bob")) == (2, 1)
        assert [n.id for n in list_for(session, "ann", unread_only=True)] == [
            n.id for n in listed[:2]
        ]
        assert list_for(session, "ann")[-1].read_at == clock.now()
    with db.write() as session:
        assert mark_read(session, clock, "ann", None) == 2
        assert mark_read(session, clock, "ann", None) == 0
    with db.read() as session:
        assert (unread_count(session, "ann"), unread_count(session, "bob")) == (0, 1)


# -- e-mail over real SMTP ---------------------------------------------------------------------


def test_real_smtp_delivers_each_mail_once_in_the_users_language(db, clock, engine, inbox) -> None:
    make_user(engine, "ann", language="nl")
    make_user(engine, "bob", language="en")
    make_user(engine, "cas", language="en")
    sender = Sender(db, clock, inbox.transport())
    notify(db, clock, "remind:7", "ann")
    notify(db, clock, "remind:7", "bob")
    first = sender.deliver_due()  # the two in-app rows were delivered when written
    assert (first.sent, first.failed, first.retried, first.digests) == (2, 0, 0, 0)

    clock.advance(minutes=3)
    notify(
        db,
        clock,
        "assigned:9",
        "cas",
        template="task_assigned",
        params={"task_name": "Review", "case_title": "Topic 9", "assigned_by": "Ann"},
    )
    notify(db, clock, "remind:7", "ann")  # the same event again: nothing new
    second = sender.deliver_due()
    assert second.sent == 1  # cas's mail; the in-app row was delivered when written

    assert sorted(msg["To"] for msg in inbox.messages) == [
        "ann@example.org",
        "bob@example.org",
        "cas@example.org",
    ]
    [ann], [bob], [cas] = (
        inbox.to("ann@example.org"),
        inbox.to("bob@example.org"),
        inbox.to("cas@example.org"),
    )
    assert ann["Subject"] == "Herinnering: Goedkeuren (Topic 7)"
    assert "Er wacht een taak op je: Goedkeuren" in ann.get_content()
    assert bob["Subject"] == "Reminder: Goedkeuren (Topic 7)"
    assert "A task is waiting for you: Goedkeuren" in bob.get_content()
    assert cas["Subject"] == "New task: Review"
    assert ann["From"] == "Stuurboord <noreply@stuurboord.test>"
    assert ann["Message-ID"] == message_id("remind:7:ann:email", "noreply@stuurboord.test")
    assert ann["Message-ID"].endswith("@stuurboord.test>")
    assert len({msg["Message-ID"] for msg in inbox.messages}) == 3

    third = sender.deliver_due()
    clock.advance(days=2)
    fourth = sender.deliver_due()
    assert third.sent == fourth.sent == 0
    assert len(inbox.messages) == 3
    mails = [r for r in stored(db) if r.channel == "email"]
    assert [(r.status, r.attempts) for r in mails] == [("sent", 0)] * 3
    assert [r.sent_at for r in mails] == [START, START, START + timedelta(minutes=3)]


# -- failures ----------------------------------------------------------------------------------


def test_failing_template_retries_with_backoff_then_becomes_an_incident(
    db, clock, engine, registry, inbox
) -> None:
    engine.deploy_files([("t.bpmn", m.definitions(m.process("topic", [m.user("review")])))])
    case = engine.start_case("topic", {})
    make_user(engine, "ann")
    make_user(engine, "bob", language="en")
    broken = {"task_name": "Goedkeuren", "case_title": "Topic 7"}  # no due_date
    notify(db, clock, "remind:broken", "ann", params=broken, channels=("email",), case_id=case.id)
    notify(db, clock, "remind:good", "bob", case_id=case.id)
    sender = Sender(db, clock, inbox.transport())
    key = "remind:broken:ann:email"

    report = sender.deliver_due()  # bob's in-app row was delivered when written
    assert (report.sent, report.retried, report.failed) == (1, 1, 0)
    assert [msg["To"] for msg in inbox.messages] == ["bob@example.org"]
    broken_row = row(db, key)
    assert (broken_row.status, broken_row.attempts) == ("pending", 1)
    assert broken_row.last_error == "UndefinedError: 'due_date' is undefined"
    assert broken_row.next_attempt_at == START + timedelta(minutes=1)

    for attempt, wait in enumerate(
        [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)], start=2
    ):
        clock.set(row(db, key).next_attempt_at - timedelta(seconds=1))
        assert sender.deliver_due().retried == 0  # the back-off has not elapsed
        assert row(db, key).attempts == attempt - 1
        clock.advance(seconds=1)
        assert sender.deliver_due().retried == 1
        assert (row(db, key).attempts, row(db, key).next_attempt_at) == (
            attempt,
            clock.now() + wait,
        )

    clock.set(row(db, key).next_attempt_at)
    final = sender.deliver_due()
    assert (final.failed, final.retried, final.sent) == (1, 0, 0)
    failed = row(db, key)
    assert (failed.status, failed.attempts) == ("failed", 5)
    [incident] = incidents(db)
    assert (incident.kind, incident.case_id, incident.notification_id, incident.status) == (
        "notification",
        case.id,
        failed.id,
        "open",
    )
    assert incident.error_type == "UndefinedError" and "'due_date' is undefined" in incident.message
    assert incident.created_at == clock.now()
    [entry] = audit_actions(db, "notification_failed")
    assert (entry.actor, entry.case_id) == ("scheduler", case.id)
    assert (
        key in entry.reason
        and "after 5 attempts" in entry.reason
        and "UndefinedError" in entry.reason
    )
    assert engine.verify_audit().ok
    assert engine.case(case.id).status == "running"  # the case goes on

    clock.advance(days=1)
    assert sender.deliver_due() == type(final)()  # nothing more to do
    assert [msg["To"] for msg in inbox.messages] == ["bob@example.org"]


def test_smtp_refusal_is_retried_then_an_incident_and_nothing_is_delivered_twice(
    db, clock, engine, inbox
) -> None:
    for user_id in ("ann", "bob", "cas"):
        make_user(engine, user_id, language="en")
        notify(db, clock, "remind:1", user_id, channels=("email",))
    inbox.refuse = {"ann@example.org", "cas@example.org"}
    sender = Sender(
        db,
        clock,
        inbox.transport(),
        max_attempts=3,
        backoff=[timedelta(minutes=1), timedelta(minutes=10)],
    )

    first = sender.deliver_due()
    assert (first.sent, first.retried, first.failed) == (1, 2, 0)
    assert row(db, "remind:1:ann:email").last_error.startswith(
        "SMTPDataError: (550, b'5.7.1 Refused by the test server')"
    )

    inbox.refuse = {"ann@example.org"}  # cas's server recovers
    clock.advance(minutes=1)
    second = sender.deliver_due()
    assert (second.sent, second.retried, second.failed) == (1, 1, 0)
    clock.advance(minutes=10)
    third = sender.deliver_due()
    assert (third.sent, third.retried, third.failed) == (0, 0, 1)
    clock.advance(hours=5)
    assert sender.deliver_due().sent == 0

    assert Counter(msg["To"] for msg in inbox.messages) == {
        "bob@example.org": 1,
        "cas@example.org": 1,
    }
    assert Counter(inbox.refused) == {"ann@example.org": 3, "cas@example.org": 1}
    assert [r.status for r in stored(db)] == ["failed", "sent", "sent"]
    [incident] = incidents(db)
    assert (incident.kind, incident.case_id, incident.error_type) == (
        "notification",
        None,
        "SMTPDataError",
    )
    assert incident.notification_id == row(db, "remind:1:ann:email").id
    [entry] = audit_actions(db, "notification_failed")
    assert entry.case_id is None and "after 3 attempts" in entry.reason


def test_user_without_address_any_more_fails_into_an_incident(db, clock, engine) -> None:
    make_user(engine, "ann")
    notify(db, clock, "remind:1", "ann", channels=("email",))
    with db.write() as session:
        session.execute(update(UserAccount).where(UserAccount.id == "ann").values(email=None))
    transport = LogTransport()
    sender = Sender(db, clock, transport, max_attempts=1)
    assert sender.deliver_due().failed == 1
    [incident] = incidents(db)
    assert incident.error_type == "MissingAddress" and transport.messages == []


# -- digests -----------------------------------------------------------------------------------


def test_digest_user_gets_one_mail_at_nine_local_with_both_notifications(
    db, clock, engine, inbox
) -> None:
    make_user(engine, "dora", language="nl", mode="digest")
    make_user(engine, "bob", language="en")
    sender = Sender(db, clock, inbox.transport())
    assert START.astimezone(BRUSSELS).hour == 10  # Monday 10:00 in Brussels
    notify(db, clock, "remind:1", "dora")
    clock.advance(hours=2)
    notify(
        db,
        clock,
        "escalate:2",
        "dora",
        template="escalation",
        params={
            "task_name": "Goedkeuren",
            "case_title": "Topic 8",
            "assignee": "Bob",
            "days_overdue": 3,
        },
    )
    notify(db, clock, "remind:1", "bob", channels=("email",))

    report = sender.deliver_due()  # in-app rows were delivered when written
    assert (report.sent, report.parked, report.digests) == (
        1,
        2,
        0,
    )  # in-app rows and bob's mail sent; dora's mails wait
    assert [msg["To"] for msg in inbox.messages] == ["bob@example.org"]
    tomorrow_nine = datetime(2026, 3, 3, 9, 0, tzinfo=BRUSSELS)
    waiting = [r for r in stored(db) if r.user_id == "dora" and r.channel == "email"]
    assert [(r.status, r.next_attempt_at) for r in waiting] == [("pending", tomorrow_nine)] * 2

    clock.set(tomorrow_nine - timedelta(minutes=1))
    early = sender.deliver_due()
    assert (early.sent, early.digests) == (0, 0)
    assert len(inbox.messages) == 1

    clock.set(tomorrow_nine)
    due = sender.deliver_due()
    assert (due.sent, due.digests) == (2, 1)
    [digest] = inbox.to("dora@example.org")
    assert digest["Subject"] == "Dagoverzicht: 2 meldingen"
    content = digest.get_content()
    assert "Beste Dora," in content
    assert "1. Herinnering: Goedkeuren (Topic 7)" in content
    assert "2. Escalatie: Goedkeuren (Topic 8)" in content
    assert "is 3 dagen over tijd" in content
    assert digest["Message-ID"]
    assert [
        (r.status, r.sent_at) for r in stored(db) if r.user_id == "dora" and r.channel == "email"
    ] == [("sent", tomorrow_nine)] * 2

    clock.advance(minutes=30)
    notify(db, clock, "remind:3", "dora", channels=("email",))  # after today's digest: tomorrow's
    later = sender.deliver_due()
    assert (later.sent, later.parked, later.digests) == (0, 1, 0)
    assert row(db, "remind:3:dora:email").next_attempt_at == datetime(
        2026, 3, 4, 9, 0, tzinfo=BRUSSELS
    )
    assert len(inbox.to("dora@example.org")) == 1


def test_digest_times_follow_brussels_local_time_across_dst() -> None:
    nine = time(9, 0)
    # spring forward on Sunday 29 March 2026: 09:00 is 08:00 UTC before, 07:00 UTC after
    assert next_digest_at(datetime(2026, 3, 28, 9, 0, tzinfo=UTC), nine, BRUSSELS) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )
    assert next_digest_at(datetime(2026, 3, 28, 7, 0, tzinfo=UTC), nine, BRUSSELS) == datetime(
        2026, 3, 28, 8, 0, tzinfo=UTC
    )
    # fall back on Sunday 25 October 2026
    assert next_digest_at(datetime(2026, 10, 24, 7, 0, tzinfo=UTC), nine, BRUSSELS) == datetime(
        2026, 10, 25, 8, 0, tzinfo=UTC
    )
    assert latest_digest_at(datetime(2026, 3, 29, 6, 59, tzinfo=UTC), nine, BRUSSELS) == datetime(
        2026, 3, 28, 8, 0, tzinfo=UTC
    )
    assert latest_digest_at(datetime(2026, 3, 29, 7, 0, tzinfo=UTC), nine, BRUSSELS) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )
    # exactly at the slot: the next one is tomorrow's
    assert next_digest_at(datetime(2026, 3, 29, 7, 0, tzinfo=UTC), nine, BRUSSELS) == datetime(
        2026, 3, 30, 7, 0, tzinfo=UTC
    )


# -- at most once ------------------------------------------------------------------------------


class ProcessDied(BaseException):
    """Stands in for a crash right after the mail left."""


class SendsThenDies:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)
        raise ProcessDied


def test_a_row_stuck_in_sending_is_never_sent_again_and_is_listed(db, clock, engine, inbox) -> None:
    make_user(engine, "ann")
    notify(db, clock, "remind:1", "ann", channels=("email",))
    crashing = SendsThenDies()
    with pytest.raises(ProcessDied):
        Sender(db, clock, crashing).deliver_due()
    assert [mail.to for mail in crashing.sent] == ["ann@example.org"]

    sender = Sender(db, clock, inbox.transport())
    for _ in range(3):
        clock.advance(hours=1)
        assert sender.deliver_due().sent == 0
    assert inbox.messages == []
    stuck_row = row(db, "remind:1:ann:email")
    assert (stuck_row.status, stuck_row.sent_at, stuck_row.attempts) == ("sending", None, 0)
    [stuck] = sender.stuck(timedelta(minutes=30))
    assert (stuck.key, stuck.user_id, stuck.channel, stuck.claimed_at) == (
        "remind:1:ann:email",
        "ann",
        "email",
        START,
    )
    assert sender.stuck(timedelta(hours=4)) == []


def test_connection_lost_after_the_data_went_out_is_never_retried(db, clock, engine, inbox) -> None:
    make_user(engine, "ann")
    make_user(engine, "bob")
    notify(db, clock, "remind:1", "ann", channels=("email",))
    notify(db, clock, "remind:1", "bob", channels=("email",))
    inbox.drop = {"ann@example.org"}
    sender = Sender(db, clock, inbox.transport())
    report = sender.deliver_due()
    assert (report.sent, report.uncertain, report.retried, report.failed) == (1, 1, 0, 0)
    uncertain = row(db, "remind:1:ann:email")
    assert uncertain.status == "sending"
    assert uncertain.last_error.startswith("DeliveryUncertain: SMTPServerDisconnected")
    inbox.drop = set()
    clock.advance(hours=3)
    assert sender.deliver_due() == type(report)()
    assert Counter(msg["To"] for msg in inbox.messages) == {
        "ann@example.org": 1,
        "bob@example.org": 1,
    }
    [stuck] = sender.stuck(timedelta(hours=1))
    assert stuck.key == "remind:1:ann:email" and stuck.last_error == uncertain.last_error
    assert incidents(db) == []


def test_two_senders_at_once_send_each_mail_exactly_once(db, clock, engine, inbox) -> None:
    users = [f"user{n:02d}" for n in range(12)]
    for user_id in users:
        make_user(engine, user_id, language="en" if user_id.endswith(("1", "3")) else "nl")
        notify(db, clock, "remind:1", user_id)
    databases = [Database(db.url), Database(db.url)]
    senders = [Sender(d, clock, inbox.transport(), batch_size=3) for d in databases]
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run(sender: Sender) -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(sender.deliver_due())
        except BaseException as exc:  # pragma: no cover - surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for database in databases:
        database.dispose()
    assert errors == []
    assert sum(r.sent for r in reports) == len(users)  # in-app rows: delivered when written
    assert sum(r.failed + r.retried for r in reports) == 0
    assert Counter(msg["To"] for msg in inbox.messages) == {f"{u}@example.org": 1 for u in users}
    assert len({msg["Message-ID"] for msg in inbox.messages}) == len(users)
    with db.read() as session:
        assert session.execute(
            select(func.count()).select_from(Notification).where(Notification.status == "sent")
        ).scalar_one() == 2 * len(users)


# -- settings and rendering --------------------------------------------------------------------


def test_smtp_settings_from_env() -> None:
    assert SmtpSettings.from_env({}) is None
    assert isinstance(transport_from_env({}), LogTransport)
    settings = SmtpSettings.from_env(
        {
            "STUURBOORD_SMTP_HOST": "mail.example.org",
            "STUURBOORD_SMTP_SECURITY": "tls",
            "STUURBOORD_SMTP_USER": "robot",
            "STUURBOORD_SMTP_PASSWORD": "s3cret",
            "STUURBOORD_MAIL_FROM": "stuurboord@example.org",
        }
    )
    assert settings == SmtpSettings(
        host="mail.example.org",
        port=465,
        security="tls",
        username="robot",
        password="s3cret",
        sender="stuurboord@example.org",
        timeout=30.0,
    )
    assert (
        SmtpSettings.from_env({"STUURBOORD_SMTP_HOST": "h", "STUURBOORD_SMTP_PORT": "2525"}).port
        == 2525
    )
    assert isinstance(transport_from_env({"STUURBOORD_SMTP_HOST": "h"}), SmtpTransport)
    with pytest.raises(ValueError, match="STUURBOORD_SMTP_SECURITY"):
        SmtpSettings.from_env({"STUURBOORD_SMTP_HOST": "h", "STUURBOORD_SMTP_SECURITY": "ssl"})


def test_render_languages_and_strict_params() -> None:
    assert render("reminder", "en", PARAMS)[0] == "Reminder: Goedkeuren (Topic 7)"
    assert (
        render("reminder", "fr", PARAMS)[0] == "Herinnering: Goedkeuren (Topic 7)"
    )  # falls back to nl
    subject, body = render(
        "digest", "en", {"name": "Ann", "count": 1, "items": [{"subject": "S", "body": "B\n"}]}
    )
    assert subject == "Daily summary: 1 notification"
    assert (
        body
        == "Dear Ann,\n\nSince the previous summary there is 1 notification for you.\n\n1. S\nB\n"
    )
    with pytest.raises(Exception, match="'due_date' is undefined"):
        render("reminder", "nl", {"task_name": "x", "case_title": "y"})
    with pytest.raises(ValueError, match="invalid template name"):
        render("../reminder", "nl", PARAMS)
