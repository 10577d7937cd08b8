"""Signing in and out, and the language switch.

Sign-in makes a new server-side session (a fresh secret and CSRF token: the session id
rotates); sign-out revokes it in the database. Failed sign-ins are throttled per account, per
unknown name and per address (see webapp/accounts.py); a throttled attempt answers 429 with
Retry-After.
"""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp import oidc, sessions
from webapp.i18n import LANGUAGES
from webapp.identity import current_actor, redirect_after_login, safe_next, state

bp = Blueprint("auth", __name__)


def begin_session(user_id: str) -> None:
    """Replace whatever the browser had with a new signed-in session (keeps the language)."""
    language = session.get("lang")
    old = session.get("sid")
    if old:
        sessions.end(state().engine, old)
    session.clear()
    session["sid"] = sessions.start(
        state().engine, user_id, state().accounts.config["SESSION_HOURS"]
    )
    if language:
        session["lang"] = language


@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> Response | tuple[str, int, dict[str, str]]:
    if current_actor() is not None:
        return redirect_after_login()
    error, status, headers = None, 200, {}
    username = ""
    if request.method == "POST":
        username = request.form.get("gebruiker", "")[:100]
        password = request.form.get("wachtwoord", "")
        result = state().accounts.sign_in(username, password, request.remote_addr or "unknown")
        if result.retry_after is not None:
            minutes = max(1, math.ceil(result.retry_after / 60))
            error = _(
                "Te veel mislukte pogingen. Probeer het over %(minutes)s minuten opnieuw.",
                minutes=minutes,
            )
            status, headers = 429, {"Retry-After": str(result.retry_after)}
        elif result.user_id is not None:
            begin_session(result.user_id)
            return redirect_after_login()
        else:
            error = _("Deze combinatie van gebruikersnaam en wachtwoord kennen we niet.")
            status = 401
    page = render_template(
        "login.html", error=error, username=username, oidc_enabled=oidc.enabled()
    )
    return page, status, headers


@bp.post("/afmelden")
def logout() -> Response:
    secret = session.get("sid")
    if secret:
        sessions.end(state().engine, secret)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("Je bent afgemeld."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/taal")
def set_language() -> Response:
    choice = request.form.get("taal", "")
    if choice in LANGUAGES:
        session["lang"] = choice
    return redirect(safe_next(request.form.get("terug")) or url_for("inbox.index"))
