"""The one place that turns errors into answers: problem+json for the API, pages otherwise.

API errors are RFC 9457 problem documents with a stable `code`:
UNAUTHENTICATED 401, FORBIDDEN 403, NOT_FOUND 404, TASK_CONFLICT / TASK_NOT_ACTIVE / CASE_STATE /
MESSAGE_NOT_EXPECTED / SIGNAL_NOT_EXPECTED 409, PAYLOAD_TOO_LARGE 413, VALIDATION_FAILED 422
(every bad field in `errors`; also JSON bodies with absurd numbers or lone surrogates), RATE_LIMITED
429. "Not yours" and "does not exist" give the same 404 with the same body.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from engine import (
    CaseStateError,
    DeployError,
    EngineError,
    Forbidden,
    MessageNotExpected,
    NotFound,
    SignalNotExpected,
    TaskConflict,
    TaskNotActive,
    ValidationFailed,
)

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"

HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
}

ENGINE_STATUS: list[tuple[type[EngineError], int, str]] = [
    (ValidationFailed, 422, "VALIDATION_FAILED"),
    (NotFound, 404, "NOT_FOUND"),
    (Forbidden, 403, "FORBIDDEN"),
    (TaskConflict, 409, "TASK_CONFLICT"),
    (TaskNotActive, 409, "TASK_NOT_ACTIVE"),
    (CaseStateError, 409, "CASE_STATE"),
    (MessageNotExpected, 409, "MESSAGE_NOT_EXPECTED"),
    (SignalNotExpected, 409, "SIGNAL_NOT_EXPECTED"),
    (DeployError, 422, "DEPLOY_FAILED"),
]

# Engine messages are shown for these codes only; others get a fixed text (no id leaks).
_DETAILED = {"TASK_CONFLICT", "TASK_NOT_ACTIVE", "CASE_STATE", "MESSAGE_NOT_EXPECTED",
             "SIGNAL_NOT_EXPECTED"}  # fmt: skip


def title_for(code: str) -> str:
    titles = {
        "BAD_REQUEST": _("Het verzoek is niet geldig."),
        "UNAUTHENTICATED": _("Meld je aan om verder te gaan."),
        "FORBIDDEN": _("Je hebt hiervoor niet de nodige rechten."),
        "NOT_FOUND": _("Dit bestaat niet of je hebt er geen toegang toe."),
        "METHOD_NOT_ALLOWED": _("Deze handeling kan hier niet."),
        "CONFLICT": _("Dit botst met een andere wijziging."),
        "TASK_CONFLICT": _("Iemand anders heeft deze taak net opgenomen of afgerond."),
        "TASK_NOT_ACTIVE": _("Deze taak staat niet meer open."),
        "CASE_STATE": _("Het dossier laat dit nu niet toe (bijvoorbeeld opgeschort)."),
        "MESSAGE_NOT_EXPECTED": _("Het dossier wacht niet op dit bericht."),
        "SIGNAL_NOT_EXPECTED": _("Het dossier wacht niet op dit signaal."),
        "PAYLOAD_TOO_LARGE": _("Wat je verstuurt is te groot."),
        "UNSUPPORTED_MEDIA_TYPE": _("Dit inhoudstype wordt niet aanvaard."),
        "VALIDATION_FAILED": _("Niet alle gegevens zijn in orde."),
        "DEPLOY_FAILED": _("Het model kon niet geïnstalleerd worden."),
        "RATE_LIMITED": _("Te veel pogingen. Probeer het later opnieuw."),
        "INTERNAL_ERROR": _("Er ging iets mis aan onze kant."),
        "NOT_IMPLEMENTED": _("Dit is nog niet beschikbaar."),
        "UNAVAILABLE": _("Stuurboord is even niet beschikbaar."),
    }
    return titles.get(code, code)


class ApiError(Exception):
    """Raised by API views for an answer that is not an engine error."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or code)
        self.status, self.code, self.detail = status, code, detail
        self.errors, self.headers = errors, headers or {}


def engine_status(error: EngineError) -> tuple[int, str]:
    for cls, status, code in ENGINE_STATUS:
        if isinstance(error, cls):
            return status, code
    return 409, error.code


def problem(
    status: int,
    code: str,
    detail: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:stuurboord:problem:{code.lower()}",
        "title": title_for(code),
        "status": status,
        "code": code,
        "detail": detail or title_for(code),
    }
    if errors is not None:
        body["errors"] = _one_language(errors)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _one_language(errors: Any) -> Any:
    """Messages written as "Nederlands / English" in the request's language only."""
    from webapp.wording import one_language

    if isinstance(errors, str):
        return one_language(errors)
    if isinstance(errors, dict):
        return {key: _one_language(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [_one_language(value) for value in errors]
    return errors


def _webargs_errors(data: dict[str, Any]) -> dict[str, Any]:
    messages = data.get("errors") or data.get("messages") or {}
    merged: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            merged.update(fields)
        else:
            merged[location] = fields
    return merged


def _page(status: int, code: str, detail: str | None = None, **headers: str) -> Response:
    body = render_template(
        "error.html", status=status, code=code, title=title_for(code), detail=detail
    )
    response = Response(body, status=status, mimetype="text/html")
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def handle_http(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        log.error("server error on %s %s", request.method, request.path, exc_info=error)
    code = HTTP_CODES.get(status, "ERROR")
    data = getattr(error, "data", None) or {}
    extra = dict(data.get("headers") or {})
    if isinstance(error, CSRFError):
        code = "BAD_REQUEST"
    if isinstance(error, MethodNotAllowed):
        extra["Allow"] = allow_header(error)
    if _is_api():
        errors = _webargs_errors(data) if status == 422 else None
        if status == 422 and not errors:
            errors = {"_schema": [error.description or "Invalid input."]}
        return problem(status, code, data.get("message"), errors, extra)
    detail = (
        _(
            "Het formulier is verlopen of onvolledig. Laad de pagina opnieuw en probeer "
            "het nog eens."
        )
        if isinstance(error, CSRFError)
        else None
    )
    response = _page(status, code, detail)
    response.headers.extend(extra)
    return response


def allow_header(error: MethodNotAllowed) -> str:
    """The methods the route answers (RFC 9110 15.5.6: a 405 must say them in `Allow`)."""
    methods = set(error.valid_methods or ())
    if "GET" in methods:
        methods.add("HEAD")
    if methods:
        methods.add("OPTIONS")
    return ", ".join(sorted(methods))


def handle_engine(error: EngineError) -> Response:
    status, code = engine_status(error)
    detail = error.message if code in _DETAILED else None
    if _is_api():
        errors = error.errors if isinstance(error, ValidationFailed) else None
        return problem(status, code, detail, errors)
    return _page(status, code, detail)


def handle_api_error(error: ApiError) -> Response:
    if _is_api():
        return problem(error.status, error.code, error.detail, error.errors, error.headers)
    response = _page(error.status, error.code, error.detail)
    response.headers.extend(error.headers)
    return response


def handle_too_deep(error: RecursionError) -> Response:
    """JSON nested deeper than the parser can follow: a bad request, not a server error."""
    if _is_api():
        return problem(400, "BAD_REQUEST", "The body is nested too deeply.")
    return _page(400, "BAD_REQUEST")


def init_app(app: Flask) -> None:
    """Register after the API (flask-smorest registers its own HTTPException handler)."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(EngineError, handle_engine)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(RecursionError, handle_too_deep)
