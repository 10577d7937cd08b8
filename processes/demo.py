"""Demo data for a new database: the committee as it would look a few weeks into its work.

``load(engine)`` creates the committee (organisations, people with their roles, seats, working
groups) and drives the committee's processes through the engine facade exactly as people would:
two meetings, topics in every state of the admission, a college question answered, a working
group at work, an escalation waiting for the Flemish Government, and comply-or-explain with
four entities in four different states. It prints nothing; it returns a :class:`DemoSummary`.

How time is handled: the history is *walked*, not written. ``load`` takes a copy of the engine
on a :class:`~engine.ManualClock` (``engine.with_clock``) that starts about five weeks before
the past meeting, and moves it forward step by step up to the engine's own "now"; before each
step the scheduler fires what became due (agenda freeze, meeting start, status-update timers,
reminders). So every timestamp, due date, reminder and audit row is what the real committee
would have produced, and every wait that is still open ends in the future. Forms compare dates
with :func:`processes.records.dates.today`, which follows the walking clock for the duration of
the load (and is put back afterwards).

Idempotent: on a database that already has the demo's chair (``voorzitter``) it writes nothing
and returns ``loaded=False`` with the counts found.

No incidents: every step is valid, so none occur; an incident, a failed job or a scheduler that
cannot lead raises :class:`DemoError` (the transaction of the failing step stored nothing, the
steps before it stay).
"""

from __future__ import annotations

import time as timer
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import AuditRecorder, Engine, ManualClock
from engine.scheduling.scheduler import Scheduler
from engine.timing.calendar import WorkCalendar
from engine.timing.clock import Clock
from processes import demo_data as data
from processes import demo_steering
from processes.records import dates, directory
from processes.records.models import (
    CommitteeSeat,
    Meeting,
    Organisation,
    Person,
    WorkingGroup,
    WorkingGroupMember,
)

MARKER_USER = "voorzitter"
"""A database with this user has the demo already."""
ACTOR = "system"
REASON = "demogegevens (processes.demo)"
LOCATION = "Herman Teirlinckgebouw, Brussel"
MEETING_WEEKDAY = 3  # Thursday: before the Voorzitterscollege meets
PAGE = 500

AFTER_THE_PAST_MEETING: tuple[tuple[int, str, str, str, dict[str, Any], str], ...] = (
    # (days from the past meeting's Thursday, local time, case, task, form data, user)
    (4, "10:00", "wg:oslo", "approve_mandate", {"approval": "approve"}, "voorzitter"),
    (4, "14:00", "escalation", "prepare_dossier", data.DOSSIER, "secretariaat"),
    (5, "10:00", "wg:oslo", "accept_mandate", data.ACCEPTANCE, "wg.data"),
    (6, "11:00", "question", "record_answer", {"answer": data.COLLEGE_ANSWER}, "secretariaat"),
    (6, "15:00", "escalation", "approve_dossier", data.SENT_BACK, "voorzitter"),
    (7, "09:00", "college", "read_answer", data.COLLEGE_NOTE, "college"),
    (7, "10:00", "escalation", "prepare_dossier", data.REVISED_DOSSIER, "secretariaat2"),
    (8, "10:00", "escalation", "approve_dossier", {"dossier_decision": "approve"}, "voorzitter"),
    (34, "11:00", "wg:oslo", "status_update", data.STATUS_UPDATE, "wg.data"),
)
"""Task completions after the past meeting: the mandate approved and accepted (its first
four-weekly status update follows acceptance by four weeks), the dossier sent back once and
then sent, the college's question answered and read."""

PAST_AGENDA: tuple[tuple[str, str, tuple[int, int, int], str], ...] = (
    # (topic, submitter, days from the past meeting's Thursday of its submission, screening
    # and admission, agenda item kind); the agenda deadline is ten days before the meeting
    ("burgerprofiel", "indiener", (-27, -24, -23), "decision"),
    ("oslo", "indiener.gent", (-22, -21, -20), "decision"),
    ("cyberbudget", "indiener.gent", (-17, -16, -15), "decision"),
    ("cloud", "indiener.vlaio", (-16, -15, -14), "decision"),
    ("handtekening", "indiener.vlaio", (-15, -14, -13), "discussion"),
)

LATE_MORNING = 11  # the newest submissions came in this morning if it is this late already


class DemoError(RuntimeError):
    """The demo could not be loaded as planned (names the step)."""


