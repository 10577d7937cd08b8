"""Building blocks for the forms of the follow-up processes (working groups, escalations,
comply-or-explain): bilingual labels and messages, bounded text, identifiers and sane dates.

Every field carries ``metadata={"label": {"nl", "en"}, "help": {"nl", "en"}}`` for the web app,
and error messages read Dutch first, then English after a slash, as in
:mod:`processes.records.formkit`. Dates are checked against
:func:`processes.records.dates.today`, looked up at validation time: tests that run on a manual
clock replace that one function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate

from processes.records import dates
from processes.records.reference import FOCUS_DOMAINS

_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$")
_MESSAGES = {
    "required": "Dit veld is verplicht. / This field is required.",
    "null": "Dit veld mag niet leeg zijn. / This field may not be empty.",
}


def messages(**extra: str) -> dict[str, str]:
    """Bilingual marshmallow error messages: required, null, plus `extra`."""
    return {**_MESSAGES, **extra}


def meta(label_nl: str, label_en: str, help_nl: str, help_en: str) -> dict[str, Any]:
    """Field metadata with a Dutch and English label and help text."""
    return {"label": {"nl": label_nl, "en": label_en}, "help": {"nl": help_nl, "en": help_en}}


class Text(fields.String):
    """A string with surrounding whitespace removed, then checked for length."""

    def __init__(self, *, min_length: int = 1, max_length: int, **kwargs: Any) -> None:
        length = validate.Length(
            min=min_length,
            max=max_length,
            error=(
                f"Geef {min_length} tot {max_length} tekens. / "
                f"Enter {min_length} to {max_length} characters."
            ),
        )
        kwargs.setdefault("error_messages", messages(invalid="Geef tekst in. / Enter text."))
        super().__init__(validate=[length], **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Identifier(fields.String):
    """An organisation or working-group code: a string (or a whole number) of at most 50
    letters, digits and ``_ . : -``. Always handed back as a string, the form role scopes use."""

    default_error_messages = {
        **_MESSAGES,
        "invalid": "Geef een code. / Enter a code.",
        "invalid_id": (
            "Ongeldige code: tot 50 letters, cijfers, '_', '.', ':' of '-'. / "
            "Not a valid code: up to 50 letters, digits, '_', '.', ':' or '-'."
        ),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value)
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _IDENTIFIER.match(text):
            raise self.make_error("invalid_id")
        return text


def identifiers(metadata: dict[str, Any], *, min_items: int, max_items: int, **kwargs: Any) -> Any:
    """A list of codes, each at most once."""

    def unique(values: list[str]) -> None:
        if len(set(values)) != len(values):
            raise ValidationError(
                "Elke code mag maar één keer voorkomen. / Each code may appear only once."
            )

    return fields.List(
        Identifier(),
        validate=[
            validate.Length(
                min=min_items,
                max=max_items,
                error=(
                    f"Geef {min_items} tot {max_items} codes. / "
                    f"Give {min_items} to {max_items} codes."
                ),
            ),
            unique,
        ],
        error_messages=messages(invalid="Geef een lijst. / Enter a list."),
        metadata=metadata,
        **kwargs,
    )


def focus_domain(**kwargs: Any) -> fields.String:
    """One of the strategic plan's focus domains, by code."""
    listed = ", ".join(FOCUS_DOMAINS)
    return fields.String(
        validate=validate.OneOf(
            list(FOCUS_DOMAINS), error=f"Kies één van: {listed}. / Choose one of: {listed}."
        ),
        error_messages=messages(invalid="Geef een code. / Enter a code."),
        metadata={
            **meta(
                "Focusdomein",
                "Focus domain",
                "Het focusdomein van het strategisch plan waartoe dit behoort.",
                "The focus domain of the strategic plan this belongs to.",
            ),
            "choices": {code: dict(label) for code, label in FOCUS_DOMAINS.items()},
        },
        **kwargs,
    )


def choice(
    options: dict[str, tuple[str, str]], metadata: dict[str, Any], **kwargs: Any
) -> fields.String:
    """A required choice between fixed options (code → (Dutch, English) label)."""
    listed = ", ".join(options)
    return fields.String(
        required=True,
        validate=validate.OneOf(
            list(options), error=f"Kies één van: {listed}. / Choose one of: {listed}."
        ),
        error_messages=messages(invalid="Geef een code. / Enter a code."),
        metadata={
            **metadata,
            "choices": {code: {"nl": nl, "en": en} for code, (nl, en) in options.items()},
        },
        **kwargs,
    )


