"""/api/v1/users: users and their role grants (admins).

The same engine calls as *Beheer → Gebruikers* (webapp/admin_users.py), audited the same way:
`ensure_user`, `set_email`, `set_display_name`, `set_user_active` (deactivating also ends the
user's sessions), `grant` and `revoke`. Roles are the models' lanes (webapp/wording.ROLES); a
scope must be a known organisation or working group, as the page's pickers offer. Others get
403; an unknown user 404; a refused body 422 naming the field, changing nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import Actor, Forbidden, NotFound, ValidationFailed
from engine.people.users import NAME_MAX, UserInfo, email_problem
from webapp import sessions
from webapp.admin_users import scope_choices
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.errors import ApiError
from webapp.identity import engine
from webapp.wording import ROLES

blp = Blueprint(
    "Users", __name__, url_prefix="/api/v1/users", description="Admins: users and role grants"
)
blp.before_request(authenticate)


@blp.before_request
def _admin_then_user() -> None:
    """A non-admin answers 403, then an unknown user 404, before the body is looked at."""
    _admin()
    if request.view_args and "user_id" in request.view_args:
        _user(str(request.view_args["user_id"]))


USER_ID = "<string(maxlength=100):user_id>"


class GrantSchema(StrictSchema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    scope = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "An organisation or working group code; null: everywhere"},
    )


class UserSchema(Schema):
    id = fields.String()
    display_name = fields.String()
    email = fields.String(allow_none=True)
    language = fields.String()
    notify_mode = fields.String()
    active = fields.Boolean()
    grants = fields.List(fields.Nested(GrantSchema))


class NewUserSchema(StrictSchema):
    id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9._-]{0,99}$"),
        metadata={"description": "Sign-in name: lower-case letters, digits, . _ -"},
    )
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    email = fields.String(validate=validate.Length(max=320), allow_none=True)
    language = fields.String(load_default="nl", validate=validate.OneOf(["nl", "en"]))


class UserUpdateSchema(StrictSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=NAME_MAX))
    email = fields.String(
        validate=validate.Length(max=320),
        allow_none=True,
        metadata={"description": "null or empty: no address"},
    )
    active = fields.Boolean(metadata={"description": "false ends the user's sessions too"})


USER_EXAMPLE = {
    "id": "indiener",
    "display_name": "Ines Vandenberghe",
    "email": "ines.vandenberghe@omgeving.example",
    "language": "nl",
    "notify_mode": "immediate",
    "active": True,
    "grants": [{"role": "submitter", "scope": None}],
}


def _admin() -> Actor:
    actor = require_actor()
    if not actor.is_admin:
        raise Forbidden("only an admin may manage users and roles")
    return actor


def _body(user: UserInfo) -> dict[str, Any]:
    return {**asdict(user), "grants": [{"role": r, "scope": s} for r, s in user.grants]}


def _user(user_id: str) -> UserInfo:
    found = engine().user(user_id)
    if found is None:
        raise NotFound(f"user {user_id} not found")
    return found


def _check_scope(scope: str | None) -> None:
    if scope is not None and scope not in {v for _g, c in scope_choices() for v, _t in c}:
        raise ValidationFailed("unknown scope", {"scope": [f"Unknown scope: {scope}."]})


@blp.route("")
class Users(MethodView):
    @blp.response(200, UserSchema(many=True), example=[USER_EXAMPLE])
    @documents(blp, 403)
    def get(self) -> list[dict[str, Any]]:
        """Every user with their grants (admins), by id."""
        _admin()
        return [_body(u) for u in engine().users()]

    @blp.arguments(
        NewUserSchema,
        example={"id": "nieuw.lid", "display_name": "Nieuw Lid", "email": "nieuw@lid.example"},
    )
    @blp.response(201, UserSchema, example=USER_EXAMPLE)
    @documents(blp, 403, 409, 413, 422)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a user (admins); 409 CONFLICT if the id is taken. Sign-in: an API token or a
        password set on the page."""
        actor = _admin()
        eng = engine()
        email = (body.get("email") or "").strip() or None
        if email is not None and (problem := email_problem(email)):
            raise ValidationFailed("invalid e-mail address", {"email": [problem]})
        if eng.user(body["id"]) is not None:
            raise ApiError(409, "CONFLICT", f"The user {body['id']} exists already.")
        created = eng.ensure_user(body["id"], body["display_name"].strip(),
                                  language=body["language"], actor=actor.user_id)  # fmt: skip
        if not created:  # another admin made it since the check above
            raise ApiError(409, "CONFLICT", f"The user {body['id']} exists already.")
        if email is not None:  # as the page does: a separate, audited change
            eng.set_email(body["id"], email, actor)
        return _body(_user(body["id"]))


@blp.route(f"/{USER_ID}")
class User(MethodView):
    @blp.response(200, UserSchema, example=USER_EXAMPLE)
    @documents(blp, 403, 404)
    def get(self, user_id: str) -> dict[str, Any]:
        """One user with their grants (admins)."""
        _admin()
        return _body(_user(user_id))

    @blp.arguments(UserUpdateSchema, example={"email": "ines@omgeving.example"})
    @blp.response(200, UserSchema, example=USER_EXAMPLE)
    @documents(blp, 403, 404, 413, 422)
    def patch(self, body: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Change a user's name, e-mail address or whether they are active (admins)."""
        actor = _admin()
        eng = engine()
        _user(user_id)
        if "email" in body:
            value = (body["email"] or "").strip()
            if value and (problem := email_problem(value)):
                raise ValidationFailed("invalid e-mail address", {"email": [problem]})
        if "display_name" in body:
            eng.set_display_name(user_id, body["display_name"], actor)
        if "email" in body:
            eng.set_email(user_id, body["email"], actor)
        if "active" in body:
            eng.set_user_active(user_id, body["active"], actor)
            if not body["active"]:
                sessions.end_all(eng, user_id)
        return _body(_user(user_id))


@blp.route(f"/{USER_ID}/grants")
class Grants(MethodView):
    @blp.arguments(GrantSchema, example={"role": "member", "scope": None})
    @blp.response(200, UserSchema, example=USER_EXAMPLE)
    @documents(blp, 403, 404, 413, 422)
    def post(self, body: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Grant a role, everywhere or for one organisation or working group (admins)."""
        actor = _admin()
        _user(user_id)
        _check_scope(body["scope"])
        engine().grant(user_id, body["role"], body["scope"], actor)
        return _body(_user(user_id))

    @blp.arguments(GrantSchema, location="query")
    @blp.response(200, UserSchema, example=USER_EXAMPLE)
    @documents(blp, 403, 404, 422)
    def delete(self, args: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Revoke a role grant (admins): `role` and, for a scoped grant, `scope` in the query.
        A grant the user does not hold answers 404."""
        actor = _admin()
        _user(user_id)
        if not engine().revoke(user_id, args["role"], args["scope"], actor):
            raise NotFound(f"user {user_id} holds no such grant")
        return _body(_user(user_id))
