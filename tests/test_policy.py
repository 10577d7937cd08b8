"""Reminder and escalation policy: loading TOML, merging, and the scheduling maths."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.timing.calendar import WorkCalendar
from engine.timing.policy import (
    DEFAULT_TASK_POLICY,
    Offset,
    Policy,
    PolicyError,
    TaskPolicy,
    escalation_time,
    load_policy,
    next_repeat,
    parse_offset,
    reminder_times,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
BE = WorkCalendar()

EXAMPLE = """
[calendar]
country = "BE"
timezone = "Europe/Brussels"
extra_holidays = ["07-11"]      # Flemish community holiday

[defaults]
reminder_time = "09:00"
reminders = ["-1d", "0d"]
repeat = "weekly"
remind = ["assignee"]
grace = "5 working days"
escalate = { notify = ["role:chair"] }
working_days_only = true

[task."topic/screen"]
due = "10 working days"
reminders = ["-7d", "-1d", "0d", "+1d"]
remind = ["assignee", "role:chair"]
grace = "3 working days"
escalate = { message = "screening_overdue", notify = ["role:chair"] }

[task."topic/decide"]
reminder_time = "08:30"
repeat = "daily"
"""


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def end_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=BRUSSELS).astimezone(UTC)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def policy_with(*offsets: str, working_days_only: bool = True) -> TaskPolicy:
    return replace(
        DEFAULT_TASK_POLICY,
        reminders=tuple(parse_offset(o) for o in offsets),
        working_days_only=working_days_only,
    )


def local_times(moments: list[datetime]) -> list[str]:
    return [m.astimezone(BRUSSELS).strftime("%a %Y-%m-%d %H:%M") for m in moments]


# --- loading ----------------------------------------------------------------------------------


def test_no_file_gives_the_documented_built_in_defaults(tmp_path):
    for policy in (load_policy(None), load_policy(tmp_path / "absent.toml")):
        assert policy.calendar == WorkCalendar(country="BE", timezone="Europe/Brussels")
        defaults = policy.defaults
        assert defaults.due is None
        assert [o.label for o in defaults.reminders] == ["-1d", "0d"]
        assert defaults.reminder_time == time(9, 0)
        assert defaults.repeat == timedelta(days=7)
        assert defaults.remind == ("assignee",)
        assert defaults.grace == "5 working days"
        assert defaults.escalate_notify == ("role:chair",)
        assert defaults.escalate_message is None
        assert defaults.working_days_only is True
        assert policy.tasks == {}
        assert policy.for_task("any", "task") is defaults


def test_the_documented_example_loads_and_merges_tasks_over_defaults(tmp_path):
    policy = load_policy(write(tmp_path, EXAMPLE))
    assert policy.calendar.extra_holidays == ("07-11",)
    assert not policy.calendar.is_working_day(date(2025, 7, 11))

    screen = policy.for_task("topic", "screen")
    assert screen.due == "10 working days"
    assert [o.label for o in screen.reminders] == ["-7d", "-1d", "0d", "+1d"]
    assert screen.remind == ("assignee", "role:chair")
    assert screen.grace == "3 working days"
    assert screen.escalate_message == "screening_overdue"
    assert screen.escalate_notify == ("role:chair",)
    assert screen.repeat == timedelta(days=7)  # inherited from [defaults]
    assert screen.reminder_time == time(9, 0)  # inherited

    decide = policy.for_task("topic", "decide")
    assert decide.reminder_time == time(8, 30)
    assert decide.repeat == timedelta(days=1)
    assert [o.label for o in decide.reminders] == ["-1d", "0d"]  # inherited
    assert decide.grace == "5 working days"  # inherited

    assert policy.for_task("topic", "unknown") == policy.defaults
    assert policy.for_task("other", "screen") == policy.defaults


def test_defaults_in_the_file_apply_to_tasks_that_do_not_override_them(tmp_path):
    text = """
[defaults]
reminders = ["-2wd", "0d"]
repeat = "none"
grace = "none"
due = "P2W"

