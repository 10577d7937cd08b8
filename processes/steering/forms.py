"""Forms of the steering framework's actions and KPIs: the pages' forms (an action, a KPI, an
ambition, a link to a decision or an action) and those of the measurement process
(`kpi_measurement`: its start and the owner's task *KPI-meting invoeren*).

Strict like every process form: unknown fields refused, lengths bounded, pickers checked against
the records (:func:`processes.records.choices.reference_errors`).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from processes.records import formkit
from processes.records.formkit import Identifier, StrictForm, Text, meta
from processes.records.steering import ACTION_KINDS, ACTION_STATUSES

PROCESS = "kpi_measurement"
MAX_ID = formkit.MAX_CASE_ID


def _user(label: tuple[str, str], help: tuple[str, str]) -> Identifier:
    return formkit.picked(
        "users",
        Identifier(allow_none=True, load_default=None, metadata=meta(*label, *help)),
    )


def _organisation() -> Identifier:
    return formkit.picked(
        "organisations",
        Identifier(
            allow_none=True,
            load_default=None,
            metadata=meta(
                "Eigenaar (overheidsinstantie)",
                "Owner (entity)",
                "De overheidsinstantie die de actie trekt.",
                "The entity that leads the action.",
            ),
        ),
    )


class ActionForm(StrictForm):
    """The secretariat creates or edits an action of a focus domain."""

    focus_domain = formkit.focus_domain(required=True)
    title = Text(
        max_length=200,
        required=True,
        metadata=meta("Titel", "Title", "Kort: wat gebeurt er?", "Short: what happens?"),
    )
    description = formkit.text(
        ("Omschrijving", "Description"),
        4000,
        help=(
            "Wat de actie inhoudt en wat ze moet opleveren.",
            "What the action is about and what it should deliver.",
        ),
    )
    kind = formkit.choice(("Soort actie", "Kind of action"), ACTION_KINDS, required=True)
    owner_organisation_id = _organisation()
    owner_user_id = _user(
        ("Eigenaar (persoon)", "Owner (person)"),
        ("Wie de actie opvolgt en haar status bijwerkt.", "Who follows the action up and "
         "updates its status."),
    )  # fmt: skip
    due_on = formkit.day(
        ("Uiterste datum", "Due date"),
        help=("Tegen wanneer de actie klaar moet zijn.", "When the action should be done."),
        check=formkit.years_either_way(5),
    )
    status = formkit.choice(
        ("Status", "Status"), ACTION_STATUSES, default="planned", required=False
    )
    project_id = formkit.picked(
        "any_projects",
        formkit.case_id(
            ("Project", "Project"),
            help=(
                "Het digitaliseringsproject waar de actie bij hoort.",
                "The digitisation project the action belongs to.",
            ),
        ),
    )


class ActionStatusForm(StrictForm):
    """The action's owner (or the secretariat) updates its status."""

    status = formkit.choice(("Status", "Status"), ACTION_STATUSES, required=True)


class KpiForm(StrictForm):
    """The secretariat defines or edits a KPI of a focus domain."""

    focus_domain = formkit.focus_domain(required=True)
    name = Text(
        max_length=200,
        required=True,
        metadata=meta("Naam", "Name", "Wat de KPI meet.", "What the KPI measures."),
    )
    unit = Text(
        max_length=40,
        required=True,
        metadata=meta(
            "Eenheid",
            "Unit",
            "Staat na elke waarde: %, gebruikers, diensten ...",
            "Shown after each value: %, users, services ...",
        ),
    )
    baseline = formkit.number(
        ("Beginwaarde", "Baseline"),
        help=("De waarde bij de start (optioneel).", "The value at the start (optional)."),
    )
    target = formkit.number(("Streefwaarde", "Target"), required=True)
    target_on = formkit.day(
        ("Streefdatum", "Target date"),
        help=(
            "Tegen wanneer de streefwaarde bereikt moet zijn. Tot dan vraagt Stuurboord de "
            "eigenaar op geregelde tijden om een meting.",
            "When the target should be reached. Until then Stuurboord asks the owner for a "
            "measurement at regular times.",
        ),
        required=True,
        check=formkit.years_either_way(5),
    )
    higher_is_better = formkit.flag(
        ("Hoger is beter", "Higher is better"),
        help=(
            "Aangevinkt: een hogere waarde is beter. Niet aangevinkt: lager is beter.",
            "Ticked: a higher value is better. Not ticked: lower is better.",
        ),
        default=True,
    )
    owner_user_id = _user(
        ("Eigenaar", "Owner"),
        ("Wie de metingen invoert. Leeg: het secretariaat.",
         "Who enters the measurements. Empty: the secretariat."),
    )  # fmt: skip
    measure_every_months = formkit.integer(
        ("Meten elke ... maanden", "Measure every ... months"),
        help=("1 tot 12 maanden.", "1 to 12 months."),
        required=True,
        minimum=1,
        maximum=12,
    )


class AmbitionForm(StrictForm):
    """The secretariat writes or corrects a focus domain's ambition."""

    ambition_nl = Text(
        max_length=4000,
        required=True,
        metadata=meta(
            "Ambitie (Nederlands)",
            "Ambition (Dutch)",
            "Zoals het strategisch plan ze formuleert.",
            "As the strategic plan states it.",
        ),
    )
    ambition_en = formkit.text(
        ("Ambitie (Engels)", "Ambition (English)"),
        4000,
        help=("Een getrouwe vertaling.", "A faithful translation."),
    )


class LinkDecisionForm(StrictForm):
    """The secretariat links a decision to an action or a KPI."""

    decision_id = formkit.picked(
        "decisions",
        formkit.case_id(("Besluit", "Decision"), required=True),
    )


class LinkActionForm(StrictForm):
    """The secretariat links an action to a KPI."""

    action_id = formkit.case_id(("Actie", "Action"), required=True)


# -- the measurement process -------------------------------------------------------------------


class KpiMeasurementStartForm(StrictForm):
    """Start: the KPI whose measurements this case asks for (started when the KPI is made)."""

    kpi_id = formkit.set_by_system(formkit.case_id(("KPI", "KPI"), required=True))


class EnterMeasurementForm(StrictForm):
    """The KPI's owner enters the measured value."""

    value = formkit.number(
        ("Gemeten waarde", "Measured value"),
        help=("In de eenheid van de KPI.", "In the KPI's unit."),
        required=True,
    )
    measured_on = formkit.day(
        ("Gemeten op", "Measured on"),
        help=("De datum waarop de waarde gold.", "The date the value applied to."),
        required=True,
        check=formkit.not_after_today(max_years_back=1),
    )
    note = formkit.text(
        ("Toelichting", "Note"),
        formkit.NOTE_TEXT,
        help=("Bron, berekening of opmerking.", "Source, method or remark."),
    )

    @validates_schema
    def _finite(self, data: dict[str, Any], **_: Any) -> None:
        value = data.get("value")
        if isinstance(value, float) and value != value:  # NaN never gets this far; be sure
            raise ValidationError({"value": ["Geef een getal. / Enter a number."]})


FORMS: dict[tuple[str, str], type[StrictForm]] = {
    (PROCESS, "kpi_start"): KpiMeasurementStartForm,
    (PROCESS, "enter_measurement"): EnterMeasurementForm,
}
"""(process, element) → form, registered with the engine."""
