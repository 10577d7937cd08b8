"""Forms of the meeting process (``meeting``): one schema per start event and user task."""

from __future__ import annotations

from datetime import time
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from processes.records.formkit import (
    LONG_TEXT,
    NOTE_TEXT,
    SHORT_TEXT,
    StrictForm,
    choice,
    codes_list,
    day,
    empty_when,
    equals,
    flag,
    integer,
    meta,
    picked,
    required_when,
    shown_with,
    text,
    truthy,
)
from processes.records.reference import AGENDA_KINDS, FOCUS_DOMAINS, OUTCOMES

MAX_ITEMS = 100
MAX_ATTENDANCE = 100
MAX_VOTES = 200


def _items(schema: type[StrictForm], label: tuple[str, str], required: bool) -> fields.List:
    options: dict[str, Any] = {"required": True} if required else {"load_default": list}
    return fields.List(
        fields.Nested(schema),
        validate=validate.Length(
            max=MAX_ITEMS,
            error=f"Ten hoogste {MAX_ITEMS} agendapunten. / At most {MAX_ITEMS} agenda items.",
        ),
        metadata=meta(*label),
        **options,
    )


VOTE_CHOICES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "for": (("Stemden voor", "Voted for"), ("stemmen voor", "votes for")),
    "against": (("Stemden tegen", "Voted against"), ("stemmen tegen", "votes against")),
    "abstain": (("Onthielden zich", "Abstained"), ("onthoudingen", "abstentions")),
}
"""Per choice in an open vote by seat: the label of the voters' field, and the count's words."""


def _people(label: tuple[str, str], help: tuple[str, str]) -> fields.List:
    """A list of committee members (their user ids), picked by name and seat."""
    return picked(
        "committee_members",
        codes_list(label, help=help, max_items=MAX_ATTENDANCE, max_length=100),
    )


def _voters(choice_code: str) -> fields.List:
    label = VOTE_CHOICES[choice_code][0]
    return _people(
        label,
        (
            "Alleen bij een open stemming, en alleen wie aanwezig was. Het aantal mag je dan "
            "leeg laten.",
            "Open votes only, and only people who were present. You may then leave the number "
            "empty.",
        ),
    )


def _unique_items(entries: list[dict[str, Any]], field: str) -> None:
    ids = [entry["agenda_item_id"] for entry in entries]
    if len(ids) != len(set(ids)):
        raise ValidationError(
            {
                field: [
                    "Elk agendapunt mag maar één keer voorkomen. / Each agenda item may "
                    "appear only once."
                ]
            }
        )


class PlanMeetingForm(StrictForm):
    """Start of ``meeting``: the secretariat plans a meeting."""

    title = text(
        ("Titel", "Title"),
        SHORT_TEXT,
        required=True,
        help=("Bijvoorbeeld: Zitting van 20 maart 2026.", "For example: Meeting of 20 March."),
    )
    meeting_date = day(("Datum van de zitting", "Meeting date"), required=True)
    start_time = fields.Time(
        load_default=time(10, 0),
        error_messages={"invalid": "Geef een uur als UU:MM. / Enter a time as HH:MM."},
        metadata=meta("Aanvangsuur", "Start time", "Standaard 10:00.", "Default 10:00."),
    )
    agenda_deadline = day(
        ("Agenderingsdeadline", "Agenda deadline"),
        help=(
            "Laatste dag om onderwerpen in te dienen. Standaard 10 dagen voor de zitting.",
            "Last day to submit topics. Default 10 days before the meeting.",
        ),
    )
    location = text(("Locatie", "Location"), SHORT_TEXT, required=True)

    @validates_schema
    def _deadline_before_meeting(self, data: dict[str, Any], **_kwargs: Any) -> None:
        deadline, meeting = data.get("agenda_deadline"), data.get("meeting_date")
        if deadline is not None and meeting is not None and deadline > meeting:
            raise ValidationError(
                {
                    "agenda_deadline": [
                        "De agenderingsdeadline moet vóór of op de dag van de zitting liggen. / "
                        "The agenda deadline must be on or before the meeting date."
                    ]
                }
            )


