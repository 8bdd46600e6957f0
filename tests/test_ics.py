"""io/ics: the iCalendar writer, its output parsed back with the `icalendar` package (a real RFC 5545 parser)."""

import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

from exit_tui.io.ics import (
    DEFAULT_PRODUCT,
    CalendarEvent,
    calendar_text,
    escape_text,
    fold_line,
    stable_uid,
    write_calendar,
)

STAMP = datetime(2026, 11, 28, 9, 30, 5, tzinfo=timezone.utc)
TRICKY = "退场, 交接; 钥匙\\备份\n第二行 [紧急] (业主委员会)"
LONG_ZH = "向业主委员会和街道办事处书面告知物业服务合同到期不再续约并移交全部共用部位共用设施设备档案资料" * 2


def sample_events() -> list[CalendarEvent]:
    return [
        CalendarEvent(uid=stable_uid("P-0001", "T-0042"), day=date(2026, 12, 31), summary="公示退出通知",
                      description="依据《物业管理条例》第三十八条"),
        CalendarEvent(uid=stable_uid("P-0001", "T-0043"), day=date(2028, 2, 29), summary=TRICKY,
                      description=TRICKY, alarm_days_before=3),
        CalendarEvent(uid=stable_uid("P-0001", "LAW-1"), day=date(2027, 1, 5), summary=LONG_ZH,
                      alarm_days_before=None),
        CalendarEvent(uid=stable_uid("P-0001", "T-0044"), day=date(2027, 1, 6), summary="当天提醒",
                      alarm_days_before=0),
    ]


def render(events=None, **kwargs) -> str:
    return calendar_text(sample_events() if events is None else events,
                         name=kwargs.pop("name", "阳光花园, 退出 [P-0001]"), stamp=kwargs.pop("stamp", STAMP), **kwargs)


def parsed_events(text: str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(text.encode("utf-8"))
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


# -- parsed back ---------------------------------------------------------------------------------------------


def test_calendar_parses_with_header_properties():
    cal = icalendar.Calendar.from_ical(render().encode("utf-8"))
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == DEFAULT_PRODUCT
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    # icalendar does not know the X-WR-CALNAME extension's type, so it hands the value back still escaped (TEXT)
    assert str(cal["X-WR-CALNAME"]) == "阳光花园\\, 退出 [P-0001]"
    assert len(cal.walk("VEVENT")) == 4


def test_events_round_trip_uids_dates_and_text():
    events = parsed_events(render())
    assert set(events) == {"P-0001-T-0042@exit-tui", "P-0001-T-0043@exit-tui", "P-0001-LAW-1@exit-tui",
                           "P-0001-T-0044@exit-tui"}
    for source in sample_events():
        event = events[source.uid]
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        assert type(start) is date and type(end) is date  # all-day, not datetimes
        assert start == source.day
        assert end == source.day + timedelta(days=1)
        assert str(event["SUMMARY"]) == source.summary
        assert event.decoded("DTSTAMP") == STAMP
        if source.description:
            assert str(event["DESCRIPTION"]) == source.description
        else:
            assert "DESCRIPTION" not in event


def test_special_characters_round_trip():
    events = parsed_events(render())
    tricky = events["P-0001-T-0043@exit-tui"]
    assert str(tricky["SUMMARY"]) == TRICKY
    assert str(tricky["DESCRIPTION"]) == TRICKY
    assert "\n" in str(tricky["SUMMARY"]) and "[紧急]" in str(tricky["SUMMARY"])


def test_leap_day_event_ends_on_march_first():
    event = parsed_events(render())["P-0001-T-0043@exit-tui"]
    assert event.decoded("DTEND") == date(2028, 3, 1)


def test_alarms():
    events = parsed_events(render())
    one_day = events["P-0001-T-0042@exit-tui"].walk("VALARM")
    assert len(one_day) == 1
    alarm = one_day[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "公示退出通知"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)

    (three,) = events["P-0001-T-0043@exit-tui"].walk("VALARM")
    assert three.decoded("TRIGGER") == timedelta(days=-3)
    assert str(three["DESCRIPTION"]) == TRICKY

    (same_day,) = events["P-0001-T-0044@exit-tui"].walk("VALARM")
    assert same_day.decoded("TRIGGER") == timedelta(0)

    assert events["P-0001-LAW-1@exit-tui"].walk("VALARM") == []


def test_raw_lines_are_as_specified():
    text = render([CalendarEvent(uid="U-1@exit-tui", day=date(2026, 12, 31), summary="a")])
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines[:5] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{DEFAULT_PRODUCT}", "CALSCALE:GREGORIAN",
                         "X-WR-CALNAME:阳光花园\\, 退出 [P-0001]"]
    assert "DTSTAMP:20261128T093005Z" in lines
    assert "DTSTART;VALUE=DATE:20261231" in lines
    assert "DTEND;VALUE=DATE:20270101" in lines
    assert "TRIGGER:-P1D" in lines
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_stamp_is_converted_to_utc():
    shanghai = timezone(timedelta(hours=8))
    text = render(stamp=datetime(2026, 11, 28, 8, 0, 0, tzinfo=shanghai))
    assert "DTSTAMP:20261128T000000Z\r\n" in text
    naive = render(stamp=datetime(2026, 11, 28, 8, 0, 0))
    assert "DTSTAMP:20261128T080000Z\r\n" in naive


