"""Turning specs and running workflows into JSON and back.

Specs are stored once per process version. A case's state is the workflow *without* its specs,
and pruned: only the part of the task tree that SpiffWorkflow can still read is kept:

- the smallest subtree holding every unfinished task, plus one finished task above it;
- above that, the nearest finished ancestor of each element, in order (a parallel join walks up
  the tree to find its inputs; a loop back into it needs the task that first entered it);
- the finished instances of a join that waits or is about to run, with their parents (it
  merges their data; the end of a process is such a join too);
- the task that completed last (its data is the case's data).

The outcome of a case does not depend on where pruning happened: tests/test_conformance.py runs
every corpus model pruned after every task against plain SpiffWorkflow. Finished history lives
in the audit trail and the task table. This keeps the cost of a step independent of the case's
age, and keeps loops clear of SpiffWorkflow's task-iterator depth limit (1,000 levels, about 333
passes).
"""

from __future__ import annotations

import itertools
import json
import math
from copy import copy
from datetime import date
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any
from uuid import UUID, SafeUUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import SpiffBpmnTaskConverter
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.running.abstract_task import AbstractTask
from engine.running.payloads import payloads_by_name
from engine.running.scripting import harden_specs

# Tasks that still matter: everything not finished, plus failed tasks waiting for a retry.
LIVE = TaskState.NOT_FINISHED_MASK | TaskState.ERROR


def task_uuid(text: str) -> UUID:
    """`UUID(text)` for the canonical form the serializer writes, without `UUID.__init__`'s
    general parsing: a case's state holds three per task (id, parent, children), and loading
    it is the cost of a completion served by a process that did not serve the previous one."""
    if len(text) != 36:
        return UUID(text)
    value = _new(UUID)
    _set_attribute(value, "int", int(text.replace("-", ""), 16))
    _set_attribute(value, "is_safe", _UNKNOWN)
    return value


_new = object.__new__
_set_attribute = object.__setattr__
_UNKNOWN = SafeUUID.unknown  # (an Enum member's attribute access is a Python-level __get__)


class CaseStateConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its specs; restores it onto specs we already hold."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        # BpmnWorkflowConverter.to_dict without its first two keys: converting the specs only to
        # drop them cost as much as converting the tasks.
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> BpmnWorkflow:
        workflow = self.target_class(
            kwargs["spec"],
            kwargs["subprocess_specs"],
            script_engine=kwargs.get("script_engine"),
            deserializing=True,
        )
        workflow.tasks = self.mapping_from_dict(dct["tasks"], task_uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(task_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class CaseTaskConverter(TaskConverter):
    """SpiffWorkflow's TaskConverter.from_dict, reading the task's three kinds of ids with
    `task_uuid` (UUID's general parser was a quarter of loading a case's state)."""

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Task:
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=task_uuid(dct["id"]))
        task._parent = task_uuid(dct["parent"]) if dct["parent"] is not None else None
        task._children = [task_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self.registry.restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        if delta and task.parent is not None:
            data = DeepMerge.merge({}, task.parent.data)
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", {}):
                if key in data:
                    del data[key]
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = CaseStateConverter
    config[Task] = CaseTaskConverter
    config[AbstractTask] = SpiffBpmnTaskConverter
    registry = BpmnWorkflowSerializer.configure(config)
    # Scripts may leave dates and decimals in task data; datetime/timedelta/UUID are built in.
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
    )
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _make_serializer()


def specs_to_json(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    registry = SERIALIZER.registry
    content = {
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"))


def specs_from_json(text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    content = json.loads(text)
    registry = SERIALIZER.registry
    spec = registry.restore(content["spec"])
    subprocess_specs = {k: registry.restore(v) for k, v in content["subprocess_specs"].items()}
    harden_specs([spec, *subprocess_specs.values()])
    payloads_by_name([spec, *subprocess_specs.values()])
    return spec, subprocess_specs


def state_to_json(workflow: BpmnWorkflow) -> str:
    """The case state to store: exactly the text `SERIALIZER.serialize_json` writes.

    The workflow, its subprocesses and tasks go through `_fast_text` (see "the fast
    save" below); a workflow it does not recognise through SpiffWorkflow's serializer."""
    if _FAST_SAVE:
        registry = SERIALIZER.registry
        # As serialize_json: the encoder's `default` converts registered values (dates in task
        # data, bpmn events) with converters that read this flag.
        registry._encoder_mode = True
        try:
            return _fast_text(workflow, registry)
        except _NotFast:
            pass
        finally:
            registry._encoder_mode = False
    return slow_state_to_json(workflow)


def slow_state_to_json(workflow: BpmnWorkflow) -> str:
    """SpiffWorkflow's own way: `registry.convert` over everything, then json.dumps."""
    return SERIALIZER.serialize_json(workflow)


def state_from_json(
    text: str,
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    script_engine: Any,
) -> BpmnWorkflow:
    """The workflow a stored case state describes, on specs we already hold.

    States in the current serializer version go through `_fast_state` (the cost of a completion
    served by a process that did not have the case cached); older ones, and anything the fast
    path does not recognise, through SpiffWorkflow's own (migrating) deserializer."""
    dct = json.loads(text)
    if _FAST_PATH and dct.get(_VERSION_KEY) == SERIALIZER.VERSION:
        try:
            return _fast_state(dct, _plain_values(text, dct), spec, subprocess_specs, script_engine)
        except _NotFast:
            dct = json.loads(text)
    return slow_state_from_dict(dct, spec, subprocess_specs, script_engine)


def slow_state_from_dict(
    dct: dict[str, Any],
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    script_engine: Any,
) -> BpmnWorkflow:
    """SpiffWorkflow's own way: migrate, then `DictionaryConverter.restore` over everything."""
    SERIALIZER.migrate(dct)
    return SERIALIZER.from_dict(
        dct, spec=spec, subprocess_specs=subprocess_specs, script_engine=script_engine
    )


# -- the fast path ---------------------------------------------------------------------------
#
# `SERIALIZER.from_dict` builds the same objects, but spends most of its time in
# `DictionaryConverter.restore`, which walks every value of every task's data looking for a
# `typename` key (a date, a decimal, ...) and copies every dict and list it meets. The fast
# path builds the workflow, its tasks and subprocesses exactly as the converters above do
# (CaseStateConverter, CaseTaskConverter, BpmnSubWorkflowConverter), and:
#
# - counts `"typename"` in the JSON text: when the only ones are those of the workflow, its
#   subprocesses and their tasks, no value needs restoring and the parsed values are used as
#   they are (`restore` of a plain JSON value is an equal fresh copy, and nothing else holds
#   the parsed ones). A `"typename"` anywhere else (a key of task data, a string value,
#   events) sends every value through `registry.restore`, as before;
# - parses each task id once (a state names each id up to three times);
# - builds `Task` objects without `Task.__init__` (same attributes, same order, same values);
# - copies the parent's data with DeepMerge.merge({}, data)'s semantics (one level deep).
#
# tests/test_serialization.py compares it with SpiffWorkflow's deserializer, attribute by
# attribute, for the corpus models at every point of their run.

_VERSION_KEY = BpmnWorkflowSerializer.VERSION_KEY
_MARKER = '"typename"'


class _NotFast(Exception):
    """The state has something the fast path does not handle: use SpiffWorkflow's."""


def _converter_type(typename: str) -> type | None:
    restore = SERIALIZER.registry.convert_from_dict.get(typename)
    bound = getattr(restore, "args", (None,))[0] if restore is not None else None
    owner = getattr(bound, "__self__", None)
    return type(owner) if owner is not None else None


# The fast path mirrors these converters; it stays off if the registry is configured otherwise.
_FAST_PATH = (
    _converter_type("BpmnWorkflow") is CaseStateConverter
    and _converter_type("Task") is CaseTaskConverter
    and _converter_type("BpmnSubWorkflow") is BpmnSubWorkflowConverter
)


def _plain_values(text: str, dct: dict[str, Any]) -> bool:
    """True if no value in the state carries a `typename` marker: the text holds exactly one per
    workflow, subprocess and task. (An over-count only costs the slow restore.)"""
    if dct.get("bpmn_events"):
        return False
    structural = 1 + len(dct["tasks"])
    for sub in dct["subprocesses"].values():
        structural += 1 + len(sub["tasks"])
    return text.count(_MARKER) == structural


def _same(value: Any) -> Any:
    return value


def _fast_state(
    dct: dict[str, Any],
    plain: bool,
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    script_engine: Any,
) -> BpmnWorkflow:
    """CaseStateConverter.from_dict (see above); raises _NotFast before any side effect on
    anything but the workflow being built."""
    if dct.get("typename") != "BpmnWorkflow":
        raise _NotFast
    restore = _same if plain else SERIALIZER.registry.restore
    uuids: dict[str, UUID] = {}
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
    workflow.tasks = _fast_tasks(workflow, workflow, dct["tasks"], restore, uuids)
    workflow.task_tree = workflow.tasks.get(_uuid(uuids, dct["root"]))
    _fast_defaults(workflow, dct, restore, uuids)
    if dct["subprocesses"]:
        _fast_subprocesses(dct["subprocesses"], workflow, workflow, restore, uuids)
    events = dct.pop("bpmn_events", [])
    workflow.bpmn_events = SERIALIZER.registry.restore(events) if events else []
    return workflow


def _uuid(uuids: dict[str, UUID], text: str) -> UUID:
    value = uuids.get(text)
    if value is None:
        value = uuids[text] = task_uuid(text)
    return value


def _fast_defaults(
    workflow: Any, dct: dict[str, Any], restore: Any, uuids: dict[str, UUID]
) -> None:
    """WorkflowConverter.set_default_attributes."""
    workflow.success = dct["success"]
    workflow.completed = dct.get("completed", False)
    workflow.correlations = dct.pop("correlations", {})
    if isinstance(dct["last_task"], str):
        workflow.last_task = workflow.tasks.get(_uuid(uuids, dct["last_task"]))
    workflow.data = restore(dct.pop("data", {}))


def _fast_subprocesses(
    dct: dict[str, Any], workflow: Any, top: BpmnWorkflow, restore: Any, uuids: dict[str, UUID]
) -> None:
    """BpmnWorkflowConverter.subprocesses_from_dict with BpmnSubWorkflowConverter.from_dict."""
    for task in list(workflow.tasks.values()):
        if isinstance(task.task_spec, SubWorkflowTask) and str(task.id) in dct:
            sub_dct = dct.pop(str(task.id))
            if sub_dct.get("typename") != "BpmnSubWorkflow":
                raise _NotFast
            sub_spec = top.subprocess_specs.get(task.task_spec.spec)
            sub = BpmnSubWorkflow(sub_spec, task.id, top, deserializing=True)
            sub.tasks = _fast_tasks(sub, top, sub_dct["tasks"], restore, uuids)
            sub.task_tree = sub.tasks.get(_uuid(uuids, sub_dct["root"]))
            _fast_defaults(sub, sub_dct, restore, uuids)
            top.subprocesses[task.id] = sub
            sub.completed_event.connect(task.task_spec._on_subworkflow_completed, task)
            _fast_subprocesses(dct, sub, top, restore, uuids)


def _fast_tasks(
    workflow: Any,
    top: BpmnWorkflow,
    tasks_dct: dict[str, Any],
    restore: Any,
    uuids: dict[str, UUID],
) -> dict[UUID, Task]:
    """mapping_from_dict(tasks) with CaseTaskConverter.from_dict for each task. A task's parent
    is looked up among the tasks built before it, as Task.__init__ registers them in turn."""
    task_specs = workflow.spec.task_specs
    tasks: dict[UUID, Task] = {}
    waiting = TaskState.WAITING
    thread_id = Task.thread_id_pool
    add_waiting = top.event_manager.add_task
    for key, item in tasks_dct.items():
        task_spec = task_specs.get(item["task_spec"])
        parent_text = item["parent"]
        if (
            item.get("typename") != "Task"
            or key != item["id"]
            or task_spec is None
            or parent_text == key
        ):
            raise _NotFast
        task_id = uuids.get(key)
        if task_id is None:
            task_id = uuids[key] = task_uuid(key)
        children = []
        for child in item["children"]:
            child_id = uuids.get(child)
            if child_id is None:
                child_id = uuids[child] = task_uuid(child)
            children.append(child_id)
        internal_data = restore(item["internal_data"])
        delta = item.get("delta")
        if parent_text is None:
            parent_id = parent = None
        else:
            parent_id = _uuid(uuids, parent_text)
            parent = tasks.get(parent_id)
        if delta and parent is not None:
            data = _merge_copy(parent.data)
            data.update(restore(delta.get("updates", {})))
            for name in delta.get("deletions", {}):
                if name in data:
                    del data[name]
        else:
            data = restore(item["data"])
        state = item["state"]
        task = _new(Task)
        # Task.__init__'s attributes in its order, with the values the converter then sets.
        task.__dict__ = {
            "id": task_id,
            "workflow": workflow,
            "_parent": parent_id,
            "_children": children,
            "_state": state,
            "triggered": item["triggered"],
            "task_spec": task_spec,
            "thread_id": thread_id,
            "data": data,
            "internal_data": internal_data,
            "last_state_change": item["last_state_change"],
        }
        tasks[task_id] = task
        if state & waiting and isinstance(task_spec, CatchingEvent):
            add_waiting(task)
    return tasks


def _merge_copy(data: dict[str, Any]) -> dict[str, Any]:
    """DeepMerge.merge({}, data): each value as it is, dicts, lists and sets copied one level."""
    copied = dict(data)
    for name, value in data.items():
        if isinstance(value, _CONTAINERS):
            copied[name] = value.copy() if type(value) in _PLAIN_CONTAINERS else copy(value)
    return copied


_CONTAINERS = (dict, list, set)
_PLAIN_CONTAINERS = (dict, list)


# -- the fast save ---------------------------------------------------------------------------
#
# `SERIALIZER.serialize_json` sets the registry's encoder mode, converts the workflow with
# `registry.convert` (CaseStateConverter.to_dict, then for each subprocess and task a registry
# dispatch, `_obj_to_dict` and BpmnSubWorkflowConverter/TaskConverter.to_dict) and dumps the
# dict with its encoder class (default separators, keys in insertion order). `_fast_text`
# writes the same text directly, for a workflow, subprocesses and tasks of exactly the types
# those converters are registered for, keyed by UUIDs:
#
# - the fixed parts of a task (keys, id texts, state, spec name, flags) go into one template;
#   an id's text and a time's are kept across saves (see _ID_TEXTS), a task's parent is
#   looked up once;
# - every other value (task data, the delta of a task's data against its parent's, internal
#   data, workflow data, correlations, events) is written by the same C encoder json.dumps
#   uses, built once per save with the same arguments and SpiffWorkflow's `default`; empty
#   dicts and lists, strings, ints, finite floats, bools and None are written as it writes
#   them (json.encoder's own string escaping, int and float `repr`);
# - the delta is DeepMerge.get_updated_keys and get_deleted_keys written out, for plain dicts;
# - internal data and workflow data are converted as `registry.convert` does in encoder mode
#   (a plain dict is copied without callables and modules; anything else goes through the
#   registry itself).
#
# Encoding a value on its own writes what encoding it inside the whole state would: the
# containers around it are fresh, so none can be met again inside it (the circular-reference
# check), and the encoder is the same. Anything of another type raises _NotFast and the whole
# state goes through `serialize_json`. This mirrors SpiffWorkflow 3.2's converters and
# Python's json; tests/test_serialization_save.py compares the text with `serialize_json`'s
# for the corpus models at every point of their run, the models in tests/bpmn and bpmn/, and
# odd values, so a change there fails the tests.

_ENCODER = SERIALIZER._encoder_cls()  # what json.dumps(..., cls=_encoder_cls) builds


def _value_writer() -> Any:
    """A function writing one value as `_ENCODER.encode` does; with the C encoder, one built
    for the save (JSONEncoder.iterencode builds one per call, a few microseconds each)."""
    if c_make_encoder is None:
        return _ENCODER.encode
    encoder = _ENCODER
    write = c_make_encoder(
        {} if encoder.check_circular else None,
        encoder.default,
        encode_basestring_ascii if encoder.ensure_ascii else encode_basestring,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )

    def value(obj: Any) -> str:
        return "".join(write(obj, 0))

    return value


def _to_dict_function(typename: str) -> Any:
    """The `to_dict` the registry calls for `typename` (unwrapped from `_obj_to_dict`)."""
    convert = SERIALIZER.registry.convert_to_dict.get(typename)
    args = getattr(convert, "args", ())
    return getattr(args[1], "__func__", None) if len(args) == 2 and args[0] == typename else None


_FAST_SAVE = (
    SERIALIZER.registry.typenames.get(BpmnWorkflow) == "BpmnWorkflow"
    and SERIALIZER.registry.typenames.get(BpmnSubWorkflow) == "BpmnSubWorkflow"
    and SERIALIZER.registry.typenames.get(Task) == "Task"
    and _to_dict_function("BpmnWorkflow") is CaseStateConverter.to_dict
    and _to_dict_function("BpmnSubWorkflow") is BpmnSubWorkflowConverter.to_dict
    and _to_dict_function("Task") is TaskConverter.to_dict
    # (the converters `str` task ids themselves; the registry's UUID entry is for data)
    and not {dict, list, str, int, float, bool} & set(SERIALIZER.registry.typenames)
    and _ENCODER.ensure_ascii
    and _ENCODER.indent is None
    and (_ENCODER.item_separator, _ENCODER.key_separator) == (", ", ": ")
    and not _ENCODER.sort_keys
)

_TASK = (
    '{"id": %s, "parent": %s, "children": [%s], "last_state_change": %s, "state": %s, '
    '"task_spec": %s, "triggered": %s, "internal_data": %s, "data": %s, "delta": %s, '
    '"typename": "Task"}'
)
_NO_DELTA = '{"updates": {}, "deletions": []}'
_float_repr = float.__repr__
_int_repr = int.__repr__
_isfinite = math.isfinite


def _fast_text(workflow: BpmnWorkflow, registry: Any) -> str:
    """json.dumps(registry.convert(workflow) + version) in encoder mode: the state's text."""
    if type(workflow) is not BpmnWorkflow:
        raise _NotFast
    value = _value_writer()
    parts = _fast_flow_parts(workflow, registry, value)
    subprocesses = []
    for key, sub in workflow.subprocesses.items():
        if type(sub) is not BpmnSubWorkflow or type(key) is not UUID:
            raise _NotFast
        sub_parts = _fast_flow_parts(sub, registry, value)
        sub_parts.append('"parent_task_id": ' + encode_basestring_ascii(str(sub.parent_task_id)))
        sub_parts.append('"spec": ' + _plain(sub.spec.name, value))
        sub_parts.append('"typename": "BpmnSubWorkflow"')
        subprocesses.append(_name(key) + ": {" + ", ".join(sub_parts) + "}")
    parts.append('"subprocesses": {' + ", ".join(subprocesses) + "}")
    parts.append('"bpmn_events": ' + _plain(registry.convert(workflow.bpmn_events), value))
    parts.append('"typename": "BpmnWorkflow"')
    parts.append(f'"{_VERSION_KEY}": ' + _plain(SERIALIZER.VERSION, value))
    return "{" + ", ".join(parts) + "}"


# The text of ids and of finite float times, across saves: a case's tasks keep theirs from step
# to step, and `str` of a UUID and `repr` of a float are the costliest parts of a state after
# the data. Both are functions of the value alone (ids by their `int`; a float by its value,
# but for 0.0 and -0.0, which are equal and written differently, and so never cached). Emptied
# when full: a dict's get, set and clear are atomic, so threads may share them.
_ID_TEXTS: dict[int, str] = {}
_TIME_TEXTS: dict[float, str] = {}
_CACHE_LIMIT = 20_000


def _id_text(obj: UUID) -> str:
    """The JSON string of `str(obj)` for a UUID (hex digits and dashes: nothing to escape)."""
    text = _ID_TEXTS[obj.int] = '"' + str(obj) + '"'
    return text


def _name(obj: Any) -> str:
    """The JSON string of `str(obj)`, for an id."""
    if type(obj) is UUID:
        return _ID_TEXTS.get(obj.int) or _id_text(obj)
    return encode_basestring_ascii(str(obj))


def _time_text(obj: Any, value: Any) -> str:
    """The JSON text of a task's last_state_change."""
    if type(obj) is float and _isfinite(obj) and obj:
        text = _TIME_TEXTS[obj] = _float_repr(obj)
        return text
    return _plain(obj, value)


def _plain(obj: Any, value: Any) -> str:
    """The JSON text of a value, as the encoder writes it."""
    kind = type(obj)
    if kind is str:
        return encode_basestring_ascii(obj)
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if kind is int:
        return _int_repr(obj)
    if kind is float and _isfinite(obj):
        return _float_repr(obj)
    if (kind is dict or kind is list) and not obj:
        return "{}" if kind is dict else "[]"
    return value(obj)


def _fast_flow_parts(flow: Any, registry: Any, value: Any) -> list[str]:
    """WorkflowConverter.to_dict's items, with TaskConverter.to_dict (plus typename) for each
    task, as JSON text."""
    clean = registry.clean
    convert = registry.convert
    id_texts = _ID_TEXTS
    get_text = id_texts.get
    time_texts = _TIME_TEXTS
    tasks = []
    if len(id_texts) > _CACHE_LIMIT:
        id_texts.clear()
    if len(time_texts) > _CACHE_LIMIT:
        time_texts.clear()
    for key, task in flow.tasks.items():
        if type(task) is not Task or type(key) is not UUID:
            raise _NotFast
        # _id_text inlined for the ids: they are most of a state.
        key_name = get_text(key.int) or _id_text(key)
        task_id = task.id
        if task_id is key:
            id_name = key_name
        elif type(task_id) is UUID:
            id_name = get_text(task_id.int) or _id_text(task_id)
        else:
            id_name = encode_basestring_ascii(str(task_id))
        parent_id = task._parent
        parent = task.workflow.tasks.get(parent_id)
        if parent is None:
            parent_name = "null"
            data = _plain(task.data, value)
            delta = "{}"
        else:
            if type(parent_id) is UUID:
                parent_name = get_text(parent_id.int) or _id_text(parent_id)
            else:
                parent_name = encode_basestring_ascii(str(parent_id))
            data = "{}"
            before = parent.data
            after = task.data
            if type(before) is dict and type(after) is dict:
                # DeepMerge.get_updated_keys and get_deleted_keys, for plain dicts
                updates = {k: v for k, v in after.items() if k not in before or v != before[k]}
                deletions = [k for k in before if k not in after]
            else:
                updates = DeepMerge.get_updated_keys(before, after)
                deletions = DeepMerge.get_deleted_keys(before, after)
            if not updates and not deletions:
                delta = _NO_DELTA
            else:
                delta = value({"updates": updates, "deletions": deletions})
        children = [
            (get_text(child.int) or _id_text(child))
            if type(child) is UUID
            else encode_basestring_ascii(str(child))
            for child in task._children
        ]
        internal_data = task.internal_data
        if type(internal_data) is dict:  # what registry.convert does with it in encoder mode
            internal = value(clean(internal_data)) if internal_data else "{}"
        else:
            internal = _plain(convert(internal_data), value)
        changed = task.last_state_change
        state = task._state
        name = task.task_spec.name
        triggered = task.triggered
        tasks.append(
            key_name
            + ": "
            + _TASK
            % (
                id_name,
                parent_name,
                ", ".join(children),
                (type(changed) is float and time_texts.get(changed)) or _time_text(changed, value),
                _int_repr(state) if type(state) is int else _plain(state, value),
                encode_basestring_ascii(name) if type(name) is str else _plain(name, value),
                "true"
                if triggered is True
                else "false"
                if triggered is False
                else _plain(triggered, value),
                internal,
                data,
                delta,
            )
        )
    last_task = flow.last_task
    return [
        '"data": ' + _plain(convert(clean(flow.data)), value),
        '"correlations": ' + _plain(flow.correlations, value),
        '"last_task": ' + (_name(last_task.id) if last_task is not None else "null"),
        '"success": ' + _plain(flow.success, value),
        '"completed": ' + _plain(flow.completed, value),
        '"tasks": {' + ", ".join(tasks) + "}",
        '"root": ' + _name(flow.task_tree.id),
    ]


def prune(workflow: BpmnWorkflow) -> int:
    """Drop finished history from the workflow and its subprocesses; returns tasks dropped."""
    dropped = 0
    for flow in [workflow, *workflow.subprocesses.values()]:
        dropped += _reroot(flow, workflow)
    _drop_orphan_subprocesses(workflow)
    return dropped


def _reroot(flow: Any, top: BpmnWorkflow) -> int:
    live = [task for task in flow.tasks.values() if task.state & LIVE]
    if not live:
        return 0
    new_root = _above_common_ancestor(live)
    ancestors, history = _distinct_ancestors(new_root)
    keep: set[UUID] = {task.id for task in ancestors}
    stack = [new_root.id]
    while stack:
        task_id = stack.pop()
        keep.add(task_id)
        stack.extend(flow.tasks[task_id]._children)
    pieces, hooks = [], []
    for wanted in _side_pieces(flow):
        if wanted[0].id in history:
            continue  # joins skip their own ancestors
        piece = []
        for task in wanted:
            if task.id in keep:
                break
            piece.append(task)
        if piece:
            pieces.append(piece)
            hooks.append(_nearest_kept(piece[-1], keep))
            keep.update(task.id for task in piece)
    if len(keep) == len(flow.tasks):
        return 0
    dropped = [task_id for task_id in flow.tasks if task_id not in keep]
    for task_id in dropped:
        del flow.tasks[task_id]
        top.event_manager.tasks.pop(task_id, None)
    child = new_root
    for ancestor in ancestors:
        child._parent = ancestor.id
        ancestor._children = [child.id]
        child = ancestor
    child._parent = None
    flow.task_tree = child
    for piece, hook in zip(pieces, hooks, strict=True):
        _hang(flow, piece, hook)
    if flow.last_task is not None and flow.last_task.id not in keep:
        flow.last_task = None
    return len(dropped)


def _above_common_ancestor(live: list[Task]) -> Task:
    """One task above the deepest common ancestor of the live tasks."""
    chain: list[Task] = []
    node: Task | None = live[0]
    while node is not None:
        chain.append(node)
        node = node.parent
    position = {task.id: index for index, task in enumerate(chain)}
    deepest_common = 0
    for task in live[1:]:
        node = task
        while node.id not in position:
            node = node.parent
        deepest_common = max(deepest_common, position[node.id])
    return chain[min(deepest_common + 1, len(chain) - 1)]


def _side_pieces(flow: Any) -> list[list[Task]]:
    """Finished tasks off the kept path that SpiffWorkflow will still read, each with what it
    reads (a task, bottom first, then the parent whose data it merges).

    - While a join waits or is about to run, its finished instances on other branches (and
      their parents): the join merges their parents' data, and a parallel join counts them as
      arrived inputs. The end of a process is such a join too.
    - The task that completed last: its data is the case's data until the case moves on."""
    joins = {
        task.task_spec.name
        for task in flow.tasks.values()
        if isinstance(task.task_spec, UnstructuredJoin)
        and task.state & (TaskState.READY | TaskState.WAITING)
    }
    pieces = []
    for task in flow.tasks.values():
        if task.task_spec.name in joins and task.state & TaskState.FINISHED_MASK:
            pieces.append([task, task.parent] if task.parent is not None else [task])
    latest = _latest_completed(flow)
    if latest is not None:
        pieces.append([latest])
    return pieces


def _hang(flow: Any, piece: list[Task], hook: Task | None) -> None:
    """Put a side piece (bottom first) back under its nearest kept ancestor."""
    for lower, upper in itertools.pairwise(piece):
        lower._parent = upper.id
        upper._children = [lower.id]
    bottom = piece[0]
    bottom._children = [
        c for c in bottom._children if c in flow.tasks and flow.tasks[c]._parent == bottom.id
    ]
    top = piece[-1]
    if hook is None:
        return
    top._parent = hook.id
    if top.id not in hook._children:
        hook._children.append(top.id)


def _latest_completed(flow: Any) -> Task | None:
    """The task completed last, unless a join: its data is the case's data (`case_data`)."""
    latest = None
    for task in flow.tasks.values():
        if task.state == TaskState.COMPLETED and (
            latest is None or task.last_state_change > latest.last_state_change
        ):
            latest = task
    if latest is None or latest.parent is None or len(latest.task_spec.inputs) > 1:
        return None
    return latest


def _nearest_kept(task: Task, keep: set[UUID]) -> Task | None:
    node = task.parent
    while node is not None and node.id not in keep:
        node = node.parent
    return node


def _distinct_ancestors(task: Task) -> tuple[list[Task], set[UUID]]:
    """The nearest finished ancestor of each task spec above `task`, nearest first.

    SpiffWorkflow's parallel join walks up from its instances until it meets a task of one of
    its inputs (a loop back into a parallel join needs the task that first entered it, however
    long ago). Such a walk only ever stops at the first task of a spec it meets, so keeping the
    nearest ancestor of every spec, in order, answers it as the whole chain would; there are at
    most as many as the process has elements, so the state stays bounded."""
    seen: set[str] = set()
    ancestors = []
    history = set()
    node = task.parent
    while node is not None:
        history.add(node.id)
        if node.task_spec.name not in seen:
            seen.add(node.task_spec.name)
            ancestors.append(node)
        node = node.parent
    return ancestors, history


def _drop_orphan_subprocesses(top: BpmnWorkflow) -> None:
    while True:
        present = set(top.tasks)
        for sub in top.subprocesses.values():
            present.update(sub.tasks)
        orphans = [key for key in top.subprocesses if key not in present]
        if not orphans:
            return
        for key in orphans:
            del top.subprocesses[key]
