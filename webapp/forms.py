"""HTML forms made from the marshmallow schemas that processes/ registers per start event and
task. Field metadata gives the words: `label` and `help` (a text or {"nl", "en"}), `choices`
({code: label}), `widget` ("textarea", "radio", "select"), `max_length`.

Fields marked set by the system (``set_by_system``: a link another process fills in when it
starts the case) are neither shown nor read.

`fields_for` describes the inputs to render; `read_form` turns a posted form into the data the
engine validates (numbers as numbers, booleans as booleans, lists as lists); `messages` makes
marshmallow's error messages readable in the current language.

Lists:

- a list with choices is a group of checkboxes; a list of free values (text, codes, numbers) is
  a textarea with one value per line;
- a list of sub-forms (``fields.List(fields.Nested(Schema))``, kind ``entries``) is a fieldset
  with one fieldset per entry, whose inputs are named ``<list>-<index>-<field>``
  (``treatments-0-outcome``) and are rendered like top-level fields. A hidden input
  ``<list>-rijen`` carries how many entries the form showed. Entries the person left wholly
  empty are dropped when the form is read.
- The page may *seed* a list of sub-forms (`Seed`): one entry per seed, with the seed's legend,
  its fixed values carried in hidden inputs and its initial values filled in. A seeded list has
  as many entries as seeds. An unseeded list starts with one empty entry and has a button
  *Nog een rij* (name `ADD_ENTRY`, value the list's input name) that posts the form to show one
  more entry without completing anything (`add_entry`), as long as the list's maximum length
  allows.

Errors come as marshmallow gives them (``{"treatments": {0: {"outcome": [...]}}}``) or with
dotted keys (``{"treatments.0.outcome": [...]}``); both land on the right input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from flask import g, has_app_context
from flask_babel import gettext as _
from marshmallow import Schema, fields, missing, validate
from werkzeug.datastructures import MultiDict

from processes.records.choices import CaseContext
from processes.records.formkit import SET_BY_SYSTEM
from webapp import pickers
from webapp.i18n import language, localized

LONG_TEXT = 300  # strings allowed longer than this get a textarea
ADD_ENTRY = "_rij_erbij"
"""Name of the *Nog een rij* button; its value names the list that gets one more entry."""
COUNT_SUFFIX = "-rijen"
"""Suffix of the hidden input that says how many entries a list of sub-forms showed."""
MAX_ENTRIES = 500
"""Entries read from one posted list at most (whatever the form claims)."""
SEPARATOR = " \u203a "
"""Between the parts of a label in the error summary: list, entry, input."""


@dataclass(frozen=True)
class Seed:
    """One entry of a list of sub-forms that the page prepares (for example one per agenda
    item): `legend` names it, `fixed` values travel in hidden inputs and cannot be changed on
    the page, `values` are filled in and can be."""

    legend: str
    fixed: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


class Problem(NamedTuple):
    """One line of the error summary: the id of the input (or group) it links to, the words
    naming it, and its messages."""

    anchor: str
    label: str
    messages: list[str]


@dataclass
class FormField:
    """One input (or group of inputs) of a form. `name` is the posted name (with the
    ``<list>-<index>-`` prefix inside a list of sub-forms), `key` the schema's key."""

    name: str
    kind: str
    label: str
    help: str | None
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    errors: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    hidden: bool = False
    entries: list[Entry] = field(default_factory=list)
    can_add: bool = False
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    """Choices by group (organisations by kind), when they come grouped."""
    show_when: list[pickers.ShowWhen] = field(default_factory=list)
    """When a field the form's rules require only with a choice is needed."""

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"

    @property
    def needed_when(self) -> str:
        """The marker of a field required only with a choice ("verplicht bij ...")."""
        return "; ".join(dict.fromkeys(w.hint for w in self.show_when if w.hint))

    @property
    def show_when_data(self) -> str:
        """`show_when` as JSON, for forms.js."""
        return json.dumps(
            [{"name": w.name, "test": w.test, "value": w.value} for w in self.show_when]
        )

    @property
    def shown_value(self) -> Any:
        """The value as the input shows it (dates as dd-mm-jjjj)."""
        return pickers.dutch_day(self.value) if self.kind == "date" else self.value

    def selected(self, choice: str) -> bool:
        if isinstance(self.value, list | tuple):
            return choice in [str(v) for v in self.value]
        return self.value is not None and str(self.value) == choice

    @property
    def hidden_values(self) -> list[str]:
        """The value as hidden inputs carry it (read back by `read_form` as this kind)."""
        value = self.value
        if value is None:
            return []
        if isinstance(value, bool):
            return ["true" if value else "false"]
        if isinstance(value, list | tuple):
            if self.kind == "checkboxes":
                return [str(v) for v in value]
            return ["\n".join(str(v) for v in value)]
        return [str(value)]

    @property
    def add_anchor(self) -> str:
        """The id the entry added by *Nog een rij* will have (the page scrolls to it)."""
        return f"{self.input_id}-{len(self.entries)}"

    @property
    def problems(self) -> list[Problem]:
        """This field's errors and, for a list of sub-forms, those of every entry and input in
        it, for the error summary."""
        found = [Problem(self.input_id, self.label, self.errors)] if self.errors else []
        for entry in self.entries:
            where = f"{self.label}{SEPARATOR}{entry.legend}"
            if entry.errors:
                found.append(Problem(entry.legend_id, where, entry.errors))
            for sub in entry.fields:
                found += [
                    Problem(p.anchor, f"{where}{SEPARATOR}{p.label}", p.messages)
                    for p in sub.problems
                ]
        return found


