"""The process forms (marshmallow schemas built with :mod:`processes.records.formkit`) as JSON
Schema, draft 2020-12, so that an API client knows what a start form or a task takes.

What the schema says, per field:

* ``title`` and ``description``: the field's label and help text in the asked language;
* the type (``string``, ``integer``, ``boolean``, ``array``, ``object``; ``null`` added where
  the form accepts an empty value), ``default`` where the form fills one in;
* texts: ``maxLength``/``minLength`` and a ``pattern`` that refuses control characters (and
  line breaks in one-line texts) and, where the form does, text of spaces alone (the form
  removes surrounding spaces of some texts before it counts);
* numbers (whole or not): ``minimum``/``maximum``; dates: ``format: date`` (ISO 8601) with the
  dates the form accepts today as ``formatMinimum``/``formatMaximum`` (the ajv-formats
  keywords); times as ``HH:MM``;
* choices: ``oneOf`` of ``{"const": code, "title": label}``, for fixed lists and for the
  pickers of the web app (meetings, organisations, working groups, people: the same options,
  looked up through `options`);
* lists: ``items``, ``maxItems``/``minItems`` and ``uniqueItems`` where the form refuses doubles;
  lists of sub-forms (the treatments of a meeting) as arrays of object schemas;
* a strict form (every formkit form: an unknown field is refused) has
  ``additionalProperties: false``; ``required`` lists what the form requires.

Rules between fields (formkit's `When`): a field required with a choice (``required_when``) or
to be left empty with it (``empty_when``) becomes an ``if``/``then`` clause in ``allOf``, and its
description says when ("Required when Decision is “Admit to a meeting”."). A field that only
matters with a choice (``shown_with``) checks nothing: its description says so. Rules a form
writes as its own validator publish their clauses through ``StrictForm.json_rules``.

Validation stays marshmallow's: the schema describes the form and never replaces it (a test
checks that the two agree on generated examples).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time, timedelta
from typing import Any

from marshmallow import RAISE, Schema, fields, missing, validate

from processes.records import dates, formkit
from processes.records.choices import SOURCES, Option
from processes.records.formkit import Condition, When

DIALECT = "https://json-schema.org/draft/2020-12/schema"

OptionsOf = Callable[[str], list[Option]]
"""The choices of a picker source (``choices_from``), in the asked language."""

# Characters no text takes (formkit.plain_text): C0 and C1 controls, line and paragraph
# separators, bidi embeddings, overrides and isolates; one-line texts refuse tab, LF, CR too.
_NEVER_MULTI = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"  # noqa: E501
_NEVER_SINGLE = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_TIME = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_EMPTY: dict[str, Any] = {
    "anyOf": [
        {"type": "null"},
        {"type": "string", "pattern": "^\\s*$"},
        {"type": "array", "maxItems": 0},
    ]
}
"""What formkit counts as left empty: null, spaces alone, an empty list."""
_FILLED: dict[str, Any] = {"not": _EMPTY}
_FALSY: list[Any] = [False, None, "", 0, [], {}]

_WORDS = {
    "nl": {
        "required_when": "Verplicht als {condition}.",
        "empty_when": "Leeg laten als {condition}.",
        "shown_with": "Alleen van belang als {condition}.",
        "equals": "{field} „{value}” is",
        "differs": "{field} niet „{value}” is",
        "truthy": "{field} aangevinkt is",
        "pickers": "De keuzes van vandaag; een keuze die intussen verdween, wordt geweigerd.",
        "no_choices": "Er is nu niets om uit te kiezen.",
        "date": "Een datum als jjjj-mm-dd (of dd-mm-jjjj).",
        "time": "Een uur als UU:MM.",
    },
    "en": {
        "required_when": "Required when {condition}.",
        "empty_when": "Leave empty when {condition}.",
        "shown_with": "Only matters when {condition}.",
        "equals": "{field} is “{value}”",
        "differs": "{field} is not “{value}”",
        "truthy": "{field} is ticked",
        "pickers": "Today's choices; a choice that has gone since is refused.",
        "no_choices": "There is nothing to choose from now.",
        "date": "A date as yyyy-mm-dd (or dd-mm-yyyy).",
        "time": "A time as HH:MM.",
    },
}


def json_schema(
    schema_class: type[Schema] | None,
    language: str,
    options: OptionsOf,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a form, in `language` ("nl" or "en"), with the picker
    choices `options` gives. A task without a form takes an empty object."""
    schema = {"$schema": DIALECT}
    if schema_class is None:
        return {**schema, "type": "object", "properties": {}, "additionalProperties": False}
    words = _WORDS.get(language, _WORDS["nl"])
    converter = _Converter(language, words, options, today or dates.today())
    return {**schema, **converter.form(schema_class())}


