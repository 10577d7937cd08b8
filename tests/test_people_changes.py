"""Deputy periods listed and removed, and a user's name changed: who may, and the audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine, Forbidden, NotFound, ValidationFailed
from tests.helpers import actor


def test_a_deputy_period_is_listed_and_removed_by_its_principal_only(engine: Engine, clock) -> None:
    carla = actor(engine, "carla", ("clerk", None))
    dirk = actor(engine, "dirk")
    period = engine.set_deputy("carla", "dirk", clock.now(), clock.now() + timedelta(days=7), carla)
    assert engine.deputies("carla") == [period] and engine.deputies("dirk") == []
    assert engine.principals_of("dirk") == ["carla"]
    with pytest.raises(Forbidden):
        engine.remove_deputy("carla", period.id, dirk)
    with pytest.raises(NotFound):
        engine.remove_deputy("dirk", period.id, dirk)  # not a period dirk named
    assert engine.deputies("carla") == [period]
    engine.remove_deputy("carla", period.id, carla)
    assert engine.deputies("carla") == [] and engine.principals_of("dirk") == []
    [entry] = [e for e in engine.audit_trail() if e.action == "deputy_removed"]
    assert entry.actor == "carla" and entry.changes["deputy"]["before"] == "dirk for carla"
    with pytest.raises(NotFound):
        engine.remove_deputy("carla", period.id, carla)


def test_only_an_admin_changes_a_name_and_it_is_audited(engine: Engine) -> None:
    admin = actor(engine, "ada", ("admin", None))
    carla = actor(engine, "carla", ("clerk", None))
    with pytest.raises(Forbidden):
        engine.set_display_name("carla", "Carla C.", carla)
    for bad in ("", "   ", "x" * 201):
        with pytest.raises(ValidationFailed):
            engine.set_display_name("carla", bad, admin)
    with pytest.raises(NotFound):
        engine.set_display_name("niemand", "X", admin)
    assert engine.set_display_name("carla", " Carla Clerck ", admin) is True
    assert engine.set_display_name("carla", "Carla Clerck", admin) is False
    assert engine.user("carla").display_name == "Carla Clerck"
    [entry] = [e for e in engine.audit_trail() if e.action == "name_changed"]
    assert entry.changes["display_name"]["after"] == "Carla Clerck"
