"""Examples made from a form's JSON Schema (processes.records.formschema), the way a client
that knows nothing but the schema would make them: a minimal valid example (only what is
required, first choice of each choice), a full one (every field, longest texts, every choice
of a list), examples with each rule's condition made true, and invalid variants per property
(missing when required, wrong type, too long or short, out of range, a choice not offered, a
control character, doubles, an unknown property) and per rule (a field left out that the rule
requires, filled in where it must stay empty).

Deterministic and small on purpose (hypothesis-jsonschema covers drafts 4 to 7, not 2020-12's
``if``/``then`` with our ``formatMinimum`` dates).

`fill(schema, given)` is the helper the API story test uses: the minimal example with the
values the story needs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

UNKNOWN_CODE = "zz-onbekend"
UNKNOWN_ID = 987654
EXTRA = "onbekend_veld"


def _format_bound(check: str) -> Any:
    def keyword(validator: Any, bound: str, instance: Any, schema: dict[str, Any]) -> Any:
        if not isinstance(instance, str):
            return
        try:
            day = date.fromisoformat(instance)
        except ValueError:
            return
        limit = date.fromisoformat(bound)
        if (check == "min" and day < limit) or (check == "max" and day > limit):
            yield ValidationError(f"{instance} is outside {check} {bound}")

    return keyword


Validator = validators.extend(
    Draft202012Validator,
    {"formatMinimum": _format_bound("min"), "formatMaximum": _format_bound("max")},
)


def is_valid(schema: dict[str, Any], instance: Any) -> bool:
    return Validator(schema, format_checker=FormatChecker()).is_valid(instance)


# -- values ------------------------------------------------------------------------------------


def _types(schema: dict[str, Any]) -> list[str]:
    found = schema.get("type")
    if isinstance(found, list):
        return [t for t in found if t != "null"]
    return [found] if isinstance(found, str) else []


def _nullable(schema: dict[str, Any]) -> bool:
    found = schema.get("type")
    if isinstance(found, list) and "null" in found:
        return True
    return any(o.get("type") == "null" for o in schema.get("oneOf", []))


def _consts(schema: dict[str, Any]) -> list[Any]:
    return [o["const"] for o in schema.get("oneOf", []) if "const" in o]


def _day(schema: dict[str, Any]) -> str:
    low = schema.get("formatMinimum")
    high = schema.get("formatMaximum")
    today = date.today()
    if low is not None:
        day = date.fromisoformat(low) + timedelta(days=1)
    elif high is not None:
        day = date.fromisoformat(high) - timedelta(days=1)
    else:
        day = today
    if high is not None and day > date.fromisoformat(high):
        day = date.fromisoformat(high)
    return day.isoformat()


def _text(schema: dict[str, Any], full: bool) -> str:
    if schema.get("format") == "date":
        return _day(schema)
    pattern = schema.get("pattern", "")
    if pattern.startswith("^([01]"):
        return "10:00"
    if "A-Za-z0-9" in pattern:
        return "code-1"
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    if full and high is not None:
        return ("Lange tekst " * (int(high) // 12 + 1))[: int(high) - 1] + "."
    word = "Voorbeeldtekst"
    if high is not None:
        word = word[: int(high)]
    return word + "x" * max(0, low - len(word))


def value(schema: dict[str, Any], full: bool = False) -> Any:
    """A valid value of a property (None when only null is possible)."""
    consts = _consts(schema)
    if consts:
        return consts[0]
    if "oneOf" in schema or "not" in schema:
        return None
    kind = (_types(schema) or ["null"])[0]
    if kind == "string":
        return _text(schema, full)
    if kind == "integer":
        low, high = schema.get("minimum", 0), schema.get("maximum")
        if full and high is not None:
            return high
        return max(low, 1) if high is None or max(low, 1) <= high else low
    if kind == "number":
        low, high = schema.get("minimum", 0), schema.get("maximum")
        if full and high is not None:
            return float(high)
        return 12.5 if (high is None or high >= 12.5) and low <= 12.5 else float(low)
    if kind == "boolean":
        return bool(full)
    if kind == "array":
        return _array(schema, full)
    if kind == "object":
        return example(schema, full=full)
    return None


def _array(schema: dict[str, Any], full: bool) -> list[Any]:
    items = schema.get("items", {})
    low = int(schema.get("minItems", 0))
    high = schema.get("maxItems")
    consts = _consts(items)
    if consts:
        count = len(consts) if full else low
        if high is not None:
            count = min(count, int(high))
        return consts[:count]
    if items.get("type") == "object":
        count = max(low, 1 if full else 0)
        return [example(items, full=full) for _ in range(count)]
    if "not" in items:
        return []
    count = max(low, 2 if full else 0)
    if high is not None:
        count = min(count, int(high))
    made = value(items, full)
    return [f"{made}-{n}" if isinstance(made, str) else made for n in range(count)]


# -- whole examples ----------------------------------------------------------------------------


def _untrigger(schema: dict[str, Any], data: dict[str, Any], clause_if: dict[str, Any]) -> None:
    """Make a clause's condition false (its field unticked or left out)."""
    for name in clause_if.get("properties", {}):
        if "boolean" in _types(schema["properties"].get(name, {})):
            data[name] = False
        else:
            data.pop(name, None)


