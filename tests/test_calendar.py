"""The working-day calendar: Belgian holidays, weekends, extra holidays and DST (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.timing import calendar as calendar_module
from engine.timing.calendar import WorkCalendar

BRUSSELS = ZoneInfo("Europe/Brussels")
BE = WorkCalendar()
FLEMISH = WorkCalendar(subdivision="Flemish", extra_holidays=("07-11",))


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Brussels wall-clock time as an aware datetime (for readable inputs)."""
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- holidays ---------------------------------------------------------------------------------


def test_belgian_public_holidays_have_dutch_names_and_are_not_working_days():
    assert BE.holiday_name(date(2026, 4, 6)) == "Paasmaandag"
    assert BE.holiday_name(date(2026, 7, 21)) == "Nationale feestdag"
    assert BE.holiday_name(date(2026, 12, 25)) == "Kerstmis"
    assert not BE.is_working_day(date(2026, 4, 6))
    assert not BE.is_working_day(date(2026, 11, 11))


def test_weekends_are_not_working_days_but_have_no_holiday_name():
    saturday = date(2026, 4, 4)
    assert BE.holiday_name(saturday) is None
    assert not BE.is_working_day(saturday)
    assert not BE.is_working_day(date(2026, 4, 5))  # Easter Sunday
    assert BE.is_working_day(date(2026, 4, 7))


def test_bank_holidays_are_working_days():
    # Good Friday is a bank holiday in Belgium, not a public one.
    assert BE.holiday_name(date(2026, 4, 3)) is None
    assert BE.is_working_day(date(2026, 4, 3))


def test_the_flemish_holiday_is_not_in_the_library_so_it_is_configured_as_extra():
    friday = date(2025, 7, 11)
    assert WorkCalendar(subdivision="Flemish").is_working_day(friday)
    assert FLEMISH.holiday_name(friday) == "Extra holiday"
    assert not FLEMISH.is_working_day(friday)
    assert FLEMISH.holiday_name(date(2031, 7, 11)) == "Extra holiday"


def test_extra_holidays_may_carry_a_name_or_happen_once():
    cal = WorkCalendar(extra_holidays=("07-11 Feest van de Vlaamse Gemeenschap", "2026-07-10"))
    assert cal.holiday_name(date(2025, 7, 11)) == "Feest van de Vlaamse Gemeenschap"
    assert cal.holiday_name(date(2026, 7, 10)) == "Extra holiday"
    assert cal.holiday_name(date(2025, 7, 10)) is None
    assert cal.is_working_day(date(2025, 7, 10))


def test_an_extra_holiday_on_a_library_holiday_keeps_both_names():
    cal = WorkCalendar(extra_holidays=("12-25 Office closed",))
    assert cal.holiday_name(date(2026, 12, 25)) == "Kerstmis, Office closed"


def test_february_29_extra_holiday_only_exists_in_leap_years():
    cal = WorkCalendar(extra_holidays=("02-29",))
    assert cal.holiday_name(date(2028, 2, 29)) == "Extra holiday"
    assert cal.is_working_day(date(2027, 2, 26))
    assert cal.is_working_day(date(2027, 3, 1))


def test_custom_work_days():
    four_day_week = WorkCalendar(work_days=(0, 1, 2, 3))
    assert not four_day_week.is_working_day(date(2026, 6, 12))  # a Friday
    assert four_day_week.next_working_day(date(2026, 6, 12)) == date(2026, 6, 15)


def test_holidays_are_cached_per_year():
    cal = WorkCalendar(extra_holidays=("03-03",))
    calendar_module._holidays_for.cache_clear()
    names = {cal.holiday_name(date(2030, 3, day)) for day in range(1, 29)}
    assert names == {None, "Extra holiday"}
    info = calendar_module._holidays_for.cache_info()
    assert info.misses == 1
    assert info.hits == 27


# --- rolling to working days ------------------------------------------------------------------


def test_next_and_previous_working_day():
    assert BE.next_working_day(date(2026, 4, 4)) == date(2026, 4, 7)  # Sat -> Tue after Easter
    assert BE.next_working_day(date(2026, 4, 7)) == date(2026, 4, 7)
    assert BE.previous_working_day(date(2026, 4, 6)) == date(2026, 4, 3)
    assert BE.previous_working_day(date(2026, 12, 27)) == date(2026, 12, 24)
    assert BE.next_working_day(date(2026, 12, 31)) == date(2026, 12, 31)
    assert BE.next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)


def test_ten_working_days_from_thursday_skip_easter_weekend_and_easter_monday():
    result = BE.add_working_days(local(2026, 4, 2, 9), 10)
    assert result == utc(2026, 4, 17, 7)  # Friday 17 April, 09:00 local
    assert result.tzinfo is UTC


def test_working_days_across_christmas_and_new_year():
    result = BE.add_working_days(local(2026, 12, 23, 14), 7)
    # Thu 24 (1), Fri 25 Christmas, Mon 28 (2) .. Thu 31 (5), Fri 1 Jan, Mon 4 (6), Tue 5 (7)
    assert result == utc(2027, 1, 5, 13)


def test_working_days_skip_the_configured_eleventh_of_july():
    start = local(2025, 7, 9, 10)  # a Wednesday
    assert BE.add_working_days(start, 5) == utc(2025, 7, 16, 8)
    assert FLEMISH.add_working_days(start, 5) == utc(2025, 7, 17, 8)
    # and 21 July, the national day, is skipped by both
    assert FLEMISH.add_working_days(local(2025, 7, 18, 10), 1) == utc(2025, 7, 22, 8)


