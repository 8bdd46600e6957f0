"""Accounts (issue 11): units and their owners, each unit's ledger lines, the project's own ledgers (public
revenue and its costs, repair fund, fee surplus or lump sum, vendor balances) and the project's settlement
cut-off. Indexes let the totals and the dashboard's figures be read from an index alone."""

import sqlalchemy as sa
from alembic import op

from exit_tui.db.migrations import recreate
from exit_tui.db.models import NAMING_CONVENTION

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("project", recreate=recreate(), naming_convention=NAMING_CONVENTION) as batch:
        batch.add_column(sa.Column("settlement_cutoff", sa.Date(), nullable=True))
    op.create_table('unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('unit_no', sa.String(), nullable=False),
        sa.Column('building', sa.String(), nullable=False),
        sa.Column('area_m2', sa.Integer(), nullable=True),
        sa.Column('owner', sa.String(), nullable=False),
        sa.Column('phone', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('area_m2 IS NULL OR area_m2 >= 0', name=op.f('ck_unit_area_m2')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
            name=op.f('fk_unit_project_id_project'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_unit_project_id_public_id')),
        sa.UniqueConstraint('project_id', 'unit_no', name=op.f('uq_unit_project_id_unit_no'))
    )
    op.create_index(op.f('ix_unit_project_id'), 'unit', ['project_id'], unique=False)
    op.create_table('ledger_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('direction', sa.String(), nullable=False),
        sa.Column('after_cutoff_fen', sa.Integer(), nullable=False),
        sa.Column('meter_reading', sa.String(), nullable=False),
        sa.Column('source_ref', sa.String(), nullable=False),
        sa.Column('state', sa.String(), nullable=False),
        sa.Column('dispute_reason', sa.String(), nullable=False),
        sa.Column('evidence_ref', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("category IN ('arrears', 'prepaid', 'deposit', 'parking', 'utilities', 'other')",
            name=op.f('ck_ledger_line_category')),
        sa.CheckConstraint("direction IN ('owes', 'owed')", name=op.f('ck_ledger_line_direction')),
        sa.CheckConstraint("state IN ('unconfirmed', 'confirmed', 'disputed', 'carved_out', 'settled')",
            name=op.f('ck_ledger_line_state')),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_ledger_line_amount_fen')),
        sa.CheckConstraint('after_cutoff_fen BETWEEN 0 AND amount_fen', name=op.f('ck_ledger_line_after_cutoff_fen')),
        sa.CheckConstraint("state NOT IN ('disputed', 'carved_out') OR (dispute_reason <> '' AND evidence_ref <> '')",
            name=op.f('ck_ledger_line_dispute_reason')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
            name=op.f('fk_ledger_line_project_id_project'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_ledger_line_unit_id_unit')),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_ledger_line_project_id_public_id'))
    )
    op.create_index(op.f('ix_ledger_line_project_id'), 'ledger_line', ['project_id'], unique=False)
    op.create_index(op.f('ix_ledger_line_unit_id'), 'ledger_line', ['unit_id'], unique=False)
    op.create_index('ix_ledger_line_project_state', 'ledger_line',
                    ['project_id', 'state', 'unit_id', 'category', 'amount_fen', 'after_cutoff_fen'], unique=False)
    op.create_index('ix_ledger_line_project_unit', 'ledger_line',
                    ['project_id', 'unit_id', 'direction', 'state', 'category', 'amount_fen', 'after_cutoff_fen'],
                    unique=False)
    op.create_index('ix_ledger_line_project_category', 'ledger_line', ['project_id', 'category'], unique=False)
    op.create_table('project_ledger',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('description', sa.String(), nullable=False),
        sa.Column('counterparty', sa.String(), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('source_ref', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('revenue', 'revenue_cost', 'repair_fund', 'fee_surplus', 'lump_sum', "
                           "'vendor_payable', 'vendor_prepaid')", name=op.f('ck_project_ledger_kind')),
        sa.CheckConstraint("amount_fen > 0 OR (amount_fen < 0 AND kind IN ('repair_fund', 'fee_surplus', "
                           "'lump_sum'))", name=op.f('ck_project_ledger_amount_fen')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
            name=op.f('fk_project_ledger_project_id_project'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_project_ledger_project_id_public_id'))
    )
    op.create_index(op.f('ix_project_ledger_project_id'), 'project_ledger', ['project_id'], unique=False)
