"""HTML forms made from the marshmallow schemas that processes/ registers per start event and
task. Field metadata gives the words: `label` and `help` (a text or {"nl", "en"}), `choices`
({code: label}), `widget` ("textarea", "radio", "select"), `max_length`.

`fields_for` describes the inputs to render; `read_form` turns a posted form into the data the
engine validates (numbers as numbers, booleans as booleans, lists as lists); `messages` makes
marshmallow's error messages readable in the current language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, fields, missing, validate
from werkzeug.datastructures import MultiDict

from webapp.i18n import language, localized

LONG_TEXT = 300  # strings allowed longer than this get a textarea


@dataclass
class FormField:
    name: str
    kind: str
    label: str
    help: str | None
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    errors: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"

    def selected(self, choice: str) -> bool:
        if isinstance(self.value, list | tuple):
            return choice in [str(v) for v in self.value]
        return self.value is not None and str(self.value) == choice


def _validators(item: fields.Field) -> list[Any]:
    found = list(getattr(item, "validators", []) or [])
    inner = getattr(item, "inner", None)
    if inner is not None:
        found += list(getattr(inner, "validators", []) or [])
    return found


def _choices(item: fields.Field) -> list[tuple[str, str]]:
    metadata_choices = item.metadata.get("choices")
    if isinstance(metadata_choices, dict):
        return [
            (str(code), localized(label) or str(code)) for code, label in metadata_choices.items()
        ]
    for validator in _validators(item):
        if isinstance(validator, validate.OneOf):
            labels = list(validator.labels or [])
            return [
                (str(c), localized(labels[i]) if i < len(labels) else str(c))
                for i, c in enumerate(validator.choices)
            ]
    return []


def _kind(item: fields.Field, choices: list[tuple[str, str]]) -> str:
    widget = item.metadata.get("widget")
    if isinstance(item, fields.List):
        return "checkboxes" if choices else "lines"
    if choices:
        return (
            widget
            if widget in ("radio", "select")
            else ("radio" if len(choices) <= 5 else "select")
        )
    if isinstance(item, fields.Boolean):
        return "yesno" if item.required else "checkbox"
    if isinstance(item, fields.Integer):
        return "integer"
    if isinstance(item, fields.Float | fields.Decimal):
        return "decimal"
    if isinstance(item, fields.DateTime):
        return "datetime"
    if isinstance(item, fields.Date):
        return "date"
    if isinstance(item, fields.Email):
        return "email"
    if isinstance(item, fields.Url):
        return "url"
    if isinstance(item, fields.String):
        longest = _max_length(item)
        return "textarea" if widget == "textarea" or (longest or 0) > LONG_TEXT else "text"
    return "json"


def _max_length(item: fields.Field) -> int | None:
    if isinstance(item.metadata.get("max_length"), int):
        return int(item.metadata["max_length"])
    for validator in _validators(item):
        if isinstance(validator, validate.Length) and validator.max is not None:
            return int(validator.max)
    return None


def _attrs(item: fields.Field, kind: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    longest = _max_length(item)
    if longest and kind in ("text", "textarea", "email", "url"):
        attrs["maxlength"] = longest
    for validator in _validators(item):
        if isinstance(validator, validate.Range):
            if validator.min is not None:
                attrs["min"] = validator.min
            if validator.max is not None:
                attrs["max"] = validator.max
    if kind == "decimal":
        attrs["step"] = "any"
    return attrs


def _label(name: str, item: fields.Field) -> str:
    return localized(item.metadata.get("label")) or name.replace("_", " ").capitalize()


def fields_for(
    schema_class: type[Schema] | None,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
) -> list[FormField]:
    """The inputs of a form, with values to show again and errors per field."""
    if schema_class is None:
        return []
    schema = schema_class()
    values, errors = values or {}, errors or {}
    found = []
    for name, item in schema.load_fields.items():
        if item.dump_only:
            continue
        key = item.data_key or name
        choices = _choices(item)
        kind = _kind(item, choices)
        value = values.get(key)
        default = item.load_default
        if (
            value is None
            and default is not None
            and default is not missing
            and not callable(default)
        ):
            value = default
        found.append(
            FormField(
                name=key,
                kind=kind,
                label=_label(name, item),
                help=localized(item.metadata.get("help")) or None,
                required=bool(item.required),
                choices=choices,
                value=value,
                errors=messages(errors.get(key)),
                attrs=_attrs(item, kind),
            )
        )
    return found


def _number(text: str, kind: str) -> Any:
    try:
        if kind == "integer":
            return int(text)
        number = Decimal(text.replace(",", "."))
        return float(number)
    except (ValueError, InvalidOperation):
        return text


def read_form(schema_class: type[Schema] | None, form: MultiDict[str, str]) -> dict[str, Any]:
    """Posted form → data for the engine. Empty inputs are left out (defaults apply)."""
    data: dict[str, Any] = {}
    for spec in fields_for(schema_class):
        name, kind = spec.name, spec.kind
        if kind == "checkboxes":
            data[name] = [v for v in form.getlist(name) if v]
            continue
        if kind == "checkbox":
            data[name] = form.get(name) in ("on", "true", "1")
            continue
        raw = form.get(name)
        if raw is None:
            continue
        raw = raw.replace("\r\n", "\n")
        if raw.strip() == "":
            continue
        if kind == "lines":
            data[name] = [line.strip() for line in raw.split("\n") if line.strip()]
        elif kind == "yesno":
            data[name] = {"ja": True, "yes": True, "true": True}.get(
                raw, False if raw in ("nee", "no", "false") else raw
            )
        elif kind in ("integer", "decimal"):
            data[name] = _number(raw.strip(), kind)
        elif kind == "datetime":
            data[name] = raw.strip()
        else:
            data[name] = raw
    return data


_KNOWN = {
    "Missing data for required field.": "Dit veld is verplicht.",
    "Field may not be null.": "Dit veld mag niet leeg zijn.",
    "Not a valid integer.": "Geef een geheel getal.",
    "Not a valid number.": "Geef een getal.",
    "Not a valid string.": "Geef tekst in.",
    "Not a valid boolean.": "Kies ja of nee.",
    "Not a valid date.": "Geef een geldige datum.",
    "Not a valid datetime.": "Geef een geldige datum en tijd.",
    "Not a valid email address.": "Geef een geldig e-mailadres.",
    "Not a valid URL.": "Geef een geldige webpagina (URL).",
    "Unknown field.": "Onbekend veld.",
    "Must be one of: {choices}.": "Kies een van de mogelijkheden.",
    "Shorter than minimum length {min}.": "Te kort.",
    "Longer than maximum length {max}.": "Te lang.",
}
_PATTERNS = [
    (re.compile(r"^Must be one of: .*\.$"), "Kies een van de mogelijkheden."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "Te kort: minstens {0} tekens."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "Te lang: ten hoogste {0} tekens."),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "Geef een waarde van {0} tot {1}.",
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "Geef minstens {0}."),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "Geef ten hoogste {0}."),
]


def message(text: str) -> str:
    """One error message in the current language (bilingual "nl / en" texts are split)."""
    if " / " in text:
        dutch, _sep, english = text.partition(" / ")
        return english if language() == "en" else dutch
    if language() == "en":
        return text
    if text in _KNOWN:
        return _KNOWN[text]
    for pattern, template in _PATTERNS:
        match = pattern.match(text)
        if match:
            return template.format(*match.groups())
    return text


def messages(errors: Any) -> list[str]:
    """Flatten one field's errors (a list, or nested for lists and nested schemas)."""
    if errors is None:
        return []
    if isinstance(errors, str):
        return [message(errors)]
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in messages(value)]
    return [m for item in errors for m in messages(item)]


def form_errors(errors: dict[str, Any], known: list[FormField]) -> list[str]:
    """Errors that belong to no input of the form (schema-level ones), readable."""
    names = {f.name for f in known}
    general = []
    for key, value in errors.items():
        if key not in names:
            prefix = "" if key == "_schema" else f"{key}: "
            general += [prefix + m for m in messages(value)]
    return general
