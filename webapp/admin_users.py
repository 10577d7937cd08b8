"""*Beheer → Gebruikers en rollen* (admins only): a list with search and pages, one page per
user (e-mail address, roles, active or not), a separate page to set a password, and a
confirmation step before deactivating a user or revoking a role (a plain form: it works
without JavaScript).

A POST that deactivates or revokes without ``bevestigd=ja`` changes nothing and goes to the
confirmation page.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import EngineError, NotFound, ValidationFailed
from engine.people.users import UserInfo
from webapp import pickers, sessions
from webapp.admin import _me, admin_required, bp
from webapp.identity import engine, state
from webapp.plain import scope_label
from webapp.wording import ROLES, role_label

PAGE_SIZE = 25
CONFIRMED = "ja"
NEEDS_CONFIRMATION = ("deactiveren", "rol-intrekken")
MAX_SEARCH = 100


def matches(user: UserInfo, words: list[str]) -> bool:
    """True when every word is in the user's id, name, e-mail address or roles."""
    roles = " ".join(
        f"{role} {role_label(role)} {scope or ''} {scope_label(scope)}"
        for role, scope in user.grants
    )
    haystack = f"{user.id} {user.display_name} {user.email or ''} {roles}".casefold()
    return all(word in haystack for word in words)


def role_choices() -> list[tuple[str, str]]:
    """The roles an admin can grant: (role id, its name in the current language)."""
    return [(role, role_label(role)) for role in ROLES]


def scope_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """What a role can be limited to, by group: organisations by kind, then working groups."""
    found = pickers.grouped(pickers.options("organisations"))
    groups = pickers.options("working_groups")
    if groups:
        found.append((_("Werkgroepen"), [(o.value, o.label) for o in groups]))
    return found


def _role_problem(role: str, scope: str | None) -> str | None:
    """Why this role (and scope) cannot be granted, or None."""
    if role not in ROLES:
        return _("Kies een rol uit de lijst; „%(role)s” is geen rol.", role=role)
    if scope is not None and scope not in {v for _g, c in scope_choices() for v, _t in c}:
        return _("Kies een bereik uit de lijst; „%(scope)s” is onbekend.", scope=scope)
    return None


def _user_page(shown: UserInfo, template: str = "admin/user.html", **extra: object) -> str:
    return render_template(
        template, user=shown, role_choices=role_choices(), scope_choices=scope_choices(), **extra
    )


def _user(user_id: str) -> UserInfo:
    found = engine().user(user_id)
    if found is None:
        abort(404)
    return found


@bp.get("/gebruikers")
@admin_required
def users() -> str:
    search = request.args.get("zoek", "").strip()[:MAX_SEARCH]
    words = search.casefold().split()
    found = [u for u in engine().users() if matches(u, words)]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(1, request.args.get("pagina", 1, type=int) or 1), pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render_template(
        "admin/users.html",
        users=shown,
        search=search,
        page=page,
        pages=pages,
        total=len(found),
        first=(page - 1) * PAGE_SIZE + 1,
    )


@bp.post("/gebruikers")
@admin_required
def create_user() -> Response:
    eng = engine()
    user_id = request.form.get("id", "").strip()
    name = request.form.get("naam", "").strip()
    if not user_id or len(user_id) > 100 or not name:
        flash(_("Geef een gebruikersnaam (tot 100 tekens) en een naam."), "error")
        return redirect(url_for("admin.users"))
    language = request.form.get("taal") if request.form.get("taal") in ("nl", "en") else "nl"
    created = eng.ensure_user(user_id, name[:200], language=language, actor=_me().user_id)
    email = request.form.get("email", "").strip()
    if email:
        try:
            eng.set_email(user_id, email[:400], _me())
        except ValidationFailed:
            flash(_("Dat is geen geldig e-mailadres, bijvoorbeeld naam@vlaanderen.be."), "error")
    password = request.form.get("wachtwoord", "")
    if password:
        if state().accounts.password_problem(password):
            flash(_("Kies een wachtwoord van minstens 12 tekens."), "error")
        else:
            state().accounts.set_password(user_id, password)
    flash(_("Gebruiker aangemaakt.") if created else _("Die gebruiker bestond al."), "info")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.get("/gebruikers/<user_id>")
