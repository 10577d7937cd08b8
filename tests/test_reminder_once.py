"""One reminder per moment: when the scheduler catches up (it was down, or the clock jumped),
a task's reminders that all fell due meanwhile send one reminder, not one each in the same
minute (a working-group chair got *Stand van zaken melden* twice at 09:00). Reminders on
separate days still go out one by one, and the weekly repeat still follows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.storage.models import Notification
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_workgroup import approved_and_accepted


def status_reminders(committee: Committee, user_id: str) -> list[tuple[str, str]]:
    """(minute sent, due date) of each in-app reminder of *Stand van zaken melden*."""
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(Notification.created_at, Notification.params)
            .where(
                Notification.user_id == user_id,
                Notification.channel == "inapp",
                Notification.template == "reminder",
            )
            .order_by(Notification.id)
        ).all()
    return [
        (created.astimezone(UTC).strftime("%Y-%m-%d %H:%M"), dutch(params["due_date"]))
        for created, params in rows
        if dutch(params.get("task_name")) == "Stand van zaken melden"
    ]


def dutch(value: object) -> object:
    """A notification parameter as the Dutch text reads it (texts may be given per language)."""
    return value.get("nl") if isinstance(value, dict) else value


def test_reminders_that_fell_due_together_go_out_once(committee: Committee) -> None:
    case_id = approved_and_accepted(committee, status_every_weeks=1)
    committee.advance(days=9)  # the first status update is asked (due 18 March)
    [task] = [t for t in committee.tasks(case_id) if t.element_id == "status_update"]
    assert task.due_at == datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
    committee.advance(days=9)  # the scheduler was down over both reminders (17 and 18 March)
    assert status_reminders(committee, "wim") == [("2026-03-20 09:00", "18 maart 2026")]


def test_an_unanswered_status_update_does_not_remind_together_with_the_next_one(
    committee: Committee,
) -> None:
    """The cycle asks again every N weeks; a weekly repeat of the old request fell on the same
    09:00 as the new request's reminder. The old one is no longer repeated (policy)."""
    approved_and_accepted(committee, status_every_weeks=1)
    for days in (9, 9, 7, 7):
        committee.advance(days=days)
    sent = status_reminders(committee, "wim")
    minutes = [minute for minute, _due in sent]
    assert len(minutes) == len(set(minutes)), sent
    assert ("2026-03-27 09:00", "27 maart 2026") in sent


def test_reminders_still_repeat_where_the_policy_says_so(committee: Committee) -> None:
    """Catching up keeps the repeat: the report task reminds again a week after its last."""
    case_id = approved_and_accepted(committee)
    report = committee.task(case_id, "submit_report")
    assert report.due_at is not None
    committee.advance_to(report.due_at)
    committee.advance(days=8)
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(Notification.created_at, Notification.params).where(
                Notification.user_id == "wim",
                Notification.channel == "inapp",
                Notification.template == "reminder",
            )
        ).all()
    report_minutes = sorted(
        created.astimezone(UTC).strftime("%Y-%m-%d")
        for created, params in rows
        if dutch(params.get("task_name")) == "Rapport indienen"
    )
    assert len(report_minutes) == len(set(report_minutes)), report_minutes
    assert report_minutes[-1] > report.due_at.strftime("%Y-%m-%d")


def test_reminders_on_separate_days_each_go_out(committee: Committee) -> None:
    case_id = approved_and_accepted(committee, status_every_weeks=1)
    committee.advance(days=9)
    assert [t.element_id for t in committee.tasks(case_id)].count("status_update") == 1
    for _ in range(16):
        committee.advance(hours=12)
    sent = [entry for entry in status_reminders(committee, "wim") if entry[1] == "18 maart 2026"]
    assert sent == [("2026-03-17 09:00", "18 maart 2026"), ("2026-03-18 09:00", "18 maart 2026")]
