"""Process package 'escalations': escalation to the Flemish Government (`government_escalation`).

The secretariat prepares a dossier, the chair approves it, it is sent, and the government
liaison records the answer: a binding agreement starts comply-or-explain; a refusal or an
amendment goes back onto the committee's agenda as an escalation.
"""

from __future__ import annotations

from engine import Registry
from processes.escalations import services
from processes.escalations.briefs import BRIEFS, case_view
from processes.escalations.forms import FORMS, PROCESS
from processes.records import brief
from processes.records import followup as _records  # noqa: F401  (tables into Base.metadata)


def register(registry: Registry) -> None:
    """Add this package's forms, briefs and service handlers."""
    for element_id, schema in FORMS.items():
        registry.form(PROCESS, element_id, schema)
    brief.register(registry, PROCESS, BRIEFS, case_view)
    services.register(registry)
