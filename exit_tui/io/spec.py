"""Sheets are declared, not coded: a SheetSpec lists its columns (key, zh/en header, accepted aliases, kind,
required, allowed values). One generic writer and one generic reader (io/) serve every declared sheet.

Later areas (handover, accounts, risks, people) add a SheetSpec of their own; nothing else changes.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ..domain.accounts import Direction, LedgerKind, LineCategory, LineState
from ..domain.enums import TaskStatus
from ..domain.handover import (
    Condition, DocCategory, DocForm, DocStatus, FacilityCategory, InspectionState, KeyKind, Method,
)
from ..domain.risks import Category as RiskCategory, Status as RiskStatus
from ..domain.staff import PlacementStatus
from ..domain.parties import (
    Channel, ContractDecision, ContractKind, NoticeStatus, ProofKind, StakeholderKind,
)
from ..i18n import CATALOGS, _, get_language, pick
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
    defaulted: bool = False
    """Required, but an empty cell on a new row (no id) is let through: the import target gives it a default and
    says so (a blank status on a committee's new row means to do)."""
    hidden: bool = False
    """Written as a hidden column (bookkeeping a person need not see, such as a row's version)."""
    alert: bool = False
    """Its text is printed in red (a warning, such as key counts that differ)."""

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
        Column("status", "状态", "Status", Kind.CHOICE, required=True, defaulted=True,
               aliases=("完成情况", "进度", "state"),
               choices=tuple(s.value for s in TaskStatus), label=status_label, width=10),
        Column("legal_basis", "法律依据", "Legal basis", aliases=("依据", "basis", "legalbasis"), width=16),
        Column("note", "备注", "Note", aliases=("说明", "证据", "备注说明", "remarks", "notes", "evidence"),
               width=30),
        Column("done_on", "完成日期", "Done on", Kind.DATE, imported=False, width=12),
        # Written, never read back: the statutory deadlines the task misses (services.checklist.export_rows).
        Column("statutory", "法定期限", "Statutory limit", imported=False, width=24),
    ),
)



# -- handover registers (services/handover.py): headers a developer, committee or incoming company uses ------------


def _labelled(area: str, group: str, codes) -> dict:
    """A CHOICE column's codes and their label (`<area>.<group>.<code>` in the catalogs)."""
    return {"choices": tuple(c.value for c in codes), "label": lambda code: _(f"{area}.{group}.{code}")}


def _codes(group: str, codes) -> dict:
    return _labelled("handover", group, codes)


_YES_NO = {"choices": ("yes", "no"), "label": lambda code: _(f"handover.flag.{code}")}
_BASIS = Column("legal_basis", "法律依据", "Legal basis", aliases=("依据", "basis", "legalbasis"), width=14)
_NOTE = Column("note", "备注", "Note", aliases=("说明", "备注说明", "remarks", "notes", "comment"), width=28)

DOCUMENTS = SheetSpec(
    key="documents", zh="资料移交清单", en="Documents", id_prefix="D",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("资料编号", "no"), width=9),
        Column("category", "类别", "Category", Kind.CHOICE, aliases=("资料类别", "分类", "type"),
               **_codes("doc_category", DocCategory), width=16),
        Column("name", "资料名称", "Document", required=True,
               aliases=("名称", "资料", "文件名称", "档案名称", "name", "documentname", "title"), width=40),
        Column("copies", "份数", "Copies", Kind.INT, aliases=("数量", "份", "qty", "quantity"), width=6),
        Column("form", "原件/复印件", "Original/copy", Kind.CHOICE,
               aliases=("原件或复印件", "原件复印件", "原件/复印", "形式", "form"), **_codes("form", DocForm), width=10),
        Column("pages", "页数/册数", "Pages/volumes", aliases=("页数", "册数", "页/册", "pages", "volumes"), width=10),
        Column("holder", "保管人", "Holder", aliases=("保管部门", "持有人", "保管", "custodian", "keeper"), width=12),
        Column("status", "状态", "Status", Kind.CHOICE, aliases=("移交状态", "情况", "state"),
               **_codes("status", DocStatus), width=10),
        _BASIS,
        _NOTE,
    ),
)

