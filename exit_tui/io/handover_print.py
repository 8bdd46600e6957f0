"""The handover batches as the package prints them (read through services/handover.py): one line per batch on
the overview sheet (移交批次), and each batch on a sheet of its own (io/xlsx_batch.py), its items as signed and its
amendments below them, each saying what it changed."""

from collections import Counter
from collections.abc import Iterator

from sqlmodel import Session

from ..domain.handover import PREFIX, Outcome
from ..i18n import _
from ..services import handover
from ..services.handover import BatchRead
from .xlsx_batch import PrintedBatch

#: Public id prefix -> the register's label key.
_REGISTER = {prefix: f"handover.register.{register}" for register, prefix in PREFIX.items()}


def sheet_title(public_id: str) -> str:
    """The sheet a batch is printed on: `移交批次 B-0001`."""
    return _("export.batch_sheet", id=public_id)


def overview_rows(session: Session, project_id: int) -> tuple[int, Iterator[dict]]:
    """One row per batch for the overview sheet: its items counted by outcome (as amended), its amendments, the
    day it was signed and the sheet that prints it."""
    rows = []
    for batch in handover.list_batches(session, project_id):
        outcomes = Counter(item.outcome for item in batch.items)
        rows.append({
            "batch": batch.public_id, "title": batch.title, "items": len(batch.items),
            **{code.value: outcomes[code.value] for code in Outcome},
            "amendments": len(batch.amendments),
            "signed_on": _signed_on(batch) if batch.signed else _("handover.unsigned"),
            "sheet": sheet_title(batch.public_id),
        })
    return len(rows), iter(rows)


def printed_batches(session: Session, project_id: int) -> list[PrintedBatch]:
    """Every batch of the project, oldest first, as its sheet prints it."""
    return [_printed(batch) for batch in handover.list_batches(session, project_id)]


def _signed_on(batch: BatchRead):
    return next((s.signed_on for s in batch.signatures if s.signed_on), None)


def _printed(batch: BatchRead) -> PrintedBatch:
    signed = batch.signed
    outcomes = Counter(item.signed_outcome for item in batch.items)
    counts = ", ".join(f"{handover.label('outcome', code.value)} {outcomes[code.value]}"
                       for code in Outcome if outcomes[code.value])
    details = [
        _("export.batch_created", day=batch.created_on.isoformat()),
        _("export.batch_unsigned") if not signed else
        _("export.batch_signed" if batch.amendments else "export.batch_signed_unamended",
          day=(_signed_on(batch) or batch.created_on).isoformat()),
        _("export.batch_counts", count=len(batch.items), outcomes=counts),
    ]
    if batch.note:
        details.append(_("export.batch_note", note=batch.note))
    items = [{"no": no, "item_ref": item.item_ref, "name": item.name,
              "register": _(_REGISTER[item.item_ref[0]]) if item.item_ref[:1] in _REGISTER else "",
              "outcome": handover.label("outcome", item.signed_outcome),
              "promised_on": item.signed_promised_on, "reason": item.signed_reason}
             for no, item in enumerate(batch.items, start=1)]
    return PrintedBatch(
        public_id=batch.public_id,
        heading=_("export.batch_heading", id=batch.public_id, title=batch.title),
        details=" | ".join(details),
        items=items,
        amendments=_amendments(batch),
        signed=[(s.name, s.signed_on) for s in batch.signatures] if signed else [],
    )


def _amendments(batch: BatchRead) -> list[dict]:
    """Each amendment with what it changed: an item's outcome from what it was (as signed, or as the previous
    amendment left it) to the new one, and the promised date; or a note."""
    names = {item.item_ref: item.name for item in batch.items}
    outcome = {item.item_ref: item.signed_outcome for item in batch.items}
    rows = []
    for a in batch.amendments:
        if a.item_ref and a.outcome:
            change = _("export.change_outcome", old=handover.label("outcome", outcome.get(a.item_ref)),
                       new=handover.label("outcome", a.outcome))
            if a.promised_on:
                change += "\n" + _("export.change_promised", day=a.promised_on.isoformat())
            outcome[a.item_ref] = a.outcome
        else:
            change = _("export.change_note")
        rows.append({"no": a.no, "item_ref": a.item_ref or "", "name": names.get(a.item_ref or "", ""),
                     "made_on": a.made_on, "made_by": a.made_by,
                     "change": f"{change}\n{_('export.change_reason', reason=a.reason)}"})
    return rows
