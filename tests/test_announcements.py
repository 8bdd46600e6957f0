"""Announcements (issue 14): every template renders in both languages with every field it names filled in (and
every field of the list is used by some template); an unknown field is refused naming it before anything is
rendered; the service's drafts render on read, issuing freezes the text, an issued version is never edited and a
new issued version supersedes the one before; `exit-tui announce` writes the issued version or the template."""

from datetime import date

import pytest

from exit_tui.domain import announcements as domain
from exit_tui.domain.announcements import BLANK, FIELDS, Kind, UnknownField, UnknownTemplate
from exit_tui.i18n import _

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
    assert domain.render("{ Project Name }/{项目名称} {{x}}", {"project_name": "阳光"}, "en") == "阳光/阳光 {x}"
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