FACILITIES = SheetSpec(
    key="facilities", zh="设施设备清单", en="Facilities", id_prefix="A",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("清单编号", "no"), width=9),
        Column("code", "设备编号", "Asset code", aliases=("资产编号", "设备代码", "assetno", "assetcode", "tag"),
               width=10),
        Column("name", "名称", "Name", required=True,
               aliases=("设施设备名称", "设备名称", "设施名称", "项目名称", "equipment", "facility", "item"), width=30),
        Column("category", "类别", "Category", Kind.CHOICE, aliases=("分类", "类型", "type"),
               **_codes("facility_category", FacilityCategory), width=12),
        Column("location", "位置", "Location", aliases=("安装位置", "所在位置", "部位", "place"), width=16),
        Column("quantity", "数量", "Quantity", Kind.INT, aliases=("台数", "qty", "count"), width=6),
        Column("unit", "单位", "Unit", aliases=("计量单位", "units"), width=6),
        Column("area_m2", "面积(㎡)", "Area (m²)", Kind.MONEY,
               aliases=("面积", "面积m2", "建筑面积", "area", "aream2", "areasqm"), width=10),
        Column("condition", "完好程度", "Condition", Kind.CHOICE, aliases=("状况", "现状", "完好情况", "grade"),
               **_codes("condition", Condition), width=10),
        Column("method", "查验方法", "Method", Kind.CHOICE, aliases=("检查方法", "方法", "checkmethod"),
               **_codes("method", Method), width=8),
        Column("result", "查验结果", "Result", aliases=("检查结果", "结果", "findings"), width=24),
        Column("owners_money", "业主共有资金购置", "Owners' money", Kind.CHOICE,
               aliases=("业主出资", "共有资金购置", "ownersmoney", "ownerfunded"), **_YES_NO, width=10),
        _BASIS,
        _NOTE,
    ),
)

KEYS = SheetSpec(
    key="keys", zh="钥匙与账号清单", en="Keys and accounts", id_prefix="K",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("清单编号", "no"), width=9),
        Column("name", "位置或系统", "Location or system", required=True,
               aliases=("名称", "钥匙名称", "位置", "系统", "门禁位置", "name", "location", "system"), width=30),
        Column("kind", "类型", "Kind", Kind.CHOICE, aliases=("种类", "类别", "type"), **_codes("key_kind", KeyKind),
               width=10),
        Column("handed_out", "移交数量", "Handed out", Kind.INT, aliases=("移交数", "交出数量", "handedout"), width=8),
        Column("received", "接收数量", "Received", Kind.INT, aliases=("接收数", "实收数量", "收到数量"), width=8),
        Column("discrepancy", "核对", "Check", imported=False, width=10, alert=True),
        Column("account_handed", "账号已移交", "Account handed over", Kind.CHOICE,
               aliases=("账号移交", "是否移交", "accounthanded"), **_YES_NO, width=10),
        Column("handed_to", "移交给", "Handed to", aliases=("接收人", "交给", "handedto", "recipient"), width=12),
        Column("handed_on", "移交日期", "Handed on", Kind.DATE, aliases=("交接日期", "日期", "handedon", "date"),
               width=12),
        _BASIS,
        _NOTE,
    ),
)

INSPECTIONS = SheetSpec(
    key="inspections", zh="查验问题清单", en="Inspection items", id_prefix="I",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("问题编号", "no"), width=9),
        Column("item_ref", "涉及项目", "Concerns", aliases=("对应编号", "关联项目", "设备编号", "itemref", "item"),
               width=10),
        Column("description", "问题描述", "Description", required=True,
               aliases=("问题", "描述", "查验问题", "存在问题", "issue", "finding", "problem"), width=40),
        Column("responsible", "责任方", "Responsible", aliases=("责任单位", "整改单位", "负责人", "owner"), width=12),
        Column("deadline", "整改期限", "Deadline", Kind.DATE, aliases=("完成时限", "整改时限", "期限", "due"), width=12),
        Column("recheck_on", "复查日期", "Re-inspection", Kind.DATE, aliases=("复验日期", "复查时间", "recheck"),
               width=12),
        Column("evidence", "照片/证据", "Evidence", aliases=("照片", "证据", "附件", "photos", "files"), width=20),
        Column("raised_by", "提出人", "Raised by", aliases=("提出方", "发现人", "raisedby", "reporter"), width=10),
        Column("state", "状态", "State", Kind.CHOICE, aliases=("处理状态", "进度", "status"),
               **_codes("state", InspectionState), width=10),
        Column("dispute_reason", "争议理由", "Dispute reason", aliases=("争议原因", "争议", "dispute"), width=24),
    ),
)

# Sheets written for reading only (a printed record; the importer skips them): headers chosen so that no register's
# header row is recognised in them (tests/test_handover_import.py).
_BATCH = Column("batch", "批次编号", "Batch", width=9)
_ITEM = Column("item_ref", "物品编号", "Item no.", width=9)
_WHAT = Column("name", "移交物品", "What", width=30)
_OUTCOME = Column("outcome", "移交结果", "Outcome", width=12)
_PROMISED = Column("promised_on", "承诺移交日期", "Promised by", Kind.DATE, width=12)

