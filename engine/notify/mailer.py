"""Delivering the notification outbox: e-mail over SMTP (or to the log), in-app, daily digests.

`Sender.deliver_due()` runs after commit, from the scheduler, never inside a business
transaction. Each run:

1. claims due rows ('pending', ``next_attempt_at <= now``) by moving them to 'sending' in a
   short transaction of its own (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: the write
   transaction begins IMMEDIATE). The UPDATE re-checks ``status = 'pending'``, so two senders
   never claim one row. While a row is 'sending', ``next_attempt_at`` holds its claim time;
2. in-app rows are normally delivered by `enqueue` itself, in the transaction that creates
   them; the few left 'pending' (their template did not render then) are rendered and marked
   'sent' in the same transaction that claims them, so nothing can strand them in between,
   and an in-app row found in 'sending' (left by a crash) simply goes back to 'pending';
3. e-mail rows of 'immediate' users are rendered, sent, and then marked 'sent' in a new
   transaction;
4. e-mail rows of 'digest' users wait until the next `digest_time` (local time in `timezone`);
   at that time one digest mail per user bundles every row created before it;
5. a render or send error puts the row back to 'pending' after a back-off; after
   `max_attempts` it becomes 'failed' with an open notification incident and an audit row.

**At most once.** A row is marked 'sent' only after the transport accepted the mail. If the
process dies (or the database fails) between those two steps, the row stays in 'sending' and
is *never* sent again automatically: a missing mail is better than a double one. The same
holds when the SMTP connection breaks after the message data went out but before the server
answered (`DeliveryUncertain`). Only a definite refusal or an error before sending is retried.
Admins find such rows in *Beheer* and with `stuurboord notifications stuck`, and are told of
each one in-app (`engine.notify.stuck_mail`). Each mail's Message-ID derives from the
notification key, so an MTA that dedupes on Message-ID drops a resend an admin makes by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from engine.audit.trail import SCHEDULER, AuditRecorder
from engine.notify import stuck_mail, webhooks
from engine.notify.mail_transport import (
    DeliveryUncertain,
    LogTransport,
    Mail,
    SmtpSettings,
    SmtpTransport,
    Transport,
    build_message,
    message_id,
    transport_from_env,
)
from engine.notify.notifications import EMAIL, INAPP, render
from engine.storage.db import Database
from engine.storage.models import Case, Incident, Notification, UserAccount
from engine.timing.clock import Clock

__all__ = [
    "DEFAULT_BACKOFF",
    "DeliveryReport",
    "DeliveryUncertain",
    "LogTransport",
    "Mail",
    "Sender",
    "SmtpSettings",
    "SmtpTransport",
    "StuckNotification",
    "Transport",
    "build_message",
    "latest_digest_at",
    "message_id",
    "next_digest_at",
    "render",
    "transport_from_env",
]

log = logging.getLogger(__name__)

Renderer = Callable[[str, str, Mapping[str, Any]], tuple[str, str]]

DEFAULT_BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
_ERROR_TYPE_LENGTH = 100  # incident.error_type is VARCHAR(100)


# -- digest times ------------------------------------------------------------------------------


def _slot(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day.date(), at, tzinfo=zone).astimezone(UTC)


def next_digest_at(after: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first `at` (local time in `zone`) strictly after `after`, in UTC."""
    local = after.astimezone(zone)
    for offset in range(3):
        candidate = _slot(local + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a digest slot falls within three days")


def latest_digest_at(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The last `at` (local time in `zone`) at or before `now`, in UTC."""
    local = now.astimezone(zone)
    for offset in range(3):
        candidate = _slot(local - timedelta(days=offset), at, zone)
        if candidate <= now:
            return candidate
    raise AssertionError("unreachable: a digest slot falls within three days")


# -- the sender --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryReport:
    """What one `deliver_due()` run did, counted in notification rows (digests in mails).

    `parked`: digest rows set to wait for the next digest time; `uncertain`: rows whose mail
    may or may not have gone out (left in 'sending', see `Sender.stuck`).
    """

    sent: int = 0
    failed: int = 0
    retried: int = 0
    digests: int = 0
    parked: int = 0
    uncertain: int = 0


@dataclass
class _Tally:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    digests: int = 0
    parked: int = 0
    uncertain: int = 0

    def report(self) -> DeliveryReport:
        return DeliveryReport(
            self.sent, self.failed, self.retried, self.digests, self.parked, self.uncertain
        )


@dataclass(frozen=True)
class StuckNotification:
    """A row left in 'sending': it may or may not have gone out, and is not retried."""

    id: int
    key: str
    user_id: str
    channel: str
    case_id: int | None
    template: str
    attempts: int
    claimed_at: datetime
    last_error: str | None


@dataclass(frozen=True)
class _Claimed:
    """A claimed row with what delivery needs of its user, detached from any session."""

    id: int
    key: str
    user_id: str
    channel: str
    case_id: int | None
    template: str
    params: dict[str, Any]
    email: str | None
    language: str
    display_name: str


class MissingAddress(RuntimeError):
    """The recipient has no e-mail address (any more)."""


class Sender:
    """Delivers due outbox rows; see the module docstring for the guarantees.

    `renderer` replaces `engine.notify.notifications.render` (for tests). `batch_size` bounds each
    claim transaction; a run keeps claiming until nothing is due. Digests go out at
    `digest_time`, local time in `timezone`.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        transport: Transport,
        *,
        max_attempts: int = 5,
        backoff: Sequence[timedelta] = DEFAULT_BACKOFF,
        digest_time: time = time(9, 0),
        timezone: str = "Europe/Brussels",
        renderer: Renderer = render,
        batch_size: int = 100,
    ) -> None:
        if max_attempts < 1 or batch_size < 1:
            raise ValueError("max_attempts and batch_size must be at least 1")
        if not backoff or any(step <= timedelta(0) for step in backoff):
            raise ValueError("backoff needs at least one positive step")
        self.db = db
        self.clock = clock
        self.transport = transport
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff)
        self.digest_time = digest_time
        self.zone = ZoneInfo(timezone)
        self.renderer = renderer
        self.batch_size = batch_size

    # -- public ----------------------------------------------------------------------------

    def deliver_due(self) -> DeliveryReport:
        """Deliver every due row once; failures are retried later or become incidents."""
        tally = _Tally()
        self._deliver_inapp(tally)
        while True:
            batch = self._claim_individual()
            for row in batch:
                self._deliver_individual(row, tally)
            if len(batch) < self.batch_size:
                break
        self._deliver_digests(tally)
        self._tell_admins_of_stuck()
        return tally.report()

    def stuck(self, older_than: timedelta) -> list[StuckNotification]:
        """Mail rows in 'sending' claimed at least `older_than` ago: maybe sent, never retried."""
        cutoff = self.clock.now() - older_than
        query = (
            select(Notification)
            .where(
                Notification.channel == EMAIL,
                Notification.status == "sending",
                Notification.next_attempt_at <= cutoff,
            )
            .order_by(Notification.id)
        )
        with self.db.read() as session:
            return [_stuck_info(row) for row in session.execute(query).scalars()]

    def next_digest_at(self, after: datetime) -> datetime:
        """When the next digest goes out after `after` (UTC)."""
        return next_digest_at(after, self.digest_time, self.zone)

    # -- in-app ----------------------------------------------------------------------------

    def _deliver_inapp(self, tally: _Tally) -> None:
        """Render due in-app rows and mark them 'sent' in the transaction that claims them.

        Rows that do not render are claimed ('sending') in that same transaction and handed to
        the failure path after it commits. In-app delivery has no outside side effect, so a row
        a crash left in 'sending' is simply made 'pending' again first.
        """
        failed: list[tuple[_Claimed, Exception]] = []
        with self.db.write() as session:
            now = self.clock.now()
            session.execute(
                update(Notification)
                .where(Notification.channel == INAPP, Notification.status == "sending")
                .values(status="pending", next_attempt_at=now)
                .execution_options(synchronize_session=False)
            )
            query = (
                select(Notification.id)
                .where(
                    Notification.channel == INAPP,
                    Notification.status == "pending",
                    Notification.next_attempt_at <= now,
                )
                .order_by(Notification.id)
                .limit(self.batch_size)
            )
            rows = _load(session, _claim(session, self._locking(query), now))
            delivered = []
            for row in rows:
                try:
                    self.renderer(row.template, row.language, row.params)
                except Exception as exc:
                    failed.append((row, exc))
                else:
                    delivered.append(row.id)
            tally.sent += _set_sent(session, delivered, now)
        for row, exc in failed:
            self._fail([row], exc, tally)

    def _tell_admins_of_stuck(self) -> None:
        try:
            with self.db.write() as session:
                stuck_mail.tell_admins(session, self.clock)
        except Exception:
            log.exception("could not tell the admins about stuck mail")

    # -- claiming --------------------------------------------------------------------------

    def _claim_individual(self) -> list[_Claimed]:
        with self.db.write() as session:
            now = self.clock.now()
            query = (
                select(Notification.id)
                .where(
                    Notification.status == "pending",
                    Notification.next_attempt_at <= now,
                    Notification.channel == EMAIL,
                    ~Notification.user_id.in_(_digest_users()),
                )
                .order_by(Notification.next_attempt_at, Notification.id)
                .limit(self.batch_size)
            )
            return _load(session, _claim(session, self._locking(query), now))

    def _claim_digest_rows(self, tally: _Tally) -> list[_Claimed]:
        """Park digest rows created since the last digest time; claim all older due ones."""
        with self.db.write() as session:
            now = self.clock.now()
            latest = latest_digest_at(now, self.digest_time, self.zone)
            query = (
                select(Notification.id, Notification.created_at)
                .where(
                    Notification.status == "pending",
                    Notification.next_attempt_at <= now,
                    Notification.channel == EMAIL,
                    Notification.user_id.in_(_digest_users()),
                )
                .order_by(Notification.id)
            )
            due = session.execute(self._locking(query)).all()
            waiting = [row.id for row in due if row.created_at >= latest]
            tally.parked += _park(session, waiting, self.next_digest_at(now))
            ready = [row.id for row in due if row.created_at < latest]
            return _load(session, _claim_ids(session, ready, now))

    def _locking(self, query: Select[Any]) -> Select[Any]:
        if self.db.is_postgresql:
            return query.with_for_update(skip_locked=True, of=Notification)
        return query  # SQLite: the write transaction already holds the write lock

    # -- delivering ------------------------------------------------------------------------

    def _deliver_individual(self, row: _Claimed, tally: _Tally) -> None:
        try:
            subject, body = self.renderer(row.template, row.language, row.params)
            if row.channel != INAPP:
                self.transport.send(self._mail(row, row.key, subject, body))
        except DeliveryUncertain as exc:
            self._leave_uncertain([row], exc, tally)
            return
        except Exception as exc:
            self._fail([row], exc, tally)
            return
        self._mark_sent([row.id], tally)

    def _deliver_digests(self, tally: _Tally) -> None:
        by_user: dict[str, list[_Claimed]] = {}
        for row in self._claim_digest_rows(tally):
            by_user.setdefault(row.user_id, []).append(row)
        for rows in by_user.values():
            self._deliver_digest(rows, tally)

    def _deliver_digest(self, rows: list[_Claimed], tally: _Tally) -> None:
        items, bundled = [], []
        for row in rows:
            try:
                subject, body = self.renderer(row.template, row.language, row.params)
            except Exception as exc:
                self._fail([row], exc, tally)
                continue
            items.append({"subject": subject, "body": body})
            bundled.append(row)
        if not bundled:
            return
        first = bundled[0]
        key = "digest:" + first.user_id + ":" + ",".join(str(row.id) for row in bundled)
        params = {"name": first.display_name, "count": len(items), "items": items}
        try:
            subject, body = self.renderer("digest", first.language, params)
            self.transport.send(self._mail(first, key, subject, body))
        except DeliveryUncertain as exc:
            self._leave_uncertain(bundled, exc, tally)
            return
        except Exception as exc:
            self._fail(bundled, exc, tally)
            return
        tally.digests += 1
        self._mark_sent([row.id for row in bundled], tally)

    def _mail(self, row: _Claimed, key: str, subject: str, body: str) -> Mail:
        if not row.email:
            raise MissingAddress(f"user {row.user_id} has no e-mail address")
        return Mail(key=key, to=row.email, subject=subject, body=body, date=self.clock.now())

    def _mark_sent(self, ids: list[int], tally: _Tally) -> None:
        """Mark delivered rows 'sent'. If that fails they stay 'sending' (see `stuck`)."""
        try:
            with self.db.write() as session:
                tally.sent += _set_sent(session, ids, self.clock.now())
        except Exception:
            log.exception(
                "notifications %s were delivered but not marked sent; they stay in 'sending' "
                "and will not be sent again",
                ids,
            )

    def _leave_uncertain(self, rows: list[_Claimed], exc: DeliveryUncertain, tally: _Tally) -> None:
        """Keep rows in 'sending' (never retried) and note why, for `stuck`."""
        ids = [row.id for row in rows]
        log.error("notifications %s may or may not have been delivered: %s", ids, exc)
        tally.uncertain += len(rows)
        try:
            with self.db.write() as session:
                session.execute(
                    update(Notification)
                    .where(Notification.id.in_(ids), Notification.status == "sending")
                    .values(last_error=f"DeliveryUncertain: {exc}")
                    .execution_options(synchronize_session=False)
                )
        except Exception:
            log.exception("could not note the uncertain delivery of notifications %s", ids)

    # -- failures --------------------------------------------------------------------------

    def _fail(self, rows: Iterable[_Claimed], exc: Exception, tally: _Tally) -> None:
        error = f"{type(exc).__name__}: {exc}"
        for row in rows:
            log.warning("notification %s (%s) failed: %s", row.id, row.key, error)
            try:
                with self.db.write() as session:
                    outcome = self._record_failure(session, row.id, type(exc).__name__, error)
            except Exception:
                log.exception("could not record the failure of notification %s", row.id)
                continue
            if outcome == "failed":
                tally.failed += 1
            elif outcome == "retried":
                tally.retried += 1

    def _record_failure(
        self, session: Session, row_id: int, error_type: str, error: str
    ) -> str | None:
        """attempts += 1; back to 'pending' after a back-off, or 'failed' with an incident."""
        row = session.execute(
            select(Notification)
            .where(Notification.id == row_id, Notification.status == "sending")
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            return None
        now = self.clock.now()
        row.attempts += 1
        row.last_error = error
        if row.attempts < self.max_attempts:
            row.status = "pending"
            row.next_attempt_at = now + self.backoff[min(row.attempts, len(self.backoff)) - 1]
            return "retried"
        row.status = "failed"
        self._raise_incident(session, row, error_type, error, now)
        return "failed"

    def _raise_incident(
        self, session: Session, row: Notification, error_type: str, error: str, now: datetime
    ) -> None:
        case_id = row.case_id if row.case_id and session.get(Case, row.case_id) else None
        session.add(
            Incident(
                kind="notification",
                case_id=case_id,
                notification_id=row.id,
                error_type=error_type[:_ERROR_TYPE_LENGTH],
                message=error,
                status="open",
                created_at=now,
            )
        )
        audit = AuditRecorder(session, self.clock)
        audit.record(
            SCHEDULER,
            "notification_failed",
            case_id=row.case_id,
            changes={"notification_status": {"before": "sending", "after": "failed"}},
            reason=f"notification {row.id} ({row.key}) failed after {row.attempts} "
            f"attempts: {error}",
        )
        audit.flush()
        webhooks.emit(
            session, self.clock, webhooks.INCIDENT_OPENED,
            subject=f"cases/{case_id}" if case_id else "notifications", case_id=case_id,
            data={"case_id": case_id, "kind": "notification", "element_id": None,
                  "error_type": error_type[:_ERROR_TYPE_LENGTH]},
        )  # fmt: skip


# -- queries -----------------------------------------------------------------------------------


def _digest_users() -> Select[Any]:
    return select(UserAccount.id).where(UserAccount.notify_mode == "digest")


def _claim(session: Session, query: Select[Any], now: datetime) -> list[int]:
    return _claim_ids(session, list(session.execute(query).scalars()), now)


def _claim_ids(session: Session, ids: list[int], now: datetime) -> list[int]:
    """'pending' → 'sending' for `ids`, re-checking the status; the ids actually claimed."""
    if not ids:
        return []
    statement = (
        update(Notification)
        .where(Notification.id.in_(ids), Notification.status == "pending")
        .values(status="sending", next_attempt_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.execute(statement).scalars())


def _park(session: Session, ids: list[int], until: datetime) -> int:
    if not ids:
        return 0
    statement = (
        update(Notification)
        .where(Notification.id.in_(ids), Notification.status == "pending")
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return max(session.execute(statement).rowcount, 0)  # type: ignore[attr-defined]


def _set_sent(session: Session, ids: list[int], now: datetime) -> int:
    statement = (
        update(Notification)
        .where(Notification.id.in_(ids), Notification.status == "sending")
        .values(status="sent", sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return max(session.execute(statement).rowcount, 0)  # type: ignore[attr-defined]


def _load(session: Session, ids: list[int]) -> list[_Claimed]:
    if not ids:
        return []
    query = (
        select(Notification, UserAccount)
        .join(UserAccount, UserAccount.id == Notification.user_id)
        .where(Notification.id.in_(ids))
        .order_by(Notification.id)
    )
    return [
        _Claimed(
            id=n.id,
            key=n.key,
            user_id=n.user_id,
            channel=n.channel,
            case_id=n.case_id,
            template=n.template,
            params=dict(n.params),
            email=u.email,
            language=u.language,
            display_name=u.display_name,
        )
        for n, u in session.execute(query)
    ]


def _stuck_info(row: Notification) -> StuckNotification:
    return StuckNotification(
        id=row.id,
        key=row.key,
        user_id=row.user_id,
        channel=row.channel,
        case_id=row.case_id,
        template=row.template,
        attempts=row.attempts,
        claimed_at=row.next_attempt_at,
        last_error=row.last_error,
    )
