"""Open data, without signing in: the published meetings and decisions as OSLO linked data and a
public decision list.

* ``/id/<kind>/<uuid>`` (kind: zittingen, agendapunten, behandelingen, besluiten, stemmingen)
  answers by content negotiation: HTML for browsers (with RDFa), ``text/turtle`` and
  ``application/ld+json`` for machines; the suffixes ``.ttl`` and ``.jsonld`` ask for those
  directly. The HTML of a decision is its public page; agenda items, treatments and votes send a
  browser on to their meeting's page (303), where each item has an anchor.
* ``/id/dump.ttl``: the whole published graph, for harvesters.
* ``/besluiten``: the published decisions, filtered by year and focus domain.

What is published, and every RDF term, is decided in processes.records.oslo: unknown, closed or
not yet published (minutes not approved) is 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from rdflib import Graph
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from processes.records import dates, oslo
from processes.records.brief import in_sentence
from processes.records.followup import STATUS_LABELS, Obligation
from processes.records.models import Decision, DecisionEntity, Organisation
from processes.records.reference import AGENDA_KINDS, FOCUS_DOMAINS, OUTCOMES, Label
from webapp.i18n import day, localized
from webapp.identity import engine

bp = Blueprint("opendata", __name__)

TURTLE = "text/turtle"
JSONLD = "application/ld+json"
HTML = "text/html"
SUFFIXES = {"ttl": TURTLE, "jsonld": JSONLD}
FORMATS = {TURTLE: "turtle", JSONLD: "json-ld"}

PUBLIC_STATUS_LABELS: dict[str, Label] = {
    **STATUS_LABELS,
    "open": {"nl": "Nog geen antwoord", "en": "No answer yet"},
    "explained": {"nl": "Uitgelegd, wordt beoordeeld", "en": "Explained, being assessed"},
}
"""A bound entity's comply-or-explain status as the public reads it (the register's labels,
with the two that only make sense to the secretariat said in full)."""


def _base() -> str:
    return request.host_url.rstrip("/")


def _wanted(suffix: str | None) -> str:
    if suffix is not None:
        return SUFFIXES[suffix]
    best = request.accept_mimetypes.best_match([HTML, TURTLE, JSONLD], default=HTML)
    return best or HTML


def _rdf(graph: Graph, media: str) -> Response:
    if media == JSONLD:
        body = graph.serialize(format="json-ld", context=oslo.CONTEXT, indent=2)
    else:
        body = graph.serialize(format=FORMATS[media])
    response = Response(body, mimetype=media)
    response.headers["Content-Type"] = f"{media}; charset=utf-8"
    return response


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/id/dump.ttl")
def dump() -> Response:
    with engine().db.read() as session:
        graph = oslo.dump(session, _base())
    return _rdf(graph, TURTLE)


@bp.get("/id/<kind>/<ident>")
def resource(kind: str, ident: str) -> Response:
    suffix = None
    stem, dot, ending = ident.rpartition(".")
    if dot:
        if ending not in SUFFIXES:
            abort(404)
        ident, suffix = stem, ending
    if kind not in oslo.KINDS:
        abort(404)
    media = _wanted(suffix)
    with engine().db.read() as session:
        graph = oslo.describe(session, _base(), kind, ident)
        if graph is None:
            abort(404)
        if media != HTML:
            return _vary(_rdf(graph, media))
        if kind == "besluiten":
            found = oslo.published_decision(session, ident)
            assert found is not None
            return _vary(Response(_decision_page(session, found), mimetype=HTML))
        meeting = oslo.resolve(session, kind, ident)
        assert meeting is not None
        if kind != "zittingen":
            position = oslo.position_of(session, kind, ident)
            anchor = f"punt-{position}" if position is not None else None
            target = url_for("opendata.resource", kind="zittingen", ident=meeting.uuid)
            return _vary(redirect(f"{target}#{anchor}" if anchor else target, code=303))
        decisions = [d for d in oslo.published_decisions(session) if d.meeting_uuid == meeting.uuid]
        items = oslo.public_items(session, meeting)
        outcomes = {}
        for item in items:
            treatment = oslo.treatment_of(session, item)
            if treatment is not None and treatment.outcome in OUTCOMES:
                outcomes[item.uuid] = localized(OUTCOMES[treatment.outcome])
        return _vary(
            Response(
                render_template(
                    "opendata/meeting.html",
                    meeting=meeting,
                    items=items,
                    decisions={d.item_uuid: d for d in decisions},
                    outcomes=outcomes,
                    kinds={k: in_sentence(localized(v) or "") for k, v in AGENDA_KINDS.items()},
                    prefixes=_prefixes(),
                    base=_base(),
                    day=day,
                ),
                mimetype=HTML,
            )
        )


def _prefixes() -> str:
    return " ".join(f"{prefix}: {namespace}" for prefix, namespace in oslo.CONTEXT.items())


@dataclass(frozen=True)
class EntityStatus:
    name: str
    status: str
    label: str


def _entities(session: Session, decision_uuid: str) -> list[EntityStatus]:
    """Each entity the decision binds, with its comply-or-explain status in plain words."""
    decision = session.execute(select(Decision).where(Decision.uuid == decision_uuid)).scalar_one()
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .join(DecisionEntity, DecisionEntity.organisation_id == Organisation.id)
        .where(DecisionEntity.decision_id == decision.id)
        .order_by(Organisation.name)
    ).all()
    latest: dict[str, str] = {}
    for org_id, status in session.execute(
        select(Obligation.organisation_id, Obligation.status)
        .where(Obligation.decision_id == decision.id)
        .order_by(Obligation.id)
    ).all():
        latest[org_id] = status
    found = []
    for org_id, name in rows:
        status = latest.get(org_id, "none")
        label = (
            localized(PUBLIC_STATUS_LABELS[status])
            if status in PUBLIC_STATUS_LABELS
            else _("Nog geen opvolging gestart")
        )
        found.append(EntityStatus(name, status, label or status))
    return found


def _decision_page(session: Session, decision: oslo.PublishedDecision) -> str:
    return render_template(
        "opendata/decision.html",
        decision=decision,
        entities=_entities(session, decision.uuid),
        focus=localized(FOCUS_DOMAINS.get(decision.focus_domain or "")),
        kind=in_sentence(localized(AGENDA_KINDS.get(decision.item_kind)) or ""),
        meeting_named=dates.format_nl(decision.meeting_date) in decision.meeting_title,
        prefixes=_prefixes(),
        base=_base(),
        day=day,
    )


@bp.get("/besluiten")
def decisions() -> str:
    year_text = request.args.get("jaar", "").strip()
    domain = request.args.get("domein", "").strip() or None
    errors: list[str] = []
    year: int | None = None
    if year_text:
        if year_text.isdigit() and len(year_text) == 4:
            year = int(year_text)
        else:
            errors.append(_("Kies een jaar uit de lijst."))
    if domain is not None and domain not in FOCUS_DOMAINS:
        errors.append(_("Kies een focusdomein uit de lijst."))
        domain = None
    with engine().db.read() as session:
        years = oslo.published_years(session)
        found = oslo.published_decisions(session, year=year, focus_domain=domain)
    return render_template(
        "opendata/decisions.html",
        decisions=found,
        years=years,
        year=year,
        domain=domain,
        errors=errors,
        focus_domains=[(code, localized(label)) for code, label in FOCUS_DOMAINS.items()],
        focus_names={code: localized(label) for code, label in FOCUS_DOMAINS.items()},
        prefixes=_prefixes(),
        base=_base(),
        day=day,
    )