def _text(label: Any, language: str) -> str:
    if isinstance(label, Mapping):
        return str(label.get(language) or label.get("nl") or next(iter(label.values()), ""))
    return "" if label is None else str(label)


def _default(item: fields.Field) -> Any:
    value = item.load_default
    if value is missing:
        return missing
    if callable(value):
        value = value()
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _is_empty(value: Any) -> bool:
    if value is missing or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value


def _validators(item: fields.Field) -> list[Any]:
    return list(getattr(item, "validators", []) or [])


def _with_range(item: fields.Field, shape: dict[str, Any]) -> dict[str, Any]:
    """`shape` with the bounds of the field's Range validators (minimum, maximum)."""
    for v in _validators(item):
        if isinstance(v, validate.Range):
            if v.min is not None:
                shape["minimum"] = v.min
            if v.max is not None:
                shape["maximum"] = v.max
    return shape


def _sub_schema(item: fields.Field) -> Schema | None:
    if isinstance(item, fields.List) and isinstance(item.inner, fields.Nested):
        nested = item.inner.schema
        return nested if isinstance(nested, Schema) else None
    return None


def _each_once(item: fields.Field) -> bool:
    return any(getattr(v, "__qualname__", "").startswith("_each_once.") for v in _validators(item))


def _lengths(item: fields.Field) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    for v in _validators(item):
        if isinstance(v, validate.Length):
            if v.min is not None:
                low = max(low or 0, int(v.min))
            if v.max is not None:
                high = int(v.max) if high is None else min(high, int(v.max))
            if v.equal is not None:
                low = high = int(v.equal)
    if high is None and isinstance(item.metadata.get("max_length"), int):
        high = int(item.metadata["max_length"])
    return low, high