BATCHES = SheetSpec(
    key="batches", zh="移交批次", en="Handover batches", id_prefix="B",
    columns=(
        _BATCH,
        Column("title", "批次名称", "Batch title", width=24),
        Column("items", "物品数", "Items", Kind.INT, width=7),
        Column("handed", "已移交", "Handed over", Kind.INT, width=7),
        Column("partial", "部分移交", "Partly", Kind.INT, width=7),
        Column("not_handed", "未移交", "Not yet", Kind.INT, width=7),
        Column("disputed", "有争议", "Disputed", Kind.INT, width=7),
        Column("amendments", "修订数", "Amendments", Kind.INT, width=7),
        Column("signed_on", "签署日期", "Signed on", Kind.DATE, width=11),
        Column("sheet", "明细表", "Sheet", width=16),
    ),
)
"""One line per batch (outcomes as amended); each batch is printed on a sheet of its own (BATCH_ITEMS)."""

BATCH_ITEMS = SheetSpec(
    key="batch_items", zh="移交批次", en="Batch", id_prefix="",
    columns=(
        Column("no", "序号", "Seq.", Kind.INT, width=5),
        _ITEM,
        Column("name", "移交物品", "What", width=26),
        Column("register", "所属清单", "Register", width=11),
        Column("outcome", "移交结果", "Outcome", width=12),
        _PROMISED,
        Column("reason", "原因或说明", "Reason or note", width=23),
    ),
)
"""The items of one batch as signed, on the batch's own sheet (io/xlsx_batch.py)."""

AMENDMENTS = SheetSpec(
    key="amendments", zh="修订记录", en="Amendments", id_prefix="",
    columns=(
        Column("no", "修订序号", "Seq.", Kind.INT, width=5),
        _ITEM,
        Column("name", "移交物品", "What", width=24),
        Column("made_on", "修订日期", "Amended on", Kind.DATE, width=10),
        Column("made_by", "记录人", "Recorded by", width=12),
        Column("change", "变更内容及原因", "What changed and why", width=38),
    ),
)
"""The amendments of a signed batch, printed below its items on the same columns (the last spans two)."""

OUTSTANDING = SheetSpec(
    key="outstanding", zh="未移交清单", en="Not handed over", id_prefix="",
    columns=(_BATCH, _ITEM, _WHAT, _OUTCOME, _PROMISED, Column("reason", "未移交原因", "Why not yet", width=30)),
)

ACCEPTANCE = SheetSpec(
    key="acceptance", zh="验收报告", en="Acceptance report", id_prefix="",
    columns=(
        Column("section", "清单", "Register", width=20),
        Column("measure", "统计项", "Measure", width=30),
        Column("number", "合计", "Total", Kind.INT, width=14),
    ),
)


# -- accounts (services/accounts.py, services/accounts_import.py): the 业主名册, the ledger lines, the project's own
# ledgers, the confirmations the committee returns, and the sheets written for reading only -----------------------


def _accounts(group: str, codes) -> dict:
    return _labelled("accounts", group, codes)


_UNIT_NO = ("房间号", "户号", "门牌号", "房屋号", "室号", "房号室号", "unit", "unitno", "room", "roomno")
_SOURCE = Column("source_ref", "单据号", "Source document", aliases=("凭证号", "单据编号", "来源单据", "依据单据",
                                                                     "source", "sourceref", "voucher"), width=12)

UNITS = SheetSpec(
    key="units", zh="房屋清单", en="Units", id_prefix="U",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("房屋编号", "no"), width=9),
        Column("unit_no", "房号", "Unit no.", required=True, aliases=_UNIT_NO, width=10),
        Column("building", "楼栋", "Building", aliases=("楼号", "栋号", "幢号", "楼栋号", "block"), width=8),
        Column("area_m2", "建筑面积(㎡)", "Area (m²)", Kind.MONEY,
               aliases=("建筑面积", "面积", "面积m2", "建筑面积m2", "area", "aream2", "areasqm"), width=10),
        Column("owner", "业主", "Owner", aliases=("业主姓名", "产权人", "业主名称", "房屋所有权人", "ownername", "owners"),
               width=16),
        Column("phone", "电话", "Phone", aliases=("手机", "联系电话", "手机号", "手机号码", "联系方式", "tel", "mobile"),
               width=13),
        _NOTE,
        Column("owes_fen", "业主应付", "Owner owes", Kind.MONEY, imported=False, width=11),
        Column("owed_fen", "应退业主", "Owed to owner", Kind.MONEY, imported=False, width=11),
        Column("net_fen", "净额", "Net", Kind.MONEY, imported=False, width=11),
        Column("lines", "明细笔数", "Lines", Kind.INT, imported=False, width=6),
        Column("reconciled", "对账情况", "Reconciliation", imported=False, width=14),
    ),
)

