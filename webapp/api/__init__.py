"""The REST API under /api/v1 (flask-smorest): OpenAPI 3 at /api/v1/openapi.json, browsable
docs at /api/v1/docs (Swagger UI served from this server, no CDN).

Clients authenticate with `Authorization: Bearer <token>` (tokens from *Mijn account*); the
rights are those of the pages. Every error is `application/problem+json` with a stable `code`,
and every operation documents the errors it can answer.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_smorest import Api, Blueprint

from engine import Actor
from webapp.api.schemas import ProblemSchema
from webapp.errors import PROBLEM_JSON, ApiError, handle_http
from webapp.identity import current_actor

ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: (
        "BadRequest",
        "BAD_REQUEST: the body is not valid JSON (or not valid multipart/form-data), or a "
        "required body is missing.",
    ),
    401: ("Unauthenticated", "UNAUTHENTICATED: no valid bearer token."),
    403: ("Forbidden", "FORBIDDEN: your roles do not allow this."),
    404: ("NotFound", "NOT_FOUND: it does not exist, or you may not see it (the same answer)."),
    409: (
        "Conflict",
        "TASK_CONFLICT (someone else claimed or completed it first), "
        "TASK_NOT_ACTIVE (no longer ready), CASE_STATE (the case is suspended) or "
        "MESSAGE_NOT_EXPECTED / SIGNAL_NOT_EXPECTED (the case does not wait for it), or "
        "CONFLICT (it exists already, or the step cannot be taken now).",
    ),
    413: ("PayloadTooLarge", "PAYLOAD_TOO_LARGE: the body is larger than allowed."),
    422: (
        "ValidationFailed",
        "VALIDATION_FAILED: every bad field is listed in `errors`; DEPLOY_FAILED: the model "
        "was refused (file, line, element and why in `detail`).",
    ),
    429: ("RateLimited", "RATE_LIMITED: too many requests; see Retry-After."),
}


# webargs ignores unknown query parameters by default, whatever the schema says; let the
# schema decide instead, so that the strict argument schemas refuse them (422) as documented.
Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION = {
    **Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION,
    "query": None,
    "querystring": None,
}


class StuurboordApi(Api):
    """flask-smorest's Api with problem+json errors."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(
                    status.name,
                    {
                        "description": status.phrase,
                        "content": {PROBLEM_JSON: {"schema": ProblemSchema}},
                    },
                    lazy=True,
                )
        for _status, (name, description) in ERROR_RESPONSES.items():
            self.spec.components.response(
                name,
                {"description": description, "content": {PROBLEM_JSON: {"schema": ProblemSchema}}},
            )

    def handle_http_exception(self, error: Any) -> Any:
        return handle_http(error)


def documents(blp: Any, *statuses: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document the error answers of an operation (401 always)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for status in sorted({401, *statuses}, reverse=True):
            view = blp.alt_response(status, response=ERROR_RESPONSES[status][0])(view)
        return view

    return decorate


def require_actor() -> Actor:
    """The API client's user, or 401."""
    actor = current_actor()
    if actor is None:
        raise ApiError(
            401,
            "UNAUTHENTICATED",
            "Send Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": 'Bearer realm="stuurboord"'},
        )
    return actor


def authenticate() -> None:
    """before_request of every API blueprint: 401 without a valid token."""
    require_actor()


def document_bad_bodies(api: StuurboordApi) -> None:
    """Every operation that takes a body answers 400 for one that does not parse (or is
    missing when required): say so in the document."""
    for operations in api.spec._paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                responses = operation.setdefault("responses", {})
                responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})


def init_api(app: Flask) -> StuurboordApi:
    from webapp.api import (
        agenda,
        attachments,
        cases,
        comments,
        deployments,
        deputies,
        docs,
        examples,
        followup,
        interventions,
        kpis,
        lineage,
        meetings,
        notifications,
        projects,
        register,
        signals,
        tasks,
        users,
    )
    from webapp.api import migrations as migrations_api
    from webapp.api import processes as process_list
    from webapp.jsonbody import check_body
    from webapp.security import csrf

    api = StuurboordApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Cases, tasks, notifications, meetings, decisions and "
                "comply-or-explain obligations of Stuurboord."
            },
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (
        cases.blp,
        tasks.blp,
        notifications.blp,
        meetings.blp,
        followup.decisions_blp,
        followup.obligations_blp,
        kpis.blp,
        signals.blp,
        process_list.blp,
        attachments.blp,
        comments.blp,
        deputies.blp,
        interventions.blp,
        deployments.blp,
        users.blp,
        agenda.blp,
        register.blp,
        migrations_api.blp,
        lineage.blp,
        projects.blp,
    ):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    document_bad_bodies(api)
    examples.add_examples(api.spec._paths)
    app.register_blueprint(docs.bp)
    app.before_request(check_body)
    return api
