"""Hub users can be disabled: the person's devices sync nothing until enabled again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hub_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # The older schema cannot say "disabled": such a person is removed rather than let back in.
    op.execute("DELETE FROM hub_users WHERE disabled")
    with op.batch_alter_table('hub_users', schema=None) as batch_op:
        batch_op.drop_column('disabled')
