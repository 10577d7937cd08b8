"""Verifying the audit trail's hash chain: all of it, or from the last verified checkpoint.

The rows stream through one cursor (a server-side cursor on PostgreSQL, SQLite's own stepping
cursor), page by page, as plain tuples of the columns the hash covers: memory stays flat however
long the chain. Each row's canonical JSON is put together directly from those columns, byte for
byte what `trail.row_hash` hashes (the column order of `trail._HASHED`, sorted keys, no spaces,
UTF-8); the database hands over `at` already in the hashed ISO form. A row whose stored values
are not of the expected shape (only a forged one can be: a text in an integer column on SQLite,
an odd date) is read and hashed the slow, exact way instead, so the answer never depends on
which path a row took.

What the incremental mode sees, and what it does not: it checks that the row at the checkpoint
still has the hash verified then (its content is hashed again as well), that rows 1 to the
checkpoint are all still there (a count), and every row after the checkpoint in full. It does
not hash the rows before the checkpoint again: an edit there that leaves the checkpoint row as
it was is found only by a full verification. Rewriting the chain from an edit onwards, to hide
it, changes the checkpoint row's hash and is found by both modes (until the checkpoint row itself
is rewritten too, which needs someone with full database rights; see the README).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import Connection, func, select

from engine.audit.checkpoint import Checkpoint, read_checkpoint
from engine.audit.trail import _HASHED, GENESIS, _content, canonical_json
from engine.storage.models import AuditEntry, AuditHead

Progress = Callable[[int, int], None]
"""Called as progress(done, total) before the first row and after every page."""

_ENTRY = AuditEntry.__table__
_HEAD = AuditHead.__table__

# `at` in the hashed ISO form (as `trail._iso` writes it) when stored the way the writer stores
# it, else NULL, which sends the row down the exact path (as does a value of an unexpected type:
# the fast path raises TypeError or ValueError on it).
_SQLITE_ROWS = """
SELECT seq,
  CASE WHEN at GLOB '[1-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].'
                  || '[0-9][0-9][0-9][0-9][0-9][0-9]'
  THEN substr(at, 1, 10) || 'T' || substr(at, 12) || 'Z' END,
  actor, on_behalf_of, action, case_id, task_id, element_id, changes, reason, prev_hash, hash
FROM audit_trail WHERE seq >= ? ORDER BY seq
"""
_POSTGRESQL_ROWS = """
SELECT seq,
  CASE WHEN at >= '1000-01-01' AND at < '10000-01-01'
  THEN to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END,
  actor, on_behalf_of, action, case_id, task_id, element_id, changes::text, reason, prev_hash,
  hash
