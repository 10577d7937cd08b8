"""The abstract BPMN task (`bpmn:task`): a step that does nothing and passes straight on.

BPMN leaves an abstract task's work unspecified, and engines run it as a pass-through.
SpiffWorkflow makes it a manual task, which Stuurboord would show as a human task without a role.
`AbstractTask` is SpiffWorkflow's task without the manual flag (pre- and post-scripts still run);
`engine.parsing` builds it for every `bpmn:task`, `engine.running.serialization` stores it.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask


class AbstractTask(SpiffBpmnTask):
    """A `bpmn:task`: completes as soon as it is reached."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


PARSER_CLASSES = {full_tag("task"): (SpiffTaskParser, AbstractTask)}
