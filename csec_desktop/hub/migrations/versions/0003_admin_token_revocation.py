"""Administrator tokens can be revoked: when each was made and when it was revoked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hub_admins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.String(length=40), nullable=True))


def downgrade() -> None:
    # A revoked token must not work again under the older schema, which cannot say it is revoked.
    op.execute("DELETE FROM hub_admins WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table('hub_admins', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('created_at')
