"""*Beheer*, *Dossiers verplaatsen* (admins only): move running cases to another version.

One page, three steps: choose the process and the versions (GET), see where each step of the
old version goes and pick a place for the steps that have none (selects of the new version's
steps), then a dry run (what would happen to each case, in plain words) and the move itself,
with a reason that goes into each case's audit trail. The engine does the work
(`Engine.migrate_cases`); this module only reads the form and words the outcome.

The move goes in batches of `BATCH_SIZE` cases per request: the first POST surveys which cases
can move (a dry run) and moves the first batch; the page then shows a progress bar and a
*Verder verplaatsen* button whose form carries what is left, signed (`_STATE_SALT`) so it
cannot be altered. `static/js/migration-batches.js` presses on by itself; without JavaScript
the admin presses the button. The last batch shows the report of every case.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from engine import EngineError, NotFound
from engine.running.migration import CaseOutcome, Element, MigrationReport, Plan, Refusal
from webapp.admin import _me, admin_required, bp
from webapp.identity import engine
from webapp.wording import model_name, process_label

MAX_ID = 255
MAP_PREFIX = "plaats:"
BATCH_SIZE = 25  # cases moved per request; the page continues with the next batch
_STATE_SALT = "stuurboord.verplaatsen"

_KINDS = {
    "UserTask": _l("taak"),
    "ManualTask": _l("taak"),
    "ReceiveTask": _l("wachten op een bericht"),
    "IntermediateCatchEvent": _l("wachtmoment"),
    "BoundaryEvent": _l("wachtmoment"),
    "EventBasedGateway": _l("wachten op wat eerst komt"),
    "ParallelGateway": _l("samenkomst"),
    "InclusiveGateway": _l("samenkomst"),
    "ServiceTask": _l("automatische stap"),
    "ScriptTask": _l("automatische stap"),
    "BusinessRuleTask": _l("beslissingstabel"),
    "SubWorkflowTask": _l("deelproces"),
    "CallActivity": _l("deelproces"),
    "TransactionSubprocess": _l("deelproces"),
}


def step_label(element: Element | None, fallback: str | None = None) -> str:
    """A step as people know it: its name in the current language, with its kind."""
    if element is None:
        return fallback or ""
    kind = str(_KINDS.get(element.kind, _("stap")))
    name = model_name(element.name)
    return f"{name} ({kind})" if name else kind


def reason_text(reason: Refusal) -> str:
    step = model_name(reason.element_name) or _("een stap zonder naam")
    texts = {
        "ended": _("Het dossier is afgesloten."),
        "suspended": _("Het dossier is opgeschort."),
        "incident": _("Het dossier heeft een open incident; los dat eerst op."),
        "removed": _('Het wacht in "%(step)s", dat in de nieuwe versie geen plaats heeft.',
                     step=step),
        "kind_changed": _('"%(step)s" is in de nieuwe versie een ander soort stap.', step=step),
        "form_changed": _('Het formulier van "%(step)s" is veranderd.', step=step),
        "timer_changed": _('De timer van "%(step)s" is veranderd; de vervaldatum zou '
                           "verschuiven.", step=step),
        "subprocess_removed": _('Het deelproces "%(step)s" bestaat niet meer in de nieuwe '
                                "versie.", step=step),
        "multi_instance_changed": _('Wat na de lopende herhaling "%(step)s" komt, is veranderd.',
                                    step=step),
        "not_this_process": _("Het dossier hoort bij een ander proces."),
        "same_version": _("Het dossier loopt al op die versie."),
        "conflict": _("Iemand anders wijzigde het dossier op hetzelfde moment; probeer opnieuw."),
        "error": _("Verplaatsen mislukte: %(detail)s", detail=reason.detail),
    }  # fmt: skip
    return texts.get(reason.code, reason.code)


def _int(name: str) -> int | None:
    raw = request.values.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def _mapping(plans: list[Plan]) -> dict[str, str]:
    """The places chosen in the form for old steps without one (only real steps count)."""
    chosen: dict[str, str] = {}
    for plan in plans:
        new_ids = {e.id for e in plan.new_elements}
        for element in plan.unmapped:
            value = request.form.get(MAP_PREFIX + element.id, "")
            if value in new_ids:
                chosen[element.id] = value
    return chosen


@bp.route("/verplaatsen", methods=["GET", "POST"])
@admin_required
def migrations() -> tuple[str, int]:
    eng = engine()
    versions = eng.versions()
    processes = sorted({v.process_id for v in versions}, key=lambda p: process_label(p).lower())
    process_id = request.values.get("proces", "").strip()[:MAX_ID]
    if process_id and process_id not in processes:
        abort(404)
    numbers = [v.version for v in versions if v.process_id == process_id]
    to_version = _int("naar") or (max(numbers) if numbers else None)
    from_version = _int("van")
    context: dict[str, Any] = {
        "processes": processes, "process_id": process_id, "numbers": numbers,
        "to_version": to_version, "from_version": from_version, "plans": [], "report": None,
        "chosen": {}, "errors": {}, "reason": "", "step_label": step_label, "progress": None,
    }  # fmt: skip
    status = 200
    if process_id and to_version and from_version == to_version:
        context["errors"] = {"van": _("Kies twee verschillende versies.")}
        return render_template("admin/migrations.html", **context), 422
    if process_id and to_version:
        try:
            plans = eng.migration_plans(process_id, to_version, from_version)
        except NotFound:
            abort(404)
        except EngineError as error:
            context["errors"] = {"_": error.message}
            return render_template("admin/migrations.html", **context), 422
        context["plans"] = plans
        context["chosen"] = {e.id: plan.suggested.get(e.id, "") for plan in plans
                             for e in plan.unmapped}  # fmt: skip
        if request.method == "POST":
            status = _run(context, plans)
    return render_template("admin/migrations.html", **context), status


def _run(context: dict[str, Any], plans: list[Plan]) -> int:
    if request.form.get("actie") == "verder":
        return _continue(context)
    mapping = _mapping(plans)
    context["chosen"] = {**{k: "" for k in context["chosen"]}, **mapping}
    dry_run = request.form.get("actie") != "verplaatsen"
    reason = request.form.get("reden", "").strip()[:2000]
    context["reason"] = reason
    if not dry_run and not reason:
        context["errors"] = {
            "reden": _("Geef een reden: ze komt in de audittrail van elk dossier.")
        }
        return 422
    try:  # a dry run, also before a move: which cases can move (the move goes in batches)
        report = engine().migrate_cases(
            context["process_id"], context["to_version"], actor=_me(),
            from_version=context["from_version"], mapping=mapping, dry_run=True,
            reason=reason or None,
        )  # fmt: skip
    except NotFound:
        abort(404)
    except EngineError as error:
        context["errors"] = {"_": error.message}
        return 422
    if dry_run:
        context["report"] = report
        context["rows"] = _rows(report)
        return 200
    todo = [o.case_id for o in report.outcomes if o.result == "can_move"]
    state = {
        "process_id": context["process_id"], "to_version": context["to_version"],
        "from_version": context["from_version"], "mapping": mapping, "reason": reason,
        "todo": todo, "total": len(todo),
        "done": [asdict(o) for o in report.outcomes if o.result != "can_move"],
    }  # fmt: skip
    return _batch(context, state)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_STATE_SALT)


def _continue(context: dict[str, Any]) -> int:
    """The next batch of a move begun earlier; its state comes signed from the form."""
    try:
        state = _serializer().loads(request.form.get("voortgang", ""))
    except BadSignature:
        state = None
    same = isinstance(state, dict) and (
        (state.get("process_id"), state.get("to_version"), state.get("from_version"))
        == (context["process_id"], context["to_version"], context["from_version"])
    )
    if not same:
        context["errors"] = {"_": _("Deze verplaatsing kan niet verder; begin opnieuw.")}
        return 422
    context["reason"] = state["reason"]
    return _batch(context, state)


def _batch(context: dict[str, Any], state: dict[str, Any]) -> int:
    """Move the next `BATCH_SIZE` cases of `state`; the progress, or the report when done."""
    batch, rest = state["todo"][:BATCH_SIZE], state["todo"][BATCH_SIZE:]
    if batch:
        try:
            report = engine().migrate_cases(
                state["process_id"], state["to_version"], actor=_me(),
                from_version=state["from_version"], mapping=state["mapping"], case_ids=batch,
                reason=state["reason"],
            )  # fmt: skip
        except NotFound:
            abort(404)
        except EngineError as error:
            context["errors"] = {"_": error.message}
            return 422
        state["done"] += [asdict(o) for o in report.outcomes]
    state["todo"] = rest
    if rest:
        context["progress"] = {"done": state["total"] - len(rest), "total": state["total"],
                               "token": _serializer().dumps(state)}  # fmt: skip
        return 200
    outcomes = sorted((_outcome(o) for o in state["done"]), key=lambda o: o.case_id)
    report = MigrationReport(state["process_id"], state["to_version"], dry_run=False,
                             plans=tuple(context["plans"]), outcomes=tuple(outcomes))  # fmt: skip
    context["report"] = report
    context["rows"] = _rows(report)
    return 200


def _outcome(data: dict[str, Any]) -> CaseOutcome:
    return CaseOutcome(**{**data, "reasons": tuple(Refusal(**r) for r in data["reasons"]),
                          "waiting_in": tuple(data["waiting_in"])})  # fmt: skip


def _rows(report: MigrationReport) -> list[dict[str, Any]]:
    names: dict[str, Element] = {}
    for plan in report.plans:
        names.update({e.id: e for e in plan.old_elements})
    labels = {
        "can_move": _("Kan verplaatst worden"),
        "moved": _("Verplaatst"),
        "refused": _("Kan niet"),
        "failed": _("Mislukt"),
    }
    return [
        {
            "outcome": outcome,
            "label": labels.get(outcome.result, outcome.result),
            "reasons": [reason_text(r) for r in outcome.reasons],
            "waiting": [step_label(names.get(e), e) for e in outcome.waiting_in],
        }
        for outcome in report.outcomes
    ]
