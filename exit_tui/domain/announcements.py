"""Announcements (公告, issue 14): the templates an exit publishes (data/announcements.toml, both languages) and
their merge fields. A field is written in braces by its Chinese or its English name (`{项目名称}`,
`{project_name}`); `render` fills them in, and refuses a text naming a field that does not exist, naming it,
before anything is printed. Pure: the values come from services/announcements.fields_of.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from ..errors import ExitTuiError
from .money import format_fen
from .templates import TemplateError, _read, data_dir, legal_bases

LANGUAGES = ("zh", "en")
BLANK = "________"
"""What an empty field prints as: a line to fill in by hand on the printed page."""
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")


class Kind(StrEnum):
    """How a field's value is printed."""

    TEXT = "text"
    DATE = "date"  # 2026年12月31日 / 31 December 2026
    MONEY = "money"  # integer fen -> 12,345.67
    COUNT = "count"


@dataclass(frozen=True)
class MergeField:
    key: str
    """Its English name too: `{project_name}`."""
    zh: str
    """Its Chinese name: `{项目名称}`."""
    kind: Kind = Kind.TEXT


FIELDS: tuple[MergeField, ...] = (
    MergeField("project_name", "项目名称"),
    MergeField("project_address", "项目地址"),
    MergeField("units", "总户数", Kind.COUNT),
    MergeField("exit_type", "退出方式"),
    MergeField("contract_end", "合同到期日", Kind.DATE),
    MergeField("handover_day", "移交日", Kind.DATE),
    MergeField("continuation_end", "服务延续截止日", Kind.DATE),
    MergeField("company_name", "公司名称"),
    MergeField("company_representative", "公司代表"),
    MergeField("phone", "联系电话"),
    MergeField("new_company", "新物业公司"),
    MergeField("supervisor", "监交方"),
    MergeField("committee", "业主委员会"),
    MergeField("issue_date", "发布日期", Kind.DATE),
    MergeField("announcement_no", "公告编号"),
    MergeField("settlement_cutoff", "结算截止日", Kind.DATE),
    MergeField("public_revenue", "公共收益收入", Kind.MONEY),
    MergeField("public_revenue_costs", "公共收益支出", Kind.MONEY),
    MergeField("public_revenue_net", "公共收益结余", Kind.MONEY),
    MergeField("repair_fund", "维修资金余额", Kind.MONEY),
    MergeField("fee_surplus", "物业费结余", Kind.MONEY),
    MergeField("arrears_total", "欠费合计", Kind.MONEY),
    MergeField("prepaid_refund_total", "预收退还合计", Kind.MONEY),
    MergeField("arrears_list", "欠费公示清单"),
    MergeField("prepaid_list", "预收公示清单"),
)


def _name_key(name: str) -> str:
    """`{ Project Name }`, `{project-name}`, `{项目名称}` -> comparable keys."""
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFKC", name).strip().lower())


#: Every accepted name of a field (normalised) -> the field.
_BY_NAME: dict[str, MergeField] = {_name_key(name): f for f in FIELDS for name in (f.key, f.zh)}


class UnknownField(ExitTuiError):
    """A text names merge fields that do not exist; `names` are the names as written."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__("、".join(names))
        self.names = names


class UnknownTemplate(ExitTuiError):
    """No template has that key or name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def field_named(name: str) -> MergeField | None:
    return _BY_NAME.get(_name_key(name))


def fields_in(text: str) -> list[MergeField]:
    """The fields a text names, in order (each once); raises UnknownField naming every unknown one."""
    found: dict[str, MergeField] = {}
    unknown: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match[1] is None:  # {{ or }}
            continue
        field = field_named(match[1])
        if field is None:
            if match[1] not in unknown:
                unknown.append(match[1])
        else:
            found.setdefault(field.key, field)
    if unknown:
        raise UnknownField(tuple(unknown))
    return list(found.values())


def format_value(field: MergeField, value: object, language: str) -> str:
    """A field's value as printed in that language; an empty one as BLANK."""
    if value is None or value == "":
        return BLANK
    if field.kind is Kind.DATE and isinstance(value, date):
        if language == "en":
            return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
        return f"{value.year}年{value.month}月{value.day}日"
    if field.kind is Kind.MONEY and isinstance(value, int):
        return format_fen(value)
    return str(value)


def render(text: str, values: Mapping[str, object], language: str) -> str:
    """`text` with its merge fields filled in from `values` (by field key); `{{`/`}}` print a brace. Checks the
    whole text first: an unknown field raises UnknownField and nothing is rendered."""
    fields_in(text)

    def fill(match: re.Match) -> str:
        if match[1] is None:
            return match[0][0]
        field = _BY_NAME[_name_key(match[1])]
        return format_value(field, values.get(field.key), language)

    return _PLACEHOLDER.sub(fill, text)


def escape(text: str) -> str:
    """A rendered text as a template again (its braces doubled), so that rendering it changes nothing: a new
    version starts from the issued text."""
    return text.replace("{", "{{").replace("}", "}}")


# -- the templates -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One announcement of data/announcements.toml."""

    key: str
    name_zh: str
    name_en: str
    audience_zh: str
    audience_en: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    basis: str | None = None

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    def audience(self, language: str) -> str:
        return self.audience_en if language == "en" else self.audience_zh

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_zh


_TEXTS = ("name_zh", "name_en", "audience_zh", "audience_en", "title_zh", "title_en", "body_zh", "body_en")


def _template(raw: dict) -> Template:
    where = f"announcements.toml: template {raw.get('key', '?')!r}"
    try:
        texts = {name: str(raw[name]).strip() for name in _TEXTS}
        key = raw["key"]
    except KeyError as exc:
        raise TemplateError(f"{where}: missing {exc}") from exc
    if any(not text for text in texts.values()):
        raise TemplateError(f"{where}: a text is empty")
    for name in ("title_zh", "title_en", "body_zh", "body_en"):
        try:
            fields_in(texts[name])
        except UnknownField as exc:
            raise TemplateError(f"{where}: {name} names unknown fields {', '.join(exc.names)}") from exc
    basis = raw.get("basis")
    if basis is not None and basis not in legal_bases():
        raise TemplateError(f"{where}: unknown legal basis {basis!r}")
    return Template(key, **texts, basis=basis)


@cache
def templates() -> tuple[Template, ...]:
    """Every announcement template, checked; raises TemplateError naming the template."""
    items = tuple(_template(raw) for raw in _read(data_dir() / "announcements.toml").get("template", []))
    keys = [item.key for item in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise TemplateError(f"announcements.toml: duplicate keys {duplicates}")
    return items


def find_template(name: str) -> Template:
    """The template with that key or name in either language (`exit-notice`, `退出公告`, `Exit notice`);
    raises UnknownTemplate."""
    wanted = _name_key(name)
    for item in templates():
        if wanted in {_name_key(text) for text in (item.key, item.name_zh, item.name_en)}:
            return item
    raise UnknownTemplate(name)
