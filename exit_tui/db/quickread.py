"""What the app reads before SQLAlchemy has loaded, with the standard library only: the database URL, and the
rows behind the dashboard's first frame (services/quickstart.py turns them into the same read model as
services/dashboard.py), from a SQLite file opened read-only.

Only a file at the schema revision this code writes (`migrations.head()`, read from `alembic_version`) is read:
one that needs a migration, or was made by a newer release, is left to the database stack. Rows come back as
plain namespaces whose attributes are the table's column names (dates as `date`), so that code written for
stored rows reads them alike. Any doubt (not a SQLite file, missing, locked, another revision) gives None or
raises QuickReadError: the caller then waits for the database stack as before.
"""

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from . import migrations

DATE_COLUMNS = {"decision_date", "contract_end", "handover_date", "continuation_end", "due_date", "done_on",
                "occurs_on"}


class QuickReadError(Exception):
    """The file cannot be read without the database stack (the caller falls back to it)."""


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL from a URL (`postgresql://…`, `sqlite://…`) or a plain file path."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_file(target: str | Path) -> Path | None:
    """The file of a SQLite database URL or path; None for other databases and in-memory ones."""
    url = database_url(target)
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in (prefix, f"{prefix}:memory:"):
        return None
    return Path(url[len(prefix):].split("?")[0])


def _row(cursor: sqlite3.Cursor, values: tuple) -> SimpleNamespace:
    names = [column[0] for column in cursor.description]
    return SimpleNamespace(**{
        name: date.fromisoformat(value) if name in DATE_COLUMNS and isinstance(value, str) else value
        for name, value in zip(names, values)
    })


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _columns(table: str, names: Iterable[str]) -> str:
    """`names` of `table`'s alias, quoted (a contract's `end` is an SQL keyword)."""
    return ", ".join(f'{table}."{name}"' for name in names)


