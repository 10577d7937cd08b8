"""The steering framework's audited writes (processes.steering.operations) and its forms:
actions, KPIs, ambitions, and the links between decisions, actions and KPIs. Every change is
one audit row with the before and after of what changed (and the deputy it was done for);
nothing changes without one; a link to something that does not exist stores nothing. Runs on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from engine.storage.models import AuditEntry
from processes.records.steering import (
    ActionKpi,
    DecisionAction,
    FocusDomainAmbition,
    SteeringAction,
)
from processes.steering import operations, queries
from processes.steering.forms import ActionForm, EnterMeasurementForm, KpiForm
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401


def action_values(**changes: Any) -> dict[str, Any]:
    return {
        "focus_domain": "innovation",
        "title": "Proof of concept met een startup",
        "description": "",
        "kind": "technical",
        "owner_organisation_id": "ag-iv",
        "owner_user_id": "wim",
        "due_on": date(2026, 9, 30),
        "status": "planned",
        "project_id": None,
        **changes,
    }


def trail(committee: Committee, *actions: str) -> list[AuditEntry]:
    with committee.engine.db.read() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
        session.expunge_all()
    return [row for row in rows if not actions or row.action in actions]


def write(committee: Committee, change, user_id: str = "sara"):
    with operations.writing(committee.engine, committee.actor(user_id)) as w:
        return change(w)


def test_an_action_is_created_changed_and_done_with_an_audit_row_per_change(
    committee: Committee,
) -> None:
    action_id = write(committee, lambda w: operations.create_action(w, action_values()).id)
    [created] = trail(committee, "steering_action_created")
    assert created.actor == "sara" and created.case_id is None
    assert created.changes["title"] == {"before": None, "after": "Proof of concept met een startup"}
    assert created.changes["due_on"]["after"] == "2026-09-30"

    def edit(w: operations.Writer, **changes: Any) -> dict:
        return operations.update_action(
            w, w.session.get(SteeringAction, action_id), action_values(**changes)
        )

    assert write(committee, lambda w: edit(w)) == {}  # nothing changed: no audit row
    assert trail(committee, "steering_action_updated") == []
    write(committee, lambda w: edit(w, status="done", owner_user_id=None))
    [updated] = trail(committee, "steering_action_updated")
    assert set(updated.changes) == {"status", "owner_user_id", "done_on"}
    assert updated.changes["status"] == {"before": "planned", "after": "done"}
    with committee.engine.db.read() as session:
        row = session.get(SteeringAction, action_id)
        assert (row.status, row.done_on, row.owner_user_id) == ("done", committee.today(), None)

    # Back to running: no longer done, so no done date.
    write(committee, lambda w: operations.set_action_status(
        w, w.session.get(SteeringAction, action_id), "running"))  # fmt: skip
    [status] = trail(committee, "steering_action_status")
    assert status.changes == {
        "status": {"before": "done", "after": "running"},
        "done_on": {"before": committee.today().isoformat(), "after": None},
    }


def test_a_deputy_writes_for_the_person_they_stand_in_for(committee: Committee) -> None:
    engine = committee.engine
    start = committee.clock.now()
    engine.set_deputy("sara", "mo", start, start.replace(year=2027), committee.actor("sara"))
    deputy = engine.acting_for("mo", "sara")
    with operations.writing(engine, deputy) as w:
        operations.create_action(w, action_values())
    [created] = trail(committee, "steering_action_created")
    assert (created.actor, created.on_behalf_of) == ("mo", "sara")


def test_links_are_audited_once_and_refuse_what_does_not_exist(committee: Committee) -> None:
    decided = committee.reference
    action_id = write(committee, lambda w: operations.create_action(w, action_values()).id)
    kpi_id = write(
        committee,
        lambda w: operations.create_kpi(
            w,
            {"focus_domain": "innovation", "name": "Afgeronde PoC's", "unit": "PoC's",
             "baseline": None, "target": 10.0, "target_on": date(2027, 6, 30),
             "higher_is_better": True, "owner_user_id": None, "measure_every_months": 6},
        ).id,
    )  # fmt: skip
    assert write(committee, lambda w: operations.link(w, "decision_action", decided.decision_id,
                                                      action_id)) is True  # fmt: skip
    assert write(committee, lambda w: operations.link(w, "decision_action", decided.decision_id,
                                                      action_id)) is False  # fmt: skip
    assert write(committee, lambda w: operations.link(w, "action_kpi", action_id, kpi_id)) is True
    [linked] = trail(committee, "decision_action_linked")
    assert linked.changes == {
        "decision_id": {"before": None, "after": decided.decision_id},
        "action_id": {"before": None, "after": action_id},
    }

    for kind, first, second in (
        ("decision_action", 987654, action_id),
        ("decision_kpi", decided.decision_id, 987654),
        ("action_kpi", 987654, kpi_id),
    ):
        with pytest.raises(operations.SteeringError, match="does not exist"):
            write(committee, lambda w, k=kind, a=first, b=second: operations.link(w, k, a, b))
    assert len(trail(committee, "decision_kpi_linked")) == 0

    with committee.engine.db.read() as session:
        view = queries.kpi_view(session, kpi_id)
        assert view is not None and view.action_ids == [action_id]
        action = queries.action_view(session, action_id)
        assert action is not None
        assert (action.decision_ids, action.kpi_ids) == ([decided.decision_id], [kpi_id])

    assert write(committee, lambda w: operations.unlink(w, "action_kpi", action_id, kpi_id))
    assert not write(committee, lambda w: operations.unlink(w, "action_kpi", action_id, kpi_id))
    assert len(trail(committee, "action_kpi_unlinked")) == 1
    with committee.engine.db.read() as session:
        assert session.execute(select(ActionKpi)).first() is None
        assert session.execute(select(DecisionAction)).first() is not None


def test_the_plans_ambitions_are_seeded_and_the_secretariat_edits_them(
    committee: Committee,
) -> None:
    with committee.engine.db.read() as session:
        seeded = queries.ambitions(session)
    assert set(seeded) == {
        "intergovernmental_cooperation", "innovation", "financing", "digital_upskilling",
        "streamlining_sites_counters", "common_counter_functions", "generic_process_parts",
    }  # fmt: skip
    assert seeded["innovation"].ambition_nl.startswith("Innovatieve projecten faciliteren")
    assert seeded["innovation"].ambition_en.startswith("Facilitate innovative projects")
    assert "één loket in de Dorpsstraat" in seeded["streamlining_sites_counters"].ambition_nl

    write(committee, lambda w: operations.save_ambition(w, "privacy", "Privacy by design.",
                                                        "Privacy by design."))  # fmt: skip
    changed = write(committee, lambda w: operations.save_ambition(
        w, "innovation", "Innovatie faciliteren.", seeded["innovation"].ambition_en))  # fmt: skip
    assert set(changed) == {"ambition_nl"}
    with committee.engine.db.read() as session:
        assert session.get(FocusDomainAmbition, "privacy").ambition_nl == "Privacy by design."
    assert [e.action for e in trail(committee, "ambition_written", "ambition_updated")] == [
        "ambition_written", "ambition_updated",
    ]  # fmt: skip


def test_the_forms_refuse_what_cannot_be_stored(committee: Committee) -> None:
    good = {
        "focus_domain": "innovation", "title": "PoC", "kind": "technical",
        "due_on": "2026-09-30",
    }  # fmt: skip
    assert ActionForm().load(good)["status"] == "planned"
    for field, wrong in (
        ("focus_domain", "onbekend"),
        ("kind", "feest"),
        ("title", "   "),
        ("title", "x" * 201),
        ("due_on", "2040-01-01"),
        ("status", "klaar"),
    ):
        assert field in ActionForm().validate({**good, field: wrong}), field
    assert "onbekend_veld" in ActionForm().validate({**good, "onbekend_veld": 1})
    kpi = {
        "focus_domain": "data", "name": "Open datasets", "unit": "datasets", "target": 250,
        "target_on": "2027-12-31", "measure_every_months": 3,
    }  # fmt: skip
    assert KpiForm().load(kpi)["higher_is_better"] is True
    for field, wrong in (("target", "veel"), ("target", True), ("measure_every_months", 0),
                         ("measure_every_months", 13), ("unit", "")):  # fmt: skip
        assert field in KpiForm().validate({**kpi, field: wrong}), field
    assert "value" in EnterMeasurementForm().validate({"value": float("nan"),
                                                       "measured_on": "2026-03-02"})  # fmt: skip
