"""Forms of the working-group assignment (`working_group_assignment`): one per user task and
the start event. Strict (unknown fields refused), lengths bounded, dates checked against today.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from processes.records import formkit
from processes.records.formkit import Identifier, StrictForm, Text, meta

PROCESS = "working_group_assignment"


def _working_group(**kwargs: Any) -> Identifier:
    return formkit.picked(
        "working_groups",
        Identifier(
            metadata=meta(
                "Werkgroep",
                "Working group",
                "De werkgroep die de opdracht krijgt.",
                "The working group that receives the mandate.",
            ),
            **kwargs,
        ),
    )


def _question(**kwargs: Any) -> Text:
    return Text(
        max_length=4000,
        metadata=meta(
            "Vraag",
            "Question",
            "Wat moet de werkgroep onderzoeken?",
            "What should the working group investigate?",
        ),
        **kwargs,
    )


def _deliverable(**kwargs: Any) -> Text:
    return Text(
        max_length=4000,
        metadata=meta(
            "Op te leveren resultaat",
            "Deliverable",
            "Wat levert de werkgroep op (bv. een rapport met aanbevelingen)?",
            "What the working group delivers (e.g. a report with recommendations).",
        ),
        **kwargs,
    )


def _due_date(*, required: bool = False) -> fields.Date:
    return formkit.day(
        ("Uiterste datum", "Due date"),
        help=(
            "Datum waarop het rapport van de werkgroep binnen moet zijn.",
            "Date by which the working group's report is due.",
        ),
        check=formkit.not_before_today(max_years=3),
        required=required,
    )


def _every_weeks() -> fields.Integer:
    return formkit.integer(
        ("Voortgang elke ... weken", "Status update every ... weeks"),
        help=(
            "Hoe vaak de werkgroep de stand van zaken meldt (1 tot 26 weken). Leeg: het ritme "
            "uit de beslissingstabel 'Rapportageritme'.",
            "How often the working group reports progress (1 to 26 weeks). Empty: the rhythm "
            "from the 'reporting rhythm' decision table.",
        ),
        minimum=1,
        maximum=26,
    )


class MandateStartForm(StrictForm):
    """Start: a mandate for a working group, after the committee's decision."""

    topic_case_id = formkit.picked(
        "topics",
        formkit.case_id(
            ("Onderwerp", "Topic"),
            help=(
                "Het onderwerp waarover de werkgroep een opdracht krijgt.",
                "The topic the working group is mandated on.",
            ),
            required=True,
        ),
    )
    working_group_id = _working_group(required=True)
    question = _question(required=True)
    focus_domain = formkit.focus_domain()
    deliverable = _deliverable(required=True)
    due_date = _due_date(required=True)
    status_every_weeks = _every_weeks()


class ApproveMandateForm(StrictForm):
    """The committee's chair approves the mandate or sends it back."""

    approval = formkit.choice(
        ("Beslissing", "Decision"),
        {
            "approve": {"nl": "Goedkeuren", "en": "Approve"},
            "send_back": {"nl": "Terugsturen", "en": "Send back"},
        },
        help=(
            "Goedkeuren, of terugsturen naar het secretariaat.",
            "Approve, or send back to the secretariat.",
        ),
        required=True,
    )
    approval_comment = Text(
        load_default=None,
        allow_none=True,
        min_length=3,
        max_length=2000,
        metadata=meta(
            "Opmerking",
            "Comment",
            "Verplicht bij terugsturen: wat moet er anders?",
            "Required when sending back: what should change?",
        ),
    )

    rules = (
        formkit.required_when(
            ["approval_comment"],
            formkit.equals("approval", "send_back"),
            ("bij terugsturen", "when sending back"),
        ),
    )


class ReviseMandateForm(StrictForm):
    """The secretariat revises the mandate after the chair or the working group sent it back.
    The web form opens with the mandate as it stands."""

    prefill_from_case = (
        "working_group_id",
        "question",
        "focus_domain",
        "deliverable",
        "due_date",
        "status_every_weeks",
    )
    working_group_id = _working_group(required=True)
    question = _question(required=True)
    focus_domain = formkit.focus_domain()
    deliverable = _deliverable(required=True)
    due_date = _due_date(required=True)
    status_every_weeks = _every_weeks()
    revision_note = Text(
        load_default=None,
        allow_none=True,
        max_length=2000,
        metadata=meta(
            "Toelichting bij de wijziging",
            "Note on the revision",
            "Wat werd er aangepast?",
            "What was changed?",
        ),
    )


class AcceptMandateForm(StrictForm):
    """The working group's chair accepts the mandate or declines it with a reason."""

    acceptance = formkit.choice(
        ("Beslissing", "Decision"),
        {
            "accept": {"nl": "Aanvaarden", "en": "Accept"},
            "decline": {"nl": "Weigeren", "en": "Decline"},
        },
        help=("Aanvaarden, of weigeren met een reden.", "Accept, or decline with a reason."),
        required=True,
    )
    acceptance_comment = Text(
        load_default=None,
        allow_none=True,
        min_length=3,
        max_length=2000,
        metadata=meta(
            "Reden of opmerking",
            "Reason or comment",
            "Verplicht bij weigeren.",
            "Required when declining.",
        ),
    )

    rules = (
        formkit.required_when(
            ["acceptance_comment"],
            formkit.equals("acceptance", "decline"),
            ("bij weigeren", "when declining"),
        ),
    )


