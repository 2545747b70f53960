"""A refused operation is kept without its values: their names and a digest only.

The hub kept what it refused in full, in clear: a youth created by someone outside whose caseload
the youth is, a caseworker's directory entry. The desktop tells the author that a refused change
stays on their computer. From now on the hub keeps of a refused operation the names of its fields
and a SHA-256 digest of their values (push.withheld), enough to tell a replay from other content
under the same id. This rewrites those already kept. The values cannot be brought back: the
downgrade leaves them withheld.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 16:30:00.000000
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

WITHHELD = "$withheld"


def _withheld(fields: dict[str, Any]) -> dict[str, Any]:
    # As push.withheld made it on 2026-12-04 (kept here: a migration does not change with the code).
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {WITHHELD: hashlib.sha256(canonical.encode()).hexdigest(), "names": sorted(fields)}


def upgrade() -> None:
    ops = sa.table("ops", sa.column("op_id", sa.String), sa.column("fields", sa.JSON),
                   sa.column("result", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(ops.c.op_id, ops.c.fields).where(ops.c.result == "refused")).all()
    for op_id, fields in rows:
        value = json.loads(fields) if isinstance(fields, str) else fields
        if isinstance(value, dict) and WITHHELD not in value:
            bind.execute(sa.update(ops).where(ops.c.op_id == op_id).values(fields=_withheld(value)))


def downgrade() -> None:
    pass  # what was withheld is gone
