"""io/ics: the calendar file built with the `icalendar` package, parsed back with it (a real RFC 5545 parser)."""

import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

from exit_tui.io.ics import DEFAULT_PRODUCT, CalendarEvent, calendar_bytes, stable_uid, write_calendar

STAMP = datetime(2026, 11, 28, 9, 30, 5, tzinfo=timezone.utc)
DB = "0123456789abcdef0123456789abcdef"
TRICKY = "退场, 交接; 钥匙\\备份\n第二行 [紧急] (业主委员会)"
LONG_ZH = "向业主委员会和街道办事处书面告知物业服务合同到期不再续约并移交全部共用部位共用设施设备档案资料" * 2


def sample_events() -> list[CalendarEvent]:
    return [
        CalendarEvent(uid=stable_uid("P-0001", "T-0042", DB), day=date(2026, 12, 31), summary="公示退出通知",
                      description="依据《物业管理条例》第三十八条"),
        CalendarEvent(uid=stable_uid("P-0001", "T-0043", DB), day=date(2028, 2, 29), summary=TRICKY,
                      description=TRICKY, alarm_days_before=3),
        CalendarEvent(uid=stable_uid("P-0001", "LAW-1", DB), day=date(2027, 1, 5), summary=LONG_ZH,
                      alarm_days_before=None),
        CalendarEvent(uid=stable_uid("P-0001", "T-0044", DB), day=date(2027, 1, 6), summary="当天提醒",
                      alarm_days_before=0),
    ]


def render(events=None, **kwargs) -> bytes:
    return calendar_bytes(sample_events() if events is None else events,
                          name=kwargs.pop("name", "阳光花园, 退出 [P-0001]"), uid=kwargs.pop("uid", f"P-0001.{DB}@exit-tui"),
                          stamp=kwargs.pop("stamp", STAMP), **kwargs)


def parsed_events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def uid(key: str) -> str:
    return f"P-0001-{key}.{DB}@exit-tui"


# -- parsed back ---------------------------------------------------------------------------------------------


def test_calendar_parses_with_header_properties():
    cal = icalendar.Calendar.from_ical(render(description="注意: 2027 年没有数据, 请核对"))
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == DEFAULT_PRODUCT
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert cal.calendar_name == "阳光花园, 退出 [P-0001]"  # NAME (RFC 7986) and X-WR-CALNAME
    assert str(cal["X-WR-CALNAME"]) == "阳光花园, 退出 [P-0001]"
    assert cal.description == "注意: 2027 年没有数据, 请核对"
    assert str(cal["UID"]) == f"P-0001.{DB}@exit-tui"
    assert len(cal.walk("VEVENT")) == 4
    assert "DESCRIPTION" not in icalendar.Calendar.from_ical(render())


def test_events_round_trip_uids_dates_and_text():
    events = parsed_events(render())
    assert set(events) == {uid("T-0042"), uid("T-0043"), uid("LAW-1"), uid("T-0044")}
    for source in sample_events():
        event = events[source.uid]
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        assert type(start) is date and type(end) is date  # all-day, not datetimes
        assert start == source.day
        assert end == source.day + timedelta(days=1)
        assert str(event["SUMMARY"]) == source.summary
        assert event.decoded("DTSTAMP") == STAMP
        assert event["SEQUENCE"] == source.sequence
        if source.description:
            assert str(event["DESCRIPTION"]) == source.description
        else:
            assert "DESCRIPTION" not in event


def test_special_characters_round_trip():
    events = parsed_events(render())
    tricky = events[uid("T-0043")]
    assert str(tricky["SUMMARY"]) == TRICKY
    assert str(tricky["DESCRIPTION"]) == TRICKY
    assert "\n" in str(tricky["SUMMARY"]) and "[紧急]" in str(tricky["SUMMARY"])


def test_leap_day_event_ends_on_march_first():
    event = parsed_events(render())[uid("T-0043")]
    assert event.decoded("DTEND") == date(2028, 3, 1)


def test_alarms():
    events = parsed_events(render())
    one_day = events[uid("T-0042")].walk("VALARM")
    assert len(one_day) == 1
    alarm = one_day[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "公示退出通知"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)

    (three,) = events[uid("T-0043")].walk("VALARM")
    assert three.decoded("TRIGGER") == timedelta(days=-3)
    assert str(three["DESCRIPTION"]) == TRICKY

    (same_day,) = events[uid("T-0044")].walk("VALARM")
    assert same_day.decoded("TRIGGER") == timedelta(0)

    assert events[uid("LAW-1")].walk("VALARM") == []


