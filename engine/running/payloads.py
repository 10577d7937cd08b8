"""Where a caught message's or signal's payload lands in the case data.

A catching message event without `spiffworkflow:messageVariable`, or a signal whose definition
names no `variableName`, puts its payload into the case data under the event's name (plain
SpiffWorkflow drops it, and a model reading it fails with a NameError). An empty payload (none,
or an empty object) lands nowhere. This is a deliberate difference from plain SpiffWorkflow.

Imports: SpiffWorkflow only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessage
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition as SpiffSignal


class _MessageByName(SpiffMessage):
    """A message catch without `spiffworkflow:messageVariable`: the payload lands under the
    message's name (an empty payload lands nowhere)."""

    def update_task_data(self, my_task: Any) -> None:
        payload = my_task.internal_data.pop(self.name, None)
        if payload not in (None, {}):
            my_task.data[self.name] = payload

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpiffMessage) and other.name == self.name


class _SignalByName(SpiffSignal):
    """A signal catch whose signal names no `variableName`: the payload lands under its name."""

    def update_task_data(self, my_task: Any) -> None:
        payload = my_task.internal_data.pop(self.name, None)
        if payload not in (None, {}):
            my_task.data[self.name] = payload

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpiffSignal) and other.name == self.name


def payloads_by_name(specs: Iterable[Any]) -> None:
    """Give every catching message or signal event without a variable its name as one.
    Only loaded specs change (never the stored ones); throwing events keep their class."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, CatchingEvent):
                continue
            definition = task_spec.event_definition
            if type(definition) is SpiffMessage and definition.message_var is None:
                definition.__class__ = _MessageByName
            elif type(definition) is SpiffSignal and definition.variable is None:
                definition.__class__ = _SignalByName