def _satisfy(
    schema: dict[str, Any],
    data: dict[str, Any],
    clause: dict[str, Any],
    full: bool,
    fixed: set[str],
) -> None:
    properties = schema.get("properties", {})
    then = clause["then"]
    for name, rule in then.get("properties", {}).items():
        if "const" in rule:
            if name in fixed and data.get(name) != rule["const"]:
                _untrigger(schema, data, clause["if"])
                return
            data[name] = rule["const"]
        elif "anyOf" in rule:  # must stay empty
            data.pop(name, None)
        elif "not" in rule and name in data and not is_valid(rule, data[name]):
            data[name] = value(properties[name], True)
    for name in then.get("required", []):
        if name not in data or data[name] in (None, "", []):
            made = value(properties[name], full)
            if made in (None, "", []):
                made = value(properties[name], True)
            data[name] = made


def resolve(
    schema: dict[str, Any], data: dict[str, Any], full: bool = False, fixed: set[str] = frozenset()
) -> dict[str, Any]:
    """`data` with what the schema's rules ask for given its choices (fields a choice needs
    added, fields it wants empty left out), until nothing changes; `fixed` fields keep their
    value."""
    for _round in range(6):
        before = copy.deepcopy(data)
        for clause in schema.get("allOf", []):
            if is_valid(clause["if"], data):
                _satisfy(schema, data, clause, full, fixed)
        if data == before:
            break
    return data