# -- the summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds after `load` (or already held, when ``loaded`` is False)."""

    loaded: bool
    users: int
    organisations: int
    seats: dict[str, int]
    working_groups: int
    meetings: tuple[tuple[str, str, str], ...]
    """(title, ISO date, status) per meeting."""
    cases: dict[str, dict[str, int]]
    """process id → case status → count."""
    ready_tasks: dict[str, int]
    """role → number of ready tasks."""
    incidents: int
    seconds: float

    def lines(self) -> list[str]:
        """The summary as short lines of text, for a command line."""
        head = "demo data loaded" if self.loaded else "demo data already present; nothing changed"
        seats = ", ".join(f"{kind} {count}" for kind, count in self.seats.items())
        out = [
            f"{head} ({self.seconds:.1f} s)",
            f"users {self.users}, organisations {self.organisations}, "
            f"working groups {self.working_groups}",
            f"committee seats {sum(self.seats.values())}: {seats}",
        ]
        out += [f"meeting {when} {status}: {title}" for title, when, status in self.meetings]
        for process_id, statuses in sorted(self.cases.items()):
            counts = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
            out.append(f"cases {process_id}: {counts}")
        tasks = ", ".join(f"{role} {n}" for role, n in sorted(self.ready_tasks.items()))
        out.append(f"ready tasks: {tasks}")
        out.append(f"open incidents: {self.incidents}")
        return out


def summarize(engine: Engine, *, loaded: bool, seconds: float = 0.0) -> DemoSummary:
    """Count what the database holds (reads only)."""
    with engine.db.read() as session:
        seats = dict(
            session.execute(
                select(CommitteeSeat.seat_kind, func.count())
                .where(CommitteeSeat.ended_on.is_(None))
                .group_by(CommitteeSeat.seat_kind)
            ).all()
        )
        organisations = session.execute(select(func.count()).select_from(Organisation)).scalar_one()
        groups = session.execute(select(func.count()).select_from(WorkingGroup)).scalar_one()
        meetings = tuple(
            (row.title, row.meeting_date.isoformat(), row.status)
            for row in session.execute(select(Meeting).order_by(Meeting.meeting_date)).scalars()
        )
    cases: dict[str, Counter[str]] = {}
    for case in _all_cases(engine):
        cases.setdefault(case.process_id, Counter())[case.status] += 1
    return DemoSummary(
        loaded=loaded,
        users=len(engine.users()),
        organisations=organisations,
        seats={kind: seats[kind] for kind in sorted(seats)},
        working_groups=groups,
        meetings=meetings,
        cases={process_id: dict(counts) for process_id, counts in sorted(cases.items())},
        ready_tasks=dict(sorted(Counter(task.role for task in engine.ready_tasks()).items())),
        incidents=len(engine.incidents()),
        seconds=round(seconds, 2),
    )


