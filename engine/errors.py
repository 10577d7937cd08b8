"""Errors the engine facade raises. Each carries a stable code so the web layer can map it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class EngineError(Exception):
    """Base of every error the facade raises on purpose."""

    code = "ENGINE_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    """An unknown id, or one this actor may not see (the two answer the same)."""

    code = "NOT_FOUND"


class Forbidden(EngineError):
    """The actor lacks the role (or assignment) the action needs."""

    code = "FORBIDDEN"


class TaskNotActive(EngineError):
    """The task exists but is no longer ready (completed or cancelled)."""

    code = "TASK_NOT_ACTIVE"


class TaskConflict(EngineError):
    """Someone else changed the task or its case at the same moment; nothing was stored."""

    code = "TASK_CONFLICT"


class CaseStateError(EngineError):
    """The case is not in a state that allows this action (suspended, terminated, ...)."""

    code = "CASE_STATE"


class ValidationFailed(EngineError):
    """Form data did not pass the registered schema. `errors` maps field to messages."""

    code = "VALIDATION_FAILED"

    def __init__(self, message: str, errors: dict[str, Any]) -> None:
        super().__init__(message)
        self.errors = errors


class DeployError(EngineError):
    """A model could not be deployed. Names the file, line and element; nothing was stored.

    `problems` lists every problem found (each a `DeployError` with its own file, line and
    element); the error's own message and attributes are those of the first.
    """

    code = "DEPLOY_FAILED"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.element = element
        where = ", ".join(
            part
            for part in (
                file or "",
                f"line {line}" if line else "",
                f"element '{element}'" if element else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.detail = message
        self.problems: list[DeployError] = [self]

    @classmethod
    def of(cls, problems: Sequence[DeployError]) -> DeployError:
        """One error for several problems: the first, carrying all of them in `problems`."""
        if not problems:
            raise ValueError("DeployError.of needs at least one problem")
        first = problems[0]
        first.problems = list(problems)
        return first


class UnknownProcess(NotFound):
    code = "UNKNOWN_PROCESS"


class MessageNotExpected(EngineError):
    """The case is not waiting for this message."""

    code = "MESSAGE_NOT_EXPECTED"


class SignalNotExpected(EngineError):
    """The case is not waiting for this signal."""

    code = "SIGNAL_NOT_EXPECTED"
