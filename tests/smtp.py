"""An in-process SMTP server (aiosmtpd) for tests that must see real mail delivery."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from engine.notify.mailer import SmtpSettings, SmtpTransport


class Inbox:
    """aiosmtpd handler: keeps every accepted message; refuses DATA for `refuse` recipients;
    for `drop` recipients stores the message but cuts the connection instead of answering."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: list[str] = []
        self.refuse: set[str] = set()
        self.drop: set[str] = set()
        self.port = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            if set(envelope.rcpt_tos) & self.refuse:
                self.refused.extend(envelope.rcpt_tos)
                return "550 5.7.1 Refused by the test server"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            if set(envelope.rcpt_tos) & self.drop:
                server.transport.close()
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [msg for msg in self.messages if msg["To"] == address]

    def transport(self) -> SmtpTransport:
        settings = SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            security="none",
            sender="Stuurboord <noreply@stuurboord.test>",
            timeout=10,
        )
        return SmtpTransport(settings)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), ready_timeout=10)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()
