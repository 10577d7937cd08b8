"""Forms of the topic process (``topic``) and of questions from the college (``college_question``).

One schema per start event and user task, registered by element id in
:func:`processes.topics.register`. Field names of the topic start form are the case variables
the admission decision table (bpmn/admission.dmn) reads.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from processes.records import dates
from processes.records.formkit import (
    LONG_TEXT,
    NOTE_TEXT,
    SHORT_TEXT,
    StrictForm,
    choice,
    choices_list,
    codes_list,
    day,
    equals,
    flag,
    integer,
    meta,
    picked,
    required_when,
    shown_with,
    text,
)
from processes.records.reference import AGENDA_KINDS, FOCUS_DOMAINS, TOPIC_KINDS, VRD2_PRIORITIES

ANSWER_TEXT = 8000
MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024

# -- shared field definitions --------------------------------------------------------------


def _title(required: bool = True) -> fields.String:
    return text(
        ("Titel", "Title"),
        SHORT_TEXT,
        required=required,
        default=None,
        not_blank=True,
        help=("Korte, duidelijke titel van het onderwerp.", "Short, clear title of the topic."),
    )


def _summary(default: str | None = "") -> fields.String:
    return text(
        ("Samenvattende nota", "Summary note"),
        LONG_TEXT,
        default=default,
        help=(
            "Waarover gaat het, voor wie, en waarom nu?",
            "What is it about, for whom, and why now?",
        ),
    )


def _question(default: str | None = "") -> fields.String:
    return text(
        ("Vraag of voorstel tot besluit", "Question or proposed decision"),
        LONG_TEXT,
        default=default,
        help=(
            "Wat moet het Stuurorgaan beslissen of beantwoorden?",
            "What should the committee decide or answer?",
        ),
    )


def _impact(default: str | None = "") -> fields.String:
    return text(
        ("Impact", "Impact"),
        LONG_TEXT,
        default=default,
        help=(
            "Gevolgen voor overheidsinstanties, burgers en budget.",
            "Consequences for entities, citizens and budget.",
        ),
    )


def _entities(with_default: bool = True) -> fields.List:
    return picked(
        "organisations",
        codes_list(
            ("Betrokken overheidsinstanties", "Affected entities"),
            help=(
                "De overheidsinstanties of besturen die het onderwerp raakt; kies er gerust "
                "meerdere.",
                "The entities or governments the topic affects; choose as many as apply.",
            ),
            with_default=with_default,
        ),
    )


def _focus_domains(with_default: bool = True) -> fields.List:
    return choices_list(
        ("Focusdomeinen", "Focus domains"),
        FOCUS_DOMAINS,
        help=(
            "Focusdomeinen van het strategisch plan waaraan het onderwerp bijdraagt.",
            "Focus domains of the strategic plan the topic serves.",
        ),
        with_default=with_default,
    )


def _vrd2(with_default: bool = True) -> fields.List:
    return choices_list(
        ("VRD2-prioriteiten", "VRD2 priorities"),
        VRD2_PRIORITIES,
        help=(
            "Prioriteiten van het VRD2-programma waaraan het onderwerp bijdraagt.",
            "Priorities of the VRD2 programme the topic serves.",
        ),
        with_default=with_default,
    )


def _reuses(default: bool | None = False) -> fields.Boolean:
    return flag(
        ("Hergebruikt bestaande generieke componenten", "Reuses existing generic components"),
        default=default,
    )


def _creates(default: bool | None = False) -> fields.Boolean:
    return flag(
        ("Kan nieuwe generieke componenten opleveren", "Could yield new generic components"),
        default=default,
    )


def _target_meeting(omit_when_missing: bool = False) -> fields.Integer:
    return picked(
        "meetings",
        integer(
            ("Gewenste zitting", "Target meeting"),
            minimum=1,
            help=(
                "De zitting waarop je het onderwerp wilt brengen (optioneel). Dien in vóór de "
                "agendadeadline van die zitting.",
                "The meeting you would like the topic on (optional). Submit before that meeting's "
                "agenda deadline.",
            ),
            omit_when_missing=omit_when_missing,
        ),
    )


class AttachmentForm(StrictForm):
    """Metadata of one attachment (the file itself lives in the document store)."""

    name = text(("Bestandsnaam", "File name"), SHORT_TEXT, required=True)
    reference = text(
        ("Verwijzing", "Reference"),
        500,
        required=True,
        help=("Link of documentnummer.", "Link or document number."),
    )
    media_type = text(("Bestandstype", "Media type"), 100)
    size_bytes = integer(("Grootte (bytes)", "Size (bytes)"), maximum=MAX_ATTACHMENT_BYTES)


def _attachments(with_default: bool = True) -> fields.List:
    options: dict[str, Any] = {"load_default": list} if with_default else {}
    return fields.List(
        fields.Nested(AttachmentForm),
        validate=validate.Length(
            max=MAX_ATTACHMENTS,
            error=f"Ten hoogste {MAX_ATTACHMENTS} bijlagen. / At most {MAX_ATTACHMENTS} "
            "attachments.",
        ),
        metadata=meta("Bijlagen", "Attachments", "Optioneel.", "Optional."),
        **options,
    )


# -- topic -----------------------------------------------------------------------------------


class TopicSubmissionForm(StrictForm):
    """Start of ``topic``: a proposed topic, an escalation by an entity, or a question."""

    kind = choice(
        ("Soort", "Kind"),
        TOPIC_KINDS,
        default="topic",
        help=(
            "Onderwerp, escalatie door een overheidsinstantie of vraag van het Voorzitterscollege.",
            "Topic, escalation by an entity or question from the college of chairs.",
        ),
    )
    title = _title()
    summary = _summary()
    question = _question()
    impact = _impact()
    affected_entities = _entities()
    focus_domains = _focus_domains()
    vrd2_priorities = _vrd2()
    reuses_generic_components = _reuses()
    creates_generic_components = _creates()
    target_meeting_id = _target_meeting()
    attachments = _attachments()


class ConfirmScreeningForm(StrictForm):
    """``confirm_screening``: the secretariat confirms the admission screening."""

    screening_note = text(
        ("Opmerking bij de screening", "Note on the screening"),
        NOTE_TEXT,
        help=(
            "Optioneel: context voor de indiener of de voorzitter.",
            "Optional: context for the submitter or the chair.",
        ),
    )


class ReviseSubmissionForm(StrictForm):
    """``revise_submission``: the submitter revises and resubmits, or withdraws.

    Only the fields given change; the rest of the dossier stays as it was. The web form opens
    with the dossier as it stands (`prefill_from_case`), so a box left ticked stays chosen and
    only what the person changes or removes changes.
    """

    prefill_from_case = (
        "title",
        "summary",
        "question",
        "impact",
        "affected_entities",
        "focus_domains",
        "vrd2_priorities",
        "reuses_generic_components",
        "creates_generic_components",
        "target_meeting_id",
    )

    revision_action = choice(
        ("Wat wil je doen?", "What do you want to do?"),
        {
            "resubmit": {"nl": "Aangepast opnieuw indienen", "en": "Resubmit revised"},
            "withdraw": {"nl": "Intrekken", "en": "Withdraw"},
        },
        required=True,
    )
    revision_note = text(
        ("Toelichting", "Explanation"),
        NOTE_TEXT,
        help=("Wat is er aangepast, of waarom trek je in?", "What changed, or why withdraw?"),
    )
    title = _title(required=False)
    summary = _summary(default=None)
    question = _question(default=None)
    impact = _impact(default=None)
    affected_entities = _entities(with_default=False)
    focus_domains = _focus_domains(with_default=False)
    vrd2_priorities = _vrd2(with_default=False)
    reuses_generic_components = _reuses(default=None)
    creates_generic_components = _creates(default=None)
    target_meeting_id = _target_meeting(omit_when_missing=True)
    attachments = _attachments(with_default=False)


CHAIR_DECISIONS = {
    "admit": {"nl": "Agenderen op een zitting", "en": "Admit to a meeting"},
    "defer": {"nl": "Uitstellen tot een datum", "en": "Defer to a date"},
    "decline": {"nl": "Niet agenderen", "en": "Decline"},
}


class ChairDecisionForm(StrictForm):
    """``chair_decision``: admit to a meeting, defer to a date, or decline with a reason."""

    chair_decision = choice(("Beslissing", "Decision"), CHAIR_DECISIONS, required=True)
    chair_meeting_id = picked(
        "open_meetings",
        integer(
            ("Zitting", "Meeting"),
            minimum=1,
            help=("Verplicht bij agenderen.", "Required to admit."),
        ),
    )
    chair_item_kind = choice(
        ("Agendapunt", "Agenda item"),
        AGENDA_KINDS,
        default="decision",
        help=(
            "Ter beslissing, bespreking of informatie.",
            "For decision, discussion or information.",
        ),
    )
    chair_public = flag(("Openbaar agendapunt", "Public agenda item"), default=True)
    chair_defer_until = day(
        ("Uitstellen tot", "Defer until"),
        help=("Verplicht bij uitstel; een datum na vandaag.", "Required to defer; after today."),
    )
    chair_reason = text(
        ("Reden", "Reason"),
        NOTE_TEXT,
        help=(
            "Verplicht bij niet agenderen: de indiener krijgt deze reden te zien.",
            "Required to decline: the submitter sees this reason.",
        ),
    )

    rules = (
        required_when(
            ("chair_meeting_id",),
            equals("chair_decision", "admit"),
            ("om te agenderen", "to admit"),
        ),
        required_when(
            ("chair_defer_until",),
            equals("chair_decision", "defer"),
            ("om uit te stellen", "to defer"),
        ),
        required_when(
            ("chair_reason",), equals("chair_decision", "decline"), ("om te weigeren", "to decline")
        ),
        shown_with(("chair_item_kind", "chair_public"), equals("chair_decision", "admit")),
    )

    @validates_schema
    def _defer_to_a_later_date(self, data: dict[str, Any], **_kwargs: Any) -> None:
        until = data.get("chair_defer_until")
        if data.get("chair_decision") == "defer" and until is not None and until <= dates.today():
            raise ValidationError(
                {
                    "chair_defer_until": [
                        "Uitstellen kan alleen tot een datum na vandaag. / "
                        "Defer to a date after today."
                    ]
                }
            )


class AcknowledgeDeclineForm(StrictForm):
    """``acknowledge_decline``: the submitter takes note of the chair's refusal."""

    submitter_reaction = text(
        ("Je reactie", "Your reaction"),
        NOTE_TEXT,
        help=("Optioneel; komt in het dossier.", "Optional; kept with the case."),
    )


