"""The KPI measurement process (`kpi_measurement`) end to end on a manual clock: one case per
KPI, started when the KPI is made; the timer asks the owner on the KPI's rhythm, reminders go
out before and on the due date, the secretariat hears of a late measurement, each value is
stored (audited), and the case ends after the measurement on the target date. Runs on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import Forbidden, ValidationFailed
from engine.storage.models import Notification
from processes.records.steering import Kpi, KpiMeasurement
from processes.steering import operations, schedule
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_notifications_people import read, sent

PROCESS = "kpi_measurement"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def kpi_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "focus_domain": "digital_upskilling",
        "name": "Ambtenaren met een basisopleiding digitalisering",
        "unit": "%",
        "baseline": 12.0,
        "target": 60.0,
        "target_on": date(2026, 9, 2),
        "higher_is_better": True,
        "owner_user_id": "wim",
        "measure_every_months": 3,
    }
    values.update(changes)
    return values


def defined(committee: Committee, **changes: Any) -> tuple[int, int]:
    """A KPI made by the secretariat (sara) and its measurement case: (kpi id, case id)."""
    kpi_id = operations.define_kpi(committee.engine, committee.actor("sara"), kpi_values(**changes))
    with committee.engine.db.read() as session:
        case_id = session.get(Kpi, kpi_id).measurement_case_id
    assert case_id is not None
    return kpi_id, case_id


def stored(committee: Committee, kpi_id: int) -> list[tuple[date, float, str, int | None]]:
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(KpiMeasurement)
            .where(KpiMeasurement.kpi_id == kpi_id)
            .order_by(KpiMeasurement.measured_on)
        ).scalars()
        return [(r.measured_on, r.value, r.entered_by, r.case_id) for r in rows]


def notified(committee: Committee, user_id: str, template: str) -> int:
    with committee.engine.db.read() as session:
        return len(
            session.execute(
                select(Notification.id).where(
                    Notification.user_id == user_id,
                    Notification.template == template,
                    Notification.channel == "inapp",
                )
            ).all()
        )


def actions(committee: Committee, case_id: int, element_id: str | None = None) -> list[str]:
    return [
        e.action
        for e in committee.engine.audit_trail(case_id)
        if element_id is None or e.element_id == element_id
    ]


def test_the_owner_is_asked_on_the_rhythm_reminded_and_the_case_ends_after_the_target_date(
    committee: Committee,
) -> None:
    kpi_id, case_id = defined(committee)
    case = committee.case(case_id)
    assert case.process_id == PROCESS and case.status == "running"
    assert case.data["kpi"]["due_on"] == "2026-06-02"  # three months after 2 March
    assert committee.tasks(case_id) == []  # nothing asked before the day

    committee.advance_to(at("2026-06-02T06:59"))  # 08:59 in Brussels (CEST)
    assert committee.tasks(case_id) == []
    committee.advance_to(at("2026-06-02T07:00"))  # 09:00 local: the owner's task
    task = committee.task(case_id, "enter_measurement")
    assert task.assignee == "wim"
    assert task.name == "KPI-meting invoeren"
    assert task.due_at is not None and task.due_at.date() == date(2026, 6, 16)  # 10 working days
    [asked] = sent(committee.engine, "wim", "kpi_measurement_due")  # told when it is asked
    dutch = read("kpi_measurement_due", asked)
    assert "Tijd voor een KPI-meting: Ambtenaren met een basisopleiding digitalisering" in dutch
    assert "(streefwaarde 60\u00a0%)" in dutch and "Graag tegen 16 juni 2026." in dutch
    assert "Please enter it by 16 June 2026." in read("kpi_measurement_due", asked, "en")

    # Only the owner may enter it: the secretariat sees it, but cannot do it.
    with pytest.raises(Forbidden):
        committee.engine.complete_task(
            task.id, {"value": 1.0, "measured_on": "2026-06-02"}, committee.actor("sara")
        )

    # Three working days before the due date, and on it: reminders to the owner.
    committee.advance_to(at("2026-06-11T07:30"))
    assert actions(committee, case_id, "enter_measurement").count("reminder_sent") == 1
    assert notified(committee, "wim", "reminder") == 1
    committee.advance_to(at("2026-06-16T07:30"))
    assert actions(committee, case_id, "enter_measurement").count("reminder_sent") == 2

    # Five working days after the due date: the secretariat is told.
    assert notified(committee, "sara", "escalation") == 0
    committee.advance_to(at("2026-06-24T07:30"))
    assert notified(committee, "sara", "escalation") == 1
    assert committee.task(case_id, "enter_measurement").id == task.id  # still open

    # The owner enters the value: stored, audited, and the next measurement is the target date.
    done = committee.complete(
        case_id,
        "enter_measurement",
        {"value": 31.5, "measured_on": "2026-06-20", "note": "Bron: opleidingsregister"},
        "wim",
    )
    assert stored(committee, kpi_id) == [(date(2026, 6, 20), 31.5, "wim", case_id)]
    assert "kpi_measured" in actions(committee, case_id, "record_measurement")
    assert done.data["kpi"]["due_on"] == "2026-09-02"
    assert committee.tasks(case_id) == []

    # On the target date: the last measurement, then the case ends.
    committee.advance_to(at("2026-09-02T07:00"))
    committee.complete(
        case_id, "enter_measurement", {"value": 58.0, "measured_on": "2026-09-02"}, "wim"
    )
    assert [value for _day, value, _by, _case in stored(committee, kpi_id)] == [31.5, 58.0]
    assert committee.case(case_id).status == "completed"
    assert committee.case(case_id).data["kpi"]["more"] is False


def test_a_wrong_value_is_refused_and_nothing_is_stored(committee: Committee) -> None:
    kpi_id, case_id = defined(committee, measure_every_months=1)
    committee.advance_to(at("2026-04-02T07:00"))
    task = committee.task(case_id, "enter_measurement")
    for wrong in ("veel", None, True, float("inf")):
        with pytest.raises(ValidationFailed) as caught:
            committee.engine.complete_task(
                task.id, {"value": wrong, "measured_on": "2026-04-02"}, committee.actor("wim")
            )
        assert "value" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:  # a measurement in the future
        committee.engine.complete_task(
            task.id, {"value": 3.0, "measured_on": "2026-05-02"}, committee.actor("wim")
        )
    assert "measured_on" in caught.value.errors
    assert stored(committee, kpi_id) == []
    assert committee.task(case_id, "enter_measurement").id == task.id


def test_a_second_value_for_the_same_day_corrects_the_first(committee: Committee) -> None:
    kpi_id, case_id = defined(committee, measure_every_months=1)
    committee.advance_to(at("2026-04-02T07:00"))
    committee.complete(case_id, "enter_measurement", {"value": 20, "measured_on": "2026-04-02"},
                       "wim")  # fmt: skip
    committee.advance_to(at("2026-05-04T07:00"))
    committee.complete(case_id, "enter_measurement", {"value": 22, "measured_on": "2026-04-02"},
                       "wim")  # fmt: skip
    assert [v for _d, v, _b, _c in stored(committee, kpi_id)] == [22.0]
    assert "kpi_measurement_corrected" in actions(committee, case_id, "record_measurement")


def test_without_an_owner_the_secretariat_measures(committee: Committee) -> None:
    _kpi_id, case_id = defined(committee, owner_user_id=None)
    committee.advance_to(at("2026-06-02T07:00"))
    task = committee.task(case_id, "enter_measurement")
    assert (task.assignee, task.role) == (None, "secretariat")
    assert notified(committee, "sara", "kpi_measurement_due") == 1


def test_a_target_date_already_passed_asks_nothing(committee: Committee) -> None:
    _kpi_id, case_id = defined(committee, target_on=date(2026, 2, 1))
    assert committee.case(case_id).status == "completed"
    assert committee.tasks(case_id) == []


def test_the_rhythm_counts_calendar_months_and_stops_at_the_target_date() -> None:
    assert schedule.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert schedule.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    target = date(2026, 12, 31)
    assert schedule.next_measurement(date(2026, 3, 2), 6, target) == date(2026, 9, 2)
    assert schedule.next_measurement(date(2026, 9, 2), 6, target) == target
    assert schedule.next_measurement(target, 6, target) is None
    with pytest.raises(ValueError):
        schedule.next_measurement(date(2026, 3, 2), 0, target)
