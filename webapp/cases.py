"""Cases: the list, *Nieuw onderwerp* (start form from the registered schema, with optional
attachments) and the *Dossier* page (data, status, tasks, documents, comments, timeline from the
audit trail, my tasks' forms inline).

Documents: anyone who may see the case may upload (the engine checks the content) and download.
Downloads are attachments with the server's own content type, `nosniff` and a sandboxing CSP;
a document of a case the user may not see answers the same 404 as a missing one.

The live BPMN diagram goes in the `diagram` block of case.html: bpmn-js draws the model of the
exact version the case runs on (``/dossiers/<id>/model.bpmn``, same rights as the page) with
the marks of webapp/case_diagram.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from engine import Actor, Forbidden, NotFound, UnknownProcess, ValidationFailed
from engine.running.queries import CaseInfo, TaskInfo
from webapp import briefing, forms, rights, timeline
from webapp.downloads import attachment
from webapp.engine_adapter import start_event_id
from webapp.identity import current_actor, engine, login_required
from webapp.plain import label_of, meeting_of, plain
from webapp.tasks import task_form
from webapp.wording import CASE_KIND_KEYS

bp = Blueprint("cases", __name__)
PAGE_SIZE = 25
STATUSES = ("running", "incident", "completed", "terminated")


def _me() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


@bp.get("/dossiers")
@login_required
def index() -> str:
    from webapp.app import remember_names

    status = request.args.get("status") or None
    status = status if status in STATUSES else None
    page = max(1, request.args.get("pagina", 1, type=int) or 1)
    query = (request.args.get("q") or "").strip()[:100]
    found = rights.visible_cases(
        engine(), _me(), status=status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
        text=query or None, data_keys=CASE_KIND_KEYS,
    )  # fmt: skip
    shown = found[:PAGE_SIZE]
    remember_names(case.started_by for case in shown)
    return render_template(
        "cases.html",
        cases=shown,
        query=query,
        status=status,
        statuses=STATUSES,
        page=page,
        more=len(found) > PAGE_SIZE,
    )


# -- starting a case ---------------------------------------------------------------------------


def _start_schema(process_id: str) -> tuple[str | None, Any]:
    eng = engine()
    if not eng.versions(process_id):
        abort(404)
    element = start_event_id(eng, process_id)
    return element, eng.registry.form_for(process_id, element) if element else None


def _title(data: dict[str, Any]) -> str | None:
    title = data.get("title") or data.get("titel")
    return str(title)[:500] if isinstance(title, str) and title.strip() else None


def _start_page(
    process_id: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
    problem: str | None = None,
) -> tuple[str, int]:
    _element, schema = _start_schema(process_id)
    if forms.started_by_system(schema):
        return _not_started_by_hand(), 404
    fields = forms.fields_for(schema, values, errors)
    general = forms.form_errors(errors, fields) if errors else []
    topic = process_id == current_app.config["TOPIC_PROCESS"]
    page = render_template(
        "new_case.html",
        process_id=process_id,
        fields=fields,
        topic=topic,
        general_errors=general,
        problem=problem,
        accept=ACCEPT,
    )
    return page, status


def _not_started_by_hand() -> str:
    """The page for a process only other processes start (no form: it needs their links)."""
    return render_template(
        "new_case.html",
        fields=[],
        topic=False,
        general_errors=[],
        problem=_(
            "Zo'n dossier start vanzelf vanuit een ander dossier. Je kunt het niet zelf starten."
        ),
        closed=True,
    )


def _start(process_id: str) -> Response | tuple[str, int]:
    eng = engine()
    _element, schema = _start_schema(process_id)
    if forms.started_by_system(schema):
        return _not_started_by_hand(), 404
    if forms.ADD_ENTRY in request.form:  # *Nog een rij*: the same form with one more entry
        shown = forms.read_form(schema, request.form, keep_blank=True)
        forms.add_entry(schema, shown, request.form.get(forms.ADD_ENTRY, ""))
        return _start_page(process_id, values=shown)
    data = forms.read_form(schema, request.form)
    try:
        case = eng.start_case(process_id, data, _me(), title=_title(data))
    except ValidationFailed as error:
        return _start_page(process_id, values=data, errors=error.errors, status=422)
    except UnknownProcess:
        abort(404)
    except Forbidden:
        return _start_page(
            process_id,
            values=data,
            status=403,
            problem=_("Je hebt niet de rol om zo'n dossier te starten."),
        )
    flash(_("Je dossier is aangemaakt. Je volgt het hier op."), "success")
    _attach(case.id, _uploads())
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/onderwerpen/nieuw", methods=["GET", "POST"])
@login_required
def new_topic() -> Response | tuple[str, int]:
    process_id = current_app.config["TOPIC_PROCESS"]
    return _start(process_id) if request.method == "POST" else _start_page(process_id)


@bp.route("/dossiers/nieuw/<process_id>", methods=["GET", "POST"])
@login_required
def new_case(process_id: str) -> Response | tuple[str, int]:
    if len(process_id) > 255:
        abort(404)
    return _start(process_id) if request.method == "POST" else _start_page(process_id)


# -- the case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DataItem:
    key: str
    label: str
    value: Any
    on_form: bool


def _data_items(case: CaseInfo) -> list[DataItem]:
    eng = engine()
    element = start_event_id(eng, case.process_id)
    schema = eng.registry.form_for(case.process_id, element) if element else None
    labels = {f.name: f.label for f in forms.fields_for(schema)}
    order = {name: index for index, name in enumerate(labels)}
    choices = {f.name: dict(f.choices) for f in forms.fields_for(schema)}
    items = []
    for key, value in case.data.items():
        if key.startswith("_"):
            continue
        label = labels.get(key, label_of(key))
        shown = meeting_of(value) if key.endswith("meeting_id") and value is not None else None
        text = shown or plain(value, choices.get(key))
        items.append(DataItem(key, label, text, key in labels))
    return sorted(items, key=lambda item: (not item.on_form, order.get(item.key, 0)))


def _timeline(case_id: int, tasks: list[TaskInfo]) -> list[timeline.Moment]:
    from webapp.app import display_name

    trail = engine().audit_trail(case_id)
    return timeline.moments(trail, tasks, display_name, admin=_me().is_admin)


def _technical(case: CaseInfo, items: list[DataItem]) -> str | None:
    """The process's own data (not on the start form) as JSON, for admins only."""
    shown = {item.key for item in items if item.on_form}
    rest = {k: v for k, v in case.data.items() if k not in shown and not k.startswith("_")}
    if not rest:
        return None
    return json.dumps(rest, indent=2, ensure_ascii=False, sort_keys=True, default=str)


