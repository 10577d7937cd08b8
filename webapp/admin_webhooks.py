"""*Beheer → Webhooks*: endpoints that receive signed CloudEvents when cases, tasks, decisions
and comply-or-explain answers change. Add one (URL, event types, a secret shown once), switch it
on or off, delete it, read its delivery log and send one delivery again. Routes sit on the admin
blueprint; every change is audited by the engine."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine import EngineError, NotFound, ValidationFailed
from webapp.admin import admin_required, bp
from webapp.i18n import localized
from webapp.identity import current_actor, engine

MAX_URL = 2000


def _url_errors() -> dict[str, str]:
    """The engine's refusal codes for a URL, in words for the admin."""
    return {
        "empty": _("Vul het adres in."),
        "too_long": _("Het adres is te lang (hoogstens 2000 tekens)."),
        "characters": _("Het adres mag geen spaties of onzichtbare tekens bevatten."),
        "scheme": _("Het adres moet beginnen met https:// (of http://)."),
        "host": _("Het adres heeft geen servernaam."),
        "credentials": _("Zet geen gebruikersnaam of wachtwoord in het adres."),
        "fragment": _("Het adres mag geen #-deel hebben."),
        "port": _("Het poortnummer in het adres klopt niet."),
        "unresolvable": _("Die server is niet te vinden. Controleer de naam."),
        "private": _(
            "Dat adres ligt in een intern of lokaal netwerk. Webhooks gaan alleen naar publieke "
            "adressen, tenzij de beheerder van de server dat anders instelt."
        ),
    }


def _event_choices() -> list[tuple[str, str]]:
    """Every event type an endpoint may want, with its name in the page's language."""
    return [(key, localized(names) or key) for key, names in engine().webhook_event_types().items()]


def _page(status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("errors", {})
    context.setdefault("values", {"url": "", "events": []})
    page = render_template(
        "admin/webhooks.html",
        endpoints=engine().webhooks.endpoints(),
        choices=_event_choices(),
        labels=dict(_event_choices()),
        **context,
    )
    return page, status


@bp.get("/webhooks")
@admin_required
def webhooks() -> tuple[str, int]:
    return _page()


@bp.post("/webhooks")
@admin_required
def add_webhook() -> tuple[str, int]:
    actor = current_actor()
    assert actor is not None
    url = request.form.get("url", "").strip()[:MAX_URL + 1]
    wanted = request.form.getlist("events")
    values = {"url": url, "events": wanted}
    try:
        created = engine().webhooks.add(url, wanted, actor)
    except ValidationFailed as error:
        messages = _url_errors()
        errors: dict[str, str] = {}
        if "url" in error.errors:
            errors["url"] = messages.get(error.errors["url"][0], _("Dit adres kan niet."))
        if "events" in error.errors:
            errors["events"] = _("Kies minstens één soort gebeurtenis.")
        return _page(422, errors=errors, values=values)
    return _page(201, created=created)


@bp.get("/webhooks/<int:endpoint_id>")
@admin_required
def webhook(endpoint_id: int) -> str:
    try:
        endpoint = engine().webhooks.endpoint(endpoint_id)
        deliveries = engine().webhooks.deliveries(endpoint_id)
    except NotFound:
        abort(404)
    return render_template(
        "admin/webhook_log.html", endpoint=endpoint, deliveries=deliveries,
        labels=dict(_event_choices()),
    )  # fmt: skip


@bp.post("/webhooks/<int:endpoint_id>/<action>")
@admin_required
def webhook_action(endpoint_id: int, action: str) -> Response:
    if action not in ("aanzetten", "uitzetten", "verwijderen"):
        abort(404)
    actor = current_actor()
    assert actor is not None
    try:
        if action == "verwijderen":
            engine().webhooks.delete(endpoint_id, actor)
            flash(_("De webhook is verwijderd, met zijn logboek."), "success")
        else:
            engine().webhooks.set_active(endpoint_id, action == "aanzetten", actor)
            flash(_("De webhook staat aan. Wat nog wachtte, vertrekt bij de volgende ronde.")
                  if action == "aanzetten" else _("De webhook staat uit."), "success")  # fmt: skip
    except NotFound:
        abort(404)
    return redirect(url_for("admin.webhooks"))


@bp.post("/webhooks/<int:endpoint_id>/leveringen/<int:delivery_id>/opnieuw")
@admin_required
def resend_webhook(endpoint_id: int, delivery_id: int) -> Response:
    actor = current_actor()
    assert actor is not None
    try:
        engine().webhooks.resend(endpoint_id, delivery_id, actor)
        flash(_("Het bericht staat opnieuw klaar en vertrekt bij de volgende ronde."), "success")
    except NotFound:
        abort(404)
    except EngineError:
        flash(_("Dit bericht wordt op dit moment verstuurd. Probeer het straks opnieuw."), "error")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint_id))
