"""Herkomst: the chain a record belongs to (`/herkomst/<kind>/<id>`), with links both ways.

From a topic, decision, obligation, project, action or KPI (processes.records.lineage): the
steps of its chain in order (project, topic, working group, agenda item, treatment, decision,
obligations, actions, KPIs), each linking to its own page, to its own lineage, and to the steps
it comes from and leads to. For those who see every case (rights.sees_all); anyone else, an
unknown kind or an unknown id get the same 404. The case page of a topic links here
(``lineage_of_case``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from engine import NotFound
from engine.running.queries import CaseInfo
from processes.records import lineage as chain
from processes.records.titles import TOPIC_PROCESS
from webapp import rights
from webapp.i18n import day, localized
from webapp.identity import current_actor, engine, login_required

bp = Blueprint("lineage", __name__)


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Step:
    """A node as the page shows it."""

    node: chain.Node
    anchor: str
    kind: str
    title: str
    reference: str | None
    """A case number ("#17") after the title, when the node is a case."""
    href: str | None
    status: str | None
    when: str
    detail: str | None
    lineage: str | None
    """Its own lineage page, when it has one and is not this page's start."""
    extra: tuple[Link, ...]
    comes_from: tuple[Link, ...]
    leads_to: tuple[Link, ...]
    start: bool


@bp.app_context_processor
def _case_link() -> dict[str, Any]:
    return {"lineage_of_case": lineage_of_case}


def lineage_of_case(case: CaseInfo) -> str | None:
    """The lineage page of a topic case, for those who may see it (None otherwise)."""
    actor = g.get("actor")
    if case.process_id != TOPIC_PROCESS or actor is None:
        return None
    if not rights.sees_all_acting(engine(), actor):
        return None
    return url_for("lineage.show", kind="topic", record_id=case.id)


def visible_lineage(kind: str, record_id: int) -> chain.Lineage:
    """The lineage, for a user who may see it: NotFound otherwise, or when the id is unknown;
    UnknownKind for a kind that has no lineage."""
    actor = current_actor()
    if actor is None or not rights.sees_all_acting(engine(), actor):
        raise NotFound(f"{kind} {record_id} not found")
    with engine().db.read() as session:
        return chain.lineage(session, kind, record_id)


@bp.get("/herkomst/<kind>/<int:record_id>")
@login_required
def show(kind: str, record_id: int) -> tuple[str, int]:
    try:
        found = visible_lineage(kind, record_id)
    except chain.UnknownKind:
        return _not_found(_("Herkomst bestaat alleen voor onderwerpen, besluiten, verplichtingen "
                            "van pas toe of leg uit, projecten, acties en KPI's."))  # fmt: skip
    except NotFound:
        return _not_found(_("Dit bestaat niet of je hebt er geen toegang toe."))
    steps = [_step(found, node) for node in found.nodes]
    start = next(s for s in steps if s.start)
    return render_template("lineage.html", steps=steps, start=start), 200


def _not_found(sentence: str) -> tuple[str, int]:
    page = render_template(
        "error.html", status=404, code="NOT_FOUND", title=_("Geen herkomst gevonden"),
        detail=sentence,
    )  # fmt: skip
    return page, 404


def anchor(key: chain.Key) -> str:
    return f"stap-{key[0].replace('_', '-')}-{key[1]}"


def _step(found: chain.Lineage, node: chain.Node) -> Step:
    own = None
    if node.is_entry and node.key != found.start:
        own = url_for("lineage.show", kind=node.kind, record_id=node.id)
    return Step(
        node=node,
        anchor=anchor(node.key),
        kind=localized(node.kind_label) or "",
        title=_title(node),
        reference=f"#{node.id}" if node.kind == "topic" else None,
        href=page_of(node),
        status=localized(node.status_label),
        when=_when(node),
        detail=_detail(node),
        lineage=own,
        extra=tuple(_extra(node)),
        comes_from=tuple(_near(n) for n in found.parents(node.key)),
        leads_to=tuple(_near(n) for n in found.children(node.key)),
        start=node.key == found.start,
    )


def _title(node: chain.Node) -> str:
    return node.title


def _when(node: chain.Node) -> str:
    """The node's date, saying what it is."""
    if node.day is None or node.kind == "agenda_item":
        return ""  # an agenda item's title is its meeting, with the date
    when = day(node.day)  # type: ignore[arg-type]
    if node.kind == "project":
        return _("gestart op %(when)s", when=when)
    if node.kind == "topic":
        return _("ingediend op %(when)s", when=when)
    if node.kind in ("treatment", "decision"):
        return _("zitting van %(when)s", when=when)
    if node.kind in ("mandate", "obligation"):
        return _("uiterste datum %(when)s", when=when)
    if node.kind == "action":
        if node.status == "done":
            return _("uitgevoerd op %(when)s", when=when)
        return _("te doen tegen %(when)s", when=when)
    if node.status == "unmeasured":
        return _("doel tegen %(when)s", when=when)
    return _("gemeten op %(when)s", when=when)


def _near(node: chain.Node) -> Link:
    label = localized(node.kind_label) or ""
    return Link(f"{label}: {_title(node)}", f"#{anchor(node.key)}")


def page_of(node: chain.Node) -> str | None:
    """The record's own page."""
    refs = node.refs
    if node.kind in ("topic", "mandate", "decision", "obligation"):
        case_id = refs.get("case_id")
        return url_for("cases.show", case_id=case_id) if case_id else None
    if node.kind in ("agenda_item", "treatment"):
        return url_for("meetings.show", meeting_id=refs["meeting_id"])
    if node.kind == "project":
        return url_for("projects.show", project_id=node.id)
    if node.kind == "action":
        return url_for("actions.action", action_id=node.id)
    return url_for("actions.kpi", kpi_id=node.id)


def _extra(node: chain.Node) -> list[Link]:
    if node.kind == "decision" and node.refs.get("public_uuid"):
        href = url_for("opendata.resource", kind="besluiten", ident=node.refs["public_uuid"])
        return [Link(_("Openbare pagina van het besluit"), href)]
    return []


def _detail(node: chain.Node) -> str | None:
    refs = node.refs
    if node.kind == "kpi":
        target = _("doel %(value)s tegen %(when)s", value=_amount(refs["target"], refs["unit"]),
                   when=day(refs["target_on"]))  # type: ignore[arg-type]  # fmt: skip
        if refs["last_value"] is None:
            return target
        last = _("laatste meting %(value)s", value=_amount(refs["last_value"], refs["unit"]))
        return f"{last[:1].upper()}{last[1:]}; {target}"
    if node.kind == "decision" and refs.get("deadline"):
        return _("Uiterste datum: %(when)s", when=day(refs["deadline"]))  # type: ignore[arg-type]
    return None


def _amount(value: float, unit: str) -> str:
    return f"{format_decimal(value, format='#,##0.#')}\u00a0{unit}"
