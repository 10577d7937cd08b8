"""Process package 'reviews': the committee's review (toetsing) of a digitisation project
outside VRD2 that goes to the Flemish Government (`project_review`).

The secretariat takes the request in, checks the project against the register for overlap with
other projects and governments (Afstemming), reuse of existing building blocks (Samenwerking)
and possible partners (Financiering), and drafts an advice; the chair approves it or sends it
back. The approved advice is a formal record on the project (``project_review``), due a number
of working days before the government's meeting (the policy, ``bpmn/policy/31-reviews.toml``).
`processes.reviews.queries.reviews_of` gives a project's reviews to the project page and API.
"""

from __future__ import annotations

from engine import Registry
from processes.records import brief
from processes.records import steering as _records  # noqa: F401  (tables into Base.metadata)
from processes.reviews import services
from processes.reviews.briefs import BRIEFS, case_view
from processes.reviews.forms import FORMS, PROCESS


def register(registry: Registry) -> None:
    """Add this package's forms, briefs and service handlers."""
    for element_id, schema in FORMS.items():
        registry.form(PROCESS, element_id, schema)
    brief.register(registry, PROCESS, BRIEFS, case_view)
    services.register(registry)
