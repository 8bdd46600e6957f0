"""io/calendar and `exit-tui calendar`: open tasks, occurrences and statutory deadlines as an .ics file, read back
with the `icalendar` package (a real RFC 5545 parser)."""

from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
import openpyxl
import pytest

from exit_tui import cli
from exit_tui.domain.enums import ExitType, TaskStatus
from exit_tui.i18n import set_language
from exit_tui.i18n.labels import rule_label
from exit_tui.io.calendar import (
    DEADLINE_ALARM_DAYS,
    calendar_events,
    calendar_path,
    default_calendar_path,
    export_calendar,
)
from exit_tui.io.export import export_package
from exit_tui.services import checklist, meta, projects
from exit_tui.services.backend import Backend
from exit_tui.services.calendar import CalendarData, uncovered_by_task
from exit_tui.services.demo import create_demo
from exit_tui.services.readmodels import (
    DeadlineRead,
    OccurrenceRead,
    ProjectRead,
    TaskChanges,
    Timeline,
    TimelineTask,
)
from exit_tui.services.timeline import load_timeline, set_occurrence_done
from tests.helpers import PROJECT_ARGS, SAMPLE_DATES, TODAY

STAMP = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
DB = "0123456789abcdef0123456789abcdef"

# -- calendar_events on a timeline built by hand ---------------------------------------------------------------

PROJECT = ProjectRead(id=1, public_id="P-0007", name="阳光花园, 二期 [退出]", address="", units=10,
                      exit_type=ExitType.CONTRACT_EXPIRY, rule_profile="national", dates=SAMPLE_DATES)


def _task(public_id: str, **changes) -> TimelineTask:
    task = TimelineTask(
        public_id=public_id, phase_no=1, title_zh=f"任务{public_id}", title_en=f"Task {public_id}",
        owner="legal", status=TaskStatus.TODO, start=date(2026, 12, 1), due=date(2026, 12, 5),
        milestone=False, done_on=None, rule="contract_end -26d", predecessor=None, legal_basis="民法典947",
        recurrence=None, occurrences=(), overdue=False, at_risk=False, critical=False, slack_days=0, late_for=(),
    )
    return replace(task, **changes)


def _timeline() -> Timeline:
    weekly = (OccurrenceRead(date(2026, 12, 7), done_on=date(2026, 12, 7)), OccurrenceRead(date(2026, 12, 14)),
              OccurrenceRead(date(2026, 12, 21)))
    return Timeline(
        project=PROJECT,
        phases=[],
        tasks=[
            _task("T-0001"),
            _task("T-0002", status=TaskStatus.DONE, done_on=date(2026, 11, 20)),
            _task("T-0003", recurrence="FREQ=WEEKLY", occurrences=weekly, start=weekly[0].day, due=weekly[-1].day),
            _task("T-0004", status=TaskStatus.DONE, recurrence="FREQ=WEEKLY", occurrences=weekly[1:]),
            _task("T-0005", title_zh="核对 [B区] 钥匙, 门禁卡; 遥控器", rule="T-0001 +2wd", start=date(2026, 12, 5),
                  overdue=True, late_for=("notice-947",)),
        ],
        deadlines=[DeadlineRead("notice-947", "民法典947", "contract_end -90d", date(2026, 10, 2),
                                "不续聘书面通知最迟送达日", "Latest day to serve the non-renewal notice")],
        today=TODAY,
    )


def _data(timeline: Timeline | None = None, **revisions: int) -> CalendarData:
    timeline = timeline or _timeline()
    return CalendarData(timeline, DB, {("task", k.replace("_", "-")): n for k, n in revisions.items()},
                        uncovered_by_task(timeline))


def uid(key: str) -> str:
    return f"P-0007-{key}.{DB}@exit-tui"


def test_open_tasks_occurrences_and_deadlines_become_events():
    events = {e.uid: e for e in calendar_events(_data())}
    assert list(events) == [uid("T-0001"), uid("T-0003-20261214"), uid("T-0003-20261221"), uid("T-0005"),
                            uid("DL-notice-947")]
    task = events[uid("T-0001")]
    assert (task.day, task.alarm_days_before) == (date(2026, 12, 5), 1)
    assert task.summary == "到期:任务T-0001 [T-0001]"
    for text in ("阳光花园, 二期 [退出] (P-0007)", "T-0001 任务T-0001", "负责人:", "2026-12-01 ~ 2026-12-05",
                 "合同到期 -26天", "民法典947"):
        assert text in task.description
    assert events[uid("T-0003-20261214")].day == date(2026, 12, 14)
    assert "FREQ=WEEKLY" in events[uid("T-0003-20261221")].description
    late = events[uid("T-0005")]
    assert "核对 [B区] 钥匙, 门禁卡; 遥控器" in late.summary
    assert rule_label("T-0001 +2wd") in late.description and "已逾期" in late.description and "notice-947" in late.description
    assert "2026-12-05 ~" not in late.description  # a one-day task has no period line
    deadline = events[uid("DL-notice-947")]
    assert (deadline.day, deadline.alarm_days_before) == (date(2026, 10, 2), DEADLINE_ALARM_DAYS)
    assert deadline.summary == "法定期限:不续聘书面通知最迟送达日 [民法典947]"


