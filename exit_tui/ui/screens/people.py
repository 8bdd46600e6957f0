"""People: five tabs. 员工安置, the staff register under its totals and alerts: each employee's severance is
computed by the services (never typed) and its working — every figure with the rule that produced it — is shown in
the employee's form; the alerts say when art 41's threshold is reached, which planned terminations art 42 blocks,
and whose severance cannot be computed yet; `s` sets the figures the law counts against. 相关方, the parties to tell.
通知, the notices owed them, each with its deadline derived from a statutory clock or a project date, how it was
served and the proof (`m` records the next step). 公告, the announcements: drafts from templates, issued versions
frozen (`p` issues, `v` starts a new version). 合同, the contracts to end or hand over with their last notice day.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from ...domain.announcements import templates
from ...domain.money import format_fen
from ...domain.parties import (
    AnnouncementStatus, Channel, ContractDecision, ContractKind, NoticeStatus, StakeholderKind,
)
from ...domain.severance import Basis
from ...domain.staff import ContractType
from ...i18n import _, _n, get_language
from ...i18n.severance import block_text, working
from ...io.spec import CONTRACTS, NOTICES, STAFF, STAKEHOLDERS, Kind
from ...services.readmodels import StaffRegister
from ..modals.announcement import AnnouncementDialog, DraftDialog
from ..modals.confirm import ConfirmScreen
from ..modals.record_form import RecordForm, field_column, form_columns
from ..requests import PeopleRequest
from ..widgets.register_table import Column, RegisterTable, Totals
from .register_screen import RegisterScreen, RegisterTab

PLACEMENTS = ("", Basis.TRANSFER, Basis.TAKEN_OVER, Basis.AGREED, Basis.EXPIRY, Basis.ART40, Basis.ART40_NO_NOTICE,
              Basis.ART41)
"""Undecided, the placements that keep the employment, then those that end it."""
STATUS_STYLES = {"pending": "warning", "planned": "info", "done": "dim"}
NOTICE_STYLES = {"pending": "warning", "sent": "info", "received": "success", "refused": "bold error"}
ANNOUNCEMENT_STYLES = {"draft": "warning", "issued": "success", "superseded": "dim"}
TALL = 30
"""Terminal lines from which the totals by placement are shown too."""


def placement_label(code: str) -> str:
    return _(f"people.placement.{code or 'none'}")


def has_alert(employee: Any) -> bool:
    """A blocked or deferred termination, or a leaving employee whose severance cannot be computed."""
    return bool(employee.blocks) or bool(employee.severance_error)


def staff_columns() -> list[Column]:
    s = STAFF
    placements = {code: placement_label(code) for code in PLACEMENTS}
    statuses = {code: _(f"staff.status.{code}") for code in STATUS_STYLES}

    def severance(employee: Any) -> Any:
        if employee.severance is not None:
            return format_fen(employee.severance.amount)
        return [("?", "bold error")] if employee.severance_error else [("-", "dim")]

    def alert(employee: Any) -> Any:
        if employee.blocks:
            return [(_("people.alert.blocked"), "bold error")]
        return [(_("people.alert.incomplete"), "warning")] if employee.severance_error else ""

    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id,
               cell=lambda r: [(r.public_id, "dim")]),
        Column("name", s.column("name").header, 8),
        Column("position", s.column("position").header, 8, flex=1),
        Column("team", s.column("team").header, 8, flex=1, optional=True),
        Column("hire_date", s.column("hire_date").header, 10, kind="date", optional=True),
        Column("placement", s.column("placement").header, 10, kind="choice", labels=placements),
        Column("leaving_date", s.column("leaving_date").header, 10, kind="date"),
        Column("placement_status", s.column("placement_status").header, 8, kind="choice", labels=statuses,
               cell=lambda r: [(statuses.get(r.placement_status, r.placement_status),
                                STATUS_STYLES.get(r.placement_status, ""))]),
        Column("severance", _("people.col.severance"), 11, kind="money", get=lambda r: r.amount_fen,
               cell=severance),
        Column("alert", _("people.col.alert"), 8, get=lambda r: has_alert(r), cell=alert),
    ]


def form_fields() -> list:
    """The employee's form: the sheet's columns, the choices as drop-downs of their labels."""
    choices = {
        "placement": field_column("placement", STAFF.column("placement").header, Kind.CHOICE, choices=PLACEMENTS,
                                  labels={code: _(f"staff.placement.{code or 'none'}") for code in PLACEMENTS}),
        "contract_type": field_column("contract_type", STAFF.column("contract_type").header, Kind.CHOICE,
                                      choices=("", *(c.value for c in ContractType)),
                                      labels={"": _("staff.contract.none"),
                                              **{c.value: _(f"staff.contract.{c.value}") for c in ContractType}}),
        "protected": field_column("protected", _("people.protected_field"), required=False),
        "wages": field_column("wages", _("people.wages_field")),
    }
    return [choices.get(c.key, c) for c in form_columns(STAFF)]


def form_values(employee: Any) -> dict[str, Any]:
    """An employee's stored values as its form shows them (money in fen, wages and statuses as typed)."""
    values = {c.key: getattr(employee, c.key, None) for c in form_columns(STAFF)}
    values.update(
        wages=", ".join(format_fen(fen).replace(",", "") for fen in employee.wages_fen),
        average=employee.average_fen, last_month=employee.last_month_fen,
        protected="、".join(_(f"staff.protected.{code}") for code in employee.protected),
    )
    return values


