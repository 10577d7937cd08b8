"""Browsable API docs at /api/v1/docs: Swagger UI from the swagger-ui-bundle package, served
by this server (no CDN), started by our own script file (the CSP allows no inline script)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")
ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-32x32.png",
    }
)


@bp.get("")
def index() -> str:
    return render_template("api_docs.html")


@bp.get("/assets/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS:
        abort(404)
    response = send_from_directory(Path(str(swagger_ui_path)), name, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
