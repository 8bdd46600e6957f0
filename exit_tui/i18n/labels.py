"""Display texts for codes: exit types, statuses, roles, legal bases, phases."""

from ..domain.enums import Anchor, ExitType, TaskStatus
from ..domain.templates import legal_bases, roles
from . import _, _n, get_language, pick


def exit_type_label(exit_type: ExitType | str) -> str:
    return _(f"exit_type.{ExitType(exit_type).value}")


def status_label(status: TaskStatus | str) -> str:
    return _(f"status.{TaskStatus(status).value}")


def role_label(owner: str) -> str:
    """A role key (`finance`) as its name in the current language; any other owner text as it is."""
    role = roles().get(owner)
    return pick(role.zh, role.en) if role else owner


def owner_from_label(text: str) -> str:
    """The reverse of role_label: a role's name in either language becomes its key."""
    text = text.strip()
    for role in roles().values():
        if text in (role.key, role.zh, role.en):
            return role.key
    return text


def role_names() -> list[str]:
    return [pick(r.zh, r.en) for r in roles().values()]


def basis_text(code: str | None) -> str:
    """What a legal-basis code says, in the current language ("" for an unknown code)."""
    basis = legal_bases().get(code or "")
    return pick(basis.zh, basis.en) if basis else ""


def phase_name(name_zh: str, name_en: str) -> str:
    return pick(name_zh, name_en)


def rule_label(rule: str | None) -> str:
    """`contract_end -90d` as the user reads and types it: `合同到期 -90天` in Chinese, `contract_end -90d` in English.

    A rule counted from a task keeps the task's id: `T-0042 +5工作日`."""
    if not rule:
        return ""
    anchor, _sep, offset = rule.partition(" ")
    text = anchor if anchor.startswith("T-") else _(f"anchor.{anchor}")
    if offset:
        unit = offset.lstrip("+-0123456789")
        text += " " + offset[: len(offset) - len(unit)] + _(f"unit.{unit}")
    return text


def anchor_help() -> str:
    return " / ".join(_(f"anchor.{a.value}") for a in Anchor)


def days_text(days: int) -> str:
    if days == 0:
        return _("days.today")
    return _n("days.ahead", days, n=days) if days > 0 else _n("days.ago", -days, n=-days)


def language() -> str:
    return get_language()


def basis_codes() -> list[str]:
    return list(legal_bases())


def workdays_notice(years: list[int]) -> str:
    """The notice for dates counted in working days in years without holiday data (Monday to Friday instead)."""
    return _("workdays.uncovered", years=", ".join(map(str, years)))


def entity_label(entity: str) -> str:
    """What the audit log calls a kind of row (`task`, `occurrence` …) as a person reads it; its code if unknown."""
    key = f"audit.entity_{entity}"
    text = _(key)
    return entity if text == key else text
