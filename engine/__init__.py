"""Stuurboord's embedded workflow engine: BPMN cases, tasks by role, incidents, audit.

It knows nothing about the committee. Use the facade: `from engine import Engine`.
"""

from engine.actors import SCHEDULER_ACTOR, SYSTEM_ACTOR, Actor
from engine.audit import AuditRecorder
from engine.cases import Hooks
from engine.clock import Clock, ManualClock, SystemClock
from engine.db import Database
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
from engine.queries import AuditInfo, CaseInfo, DiagramState, IncidentInfo, TaskInfo, VersionInfo
from engine.registry import FormInput, Registry
from engine.service_call import ServiceCall

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
