"""BPMN models for the signal and message tests: every kind of signal catch, and a signal start."""

from __future__ import annotations

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs_{pid}" '
    'targetNamespace="http://stuurboord.test/{pid}">\n'
)

# start -> wait for signal "go" -> script reads `go` -> user task "work" (interrupted by signal
# "stop" on its boundary) -> end; an event subprocess started (non-interrupting) by "note".
WAITER = (
    HEAD.format(pid="waiter")
    + """
  <bpmn:signal id="sig_go" name="go"/>
  <bpmn:signal id="sig_stop" name="stop"/>
  <bpmn:signal id="sig_note" name="note"/>
  <bpmn:signal id="sig_var" name="with_var">
    <bpmn:extensionElements><spiffworkflow:variableName>given</spiffworkflow:variableName></bpmn:extensionElements>
  </bpmn:signal>
  <bpmn:process id="waiter" name="Waiter" isExecutable="true">
    <bpmn:laneSet id="waiter_lanes"><bpmn:lane id="waiter_lane" name="clerk">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>wait_go</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>use_go</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>wait_var</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>stopped</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end_stopped</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait_go"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:signalEventDefinition id="wait_go_def" signalRef="sig_go"/></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="use_go"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>level = go["level"] * 2</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="wait_var"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:signalEventDefinition id="wait_var_def" signalRef="sig_var"/></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="work" name="Work"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="stopped" attachedToRef="work"><bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:signalEventDefinition id="stopped_def" signalRef="sig_stop"/></bpmn:boundaryEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_stopped"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_go"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait_go" targetRef="use_go"/>
    <bpmn:sequenceFlow id="f3" sourceRef="use_go" targetRef="wait_var"/>
    <bpmn:sequenceFlow id="f4" sourceRef="wait_var" targetRef="work"/>
    <bpmn:sequenceFlow id="f5" sourceRef="work" targetRef="end"/>
    <bpmn:sequenceFlow id="f6" sourceRef="stopped" targetRef="end_stopped"/>
    <bpmn:subProcess id="notes" triggeredByEvent="true">
      <bpmn:startEvent id="note_start" isInterrupting="false"><bpmn:outgoing>n1</bpmn:outgoing>
        <bpmn:signalEventDefinition id="note_def" signalRef="sig_note"/></bpmn:startEvent>
      <bpmn:scriptTask id="count_note"><bpmn:incoming>n1</bpmn:incoming><bpmn:outgoing>n2</bpmn:outgoing>
        <bpmn:script>noted = note["text"]</bpmn:script></bpmn:scriptTask>
      <bpmn:endEvent id="note_end"><bpmn:incoming>n2</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="n1" sourceRef="note_start" targetRef="count_note"/>
      <bpmn:sequenceFlow id="n2" sourceRef="count_note" targetRef="note_end"/>
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>
"""
).encode()

# A process that a signal "launch" starts.
LAUNCHED = (
    HEAD.format(pid="launched")
    + """
  <bpmn:signal id="sig_launch" name="launch"/>
  <bpmn:process id="launched" name="Launched" isExecutable="true">
    <bpmn:laneSet id="launched_lanes"><bpmn:lane id="launched_lane" name="clerk">
      <bpmn:flowNodeRef>launch_start</bpmn:flowNodeRef><bpmn:flowNodeRef>handle</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>launch_end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="launch_start"><bpmn:outgoing>l1</bpmn:outgoing>
      <bpmn:signalEventDefinition id="launch_def" signalRef="sig_launch"/></bpmn:startEvent>
    <bpmn:userTask id="handle" name="Handle"><bpmn:incoming>l1</bpmn:incoming><bpmn:outgoing>l2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="launch_end"><bpmn:incoming>l2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="l1" sourceRef="launch_start" targetRef="handle"/>
    <bpmn:sequenceFlow id="l2" sourceRef="handle" targetRef="launch_end"/>
  </bpmn:process>
</bpmn:definitions>
"""
).encode()

# start -> wait for message "answer" (no messageVariable) -> script reads `answer` -> user -> end
MESSAGE_BY_NAME = (
    HEAD.format(pid="asker")
    + """
  <bpmn:message id="msg_answer" name="answer"/>
  <bpmn:process id="asker" name="Asker" isExecutable="true">
    <bpmn:laneSet id="asker_lanes"><bpmn:lane id="asker_lane" name="clerk">
      <bpmn:flowNodeRef>a_start</bpmn:flowNodeRef><bpmn:flowNodeRef>a_wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>a_use</bpmn:flowNodeRef><bpmn:flowNodeRef>a_check</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>a_end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="a_start"><bpmn:outgoing>a1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="a_wait"><bpmn:incoming>a1</bpmn:incoming><bpmn:outgoing>a2</bpmn:outgoing>
      <bpmn:messageEventDefinition id="a_wait_def" messageRef="msg_answer"/></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="a_use"><bpmn:incoming>a2</bpmn:incoming><bpmn:outgoing>a3</bpmn:outgoing>
      <bpmn:script>verdict = answer["verdict"].upper()</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="a_check" name="Check"><bpmn:incoming>a3</bpmn:incoming><bpmn:outgoing>a4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="a_end"><bpmn:incoming>a4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a1" sourceRef="a_start" targetRef="a_wait"/>
    <bpmn:sequenceFlow id="a2" sourceRef="a_wait" targetRef="a_use"/>
    <bpmn:sequenceFlow id="a3" sourceRef="a_use" targetRef="a_check"/>
    <bpmn:sequenceFlow id="a4" sourceRef="a_check" targetRef="a_end"/>
  </bpmn:process>
</bpmn:definitions>
"""
).encode()
