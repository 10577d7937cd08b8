"""The `stuurboord` command. Errors print one line and exit non-zero, never a traceback."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import click
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from engine.errors import DeployError, EngineError, ValidationFailed
from engine.facade import Engine
from engine.people.actors import SYSTEM_ACTOR, Actor
from engine.running.registry import Registry
from engine.settings import Settings
from engine.storage import migrate
from engine.storage.db import Database
from engine.timing.policy import PolicyError, load_policy

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


@dataclass
class Application:
    """What the application on top of the engine plugs in: its registry and its tables.

    The engine's CLI knows no application; the composition root (webapp.cli) configures it.
    """

    build_registry: Callable[[], Registry] = Registry
    migrations: list[Path] = field(default_factory=list)


APPLICATION = Application()


def configure(build_registry: Callable[[], Registry], migrations: list[Path]) -> None:
    APPLICATION.build_registry = build_registry
    APPLICATION.migrations = list(migrations)


def build_engine() -> Engine:
    settings = Settings.from_env()
    db = Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    return Engine(db, _registry(), policy=load_policy(settings.policy_path))


def _registry() -> Registry:
    return APPLICATION.build_registry()


def _migrations() -> list[Path]:
    return APPLICATION.migrations


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def clean_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as error:
            _fail(f"{error.message}: {json.dumps(error.errors, sort_keys=True)}")
        except DeployError as error:
            _fail("\n".join(problem.message for problem in error.problems))
        except EngineError as error:
            _fail(error.message)
        except PolicyError as error:
            _fail(f"policy: {error}")
        except SQLAlchemyError as error:
            _fail(database_message(error))

    return wrapper


_MISSING_SCHEMA = ("no such table", "no such column", "does not exist")


def database_message(error: SQLAlchemyError) -> str:
    """One precise line for a database error: a refused write is not a missing schema."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = lines[0] if lines else type(error).__name__
    if isinstance(error, IntegrityError):
        return f"the database refused the change, nothing was stored: {first}"
    if isinstance(error, OperationalError | ProgrammingError) and any(
        marker in first.lower() for marker in _MISSING_SCHEMA
    ):
        return f"database: {first} (did you run `stuurboord db upgrade`?)"
    return f"database: {first}"


def _json(value: str | None, option: str) -> Any:
    if value is None:
        return {}
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        _fail(f"{option} is not valid JSON: {error.msg} at position {error.pos}")


def _actor(engine: Engine, user: str | None) -> Actor:
    return SYSTEM_ACTOR if user is None else engine.actor(user)


@click.group()
def main() -> None:
    """Stuurboord: BPMN cases for the steering committee."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@clean_errors
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest revision."""
    engine = build_engine()
    revision = migrate.upgrade(engine.db, _migrations())
    click.echo(f"database {engine.db.dialect} at revision {revision}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--as", "user", default=None, help="Who deploys (for the audit trail).")
@clean_errors
def deploy(paths: tuple[str, ...], user: str | None) -> None:
    """Deploy .bpmn and .dmn files (or folders of them). All or nothing."""
    engine = build_engine()
    for item in engine.deploy(paths, actor=user or "system"):
        state = "new version" if item.created else "unchanged"
        click.echo(f"{item.process_id}: version {item.version} ({state})")


@main.command()
@click.argument("process_id")
@click.option("--data", default=None, help="Start data as a JSON object.")
@click.option("--as", "user", default=None)
@clean_errors
def start(process_id: str, data: str | None, user: str | None) -> None:
    """Start a case of PROCESS_ID."""
    engine = build_engine()
    case = engine.start_case(process_id, _json(data, "--data"), _actor(engine, user))
    click.echo(f"case {case.id} started ({case.process_id} v{case.version}): {case.status}")
    for task in engine.case_tasks(case.id):
        if task.state == "ready":
            click.echo(f"  task {task.id} {task.element_id} for {task.assignee or task.role}")


@main.command()
@click.option("--role", default=None, help="Only tasks of this role.")
@click.option("--as", "user", default=None, help="Only tasks this user may do.")
@clean_errors
def tasks(role: str | None, user: str | None) -> None:
    """List ready tasks."""
    engine = build_engine()
    found = engine.tasks_for(engine.actor(user), role) if user else engine.ready_tasks(role)
    for task in found:
        who = task.assignee or (f"{task.role}:{task.scope}" if task.scope else task.role)
        claimed = f" claimed by {task.claimed_by}" if task.claimed_by else ""
        click.echo(f"{task.id}  case {task.case_id}  {task.element_id}  {who}{claimed}")
    if not found:
        click.echo("no ready tasks")


