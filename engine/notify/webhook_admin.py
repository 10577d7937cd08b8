"""Managing webhook endpoints: register, list, switch on and off, delete, the delivery log and
resending one delivery. Every change is audited (never with the secret).

A new endpoint's URL is checked as delivery checks it (`engine.notify.webhook_addresses`); its
event types must be known (the engine's own and those the application registered). The secret
is generated when none is given and shown once: `add` returns it, nothing lists it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.errors import CaseStateError, Forbidden, NotFound, ValidationFailed
from engine.notify.webhook_addresses import AddressRefused, check
from engine.notify.webhooks import forget_endpoints, new_secret, secret_bytes
from engine.people.actors import Actor
from engine.settings import webhook_allow_private
from engine.storage.db import Database
from engine.storage.webhook_tables import WebhookDelivery, WebhookEndpoint
from engine.storage.work import announce_work
from engine.timing.clock import Clock

LOG_LIMIT = 200


@dataclass(frozen=True)
class EndpointInfo:
    id: int
    url: str
    event_types: tuple[str, ...]
    active: bool
    failing_since: datetime | None
    switched_off_at: datetime | None
    switched_off_by: str | None
    created_at: datetime
    created_by: str
    last_delivered_at: datetime | None
    waiting: int
    """Deliveries not yet delivered."""


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: EndpointInfo
    secret: str
    generated: bool
    """True when the engine made the secret (show it once)."""


@dataclass(frozen=True)
class DeliveryInfo:
    id: int
    event_id: str
    event_type: str
    case_id: int | None
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("only an admin may manage webhooks")


class WebhookAdmin:
    """Endpoint management on one database; `event_types` maps every known type to its
    names per language."""

    def __init__(
        self, db: Database, clock: Clock, event_types: Mapping[str, Mapping[str, str]],
        *, allow_private: bool | None = None,
    ) -> None:  # fmt: skip
        self.db = db
        self.clock = clock
        self.event_types = dict(event_types)
        self.allow_private = allow_private

    # -- endpoints ------------------------------------------------------------------------------

    def add(
        self, url: str, event_types: Sequence[str], actor: Actor, secret: str | None = None
    ) -> NewEndpoint:
        """Register an endpoint; ValidationFailed (by field: url, events, secret) when the URL
        is refused, an event type is unknown or none is given, or the secret is malformed."""
        _require_admin(actor)
        errors: dict[str, list[str]] = {}
        problems: list[str] = []
        allow = webhook_allow_private() if self.allow_private is None else self.allow_private
        try:
            target = check(url, allow_private=allow)
        except AddressRefused as refused:
            errors["url"] = [refused.reason]
            problems.append(str(refused))
        wanted = list(dict.fromkeys(t.strip() for t in event_types if t and t.strip()))
        unknown = [t for t in wanted if t not in self.event_types]
        if unknown or not wanted:
            errors["events"] = ["unknown" if unknown else "missing"]
            problems.append(
                (f"unknown event type(s) {', '.join(unknown)}" if unknown
                 else "choose at least one event type")
                + f"; known: {', '.join(self.event_types)}"
            )  # fmt: skip
        generated = not secret
        if secret:
            try:
                secret_bytes(secret)
            except ValueError as error:
                errors["secret"] = ["invalid"]
                problems.append(str(error))
        if errors:
            raise ValidationFailed("; ".join(problems), errors)
        secret = secret or new_secret()
        now = self.clock.now()
        with self.db.write() as session:
            row = WebhookEndpoint(
                url=target.url, secret=secret, event_types=wanted, active=True,
                created_at=now, created_by=actor.user_id,
            )  # fmt: skip
            session.add(row)
            session.flush()
            _audit(session, self.clock, actor, "webhook_added", row.id,
                   f"{row.url} for {', '.join(wanted)}")  # fmt: skip
            info = _info(row, None, 0)
        return NewEndpoint(info, secret, generated)

    def endpoints(self) -> list[EndpointInfo]:
        with self.db.read() as session:
            rows = session.execute(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).scalars()
            last = dict(
                session.execute(
                    select(WebhookDelivery.endpoint_id, func.max(WebhookDelivery.delivered_at))
                    .group_by(WebhookDelivery.endpoint_id)
                ).all()  # type: ignore[arg-type]
            )
            waiting = dict(
                session.execute(
                    select(WebhookDelivery.endpoint_id, func.count(WebhookDelivery.id))
                    .where(WebhookDelivery.status != "delivered")
                    .group_by(WebhookDelivery.endpoint_id)
                ).all()  # type: ignore[arg-type]
            )
            return [_info(row, last.get(row.id), waiting.get(row.id, 0)) for row in rows]

    def endpoint(self, endpoint_id: int) -> EndpointInfo:
        for info in self.endpoints():
            if info.id == endpoint_id:
                return info
        raise NotFound(f"webhook {endpoint_id} not found")

    def set_active(self, endpoint_id: int, active: bool, actor: Actor) -> None:
        """Switch an endpoint on (its waiting deliveries go out on the next run) or off."""
        _require_admin(actor)
        now = self.clock.now()
        with self.db.write() as session:
            row = _endpoint(session, endpoint_id)
            if row.active == active:
                return
            row.active = active
            if active:
                row.failing_since = row.switched_off_at = row.switched_off_by = None
                session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.endpoint_id == endpoint_id,
                           WebhookDelivery.status == "pending")
                    .values(next_attempt_at=now)
                )  # fmt: skip
                announce_work(session, now)
            else:
                row.switched_off_at, row.switched_off_by = now, actor.user_id
            forget_endpoints(session)
            _audit(session, self.clock, actor, "webhook_switched_on" if active
                   else "webhook_switched_off", endpoint_id, row.url)  # fmt: skip

    def delete(self, endpoint_id: int, actor: Actor) -> None:
        """Remove an endpoint and its delivery log."""
        _require_admin(actor)
        with self.db.write() as session:
            row = _endpoint(session, endpoint_id)
            url = row.url
            session.execute(
                delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
            )
            session.delete(row)
            forget_endpoints(session)
            _audit(session, self.clock, actor, "webhook_deleted", endpoint_id, url)

    # -- the delivery log ---------------------------------------------------------------------

    def deliveries(self, endpoint_id: int, limit: int = LOG_LIMIT) -> list[DeliveryInfo]:
        """The endpoint's deliveries, newest first."""
        with self.db.read() as session:
            _endpoint(session, endpoint_id)
            rows = session.execute(
                select(WebhookDelivery)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.id.desc())
                .limit(limit)
            ).scalars()
            return [_delivery(row) for row in rows]

    def resend(self, endpoint_id: int, delivery_id: int, actor: Actor) -> None:
        """Send one delivery again on the next run (same event id); CaseStateError while it is
        being sent."""
        _require_admin(actor)
        now = self.clock.now()
        with self.db.write() as session:
            row = session.get(WebhookDelivery, delivery_id, with_for_update=True)
            if row is None or row.endpoint_id != endpoint_id:
                raise NotFound(f"webhook delivery {delivery_id} not found")
            if row.status == "sending":
                raise CaseStateError(f"webhook delivery {delivery_id} is being sent right now")
            row.status, row.next_attempt_at = "pending", now
            _audit(session, self.clock, actor, "webhook_resent", endpoint_id,
                   f"event {row.event_id} ({row.event_type})")  # fmt: skip
            announce_work(session, now)


