"""The live BPMN diagram of a case: the model's own diagram (BPMN DI) drawn server-side as
inline SVG, with the case's progress marked on it.

- The model comes from `Engine.diagram_state(case_id)` (the deployed file's XML). It is parsed
  with the engine's hardened parser (`engine.xmlguard.check_xml`: no DTD, no entities, no
  network, no XInclude); a file that holds a DOCTYPE is refused, never drawn.
- Only the case's own process is drawn: its participant (pool), its lanes, its flow nodes and
  sequence flows, taken from the diagram plane that draws most of them.
- Shapes: pools and lanes as bands with their names; tasks as rounded rectangles with wrapped
  names; events as circles (double ring for intermediate and boundary, thick for end; timer and
  message icons); gateways as diamonds (X exclusive, + parallel, O inclusive); sequence flows as
  polylines with arrowheads.
- Marks, strongest first: incident (red, "!"), active (blue, thicker, "▶"), waiting for a timer or
  message (amber, dashed, ◷), completed (green, "✓"). Every mark also has a badge glyph
  and words in the element's `<title>`, the legend and the text list beside the diagram, so
  nothing relies on colour alone.
- Every text from the model is escaped. No `style` attributes (the CSP forbids inline styles):
  looks come from classes in `static/diagram.css`.

Pages use `case_diagram(case_id)` (a template global registered by `init_app`) and the partial
`templates/partials/diagram.html`.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape
from itertools import count

from flask import Flask
from flask_babel import gettext as _
from lxml import etree
from markupsafe import Markup

from engine import DeployError, DiagramState, NotFound
from engine.model.xmlguard import check_xml

log = logging.getLogger(__name__)

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

SCALE = 0.9
"""Drawn size per model unit: the SVG's width and height attributes (the page scrolls it)."""
MAX_ELEMENTS = 4000
"""More shapes and edges than this and the diagram is not drawn (the text list still is)."""
MAX_COORDINATE = 1_000_000.0
PADDING = 12.0
FONT = 12.0
"""Font size in model units; CSS sets the same size (`.bpmn text`)."""
CHAR_WIDTH = FONT * 0.55
LINE_HEIGHT = FONT * 1.2
ICON_ROOM = 19.0
"""Space at the top of a task kept for its type icon."""
POOL_BAND = 30.0

STATES = ("incident", "active", "waiting", "completed")
"""Marks, strongest first: an element carries the first that applies."""
GLYPHS = {
    "completed": "M-4,0 L-1,3.5 L4.5,-3.5",
    "active": "M-2.5,-4.5 L4.5,0 L-2.5,4.5 z",
    "waiting": "M-5,0 a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0 M0,-3 V0 L2.5,1.8",
    "incident": "M0,-5 V1.5 M0,3.5 V4.5",
}
"""Badge glyphs (drawn in a circle of radius 8): check, play, clock, exclamation mark."""

TASKS = frozenset({
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
})  # fmt: skip
EVENTS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
GATEWAYS = frozenset({
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
})  # fmt: skip
EVENT_DEFINITIONS = frozenset({
    "timer", "message", "signal", "error", "escalation", "conditional", "terminate", "link",
    "compensate", "cancel",
})  # fmt: skip


class DiagramUnavailable(Exception):
    """The model cannot be drawn: not safe XML, no such process, or no diagram (DI) for it."""


# -- the layout: what the model's DI says, without any case ------------------------------------


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Shape:
    """One drawn element: `kind` is participant, lane, task, event, gateway or annotation;
    `tag` the BPMN element's name (userTask, boundaryEvent, ...); `detail` the event definition
    or nothing."""

    element_id: str
    kind: str
    tag: str
    name: str
    bounds: Bounds
    detail: str | None = None
    horizontal: bool = True
    expanded: bool = False
    interrupting: bool = True


@dataclass(frozen=True)
class Edge:
    element_id: str
    name: str
    points: tuple[tuple[float, float], ...]
    default: bool = False
    kind: str = "sequence"


@dataclass(frozen=True)
class Layout:
    process_id: str
    process_name: str
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
    box: Bounds

    def shape(self, element_id: str) -> Shape | None:
        return next((s for s in self.shapes if s.element_id == element_id), None)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _number(text: str | None) -> float:
    try:
        value = float(text or "")
    except ValueError as error:
        raise DiagramUnavailable(f"not a number in the diagram: {text!r}") from error
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise DiagramUnavailable(f"coordinate out of range: {text!r}")
    return value


