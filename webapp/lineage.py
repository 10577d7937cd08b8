"""Herkomst: the chain a record belongs to (`/herkomst/<kind>/<id>`), with links both ways.

Skeleton: the blueprint and its endpoint; the page is built on branch wt-lineage.
"""

from __future__ import annotations

from flask import Blueprint, abort

from webapp.identity import login_required

bp = Blueprint("lineage", __name__)


@bp.get("/herkomst/<kind>/<int:record_id>")
@login_required
def show(kind: str, record_id: int) -> str:
    abort(404)
