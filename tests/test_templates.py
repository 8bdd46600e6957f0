"""The three exit-scenario templates (data/templates/*.toml) and the checks that guard their format."""

import re
import shutil
import tomllib
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from exit_tui.domain import templates
from exit_tui.domain.enums import PHASE_COUNT, ExitType
from exit_tui.domain.schedule import DueRule, occurrences, parse_rule
from exit_tui.domain.templates import TemplateError, legal_bases, load_template, roles
from tests.helpers import SAMPLE_DATES

ALL_TYPES = list(ExitType)
#: 三方 as in a three-party handover (移交方/接收方/监交方), not 第三方 (a third party).
THREE_PARTY = re.compile(r"(?<!第)三方")

#: The twenty phases, as DOMAIN.md names them.
PHASES_ZH = [
    "制定退出计划", "通知相关方", "评估和验收", "移交资料和财务结算", "员工安置和客户服务",
    "法律和合同解除", "风险管理和应急预案", "退出后的评估和报告", "信息公开和透明度", "后续跟踪和反馈机制",
    "培训和知识传承", "外部沟通和协作", "创新和技术应用", "政策和法规遵循", "退出后的服务延续",
    "退出后的市场评估和拓展", "内部审计和监督", "退出后的品牌维护和推广", "退出后的客户关系管理",
    "退出后的环境保护和可持续发展",
]


def _raw(code: ExitType) -> dict:
    with (templates.data_dir() / "templates" / f"{code.value}.toml").open("rb") as handle:
        return tomllib.load(handle)


# --- the shipped templates ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_TYPES)
def test_template_has_twenty_named_phases(code):
    template = load_template(code)
    assert template.code is code
    assert [p.no for p in template.phases] == list(range(1, PHASE_COUNT + 1)) == list(range(1, 21))
    for phase in template.phases:
        assert phase.zh.strip() and phase.en.strip(), phase.no
    assert template.name_zh.strip() and template.name_en.strip()
    assert template.description_zh.strip() and template.description_en.strip()


@pytest.mark.parametrize("code", ALL_TYPES)
def test_template_has_enough_tasks_per_phase(code):
    for phase in load_template(code).phases:
        minimum = 4 if phase.no <= 7 else 2
        assert len(phase.tasks) >= minimum, f"{code} phase {phase.no} has {len(phase.tasks)} tasks"
        assert all(task.phase_no == phase.no for task in phase.tasks)


@pytest.mark.parametrize("code", ALL_TYPES)
def test_task_keys_are_unique_and_titles_bilingual(code):
    tasks = load_template(code).tasks
    keys = [task.key for task in tasks]
    assert len(keys) == len(set(keys))
    for task in tasks:
        assert task.zh.strip(), task.key
        assert task.en.strip(), task.key
        assert task.zh != task.en, task.key


@pytest.mark.parametrize("code", ALL_TYPES)
def test_every_due_and_until_parses_and_resolves_within_the_project(code):
    raw_tasks = [task for phase in _raw(code)["phase"] for task in phase.get("task", [])]
    loaded = {task.key: task for task in load_template(code).tasks}
    assert len(raw_tasks) == len(loaded)
    latest = SAMPLE_DATES.continuation_end + relativedelta(months=6)
    due_dates = load_template(code).due_dates(SAMPLE_DATES)
    for raw in raw_tasks:
        task = loaded[raw["key"]]
        if task.after is None:
            assert parse_rule(raw["due"]) == task.due
        else:  # counted from another task of the template
            assert raw["due"].startswith(task.after) and task.after in loaded
        due = due_dates[task.key]
        assert isinstance(due, date)
        assert SAMPLE_DATES.decision <= due <= latest, (raw["key"], due)
        if "until" in raw:
            assert parse_rule(raw["until"]) == task.until
            assert isinstance(task.until.resolve(SAMPLE_DATES), date)


@pytest.mark.parametrize("code", ALL_TYPES)
def test_links_between_tasks_keep_the_order_of_the_work(code):
    template = load_template(code)
    due = template.due_dates(SAMPLE_DATES)
    linked = [task for task in template.tasks if task.after]
    assert len(linked) >= 5
    for task in linked:
        assert due[task.key] > due[task.after], task.key


