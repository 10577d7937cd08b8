"""What the generated forms (webapp/forms.py) add to a field beyond its schema:

* choices from the records, for fields whose metadata names a source (``choices_from``, see
  :mod:`processes.records.choices`): looked up at render time, once per request and language,
  labelled in the person's language and grouped where that helps (organisations by kind);
* the fields a form's `rules` require only with a certain choice (StrictForm ``required_when``,
  or merely show with it: ``shown_with``): their marker says when ("verplicht bij Uitkomst
  „Beslist”") and the page shows them with that choice (``static/js/forms.js``; without
  JavaScript they are all shown, with the marker);
* dates the Dutch way: shown as dd-mm-jjjj, read back as ISO for the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from marshmallow import Schema, fields

from processes.records import choices as records
from processes.records.formkit import Condition, iso_from_dutch
from webapp.i18n import language, localized


@dataclass(frozen=True)
class ShowWhen:
    """A field needed only when another input (`name`, as posted) has `value` (`test`
    "equals"), anything but `value` ("differs"), or is ticked ("truthy"); `hint` says so."""

    name: str
    test: str
    value: str
    hint: str


def source_of(item: fields.Field) -> str | None:
    source = item.metadata.get("choices_from")
    return str(source) if source in records.SOURCES else None


def options(source: str, context: records.CaseContext | None = None) -> list[records.Option]:
    """The choices of a source, looked up once per request, language and case (`context`: the
    case the form belongs to, whose related records come first)."""
    if not has_app_context():
        return []
    cache: dict[tuple[str, str, int | None], list[records.Option]] = g.setdefault(
        "_picker_options", {}
    )
    ranked = context is not None and records.SOURCES[source].related is not None
    key = (source, language(), context.case_id if ranked and context else None)
    if key not in cache:
        state = current_app.extensions.get("stuurboord")
        if state is None:
            cache[key] = []
        else:
            with state.engine.db.read() as session:
                cache[key] = records.options(
                    session, source, language(), context if ranked else None
                )
    return cache[key]


def with_values(
    source: str, value: Any, context: records.CaseContext | None = None
) -> list[records.Option]:
    """The options of `source`, plus any value already chosen that is not among them (a
    meeting whose agenda closed since, an entity no longer active): shown so that it is not
    lost unseen, named as the source's `labels_from` names it, else by its code."""
    found = options(source, context)
    chosen = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
    listed = {o.value for o in found}
    fallback = records.SOURCES[source].labels_from
    names = {o.value: o.label for o in options(fallback)} if fallback else {}
    group = _("Andere") if any(o.group for o in found) else ""
    extra = [
        records.Option(str(v), names.get(str(v), str(v)), group)
        for v in chosen
        if str(v) not in listed
    ]
    return found + extra


def grouped(found: list[records.Option]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options by group, in the order groups first appear; empty when there are no groups."""
    if not any(o.group for o in found):
        return []
    groups: dict[str, list[tuple[str, str]]] = {}
    for option in found:
        groups.setdefault(option.group, []).append((option.value, option.label))
    return list(groups.items())


# -- fields required with a choice --------------------------------------------------------------


def _choice_label(item: fields.Field | None, value: Any) -> str:
    if item is None:
        return str(value)
    labels = item.metadata.get("choices")
    if isinstance(labels, Mapping) and value in labels:
        return localized(labels[value]) or str(value)
    return str(value)


def _label(item: fields.Field | None, name: str) -> str:
    if item is None:
        return name
    return localized(item.metadata.get("label")) or name


def _hint(schema: Schema, condition: Condition) -> str:
    item = schema.load_fields.get(condition.field)
    label = _label(item, condition.field)
    if condition.test == "truthy":
        return _("verplicht als „%(field)s” aangevinkt is", field=label)
    value = _choice_label(item, condition.value)
    if condition.test == "differs":
        return _("verplicht tenzij %(field)s „%(value)s”", field=label, value=value)
    return _("verplicht bij %(field)s „%(value)s”", field=label, value=value)


def show_when(schema: Schema, prefix: str) -> dict[str, list[ShowWhen]]:
    """For each field a `required_when` rule of the schema names: when it is needed."""
    found: dict[str, list[ShowWhen]] = {}
    for rule in getattr(schema, "rules", ()) or ():
        condition = getattr(rule, "holds", None)
        if getattr(rule, "empty", False) or not isinstance(condition, Condition):
            continue
        value = condition.value
        text = "true" if value is True else "false" if value is False else str(value or "")
        hint = "" if getattr(rule, "only_shown", False) else _hint(schema, condition)
        for name in rule.fields:
            found.setdefault(name, []).append(
                ShowWhen(prefix + condition.field, condition.test, text, hint)
            )
    return found


# -- dates ---------------------------------------------------------------------------------------


def dutch_day(value: Any) -> Any:
    """An ISO date (or a date) as dd-mm-jjjj; anything else as it is (what the person typed)."""
    if isinstance(value, date):
        return f"{value.day:02d}-{value.month:02d}-{value.year}"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dutch_day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def iso_day(raw: str) -> str:
    """A date as typed (dd-mm-jjjj, or ISO) as ISO for the schema; other text unchanged."""
    value = iso_from_dutch(raw.strip())
    return value if isinstance(value, str) else raw
