"""The visibility rule (`domain/visibility.py`) as a SQLAlchemy clause, for the hub's pulls.

A translation only: the decision is the `Scope`'s data, made once from the person's effective
permissions. Like `Scope.sql`, the clause is two-valued (`IS NOT DISTINCT FROM` on PostgreSQL,
`IS` on SQLite): a youth with no worker or unit makes it false, never NULL, so `not_(clause)`
selects exactly the youth the person may not see (`gone`).
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import NamedFromClause

from csec_desktop.domain.visibility import Reach, Scope


def clause(scope: Scope, y: NamedFromClause) -> ColumnElement[bool]:
    """`scope` over `y`, an alias of a table with worker, unit and sealed columns (youth rows)."""
    if scope.reach is Reach.NOTHING:
        return false()
    parts: list[ColumnElement[bool]] = []
    if scope.reach is Reach.OWN:
        mine = [y.c.worker.is_not_distinct_from(scope.username)]
        if scope.unit is not None:
            mine.append(y.c.unit.is_not_distinct_from(scope.unit))
        parts.append(or_(*mine))
    if not scope.sealed:
        parts.append(y.c.sealed.is_(False))
    return and_(true(), *parts)
