"""The committee's processes: forms, service-task handlers and domain records per process.

Each package below has a `register(registry)` that adds its forms and service handlers.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from engine import Registry

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
PACKAGES = (
    "records",
    "topics",
    "meetings",
    "workgroups",
    "escalations",
    "followup",
    "reviews",
    "projects",
    "steering",
)


def build_registry() -> Registry:
    """The registry the engine runs the committee's models with."""
    registry = Registry()
    for name in PACKAGES:
        importlib.import_module(f"processes.{name}").register(registry)
    return registry