def _bounds(shape: etree._Element) -> Bounds | None:
    found = shape.find(f"{{{DC}}}Bounds")
    if found is None:
        return None
    width, height = _number(found.get("width")), _number(found.get("height"))
    if width < 0 or height < 0:
        raise DiagramUnavailable("negative size in the diagram")
    return Bounds(_number(found.get("x")), _number(found.get("y")), width, height)


def _event_definition(element: etree._Element) -> str | None:
    for child in element:
        name = _local(child)
        if name.endswith("EventDefinition"):
            kind = name.removesuffix("EventDefinition")
            return kind if kind in EVENT_DEFINITIONS else "other"
    return None


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _process_elements(root: etree._Element, process_id: str) -> tuple[etree._Element, dict]:
    process = next((p for p in root.iter(f"{{{BPMN}}}process") if p.get("id") == process_id), None)
    if process is None:
        raise DiagramUnavailable(f"no process {process_id!r} in the model")
    elements: dict[str, etree._Element] = {}
    for element in process.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id:
            elements[element_id] = element
    for participant in root.iter(f"{{{BPMN}}}participant"):
        if participant.get("processRef") == process_id and participant.get("id"):
            elements[participant.get("id")] = participant
    return process, elements


def _best_plane(root: etree._Element, elements: dict[str, etree._Element]) -> etree._Element:
    best, best_count = None, 0
    for plane in root.iter(f"{{{BPMNDI}}}BPMNPlane"):
        drawn = sum(
            1
            for item in plane
            if _local(item) in ("BPMNShape", "BPMNEdge") and item.get("bpmnElement") in elements
        )
        if drawn > best_count:
            best, best_count = plane, drawn
    if best is None:
        raise DiagramUnavailable("the model has no diagram (BPMN DI) for this process")
    return best


def _shape_of(item: etree._Element, element: etree._Element) -> Shape | None:
    bounds = _bounds(item)
    if bounds is None:
        return None
    tag = _local(element)
    name = _clean(element.get("name"))
    horizontal = item.get("isHorizontal", "true") != "false"
    if tag == "participant":
        return Shape(element.get("id", ""), "participant", tag, name, bounds, horizontal=horizontal)
    if tag == "lane":
        return Shape(element.get("id", ""), "lane", tag, name, bounds, horizontal=horizontal)
    if tag in TASKS:
        expanded = item.get("isExpanded") == "true"
        return Shape(element.get("id", ""), "task", tag, name, bounds, expanded=expanded)
    if tag in EVENTS:
        return Shape(
            element.get("id", ""),
            "event",
            tag,
            name,
            bounds,
            detail=_event_definition(element),
            interrupting=element.get("cancelActivity", "true") != "false",
        )
    if tag in GATEWAYS:
        return Shape(element.get("id", ""), "gateway", tag, name, bounds)
    if tag == "textAnnotation":
        text = _clean(element.findtext(f"{{{BPMN}}}text"))
        return Shape(element.get("id", ""), "annotation", tag, text, bounds)
    return None


def _edge_of(item: etree._Element, element: etree._Element, defaults: set[str]) -> Edge | None:
    tag = _local(element)
    if tag not in ("sequenceFlow", "association"):
        return None
    points = tuple(
        (_number(p.get("x")), _number(p.get("y"))) for p in item.iter(f"{{{DI}}}waypoint")
    )
    if len(points) < 2:
        return None
    element_id = element.get("id", "")
    kind = "sequence" if tag == "sequenceFlow" else "association"
    return Edge(element_id, _clean(element.get("name")), points, element_id in defaults, kind)


def _box(shapes: Sequence[Shape], edges: Sequence[Edge]) -> Bounds:
    xs: list[float] = []
    ys: list[float] = []
    for shape in shapes:
        b = shape.bounds
        xs += [b.x, b.x + b.width]
        ys += [
            b.y,
            b.y + b.height + (2.5 * LINE_HEIGHT if shape.kind in ("event", "gateway") else 0),
        ]
    for edge in edges:
        xs += [p[0] for p in edge.points]
        ys += [p[1] for p in edge.points]
    if not xs:
        raise DiagramUnavailable("the diagram draws nothing of this process")
    left, top = min(xs) - PADDING, min(ys) - PADDING
    return Bounds(left, top, max(xs) + PADDING - left, max(ys) + PADDING - top)


