"""Announcements (issue 14): every template renders in both languages with every field it names filled in (and
every field of the list is used by some template); an unknown field is refused naming it before anything is
rendered; the service's drafts render on read, issuing freezes the text, an issued version is never edited and a
new issued version supersedes the one before; `exit-tui announce` writes the issued version or the template."""

from datetime import date

import pytest

from exit_tui import cli
from exit_tui.domain import announcements as domain
from exit_tui.domain.announcements import BLANK, FIELDS, Kind, UnknownField, UnknownTemplate
from exit_tui.i18n import CATALOGS
from exit_tui.services import announcements, handover
from exit_tui.services.errors import UserError
from tests.helpers import TODAY

#: A value of every field, of its kind.
VALUES = {
    f.key: {Kind.DATE: date(2026, 12, 31), Kind.MONEY: 1234567, Kind.COUNT: 1200}.get(f.kind, f"<{f.key}>")
    for f in FIELDS
}


def test_every_template_renders_every_field_in_both_languages():
    used = set()
    for template in domain.templates():
        for language in domain.LANGUAGES:
            for text in (template.title(language), template.body(language)):
                names = {f.key for f in domain.fields_in(text)}
                used |= names
                rendered = domain.render(text, VALUES, language)
                assert "{" not in rendered and "}" not in rendered
                assert rendered.count(BLANK) == text.count(BLANK)  # only the template's own signature lines
                for key in names:
                    assert domain.format_value(domain.field_named(key), VALUES[key], language) in rendered
            assert {f.key for f in domain.fields_in(template.body("zh"))} == \
                {f.key for f in domain.fields_in(template.body("en"))}, template.key
    assert used == {f.key for f in FIELDS}, "a field no template uses"


def test_values_print_by_kind_and_language():
    assert domain.render("{移交日} {欠费合计} {总户数}", VALUES, "zh") == "2026年12月31日 12,345.67 1200"
    assert domain.render("{handover_day} {arrears_total}", VALUES, "en") == "31 December 2026 12,345.67"
    # Either name in either language, spaces and case forgiven; braces doubled print one.
    text = "{ Project Name }/{项目名称} {{x}}"
    assert domain.render(text, {"project_name": "阳光"}, "en") == "阳光/阳光 {x}"
    assert domain.render("{联系电话}", {"phone": ""}, "zh") == BLANK


def test_an_unknown_field_is_refused_naming_it_before_anything_is_rendered():
    with pytest.raises(UnknownField) as caught:
        domain.render("{项目名称} {项目经理} {project_name} {manager}", VALUES, "zh")
    assert caught.value.names == ("项目经理", "manager")


def test_templates_are_found_by_key_or_name():
    assert domain.find_template("退出公告").key == "exit-notice"
    assert domain.find_template("Exit notice").key == "exit-notice"
    assert domain.find_template(" exit-letter ").key == "exit-letter"
    assert domain.find_template("欠费/预收公示").key == "arrears-notice"
    with pytest.raises(UnknownTemplate):
        domain.find_template("招标公告")
    assert {t.key for t in domain.templates()} == {
        "exit-letter", "exit-notice", "accounts-notice", "arrears-notice", "continuation", "handover-done"}


def test_a_template_naming_an_unknown_field_is_refused_when_loaded():
    raw = {"key": "x", **{name: "text" for name in domain._TEXTS}, "body_en": "Dear {owner}"}
    with pytest.raises(domain.TemplateError, match="owner"):
        domain._template(raw)


def test_escape_makes_a_rendered_text_render_as_itself():
    text = "阳光{花园} }{"
    assert domain.render(domain.escape(text), {}, "zh") == text


# -- the service ---------------------------------------------------------------------------------------------------

@pytest.fixture
def parties(backend, project):
    """The sample project with its three handover parties."""
    backend.call(handover.set_parties, project.id, handing_company="安居物业公司",
                 handing_representative="王经理", receiving_company="新城物业公司", supervising_company="浦东新区住建委")
    return project


def test_fields_come_from_the_project_and_its_parties(backend, parties):
    zh = backend.call(announcements.fields_of, parties.id, language="zh", today=TODAY)
    assert set(zh) == {f.key for f in FIELDS}
    assert (zh["project_name"], zh["contract_end"], zh["handover_day"]) == (
        "锦绣华庭物业退出", date(2026, 12, 31), date(2027, 1, 10))
    assert (zh["company_name"], zh["company_representative"], zh["new_company"], zh["supervisor"]) == (
        "安居物业公司", "王经理", "新城物业公司", "浦东新区住建委")
    en = backend.call(announcements.fields_of, parties.id, language="en", today=TODAY)
    assert (zh["exit_type"], en["exit_type"]) == (CATALOGS["zh"]["exit_type.contract-expiry"],
                                                  CATALOGS["en"]["exit_type.contract-expiry"])
    # No accounts yet: their figures and lists print blank.
    assert zh["arrears_total"] is None and zh["arrears_list"] is None and zh["phone"] is None


