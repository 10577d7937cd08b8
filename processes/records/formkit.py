"""Building blocks for the process forms (marshmallow schemas), shared by every process package.

Every form is strict (an unknown field is refused), every text has a maximum length, every
field carries a Dutch and English label and help text in its metadata::

    metadata={"label": {"nl": ..., "en": ...}, "help": {"nl": ..., "en": ...}}

and error messages are written for people: Dutch first, then English after a slash.
Dates are checked against :func:`processes.records.dates.today` (looked up at validation time,
so tests can replace it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from processes.records import dates

SHORT_TEXT = 200
"""Titles, names, locations."""
LONG_TEXT = 4000
"""Summaries, questions, decisions, explanations."""
NOTE_TEXT = 2000
"""Notes and reasons."""
ID_TEXT = 50
"""Codes of organisations and working groups."""
MAX_LIST = 50
"""Longest list a form takes (entities, domains, attendance)."""

REQUIRED = "Dit veld is verplicht. / This field is required."
NOT_NULL = "Dit veld mag niet leeg zijn. / This field may not be empty."
BLANK = (
    "Vul dit veld in; alleen spaties volstaat niet. / Fill in this field; spaces alone will not do."
)


class StrictForm(Schema):
    """Base of every form: unknown fields are refused with a readable message."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": (
            "Onbekend veld: dit formulier kent het niet. / Unknown field: not part of this form."
        ),
        "type": "Het formulier moet een object zijn. / The form must be an object.",
    }


def meta(
    label_nl: str, label_en: str, help_nl: str = "", help_en: str = "", **extra: Any
) -> dict[str, Any]:
    """Field metadata: labels and help texts in Dutch and English, plus anything extra."""
    data: dict[str, Any] = {"label": {"nl": label_nl, "en": label_en}}
    if help_nl or help_en:
        data["help"] = {"nl": help_nl, "en": help_en}
    data.update(extra)
    return data


def _messages(**extra: str) -> dict[str, str]:
    return {"required": REQUIRED, "null": NOT_NULL, **extra}


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(BLANK)


def _length(max_length: int) -> validate.Length:
    return validate.Length(
        max=max_length,
        error=(
            f"Te lang: ten hoogste {max_length} tekens. / Too long: at most {max_length} "
            "characters."
        ),
    )


def text(
    label: tuple[str, str],
    max_length: int,
    *,
    required: bool = False,
    help: tuple[str, str] = ("", ""),
    default: str | None = "",
    not_blank: bool = False,
) -> fields.String:
    """A text field of at most `max_length` characters. Required text may not be blank (nor
    optional text with `not_blank`, when given).

    `default` applies when the field is left out (None: leave it out of the data entirely,
    for forms that only change what they are given).
    """
    validators: list[Callable[[str], Any]] = [_length(max_length)]
    options: dict[str, Any] = {}
    if required or not_blank:
        validators.append(_not_blank)
    if required:
        options["required"] = True
    elif default is not None:
        options["load_default"] = default
    return fields.String(
        validate=validators,
        error_messages=_messages(invalid="Geef tekst in. / Enter text."),
        metadata=meta(*label, *help, max_length=max_length),
        **options,
    )


def choice(
    label: tuple[str, str],
    choices: Mapping[str, Mapping[str, str]],
    *,
    required: bool = False,
    help: tuple[str, str] = ("", ""),
    default: str | None = None,
    allow_none: bool = False,
) -> fields.String:
    """One code out of `choices` (code → {"nl", "en"} label)."""
    options: dict[str, Any] = {"required": True} if required else {"load_default": default}
    listed = ", ".join(choices)
    return fields.String(
        validate=validate.OneOf(
            list(choices),
            error=f"Kies één van: {listed}. / Choose one of: {listed}.",
        ),
        allow_none=allow_none,
        error_messages=_messages(invalid="Geef een code in. / Enter a code."),
        metadata=meta(*label, *help, choices={k: dict(v) for k, v in choices.items()}),
        **options,
    )


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(
            "Elke waarde mag maar één keer voorkomen. / Each value may appear once."
        )


def choices_list(
    label: tuple[str, str],
    choices: Mapping[str, Mapping[str, str]],
    *,
    help: tuple[str, str] = ("", ""),
    with_default: bool = True,
) -> fields.List:
    """Several codes out of `choices`, each at most once."""
    listed = ", ".join(choices)
    inner = fields.String(
        validate=validate.OneOf(
            list(choices), error=f"Kies uit: {listed}. / Choose from: {listed}."
        )
    )
    options: dict[str, Any] = {"load_default": list} if with_default else {}
    return fields.List(
        inner,
        validate=[
            validate.Length(
                max=len(choices),
                error=f"Ten hoogste {len(choices)} keuzes. / At most {len(choices)} choices.",
            ),
            _unique,
        ],
        error_messages=_messages(invalid="Geef een lijst. / Enter a list."),
        metadata=meta(*label, *help, choices={k: dict(v) for k, v in choices.items()}),
        **options,
    )