@dataclass
class Entry:
    """One entry of a list of sub-forms: a fieldset with its own legend and inputs, and the
    errors that belong to the entry as a whole (or to its hidden inputs)."""

    list_name: str
    index: int
    legend: str
    fields: list[FormField]
    errors: list[str] = field(default_factory=list)

    @property
    def entry_id(self) -> str:
        return f"f-{self.list_name}-{self.index}"

    @property
    def legend_id(self) -> str:
        return f"{self.entry_id}-legend"

    @property
    def visible_fields(self) -> list[FormField]:
        return [f for f in self.fields if not f.hidden]

    @property
    def hidden_fields(self) -> list[FormField]:
        return [f for f in self.fields if f.hidden]


def _validators(item: fields.Field) -> list[Any]:
    found = list(getattr(item, "validators", []) or [])
    inner = getattr(item, "inner", None)
    if inner is not None:
        found += list(getattr(inner, "validators", []) or [])
    return found


def _sub_schema(item: fields.Field) -> Schema | None:
    """The schema of each entry, if `item` is a list of sub-forms."""
    if isinstance(item, fields.List) and isinstance(item.inner, fields.Nested):
        schema = item.inner.schema
        return schema if isinstance(schema, Schema) else None
    return None


def _max_entries(item: fields.Field) -> int | None:
    """The most entries a list takes (its own Length validator), if it says."""
    limits = [
        int(v.max)
        for v in getattr(item, "validators", []) or []
        if isinstance(v, validate.Length) and v.max is not None
    ]
    return min(limits) if limits else None


def _choices(item: fields.Field) -> list[tuple[str, str]]:
    source = pickers.source_of(item)
    if source is not None:
        return [(o.value, o.label) for o in pickers.options(source)]
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
    if _sub_schema(item) is not None:
        return "entries"
    picker = pickers.source_of(item) is not None
    if isinstance(item, fields.List):
        return "checkboxes" if choices or picker else "lines"
    if picker:  # a choice from the records, also while there is none yet (never a number box)
        return widget if widget in ("radio", "select") else "select"
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
    for validator in _validators(item) if kind in ("integer", "decimal") else []:
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


# -- errors as a tree --------------------------------------------------------------------------


def _merge(node: dict[Any, Any], key: Any, value: Any) -> None:
    """Put `value` at `key`, keeping what is there (messages of a list next to its entries go
    under ``_schema``)."""
    if key not in node:
        node[key] = value
        return
    here = node[key]
    if isinstance(here, dict) and isinstance(value, dict):
        for k, v in value.items():
            _merge(here, k, v)
    elif isinstance(here, dict):
        _merge(here, "_schema", value if isinstance(value, list) else [value])
    elif isinstance(value, dict):
        node[key] = value
        _merge(value, "_schema", here if isinstance(here, list) else [here])
    else:
        as_list = here if isinstance(here, list) else [here]
        node[key] = as_list + (value if isinstance(value, list) else [value])


