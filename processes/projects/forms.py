"""Forms of the project register and of its follow-up (`project_followup`).

* :class:`ProjectForm`: register a project (the secretariat, page *Nieuw project*); also what
  :mod:`processes.projects.writes` accepts.
* :class:`FollowupStartForm`: start the follow-up of a registered project, picked by name.
* :class:`ProgressReportForm`: the owner's progress report (task *Voortgangsrapport*): health,
  budget spent, per milestone the forecast or the date it was reached, a summary, and whether
  the project still runs.

Strict (unknown fields refused), lengths bounded, dates checked against today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from processes.records import dates, formkit
from processes.records.formkit import Identifier, StrictForm, Text, meta
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import BUILDING_BLOCKS, PROJECT_STATUSES, REPORT_HEALTH

PROCESS = "project_followup"
START_EVENT = "pf_start"
REPORT_TASK = "progress_report"
PROJECTS_SOURCE = "projects_to_follow"
"""The picker of projects whose follow-up can start (see :mod:`processes.projects.queries`)."""

MAX_MILESTONES = 30
MAX_BUDGET = 2_000_000_000
"""Whole euros (the register's columns are 32-bit integers)."""

ONGOING: dict[str, dict[str, str]] = {
    "running": {"nl": "Het project loopt verder", "en": "The project continues"},
    "completed": {"nl": "Het project is afgerond", "en": "The project is completed"},
    "stopped": {"nl": "Het project is stopgezet", "en": "The project is stopped"},
}


def _within(years: int) -> Any:
    """A date at most `years` years before or after today (a typo such as 2206 is refused)."""

    def check(value: date) -> None:
        now = dates.today()
        span = timedelta(days=round(365.25 * years))
        if not now - span <= value <= now + span:
            raise ValidationError(
                f"Kies een datum binnen {years} jaar van vandaag. / "
                f"Choose a date within {years} years of today."
            )

    return check


def _budget(label: tuple[str, str], help: tuple[str, str]) -> fields.Integer:
    return formkit.integer(label, help=help, required=True, maximum=MAX_BUDGET)


class MilestonePlanForm(StrictForm):
    """One milestone of a registered project: what, and when it is planned."""

    title = Text(
        required=True,
        max_length=200,
        metadata=meta(
            "Mijlpaal", "Milestone", "Wat is er dan klaar?", "What is done by then?"
        ),
    )
    planned_on = formkit.day(
        ("Gepland op", "Planned for"), required=True, check=_within(10)
    )


class ProjectForm(StrictForm):
    """Register a digitisation project (the secretariat)."""

    title = Text(
        required=True,
        max_length=200,
        metadata=meta("Titel", "Title", "De naam van het project.", "The project's name."),
    )
    description = Text(
        load_default="",
        min_length=0,
        max_length=4000,
        metadata=meta(
            "Beschrijving",
            "Description",
            "Wat het project oplevert en voor wie.",
            "What the project delivers and for whom.",
        ),
    )
    owner_organisation_id = formkit.picked(
        "organisations",
        Identifier(
            required=True,
            metadata=meta(
                "Eigenaar (overheidsinstantie)",
                "Owner (entity)",
                "De overheidsinstantie die het project trekt.",
                "The entity that runs the project.",
            ),
        ),
    )
    owner_user_id = formkit.picked(
        "users",
        Identifier(
            required=True,
            metadata=meta(
                "Projecteigenaar",
                "Project owner",
                "De persoon die de voortgangsrapporten schrijft.",
                "The person who writes the progress reports.",
            ),
        ),
    )
    vrd2 = formkit.flag(
        ("VRD2-project", "VRD2 project"),
        help=(
            "Hoort het project bij Vlaanderen Radicaal Digitaal 2?",
            "Is the project part of Vlaanderen Radicaal Digitaal 2?",
        ),
    )
    status = formkit.choice(
        ("Status", "Status"), PROJECT_STATUSES, default="planned"
    )
    started_on = formkit.day(("Gestart op", "Started on"), check=_within(10))
    planned_end_on = formkit.day(("Gepland einde", "Planned end"), check=_within(10))
    budget_planned = _budget(
        ("Gepland budget (euro)", "Planned budget (euro)"),
        ("Het totale budget in hele euro.", "The whole budget in whole euros."),
    )
    report_every_weeks = formkit.integer(
        ("Voortgangsrapport elke ... weken", "Progress report every ... weeks"),
        help=(
            "Hoe vaak de eigenaar rapporteert (1 tot 26 weken). Leeg: het ritme uit de "
            "beslissingstabel 'Rapportageritme van een project'.",
            "How often the owner reports (1 to 26 weeks). Empty: the rhythm from the "
            "'project reporting rhythm' decision table.",
        ),
        minimum=1,
        maximum=26,
    )
    focus_domains = formkit.choices_list(
        ("Focusdomeinen", "Focus domains"),
        FOCUS_DOMAINS,
        help=(
            "De focusdomeinen van het strategisch plan waaraan het project bijdraagt.",
            "The strategic plan's focus domains the project contributes to.",
        ),
    )
    blocks_used = formkit.choices_list(
        ("Gebruikte bouwstenen", "Building blocks used"),
        BUILDING_BLOCKS,
        help=("Generieke bouwstenen die het project hergebruikt.",
              "Generic building blocks the project reuses."),
    )  # fmt: skip
    blocks_delivered = formkit.choices_list(
        ("Op te leveren bouwstenen", "Building blocks delivered"),
        BUILDING_BLOCKS,
        help=("Generieke bouwstenen die het project (mee) oplevert.",
              "Generic building blocks the project delivers."),
    )  # fmt: skip
    partners = formkit.picked(
        "organisations",
        formkit.identifiers(
            ("Partners", "Partners"),
            help=("Overheidsinstanties die meewerken.", "Entities that take part."),
            max_items=30,
        ),
    )
    sponsors = formkit.picked(
        "organisations",
        formkit.identifiers(
            ("Sponsors", "Sponsors"),
            help=("Overheidsinstanties die mee betalen.", "Entities that co-fund it."),
            max_items=30,
        ),
    )
    milestones = fields.List(
        fields.Nested(MilestonePlanForm),
        load_default=list,
        validate=validate.Length(
            max=MAX_MILESTONES,
            error=f"Ten hoogste {MAX_MILESTONES} mijlpalen. / At most {MAX_MILESTONES} "
            "milestones.",
        ),
        metadata=meta(
            "Mijlpalen",
            "Milestones",
            "Wat wanneer klaar moet zijn.",
            "What must be done by when.",
        ),
    )

    @validates_schema
    def _end_after_start(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("started_on"), data.get("planned_end_on")
        if start and end and end < start:
            raise ValidationError(
                {
                    "planned_end_on": [
                        "Het geplande einde ligt vóór de start. / The planned end is before "
                        "the start."
                    ]
                }
            )


class FollowupStartForm(StrictForm):
    """Start: the secretariat picks a registered project whose follow-up is not running."""

    project_id = formkit.picked(
        PROJECTS_SOURCE,
        formkit.case_id(
            ("Project", "Project"),
            help=(
                "Het project uit het register dat je wilt opvolgen.",
                "The project from the register to follow up.",
            ),
            required=True,
        ),
    )


class MilestoneUpdateForm(StrictForm):
    """One milestone in a progress report: the new forecast, or the date it was reached."""

    milestone_id = formkit.case_id(("Mijlpaal", "Milestone"), required=True)
    forecast_on = formkit.day(
        ("Verwacht op", "Expected on"),
        help=("Wanneer je de mijlpaal nu verwacht.", "When you now expect the milestone."),
        check=_within(10),
    )
    done_on = formkit.day(
        ("Bereikt op", "Reached on"),
        help=("Alleen als de mijlpaal bereikt is.", "Only when the milestone was reached."),
        check=formkit.not_after_today(max_years_back=10),
    )


class ProgressReportForm(StrictForm):
    """The project owner's periodic progress report."""

    health = formkit.choice(
        ("Hoe staat het project ervoor?", "How is the project doing?"),
        REPORT_HEALTH,
        help=(
            "Je eigen inschatting: op schema, risico, of ontspoord.",
            "Your own judgement: on track, at risk, or off track.",
        ),
        required=True,
    )
    budget_spent = _budget(
        ("Besteed budget tot nu (euro)", "Budget spent so far (euro)"),
        ("Wat er tot vandaag is uitgegeven, in hele euro.", "Spent until today, whole euros."),
    )
    milestones = fields.List(
        fields.Nested(MilestoneUpdateForm),
        load_default=list,
        validate=validate.Length(
            max=MAX_MILESTONES,
            error=f"Ten hoogste {MAX_MILESTONES} mijlpalen. / At most {MAX_MILESTONES} "
            "milestones.",
        ),
        metadata=meta("Mijlpalen", "Milestones"),
    )
    summary = Text(
        required=True,
        min_length=10,
        max_length=4000,
        metadata=meta(
            "Samenvatting",
            "Summary",
            "Wat er sinds het vorige rapport gebeurde en wat er nu speelt.",
            "What happened since the previous report and what is at stake now.",
        ),
    )
    project_status = formkit.choice(
        ("Loopt het project verder?", "Does the project continue?"),
        ONGOING,
        help=(
            "Afgerond of stopgezet beëindigt de opvolging.",
            "Completed or stopped ends the follow-up.",
        ),
        required=True,
    )

    @validates_schema
    def _each_milestone_once(self, data: dict[str, Any], **_: Any) -> None:
        ids = [m["milestone_id"] for m in data.get("milestones") or []]
        if len(ids) != len(set(ids)):
            raise ValidationError(
                {"milestones": ["Elke mijlpaal mag maar één keer voorkomen. / Each milestone "
                                "may appear only once."]}
            )  # fmt: skip


FORMS: dict[str, type[Schema]] = {
    START_EVENT: FollowupStartForm,
    REPORT_TASK: ProgressReportForm,
}
"""Schema per BPMN element id of `project_followup`."""
