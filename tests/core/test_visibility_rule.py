"""The one visibility rule (domain/visibility.py) and its forms agree: for any person (every
role, any extra grants, with or without a unit, disabled or not) and any youth rows, the
Python form, the SQLite form run on a real table, and `caseload.can_see` on a real Youth
decide the same, and all of them say what the permissions say.

The strategies here are shared with tests/hub/test_visibility_agreement.py."""

from __future__ import annotations

import sqlite3
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from csec_desktop import caseload
from csec_desktop.domain.people import Permission, Role, User
from csec_desktop.domain.visibility import Reach, Scope
from csec_desktop.domain.youth import Youth

NAMES = ["ana", "ben", "cara"]
UNITS = ["north", "south"]

Row = tuple[str | None, str | None, bool]
"""A youth's worker, unit and sealed flag."""


def users() -> st.SearchStrategy[User]:
    return st.builds(
        User, username=st.sampled_from(NAMES), display_name=st.just("Someone"),
        role=st.sampled_from(list(Role)),
        unit=st.sampled_from([None, "", *UNITS]),
        disabled=st.booleans(),
        extra_permissions=st.lists(st.sampled_from(list(Permission)), unique=True).map(sorted),
    )


def rows() -> st.SearchStrategy[Row]:
    return st.tuples(st.sampled_from([None, *NAMES]), st.sampled_from([None, "", *UNITS, "east"]),
                     st.booleans())


EVERY_ROW: list[Row] = [(w, u, s) for w in [None, *NAMES] for u in [None, "", *UNITS, "east"]
                        for s in (False, True)]
"""Every kind of row the strategies can make, for tests that load a table once."""


def oracle(user: User, row: Row) -> bool:
    """The rule as docs/architecture.md words it, from `User.can` alone."""
    worker, unit, sealed = row
    if not user.can(Permission.READ_YOUTH):
        return False
    if sealed and not user.can(Permission.READ_SEALED):
        return False
    if user.can(Permission.READ_ALL_YOUTH):
        return True
    return worker == user.username or (bool(user.unit) and unit == user.unit)


def youth(row: Row) -> Youth:
    worker, unit, sealed = row
    return Youth.model_validate({
        "legal_name": {"given": "Testchild", "family": "Fictional"}, "date_of_birth": "2012-05-17",
        "county": "Fictional County", "assigned_worker": worker, "unit": unit, "sealed": sealed})


def _table(table: list[Row]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    # As youth_fields: worker and unit may be NULL, sealed never is.
    db.execute("CREATE TABLE youth_fields (id INTEGER PRIMARY KEY, worker TEXT, unit TEXT, "
               "sealed INTEGER NOT NULL)")
    db.executemany("INSERT INTO youth_fields (id, worker, unit, sealed) VALUES (?, ?, ?, ?)",
                   [(i, w, u, int(s)) for i, (w, u, s) in enumerate(table)])
    return db


def _selected(db: sqlite3.Connection, cond: str, params: list[Any]) -> set[int]:
    return {i for (i,) in db.execute(f"SELECT f.id FROM youth_fields f WHERE {cond}", params)}


@settings(max_examples=400, deadline=None)
@given(user=users(), table=st.lists(rows(), max_size=12))
def test_every_form_of_the_rule_agrees(user: User, table: list[Row]) -> None:
    scope = Scope.for_user(user)
    allowed = {i for i, row in enumerate(table) if scope.allows(*row)}
    assert allowed == {i for i, row in enumerate(table) if oracle(user, row)}
    assert allowed == {i for i, row in enumerate(table) if caseload.can_see(user, youth(row))}
    db = _table(table)
    cond, params = scope.sql("f")
    assert _selected(db, cond, params) == allowed
    # Two-valued: NOT selects exactly the others (NULL workers and units included).
    assert _selected(db, f"NOT ({cond})", params) == set(range(len(table))) - allowed
    assert caseload.visibility(user, "f") == (cond, params)
    # Another alias, as a query joining youth_fields under another name would use.
    g_cond, g_params = caseload.visibility(user, "g")
    assert {i for (i,) in db.execute(f"SELECT g.id FROM youth_fields g WHERE {g_cond}", g_params)} == allowed


@given(user=users())
def test_the_scope_is_the_decision_as_data(user: User) -> None:
    scope = Scope.for_user(user)
    assert scope == Scope.of(set() if user.disabled else user.permissions(), user.username, user.unit)
    if not user.can(Permission.READ_YOUTH):
        assert scope.reach is Reach.NOTHING and not scope.sealed and scope.sql() == ("0", [])
    else:
        assert scope.reach is (Reach.ALL if user.can(Permission.READ_ALL_YOUTH) else Reach.OWN)
        assert scope.sealed == user.can(Permission.READ_SEALED)
    assert scope.unit is None or scope.unit == user.unit != ""


def test_extra_grants_and_disabling_count() -> None:
    other_unit = ("ben", "south", False)
    cw = User(username="ana", display_name="Ana", role=Role.CASEWORKER, unit="north")
    assert not caseload.can_see(cw, youth(other_unit))
    covering = cw.model_copy(update={"extra_permissions": [Permission.READ_ALL_YOUTH]})
    assert caseload.can_see(covering, youth(other_unit))
    assert not caseload.can_see(covering, youth(("ben", "south", True)))  # sealed stays sealed
    disabled = covering.model_copy(update={"disabled": True})
    assert not caseload.can_see(disabled, youth(("ana", "north", False)))