@lru_cache(maxsize=64)
def layout(source_xml: str, process_id: str) -> Layout:
    """The drawing of one process in a model file. Raises `DiagramUnavailable`."""
    try:
        root = check_xml("model", source_xml.encode("utf-8"))
    except DeployError as error:
        raise DiagramUnavailable(str(error)) from None
    process, elements = _process_elements(root, process_id)
    plane = _best_plane(root, elements)
    defaults = {
        e.get("default") for e in process.iter() if isinstance(e.tag, str) and e.get("default")
    }
    shapes: list[Shape] = []
    edges: list[Edge] = []
    seen: set[str] = set()
    for item in plane:
        if len(shapes) + len(edges) > MAX_ELEMENTS:
            raise DiagramUnavailable("the diagram is too large to draw")
        ref = item.get("bpmnElement")
        element = elements.get(ref or "")
        if element is None or ref in seen:
            continue
        seen.add(ref or "")
        if _local(item) == "BPMNShape":
            shape = _shape_of(item, element)
            if shape is not None:
                shapes.append(shape)
        elif _local(item) == "BPMNEdge":
            edge = _edge_of(item, element, defaults)
            if edge is not None:
                edges.append(edge)
    order = {"participant": 0, "lane": 1, "annotation": 2, "task": 3, "gateway": 4, "event": 5}
    # Containers under what they contain: pools, lanes, expanded subprocesses; boundary events
    # over the task they sit on.
    shapes.sort(key=lambda s: (order[s.kind], not s.expanded, s.tag == "boundaryEvent"))
    return Layout(
        process_id,
        _clean(process.get("name")) or process_id,
        tuple(shapes),
        tuple(edges),
        _box(shapes, edges),
    )


def renamed(drawn: Layout, name_label: Callable[[str], str]) -> Layout:
    """The layout with every name but the lanes' (role ids) given by `name_label`."""

    def name_of(name: str) -> str:
        return name_label(name) if name else name

    shapes = tuple(
        s if s.kind == "lane" else replace(s, name=name_of(s.name)) for s in drawn.shapes
    )
    edges = tuple(replace(e, name=name_of(e.name)) for e in drawn.edges)
    return replace(drawn, process_name=name_of(drawn.process_name), shapes=shapes, edges=edges)


# -- marks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """Which elements to mark; from `DiagramState` or given directly (tests, admin pages)."""

    completed: frozenset[str] = frozenset()
    active: frozenset[str] = frozenset()
    waiting: frozenset[str] = frozenset()
    incidents: frozenset[str] = frozenset()

    @classmethod
    def of(cls, state: DiagramState) -> Marks:
        return cls(
            frozenset(state.completed),
            frozenset(state.active),
            frozenset(state.waiting),
            frozenset(state.incidents),
        )

    def state_of(self, element_id: str) -> str | None:
        for state, ids in (
            ("incident", self.incidents),
            ("active", self.active),
            ("waiting", self.waiting),
            ("completed", self.completed),
        ):
            if element_id in ids:
                return state
        return None


@dataclass(frozen=True)
class MarkedElement:
    """One marked element, for the text list beside the diagram."""

    element_id: str
    name: str
    kind: str
    lane: str | None
    state: str


@dataclass(frozen=True)
class Diagram:
    """A drawn diagram and what a screen reader (or anyone) reads beside it."""

    svg: Markup
    title: str
    process_name: str
    marked: bool
    incidents: tuple[MarkedElement, ...] = ()
    active: tuple[MarkedElement, ...] = ()
    waiting: tuple[MarkedElement, ...] = ()
    completed: tuple[MarkedElement, ...] = ()
    width: int = 0
    height: int = 0
    legend: tuple[tuple[str, str, Markup], ...] = field(default_factory=tuple)
    """(state, words, swatch) per mark."""


def state_word(state: str) -> str:
    """The mark in words, with its glyph (the same words as in the legend)."""
    return {
        "incident": _("! incident"),
        "active": _("▶ nu aan de beurt"),
        "waiting": _("◷ wacht op een tijdstip of bericht"),
        "completed": _("✓ afgerond"),
    }[state]


