"""Small helpers over the engine facade for the web app."""

from __future__ import annotations

from engine import Engine, UnknownProcess


def start_event_id(engine: Engine, process_id: str) -> str | None:
    """The id of the process's start event (the key its start form is registered under)."""
    try:
        return engine.start_event_id(process_id)
    except UnknownProcess:
        return None