def date_bounds(item: fields.Field, today: date) -> tuple[date | None, date | None]:
    """The earliest and latest date the field's validators accept today (None: no bound found
    within 50 years). The validators (not in the past, within N years, after today, ...) each
    accept one interval of days, so the bounds are found by bisection around an accepted day."""
    checks = _validators(item)

    def ok(day: date) -> bool:
        for check in checks:
            try:
                check(day)
            except Exception:  # marshmallow's ValidationError and whatever a check raises
                return False
        return True

    near = (today + timedelta(days=d) for d in (0, 1, -1, 2, 30, -30, 365))
    inside = next((day for day in near if ok(day)), None)
    if inside is None:
        return None, None
    far = timedelta(days=365 * 50)

    def edge(limit: date) -> date | None:
        if ok(limit):
            return None
        good, bad = inside, limit
        while abs((bad - good).days) > 1:
            middle = good + timedelta(days=(bad - good).days // 2)
            if ok(middle):
                good = middle
            else:
                bad = middle
        return good

    return edge(inside - far), edge(inside + far)


class _Converter:
    def __init__(
        self, language: str, words: dict[str, str], options: OptionsOf, today: date
    ) -> None:
        self.language = language
        self.words = words
        self.options = options
        self.today = today

    # -- a form ------------------------------------------------------------------------------

    def form(self, schema: Schema) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        notes = self._rule_notes(schema)
        for name, item in schema.load_fields.items():
            if item.dump_only:
                continue
            key = item.data_key or name
            prop = self.field(item)
            described = " ".join(p for p in (prop.get("description"), *notes.get(name, [])) if p)
            if described:
                prop["description"] = described
            properties[key] = prop
            if item.required:
                required.append(key)
        found: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            found["required"] = required
        found["additionalProperties"] = schema.unknown != RAISE  # strict forms: False
        clauses = [self._clause(schema, rule) for rule in getattr(schema, "rules", ()) or ()]
        clauses = [c for c in clauses if c is not None]
        clauses += [dict(c) for c in getattr(schema, "json_rules", ()) or ()]
        if clauses:
            found["allOf"] = clauses
        return found

    # -- one field ---------------------------------------------------------------------------

    def field(self, item: fields.Field, *, inner: bool = False) -> dict[str, Any]:
        prop: dict[str, Any] = {}
        if not inner:
            label = _text(item.metadata.get("label"), self.language)
            if label:
                prop["title"] = label
            help_text = _text(item.metadata.get("help"), self.language)
            if help_text:
                prop["description"] = help_text
        prop.update(self._shape(item))
        nullable = bool(item.allow_none) and not inner
        if nullable:
            if "oneOf" in prop:
                prop["oneOf"] = [*prop["oneOf"], {"type": "null"}]
            elif "type" in prop:
                prop["type"] = [prop["type"], "null"]
            elif "not" in prop:  # no choices now: only empty
                prop.pop("not")
                prop["type"] = "null"
        default = _default(item)
        if default is not missing and not inner:
            prop["default"] = default
        return prop

    def _shape(self, item: fields.Field) -> dict[str, Any]:
        sub = _sub_schema(item)
        if sub is not None:
            shape: dict[str, Any] = {"type": "array", "items": self.form(sub)}
            return {**shape, **self._list_bounds(item)}
        choices = self._choices(item)
        if isinstance(item, fields.List):
            inner = dict(choices) if choices else self.field(item.inner, inner=True)
            if choices and isinstance(item.inner, fields.Integer):
                inner = self._choices(item, integers=True)
            shape = {"type": "array", "items": inner, **self._list_bounds(item)}
            if _each_once(item):
                shape["uniqueItems"] = True
            if choices:
                self._note_source(item, shape)
            return shape
        if choices:
            shape = self._choices(item, integers=isinstance(item, fields.Integer))
            self._note_source(item, shape)
            return shape
        if isinstance(item, fields.Boolean):
            return {"type": "boolean"}
        if isinstance(item, fields.Integer):
            return _with_range(item, {"type": "integer"})
        if isinstance(item, fields.Float):
            return _with_range(item, {"type": "number"})
        if isinstance(item, fields.Date):
            shape = {"type": "string", "format": "date"}
            low, high = date_bounds(item, self.today)
            if low is not None:
                shape["formatMinimum"] = low.isoformat()
            if high is not None:
                shape["formatMaximum"] = high.isoformat()
            return shape
        if isinstance(item, fields.Time):
            return {"type": "string", "pattern": _TIME}
        if isinstance(item, fields.String):
            return self._string(item)
        raise TypeError(f"no JSON Schema for {type(item).__name__}")

    def _string(self, item: fields.String) -> dict[str, Any]:
        low, high = _lengths(item)
        multi = formkit._multi_line(high or 0, item.metadata)
        never = _NEVER_MULTI if multi else _NEVER_SINGLE
        blank_refused = formkit._not_blank in _validators(item) or (
            isinstance(item, formkit.Text) and (low or 0) >= 1
        )
        if isinstance(item, formkit.Identifier):
            return {"type": "string", "pattern": "^\\s*[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}\\s*$"}
        shape: dict[str, Any] = {"type": "string"}
        if low:
            shape["minLength"] = low
        if high is not None:
            shape["maxLength"] = high
        shape["pattern"] = f"^(?=[\\s\\S]*\\S)[^{never}]*$" if blank_refused else f"^[^{never}]*$"
        return shape

    def _list_bounds(self, item: fields.Field) -> dict[str, Any]:
        low, high = _lengths(item)
        bounds: dict[str, Any] = {}
        if low:
            bounds["minItems"] = low
        if high is not None:
            bounds["maxItems"] = high
        return bounds

    # -- choices -----------------------------------------------------------------------------

    def _options(self, item: fields.Field) -> list[tuple[str, str]] | None:
        source = item.metadata.get("choices_from")
        if source in SOURCES:
            return [(o.value, o.label) for o in self.options(str(source))]
        labels = item.metadata.get("choices")
        if isinstance(labels, Mapping):
            return [(str(code), _text(label, self.language)) for code, label in labels.items()]
        for v in _validators(item):
            if isinstance(v, validate.OneOf):
                return [(str(c), str(c)) for c in v.choices]
        return None

    def _choices(self, item: fields.Field, *, integers: bool = False) -> dict[str, Any]:
        found = self._options(item)
        if found is None:
            return {}
        if not found:
            return {"not": {}, "$comment": self.words["no_choices"]}

        def value(code: str) -> Any:
            return int(code) if integers and code.lstrip("-").isdigit() else code

        return {"oneOf": [{"const": value(code), "title": label} for code, label in found]}

    def _note_source(self, item: fields.Field, shape: dict[str, Any]) -> None:
        if item.metadata.get("choices_from") in SOURCES:
            shape["x-choices-from"] = str(item.metadata["choices_from"])

    # -- rules between fields ----------------------------------------------------------------

    def _condition(self, schema: Schema, condition: Condition) -> dict[str, Any]:
        item = schema.load_fields.get(condition.field)
        default = _default(item) if item is not None else missing
        if condition.test == "truthy":
            holds: dict[str, Any] = {"properties": {condition.field: {"not": {"enum": _FALSY}}}}
            if default is missing or not default:
                holds["required"] = [condition.field]
            return holds
        equal: dict[str, Any] = {"properties": {condition.field: {"const": condition.value}}}
        if default is missing or default != condition.value:
            equal["required"] = [condition.field]
        return equal if condition.test == "equals" else {"not": equal}

    def _clause(self, schema: Schema, rule: When) -> dict[str, Any] | None:
        condition = rule.holds
        if rule.only_shown or not isinstance(condition, Condition):
            return None
        names = [n for n in rule.fields if n in schema.load_fields]
        if rule.empty:
            then: dict[str, Any] = {"properties": {n: _EMPTY for n in names}}
        else:
            then = {"properties": {n: _FILLED for n in names}}
            needed = [n for n in names if _is_empty(_default(schema.load_fields[n]))]
            if needed:
                then["required"] = needed
        return {"if": self._condition(schema, condition), "then": then}

    def _rule_notes(self, schema: Schema) -> dict[str, list[str]]:
        notes: dict[str, list[str]] = {}
        for rule in getattr(schema, "rules", ()) or ():
            condition = rule.holds
            if not isinstance(condition, Condition):
                continue
            kind = (
                "shown_with"
                if rule.only_shown
                else "empty_when"
                if rule.empty
                else ("required_when")
            )
            text = self.words[kind].format(condition=self._describe(schema, condition))
            for name in rule.fields:
                notes.setdefault(name, []).append(text)
        return notes

    def _describe(self, schema: Schema, condition: Condition) -> str:
        item = schema.load_fields.get(condition.field)
        label = condition.field
        value = condition.value
        if item is not None:
            label = _text(item.metadata.get("label"), self.language) or label
            labels = item.metadata.get("choices")
            if isinstance(labels, Mapping) and value in labels:
                value = _text(labels[value], self.language)
        return self.words[condition.test].format(field=label, value=value)