def kind_word(shape: Shape) -> str:
    if shape.kind == "gateway":
        return _("beslispunt")
    if shape.kind == "event":
        if shape.detail == "timer":
            return _("tijdstip")
        if shape.detail == "message":
            return _("bericht")
        if shape.tag == "startEvent":
            return _("start")
        if shape.tag == "endEvent":
            return _("einde")
        return _("gebeurtenis")
    if shape.tag == "userTask":
        return _("taak voor een persoon")
    if shape.tag in ("callActivity", "subProcess"):
        return _("deelproces")
    return _("automatische stap") if shape.tag != "manualTask" else _("taak")


# -- drawing -----------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate for SVG: at most one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _e(text: str) -> str:
    return escape(text, quote=True)


def _attrs(attrs: dict[str, object]) -> str:
    """Attributes, escaped; `class_` → class, `aria_hidden` → aria-hidden; None left out."""
    out = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = _n(value) if isinstance(value, int | float) else str(value)
        out.append(f' {key.rstrip("_").replace("_", "-")}="{_e(text)}"')
    return "".join(out)


def _el(tag: str, **attrs: object) -> str:
    return f"<{tag}{_attrs(attrs)}/>"


def _group(content: str, **attrs: object) -> str:
    return f"<g{_attrs(attrs)}>{content}</g>"


def _d(spec: str, *numbers: float) -> str:
    """Path data: `spec` with `{}` for each number ("M{},{} L{},{}")."""
    return spec.format(*(_n(n) for n in numbers))


def _icon(content: str, filled: bool = False) -> str:
    return _group(content, class_="bpmn-icon" + (" bpmn-icon-filled" if filled else ""),
                  aria_hidden="true")  # fmt: skip


def wrap(text: str, max_chars: int, max_lines: int) -> list[str]:
    """`text` in lines of at most `max_chars` (words split only when longer than a line), at
    most `max_lines` of them; an ellipsis marks what was cut."""
    max_chars, max_lines = max(2, max_chars), max(1, max_lines)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > max_chars:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: max_chars - 1] + "-")
            word = word[max_chars - 1 :]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= max_chars:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max_chars - 1] + "…"
    return lines