def test_events_are_in_english_when_the_language_is():
    set_language("en")
    events = {e.uid: e for e in calendar_events(_data())}
    assert events[uid("T-0001")].summary == "Due: Task T-0001 [T-0001]"
    assert "Owner: " in events[uid("T-0001")].description
    assert events[uid("DL-notice-947")].summary == (
        "Statutory deadline: Latest day to serve the non-renewal notice [民法典947]")


def test_sequence_is_the_number_of_audited_changes():
    events = {e.uid: e for e in calendar_events(_data(T_0001=3, T_0003=1))}
    assert events[uid("T-0001")].sequence == 3
    assert events[uid("T-0003-20261214")].sequence == events[uid("T-0003-20261221")].sequence == 1
    assert events[uid("T-0005")].sequence == 0


def test_working_days_counted_without_holiday_data_are_noted():
    """T-0005 counts 2 working days from T-0001 (2026-12-05); moved into 2027 there is no holiday data."""
    assert uncovered_by_task(_timeline()) == {}
    timeline = _timeline()
    tasks = [replace(t, due=date(2027, 1, 4)) if t.public_id == "T-0001" else t for t in timeline.tasks]
    moved = replace(timeline, tasks=tasks)
    assert uncovered_by_task(moved) == {"T-0005": [2027]}
    events = {e.uid: e for e in calendar_events(_data(moved))}
    assert "2027 年没有法定节假日数据" in events[uid("T-0005")].description
    assert "法定节假日" not in events[uid("T-0001")].description


def test_calendar_path_adds_the_extension_when_missing():
    assert calendar_path(Path("/x/日历")) == Path("/x/日历.ics")
    assert calendar_path(Path("/x/plan.2026")) == Path("/x/plan.2026.ics")
    assert calendar_path(Path("/x/a.ICS")) == Path("/x/a.ICS")


def test_default_path_is_beside_the_package(tmp_path):
    path = default_calendar_path(PROJECT, tmp_path, today=TODAY)
    assert path == tmp_path / "阳光花园, 二期 [退出]-日历-2026-11-28.ics"


# -- the demo project, written and parsed back -----------------------------------------------------------------


def _expected_uids(timeline: Timeline, database_id: str) -> set[str]:
    pid, at = timeline.project.public_id, f".{database_id}@exit-tui"
    uids = {f"{pid}-DL-{d.key}{at}" for d in timeline.deadlines}
    uids |= {f"{pid}-HO-{d.key.replace('/', '-')}{at}" for d in timeline.handover_dates}
    uids |= {f"{pid}-RK-{d.public_id}-{d.kind}{at}" for d in timeline.risk_dates}  # one event per drill schedule
    uids |= {f"{pid}-PT-{d.public_id}{at}" for d in timeline.party_dates}  # notices' and contracts' dates
    for task in timeline.tasks:
        if task.status is TaskStatus.DONE:
            continue
        if task.occurrences:
            uids |= {f"{pid}-{task.public_id}-{o.day:%Y%m%d}{at}" for o in task.occurrences if not o.done_on}
        else:
            uids.add(f"{pid}-{task.public_id}{at}")
    return uids