def test_empty_calendar_still_parses():
    cal = icalendar.Calendar.from_ical(render([]).encode("utf-8"))
    assert cal.walk("VEVENT") == []


# -- line form ---------------------------------------------------------------------------------------------


def test_every_physical_line_is_at_most_75_octets_and_ends_with_crlf():
    data = render().encode("utf-8")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    for line in physical[:-1]:
        assert len(line) <= 75, line
    assert any(line.startswith(b" ") for line in physical)  # the long summary was folded


def test_folding_never_splits_a_character():
    data = render().encode("utf-8")
    folded = [line for line in data.split(b"\r\n") if line.startswith(b" ")]
    assert folded
    for line in data.split(b"\r\n"):
        line.decode("utf-8")  # raises if a multi-byte character was cut
    # unfolding (drop CRLF + one space) gives back the whole long summary
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert f"SUMMARY:{LONG_ZH}\r\n" in unfolded


def test_fold_line_fills_lines_up_to_the_limit():
    ascii_line = "DESCRIPTION:" + "x" * 200
    physical = fold_line(ascii_line).split("\r\n")[:-1]
    assert len(physical[0].encode()) == 75
    assert all(len(p.encode()) == 75 for p in physical[1:-1])
    assert all(p.startswith(" ") and not p.startswith("  ") for p in physical[1:])
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == ascii_line
    # three-byte characters: 12 octets of name, then 21 characters = 63 octets fit in 75, the 22nd would not
    zh = fold_line("DESCRIPTION:" + "中" * 100).split("\r\n")[:-1]
    assert len(zh[0].encode()) == 75
    assert all(len(p.encode()) <= 75 for p in zh)
    # four-byte characters (emoji) are not split either
    emoji = fold_line("SUMMARY:" + "🏠" * 40).split("\r\n")[:-1]
    for p in emoji:
        assert len(p.encode()) <= 75
        p.encode().decode("utf-8")


def test_short_line_is_not_folded():
    assert fold_line("VERSION:2.0") == "VERSION:2.0\r\n"
    exactly = "X" * 75
    assert fold_line(exactly) == exactly + "\r\n"
    assert fold_line("X" * 76) == "X" * 75 + "\r\n X\r\n"


def test_escape_text():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert escape_text("x\r\ny\rz") == "x\\ny\\nz"
    assert escape_text("tab\tok\x00\x07\x1f\x7f") == "tab\tok"
    assert escape_text("[括号]:冒号") == "[括号]:冒号"


# -- UIDs ------------------------------------------------------------------------------------------------------


def test_stable_uid_format():
    assert stable_uid("P-0001", "T-0042") == "P-0001-T-0042@exit-tui"
    assert stable_uid("P-0001", "T-0042", domain="example.org") == "P-0001-T-0042@example.org"
    with pytest.raises(ValueError):
        stable_uid("", "T-1")
    with pytest.raises(ValueError):
        stable_uid("P 1", "T-1")
    with pytest.raises(ValueError):
        stable_uid("P-1", "T@1")


def test_uids_stable_across_renders():
    first = parsed_events(render())
    later = datetime(2027, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    # a later export, with one task renamed and moved: same UIDs, so a calendar updates rather than duplicates
    changed = [
        CalendarEvent(uid=stable_uid("P-0001", "T-0042"), day=date(2027, 1, 15), summary="公示退出通知(改期)"),
        *sample_events()[1:],
    ]
    second = parsed_events(render(changed, stamp=later))
    assert list(first) == list(second)
    assert second["P-0001-T-0042@exit-tui"].decoded("DTSTART") == date(2027, 1, 15)
    # the same input renders to the same text
    assert render() == render()


def test_duplicate_uid_is_rejected():
    event = CalendarEvent(uid="dup@exit-tui", day=date(2026, 1, 1), summary="a")
    with pytest.raises(ValueError, match="dup@exit-tui"):
        render([event, event])


def test_bad_events_are_rejected():
    with pytest.raises(ValueError):
        render([CalendarEvent(uid=" ", day=date(2026, 1, 1), summary="a")])
    with pytest.raises(ValueError):
        render([CalendarEvent(uid="u@x", day=date(2026, 1, 1), summary="a", alarm_days_before=-1)])


# -- writing ---------------------------------------------------------------------------------------------------


def test_write_calendar_is_atomic_and_keeps_crlf(tmp_path: Path):
    target = tmp_path / "退出日历.ics"
    target.write_bytes(b"old")
    text = render()
    write_calendar(target, text)
    data = target.read_bytes()
    assert data == text.encode("utf-8")
    assert b"\r\n" in data and b"\r\r\n" not in data
    assert os.listdir(tmp_path) == ["退出日历.ics"]  # no temporary file left behind
    cal = icalendar.Calendar.from_ical(data)
    assert len(cal.walk("VEVENT")) == 4


def test_write_calendar_failure_leaves_target_and_no_temp(tmp_path: Path, monkeypatch):
    target = tmp_path / "cal.ics"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise PermissionError("locked")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_calendar(target, render())
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["cal.ics"]
