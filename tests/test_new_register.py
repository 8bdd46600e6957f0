"""A register nobody wrote code for: a three-column "contacts" list declared here the way the README's developer
section shows, without touching any machinery. It exports into the handover package, imports back by public id
(preview, apply, audit, idempotence, another project's ids refused) and its writes are audited like tasks'.

This is the test that keeps "adding an area is a matter of declaring it" true.
"""

from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import Column as SqlColumn
from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, String, Table, UniqueConstraint, func, select

from exit_tui.db.models import Project
from exit_tui.io import registers
from exit_tui.io.export import export_package
from exit_tui.io.imports import import_file
from exit_tui.io.spec import Column, Kind, SheetSpec
from exit_tui.services import audit, projects
from exit_tui.services.ids import next_public_ids
from exit_tui.services.imports import ImportField, ImportTarget
from tests.helpers import PROJECT_ARGS, TODAY

# 1. The table (an Alembic revision in the real app; its own MetaData here so the app's schema is untouched).
contact = Table(
    "contact", MetaData(),
    SqlColumn("id", Integer, primary_key=True),
    SqlColumn("project_id", Integer, ForeignKey(Project.__table__.c.id, ondelete="CASCADE"), nullable=False),
    SqlColumn("public_id", String, nullable=False),
    SqlColumn("name", String, nullable=False),
    SqlColumn("phone", String, nullable=False, default=""),
    SqlColumn("note", String, nullable=False, default=""),
    SqlColumn("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("project_id", "public_id"),
)

# 2. The sheet: columns, headers in both languages, aliases.
CONTACTS = SheetSpec(
    key="contacts", zh="联系人", en="Contacts", id_prefix="Z",
    columns=(
        Column("public_id", "编号", "ID", Kind.ID, width=9),
        Column("name", "姓名", "Name", required=True, aliases=("联系人", "名称"), width=16),
        Column("phone", "电话", "Phone", aliases=("手机", "联系电话"), width=16),
        Column("note", "备注", "Note", width=30),
    ),
)


# 3. The import target: which table, which fields; plain text fields need no hooks.
class ContactImport(ImportTarget):
    sheet = "contacts"
    table = contact
    prefix = "Z"
    fields = (ImportField("name", required=True), ImportField("phone"), ImportField("note"))
    content = ("name", "phone")

    def clean_phone(self, value):
        return "" if value is None else str(value)

    def clean_note(self, value):
        return "" if value is None else str(value)


# 4. Its rows for export (a service function in the real app).
def contact_rows(session, project_id):
    where = contact.c.project_id == project_id
    count = session.execute(select(func.count()).select_from(contact).where(where)).scalar_one()
    rows = session.execute(select(contact.c.public_id, contact.c.name, contact.c.phone, contact.c.note)
                           .where(where).order_by(contact.c.id))
    return count, (dict(row._mapping) for row in rows)


@pytest.fixture
def declared(backend, monkeypatch):
    """The declarations put in place (the real app lists them in io/registers.py and services/audit.py)."""
    contact.create(backend.engine)
    monkeypatch.setitem(audit.AUDITED, "contact", audit.Audited(contact, "contact"))  # audit.declare(contact, ...)
    monkeypatch.setattr(registers, "REGISTERS",
                        (*registers.REGISTERS, registers.Register(CONTACTS, contact_rows, ContactImport)))


def _add(backend, project_id, *names):
    def add(session):  # what the register's own service would do
        ids = next_public_ids(session, project_id, "Z", len(names))
        audit.insert_rows(session, contact, [
            {"project_id": project_id, "public_id": public_id, "name": name, "phone": "", "note": "",
             "created_at": datetime.now(UTC)} for public_id, name in zip(ids, names, strict=True)])
    backend.call(add)


def test_a_declared_register_round_trips_through_the_package(backend, declared, tmp_path):
    project = backend.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
    _add(backend, project.id, "张主任 [业委会]", "李工")
    path = tmp_path / "package.xlsx"
    result = backend.call(export_package, project.id, path, today=TODAY)
    assert ("联系人", 2) in result.sheets

    book = load_workbook(path)
    sheet = book["联系人"]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value}
    assert sheet.cell(2, header["姓名"]).value == "张主任 [业委会]"
    sheet.cell(3, header["电话"]).value = "13800001234"
    sheet.cell(4, header["姓名"]).value = "王会计"  # a new row, no id
    book.save(path)

    preview = backend.call(import_file, project.id, path, apply=False, today=TODAY)
    assert [(c.public_id, c.field, c.new) for c in preview.changed] == [("Z-0002", "电话", "13800001234")]
    assert len(preview.added) == 1 and preview.rejected == []
    applied = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    assert applied.added == ["Z-0003"]

    entries = [(e.action, e.entity, e.public_id, e.field) for e in backend.call(audit.list_entries, project.id, 2)]
    assert sorted(entries) == [("create", "contact", "Z-0003", ""), ("update", "contact", "Z-0002", "phone")]
    assert backend.call(audit.verify).ok
    again = backend.call(import_file, project.id, path, apply=True, today=TODAY)
    others = sum(count for title, count in result.sheets  # tasks, handover registers
                 if title != "联系人" and title in {r.sheet.title for r in registers.importable().values()})
    assert (again.added, again.changed, again.unchanged) == ([], [], others + 3)  # every row of every register


def test_a_declared_register_refuses_another_projects_ids_and_unaudited_writes(backend, declared, tmp_path):
    first = backend.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
    second = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "另一个项目"}, today=TODAY)
    _add(backend, first.id, "张主任")
    path = tmp_path / "first.xlsx"
    backend.call(export_package, first.id, path, today=TODAY)
    report = backend.call(import_file, second.id, path, apply=False, today=TODAY)
    assert any(r.row == 2 and first.public_id in r.reason for r in report.rejected if r.sheet == "联系人")

    def sneaky(session):
        session.execute(contact.update().values(note="x"))

    with pytest.raises(audit.UnauditedWrite):
        backend.call(sneaky)
