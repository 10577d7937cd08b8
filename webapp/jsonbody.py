"""JSON request bodies that parse but cannot be stored are refused with 422, never a 500.

Python's parser accepts what the database and other clients cannot hold: integers of thousands
of digits (converting one past 4,300 digits even raises), `1e999999` (infinity), `NaN` and
`Infinity`, and `"\\ud800"` (a lone surrogate, which is no Unicode text: PostgreSQL refuses it
and UTF-8 cannot encode it). Each API request body is checked before the schema reads it; the
answer names the value and where it sits, for example `data.amount`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from webapp.errors import ApiError
from webapp.identity import current_actor, is_api_request

MAX_NUMBER_CHARS = 100
_INT64 = 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Refused:
    """Stands in for a number the parser met that cannot be kept; the walk reports it."""

    problem: str


def _number(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}…"


def _parse_int(text: str) -> int | _Refused:
    digits = len(text.lstrip("-"))
    if digits > 19 or abs(int(text)) > _INT64:
        return _Refused(
            f"the integer {_number(text)} ({digits} digits) is out of range: "
            "integers must fit in 64 bits"
        )
    return int(text)


def _parse_float(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(
            f"the number {_number(text)} has {len(text)} characters; "
            f"at most {MAX_NUMBER_CHARS} are accepted"
        )
    value = float(text)
    if not math.isfinite(value):
        return _Refused(f"the number {_number(text)} is out of range")
    return value


def _parse_constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a JSON number")


def refusal(text: str) -> str | None:
    """Why this JSON text cannot be accepted, or None (also None for text that is no JSON at
    all: the schema layer answers that with its own 400)."""
    try:
        value = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except ValueError:
        return None
    return _first_problem(value)


def _at(path: str) -> str:
    if not path:
        return "the top level"
    return path if len(path) <= 120 else f"{path[:117]}…"


def _first_problem(value: Any) -> str | None:
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, _Refused):
            return f"{item.problem} (at {_at(path)})"
        if isinstance(item, str):
            bad = _SURROGATE.search(item)
            if bad:
                return (
                    f"the text at {_at(path)} holds a lone surrogate "
                    f"\\u{ord(bad.group()):04x}, which is not valid Unicode"
                )
        elif isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                where = f"{path}.{key}" if path else str(key)
                if _SURROGATE.search(key):
                    return f"a key in {_at(path)} holds a lone surrogate (not valid Unicode)"
                stack.append((where, inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]", inner) for index, inner in reversed(
                list(enumerate(item))))  # fmt: skip
    return None


def needs_json_body() -> bool:
    """Whether the operation answering this request documents a required JSON body."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else view
    parameters = getattr(method, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" and p.get("required") for p in parameters)


def check_body() -> None:
    """before_request: 400 for an API request without the JSON body its operation requires;
    422 for a JSON body that cannot be kept. Runs after the user is known; an anonymous
    request is left to the API's own 401."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not is_api_request() or current_actor() is None:
        return
    if needs_json_body() and (not request.is_json or not request.get_data(cache=True).strip()):
        message = "This operation needs a JSON body (Content-Type: application/json)."
        raise ApiError(400, "BAD_REQUEST", message)
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # not UTF-8: the schema layer answers 400 "Invalid JSON body."
    problem = refusal(text)
    if problem is not None:
        message = f"The JSON body cannot be accepted: {problem}."
        raise ApiError(422, "VALIDATION_FAILED", message, errors={"_body": [message]})