class QuickReader:
    """A read-only connection to a SQLite file at the current schema revision, with the dashboard's queries
    (those of services/dashboard.py, written for sqlite3). Use as a context manager; every method raises
    QuickReadError on a database error."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
            self._db.row_factory = _row
            stored = self._db.execute("SELECT version_num FROM alembic_version").fetchone()
            if stored is None or stored.version_num != migrations.head():
                raise QuickReadError(f"schema revision {stored and stored.version_num}, not {migrations.head()}")
        except sqlite3.Error as error:
            self.close()
            raise QuickReadError(str(error)) from error
        except QuickReadError:
            self.close()
            raise

    @classmethod
    def open(cls, target: str | Path) -> "QuickReader | None":
        """A reader for a SQLite file that exists and is at the current revision; None otherwise."""
        path = sqlite_file(target)
        if path is None or not path.is_file():
            return None
        try:
            return cls(path)
        except QuickReadError:
            return None

    def __enter__(self) -> "QuickReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if getattr(self, "_db", None) is not None:
            self._db.close()
            self._db = None

    def _all(self, sql: str, params: Iterable = ()) -> list:
        try:
            return self._db.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as error:
            raise QuickReadError(str(error)) from error

    def project(self, project_id: int) -> SimpleNamespace | None:
        rows = self._all("SELECT * FROM project WHERE id = ?", (project_id,))
        return rows[0] if rows else None

    def phases(self, project_id: int) -> list[SimpleNamespace]:
        return self._all("SELECT * FROM phase WHERE project_id = ? ORDER BY no", (project_id,))

    def recurring_open_before(self, project_id: int, today: date) -> list[SimpleNamespace]:
        """Open recurring tasks whose series started before `today` (candidates for a late occurrence), from the
        (project, recurrence, due) index."""
        return self._all(
            "SELECT * FROM task WHERE project_id = ? AND recurrence IS NOT NULL AND status != 'done'"
            " AND due_date < ?", (project_id, today.isoformat()))

    def occurrence_marks(self, task_ids: list[int]) -> list[SimpleNamespace]:
        return self._all(f"SELECT * FROM occurrence_done WHERE task_id IN ({_marks(len(task_ids))})", task_ids)

    def phase_counts(self, project_id: int, today: date) -> list[tuple[int, int, int, int]]:
        """(phase no, tasks, done, open and past due) per phase, from the (project, phase, status, due) index alone."""
        rows = self._all(
            "SELECT phase_no AS no, count(*) AS total, sum(status = 'done') AS done,"
            " sum(status != 'done' AND due_date < ?) AS past FROM task WHERE project_id = ? GROUP BY phase_no",
            (today.isoformat(), project_id))
        return [(r.no, r.total, r.done or 0, r.past or 0) for r in rows]

    def due_soon(self, project_id: int, today: date, until: date, open_statuses: list[str]) -> int:
        """Open one-off tasks due from `today` to `until`."""
        rows = self._all(
            f"SELECT count(*) AS n FROM task WHERE project_id = ? AND status IN ({_marks(len(open_statuses))})"
            " AND recurrence IS NULL AND due_date >= ? AND due_date <= ?",
            (project_id, *open_statuses, today.isoformat(), until.isoformat()))
        return rows[0].n

    def first_due(self, project_id: int, status: str, until: date, limit: int) -> list[SimpleNamespace]:
        """The first `limit` one-off tasks in `status` due by `until`, by due date then id (read in the index's
        order: a status at a time, so that a large project is not sorted whole)."""
        return self._all(
            "SELECT * FROM task WHERE project_id = ? AND status = ? AND recurrence IS NULL AND due_date <= ?"
            " ORDER BY due_date, public_id LIMIT ?", (project_id, status, until.isoformat(), limit))

    def serving(self, project_id: int, template_keys: list[str]) -> list[SimpleNamespace]:
        """The tasks made from the given template keys (those that serve statutory deadlines), from the (project,
        template) index."""
        return self._all(
            f"SELECT * FROM task WHERE project_id = ? AND template_key IN ({_marks(len(template_keys))})",
            (project_id, *template_keys))

    def register_items(self, project_id: int) -> int:
        """Documents, facilities and keys of the project, counted from each register's (project, public id) index."""
        tables = ("document", "facility", "handover_key")
        counts = " + ".join(f"(SELECT count(*) FROM {table} WHERE project_id = ?)" for table in tables)
        return self._all(f"SELECT {counts} AS n", (project_id,) * len(tables))[0].n

    def handed_documents(self, project_id: int) -> list[str]:
        """Public ids of the documents marked handed over, from the (project, status) index."""
        rows = self._all("SELECT public_id FROM document WHERE project_id = ? AND status = 'handed'", (project_id,))
        return [row.public_id for row in rows]

    def batch_outcomes(self, project_id: int) -> list[tuple]:
        """(batch id, item ref, outcome, batch signed, item still on its register) of the project's batch items;
        the registers are looked up by their (project, public id) indexes."""
        present = " OR ".join(f"EXISTS (SELECT 1 FROM {table} r WHERE r.project_id = i.project_id"
                              " AND r.public_id = i.item_ref)" for table in ("document", "facility", "handover_key"))
        rows = self._all(
            f"SELECT i.batch_id, i.item_ref, i.outcome, b.signed, {present} AS present FROM batch_item i"
            " JOIN handover_batch b ON b.id = i.batch_id WHERE i.project_id = ?", (project_id,))
        return [(r.batch_id, r.item_ref, r.outcome, r.signed, r.present) for r in rows]

    def amended_outcomes(self, project_id: int) -> list[tuple]:
        """(batch id, no, item ref, outcome) of the amendments that change an item's outcome."""
        rows = self._all("SELECT batch_id, no, item_ref, outcome FROM batch_amendment WHERE project_id = ?"
                         " AND outcome IS NOT NULL AND item_ref IS NOT NULL", (project_id,))
        return [(r.batch_id, r.no, r.item_ref, r.outcome) for r in rows]

    def key_counts(self, project_id: int) -> list[tuple]:
        """(kind, handed out, received) of the project's keys and accounts."""
        rows = self._all("SELECT kind, handed_out, received FROM handover_key WHERE project_id = ?", (project_id,))
        return [(r.kind, r.handed_out, r.received) for r in rows]

    def inspections_in(self, project_id: int, states: list[str]) -> int:
        """Inspection items in `states`, counted from the (project, state, deadline) index alone."""
        return self._all(f"SELECT count(*) AS n FROM inspection_item WHERE project_id = ?"
                         f" AND state IN ({_marks(len(states))})", (project_id, *states))[0].n

    def line_dues(self, project_id: int, states: list[str]) -> list[tuple[str, int]]:
        """(state, sum of dues) of the ledger lines in `states` (a prepaid line's part after the cut-off, any other
        line's amount), from the covering (project, state, ...) index alone."""
        rows = self._all(
            "SELECT state, sum(CASE WHEN category = 'prepaid' THEN after_cutoff_fen ELSE amount_fen END) AS due"
            f" FROM ledger_line WHERE project_id = ? AND state IN ({_marks(len(states))}) GROUP BY state",
            (project_id, *states))
        return [(r.state, r.due) for r in rows]

    def units_with_lines(self, project_id: int, states: list[str] | None = None) -> int:
        """Units with ledger lines (in `states`, if given), counted from a covering index of the lines."""
        where = f" AND state IN ({_marks(len(states))})" if states else ""
        return self._all(f"SELECT count(DISTINCT unit_id) AS n FROM ledger_line WHERE project_id = ?{where}",
                         (project_id, *(states or ())))[0].n

    def unit_count(self, project_id: int) -> int:
        """Units of the project, counted from the (project, unit number) index."""
        return self._all("SELECT count(*) AS n FROM unit WHERE project_id = ?", (project_id,))[0].n

    def risk_ratings(self, project_id: int, statuses: list[str]) -> list[tuple[int, int, int]]:
        """(likelihood, impact, risks) of the risks in `statuses`, from the covering (project, status, ...) index."""
        rows = self._all(
            "SELECT likelihood, impact, count(*) AS n FROM risk WHERE project_id = ?"
            f" AND status IN ({_marks(len(statuses))}) GROUP BY likelihood, impact", (project_id, *statuses))
        return [(r.likelihood, r.impact, r.n) for r in rows]

    def reviews_before(self, project_id: int, statuses: list[str], today: date) -> int:
        """Risks in `statuses` whose next review is before `today`, from the same index."""
        return self._all(
            f"SELECT count(*) AS n FROM risk WHERE project_id = ? AND status IN ({_marks(len(statuses))})"
            " AND next_review IS NOT NULL AND next_review < ?", (project_id, *statuses, today.isoformat()))[0].n

    def late_reviews(self, project_id: int, statuses: list[str], today: date, limit: int) -> list[tuple]:
        """(public id, title zh, title en, next review, status, owner) of the first `limit` risks in `statuses`
        whose next review is before `today`, by review day then id (found through the (project, status) index)."""
        rows = self._all(
            "SELECT public_id, title_zh, title_en, next_review, status, owner FROM risk WHERE project_id = ?"
            f" AND status IN ({_marks(len(statuses))}) AND next_review IS NOT NULL AND next_review < ?"
            " ORDER BY next_review, public_id LIMIT ?", (project_id, *statuses, today.isoformat(), limit))
        return [(r.public_id, r.title_zh, r.title_en, date.fromisoformat(r.next_review), r.status, r.owner)
                for r in rows]

    def employee_figures(self, project_id: int, columns: Iterable[str]) -> list[tuple]:
        """Each employee's `columns` (services/readmodels.STAFF_FIGURE_COLUMNS), dates as `date`, in the order
        they were added."""
        names = list(columns)
        rows = self._all(f"SELECT {', '.join(names)} FROM employee WHERE project_id = ? ORDER BY id", (project_id,))
        return [tuple(date.fromisoformat(value) if name.endswith("_date") and isinstance(value, str) else value
                      for name, value in zip(names, vars(row).values(), strict=True)) for row in rows]

    def staff_settings(self, project_id: int) -> tuple[int | None, int | None, int | None]:
        """(workforce, local average, minimum wage) the project typed; Nones when it has typed none."""
        rows = self._all("SELECT workforce, local_average_fen, minimum_wage_fen FROM staff_settings"
                         " WHERE project_id = ?", (project_id,))
        return (rows[0].workforce, rows[0].local_average_fen, rows[0].minimum_wage_fen) if rows else (None,) * 3

    def notice_figures(self, project_id: int, columns: Iterable[str]) -> list[tuple]:
        """Each notice's `columns` (services/readmodels.NOTICE_FIGURE_COLUMNS) and its stakeholder's name, in the
        order they were added."""
        rows = self._all(f"SELECT {_columns('n', columns)}, s.name AS stakeholder_name FROM notice n"
                         " JOIN stakeholder s ON s.id = n.stakeholder_id WHERE n.project_id = ? ORDER BY n.id",
                         (project_id,))
        return [tuple(vars(row).values()) for row in rows]

    def contract_figures(self, project_id: int, columns: Iterable[str]) -> list[tuple]:
        """Each contract's `columns` (services/readmodels.CONTRACT_FIGURE_COLUMNS, `end` as a date) and the status
        of the notice it names (None without one), in the order they were added."""
        names = list(columns)
        rows = self._all(
            f"SELECT {_columns('c', names)}, (SELECT n.status FROM notice n"
            " WHERE n.project_id = c.project_id AND n.public_id = c.notice_ref) AS notice_status"
            " FROM contract c WHERE c.project_id = ? ORDER BY c.id", (project_id,))
        return [tuple(date.fromisoformat(value) if name == "end" and isinstance(value, str) else value
                      for name, value in zip([*names, "notice_status"], vars(row).values(), strict=True))
                for row in rows]

    def last_change(self) -> int:
        """The id of the newest audit entry (0 when there is none)."""
        return self._all("SELECT max(id) AS id FROM audit_entry")[0].id or 0
