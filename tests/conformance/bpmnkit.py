"""A tiny builder for the conformance models: flow nodes, flows, events, and a simple diagram.

Every model is one `bpmn:definitions` with its processes, the messages/signals/errors/escalations
they use, and BPMN DI (one shape per node, one straight edge per flow; the content of a
subprocess sits on its own diagram plane, as modelling tools do for collapsed subprocesses).
The generated files are written to tests/conformance/models/ by `python -m tests.conformance.corpus`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)
SIZES = {"event": (36, 36), "gateway": (50, 50), "activity": (100, 80)}


@dataclass
class Node:
    id: str
    tag: str
    kind: str  # event, gateway, activity
    attrs: str = ""
    body: str = ""
    inner: Proc | None = None  # an embedded subprocess's content
    attached_to: str | None = None
    extensions: str = ""  # bpmn:extensionElements, which come before the flows


@dataclass
class Flow:
    id: str
    source: str
    target: str
    condition: str | None = None


@dataclass
class Proc:
    """One process (or a subprocess's content): nodes in order, flows, and a lane for the roles."""

    id: str
    lane: str | None = "clerk"
    nodes: list[Node] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)

    def add(self, node: Node) -> str:
        self.nodes.append(node)
        return node.id

    # -- events ---------------------------------------------------------------------------

    def start(self, id: str = "start", definition: str = "", interrupting: bool = True) -> str:
        attrs = "" if interrupting else ' isInterrupting="false"'
        return self.add(Node(id, "startEvent", "event", attrs, definition))

    def end(self, id: str = "end", definition: str = "") -> str:
        return self.add(Node(id, "endEvent", "event", "", definition))

    def catch(self, id: str, definition: str) -> str:
        return self.add(Node(id, "intermediateCatchEvent", "event", "", definition))

    def throw(self, id: str, definition: str) -> str:
        return self.add(Node(id, "intermediateThrowEvent", "event", "", definition))

    def boundary(self, id: str, attached_to: str, definition: str, cancel: bool = True) -> str:
        attrs = f' attachedToRef="{attached_to}"' + ("" if cancel else ' cancelActivity="false"')
        return self.add(Node(id, "boundaryEvent", "event", attrs, definition, None, attached_to))

    # -- activities -----------------------------------------------------------------------

    def user(self, id: str, name: str = "", loop: str = "") -> str:
        return self.add(Node(id, "userTask", "activity", f" name={quoteattr(name or id)}", loop))

    def script(self, id: str, code: str, loop: str = "") -> str:
        body = f"{loop}<bpmn:script>{escape(code)}</bpmn:script>"
        return self.add(Node(id, "scriptTask", "activity", "", body))

    def rule(self, id: str, decision: str) -> str:
        ext = (
            "<bpmn:extensionElements><spiffworkflow:calledDecisionId>"
            f"{decision}</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
        )
        return self.add(Node(id, "businessRuleTask", "activity", extensions=ext))

    def sub(self, id: str, inner: Proc, event: bool = False, loop: str = "") -> str:
        attrs = ' triggeredByEvent="true"' if event else ""
        inner.id, inner.lane = id, None  # its content takes the subprocess's lane
        return self.add(Node(id, "subProcess", "activity", attrs, loop, inner))

    def call(self, id: str, called: str) -> str:
        return self.add(Node(id, "callActivity", "activity", f' calledElement="{called}"'))

    # -- gateways -------------------------------------------------------------------------

    def xor(self, id: str, default: str | None = None) -> str:
        return self.add(Node(id, "exclusiveGateway", "gateway", _default(default)))

    def par(self, id: str) -> str:
        return self.add(Node(id, "parallelGateway", "gateway"))

    def inc(self, id: str, default: str | None = None) -> str:
        return self.add(Node(id, "inclusiveGateway", "gateway", _default(default)))

    def evb(self, id: str) -> str:
        return self.add(Node(id, "eventBasedGateway", "gateway"))

    # -- flows ----------------------------------------------------------------------------

    def flow(self, source: str, target: str, condition: str | None = None,
             id: str | None = None) -> str:  # fmt: skip
        flow_id = id or f"f_{source}_{target}"
        self.flows.append(Flow(flow_id, source, target, condition))
        return flow_id

    def chain(self, *ids: str) -> None:
        for source, target in itertools.pairwise(ids):
            self.flow(source, target)


