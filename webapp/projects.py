"""Projecten: the register of digitisation projects (`/projecten`, a project at `/projecten/<id>`).

Skeleton: the blueprint and its endpoints (a contract with the dashboard, the lineage and the
navigation); the pages are built on branch wt-projects.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g

from webapp import rights
from webapp.identity import login_required

bp = Blueprint("projects", __name__)


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    actor = g.get("actor")
    return {"nav_steering": bool(actor and rights.sees_all(actor))}


@bp.get("/projecten")
@login_required
def index() -> str:
    abort(404)


@bp.get("/projecten/<int:project_id>")
@login_required
def show(project_id: int) -> str:
    abort(404)
