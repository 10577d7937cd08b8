"""The committee's processes: forms, service-task handlers and domain rules per process."""

from __future__ import annotations

from pathlib import Path

from engine import Registry

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"


def build_registry() -> Registry:
    """The registry the engine runs the committee's models with."""
    return Registry()
