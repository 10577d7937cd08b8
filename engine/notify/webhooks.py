"""Webhook events: CloudEvents 1.0 written to the outbox in the transaction of their cause.

`emit` adds one `webhook_delivery` row per active endpoint that wants the event's type, inside
the caller's transaction: an event exists if and only if its cause was committed, and a crash
between commit and delivery loses nothing (the scheduler delivers it later, see
`engine.notify.webhook_delivery`). Nothing is written when no endpoint wants the type.

The engine emits the four generic types itself (`GENERIC_TYPES`); an application registers its
own (`Registry.webhook_event`) and emits them from its service tasks (`ServiceCall.emit_event`).

Signatures follow *Standard Webhooks*: the secret is ``whsec_`` + base64 of 24 to 64 random
bytes; the signature is ``v1,`` + base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.storage import hotsql
from engine.storage.webhook_tables import WebhookDelivery
from engine.storage.work import announce_work
from engine.timing.clock import Clock

CASE_STARTED = "be.stuurboord.case.started"
TASK_COMPLETED = "be.stuurboord.task.completed"
CASE_ENDED = "be.stuurboord.case.ended"
INCIDENT_OPENED = "be.stuurboord.incident.opened"

GENERIC_TYPES: dict[str, dict[str, str]] = {
    CASE_STARTED: {"nl": "Dossier gestart", "en": "Case started"},
    TASK_COMPLETED: {"nl": "Taak afgerond", "en": "Task completed"},
    CASE_ENDED: {"nl": "Dossier beëindigd", "en": "Case ended"},
    INCIDENT_OPENED: {"nl": "Incident geopend", "en": "Incident opened"},
}
"""The event types the engine emits, with their names per language."""

SOURCE = "urn:stuurboord"
CONTENT_TYPE = "application/cloudevents+json"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
_TYPE = re.compile(r"^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+$")
_ENDPOINTS = "stuurboord_webhook_endpoints"
_ENDPOINTS_READ = "stuurboord_webhook_endpoints_read"


# -- events ------------------------------------------------------------------------------------


def cloud_event(
    event_type: str, *, subject: str, data: Mapping[str, Any], time: datetime,
    event_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A CloudEvents 1.0 event in JSON (structured mode)."""
    return {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": SOURCE,
        "type": event_type,
        "time": time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": dict(data),
    }


def read_endpoints_early(session: Session) -> None:
    """Start reading the active endpoints for this transaction now: on PostgreSQL the read
    waits and travels with the transaction's next statement (no round trip of its own); on
    SQLite it runs at once. `emit` uses what it read."""
    if _ENDPOINTS not in session.info and _ENDPOINTS_READ not in session.info:
        session.info[_ENDPOINTS_READ] = hotsql.run(
            session, hotsql.ACTIVE_WEBHOOK_ENDPOINTS, defer=True
        )


def _wanting(session: Session, event_type: str) -> list[int]:
    """Ids of active endpoints that want `event_type` (read once per transaction)."""
    endpoints = session.info.get(_ENDPOINTS)
    if endpoints is None:
        read = session.info.pop(_ENDPOINTS_READ, None)
        if read is None:
            read = hotsql.run(session, hotsql.ACTIVE_WEBHOOK_ENDPOINTS)
        else:
            hotsql.wait(session, read)
        endpoints = [(row.id, frozenset(row.event_types or ())) for row in read.all()]
        session.info[_ENDPOINTS] = endpoints
    return [endpoint_id for endpoint_id, types in endpoints if event_type in types]


def forget_endpoints(session: Session) -> None:
    """Drop the endpoints `emit` read in this transaction (after they changed in it)."""
    session.info.pop(_ENDPOINTS, None)
    read = session.info.pop(_ENDPOINTS_READ, None)
    if read is not None:
        hotsql.wait(session, read)  # run before the change, as it was queued


def emit(
    session: Session,
    clock: Clock,
    event_type: str,
    *,
    subject: str,
    data: Mapping[str, Any],
    case_id: int | None = None,
) -> int:
    """Queue one event for every active endpoint that wants `event_type`, in the caller's
    transaction; returns how many deliveries were queued. Does not commit.

    Raises ValueError for a malformed type or data that is not JSON."""
    if not _TYPE.match(event_type):
        raise ValueError(f"malformed webhook event type {event_type!r}")
    targets = _wanting(session, event_type)
    if not targets:
        return 0
    now = clock.now()
    event = cloud_event(event_type, subject=subject, data=data, time=now)
    try:
        event = json.loads(json.dumps(event))
    except (TypeError, ValueError) as error:
        raise ValueError(f"webhook event data must be JSON: {error}") from error
    session.execute(
        insert(WebhookDelivery),
        [
            dict(event_id=event["id"], event_type=event_type, endpoint_id=endpoint_id,
                 case_id=case_id, payload=event, status="pending", attempts=0,
                 next_attempt_at=now, created_at=now)
            for endpoint_id in targets
        ],
    )  # fmt: skip
    announce_work(session, now)
    return len(targets)


# -- secrets and signatures --------------------------------------------------------------------


def new_secret() -> str:
    """A fresh secret: ``whsec_`` + base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_bytes(secret: str) -> bytes:
    """The key a secret stands for; ValueError for anything not ``whsec_<base64 of 24-64
    bytes>``."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a secret starts with {SECRET_PREFIX}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"a secret is {SECRET_PREFIX} followed by base64") from None
    if not 24 <= len(key) <= 64:
        raise ValueError("a secret holds 24 to 64 bytes (32 to 88 base64 characters)")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one message (Standard Webhooks, v1)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def body_of(event: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for an event."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
