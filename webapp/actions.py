"""Actions and KPIs per focus domain (`/sturingskader/acties/<id>`, `/sturingskader/kpis/<id>`).

Skeleton: the blueprint and its endpoints; the pages are built on branch wt-kpis.
"""

from __future__ import annotations

from flask import Blueprint, abort

from webapp.identity import login_required

bp = Blueprint("actions", __name__)


@bp.get("/sturingskader/acties/<int:action_id>")
@login_required
def action(action_id: int) -> str:
    abort(404)


@bp.get("/sturingskader/kpis/<int:kpi_id>")
@login_required
def kpi(kpi_id: int) -> str:
    abort(404)
