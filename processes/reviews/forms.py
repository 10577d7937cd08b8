"""Forms of the review of a project for the Flemish Government (`project_review`): the start
and one per user task. Strict (unknown fields refused), lengths bounded, dates checked.
"""

from __future__ import annotations

from marshmallow import Schema

from processes.records import formkit
from processes.records.formkit import LONG_TEXT, NOTE_TEXT, StrictForm, Text, meta
from processes.records.steering import ADVICE_VERDICTS

PROCESS = "project_review"

INTAKE_DECISIONS = {
    "accept": {"nl": "In behandeling nemen", "en": "Take up"},
    "decline": {
        "nl": "Niet in behandeling nemen (geen digitaliseringsproject voor het Stuurorgaan)",
        "en": "Decline (not a digitisation project for the committee)",
    },
}
APPROVAL_DECISIONS = {
    "approve": {"nl": "Advies goedkeuren", "en": "Approve the advice"},
    "send_back": {"nl": "Terugsturen naar het secretariaat", "en": "Send back to the secretariat"},
}


def _finding(label: tuple[str, str], help: tuple[str, str]) -> Text:
    return Text(
        required=True,
        min_length=3,
        max_length=LONG_TEXT,
        metadata=meta(*label, *help),
    )


class ReviewStartForm(StrictForm):
    """Start: a project outside VRD2 goes to the Flemish Government and asks for the
    committee's advice."""

    project_id = formkit.picked(
        "projects",
        formkit.case_id(
            ("Project", "Project"),
            help=(
                "Het digitaliseringsproject buiten VRD2 dat naar de Vlaamse Regering gaat.",
                "The digitisation project outside VRD2 that goes to the Flemish Government.",
            ),
            required=True,
        ),
    )
    government_meeting_on = formkit.day(
        ("Zitting van de Vlaamse Regering", "Meeting of the Flemish Government"),
        help=(
            "De dag waarop de Vlaamse Regering het project behandelt. Het advies moet enkele "
            "werkdagen vroeger klaar zijn.",
            "The day the Flemish Government takes the project. The advice must be ready a few "
            "working days before.",
        ),
        check=formkit.after_today(max_years=2),
        required=True,
    )
    question = Text(
        required=True,
        min_length=3,
        max_length=LONG_TEXT,
        metadata=meta(
            "Vraag aan het Stuurorgaan",
            "Question to the committee",
            "Waarover wil de Vlaamse Regering (of de indiener) het advies van het Stuurorgaan?",
            "What the Flemish Government (or the applicant) wants the committee's advice on.",
        ),
    )


class IntakeForm(StrictForm):
    """The secretariat takes the review up, or declines it with a reason."""

    intake_decision = formkit.choice(
        ("Beslissing", "Decision"),
        INTAKE_DECISIONS,
        help=(
            "Neemt het Stuurorgaan dit project in behandeling?",
            "Does the committee take this project up?",
        ),
        required=True,
    )
    intake_note = Text(
        load_default=None,
        allow_none=True,
        min_length=3,
        max_length=NOTE_TEXT,
        metadata=meta(
            "Toelichting",
            "Reason",
            "Verplicht als je het project niet in behandeling neemt: waarom niet?",
            "Required when you decline: why?",
        ),
    )

    rules = (
        formkit.required_when(
            ["intake_note"],
            formkit.equals("intake_decision", "decline"),
            ("als je het project niet in behandeling neemt", "when declining"),
        ),
    )


class ChecksForm(StrictForm):
    """The secretariat records what it found: overlap, reuse, partners."""

    prefill_from_case = ("overlap_findings", "reuse_findings", "partner_suggestions")
    overlap_findings = _finding(
        ("Afstemming: overlap", "Alignment: overlap"),
        (
            "Overlapt het project met projecten van andere overheden of entiteiten? Met welke, "
            "en wat moet afgestemd worden?",
            "Does the project overlap with projects of other governments or entities? Which, "
            "and what needs aligning?",
        ),
    )
    reuse_findings = _finding(
        ("Samenwerking: hergebruik", "Cooperation: reuse"),
        (
            "Welke bestaande bouwstenen kan het project hergebruiken in plaats van ze zelf te "
            "bouwen?",
            "Which existing building blocks can the project reuse instead of building them?",
        ),
    )
    partner_suggestions = _finding(
        ("Financiering: partners", "Financing: partners"),
        (
            "Welke partners kunnen meedoen of meebetalen?",
            "Which partners could join or co-finance?",
        ),
    )


class DraftAdviceForm(StrictForm):
    """The secretariat drafts the advice: a verdict and the text."""

    prefill_from_case = ("verdict", "advice_text")
    verdict = formkit.choice(
        ("Oordeel", "Verdict"),
        ADVICE_VERDICTS,
        help=(
            "Het oordeel van het Stuurorgaan over het project.",
            "The committee's verdict on the project.",
        ),
        required=True,
    )
    advice_text = Text(
        required=True,
        min_length=10,
        max_length=10_000,
        metadata=meta(
            "Advies",
            "Advice",
            "Het advies aan de Vlaamse Regering, met de voorwaarden als het gunstig is onder "
            "voorwaarden.",
            "The advice to the Flemish Government, with the conditions when it is favourable "
            "with conditions.",
        ),
    )


class ApproveAdviceForm(StrictForm):
    """The chair approves the advice or sends it back with a remark."""

    advice_decision = formkit.choice(
        ("Beslissing", "Decision"),
        APPROVAL_DECISIONS,
        help=(
            "Goedkeuren maakt het advies definitief; terugsturen laat het secretariaat het "
            "herwerken.",
            "Approving makes the advice final; sending it back has the secretariat rework it.",
        ),
        required=True,
    )
    advice_remark = Text(
        load_default=None,
        allow_none=True,
        min_length=3,
        max_length=NOTE_TEXT,
        metadata=meta(
            "Opmerking",
            "Remark",
            "Verplicht bij terugsturen: wat moet er anders?",
            "Required when sending back: what should change?",
        ),
    )

    rules = (
        formkit.required_when(
            ["advice_remark"],
            formkit.equals("advice_decision", "send_back"),
            ("bij terugsturen", "when sending back"),
        ),
    )


FORMS: dict[str, type[Schema]] = {
    "pr_start": ReviewStartForm,
    "intake_review": IntakeForm,
    "check_review": ChecksForm,
    "draft_advice": DraftAdviceForm,
    "approve_advice": ApproveAdviceForm,
}
"""Schema per BPMN element id of `project_review`."""
