"""iCalendar (RFC 5545) for the meetings feed, written here (no dependency), and the personal
feed link.

The writer knows just what the feed needs: one VCALENDAR with VEVENTs whose times are UTC
(`...Z`, so no VTIMEZONE is needed), TEXT values escaped (backslash, semicolon, comma,
newline), content lines folded at 75 octets without splitting a UTF-8 character, and CRLF line
ends.

Access (also explained on the meetings page): `/zittingen.ics` answers a
signed-in browser session, or a calendar client that follows the user's personal link
`/zittingen.ics?sleutel=...`. The key is the user id signed with the app's secret key (salt
below): it grants nothing but this read-only feed, and the feed shows only what that user may
see right now, so deactivating a user or taking away their role empties it. Changing
STUURBOORD_SECRET_KEY invalidates every link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//Stuurorgaan Vlaams Informatie- en ICT-beleid//Stuurboord//NL"
FEED_SALT = "stuurboord.zittingen.ics.v1"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    """One VEVENT. `start` and `end` are timezone-aware."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str | None = None
    status: str = "CONFIRMED"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped; other
    control characters (not allowed in a value) dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value.replace("\t", " "))
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded to at most 75 octets per physical line (RFC 5545 3.1): a
    continuation starts with a space, and no UTF-8 character is split."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += octets
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC form: 20260326T090000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines += [f"STATUS:{event.status}", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar(events: Iterable[Event], *, name: str, stamp: datetime) -> str:
    """The whole VCALENDAR as text with CRLF line ends (and a final CRLF)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF


# -- the personal feed link --------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


def feed_key(user_id: str) -> str:
    """The key of `user_id`'s personal feed link."""
    return str(_serializer().dumps({"u": user_id}))


def feed_user(key: str) -> str | None:
    """The user a feed key was made for, or None for a key that is not ours."""
    if not key or len(key) > 500:
        return None
    try:
        data = _serializer().loads(key)
    except BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, str) else None
