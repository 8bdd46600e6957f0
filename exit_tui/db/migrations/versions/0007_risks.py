"""Risks (issue 12): the risk register with each risk's contingency plan and drill schedule, the drill records,
and the links between risks and checklist tasks (mitigation work, drills' follow-up actions). An index lets the
dashboard count open risks by rating from the index alone."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def _project(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f(f'fk_{table}_project_id_project'),
                                   ondelete='CASCADE')


def _risk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['risk_id'], ['risk.id'], name=op.f(f'fk_{table}_risk_id_risk'), ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('risk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('seed_key', sa.String(), nullable=True),
        sa.Column('phase_no', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(), nullable=False),
        sa.Column('title_zh', sa.String(), nullable=False),
        sa.Column('title_en', sa.String(), nullable=False),
        sa.Column('trigger_zh', sa.String(), nullable=False),
        sa.Column('trigger_en', sa.String(), nullable=False),
        sa.Column('likelihood', sa.Integer(), nullable=False),
        sa.Column('impact', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(), nullable=False),
        sa.Column('mitigation_zh', sa.String(), nullable=False),
        sa.Column('mitigation_en', sa.String(), nullable=False),
        sa.Column('plan_zh', sa.String(), nullable=False),
        sa.Column('plan_en', sa.String(), nullable=False),
        sa.Column('plan_lead', sa.String(), nullable=False),
        sa.Column('plan_phone', sa.String(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('next_review', sa.Date(), nullable=True),
        sa.Column('drill_rule', sa.String(), nullable=False),
        sa.Column('drill_start', sa.Date(), nullable=True),
        sa.Column('legal_basis', sa.String(), nullable=True),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("category IN ('handover', 'owners', 'staff', 'safety', 'finance', 'reputation', "
                           "'contract', 'data')", name=op.f('ck_risk_category')),
        sa.CheckConstraint("status IN ('identified', 'responding', 'occurred', 'closed')",
                           name=op.f('ck_risk_status')),
        sa.CheckConstraint('likelihood BETWEEN 1 AND 5', name=op.f('ck_risk_likelihood')),
        sa.CheckConstraint('impact BETWEEN 1 AND 5', name=op.f('ck_risk_impact')),
        sa.CheckConstraint('phase_no BETWEEN 1 AND 20', name=op.f('ck_risk_phase_no')),
        _project('risk'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_risk_project_id_public_id'))
    )
    op.create_index(op.f('ix_risk_project_id'), 'risk', ['project_id'], unique=False)
    op.create_index('ix_risk_project_status', 'risk', ['project_id', 'status', 'likelihood', 'impact', 'next_review'],
                    unique=False)
    op.create_table('risk_drill',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('risk_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('participants', sa.String(), nullable=False),
        sa.Column('scenario', sa.String(), nullable=False),
        sa.Column('findings', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _project('risk_drill'),
        _risk('risk_drill'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_risk_drill_project_id_public_id'))
    )
    op.create_index(op.f('ix_risk_drill_project_id'), 'risk_drill', ['project_id'], unique=False)
    op.create_index(op.f('ix_risk_drill_risk_id'), 'risk_drill', ['risk_id'], unique=False)
    op.create_table('risk_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('risk_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('task_ref', sa.String(), nullable=False),
        sa.Column('drill_ref', sa.String(), nullable=True),
        _project('risk_task'),
        _risk('risk_task'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_risk_task_project_id_public_id')),
        sa.UniqueConstraint('risk_id', 'task_ref', name=op.f('uq_risk_task_risk_id_task_ref'))
    )
    op.create_index(op.f('ix_risk_task_project_id'), 'risk_task', ['project_id'], unique=False)
    op.create_index(op.f('ix_risk_task_risk_id'), 'risk_task', ['risk_id'], unique=False)