LINES = SheetSpec(
    key="lines", zh="对账明细", en="Ledger lines", id_prefix="L",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("明细编号", "no"), width=9),
        Column("unit_no", "房号", "Unit no.", required=True, aliases=_UNIT_NO, width=10),
        Column("category", "类别", "Category", Kind.CHOICE, required=True,
               aliases=("费用类别", "费用项目", "科目", "收费项目", "type"), **_accounts("category", LineCategory),
               width=12),
        Column("period_start", "起始日期", "Period from", Kind.DATE,
               aliases=("开始日期", "计费起始", "期间起", "起始", "from", "periodstart"), width=11),
        Column("period_end", "结束日期", "Period to", Kind.DATE,
               aliases=("计费截止", "期间止", "终止日期", "to", "periodend"), width=11),
        Column("amount_fen", "金额", "Amount", Kind.MONEY, required=True,
               aliases=("金额元", "应收金额", "欠费金额", "amount", "amountyuan"), width=11),
        Column("direction", "方向", "Direction", Kind.CHOICE, aliases=("收付方向", "借贷方向"),
               **_accounts("direction", Direction), width=10),
        Column("after_cutoff_fen", "截止日后部分", "After cut-off", Kind.MONEY, imported=False, width=11),
        Column("meter_reading", "截止读数", "Meter reading", aliases=("表读数", "抄表读数", "读数", "meter"), width=18),
        _SOURCE,
        Column("state", "状态", "State", Kind.CHOICE, aliases=("对账状态", "确认状态", "status"),
               **_accounts("state", LineState), width=9),
        Column("dispute_reason", "争议理由", "Dispute reason", aliases=("争议原因", "异议理由", "dispute"), width=18),
        Column("evidence_ref", "证据", "Evidence", aliases=("证据编号", "证据材料", "evidence"), width=12),
        _NOTE,
    ),
)

LEDGERS = SheetSpec(
    key="ledgers", zh="项目台账", en="Project ledgers", id_prefix="G",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("台账编号", "no"), width=9),
        Column("kind", "类别", "Kind", Kind.CHOICE, required=True, aliases=("台账类别", "类型", "type"),
               **_accounts("kind", LedgerKind), width=14),
        Column("description", "摘要", "Description",
               aliases=("事项", "内容", "收支内容", "项目名称", "description", "item"), width=30),
        Column("counterparty", "对方单位", "Counterparty", aliases=("往来单位", "单位名称", "外包单位", "供应商",
                                                                  "payee", "vendor"), width=18),
        Column("day", "日期", "Date", Kind.DATE, aliases=("发生日期", "入账日期", "date"), width=11),
        Column("amount_fen", "金额", "Amount", Kind.MONEY, required=True, aliases=("金额元", "amount"), width=12),
        _SOURCE,
        _NOTE,
    ),
)

CONFIRMATIONS = SheetSpec(
    key="confirmations", zh="对账确认回执", en="Confirmations", id_prefix="L",
    columns=(
        Column("unit_no", "房号", "Unit no.", aliases=_UNIT_NO, width=10),
        Column("public_id", "明细编号", "Line ID", Kind.ID, aliases=("编号", "明细号", "lineid"), width=9),
        Column("line", "费用明细", "Line", imported=False, width=32),
        Column("result", "确认结果", "Reply", aliases=("确认", "确认情况", "回执", "确认/有争议", "是否确认", "reply",
                                                     "result"), width=20),
        Column("reason", "异议理由", "Reason", aliases=("理由", "争议理由", "争议原因", "reason"), width=16),
        Column("evidence", "异议证据", "Evidence", aliases=("证据", "证据材料", "evidence"), width=10),
    ),
)
"""What the committee returns: one row per line of the owner statements, 确认 or 有争议 (with a reason); the
import moves each line's state (services/accounts_import.py), all or nothing. Printed A4 portrait (at most 100
characters wide, the filter buttons counted), the reply column where the signature block's signature box falls."""

# Sheets written for reading only (headers chosen so that no register's header row is recognised in them).
NOTICE_COLUMNS = (
    Column("no", "序号", "Seq.", Kind.INT, width=6),
    Column("unit", "房屋", "Unit", width=12),
    Column("owner", "业主(隐去部分)", "Owner (masked)", width=16),
    Column("phone", "联系电话(隐去部分)", "Phone (masked)", width=16),
    Column("count", "笔数", "Count", Kind.INT, width=6),
    Column("sum", "合计(元)", "Total (yuan)", Kind.MONEY, width=14),
)
ARREARS_NOTICE = SheetSpec(key="arrears_notice", zh="欠费公示清单", en="Arrears notice 公示", id_prefix="",
                           columns=NOTICE_COLUMNS)
PREPAID_NOTICE = SheetSpec(key="prepaid_notice", zh="预收费用退还公示清单", en="Prepaid refund notice 公示",
                           id_prefix="", columns=NOTICE_COLUMNS)
"""公示 lists: names and phones masked (domain/accounts.mask_name, mask_phone); in English too the sheet's name
says 公示, so that the check that nothing unmasked is on it finds it in either language."""

SETTLEMENT = SheetSpec(
    key="settlement", zh="结算报告", en="Settlement report", id_prefix="",
    columns=(
        Column("section", "部分", "Part", width=26),  # wide enough for the parties' names in the signature block
        Column("measure", "统计项", "Measure", width=42),
        Column("count", "笔数", "Count", Kind.INT, width=8),
        Column("sum", "合计(元)", "Total (yuan)", Kind.MONEY, width=16),
    ),
)

