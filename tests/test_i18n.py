"""i18n: the zh and en catalogs agree, every key the code uses exists, and the language is chosen right."""

import re
import string
from pathlib import Path

import pytest

from exit_tui.config import DEFAULT_LANGUAGE, Settings, choose_language, system_language
from exit_tui.domain.enums import Anchor, ExitType, TaskStatus
from exit_tui.i18n import CATALOGS, PLURAL_FORM, _, _n, get_language, pick, set_language
from exit_tui.i18n.en import MESSAGES as EN
from exit_tui.i18n.zh import MESSAGES as ZH

PACKAGE = Path(__file__).resolve().parent.parent / "exit_tui"
SOURCES = sorted(PACKAGE.rglob("*.py"))

#: `_("key")` / `_('key', ...)` / `_n("key", count, ...)` with a literal first argument.
CALL = re.compile(r"""\b_n?\(\s*(["'])([^"'\\]+)\1""")
#: `_n("key", count, ...)` alone: messages that count something.
PLURAL_CALL = re.compile(r"""\b_n\(\s*(["'])([^"'\\]+)\1""")
#: Plural forms other than the general one (which is the key itself), as `key.one`.
FORMS = {form for rule in PLURAL_FORM.values() for form in map(rule, range(200))} - {"other"}
#: Binding descriptions and tooltips written as catalog keys.
BINDING_KEY = re.compile(r'"((?:key|tip|cmd)\.[a-z_]+)"')
#: Keys raised with UserError / NotFound (shown to the user through _()).
ERROR_KEY = re.compile(r"""\b(?:UserError|NotFound)\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _used(pattern: re.Pattern, group: int = 1) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        if path.parent.name == "i18n" and path.stem in ("zh", "en"):
            continue
        for match in pattern.finditer(path.read_text("utf-8")):
            found.setdefault(match.group(group), []).append(str(path.relative_to(PACKAGE)))
    return found


def _plural_forms(catalog: dict[str, str]) -> dict[str, str]:
    """`key.one` -> `key` for the plural forms of a catalog."""
    return {key: key.rpartition(".")[0] for key in catalog if key.rpartition(".")[2] in FORMS}


def test_catalogs_have_exactly_the_same_keys():
    """The same keys, but for the plural forms: English has `key.one` beside `key`, Chinese has no plural."""
    assert set(CATALOGS) == {"zh", "en"}
    assert FORMS == {"one"}
    assert _plural_forms(ZH) == {}
    assert sorted(set(ZH) - set(EN)) == []
    assert sorted(set(EN) - set(ZH) - set(_plural_forms(EN))) == []
    assert sorted(set(_plural_forms(EN).values()) - set(EN)) == []  # every singular has its general form


def test_counted_messages_are_called_with_their_count():
    """A message with a singular form is called through _n(), and _n() is only called with such messages."""
    counted = set(_plural_forms(EN).values())
    assert set(_used(PLURAL_CALL, 2)) == counted
    plain = re.compile(r"""\b_\(\s*(["'])([^"'\\]+)\1""")
    assert {key: files for key, files in _used(plain, 2).items() if key in counted} == {}


def test_plural_forms_take_no_other_placeholders():
    """A singular may leave the number out ("one entry") but needs nothing its general form is not given."""
    for form, key in _plural_forms(EN).items():
        assert _placeholders(EN[form]) <= _placeholders(EN[key]), form


@pytest.mark.parametrize(("count", "expected"), [(0, "0 tasks move:"), (1, "1 task moves:"), (2, "2 tasks move:")])
def test_english_plurals(count, expected):
    set_language("en")
    assert _n("replan.moves", count, n=count) == expected
    assert _n("form.duration_hint", 1, n=1).startswith("1 day of work")


def test_chinese_has_one_form():
    set_language("zh")
    assert _n("replan.moves", 1, n=1) == "1 项任务将移动:"
    assert _n("form.duration_hint", 1, n=1) == ZH["form.duration_hint"].format(n=1)


def test_no_value_is_empty():
    assert [key for key, text in ZH.items() if not text.strip()] == []
    assert [key for key, text in EN.items() if not text.strip()] == []


def test_placeholders_match_between_languages():
    mismatched = {key: (_placeholders(ZH[key]), _placeholders(EN[key])) for key in ZH
                  if _placeholders(ZH[key]) != _placeholders(EN[key])}
    assert mismatched == {}


def test_chinese_texts_are_chinese():
    """Catalog keys of our own (with a dot) should be translated, not copied from English."""
    same = [key for key in ZH if "." in key and ZH[key] == EN[key] and re.search(r"[A-Za-z]{4}", ZH[key])]
    assert same == []


def test_scan_finds_the_keys_in_use():
    assert len(_used(CALL, 2)) > 50
    assert len(_used(BINDING_KEY)) > 20
    assert len(_used(ERROR_KEY)) > 10


@pytest.mark.parametrize(("pattern", "group"), [(CALL, 2), (BINDING_KEY, 1), (ERROR_KEY, 1)],
                         ids=["_()", "bindings", "errors"])
def test_every_key_used_in_the_code_exists_in_both_catalogs(pattern, group):
    used = _used(pattern, group)
    missing = {key: files for key, files in used.items() if key not in ZH or key not in EN}
    assert missing == {}


def test_dynamic_key_families_exist():
    keys = (
        [f"status.{s.value}" for s in TaskStatus]
        + [f"exit_type.{t.value}" for t in ExitType]
        + ["filter.all", "filter.open"] + [f"filter.{s.value}" for s in TaskStatus]
        + [f"freq.{f}" for f in ("daily", "weekly", "monthly", "yearly", "other")]
        + [f"anchor.{a.value}" for a in Anchor]
        + [f"unit.{u}" for u in ("d", "w", "m")]
    )
    assert [k for k in keys if k not in ZH] == []
    assert [k for k in keys if k not in EN] == []


def test_placeholders_in_use_are_provided():
    """Calls such as _("checklist.count", shown=…, matching=…, total=…) pass every placeholder of the text."""
    call = re.compile(r"""\b_n?\(\s*["']([a-z_]+\.[a-z_]+)["']\s*,([^()]*(?:\([^()]*\)[^()]*)*)\)""")
    for path in SOURCES:
        for match in call.finditer(path.read_text("utf-8")):
            key, arguments = match.groups()
            given = set(re.findall(r"\b([a-z_]+)\s*=", arguments))
            assert _placeholders(ZH[key]) <= given, (path.name, key, given)


def test_translate_and_fall_back():
    set_language("en")
    assert _("status.doing") == EN["status.doing"] != ZH["status.doing"]
    assert _("checklist.deleted", id="T-0001") == EN["checklist.deleted"].format(id="T-0001")
    assert _("no.such.key") == "no.such.key"
    set_language("zh")
    assert _("status.doing") == ZH["status.doing"] == "进行中"
    assert _("error.bad_phase", max=20) == "阶段须在 1 到 20 之间"
    assert pick("中文", "English") == "中文"
    assert pick("", "English") == "English"
    with pytest.raises(ValueError):
        set_language("fr")
    assert get_language() == "zh"


# --- choosing the language ------------------------------------------------------------------------


def test_lang_option_comes_first(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert choose_language("en", Settings(language="zh")) == "en"
    assert choose_language("zh", Settings(language="en")) == "zh"


def test_config_comes_second(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert choose_language(None, Settings(language="en")) == "en"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert choose_language(None, Settings(language="zh")) == "zh"
    assert choose_language("fr", Settings(language="zh")) == "zh"  # unknown values are skipped


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh_CN.UTF-8", "zh"), ("zh_TW.UTF-8", "zh"), ("en_US", "en"), ("en_US.UTF-8", "en"), ("de_DE.UTF-8", "en"),
     ("C", DEFAULT_LANGUAGE), ("C.UTF-8", DEFAULT_LANGUAGE), ("POSIX", DEFAULT_LANGUAGE)],
)
def test_locale_comes_last(monkeypatch, lang, expected):
    monkeypatch.setenv("LANG", lang)
    assert choose_language(None, Settings()) == expected
    assert choose_language(None, Settings(language="klingon")) == expected


def test_default_language_is_chinese():
    assert DEFAULT_LANGUAGE == "zh"


def test_lc_all_overrides_lang(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert system_language() == "zh"
