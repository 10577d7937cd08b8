"""An admin corrects case variables with a reason (audited) before retrying an incident."""

from __future__ import annotations

import pytest

from engine import CaseStateError, Engine, Forbidden, Registry, ValidationFailed
from tests import modelkit as m
from tests.helpers import actor, snapshot
from tests.test_incidents import _deploy


@pytest.fixture
def admin(engine: Engine):
    return actor(engine, "ada", ("admin", None))


def _incident(engine: Engine, registry: Registry) -> int:
    _deploy(engine, registry,
            m.process("script_fail", [m.script("divide", "ratio = 10 / divisor"), m.user("after")]))  # fmt: skip
    case = engine.start_case("script_fail", {"divisor": 0})
    assert case.status == "incident"
    return case.id


def test_corrected_data_is_audited_and_the_retry_uses_it(engine, registry, admin) -> None:
    case_id = _incident(engine, registry)
    corrected = engine.update_case_data(case_id, {"divisor": 4}, "Deler was 0 door een tikfout.",
                                        admin)  # fmt: skip
    assert corrected.status == "incident"  # nothing runs by itself
    assert corrected.data["divisor"] == 4
    [entry] = [e for e in engine.audit_trail(case_id) if e.action == "case_data_corrected"]
    assert entry.actor == "ada"
    assert entry.reason == "Deler was 0 door een tikfout."
    assert entry.changes == {"divisor": {"before": 0, "after": 4}}
    retried = engine.retry(case_id, admin)
    assert retried.status == "running"
    assert retried.data["ratio"] == 2.5
    assert engine.verify_audit().ok


def test_a_running_case_takes_the_correction_into_its_ready_task(engine, registry, admin) -> None:
    _deploy(engine, registry, m.process("script_fail", [m.user("first"), m.user("after")]))
    case = engine.start_case("script_fail", {"divisor": 1})
    engine.update_case_data(case.id, {"amount": 7}, "Bedrag ontbrak.", admin)
    assert engine.case(case.id).data["amount"] == 7


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [({}, "reden", "changes"), ({"divisor": 4}, "  ", "reason"), ({"_x": 1}, "reden", "changes")],
)
def test_bad_corrections_are_refused_and_change_nothing(
    engine, registry, admin, db, changes, reason, field
) -> None:
    case_id = _incident(engine, registry)
    before = snapshot(db)
    with pytest.raises(ValidationFailed) as refused:
        engine.update_case_data(case_id, changes, reason, admin)
    assert field in refused.value.errors
    assert snapshot(db) == before


def test_only_an_admin_corrects_and_only_open_cases(engine, registry, admin) -> None:
    case_id = _incident(engine, registry)
    clerk = actor(engine, "carla", ("clerk", None))
    with pytest.raises(Forbidden):
        engine.update_case_data(case_id, {"divisor": 4}, "reden", clerk)
    engine.terminate(case_id, admin, "stop")
    with pytest.raises(CaseStateError):
        engine.update_case_data(case_id, {"divisor": 4}, "reden", admin)