def error_tree(errors: Mapping[Any, Any] | None) -> dict[Any, Any]:
    """Errors with dotted keys (``treatments.0.outcome``) and digit-string indexes (as after a
    JSON round trip) as marshmallow's nested form: ``{"treatments": {0: {"outcome": [...]}}}``."""
    tree: dict[Any, Any] = {}
    for key, value in (errors or {}).items():
        path: list[Any] = str(key).split(".") if isinstance(key, str) and key else [key]
        path = [int(p) if isinstance(p, str) and p.isdigit() else p for p in path]
        node = tree
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {} if child is None else {"_schema": child}
                node[part] = child
            node = child
        _merge(node, path[-1], error_tree(value) if isinstance(value, Mapping) else value)
    return tree


def _split_list_errors(errors: Any) -> tuple[list[str], dict[int, dict[Any, Any]]]:
    """A list's own messages (readable), and the errors of each entry by index."""
    if not isinstance(errors, dict):
        return messages(errors), {}
    own: list[str] = []
    entries: dict[int, dict[Any, Any]] = {}
    for key, value in errors.items():
        if isinstance(key, int):
            entries[key] = value if isinstance(value, dict) else {"_schema": value}
        elif key == "_schema":
            own += messages(value)
        else:
            own += [f"{key}: {m}" for m in messages(value)]
    return own, entries


# -- describing a form -------------------------------------------------------------------------


def _set_by_system(item: fields.Field) -> bool:
    """A field the process starting the case fills in: not on the web form."""
    return bool(item.metadata.get(SET_BY_SYSTEM))


def started_by_system(schema_class: type[Schema] | None) -> bool:
    """Whether only another process can start a case with this start form: it requires a
    field that process fills in (a link to the record it made), so the web offers no form."""
    if schema_class is None:
        return False
    return any(
        item.required and _set_by_system(item) for item in schema_class().load_fields.values()
    )


def fields_for(
    schema_class: type[Schema] | None,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    seeds: Mapping[str, list[Seed]] | None = None,
    context: CaseContext | None = None,
) -> list[FormField]:
    """The inputs of a form, with values to show again and errors per field. `seeds` prepares
    lists of sub-forms by their key (see the module docstring); `context` is the case the form
    belongs to (pickers list the records related to it first)."""
    if schema_class is None:
        return []
    return _fields(schema_class(), values or {}, error_tree(errors), "", seeds or {}, context)


def _fields(
    schema: Schema,
    values: Mapping[str, Any],
    errors: Mapping[Any, Any],
    prefix: str,
    seeds: Mapping[str, list[Seed]],
    context: CaseContext | None = None,
) -> list[FormField]:
    found = []
    needed = pickers.show_when(schema, prefix)
    for name, item in schema.load_fields.items():
        if item.dump_only or _set_by_system(item):
            continue
        key = item.data_key or name
        sub = _sub_schema(item)
        if sub is not None:
            found.append(
                _entries_field(
                    name, key, item, sub, values.get(key), errors.get(key), prefix, seeds.get(key)
                )
            )
            continue
        choices = _choices(item)
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        source = pickers.source_of(item)
        if source is not None:
            listed = pickers.with_values(source, values.get(key), context)
            choices = [(o.value, o.label) for o in listed]
            groups = pickers.grouped(listed)
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
                name=prefix + key,
                kind=kind,
                label=_label(name, item),
                help=localized(item.metadata.get("help")) or None,
                required=bool(item.required),
                choices=choices,
                value=value,
                errors=messages(errors.get(key)),
                attrs=_attrs(item, kind),
                key=key,
                groups=groups,
                show_when=needed.get(name, []),
            )
        )
    if any(f.errors for f in found):
        _mark_errors()
    return found


def _mark_errors() -> None:
    """Tell the page that the form it shows has errors (its title starts with "Fout:")."""
    if has_app_context():
        g.form_has_errors = True


def _seed_of(row: Mapping[str, Any], seeds: list[Seed], taken: list[Seed]) -> Seed | None:
    """The seed a posted entry came from: the first not yet taken whose fixed values it has."""
    for seed in seeds:
        if all(seed is not t for t in taken) and all(
            row.get(k) == v for k, v in seed.fixed.items()
        ):
            return seed
    return None


