"""The committee's processes: forms, service-task handlers and domain rules per process."""

from __future__ import annotations

from engine import Registry


def build_registry() -> Registry:
    """The registry the engine runs the committee's models with."""
    return Registry()