@main.command()
@click.argument("task_id")
@click.option("--data", default=None, help="Form data as a JSON object.")
@click.option("--as", "user", required=True, help="The user completing the task.")
@clean_errors
def complete(task_id: str, data: str | None, user: str) -> None:
    """Complete a ready task as USER."""
    engine = build_engine()
    case = engine.complete_task(task_id, _json(data, "--data"), engine.actor(user))
    click.echo(f"task {task_id} completed; case {case.id} is {case.status}")


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Include resolved incidents.")
@clean_errors
def incidents(show_all: bool) -> None:
    """List incidents (failed automatic steps)."""
    engine = build_engine()
    found = engine.incidents(open_only=not show_all)
    for item in found:
        line = f" line {item.line}" if item.line else ""
        click.echo(
            f"#{item.id} case {item.case_id} {item.status} at {item.element_id}{line}: "
            f"{item.error_type}: {item.message}"
        )
    if not found:
        click.echo("no open incidents" if not show_all else "no incidents")


@main.command()
@click.argument("case_id", type=int)
@click.option("--data", default=None, help="Data to fix on the failed task, as JSON.")
@click.option("--as", "user", default=None)
@clean_errors
def retry(case_id: int, data: str | None, user: str | None) -> None:
    """Retry the failed steps of a case in incident."""
    engine = build_engine()
    case = engine.retry(case_id, _actor(engine, user), _json(data, "--data") or None)
    click.echo(f"case {case.id} retried: {case.status}")


@main.command()
@click.argument("name")
@click.option("--case", "case_id", type=int, default=None, help="Only this case.")
@click.option("--data", default=None, help="The signal's payload as a JSON object.")
@click.option("--as", "user", default=None, help="The admin sending it (default: system).")
@clean_errors
def signal(name: str, case_id: int | None, data: str | None, user: str | None) -> None:
    """Send signal NAME to one case, or to every open case waiting for it (admin)."""
    engine = build_engine()
    payload = _json(data, "--data")
    if not isinstance(payload, dict):
        _fail("--data must be a JSON object")
    result = engine.send_signal(name, payload or None, _actor(engine, user), case_id)
    click.echo(f"signal {name!r} reached {_cases(result.delivered)}")
    if result.started:
        click.echo(f"  started {_cases(result.started)}")
    if result.skipped:
        click.echo(f"  not delivered, suspended: {_cases(result.skipped)}")
    if result.conflicts:
        _fail(f"not delivered to {_cases(result.conflicts)}: changed by others at the same "
              "moment; send it again with --case")  # fmt: skip


def _cases(ids: tuple[int, ...]) -> str:
    if not ids:
        return "no case"
    return ("case " if len(ids) == 1 else "cases ") + ", ".join(str(i) for i in ids)


def _admin_command(name: str, action: str) -> None:
    @main.command(name, help=f"{action.capitalize()} a case (admin).")
    @click.argument("case_id", type=int)
    @click.option("--reason", default=None)
    @click.option("--as", "user", default=None)
    @clean_errors
    def command(case_id: int, reason: str | None, user: str | None) -> None:
        engine = build_engine()
        case = getattr(engine, name)(case_id, _actor(engine, user), reason)
        click.echo(f"case {case.id}: {case.status}{' (suspended)' if case.suspended else ''}")


for _name, _action in (("suspend", "suspend"), ("resume", "resume"), ("terminate", "terminate")):
    _admin_command(_name, _action)


@main.command("migrate")
@click.argument("process_id", metavar="PROCESS")
@click.option("--to", "to_version", type=int, required=True, help="The version to move to.")
@click.option("--from", "from_version", type=int, default=None,
              help="Only cases on this version (default: every other version).")
@click.option("--map", "mapping", multiple=True, metavar="OLD=NEW",
              help="Element OLD of the old version is NEW in the new one (repeatable).")
@click.option("--case", "case_ids", type=int, multiple=True, metavar="ID",
              help="Only this case (repeatable).")
