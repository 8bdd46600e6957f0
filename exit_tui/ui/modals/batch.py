"""A handover batch (移交批次): its items and what became of each, the three signatures, the amendments — and the
forms that gather items into a batch, set an item's outcome, sign the batch, amend a signed one, and name the
three parties.

Signing locks a batch: its items and outcomes are then changed only by an amendment, recorded and printed beside
the signed record (the service refuses a direct edit; the keys here say which applies).
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from ...i18n import _
from ...io.spec import Kind
from ..bindings import Localized
from ..widgets.register_table import Column, Pieces, RegisterTable
from .confirm import ConfirmScreen
from .record_form import RecordForm, field_column

OUTCOMES = ("handed", "partial", "not_handed", "disputed")
OUTCOME_STYLES = {"handed": "success", "partial": "warning", "not_handed": "error", "disputed": "error"}
ROLES = ("handing", "receiving", "supervising")


def _outcome_label(code: str) -> str:
    return _(f"handover.outcome.{code}") if code else ""


def outcome_form(project_id: int, batch_id: str, item: Any) -> RecordForm:
    """What became of one item of an unsigned batch (未移交 and 部分移交 need a promised date and a reason)."""
    columns = [
        field_column("outcome", _("handover.field.outcome"), Kind.CHOICE, choices=OUTCOMES,
               labels={code: _outcome_label(code) for code in OUTCOMES}),
        field_column("promised_on", _("handover.field.promised_on"), Kind.DATE),
        field_column("reason", _("handover.field.reason")),
    ]
    return RecordForm(_("handover.form.outcome", id=item.item_ref, name=item.name), columns, "handover.set_outcome",
                      (project_id, batch_id, item.item_ref),
                      defaults={"outcome": item.outcome, "promised_on": item.promised_on, "reason": item.reason})


def sign_form(project_id: int, batch: Any, parties: Sequence[Any], today: date) -> RecordForm:
    """The three signers (the parties' representatives offered) and the day signed."""
    representatives = {party.role: party.representative for party in parties}
    columns = [field_column("signed_on", _("handover.field.signed_on"), Kind.DATE, required=True),
               *(field_column(role, _("handover.field.signer", role=_(f"handover.role.{role}")), required=True)
                 for role in ROLES)]
    return RecordForm(_("handover.form.sign", id=batch.public_id), columns, "handover.sign_batch",
                      (project_id, batch.public_id), defaults={"signed_on": today, **representatives})


def amend_form(project_id: int, batch: Any, item_ref: str = "") -> RecordForm:
    """An amendment to a signed batch: a note, or a new outcome of one of its items."""
    refs = ("", *(item.item_ref for item in batch.items))
    names = {"": _("handover.amend.note_only"), **{i.item_ref: f"{i.item_ref} {i.name}" for i in batch.items}}
    outcomes = ("", *OUTCOMES)
    columns = [
        field_column("item_ref", _("handover.field.item"), Kind.CHOICE, choices=refs, labels=names),
        field_column("outcome", _("handover.field.new_outcome"), Kind.CHOICE, choices=outcomes,
               labels={"": _("handover.amend.unchanged"), **{c: _outcome_label(c) for c in OUTCOMES}}),
        field_column("promised_on", _("handover.field.promised_on"), Kind.DATE),
        field_column("reason", _("handover.field.amend_reason"), required=True),
    ]
    return RecordForm(_("handover.form.amend", id=batch.public_id), columns, "handover.amend_batch",
                      (project_id, batch.public_id), defaults={"item_ref": item_ref}, focus="reason")


def gather_form(project_id: int, items: Sequence[str], batches: Sequence[Any]) -> RecordForm:
    """The marked items into a new batch or an unsigned one (and, if asked, every 已备齐 document)."""
    open_batches = [b for b in batches if not b.signed]
    targets = ("new", *(b.public_id for b in open_batches))
    labels = {"new": _("handover.gather.new"), **{b.public_id: f"{b.public_id} {b.title}" for b in open_batches}}
    columns = [
        field_column("batch", _("handover.field.batch"), Kind.CHOICE, choices=targets, labels=labels),
        field_column("title", _("handover.field.batch_title")),
        field_column("ready_documents", _("handover.field.ready_documents"), Kind.CHOICE, choices=("yes", "no"),
               labels={"yes": _("handover.flag.yes"), "no": _("handover.flag.no")}),
    ]
    heading = _("handover.form.gather", n=len(items))
    return RecordForm(heading, columns, "handover.gather_batch", (project_id,), extra={"items": list(items)},
                      focus="title", defaults={"ready_documents": "no" if items else "yes"})


def parties_form(project_id: int, parties: Sequence[Any]) -> RecordForm:
    """The company and representative of each of the three parties."""
    columns, values = [], {}
    for party in parties:
        role = _(f"handover.role.{party.role}")
        columns += [field_column(f"{party.role}_company", _("handover.field.company", role=role)),
                    field_column(f"{party.role}_representative", _("handover.field.representative", role=role))]
        values |= {f"{party.role}_company": party.company, f"{party.role}_representative": party.representative}
    return RecordForm(_("handover.form.parties"), columns, "handover.set_parties", (project_id,), values=values)


def _item_outcome(item: Any) -> Pieces:
    """The outcome now; for an amended item, what was signed first (`未移交 → 已移交`)."""
    pieces = []
    if item.outcome != item.signed_outcome:
        pieces.append((f"{_outcome_label(item.signed_outcome)} → ", "dim"))
    pieces.append((_outcome_label(item.outcome), OUTCOME_STYLES.get(item.outcome, "")))
    return pieces


def item_columns() -> list[Column]:
    return [
        Column("item_ref", _("col.id"), 7, cell=lambda i: [(i.item_ref, "dim")]),
        Column("name", _("handover.col.item_name"), 20, flex=2),
        Column("outcome", _("handover.field.outcome"), 16, get=lambda i: i.outcome, cell=_item_outcome),
        Column("promised_on", _("handover.field.promised_on"), 12, kind="date"),
        Column("reason", _("handover.field.reason"), 14, flex=1, optional=True),
    ]


def signatures_text(signatures: Sequence[Any]) -> str:
    """`签署 2026-11-25:移交方 王建国 · 接收方 陈丽华 · 监交方 张志强` (each with its own date when they differ)."""
    days = {s.signed_on for s in signatures}
    same_day = len(days) == 1 and None not in days
    names = " · ".join(
        f"{_(f'handover.role.{s.role}')} {s.name or '—'}"
        + (f" {s.signed_on.isoformat()}" if s.signed_on and not same_day else "") for s in signatures)
    return _("handover.signed_all", day=days.pop().isoformat(), names=names) if same_day else names


class BatchScreen(Localized, ModalScreen[bool]):
    """One batch: enter sets an item's outcome (unsigned) or amends it (signed); `s` signs, `m` amends, `d`
    takes an item out. Dismisses with whether anything was changed."""

    BINDINGS = [
        Binding("escape", "close", "key.close", id="close"),
        Binding("s", "sign", "key.sign", tooltip="tip.sign", id="sign"),
        Binding("m", "amend", "key.amend", tooltip="tip.amend", id="amend"),
        Binding("d,delete", "remove", "key.remove_item", tooltip="tip.remove_item", id="remove"),
    ]

    DEFAULT_CSS = """
    BatchScreen { align: center middle; }
    BatchScreen > #batch { width: 96%; height: 92%; border: round $accent; background: $surface; padding: 0 1; }
    BatchScreen #batch-items { height: 1fr; }
    BatchScreen #batch-amendments { height: auto; max-height: 8; color: $text-muted; }
    """

    def __init__(self, project_id: int, batch_id: str) -> None:
        super().__init__()
        self.project_id, self.batch_id = project_id, batch_id
        self.batch: Any | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="batch"):
            yield Label(id="batch-title", classes="dialog-title")
            yield Static(id="batch-signatures")
            yield RegisterTable(item_columns(), key_of=lambda item: item.item_ref,
                                search_text=lambda i: f"{i.item_ref} {i.name} {i.reason}", id="batch-items")
            yield Static(id="batch-amendments")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RegisterTable).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.batch is not None and action in ("sign", "remove"):
            return not self.batch.signed
        if self.batch is not None and action == "amend":
            return self.batch.signed
        return True

    def load(self) -> None:
        self.app.call_service("handover.get_batch", self.project_id, self.batch_id, then=self.show_batch)

    def show_batch(self, batch: Any) -> None:
        self.batch = batch
        state = _("handover.signed_locked") if batch.signed else _("handover.unsigned_hint")
        self.query_one("#batch-title", Label).update(
            Text.assemble((f"{batch.public_id}  ", "bold"), (batch.title, "bold"), "   ",
                          (state, "green" if batch.signed else "yellow")))
        self.query_one("#batch-signatures", Static).update(Text(signatures_text(batch.signatures)))
        self.refresh_bindings()  # signing and taking out for an unsigned batch, amending for a signed one
        self.query_one(RegisterTable).set_rows(batch.items)
        lines = [_("handover.amendments", n=len(batch.amendments))] if batch.amendments else []
        for a in batch.amendments:
            change = f"{a.item_ref} → {_outcome_label(a.outcome)} " if a.item_ref and a.outcome else ""
            promised = f"({a.promised_on.isoformat()}) " if a.promised_on else ""
            lines.append(f"#{a.no} {a.made_on.isoformat()} {a.made_by}: {change}{promised}{a.reason}")
        amendments = self.query_one("#batch-amendments", Static)
        amendments.update(Text("\n".join(lines)))
        amendments.display = bool(lines)

    def _changed(self, result: str | None) -> None:
        if result is not None:
            self.changed = True
            self.load()

    def on_register_table_edit(self, event: RegisterTable.Edit) -> None:
        if self.batch is None:
            return
        item = event.table.row(event.key)
        if self.batch.signed:
            self.app.push_screen(amend_form(self.project_id, self.batch, item.item_ref), self._changed)
        else:
            self.app.push_screen(outcome_form(self.project_id, self.batch_id, item), self._changed)

    def action_sign(self) -> None:
        batch = self.batch
        if batch is None:
            return
        if batch.signed:
            self.notify(_("handover.already_signed", id=batch.public_id), severity="warning")
            return
        self.app.call_service("handover.list_parties", self.project_id, then=lambda parties: self.app.push_screen(
            sign_form(self.project_id, batch, parties, self.app.today), self._changed))

    def action_amend(self) -> None:
        if self.batch is None:
            return
        if not self.batch.signed:
            self.notify(_("handover.amend_unsigned", id=self.batch_id), severity="warning")
            return
        row = self.query_one(RegisterTable).cursor_row
        self.app.push_screen(amend_form(self.project_id, self.batch, row.item_ref if row else ""), self._changed)

    def action_remove(self) -> None:
        row = self.query_one(RegisterTable).cursor_row
        if self.batch is None or row is None:
            return
        if self.batch.signed:
            self.notify(_("handover.error.batch_signed", value=self.batch_id), severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.call_service("handover.remove_from_batch", self.project_id, self.batch_id, row.item_ref,
                                      then=lambda batch: self._changed(batch.public_id))

        self.app.push_screen(ConfirmScreen(_("handover.remove_title"),
                                           _("handover.remove_question", id=row.item_ref, batch=self.batch_id)),
                             confirmed)

    def action_close(self) -> None:
        self.dismiss(self.changed)
