"""Building blocks for the process forms (marshmallow schemas), shared by every process package
(topics, meetings, and the follow-up processes: working groups, escalations, comply-or-explain).

Every form is strict (an unknown field is refused), every text has a maximum length, every
field carries a Dutch and English label and help text in its metadata::

    metadata={"label": {"nl": ..., "en": ...}, "help": {"nl": ..., "en": ...}}

and error messages are written for people: Dutch first, then English after a slash.
Dates are checked against :func:`processes.records.dates.today` (looked up at validation time,
so tests can replace it).

Where two flavours of a block exist, they differ in what they accept and in the message the user
reads, and forms rely on both:

* text: :func:`text` (kept as typed, "too long" / "not only spaces") and :class:`Text` (stripped,
  "enter 1 to N characters"); both refuse control characters and bidi overrides
  (:func:`plain_text`), and line breaks and tabs unless the text is multi-line;
* code lists: :func:`codes_list` (any short code) and :func:`identifiers` (strict
  :class:`Identifier` codes, "give 1 to N codes");
* dates: :func:`day` checks today-or-later within 5 years by default (:func:`not_in_past`,
  :func:`within_years`, :func:`not_in_future`); the follow-up forms pass one of
  :func:`after_today`, :func:`not_before_today` or :func:`not_after_today` as `check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar, TypeVar

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from processes.records import dates
from processes.records.reference import FOCUS_DOMAINS

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
MAX_CASE_ID = 2**31 - 1
"""Largest case id a form takes."""

REQUIRED = "Dit veld is verplicht. / This field is required."
NOT_NULL = "Dit veld mag niet leeg zijn. / This field may not be empty."
BLANK = (
    "Vul dit veld in; alleen spaties volstaat niet. / Fill in this field; spaces alone will not do."
)
MULTI_LINE_ABOVE = 300
"""Texts allowed longer than this are multi-line (the web form shows them as a textarea)."""

# Control characters (C0, DEL, C1) other than tab and line breaks, line and paragraph
# separators, bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and
# surrogates: refused in every text. Tab, LF and CR: only in multi-line texts.
_NEVER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                    "\u2066-\u2069\ud800-\udfff]")  # fmt: skip
_BREAKS = re.compile("[\t\n\r]")


@dataclass(frozen=True)
class When:
    """A rule between fields: `fields` must be filled in (or, with `empty`, left empty) when
    `holds(data)`; `because` completes the message ("Verplicht <nl>. / Required <en>.")."""

    fields: tuple[str, ...]
    holds: Callable[[Mapping[str, Any]], bool]
    because: tuple[str, str]
    empty: bool = False
    only_shown: bool = False
    """Checks nothing: the fields only matter with this choice (the web form shows them with
    it; see :func:`shown_with`)."""

    def errors(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        if self.only_shown:
            return {}
        check = forbid_when if self.empty else require_when
        return check(data, self.holds(data), self.fields, self.because)


def required_when(
    fields: Iterable[str], holds: Callable[[Mapping[str, Any]], bool], because: tuple[str, str]
) -> When:
    return When(tuple(fields), holds, because)


def empty_when(
    fields: Iterable[str], holds: Callable[[Mapping[str, Any]], bool], because: tuple[str, str]
) -> When:
    return When(tuple(fields), holds, because, empty=True)


@dataclass(frozen=True)
class Condition:
    """A condition on one field, readable by the web form (which marks the fields a rule
    requires and shows them with the choice they depend on): `field` equals `value` (`test`
    "equals"), differs from it ("differs"), or is set ("truthy")."""

    field: str
    test: str
    value: Any = None

    def __call__(self, data: Mapping[str, Any]) -> bool:
        here = data.get(self.field)
        if self.test == "equals":
            return bool(here == self.value)
        if self.test == "differs":
            return bool(here != self.value)
        return bool(here)


def shown_with(fields: Iterable[str], holds: Condition) -> When:
    """Optional fields that only matter with a choice (the kind of agenda item when the chair
    admits): the web form shows them with that choice; nothing is checked."""
    return When(tuple(fields), holds, ("", ""), only_shown=True)


def equals(field: str, value: Any) -> Condition:
    """A condition: `field` has `value`."""
    return Condition(field, "equals", value)


def differs(field: str, value: Any) -> Condition:
    """A condition: `field` does not have `value`."""
    return Condition(field, "differs", value)


def truthy(field: str) -> Condition:
    """A condition: `field` is set (true, non-empty)."""
    return Condition(field, "truthy")


class StrictForm(Schema):
    """Base of every form: unknown fields are refused with a readable message, and the form's
    `rules` (fields required or to be left empty depending on other fields) are checked."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": (
            "Onbekend veld: dit formulier kent het niet. / Unknown field: not part of this form."
        ),
        "type": "Het formulier moet een object zijn. / The form must be an object.",
    }

    rules: ClassVar[tuple[When, ...]] = ()
    prefill_from_case: ClassVar[tuple[str, ...]] = ()
    """Fields the web form fills in from the case's current data when the task opens (a
    revision starts from what was submitted before; what the person leaves as shown stays)."""
    json_rules: ClassVar[tuple[Mapping[str, Any], ...]] = ()
    """JSON Schema ``if``/``then`` clauses of rules the form checks in a validator of its own
    (published with its schema, see :mod:`processes.records.formschema`)."""

    @validates_schema
    def _check_rules(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        for rule in self.rules:
            errors.update(rule.errors(data))
        if errors:
            raise ValidationError(errors)


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


def plain_text(multi_line: bool) -> Callable[[str], None]:
    """A validator refusing control characters and bidi overrides, naming the first one;
    tabs and line breaks only where the text is `multi_line`."""

    def check(value: str) -> None:
        found = _NEVER.search(value)
        if found:
            code = f"U+{ord(found.group()):04X}"
            raise ValidationError(
                f"Het teken {code} mag niet in een tekst: geen controletekens of tekens die de "
                f"leesrichting omkeren. / Character {code} is not allowed in text: no control "
                "characters or characters that reverse the reading direction."
            )
        if not multi_line:
            found = _BREAKS.search(value)
            if found:
                code = f"U+{ord(found.group()):04X}"
                raise ValidationError(
                    f"Dit veld is één regel: geen regeleinde of tab ({code}). / This field is a "
                    f"single line: no line break or tab ({code})."
                )

    return check


def _multi_line(max_length: int, metadata: Mapping[str, Any] | None = None) -> bool:
    return max_length > MULTI_LINE_ABOVE or (metadata or {}).get("widget") == "textarea"


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
    validators: list[Callable[[str], Any]] = [
        _length(max_length),
        plain_text(_multi_line(max_length)),
    ]
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


class Text(fields.String):
    """A string with surrounding whitespace removed, then checked for length: `min_length` (1
    by default, so spaces alone are refused) to `max_length` characters."""

    def __init__(self, *, min_length: int = 1, max_length: int, **kwargs: Any) -> None:
        length = validate.Length(
            min=min_length,
            max=max_length,
            error=(
                f"Geef {min_length} tot {max_length} tekens. / "
                f"Enter {min_length} to {max_length} characters."
            ),
        )
        kwargs.setdefault("error_messages", _messages(invalid="Geef tekst in. / Enter text."))
        plain = plain_text(_multi_line(max_length, kwargs.get("metadata")))
        super().__init__(validate=[length, plain], **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


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


def focus_domain(*, required: bool = False) -> fields.String:
    """One of the strategic plan's focus domains, by code (empty allowed unless `required`)."""
    return choice(
        ("Focusdomein", "Focus domain"),
        FOCUS_DOMAINS,
        help=(
            "Het focusdomein van het strategisch plan waartoe dit behoort.",
            "The focus domain of the strategic plan this belongs to.",
        ),
        required=required,
        allow_none=not required,
    )


F = TypeVar("F", bound=fields.Field)


def picked(source: str, item: F) -> F:
    """`item` with its choices from the records: `source` names one of
    :data:`processes.records.choices.SOURCES` (organisations, meetings, working groups, users).
    The web form shows a picker of names and posts the id or code; before a task completes,
    a value the source does not know is refused with the field named."""
    item.metadata["choices_from"] = source
    return item


SET_BY_SYSTEM = "set_by_system"
"""Metadata key of a field the process that starts the case fills in (see `set_by_system`)."""


def set_by_system(item: F) -> F:
    """`item` as a field another process fills in when it starts this case (a link to the case
    or record it comes from). The engine and the API take it as any other field; the web form
    neither shows nor reads it, and a start form that *requires* one is not offered on the web
    (only another process can start such a case)."""
    item.metadata[SET_BY_SYSTEM] = True
    return item


def _each_once(message: str) -> Callable[[list[Any]], None]:
    def check(values: list[Any]) -> None:
        if len(set(values)) != len(values):
            raise ValidationError(message)

    return check


_unique = _each_once("Elke waarde mag maar één keer voorkomen. / Each value may appear once.")


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
            ),
            plain_text(multi_line=False),
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


_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$")


class Identifier(fields.String):
    """An organisation or working-group code: a string (or a whole number) of at most 50
    letters, digits and ``_ . : -``. Always handed back as a string, the form role scopes use."""

    default_error_messages = {
        **_messages(),
        "invalid": "Geef een code. / Enter a code.",
        "invalid_id": (
            "Ongeldige code: tot 50 letters, cijfers, '_', '.', ':' of '-'. / "
            "Not a valid code: up to 50 letters, digits, '_', '.', ':' or '-'."
        ),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value)
        code = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _IDENTIFIER.match(code):
            raise self.make_error("invalid_id")
        return code


def identifiers(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    min_items: int = 0,
    max_items: int = MAX_LIST,
    required: bool = False,
    default: Callable[[], list[str]] | None = list,
) -> fields.List:
    """A list of :class:`Identifier` codes, each at most once. Left out (and not `required`):
    `default()`, a new empty list; with `default` None it is None, and null is accepted."""
    options: dict[str, Any] = (
        {"required": True} if required else {"load_default": default, "allow_none": default is None}
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
            _each_once("Elke code mag maar één keer voorkomen. / Each code may appear only once."),
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
    """Yes or no; left out: `default` (None: leave it out of the data)."""
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


class Number(fields.Float):
    """A number with or without decimals (a measured value): a JSON number, never text, a
    yes/no or NaN/infinity."""

    default_error_messages = {
        **_messages(),
        "invalid": "Geef een getal. / Enter a number.",
        "special": "Geef een eindig getal. / Enter a finite number.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def number(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    required: bool = False,
    minimum: float = -1e12,
    maximum: float = 1e12,
) -> Number:
    """A number (decimals allowed) from `minimum` to `maximum`; left out: None."""
    options: dict[str, Any] = {"required": True} if required else {"load_default": None}
    return Number(
        allow_none=not required,
        validate=validate.Range(
            min=minimum,
            max=maximum,
            error=f"Geef een getal van {minimum:g} tot {maximum:g}. / Enter a number from "
            f"{minimum:g} to {maximum:g}.",
        ),
        metadata=meta(*label, *help),
        **options,
    )


def case_id(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    required: bool = False,
    omit_when_missing: bool = False,
) -> fields.Integer:
    """The id of another case or record (a positive whole number; existence is checked by the
    service, or by the picker's source). Left out (and not `required`): None, or with
    `omit_when_missing` nothing (what the case holds stays)."""
    return integer(
        label,
        help=help,
        required=required,
        minimum=1,
        maximum=MAX_CASE_ID,
        omit_when_missing=omit_when_missing,
    )


# -- dates, the Dutch way ----------------------------------------------------------------------

_DUTCH_DAY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def shown(value: date) -> str:
    """A date as people here write it: ``24-12-2026``."""
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


def iso_from_dutch(value: Any) -> Any:
    """``24-12-2026`` (or ``24/12/2026``, ``24.12.2026``) as ``2026-12-24``; anything else as
    it was."""
    if isinstance(value, str):
        match = _DUTCH_DAY.match(value)
        if match:
            d, m, y = match.groups()
            return f"{y}-{int(m):02d}-{int(d):02d}"
    return value


class DutchDate(fields.Date):
    """A calendar date entered as dd-mm-jjjj (the way forms show it) or as ISO 8601
    (jjjj-mm-dd, as the API and the case data carry it); dumped as ISO."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return super()._deserialize(iso_from_dutch(value), attr, data, **kwargs)


def not_in_past(value: date) -> None:
    """Refuse a date before today (in the committee's calendar)."""
    today = dates.today()
    if value < today:
        raise ValidationError(
            f"Deze datum ({shown(value)}) ligt in het verleden; kies {shown(today)} of "
            f"later. / This date is in the past; choose {shown(today)} or later."
        )


def not_in_future(value: date) -> None:
    """Refuse a date after today (something that already happened)."""
    today = dates.today()
    if value > today:
        raise ValidationError(
            f"Deze datum ({shown(value)}) ligt in de toekomst; kies {shown(today)} of "
            f"vroeger. / This date is in the future; choose {shown(today)} or earlier."
        )


def within_years(years: int) -> Callable[[date], None]:
    """Refuse a date more than `years` years from today (a typo such as 2206 instead of 2026)."""

    def check(value: date) -> None:
        limit = dates.today() + timedelta(days=round(365.25 * years))
        if value > limit:
            raise ValidationError(
                f"Deze datum ({shown(value)}) ligt meer dan {years} jaar vooruit. / This "
                f"date is more than {years} years ahead."
            )

    return check


def years_either_way(years: int = 5) -> Callable[[date], None]:
    """A date at most `years` years before or after today (a record edited after its date)."""

    def check(value: date) -> None:
        now = dates.today()
        span = timedelta(days=366 * years)
        if not now - span <= value <= now + span:
            raise ValidationError(
                f"Kies een datum binnen {years} jaar van vandaag. / Choose a date within "
                f"{years} years of today."
            )

    return check


def _at_most_years_ahead(value: date, now: date, years: int) -> None:
    if value > now + timedelta(days=366 * years):
        raise ValidationError(
            f"Kies een datum binnen {years} jaar. / Choose a date within {years} years."
        )


def after_today(max_years: int = 3) -> Callable[[date], None]:
    """A date strictly after today, and at most `max_years` ahead."""

    def check(value: date) -> None:
        now = dates.today()
        if value <= now:
            raise ValidationError(
                f"Kies een datum na vandaag ({shown(now)}). / "
                f"Choose a date after today ({shown(now)})."
            )
        _at_most_years_ahead(value, now, max_years)

    return check


def not_before_today(max_years: int = 3) -> Callable[[date], None]:
    """A date today or later (not in the past), and at most `max_years` ahead."""

    def check(value: date) -> None:
        now = dates.today()
        if value < now:
            raise ValidationError(
                f"Deze datum ligt in het verleden; kies {shown(now)} of later. / "
                f"This date is in the past; choose {shown(now)} or later."
            )
        _at_most_years_ahead(value, now, max_years)

    return check


def not_after_today(max_years_back: int = 5) -> Callable[[date], None]:
    """A date today or earlier, and not more than `max_years_back` ago."""

    def check(value: date) -> None:
        now = dates.today()
        if value > now:
            raise ValidationError(
                f"Deze datum ligt in de toekomst; kies {shown(now)} of vroeger. / "
                f"This date is in the future; choose {shown(now)} or earlier."
            )
        if value < now - timedelta(days=366 * max_years_back):
            raise ValidationError(
                f"Kies een datum van de laatste {max_years_back} jaar. / "
                f"Choose a date within the last {max_years_back} years."
            )

    return check


def day(
    label: tuple[str, str],
    *,
    help: tuple[str, str] = ("", ""),
    required: bool = False,
    future: bool = True,
    past: bool = False,
    check: Callable[[date], None] | None = None,
    omit_when_missing: bool = False,
) -> fields.Date:
    """A calendar date. `future`: today or later (within 5 years); `past`: today or earlier;
    `check` (such as :func:`after_today`): that check instead of `future` and `past`."""
    validators: list[Callable[[date], None]] = []
    if check is not None:
        validators.append(check)
    else:
        if future:
            validators += [not_in_past, within_years(5)]
        if past:
            validators.append(not_in_future)
    options: dict[str, Any] = {"required": True} if required else {}
    if not required and not omit_when_missing:
        options["load_default"] = None
    return DutchDate(
        validate=validators,
        allow_none=not required,
        error_messages=_messages(
            invalid="Geef een datum als dd-mm-jjjj. / Enter a date as dd-mm-yyyy."
        ),
        metadata=meta(*label, *help),
        **options,
    )


def _left_empty(value: Any) -> bool:
    """Missing or None, an empty list, or text of nothing but spaces."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list) and not value)


def require_when(
    data: Mapping[str, Any], condition: bool, names: Iterable[str], because: tuple[str, str]
) -> dict[str, list[str]]:
    """Errors for the fields in `names` that are empty although `condition` holds."""
    if not condition:
        return {}
    return {
        name: [f"Verplicht {because[0]}. / Required {because[1]}."]
        for name in names
        if _left_empty(data.get(name))
    }


def forbid_when(
    data: Mapping[str, Any], condition: bool, names: Iterable[str], because: tuple[str, str]
) -> dict[str, list[str]]:
    """Errors for the fields in `names` that are filled in although `condition` holds."""
    if not condition:
        return {}
    return {
        name: [f"Laat leeg {because[0]}. / Leave empty {because[1]}."]
        for name in names
        if not _left_empty(data.get(name))
    }
