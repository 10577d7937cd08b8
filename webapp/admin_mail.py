"""*Beheer → Onzekere mails*: e-mail that may or may not have gone out, resent or closed by an
admin (each decision audited). Routes sit on the admin blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import EngineError, NotFound
from webapp.admin import admin_required, bp
from webapp.identity import current_actor, engine

MAX_REASON = 500


@bp.get("/mails")
@admin_required
def stuck_mail() -> str:
    return render_template("admin/stuck_mail.html", mails=engine().stuck_mail())


@bp.post("/mails/<int:notification_id>/<action>")
@admin_required
def stuck_mail_action(notification_id: int, action: str) -> Response | tuple[str, int]:
    if action not in ("opnieuw", "afsluiten"):
        abort(404)
    actor = current_actor()
    assert actor is not None
    reason = request.form.get("reden", "").strip()[:MAX_REASON]
    try:
        if action == "opnieuw":
            engine().resend_mail(notification_id, actor)
            flash(_("De mail staat opnieuw klaar en vertrekt bij de volgende ronde."), "success")
        elif not reason:
            page = render_template(
                "admin/stuck_mail.html",
                mails=engine().stuck_mail(),
                error_id=notification_id,
                error=_("Geef een reden om de mail af te sluiten."),
            )
            return page, 422
        else:
            engine().dismiss_mail(notification_id, actor, reason)
            flash(_("De mail is afgesloten en wordt niet opnieuw verstuurd."), "success")
    except NotFound:
        abort(404)
    except EngineError:
        flash(_("Deze mail wacht niet meer op een beslissing."), "error")
    return redirect(url_for("admin.stuck_mail"))