def codes_list(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    max_items: int = MAX_LIST,
    max_length: int = ID_TEXT,
    with_default: bool = True,
) -> fields.List:
    """A list of codes or ids (organisations, users), each at most once; existence is checked
    by the service that uses them."""
    inner = fields.String(
        validate=[
            validate.Length(
                min=1,
                max=max_length,
                error=(
                    f"Een code heeft 1 tot {max_length} tekens. / A code has 1 to {max_length} "
                    "characters."
                ),
            )
        ]
    )
    options: dict[str, Any] = {"load_default": list} if with_default else {}
    return fields.List(
        inner,
        validate=[
            validate.Length(
                max=max_items,
                error=f"Ten hoogste {max_items} waarden. / At most {max_items} values.",
            ),
            _unique,
        ],
        error_messages=_messages(invalid="Geef een lijst. / Enter a list."),
        metadata=meta(*label, *help),
        **options,
    )


def flag(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    default: bool | None = False,
    required: bool = False,
) -> fields.Boolean:
    options: dict[str, Any] = {"required": True} if required else {}
    if not required and default is not None:
        options["load_default"] = default
    return fields.Boolean(
        error_messages=_messages(invalid="Kies ja of nee. / Choose yes or no."),
        metadata=meta(*label, *help),
        **options,
    )


def integer(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    required: bool = False,
    minimum: int = 0,
    maximum: int = 1_000_000_000,
    allow_none: bool = True,
    omit_when_missing: bool = False,
) -> fields.Integer:
    options: dict[str, Any] = {"required": True} if required else {}
    if not required and not omit_when_missing:
        options["load_default"] = None
    return fields.Integer(
        strict=True,
        allow_none=allow_none and not required,
        validate=validate.Range(
            min=minimum,
            max=maximum,
            error=f"Geef een getal van {minimum} tot {maximum}. / Enter a number from {minimum} "
            f"to {maximum}.",
        ),
        error_messages=_messages(invalid="Geef een geheel getal. / Enter a whole number."),
        metadata=meta(*label, *help),
        **options,
    )


def not_in_past(value: date) -> None:
    """Refuse a date before today (in the committee's calendar)."""
    today = dates.today()
    if value < today:
        raise ValidationError(
            f"Deze datum ({value.isoformat()}) ligt in het verleden; kies {today.isoformat()} of "
            f"later. / This date is in the past; choose {today.isoformat()} or later."
        )


def not_in_future(value: date) -> None:
    """Refuse a date after today (something that already happened)."""
    today = dates.today()
    if value > today:
        raise ValidationError(
            f"Deze datum ({value.isoformat()}) ligt in de toekomst; kies {today.isoformat()} of "
            f"vroeger. / This date is in the future; choose {today.isoformat()} or earlier."
        )


def within_years(years: int) -> Callable[[date], None]:
    """Refuse a date more than `years` years from today (a typo such as 2206 instead of 2026)."""

    def check(value: date) -> None:
        limit = dates.today() + timedelta(days=round(365.25 * years))
        if value > limit:
            raise ValidationError(
                f"Deze datum ({value.isoformat()}) ligt meer dan {years} jaar vooruit. / This "
                f"date is more than {years} years ahead."
            )

    return check


def day(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    required: bool = False,
    future: bool = True,
    past: bool = False,
    omit_when_missing: bool = False,
) -> fields.Date:
    """A calendar date. `future`: today or later (within 5 years); `past`: today or earlier."""
    validators: list[Callable[[date], None]] = []
    if future:
        validators += [not_in_past, within_years(5)]
    if past:
        validators.append(not_in_future)
    options: dict[str, Any] = {"required": True} if required else {}
    if not required and not omit_when_missing:
        options["load_default"] = None
    return fields.Date(
        validate=validators,
        allow_none=not required,
        error_messages=_messages(
            invalid="Geef een datum als JJJJ-MM-DD. / Enter a date as YYYY-MM-DD."
        ),
        metadata=meta(*label, *help),
        **options,
    )


def require_when(
    data: Mapping[str, Any], condition: bool, names: tuple[str, ...], because: tuple[str, str]
) -> dict[str, list[str]]:
    """Errors for the fields in `names` that are empty although `condition` holds."""
    if not condition:
        return {}
    errors: dict[str, list[str]] = {}
    for name in names:
        value = data.get(name)
        if (
            value is None
            or (isinstance(value, str | list) and not value)
            or (isinstance(value, str) and not value.strip())
        ):
            errors[name] = [f"Verplicht {because[0]}. / Required {because[1]}."]
    return errors
