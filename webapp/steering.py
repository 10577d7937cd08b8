"""Sturingskader: the dashboard per focus domain and overall (`/sturingskader`).

Skeleton: the blueprint and its endpoints; the dashboard is built on branch wt-dashboard.
"""

from __future__ import annotations

from flask import Blueprint, abort

from webapp.identity import login_required

bp = Blueprint("steering", __name__)


@bp.get("/sturingskader")
@login_required
def dashboard() -> str:
    abort(404)


@bp.get("/sturingskader/domeinen/<focus_domain>")
@login_required
def domain(focus_domain: str) -> str:
    abort(404)
