"""How a mail leaves: SMTP (plain, STARTTLS or implicit TLS) or the log, chosen from settings.

`DeliveryUncertain` marks the one failure after which nobody knows whether the mail went out:
the connection broke after the message data was handed to the server.
"""

from __future__ import annotations

import hashlib
import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Literal, Protocol

log = logging.getLogger(__name__)

Security = Literal["none", "starttls", "tls"]
DEFAULT_SENDER = "stuurboord@localhost"
_DEFAULT_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "tls": 465}


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server. `security`: "none", "starttls" or "tls" (implicit TLS)."""

    host: str
    port: int = 587
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in _DEFAULT_PORTS:
            raise ValueError(f"SMTP security must be one of {sorted(_DEFAULT_PORTS)}")
        if not 0 < self.port < 65536:
            raise ValueError(f"invalid SMTP port {self.port}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Read STUURBOORD_SMTP_* and STUURBOORD_MAIL_FROM; None when no host is set.

        The port defaults by security: 25 (none), 587 (starttls, the default), 465 (tls).
        STUURBOORD_SMTP_TIMEOUT (seconds, default 30) is optional.
        """
        env = os.environ if environ is None else environ
        host = env.get("STUURBOORD_SMTP_HOST", "").strip()
        if not host:
            return None
        security = env.get("STUURBOORD_SMTP_SECURITY", "starttls").strip().lower()
        if security not in _DEFAULT_PORTS:
            raise ValueError(f"STUURBOORD_SMTP_SECURITY must be one of {sorted(_DEFAULT_PORTS)}")
        port = env.get("STUURBOORD_SMTP_PORT", "").strip()
        return cls(
            host=host,
            port=int(port) if port else _DEFAULT_PORTS[security],
            security=security,  # type: ignore[arg-type]
            username=env.get("STUURBOORD_SMTP_USER") or None,
            password=env.get("STUURBOORD_SMTP_PASSWORD") or None,
            sender=env.get("STUURBOORD_MAIL_FROM") or DEFAULT_SENDER,
            timeout=float(env.get("STUURBOORD_SMTP_TIMEOUT") or 30.0),
        )


@dataclass(frozen=True)
class Mail:
    """One outgoing mail. `key` is the notification (or digest) key: the Message-ID's source."""

    key: str
    to: str
    subject: str
    body: str
    date: datetime


def message_id(key: str, sender: str) -> str:
    """A stable Message-ID for a notification key, in the sender address's domain."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "stuurboord.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The plain-text e-mail for `mail`, marked auto-generated (RFC 3834)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime(mail.date.astimezone(UTC))
    message["Message-ID"] = message_id(mail.key, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


class DeliveryUncertain(RuntimeError):
    """The mail may have been delivered: the connection failed after the message data went out.

    The sender never retries such a mail; the row stays in 'sending' for an admin.
    """


class Transport(Protocol):
    """Delivers one mail or raises; raises `DeliveryUncertain` if it may have gone out."""

    def send(self, mail: Mail) -> None: ...


class LogTransport:
    """The demo default: logs each mail and keeps it in `messages` instead of sending it."""

    def __init__(self, sender: str = DEFAULT_SENDER) -> None:
        self.sender = sender
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send(self, mail: Mail) -> None:
        """Log the mail and keep it."""
        message = build_message(mail, self.sender)
        log.info("mail (not sent, log transport) to %s: %s", mail.to, message["Subject"])
        with self._lock:
            self.messages.append(message)


class _PayloadTracking(smtplib.SMTP):
    """Notes when the message data, with its closing '.', has been handed to the server."""

    payload_sent = False

    def send(self, s: str | bytes) -> None:
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.payload_sent = True


class _PayloadTrackingSSL(_PayloadTracking, smtplib.SMTP_SSL):
    pass


class SmtpTransport:
    """Sends each mail over its own SMTP connection (plain, STARTTLS or implicit TLS).

    A definite refusal (an SMTP error reply) raises that error, and the mail may be retried.
    A failure after the data went out but before the server's reply (timeout, dropped
    connection) raises `DeliveryUncertain`. Errors while saying QUIT after a successful
    send are ignored: the mail has been accepted.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    @property
    def sender(self) -> str:
        return self.settings.sender

    def send(self, mail: Mail) -> None:
        """Connect, secure, log in if a username is set, send; any SMTP error raises."""
        message = build_message(mail, self.settings.sender)
        smtp = self._connect()
        try:
            if self.settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password or "")
            smtp.send_message(message)
        except Exception as exc:
            if smtp.payload_sent and not isinstance(exc, smtplib.SMTPResponseException):
                raise DeliveryUncertain(f"{type(exc).__name__}: {exc}") from exc
            raise
        finally:
            _close_quietly(smtp)

    def _connect(self) -> _PayloadTracking:
        s = self.settings
        if s.security == "tls":
            context = ssl.create_default_context()
            return _PayloadTrackingSSL(s.host, s.port, timeout=s.timeout, context=context)
        return _PayloadTracking(s.host, s.port, timeout=s.timeout)


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()


def transport_from_env(environ: Mapping[str, str] | None = None) -> Transport:
    """SMTP when STUURBOORD_SMTP_HOST is set, else the log transport."""
    settings = SmtpSettings.from_env(environ)
    if settings is None:
        env = os.environ if environ is None else environ
        return LogTransport(env.get("STUURBOORD_MAIL_FROM") or DEFAULT_SENDER)
    return SmtpTransport(settings)
