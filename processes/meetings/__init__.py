"""Process package 'meetings' (being built)."""

from __future__ import annotations

from engine import Registry


def register(registry: Registry) -> None:
    """Add this package's forms and service handlers."""
