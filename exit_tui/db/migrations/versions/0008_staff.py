"""Staff placement (issue 13): the employees of a project with their placement, the project's own staff figures
(workforce, local wages overriding the rule profile's), and the links between employees (or the project's
layoff) and their follow-up checklist tasks. Severance is computed on read, never stored."""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def _project(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f(f'fk_{table}_project_id_project'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('employee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('employee_no', sa.String(), nullable=False),
        sa.Column('position', sa.String(), nullable=False),
        sa.Column('team', sa.String(), nullable=False),
        sa.Column('hire_date', sa.Date(), nullable=False),
        sa.Column('contract_type', sa.String(), nullable=False),
        sa.Column('contract_end', sa.Date(), nullable=True),
        sa.Column('wages_fen', sa.String(), nullable=False),
        sa.Column('average_fen', sa.Integer(), nullable=True),
        sa.Column('last_month_fen', sa.Integer(), nullable=True),
        sa.Column('protected', sa.String(), nullable=False),
        sa.Column('phone', sa.String(), nullable=False),
        sa.Column('note', sa.String(), nullable=False),
        sa.Column('placement', sa.String(), nullable=False),
        sa.Column('placement_target', sa.String(), nullable=False),
        sa.Column('leaving_date', sa.Date(), nullable=True),
        sa.Column('placement_status', sa.String(), nullable=False),
        sa.Column('agreement_signed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('renewal_refused', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('employee_proposed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("placement IN ('', 'agreed', 'expiry', 'art40', 'art40-no-notice', 'art41', 'transfer', "
                           "'taken-over')", name=op.f('ck_employee_placement')),
        sa.CheckConstraint("placement_status IN ('pending', 'planned', 'done')",
                           name=op.f('ck_employee_placement_status')),
        sa.CheckConstraint("contract_type IN ('', 'fixed', 'open', 'task')", name=op.f('ck_employee_contract_type')),
        sa.CheckConstraint('average_fen IS NULL OR average_fen >= 0', name=op.f('ck_employee_average_fen')),
        sa.CheckConstraint('last_month_fen IS NULL OR last_month_fen >= 0', name=op.f('ck_employee_last_month_fen')),
        _project('employee'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_employee_project_id_public_id'))
    )
    op.create_index(op.f('ix_employee_project_id'), 'employee', ['project_id'], unique=False)
    op.create_index('ix_employee_project_placement', 'employee', ['project_id', 'placement', 'placement_status'],
                    unique=False)
    op.create_table('staff_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('workforce', sa.Integer(), nullable=True),
        sa.Column('local_average_fen', sa.Integer(), nullable=True),
        sa.Column('minimum_wage_fen', sa.Integer(), nullable=True),
        sa.CheckConstraint('workforce IS NULL OR workforce > 0', name=op.f('ck_staff_settings_workforce')),
        sa.CheckConstraint('local_average_fen IS NULL OR local_average_fen > 0',
                           name=op.f('ck_staff_settings_local_average_fen')),
        sa.CheckConstraint('minimum_wage_fen IS NULL OR minimum_wage_fen > 0',
                           name=op.f('ck_staff_settings_minimum_wage_fen')),
        _project('staff_settings'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_staff_settings_project_id_public_id'))
    )
    op.create_index(op.f('ix_staff_settings_project_id'), 'staff_settings', ['project_id'], unique=False)
    op.create_table('employee_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=True),
        sa.Column('public_id', sa.String(), nullable=False),
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('task_ref', sa.String(), nullable=False),
        _project('employee_task'),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_employee_task_employee_id_employee'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'public_id', name=op.f('uq_employee_task_project_id_public_id'))
    )
    op.create_index(op.f('ix_employee_task_project_id'), 'employee_task', ['project_id'], unique=False)
    op.create_index(op.f('ix_employee_task_employee_id'), 'employee_task', ['employee_id'], unique=False)