#: Every declared sheet, by key.
SHEETS: dict[str, SheetSpec] = {spec.key: spec for spec in (TASKS, DOCUMENTS, FACILITIES, KEYS, INSPECTIONS,
                                                          UNITS, LINES, LEDGERS, CONFIRMATIONS)}


def _risks(group: str, codes) -> dict:
    return _labelled("risks", group, codes)


RISKS = SheetSpec(
    key="risks", zh="风险登记册", en="Risk register", id_prefix="R",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("风险编号", "no"), width=12),  # the heatmap's axis too
        Column("title", "风险", "Risk", required=True, aliases=("风险名称", "风险事项", "risk", "title"), width=30),
        Column("category", "类别", "Category", Kind.CHOICE, aliases=("风险类别", "type"),
               **_risks("category", RiskCategory), width=8),
        Column("phase_no", "阶段", "Phase", Kind.INT, aliases=("阶段编号", "phase"), width=6),
        Column("trigger", "触发信号", "Trigger", aliases=("诱因", "征兆", "trigger", "cause"), width=24),
        Column("likelihood", "可能性(1-5)", "Likelihood (1-5)", Kind.INT, aliases=("可能性", "概率", "likelihood"),
               width=8),
        Column("impact", "影响(1-5)", "Impact (1-5)", Kind.INT, aliases=("影响", "影响程度", "impact"), width=8),
        Column("score", "评分", "Score", Kind.INT, imported=False, width=6),
        Column("level", "等级", "Level", imported=False, width=6),
        Column("owner", "负责人", "Owner", aliases=("责任人", "owner"), width=10),
        Column("mitigation", "预防措施", "Mitigation", aliases=("应对措施", "防范措施", "mitigation"), width=30),
        Column("plan", "应急预案", "Contingency plan", aliases=("预案", "应急措施", "plan"), width=30),
        Column("plan_lead", "预案牵头人", "Plan lead", aliases=("牵头人", "lead"), width=10),
        Column("plan_phone", "联系电话", "Phone", aliases=("电话", "phone"), width=13),
        Column("status", "状态", "Status", Kind.CHOICE, aliases=("风险状态", "status"),
               **_risks("status", RiskStatus), width=8),
        Column("next_review", "下次复核", "Next review", Kind.DATE, aliases=("复核日期", "review"), width=11),
        Column("drill_rule", "演练周期(RRULE)", "Drill schedule (RRULE)", aliases=("演练周期", "drills"), width=16),
        Column("drill_start", "首次演练", "First drill", Kind.DATE, aliases=("演练开始", "drillstart"), width=11),
        _BASIS,
        _NOTE,
        Column("tasks", "关联任务", "Linked tasks", imported=False, width=10),
    ),
)
"""The risk register: its form, and its sheet in the package (the 5×5 heatmap of the open risks drawn above the
header, io/risks_print.py), imported by public id (services/risks_import.py); score, level and the linked tasks are
written for reading only."""

DRILLS = SheetSpec(
    key="drills", zh="演练记录", en="Drill log", id_prefix="X",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("演练编号", "no"), width=9),
        Column("risk", "风险编号", "Risk ID", required=True, aliases=("风险", "risk"), width=9),
        Column("held_on", "演练日期", "Held on", Kind.DATE, required=True, aliases=("日期", "date"), width=11),
        Column("participants", "参加人员", "Participants", aliases=("参加人", "人员"), width=20),
        Column("scenario", "演练场景", "Scenario", aliases=("场景", "科目"), width=26),
        Column("findings", "发现问题", "Findings", aliases=("问题", "发现"), width=26),
        Column("follow_ups", "跟进措施(每行一项)", "Follow-up actions (one per line)",
               aliases=("跟进措施", "整改措施", "followups", "actions"), width=26),
        Column("tasks", "跟进任务", "Follow-up tasks", imported=False, width=14),
    ),
)
"""The drill log: a drill's follow-up actions become checklist tasks (their ids in `tasks`). Exported, the actions
column lists the drill's follow-up tasks by title; a line added there on import becomes a further task."""

PLANS = SheetSpec(
    key="plans", zh="应急预案", en="Contingency plans", id_prefix="",
    columns=(
        Column("risk", "风险", "Risk"),
        Column("category", "类别", "Category"),
        Column("trigger", "触发信号", "Trigger"),
        Column("rating", "风险等级", "Rating"),
        Column("status", "状态", "Status"),
        Column("owner", "风险负责人", "Risk owner"),
        Column("plan", "应急措施", "Measures"),
        Column("plan_lead", "牵头人", "Lead"),
        Column("plan_phone", "联系电话", "Phone"),
        Column("mitigation", "预防措施", "Mitigation"),
        Column("drills", "演练安排", "Drill schedule"),
        Column("last_drills", "最近演练", "Last drills"),
        Column("tasks", "关联任务", "Linked tasks"),
    ),
)
"""The contingency plans as printed, one risk's plan a page (io/risks_print.py): each column a labelled line of
the page. Written for reading only: a plan is changed on the register (RISKS), and an import of this sheet is
refused."""


