"""Stuurboord's embedded workflow engine: BPMN cases, tasks by role, incidents, audit.

It knows nothing about the committee. Use the facade: `from engine import Engine`.
"""

from engine.audit.trail import AuditRecorder
from engine.errors import (
    CaseStateError,
    DeployError,
    EngineError,
    Forbidden,
    MessageNotExpected,
    NotFound,
    SignalNotExpected,
    TaskConflict,
    TaskNotActive,
    UnknownProcess,
    ValidationFailed,
)
from engine.facade import Engine
from engine.people.actors import SCHEDULER_ACTOR, SYSTEM_ACTOR, Actor
from engine.running.cases import Hooks
from engine.running.queries import (
    AuditInfo,
    CaseInfo,
    DiagramState,
    IncidentInfo,
    TaskInfo,
    VersionInfo,
)
from engine.running.registry import FormInput, Registry
from engine.running.service_call import ServiceCall
from engine.storage.db import Database
from engine.timing.clock import Clock, ManualClock, SystemClock

__all__ = [
    "SCHEDULER_ACTOR",
    "SYSTEM_ACTOR",
    "Actor",
    "AuditInfo",
    "AuditRecorder",
    "CaseInfo",
    "CaseStateError",
    "Clock",
    "Database",
    "DeployError",
    "DiagramState",
    "Engine",
    "EngineError",
    "Forbidden",
    "FormInput",
    "Hooks",
    "IncidentInfo",
    "ManualClock",
    "MessageNotExpected",
    "NotFound",
    "Registry",
    "ServiceCall",
    "SignalNotExpected",
    "SystemClock",
    "TaskConflict",
    "TaskInfo",
    "TaskNotActive",
    "UnknownProcess",
    "ValidationFailed",
    "VersionInfo",
]
