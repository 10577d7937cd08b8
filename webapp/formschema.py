"""A form's JSON Schema as the API publishes it: in the request's language, with the pickers'
choices as the web form offers them (see :mod:`processes.records.formschema`)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from processes.records.formschema import json_schema
from webapp import pickers
from webapp.i18n import language


def for_form(schema_class: type[Schema] | None) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a start or task form; a form-less task takes ``{}``."""
    return json_schema(schema_class, language(), pickers.options)
