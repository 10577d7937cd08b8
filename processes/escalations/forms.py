"""Forms of the escalation to the Flemish Government (`government_escalation`): one per user
task and the start event. Strict (unknown fields refused), lengths bounded, dates checked.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, validates_schema

from processes.followup import formkit
from processes.followup.formkit import Text, meta
from processes.records.followup import ANSWER_LABELS
from processes.records.formkit import StrictForm

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


def _decision_id(**kwargs: Any) -> Any:
    return formkit.case_id(
        meta(
            "Besluit van het Stuurorgaan",
            "Committee decision",
            "Het besluit van het Stuurorgaan waaraan de bindende afspraak hangt.",
            "The committee decision the binding agreement belongs to.",
        ),
        **kwargs,
    )


class EscalationStartForm(StrictForm):
    """Start: the committee decided to put a matter before the Flemish Government."""

    topic_case_id = formkit.case_id(
        meta(
            "Onderwerp",
            "Topic",
            "Het dossier van het onderwerp dat geëscaleerd wordt.",
            "The case of the topic being escalated.",
        ),
        required=True,
    )
    title = _title(required=True)
    summary = _summary(required=True)
    decision_needed = _decision_needed(required=True)
    decision_id = _decision_id(load_default=None, allow_none=True)


class PrepareDossierForm(StrictForm):
    """The secretariat writes (or rewrites) the dossier."""

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
        {
            "approve": ("Goedkeuren en versturen", "Approve and send"),
            "send_back": ("Terugsturen", "Send back"),
        },
        meta(
            "Beslissing",
            "Decision",
            "Goedkeuren en versturen, of terugsturen naar het secretariaat.",
            "Approve and send, or send back to the secretariat.",
        ),
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

    @validates_schema
    def _comment_when_sent_back(self, data: dict[str, Any], **_: Any) -> None:
        errors = formkit.require_when(
            data,
            data.get("dossier_decision") == "send_back",
            ["dossier_comment"],
            ("bij terugsturen", "when sending back"),
        )
        if errors:
            raise ValidationError(errors)


class RecordAnswerForm(StrictForm):
    """The government liaison records the Flemish Government's answer."""

    answer = formkit.choice(
        ANSWER_OPTIONS,
        meta(
            "Antwoord",
            "Answer",
            "Bindende afspraak, weigering of amendement.",
            "Binding agreement, refusal or amendment.",
        ),
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
        meta(
            "Datum van het antwoord",
            "Date of the answer",
            "Wanneer de Vlaamse Regering besliste.",
            "When the Flemish Government decided.",
        ),
        formkit.not_after_today(max_years_back=2),
        required=True,
    )
    deadline = formkit.day(
        meta(
            "Uiterste datum voor de instanties",
            "Deadline for the entities",
            "Bij een bindende afspraak: tegen wanneer toepassen of uitleggen.",
            "For a binding agreement: by when to comply or explain.",
        ),
        formkit.not_before_today(max_years=3),
        load_default=None,
        allow_none=True,
    )
    entities = formkit.identifiers(
        meta(
            "Gebonden instanties",
            "Bound entities",
            "Bij een bindende afspraak: de overheidsinstanties die ze moeten toepassen.",
            "For a binding agreement: the government entities that must apply it.",
        ),
        min_items=1,
        max_items=500,
        load_default=None,
        allow_none=True,
    )
    focus_domain = formkit.focus_domain(load_default=None, allow_none=True)

    @validates_schema
    def _binding_terms(self, data: dict[str, Any], **_: Any) -> None:
        binding = data.get("answer") == "binding_agreement"
        errors = {
            **formkit.require_when(
                data,
                binding,
                _BINDING_FIELDS,
                ("bij een bindende afspraak", "for a binding agreement"),
            ),
            **formkit.forbid_when(
                data,
                not binding,
                _BINDING_FIELDS,
                ("tenzij bij een bindende afspraak", "unless it is a binding agreement"),
            ),
        }
        if errors:
            raise ValidationError(errors)


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
