"""Process package 'projects': the register of digitisation projects and their follow-up
(`project_followup`).

The register (:mod:`processes.projects.writes`, :mod:`processes.projects.queries`
reads) holds each project's owner entity, VRD2 or not, focus domains, building blocks used and
delivered, partners and sponsors, budget and milestones. The follow-up is one case per project:
the secretariat starts it for a registered project; every few weeks (the project's own rhythm
or the decision table *Rapportageritme van een project*) the project owner writes a progress
report; the decision table *Tolerantie van een project* says whether it breaks a tolerance
(budget, milestone delay), and if it does the case submits a topic to the committee by itself,
linked to the project and the report. It ends when a report says the project is completed or
stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine import FormInput, Registry
from processes.projects import queries, services
from processes.projects.briefs import BRIEFS, case_view
from processes.projects.forms import FORMS, PROCESS, PROJECTS_SOURCE, REPORT_TASK
from processes.projects.writes import milestones_of
from processes.records import brief, choices
from processes.records import steering as _records  # noqa: F401  (tables into Base.metadata)


def _project_options(session: Session, _language: str) -> list[choices.Option]:
    return [choices.Option(str(p.id), p.title) for p in queries.followable(session)]


SOURCE = choices.Source(
    _project_options,
    queries.followable_ids,
    (
        "Project {values} bestaat niet, is afgelopen of wordt al opgevolgd. Kies een project "
        "uit de lijst.",
        "Project {values} does not exist, has ended or is followed up already. Choose a project "
        "from the list.",
    ),
)


def check_report(session: Session, form: FormInput) -> Mapping[str, Any]:
    """The report's milestones are the followed project's own (refused by field otherwise)."""
    if (form.process_id, form.element_id) != (PROCESS, REPORT_TASK) or form.case_id is None:
        return {}
    project = queries.project_of_followup(session, form.case_id)
    if project is None:
        return {}
    own = {m.id for m in milestones_of(session, project.id)}
    errors: dict[str, Any] = {}
    for index, entry in enumerate(form.data.get("milestones") or []):
        if isinstance(entry, dict) and entry.get("milestone_id") not in own:
            errors[f"milestones.{index}.milestone_id"] = [
                "Deze mijlpaal hoort niet bij dit project. / This milestone is not one of this "
                "project's."
            ]
    return errors


def register(registry: Registry) -> None:
    """Add this package's forms, briefs, service handlers, picker and form check."""
    choices.SOURCES.setdefault(PROJECTS_SOURCE, SOURCE)
    for element_id, schema in FORMS.items():
        registry.form(PROCESS, element_id, schema)
    brief.register(registry, PROCESS, BRIEFS, case_view)
    services.register_handlers(registry)
    registry.form_check(check_report)
