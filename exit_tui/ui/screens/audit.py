"""Audit log: every change of the project, newest first (who, when, what, old -> new); filter by text (id,
date, actor, values), entity and action; `e` exports the filtered view; `enter` shows an entry whole. The log is
append-only: nothing here changes it."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Select

from ...domain.text import printable
from ...i18n import _
from ...i18n.labels import entity_label
from ...io.spec import DOCUMENTS, FACILITIES, INSPECTIONS, KEYS
from ...services.audit import AuditRead
from ..modals.message import MessageScreen
from ..widgets.register_table import Column
from .register_screen import RegisterScreen

ACTIONS = ("create", "update", "delete")


#: Columns of the log's rows -> the form field (catalog `field.*`) a person knows them by.
_FIELDS = {
    "phase_no": "phase", "title": "title", "title_zh": "title", "title_en": "title", "owner": "owner",
    "due_date": "due", "due_anchor": "due", "due_offset": "due", "status": "status", "legal_basis": "legal_basis",
    "note": "note", "duration_days": "duration", "name": "name", "address": "address", "units": "units",
    "decision_date": "decision", "contract_end": "contract_end", "handover_date": "handover",
    "continuation_end": "continuation_end", "rule_profile": "rule_profile",
}


#: Entities whose columns are named by their register's sheet (io/spec.py).
_SHEETS = {"document": DOCUMENTS, "facility": FACILITIES, "key": KEYS, "inspection": INSPECTIONS}


def field_label(column: str, entity: str = "") -> str:
    """A logged column as its form field's name (`due_anchor` -> 截止日期 (due_anchor), a handover register's
    `handed_out` -> 移交数量 (handed_out)); others as they are."""
    sheet = _SHEETS.get(entity)
    if sheet is not None:
        key = "name" if column in ("name_zh", "name_en") else column
        header = next((c.header for c in sheet.columns if c.key == key), None)
        return f"{header} ({column})" if header else column
    if column in _FIELDS:
        label = _(f"field.{_FIELDS[column]}").split("(")[0].split(" /")[0].strip()
        return label if column in ("title", "status", "note", "owner", "name") else f"{label} ({column})"
    return column


def _change(entry: AuditRead) -> str:
    """old -> new for an update; the whole row for a create or a delete."""
    if entry.action == "update":
        return f"{entry.old or ''} -> {entry.new or ''}"
    return entry.new or entry.old or ""


class AuditScreen(RegisterScreen):
    BINDINGS = [  # the log is append-only: no add or delete in the footer (the keys only say so)
        Binding("a", "add", "key.add", show=False, id="add"),
        Binding("d,delete", "delete", "key.delete", show=False, id="delete"),
    ]
    LOAD_SERVICE = "audit.list_entries"
    PLACEHOLDER = "checklist.filter_placeholder"
    VIEW_NAME = "screen.audit"

    def columns(self) -> list[Column]:
        return [
            Column("id", "#", 6, kind="int"),
            Column("at", _("audit.col_at"), 16, get=lambda e: f"{e.at.astimezone():%Y-%m-%d %H:%M}"),
            Column("actor", _("audit.col_actor"), 8, optional=True),
            Column("action", _("audit.col_action"), 6, kind="choice",
                   labels={a: _(f"audit.action_{a}") for a in ACTIONS}),
            Column("entity", _("audit.col_entity"), 8, get=lambda e: entity_label(e.entity)),
            Column("public_id", _("audit.col_row"), 18),
            Column("field", _("audit.col_field"), 12, optional=True, get=lambda e: field_label(e.field, e.entity)),
            Column("change", _("audit.col_change"), 20, flex=1, get=_change),
        ]

    def key_of(self, entry: AuditRead) -> str:
        return str(entry.id)

    def search_text(self, entry: AuditRead) -> str:
        return " ".join((str(entry.id), entry.at.astimezone().isoformat(), entry.actor, entry.entity,
                         entity_label(entry.entity), entry.public_id, entry.field,
                         field_label(entry.field, entry.entity),
                         entry.old or "", entry.new or ""))

    def load_args(self) -> tuple:
        return (self.app.project.id, None)

    def compose_filters(self) -> ComposeResult:
        yield Select([], prompt=_("audit.all_entities"), id="entity", allow_blank=True)
        yield Select([(_(f"audit.action_{a}"), a) for a in ACTIONS], prompt=_("audit.all_actions"), id="action",
                     allow_blank=True)

    def show_rows(self, rows) -> None:
        entity = self.query_one("#entity", Select)
        chosen = entity.value
        with self.prevent(Select.Changed):
            entity.set_options([(entity_label(name), name) for name in sorted({e.entity for e in rows})])
            if chosen is not Select.NULL and chosen in {e.entity for e in rows}:
                entity.value = chosen
        super().show_rows(rows)

    @on(Select.Changed)
    def _apply_filters(self) -> None:
        entity = self.query_one("#entity", Select).value
        action = self.query_one("#action", Select).value
        if entity is Select.NULL and action is Select.NULL:
            self.table.set_predicate(None)
            return
        self.table.set_predicate(lambda e: (entity is Select.NULL or e.entity == entity)
                                 and (action is Select.NULL or e.action == action))

    def edit(self, entry: AuditRead) -> None:
        """enter: the entry whole (a created or deleted row with every column)."""
        lines = [f"#{entry.id}  {entry.at.astimezone():%Y-%m-%d %H:%M:%S}  {entry.actor}",
                 f"{_(f'audit.action_{entry.action}')}  {entity_label(entry.entity)}  {entry.public_id}  "
                 f"{field_label(entry.field, entry.entity)}", ""]
        if entry.action == "update":
            lines += [f"{_('audit.old')}: {entry.old or ''}", f"{_('audit.new')}: {entry.new or ''}"]
        else:
            lines.append(entry.new or entry.old or "")
        self.app.push_screen(MessageScreen(_("screen.audit"), printable("\n".join(lines))))

    def add(self) -> None:
        self.notify(_("audit.append_only"), severity="warning")

    def action_delete(self) -> None:
        self.notify(_("audit.append_only"), severity="warning")