# -- staff (services/staff.py, services/staff_import.py, io/staff_print.py): the 员工安置表 with the headers a
# company's staff list uses, and the 经济补偿计算表 written for reading only --------------------------------------


_STAFF_FLAG = {"choices": ("yes", "no"), "label": lambda code: _(f"staff.flag.{code}")}

STAFF = SheetSpec(
    key="staff", zh="员工安置表", en="Staff placement", id_prefix="E",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("安置编号", "no"), width=9),
        Column("name", "姓名", "Name", required=True,
               aliases=("员工姓名", "职工姓名", "人员姓名", "名字", "name", "employeename", "fullname"), width=8),
        Column("employee_no", "工号", "Employee no.",
               aliases=("员工编号", "职工编号", "人员编号", "员工号", "职工号", "employeeno", "staffno", "employeeid"),
               width=8),
        Column("position", "岗位", "Position", aliases=("职位", "职务", "岗位名称", "工种", "position", "job",
                                                       "jobtitle"), width=10),
        Column("team", "班组/部门", "Team", aliases=("班组", "部门", "所属部门", "所在部门", "所属班组", "department",
                                                    "dept", "team"), width=10),
        Column("hire_date", "入职日期", "Hired", Kind.DATE, required=True,
               aliases=("入职时间", "入职日", "本单位入职日期", "入职年月日", "hiredate", "hired", "startdate",
                        "joined"), width=11),
        Column("contract_type", "合同类型", "Contract",
               aliases=("劳动合同类型", "合同期限类型", "合同种类", "contracttype", "contract"), width=10),
        Column("contract_end", "合同到期日", "Contract ends", Kind.DATE,
               aliases=("合同到期日期", "合同到期时间", "合同终止日期", "合同截止日期", "合同期满日", "合同到期",
                        "contractend"), width=11),
        Column("wages", "各月工资(元,由远及近)", "Monthly wages (yuan, oldest first)",
               aliases=("月工资", "近12个月工资", "前12个月工资", "最近12个月工资", "各月工资", "工资明细", "wages",
                        "monthlywages"), width=20),
        Column("average", "月平均工资", "Average wage", Kind.MONEY,
               aliases=("平均工资", "月均工资", "平均月工资", "前12个月平均工资", "近12个月平均工资", "averagewage",
                        "average"), width=10),
        Column("last_month", "上月工资", "Last month's wage", Kind.MONEY,
               aliases=("上个月工资", "上一个月工资", "lastmonth", "lastmonthwage"), width=10),
        Column("protected", "第42条情形", "Art 42 status",
               aliases=("特殊保护情形", "保护情形", "特殊情形", "protected"), width=14),
        Column("phone", "电话", "Phone", aliases=("手机", "手机号", "手机号码", "联系电话", "联系方式", "电话号码", "tel",
                                                 "mobile", "phone"), width=13),
        Column("placement", "安置方式", "Placement", aliases=("安置", "安置方案", "处理方式", "placement"), width=14),
        Column("placement_target", "调往/接收", "Moved to",
               aliases=("调往项目", "接收单位", "调往接收单位", "安置去向", "去向", "target"), width=12),
        Column("leaving_date", "离职日期", "Leaving date", Kind.DATE,
               aliases=("离职日", "解除日期", "终止日期", "最后工作日", "leavingdate", "leaves"), width=11),
        Column("placement_status", "安置状态", "Status", Kind.CHOICE, aliases=("状态", "进度", "status"),
               **_labelled("staff", "status", PlacementStatus), width=8),
        Column("agreement_signed", "协议已签", "Agreement signed", Kind.CHOICE,
               aliases=("已签协议", "协议签订", "是否签协议", "agreementsigned"), **_STAFF_FLAG, width=6),
        Column("renewal_refused", "拒绝续订", "Renewal refused", Kind.CHOICE,
               aliases=("不同意续订", "renewalrefused"), **_STAFF_FLAG, width=6),
        Column("employee_proposed", "员工提出", "Employee proposed", Kind.CHOICE,
               aliases=("劳动者提出", "本人提出", "employeeproposed"), **_STAFF_FLAG, width=6),
        Column("note", "备注", "Note", aliases=_NOTE.aliases, width=20),
        Column("severance", "经济补偿(元)", "Severance (yuan)", Kind.MONEY, imported=False, width=11),
        Column("months", "补偿月数", "Months (N)", imported=False, width=6),
        Column("alerts", "提示", "Alerts", imported=False, width=20, alert=True),
    ),
)
"""The staff register (员工安置表): its sheet in the package, imported by public id (services/staff_import.py), or
by 工号 from a company's own list without our ids; a personal ID number (身份证号) is never asked for, and a column
of them in a file is ignored (the import report lists it). Severance, its months and the alerts (art 42/45 blocks,
why the severance cannot be computed) are written for reading only: severance is computed, never typed."""