# -- documents and comments --------------------------------------------------------------------

ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.odt,.ods,.txt,.csv"
UPLOAD_FIELD = "bestand"


def _refusal(kind: str | None) -> str:
    reasons = {
        "name": _("de bestandsnaam is niet bruikbaar (lege naam of controletekens)"),
        "empty": _("het bestand is leeg"),
        "too_large": _("het bestand is te groot"),
        "markup": _("het bestand bevat HTML of andere opmaakcode"),
        "type": _(
            "dit soort bestand wordt niet aanvaard (wel: PDF, PNG, JPEG, Word, Excel, "
            "PowerPoint, OpenDocument, tekst of CSV)"
        ),
        "extension": _("de extensie past niet bij de inhoud of wordt niet aanvaard"),
        "office": _("het bestand is geen geldig kantoordocument"),
    }
    return reasons.get(kind or "", _("het bestand wordt niet aanvaard"))


def _uploads() -> list[FileStorage]:
    return [f for f in request.files.getlist(UPLOAD_FIELD) if f and f.filename]


def _attach(case_id: int, files: list[FileStorage]) -> int:
    """Attach the uploaded files; a refused one is named in a flash with its reason."""
    eng = engine()
    added = 0
    for upload in files:
        data = upload.stream.read(eng.max_document_bytes + 1)
        name = upload.filename or ""
        try:
            eng.add_document(case_id, name, data, _me())
        except ValidationFailed as error:
            flash(
                _(
                    "%(name)s is geweigerd: %(reason)s.",
                    name=name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "?",
                    reason=_refusal(getattr(error, "kind", None)),
                ),
                "error",
            )
        else:
            added += 1
    return added


