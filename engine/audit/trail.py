"""The audit trail: append-only rows in a SHA-256 hash chain, written in the caller's transaction.

Each row's hash is sha256(previous hash + canonical JSON of the row). Writers extend the chain
under a lock on the single `audit_head` row, so two workers can never fork it. Verification
lives in `verification`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from engine.storage import hotsql
from engine.storage.models import AuditEntry
from engine.timing.clock import Clock

GENESIS = "0" * 64
SYSTEM = "system"
SCHEDULER = "scheduler"


def _slow_canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class _Encoder(threading.local):
    """`_slow_canonical_json`'s C encoder, built once per thread: `json.dumps` with arguments
    builds a JSONEncoder and a C encoder on every call, which cost more than encoding the few
    fields of an audit row. The C encoder keeps its circular-reference markers in `markers`:
    one dict per thread, emptied again if an encoding fails halfway (it would otherwise keep
    the ids of the containers it was inside), and `busy` sends a nested call (a `str()` of an
    odd value that itself encodes JSON) to the slow path, so no call ever sees another's
    markers."""

    def __init__(self) -> None:
        self.markers: dict[int, Any] = {}
        self.encode = c_make_encoder(
            self.markers, str, encode_basestring, None, ":", ",", True, False, True
        )
        self.busy = False


_ENCODER = _Encoder()


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces, UTF-8 as is, anything else as its str()."""
    encoder = _ENCODER
    if encoder.busy:
        return _slow_canonical_json(value)
    encoder.busy = True
    try:
        return "".join(encoder.encode(value, 0))
    except BaseException:
        encoder.markers.clear()
        raise
    finally:
        encoder.busy = False


_decode = json.JSONDecoder().decode
_SAME_AS_JSON = (str, bool, type(None))
_SAFE_INT = 1 << 63  # far below the digits limit of int-to-str conversion


