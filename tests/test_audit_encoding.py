"""The audit writer stores and hashes exactly what it always did.

The writer encodes its rows with shortcuts (a C encoder built once, a row's hashed text put
together field by field, plain values not encoded at all). Every test here holds it against
`Reference`: the writer's original formulas, written out again independently with the
standard library, so that a changed byte in a row, its hash or the stored JSON fails here.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import insert, text

from engine import Database, Engine
from engine.audit import trail
from engine.audit.trail import AuditRecorder, PendingEntry
from engine.storage.hotsql import AUDIT_KEYS
from engine.storage.models import AuditEntry

NOW = datetime(2026, 3, 2, 9, 15, 7, 4321, tzinfo=UTC)


class Reference:
    """The writer's formulas as first written: json.dumps with the canonical settings, a JSON
    round trip for what a JSON column gives back, strftime for the time, one dict per row."""

    @staticmethod
    def canonical(value: Any) -> str:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        )

    @classmethod
    def jsonable(cls, value: Any) -> Any:
        return None if value is None else json.loads(cls.canonical(value))

    @classmethod
    def changed_fields(cls, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        changes = {}
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key), after.get(key)
            if cls.jsonable(old) != cls.jsonable(new):
                changes[key] = {"before": old, "after": new}
        return changes

    @classmethod
    def rows(
        cls, pending: list[PendingEntry], seq: int, prev: str, now: datetime
    ) -> list[dict[str, Any]]:
        rows = []
        for item in pending:
            seq += 1
            row = {
                "seq": seq, "at": now, "actor": item.actor, "on_behalf_of": item.on_behalf_of,
                "action": item.action, "case_id": item.case_id, "task_id": item.task_id,
                "element_id": item.element_id, "changes": cls.jsonable(item.changes),
                "reason": item.reason,
            }  # fmt: skip
            hashed = {**row, "at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
            digest = hashlib.sha256((prev + cls.canonical(hashed)).encode()).hexdigest()
            rows.append({**row, "prev_hash": prev, "hash": digest})
            prev = digest
        return rows


class Name(str):
    pass


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


ODD_TEXT = 'Zoë "q" \\ b\nn\tt \x01\x1f \u2028 \U0001f600 </script> ü'
"""Text that needs escaping in JSON, within every text column's length, storable everywhere."""
UNSTORABLE = "\x00 nul \ud83d lone surrogate"

ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 2**63 - 1, 2**63, -(2**80), 1.5, -0.0, 1e100, 1e-7, 0.1 + 0.2,
    math.inf, -math.inf, math.nan, "", "plain", ODD_TEXT, Name("sub"), Colour.RED, Level.HIGH,
    [], (), [1, (2, 3)], {}, {"b": 1, "a": [None, {"z": 1, "y": 2}]}, {10: "ten", 9: "nine"},
    {1.5: "x", 2: "y"}, {True: "t", 0: "zero"}, {None: 1}, {"1": "str", 2: "int"},
    datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=2))), date(2026, 1, 2),
    Decimal("1.10"), UUID(int=7), {1, 2}, b"bytes", UNSTORABLE, {UNSTORABLE: [UNSTORABLE]},
]  # fmt: skip


def _same(a: Any, b: Any) -> bool:
    """Equal, types and key order included, NaN equal to NaN."""
    return repr(a) == repr(b) and type(a) is type(b)


def _attempt(function: Any, value: Any) -> tuple[str, Any]:
    try:
        return "ok", function(value)
    except Exception as error:
        return type(error).__name__, str(error)


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_canonical_json_and_jsonable_are_the_reference(value: Any) -> None:
    assert _attempt(trail.canonical_json, value) == _attempt(Reference.canonical, value)
    outcome, expected = _attempt(Reference.jsonable, value)
    got_outcome, got = _attempt(trail.jsonable, value)
    assert got_outcome == outcome
    assert _same(got, expected)
    nested = {"v": value, "list": [value, {"w": value}]}
    assert _attempt(trail.canonical_json, nested) == _attempt(Reference.canonical, nested)


def test_keys_of_mixed_types_and_too_long_ints_fail_as_before() -> None:
    for value in ({"a": 1, 2: "b"}, 10**5000, {"n": 10**5000}, {"x": {1, "a"}}):
        assert _attempt(trail.canonical_json, value) == _attempt(Reference.canonical, value)
        assert _attempt(trail.jsonable, value)[0] == _attempt(Reference.jsonable, value)[0]


