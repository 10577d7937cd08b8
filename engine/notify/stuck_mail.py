"""E-mail whose delivery is uncertain: listed for an admin, who resends or dismisses it.

A mail row stays in 'sending' when the process died between handing the mail to the transport
and marking it sent, or when the SMTP connection broke after the data went out
(`DeliveryUncertain`). It is never retried by itself (at most once). Such a row is *stuck* once
it has been in 'sending' for `STUCK_AFTER`, or at once when its outcome is known to be uncertain.
The admins get an in-app notification per stuck row (once), and decide: resend it (back to
'pending', delivered by the next run) or dismiss it ('dismissed', kept for the record). Both
are audited with who and why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.errors import CaseStateError, Forbidden, NotFound
from engine.notify.notifications import EMAIL, INAPP, enqueue, render
from engine.notify.recipients import holders
from engine.people.actors import ADMIN_ROLE, Actor
from engine.storage.models import Notification, UserAccount
from engine.timing.clock import Clock

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)
UNCERTAIN = "DeliveryUncertain"
TEMPLATE = "mail_uncertain"


@dataclass(frozen=True)
class StuckMail:
    """One e-mail that may or may not have gone out, as an admin sees it."""

    id: int
    user_id: str
    recipient: str
    email: str | None
    case_id: int | None
    template: str
    subject: str
    claimed_at: datetime
    last_error: str | None


def _stuck(now: datetime) -> object:
    return (
        (Notification.channel == EMAIL)
        & (Notification.status == "sending")
        & or_(
            Notification.next_attempt_at <= now - STUCK_AFTER,
            Notification.last_error.like(f"{UNCERTAIN}%"),
        )
    )


def list_stuck(session: Session, now: datetime) -> list[StuckMail]:
    """Every stuck e-mail, oldest claim first."""
    rows = session.execute(
        select(Notification, UserAccount)
        .join(UserAccount, UserAccount.id == Notification.user_id)
        .where(_stuck(now))
        .order_by(Notification.next_attempt_at, Notification.id)
    ).all()
    return [_info(n, u) for n, u in rows]


def _info(row: Notification, user: UserAccount) -> StuckMail:
    try:
        subject, _ = render(row.template, user.language or "nl", row.params)
    except Exception:  # the list must show even a row whose template broke since
        subject = ""
    return StuckMail(
        id=row.id,
        user_id=row.user_id,
        recipient=user.display_name or row.user_id,
        email=user.email,
        case_id=row.case_id,
        template=row.template,
        subject=subject,
        claimed_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def tell_admins(session: Session, clock: Clock) -> int:
    """An in-app notification to every admin for each stuck mail not yet reported (idempotent)."""
    stuck = list_stuck(session, clock.now())
    if not stuck:
        return 0
    admins = holders(session, ADMIN_ROLE, None)
    told = 0
    for mail in stuck:
        for admin in admins:
            told += enqueue(
                session,
                clock,
                event_key=f"{TEMPLATE}:{mail.id}",
                user_id=admin,
                template=TEMPLATE,
                params={"recipient": mail.recipient, "subject": mail.subject},
                channels=(INAPP,),
            )
    return told


def resend(session: Session, clock: Clock, notification_id: int, actor: Actor) -> None:
    """Put a stuck mail back in the queue; the next delivery run sends it."""
    row = _stuck_row(session, clock, notification_id, actor)
    row.status, row.next_attempt_at = "pending", clock.now()
    _audit(session, clock, actor, row, "notification_resent", "pending", None)


def dismiss(
    session: Session, clock: Clock, notification_id: int, actor: Actor, reason: str
) -> None:
    """Close a stuck mail without sending it again (for example: the recipient confirmed it)."""
    if not reason.strip():
        raise CaseStateError("a reason is required to dismiss a mail")
    row = _stuck_row(session, clock, notification_id, actor)
    row.status = "dismissed"
    _audit(session, clock, actor, row, "notification_dismissed", "dismissed", reason.strip())


def _stuck_row(session: Session, clock: Clock, notification_id: int, actor: Actor) -> Notification:
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("only an admin may resend or dismiss a mail")
    row = session.execute(
        select(Notification).where(Notification.id == notification_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no notification {notification_id}")
    if row.channel != EMAIL or row.status != "sending":
        raise CaseStateError(f"notification {notification_id} is not a stuck mail")
    if row.next_attempt_at > clock.now() - STUCK_AFTER and not (
        row.last_error or ""
    ).startswith(UNCERTAIN):
        raise CaseStateError(f"notification {notification_id} is still being sent")
    return row


def _audit(
    session: Session,
    clock: Clock,
    actor: Actor,
    row: Notification,
    action: str,
    after: str,
    reason: str | None,
) -> None:
    audit = AuditRecorder(session, clock)
    audit.record(
        actor.user_id,
        action,
        case_id=row.case_id,
        changes={"notification_status": {"before": "sending", "after": after}},
        reason=reason or f"notification {row.id} for {row.user_id}",
        on_behalf_of=actor.on_behalf_of,
    )
    audit.flush()
