"""A holding is forgotten only after its device took the news that the youth is gone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gone_since', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # The older hub forgot a holding as it named the youth gone: do so now.
    op.execute("DELETE FROM holdings WHERE gone_since IS NOT NULL")
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_column('gone_since')