def _rows(value: Any, seeds: list[Seed] | None) -> list[tuple[dict[str, Any], Seed | None]]:
    """The entries to show: the given ones (matched to their seeds), then any seed not given."""
    given = [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []
    if seeds is None:
        return [(row, None) for row in given] or [({}, None)]
    if not isinstance(value, list):
        return [({**s.values, **s.fixed}, s) for s in seeds]
    rows: list[tuple[dict[str, Any], Seed | None]] = []
    taken: list[Seed] = []
    for row in given:
        seed = _seed_of(row, seeds, taken)
        if seed is not None:
            taken.append(seed)
        rows.append((row, seed))
    rows += [({**s.values, **s.fixed}, s) for s in seeds if all(s is not t for t in taken)]
    return rows


def _entries_field(
    name: str,
    key: str,
    item: fields.Field,
    sub: Schema,
    value: Any,
    errors: Any,
    prefix: str,
    seeds: list[Seed] | None,
) -> FormField:
    list_name = prefix + key
    own, by_index = _split_list_errors(errors)
    entries = []
    for index, (row, seed) in enumerate(_rows(value, seeds)):
        entry_errors = dict(by_index.get(index, {}))
        general = messages(entry_errors.pop("_schema", None))
        inputs = _fields(sub, row, entry_errors, f"{list_name}-{index}-", {})
        known: set[str] = set()
        for spec in inputs:
            if seed is not None and spec.key in seed.fixed:
                spec.hidden = True
                general += [f"{spec.label}: {m}" for m in spec.errors]
                spec.errors = []
            known.add(spec.key)
        general += [
            f"{k}: {m}" for k, v in entry_errors.items() if k not in known for m in messages(v)
        ]
        legend = seed.legend if seed is not None else _("Rij %(number)s", number=index + 1)
        entries.append(Entry(list_name, index, legend, inputs, general))
    limit = _max_entries(item)
    return FormField(
        name=list_name,
        kind="entries",
        label=_label(name, item),
        help=localized(item.metadata.get("help")) or None,
        required=bool(item.required),
        value=value,
        errors=own,
        key=key,
        entries=entries,
        can_add=seeds is None and (limit is None or len(entries) < limit),
    )


def prefill(
    schema_class: type[Schema] | None,
    last: Mapping[str, Any] | None,
    case_data: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The values a ready task's form opens with: what the person last completed this same
    task with in this case (`last`: the task came back, for example because a later step could
    not use it), and, for the fields a form lists in ``prefill_from_case`` (a revision), the
    case's current data. Nothing typed is lost, and a revision starts from the last round."""
    if schema_class is None:
        return {}
    values = dict(last or {})
    for key in getattr(schema_class, "prefill_from_case", ()) or ():
        if case_data is not None and case_data.get(key) is not None:
            values[key] = case_data[key]
    return values


# -- reading a posted form ---------------------------------------------------------------------


def _number(text: str, kind: str) -> Any:
    try:
        if kind == "integer":
            return int(text)
        number = Decimal(text.replace(",", "."))
        return float(number)
    except (ValueError, InvalidOperation):
        return text


def read_form(
    schema_class: type[Schema] | None, form: MultiDict[str, str], *, keep_blank: bool = False
) -> dict[str, Any]:
    """Posted form → data for the engine. Empty inputs are left out (defaults apply), and so
    are wholly empty entries of a list of sub-forms, unless `keep_blank` (to show the form
    again as it was, for *Nog een rij*)."""
    if schema_class is None:
        return {}
    return _read(schema_class(), form, "", keep_blank)


def _read(schema: Schema, form: MultiDict[str, str], prefix: str, keep_blank: bool) -> dict:
    data: dict[str, Any] = {}
    for name, item in schema.load_fields.items():
        if item.dump_only or _set_by_system(item):
            continue
        key = item.data_key or name
        sub = _sub_schema(item)
        if sub is not None:
            rows = _read_entries(sub, form, prefix + key, keep_blank)
            if rows is not None:
                data[key] = rows
            continue
        kind = _kind(item, _choices(item))
        found, value = _read_value(item, kind, form, prefix + key)
        if found:
            data[key] = value
    return data


def _read_value(
    item: fields.Field, kind: str, form: MultiDict[str, str], name: str
) -> tuple[bool, Any]:
    """(whether the input holds something, its value as the schema wants it)."""
    if kind == "checkboxes":
        return True, [v for v in form.getlist(name) if v]
    if kind == "checkbox":
        return True, form.get(name) in ("on", "true", "1")
    raw = form.get(name)
    if raw is None:
        return False, None
    raw = raw.replace("\r\n", "\n")
    if raw.strip() == "":
        return False, None
    if kind == "lines":
        inner = getattr(item, "inner", None)
        inner_kind = _kind(inner, []) if isinstance(inner, fields.Field) else "text"
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        if inner_kind in ("integer", "decimal"):
            return True, [_number(line, inner_kind) for line in lines]
        return True, lines
    if kind == "yesno":
        return True, {"ja": True, "yes": True, "true": True}.get(
            raw, False if raw in ("nee", "no", "false") else raw
        )
    if kind in ("integer", "decimal"):
        return True, _number(raw.strip(), kind)
    if kind in ("select", "radio") and isinstance(item, fields.Integer):
        return True, _number(raw.strip(), "integer")
    if kind == "date":
        return True, pickers.iso_day(raw)
    if kind == "datetime":
        return True, raw.strip()
    return True, raw


def _read_entries(
    sub: Schema, form: MultiDict[str, str], name: str, keep_blank: bool
) -> list[dict[str, Any]] | None:
    """The entries of a list of sub-forms, in index order; None when the form had none of it
    or every entry was left empty (so that a required list says so)."""
    pattern = re.compile(rf"{re.escape(name)}-(\d+)-")
    indexes = {int(m.group(1)) for k in form if (m := pattern.match(k)) and len(m.group(1)) < 6}
    count = form.get(name + COUNT_SUFFIX, "")
    if count.isdigit() and len(count) < 6:
        indexes |= set(range(int(count)))
    elif not indexes:
        return None
    rows = []
    for index in sorted(i for i in indexes if i < MAX_ENTRIES):
        entry_prefix = f"{name}-{index}-"
        if keep_blank or not _blank_entry(form, entry_prefix):
            rows.append(_read(sub, form, entry_prefix, keep_blank))
    if not rows and indexes:
        return None
    return rows


def _blank_entry(form: MultiDict[str, str], prefix: str) -> bool:
    """Whether the person left every input of this entry empty (hidden inputs of a seeded
    entry count as filled in: such an entry is always kept)."""
    return not any(
        value.strip()
        for key, values in form.lists()
        if key.startswith(prefix) and not key.endswith(COUNT_SUFFIX)
        for value in values
    )


def add_entry(
    schema_class: type[Schema] | None,
    data: dict[str, Any],
    target: str,
    *,
    fixed: Collection[str] = (),
) -> bool:
    """Give the list of sub-forms whose input name is `target` (``treatments``, or
    ``plans-0-steps`` inside another list) one more empty entry in `data`, if it takes more.
    Lists named in `fixed` (seeded ones) never do. Returns whether an entry was added."""
    if schema_class is None or target in fixed:
        return False
    return _add(schema_class(), data, "", target)


def _add(schema: Schema, data: dict[str, Any], prefix: str, target: str) -> bool:
    for name, item in schema.load_fields.items():
        sub = _sub_schema(item)
        if sub is None or item.dump_only:
            continue
        key = item.data_key or name
        full = prefix + key
        rows = data.get(key)
        if full == target:
            rows = list(rows) if isinstance(rows, list) else [{}]
            limit = _max_entries(item)
            if limit is not None and len(rows) >= limit:
                return False
            data[key] = [*rows, {}]
            return True
        if target.startswith(full + "-") and isinstance(rows, list):
            for index, row in enumerate(rows):
                if isinstance(row, dict) and _add(sub, row, f"{full}-{index}-", target):
                    return True
    return False


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
    if errors:
        _mark_errors()
    general = []
    for key, value in error_tree(errors).items():
        if key not in names:
            prefix = "" if key == "_schema" else f"{key}: "
            general += [prefix + m for m in messages(value)]
    return general
