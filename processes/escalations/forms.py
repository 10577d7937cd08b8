"""Forms of the escalation to the Flemish Government (`government_escalation`): one per user
task and the start event. Strict (unknown fields refused), lengths bounded, dates checked.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from processes.records import formkit
from processes.records.followup import ANSWER_LABELS
from processes.records.formkit import StrictForm, Text, meta

PROCESS = "government_escalation"

ANSWER_OPTIONS = {code: (label["nl"], label["en"]) for code, label in ANSWER_LABELS.items()}
_BINDING_FIELDS = ("deadline", "entities", "focus_domain")


def _title(**kwargs: Any) -> Text:
    return Text(
        max_length=200,
        metadata=meta("Titel", "Title", "Korte titel van het dossier.", "Short title."),
        **kwargs,
    )


def _summary(**kwargs: Any) -> Text:
    return Text(
        max_length=10_000,
        metadata=meta(
            "Samenvatting",
            "Summary",
            "Waarover gaat het en waarom kan het Stuurorgaan het niet zelf afronden?",
            "What it is about and why the committee cannot settle it itself.",
        ),
        **kwargs,
    )


def _decision_needed(**kwargs: Any) -> Text:
    return Text(
        max_length=4000,
        metadata=meta(
            "Gevraagde beslissing",
            "Decision needed",
            "Wat wordt de Vlaamse Regering gevraagd te beslissen?",
            "What the Flemish Government is asked to decide.",
        ),
        **kwargs,
    )


def _decision_id(
    *, required: bool = False, help: tuple[str, str] | None = None, keep: bool = False
) -> fields.Integer:
    return formkit.picked(
        "decisions",
        formkit.case_id(
            ("Besluit van het Stuurorgaan", "Committee decision"),
            help=help
            or (
                "Het besluit van het Stuurorgaan waaraan de bindende afspraak hangt. De "
                "besluiten over dit onderwerp staan bovenaan.",
                "The committee decision the binding agreement belongs to. The decisions on "
                "this topic come first.",
            ),
            required=required,
            omit_when_missing=keep,
        ),
    )


class EscalationStartForm(StrictForm):
    """Start: the committee decided to put a matter before the Flemish Government."""

    topic_case_id = formkit.picked(
        "topics",
        formkit.case_id(
            ("Onderwerp", "Topic"),
            help=("Het onderwerp dat geëscaleerd wordt.", "The topic being escalated."),
            required=True,
        ),
    )
    title = _title(required=True)
    summary = _summary(required=True)
    decision_needed = _decision_needed(required=True)
    decision_id = _decision_id()


class PrepareDossierForm(StrictForm):
    """The secretariat writes (or rewrites) the dossier; the web form opens with it as it
    stands."""

    prefill_from_case = ("title", "summary", "decision_needed", "background")
    title = _title(required=True)
    summary = _summary(required=True)
    decision_needed = _decision_needed(required=True)
    background = Text(
        load_default=None,
        allow_none=True,
        max_length=20_000,
        metadata=meta(
            "Achtergrond",
            "Background",
            "Context, eerdere beslissingen, standpunten (optioneel).",
            "Context, earlier decisions, positions (optional).",
        ),
    )


class ApproveDossierForm(StrictForm):
    """The committee's chair approves the dossier or sends it back."""

    dossier_decision = formkit.choice(
        ("Beslissing", "Decision"),
        {
            "approve": {"nl": "Goedkeuren en versturen", "en": "Approve and send"},
            "send_back": {"nl": "Terugsturen", "en": "Send back"},
        },
        help=(
            "Goedkeuren en versturen, of terugsturen naar het secretariaat.",
            "Approve and send, or send back to the secretariat.",
        ),
        required=True,
    )
    dossier_comment = Text(
        load_default=None,
        allow_none=True,
        min_length=3,
        max_length=2000,
        metadata=meta(
            "Opmerking",
            "Comment",
            "Verplicht bij terugsturen.",
            "Required when sending back.",
        ),
    )

    rules = (
        formkit.required_when(
            ["dossier_comment"],
            formkit.equals("dossier_decision", "send_back"),
            ("bij terugsturen", "when sending back"),
        ),
    )


class RecordAnswerForm(StrictForm):
    """The government liaison records the Flemish Government's answer."""

    answer = formkit.choice(
        ("Antwoord", "Answer"),
        ANSWER_LABELS,
        help=(
            "Bindende afspraak, weigering of amendement.",
            "Binding agreement, refusal or amendment.",
        ),
        required=True,
    )
    answer_text = Text(
        required=True,
        min_length=3,
        max_length=20_000,
        metadata=meta(
            "Tekst van het antwoord",
            "Text of the answer",
            "De beslissing van de Vlaamse Regering, of de afspraak zoals ze geldt.",
            "The Flemish Government's decision, or the agreement as it applies.",
        ),
    )
    answered_on = formkit.day(
        ("Datum van het antwoord", "Date of the answer"),
        help=("Wanneer de Vlaamse Regering besliste.", "When the Flemish Government decided."),
        check=formkit.not_after_today(max_years_back=2),
        required=True,
    )
    deadline = formkit.day(
        ("Uiterste datum voor de instanties", "Deadline for the entities"),
        help=(
            "Bij een bindende afspraak: tegen wanneer toepassen of uitleggen.",
            "For a binding agreement: by when to comply or explain.",
        ),
        check=formkit.not_before_today(max_years=3),
    )
    entities = formkit.picked(
        "organisations",
        formkit.identifiers(
            ("Gebonden instanties", "Bound entities"),
            help=(
                "Bij een bindende afspraak: de overheidsinstanties die ze moeten toepassen.",
                "For a binding agreement: the government entities that must apply it.",
            ),
            min_items=1,
            max_items=500,
            default=None,
        ),
    )
    focus_domain = formkit.focus_domain()
    decision_id = _decision_id(
        help=(
            "Bij een bindende afspraak: het besluit van het Stuurorgaan waaraan ze hangt, als "
            "je het kent. Leeg: het secretariaat koppelt het besluit daarna.",
            "For a binding agreement: the committee decision it belongs to, if you know it. "
            "Empty: the secretariat links the decision afterwards.",
        ),
        keep=True,
    )

    prefill_from_case = ("decision_id",)
    rules = (
        formkit.shown_with(["decision_id"], formkit.equals("answer", "binding_agreement")),
        formkit.required_when(
            _BINDING_FIELDS,
            formkit.equals("answer", "binding_agreement"),
            ("bij een bindende afspraak", "for a binding agreement"),
        ),
        formkit.empty_when(
            _BINDING_FIELDS,
            formkit.differs("answer", "binding_agreement"),
            ("tenzij bij een bindende afspraak", "unless it is a binding agreement"),
        ),
    )


class LinkDecisionForm(StrictForm):
    """The secretariat links the binding agreement to a decision of the committee."""

    decision_id = _decision_id(required=True)


FORMS: dict[str, type[Schema]] = {
    "ge_start": EscalationStartForm,
    "prepare_dossier": PrepareDossierForm,
    "approve_dossier": ApproveDossierForm,
    "record_answer": RecordAnswerForm,
    "link_decision": LinkDecisionForm,
}
"""Schema per BPMN element id of `government_escalation`."""