def jsonable(value: Any) -> Any:
    """The value as it will read back from a JSON column."""
    kind = type(value)
    # A str, bool or None (exactly, not a subclass) and an int of ordinary size read back as
    # they are: no need to write and parse them.
    if kind in _SAME_AS_JSON or (kind is int and -_SAFE_INT < value < _SAFE_INT):
        return value
    return _decode(canonical_json(value))


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{field: {"before": old, "after": new}} for every field whose value differs."""
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if jsonable(old) != jsonable(new):
            changes[key] = {"before": old, "after": new}
    return changes


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(content)).encode()).hexdigest()


_HASHED = ("seq", "at", "actor", "on_behalf_of", "action", "case_id", "task_id", "element_id",
           "changes", "reason")  # fmt: skip


def row_content(entry: AuditEntry) -> dict[str, Any]:
    """What the hash covers: every column except the two hashes."""
    return _content({name: getattr(entry, name) for name in _HASHED})


@dataclass
class PendingEntry:
    actor: str
    action: str
    case_id: int | None = None
    task_id: str | None = None
    element_id: str | None = None
    changes: dict[str, Any] | None = None
    reason: str | None = None
    on_behalf_of: str | None = None


@dataclass
class AuditRecorder:
    """Collects audit entries during a transaction; `flush()` chains and inserts them."""

    session: Session
    clock: Clock
    pending: list[PendingEntry] = field(default_factory=list)

    def record(self, actor: str, action: str, **details: Any) -> None:
        self.pending.append(PendingEntry(actor=actor, action=action, **details))

    def flush(self) -> int:
        """Chain the pending entries onto the head and insert them; returns the count.

        The head is locked by the UPDATE that moves it. This process remembers the last head it
        wrote, so usually one conditional UPDATE both checks and moves it; if another writer
        moved it meanwhile, the head is read under lock and the chain computed again.
        """
        if not self.pending:
            return 0
        key = _database_key(self.session.get_bind().engine.url)  # an Engine or a Connection
        now = self.clock.now().astimezone(UTC)
        known = _HEADS.get(key)
        self._write(key, known, now)
        count = len(self.pending)
        self.pending.clear()
        return count

    def _write(self, key: str, known: tuple[int, str] | None, now: datetime) -> None:
        if known is not None:
            rows = self._chain(known[0], known[1], now)
            seq, digest = rows[-1][0], rows[-1][-1]
            moved = hotsql.run(self.session, hotsql.MOVE_AUDIT_HEAD, {
                "seq": seq, "hash": digest, "old_seq": known[0], "old_hash": known[1],
            })  # fmt: skip
            if moved.rowcount != 1:
                rows = []
        else:
            rows = []
        if not rows:
            head = hotsql.run(self.session, hotsql.AUDIT_HEAD).one()
            rows = self._chain(head.seq, head.hash, now)
            seq, digest = rows[-1][0], rows[-1][-1]
            hotsql.run(self.session, hotsql.SAVE_AUDIT_HEAD, {"seq": seq, "hash": digest})
        hotsql.run(self.session, *hotsql.insert_audit_rows(rows))
        _HEADS[key] = (seq, digest)

    def _chain(self, seq: int, prev: str, now: datetime) -> list[tuple[Any, ...]]:
        return _chain(self.pending, seq, prev, now)


def _chain(
    pending: list[PendingEntry], seq: int, prev: str, now: datetime
) -> list[tuple[Any, ...]]:
    """The rows (values in `hotsql.AUDIT_KEYS` order) that chain `pending` onto (seq, prev)."""
    at = _iso(now)  # one moment for the whole flush: formatted once
    quoted_at = encode_basestring(at)
    rows = []
    sha256 = hashlib.sha256
    for item in pending:
        seq += 1
        changes = jsonable(item.changes)
        content = _content_text(seq, quoted_at, item, changes)
        if content is None:  # a field of an unusual type: the general way
            content = canonical_json({
                "seq": seq, "at": at, "actor": item.actor, "on_behalf_of": item.on_behalf_of,
                "action": item.action, "case_id": item.case_id, "task_id": item.task_id,
                "element_id": item.element_id, "changes": changes, "reason": item.reason,
            })  # fmt: skip
        digest = sha256((prev + content).encode()).hexdigest()
        rows.append((
            seq, now, item.actor, item.on_behalf_of, item.action, item.case_id, item.task_id,
            item.element_id, changes, item.reason, prev, digest,
        ))  # fmt: skip
        prev = digest
    return rows


_TEXT = (str, type(None))


def _content_text(seq: int, quoted_at: str, item: PendingEntry, changes: Any) -> str | None:
    """canonical_json of the row's hashed content, put together field by field (sorted keys,
    as canonical_json orders them) when every field is of the type it should be: a str (or
    None where allowed) and an int. None if one is not (a str subclass, a bool as the case id):
    the caller then encodes the content the general way, which handles anything."""
    actor, action, by = item.actor, item.action, item.on_behalf_of
    case, task, element, reason = item.case_id, item.task_id, item.element_id, item.reason
    if not (
        type(actor) is str and type(action) is str and type(seq) is int
        and (case is None or type(case) is int) and type(by) in _TEXT
        and type(task) in _TEXT and type(element) in _TEXT and type(reason) in _TEXT
    ):  # fmt: skip
        return None
    enc = encode_basestring
    return (
        f'{{"action":{enc(action)},"actor":{enc(actor)},"at":{quoted_at},'
        f'"case_id":{"null" if case is None else int.__repr__(case)},'
        f'"changes":{"null" if changes is None else canonical_json(changes)},'
        f'"element_id":{"null" if element is None else enc(element)},'
        f'"on_behalf_of":{"null" if by is None else enc(by)},'
        f'"reason":{"null" if reason is None else enc(reason)},"seq":{int.__repr__(seq)},'
        f'"task_id":{"null" if task is None else enc(task)}}}'
    )


# The last chain head this process wrote, per database: a hint checked by the UPDATE's WHERE.
_HEADS: dict[str, tuple[int, str]] = {}
_URL_KEYS: dict[int, tuple[URL, str]] = {}


def _database_key(url: URL) -> str:
    """The key of `url`'s database in `_HEADS`: its full text, made once per URL object. (A URL
    as the key renders itself as text again for every lookup, to hash it.)"""
    known = _URL_KEYS.get(id(url))
    if known is None or known[0] is not url:  # the URL is kept in the entry: its id stays its own
        known = _URL_KEYS[id(url)] = (url, url.render_as_string(hide_password=False))
    return known[1]


def _content(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "at": _iso(row["at"])}