def _parse(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_export_of_the_demo_parses_with_every_open_task_and_deadline(backend, demo, tmp_path):
    result = backend.call(export_calendar, demo.id, tmp_path / "demo", today=TODAY, stamp=STAMP)
    assert result.path == tmp_path / "demo.ics"
    timeline = backend.call(load_timeline, demo.id, TODAY)
    database_id = backend.call(meta.database_id)
    assert len(database_id) == 32
    events = _parse(result.path)
    assert set(events) == _expected_uids(timeline, database_id) and result.events == len(events)
    done = [t for t in timeline.tasks if t.status is TaskStatus.DONE]
    assert done and not any(f"{demo.public_id}-{t.public_id}" in uid for t in done for uid in events)
    recurring = [t for t in timeline.tasks if t.occurrences and t.status is not TaskStatus.DONE]
    assert recurring, "the demo has an open recurring task"
    assert any(uid.startswith(f"{demo.public_id}-{recurring[0].public_id}-") for uid in events)
    assert {t for t in timeline.deadlines}, "the demo has statutory deadlines"
    assert {d.kind for d in timeline.handover_dates} == {"promised", "inspection"}, "the demo has handover dates"
    for uid, event in events.items():
        trigger = event.walk("VALARM")[0]["TRIGGER"].to_ical()
        assert trigger == (b"-P7D" if "-DL-" in uid or "-PT-" in uid else b"-P1D")
        assert event["DTSTART"].params["VALUE"] == "DATE"


def test_marking_a_task_or_an_occurrence_done_takes_it_out(backend, demo, tmp_path):
    timeline = backend.call(load_timeline, demo.id, TODAY)
    task = next(t for t in timeline.tasks if t.status is not TaskStatus.DONE and not t.occurrences)
    series = next(t for t in timeline.tasks if t.status is not TaskStatus.DONE and len(t.occurrences) > 1)
    occurrence = next(o.day for o in series.occurrences if o.done_on is None)
    before = _parse(backend.call(export_calendar, demo.id, tmp_path / "a.ics", today=TODAY).path)
    backend.call(checklist.toggle_done, demo.id, task.public_id, TODAY)
    backend.call(set_occurrence_done, demo.id, series.public_id, occurrence, True, TODAY)
    after = _parse(backend.call(export_calendar, demo.id, tmp_path / "b.ics", today=TODAY).path)
    at = f".{backend.call(meta.database_id)}@exit-tui"
    gone = {f"{demo.public_id}-{task.public_id}{at}", f"{demo.public_id}-{series.public_id}-{occurrence:%Y%m%d}{at}"}
    assert set(before) - set(after) == gone and set(after) < set(before)


def test_an_edited_task_raises_its_sequence_and_only_its_own(backend, demo, tmp_path):
    timeline = backend.call(load_timeline, demo.id, TODAY)
    task = next(t for t in timeline.tasks if t.status is not TaskStatus.DONE and not t.occurrences)
    before = _parse(backend.call(export_calendar, demo.id, tmp_path / "a.ics", today=TODAY).path)
    backend.call(checklist.update_task, demo.id, task.public_id, TaskChanges(title="改过的标题"), TODAY)
    after = _parse(backend.call(export_calendar, demo.id, tmp_path / "b.ics", today=TODAY).path)
    assert set(after) == set(before)
    raised = {uid for uid in after if after[uid]["SEQUENCE"] != before[uid]["SEQUENCE"]}
    (edited,) = raised
    assert edited.startswith(f"{demo.public_id}-{task.public_id}.")
    assert after[edited]["SEQUENCE"] > before[edited]["SEQUENCE"] and "改过的标题" in str(after[edited]["SUMMARY"])


def test_the_demo_in_two_databases_has_different_uids(tmp_path):
    uids = []
    for name in ("one.db", "two.db"):
        opened = Backend.open(str(tmp_path / name))
        try:
            project = opened.call(create_demo, TODAY)
            path = opened.call(export_calendar, project.id, tmp_path / name, today=TODAY).path
            again = opened.call(export_calendar, project.id, tmp_path / f"again-{name}", today=TODAY).path
        finally:
            opened.close()
        uids.append(set(_parse(path)))
        assert set(_parse(again)) == uids[-1]  # stable within one database
    assert uids[0] and not uids[0] & uids[1]


def test_a_date_counted_in_working_days_of_2027_carries_a_notice_in_the_calendar_and_the_package(backend, tmp_path):
    """No holiday data for 2027: `T +3wd` (T is 2027-01-10) is counted Monday to Friday, and both exports say so."""
    project = backend.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
    backend.call(checklist.add_task, project.id, phase_no=1, title="节后交接", due="T +3wd", today=TODAY)
    task = next(t for t in backend.call(load_timeline, project.id, TODAY).tasks if t.rule == "handover +3wd")
    assert task.due == date(2027, 1, 13)
    calendar = icalendar.Calendar.from_ical(
        backend.call(export_calendar, project.id, tmp_path / "c.ics", today=TODAY).path.read_bytes())
    notice = "2027 年没有法定节假日数据"
    assert notice in calendar.description
    described = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT") if notice in str(e.get("DESCRIPTION", ""))]
    assert described == [f"到期:节后交接 [{task.public_id}]"]
    package = backend.call(export_package, project.id, tmp_path / "p.xlsx", today=TODAY).path
    index = openpyxl.load_workbook(package, read_only=True).worksheets[0]
    assert any(notice in str(cell) for row in index.iter_rows(values_only=True) for cell in row)


def test_no_notice_without_working_days_in_an_uncovered_year(backend, demo, tmp_path):
    calendar = icalendar.Calendar.from_ical(
        backend.call(export_calendar, demo.id, tmp_path / "c.ics", today=TODAY).path.read_bytes())
    assert "DESCRIPTION" not in calendar


# -- the command line -------------------------------------------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path) -> Path:
    path = tmp_path / "demo.db"
    opened = Backend.open(str(path))
    try:
        opened.call(create_demo, TODAY)
    finally:
        opened.close()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_a_calendar_a_real_parser_reads(capsys, demo_db, tmp_path):
    target = tmp_path / "out" / "锦绣 日历.ics"
    target.parent.mkdir()
    code, out, err = run(capsys, "--db", str(demo_db), "--lang", "zh", "calendar", "P-0001", str(target))
    assert (code, err) == (0, "")
    events = _parse(target)
    assert out == f"已写入 {len(events)} 个事件到 {target}\n"
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert "锦绣华庭" in str(calendar["X-WR-CALNAME"])
    summaries = [str(e["SUMMARY"]) for e in events.values()]
    assert any(s.startswith("到期:") for s in summaries) and any(s.startswith("法定期限:") for s in summaries)
    # Chinese text with brackets, commas and semicolons survives escaping and folding
    bracketed = [e for e in events.values() if "[B区]" in str(e["SUMMARY"])]
    assert bracketed and "锦绣华庭[一期] 物业退出 (P-0001)" in str(bracketed[0]["DESCRIPTION"])
    assert any("\\," in line for line in target.read_bytes().decode("utf-8").split("\r\n"))


def test_cli_file_is_crlf_and_folded_at_75_octets(capsys, demo_db, tmp_path):
    target = tmp_path / "out.ics"
    assert run(capsys, "--db", str(demo_db), "calendar", "P-0001", str(target))[0] == 0
    data = target.read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "long Chinese lines were folded"
    for line in lines:
        line.decode("utf-8")  # never cut inside a character


def test_cli_uids_are_stable_across_exports(capsys, demo_db, tmp_path):
    first, second = tmp_path / "1.ics", tmp_path / "2"
    assert run(capsys, "--db", str(demo_db), "calendar", "P-0001", str(first))[0] == 0
    code, out, _err = run(capsys, "--db", str(demo_db), "--lang", "en", "calendar", "锦绣华庭[一期] 物业退出",
                          str(second))
    assert code == 0 and out.startswith("wrote ") and out.rstrip().endswith(f"events to {second}.ics")
    one, two = _parse(first), _parse(Path(f"{second}.ics"))
    assert list(one) == list(two)
    assert {uid: e["DTSTART"].dt for uid, e in one.items()} == {uid: e["DTSTART"].dt for uid, e in two.items()}


@pytest.mark.parametrize("where", ["missing-folder", "a-file-as-folder"])  # a folder: tests/test_cli.py
def test_cli_unwritable_path_is_one_line_exit_1(capsys, demo_db, tmp_path, where):
    (tmp_path / "a-folder.ics").mkdir()
    (tmp_path / "file").write_text("x")
    target = {"missing-folder": tmp_path / "nowhere" / "x.ics", "a-folder": tmp_path / "a-folder.ics",
              "a-file-as-folder": tmp_path / "file" / "x.ics"}[where]
    code, out, err = run(capsys, "--db", str(demo_db), "calendar", "P-0001", str(target))
    assert (code, out) == (1, "")
    assert err.startswith("exit-tui: ") and err.count("\n") == 1
    assert not list(tmp_path.glob("**/*.tmp"))


def test_cli_unknown_project_is_one_line_exit_1(capsys, demo_db, tmp_path):
    code, out, err = run(capsys, "--db", str(demo_db), "calendar", "P-0099", str(tmp_path / "x.ics"))
    assert (code, out) == (1, "")
    assert "P-0099" in err and err.count("\n") == 1
    assert not (tmp_path / "x.ics").exists()


def test_cli_missing_file_argument_is_a_usage_error(capsys, demo_db):
    with pytest.raises(SystemExit) as caught:
        cli.main(["--db", str(demo_db), "calendar", "P-0001"])
    assert caught.value.code == 2
    assert "FILE.ics" in capsys.readouterr().err


def test_cli_help_is_translated(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "zh", "calendar", "--help"])
    out = capsys.readouterr().out
    assert "日历文件" in out and "PROJECT" in out