def _text(lines: Sequence[str], x: float, top: float, css: str, **attrs: object) -> str:
    """Lines of text centred on `x` from `top` down (or starting at `x` with text_anchor)."""
    if not lines:
        return ""
    spans = "".join(
        f"<tspan{_attrs({'x': x, 'y': top + LINE_HEIGHT * (i + 0.8)})}>{_e(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    attrs = {"class_": css, "text_anchor": "middle", **attrs}
    return f"<text{_attrs(attrs)}>{spans}</text>"


def _centered(lines: Sequence[str], cx: float, cy: float, css: str) -> str:
    return _text(lines, cx, cy - LINE_HEIGHT * len(lines) / 2, css)


def _pool(shape: Shape, lane_label: Callable[[str], str]) -> str:
    b = shape.bounds
    name = lane_label(shape.name) if shape.kind == "lane" else shape.name
    css = f"bpmn-{shape.kind}"
    parts = [_el("rect", class_=css, x=b.x, y=b.y, width=b.width, height=b.height)]
    if shape.horizontal:
        parts.append(_el("rect", class_=f"{css}-band", x=b.x, y=b.y, width=POOL_BAND,
                         height=b.height))  # fmt: skip
        cx, cy = b.x + POOL_BAND / 2, b.cy
        lines = wrap(name, int((b.height - 10) / CHAR_WIDTH), 1)
        rotate = f"rotate(-90 {_n(cx)} {_n(cy)})"
        parts.append(_text(lines, cx, cy - LINE_HEIGHT / 2, f"{css}-name", transform=rotate))
    else:
        parts.append(_el("rect", class_=f"{css}-band", x=b.x, y=b.y, width=b.width,
                         height=POOL_BAND))  # fmt: skip
        parts.append(_text(wrap(name, int((b.width - 10) / CHAR_WIDTH), 1), b.cx, b.y + 4,
                           f"{css}-name"))  # fmt: skip
    return _group(f"<title>{_e(name)}</title>{''.join(parts)}", class_=f"{css}-group")


def _task_icon(shape: Shape) -> str:
    x, y = shape.bounds.x + 8, shape.bounds.y + 8
    tag = shape.tag
    if tag == "userTask":
        return _icon(_el("circle", cx=x + 6, cy=y + 4, r=3.5)
                     + _el("path", d=_d("M{},{} a6,6 0 0 1 12,0 z", x, y + 15)))  # fmt: skip
    if tag == "serviceTask":
        return _icon(_el("circle", class_="bpmn-icon-gear", cx=x + 7, cy=y + 7, r=6)
                     + _el("circle", cx=x + 7, cy=y + 7, r=2.5))  # fmt: skip
    if tag == "businessRuleTask":
        table = _d("M{},{} h16 M{},{} v8", x, y + 4, x + 5, y + 4)
        return _icon(_el("rect", x=x, y=y, width=16, height=12) + _el("path", d=table))
    if tag in ("receiveTask", "sendTask"):
        return _icon(_el("rect", x=x, y=y + 1, width=16, height=11)
                     + _el("path", d=_d("M{},{} l8,6 l8,-6", x, y + 1)),
                     filled=tag == "sendTask")  # fmt: skip
    if tag == "scriptTask":
        return _icon(_el("path", d=_d("M{},{} h12 M{},{} h12 M{},{} h12",
                                      x + 2, y, x + 2, y + 5, x + 2, y + 10)))  # fmt: skip
    return ""


def _task(shape: Shape) -> str:
    b = shape.bounds
    css = "bpmn-shape bpmn-call" if shape.tag == "callActivity" else "bpmn-shape"
    icon = _task_icon(shape)
    parts = [
        _el("rect", class_=css, x=b.x, y=b.y, width=b.width, height=b.height, rx=10, ry=10),
        icon,
    ]
    if shape.expanded:
        lines = wrap(shape.name, int((b.width - 16) / CHAR_WIDTH), 2)
        parts.append(_text(lines, b.cx, b.y + 4, "bpmn-label"))
        return "".join(parts)
    top = b.y + (ICON_ROOM if icon else 3)  # the name keeps clear of the type icon
    room = b.y + b.height - 3 - top
    lines = wrap(shape.name, int((b.width - 10) / CHAR_WIDTH), int(room / LINE_HEIGHT))
    parts.append(_centered(lines, b.cx, top + room / 2, "bpmn-label"))
    if shape.tag in ("subProcess", "callActivity", "transaction", "adHocSubProcess"):
        mx, my = b.cx - 7, b.y + b.height - 16
        parts.append(_icon(_el("rect", x=mx, y=my, width=14, height=14) + _el(
            "path", d=_d("M{},{} h8 M{},{} v8", mx + 3, my + 7, mx + 7, my + 3))))  # fmt: skip
    return "".join(parts)


def _event_icon(shape: Shape, cx: float, cy: float, r: float) -> str:
    detail = shape.detail
    throws = shape.tag in ("endEvent", "intermediateThrowEvent")
    if detail == "timer":
        i = max(3.0, r * 0.62)
        return _icon(_el("circle", cx=cx, cy=cy, r=i) + _el("path", d=_d(
            "M{},{} V{} M{},{} L{},{}", cx, cy, cy - i * 0.75, cx, cy, cx + i * 0.55,
            cy + i * 0.2)))  # fmt: skip
    if detail == "message":
        w, h = r * 1.0, r * 0.7
        return _icon(_el("rect", x=cx - w / 2, y=cy - h / 2, width=w, height=h) + _el("path", d=_d(
            "M{},{} L{},{} L{},{}", cx - w / 2, cy - h / 2, cx, cy + h * 0.1, cx + w / 2,
            cy - h / 2)), filled=throws)  # fmt: skip
    if detail == "terminate":
        return _icon(_el("circle", cx=cx, cy=cy, r=r * 0.55), filled=True)
    if detail is not None:  # other definitions: a plain triangle
        s = r * 0.5
        return _icon(_el("path", d=_d("M{},{} L{},{} L{},{} z", cx, cy - s, cx + s, cy + s * 0.8,
                                      cx - s, cy + s * 0.8)), filled=throws)  # fmt: skip
    return ""


def _below(shape: Shape) -> str:
    """The name of an event or gateway, under it (as modellers draw them)."""
    b = shape.bounds
    lines = wrap(shape.name, 20, 3)
    return _text(lines, b.cx, b.y + b.height + 2, "bpmn-label bpmn-outside")


def _event(shape: Shape) -> str:
    b = shape.bounds
    cx, cy, r = b.cx, b.cy, max(5.0, min(b.width, b.height) / 2)
    kind = {"endEvent": "end", "startEvent": "start"}.get(shape.tag, "intermediate")
    dashed = "" if shape.interrupting else " bpmn-non-interrupting"
    parts = [_el("circle", class_=f"bpmn-shape bpmn-{kind}{dashed}", cx=cx, cy=cy, r=r)]
    if kind == "intermediate":
        parts.append(_el("circle", class_=f"bpmn-ring{dashed}", cx=cx, cy=cy, r=r - 3))
    parts += [_event_icon(shape, cx, cy, r), _below(shape)]
    return "".join(parts)


def _gateway(shape: Shape) -> str:
    b = shape.bounds
    cx, cy = b.cx, b.cy
    corners = ((cx, b.y), (b.x + b.width, cy), (cx, b.y + b.height), (b.x, cy))
    parts = [_el("polygon", class_="bpmn-shape",
                 points=" ".join(f"{_n(x)},{_n(y)}" for x, y in corners))]  # fmt: skip
    s = min(b.width, b.height) * 0.2
    t = s * 1.3
    marker = {
        "exclusiveGateway": _d("M{},{} L{},{} M{},{} L{},{}", cx - s, cy - s, cx + s, cy + s,
                               cx + s, cy - s, cx - s, cy + s),
        "parallelGateway": _d("M{},{} H{} M{},{} V{}", cx - t, cy, cx + t, cx, cy - t, cy + t),
        "complexGateway": _d("M{},{} H{} M{},{} V{} M{},{} L{},{} M{},{} L{},{}", cx - t, cy,
                             cx + t, cx, cy - t, cy + t, cx - s, cy - s, cx + s, cy + s, cx + s,
                             cy - s, cx - s, cy + s),
    }.get(shape.tag)  # fmt: skip
    if marker:
        parts.append(_el("path", class_="bpmn-marker", aria_hidden="true", d=marker))
    elif shape.tag == "inclusiveGateway":
        parts.append(_el("circle", class_="bpmn-marker", aria_hidden="true", cx=cx, cy=cy,
                         r=s * 1.2))  # fmt: skip
    elif shape.tag == "eventBasedGateway":
        for radius in (s * 1.4, s * 1.1):
            parts.append(_el("circle", class_="bpmn-ring", aria_hidden="true", cx=cx, cy=cy,
                             r=radius))  # fmt: skip
    parts.append(_below(shape))
    return "".join(parts)


def _annotation(shape: Shape) -> str:
    b = shape.bounds
    lines = wrap(shape.name, int((b.width - 8) / CHAR_WIDTH), max(1, int(b.height / LINE_HEIGHT)))
    bracket = _d("M{},{} H{} V{} H{}", b.x + 10, b.y, b.x, b.y + b.height, b.x + 10)
    return _el("path", class_="bpmn-annotation", d=bracket) + _text(
        lines, b.x + b.width / 2, b.y + 2, "bpmn-label")  # fmt: skip


def _badge(shape: Shape, state: str) -> str:
    b = shape.bounds
    x, y = b.x + b.width - 2, b.y + 2
    if shape.kind == "gateway":
        x, y = b.cx + b.width * 0.35, b.y + b.height * 0.1
    return _group(_el("circle", r=8) + _el("path", d=GLYPHS[state]),
                  class_=f"bpmn-badge bpmn-badge-{state}", aria_hidden="true",
                  transform=f"translate({_n(x)} {_n(y)})")  # fmt: skip


def legend_swatch(state: str) -> Markup:
    """A small picture of a mark (a task's border and its badge), for the legend."""
    badge = _group(_el("circle", r=8) + _el("path", d=GLYPHS[state]), transform="translate(33 10)",
                   class_=f"bpmn-badge bpmn-badge-{state}")  # fmt: skip
    task = _group(_el("rect", class_="bpmn-shape", x=2, y=6, width=30, height=20, rx=5, ry=5)
                  + badge, class_=f"bpmn-node bpmn-task is-{state}")  # fmt: skip
    return Markup(  # only constants and numbers
        '<svg class="bpmn bpmn-swatch" aria-hidden="true" focusable="false" width="44" '
        f'height="28" viewBox="0 0 44 28">{task}</svg>'
    )


def _node(shape: Shape, state: str | None) -> str:
    draw = {"task": _task, "event": _event, "gateway": _gateway}.get(shape.kind, _annotation)
    body = draw(shape)
    label = shape.name or shape.element_id
    title = label if shape.kind == "annotation" else f"{label} ({kind_word(shape)})"
    if state:
        title += f": {state_word(state)}"
        body += _badge(shape, state)
    css = f"bpmn-node bpmn-{shape.kind}" + (f" is-{state}" if state else "")
    return _group(f"<title>{_e(title)}</title>{body}", class_=css,
                  data_element_id=shape.element_id, data_state=state)  # fmt: skip


def _edge_label(edge: Edge) -> str:
    """A flow's name at the middle of its first long enough segment."""
    if not edge.name:
        return ""
    segments = list(zip(edge.points, edge.points[1:], strict=False))
    longest = max(segments, key=lambda s: math.dist(*s))
    (x1, y1), (x2, y2) = next((s for s in segments if math.dist(*s) >= 40), longest)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    lines = wrap(edge.name, 18, 2)
    if abs(y2 - y1) > abs(x2 - x1):  # a vertical segment: the name beside it
        return _text(lines, mx + 5, my - LINE_HEIGHT * len(lines) / 2, "bpmn-flow-label",
                     text_anchor="start")  # fmt: skip
    return _text(lines, mx, my - 4 - LINE_HEIGHT * len(lines), "bpmn-flow-label")


def _edge(edge: Edge, arrow_id: str) -> str:
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in edge.points)
    if edge.kind == "association":
        return _el("polyline", class_="bpmn-association", points=points)
    parts = [_el("polyline", class_="bpmn-flow", points=points, marker_end=f"url(#{arrow_id})")]
    if edge.default:  # a slash across the start
        (x1, y1), (x2, y2) = edge.points[0], edge.points[1]
        length = math.dist((x1, y1), (x2, y2)) or 1.0
        dx, dy = (x2 - x1) / length, (y2 - y1) / length
        mx, my, ax, ay = x1 + dx * 10, y1 + dy * 10, (dx - dy) * 5, (dy + dx) * 5
        parts.append(_el("path", class_="bpmn-flow-default",
                         d=_d("M{},{} L{},{}", mx - ax, my - ay, mx + ax, my + ay)))  # fmt: skip
    parts.append(_edge_label(edge))
    title = f"<title>{_e(edge.name)}</title>" if edge.name else ""
    return _group(title + "".join(parts), class_="bpmn-edge", data_element_id=edge.element_id)


