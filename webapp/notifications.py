"""The bell: in-app notifications (list, mark read), in the page's language; each links to its
case when the reader may open it. The unread count is in every page's header (webapp/app.py's
context)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp import rights
from webapp.i18n import language
from webapp.identity import current_actor, engine, login_required

bp = Blueprint("notifications", __name__)


@bp.get("/meldingen")
@login_required
def index() -> str:
    actor = current_actor()
    assert actor is not None
    unread_only = request.args.get("ongelezen") == "1"
    items = engine().notifications(
        actor.user_id, unread_only=unread_only, limit=100, language=language()
    )
    eng = engine()
    cases = {n.case_id for n in items if n.case_id is not None}
    linkable = {case_id for case_id in cases if rights.may_see_case(eng, actor, case_id)}
    return render_template(
        "notifications.html", items=items, unread_only=unread_only, linkable=linkable
    )


@bp.post("/meldingen/gelezen")
@login_required
def mark_read() -> Response:
    actor = current_actor()
    assert actor is not None
    raw = request.form.getlist("melding")
    ids = [int(v) for v in raw if v.isdigit()][:500] if raw else None
    count = engine().mark_read(actor.user_id, ids)
    if count:
        flash(_("Gemarkeerd als gelezen."), "success")
    return redirect(url_for("notifications.index"))
