"""Sheets are declared, not coded: a SheetSpec lists its columns (key, zh/en header, accepted aliases, kind,
required, allowed values). One generic writer and one generic reader (io/) serve every declared sheet.

Later areas (handover, accounts, risks, people) add a SheetSpec of their own; nothing else changes.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ..domain.enums import TaskStatus
from ..i18n import CATALOGS, get_language, pick
from ..i18n.labels import status_label


class Kind(StrEnum):
    """How a cell is written and read."""

    ID = "id"  # a public id such as T-0042; empty for a new row
    TEXT = "text"
    INT = "int"
    DATE = "date"  # a real date cell, yyyy-mm-dd; read from serials, text and Chinese forms
    MONEY = "money"  # integer fen inside, a number with two decimals in the sheet
    CHOICE = "choice"  # one of `choices` (codes); written as its label, read from code or either label


@dataclass(frozen=True)
class Column:
    key: str
    """Field name in the rows the reader returns and the writer takes."""
    zh: str
    en: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    """Other headers people use for this column (either language); matched after normalize_header."""
    choices: tuple[str, ...] = ()
    """Allowed codes of a CHOICE column."""
    label: Callable[[str], str] | None = None
    """The display text of a code (current language), for CHOICE columns."""
    width: int = 12
    """Column width in characters (a CJK character counts as two)."""
    imported: bool = True
    """False for columns written for reading only (e.g. a phase's name next to its number)."""
    hidden: bool = False
    """Written as a hidden column (bookkeeping a person need not see, such as a row's version)."""

    @property
    def header(self) -> str:
        return pick(self.zh, self.en)

    def names(self) -> set[str]:
        """Every header accepted for this column, normalised."""
        return {normalize_header(n) for n in (self.key, self.zh, self.en, *self.aliases)}

    def choice_names(self) -> dict[str, str]:
        """Every text accepted in a CHOICE cell, normalised, -> its code: the code itself and its label in
        either language (whatever the current language is). Build it once per read, not once per cell."""
        names: dict[str, str] = {}
        for code in self.choices:
            texts = {code, *_labels_in_every_language(self.label, code)}
            for text in texts:
                names.setdefault(normalize_header(text), code)
        return names

    def choice_code(self, text: object) -> str | None:
        """The code a CHOICE cell means (`进行中`, `Doing`, ` doing ` -> `doing`), or None when it is none."""
        return self.choice_names().get(normalize_header(text))


ROW_VERSION = Column("row_version", "版本", "Version", Kind.INT, aliases=("行版本", "rowversion"), width=8,
                     hidden=True)
"""The version of a row when it was exported (the number of its newest audit entry), in every register sheet."""


@dataclass(frozen=True)
class SheetSpec:
    key: str
    zh: str
    en: str
    id_prefix: str
    """Prefix of the public ids of this sheet's rows (rows of another kind are rejected)."""
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A register's rows carry the version they were exported at, so that an import can tell a row changed
        # in the database since (a stale file) from a row the file changes.
        if any(c.kind is Kind.ID for c in self.columns) and all(c.key != ROW_VERSION.key for c in self.columns):
            object.__setattr__(self, "columns", (*self.columns, ROW_VERSION))

    @property
    def title(self) -> str:
        return pick(self.zh, self.en)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _labels_in_every_language(label: Callable[[str], str] | None, code: str) -> set[str]:
    """A code's label in the current language and, through the catalog key that gives it, in the others.

    Labels are functions of the current language (`status_label`); rather than switching the global
    language (other threads may be drawing), find the catalog key whose text the label is, preferring a key
    that ends in the code (`status.doing`), and read that key in every catalog."""
    if label is None:
        return set()
    shown = label(code)
    keys = [key for key, text in CATALOGS[get_language()].items() if text == shown]
    named = [key for key in keys if key.rsplit(".", 1)[-1] == code]
    keys = named or (keys if len(keys) == 1 else [])
    return {shown} | {catalog[key] for catalog in CATALOGS.values() for key in keys if key in catalog}


def normalize_header(text: object) -> str:
    """`任务 编号`, `ＩＤ`, ` Due Date ` -> comparable keys: NFKC, lower case, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s_\-:：()（）*＊/\\.]+", "", folded)


TASKS = SheetSpec(
    key="tasks",
    zh="任务清单",
    en="Tasks",
    id_prefix="T",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("任务编号", "序号编码", "no"), width=9),
        Column("phase_no", "阶段", "Phase", Kind.INT, required=True, aliases=("阶段编号", "phaseno"), width=6),
        Column("phase_name", "阶段名称", "Phase name", imported=False, width=24),
        Column("title", "任务", "Task", required=True,
               aliases=("任务内容", "工作内容", "事项", "title", "tasktitle"), width=44),
        Column("owner", "负责人", "Owner", aliases=("责任人", "责任部门", "负责部门", "responsible"), width=12),
        Column("due_date", "截止日期", "Due", Kind.DATE, required=True,
               aliases=("截止时间", "完成时限", "计划完成日期", "duedate", "deadline"), width=12),
        Column("status", "状态", "Status", Kind.CHOICE, required=True, aliases=("完成情况", "进度", "state"),
               choices=tuple(s.value for s in TaskStatus), label=status_label, width=10),
        Column("legal_basis", "法律依据", "Legal basis", aliases=("依据", "basis", "legalbasis"), width=16),
        Column("note", "备注", "Note", aliases=("说明", "证据", "备注说明", "remarks", "notes", "evidence"),
               width=30),
        Column("done_on", "完成日期", "Done on", Kind.DATE, imported=False, width=12),
        # Written, never read back: the statutory deadlines the task misses (services.checklist.export_rows).
        Column("statutory", "法定期限", "Statutory limit", imported=False, width=24),
    ),
)

#: Every declared sheet, by key.
SHEETS: dict[str, SheetSpec] = {TASKS.key: TASKS}
