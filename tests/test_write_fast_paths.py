"""The import's fast paths write exactly what the plain ones do: the audit hash text (stored hashes depend on it),
a row's JSON in the log, and the reader's typing of repeated and whole-number cells."""

import enum
import hashlib
import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from exit_tui.domain.audit_chain import GENESIS, HASHED, entry_hash
from exit_tui.io import read
from exit_tui.services import audit


class _Text(str, enum.Enum):
    QUOTE = 'a"\u202e'


_NOW = datetime(2026, 11, 30, 5, 1, 2, 345678, tzinfo=UTC)
_VALUES = [None, 0, -7, 2**70, True, False, 1.5, float("nan"), "", "业主 \"引号\" \\ \n\t\x00\x1b\u2028 😀", "T" * 500,
           datetime(2026, 1, 2, 3, 4, 5, 6), _NOW, datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=8))),
           _Text.QUOTE, [1, "x"], {"k": None}]


def _reference_hash(previous: str, entry: dict) -> str:
    """entry_hash as first written (json.dumps of the whole array): every stored hash was made this way."""
    def canonical(value):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") if isinstance(value, datetime) else value

    content = json.dumps([previous, *(canonical(entry.get(name)) for name in HASHED)], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def test_entry_hash_is_the_json_dumps_hash_for_every_kind_of_value():
    rng = random.Random(8)
    previous = GENESIS
    for _ in range(3000):
        entry = {name: rng.choice(_VALUES) for name in HASHED if rng.random() < 0.9}
        expected = _reference_hash(previous, entry)
        assert entry_hash(previous, entry) == expected
        previous = expected


def test_rows_text_of_a_batch_is_row_text_of_each_row():
    rng = random.Random(9)
    values = [v for v in _VALUES if not isinstance(v, float)] + [date(2026, 3, 4), 2.5]
    for _ in range(300):
        names = rng.sample(["id", "title", "业主", 'q"', "due_date", "created_at"], rng.randint(0, 6))
        rows = [{name: _NOW if rng.random() < 0.3 else rng.choice(values) for name in names}
                for _ in range(rng.randint(0, 12))]
        if len(rows) > 1 and rng.random() < 0.2:
            rows[-1] = dict(reversed(rows[-1].items()))  # the same columns in another order
        assert audit._rows_text(rows) == [audit.row_text(row) for row in rows]


@pytest.mark.parametrize("raw", [3.0, -0.0, 999999999999999.0, 1e15, 1234567890123456789.0, 2.5, float("inf")])
def test_whole_number_cells_read_as_their_fifteen_digits(raw):
    try:
        expected = int(Decimal(format(raw, ".15g")))
        whole = Decimal(format(raw, ".15g")) == expected
    except (ValueError, ArithmeticError):
        whole = False
    if whole:
        assert read._to_int(raw) == expected
    else:
        with pytest.raises(read._Bad):
            read._to_int(raw)


def test_repeated_cells_are_typed_once_and_rejections_are_not_remembered():
    from exit_tui.io.spec import TASKS

    convert = read._converter(TASKS.column("due_date"), read.WINDOWS_EPOCH)
    first, again = convert("2026-03-01"), convert("2026-03-01")
    assert first == date(2026, 3, 1) and first is again
    for _ in range(2):
        with pytest.raises(read._Bad):
            convert("not a date")


def _statements(backend, work) -> list[str]:
    """The SQL statements `work` runs through the backend."""
    from sqlalchemy import event

    seen: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        seen.append(statement.lstrip().split()[0].upper())

    event.listen(backend.engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(backend.engine, "before_cursor_execute", note)
    return seen


def test_a_preview_of_new_rows_writes_nothing_and_one_of_a_status_change_measures_its_knock_on(backend, demo):
    from sqlmodel import select

    from exit_tui.db.models import Task
    from exit_tui.services.imports import import_rows
    from exit_tui.services.readmodels import ImportRow
    from exit_tui.services.task_import import TaskImport
    from tests.helpers import TODAY

    new = ImportRow("任务清单", 2, {"phase_no": 3, "title": "新任务", "due_date": TODAY, "status": "todo"})
    reports = []
    statements = _statements(backend, lambda: reports.append(
        backend.call(import_rows, TaskImport, demo.id, [new], TODAY, apply=False)))
    assert len(reports[0].added) == 1 and reports[0].rejected == []
    assert not {"INSERT", "UPDATE", "DELETE", "SAVEPOINT"} & set(statements)

    todo = backend.call(lambda session: session.execute(
        select(Task.public_id).where(Task.project_id == demo.id, Task.status == "todo")).first()[0])
    done = ImportRow("任务清单", 3, {"public_id": todo, "status": "done"})
    statements = _statements(backend, lambda: backend.call(import_rows, TaskImport, demo.id, [done], TODAY,
                                                            apply=False))
    assert "SAVEPOINT" in statements  # a status change may raise or clear a statutory flag: measured, undone
