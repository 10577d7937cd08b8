"""Service tasks of the KPI measurement process (`kpi_measurement`): tie the case to its KPI and
plan the first measurement; store each measurement the owner enters (audited) and plan the next.

Both hand the model the same view of the KPI (``kpi``): its id and owner (who gets the task),
``more`` (is another measurement due?) and ``ask_at`` (when the timer asks for it). The
schedule is read from the KPI each time, so a rhythm or target date the secretariat changes
applies from the next measurement on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine import Registry, ServiceCall
from engine.running.registry import NewTask
from processes.followup import recording
from processes.followup.recording import RecordError
from processes.records import dates
from processes.records.notify import day_names, notify, role_holders
from processes.records.steering import Kpi, KpiMeasurement
from processes.steering import schedule
from processes.steering.briefs import number
from processes.steering.forms import PROCESS, EnterMeasurementForm, KpiMeasurementStartForm


def kpi_view(kpi: Kpi, previous: date) -> dict[str, Any]:
    """What the model reads: who measures, whether another measurement is due, and when."""
    upcoming = schedule.next_measurement(previous, kpi.measure_every_months, kpi.target_on)
    return {
        "id": kpi.id,
        "name": kpi.name,
        "owner_user_id": kpi.owner_user_id,
        "target_on": kpi.target_on.isoformat(),
        "more": upcoming is not None,
        "due_on": upcoming.isoformat() if upcoming else None,
        "ask_at": schedule.asked_at_iso(upcoming) if upcoming else None,
    }


def _load(call: ServiceCall, params: dict[str, Any]) -> Kpi:
    kpi = recording.load(call.session, Kpi, params.get("kpi_id"), "KPI")
    if kpi.measurement_case_id not in (None, call.case_id):
        raise RecordError(f"KPI {kpi.id} is measured in case {kpi.measurement_case_id}")
    return kpi


def open_measurements(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Tie this case to its KPI; plan the first measurement."""
    recording.validated(KpiMeasurementStartForm, call.data, "KPI measurement start")
    kpi = _load(call, params)
    recording.update(call, kpi, {"measurement_case_id": call.case_id}, "kpi_case_linked")
    return kpi_view(kpi, dates.local_date(call.clock.now()))


def record_measurement(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the value the owner entered (a second value for the same day replaces the first,
    audited as a correction); plan the next measurement from the planned date of this one."""
    kpi = _load(call, params)
    entered = recording.validated(EnterMeasurementForm, call.data, "measurement")
    planned = recording.as_date(params.get("due_on"), "due_on")
    now = call.clock.now()
    existing = call.session.execute(
        select(KpiMeasurement).where(
            KpiMeasurement.kpi_id == kpi.id, KpiMeasurement.measured_on == entered["measured_on"]
        )
    ).scalar_one_or_none()
    values = {"value": entered["value"], "note": entered["note"] or None}
    if existing is None:
        row = KpiMeasurement(
            kpi_id=kpi.id,
            measured_on=entered["measured_on"],
            case_id=call.case_id,
            entered_by=call.actor,
            entered_at=now,
            **values,
        )
        recording.create(call, row, "kpi_measured", reason=f"KPI {kpi.id}")
    else:
        recording.update(
            call,
            existing,
            {**values, "entered_by": call.actor, "entered_at": now, "case_id": call.case_id},
            "kpi_measurement_corrected",
            reason=f"KPI {kpi.id}",
        )
    return kpi_view(kpi, planned)


HANDLERS = {
    "steering/open_measurements": open_measurements,
    "steering/record_measurement": record_measurement,
}
"""Operator name → handler (the `kpi_measurement` model)."""


def register(registry: Registry) -> None:
    for name, handler in HANDLERS.items():
        registry.service(name)(handler)
    registry.on_task(PROCESS, "enter_measurement")(measurement_due)


def measurement_due(call: ServiceCall, task: NewTask) -> None:
    """Tell the owner (or, without one, the secretariat) that a measurement is asked for."""
    view = call.data.get("kpi") or {}
    kpi = call.session.get(Kpi, view.get("id")) if isinstance(view.get("id"), int) else None
    if kpi is None:
        return
    users = [task.assignee] if task.assignee else role_holders(call, task.role, task.scope)
    notify(
        call,
        users,
        event="kpi_measurement_due",
        template="kpi_measurement_due",
        params={
            "kpi_name": kpi.name,
            "target": number(kpi.target, kpi.unit),
            "due_date": day_names(dates.local_date(task.due_at) if task.due_at else None),
        },
    )
