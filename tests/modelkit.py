"""Small BPMN models for tests, built as text: a start event, steps, an end event, one lane."""

from __future__ import annotations

from xml.sax.saxutils import escape

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)


def user(
    element_id: str, name: str = "Check", properties: dict[str, str] | None = None
) -> tuple[str, str]:
    ext = ""
    if properties:
        props = "".join(
            f'<spiffworkflow:property name="{k}" value="{escape(v)}"/>'
            for k, v in properties.items()
        )
        ext = f"<bpmn:extensionElements><spiffworkflow:properties>{props}</spiffworkflow:properties></bpmn:extensionElements>"
    return (
        element_id,
        f'<bpmn:userTask id="{element_id}" name="{name}">{ext}{{inc}}{{out}}</bpmn:userTask>',
    )


def script(element_id: str, code: str) -> tuple[str, str]:
    body = escape(code).replace("{", "{{").replace("}", "}}")
    return element_id, (
        f'<bpmn:scriptTask id="{element_id}">{{inc}}{{out}}<bpmn:script>{body}</bpmn:script></bpmn:scriptTask>'
    )


def service(element_id: str, operator: str, params: dict[str, str], result: str) -> tuple[str, str]:
    ps = "".join(
        f'<spiffworkflow:parameter id="{k}" type="str" value="{escape(v)}"/>'
        for k, v in params.items()
    )
    return element_id, (
        f'<bpmn:serviceTask id="{element_id}"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="{result}">'
        f"<spiffworkflow:parameters>{ps}</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
        f"</bpmn:extensionElements>{{inc}}{{out}}</bpmn:serviceTask>"
    )


def rule(element_id: str, decision: str) -> tuple[str, str]:
    return element_id, (
        f'<bpmn:businessRuleTask id="{element_id}"><bpmn:extensionElements>'
        f"<spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>"
        f"</bpmn:extensionElements>{{inc}}{{out}}</bpmn:businessRuleTask>"
    )


def message_catch(element_id: str, message_ref: str, variable: str) -> tuple[str, str]:
    return element_id, (
        f'<bpmn:intermediateCatchEvent id="{element_id}">{{inc}}{{out}}'
        f'<bpmn:messageEventDefinition id="{element_id}_def" messageRef="{message_ref}">'
        f"<bpmn:extensionElements><spiffworkflow:messageVariable>{variable}</spiffworkflow:messageVariable>"
        f"</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>"
    )


def timer_catch(element_id: str, duration: str) -> tuple[str, str]:
    return element_id, (
        f'<bpmn:intermediateCatchEvent id="{element_id}">{{inc}}{{out}}'
        f'<bpmn:timerEventDefinition id="{element_id}_def"><bpmn:timeDuration>{escape(duration)}'
        f"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def process(pid: str, steps: list[tuple[str, str]], lane: str = "clerk") -> str:
    ids = [f"{pid}_start", *(s[0] for s in steps), f"{pid}_end"]
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    out = [
        f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">',
        f'<bpmn:laneSet id="{pid}_lanes"><bpmn:lane id="{pid}_lane" name="{lane}">{refs}</bpmn:lane></bpmn:laneSet>',
        f'<bpmn:startEvent id="{pid}_start"><bpmn:outgoing>{pid}_f0</bpmn:outgoing></bpmn:startEvent>',
    ]
    for n, (_, body) in enumerate(steps):
        out.append(
            body.format(
                inc=f"<bpmn:incoming>{pid}_f{n}</bpmn:incoming>",
                out=f"<bpmn:outgoing>{pid}_f{n + 1}</bpmn:outgoing>",
            )
        )
    out.append(
        f'<bpmn:endEvent id="{pid}_end"><bpmn:incoming>{pid}_f{len(steps)}</bpmn:incoming></bpmn:endEvent>'
    )
    for n in range(len(steps) + 1):
        out.append(
            f'<bpmn:sequenceFlow id="{pid}_f{n}" sourceRef="{ids[n]}" targetRef="{ids[n + 1]}"/>'
        )
    out.append("</bpmn:process>")
    return "\n".join(out)


def definitions(*processes: str, messages: dict[str, str] | None = None) -> bytes:
    msgs = "".join(f'<bpmn:message id="{i}" name="{n}"/>' for i, n in (messages or {}).items())
    body = "\n".join(processes)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs" '
        f'targetNamespace="http://stuurboord.test/models">\n{body}\n{msgs}\n</bpmn:definitions>\n'
    ).encode()


def two_faults() -> bytes:
    """A model with two problems on two elements: a script syntax error on 'oops' and a bad
    timer on 'wait' (deploys report every problem, each on its element)."""
    return definitions(
        process("two_faults", [script("oops", "x = ("), timer_catch("wait", '"P1X"')])
    )
