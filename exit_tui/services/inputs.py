"""Checks of what a person typed, shared by the services (before writing) and the forms (as they type).

Pure: no database, so the UI can call these on its own thread for live validation.
"""

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..domain.dates import DateParseError, parse_date
from ..domain.schedule import DueRule, OffsetParseError, ProjectDates, parse_due, parse_rule
from ..domain.text import without_controls
from .errors import UserError

MAX_TITLE = 200
MAX_BASIS = 40
#: A task lasts at most this many days (ten years); 0 is a milestone.
MAX_DURATION = 3650
#: Every date a person types or imports (project dates, due dates) falls in these years; 1900-01-01 or
#: 9999-12-31 is a slip of the keyboard or a spreadsheet's placeholder, not a plan.
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(day: date, field: str) -> date:
    """`day`, or UserError `error.date_out_of_range` (naming `field`) outside MIN_YEAR..MAX_YEAR."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UserError("error.date_out_of_range", field=field, value=day.isoformat(), low=MIN_YEAR, high=MAX_YEAR)
    return day


def clean_title(title: str) -> str:
    """A title as typed or imported: trimmed at the ends, every character inside kept exactly but control
    characters and bidi overrides (which could drive the terminal that shows it)."""
    title = without_controls(title)[0].strip()
    if not title:
        raise UserError("error.title_required", field="title")
    if len(title) > MAX_TITLE:
        raise UserError("error.title_too_long", field="title", max=MAX_TITLE)
    return title


def clean_text(text: str) -> str:
    """Free text (a note, an owner) as typed or imported: trimmed at the ends, control characters removed."""
    return without_controls(text)[0].strip()


def clean_basis(basis: str | None) -> str | None:
    basis = clean_text(basis or "")
    if len(basis) > MAX_BASIS:
        raise UserError("error.basis_too_long", field="legal_basis", max=MAX_BASIS)
    return basis or None


def clean_duration(value: str | int | None) -> int:
    """Days of work as typed (full-width digits allowed); empty means one day."""
    from ..domain.dates import normalize

    text = normalize(str(value if value is not None else "")).strip()
    if not text:
        return 1
    if not text.isdigit() or int(text) > MAX_DURATION:
        raise UserError("error.bad_duration", field="duration", value=text, max=MAX_DURATION)
    return int(text)


def parse_due_text(
    text: str, dates: ProjectDates, tasks: Mapping[str, date] | None = None
) -> tuple[date, DueRule | None]:
    """A typed due date; an offset from a task needs `tasks` (public id -> due date) to hold that task."""
    if not text.strip():
        raise UserError("error.date_required", field="due")
    try:
        day, rule = parse_due(text, dates, tasks)
    except OffsetParseError:
        raise UserError("error.bad_due", field="due", value=text) from None
    except KeyError as missing:
        raise UserError("error.unknown_task_ref", field="due", value=missing.args[0]) from None
    return check_year(day, "due"), rule


def resolve_due(dates: ProjectDates, text: str) -> tuple[date | None, DueRule | None]:
    """Preview what a typed due date means (no database): the date, and the rule if it is an offset.

    A rule counted from another task gives no date here (the form does not hold every task's date)."""
    try:
        return parse_due_text(text, dates)
    except UserError as error:
        if error.key != "error.unknown_task_ref":
            raise
        return None, parse_rule(text)


# -- field cleaners every register shares (handover, accounts, risks …): one factory per kind of field ----------
# A cleaner takes a value as typed in a form or read from a cell and returns it checked and typed, or raises a
# UserError naming the field. `area` is the register's catalog prefix: its messages are `<area>.error.<key>`,
# its labels `<area>.<group>.<code>`.

MAX_TEXT = 2000


def clean_field(area: str, fields: Mapping[str, Callable[[Any], Any]], field: str, value: Any) -> Any:
    """One field's value checked and typed by its cleaner in `fields` (a register's, shared by its form and its
    import); UserError naming the field, an unknown one too (`<area>.error.unknown_field`)."""
    cleaner = fields.get(field)
    if cleaner is None:
        raise UserError(f"{area}.error.unknown_field", field=field, value=field)
    return cleaner(value)


def clean_values(area: str, fields: Mapping[str, Callable[[Any], Any]], values: Mapping[str, Any],
                 whole: bool) -> dict[str, Any]:
    """Values checked by their cleaners: with `whole` (a new row) every field, those not given empty; else only
    those given. A name that is no field is refused, naming it."""
    extra = set(values) - set(fields)
    if extra:
        raise UserError(f"{area}.error.unknown_field", field=min(extra), value=min(extra))
    if whole:
        return {field: cleaner(values.get(field)) for field, cleaner in fields.items()}
    return {field: fields[field](value) for field, value in values.items()}


def text_field(area: str, field: str, limit: int = MAX_TEXT) -> Callable[[Any], str]:
    """Free text: control characters removed, trimmed, at most `limit` characters."""
    def clean(value: Any) -> str:
        text = clean_text("" if value is None else str(value))
        if len(text) > limit:
            raise UserError(f"{area}.error.too_long", field=field, max=limit)
        return text
    return clean


def choice_field(area: str, field: str, codes: type[StrEnum], group: str,
                 default: StrEnum | str | None = None) -> Callable[[Any], str]:
    """A code typed as itself or as its label in either language (`已备齐`, `Ready`, ` ready `); empty gives
    `default` (None: required; "": not decided, a value of its own whose label is `<area>.<group>.none`)."""
    from ..i18n import CATALOGS, _

    known = {code.value: code.value for code in codes}
    known.update((catalog.get(f"{area}.{group}.{code.value}", code.value).lower(), code.value)
                 for catalog in CATALOGS.values() for code in codes)
    if default == "":
        known.update((catalog[f"{area}.{group}.none"].lower(), "") for catalog in CATALOGS.values()
                     if f"{area}.{group}.none" in catalog)

    def clean(value: Any) -> str:
        if isinstance(value, str) and value in known:
            return known[value]
        if value is None or not str(value).strip():
            if default is None:
                raise UserError(f"{area}.error.required", field=field)
            return str(default)
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if text.lower() in known:
            return known[text.lower()]
        allowed = " / ".join(_(f"{area}.{group}.{code.value}") for code in codes)
        raise UserError(f"{area}.error.bad_choice", field=field, value=text, allowed=allowed)
    return clean


def date_field(field: str) -> Callable[[Any], date | None]:
    """A date as typed (`2026-03-01`, `2026/3/1`, `2026年3月1日`, a date or datetime cell); empty gives None."""
    def clean(value: Any) -> date | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return check_year(value, field)
        if value is None or not str(value).strip():
            return None
        try:
            return check_year(parse_date(str(value)), field)
        except DateParseError:
            raise UserError("error.bad_date", field=field, value=value) from None
    return clean


#: Yes and no as typed or read from a cell (either language; the area's own `<area>.flag.yes/no` labels too).
YES = frozenset({"yes", "y", "true", "1", "是", "√", "✓"})
NO = frozenset({"no", "n", "false", "0", "否", "×", ""})


def flag_field(area: str, field: str) -> Callable[[Any], bool]:
    """Yes or no (`是` / `否` / yes / no / true / false / 1 / 0, or a bool); empty is no."""
    from ..i18n import CATALOGS

    labels = {catalog.get(f"{area}.flag.{word}", word).lower(): word == "yes"
              for catalog in CATALOGS.values() for word in ("yes", "no")}

    def clean(value: Any) -> bool:
        if isinstance(value, bool) or value is None:
            return bool(value)
        text = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if text in YES or text in NO:
            return text in YES
        if text in labels:
            return labels[text]
        raise UserError(f"{area}.error.bad_flag", field=field, value=text)
    return clean


#: The largest amount any register takes (a hundred billion yuan, in fen).
MAX_FEN = 10**13


def money_field(area: str, field: str, *, positive: bool = False) -> Callable[[Any], int | None]:
    """An amount as typed (`¥6,000.50`, `6000`, `6000元`, full-width digits) -> fen; an int is fen already (as the
    sheet reader gives it); empty -> None. Never negative (nor zero when `positive`), at most two decimals:
    `<area>.error.bad_amount` naming the field otherwise."""
    from ..domain.money import AmountParseError, parse_fen

    def clean(value: Any) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or isinstance(value, float):
            raise UserError(f"{area}.error.bad_amount", field=field, value=value)
        if isinstance(value, int):
            fen = value
        else:
            try:
                fen = parse_fen(unicodedata.normalize("NFKC", str(value)).strip())
            except AmountParseError:
                raise UserError(f"{area}.error.bad_amount", field=field, value=str(value).strip()) from None
        if fen < 0 or (positive and fen == 0) or fen > MAX_FEN:
            raise UserError(f"{area}.error.bad_amount", field=field, value=str(value).strip())
        return fen
    return clean