def whole_number(metadata: dict[str, Any], *, minimum: int, maximum: int, **kwargs: Any) -> Any:
    """A whole number between `minimum` and `maximum`."""
    return fields.Integer(
        strict=True,
        validate=validate.Range(
            min=minimum,
            max=maximum,
            error=(
                f"Geef een getal van {minimum} tot {maximum}. / "
                f"Enter a number from {minimum} to {maximum}."
            ),
        ),
        error_messages=messages(invalid="Geef een geheel getal. / Enter a whole number."),
        metadata=metadata,
        **kwargs,
    )


def case_id(metadata: dict[str, Any], **kwargs: Any) -> Any:
    """The id of another case (a positive whole number)."""
    return whole_number(metadata, minimum=1, maximum=2**31 - 1, **kwargs)


def flag(metadata: dict[str, Any], **kwargs: Any) -> fields.Boolean:
    """Yes or no."""
    return fields.Boolean(
        error_messages=messages(invalid="Kies ja of nee. / Choose yes or no."),
        metadata=metadata,
        **kwargs,
    )


# -- dates -------------------------------------------------------------------------------------


def day(metadata: dict[str, Any], check: Callable[[date], None], **kwargs: Any) -> fields.Date:
    """A calendar date (YYYY-MM-DD) passing `check`."""
    return fields.Date(
        validate=check,
        error_messages=messages(
            invalid="Geef een datum als JJJJ-MM-DD. / Enter a date as YYYY-MM-DD."
        ),
        metadata=metadata,
        **kwargs,
    )


def after_today(max_years: int = 3) -> Callable[[date], None]:
    """A date strictly after today, and at most `max_years` ahead."""

    def check(value: date) -> None:
        now = dates.today()
        if value <= now:
            raise ValidationError(
                f"Kies een datum na vandaag ({now.isoformat()}). / "
                f"Choose a date after today ({now.isoformat()})."
            )
        if value > now + timedelta(days=366 * max_years):
            raise ValidationError(
                f"Kies een datum binnen {max_years} jaar. / Choose a date within {max_years} years."
            )

    return check


def not_before_today(max_years: int = 3) -> Callable[[date], None]:
    """A date today or later (not in the past), and at most `max_years` ahead."""

    def check(value: date) -> None:
        now = dates.today()
        if value < now:
            raise ValidationError(
                f"Deze datum ligt in het verleden; kies {now.isoformat()} of later. / "
                f"This date is in the past; choose {now.isoformat()} or later."
            )
        if value > now + timedelta(days=366 * max_years):
            raise ValidationError(
                f"Kies een datum binnen {max_years} jaar. / Choose a date within {max_years} years."
            )

    return check


def not_after_today(max_years_back: int = 5) -> Callable[[date], None]:
    """A date today or earlier, and not more than `max_years_back` ago."""

    def check(value: date) -> None:
        now = dates.today()
        if value > now:
            raise ValidationError(
                f"Deze datum ligt in de toekomst; kies {now.isoformat()} of vroeger. / "
                f"This date is in the future; choose {now.isoformat()} or earlier."
            )
        if value < now - timedelta(days=366 * max_years_back):
            raise ValidationError(
                f"Kies een datum van de laatste {max_years_back} jaar. / "
                f"Choose a date within the last {max_years_back} years."
            )

    return check


def require_when(
    data: dict[str, Any], condition: bool, names: Iterable[str], because: tuple[str, str]
) -> dict[str, list[str]]:
    """Errors for every field in `names` left empty while `condition` holds."""
    if not condition:
        return {}
    return {
        name: [f"Verplicht {because[0]}. / Required {because[1]}."]
        for name in names
        if data.get(name) in (None, "", [])
    }


def forbid_when(
    data: dict[str, Any], condition: bool, names: Iterable[str], because: tuple[str, str]
) -> dict[str, list[str]]:
    """Errors for every field in `names` filled in while `condition` holds."""
    if not condition:
        return {}
    return {
        name: [f"Laat leeg {because[0]}. / Leave empty {because[1]}."]
        for name in names
        if data.get(name) not in (None, "", [])
    }