_PREFIXES = count(1)


def render_svg(
    drawn: Layout,
    marks: Marks | None,
    *,
    title: str,
    description: str,
    lane_label: Callable[[str], str] = lambda name: name,
    prefix: str | None = None,
) -> tuple[Markup, int, int]:
    """The SVG markup of a layout with marks (or none); returns (svg, width, height)."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", prefix or f"bpmn{next(_PREFIXES)}")
    box = drawn.box
    width, height = max(1, round(box.width * SCALE)), max(1, round(box.height * SCALE))
    arrow = f"{prefix}-arrow"
    pools = "".join(_pool(s, lane_label) for s in drawn.shapes if s.kind in ("participant", "lane"))
    edges = "".join(_edge(e, arrow) for e in drawn.edges)
    nodes = "".join(
        _node(s, marks.state_of(s.element_id) if marks else None)
        for s in drawn.shapes
        if s.kind not in ("participant", "lane")
    )
    view_box = " ".join(_n(v) for v in (box.x, box.y, box.width, box.height))
    head = _attrs({"xmlns": "http://www.w3.org/2000/svg", "class_": "bpmn", "role": "img",
                   "aria_labelledby": f"{prefix}-title {prefix}-desc", "viewBox": view_box,
                   "width": width, "height": height, "focusable": "false"})  # fmt: skip
    svg = (
        f'<svg{head}><title id="{prefix}-title">{_e(title)}</title>'
        f'<desc id="{prefix}-desc">{_e(description)}</desc>'
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        '<path class="bpmn-arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>'
        f'<g class="bpmn-pools">{pools}</g><g class="bpmn-edges">{edges}</g>'
        f'<g class="bpmn-nodes">{nodes}</g></svg>'
    )
    return Markup(svg), width, height  # every text from the model went through _e


def _lane_of(drawn: Layout, shape: Shape) -> Shape | None:
    """The innermost lane whose band holds the shape's centre."""
    lanes = [
        lane
        for lane in drawn.shapes
        if lane.kind == "lane"
        and lane.bounds.x <= shape.bounds.cx <= lane.bounds.x + lane.bounds.width
        and lane.bounds.y <= shape.bounds.cy <= lane.bounds.y + lane.bounds.height
    ]
    return min(lanes, key=lambda lane: lane.bounds.width * lane.bounds.height, default=None)


