"""Process package 'followup': comply-or-explain (pas toe of leg uit).

`comply_or_explain` takes a decision that binds entities by a deadline, creates one obligation
per entity and starts one `obligation` case per entity. In that case the entity's contact
complies or explains, the secretariat assesses explanations, and overdue answers are flagged
and escalated. `processes.followup.queries` gives the steering framework's matrix.

Why one case per entity rather than a multi-instance subprocess: the policy's escalation
message goes to a whole case, so in one shared case it would interrupt every entity's task at
once; separate cases also keep each entity's timeline, tasks and audit trail apart (entity
contacts see only theirs) and keep each case's state small.

This package also holds the helpers the working-group and escalation packages share (forms,
timing, audited records, returning to the agenda).
"""

from __future__ import annotations

from engine import Registry
from processes.followup import services
from processes.followup.briefs import BRIEFS, followup_case_view, obligation_case_view
from processes.followup.forms import FORMS, OBLIGATION_PROCESS, PROCESS
from processes.records import brief
from processes.records import followup as _records  # noqa: F401  (tables into Base.metadata)


def register(registry: Registry) -> None:
    """Add this package's forms, briefs and service handlers."""
    for (process_id, element_id), schema in FORMS.items():
        registry.form(process_id, element_id, schema)
    brief.register(registry, OBLIGATION_PROCESS, BRIEFS, obligation_case_view)
    brief.register(registry, PROCESS, {}, followup_case_view)
    services.register(registry)
