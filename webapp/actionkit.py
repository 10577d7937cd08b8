"""What the pages of actions, KPIs and ambitions (webapp/actions.py) and the KPI API
(webapp/api/kpis.py) share: who may see and change what, how things are named, and the
form helpers (validation with the pickers' check, the generic form page, audited writes).

Who: the secretariat, the chair, members and admins (webapp/rights.sees_all, also as deputy)
see every action and KPI; the owner of an action or KPI (also as deputy) sees that one. Only
the secretariat changes them; an action's owner updates its status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from engine import Actor
from processes.records import choices
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import ACTION_KINDS, ACTION_STATUSES
from processes.steering import operations
from processes.steering.briefs import number as number_label
from webapp import forms, rights
from webapp.i18n import language, localized
from webapp.identity import current_actor, engine

SECRETARIAT = "secretariat"
MAX_ID = rights.MAX_ID


# -- who ---------------------------------------------------------------------------------------


def me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


def sees_everything(actor: Actor) -> bool:
    return rights.sees_all_acting(engine(), actor)


def secretariat_actor(actor: Actor) -> Actor | None:
    """The user (or the user as deputy) holding the secretariat role; None if nobody does."""
    for who in rights.acting_actors(engine(), actor):
        if who.holds(SECRETARIAT):
            return who
    return None


def owner_actor(actor: Actor, owner_user_id: str | None) -> Actor | None:
    """The user as the owner `owner_user_id` (themselves, or as that person's deputy)."""
    if owner_user_id is None:
        return None
    for who in rights.acting_actors(engine(), actor):
        if owner_user_id in (who.user_id, who.on_behalf_of):
            return who
    return None


def may_see(actor: Actor, owner_user_id: str | None) -> bool:
    return sees_everything(actor) or owner_actor(actor, owner_user_id) is not None


def visible_owners(actor: Actor) -> frozenset[str] | None:
    """Whose actions and KPIs this user may see in a list: None for everyone's, else the
    owners they are (themselves, and those they stand in for now). Looked up once per list."""
    actors = rights.acting_actors(engine(), actor)
    if any(rights.sees_all(who) for who in actors):
        return None
    return frozenset(who.on_behalf_of or who.user_id for who in actors)


# -- words -------------------------------------------------------------------------------------


def focus_label(code: str | None) -> str:
    return (localized(FOCUS_DOMAINS.get(code)) or code) if code else "—"


def kind_label(code: str | None) -> str:
    return (localized(ACTION_KINDS.get(code)) or code) if code else "—"


def status_label(code: str | None) -> str:
    return (localized(ACTION_STATUSES.get(code)) or code) if code else "—"


def number(value: float | None, unit: str = "") -> str:
    """12.5 → "12,5 %" (in Dutch), at most two decimals."""
    if value is None:
        return "—"
    return number_label(value, unit)["en" if language() == "en" else "nl"]


def trend_label(trend: str) -> str:
    return {
        "better": _("in de goede richting"),
        "worse": _("in de verkeerde richting"),
        "same": _("onveranderd"),
    }.get(trend, "—")


def names() -> dict[str, Any]:
    """What the templates use to name things."""
    from webapp.app import display_name
    from webapp.plain import organisation_names

    return {
        "organisation_name": lambda code: organisation_names().get(code, code),
        "focus_label": focus_label,
        "kind_label": kind_label,
        "status_label": status_label,
        "number": number,
        "trend_label": trend_label,
        "person": lambda user_id: display_name(user_id) if user_id else "—",
    }


# -- forms -------------------------------------------------------------------------------------


def validate(schema: type[Schema], data: dict[str, Any]) -> tuple[dict[str, Any] | None, dict]:
    """The form's values, or every error at once: the form's own, and unknown picked records
    (an unknown person or decision) named at their field."""
    errors: dict[str, Any] = {}
    loaded: dict[str, Any] | None = None
    try:
        loaded = schema().load(data)
    except ValidationError as error:
        errors = dict(error.normalized_messages())  # type: ignore[arg-type]
    with engine().db.read() as session:
        unknown = choices.reference_errors(session, schema(), data)
    for name, messages in unknown.items():
        errors.setdefault(name, messages)
    return (None, errors) if errors else (loaded, {})


def values_of(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """A record's fields as a form shows them (dates as ISO text)."""
    found = {}
    for name in names:
        value = getattr(row, name)
        found[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return found


@dataclass
class FormPage:
    """What the generic form page shows: a heading, the lead, where it posts, the inputs."""

    heading: str
    lead: str
    action: str
    submit: str
    back: str
    schema: type[Schema]
    values: dict[str, Any] | None = None
    errors: dict[str, Any] | None = None

    def render(self, status: int = 200) -> tuple[str, int]:
        fields = forms.fields_for(self.schema, self.values, self.errors)
        general = forms.form_errors(self.errors, fields) if self.errors else []
        page = render_template(
            "actions/form.html", page=self, fields=fields, general_errors=general
        )
        return page, status


def posted(schema: type[Schema]) -> dict[str, Any]:
    return forms.read_form(schema, request.form)


def write(change: Callable[[operations.Writer], Any], who: Actor) -> Any:
    with operations.writing(engine(), who) as w:
        return change(w)


def need_secretariat() -> Actor:
    who = secretariat_actor(me())
    if who is None:
        abort(403)
    return who


def id_or_404(value: int) -> int:
    if not 0 < value <= MAX_ID:
        abort(404)
    return value