def _default(default: str | None) -> str:
    return f' default="{default}"' if default else ""


# -- event definitions and loop markers -----------------------------------------------------


def timer(expression: str, kind: str = "timeDuration") -> str:
    return (
        f"<bpmn:timerEventDefinition><bpmn:{kind}>{escape(expression)}</bpmn:{kind}>"
        "</bpmn:timerEventDefinition>"
    )


def message(ref: str, variable: str | None = None) -> str:
    ext = ""
    if variable:
        ext = (
            "<bpmn:extensionElements><spiffworkflow:messageVariable>"
            f"{variable}</spiffworkflow:messageVariable></bpmn:extensionElements>"
        )
    return f'<bpmn:messageEventDefinition messageRef="{ref}">{ext}</bpmn:messageEventDefinition>'


def signal(ref: str) -> str:
    return f'<bpmn:signalEventDefinition signalRef="{ref}"/>'


def error(ref: str | None = None) -> str:
    return (
        f'<bpmn:errorEventDefinition errorRef="{ref}"/>' if ref else "<bpmn:errorEventDefinition/>"
    )


def escalation(ref: str) -> str:
    return f'<bpmn:escalationEventDefinition escalationRef="{ref}"/>'


def terminate() -> str:
    return "<bpmn:terminateEventDefinition/>"


def multi(collection: str, element: str, sequential: bool = False,
          output: str | None = None, output_element: str | None = None) -> str:  # fmt: skip
    seq = ' isSequential="true"' if sequential else ""
    parts = [f"<bpmn:loopDataInputRef>{collection}</bpmn:loopDataInputRef>"]
    if output:
        parts.append(f"<bpmn:loopDataOutputRef>{output}</bpmn:loopDataOutputRef>")
    parts.append(f'<bpmn:inputDataItem id="{element}" name="{element}"/>')
    if output_element:
        parts.append(f'<bpmn:outputDataItem id="{output_element}" name="{output_element}"/>')
    return (
        f"<bpmn:multiInstanceLoopCharacteristics{seq}>{''.join(parts)}"
        "</bpmn:multiInstanceLoopCharacteristics>"
    )


def multi_count(count: str, sequential: bool = False) -> str:
    seq = ' isSequential="true"' if sequential else ""
    return (
        f"<bpmn:multiInstanceLoopCharacteristics{seq}><bpmn:loopCardinality>{escape(count)}"
        "</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
    )


def standard_loop(condition: str, maximum: int = 20) -> str:
    return (
        f'<bpmn:standardLoopCharacteristics testBefore="false" loopMaximum="{maximum}">'
        f"<bpmn:loopCondition>{escape(condition)}</bpmn:loopCondition>"
        "</bpmn:standardLoopCharacteristics>"
    )


# -- serialising ----------------------------------------------------------------------------


def definitions(*procs: Proc, messages: tuple[str, ...] = (), signals: tuple[str, ...] = (),
                errors: tuple[str, ...] = (), escalations: tuple[str, ...] = ()) -> str:  # fmt: skip
    """The whole document: processes, root elements, diagram."""
    roots = [
        *(f'<bpmn:message id="{m}" name="{m}"/>' for m in messages),
        *(f'<bpmn:signal id="{s}" name="{s}"/>' for s in signals),
        *(f'<bpmn:error id="{e}" name="{e}" errorCode="{e}"/>' for e in errors),
        *(f'<bpmn:escalation id="{e}" name="{e}" escalationCode="{e}"/>' for e in escalations),
    ]
    body = [_process(proc) for proc in procs]
    diagrams = [d for n, proc in enumerate(procs) for d in _diagrams(proc, f"d{n}", top=True)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions {NS} id="defs_{procs[0].id}" '
        'targetNamespace="http://stuurboord.test/conformance">\n'
        + "\n".join([*body, *roots, *diagrams])
        + "\n</bpmn:definitions>\n"
    )


def _process(proc: Proc) -> str:
    lane = ""
    if proc.lane:
        refs = "".join(f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in proc.nodes)
        lane = (
            f'<bpmn:laneSet id="{proc.id}_lanes"><bpmn:lane id="{proc.id}_lane" '
            f'name="{proc.lane}">{refs}</bpmn:lane></bpmn:laneSet>'
        )
    content = _content(proc)
    return (
        f'<bpmn:process id="{proc.id}" name="{proc.id}" isExecutable="true">{lane}\n'
        f"{content}\n</bpmn:process>"
    )