def test_negative_working_days_go_back():
    assert BE.add_working_days(local(2026, 4, 7, 9), -2) == utc(2026, 4, 2, 7)
    assert BE.add_working_days(local(2027, 1, 4, 9), -1) == utc(2026, 12, 31, 8)


def test_zero_working_days_moves_only_off_a_day_off():
    assert BE.add_working_days(local(2026, 4, 4, 10), 0) == utc(2026, 4, 7, 8)
    assert BE.add_working_days(local(2026, 4, 8, 10, 30), 0) == utc(2026, 4, 8, 8, 30)


def test_the_start_day_does_not_count_so_saturday_and_friday_give_the_same_monday():
    assert BE.add_working_days(local(2026, 6, 13, 14), 1) == utc(2026, 6, 15, 12)
    assert BE.add_working_days(local(2026, 6, 12, 14), 1) == utc(2026, 6, 15, 12)


def test_working_days_keep_the_local_time_across_dst_changes():
    # Spring: Friday 09:00 CET is 08:00 UTC; Monday 09:00 CEST is 07:00 UTC.
    assert BE.add_working_days(utc(2026, 3, 27, 8), 1) == utc(2026, 3, 30, 7)
    # Autumn: Friday 09:00 CEST is 07:00 UTC; Monday 09:00 CET is 08:00 UTC.
    assert BE.add_working_days(utc(2026, 10, 23, 7), 1) == utc(2026, 10, 26, 8)


def test_add_days_keeps_local_time():
    assert BE.add_days(utc(2026, 3, 28, 8), 1) == utc(2026, 3, 29, 7)
    assert BE.add_days(utc(2026, 10, 25, 8), -1) == utc(2026, 10, 24, 7)


# --- local time -------------------------------------------------------------------------------


def test_local_date_uses_the_calendar_time_zone():
    assert BE.local_date(utc(2026, 3, 28, 23, 30)) == date(2026, 3, 29)
    assert BE.local_date(utc(2026, 1, 15, 22, 59)) == date(2026, 1, 15)
    assert BE.local_date(utc(2026, 1, 15, 23, 0)) == date(2026, 1, 16)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        BE.local_date(datetime(2026, 1, 15, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        BE.add_working_days(datetime(2026, 1, 15, 9), 1)


def test_nine_local_is_seven_utc_in_summer_and_eight_in_winter():
    assert BE.at_local(date(2026, 7, 1), time(9)) == utc(2026, 7, 1, 7)
    assert BE.at_local(date(2026, 1, 15), time(9)) == utc(2026, 1, 15, 8)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 3, 29), utc(2026, 3, 29, 7)), (date(2026, 10, 25), utc(2026, 10, 25, 8))],
)
def test_dst_change_days_have_exactly_one_nine_oclock(day, expected):
    assert BE.at_local(day, time(9)) == expected
    start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=3)
    quarter_hours = (start + timedelta(minutes=15 * n) for n in range(4 * 30))
    nines = [
        moment
        for moment in quarter_hours
        if moment.astimezone(BRUSSELS).date() == day
        and moment.astimezone(BRUSSELS).time() == time(9)
    ]
    assert nines == [expected]


def test_a_time_in_the_spring_gap_becomes_the_moment_of_the_change():
    # 02:00-03:00 does not exist on 29 March 2026; clocks jump from 02:00 CET to 03:00 CEST.
    result = BE.at_local(date(2026, 3, 29), time(2, 30))
    assert result == utc(2026, 3, 29, 1)
    assert result.astimezone(BRUSSELS).time() == time(3, 0)
    assert BE.at_local(date(2026, 3, 29), time(3, 0)) == utc(2026, 3, 29, 1)


def test_a_time_in_the_autumn_overlap_is_its_first_occurrence():
    # 02:30 happens twice on 25 October 2026: 00:30 UTC (CEST) and 01:30 UTC (CET).
    assert BE.at_local(date(2026, 10, 25), time(2, 30)) == utc(2026, 10, 25, 0, 30)


def test_at_local_in_another_time_zone():
    new_york = WorkCalendar(country="US", timezone="America/New_York")
    assert new_york.at_local(date(2026, 7, 1), time(9)) == utc(2026, 7, 1, 13)
    assert new_york.holiday_name(date(2026, 7, 3)) is not None  # Independence Day observed


# --- configuration errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"timezone": "Europe/Gent"}, "unknown time zone 'Europe/Gent'"),
        ({"extra_holidays": ("11-07-2026",)}, "extra holiday '11-07-2026' is not 'MM-DD'"),
        ({"extra_holidays": ("13-45",)}, "extra holiday '13-45' is not a valid date"),
        ({"work_days": ()}, "work_days must name at least one weekday"),
        ({"work_days": (0, 7)}, "work_days: 7 is not a weekday number 0-6"),
        ({"country": "XX"}, "no holiday calendar for country 'XX'"),
        ({"subdivision": "Wallonia"}, "subdivision 'Wallonia'"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(settings, message):
    with pytest.raises(ValueError) as info:
        WorkCalendar(**settings)
    assert message in str(info.value)


def test_lists_are_stored_as_tuples_so_the_calendar_is_hashable():
    cal = WorkCalendar(extra_holidays=["07-11"], work_days=[0, 1, 2, 3, 4])  # type: ignore[arg-type]
    assert cal.extra_holidays == ("07-11",)
    assert cal == FLEMISH.__class__(extra_holidays=("07-11",))
    assert hash(cal) == hash(WorkCalendar(extra_holidays=("07-11",)))