def working_text(employee: Any) -> Text:
    """The severance working, one line per step (or why it cannot be computed), and the law's blocks."""
    text = Text()
    for block in employee.blocks:
        text.append("⚠ " + block_text(block) + "\n", style="bold red")
    if employee.severance is not None:
        lines = working(employee.severance)
        for line in lines[:-1]:  # no space after the bullet: a line of Chinese is one word to the wrapper
            text.append("·" + line + "\n")
        text.append(lines[-1], style="bold")
    elif employee.severance_error:
        text.append(employee.severance_error_text or _(employee.severance_error), style="yellow")
    else:
        text.append(_("people.no_severance", placement=placement_label(employee.placement)), style="dim")
    return text


class EmployeeForm(RecordForm):
    """An employee's form with the severance working of what is saved above the fields."""

    DEFAULT_CSS = """
    EmployeeForm #working { height: auto; margin: 0 0 1 0; border-left: thick $accent; padding: 0 1; }
    EmployeeForm #working-text { height: auto; }
    """

    def __init__(self, *args: Any, employee: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employee = employee

    def compose_header(self) -> ComposeResult:
        with Vertical(id="working"):
            yield Label(Text(_("people.working"), style="bold"))
            yield Static(working_text(self.employee), id="working-text")


def stakeholder_columns() -> list[Column]:
    s = STAKEHOLDERS
    kinds = {k.value: _(f"parties.kind.{k.value}") for k in StakeholderKind}
    return [
        Column("id", s.column("public_id").header, 7, get=lambda r: r.public_id,
               cell=lambda r: [(r.public_id, "dim")]),
        Column("kind", s.column("kind").header, 10, kind="choice", labels=kinds),
        Column("name", s.column("name").header, 16, flex=2),
        Column("contact", s.column("contact").header, 8),
        Column("phone", s.column("phone").header, 13, optional=True),
        Column("address", s.column("address").header, 12, flex=1, optional=True),
        Column("notices", s.column("notices").header, 6, kind="int"),
        Column("open_notices", s.column("open_notices").header, 6, kind="int",
               cell=lambda r: [(str(r.open_notices), "warning")] if r.open_notices else [("0", "dim")]),
    ]


def notice_columns() -> list[Column]:
    n = NOTICES
    statuses = {k.value: _(f"parties.status.{k.value}") for k in NoticeStatus}
    channels = {"": "", **{k.value: _(f"parties.channel.{k.value}") for k in Channel}}

    def deadline(r: Any) -> Any:
        if r.deadline is None:
            return [("?", "bold error")]
        return [(r.deadline.isoformat(), "error"), (" !", "error")] if r.overdue else r.deadline.isoformat()

    def proof(r: Any) -> str:
        return " ".join(part for part in ((_(f"parties.proof.{r.proof_kind}") if r.proof_kind else ""),
                                          r.proof_ref) if part)

    return [
        Column("id", n.column("public_id").header, 7, get=lambda r: r.public_id,
               cell=lambda r: [(r.public_id, "dim")]),
        Column("stakeholder_name", n.column("stakeholder_name").header, 10, flex=1),
        Column("subject", n.column("subject").header, 14, flex=2),
        Column("deadline", n.column("deadline").header, 12, kind="date", cell=deadline),
        Column("basis", n.column("basis").header, 10, optional=True),
        Column("channel", n.column("channel").header, 8, kind="choice", labels=channels, optional=True),
        Column("sent_on", n.column("sent_on").header, 10, kind="date"),
        Column("proof", n.column("proof_kind").header, 10, get=proof, optional=True),
        Column("status", n.column("status").header, 6, kind="choice", labels=statuses,
               cell=lambda r: [(statuses.get(r.status, r.status), NOTICE_STYLES.get(r.status, ""))]),
        Column("alert", _("people.col.alert"), 8, get=lambda r: r.at_risk or r.overdue,
               cell=lambda r: [(_("people.alert.no_proof" if r.status != "refused" else "people.alert.refused"),
                                "bold error")] if r.at_risk else ""),
    ]


def announcement_columns() -> list[Column]:
    statuses = {k.value: _(f"parties.announcement_status.{k.value}") for k in AnnouncementStatus}
    names = {t.key: t.name(get_language()) for t in templates()}
    return [
        Column("id", _("people.col.id"), 7, get=lambda r: r.public_id, cell=lambda r: [(r.public_id, "dim")]),
        Column("template", _("people.col.template"), 12, kind="choice", labels=names),
        Column("title", _("people.col.title"), 16, flex=1),
        Column("version", _("people.col.version"), 4, kind="int", get=lambda r: r.version,
               cell=lambda r: f"v{r.version}"),
        Column("language", _("people.col.language"), 4, get=lambda r: r.language),
        Column("status", _("people.col.status"), 6, kind="choice", labels=statuses,
               cell=lambda r: [(statuses.get(r.status, r.status), ANNOUNCEMENT_STYLES.get(r.status, ""))]),
        Column("issued_on", _("people.col.issued_on"), 10, kind="date"),
        Column("notice_ref", _("people.col.posted"), 7, get=lambda r: r.notice_ref or ""),
    ]


def contract_columns() -> list[Column]:
    c = CONTRACTS
    kinds = {k.value: _(f"parties.contract_kind.{k.value}") for k in ContractKind}
    decisions = {"": _("parties.decision.none"), **{k.value: _(f"parties.decision.{k.value}")
                                                      for k in ContractDecision}}
    statuses = {k.value: _(f"parties.status.{k.value}") for k in NoticeStatus}

    def last_day(r: Any) -> Any:
        if r.last_notice_day is None:
            return ""
        return [(r.last_notice_day.isoformat(), "error"), (" !", "error")] if r.late else r.last_notice_day.isoformat()

    def alert(r: Any) -> Any:
        texts = [_("people.alert.late")] * r.late + [_("people.alert.gap")] * r.gap
        return [(" ".join(texts), "bold error")] if texts else ""

    return [
        Column("id", c.column("public_id").header, 7, get=lambda r: r.public_id,
               cell=lambda r: [(r.public_id, "dim")]),
        Column("counterparty", c.column("counterparty").header, 12, flex=1),
        Column("kind", c.column("kind").header, 8, kind="choice", labels=kinds),
        Column("end", c.column("end").header, 10, kind="date"),
        Column("notice_period", c.column("notice_period").header, 5, optional=True),
        Column("last_notice_day", c.column("last_notice_day").header, 12, kind="date", cell=last_day),
        Column("decision", c.column("decision").header, 8, kind="choice", labels=decisions),
        Column("notice_status", c.column("notice_status").header, 6, kind="choice",
               labels={"": "", **statuses}, optional=True),
        Column("outstanding", c.column("outstanding").header, 10, kind="money",
               get=lambda r: r.outstanding_fen, optional=True),
        Column("alert", _("people.col.alert"), 12, get=lambda r: r.late or r.gap, cell=alert),
    ]


@dataclass(frozen=True)
class Filter:
    """A choice of the filter drop-down: its value, its label's catalog key (or text) and the rows it shows."""

    value: str
    label: str
    predicate: Callable[[Any], bool] | None


def tab_filters(tab: str) -> list[Filter]:
    """The filter choices of a tab, the first showing every row."""
    if tab == "staff":
        return [Filter("all", _("people.filter.all"), None),
                Filter("pending", _("people.filter.pending"), lambda r: r.placement_status == "pending"),
                Filter("leaving", _("people.filter.leaving"), lambda r: r.leaving),
                Filter("alerts", _("people.filter.alerts"), has_alert)] + [
            Filter(f"placement:{code}", placement_label(code), lambda r, code=code: r.placement == code)
            for code in PLACEMENTS]
    if tab == "stakeholder":
        return [Filter("all", _("people.filter.all_parties"), None),
                Filter("open", _("people.filter.open_notices"), lambda r: r.open_notices > 0)] + [
            Filter(f"kind:{k.value}", _(f"parties.kind.{k.value}"), lambda r, k=k.value: r.kind == k)
            for k in StakeholderKind]
    if tab == "notice":
        return [Filter("all", _("people.filter.all_notices"), None),
                Filter("owed", _("people.filter.owed"), lambda r: r.status == "pending"),
                Filter("overdue", _("people.filter.overdue"), lambda r: r.overdue),
                Filter("at_risk", _("people.filter.at_risk"), lambda r: r.at_risk),
                Filter("statutory", _("people.filter.statutory"), lambda r: r.statutory)] + [
            Filter(f"status:{k.value}", _(f"parties.status.{k.value}"), lambda r, k=k.value: r.status == k)
            for k in NoticeStatus]
    if tab == "announcement":
        return [Filter("all", _("people.filter.all_versions"), None),
                Filter("current", _("people.filter.current"), lambda r: r.status != "superseded")] + [
            Filter(f"status:{k.value}", _(f"parties.announcement_status.{k.value}"),
                   lambda r, k=k.value: r.status == k) for k in AnnouncementStatus]
    return [Filter("all", _("people.filter.all_contracts"), None),
            Filter("flagged", _("people.filter.flagged"), lambda r: r.late or r.gap),
            Filter("undecided", _("people.filter.undecided"), lambda r: not r.decision)] + [
        Filter(f"kind:{k.value}", _(f"parties.contract_kind.{k.value}"), lambda r, k=k.value: r.kind == k)
        for k in ContractKind]


class PeopleScreen(RegisterScreen):
    BINDINGS = [
        Binding("s", "settings", "key.staff_settings", tooltip="tip.staff_settings", id="staff-settings"),
        Binding("m", "deliver", "key.deliver", tooltip="tip.deliver", id="deliver"),
        Binding("p", "issue", "key.issue", tooltip="tip.issue", id="issue"),
        Binding("v", "new_version", "key.new_version", tooltip="tip.new_version", id="new-version"),
        Binding("f", "next_filter", "key.choice_filter", tooltip="tip.choice_filter", show=False, id="next-filter"),
    ]

    TABS = (
        RegisterTab("staff", "people.tab.staff", "staff.register", "staff.delete_employee",
                    view_name="people.staff", placeholder="people.staff_placeholder"),
        RegisterTab("stakeholder", "people.tab.stakeholder", "parties.list_stakeholders",
                    "parties.delete_stakeholder", view_name="people.stakeholders",
                    placeholder="people.stakeholder_placeholder"),
        RegisterTab("notice", "people.tab.notice", "parties.list_notices", "parties.delete_notice",
                    view_name="people.notices", placeholder="people.notice_placeholder"),
        RegisterTab("announcement", "people.tab.announcement", "announcements.list_announcements",
                    "announcements.delete_draft", view_name="people.announcements",
                    placeholder="people.announcement_placeholder"),
        RegisterTab("contract", "people.tab.contract", "contracts.list_contracts", "contracts.delete_contract",
                    view_name="people.contracts", placeholder="people.contract_placeholder"),
    )
    TAB_ACTIONS = {"settings": "staff", "deliver": "notice", "issue": "announcement", "new_version": "announcement"}
    """Actions that belong to one tab."""

    DEFAULT_CSS = """
    PeopleScreen #staff-summary { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.summary: Any | None = None
        """The staff register's totals and alerts (services/staff.register), as last read."""
        self.choices: dict[str, str] = {tab.id: "all" for tab in self.TABS}
        """The filter choice of each tab."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return {"staff": staff_columns, "stakeholder": stakeholder_columns, "notice": notice_columns,
                "announcement": announcement_columns, "contract": contract_columns}[self.tab.id]()

    def search_text(self, row: Any) -> str:
        tab = self.tab.id
        if tab == "staff":
            return " ".join((row.public_id, row.name, row.employee_no, row.position, row.team,
                             row.placement_target, row.phone, row.note, placement_label(row.placement),
                             _(f"staff.placement.{row.placement or 'none'}"),
                             _(f"staff.status.{row.placement_status}"),
                             *(_(f"staff.protected.{code}") for code in row.protected)))
        if tab == "stakeholder":
            return " ".join((row.public_id, row.name, row.contact, row.phone, row.address, row.note,
                             _(f"parties.kind.{row.kind}")))
        if tab == "notice":
            return " ".join((row.public_id, row.stakeholder, row.stakeholder_name, row.subject, row.basis,
                             row.proof_ref, row.note, _(f"parties.status.{row.status}")))
        if tab == "announcement":
            return " ".join((row.public_id, row.title, row.template, row.notice_ref or ""))
        return " ".join((row.public_id, row.counterparty, row.clause, row.vendor_ref, row.note, row.notice_ref or "",
                         _(f"parties.contract_kind.{row.kind}")))

    def load_args(self) -> tuple:
        if self.tab.id in ("staff", "notice", "announcement", "contract"):
            return (self.app.project.id, self.app.today)
        return (self.app.project.id,)

    def make_table(self) -> RegisterTable:
        counters = {
            "staff": {"pending": lambda r: r.placement_status == "pending", "alerts": has_alert},
            "notice": {"overdue": lambda r: r.overdue, "at_risk": lambda r: r.at_risk},
            "contract": {"flagged": lambda r: r.late or r.gap},
        }.get(self.tab.id, {})
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text, counters=counters,
                             id=self.table_id())

    def compose_top(self) -> ComposeResult:
        yield Static(id="staff-summary")

    def compose_filters(self) -> ComposeResult:
        yield Select(self._options(), value="all", allow_blank=False, id="choice")

    def _options(self) -> list[tuple[str, str]]:
        return [(choice.label, choice.value) for choice in tab_filters(self.tab.id)]

    def count_text(self, totals: Totals) -> str:
        parts = [super().count_text(totals)]
        texts = {"pending": lambda n: _n("people.count_pending", n, n=n),
                 "alerts": lambda n: _n("people.count_alerts", n, n=n),
                 "overdue": lambda n: _n("people.count_overdue", n, n=n),
                 "at_risk": lambda n: _n("people.count_at_risk", n, n=n),
                 "flagged": lambda n: _n("people.count_flagged", n, n=n)}
        parts += [text(totals.counts[key]) for key, text in texts.items() if totals.counts.get(key)]
        return "  ".join(parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TAB_ACTIONS:
            return self.tab.id == self.TAB_ACTIONS[action]
        return super().check_action(action, parameters)

    def tab_shown(self) -> None:
        """The summary belongs to the staff tab; the drop-down lists the new tab's choices, on this tab's."""
        self.query_one("#staff-summary", Static).display = self.tab.id == "staff"
        select = self.query_one("#choice", Select)
        options = self._options()
        with self.prevent(Select.Changed):
            select.set_options(options)
            select.value = options[1][1]  # Textual keeps the old label while the value stays the same ("all")
            select.value = self.choices[self.tab.id]
        self._apply_choice()

    def reload(self, keep: str | None = None) -> None:
        """Read the shown tab again (and the staff totals); a request from another screen (the dashboard's
        cards, the timeline) first picks the tab, its filter choice and the row."""
        request = self.take_request()
        if isinstance(request, PeopleRequest):
            choice = request.filter or ("all" if request.key else "")  # a row asked for is shown whatever it is
            if choice:
                self.choices[request.tab] = choice
            if request.key:
                self.query_one("#filter", Input).value = ""
            self._keep = request.key or self._keep
            if self.switch_for_request(request.tab):
                return  # read once shown
            if choice:
                self.query_one("#choice", Select).value = choice
        super().reload(keep)

    def rows_of(self, result: Any) -> list[Any]:
        return result.employees if isinstance(result, StaffRegister) else result

    def show_rows(self, rows: Any) -> None:
        """The staff tab's load brings its totals too (staff.register: each severance computed once)."""
        if isinstance(rows, StaffRegister):
            self.show_summary(rows.summary)
            rows = rows.employees
        super().show_rows(rows)

    def show_summary(self, summary: Any) -> None:
        self.summary = summary
        self.query_one("#staff-summary", Static).update(summary_text(summary, self.app.size.height >= TALL))

    def on_resize(self) -> None:
        if self.summary is not None:
            self.show_summary(self.summary)

    # -- filters ------------------------------------------------------------------------------------------

    @on(Select.Changed, "#choice")
    def choice_changed(self, event: Select.Changed) -> None:
        self.choices[self.tab.id] = str(event.value)
        self._apply_choice()

    def _apply_choice(self) -> None:
        """The shown tab's table shows the rows of the tab's filter choice."""
        value = self.choices[self.tab.id]
        chosen = next((c for c in tab_filters(self.tab.id) if c.value == value), None)
        self.table.set_predicate(chosen.predicate if chosen else None)

    def action_next_filter(self) -> None:
        select = self.query_one("#choice", Select)
        values = [choice.value for choice in tab_filters(self.tab.id)]
        current = str(select.value)
        select.value = values[(values.index(current) + 1) % len(values)] if current in values else values[0]

    # -- rows ---------------------------------------------------------------------------------------------

    def _form(self, row: Any | None) -> RecordForm:
        project, today = self.app.project.id, self.app.today
        tab = self.tab.id
        if tab == "staff":
            columns = form_fields()
            if row is None:
                return RecordForm(_("people.form.add"), columns, "staff.add_employee", (project, today),
                                  defaults={"placement_status": "pending"})
            return EmployeeForm(_("people.form.edit", id=row.public_id, name=row.name), columns,
                                "staff.update_employee", (project, row.public_id, today),
                                values=form_values(row), employee=row)
        spec, add, update, args = {
            "stakeholder": (STAKEHOLDERS, "parties.add_stakeholder", "parties.update_stakeholder", ()),
            "notice": (NOTICES, "parties.add_notice", "parties.update_notice", (today,)),
            "contract": (CONTRACTS, "contracts.add_contract", "contracts.update_contract", (today,)),
        }[tab]
        columns = form_columns(spec)
        if row is None:
            return RecordForm(_(f"people.form.add_{tab}"), columns, add, (project, *args),
                              defaults=self._defaults(tab))
        values = {c.key: getattr(row, c.key, None) for c in columns}
        if tab == "contract":
            values["outstanding"] = row.outstanding_fen
        return RecordForm(_(f"people.form.edit_{tab}", id=row.public_id), columns, update,
                          (project, row.public_id, *args), values=values)

    def _defaults(self, tab: str) -> dict[str, Any]:
        """A new notice is for the stakeholder picked on the stakeholders tab, if any."""
        if tab == "notice":
            picked = self._tables["stakeholder"].cursor_row
            return {"stakeholder": picked.public_id if picked is not None else "", "rule": "T -30d"}
        return {}

    def _open(self, form: Any) -> None:
        self.app.push_screen(form, lambda saved: self.reload(keep=saved) if saved else None)

    def add(self) -> None:
        if self.tab.id == "announcement":
            self._open(DraftDialog(self.app.project.id, self.app.today))
        else:
            self._open(self._form(None))

    def edit(self, row: Any) -> None:
        if self.tab.id == "announcement":
            self._open(AnnouncementDialog(row, self.app.project.id, self.app.today))
        else:
            self._open(self._form(row))

    def delete_prompt(self, row: Any) -> tuple[str, str]:
        tab = self.tab.id
        name = {"staff": lambda: row.name, "stakeholder": lambda: row.name, "notice": lambda: row.subject,
                "announcement": lambda: row.title, "contract": lambda: row.counterparty}[tab]()
        suffix = "" if tab == "staff" else f"_{tab}"
        return _(f"people.confirm_delete_title{suffix}"), _(f"people.confirm_delete{suffix}", id=row.public_id,
                                                             name=name)

    def action_deliver(self) -> None:
        """`m`: record the next step of the notice under the cursor (sent, received, refused) with its proof."""
        notice = self.current_row()
        if notice is None:
            return
        following = {"pending": "sent", "sent": "received", "refused": "sent"}.get(notice.status)
        if following is None:
            self.notify(_("people.notice_done", id=notice.public_id), severity="warning")
            return
        statuses = ("sent", "received", "refused") if notice.status == "sent" else ("sent",)
        n = NOTICES
        columns = [field_column("status", n.column("status").header, Kind.CHOICE, choices=statuses,
                                labels={k: _(f"parties.status.{k}") for k in statuses}),
                   n.column("sent_on"), n.column("channel"), n.column("proof_kind"), n.column("proof_ref"),
                   n.column("note")]
        defaults = {"status": following, "sent_on": notice.sent_on or self.app.today, "channel": notice.channel,
                    "proof_kind": notice.proof_kind, "proof_ref": notice.proof_ref, "note": notice.note}
        form = RecordForm(_("people.form.deliver", id=notice.public_id, subject=notice.subject), columns,
                          "parties.move_notice", (self.app.project.id, notice.public_id),
                          defaults=defaults, extra={"today": self.app.today}, focus="status")
        self._open(form)

    def action_issue(self) -> None:
        """`p`: issue the draft under the cursor (its text frozen, the version before superseded)."""
        draft = self.current_row()
        if draft is None:
            return
        if draft.status != "draft":
            self.notify(_("people.not_a_draft", id=draft.public_id), severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.call_service("announcements.issue", self.app.project.id, draft.public_id, self.app.today,
                                      then=lambda issued: self.reload(keep=issued.public_id))

        self.app.push_screen(ConfirmScreen(_("people.issue_title"), _("people.issue_question", id=draft.public_id,
                                                                         title=draft.title)), confirmed)

    def action_new_version(self) -> None:
        """`v`: a new draft from the issued version under the cursor."""
        issued = self.current_row()
        if issued is None:
            return
        self.app.call_service("announcements.new_version", self.app.project.id, issued.public_id, self.app.today,
                              then=lambda new: self.reload(keep=new.public_id))

    def action_settings(self) -> None:
        """`s`: the employer's workforce (art 41) and the local wages over the rule profile's."""
        project, today = self.app.project.id, self.app.today

        def loaded(settings: Any) -> None:
            profile = _("people.settings.profile", average=fen_or_none(settings.profile_average_fen),
                        minimum=fen_or_none(settings.profile_minimum_fen))
            if settings.source:
                profile += "\n" + _("people.settings.source", source=settings.source)
            columns = [field_column("workforce", _("people.settings.workforce"), Kind.INT),
                       field_column("local_average", _("people.settings.local_average"), Kind.MONEY),
                       field_column("minimum_wage", _("people.settings.minimum_wage"), Kind.MONEY)]
            values = {"workforce": settings.workforce, "local_average": settings.local_average_fen,
                      "minimum_wage": settings.minimum_wage_fen}
            form = RecordForm(_("people.settings.title") + "\n" + profile, columns, "staff.set_staff_settings",
                              (project, today), values=values)
            self.app.push_screen(form, lambda saved: self.reload() if saved is not None else None)

        self.app.call_service("staff.staff_settings", project, today, then=loaded)

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.next_tab"), _("tip.next_tab"), lambda: self.action_tab(1)),
            (_("key.staff_settings"), _("tip.staff_settings"), self.action_settings),
            (_("key.choice_filter"), _("tip.choice_filter"), self.action_next_filter),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]


def fen_or_none(fen: int | None) -> str:
    return format_fen(fen) if fen is not None else "-"


def summary_text(summary: Any, tall: bool = True) -> Text:
    """The totals by status (and, on a tall terminal, by placement with their severance), then one short line
    per alert: art 41 reached, terminations the law blocks, severance that cannot be computed."""
    text = Text()
    text.append(_("people.summary", employees=summary.employees, pending=summary.pending,
                  planned=summary.planned, done=summary.done, amount=format_fen(summary.severance_fen)),
                style="bold")
    parts = [_("people.summary_placement", placement=placement_label(total.placement), n=total.employees,
               amount=format_fen(total.severance_fen))
             for total in summary.by_placement if total.employees and total.severance_fen]
    if parts and tall:
        text.append("\n" + " · ".join(parts), style="dim")
    if summary.art41_reached:
        text.append("\n⚠ " + _("people.alert_art41", n=summary.layoffs, workforce=summary.workforce),
                    style="bold red")
    if summary.blocked:
        text.append("\n⚠ " + _("people.alert_blocked", ids=" ".join(summary.blocked)), style="bold red")
    if summary.incomplete:
        text.append("\n⚠ " + _("people.alert_incomplete", ids=" ".join(summary.incomplete)), style="yellow")
    return text