def test_the_demo_links_the_masked_lists_by_name(backend, demo):
    """The 公示 lists named as the package's sheets are, their totals the lists' own."""
    from exit_tui.io import accounts_print
    from exit_tui.io.spec import ARREARS_NOTICE, PREPAID_NOTICE

    values = backend.call(announcements.fields_of, demo.id, language="zh", today=TODAY)
    assert values["arrears_list"] == f"《{ARREARS_NOTICE.zh}》"
    assert values["prepaid_list"] == f"《{PREPAID_NOTICE.zh}》"
    assert ARREARS_NOTICE.en in CATALOGS["en"]["announcements.arrears_list"]
    assert PREPAID_NOTICE.en in CATALOGS["en"]["announcements.prepaid_list"]
    def listed_total(session, rows) -> int:
        return sum(row["sum"] for row in rows(session, demo.id)[1])

    assert values["arrears_total"] == backend.call(listed_total, accounts_print.arrears_rows) > 0
    assert values["prepaid_refund_total"] == backend.call(listed_total, accounts_print.prepaid_rows) > 0
    assert values["public_revenue"] is not None


def test_a_draft_renders_on_read_and_issuing_freezes_it(backend, parties):
    call = backend.call
    draft = call(announcements.draft, parties.id, "退出公告", "zh", TODAY)
    assert (draft.public_id, draft.template, draft.version, draft.status) == ("M-0001", "exit-notice", 1, "draft")
    assert draft.title == "锦绣华庭物业退出物业服务退出公告"
    assert "2026年12月31日" in draft.body and "新城物业公司" in draft.body and "(编号:M-0001)" in draft.body
    text = call(announcements.draft_text, parties.id, draft.public_id, TODAY)
    assert "{合同到期日}" in text.body and text.blanks == ("联系电话",)
    # A project date changed after drafting shows in the draft.
    from exit_tui.services import projects

    call(projects.change_project_date, parties.id, "contract_end", "2026-12-30")
    assert "2026年12月30日" in call(announcements.get_announcement, parties.id, "M-0001", TODAY).body
    edited = call(announcements.update_draft, parties.id, "M-0001", TODAY,
                  body=text.body.replace("{联系电话}", "021-5888 6666"))
    assert "021-5888 6666" in edited.body
    issued = call(announcements.issue, parties.id, "M-0001", TODAY)
    assert (issued.status, issued.issued_on, issued.supersedes) == ("issued", TODAY, None)
    # Frozen: a later date change does not reach it, and it is never edited.
    call(projects.change_project_date, parties.id, "contract_end", "2026-12-31")
    assert call(announcements.get_announcement, parties.id, "M-0001").body == issued.body
    assert "2026年12月30日" in issued.body
    for write in (lambda s: announcements.update_draft(s, parties.id, "M-0001", body="x"),
                  lambda s: announcements.issue(s, parties.id, "M-0001", TODAY),
                  lambda s: announcements.delete_draft(s, parties.id, "M-0001")):
        with pytest.raises(UserError) as refused:
            call(write)
        assert refused.value.key == "announcements.error.frozen"


def test_a_new_issued_version_supersedes_the_last(backend, parties):
    call = backend.call
    call(announcements.draft, parties.id, "continuation", "zh", TODAY)
    first = call(announcements.issue, parties.id, "M-0001", TODAY)
    english = call(announcements.draft, parties.id, "continuation", "en", TODAY)
    call(announcements.issue, parties.id, english.public_id, TODAY)  # a translation supersedes nothing
    second = call(announcements.new_version, parties.id, first.public_id, TODAY)
    assert (second.version, second.status) == (2, "draft")
    # It starts from the issued text; its own number and date are its own.
    assert second.body == first.body.replace("(编号:M-0001)", "(编号:M-0003)")
    assert "{公告编号}" in call(announcements.draft_text, parties.id, second.public_id, TODAY).body
    with pytest.raises(UserError, match="M-0003"):
        call(announcements.new_version, parties.id, first.public_id, TODAY)  # one draft at a time
    later = date(2026, 12, 5)
    issued = call(announcements.issue, parties.id, second.public_id, later)
    assert (issued.supersedes, issued.issued_on) == ("M-0001", later)
    assert "2026年12月5日\n(编号:M-0003)" in issued.body and "M-0001" not in issued.body
    statuses = {a.public_id: (a.language, a.version, a.status)
                for a in call(announcements.list_announcements, parties.id, TODAY)}
    assert statuses == {"M-0001": ("zh", 1, "superseded"), "M-0002": ("en", 1, "issued"),
                        "M-0003": ("zh", 2, "issued")}
    assert call(announcements.current_issued, parties.id, "continuation", "zh").public_id == "M-0003"
    # Every write is in the audit log under the announcement's name.
    from exit_tui.services import audit

    entries = call(audit.list_entries, parties.id)
    assert {e.entity for e in entries if e.public_id == "M-0001"} == {"announcement"}


