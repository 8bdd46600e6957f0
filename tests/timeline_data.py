"""Synthetic Timeline read models for the Gantt's tests and benchmark (no database needed)."""

from dataclasses import replace
from datetime import date, timedelta

from exit_tui.domain.enums import ExitType, TaskStatus
from exit_tui.domain.schedule import ProjectDates
from exit_tui.services.readmodels import DeadlineRead, OccurrenceRead, PhaseRead, ProjectRead, Timeline, TimelineTask

TODAY = date(2026, 11, 28)
DATES = ProjectDates(decision=date(2026, 9, 1), contract_end=date(2027, 1, 31), handover=date(2027, 2, 10),
                     continuation_end=date(2027, 5, 10))
PROJECT = ProjectRead(id=1, public_id="P-0001", name="锦绣华庭 [一期]", address="", units=1200,
                      exit_type=ExitType.CONTRACT_EXPIRY, rule_profile="national", dates=DATES)
PHASES = [PhaseRead(n, f"第{n}阶段 移交[B区]", f"Phase {n} handover") for n in range(1, 21)]
DEADLINES = [
    DeadlineRead("notice_90", "民法典947", "contract_end -90d", DATES.contract_end - timedelta(days=90),
                 "提前九十日书面通知业主", "90-day notice to the owners", missed_by=("T-0003",)),
    DeadlineRead("layoff_30", "劳动合同法41", "handover -30d", DATES.handover - timedelta(days=30),
                 "裁员提前三十日说明", "30-day layoff notice"),
    DeadlineRead("early", "物业条例", "decision -10d", DATES.decision - timedelta(days=10),
                 "不可能的期限", "An impossible deadline", impossible=True),
]


def task(public_id: str, phase_no: int, start: date, due: date, **changes) -> TimelineTask:
    base = TimelineTask(
        public_id=public_id, phase_no=phase_no, title_zh=f"核对 [B区] 钥匙与资料清单 {public_id}",
        title_en=f"Check [B] keys and documents {public_id}", owner="engineering", status=TaskStatus.TODO,
        start=start, due=due, milestone=False, done_on=None, rule=None, predecessor=None, legal_basis=None,
        recurrence=None, occurrences=(), overdue=False, at_risk=False, critical=False, slack_days=3, late_for=(),
    )
    return replace(base, **changes)


def sample_timeline(today: date = TODAY) -> Timeline:
    """A small hand-made plan with one task of each kind."""
    tasks = [
        task("T-0001", 1, date(2026, 9, 1), date(2026, 9, 10), status=TaskStatus.DONE, done_on=date(2026, 9, 9)),
        task("T-0002", 1, date(2026, 11, 20), date(2026, 12, 5), critical=True, slack_days=0,
             rule="contract_end -57d", legal_basis="民法典947"),
        task("T-0003", 2, date(2026, 11, 1), date(2026, 11, 20), overdue=True, late_for=("notice_90",)),
        task("T-0004", 2, date(2026, 12, 1), date(2026, 12, 8), at_risk=True, predecessor="T-0003",
             rule="T-0003 +10d"),
        task("T-0005", 3, DATES.handover, DATES.handover, milestone=True, critical=True, slack_days=0,
             title_zh="移交日 T", title_en="Handover day T"),
        task("T-0006", 3, date(2026, 11, 2), date(2027, 2, 1), recurrence="FREQ=WEEKLY",
             title_zh="每周公告", title_en="Weekly notice",
             occurrences=tuple(OccurrenceRead(date(2026, 11, 2) + timedelta(weeks=w),
                                              date(2026, 11, 2) + timedelta(weeks=w) if w < 3 else None)
                               for w in range(14))),
    ]
    return Timeline(project=PROJECT, phases=PHASES[:3], tasks=tasks, deadlines=DEADLINES, today=today)


def big_timeline(n: int, today: date = TODAY) -> Timeline:
    """`n` tasks spread over 20 phases and about a year, statuses mixed (for the benchmark)."""
    tasks = []
    per_phase = max(1, n // 20)
    for i in range(n):
        phase = min(20, i // per_phase + 1)
        start = DATES.decision + timedelta(days=(i * 7) % 300)
        due = start + timedelta(days=i % 21)
        tasks.append(task(
            f"T-{i + 1:05d}", phase, start, due, milestone=i % 17 == 0 and due == start,
            status=TaskStatus.DONE if due < today and i % 3 else TaskStatus.TODO,
            overdue=due < today and not i % 3, at_risk=i % 11 == 0, critical=i % 7 == 0,
        ))
    tasks.sort(key=lambda t: (t.phase_no, t.start, t.due, t.public_id))
    return Timeline(project=PROJECT, phases=PHASES, tasks=tasks, deadlines=DEADLINES, today=today)