SEVERANCE = SheetSpec(
    key="severance", zh="经济补偿计算表", en="Severance calculation", id_prefix="",
    columns=(
        Column("employee", "员工", "Employee", width=9),
        Column("position", "岗位", "Position", width=10),
        Column("placement", "解除方式", "Ground", width=12),
        Column("leaving_date", "离职日期", "Leaving date", Kind.DATE, width=11),
        Column("service", "计算年限", "Service counted", width=12),
        Column("months", "补偿月数N", "Months N", width=7),
        Column("wage", "计算基数(元)", "Wage used (yuan)", Kind.MONEY, width=10),
        Column("wage_rule", "工资依据", "Wage rule", width=10),
        Column("severance", "经济补偿(元)", "Severance (yuan)", Kind.MONEY, width=13),
        Column("extra", "代通知金(元)", "In lieu of notice (yuan)", Kind.MONEY, width=11),
        Column("amount", "应付合计(元)", "Total due (yuan)", Kind.MONEY, width=14),  # bold totals to 99 million
        Column("working", "计算过程", "Working", width=58),
        Column("sign", "员工签字确认", "Employee's signature", width=12),
    ),
)
"""The 经济补偿计算表: one row per leaving employee with every figure of the working and the rule that produced it,
so that each employee can check their own and sign it; the totals; the company, the union (or the employees'
representative) and whoever prepared it sign under it (io/staff_print.py). Written for reading only: severance is
changed on the 员工安置表, and an import of this sheet is refused."""


# -- stakeholders, notices, announcements and contracts (issue 14: services/parties.py, services/contracts.py,
# services/announcements.py; services/parties_import.py, io/parties_print.py) ----------------------------------


def _parties(group: str, codes, undecided: bool = False) -> dict:
    """A CHOICE column of the parties vocabulary (`parties.<group>.<code>`); `undecided` lets "" in, labelled
    `parties.<group>.none` (待定, 无)."""
    return {"choices": (*([""] if undecided else []), *(c.value for c in codes)),
            "label": lambda code: _(f"parties.{group}.{code or 'none'}")}


_PARTIES_FLAG = {"choices": ("yes", "no"), "label": lambda code: _(f"parties.flag.{code}")}
_PHONE_ALIASES = ("电话", "手机", "手机号", "联系方式", "电话号码", "tel", "mobile", "phone")

STAKEHOLDERS = SheetSpec(
    key="stakeholders", zh="相关方", en="Stakeholders", id_prefix="S",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("相关方编号", "no"), width=9),
        Column("kind", "类别", "Kind", Kind.CHOICE, aliases=("相关方类别", "类型", "type", "kind"),
               **_parties("kind", StakeholderKind), width=12),
        Column("name", "名称", "Name", required=True,
               aliases=("相关方名称", "单位名称", "单位", "名称/姓名", "name", "organisation", "organization"), width=24),
        Column("contact", "联系人", "Contact", aliases=("联系人姓名", "负责人", "contactperson"), width=16),
        Column("phone", "联系电话", "Phone", aliases=_PHONE_ALIASES, width=14),
        Column("address", "地址", "Address", aliases=("送达地址", "联系地址", "通讯地址", "address"), width=26),
        Column("note", "备注", "Note", aliases=_NOTE.aliases, width=20),
        Column("notices", "通知数", "Notices", Kind.INT, imported=False, width=7),
        Column("open_notices", "未签收", "Not received", Kind.INT, imported=False, width=7),
    ),
)
"""The stakeholders (相关方): every party to tell of the exit, with the contact to serve notices on; imported by
public id (services/parties_import.py). The counts of their notices are written for reading only."""