def test_a_failed_encoding_leaves_nothing_behind() -> None:
    """The C encoder marks the containers it is inside; an encoding that fails halfway must not
    leave them marked, or the next encoding of the same objects would call them circular."""

    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("no text")

    inner = [Unprintable()]
    value = {"a": inner}
    with pytest.raises(RuntimeError, match="no text"):
        trail.canonical_json(value)
    inner[0] = 1
    assert trail.canonical_json(value) == Reference.canonical(value)
    circular: list[Any] = [1]
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference detected"):
        trail.canonical_json(circular)
    with pytest.raises(ValueError, match="Circular reference detected"):
        Reference.canonical(circular)
    shared = [1]
    assert trail.canonical_json([shared, shared]) == "[[1],[1]]"


def test_an_encoding_inside_an_encoding_is_the_reference() -> None:
    """A value whose str() encodes JSON itself, even the container being encoded."""

    class Nested:
        def __init__(self) -> None:
            self.inside: Any = None
            self.calls = 0

        def __str__(self) -> str:
            self.calls += 1
            return "leaf" if self.calls % 2 == 0 else trail.canonical_json(self.inside)

    nested = Nested()
    container = [nested, {"k": "v"}]
    nested.inside = container
    got = trail.canonical_json(container)
    nested.calls = 0

    def reference_str(self: Nested) -> str:
        self.calls += 1
        return "leaf" if self.calls % 2 == 0 else Reference.canonical(self.inside)

    Nested.__str__ = reference_str  # type: ignore[method-assign]
    assert got == Reference.canonical(container) == '["[\\"leaf\\",{\\"k\\":\\"v\\"}]",{"k":"v"}]'


def test_threads_encoding_the_same_values_at_once() -> None:
    class Slow:
        def __str__(self) -> str:
            threading.Event().wait(0.0001)  # lets the other threads run mid-encoding
            return "slow"

    shared = {"list": [Slow(), {"deep": [Slow()]}], "n": 1}
    expected = Reference.canonical(shared)
    results: list[str] = []

    def encode() -> None:
        results.extend(trail.canonical_json(shared) for _ in range(200))

    threads = [threading.Thread(target=encode) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [expected] * 800


def test_changed_fields_is_the_reference() -> None:
    before = {
        "same": 1, "int_bool": 1, "tuple": (1, 2), "when": datetime(2026, 1, 1, tzinfo=UTC),
        "keys": {1: "a"}, "nan": math.nan, "big": 2**70, "gone": "x", "text": ODD_TEXT,
        "nested": {"a": [1, {"b": None}]}, "float": 1.0, "none": None, "sub": Name("n"),
    }  # fmt: skip
    after = {
        "same": 1, "int_bool": True, "tuple": [1, 2], "when": "2026-01-01 00:00:00+00:00",
        "keys": {"1": "a"}, "nan": math.nan, "big": 2**70 + 1, "new": "y", "text": ODD_TEXT,
        "nested": {"a": [1, {"b": False}]}, "float": 1, "none": None, "sub": "n",
    }  # fmt: skip
    for old, new in ((before, after), (after, before), ({}, after), (before, {})):
        assert _same(trail.changed_fields(old, new), Reference.changed_fields(old, new))


def _pending() -> list[PendingEntry]:
    """Entries of every kind the engine writes, and some it never should but might."""
    return [
        PendingEntry("carla", "case_started", case_id=7,
                     changes={"requester": {"before": None, "after": "carla"}}),
        PendingEntry("carla", "task_created", case_id=7, task_id="4a3a57be-123b-4462",
                     element_id="intake"),
        PendingEntry("system", "user_created"),
        PendingEntry(ODD_TEXT, ODD_TEXT, case_id=2**31 - 1, task_id=ODD_TEXT, element_id=ODD_TEXT,
                     changes={"x": {"before": ODD_TEXT, "after": [1.5, -0.0, 1e100, None]}},
                     reason=ODD_TEXT, on_behalf_of="mona"),
        PendingEntry("carla", "case_data_changed", case_id=7, changes={}),
        PendingEntry("carla", "keys", changes={"m": {10: "ten", 9: "nine", 1.5: "x"}}),
        PendingEntry("carla", "odd", changes={"d": datetime(2026, 1, 2, tzinfo=UTC),
                                              "n": Decimal("2.50"), "t": (1, 2), "s": {3}}),
    ]  # fmt: skip


def _odd_types() -> list[PendingEntry]:
    """Fields of types other than the annotated ones: the writer's general path."""
    return [
        PendingEntry(Name("carla"), "sub"), PendingEntry("carla", Name("sub")),
        PendingEntry("carla", "bool", case_id=True), PendingEntry("carla", "enum", case_id=Level.HIGH),  # type: ignore[arg-type]
        PendingEntry("carla", "uuid", task_id=UUID(int=1)),  # type: ignore[arg-type]
        PendingEntry("carla", "colour", element_id=Colour.RED, reason=Name("r")),  # type: ignore[arg-type]
        PendingEntry("carla", "nan", changes={"x": math.nan, "y": math.inf}),
    ]  # fmt: skip


@pytest.mark.parametrize("moment", [
    NOW, NOW.replace(microsecond=0), datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1))),
    datetime(999, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
])  # fmt: skip
def test_rows_and_hashes_are_the_reference(moment: datetime) -> None:
    pending = _pending() + _odd_types()
    prev = "ab" * 32
    expected = Reference.rows(pending, 41, prev, moment.astimezone(UTC))
    got = trail._chain(pending, 41, prev, moment.astimezone(UTC))
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert _same(dict(zip(AUDIT_KEYS, row, strict=True)), want)
    assert got[-1][-1] == expected[-1]["hash"]