def _content(proc: Proc) -> str:
    lines = []
    for node in proc.nodes:
        incoming = "".join(
            f"<bpmn:incoming>{f.id}</bpmn:incoming>" for f in proc.flows if f.target == node.id
        )
        outgoing = "".join(
            f"<bpmn:outgoing>{f.id}</bpmn:outgoing>" for f in proc.flows if f.source == node.id
        )
        inner = f"\n{_content(node.inner)}\n" if node.inner is not None else ""
        lines.append(
            f'<bpmn:{node.tag} id="{node.id}"{node.attrs}>{node.extensions}{incoming}{outgoing}'
            f"{node.body}{inner}</bpmn:{node.tag}>"
        )
    for flow in proc.flows:
        condition = ""
        if flow.condition is not None:
            condition = (
                f"<bpmn:conditionExpression>{escape(flow.condition)}</bpmn:conditionExpression>"
            )
        lines.append(
            f'<bpmn:sequenceFlow id="{flow.id}" sourceRef="{flow.source}" '
            f'targetRef="{flow.target}">{condition}</bpmn:sequenceFlow>'
        )
    return "\n".join(lines)


def _layout(proc: Proc) -> dict[str, tuple[int, int, int, int]]:
    """Columns by distance from the first node along flows, rows by order within a column."""
    column: dict[str, int] = {}
    attached = {n.id for n in proc.nodes if n.attached_to}
    roots = [n.id for n in proc.nodes if n.tag == "startEvent"] or [proc.nodes[0].id]
    queue = [(root, 0) for root in roots]
    while queue:
        node_id, col = queue.pop(0)
        if node_id in column:
            continue
        column[node_id] = col
        queue.extend((f.target, col + 1) for f in proc.flows if f.source == node_id)
    rows: dict[int, int] = {}
    bounds = {}
    for node in proc.nodes:
        if node.id in attached:
            continue
        col = column.get(node.id, max(column.values(), default=0) + 1)
        row = rows.get(col, 0)
        rows[col] = row + 1
        w, h = SIZES[node.kind]
        x, y = 100 + col * 150, 100 + row * 140
        bounds[node.id] = (x + (100 - w) // 2, y + (80 - h) // 2, w, h)
    for node in proc.nodes:
        if node.attached_to:
            host = bounds[node.attached_to]
            offset = sum(1 for n in proc.nodes if n.attached_to == node.attached_to
                         and proc.nodes.index(n) < proc.nodes.index(node))  # fmt: skip
            bounds[node.id] = (host[0] + 10 + offset * 40, host[1] + host[3] - 18, 36, 36)
    return bounds


def _diagrams(proc: Proc, name: str, top: bool) -> list[str]:
    bounds = _layout(proc)
    shapes = []
    for node in proc.nodes:
        x, y, w, h = bounds[node.id]
        expanded = ' isExpanded="false"' if node.inner is not None else ""
        shapes.append(
            f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{expanded}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
    if top and proc.lane:
        right = max(x + w for x, _, w, _ in bounds.values()) + 60
        bottom = max(y + h for _, y, _, h in bounds.values()) + 60
        shapes.insert(
            0,
            f'<bpmndi:BPMNShape id="{proc.id}_lane_di" bpmnElement="{proc.id}_lane" '
            f'isHorizontal="true"><dc:Bounds x="50" y="60" width="{right - 50}" '
            f'height="{bottom - 60}"/></bpmndi:BPMNShape>',
        )
    for flow in proc.flows:
        sx, sy, sw, sh = bounds[flow.source]
        tx, ty, _tw, th = bounds[flow.target]
        shapes.append(
            f'<bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">'
            f'<di:waypoint x="{sx + sw}" y="{sy + sh // 2}"/>'
            f'<di:waypoint x="{tx}" y="{ty + th // 2}"/></bpmndi:BPMNEdge>'
        )
    element = proc.id
    result = [
        f'<bpmndi:BPMNDiagram id="{name}_{element}"><bpmndi:BPMNPlane id="{name}_{element}_plane" '
        f'bpmnElement="{element}">{"".join(shapes)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
    ]
    for node in proc.nodes:
        if node.inner is not None:
            result.extend(_diagrams(node.inner, name, top=False))
    return result
