"""The browser libraries installed by npm (package.json, `npm ci`), served from node_modules.

Only an allow-list of distributed files is served, under ``/static/vendor/<package>/<file>``:
bpmn-js (the navigated viewer for diagrams, the modeler for *Beheer*) and dmn-js (decision
tables), each with its style sheets and icon font. Nothing is bundled or built. Anything else,
including every path with ``..``, is a 404. When node_modules is missing the pages still work
without the diagrams (they list where a case stands as text) and the start-up log says how to
install it (`make setup`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

bp = Blueprint("vendor", __name__)
log = logging.getLogger(__name__)

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "node_modules"
FONT_FILES = ("woff2", "woff", "ttf", "eot", "svg")
ALLOWED: dict[str, frozenset[str]] = {
    "bpmn-js": frozenset(
        [
            "dist/bpmn-navigated-viewer.production.min.js",
            "dist/bpmn-modeler.production.min.js",
            "dist/assets/diagram-js.css",
            "dist/assets/bpmn-js.css",
            "dist/assets/bpmn-font/css/bpmn.css",
            *(f"dist/assets/bpmn-font/font/bpmn.{ext}" for ext in FONT_FILES),
        ]
    ),
    "dmn-js": frozenset(
        [
            "dist/dmn-modeler.production.min.js",
            "dist/dmn-navigated-viewer.production.min.js",
            "dist/assets/diagram-js.css",
            "dist/assets/dmn-js-shared.css",
            "dist/assets/dmn-js-drd.css",
            "dist/assets/dmn-js-decision-table.css",
            "dist/assets/dmn-js-decision-table-controls.css",
            "dist/assets/dmn-js-literal-expression.css",
            "dist/assets/dmn-js-boxed-expression.css",
            "dist/assets/dmn-js-boxed-expression-controls.css",
            "dist/assets/dmn-font/css/dmn.css",
            *(f"dist/assets/dmn-font/font/dmn.{ext}" for ext in FONT_FILES),
        ]
    ),
}
CHECKED = (
    "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "dmn-js/dist/dmn-modeler.production.min.js",
)


def root() -> Path:
    return Path(current_app.config.get("NODE_MODULES") or DEFAULT_ROOT)


@bp.get("/static/vendor/<package>/<path:name>")
def asset(package: str, name: str) -> Response:
    if name not in ALLOWED.get(package, ()):
        abort(404)
    folder = root() / package
    if not (folder / name).is_file():
        abort(404)
    return send_from_directory(folder, name, max_age=86400)


def missing(folder: Path) -> list[str]:
    return [item for item in CHECKED if not (folder / item).is_file()]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    folder = Path(app.config.get("NODE_MODULES") or DEFAULT_ROOT)
    if gone := missing(folder):
        log.warning(
            "node_modules is incomplete (%s missing under %s): diagrams and the modeller are "
            "off until you run `make setup` (npm ci); pages still list where cases stand",
            ", ".join(gone),
            folder,
        )