def test_text_that_cannot_be_hashed_fails_as_before() -> None:
    for entry in (PendingEntry("carla", "s", reason=UNSTORABLE),
                  PendingEntry(Name(UNSTORABLE), "s"), PendingEntry("c", "s", changes=UNSTORABLE)):
        with pytest.raises(UnicodeEncodeError):
            Reference.rows([entry], 0, trail.GENESIS, NOW)
        with pytest.raises(UnicodeEncodeError):
            trail._chain([entry], 0, trail.GENESIS, NOW)


def _raw_rows(db: Database, first: int, last: int) -> list[tuple[Any, ...]]:
    """The stored rows as the database holds them: text of `at` and `changes`, types too."""
    if db.is_sqlite:
        sql = ("SELECT at, typeof(at), actor, on_behalf_of, action, case_id, typeof(case_id), "
               "task_id, element_id, changes, typeof(changes), reason FROM audit_trail "
               "WHERE seq BETWEEN :first AND :last ORDER BY seq")  # fmt: skip
    else:
        sql = ("SELECT at::text, pg_typeof(at)::text, actor, on_behalf_of, action, case_id, "
               "task_id, element_id, changes::text, pg_typeof(changes)::text, reason "
               "FROM audit_trail WHERE seq BETWEEN :first AND :last ORDER BY seq")  # fmt: skip
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), {"first": first, "last": last})]


def _head(db: Database) -> tuple[int, str]:
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    return row.seq, row.hash


def test_stored_rows_are_what_the_reference_writer_stores(engine: Engine) -> None:
    """The writer's rows, byte for byte as stored, against the same entries inserted the plain
    way with the reference's values; hashes against the reference's; and the whole chain, old
    rows and new, passes verification, full and incremental."""
    db = engine.db
    engine.clock.set(NOW)  # type: ignore[attr-defined]
    pending = _pending()
    start_seq, start_hash = _head(db)
    with db.write() as session:
        audit = AuditRecorder(session, engine.clock)
        audit.pending = list(pending)
        audit.flush()
    mid_seq, mid_hash = _head(db)
    written = Reference.rows(pending, start_seq, start_hash, NOW)
    assert (mid_seq, mid_hash) == (written[-1]["seq"], written[-1]["hash"])
    with db.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT seq, prev_hash, hash FROM audit_trail WHERE seq > :s ORDER BY seq"),
            {"s": start_seq},
        ).all()
    assert [tuple(r) for r in stored] == [(r["seq"], r["prev_hash"], r["hash"]) for r in written]

    # The same entries again, inserted by a plain INSERT of the reference's values.
    again = Reference.rows(pending, mid_seq, mid_hash, NOW)
    with db.write() as session:
        session.execute(insert(AuditEntry), again)
        session.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
                        {"seq": again[-1]["seq"], "hash": again[-1]["hash"]})  # fmt: skip
    end_seq = again[-1]["seq"]
    assert _raw_rows(db, start_seq + 1, mid_seq) == _raw_rows(db, mid_seq + 1, end_seq)
    assert engine.verify_audit().ok  # stores a checkpoint at end_seq

    # The writer goes on from a head it did not write itself (its hint is stale).
    with db.write() as session:
        audit = AuditRecorder(session, engine.clock)
        audit.pending = list(pending)
        audit.flush()
    final = Reference.rows(pending, end_seq, again[-1]["hash"], NOW)
    assert _head(db) == (final[-1]["seq"], final[-1]["hash"])
    assert _raw_rows(db, end_seq + 1, final[-1]["seq"]) == _raw_rows(db, start_seq + 1, mid_seq)
    incremental = engine.verify_audit(incremental=True)
    assert incremental.ok and incremental.since is not None and incremental.since.seq == end_seq
    assert engine.verify_audit().ok