def _endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None:
        raise NotFound(f"webhook {endpoint_id} not found")
    return row


def _audit(
    session: Session, clock: Clock, actor: Actor, action: str, endpoint_id: int, reason: str
) -> None:
    audit = AuditRecorder(session, clock)
    audit.record(actor.user_id, action, element_id=f"webhook:{endpoint_id}", reason=reason,
                 on_behalf_of=actor.on_behalf_of)  # fmt: skip
    audit.flush()


def _info(row: WebhookEndpoint, last: datetime | None, waiting: int) -> EndpointInfo:
    return EndpointInfo(
        id=row.id, url=row.url, event_types=tuple(row.event_types or ()), active=row.active,
        failing_since=row.failing_since, switched_off_at=row.switched_off_at,
        switched_off_by=row.switched_off_by, created_at=row.created_at,
        created_by=row.created_by, last_delivered_at=last, waiting=waiting,
    )  # fmt: skip


def _delivery(row: WebhookDelivery) -> DeliveryInfo:
    return DeliveryInfo(
        id=row.id, event_id=row.event_id, event_type=row.event_type, case_id=row.case_id,
        status=row.status, attempts=row.attempts, created_at=row.created_at,
        last_attempt_at=row.last_attempt_at, next_attempt_at=row.next_attempt_at,
        last_status=row.last_status, last_error=row.last_error, delivered_at=row.delivered_at,
    )  # fmt: skip