def _marked(
    drawn: Layout, ids: Iterable[str], state: str, lane_label: Callable[[str], str]
) -> tuple[MarkedElement, ...]:
    found = []
    for element_id in sorted(set(ids)):
        shape = drawn.shape(element_id)
        if shape is None or shape.kind in ("participant", "lane"):
            found.append(MarkedElement(element_id, element_id, "", None, state))
            continue
        lane = _lane_of(drawn, shape)
        found.append(
            MarkedElement(
                element_id,
                shape.name or element_id,
                kind_word(shape),
                lane_label(lane.name) if lane and lane.name else None,
                state,
            )
        )
    order = {s.element_id: i for i, s in enumerate(drawn.shapes)}
    return tuple(sorted(found, key=lambda m: (order.get(m.element_id, 0), m.element_id)))


def _describe(
    marks: Marks | None,
    active: Sequence[MarkedElement],
    waiting: Sequence[MarkedElement],
    incidents: Sequence[MarkedElement],
) -> str:
    if marks is None:
        return _("Het model zoals het geïnstalleerd is, zonder de stand van een dossier.")
    parts = []
    if incidents:
        parts.append(_("Incident bij: %(names)s.", names=", ".join(m.name for m in incidents)))
    if active:
        parts.append(_("Nu aan de beurt: %(names)s.", names=", ".join(m.name for m in active)))
    if waiting:
        parts.append(_("Wacht op: %(names)s.", names=", ".join(m.name for m in waiting)))
    parts.append(_("%(count)s stappen afgerond.", count=len(marks.completed)))
    return " ".join(parts)