def _visible(case_id: int) -> CaseInfo:
    try:
        return rights.visible_case(engine(), _me(), case_id)
    except NotFound:
        abort(404)


@bp.post("/dossiers/<int:case_id>/documenten")
@login_required
def upload(case_id: int) -> Response:
    _visible(case_id)
    files = _uploads()
    if not files:
        flash(_("Kies eerst een bestand."), "error")
    elif added := _attach(case_id, files):
        flash(_("%(count)d document(en) toegevoegd.", count=added), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="documenten"))


@bp.get("/documenten/<int:document_id>")
@login_required
def download(document_id: int) -> Response:
    eng = engine()
    if not 0 < document_id <= rights.MAX_ID:
        abort(404)
    try:
        info, data = eng.document(document_id)
        rights.visible_case(eng, _me(), info.case_id)
    except NotFound:
        abort(404)
    return attachment(info, data)


@bp.post("/dossiers/<int:case_id>/opmerkingen")
@login_required
def comment(case_id: int) -> Response:
    _visible(case_id)
    try:
        engine().add_comment(case_id, request.form.get("opmerking", ""), _me())
    except ValidationFailed as error:
        too_long = "long" in error.message
        flash(
            _("Je opmerking is te lang: ten hoogste 5000 tekens.")
            if too_long
            else _("Je opmerking is leeg."),
            "error",
        )
    else:
        flash(_("Je opmerking is toegevoegd."), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="opmerkingen"))


def human_size(size: int) -> str:
    if size < 1024:
        return _("%(n)d B", n=size)
    if size < 1024 * 1024:
        return _("%(n)s kB", n=f"{size / 1024:.0f}")
    return _("%(n)s MB", n=f"{size / (1024 * 1024):.1f}")


@bp.get("/dossiers/<int:case_id>/model.bpmn")
@login_required
def model_source(case_id: int) -> Response:
    """The BPMN file of the version this case runs on (the diagram is drawn from it)."""
    case = _visible(case_id)
    try:
        xml = engine().version_source(case.process_id, case.version)
    except NotFound:
        abort(404)
    response = Response(xml, mimetype="application/xml")
    if request.args.get("download"):
        name = f"{case.process_id}-v{case.version}.bpmn"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/dossiers/<int:case_id>")
@login_required
def show(case_id: int) -> str:
    eng = engine()
    actor = _me()
    try:
        case = rights.visible_case(eng, actor, case_id)
    except NotFound:
        abort(404)
    tasks = eng.case_tasks(case_id)
    items = _data_items(case)
    mine = [t for t in tasks if t.state == "ready" and rights.may_act(eng, actor, t)]
    openable = {t.id for t in tasks if rights.may_open_task(eng, actor, t)}
    task_forms = {t.id: task_form(t) for t in mine}
    briefs = {t.id: briefing.for_task(eng, t) for t in mine}
    view = briefing.case_view(eng, case)
    return render_template(
        "case.html",
        case=case,
        tasks=tasks,
        mine=mine,
        task_forms=task_forms,
        briefs=briefs,
        case_view=view,
        openable=openable,
        data_items=[item for item in items if item.on_form],
        technical_data=_technical(case, items) if actor.is_admin else None,
        timeline=_timeline(case_id, tasks),
        now=eng.clock.now(),
        documents=eng.documents(case_id),
        comments=eng.comments(case_id),
        case_versions=eng.case_versions(case_id),
        human_size=human_size,
        accept=ACCEPT,
        upload_field=UPLOAD_FIELD,
    )
