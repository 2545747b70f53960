"""An index on each device's holdings named gone, by when (read on every pull); partial.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('holdings_gone', 'holdings', ['device_id', 'gone_since'],
                    postgresql_where=sa.text('gone_since IS NOT NULL'),
                    sqlite_where=sa.text('gone_since IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('holdings_gone', table_name='holdings')
