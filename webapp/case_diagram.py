"""Where a case stands, for its page: the marks bpmn-js draws on the diagram (static/js/
diagram.js) and the same steps as a text list, which is all a reader without JavaScript (or
with a screen reader) needs.

The diagram itself is the model's own BPMN XML, drawn in the browser by bpmn-js's navigated
viewer from ``/dossiers/<id>/model.bpmn`` (the exact version the case runs on); the marks travel
as a data attribute. Nothing here draws.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from flask import Flask
from lxml import etree

from engine import NotFound
from engine.running.queries import DiagramState

log = logging.getLogger(__name__)
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
STATES = ("incident", "active", "waiting", "completed")


@dataclass(frozen=True)
class Step:
    element_id: str
    name: str


@dataclass(frozen=True)
class CaseDiagram:
    process_id: str
    version: int
    incidents: tuple[Step, ...]
    active: tuple[Step, ...]
    waiting: tuple[Step, ...]
    completed: tuple[Step, ...]

    @property
    def marks(self) -> str:
        """The marks as JSON for the diagram's data attribute."""
        return json.dumps({state: [s.element_id for s in getattr(self, _field(state))]
                           for state in STATES})  # fmt: skip


def _field(state: str) -> str:
    return "incidents" if state == "incident" else state


def names_in(source_xml: str) -> dict[str, str]:
    """Element id → name, for every named BPMN element of the model."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(source_xml.encode("utf-8"), parser)
    return {
        node.get("id"): node.get("name") or ""
        for node in root.iter(f"{{{BPMN_NS}}}*")
        if node.get("id")
    }


def of_state(state: DiagramState) -> CaseDiagram:
    from webapp.wording import model_name

    names = names_in(state.source_xml)

    def steps(ids: set[str]) -> tuple[Step, ...]:
        return tuple(sorted((Step(i, model_name(names.get(i)) or i) for i in ids),
                            key=lambda s: s.name.lower()))  # fmt: skip

    incidents = set(state.incidents)
    active = set(state.active) - incidents
    waiting = set(state.waiting) - active - incidents
    completed = set(state.completed) - waiting - active - incidents
    return CaseDiagram(state.process_id, state.version, steps(incidents), steps(active),
                       steps(waiting), steps(completed))  # fmt: skip


def case_diagram(case_id: int) -> CaseDiagram | None:
    """The marks of a case the page already showed (rights are the page's), or None when they
    cannot be read (the page then says so; the rest of the page does not suffer)."""
    from webapp.identity import engine

    try:
        return of_state(engine().diagram_state(case_id))
    except NotFound as error:
        log.info("no diagram for case %s: %s", case_id, error)
    except Exception:  # the diagram is an aid: never let it take the case page down
        log.exception("reading the diagram state of case %s failed", case_id)
    return None


def init_app(app: Flask) -> None:
    """Make `case_diagram` available to templates (case.html's `diagram` block)."""
    app.add_template_global(case_diagram, "case_diagram")
