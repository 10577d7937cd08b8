"""The modeller in *Beheer*: change a process in the browser (bpmn-js), keep drafts, check,
compare and take a model into use; decision tables open in dmn-js.

The page (``/beheer/processen/<process>/modeller``) loads the draft when there is one, else the
latest version. Its script (static/js/modeller.js) talks to these JSON endpoints, each for
admins only and with the page's CSRF token:

- ``POST …/ontwerp``: *Opslaan als ontwerp* (webapp/drafts.py: a second writer is warned, 409);
- ``POST …/controleren``: the checks of a deploy, nothing stored; every problem found, each
  naming its element and line;
- ``POST …/vergelijken``: added, removed and changed elements against the latest version;
- ``POST …/in-gebruik``: deploy as the next version, with a reason for the audit trail.

Decision tables (``.dmn``) a process calls are taken from the models folder (bpmn/), as the
start-up deploy does; a changed table is deployed by uploading it on the versions page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, jsonify, render_template, request, send_file, url_for
from flask_babel import gettext as _
from lxml import etree
from werkzeug.wrappers import Response

from engine import DeployError, NotFound
from engine.cli import BPMN_DIR
from engine.model.parsing import parse_models
from engine.model.xmlguard import MAX_XML_BYTES
from webapp import drafts, modelcompare
from webapp.admin import MAX_PROCESS_ID, _me, admin_required, bp
from webapp.identity import engine
from webapp.security import DOCS_CSP

MAX_REASON = 2000
JSON = dict[str, Any]


def decision_files() -> list[tuple[str, bytes]]:
    """The decision tables processes may call (the models folder's .dmn files)."""
    return [(p.name, p.read_bytes()) for p in sorted(BPMN_DIR.glob("*.dmn"))]


def _latest(process_id: str) -> Any:
    if len(process_id) > MAX_PROCESS_ID:
        abort(404)
    versions = engine().versions(process_id)
    if not versions:
        abort(404)
    return versions[-1]


def _body() -> JSON:
    if (request.content_length or 0) > MAX_XML_BYTES + 10_000:
        abort(413)
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _xml(body: JSON) -> str | None:
    xml = body.get("xml")
    return xml if isinstance(xml, str) and xml.strip() else None


def _problem(message: str, element: str | None = None, line: int | None = None) -> JSON:
    return {"element": element, "line": line, "message": message}


def check(process_id: str, xml: str, file_name: str) -> list[JSON]:
    """The problems a deploy of `xml` would meet (none: it would deploy). Stores nothing."""
    try:
        parsed = parse_models([(file_name, xml.encode("utf-8")), *decision_files()])
    except DeployError as error:  # every problem found, each on its element
        return [_problem(problem.detail, problem.element, problem.line)
                for problem in error.problems]  # fmt: skip
    if process_id not in parsed.processes:
        found = ", ".join(sorted(parsed.processes)) or "-"
        message = _("Dit model bevat het proces %(found)s, niet %(process)s: het proces-id moet "
                    "blijven.", found=found, process=process_id)  # fmt: skip
        return [_problem(message)]
    return []


def _file_name(process_id: str) -> str:
    return _latest(process_id).source_file or f"{process_id}.bpmn"


def _draft_json(draft: drafts.Draft) -> JSON:
    from webapp.app import display_name

    return {
        "revision": draft.revision,
        "saved_by": display_name(draft.saved_by) if draft.saved_by else "",
        "saved_at": draft.saved_at.isoformat() if draft.revision else "",
    }


# -- the page and its sources ------------------------------------------------------------------


@bp.get("/processen/<process_id>/modeller")
@admin_required
def modeller(process_id: str) -> str:
    latest = _latest(process_id)
    draft = drafts.get(engine(), process_id)
    return render_template(
        "admin/modeller.html",
        latest=latest,
        draft=draft,
        source_url=url_for("admin.draft_source", process_id=process_id),
        texts=texts(),
    )


def texts() -> dict[str, Any]:
    """What the modeller's script says, in the reader's language ({name} fills in)."""
    return {
        "unavailable": _(
            "De modeller kan niet laden (bpmn-js ontbreekt of het model is "
            "onleesbaar). Je kan het BPMN-bestand nog downloaden."
        ),
        "chooseElement": _("Kies een element in het diagram."),
        "elementId": _("Id"),
        "name": _("Naam"),
        "laneRole": _("Rol (naam van de baan)"),
        "laneRoleHint": _("De rol die de taken in deze baan doet, bijvoorbeeld secretariat."),
        "taskType": _("Soort taak"),
        "types": {
            "bpmn:Task": _("Taak zonder soort"),
            "bpmn:UserTask": _("Taak voor een persoon (formulier)"),
            "bpmn:ManualTask": _("Handmatige taak"),
            "bpmn:ScriptTask": _("Script"),
            "bpmn:ServiceTask": _("Automatische stap (operator)"),
            "bpmn:BusinessRuleTask": _("Beslissingstabel"),
            "bpmn:SendTask": _("Bericht versturen"),
            "bpmn:ReceiveTask": _("Bericht ontvangen"),
        },
        "due": _("Termijn (due)"),
        "dueHint": _("Bijvoorbeeld 3 working days of 10 days."),
        "role": _("Rol (role)"),
        "roleHint": _("Leeg: de rol van de baan."),
        "scope": _("Bereik (scope)"),
        "assignee": _("Toegewezen aan (assignee)"),
        "assigneeHint": _("De variabele met de gebruiker, bijvoorbeeld submitted_by."),
        "formHint": _("Het formulier hoort bij de taak via haar id."),
        "script": _("Script (Python)"),
        "decision": _("Beslissingstabel (id)"),
        "source": _("Van"),
        "target": _("Naar"),
        "condition": _("Voorwaarde (Python-uitdrukking)"),
        "conditionHint": _('Leeg: altijd. Bijvoorbeeld decision == "agenda".'),
        "timerKind": _("Soort tijdstip"),
        "timerKinds": {
            "timeDuration": _("na een duur"),
            "timeDate": _("op een datum"),
            "timeCycle": _("herhalend"),
        },
        "timer": _("Tijdstip"),
        "timerHint": _("ISO 8601, bijvoorbeeld P3D, of een Python-uitdrukking."),
        "message": _("Bericht (naam)"),
        "messageHint": _("Berichten met dezelfde naam horen bij elkaar."),
        "problems": _("Problemen: zo kan het model niet in gebruik"),
        "line": _("regel {line}"),
        "checkOk": _("Geen problemen: dit model kan in gebruik genomen worden."),
        "compareHeading": _("Verschillen met versie {version} (in gebruik)"),
        "added": _("Toegevoegd"),
        "removed": _("Verwijderd"),
        "changed": _("Gewijzigd"),
        "noChanges": _("Geen verschillen."),
        "kinds": {
            "userTask": _("taak voor een persoon"),
            "manualTask": _("handmatige taak"),
            "task": _("taak"),
            "scriptTask": _("script"),
            "serviceTask": _("automatische stap"),
            "businessRuleTask": _("beslissingstabel"),
            "sequenceFlow": _("pijl"),
            "lane": _("baan"),
            "exclusiveGateway": _("beslispunt"),
            "parallelGateway": _("splitsing"),
            "startEvent": _("start"),
            "endEvent": _("einde"),
            "intermediateCatchEvent": _("wachtpunt"),
            "boundaryEvent": _("randgebeurtenis"),
        },
        "saved": _("Ontwerp bewaard (ontwerp {revision})."),
        "conflict": _(
            "{who} bewaarde dit ontwerp intussen ({when}). Overschrijf je het met "
            "het jouwe, of laad je het hunne (je wijzigingen gaan dan verloren)?"
        ),
        "conflictGone": _(
            "Het ontwerp werd intussen in gebruik genomen of verwijderd. "
            "Overschrijf je, of laad je opnieuw?"
        ),
        "reloaded": _("Het bewaarde ontwerp is geladen."),
        "opened": _("{name} is geopend. Bewaar het als ontwerp of neem het in gebruik."),
        "notOpened": _("{name} kan niet geopend worden: {reason}"),
        "reasonMissing": _("Geef een reden: ze komt in de audittrail."),
        "deployed": _("Versie {version} is in gebruik genomen. Nieuwe dossiers starten erop."),
        "unchanged": _("Niets gewijzigd: versie {version} blijft in gebruik."),
        "versionLink": _("Versie {version} bekijken"),
        "error": _("Dat lukte niet. Probeer het opnieuw."),
    }


@bp.get("/processen/<process_id>/ontwerp.bpmn")
@admin_required
def draft_source(process_id: str) -> Response:
    """The draft's XML, or the latest version's when there is no draft (what the modeller
    opens); `?versie=1` always the latest version."""
    latest = _latest(process_id)
    draft = None if request.args.get("versie") else drafts.get(engine(), process_id)
    xml = draft.source_xml if draft else engine().version_source(process_id, latest.version)
    return _xml_response(xml, f"{process_id}-ontwerp.bpmn" if draft else None)


def _xml_response(xml: str, download: str | None = None) -> Response:
    response = Response(xml, mimetype="application/xml")
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@bp.get("/processen/<process_id>/<int:version>/bpmn")
@admin_required
def version_source(process_id: str, version: int) -> Response:
    """The BPMN file of one version (the diagram page draws it; `?download=1` saves it)."""
    if len(process_id) > MAX_PROCESS_ID:
        abort(404)
    try:
        xml = engine().version_source(process_id, version)
    except NotFound:
        abort(404)
    name = f"{process_id}-v{version}.bpmn" if request.args.get("download") else None
    return _xml_response(xml, name)


# -- the modeller's actions --------------------------------------------------------------------


@bp.post("/processen/<process_id>/ontwerp")
@admin_required
def save_draft(process_id: str) -> tuple[Response, int]:
    latest = _latest(process_id)
    body = _body()
    xml = _xml(body)
    revision = body.get("revision")
    if xml is None or not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
        return jsonify(error=_("Stuur het model (xml) en de ontwerpversie waarvan je vertrok "
                               "(revision).")), 422  # fmt: skip
    try:
        modelcompare.parse(xml)
    except etree.XMLSyntaxError as error:  # lxml's message names the line
        return jsonify(error=_("Het model is geen geldige XML: %(reason)s", reason=error)), 422
    try:
        saved = drafts.save(engine(), process_id, xml, expected=revision,
                            based_on_version=latest.version, user_id=_me().user_id,
                            force=body.get("force") is True)  # fmt: skip
    except drafts.DraftConflict as conflict:
        return jsonify(conflict=_draft_json(conflict.current)), 409
    return jsonify(_draft_json(saved)), 200


@bp.post("/processen/<process_id>/controleren")
@admin_required
def check_model(process_id: str) -> tuple[Response, int]:
    xml = _xml(_body())
    if xml is None:
        return jsonify(problems=[_problem(_("Stuur het model mee (xml)."))]), 422
    problems = check(process_id, xml, _file_name(process_id))
    return jsonify(problems=problems), 422 if problems else 200


@bp.post("/processen/<process_id>/vergelijken")
@admin_required
def compare_model(process_id: str) -> tuple[Response, int]:
    latest = _latest(process_id)
    xml = _xml(_body())
    if xml is None:
        return jsonify(error=_("Stuur het model mee (xml).")), 422
    try:
        result = modelcompare.compare(engine().version_source(process_id, latest.version), xml)
    except etree.XMLSyntaxError as error:  # lxml's message names the line
        return jsonify(error=_("Het model is geen geldige XML: %(reason)s", reason=error)), 422
    return jsonify(version=latest.version, **result.as_json()), 200


@bp.post("/processen/<process_id>/in-gebruik")
@admin_required
def deploy_model(process_id: str) -> tuple[Response, int]:
    file_name = _file_name(process_id)
    body = _body()
    xml = _xml(body)
    reason = body.get("reason")
    reason = reason.strip()[:MAX_REASON] if isinstance(reason, str) else ""
    if not reason:
        return jsonify(error=_("Geef een reden: ze komt in de audittrail."), field="reason"), 422
    if xml is None:
        return jsonify(problems=[_problem(_("Stuur het model mee (xml)."))]), 422
    if problems := check(process_id, xml, file_name):
        return jsonify(problems=problems), 422
    try:
        result = engine().deploy_files([(file_name, xml.encode("utf-8")), *decision_files()],
                                       actor=_me().user_id, reason=reason)  # fmt: skip
    except DeployError as error:  # raced with another change of the models: say so
        return jsonify(problems=[_problem(str(p), p.element, p.line) for p in error.problems]), 422
    drafts.discard(engine(), process_id)
    item = next(r for r in result if r.process_id == process_id)
    return jsonify(version=item.version, created=item.created,
                   url=url_for("admin.version_diagram", process_id=process_id,
                               version=item.version)), 200  # fmt: skip


# -- decision tables ---------------------------------------------------------------------------


def _decision_path(name: str) -> Path:
    path = BPMN_DIR / f"{name}.dmn"
    if name not in {p.stem for p in BPMN_DIR.glob("*.dmn")} or not path.is_file():
        abort(404)
    return path


@bp.get("/beslissingen/<name>")
@admin_required
def decision(name: str) -> Response:
    """dmn-js's decision table sets inline style attributes (column widths, menus): this page
    alone allows inline styles, as the API docs page does; scripts stay this origin's only."""
    _decision_path(name)
    response = Response(render_template("admin/decision.html", name=name), mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.get("/beslissingen/<name>.dmn")
@admin_required
def decision_source(name: str) -> Response:
    path = _decision_path(name)
    download = bool(request.args.get("download"))
    return send_file(path, mimetype="application/xml", as_attachment=download,
                     download_name=path.name)  # fmt: skip
