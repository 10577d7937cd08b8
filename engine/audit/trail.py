"""The audit trail: append-only rows in a SHA-256 hash chain, written in the caller's transaction.

Each row's hash is sha256(previous hash + canonical JSON of the row). Writers extend the chain
under a lock on the single `audit_head` row, so two workers can never fork it. Verification
lives in `verification`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from engine.storage import hotsql
from engine.storage.models import AuditEntry
from engine.timing.clock import Clock

GENESIS = "0" * 64
SYSTEM = "system"
SCHEDULER = "scheduler"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def jsonable(value: Any) -> Any:
    """The value as it will read back from a JSON column."""
    return None if value is None else json.loads(canonical_json(value))


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
        key = self.session.get_bind().url
        now = self.clock.now().astimezone(UTC)
        known = _HEADS.get(key)
        self._write(key, known, now)
        count = len(self.pending)
        self.pending.clear()
        return count

    def _write(self, key: URL, known: tuple[int, str] | None, now: datetime) -> None:
        if known is not None:
            rows = self._chain(known[0], known[1], now)
            last = rows[-1]
            moved = hotsql.run(self.session, hotsql.MOVE_AUDIT_HEAD, {
                "seq": last["seq"], "hash": last["hash"], "old_seq": known[0], "old_hash": known[1],
            })  # fmt: skip
            if moved.rowcount != 1:
                rows = []
        else:
            rows = []
        if not rows:
            head = hotsql.run(self.session, hotsql.AUDIT_HEAD).one()
            rows = self._chain(head.seq, head.hash, now)
            last = rows[-1]
            hotsql.run(
                self.session, hotsql.SAVE_AUDIT_HEAD, {"seq": last["seq"], "hash": last["hash"]}
            )
        hotsql.run(self.session, *hotsql.insert_audit_rows(rows))
        _HEADS[key] = (last["seq"], last["hash"])

    def _chain(self, seq: int, prev: str, now: datetime) -> list[dict[str, Any]]:
        return _chain(self.pending, seq, prev, now)


def _chain(pending: list[PendingEntry], seq: int, prev: str, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for item in pending:
        seq += 1
        row = {
            "seq": seq,
            "at": now,
            "actor": item.actor,
            "on_behalf_of": item.on_behalf_of,
            "action": item.action,
            "case_id": item.case_id,
            "task_id": item.task_id,
            "element_id": item.element_id,
            "changes": jsonable(item.changes),
            "reason": item.reason,
        }
        digest = row_hash(prev, _content(row))
        rows.append({**row, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


# The last chain head this process wrote, per database: a hint checked by the UPDATE's WHERE.
_HEADS: dict[URL, tuple[int, str]] = {}


def _content(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "at": _iso(row["at"])}