class AgendaEntryForm(StrictForm):
    """One agenda item in the order the secretariat sets."""

    agenda_item_id = integer(("Agendapunt", "Agenda item"), required=True, minimum=1)
    kind = choice(("Soort", "Kind"), AGENDA_KINDS, required=True)
    public = flag(("Openbaar", "Public"), default=True)


class OrderAgendaForm(StrictForm):
    """``order_agenda``: the secretariat orders and marks the frozen agenda."""

    agenda_order = _items(
        AgendaEntryForm,
        ("Volgorde van de agenda", "Agenda order"),
        required=False,
    )
    agenda_note = text(
        ("Begeleidende nota voor de leden", "Cover note for the members"),
        NOTE_TEXT,
    )

    @validates_schema
    def _unique(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _unique_items(data.get("agenda_order") or [], "agenda_order")


class TreatmentEntryForm(StrictForm):
    """The treatment of one agenda item and its outcome."""

    agenda_item_id = integer(("Agendapunt", "Agenda item"), required=True, minimum=1)
    outcome = choice(("Uitkomst", "Outcome"), OUTCOMES, required=True)
    decision_text = text(
        ("Besluit", "Decision"),
        LONG_TEXT,
        help=("Verplicht als er beslist is.", "Required when decided."),
    )
    binding = flag(
        ("Bindend voor overheidsinstanties", "Binding on entities"),
        help=(
            "Start pas-toe-of-leg-uit bij de genoemde overheidsinstanties.",
            "Starts comply-or-explain at the entities named.",
        ),
    )
    deadline = day(("Uiterste datum", "Deadline"), help=("Verplicht als bindend.", "If binding."))
    bound_entities = picked(
        "organisations",
        codes_list(
            ("Gebonden overheidsinstanties", "Bound entities"),
            help=("Verplicht als bindend.", "Required when binding."),
        ),
    )
    focus_domain = choice(("Focusdomein", "Focus domain"), FOCUS_DOMAINS, allow_none=True)
    vote_held = flag(
        ("Er werd gestemd", "A vote was held"),
        help=("Vul dan de stemmen in.", "Then fill in the votes."),
    )
    vote_secret = flag(("Geheime stemming", "Secret ballot"))
    votes_for = integer(("Stemmen voor", "Votes for"), maximum=MAX_VOTES)
    votes_against = integer(("Stemmen tegen", "Votes against"), maximum=MAX_VOTES)
    votes_abstain = integer(("Onthoudingen", "Abstentions"), maximum=MAX_VOTES)
    voters_for = _voters("for")
    voters_against = _voters("against")
    voters_abstain = _voters("abstain")
    working_group_id = picked("working_groups", text(("Werkgroep", "Working group"), 50))
    wg_question = text(("Opdracht voor de werkgroep", "Question for the working group"), LONG_TEXT)
    wg_deliverable = text(("Op te leveren resultaat", "Deliverable"), 1000)
    wg_due_date = day(("Opleverdatum", "Due date"))
    escalation_summary = text(
        ("Samenvatting voor de Vlaamse Regering", "Summary for the Flemish Government"),
        LONG_TEXT,
    )
    decision_needed = text(("Gevraagde beslissing", "Decision needed"), NOTE_TEXT)
    note = text(("Notulen bij dit punt", "Minutes of this item"), NOTE_TEXT)

    rules = (
        required_when(
            ("decision_text",), equals("outcome", "decided"), ("bij een besluit", "when decided")
        ),
        required_when(
            ("deadline", "bound_entities"),
            truthy("binding"),
            ("bij een bindend besluit", "for a binding decision"),
        ),
        required_when(
            ("working_group_id", "wg_question", "wg_deliverable", "wg_due_date"),
            equals("outcome", "working_group"),
            ("bij een opdracht aan een werkgroep", "when assigned to a working group"),
        ),
        required_when(
            ("escalation_summary", "decision_needed"),
            equals("outcome", "escalated"),
            ("bij een escalatie", "when escalated"),
        ),
        shown_with(("binding",), equals("outcome", "decided")),
        shown_with(
            (
                "vote_secret",
                "votes_for",
                "votes_against",
                "votes_abstain",
                "voters_for",
                "voters_against",
                "voters_abstain",
            ),
            truthy("vote_held"),
        ),
        empty_when(
            ("voters_for", "voters_against", "voters_abstain"),
            truthy("vote_secret"),
            (
                "bij een geheime stemming: die heeft alleen aantallen",
                "for a secret ballot: it has counts only",
            ),
        ),
    )
    json_rules = (
        {
            "if": {"properties": {"binding": {"const": True}}, "required": ["binding"]},
            "then": {"properties": {"outcome": {"const": "decided"}}, "required": ["outcome"]},
        },
    )

    @validates_schema
    def _binding_only_when_decided(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("binding") and data.get("outcome") != "decided":
            raise ValidationError(
                {
                    "binding": [
                        "Alleen een besluit kan bindend zijn. / Only a decision can be binding."
                    ]
                }
            )

    @validates_schema
    def _counts_match_the_voters(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """An open vote by seat: each count given must equal the number of people ticked for
        that choice (a count left empty is taken from them)."""
        if data.get("vote_secret") or not any(data.get(f"voters_{c}") for c in VOTE_CHOICES):
            return
        errors: dict[str, list[str]] = {}
        for code, ((label_nl, label_en), (words_nl, words_en)) in VOTE_CHOICES.items():
            count, ticked = data.get(f"votes_{code}"), len(data.get(f"voters_{code}") or [])
            if count is not None and count != ticked:
                errors[f"votes_{code}"] = [
                    f"Je vulde {count} {words_nl} in, maar bij „{label_nl}” staan {ticked} "
                    "mensen. Maak beide gelijk of laat het aantal leeg. / You entered "
                    f"{count} {words_en}, but {ticked} people are ticked under '{label_en}'. "
                    "Make them equal or leave the number empty."
                ]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _counts_from_the_voters(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """An open vote by seat without counts: the counts are the people ticked."""
        if data.get("vote_secret") or not any(data.get(f"voters_{c}") for c in VOTE_CHOICES):
            return data
        for code in VOTE_CHOICES:
            if data.get(f"votes_{code}") is None:
                data[f"votes_{code}"] = len(data.get(f"voters_{code}") or [])
        return data


class RecordTreatmentsForm(StrictForm):
    """``record_treatments``: after the meeting, the treatment of every agenda item."""

    attendance = _people(
        ("Aanwezigen", "Present"), ("Vink aan wie aanwezig was.", "Tick who was present.")
    )
    excused = _people(
        ("Verontschuldigd", "Excused"),
        (
            "Vink aan wie zich vooraf verontschuldigde. Wie je niet aanvinkt bij de aanwezigen "
            "of hier, staat als afwezig.",
            "Tick who sent apologies. Anyone ticked neither as present nor here is recorded "
            "as absent.",
        ),
    )
    treatments = _items(TreatmentEntryForm, ("Behandelingen", "Treatments"), required=True)
    minutes_note = text(("Algemene notulen", "General minutes"), LONG_TEXT)

    @validates_schema
    def _unique(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _unique_items(data.get("treatments") or [], "treatments")


class ApproveMinutesForm(StrictForm):
    """``approve_minutes``: the minutes were approved (normally at the next meeting)."""

    minutes_approved_on = day(
        ("Goedgekeurd op", "Approved on"), required=True, future=False, past=True
    )
    approved_at_meeting_id = picked(
        "all_meetings",
        integer(
            ("Goedgekeurd op zitting", "Approved at meeting"),
            minimum=1,
            help=("De zitting die de notulen goedkeurde.", "The meeting that approved them."),
        ),
    )
    minutes_reference = text(("Verwijzing naar de notulen", "Reference to the minutes"), 500)
    minutes_corrections = text(("Correcties", "Corrections"), LONG_TEXT)


MEETING_FORMS = {
    "plan": PlanMeetingForm,
    "order_agenda": OrderAgendaForm,
    "record_treatments": RecordTreatmentsForm,
    "approve_minutes": ApproveMinutesForm,
}