@click.option("--dry-run", is_flag=True, help="Say per case whether it can move; change nothing.")
@click.option("--reason", default=None, help="Why (for the audit trail).")
@click.option("--as", "user", default=None, help="The admin moving them (default: system).")
@clean_errors
def migrate_cases(process_id: str, to_version: int, from_version: int | None,
            mapping: tuple[str, ...], case_ids: tuple[int, ...], dry_run: bool,
            reason: str | None, user: str | None) -> None:  # fmt: skip
    """Move the open cases of PROCESS to version --to: each case in its own transaction; a
    case that cannot move stays as it was. Exit 1 if a move failed."""
    from engine.running.migration import parse_mapping

    engine = build_engine()
    actor = _actor(engine, user)
    pairs = parse_mapping(mapping)
    for plan in engine.migration_plans(process_id, to_version, from_version, pairs):
        for element in plan.unmapped:
            hint = plan.suggested.get(element.id)
            click.echo(f"v{plan.from_version} -> v{plan.to_version}: {element.id} "
                       f"({element.name or element.kind}) has no place in the new version"
                       + (f"; perhaps --map {element.id}={hint}" if hint else ""))  # fmt: skip
    size = engine.migration_size(process_id, to_version, from_version, case_ids or None)
    label = "checking" if dry_run else "moving"
    with _progress(size, label) as step:
        report = engine.migrate_cases(
            process_id, to_version, actor=actor, from_version=from_version, mapping=pairs,
            case_ids=case_ids or None, dry_run=dry_run, reason=reason, progress=step,
        )  # fmt: skip
    for outcome in report.outcomes:
        click.echo(_outcome_line(outcome))
    if dry_run:
        total, movable = len(report.outcomes), report.count("can_move")
        click.echo(f"dry run, nothing changed: {movable} of {total} cases can move, "
                   f"{report.count('refused')} cannot")  # fmt: skip
    else:
        click.echo(f"moved {report.count('moved')}, refused {report.count('refused')}, "
                   f"failed {report.count('failed')} of {len(report.outcomes)} cases")  # fmt: skip
    if not report.ok:
        sys.exit(1)


@contextmanager
def _progress(size: int, label: str) -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr when that is a terminal; else nothing (plain output stays
    plain)."""
    if not sys.stderr.isatty():
        yield lambda _outcome: None
        return
    with click.progressbar(length=size, label=label, file=sys.stderr) as bar:
        yield lambda _outcome: bar.update(1)


def _outcome_line(outcome: Any) -> str:
    title = f" ({outcome.title})" if outcome.title else ""
    versions = f"v{outcome.from_version} -> v{outcome.to_version}"
    if outcome.result == "moved":
        return f"case {outcome.case_id}{title}: moved {versions}"
    if outcome.result == "can_move":
        return f"case {outcome.case_id}{title}: can move {versions}"
    return f"case {outcome.case_id}{title}: {outcome.result}: {outcome.describe()}"


@main.command()
@click.option("--once", is_flag=True, help="Run what is due now, then exit.")
@click.option("--now", "now", default=None, help="With --once: act as if it were this ISO time.")
@click.option("--health-port", type=int, default=None,
              help="Serve /healthz and /readyz on this port (for a process supervisor).")
@click.option("--health-host", default="127.0.0.1", show_default=True)
@clean_errors
def scheduler(once: bool, now: str | None, health_port: int | None, health_host: str) -> None:
    """Run the scheduler: timers, reminders, escalations, notifications (one leader at a time)."""
    from engine.notify.mailer import Sender, transport_from_env
    from engine.scheduling.scheduler import Scheduler
    from engine.timing.clock import ManualClock

    engine = build_engine()
    if now is not None:
        if not once:
            _fail("--now only works with --once")
        engine = engine.with_clock(ManualClock(_instant(now)))
    sender = Sender(engine.db, engine.clock, transport_from_env())
    runner = Scheduler(engine, sender)
    if once:
        report = runner.run_due()
        state = "leader" if report.leader else "standby (another scheduler leads)"
        click.echo(
            f"{state}: fired {report.fired}, retried {report.retried}, "
            f"failed {report.failed}, notifications sent {report.notifications}, "
            f"webhooks delivered {report.webhooks}"
        )
        runner.resign()
        return
    if health_port is not None:
        from engine.scheduling.health_probe import serve_probe

        serve_probe(runner, health_port, health_host)
        click.echo(f"readiness probe on http://{health_host}:{health_port}/readyz")
    click.echo(f"scheduler {runner.name} running; Ctrl-C stops it")
    try:
        runner.serve()
    except (KeyboardInterrupt, SystemExit):
        runner.resign()


def _instant(text: str) -> Any:
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"--now is not an ISO date-time: {text!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@main.group()
def audit() -> None:
    """Audit trail."""


@audit.command("verify")
@click.option("--incremental", is_flag=True,
              help="Start from the last verified checkpoint (quick; for a nightly check). Rows "
                   "before it are not hashed again: run a full check now and then.")
@clean_errors
def audit_verify(incremental: bool) -> None:
    """Check the hash chain; exit 1 naming the first bad sequence number.

    A check that finds the chain intact stores its end as the checkpoint for --incremental.
    On a terminal a progress bar runs on stderr; the summary line goes to stdout.
    """
    engine = build_engine()
    began = time.monotonic()
    with _ProgressBar(_terminal()) as progress:
        result = engine.verify_audit(incremental=incremental, progress=progress)
    click.echo(f"{result.describe()} ({time.monotonic() - began:.1f} s)")
    if not result.ok:
        sys.exit(1)


def _terminal() -> TextIO | None:
    """Where a progress bar may go: stderr, when it is a terminal."""
    return sys.stderr if sys.stderr.isatty() else None


class _ProgressBar:
    """A click progress bar for `Engine.verify_audit(progress=...)`, drawn once the number of
    rows is known; nothing at all without a terminal."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> Callable[[int, int], None] | None:
        return None if self.stream is None else self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="verifying the audit trail",
                                         file=self.stream, show_pos=True)  # fmt: skip
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.group()
def notifications() -> None:
    """The notification outbox: e-mail whose delivery is uncertain."""