def test_writes_refuse_unknown_fields_templates_and_notices(backend, parties):
    call = backend.call
    call(announcements.draft, parties.id, "exit-letter", "en", TODAY)
    with pytest.raises(UserError) as unknown:
        call(announcements.update_draft, parties.id, "M-0001", body="Dear {owner_name}, {project_name}")
    assert (unknown.value.field, unknown.value.params["names"]) == ("body", "owner_name")
    assert "owner_name" in unknown.value.message()
    with pytest.raises(UserError) as bad:
        call(announcements.draft, parties.id, "招标公告", "zh")
    assert "exit-letter" in bad.value.message() and "招标公告" in bad.value.message()
    with pytest.raises(UserError, match="N-0099"):
        call(announcements.update_draft, parties.id, "M-0001", notice_ref="n-99")
    with pytest.raises(UserError):
        call(announcements.draft, parties.id, "exit-letter", "fr")
    call(announcements.delete_draft, parties.id, "M-0001")
    assert call(announcements.list_announcements, parties.id, TODAY) == []


# -- exit-tui announce ----------------------------------------------------------------------------------------------


def test_cli_announce_writes_the_template_then_the_issued_version(capsys, tmp_path):
    from tests.test_cli import NEW

    assert cli.main(NEW) == 0
    capsys.readouterr()
    target = tmp_path / "公告.txt"
    args = ["--lang", "zh", "announce", "P-0001", "退出公告", str(target), "--set", "联系电话=021-5888 6666"]
    assert cli.main(args) == 0
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith("物业服务退出公告") and "021-5888 6666" in text
    assert "exit-notice" in capsys.readouterr().out
    assert cli.main(["announce", "P-0001", "exit-notice", str(target), "--language", "en"]) == 0
    assert target.read_text(encoding="utf-8").startswith("Notice to owners")
    assert "________" in capsys.readouterr().err  # the blanks are said
    # A folder gets a file named after the project and the template (a name with a slash made safe).
    assert cli.main(["--lang", "zh", "announce", "P-0001", "欠费/预收公示", str(tmp_path)]) == 0
    assert (tmp_path / "锦绣华庭-欠费_预收公示.txt").read_text(encoding="utf-8").startswith("锦绣华庭物业费欠费")
    # Once issued, that version is written as frozen, whatever --set says.
    from exit_tui.config import Paths
    from exit_tui.services.backend import Backend

    backend = Backend.open(str(Paths.from_env().default_db), create=False)
    try:
        backend.call(announcements.draft, 1, "exit-notice", "zh", TODAY)
        issued = backend.call(announcements.issue, 1, "M-0001", TODAY)
    finally:
        backend.close()
    assert cli.main(["--lang", "zh", "announce", "P-0001", "exit-notice", str(target), "--set", "联系电话=1"]) == 0
    assert target.read_text(encoding="utf-8") == announcements.printed_text(issued.title, issued.body)
    said = capsys.readouterr()
    assert "M-0001" in said.out and "--set" in said.err


@pytest.mark.parametrize("args, named", [
    (["招标公告"], "招标公告"),
    (["exit-notice", "--set", "项目经理=王"], "项目经理"),
])
def test_cli_announce_refuses_bad_names_in_one_line(capsys, tmp_path, args, named):
    from tests.test_cli import NEW

    assert cli.main(NEW) == 0
    capsys.readouterr()
    target = tmp_path / "x.txt"
    assert cli.main(["announce", "P-0001", args[0], str(target), *args[1:]]) == 2
    err = capsys.readouterr().err
    assert named in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_a_new_version_keeps_the_same_day_elsewhere_in_the_text(backend, parties):
    """Handed over on the day it was issued: the handover day in the text stays, only the dateline moves."""
    call = backend.call
    handover_day = date(2027, 1, 10)
    call(announcements.draft, parties.id, "handover-done", "zh", TODAY)
    first = call(announcements.issue, parties.id, "M-0001", handover_day)
    assert first.body.count("2027年1月10日") == 2
    call(announcements.new_version, parties.id, "M-0001", TODAY)
    second = call(announcements.issue, parties.id, "M-0002", date(2027, 1, 12))
    assert "已于2027年1月10日移交完毕" in second.body and "\n2027年1月12日\n(编号:M-0002)" in second.body


def test_the_commands_help_names_every_template():
    for catalog in CATALOGS.values():
        assert all(template.key in catalog["cli.arg_template"] for template in domain.templates())
