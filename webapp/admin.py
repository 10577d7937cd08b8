"""*Beheer* (admins only): process versions and deploys, incidents (retry), suspend and resume,
the audit-trail check; users and roles in `admin_users`.

Each process version's diagram (unmarked, as deployed) is drawn on demand by bpmn-js in the
browser: the list links to ``/beheer/processen/<process>/<version>``, which shows the list with
that one diagram above it, so the list stays fast however many versions there are. The modeller
(change a process, drafts, check, compare, take into use) is in `modeller`.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import Actor, DeployError, EngineError, NotFound
from engine.running.queries import IncidentInfo
from webapp.identity import current_actor, engine, login_required, safe_next

bp = Blueprint("admin", __name__, url_prefix="/beheer")
MODEL_SUFFIXES = (".bpmn", ".dmn")
MAX_PROCESS_ID = 255
log = logging.getLogger(__name__)


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        actor = current_actor()
        if actor is None or not actor.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


@bp.get("/")
@admin_required
def index() -> str:
    eng = engine()
    return render_template(
        "admin/index.html",
        incidents=len(eng.incidents()),
        versions=len(eng.versions()),
        users=len(eng.users()),
        stuck_mail=len(eng.stuck_mail()),
        webhooks=eng.webhooks.endpoints(),
    )


# -- process versions --------------------------------------------------------------------------


@bp.get("/processen")
@admin_required
def versions() -> str:
    return render_template("admin/versions.html", versions=engine().versions(), report=None,
                           decisions=decision_names())  # fmt: skip


def decision_names() -> list[str]:
    """The decision tables in the models folder (they open in dmn-js)."""
    from engine.cli import BPMN_DIR

    return [path.stem for path in sorted(BPMN_DIR.glob("*.dmn"))]


@bp.get("/processen/<process_id>/<int:version>")
@admin_required
def version_diagram(process_id: str, version: int) -> str:
    """The list of versions with the diagram of one of them, as deployed (no case marks)."""
    eng = engine()
    if len(process_id) > MAX_PROCESS_ID:
        abort(404)
    shown = next((v for v in eng.versions(process_id) if v.version == version), None)
    if shown is None:
        abort(404)
    return render_template("admin/versions.html", versions=eng.versions(), report=None,
                           shown=shown, decisions=decision_names())  # fmt: skip


@bp.post("/processen")
@admin_required
def deploy() -> Response | tuple[str, int]:
    uploads = [f for f in request.files.getlist("modellen") if f.filename]
    problems: list[str] = []
    files: list[tuple[str, bytes]] = []
    for upload in uploads:
        name = (upload.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        if not name.lower().endswith(MODEL_SUFFIXES):
            problems.append(_("%(name)s: alleen .bpmn- en .dmn-bestanden.", name=name))
            continue
        files.append((name, upload.read()))
    if not uploads:
        problems.append(_("Kies een of meer .bpmn- of .dmn-bestanden."))
    report: list[dict[str, Any]] | None = None
    if not problems:
        try:
            result = engine().deploy_files(files, actor=_me().user_id)
        except DeployError as error:
            report = [
                {
                    "file": problem.file,
                    "line": problem.line,
                    "element": problem.element,
                    "detail": problem.detail,
                }
                for problem in error.problems
            ]
        else:
            for item in result:
                if item.created:
                    flash(
                        _(
                            "%(process)s: versie %(version)s geïnstalleerd.",
                            process=item.process_id,
                            version=item.version,
                        ),
                        "success",
                    )
                else:
                    flash(
                        _(
                            "%(process)s: ongewijzigd (versie %(version)s).",
                            process=item.process_id,
                            version=item.version,
                        ),
                        "info",
                    )
            return redirect(url_for("admin.versions"))
    page = render_template(
        "admin/versions.html",
        versions=engine().versions(),
        report=report,
        problems=problems,
        decisions=decision_names(),
    )
    return page, 422


# -- incidents and case state ------------------------------------------------------------------


@bp.get("/incidenten")
@admin_required
def incidents() -> str:
    show_all = request.args.get("alle") == "1"
    return render_template(
        "admin/incidents.html",
        incidents=engine().incidents(open_only=not show_all),
        show_all=show_all,
    )


_CASE_ACTIONS = ("opnieuw", "opschorten", "hervatten")


@bp.post("/dossiers/<int:case_id>/<action>")
@admin_required
def case_action(case_id: int, action: str) -> Response:
    if action not in _CASE_ACTIONS:
        abort(404)
    eng = engine()
    reason = request.form.get("reden", "").strip()[:500] or None
    try:
        if action == "opnieuw":
            _retry(case_id)
        elif action == "opschorten":
            eng.suspend(case_id, _me(), reason)
            flash(_("Het dossier is opgeschort."), "success")
        else:
            eng.resume(case_id, _me(), reason)
            flash(_("Het dossier is hervat."), "success")
    except NotFound:
        abort(404)
    except EngineError as error:
        flash(_("Dat lukte niet: %(reason)s", reason=error.message), "error")
    return redirect(safe_next(request.form.get("terug")) or url_for("cases.show", case_id=case_id))


def _open_incident(case_id: int) -> IncidentInfo | None:
    found = [i for i in engine().incidents() if i.case_id == case_id]
    return max(found, key=lambda i: i.id) if found else None


def _retry(case_id: int) -> bool:
    """Retry and say honestly how it went: the case moves on, or it fails again (and why)."""
    info = engine().retry(case_id, _me())
    if info.status == "incident":
        incident = _open_incident(case_id)
        why = f"{incident.error_type}: {incident.message}" if incident else "?"
        flash(_("Opnieuw geprobeerd, maar het dossier loopt opnieuw vast: %(reason)s",
                reason=why), "error")  # fmt: skip
        return False
    if info.status == "completed":
        flash(_("Opnieuw geprobeerd: het lukte, het dossier is afgerond."), "success")
    else:
        flash(_("Opnieuw geprobeerd: het lukte, het dossier loopt weer."), "success")
    return True


_VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")


def _case_data_page(case_id: int, status: int = 200, *, values: dict[str, str] | None = None,
                    errors: dict[str, str] | None = None) -> tuple[str, int]:  # fmt: skip
    eng = engine()
    try:
        case = eng.case(case_id)
    except NotFound:
        abort(404)
    variables = [
        (key, json.dumps(value, ensure_ascii=False, default=str))
        for key, value in sorted(case.data.items())
        if not key.startswith("_")
    ]
    page = render_template(
        "admin/case_data.html",
        case=case,
        variables=variables,
        incident=_open_incident(case_id),
        values=values or {},
        errors=errors or {},
    )
    return page, status


@bp.get("/dossiers/<int:case_id>/gegevens")
@admin_required
def case_data(case_id: int) -> tuple[str, int]:
    return _case_data_page(case_id, values={"variabele": request.args.get("variabele", "")})


@bp.post("/dossiers/<int:case_id>/gegevens")
@admin_required
def correct_case_data(case_id: int) -> Response | tuple[str, int]:
    """Correct one case variable with a reason (audited), and retry right away if asked."""
    values = {
        "variabele": request.form.get("variabele", "").strip()[:100],
        "waarde": request.form.get("waarde", "")[:100_000],
        "reden": request.form.get("reden", "").strip()[:2000],
        "opnieuw": request.form.get("opnieuw", ""),
    }
    errors: dict[str, str] = {}
    if not _VARIABLE.match(values["variabele"]):
        errors["variabele"] = _("Geef de naam van een variabele: letters, cijfers en _.")
    try:
        value = json.loads(values["waarde"])
    except ValueError:
        errors["waarde"] = _(
            'Geef een geldige JSON-waarde, bijvoorbeeld null, 12, true, "tekst" of [1, 2].'
        )
    if not values["reden"]:
        errors["reden"] = _("Geef een reden: ze komt in de audittrail.")
    if errors:
        return _case_data_page(case_id, 422, values=values, errors=errors)
    eng = engine()
    try:
        info = eng.update_case_data(case_id, {values["variabele"]: value}, values["reden"], _me())
    except NotFound:
        abort(404)
    except EngineError as error:
        return _case_data_page(case_id, 409, values=values, errors={"_": error.message})
    flash(_("De variabele %(name)s is aangepast.", name=values["variabele"]), "success")
    if values["opnieuw"] and info.status == "incident":
        try:
            _retry(case_id)
        except EngineError as error:
            flash(_("Dat lukte niet: %(reason)s", reason=error.message), "error")
    return redirect(url_for("cases.show", case_id=case_id))


# -- audit -------------------------------------------------------------------------------------


@bp.route("/audit", methods=["GET", "POST"])
@admin_required
def audit() -> str:
    result = engine().verify_audit() if request.method == "POST" else None
    return render_template("admin/audit.html", result=result)


from webapp import admin_users, modeller  # noqa: E402, F401 - these pages join this blueprint