def test_links_to_unknown_tasks_and_loops_are_refused(tmp_path, monkeypatch):
    import exit_tui.domain.templates as templates

    source = (templates.data_dir() / "templates" / "contract-expiry.toml").read_text(encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    for name in ("roles.toml", "legal_basis.toml"):
        (tmp_path / name).write_text((templates.data_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(templates, "data_dir", lambda: tmp_path)
    for broken, message in (
        (source.replace('due = "punch-list +7d"', 'due = "no-such-task +7d"'), "unknown task 'no-such-task'"),
        (source.replace('due = "equipment-test +25d"', 'due = "joint-acceptance -7d"'), "in a loop"),
    ):
        (folder / "contract-expiry.toml").write_text(broken, encoding="utf-8")
        templates.load_template.cache_clear()
        with pytest.raises(TemplateError, match=message):
            load_template("contract-expiry")
    templates.load_template.cache_clear()


@pytest.mark.parametrize("code", ALL_TYPES)
def test_legal_bases_and_owners_are_known(code):
    bases, known_roles = legal_bases(), roles()
    tasks = load_template(code).tasks
    assert any(task.basis for task in tasks)
    for task in tasks:
        assert task.basis is None or task.basis in bases, (task.key, task.basis)
        assert task.owner in known_roles, (task.key, task.owner)


@pytest.mark.parametrize("code", ALL_TYPES)
def test_recurring_tasks_expand_between_due_and_until(code):
    recurring = [task for task in load_template(code).tasks if task.rrule]
    assert len(recurring) >= 3
    for task in recurring:
        assert isinstance(task.until, DueRule), task.key
        start, until = task.due.resolve(SAMPLE_DATES), task.until.resolve(SAMPLE_DATES)
        found = occurrences(task.rrule, start, until)
        assert len(found) >= 1, task.key
        assert found[0] == start
        assert all(start <= d <= until for d in found)


def test_weekly_team_meeting_of_contract_expiry_runs_until_handover():
    meeting = next(t for t in load_template(ExitType.CONTRACT_EXPIRY).tasks if t.rrule == "FREQ=WEEKLY")
    start, until = meeting.due.resolve(SAMPLE_DATES), meeting.until.resolve(SAMPLE_DATES)
    found = occurrences(meeting.rrule, start, until)
    assert len(found) == (until - start).days // 7 + 1
    assert all((b - a).days == 7 for a, b in zip(found, found[1:]))


def test_templates_differ_by_scenario():
    contract = load_template(ExitType.CONTRACT_EXPIRY).tasks
    early = load_template(ExitType.EARLY_EXIT).tasks
    transfer = load_template(ExitType.TRANSFER).tasks
    assert any(t.basis == "民法典947" for t in contract)
    assert any(t.basis in ("民法典946", "民法典948") for t in early)
    assert not any(t.basis in ("民法典946", "民法典948") for t in contract)
    assert any("three-party" in t.key and THREE_PARTY.search(t.zh) for t in transfer)
    assert not any("three-party" in t.key or THREE_PARTY.search(t.zh) for t in contract)
    keys = [frozenset(t.key for t in tasks) for tasks in (contract, early, transfer)]
    assert len(set(keys)) == 3


def test_phase_names_identical_across_templates_and_match_domain():
    names = {code: [(p.no, p.zh, p.en) for p in load_template(code).phases] for code in ALL_TYPES}
    assert names[ExitType.CONTRACT_EXPIRY] == names[ExitType.EARLY_EXIT] == names[ExitType.TRANSFER]
    assert [zh for _no, zh, _en in names[ExitType.TRANSFER]] == PHASES_ZH


def test_load_template_accepts_the_code_as_text():
    assert load_template("transfer") == load_template(ExitType.TRANSFER)
    with pytest.raises(ValueError):
        load_template("sell-out")


def test_reference_lists_are_well_formed():
    for code, basis in legal_bases().items():
        assert basis.code == code and basis.zh.strip() and basis.en.strip()
    assert {"民法典947", "民法典949", "民法典950", "条例38"} <= set(legal_bases())
    for key, role in roles().items():
        assert role.key == key and role.zh.strip() and role.en.strip()
    assert roles()["finance"].zh == "财务"


def test_demo_settings():
    settings = templates.demo_settings()
    assert settings["units"] == 1200
    assert settings["exit_type"] in {t.value for t in ExitType}


# --- broken templates -----------------------------------------------------------------------------


def _clear_caches() -> None:
    for cached in (templates.load_template, templates.roles, templates.legal_bases, templates.demo_settings):
        cached.cache_clear()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of the reference lists in a tmp data folder that the template loader reads instead."""
    real = templates.data_dir()
    folder = tmp_path / "data"
    (folder / "templates").mkdir(parents=True)
    for name in ("roles.toml", "legal_basis.toml", "demo.toml"):
        shutil.copy(real / name, folder / name)
    monkeypatch.setattr(templates, "data_dir", lambda: folder)
    _clear_caches()
    yield folder
    _clear_caches()


def _task(key: str, **fields: str) -> str:
    values = {"key": key, "zh": f"任务 {key}", "en": f"Task {key}", "owner": "coordinator", "due": "decision +1d"}
    values.update(fields)
    lines = ["[[phase.task]]"] + [f'{name} = "{value}"' for name, value in values.items()]
    return "\n".join(lines) + "\n"


def _template(tasks: dict[int, list[str]] | None = None, skip_phase: int | None = None, header: str = "") -> str:
    """A small valid contract-expiry template (one task per phase) with `tasks` replacing a phase's tasks."""
    tasks = tasks or {}
    text = header or 'code = "contract-expiry"\nname_zh = "合同到期退出"\nname_en = "Contract expiry"\n'
    for no in range(1, PHASE_COUNT + 1):
        if no == skip_phase:
            continue
        text += f'\n[[phase]]\nno = {no}\nzh = "阶段{no}"\nen = "Phase {no}"\n'
        for task in tasks.get(no, [_task(f"task-{no}")]):
            text += task
    return text


def _write(folder, text: str) -> None:
    (folder / "templates" / "contract-expiry.toml").write_text(text, encoding="utf-8")


def _error(folder, text: str) -> str:
    _write(folder, text)
    with pytest.raises(TemplateError) as caught:
        load_template(ExitType.CONTRACT_EXPIRY)
    message = str(caught.value)
    assert message.startswith("contract-expiry.toml: "), message
    return message


def test_minimal_valid_template_loads(data_dir):
    _write(data_dir, _template({3: [_task("notice", basis="民法典947", due="contract_end -90d")]}))
    template = load_template(ExitType.CONTRACT_EXPIRY)
    assert len(template.phases) == 20
    assert template.phases[2].tasks[0].basis == "民法典947"
    assert template.phases[2].tasks[0].due == parse_rule("contract_end -90d")


def test_unknown_basis_is_named(data_dir):
    message = _error(data_dir, _template({2: [_task("bad-basis", basis="民法典9999")]}))
    assert "'bad-basis'" in message and "民法典9999" in message


def test_duplicate_key_is_named(data_dir):
    message = _error(data_dir, _template({4: [_task("same"), _task("other")], 9: [_task("same")]}))
    assert "duplicate" in message and "'same'" in message and "'other'" not in message


def test_bad_due_is_named(data_dir):
    message = _error(data_dir, _template({5: [_task("bad-due", due="next tuesday")]}))
    assert "'bad-due'" in message and "due" in message


def test_bad_until_is_named(data_dir):
    message = _error(data_dir, _template({5: [_task("bad-until", rrule="FREQ=WEEKLY", until="T+3x")]}))
    assert "'bad-until'" in message


def test_missing_phase_is_reported(data_dir):
    message = _error(data_dir, _template(skip_phase=7))
    assert "phases must be numbered 1..20" in message


def test_phase_without_name_is_reported(data_dir):
    text = _template().replace('zh = "阶段6"\n', "")
    message = _error(data_dir, text)
    assert "phase #6" in message and "'zh'" in message


def test_template_without_name_is_reported(data_dir):
    message = _error(data_dir, _template(header='code = "contract-expiry"\nname_en = "Contract expiry"\n'))
    assert "name_zh" in message


def test_unknown_owner_is_named(data_dir):
    message = _error(data_dir, _template({1: [_task("who", owner="janitor")]}))
    assert "'who'" in message and "janitor" in message


def test_task_missing_a_title_is_named(data_dir):
    message = _error(data_dir, _template({1: [_task("no-en").replace('en = "Task no-en"\n', "")]}))
    assert "'no-en'" in message and "'en'" in message


def test_key_must_be_kebab_case(data_dir):
    message = _error(data_dir, _template({1: [_task("Bad_Key")]}))
    assert "'Bad_Key'" in message and "kebab-case" in message


def test_recurring_task_needs_until(data_dir):
    message = _error(data_dir, _template({1: [_task("weekly", rrule="FREQ=WEEKLY")]}))
    assert "'weekly'" in message and "until" in message


def test_bad_rrule_is_named(data_dir):
    message = _error(data_dir, _template({1: [_task("weekly", rrule="FREQ=SOMETIMES", until="handover")]}))
    assert "'weekly'" in message and "FREQ=SOMETIMES" in message


def test_toml_syntax_error_names_the_file(data_dir):
    message = _error(data_dir, _template() + "\nthis is = = not toml\n")
    assert len(message) > len("contract-expiry.toml: ")


def test_missing_template_file_names_it(data_dir):
    with pytest.raises(TemplateError) as caught:
        load_template(ExitType.CONTRACT_EXPIRY)
    assert str(caught.value).startswith("contract-expiry.toml: ")