NOTICES = SheetSpec(
    key="notices", zh="相关方与通知", en="Stakeholders and notices", id_prefix="N",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("通知编号", "no"), width=9),
        Column("stakeholder", "相关方编号", "Stakeholder ID", required=True,
               aliases=("送达对象", "通知对象", "stakeholderid"), width=9),
        Column("stakeholder_name", "相关方", "Stakeholder name", imported=False, width=16),
        Column("contact", "联系人/电话", "Contact / phone", imported=False, width=16),
        Column("subject", "通知事项", "Subject", required=True,
               aliases=("事项", "通知内容", "通知名称", "主题", "subject", "notice"), width=26),
        Column("rule", "期限规则", "Deadline rule", required=True, aliases=("规则", "期限依据", "deadlinerule", "rule"),
               width=18),
        Column("deadline", "最迟送达日", "Serve by", Kind.DATE, imported=False, width=11),
        Column("basis", "法律依据", "Legal basis", imported=False, width=12),
        Column("statutory", "法定", "Statutory", Kind.CHOICE, aliases=("法定通知", "是否法定", "statutory"),
               **_PARTIES_FLAG, width=6),
        Column("channel", "送达方式", "Channel", Kind.CHOICE, aliases=("方式", "发送方式", "通知方式", "channel"),
               **_parties("channel", Channel, undecided=True), width=11),
        Column("sent_on", "送达日期", "Sent on", Kind.DATE, aliases=("发出日期", "发送日期", "送达日", "senton"),
               width=11),
        Column("proof_kind", "证明类型", "Proof", Kind.CHOICE, aliases=("回执类型", "证据类型", "prooftype", "proof"),
               **_parties("proof", ProofKind, undecided=True), width=10),
        Column("proof_ref", "证明编号/存放处", "Proof reference",
               aliases=("回执编号", "证明编号", "单号", "证据", "证明", "proofref", "reference"), width=18),
        Column("status", "状态", "Status", Kind.CHOICE, aliases=("送达状态", "通知状态", "state"),
               **_parties("status", NoticeStatus), width=8),
        Column("note", "备注", "Note", aliases=_NOTE.aliases, width=18),
        Column("alerts", "提示", "Alerts", imported=False, alert=True, width=16),
    ),
)
"""Every notice owed a stakeholder (通知), with how and when it was served and the proof of it: imported by public
id (services/parties_import.py; a status moves as the service allows, with the proof each step needs). The
stakeholder is named by its id (or its name as typed); its name and contact, the deadline read from the rule, its
legal basis and the alerts (overdue, refused, no proof) are written for reading only."""

ANNOUNCEMENTS = SheetSpec(
    key="announcements", zh="公告", en="Announcements", id_prefix="",
    columns=(
        Column("title", "标题", "Title"),
        Column("number", "编号", "Number"),
        Column("audience", "对象", "To"),
        Column("issued_on", "发布日期", "Issued on", Kind.DATE),
        Column("supersedes", "取代", "Supersedes"),
        Column("posted", "张贴记录", "Posting record"),
        Column("body", "正文", "Text"),
    ),
)
"""The issued announcements as printed, one a page (io/parties_print.py): each version in force, its number,
whom it is for, when it was issued, the version it replaces and the posting notice with its photo proof. Written
for reading only: an announcement is changed by a new version, and an import of this sheet is refused."""

CONTRACTS = SheetSpec(
    key="contracts", zh="合同清单", en="Contracts", id_prefix="C",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, aliases=("清单编号", "no"), width=9),
        Column("counterparty", "合同相对方", "Counterparty", required=True,
               aliases=("相对方", "对方单位", "签约单位", "供应商", "外包单位", "乙方", "counterparty", "vendor",
                        "supplier"), width=20),
        Column("kind", "合同类型", "Kind", Kind.CHOICE, aliases=("类型", "合同类别", "类别", "type", "kind"),
               **_parties("contract_kind", ContractKind), width=11),
        Column("start", "开始日期", "Start", Kind.DATE, aliases=("起始日期", "合同开始日期", "生效日期", "start"),
               width=11),
        Column("end", "到期日期", "End", Kind.DATE,
               aliases=("终止日期", "合同到期日", "到期日", "截止日期", "合同终止日期", "end"), width=11),
        Column("notice_period", "通知期", "Notice period", aliases=("提前通知期", "通知期限", "noticeperiod"),
               width=8),
        Column("last_notice_day", "最后通知日", "Last notice day", Kind.DATE, imported=False, width=11),
        Column("clause", "解除条款", "Termination clause", aliases=("终止条款", "解约条款", "clause"), width=22),
        Column("decision", "处理决定", "Decision", Kind.CHOICE, aliases=("处理方式", "决定", "decision"),
               **_parties("decision", ContractDecision, undecided=True), width=10),
        Column("notice_ref", "解除通知", "Notice", aliases=("通知编号", "noticeref"), width=9),
        Column("notice_status", "通知状态", "Notice status", imported=False, width=8),
        Column("agreement_signed", "解除协议已签", "Agreement signed", Kind.CHOICE,
               aliases=("协议已签", "已签协议", "agreementsigned"), **_PARTIES_FLAG, width=7),
        Column("outstanding", "未结金额", "Outstanding", Kind.MONEY,
               aliases=("欠款", "未付金额", "应付未付", "未结清金额", "outstanding"), width=11),
        Column("vendor_ref", "台账往来单位", "Vendor in ledgers", aliases=("台账单位", "往来单位", "vendorref"),
               width=14),
        Column("note", "备注", "Note", aliases=_NOTE.aliases, width=18),
        Column("alerts", "提示", "Alerts", imported=False, alert=True, width=18),
    ),
)
"""The contracts to end or hand over (合同清单): imported by public id (services/parties_import.py). The last day
to give notice (end − notice period), the linked notice's status and the alerts (late: decided to end, its last
notice day past and no notice sent; a lift or fire maintenance gap before T) are written for reading only."""

