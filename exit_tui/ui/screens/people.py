"""People: the staff placement register (员工安置) under its totals and alerts. Each employee's severance is computed
by the services (never typed) and its working — every figure with the rule that produced it — is shown in the
employee's form; the totals line counts the placements and sums the severance by placement; the alerts say when
art 41's threshold is reached (and which tasks it made), which planned terminations art 42 blocks, and whose
severance cannot be computed yet. `s` sets the figures the law counts against (the employer's workforce, the local
average and minimum wage over the rule profile's).

The stakeholders, notices, announcements and contracts of issue 14 come as further tabs of this screen.
"""

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from ...domain.money import format_fen
from ...domain.severance import Basis
from ...domain.staff import ContractType
from ...i18n import _, _n
from ...i18n.severance import block_text, working
from ...io.spec import STAFF, Kind
from ..modals.record_form import RecordForm, field_column, form_columns
from ..requests import PeopleRequest
from ..widgets.register_table import Column, RegisterTable, Totals
from .register_screen import RegisterScreen, RegisterTab

PLACEMENTS = ("", Basis.TRANSFER, Basis.TAKEN_OVER, Basis.AGREED, Basis.EXPIRY, Basis.ART40, Basis.ART40_NO_NOTICE,
              Basis.ART41)
"""Undecided, the placements that keep the employment, then those that end it."""
LEAVING = frozenset({Basis.AGREED, Basis.EXPIRY, Basis.ART40, Basis.ART40_NO_NOTICE, Basis.ART41})
STATUS_STYLES = {"pending": "warning", "planned": "info", "done": "dim"}
TALL = 30
"""Terminal lines from which the totals by placement are shown too."""
FILTERS = ("all", "pending", "leaving", "alerts")
"""The choices of the filter drop-down besides one per placement (`placement:<code>`)."""


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


class PeopleScreen(RegisterScreen):
    BINDINGS = [
        Binding("s", "settings", "key.staff_settings", tooltip="tip.staff_settings", id="staff-settings"),
        Binding("f", "next_filter", "key.choice_filter", tooltip="tip.choice_filter", show=False, id="next-filter"),
    ]

    TABS = (
        RegisterTab("staff", "people.tab.staff", "staff.list_employees", "staff.delete_employee",
                    view_name="people.staff", placeholder="people.staff_placeholder"),
    )

    DEFAULT_CSS = """
    PeopleScreen #staff-summary { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.summary: Any | None = None
        """The register's totals and alerts (services/staff.staff_summary), as last read."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return staff_columns()

    def search_text(self, row: Any) -> str:
        return " ".join((row.public_id, row.name, row.employee_no, row.position, row.team, row.placement_target,
                         row.phone, row.note, placement_label(row.placement),
                         _(f"staff.placement.{row.placement or 'none'}"), _(f"staff.status.{row.placement_status}"),
                         *(_(f"staff.protected.{code}") for code in row.protected)))

    def make_table(self) -> RegisterTable:
        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text,
                             counters={"pending": lambda r: r.placement_status == "pending",
                                       "alerts": has_alert},
                             id=self.table_id())

    def compose_top(self) -> ComposeResult:
        yield Static(id="staff-summary")

    def compose_filters(self) -> ComposeResult:
        options = [(_(f"people.filter.{key}"), key) for key in FILTERS]
        options += [(placement_label(code), f"placement:{code}") for code in PLACEMENTS]
        yield Select(options, value="all", allow_blank=False, id="choice")

    def count_text(self, totals: Totals) -> str:
        parts = [super().count_text(totals)]
        if totals.counts.get("pending"):
            parts.append(_n("people.count_pending", totals.counts["pending"], n=totals.counts["pending"]))
        if totals.counts.get("alerts"):
            parts.append(_n("people.count_alerts", totals.counts["alerts"], n=totals.counts["alerts"]))
        return "  ".join(parts)

    def reload(self, keep: str | None = None) -> None:
        """Read the register and its totals again; a request from another screen (the dashboard's card) first
        picks the filter choice and the row."""
        request = self.take_request()
        if isinstance(request, PeopleRequest):
            if request.filter:
                self.query_one("#choice", Select).value = request.filter
            self._keep = request.key or self._keep
        super().reload(keep)
        self.app.call_service("staff.staff_summary", self.app.project.id, self.app.today, then=self.show_summary)

    def show_summary(self, summary: Any) -> None:
        self.summary = summary
        self.query_one("#staff-summary", Static).update(summary_text(summary, self.app.size.height >= TALL))

    def on_resize(self) -> None:
        if self.summary is not None:
            self.show_summary(self.summary)

    # -- filters ------------------------------------------------------------------------------------------

    @on(Select.Changed, "#choice")
    def choice_changed(self, event: Select.Changed) -> None:
        self.table.set_predicate(predicate(str(event.value)))

    def action_next_filter(self) -> None:
        select = self.query_one("#choice", Select)
        values = [*FILTERS, *(f"placement:{code}" for code in PLACEMENTS)]
        select.value = values[(values.index(str(select.value)) + 1) % len(values)]

    # -- rows ---------------------------------------------------------------------------------------------

    def _form(self, employee: Any | None) -> RecordForm:
        columns = form_fields()
        project, today = self.app.project.id, self.app.today
        if employee is None:
            return RecordForm(_("people.form.add"), columns, "staff.add_employee", (project, today),
                              defaults={"placement_status": "pending"})
        return EmployeeForm(_("people.form.edit", id=employee.public_id, name=employee.name), columns,
                            "staff.update_employee", (project, employee.public_id, today),
                            values=form_values(employee), employee=employee)

    def add(self) -> None:
        self.app.push_screen(self._form(None), lambda saved: self.reload(keep=saved) if saved else None)

    def edit(self, row: Any) -> None:
        self.app.push_screen(self._form(row), lambda saved: self.reload(keep=saved) if saved else None)

    def delete_prompt(self, row: Any) -> tuple[str, str]:
        return _("people.confirm_delete_title"), _("people.confirm_delete", id=row.public_id, name=row.name)

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
            (_("key.staff_settings"), _("tip.staff_settings"), self.action_settings),
            (_("key.choice_filter"), _("tip.choice_filter"), self.action_next_filter),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]


def fen_or_none(fen: int | None) -> str:
    return format_fen(fen) if fen is not None else "-"


def predicate(choice: str):
    """The rows a filter choice shows (None: every row)."""
    if choice == "pending":
        return lambda r: r.placement_status == "pending"
    if choice == "leaving":
        return lambda r: r.placement in LEAVING
    if choice == "alerts":
        return has_alert
    if choice.startswith("placement:"):
        code = choice.removeprefix("placement:")
        return lambda r: r.placement == code
    return None


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