@admin_required
def user(user_id: str) -> str:
    return _user_page(_user(user_id))


@bp.post("/gebruikers/<user_id>/e-mail")
@admin_required
def user_email(user_id: str) -> Response | tuple[str, int]:
    shown = _user(user_id)
    try:
        engine().set_email(user_id, request.form.get("email", "")[:400], _me())
    except ValidationFailed:
        flash(_("Dat is geen geldig e-mailadres, bijvoorbeeld naam@vlaanderen.be."), "error")
        return _user_page(shown), 422
    flash(_("Het e-mailadres is bewaard."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/gebruikers/<user_id>/wachtwoord", methods=["GET", "POST"])
@admin_required
def user_password(user_id: str) -> Response | tuple[str, int]:
    shown = _user(user_id)
    if request.method == "GET":
        return render_template("admin/user_password.html", user=shown), 200
    password = request.form.get("wachtwoord", "")
    if state().accounts.password_problem(password):
        flash(_("Kies een wachtwoord van minstens 12 tekens."), "error")
        return render_template("admin/user_password.html", user=shown, invalid=True), 422
    state().accounts.set_password(user_id, password)
    flash(_("Het wachtwoord is ingesteld. Lopende aanmeldingen zijn beëindigd."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.get("/gebruikers/<user_id>/bevestigen/<action>")
@admin_required
def confirm(user_id: str, action: str) -> str:
    if action not in NEEDS_CONFIRMATION:
        abort(404)
    shown = _user(user_id)
    role = request.args.get("rol", "").strip()[:100]
    scope = request.args.get("bereik", "").strip()[:100] or None
    if action == "rol-intrekken" and (role, scope) not in shown.grants:
        abort(404)
    return render_template(
        "admin/user_confirm.html", user=shown, action=action, role=role, scope=scope
    )


@bp.post("/gebruikers/<user_id>/<action>")
@admin_required
def user_action(user_id: str, action: str) -> Response:
    eng = engine()
    role = request.form.get("rol", "").strip()[:100]
    scope = request.form.get("bereik", "").strip()[:100] or None
    if action in NEEDS_CONFIRMATION and request.form.get("bevestigd") != CONFIRMED:
        _user(user_id)
        query = {"rol": role, "bereik": scope or ""} if action == "rol-intrekken" else {}
        return redirect(url_for("admin.confirm", user_id=user_id, action=action, **query), 303)
    if action == "rol":
        problem = _role_problem(role, scope)
        if problem is not None:
            _user(user_id)
            flash(problem, "error")
            return redirect(url_for("admin.user", user_id=user_id))
    try:
        if action == "rol" and role:
            eng.grant(user_id, role, scope, _me())
        elif action == "rol-intrekken" and role:
            eng.revoke(user_id, role, scope, _me())
        elif action in ("activeren", "deactiveren"):
            eng.set_user_active(user_id, action == "activeren", _me())
            if action == "deactiveren":
                sessions.end_all(eng, user_id)
        elif action == "wachtwoord":
            password = request.form.get("wachtwoord", "")
            if state().accounts.password_problem(password):
                flash(_("Kies een wachtwoord van minstens 12 tekens."), "error")
                return redirect(url_for("admin.user_password", user_id=user_id))
            state().accounts.set_password(user_id, password)
        else:
            abort(404)
    except NotFound:
        abort(404)
    except EngineError as error:
        flash(_("Dat lukte niet: %(reason)s", reason=error.message), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    flash(_("Opgeslagen."), "success")
    return redirect(url_for("admin.user", user_id=user_id))