[task."p/t"]
remind = ["user:an.peeters@example.org"]
"""
    policy = load_policy(write(tmp_path, text))
    task = policy.for_task("p", "t")
    assert task.reminders == (Offset(-2, "wd", "-2wd"), Offset(0, "d", "0d"))
    assert task.repeat is None
    assert task.grace is None
    assert task.due == "P2W"
    assert task.remind == ("user:an.peeters@example.org",)
    assert task.escalate_notify == ("role:chair",)


def test_a_task_escalate_table_replaces_the_default_whole(tmp_path):
    text = '[task."p/t"]\nescalate = { message = "late" }\n'
    task = load_policy(write(tmp_path, text)).for_task("p", "t")
    assert task.escalate_message == "late"
    assert task.escalate_notify == ()


def test_policy_is_a_plain_value_that_can_be_built_in_code():
    task = replace(DEFAULT_TASK_POLICY, grace="1 working day")
    policy = Policy(tasks={"p/t": task})
    assert policy.for_task("p", "t").grace == "1 working day"
    assert policy.for_task("p", "u").grace == "5 working days"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-7d", Offset(-7, "d", "-7d")),
        ("+1d", Offset(1, "d", "+1d")),
        ("1d", Offset(1, "d", "+1d")),
        ("0d", Offset(0, "d", "0d")),
        ("-0d", Offset(0, "d", "0d")),
        ("-2w", Offset(-2, "w", "-2w")),
        ("-3WD", Offset(-3, "wd", "-3wd")),
    ],
)
def test_offsets(text, expected):
    assert parse_offset(text) == expected


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[defaults]\nremindrs = ['-1d']\n", "defaults.remindrs", "unknown key 'remindrs'"),
        ("[calender]\n", "calender", "unknown top-level table 'calender'"),
        ("[calendar]\ncountri = 'BE'\n", "calendar.countri", "unknown key 'countri'"),
        (
            "[task.\"topic/screen\"]\nreminders = ['-1d', '-7x']\n",
            'task."topic/screen".reminders[1]',
            "bad offset '-7x'",
        ),
        (
            "[task.\"topic/screen\"]\ndue = '10 werkdays'\n",
            'task."topic/screen".due',
            "due rule '10 werkdays' is not understood",
        ),
        ("[defaults]\ngrace = 'soon'\n", "defaults.grace", "not from a case variable ('soon')"),
        ("[defaults]\ngrace = '5 dayz'\n", "defaults.grace", "due rule '5 dayz' is not understood"),
        (
            "[defaults]\ngrace = '2 days after meeting_date'\n",
            "defaults.grace",
            "not from a case variable ('meeting_date')",
        ),
        ("[defaults]\nreminder_time = '25:00'\n", "defaults.reminder_time", "bad time '25:00'"),
        ("[defaults]\nreminder_time = '9h'\n", "defaults.reminder_time", "bad time '9h'"),
        ("[defaults]\nreminder_time = 9\n", "defaults.reminder_time", "must be a string"),
        ("[defaults]\nrepeat = 'monthly'\n", "defaults.repeat", "bad repeat 'monthly'"),
        ("[defaults]\nremind = ['boss']\n", "defaults.remind[0]", "bad recipient 'boss'"),
        ("[defaults]\nremind = 'assignee'\n", "defaults.remind", "must be a list of strings"),
        (
            "[defaults]\nescalate = { notify = [], message = '' }\n",
            "defaults.escalate.message",
            "must name a BPMN message",
        ),
        (
            "[defaults]\nescalate = { notify = [] }\n",
            "defaults",
            "escalate has neither 'message' nor 'notify'",
        ),
        (
            "[defaults]\nescalate = { to = 'chair' }\n",
            "defaults.escalate.to",
            "unknown key 'to'",
        ),
        (
            "[defaults]\nworking_days_only = 'yes'\n",
            "defaults.working_days_only",
            "must be true or false",
        ),
        (
            "[task.screen]\ngrace = '1 day'\n",
            'task."screen"',
            "must be 'process_id/task_element_id'",
        ),
        ("[calendar]\ntimezone = 'Europe/Gent'\n", "calendar", "unknown time zone 'Europe/Gent'"),
        ("[calendar]\nextra_holidays = ['11/07']\n", "calendar", "extra holiday '11/07'"),
        ("[calendar]\nwork_days = ['mon']\n", "calendar.work_days", "weekday numbers"),
        ("defaults = 3\n", "defaults", "must be a table, got an integer"),
    ],
)
def test_bad_values_name_the_file_and_the_key(tmp_path, text, key, fragment):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: ")
    assert fragment in message
    assert isinstance(info.value, ValueError)


def test_invalid_toml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, '[defaults]\nreminders = ["-1d",\ngrace = \n')
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path}: invalid TOML: ")
    assert "line 3" in str(info.value)


# --- reminder times ---------------------------------------------------------------------------


def test_default_reminders_day_before_and_on_the_due_date_at_nine_local():
    due_at = end_of_local_day(date(2026, 6, 10))  # a Wednesday
    assert reminder_times(DEFAULT_TASK_POLICY, due_at, BE) == [
        ("-1d", utc(2026, 6, 9, 7)),
        ("0d", utc(2026, 6, 10, 7)),
    ]


def test_reminders_on_a_weekend_move_to_friday_before_and_monday_after():
    due_sunday = end_of_local_day(date(2026, 6, 14))
    times = reminder_times(policy_with("-1d", "0d", "+1d", "+2wd"), due_sunday, BE)
    # -1d is Saturday -> Friday; 0d Sunday -> the same Friday, a duplicate dropped; +1d is Monday.
    assert times == [
        ("-1d", utc(2026, 6, 12, 7)),
        ("+1d", utc(2026, 6, 15, 7)),
        ("+2wd", utc(2026, 6, 16, 7)),
    ]
    due_thursday = end_of_local_day(date(2026, 6, 11))
    assert reminder_times(policy_with("+2d"), due_thursday, BE) == [("+2d", utc(2026, 6, 15, 7))]
    due_tuesday = end_of_local_day(date(2026, 6, 16))
    assert reminder_times(policy_with("-2d"), due_tuesday, BE) == [("-2d", utc(2026, 6, 12, 7))]


def test_reminders_skip_holidays_backwards_over_christmas():
    due_monday = end_of_local_day(date(2026, 12, 28))
    times = reminder_times(policy_with("-1d", "-3d", "0d"), due_monday, BE)
    # -1d Sunday, -3d Christmas Friday: both go back to Thursday 24 December; the first listed wins.
    assert times == [("-1d", utc(2026, 12, 24, 8)), ("0d", utc(2026, 12, 28, 8))]


def test_reminders_may_land_on_weekends_when_allowed():
    due_sunday = end_of_local_day(date(2026, 6, 14))
    times = reminder_times(policy_with("-1d", "0d", working_days_only=False), due_sunday, BE)
    assert times == [("-1d", utc(2026, 6, 13, 7)), ("0d", utc(2026, 6, 14, 7))]


def test_week_and_working_day_offsets_and_sorting():
    due_tuesday = end_of_local_day(date(2026, 4, 7))  # after Easter Monday
    times = reminder_times(policy_with("+1d", "-3wd", "0d", "-2w"), due_tuesday, BE)
    assert times == [
        ("-2w", utc(2026, 3, 24, 8)),  # before the DST change: 09:00 CET
        ("-3wd", utc(2026, 4, 1, 7)),  # Fri 3, Thu 2, Wed 1 (Easter Monday skipped)
        ("0d", utc(2026, 4, 7, 7)),
        ("+1d", utc(2026, 4, 8, 7)),
    ]


def test_reminders_use_the_configured_time_and_the_flemish_holiday(tmp_path):
    policy = load_policy(write(tmp_path, EXAMPLE))
    due_monday = end_of_local_day(date(2025, 7, 14))
    times = reminder_times(policy.for_task("topic", "decide"), due_monday, policy.calendar)
    # -1d is Sunday 13 July; Saturday 12; Friday 11 July is the configured holiday -> Thursday.
    assert times == [("-1d", utc(2025, 7, 10, 6, 30)), ("0d", utc(2025, 7, 14, 6, 30))]


# --- repeats ----------------------------------------------------------------------------------


def iterate_repeats(policy: TaskPolicy, first: datetime, until: date) -> list[datetime]:
    moments = [first]
    while True:
        following = next_repeat(policy, moments[-1], BE)
        assert following is not None
        if BE.local_date(following) > until:
            return moments
        moments.append(following)


def test_daily_repeat_across_the_spring_dst_change_is_once_a_day_at_nine_local():
    daily = replace(DEFAULT_TASK_POLICY, repeat=timedelta(days=1), working_days_only=False)
    moments = iterate_repeats(daily, utc(2026, 3, 27, 8), date(2026, 3, 31))
    assert moments == [
        utc(2026, 3, 27, 8),
        utc(2026, 3, 28, 8),
        utc(2026, 3, 29, 7),
        utc(2026, 3, 30, 7),
        utc(2026, 3, 31, 7),
    ]
    assert local_times(moments) == [
        "Fri 2026-03-27 09:00",
        "Sat 2026-03-28 09:00",
        "Sun 2026-03-29 09:00",
        "Mon 2026-03-30 09:00",
        "Tue 2026-03-31 09:00",
    ]


def test_daily_repeat_across_the_autumn_dst_change_is_once_a_day_at_nine_local():
    daily = replace(DEFAULT_TASK_POLICY, repeat=timedelta(days=1), working_days_only=False)
    moments = iterate_repeats(daily, utc(2026, 10, 23, 7), date(2026, 10, 27))
    assert moments == [
        utc(2026, 10, 23, 7),
        utc(2026, 10, 24, 7),
        utc(2026, 10, 25, 8),
        utc(2026, 10, 26, 8),
        utc(2026, 10, 27, 8),
    ]
    assert [m.astimezone(BRUSSELS).time() for m in moments] == [time(9)] * 5
    assert [BE.local_date(m).day for m in moments] == [23, 24, 25, 26, 27]


def test_daily_repeat_on_working_days_only_skips_the_weekend():
    daily = replace(DEFAULT_TASK_POLICY, repeat=timedelta(days=1))
    moments = iterate_repeats(daily, utc(2026, 3, 27, 8), date(2026, 3, 31))
    assert local_times(moments) == [
        "Fri 2026-03-27 09:00",
        "Mon 2026-03-30 09:00",
        "Tue 2026-03-31 09:00",
    ]
    moments = iterate_repeats(daily, utc(2026, 10, 23, 7), date(2026, 10, 27))
    assert moments == [utc(2026, 10, 23, 7), utc(2026, 10, 26, 8), utc(2026, 10, 27, 8)]


def test_weekly_repeat_moves_off_a_holiday_and_resets_to_reminder_time():
    last = utc(2026, 5, 7, 14, 45)  # Thursday, a late manual reminder
    # A week later is Ascension Day -> Friday 15 May (a bank holiday only), 09:00 local.
    assert next_repeat(DEFAULT_TASK_POLICY, last, BE) == utc(2026, 5, 15, 7)


def test_no_repeat_gives_none():
    assert next_repeat(replace(DEFAULT_TASK_POLICY, repeat=None), utc(2026, 5, 7, 7), BE) is None


# --- escalation -------------------------------------------------------------------------------


def test_escalation_after_five_working_days_skips_easter_monday():
    due_at = end_of_local_day(date(2026, 4, 2))
    assert escalation_time(DEFAULT_TASK_POLICY, due_at, BE) == utc(2026, 4, 10, 21, 59)


def test_escalation_with_other_grace_rules():
    due_at = end_of_local_day(date(2026, 4, 2))
    assert escalation_time(replace(DEFAULT_TASK_POLICY, grace="P3D"), due_at, BE) == utc(
        2026, 4, 5, 21, 59
    )
    assert escalation_time(replace(DEFAULT_TASK_POLICY, grace="1 week"), due_at, BE) == utc(
        2026, 4, 9, 21, 59
    )
    assert escalation_time(replace(DEFAULT_TASK_POLICY, grace=None), due_at, BE) is None


def test_escalation_uses_the_configured_calendar(tmp_path):
    policy = load_policy(write(tmp_path, EXAMPLE))
    screen = policy.for_task("topic", "screen")
    due_at = end_of_local_day(date(2025, 7, 9))  # Wednesday
    # 3 working days: Thu 10, (Fri 11 Flemish holiday), Mon 14, Tue 15
    assert escalation_time(screen, due_at, policy.calendar) == end_of_local_day(date(2025, 7, 15))
    assert escalation_time(screen, due_at, BE) == end_of_local_day(date(2025, 7, 14))
