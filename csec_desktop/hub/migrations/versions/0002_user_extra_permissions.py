"""Users' extra permissions; a device's scope key long enough to name them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hub_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_permissions', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.alter_column('scope_key',
               existing_type=sa.String(length=200),
               type_=sa.Text(),
               existing_nullable=True)


def downgrade() -> None:
    # A key naming grants may not fit; no key makes the device's next pull start again.
    op.execute("UPDATE devices SET scope_key = NULL WHERE length(scope_key) > 200")
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.alter_column('scope_key',
               existing_type=sa.Text(),
               type_=sa.String(length=200),
               existing_nullable=True)

    with op.batch_alter_table('hub_users', schema=None) as batch_op:
        batch_op.drop_column('extra_permissions')