@notifications.command("stuck")
@clean_errors
def notifications_stuck() -> None:
    """List e-mail that may or may not have gone out (never resent by itself); exit 1 if any."""
    stuck = build_engine().stuck_mail()
    for mail in stuck:
        claimed = mail.claimed_at.strftime("%Y-%m-%d %H:%M UTC")
        reason = f" ({mail.last_error})" if mail.last_error else ""
        click.echo(f"#{mail.id} to {mail.recipient} <{mail.email or '-'}> claimed {claimed}: "
                   f"{mail.subject}{reason}")  # fmt: skip
    if not stuck:
        click.echo("no stuck mail")
        return
    sys.exit(1)


@notifications.command("resend")
@click.argument("notification_id", type=int)
@click.option("--as", "user", default=None)
@clean_errors
def notifications_resend(notification_id: int, user: str | None) -> None:
    """Queue a stuck mail again (the scheduler sends it on its next run)."""
    engine = build_engine()
    engine.resend_mail(notification_id, _actor(engine, user))
    click.echo(f"mail #{notification_id} queued again")


@notifications.command("dismiss")
@click.argument("notification_id", type=int)
@click.option("--reason", required=True, help="Why it need not be sent again.")
@click.option("--as", "user", default=None)
@clean_errors
def notifications_dismiss(notification_id: int, reason: str, user: str | None) -> None:
    """Close a stuck mail without sending it again."""
    engine = build_engine()
    engine.dismiss_mail(notification_id, _actor(engine, user), reason)
    click.echo(f"mail #{notification_id} dismissed")


@main.group()
def webhooks() -> None:
    """Webhook endpoints: signed CloudEvents POSTed when cases, tasks and records change."""


@webhooks.command("add")
@click.argument("url")
@click.option("--events", required=True,
              help="Comma-separated event types, e.g. be.stuurboord.task.completed.")
@click.option("--secret", default=None,
              help="whsec_ followed by base64 of 24-64 bytes; generated and printed if omitted.")
@clean_errors
def webhooks_add(url: str, events: str, secret: str | None) -> None:
    """Register URL for the given event types."""
    engine = build_engine()
    types = [item.strip() for item in events.split(",") if item.strip()]
    created = engine.webhooks.add(url, types, SYSTEM_ACTOR, secret)
    click.echo(f"webhook {created.endpoint.id} added: {created.endpoint.url}")
    click.echo(f"  events: {', '.join(created.endpoint.event_types)}")
    if created.generated:
        click.echo(f"  secret (shown once, keep it): {created.secret}")


@webhooks.command("list")
@clean_errors
def webhooks_list() -> None:
    """List webhook endpoints: URL, events, on or off, last delivery."""
    found = build_engine().webhooks.endpoints()
    for item in found:
        state = "active" if item.active else "off"
        if not item.active and item.switched_off_by == "scheduler":
            state = "off (failed for a day)"
        last = (item.last_delivered_at.strftime("%Y-%m-%d %H:%M UTC")
                if item.last_delivered_at else "never")  # fmt: skip
        waiting = f", {item.waiting} waiting" if item.waiting else ""
        click.echo(f"#{item.id} {item.url} [{state}] events: {', '.join(item.event_types)}; "
                   f"last delivery: {last}{waiting}")  # fmt: skip
    if not found:
        click.echo("no webhooks")
