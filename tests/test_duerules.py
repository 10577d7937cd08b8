"""The due-date mini-language: parsing, computing, and precise errors (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.timing.calendar import WorkCalendar
from engine.timing.duerules import DueRule, IsoDuration, parse_due, validate_due

BRUSSELS = ZoneInfo("Europe/Brussels")
BE = WorkCalendar()
MEETING = {"meeting_date": "2026-06-12"}  # a Friday


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def due(rule: str, now: datetime, data: dict | None = None, calendar: WorkCalendar = BE):
    return parse_due(rule).compute(now, data or {}, calendar)


# --- ISO 8601 durations -----------------------------------------------------------------------

THURSDAY_11_CET = utc(2026, 3, 26, 10)  # Thursday 26 March 2026, 11:00 in Brussels (CET)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("PT4H", utc(2026, 3, 26, 14)),
        ("pt90m", utc(2026, 3, 26, 11, 30)),
        ("P1DT12H", utc(2026, 3, 27, 22)),
        # date parts keep the local time of day across the DST change of 29 March:
        ("P10D", utc(2026, 4, 5, 9)),
        ("P2W", utc(2026, 4, 9, 9)),
        ("P1M", utc(2026, 4, 26, 9)),
    ],
)
def test_iso_durations(rule, expected):
    assert due(rule, THURSDAY_11_CET) == expected


def test_iso_months_clamp_to_the_end_of_the_month():
    assert due("P1M", utc(2026, 1, 31, 8)) == utc(2026, 2, 28, 8)
    assert due("P1Y", utc(2028, 2, 29, 8)) == utc(2029, 2, 28, 8)


def test_iso_duration_is_parsed_into_its_parts():
    rule = parse_due("P1W2DT3H")
    assert rule.unit == "duration"
    assert rule.duration == IsoDuration(days=9, elapsed=parse_due("PT3H").duration.elapsed)
    assert rule.duration.elapsed.total_seconds() == 3 * 3600


# --- counting from now ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule", ["10 working days", "10 werkdagen", "10  WORKING   Days", " 10 Werkdagen "]
)
def test_working_days_skip_weekends_and_easter_monday(rule):
    thursday_9 = utc(2026, 4, 2, 7)
    assert due(rule, thursday_9) == utc(2026, 4, 17, 7)


def test_one_working_day_singular_in_both_languages():
    friday_17 = utc(2026, 4, 3, 15)
    assert due("1 working day", friday_17) == utc(2026, 4, 7, 15)
    assert due("1 werkdag", friday_17) == utc(2026, 4, 7, 15)


def test_working_days_across_new_year_and_the_configured_flemish_holiday():
    assert due("3 working days", utc(2026, 12, 30, 9)) == utc(2027, 1, 5, 9)
    flemish = WorkCalendar(extra_holidays=("07-11",))
    assert due("2 werkdagen", utc(2025, 7, 10, 8), calendar=flemish) == utc(2025, 7, 15, 8)
    assert due("2 werkdagen", utc(2025, 7, 10, 8)) == utc(2025, 7, 14, 8)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("3 days", utc(2026, 3, 31, 7)),
        ("3 dagen", utc(2026, 3, 31, 7)),
        ("1 day", utc(2026, 3, 29, 7)),
        ("2 weeks", utc(2026, 4, 11, 7)),
        ("2 weken", utc(2026, 4, 11, 7)),
        ("1 week", utc(2026, 4, 4, 7)),
    ],
)
def test_calendar_days_and_weeks_keep_local_time_across_dst(rule, expected):
    saturday_9_cet = utc(2026, 3, 28, 8)
    assert due(rule, saturday_9_cet) == expected


# --- counting from a date in the case data ----------------------------------------------------


def test_five_days_before_a_meeting_date_is_the_end_of_that_local_day():
    result = due("5 days before meeting_date", utc(2026, 5, 1, 8), MEETING)
    assert result == utc(2026, 6, 7, 21, 59)
    assert result.astimezone(BRUSSELS).replace(tzinfo=None) == datetime(2026, 6, 7, 23, 59)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("5 werkdagen voor meeting_date", utc(2026, 6, 5, 21, 59)),
        ("5 working days before meeting_date", utc(2026, 6, 5, 21, 59)),
        ("2 working days after meeting_date", utc(2026, 6, 16, 21, 59)),
        ("1 week na meeting_date", utc(2026, 6, 19, 21, 59)),
        ("3 dagen na meeting_date", utc(2026, 6, 15, 21, 59)),
        ("meeting_date", utc(2026, 6, 12, 21, 59)),
    ],
)
def test_rules_relative_to_a_date_variable(rule, expected):
    assert due(rule, utc(2026, 5, 1, 8), MEETING) == expected


def test_a_winter_date_ends_at_2259_utc():
    assert due("deadline", utc(2026, 1, 1, 8), {"deadline": "2026-01-15"}) == utc(
        2026, 1, 15, 22, 59
    )


def test_working_days_before_a_date_skip_easter_monday():
    data = {"meeting_date": "2026-04-07"}  # the Tuesday after Easter Monday
    assert due("3 working days before meeting_date", utc(2026, 3, 1, 8), data) == utc(
        2026, 4, 1, 21, 59
    )


def test_a_datetime_variable_keeps_its_time_of_day():
    data = {"hearing": "2026-06-12T14:00:00+02:00"}
    assert due("1 week after hearing", utc(2026, 5, 1, 8), data) == utc(2026, 6, 19, 12)
    assert due("hearing", utc(2026, 5, 1, 8), {"hearing": "2026-06-12T12:00:00Z"}) == utc(
        2026, 6, 12, 12
    )


def test_a_datetime_without_offset_is_local_wall_time():
    data = {"hearing": "2026-06-12T14:00"}
    assert due("hearing", utc(2026, 5, 1, 8), data) == utc(2026, 6, 12, 12)


def test_python_date_and_datetime_values_and_dotted_paths():
    data = {"meeting": {"date": date(2026, 6, 12)}, "at": datetime(2026, 6, 12, 9, tzinfo=UTC)}
    assert due("2 dagen voor meeting.date", utc(2026, 5, 1, 8), data) == utc(2026, 6, 10, 21, 59)
    assert due("1 day after at", utc(2026, 5, 1, 8), data) == utc(2026, 6, 13, 9)


def test_parsed_rule_fields():
    assert parse_due("5 Werkdagen VOOR meeting_date") == DueRule(
        text="5 Werkdagen VOOR meeting_date",
        unit="working_days",
        amount=-5,
        variable="meeting_date",
    )
    assert parse_due("2 weeks after x") == DueRule(
        text="2 weeks after x", unit="days", amount=14, variable="x"
    )
    assert parse_due("pt_date").variable == "pt_date"


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("", "due rule '' is empty"),
        ("5 dayz", "due rule '5 dayz' is not understood"),
        ("5 days before", "due rule '5 days before' is not understood"),
        ("days before meeting_date", "due rule 'days before meeting_date' is not understood"),
        ("P10X", "due rule 'P10X' is not understood"),
        ("P", "due rule 'P' is not understood"),
        ("-3 days", "due rule '-3 days' is not understood"),
        ("10 working days before 2026-06-12", "is not understood"),
    ],
)
def test_bad_rules_name_the_rule_and_the_grammar(rule, fragment):
    with pytest.raises(ValueError) as info:
        parse_due(rule)
    assert fragment in str(info.value)
    assert "expected an ISO 8601 duration" in str(info.value)
    assert validate_due(rule) == str(info.value)


def test_non_text_rules_are_refused():
    with pytest.raises(ValueError, match=r"due rule must be text, got int: 10"):
        parse_due(10)  # type: ignore[arg-type]


def test_validate_due_accepts_good_rules():
    for rule in ("P10D", "10 werkdagen", "5 days before meeting_date", "meeting_date"):
        assert validate_due(rule) is None


def test_missing_variable_is_named_at_compute_time():
    with pytest.raises(ValueError) as info:
        due("5 days before meeting_date", utc(2026, 5, 1, 8), {"other": "2026-06-12"})
    assert str(info.value) == (
        "due rule '5 days before meeting_date': case data has no variable 'meeting_date'"
    )


@pytest.mark.parametrize("value", ["next friday", "2026-13-01", 42, None])
def test_a_variable_that_is_not_a_date_is_named(value):
    with pytest.raises(ValueError) as info:
        due("meeting_date", utc(2026, 5, 1, 8), {"meeting_date": value})
    assert f"variable 'meeting_date' is not a date or datetime (ISO 8601): {value!r}" in str(
        info.value
    )


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="'now' must be timezone-aware"):
        parse_due("P1D").compute(datetime(2026, 5, 1, 8), {}, BE)
