"""*Mijn account*: e-mail address, language and mail rhythm, password, deputy for a period,
API tokens."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import Actor, EngineError, NotFound, ValidationFailed
from webapp import tokens
from webapp.auth import begin_session
from webapp.i18n import TIMEZONE
from webapp.identity import current_actor, engine, login_required, state

bp = Blueprint("account", __name__)


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


def _page(
    status: int = 200, new_token: str | None = None, *, email_error: bool = False
) -> tuple[str, int]:
    actor = _me()
    eng = engine()
    people = [u for u in eng.users() if u.active and u.id != actor.user_id]
    page = render_template(
        "account.html",
        tokens=tokens.of_user(eng, actor.user_id),
        new_token=new_token,
        people=people,
        principals=eng.principals_of(actor.user_id),
        has_password=state().accounts.has_password(actor.user_id),
        me=eng.user(actor.user_id),
        email_value=request.form.get("email") if email_error else None,
        email_error=email_error,
    )
    return page, status


@bp.get("/account")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.post("/account/wachtwoord")
@login_required
def change_password() -> Response | tuple[str, int]:
    actor = _me()
    accounts = state().accounts
    current, new = request.form.get("huidig", ""), request.form.get("nieuw", "")
    if accounts.has_password(actor.user_id):
        result = accounts.sign_in(actor.user_id, current, request.remote_addr or "unknown")
        if result.user_id is None:
            flash(_("Je huidige wachtwoord klopt niet."), "error")
            return _page(422)
    problem = accounts.password_problem(new)
    if problem is not None:
        flash(_("Kies een wachtwoord van minstens 12 tekens."), "error")
        return _page(422)
    accounts.set_password(actor.user_id, new)  # ends every session, this one too
    begin_session(actor.user_id)
    flash(_("Je wachtwoord is gewijzigd. Andere aanmeldingen zijn beëindigd."), "success")
    return redirect(url_for("account.index"))


@bp.post("/account/voorkeuren")
@login_required
def save_preferences() -> Response | tuple[str, int]:
    actor = _me()
    try:
        engine().set_preferences(
            actor.user_id,
            language=request.form.get("taal") or None,
            notify_mode=request.form.get("ritme") or None,
            actor=actor,
        )
    except ValidationFailed:
        flash(_("Kies een taal en een ritme uit de lijst."), "error")
        return _page(422)
    if "email" in request.form:
        try:
            engine().set_email(actor.user_id, request.form.get("email", "")[:400], actor)
        except ValidationFailed:
            flash(_("Dat is geen geldig e-mailadres, bijvoorbeeld naam@vlaanderen.be."), "error")
            return _page(422, email_error=True)
    flash(_("Je voorkeuren zijn bewaard."), "success")
    return redirect(url_for("account.index"))


def _local(day: str, end: bool) -> datetime:
    moment = datetime.combine(datetime.fromisoformat(day).date(), time.max if end else time.min)
    return moment.replace(tzinfo=ZoneInfo(TIMEZONE))


@bp.post("/account/vervanger")
@login_required
def name_deputy() -> Response | tuple[str, int]:
    actor = _me()
    deputy = request.form.get("vervanger", "")
    try:
        starts = _local(request.form.get("van", ""), end=False)
        ends = _local(request.form.get("tot", ""), end=True)
    except ValueError:
        flash(_("Geef een geldige begin- en einddatum."), "error")
        return _page(422)
    try:
        engine().set_deputy(actor.user_id, deputy, starts, ends, actor)
    except ValidationFailed:
        flash(_("De periode of de vervanger is niet geldig."), "error")
        return _page(422)
    except NotFound:
        flash(_("Die vervanger kennen we niet."), "error")
        return _page(422)
    except EngineError:
        flash(_("Dat lukte niet."), "error")
        return _page(409)
    flash(
        _("Je vervanger is aangeduid. Je taken gaan in die periode ook naar hem of haar."),
        "success",
    )
    return redirect(url_for("account.index"))


@bp.post("/account/sleutels")
@login_required
def create_token() -> tuple[str, int]:
    token = tokens.create(engine(), _me().user_id, request.form.get("naam", "API"))
    return _page(new_token=token)


@bp.post("/account/sleutels/<int:token_id>/intrekken")
@login_required
def revoke_token(token_id: int) -> Response:
    if tokens.revoke(engine(), _me().user_id, token_id):
        flash(_("De sleutel is ingetrokken."), "success")
    return redirect(url_for("account.index"))
