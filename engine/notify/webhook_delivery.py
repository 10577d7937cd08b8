"""Delivering the webhook outbox: signed POSTs, retried with back-off, at least once.

`WebhookSender.deliver_due()` runs in the scheduler (leader only), never inside a business
transaction. Each run:

1. claims due deliveries of active endpoints ('pending' with ``next_attempt_at <= now``, or
   'sending' claimed more than `STALE_CLAIM` ago: a sender that died mid-POST) by moving them
   to 'sending' in a short transaction; the UPDATE re-checks the status, so two senders never
   claim one row;
2. checks the endpoint's address again (`engine.notify.webhook_addresses`: no private addresses
   unless allowed, which stops DNS rebinding) and POSTs the CloudEvent to the checked address,
   with the headers ``webhook-id`` (the event id, the same on every attempt: receivers
   de-duplicate on it), ``webhook-timestamp`` and ``webhook-signature``;
3. a 2xx answer marks the row 'delivered'; anything else (another status, a timeout, a refused
   address) puts it back to 'pending' after the next back-off step (`BACKOFF`, the last step
   repeating). An endpoint whose deliveries failed without a single success for `SWITCH_OFF_AFTER`
   is switched off and every active admin told (in-app and e-mail); its rows wait until an admin
   switches it on again.

**At least once.** A row is marked delivered only after the receiver answered 2xx; a crash
after the POST and before that mark sends the event again later, with the same ``webhook-id``.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.audit.trail import SCHEDULER, AuditRecorder
from engine.notify import notifications
from engine.notify.recipients import holders
from engine.notify.webhook_addresses import AddressRefused, Target, check
from engine.notify.webhooks import CONTENT_TYPE, body_of, signature
from engine.settings import webhook_allow_private
from engine.storage.db import Database
from engine.storage.webhook_tables import WebhookDelivery, WebhookEndpoint
from engine.timing.clock import Clock

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
SWITCH_OFF_AFTER = timedelta(days=1)
STALE_CLAIM = timedelta(minutes=10)
TIMEOUT_SECONDS = 10.0
RUN_BUDGET_SECONDS = 30.0
MAX_ERROR = 500
TEMPLATE = "webhook_switched_off"
USER_AGENT = "Stuurboord-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What the receiver said: an HTTP status, or None with an error when there was no answer."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Poster = Callable[[Target, bytes, dict[str, str], float], Answer]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to the checked address of `target` (no new lookup, no redirects)."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPS(target, timeout)
    else:
        connection = _PinnedHTTP(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        response.read(64 * 1024)
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:MAX_ERROR])
    finally:
        connection.close()
    return Answer(status, None if 200 <= status < 300 else f"HTTP {status}")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout,
                         context=ssl.create_default_context())  # fmt: skip
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass
class WebhookReport:
    delivered: int = 0
    retried: int = 0
    switched_off: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    event_id: str
    payload: dict[str, object]
    endpoint_id: int
    url: str
    secret: str


class WebhookSender:
    """Delivers due webhook rows. `poster` and `allow_private` are injectable for tests."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        poster: Poster = post,
        allow_private: bool | None = None,
        timeout: float = TIMEOUT_SECONDS,
        batch: int = 100,
    ) -> None:
        self.db = db
        self.clock = clock
        self.poster = poster
        self.allow_private = allow_private
        self.timeout = timeout
        self.batch = batch

    def deliver_due(self) -> WebhookReport:
        """Deliver what is due now. An endpoint gets one failed attempt per run at most: its
        other due rows wait for the same back-off instead of each waiting for a timeout. A run
        stops claiming after `RUN_BUDGET` (the rest is still due: the next run follows at
        once, after the scheduler's own jobs)."""
        report = WebhookReport()
        started = time.monotonic()
        down: dict[int, datetime] = {}  # endpoint → its next attempt, after a failure now
        while True:
            with self.db.write() as session:
                claimed = self._claim(session, self.clock.now())
            for row in claimed:
                if row.endpoint_id in down:
                    self._postpone(row, down[row.endpoint_id])
                    continue
                retry_at = self._deliver(row, report)
                if retry_at is not None:
                    down[row.endpoint_id] = retry_at
            if len(claimed) < self.batch or time.monotonic() - started > RUN_BUDGET_SECONDS:
                return report

    def _postpone(self, row: _Claimed, until: datetime) -> None:
        """Give a claimed row back, untried, due when its endpoint is tried again."""
        with self.db.write() as session:
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == row.id, WebhookDelivery.status == "sending")
                .values(status="pending", next_attempt_at=until)
            )  # fmt: skip

    def next_due(self, session: Session) -> datetime | None:
        """The earliest time a pending delivery of an active endpoint is due."""
        return session.execute(
            select(WebhookDelivery.next_attempt_at)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.status == "pending", WebhookEndpoint.active.is_(True))
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(1)
        ).scalar_one_or_none()

    def _claim(self, session: Session, now: datetime) -> list[_Claimed]:
        due = or_(
            (WebhookDelivery.status == "pending") & (WebhookDelivery.next_attempt_at <= now),
            (WebhookDelivery.status == "sending")
            & (WebhookDelivery.next_attempt_at <= now - STALE_CLAIM),
        )
        query = (
            select(WebhookDelivery.id, WebhookDelivery.event_id, WebhookDelivery.payload,
                   WebhookDelivery.status, WebhookDelivery.next_attempt_at,
                   WebhookEndpoint.id.label("endpoint_id"), WebhookEndpoint.url,
                   WebhookEndpoint.secret)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(due, WebhookEndpoint.active.is_(True))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(self.batch)
        )  # fmt: skip
        if self.db.is_postgresql:
            query = query.with_for_update(of=WebhookDelivery, skip_locked=True)
        claimed = []
        for row in session.execute(query).all():
            taken = session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == row.id, WebhookDelivery.status == row.status,
                       WebhookDelivery.next_attempt_at == row.next_attempt_at)
                .values(status="sending", next_attempt_at=now)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(_Claimed(row.id, row.event_id, row.payload, row.endpoint_id,
                                        row.url, row.secret))  # fmt: skip
        return claimed

    def _deliver(self, row: _Claimed, report: WebhookReport) -> datetime | None:
        """Send one row and record the outcome; the next attempt's time if it failed."""
        now = self.clock.now()
        allow = webhook_allow_private() if self.allow_private is None else self.allow_private
        try:
            target = check(row.url, allow_private=allow)
        except AddressRefused as refused:
            answer = Answer(None, f"refused: {refused}"[:MAX_ERROR])
        else:
            body = body_of(row.payload)
            timestamp = int(now.timestamp())
            headers = {
                "content-type": f"{CONTENT_TYPE}; charset=utf-8",
                "user-agent": USER_AGENT,
                "webhook-id": row.event_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signature(row.secret, row.event_id, timestamp, body),
            }
            try:
                answer = self.poster(target, body, headers, self.timeout)
            except Exception as error:  # a broken poster must not stop the others
                answer = Answer(None, f"{type(error).__name__}: {error}"[:MAX_ERROR])
        try:
            with self.db.write() as session:
                return self._record(session, row, answer, report)
        except Exception:
            log.exception("could not record the delivery of webhook %s", row.id)
            return None

    def _record(
        self, session: Session, row: _Claimed, answer: Answer, report: WebhookReport
    ) -> datetime | None:
        now = self.clock.now()
        delivery = session.get(WebhookDelivery, row.id, with_for_update=True)
        endpoint = session.get(WebhookEndpoint, row.endpoint_id, with_for_update=True)
        if delivery is None or endpoint is None or delivery.status != "sending":
            return None  # deleted (or resent) meanwhile
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status = answer.status
        if answer.ok:
            delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
            endpoint.failing_since = None
            report.delivered += 1
            return None
        delivery.last_error = answer.error
        delivery.status = "pending"
        delivery.next_attempt_at = now + BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
        report.retried += 1
        log.info("webhook %s to endpoint %s failed: %s", row.id, row.endpoint_id, answer.error)
        if endpoint.failing_since is None:
            endpoint.failing_since = now
        elif endpoint.active and now - endpoint.failing_since >= SWITCH_OFF_AFTER:
            switch_off(session, self.clock, endpoint, now)
            report.switched_off += 1
        return delivery.next_attempt_at


def switch_off(session: Session, clock: Clock, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Switch a failing endpoint off, audited, and tell every active admin."""
    endpoint.active = False
    endpoint.switched_off_at, endpoint.switched_off_by = now, SCHEDULER
    audit = AuditRecorder(session, clock)
    audit.record(
        SCHEDULER,
        "webhook_switched_off",
        changes={"webhook_active": {"before": True, "after": False}},
        reason=f"webhook {endpoint.id} ({endpoint.url}) failed since "
        f"{endpoint.failing_since.isoformat() if endpoint.failing_since else '?'}",
    )
    audit.flush()
    since = endpoint.failing_since or now
    params = {"url": endpoint.url, "since": notifications.day_names(since.date())}
    for user_id in holders(session, "admin", None):
        notifications.enqueue(
            session, clock, event_key=f"webhook_off:{endpoint.id}:{now.isoformat()}",
            user_id=user_id, template=TEMPLATE, params=params,
        )  # fmt: skip
