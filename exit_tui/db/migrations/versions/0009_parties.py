"""Stakeholders, notices, contracts and announcements (issue 14): the parties told of the exit, the notices owed
them with their proof (deadlines read from rules, never stored), the contracts to end or hand over (last notice
day read from end and notice period), and the versions of the announcements published."""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def _project(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f(f'fk_{table}_project_id_project'),
                                   ondelete='CASCADE')


def _one_of(table: str, column: str, values: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} IN ({values})", name=op.f(f'ck_{table}_{column}'))


def _common(table: str) -> list:
    return [sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('project_id', sa.Integer(), nullable=False),
            sa.Column('public_id', sa.String(), nullable=False)]


def _keys(table: str) -> list:
    return [_project(table), sa.PrimaryKeyConstraint('id'),
            sa.UniqueConstraint('project_id', 'public_id', name=op.f(f'uq_{table}_project_id_public_id'))]


def upgrade() -> None:
    op.create_table('stakeholder', *_common('stakeholder'),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('contact', sa.String(), nullable=False),
        sa.Column('phone', sa.String(), nullable=False),
        sa.Column('address', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('seed_key', sa.String(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _one_of('stakeholder', 'kind', "'committee', 'owners', 'community', 'housing', 'new_company', 'developer', "
                "'utility', 'vendor', 'staff', 'bank', 'insurer', 'other'"),
        *_keys('stakeholder'),
    )
    op.create_index(op.f('ix_stakeholder_project_id'), 'stakeholder', ['project_id'], unique=False)
    op.create_table('notice', *_common('notice'),
        sa.Column('stakeholder_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(), nullable=False),
        sa.Column('rule', sa.String(), nullable=False),
        sa.Column('statutory', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('channel', sa.String(), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=True),
        sa.Column('proof_kind', sa.String(), nullable=False),
        sa.Column('proof_ref', sa.String(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _one_of('notice', 'channel', "'', 'written', 'posting', 'registered', 'email', 'message', 'meeting'"),
        _one_of('notice', 'proof_kind', "'', 'receipt', 'ems', 'photo', 'minutes', 'screenshot', 'other'"),
        _one_of('notice', 'status', "'pending', 'sent', 'received', 'refused'"),
        sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'],
                                name=op.f('fk_notice_stakeholder_id_stakeholder'), ondelete='CASCADE'),
        *_keys('notice'),
    )
    op.create_index(op.f('ix_notice_project_id'), 'notice', ['project_id'], unique=False)
    op.create_index(op.f('ix_notice_stakeholder_id'), 'notice', ['stakeholder_id'], unique=False)
    op.create_index('ix_notice_project_status', 'notice', ['project_id', 'status', 'statutory', 'rule'], unique=False)
    op.create_table('contract', *_common('contract'),
        sa.Column('counterparty', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('start', sa.Date(), nullable=True),
        sa.Column('end', sa.Date(), nullable=True),
        sa.Column('notice_period', sa.String(), nullable=False),
        sa.Column('clause', sa.String(), nullable=False),
        sa.Column('decision', sa.String(), nullable=False),
        sa.Column('notice_ref', sa.String(), nullable=True),
        sa.Column('agreement_signed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('outstanding_fen', sa.Integer(), nullable=True),
        sa.Column('vendor_ref', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _one_of('contract', 'kind', "'property_service', 'cleaning', 'security', 'lift', 'fire', 'landscaping', "
                "'maintenance', 'lease', 'energy', 'other'"),
        _one_of('contract', 'decision', "'', 'expire', 'terminate', 'assign', 'keep'"),
        sa.CheckConstraint('outstanding_fen IS NULL OR outstanding_fen >= 0',
                           name=op.f('ck_contract_outstanding_fen')),
        *_keys('contract'),
    )
    op.create_index(op.f('ix_contract_project_id'), 'contract', ['project_id'], unique=False)
    op.create_table('announcement', *_common('announcement'),
        sa.Column('template', sa.String(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(), nullable=False),
        sa.Column('body', sa.String(), nullable=False),
        sa.Column('language', sa.String(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('supersedes', sa.String(), nullable=True),
        sa.Column('notice_ref', sa.String(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _one_of('announcement', 'status', "'draft', 'issued', 'superseded'"),
        _one_of('announcement', 'language', "'zh', 'en'"),
        sa.CheckConstraint('version >= 1', name=op.f('ck_announcement_version')),
        *_keys('announcement'),
    )
    op.create_index(op.f('ix_announcement_project_id'), 'announcement', ['project_id'], unique=False)
