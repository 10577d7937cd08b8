"""The engine's public API. `processes/` and `webapp/` use only this.

    engine = Engine(Database(url), registry, clock)
    engine.deploy(["bpmn/"])
    case_id = engine.start_case("topic", {"title": ...}, actor)
    for task in engine.tasks_for(actor): ...
    engine.complete_task(task.id, {"decision": "admit"}, actor)

Every method that changes something runs one transaction and writes its audit rows in it.
Errors are the classes in `engine.errors`; on any error nothing was stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine.audit.checkpoint import Checkpoint, save_checkpoint
from engine.audit.trail import AuditRecorder
from engine.audit.verification import Progress, VerifyResult, verify
from engine.errors import Forbidden, NotFound
from engine.model import deploy as deploying
from engine.notify import notifications, stuck_mail, webhooks
from engine.notify.webhook_admin import WebhookAdmin
from engine.people import users
from engine.people.actors import SYSTEM_ACTOR, Actor
from engine.running import documents as docs
from engine.running import migration, queries, runtime, signals
from engine.running.cases import CaseService, Hooks
from engine.running.queries import (
    AuditInfo,
    CaseInfo,
    CommentInfo,
    DocumentInfo,
    IncidentInfo,
    TaskInfo,
    VersionInfo,
)
from engine.running.registry import Registry
from engine.settings import Settings
from engine.storage.db import Database
from engine.timing.clock import Clock, SystemClock
from engine.timing.policy import Policy, load_policy


class Engine:
    def __init__(
        self,
        db: Database,
        registry: Registry | None = None,
        clock: Clock | None = None,
        hooks: Hooks | None = None,
        policy: Policy | None = None,
        documents_path: Path | None = None,
        max_document_bytes: int | None = None,
        *,
        prune: bool = True,
    ) -> None:
        """`prune=False` stores each case's whole task tree instead of only the part that can
        still matter (for comparing with plain SpiffWorkflow; steps then grow with a case's age)."""
        self.db = db
        self.prune = prune
        self._documents_path = Path(documents_path) if documents_path is not None else None
        self._max_document_bytes = max_document_bytes
        self.registry = registry or Registry()
        self.clock = clock or SystemClock()
        self.hooks = hooks or Hooks()
        self.policy = policy or load_policy(None)
        self._cases = CaseService(db, self.registry, self.clock, self.hooks, self.policy)
        self._migrations = migration.Migrations(self._cases)
        if not prune:
            runtime.keep_history(self._cases.scripts)

    def with_clock(self, clock: Clock) -> Engine:
        """The same engine on another clock (for `scheduler --once --now`)."""
        return Engine(self.db, self.registry, clock, self.hooks, self.policy,
                      self._documents_path, self._max_document_bytes, prune=self.prune)  # fmt: skip

    # -- deploys ----------------------------------------------------------------------------

    def deploy(
        self, paths: Iterable[str | Path], actor: str = "system"
    ) -> list[deploying.DeployedProcess]:
        """Deploy .bpmn/.dmn files (or folders of them). All or nothing."""
        return self.deploy_files(deploying.read_model_files(paths), actor)

    def deploy_files(
        self, files: Sequence[tuple[str, bytes]], actor: str = "system", reason: str | None = None
    ) -> list[deploying.DeployedProcess]:
        """Deploy uploaded `(name, content)` files; `reason` (why) goes into the audit trail."""
        with self.db.write() as session:
            audit = AuditRecorder(session, self.clock)
            result = deploying.deploy_files(session, audit, self.clock, files, actor, reason)
            audit.flush()
        return result

    def start_event_id(self, process_id: str) -> str | None:
        """The id of the latest version's single none start event (its start form's key)."""
        return self._cases.start_event_id(process_id)

    def start_role(self, process_id: str) -> str | None:
        """The role starting the latest version needs (its start event's lane, or `role`
        property); None: anyone may start it."""
        return self._cases.start_role(process_id)

    def validate_form(
        self, process_id: str, element_id: str, data: Any, case_id: int | None = None
    ) -> dict[str, Any]:
        """`data` checked as starting or completing with that form checks it (its schema, then
        the registry's form checks); raises ValidationFailed, stores nothing."""
        return self._cases.validate(process_id, element_id, data, case_id)

    def version_source(self, process_id: str, version: int) -> str:
        """The BPMN file (with its diagram) a process version was deployed from."""
        with self.db.read() as session:
            source = queries.version_source(session, process_id, version)
        if source is None:
            raise NotFound(f"process {process_id} has no version {version}")
        return source

    def versions(self, process_id: str | None = None) -> list[VersionInfo]:
        with self.db.read() as session:
            return queries.versions(session, process_id)

    # -- moving cases to another version ----------------------------------------------------

    def migration_plans(
        self, process_id: str, to_version: int, from_version: int | None = None,
        mapping: dict[str, str] | None = None,
    ) -> list[migration.Plan]:  # fmt: skip
        """Where each element of the old version(s) goes in `to_version`: by id, or by `mapping`
        (old element id -> new). Without `from_version`: every other version with open cases.
        NotFound for an unknown process or version; ValidationFailed for a bad mapping."""
        return self._migrations.plans(process_id, to_version, from_version, dict(mapping or {}))[0]

    def migrate_cases(
        self, process_id: str, to_version: int, *, actor: Actor, from_version: int | None = None,
        mapping: dict[str, str] | None = None, case_ids: Sequence[int] | None = None,
        dry_run: bool = False, reason: str | None = None, batch_size: int = 50,
        progress: Callable[[migration.CaseOutcome], None] | None = None,
    ) -> migration.MigrationReport:  # fmt: skip
        """Move open cases to `to_version` (admins only): each case in its own transaction,
        audited as `case_migrated` with from/to version; a case that cannot move (or whose move
        fails) stays exactly as it was. `dry_run` says per case whether it can move and changes
        nothing. `progress` is called after each case."""
        return self._migrations.run(
            process_id, to_version, from_version=from_version, mapping=mapping,
            case_ids=case_ids, dry_run=dry_run, actor=actor, reason=reason,
            batch_size=batch_size, progress=progress,
        )  # fmt: skip

    def migration_size(self, process_id: str, to_version: int, from_version: int | None = None,
                       case_ids: Sequence[int] | None = None) -> int:  # fmt: skip
        """How many cases `migrate_cases` would look at (for a progress bar)."""
        return self._migrations.count(process_id, to_version, from_version, case_ids)

    def case_versions(self, case_id: int) -> list[migration.VersionStep]:
        """The process versions a case ran on, oldest first (the last is the current one)."""
        with self.db.read() as session:
            return migration.version_history(session, case_id)

    # -- users ------------------------------------------------------------------------------

    def ensure_user(
        self,
        user_id: str,
        display_name: str,
        *,
        email: str | None = None,
        language: str = "nl",
        grants: Iterable[tuple[str, str | None]] = (),
        actor: str = "system",
    ) -> bool:
        with self.db.write() as session:
            audit = AuditRecorder(session, self.clock)
            changed = users.ensure_user(
                session,
                audit,
                self.clock,
                user_id=user_id,
                display_name=display_name,
                email=email,
                language=language,
                grants=grants,
                actor=actor,
            )
            audit.flush()
        return changed

    def users(self) -> list[users.UserInfo]:
        with self.db.read() as session:
            return users.list_users(session)

    def set_user_active(self, user_id: str, active: bool, actor: Actor) -> None:
        """Deactivated users cannot act (their actor lookups fail) and get no tasks routed."""
        _require_admin(actor)
        self._audited(lambda s, a: users.set_active(s, a, user_id, active, actor.user_id))

    def grant(self, user_id: str, role: str, scope: str | None, actor: Actor) -> None:
        _require_admin(actor)
        with self.db.read() as session:
            name = users.actor_for(session, user_id).user_id
        self.ensure_user(name, name, grants=[(role, scope)], actor=actor.user_id)

    def revoke(self, user_id: str, role: str, scope: str | None, actor: Actor) -> bool:
        _require_admin(actor)
        return self._audited(lambda s, a: users.revoke(s, a, user_id, role, scope, actor.user_id))

    def set_preferences(self, user_id: str, *, language: str | None = None,
                        notify_mode: str | None = None, actor: Actor) -> None:  # fmt: skip
        """A user's language (nl, en) and mail rhythm (immediate, digest): their own or, for an
        admin, anyone's."""
        if actor.user_id != user_id and not actor.is_admin:
            raise Forbidden("only the user or an admin may change these preferences")
        with self.recording() as (session, audit):
            users.set_preferences(session, audit, user_id, language=language,
                                  notify_mode=notify_mode, actor=actor.user_id)  # fmt: skip

    def set_email(self, user_id: str, email: str | None, actor: Actor) -> bool:
        """A user's e-mail address for notifications (None or "" removes it): their own or, for
        an admin, anyone's. Raises ValidationFailed for something that is no address."""
        if actor.user_id != user_id and not actor.is_admin:
            raise Forbidden("only the user or an admin may change the e-mail address")
        with self.recording() as (session, audit):
            return users.set_email(session, audit, user_id, email, actor.user_id)

    def set_deputy(self, user_id: str, deputy_id: str, starts: datetime, ends: datetime,
                   actor: Actor) -> users.DeputyInfo:  # fmt: skip
        """Name a deputy for a period: the user themselves or an admin may."""
        if actor.user_id != user_id and not actor.is_admin:
            raise Forbidden("only the user or an admin may name a deputy")
        return self._audited(lambda s, a: users.set_deputy(
            s, a, self.clock, user_id=user_id, deputy_id=deputy_id, starts=starts, ends=ends,
            actor=actor.user_id))  # fmt: skip

    def deputies(self, user_id: str) -> list[users.DeputyInfo]:
        """The deputy periods a user named (past, running and future), by start."""
        with self.db.read() as session:
            return users.deputies(session, user_id=user_id)

    def remove_deputy(self, user_id: str, deputy_row: int, actor: Actor) -> None:
        """End a deputy period the user named: the user themselves or an admin may."""
        if actor.user_id != user_id and not actor.is_admin:
            raise Forbidden("only the user or an admin may remove a deputy")
        self._audited(lambda s, a: users.remove_deputy(
            s, a, user_id=user_id, deputy_row=deputy_row, actor=actor.user_id))  # fmt: skip

    def set_display_name(self, user_id: str, name: str, actor: Actor) -> bool:
        """A user's name (admins). Raises ValidationFailed for an empty or too long name."""
        _require_admin(actor)
        return self._audited(
            lambda s, a: users.set_display_name(s, a, user_id, name, actor.user_id)
        )

    def principals_of(self, deputy_id: str) -> list[str]:
        """Whom this user deputises for right now."""
        with self.db.snapshot() as connection:  # asked on every page: one light statement
            return users.principals_of(connection, deputy_id, self.clock.now())

    def acting_for(self, deputy_id: str, principal_id: str) -> Actor:
        """The deputy with the principal's rights; audit rows say "deputy for principal"."""
        with self.db.read() as session:
            return users.acting_for(session, deputy_id, principal_id, self.clock.now())

    @contextmanager
    def recording(self) -> Iterator[tuple[Session, AuditRecorder]]:
        """A write transaction for an application's own records (organisations, meetings...)
        with an audit recorder: the changes and their audit rows commit together."""
        with self.db.write() as session:
            audit = AuditRecorder(session, self.clock)
            yield session, audit
            audit.flush()

    def _audited(self, change: Callable[[Session, AuditRecorder], Any]) -> Any:
        with self.recording() as (session, audit):
            return change(session, audit)

    def actor(self, user_id: str) -> Actor:
        """The user with their current grants. Unknown or inactive users raise NotFound."""
        with self.db.snapshot() as connection:
            return users.actor_of(connection, user_id)

    # -- cases ------------------------------------------------------------------------------

    def start_case(
        self, process_id: str, data: Any, actor: Actor = SYSTEM_ACTOR, title: str | None = None
    ) -> CaseInfo:
        return self._cases.start(process_id, data, actor, title)

    def case(self, case_id: int) -> CaseInfo:
        with self.db.read() as session:
            info = queries.case_info(session, case_id)
        if info is None:
            raise NotFound(f"case {case_id} not found")
        return info

    def list_cases(self, *, status: str | None = None, process_id: str | None = None,
                   involving: str | None = None, visible_to: Sequence[Actor] = (),
                   limit: int = 50, offset: int = 0, text: str | None = None,
                   data_keys: Sequence[str] | None = None) -> list[CaseInfo]:  # fmt: skip
        """Cases, newest first; `involving` keeps those a user started or has/had a task in,
        `visible_to` also those the actors may act on now through their roles, `text` those
        whose title or data contain it (case-insensitive). With `data_keys`, each case's
        `data` holds only those keys (for lists that need no more)."""
        with self.db.snapshot() as connection:  # one statement
            return queries.list_cases(connection, status=status, process_id=process_id,
                                      involving=involving, visible_to=visible_to, limit=limit,
                                      offset=offset, text=text, data_keys=data_keys)  # fmt: skip

    def cases(self, case_ids: Iterable[int],
              data_keys: Sequence[str] | None = None) -> dict[int, CaseInfo]:  # fmt: skip
        """Several cases at once (missing ids are left out; `data_keys` as in list_cases)."""
        with self.db.snapshot() as connection:  # one statement
            return queries.cases_by_id(connection, case_ids, data_keys)

    def display_names(self, user_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Display names by user id (one light query): every user's, or only those of
        `user_ids` (unknown ids are left out), for a page that names a few people."""
        with self.db.snapshot() as connection:
            return users.display_names(connection, user_ids)

    def user(self, user_id: str) -> users.UserInfo | None:
        """One user (active or not) with their grants, or None."""
        with self.db.read() as session:
            return users.user_info(session, user_id)

    def case_involves(self, case_id: int, user_id: str) -> bool:
        with self.db.read() as session:
            return queries.case_involves(session, case_id, user_id)

    def diagram_state(self, case_id: int) -> queries.DiagramState:
        """The case's model (BPMN XML with its diagram) and which elements to mark."""
        return self._cases.diagram_state(case_id)

    def case_tasks(self, case_id: int) -> list[TaskInfo]:
        with self.db.snapshot() as connection:
            return queries.case_tasks(connection, case_id)

    def send_message(
        self, case_id: int, name: str, payload: Any = None, actor: Actor = SYSTEM_ACTOR
    ) -> CaseInfo:
        return self._cases.send_message(case_id, name, payload, actor)

    def send_signal(
        self, name: str, data: dict[str, Any] | None, actor: Actor, case_id: int | None = None
    ) -> signals.SignalResult:
        """Send a BPMN signal (admins only). With a case: to that case, which must be open,
        not suspended and waiting for it. Without: to every open case waiting for it (each
        in its own transaction) and as a start to every process with a signal start event of
        that name. Audited per case (`signal_received`) and, for a broadcast, once overall."""
        signals.check_signal(name, data, actor)
        if case_id is not None:
            return signals.send_to_case(self._cases, case_id, name, data, actor)
        return signals.broadcast(self._cases, name, data, actor)

    # -- tasks ------------------------------------------------------------------------------

    def tasks_for(self, actor: Actor, role: str | None = None) -> list[TaskInfo]:
        with self.db.snapshot() as connection:  # every inbox page: one statement
            return queries.inbox(connection, actor, role)

    def ready_tasks(self, role: str | None = None) -> list[TaskInfo]:
        """Every ready task (an admin's view), optionally of one role."""
        with self.db.read() as session:
            return queries.ready_tasks(session, role)

    def task(self, task_id: str) -> TaskInfo:
        with self.db.snapshot() as connection:  # every task page and API call: one statement
            info = queries.task_info(connection, task_id)
        if info is None:
            raise NotFound(f"task {task_id} not found")
        return info

    def last_submission(self, case_id: int, element_id: str) -> dict[str, Any] | None:
        """What the person last completed this task (by element id) of this case with, or None:
        the same task coming back (a loop, a retry after a failed automatic step) can offer it
        again instead of an empty form."""
        with self.db.read() as session:
            return queries.last_submission(session, case_id, element_id)

    def claim(self, task_id: str, actor: Actor) -> TaskInfo:
        self._cases.claim(task_id, actor)
        return self.task(task_id)

    def unclaim(self, task_id: str, actor: Actor) -> TaskInfo:
        self._cases.unclaim(task_id, actor)
        return self.task(task_id)

    def complete_task(self, task_id: str, data: Any, actor: Actor) -> CaseInfo:
        return self._cases.complete(task_id, data, actor)

    def extend_due(self, task_id: str, due_at: datetime, reason: str, actor: Actor) -> TaskInfo:
        """Move a ready task's due date, and its reminders, with a reason (audited)."""
        self._cases.extend_due(task_id, due_at, reason, actor)
        return self.task(task_id)

    # -- incidents and admin ----------------------------------------------------------------

    def incidents(self, *, open_only: bool = True) -> list[IncidentInfo]:
        with self.db.read() as session:
            return queries.incidents(session, open_only=open_only)

    def retry(self, case_id: int, actor: Actor, data: dict[str, Any] | None = None) -> CaseInfo:
        return self._cases.retry(case_id, actor, data)

    def update_case_data(
        self, case_id: int, changes: dict[str, Any], reason: str, actor: Actor
    ) -> CaseInfo:
        """An admin corrects case variables with a reason (audited as `case_data_corrected`),
        typically before retrying an incident. The case does not move on by itself."""
        return self._cases.update_case_data(case_id, changes, reason, actor)

    def suspend(self, case_id: int, actor: Actor, reason: str | None = None) -> CaseInfo:
        return self._cases.set_suspended(case_id, actor, True, reason)

    def resume(self, case_id: int, actor: Actor, reason: str | None = None) -> CaseInfo:
        return self._cases.set_suspended(case_id, actor, False, reason)

    def terminate(self, case_id: int, actor: Actor, reason: str | None = None) -> CaseInfo:
        return self._cases.terminate(case_id, actor, reason)

    # -- documents and comments -------------------------------------------------------------

    @property
    def documents_path(self) -> Path:
        """Where document files live: as given; else STUURBOORD_DOCUMENT_PATH; else beside an
        SQLite database file (its instance folder); else `<instance>/documents`."""
        if self._documents_path is None:
            settings = Settings.from_env()
            database = self.db.engine.url.database if self.db.is_sqlite else None
            if os.environ.get("STUURBOORD_DOCUMENT_PATH") or not database or database == ":memory:":
                assert settings.document_path is not None
                self._documents_path = settings.document_path
            else:
                self._documents_path = Path(database).resolve().parent / "documents"
        return self._documents_path

    @property
    def max_document_bytes(self) -> int:
        if self._max_document_bytes is None:
            self._max_document_bytes = Settings.from_env().document_max_bytes
        return self._max_document_bytes

    def add_document(self, case_id: int, filename: str, data: bytes, actor: Actor) -> DocumentInfo:
        """Attach a file to a case. Refused (ValidationFailed naming the reason): empty, too
        large, a name with control characters, content that is not PDF, PNG, JPEG, an office
        document or UTF-8 text. The file is on disk before its row commits."""
        accepted = docs.check(filename, data, self.max_document_bytes)
        digest = docs.store(self.documents_path, bytes(data))
        return self._audited(lambda s, a: docs.add_document(
            s, a, self.clock, case_id=case_id, accepted=accepted, digest=digest,
            size=len(data), actor=actor))  # fmt: skip

    def documents(self, case_id: int) -> list[DocumentInfo]:
        with self.db.read() as session:
            return docs.documents(session, case_id)

    def document(self, document_id: int) -> tuple[DocumentInfo, bytes]:
        with self.db.read() as session:
            info = docs.document(session, document_id)
        return info, docs.load(self.documents_path, info.sha256)

    def add_comment(self, case_id: int, body: str, actor: Actor) -> CommentInfo:
        text = docs.clean_comment(body)
        return self._audited(lambda s, a: docs.add_comment(
            s, a, self.clock, case_id=case_id, body=text, actor=actor))  # fmt: skip

    def comments(self, case_id: int) -> list[CommentInfo]:
        with self.db.read() as session:
            return docs.comments(session, case_id)

    # -- notifications ----------------------------------------------------------------------

    def notifications(
        self, user_id: str, *, unread_only: bool = False, limit: int = 50,
        language: str | None = None,
    ) -> list[notifications.NotificationInfo]:  # fmt: skip
        """The user's in-app notifications, in `language` (default: the user's own)."""
        with self.db.read() as session:
            return notifications.list_for(
                session, user_id, unread_only=unread_only, limit=limit, language=language
            )

    def unread_count(self, user_id: str) -> int:
        with self.db.snapshot() as connection:  # every page: one statement
            return notifications.unread_count(connection, user_id)

    def mark_read(self, user_id: str, ids: Sequence[int] | None = None) -> int:
        with self.db.write() as session:
            return notifications.mark_read(session, self.clock, user_id, ids)

    def stuck_mail(self) -> list[stuck_mail.StuckMail]:
        """E-mail that may or may not have gone out and waits for an admin's decision."""
        with self.db.read() as session:
            return stuck_mail.list_stuck(session, self.clock.now())

    def resend_mail(self, notification_id: int, actor: Actor) -> None:
        with self.db.write() as session:
            stuck_mail.resend(session, self.clock, notification_id, actor)

    def dismiss_mail(self, notification_id: int, actor: Actor, reason: str) -> None:
        with self.db.write() as session:
            stuck_mail.dismiss(session, self.clock, notification_id, actor, reason)

    # -- webhooks -----------------------------------------------------------------------------

    def webhook_event_types(self) -> dict[str, dict[str, str]]:
        """Every webhook event type an endpoint may want, with its names per language: the
        engine's own, then the application's (`Registry.webhook_event`)."""
        return {**webhooks.GENERIC_TYPES, **self.registry.webhook_events}

    @property
    def webhooks(self) -> WebhookAdmin:
        """Webhook endpoints and their delivery log (`engine.notify.webhook_admin`)."""
        return WebhookAdmin(self.db, self.clock, self.webhook_event_types())

    # -- audit ------------------------------------------------------------------------------

    def audit_trail(self, case_id: int | None = None) -> list[AuditInfo]:
        with self.db.read() as session:
            return queries.audit_trail(session, case_id)

    def verify_audit(
        self,
        *,
        incremental: bool = False,
        progress: Progress | None = None,
        checkpoint: bool = True,
    ) -> VerifyResult:
        """Verify the chain as of one moment; writers may go on meanwhile. `incremental` starts
        from the last verified checkpoint; a successful run stores its head as the checkpoint."""
        with self.db.consistent_read() as connection:
            result = verify(connection, incremental=incremental, progress=progress)
        if checkpoint and result.ok and result.head_seq > 0:
            now = self.clock.now()
            reached = Checkpoint(result.head_seq, result.head_hash, now, result.checked)
            with self.db.write() as session:
                save_checkpoint(session.connection(), reached)
        return result


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("only an admin may manage users and roles")