FROM audit_trail WHERE seq >= %s ORDER BY seq
"""

# canonical_json's settings (sorted keys, no spaces, UTF-8 as is) on the C encoder, built once:
# json.dumps builds a new encoder on every call. No circular-reference check: the values come
# from json text.
_C_ENCODER = c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True)
_SCAN = json.JSONDecoder().scan_once


def _canonical_changes(stored: str) -> str:
    """canonical_json(json.loads(stored)) for the stored JSON text of the `changes` column."""
    value, end = _SCAN(stored, 0)
    if end != len(stored):
        raise ValueError("not only JSON")
    return "".join(_C_ENCODER(value, 0))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_seq: int = 0
    head_hash: str = GENESIS
    incremental: bool = False
    since: Checkpoint | None = None  # the checkpoint an incremental verification started from

    def describe(self) -> str:
        if not self.ok:
            return f"audit trail broken at sequence {self.first_bad_seq}: {self.problem}"
        intact = f"audit trail intact up to sequence {self.head_seq}"
        if self.since is None:
            whole = "no checkpoint yet, so the whole chain was verified: "
            return f"{intact}: {whole if self.incremental else ''}{self.checked} entries verified"
        new = self.head_seq - self.since.seq
        return (
            f"{intact}: {new} new entries verified from the checkpoint at {self.since.describe()}"
        )


def verify(
    connection: Connection,
    *,
    incremental: bool = False,
    batch: int = 5000,
    progress: Progress | None = None,
) -> VerifyResult:
    """Walk the chain, from the first row or (incremental) from the checkpoint; report the first
    sequence number that does not fit.

    Run it on a connection inside one snapshot (`Database.consistent_read`): the head and every
    row are then read as of one moment, so writers that commit meanwhile are simply not seen,
    and a row beyond the head in that snapshot can only be a forgery (writers move the head in
    the same transaction that adds rows).

    A stored checkpoint is an anchor in both modes: the row at its sequence must still have the
    hash found there when it was verified.
    """
    head = connection.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    anchor = read_checkpoint(connection)
    since = anchor if incremental else None

    def broken(checked: int, seq: int, problem: str) -> VerifyResult:
        return VerifyResult(False, checked, seq, problem, head_seq, head_hash, incremental, since)

    if anchor is not None and anchor.seq > head_seq:
        problem = f"the chain ends before the checkpoint at {anchor.describe()} (entries deleted?)"
        return broken(0, head_seq + 1, problem)
    start, prev = 1, GENESIS
    if since is not None:
        missing = _missing_before(connection, since.seq)
        if missing is not None:
            return broken(0, missing[0], f"{missing[1]}, before the checkpoint at "
                          f"{since.describe()}")  # fmt: skip
        start = since.seq
        prev = connection.execute(
            select(_ENTRY.c.prev_hash).where(_ENTRY.c.seq == start)
        ).scalar_one()
    total = max(head_seq - start + 1, 0)
    if progress is not None:
        progress(0, total)
    walk = _Walk(connection, start, prev, head_seq, anchor)
    for done in walk.pages(batch):
        if progress is not None:
            progress(done, total)
    checked = walk.expected - start
    if walk.bad_seq is not None:
        return broken(checked, walk.bad_seq, walk.problem or "")
    if head is None or walk.expected - 1 != head_seq or head_hash != walk.prev:
        return broken(checked, walk.expected, "chain head does not match the last entry")
    return VerifyResult(True, checked, None, None, head_seq, head_hash, incremental, since)


class _Walk:
    """The chain walk: `pages()` checks one page at a time and yields how many rows are done;
    it stops at the first row that does not fit, leaving `bad_seq` and `problem` set."""

    def __init__(
        self, connection: Connection, start: int, prev: str, head_seq: int,
        anchor: Checkpoint | None,
    ) -> None:  # fmt: skip
        self.connection = connection
        self.start = start
        self.expected = start
        self.prev = prev
        self.head_seq = head_seq
        self.anchor_seq, self.anchor_hash = (anchor.seq, anchor.hash) if anchor else (0, "")
        self.bad_seq: int | None = None
        self.problem: str | None = None

    def pages(self, batch: int) -> Iterator[int]:
        for rows in _pages(self.connection, self.start, batch):
            if not self._check(rows):
                return
            yield self.expected - self.start

    def _fail(self, seq: int, problem: str) -> bool:
        self.bad_seq, self.problem = seq, problem
        return False

    def _check(self, rows: Sequence[tuple[Any, ...]]) -> bool:
        # Locals, not attributes or globals: this loop runs once per row of the trail.
        expected, prev, head_seq = self.expected, self.prev, self.head_seq
        anchor_seq, anchor_hash = self.anchor_seq, self.anchor_hash
        enc, canonical, sha = encode_basestring, _canonical_changes, hashlib.sha256
        int_repr = int.__repr__
        for seq, at, actor, by, action, case, task, element, changes, reason, link, digest in rows:
            if seq != expected:
                self.expected, self.prev = expected, prev
                if seq > expected:
                    return self._fail(expected, "entry missing (deleted?)")
                return self._fail(seq, "sequence out of order")
            if seq > head_seq:
                self.expected, self.prev = expected, prev
                return self._fail(seq, "entry beyond the chain head (inserted?)")
            if link != prev:
                self.expected, self.prev = expected, prev
                return self._fail(seq, "previous-hash link broken")
            text = None
            if at is not None:
                try:
                    text = (
                        f'{prev}{{"action":{enc(action)},"actor":{enc(actor)},"at":"{at}",'
                        f'"case_id":{"null" if case is None else int_repr(case)},'
                        f'"changes":{"null" if changes is None else canonical(changes)},'
                        f'"element_id":{"null" if element is None else enc(element)},'
                        f'"on_behalf_of":{"null" if by is None else enc(by)},'
                        f'"reason":{"null" if reason is None else enc(reason)},"seq":{seq},'
                        f'"task_id":{"null" if task is None else enc(task)}}}'
                    )
                except (TypeError, ValueError, StopIteration):
                    text = None
            if text is None:
                text = _exact_text(self.connection, prev, seq)
            if text is None or sha(text.encode()).hexdigest() != digest:
                self.expected, self.prev = expected, prev
                return self._fail(seq, "content does not match its hash")
            if seq == anchor_seq and digest != anchor_hash:
                self.expected, self.prev = expected, prev
                return self._fail(seq, "entry differs from when it was verified (chain rewritten?)")
            prev = digest
            expected += 1
        self.expected, self.prev = expected, prev
        return True


def _pages(connection: Connection, start: int, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows from `start` on, `batch` at a time, on the connection's own transaction."""
    raw: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor(name="stuurboord_audit_verify") as cursor:
            cursor.itersize = batch
            cursor.execute(_POSTGRESQL_ROWS, (start,))
            while rows := cursor.fetchmany(batch):
                yield rows
        return
    cursor = raw.cursor()
    try:
        cursor.execute(_SQLITE_ROWS, (start,))
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def _exact_text(connection: Connection, prev: str, seq: int) -> str | None:
    """The hash input of one row read through the ORM types, as the writer built it; None if the
    stored values cannot even be read as their column types."""
    try:
        row = connection.execute(
            select(*(_ENTRY.c[name] for name in _HASHED)).where(_ENTRY.c.seq == seq)
        ).first()
        if row is None:
            return None
        return prev + canonical_json(_content(dict(zip(_HASHED, row, strict=True))))
    except (ValueError, TypeError):
        return None


def _missing_before(connection: Connection, seq: int) -> tuple[int, str] | None:
    """(first bad sequence, what is wrong) if rows 1..seq are not all there, one each."""
    count, low = connection.execute(
        select(func.count(), func.min(_ENTRY.c.seq)).where(_ENTRY.c.seq <= seq)
    ).one()
    if count == seq and low == 1:
        return None
    if low is not None and low < 1:
        return low, "sequence out of order"
    if low != 1:
        return 1, "entry missing (deleted?)"
    later = _ENTRY.alias("later")
    gap = connection.execute(
        select(func.min(_ENTRY.c.seq)).where(
            _ENTRY.c.seq < seq,
            ~select(later.c.seq).where(later.c.seq == _ENTRY.c.seq + 1).exists(),
        )
    ).scalar()
    return (seq if gap is None else gap + 1), "entry missing (deleted?)"
