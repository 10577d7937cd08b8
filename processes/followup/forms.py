"""Forms of comply-or-explain: the decision-level start (`comply_or_explain`) and the
per-entity obligation (`obligation`). Strict (unknown fields refused), lengths bounded, dates
checked against :func:`processes.records.dates.today`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from processes.records import formkit
from processes.records.formkit import Identifier, StrictForm, Text, meta

PROCESS = "comply_or_explain"
OBLIGATION_PROCESS = "obligation"

MAX_ENTITIES = 500


def _decision_id(*, required: bool = False) -> fields.Integer:
    return formkit.picked(
        "decisions",
        formkit.case_id(
            ("Besluit", "Decision"),
            help=(
                "Het besluit (of de bindende afspraak) dat opgevolgd wordt.",
                "The decision (or binding agreement) being followed up.",
            ),
            required=required,
        ),
    )


def _decision_text(**kwargs: Any) -> Text:
    return Text(
        max_length=20_000,
        metadata=meta(
            "Tekst van het besluit",
            "Text of the decision",
            "Wat de instanties moeten toepassen.",
            "What the entities must apply.",
        ),
        **kwargs,
    )


def _deadline(*, required: bool = False) -> fields.Date:
    return formkit.day(
        ("Uiterste datum", "Deadline"),
        help=(
            "Tegen wanneer elke instantie toepast of uitlegt.",
            "By when each entity complies or explains.",
        ),
        check=formkit.not_before_today(max_years=3),
        required=required,
    )


class ComplyOrExplainStartForm(StrictForm):
    """Start: a decision binds entities by a deadline. Started by a topic's or an escalation's
    binding decision (which set the source case); the secretariat may start one by hand, for a
    decision picked from the list."""

    decision_id = _decision_id(required=True)
    decision_text = _decision_text(required=True)
    deadline = _deadline(required=True)
    entities = formkit.picked(
        "organisations",
        formkit.identifiers(
            ("Gebonden instanties", "Bound entities"),
            help=(
                "De overheidsinstanties die moeten toepassen of uitleggen (minstens één).",
                "The government entities that must comply or explain (at least one).",
            ),
            min_items=1,
            max_items=MAX_ENTITIES,
            required=True,
        ),
    )
    focus_domain = formkit.focus_domain()
    source_case_id = formkit.set_by_system(
        formkit.case_id(
            ("Herkomst", "Source"),
            help=(
                "Het dossier waaruit het besluit komt (onderwerp of escalatie).",
                "The case the decision comes from (topic or escalation).",
            ),
        )
    )


class ObligationStartForm(StrictForm):
    """Start of one entity's follow-up: only comply-or-explain starts it (it creates the
    obligation record first), so the web offers no form for it."""

    obligation_id = formkit.set_by_system(
        formkit.case_id(
            ("Verplichting", "Obligation"),
            help=("De op te volgen verplichting.", "The obligation to follow up."),
            required=True,
        )
    )
    decision_id = _decision_id(required=True)
    decision_text = _decision_text(required=True)
    entity_id = formkit.picked(
        "organisations",
        Identifier(
            required=True,
            metadata=meta(
                "Instantie",
                "Entity",
                "De gebonden overheidsinstantie.",
                "The bound government entity.",
            ),
        ),
    )
    deadline = _deadline(required=True)
    focus_domain = formkit.focus_domain()
    parent_case_id = formkit.set_by_system(
        formkit.case_id(
            ("Opvolgingsdossier", "Follow-up case"),
            help=(
                "Het pas-toe-of-leg-uit-dossier van het besluit.",
                "The comply-or-explain case of the decision.",
            ),
            required=True,
        )
    )


_COMPLY = ("what_done", "done_on", "evidence")
_EXPLAIN = ("reason", "risks", "mitigation", "planned_on")


def _long(label: tuple[str, str], help_text: tuple[str, str], min_length: int = 3) -> Text:
    return Text(
        load_default=None,
        allow_none=True,
        min_length=min_length,
        max_length=10_000,
        metadata=meta(*label, *help_text),
    )


_COMPLYING = formkit.equals("response", "comply")
_EXPLAINING = formkit.equals("response", "explain")


class AnswerObligationForm(StrictForm):
    """The entity's contact answers: comply (what, when, evidence) or explain (why not, risks,
    what instead, by when)."""

    response = formkit.choice(
        ("Antwoord", "Answer"),
        {
            "comply": {"nl": "Pas toe", "en": "Comply"},
            "explain": {"nl": "Leg uit", "en": "Explain"},
        },
        help=(
            "Pas toe: het besluit is toegepast. Leg uit: waarom (nog) niet.",
            "Comply: the decision has been applied. Explain: why not (yet).",
        ),
        required=True,
    )
    what_done = _long(
        ("Wat werd gedaan", "What was done"),
        ("Hoe de instantie het besluit toepast.", "How the entity applies the decision."),
    )
    done_on = formkit.day(
        ("Sinds wanneer", "Since when"),
        help=(
            "Datum waarop het besluit toegepast werd.",
            "Date on which the decision was applied.",
        ),
        check=formkit.not_after_today(max_years_back=5),
    )
    evidence = Text(
        load_default=None,
        allow_none=True,
        min_length=3,
        max_length=2000,
        metadata=meta(
            "Bewijs",
            "Evidence",
            "Een link of verwijzing die de toepassing aantoont.",
            "A link or reference showing it is applied.",
        ),
    )
    reason = _long(
        ("Reden", "Reason"),
        (
            "Waarom de instantie het besluit (nog) niet toepast.",
            "Why the entity does not (yet) apply the decision.",
        ),
    )
    risks = _long(
        ("Risico's", "Risks"),
        ("Welke risico's dat meebrengt.", "What risks that brings."),
    )
    mitigation = _long(
        ("Wat in de plaats", "Mitigation"),
        ("Wat de instantie in de plaats doet.", "What the entity does instead."),
    )
    planned_on = formkit.day(
        ("Geplande datum", "Planned date"),
        help=("Wanneer de instantie wel zal toepassen.", "When the entity will comply."),
        check=formkit.after_today(max_years=5),
    )

    rules = (
        formkit.required_when(_COMPLY, _COMPLYING, ("om toe te passen", "to comply")),
        formkit.required_when(_EXPLAIN, _EXPLAINING, ("om uit te leggen", "to explain")),
        formkit.empty_when(_EXPLAIN, _COMPLYING, ("bij toepassen", "when complying")),
        formkit.empty_when(_COMPLY, _EXPLAINING, ("bij uitleggen", "when explaining")),
    )


class AssessExplanationForm(StrictForm):
    """The secretariat assesses an explanation."""

    verdict = formkit.choice(
        ("Beoordeling", "Assessment"),
        {
            "accepted": {"nl": "Aanvaard", "en": "Accepted"},
            "not_accepted": {"nl": "Niet aanvaard", "en": "Not accepted"},
        },
        help=(
            "Aanvaard, of niet aanvaard (dan komt het als escalatie op de agenda).",
            "Accepted, or not accepted (then it goes on the agenda as an escalation).",
        ),
        required=True,
    )
    assessment_note = Text(
        required=True,
        min_length=3,
        max_length=4000,
        metadata=meta(
            "Motivering",
            "Reasoning",
            "Waarom de uitleg (niet) aanvaard wordt.",
            "Why the explanation is (not) accepted.",
        ),
    )


class OverdueObligationForm(StrictForm):
    """Escalation: the committee's chair decides on an entity that did not answer in time."""

    overdue_decision = formkit.choice(
        ("Beslissing", "Decision"),
        {
            "extend": {"nl": "Nieuwe termijn geven", "en": "Give a new deadline"},
            "to_agenda": {"nl": "Op de agenda zetten", "en": "Put on the agenda"},
        },
        help=(
            "De instantie een nieuwe termijn geven, of de zaak op de agenda zetten.",
            "Give the entity a new deadline, or put the matter on the agenda.",
        ),
        required=True,
    )
    new_deadline = formkit.day(
        ("Nieuwe uiterste datum", "New deadline"),
        help=("Verplicht bij een nieuwe termijn.", "Required when giving a new deadline."),
        check=formkit.after_today(max_years=3),
    )
    instruction = Text(
        required=True,
        min_length=3,
        max_length=2000,
        metadata=meta(
            "Toelichting",
            "Instruction",
            "Boodschap aan de instantie of het Stuurorgaan.",
            "Message to the entity or the committee.",
        ),
    )

    rules = (
        formkit.required_when(
            ["new_deadline"],
            formkit.equals("overdue_decision", "extend"),
            ("bij een nieuwe termijn", "for a new deadline"),
        ),
        formkit.empty_when(
            ["new_deadline"],
            formkit.differs("overdue_decision", "extend"),
            ("tenzij bij een nieuwe termijn", "unless giving a new deadline"),
        ),
    )


FORMS: dict[tuple[str, str], type[Schema]] = {
    (PROCESS, "coe_start"): ComplyOrExplainStartForm,
    (OBLIGATION_PROCESS, "obl_start"): ObligationStartForm,
    (OBLIGATION_PROCESS, "answer_obligation"): AnswerObligationForm,
    (OBLIGATION_PROCESS, "assess_explanation"): AssessExplanationForm,
    (OBLIGATION_PROCESS, "handle_overdue"): OverdueObligationForm,
}
"""Schema per (process id, BPMN element id)."""
