"""Process package 'workgroups': the working-group assignment (`working_group_assignment`).

The committee gives a working group a mandate; the chair approves it, the working group's chair
accepts it, the group reports progress every few weeks and submits its report, and the
secretariat bundles it into a plain-language proposal that goes back onto an agenda.
"""

from __future__ import annotations

from engine import Registry
from processes.records import brief
from processes.records import followup as _records  # noqa: F401  (tables into Base.metadata)
from processes.workgroups import services
from processes.workgroups.briefs import BRIEFS, case_view
from processes.workgroups.forms import FORMS, PROCESS


def register(registry: Registry) -> None:
    """Add this package's forms, briefs and service handlers."""
    for element_id, schema in FORMS.items():
        registry.form(PROCESS, element_id, schema)
    brief.register(registry, PROCESS, BRIEFS, case_view)
    services.register(registry)