def _all_cases(engine: Engine) -> Iterator[Any]:
    offset = 0
    while True:
        page = engine.list_cases(limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


# -- loading -----------------------------------------------------------------------------------


def load(engine: Engine) -> DemoSummary:
    """Fill a new database with the demo committee and its cases (see the module docstring)."""
    started = timer.perf_counter()
    if any(user.id == MARKER_USER for user in engine.users()):
        return summarize(engine, loaded=False, seconds=timer.perf_counter() - started)
    timeline = Timeline.around(engine.clock.now(), engine.policy.calendar)
    walk = Walk(engine, timeline)
    walk.plan()
    with _forms_follow(walk.clock):
        walk.run(until=engine.clock)
        demo_steering.load(walk.engine, walk.timeline.today, walk.case_ids)
    return summarize(engine, loaded=True, seconds=timer.perf_counter() - started)


@contextmanager
def _forms_follow(clock: Clock) -> Iterator[None]:
    """Let form validation read today's date from `clock` (see processes.records.dates)."""
    original = dates.today
    dates.today = lambda: dates.local_date(clock.now())
    try:
        yield
    finally:
        dates.today = original


# -- when things happen ------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """The demo's dates, relative to today.

    The walk is laid out around a Thursday (``anchor``) at least five weeks ago: the past
    meeting is held that day (or on the working day before, if the Thursday is a holiday such
    as Ascension Day), so that a working group accepted the week after has had its first
    four-weekly status update by now. The next meeting is on a Thursday about three weeks
    ahead, its agenda still open. Waits still open at the end (the government's answer, the
    report, the obligations, the minutes) fall after today.
    """

    now: datetime
    today: date
    anchor: date
    past_meeting: date
    next_meeting: date
    obligation_deadline: date
    report_due: date
    calendar: WorkCalendar

    @classmethod
    def around(cls, now: datetime, calendar: WorkCalendar) -> Timeline:
        today = dates.local_date(now)
        anchor = _weekday_before(today - _days(35), MEETING_WEEKDAY)
        next_anchor = _weekday_before(today + _days(21), MEETING_WEEKDAY)
        return cls(
            now=now,
            today=today,
            anchor=anchor,
            past_meeting=calendar.previous_working_day(anchor),
            next_meeting=calendar.previous_working_day(next_anchor),
            obligation_deadline=calendar.previous_working_day(_month_end(today + _days(45))),
            report_due=calendar.previous_working_day(_month_end(today + _days(75))),
            calendar=calendar,
        )

    @property
    def start(self) -> datetime:
        return self.m1(-31, "08:00")

    def m1(self, days: int, clock_time: str) -> datetime:
        """`days` after (before, if negative) the past meeting's Thursday, at a local time."""
        return dates.at_local(self.anchor + _days(days), time.fromisoformat(clock_time))

    def recent(self, working_days: int, clock_time: str) -> datetime:
        """`working_days` working days before today, at a local time."""
        day = self.calendar.shift_working_days(self.today, -working_days)
        return dates.at_local(day, time.fromisoformat(clock_time))

    def fresh(self, clock_time: str) -> datetime:
        """This morning at a local time before 11:00 if today is a working day and it is 11:00
        or later now, else that time on the last working day: the newest submissions."""
        local_now = self.now.astimezone(dates.ZONE)
        today_counts = self.calendar.is_working_day(self.today) and local_now.hour >= LATE_MORNING
        day = self.today if today_counts else self.calendar.shift_working_days(self.today, -1)
        return dates.at_local(day, time.fromisoformat(clock_time))


def _days(count: int) -> timedelta:
    return timedelta(days=count)


def _weekday_before(day: date, weekday: int) -> date:
    """The last `weekday` (Monday = 0) on or before `day`."""
    return day - _days((day.weekday() - weekday) % 7)


def _month_end(day: date) -> date:
    first_of_next = (day.replace(day=28) + _days(4)).replace(day=1)
    return first_of_next - _days(1)


# -- the walk ----------------------------------------------------------------------------------


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    label: str = field(compare=False)
    action: Callable[[], Any] = field(compare=False)


class Walk:
    """The demo's history as steps on a manual clock, run in time order."""

    def __init__(self, engine: Engine, timeline: Timeline) -> None:
        self.timeline = timeline
        self.clock = ManualClock(timeline.start)
        self.engine = engine.with_clock(self.clock)
        self.scheduler = Scheduler(self.engine, name="demo")
        self.case_ids: dict[str, int] = {}
        self.meeting_ids: dict[str, int] = {}
        self._steps: list[_Step] = []

    # -- running ---------------------------------------------------------------------------

    def at(
        self, moment: datetime, label: str, action: Callable[..., Any], *args: Any, **kw: Any
    ) -> None:
        """Plan ``action(*args, **kw)`` at `moment` (steps at one moment keep their order)."""
        if moment > self.timeline.now:
            raise DemoError(f"{label}: planned after now ({moment.isoformat()})")
        self._steps.append(_Step(moment, len(self._steps), label, partial(action, *args, **kw)))

    def run(self, until: Clock) -> None:
        """Run every step in time order, then catch up with `until` (the real clock)."""
        if self.scheduler.lead() is None:
            raise DemoError(
                "another scheduler holds the lease on this database; stop it and load again"
            )
        try:
            for step in sorted(self._steps):
                self._advance(step.at, step.label)
                try:
                    step.action()
                except Exception as error:
                    raise DemoError(f"{step.label}: {error}") from error
            self._advance(max(until.now(), self.clock.now()), "catching up with now")
        finally:
            self.scheduler.resign()
        incidents = self.engine.incidents()
        if incidents:
            raise DemoError(f"the demo produced incidents: {incidents}")

    def _advance(self, moment: datetime, label: str) -> None:
        """Move the clock to `moment` and fire what became due."""
        if moment <= self.clock.now():
            return
        self.clock.set(moment)
        report = self.scheduler.run_due()
        if not report.leader or report.errors:
            raise DemoError(f"before {label}: scheduler run failed: {report}")

    # -- facade helpers --------------------------------------------------------------------

    def start(self, key: str, process_id: str, values: dict[str, Any], user: str) -> int:
        case = self.engine.start_case(process_id, values, self.engine.actor(user))
        self._check(case.status, key)
        self.case_ids[key] = case.id
        return case.id

    def complete(self, key: str, element_id: str, values: dict[str, Any], user: str) -> None:
        """Complete the one ready `element_id` task of the case `key` as `user`."""
        case_id = self.case_ids[key]
        tasks = [
            t
            for t in self.engine.case_tasks(case_id)
            if t.state == "ready" and t.element_id == element_id
        ]
        if len(tasks) != 1:
            raise DemoError(f"{key} (case {case_id}): expected one ready {element_id}")
        case = self.engine.complete_task(tasks[0].id, values, self.engine.actor(user))
        self._check(case.status, key)

    def adopt(self, key: str, process_id: str, **match: Any) -> int:
        """Name the case another case started: the one whose data has `match`."""
        found = [
            case.id
            for case in self.engine.list_cases(process_id=process_id, limit=PAGE)
            if all(case.data.get(name) == value for name, value in match.items())
        ]
        if len(found) != 1:
            raise DemoError(f"{key}: expected one {process_id} case with {match}, found {found}")
        self.case_ids[key] = found[0]
        return found[0]

    def data(self, key: str) -> dict[str, Any]:
        return self.engine.case(self.case_ids[key]).data

    def item(self, key: str) -> int:
        """The agenda item of a topic case."""
        return int(self.data(key)["agenda_item"]["agenda_item_id"])

    @staticmethod
    def _check(status: str, key: str) -> None:
        if status == "incident":
            raise DemoError(f"{key}: the case went into incident")

    # -- the plan --------------------------------------------------------------------------

    def plan(self) -> None:
        t = self.timeline
        self.at(t.start, "directory", self.directory)
        self.past_meeting()
        self.topics_for_the_past_meeting()
        self.at(t.m1(-28, "10:00"), "the college asks a question", self.ask_question)
        self.screened(t.m1(-27, "09:30"), "question")
        self.admitted(t.m1(-24, "14:00"), "question", "past", "discussion")
        for day, clock_time, key, element_id, values, user in AFTER_THE_PAST_MEETING:
            self.task(t.m1(day, clock_time), key, element_id, values, user)
        self.admitted(t.m1(4, "11:00"), "handtekening", "next", "discussion")
        self.minutes_of_the_past_meeting()
        self.obligations()
        self.recent_topics()

    def task(
        self, moment: datetime, key: str, element_id: str, values: dict[str, Any], user: str
    ) -> None:
        """Plan the completion of a task of case `key`."""
        self.at(
            moment, f"{key}: {element_id} by {user}", self.complete, key, element_id, values, user
        )

    def directory(self) -> None:
        """Organisations, users with their roles, people, seats and working groups."""
        with self._audited() as (session, audit):
            for org_id, name, kind, domain in data.ORGANISATIONS:
                before = _organisation(session.get(Organisation, org_id))
                directory.add_organisation(session, org_id, name, kind, domain)
                after = _organisation(session.get(Organisation, org_id))
                _record(audit, "organisation", org_id, before, after)
        for user_id, name, org, _function, grants, _seat in data.PEOPLE:
            language = "en" if user_id in data.ENGLISH_SPEAKING else "nl"
            email = data.email_of(name, org)
            self.engine.ensure_user(user_id, name, email=email, language=language, grants=grants)
        with self._audited() as (session, audit):
            for user_id, _name, org, function, _grants, seat in data.PEOPLE:
                person = self._person(session, audit, user_id, org, function)
                if seat is not None:
                    self._seat(session, audit, person, *seat)
            for group_id, name, focus, chair in data.WORKING_GROUPS:
                self._working_group(session, audit, group_id, name, focus, chair)

    @contextmanager
    def _audited(self) -> Iterator[tuple[Session, AuditRecorder]]:
        """A write transaction whose record changes are audited with it. The directory helpers
        (processes.records.directory) do not audit themselves."""
        with self.engine.with_clock(self.clock).recording() as (session, audit):
            yield session, audit

    def _person(
        self, session: Session, audit: AuditRecorder, user_id: str, org: str, function: str
    ) -> Person:
        existing = session.execute(select(Person).where(Person.user_id == user_id))
        row = existing.scalar_one_or_none()
        before = (
            None if row is None else {"organisation": row.organisation_id, "function": row.function}
        )
        person = directory.add_person(session, user_id, org, function)
        _record(audit, "person", user_id, before, {"organisation": org, "function": function})
        return person

    def _seat(
        self, session: Session, audit: AuditRecorder, person: Person, kind: str, domain: str | None
    ) -> None:
        existing = session.execute(
            select(CommitteeSeat).where(
                CommitteeSeat.person_id == person.id, CommitteeSeat.seat_kind == kind
            )
        ).scalar_one_or_none()
        before = (
            None
            if existing is None
            else {"seat_kind": kind, "policy_domain": existing.policy_domain}
        )
        started = dates.local_date(self.timeline.start).replace(month=1, day=1)
        directory.add_seat(session, person, kind, domain, started_on=started)
        after = {"seat_kind": kind, "policy_domain": domain}
        _record(audit, "committee_seat", person.user_id, before, after)

    def _working_group(
        self,
        session: Session,
        audit: AuditRecorder,
        group_id: str,
        name: str,
        focus: str,
        chair: str,
    ) -> None:
        members = [
            user_id
            for user_id, *_middle, grants, _seat in data.PEOPLE
            if ("wg_member", group_id) in grants
        ]
        before = _working_group(session, group_id)
        directory.add_working_group(session, group_id, name, focus, chair, members)
        _record(audit, "working_group", group_id, before, _working_group(session, group_id))

    # -- meetings --------------------------------------------------------------------------

    def plan_meeting(self, key: str, day: date, user: str) -> None:
        case_id = self.start(
            f"meeting:{key}",
            "meeting",
            {
                "title": f"Zitting van {dates.format_nl(day)}",
                "meeting_date": day.isoformat(),
                "start_time": "10:00",
                "location": LOCATION,
            },
            user,
        )
        self.meeting_ids[key] = int(self.engine.case(case_id).data["meeting"]["meeting_id"])

    def past_meeting(self) -> None:
        t = self.timeline
        self.at(
            t.m1(-31, "08:30"),
            "plan the past meeting",
            self.plan_meeting,
            "past",
            t.past_meeting,
            "secretariaat",
        )
        self.at(t.m1(-7, "10:00"), "order the agenda", self.order_agenda)
        self.at(t.m1(1, "14:00"), "record the treatments", self.record_treatments)
        self.at(
            t.m1(1, "16:00"),
            "plan the next meeting",
            self.plan_meeting,
            "next",
            t.next_meeting,
            "secretariaat2",
        )

    def order_agenda(self) -> None:
        order = (
            ("burgerprofiel", "decision"),
            ("oslo", "decision"),
            ("cyberbudget", "decision"),
            ("cloud", "decision"),
            ("handtekening", "discussion"),
            ("question", "discussion"),
        )
        self.complete(
            "meeting:past",
            "order_agenda",
            {
                "agenda_order": [
                    {"agenda_item_id": self.item(key), "kind": kind, "public": True}
                    for key, kind in order
                ],
                "agenda_note": "De nota's bij de punten staan in de dossiers. Punt 3 vraagt een "
                "standpunt voor de Vlaamse Regering.",
            },
            "secretariaat",
        )

    def record_treatments(self) -> None:
        t = self.timeline
        treatments = [
            {
                "agenda_item_id": self.item("burgerprofiel"),
                "outcome": "decided",
                "decision_text": data.DECISION_TEXT,
                "binding": True,
                "deadline": t.obligation_deadline.isoformat(),
                "bound_entities": list(data.BOUND_ENTITIES),
                "focus_domain": "common_counter_functions",
                "vote_held": True,
                "votes_for": 18,
                "votes_against": 1,
                "votes_abstain": 2,
            },
            {
                "agenda_item_id": self.item("oslo"),
                "outcome": "working_group",
                "working_group_id": "wg-data",
                "wg_question": data.WG_QUESTION,
                "wg_deliverable": data.WG_DELIVERABLE,
                "wg_due_date": t.report_due.isoformat(),
            },
            {
                "agenda_item_id": self.item("cyberbudget"),
                "outcome": "escalated",
                "escalation_summary": data.ESCALATION_SUMMARY,
                "decision_needed": data.ESCALATION_DECISION,
            },
            {
                "agenda_item_id": self.item("cloud"),
                "outcome": "decided",
                "decision_text": data.CLOUD_DECISION,
                "vote_held": True,
                "votes_for": 20,
                "votes_abstain": 1,
            },
            {
                "agenda_item_id": self.item("handtekening"),
                "outcome": "deferred",
                "note": "Eerst het advies van de werkgroep Digitale loketten over de "
                "gemeenschappelijke ondertekeningsdienst.",
            },
            {
                "agenda_item_id": self.item("question"),
                "outcome": "noted",
                "note": "Het secretariaat bezorgt het antwoord aan het Voorzitterscollege.",
            },
        ]
        self.complete(
            "meeting:past",
            "record_treatments",
            {
                "attendance": list(data.ATTENDANCE),
                "treatments": treatments,
                "minutes_note": f"{len(data.ATTENDANCE)} van de {_seat_count()} leden aanwezig.",
            },
            "secretariaat",
        )
        if not self.data("meeting:past")["treatment_result"]["stored"]:
            raise DemoError(f"treatments not stored: {self.data('meeting:past')}")
        self.adopt("wg:oslo", "working_group_assignment", topic_case_id=self.case_ids["oslo"])
        self.adopt(
            "escalation", "government_escalation", topic_case_id=self.case_ids["cyberbudget"]
        )
        followup = self.adopt(
            "comply", "comply_or_explain", source_case_id=self.case_ids["burgerprofiel"]
        )
        for org in data.BOUND_ENTITIES:
            self.adopt(f"obligation:{org}", "obligation", entity_id=org, parent_case_id=followup)

    def minutes_of_the_past_meeting(self) -> None:
        """The past meeting's minutes approved by written procedure a week after it (the next
        meeting is still ahead): from then on its decisions are published as open data
        (processes.records.oslo)."""
        t = self.timeline
        values = {**data.MINUTES_APPROVAL, "minutes_approved_on": _iso(t.anchor + _days(7))}
        self.task(t.m1(7, "16:00"), "meeting:past", "approve_minutes", values, "secretariaat")

    # -- topics ----------------------------------------------------------------------------

    def submit(self, key: str, user: str, meeting: str | None = None) -> None:
        values = dict(data.TOPICS[key])
        if meeting is not None:
            values["target_meeting_id"] = self.meeting_ids[meeting]
        self.start(key, "topic", values, user)

    def confirm(self, key: str, note: str | None, user: str) -> None:
        self.complete(key, "confirm_screening", {"screening_note": note} if note else {}, user)

    def admit(self, key: str, meeting: str, kind: str) -> None:
        self.complete(
            key,
            "chair_decision",
            {
                "chair_decision": "admit",
                "chair_meeting_id": self.meeting_ids[meeting],
                "chair_item_kind": kind,
            },
            "voorzitter",
        )

    def submitted(self, moment: datetime, key: str, user: str, meeting: str | None = None) -> None:
        """Plan the submission of topic `key` (for `meeting`, if given)."""
        self.at(moment, f"submit {key}", self.submit, key, user, meeting)

    def screened(
        self, moment: datetime, key: str, user: str = "secretariaat", note: str | None = None
    ) -> None:
        """Plan the secretariat's confirmation of the screening of topic `key`."""
        self.at(moment, f"screen {key}", self.confirm, key, note, user)

    def admitted(self, moment: datetime, key: str, meeting: str, kind: str) -> None:
        """Plan the chair's admission of topic `key` onto `meeting`'s agenda as `kind`."""
        self.at(moment, f"admit {key}", self.admit, key, meeting, kind)

    def topics_for_the_past_meeting(self) -> None:
        at = self.timeline.m1
        for key, user, (submit, screen, admit), kind in PAST_AGENDA:
            self.submitted(at(submit, "11:00"), key, user, "past")
            self.screened(at(screen, "09:30"), key)
            self.admitted(at(admit, "14:00"), key, "past", kind)

    def ask_question(self) -> None:
        values = {**data.COLLEGE_QUESTION, "target_meeting_id": self.meeting_ids["past"]}
        asked = self.start("college", "college_question", values, "college")
        self.adopt("question", "topic", college_case_id=asked)

    # -- comply-or-explain -----------------------------------------------------------------

    def obligations(self) -> None:
        """Four entities, four states: complied, explanation accepted, explanation waiting for
        the secretariat, no answer yet (the deadline is weeks away)."""
        t = self.timeline
        after_a_year = _iso(t.obligation_deadline + _days(270))
        complied = {"response": "comply", **data.COMPLIED, "done_on": _iso(t.anchor + _days(11))}
        wvg = {"response": "explain", **data.EXPLAINED_WVG, "planned_on": after_a_year}
        gent = {
            "response": "explain",
            **data.EXPLAINED_GENT,
            "planned_on": _iso(t.obligation_deadline + _days(150)),
        }
        answer = "answer_obligation"
        self.task(t.m1(12, "10:00"), "obligation:dep-omg", answer, complied, "contact.omgeving")
        self.task(t.m1(15, "11:00"), "obligation:dep-wvg", answer, wvg, "contact.wvg")
        self.task(
            t.m1(19, "10:00"),
            "obligation:dep-wvg",
            "assess_explanation",
            data.ACCEPTED,
            "secretariaat",
        )
        self.task(t.recent(2, "14:00"), "obligation:gem-gent", answer, gent, "contact.gent")

    # -- the topics of the last weeks ------------------------------------------------------

    def recent_topics(self) -> None:
        """The admission's last weeks: a topic in every state."""
        t = self.timeline
        r = t.recent
        deferred = {**data.DEFERRED, "chair_defer_until": _iso(t.next_meeting + _days(28))}
        # Declined by the chair; the submitter took note.
        self.submitted(r(10, "10:00"), "videoconferentie", "indiener")
        self.screened(r(9, "09:30"), "videoconferentie", "secretariaat2")
        self.task(r(8, "14:00"), "videoconferentie", "chair_decision", data.DECLINED, "voorzitter")
        self.task(
            r(7, "16:00"), "videoconferentie", "acknowledge_decline", data.ACKNOWLEDGED, "indiener"
        )
        # On the next meeting's agenda: a topic and an entity's escalation.
        self.submitted(r(8, "10:00"), "baseline", "indiener", "next")
        self.screened(r(7, "09:30"), "baseline")
        self.admitted(r(6, "10:00"), "baseline", "next", "discussion")
        self.submitted(r(6, "11:00"), "meldingen", "indiener.gent", "next")
        self.screened(r(5, "09:30"), "meldingen")
        self.admitted(r(4, "10:00"), "meldingen", "next", "decision")
        # Deferred by the chair to a date after the next meeting.
        self.submitted(r(7, "11:00"), "ai_assistent", "indiener.gent")
        self.screened(r(6, "10:30"), "ai_assistent")
        self.task(r(5, "10:00"), "ai_assistent", "chair_decision", deferred, "voorzitter")
        # Not admissible: back with the submitter.
        self.submitted(r(4, "11:00"), "huisstijl", "indiener.vlaio")
        self.screened(r(3, "09:30"), "huisstijl", note=data.NOT_ADMISSIBLE_NOTE)
        # Admissible, waiting for the chair.
        self.submitted(r(3, "11:00"), "ondernemers", "indiener.vlaio")
        self.screened(r(2, "09:30"), "ondernemers", "secretariaat2")
        # Waiting for the secretariat's screening (one admissible, one incomplete).
        self.submitted(t.fresh("08:40"), "financien", "indiener")
        self.submitted(t.fresh("10:15"), "vaardigheden", "indiener.gent")


# -- small helpers -----------------------------------------------------------------------------


def _iso(day: date) -> str:
    return day.isoformat()


def _seat_count() -> int:
    return sum(1 for *_rest, seat in data.PEOPLE if seat is not None)


def _organisation(row: Organisation | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"name": row.name, "kind": row.kind, "policy_domain": row.policy_domain}


def _working_group(session: Session, group_id: str) -> dict[str, Any] | None:
    row = session.get(WorkingGroup, group_id)
    if row is None:
        return None
    members = session.execute(
        select(WorkingGroupMember.user_id)
        .where(WorkingGroupMember.working_group_id == group_id)
        .order_by(WorkingGroupMember.user_id)
    ).scalars()
    return {
        "name": row.name,
        "focus_domain": row.focus_domain,
        "chair": row.chair_user_id,
        "members": list(members),
    }


def _record(
    audit: AuditRecorder,
    kind: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Audit one directory record's change (nothing if it did not change)."""
    if before == after:
        return
    action = f"{kind}_created" if before is None else f"{kind}_changed"
    audit.record(
        ACTOR,
        action,
        changes={kind: {"before": before, "after": {"id": key, **after}}},
        reason=REASON,
    )
