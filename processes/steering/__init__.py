"""Process package 'steering': actions and KPIs per focus domain (the *sturingskader*).

The strategic plan: following up the focus domains "moet leiden tot specifieke acties ...
Indien deze acties kwantificeerbaar zijn, zal het Stuurorgaan hier high level KPI's aan
koppelen". The secretariat keeps each focus domain's ambition, its actions (with owner, due
date and status) and its KPIs (target, target date, rhythm); decisions link to both
(:mod:`processes.steering.operations`, audited). Each KPI has one `kpi_measurement` case that
asks its owner for a value every few months until the target date
(``bpmn/kpi_measurement.bpmn``; due dates and reminders in ``bpmn/policy/32-kpis.toml``).
"""

from __future__ import annotations

from engine import Registry
from processes.records import brief
from processes.records import steering as _records  # noqa: F401  (tables into Base.metadata)
from processes.steering import services
from processes.steering.briefs import BRIEFS, case_view
from processes.steering.forms import FORMS, PROCESS


def register(registry: Registry) -> None:
    """Add this package's forms, briefs and service handlers."""
    for (process_id, element_id), schema in FORMS.items():
        registry.form(process_id, element_id, schema)
    brief.register(registry, PROCESS, BRIEFS, case_view)
    services.register(registry)