class StatusUpdateForm(StrictForm):
    """A periodic status update of the working group."""

    progress = Text(
        required=True,
        min_length=3,
        max_length=4000,
        metadata=meta(
            "Stand van zaken",
            "Progress",
            "Wat is er sinds de vorige melding gebeurd?",
            "What happened since the previous update?",
        ),
    )
    on_track = formkit.flag(
        ("Op schema", "On track"),
        help=(
            "Haalt de werkgroep de uiterste datum?",
            "Will the working group meet the due date?",
        ),
        required=True,
    )
    expected_report_date = formkit.day(
        ("Verwachte rapportdatum", "Expected report date"),
        help=(
            "Alleen als het rapport later komt dan gepland.",
            "Only when the report will come later than planned.",
        ),
        check=formkit.after_today(max_years=3),
    )

    rules = (
        formkit.required_when(
            ["expected_report_date"],
            formkit.equals("on_track", False),
            ("als de werkgroep niet op schema zit", "when not on track"),
        ),
    )


class SubmitReportForm(StrictForm):
    """The working group's chair submits the report."""

    report = Text(
        required=True,
        min_length=10,
        max_length=50_000,
        metadata=meta(
            "Rapport",
            "Report",
            "De resultaten van de werkgroep, zoals de voorzitter ze terugkoppelt.",
            "The working group's results, as its chair reports them back.",
        ),
    )
    recommendations = Text(
        load_default=None,
        allow_none=True,
        max_length=10_000,
        metadata=meta(
            "Aanbevelingen",
            "Recommendations",
            "Voorstellen aan het Stuurorgaan (optioneel).",
            "Proposals to the committee (optional).",
        ),
    )


class LateReportForm(StrictForm):
    """Escalation: the committee's chair decides on a late report."""

    late_decision = formkit.choice(
        ("Beslissing", "Decision"),
        {
            "extend": {"nl": "Termijn verlengen", "en": "Extend the due date"},
            "to_agenda": {"nl": "Op de agenda zetten", "en": "Put on the agenda"},
        },
        help=(
            "De termijn verlengen, of de zaak op de agenda van het Stuurorgaan zetten.",
            "Extend the due date, or put the matter on the committee's agenda.",
        ),
        required=True,
    )
    new_due_date = formkit.day(
        ("Nieuwe uiterste datum", "New due date"),
        help=("Verplicht bij verlengen.", "Required when extending."),
        check=formkit.after_today(max_years=3),
    )
    instruction = Text(
        required=True,
        min_length=3,
        max_length=2000,
        metadata=meta(
            "Toelichting",
            "Instruction",
            "Wat verwacht de voorzitter van de werkgroep (of het Stuurorgaan)?",
            "What the chair expects of the working group (or the committee).",
        ),
    )

    rules = (
        formkit.required_when(
            ["new_due_date"],
            formkit.equals("late_decision", "extend"),
            ("bij verlengen", "when extending"),
        ),
        formkit.empty_when(
            ["new_due_date"],
            formkit.differs("late_decision", "extend"),
            ("als je niet verlengt", "unless extending"),
        ),
    )


class BundleProposalForm(StrictForm):
    """The secretariat bundles the report into a plain-language proposal for the agenda."""

    title = Text(
        required=True,
        max_length=200,
        metadata=meta("Titel", "Title", "Korte titel van het voorstel.", "Short title."),
    )
    summary = Text(
        required=True,
        max_length=4000,
        metadata=meta(
            "Samenvattende nota",
            "Summary note",
            "De resultaten van de werkgroep in heldere taal.",
            "The working group's results in plain language.",
        ),
    )
    question = Text(
        required=True,
        max_length=4000,
        metadata=meta(
            "Voorstel tot besluit",
            "Proposed decision",
            "Wat wordt het Stuurorgaan gevraagd te beslissen?",
            "What the committee is asked to decide.",
        ),
    )
    impact = Text(
        required=True,
        max_length=4000,
        metadata=meta(
            "Impact",
            "Impact",
            "Gevolgen voor overheidsinstanties, burgers en budget.",
            "Consequences for entities, citizens and budget.",
        ),
    )
    affected_entities = formkit.picked(
        "organisations",
        formkit.identifiers(
            ("Betrokken overheidsinstanties", "Affected entities"),
            help=(
                "De overheidsinstanties die het voorstel raakt.",
                "The government entities the proposal affects.",
            ),
            min_items=0,
            max_items=50,
        ),
    )


FORMS: dict[str, type[Schema]] = {
    "wga_start": MandateStartForm,
    "approve_mandate": ApproveMandateForm,
    "revise_mandate": ReviseMandateForm,
    "accept_mandate": AcceptMandateForm,
    "status_update": StatusUpdateForm,
    "submit_report": SubmitReportForm,
    "handle_late_report": LateReportForm,
    "bundle_proposal": BundleProposalForm,
}
"""Schema per BPMN element id of `working_group_assignment`."""