def example(
    schema: dict[str, Any], *, full: bool = False, given: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A valid instance: the required properties (every property with `full`), with `given`
    as given, then the rules satisfied."""
    data: dict[str, Any] = {}
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        if name in (given or {}):
            continue
        if name in required or full:
            made = value(prop, full)
            if made is None and not _nullable(prop) and name not in required:
                continue
            data[name] = made
    data.update(copy.deepcopy(given or {}))
    return resolve(schema, data, full, set(given or {}))


def fill(schema: dict[str, Any], given: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a client sends knowing only the schema: the minimal example with `given`."""
    return example(schema, given=given)


def _condition_values(clause_if: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Values of the condition's field that make an ``if`` true."""
    positive = clause_if.get("not", clause_if)
    [(name, rule)] = positive["properties"].items()
    prop = schema["properties"].get(name, {})
    if "not" in clause_if:  # differs: any other choice
        return [{name: c} for c in _consts(prop) if c != rule.get("const")][:1]
    if "const" in rule:
        return [{name: rule["const"]}]
    return [{name: True if "boolean" in _types(prop) else value(prop, True)}]


def valid_examples(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "minimal", example(schema)
    yield "full", example(schema, full=True)
    for n, clause in enumerate(schema.get("allOf", [])):
        for given in _condition_values(clause["if"], schema):
            yield f"rule {n} holds ({given})", example(schema, given=given)
            yield f"rule {n} holds, full ({given})", example(schema, full=True, given=given)


# -- invalid variants --------------------------------------------------------------------------


def _wrong_values(prop: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    kinds = _types(prop)
    yield "wrong type", ("tekst" if "array" in kinds else {"x": 1})
    if not _nullable(prop):
        yield "null", None
    consts = _consts(prop)
    if consts:
        yield "unknown choice", (UNKNOWN_ID if isinstance(consts[0], int) else UNKNOWN_CODE)
        return
    if "string" in kinds and prop.get("format") == "date":
        if "formatMinimum" in prop:
            low = date.fromisoformat(prop["formatMinimum"]) - timedelta(days=1)
            yield "before the earliest date", low.isoformat()
        if "formatMaximum" in prop:
            high = date.fromisoformat(prop["formatMaximum"]) + timedelta(days=1)
            yield "after the latest date", high.isoformat()
        yield "not a date", "31-02-2026x"
    elif "string" in kinds:
        if "maxLength" in prop:
            yield "too long", "x" * (int(prop["maxLength"]) + 1)
        if int(prop.get("minLength", 0)) > 1:
            yield "too short", "x" * (int(prop["minLength"]) - 1)
        if "pattern" in prop:
            yield "control character", "a\u0007b"
        if "(?=" in prop.get("pattern", ""):
            yield "spaces alone", "   "
    if "number" in kinds:
        if "maximum" in prop:
            yield "above the maximum", prop["maximum"] * 2 + 1
        if "minimum" in prop:
            yield "below the minimum", prop["minimum"] * 2 - 1
        yield "a number as text", "12,5"
    if "integer" in kinds:
        if "maximum" in prop:
            yield "above the maximum", prop["maximum"] + 1
        if "minimum" in prop:
            yield "below the minimum", prop["minimum"] - 1
        yield "a number as text", "12"
    if "array" in kinds:
        items = prop.get("items", {})
        made = _array(prop, True)
        if prop.get("uniqueItems") and made:
            yield "doubles", [made[0], made[0]]
        if "maxItems" in prop and items.get("type") != "object":
            yield "too many", [value(items, True)] * (int(prop["maxItems"]) + 1)
        if _consts(items):
            yield (
                "unknown choice in the list",
                [UNKNOWN_ID if isinstance(_consts(items)[0], int) else UNKNOWN_CODE],
            )
        if int(prop.get("minItems", 0)) > 0:
            yield "too few", []


def invalid_variants(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    base = example(schema, full=True)
    yield "unknown property", {**example(schema), EXTRA: "x"}
    for name in schema.get("required", []):
        data = dict(base)
        data.pop(name)
        yield f"{name}: missing", data
    for name, prop in schema.get("properties", {}).items():
        for what, wrong in _wrong_values(prop):
            yield f"{name}: {what}", {**base, name: wrong}
        items = prop.get("items", {})
        if items.get("type") == "object" and isinstance(base.get(name), list) and base[name]:
            for what, entry in invalid_variants(items):
                yield f"{name}[0] {what}", {**base, name: [entry, *base[name][1:]]}
    for n, clause in enumerate(schema.get("allOf", [])):
        for given in _condition_values(clause["if"], schema):
            data = example(schema, full=True, given=given)
            for name in clause["then"].get("required", []):
                yield (
                    f"rule {n} ({given}): {name} left out",
                    {k: v for k, v in data.items() if k != name},
                )
            for name, rule in clause["then"].get("properties", {}).items():
                if "anyOf" in rule:  # must stay empty
                    filled = value(schema["properties"][name], True)
                    yield f"rule {n} ({given}): {name} filled in", {**data, name: filled}
                elif "const" in rule:
                    other = [c for c in _consts(schema["properties"][name]) if c != rule["const"]]
                    if other:
                        yield f"rule {n} ({given}): {name} otherwise", {**data, name: other[0]}