def test_raw_lines_are_as_specified():
    text = render([CalendarEvent(uid="U-1@exit-tui", day=date(2026, 12, 31), summary="a", sequence=3)]).decode()
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{DEFAULT_PRODUCT}"]
    assert "CALSCALE:GREGORIAN" in lines
    assert "DTSTAMP:20261128T093005Z" in lines
    assert "SEQUENCE:3" in lines
    assert "DTSTART;VALUE=DATE:20261231" in lines
    assert "DTEND;VALUE=DATE:20270101" in lines
    assert "TRIGGER:-P1D" in lines
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_stamp_is_converted_to_utc():
    shanghai = timezone(timedelta(hours=8))
    text = render(stamp=datetime(2026, 11, 28, 8, 0, 0, tzinfo=shanghai))
    assert b"DTSTAMP:20261128T000000Z\r\n" in text
    naive = render(stamp=datetime(2026, 11, 28, 8, 0, 0))
    assert b"DTSTAMP:20261128T080000Z\r\n" in naive


def test_empty_calendar_still_parses():
    cal = icalendar.Calendar.from_ical(render([]))
    assert cal.walk("VEVENT") == []


# -- line form ---------------------------------------------------------------------------------------------


def test_every_physical_line_is_at_most_75_octets_and_ends_with_crlf():
    data = render()
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    for line in physical[:-1]:
        assert len(line) <= 75, line
    assert any(line.startswith(b" ") for line in physical)  # the long summary was folded


def test_folding_never_splits_a_character():
    data = render()
    folded = [line for line in data.split(b"\r\n") if line.startswith(b" ")]
    assert folded
    for line in data.split(b"\r\n"):
        line.decode("utf-8")  # raises if a multi-byte character was cut
    # unfolding (drop CRLF + one space) gives back the whole long summary
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert f"SUMMARY:{LONG_ZH}\r\n" in unfolded


def test_control_characters_are_dropped_line_breaks_kept():
    event = CalendarEvent(uid="u@x", day=date(2026, 1, 1), summary="a\x1b]0;pwned\x07b\tc", description="x\r\ny\x00")
    (parsed,) = parsed_events(render([event])).values()
    assert str(parsed["SUMMARY"]) == "a]0;pwnedb\tc"
    assert str(parsed["DESCRIPTION"]) == "x\ny"


# -- UIDs ------------------------------------------------------------------------------------------------------


def test_stable_uid_format():
    assert stable_uid("P-0001", "T-0042", DB) == f"P-0001-T-0042.{DB}@exit-tui"
    assert stable_uid("P-0001", "T-0042", "ab", domain="example.org") == "P-0001-T-0042.ab@example.org"
    with pytest.raises(ValueError):
        stable_uid("", "T-1", DB)
    with pytest.raises(ValueError):
        stable_uid("P-1", "T-1", "")
    with pytest.raises(ValueError):
        stable_uid("P 1", "T-1", DB)
    with pytest.raises(ValueError):
        stable_uid("P-1", "T@1", DB)


def test_the_same_task_in_two_databases_has_two_uids():
    assert stable_uid("P-0001", "T-0042", DB) != stable_uid("P-0001", "T-0042", "f" * 32)


def test_uids_stable_across_renders():
    first = parsed_events(render())
    later = datetime(2027, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    # a later export, with one task renamed and moved: same UIDs, so a calendar updates rather than duplicates
    changed = [
        CalendarEvent(uid=stable_uid("P-0001", "T-0042", DB), day=date(2027, 1, 15), summary="公示退出通知(改期)",
                      sequence=1),
        *sample_events()[1:],
    ]
    second = parsed_events(render(changed, stamp=later))
    assert list(first) == list(second)
    assert second[uid("T-0042")].decoded("DTSTART") == date(2027, 1, 15)
    assert (first[uid("T-0042")]["SEQUENCE"], second[uid("T-0042")]["SEQUENCE"]) == (0, 1)
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
    with pytest.raises(ValueError):
        render([CalendarEvent(uid="u@x", day=date(2026, 1, 1), summary="a", sequence=-1)])


# -- writing ---------------------------------------------------------------------------------------------------


def test_write_calendar_is_atomic_and_keeps_crlf(tmp_path: Path):
    target = tmp_path / "退出日历.ics"
    target.write_bytes(b"old")
    content = render()
    write_calendar(target, content)
    data = target.read_bytes()
    assert data == content
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