def build(
    source_xml: str,
    process_id: str,
    marks: Marks | None,
    *,
    lane_label: Callable[[str], str] = lambda name: name,
    name_label: Callable[[str], str] | None = None,
    prefix: str | None = None,
) -> Diagram:
    """The diagram of `process_id` in `source_xml`, marked (a case) or not (a version).
    `name_label` gives each element's name in the reader's language (lanes: `lane_label`).
    Raises `DiagramUnavailable` when the model cannot be drawn."""
    drawn = layout(source_xml, process_id)
    if name_label is not None:
        drawn = renamed(drawn, name_label)
    incidents = _marked(drawn, marks.incidents, "incident", lane_label) if marks else ()
    active = _marked(drawn, marks.active - marks.incidents, "active", lane_label) if marks else ()
    waiting = (
        _marked(drawn, marks.waiting - marks.active - marks.incidents, "waiting", lane_label)
        if marks
        else ()
    )
    completed = (
        _marked(
            drawn,
            marks.completed - marks.active - marks.waiting - marks.incidents,
            "completed",
            lane_label,
        )
        if marks
        else ()
    )
    title = _("Procesdiagram: %(name)s", name=drawn.process_name)
    svg, width, height = render_svg(
        drawn,
        marks,
        title=title,
        description=_describe(marks, active, waiting, incidents),
        lane_label=lane_label,
        prefix=prefix,
    )
    return Diagram(
        svg=svg,
        title=title,
        process_name=drawn.process_name,
        marked=marks is not None,
        incidents=incidents,
        active=active,
        waiting=waiting,
        completed=completed,
        width=width,
        height=height,
        legend=tuple((state, state_word(state), legend_swatch(state)) for state in STATES),
    )


# -- the web app -------------------------------------------------------------------------------


def case_diagram(case_id: int) -> Diagram | None:
    """The marked diagram of a case the page already showed (rights are the page's), or None
    when it cannot be drawn (the page then says so; the rest of the page does not suffer)."""
    from webapp.identity import engine
    from webapp.wording import model_name, role_label

    try:
        state = engine().diagram_state(case_id)
        return build(
            state.source_xml,
            state.process_id,
            Marks.of(state),
            lane_label=role_label,
            name_label=model_name,
            prefix=f"case{case_id}",
        )
    except (DiagramUnavailable, NotFound) as error:
        log.info("no diagram for case %s: %s", case_id, error)
    except Exception:  # the diagram is an aid: never let it take the case page down
        log.exception("drawing the diagram of case %s failed", case_id)
    return None


def init_app(app: Flask) -> None:
    """Make `case_diagram` available to templates (case.html's `diagram` block)."""
    app.add_template_global(case_diagram, "case_diagram")