class RecordAnswerForm(StrictForm):
    """``record_answer``: the secretariat writes the committee's answer to a question."""

    answer = text(
        ("Antwoord van het Stuurorgaan", "The committee's answer"),
        ANSWER_TEXT,
        required=True,
        help=(
            "Het antwoord zoals het aan het Voorzitterscollege bezorgd wordt.",
            "The answer as it is sent to the college of chairs.",
        ),
    )


# -- college_question ------------------------------------------------------------------------


class CollegeQuestionForm(StrictForm):
    """Start of ``college_question``: the college of chairs asks the committee a question."""

    title = _title()
    question = text(
        ("Vraag", "Question"),
        LONG_TEXT,
        required=True,
        help=("De vraag voor verder onderzoek.", "The question for further investigation."),
    )
    summary = _summary()
    impact = _impact()
    affected_entities = _entities()
    focus_domains = _focus_domains()
    vrd2_priorities = _vrd2()
    target_meeting_id = _target_meeting()


class ReadAnswerForm(StrictForm):
    """``read_answer``: the college liaison takes note of the committee's answer."""

    follow_up_note = text(
        ("Opmerking", "Note"),
        NOTE_TEXT,
        help=("Optioneel: een vervolgvraag of opmerking.", "Optional: a follow-up or remark."),
    )


TOPIC_FORMS = {
    "submit": TopicSubmissionForm,
    "confirm_screening": ConfirmScreeningForm,
    "revise_submission": ReviseSubmissionForm,
    "revise_for_origin": ReviseSubmissionForm,
    "chair_decision": ChairDecisionForm,
    "acknowledge_decline": AcknowledgeDeclineForm,
    "record_answer": RecordAnswerForm,
}
COLLEGE_FORMS = {
    "ask": CollegeQuestionForm,
    "read_answer": ReadAnswerForm,
}
