"""Deploying models: parse and check every file, then store one version per changed process.

A deploy is all or nothing: any error in any file stores nothing. A process whose content (its
serialized spec, including called subprocesses and decision tables) is unchanged keeps its
current version; a changed one gets the next version number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.errors import DeployError
from engine.model.parsing import parse_models
from engine.running.serialization import specs_to_json
from engine.storage.models import ProcessVersion
from engine.timing.clock import Clock


@dataclass(frozen=True)
class DeployedProcess:
    process_id: str
    version: int
    content_hash: str
    created: bool


def read_model_files(paths: Iterable[str | Path]) -> list[tuple[str, bytes]]:
    """Files to deploy: each path is a .bpmn/.dmn file or a folder searched for them."""
    files: list[tuple[str, bytes]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".bpmn", ".dmn"))
            if not found:
                raise DeployError("no .bpmn or .dmn files in this folder", file=str(path))
            files.extend((str(p), p.read_bytes()) for p in found)
        elif path.is_file():
            files.append((str(path), path.read_bytes()))
        else:
            raise DeployError("no such file or folder", file=str(path))
    return files


def deploy_files(
    session: Session,
    audit: AuditRecorder,
    clock: Clock,
    files: Sequence[tuple[str, bytes]],
    actor: str,
    reason: str | None = None,
) -> list[DeployedProcess]:
    """Store a new version of every changed process; `reason` (why, from the modeller) goes
    into each version's audit entry before the content hash."""
    parsed = parse_models(files)
    results = []
    for process_id in sorted(parsed.processes):
        process = parsed.processes[process_id]
        spec_json = specs_to_json(process.spec, process.subprocess_specs)
        content_hash = hashlib.sha256(spec_json.encode()).hexdigest()
        current = latest(session, process_id)
        if current is not None and current.content_hash == content_hash:
            results.append(DeployedProcess(process_id, current.version, content_hash, False))
            continue
        previous = current.version if current is not None else None
        version = (previous or 0) + 1
        session.add(
            ProcessVersion(
                process_id=process_id,
                version=version,
                name=process.name,
                content_hash=content_hash,
                spec_json=spec_json,
                source_file=Path(process.source_file).name,
                source_xml=process.source_xml,
                deployed_at=clock.now(),
                deployed_by=actor,
            )
        )
        audit.record(
            actor,
            "process_deployed",
            element_id=process_id,
            changes={"version": {"before": previous, "after": version}},
            reason=(f"{reason.strip()} · " if reason and reason.strip() else "")
            + f"content {content_hash[:12]} from {Path(process.source_file).name}",
        )
        results.append(DeployedProcess(process_id, version, content_hash, True))
    session.flush()
    return results


def latest(session: Session, process_id: str) -> ProcessVersion | None:
    return session.execute(
        select(ProcessVersion)
        .where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()
