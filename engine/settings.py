"""Engine settings, read from environment variables named STUURBOORD_*."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_POLICY = Path(__file__).resolve().parent.parent / "bpmn" / "policy"
DEFAULT_MIN_TIMER_CYCLE_SECONDS = 60
DEFAULT_SCHEDULER_LEASE_SECONDS = 6.0


def scheduler_lease_seconds() -> float:
    """How long a scheduler leader's lease lasts (STUURBOORD_SCHEDULER_LEASE_SECONDS).

    The leader renews it, and a standby tries to take it, every third of that time, so a
    standby leads at most 4/3 of a lease after the leader's last renewal: 8 s by default.
    """
    value = float(
        os.environ.get("STUURBOORD_SCHEDULER_LEASE_SECONDS", DEFAULT_SCHEDULER_LEASE_SECONDS)
    )
    if value < 1:
        raise ValueError("STUURBOORD_SCHEDULER_LEASE_SECONDS must be at least 1")
    return value


def webhook_allow_private() -> bool:
    """STUURBOORD_WEBHOOK_ALLOW_PRIVATE=1: webhook endpoints may be on private, loopback or
    link-local addresses (for tests and closed networks). Off by default: such URLs are refused
    at registration and again at every delivery."""
    raw = os.environ.get("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", "").strip()
    if raw not in ("", "0", "1"):
        raise ValueError(f"STUURBOORD_WEBHOOK_ALLOW_PRIVATE must be 0 or 1, not {raw!r}")
    return raw == "1"


DEFAULT_MAX_STEPS_PER_TRANSACTION = 10_000
DEFAULT_MAX_SECONDS_PER_TRANSACTION = 10.0


def _instance_path() -> Path:
    return Path(os.environ.get("STUURBOORD_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def min_timer_cycle_seconds() -> int:
    """STUURBOORD_MIN_TIMER_CYCLE_SECONDS: the shortest interval a BPMN timer cycle may have."""
    raw = os.environ.get("STUURBOORD_MIN_TIMER_CYCLE_SECONDS", "").strip()
    if not raw:
        return DEFAULT_MIN_TIMER_CYCLE_SECONDS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"STUURBOORD_MIN_TIMER_CYCLE_SECONDS must be a whole number of seconds, not {raw!r}"
        ) from None
    if value < 1:
        raise ValueError("STUURBOORD_MIN_TIMER_CYCLE_SECONDS must be at least 1")
    return value


@dataclass(frozen=True)
class Limits:
    """How far one transaction may run a case: engine steps and seconds (scripts included).

    Past either bound the case goes into incident and the transaction commits, so the write lock
    is released. The defaults are far beyond any committee model."""

    max_steps: int = DEFAULT_MAX_STEPS_PER_TRANSACTION
    max_seconds: float = DEFAULT_MAX_SECONDS_PER_TRANSACTION

    def __post_init__(self) -> None:
        if self.max_steps < 1 or not self.max_seconds > 0:
            raise ValueError("transaction limits must be positive")

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_steps=int(
                os.environ.get(
                    "STUURBOORD_MAX_STEPS_PER_TRANSACTION", str(DEFAULT_MAX_STEPS_PER_TRANSACTION)
                )
            ),
            max_seconds=float(
                os.environ.get(
                    "STUURBOORD_MAX_SECONDS_PER_TRANSACTION",
                    str(DEFAULT_MAX_SECONDS_PER_TRANSACTION),
                )
            ),
        )


@dataclass(frozen=True)
class Settings:
    database_url: str
    instance_path: Path
    policy_path: Path | None = None
    sqlite_busy_timeout_ms: int = 30_000
    document_path: Path | None = None
    document_max_bytes: int = DEFAULT_DOCUMENT_MAX_BYTES
    min_timer_cycle_seconds: int = DEFAULT_MIN_TIMER_CYCLE_SECONDS
    limits: Limits = Limits()

    @classmethod
    def from_env(cls) -> Settings:
        instance = _instance_path()
        url = os.environ.get("STUURBOORD_DATABASE_URL") or f"sqlite:///{instance / 'stuurboord.db'}"
        policy = os.environ.get("STUURBOORD_POLICY")
        documents = os.environ.get("STUURBOORD_DOCUMENT_PATH")
        return cls(
            database_url=url,
            instance_path=instance,
            policy_path=Path(policy) if policy else DEFAULT_POLICY,
            sqlite_busy_timeout_ms=int(
                os.environ.get("STUURBOORD_SQLITE_BUSY_TIMEOUT_MS", "30000")
            ),
            document_path=Path(documents).resolve() if documents else instance / "documents",
            document_max_bytes=int(
                os.environ.get("STUURBOORD_DOCUMENT_MAX_BYTES", str(DEFAULT_DOCUMENT_MAX_BYTES))
            ),
            min_timer_cycle_seconds=min_timer_cycle_seconds(),
            limits=Limits.from_env(),
        )
