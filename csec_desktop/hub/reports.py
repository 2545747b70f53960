"""The program report over a whole county, on the hub: the same figures a desktop computes
(reports/figures.py), from the records every device has synced.

The hub reads what it holds in clear. A sealed youth's records are sealed end to end (only those
who hold the compartment key read them), so they are left out here and counted apart, and the
report says so: their figures are on the desktops of the people who may read them.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import Engine, select

from csec_desktop.efc import CERTIFICATION_RULE
from csec_desktop.hub import tables as T
from csec_desktop.reports import counts as C
from csec_desktop.reports.figures import figures
from csec_desktop.reports.periods import Period
from csec_desktop.rules import LEGAL_ZONE


def _periods(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(p.get("status"), p.get("start"), p.get("end")) for p in body.get("legal_status") or []]


class Youth(NamedTuple):
    id: str
    unit: str | None
    sealed: bool
    body: dict[str, Any]


def _body(state: str) -> dict[str, Any]:
    """A record's body, from its state as the hub keeps it (tables.records)."""
    body: dict[str, Any] = json.loads(state)["body"]
    return body


def _opened(body: dict[str, Any], efc_records: list[dict[str, Any]]
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return list(body.get("placement_history") or []), efc_records


def county_figures(engine: Engine, county: str, period: Period,
                   now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    period = period.so_far(now.astimezone(LEGAL_ZONE).date())
    r = T.records
    with engine.connect() as conn:
        youth_rows = [Youth(row.id, row.unit, row.sealed, _body(row.state)) for row in conn.execute(
            select(r.c.id, r.c.unit, r.c.sealed, r.c.state).where(
                r.c.county == county, r.c.kind == "youth", r.c.deleted.is_(False)))]
        planned = {owner for (owner,) in conn.execute(select(r.c.owner_id).where(
            r.c.county == county, r.c.kind == "transition_plan", r.c.deleted.is_(False)))}
        efc_records: dict[str, list[dict[str, Any]]] = {}
        for row in conn.execute(select(r.c.owner_id, r.c.kind, r.c.state).where(
                r.c.county == county, r.c.deleted.is_(False),
                r.c.kind.in_(("efc_participation", "efc_certification"))
                | ((r.c.kind == "duty_done") & r.c.state.contains(f'"{CERTIFICATION_RULE}"')))):
            body = _body(row.state)
            # A duty marked done counts only as the certification (efc.certification_days).
            if row.kind != "duty_done" or body.get("rule_id") == CERTIFICATION_RULE:
                efc_records.setdefault(row.owner_id, []).append({**body, "kind": row.kind})
        units = {row.id: row.unit for row in youth_rows if not row.sealed}
        records = conn.execute(select(r.c.owner_id, r.c.kind, r.c.state, r.c.id).where(
            r.c.county == county, r.c.kind.in_(C.READS), r.c.deleted.is_(False)).order_by(r.c.seq))
        attached = [(row.owner_id, row.kind, _body(row.state), row.id) for row in records
                    if row.owner_id in units]
        wanted = sorted({owner for owner, _kind, _body_, _id in attached})
        bodies: dict[str, dict[str, Any] | str] = {row.id: _body(row.state)
                  for row in conn.execute(select(r.c.id, r.c.state).where(r.c.id.in_(wanted)))}
    population: dict[str, int] = {}
    for unit in units.values():
        population[unit or C.NO_UNIT] = population.get(unit or C.NO_UNIT, 0) + 1
    found = C.build({owner: units[owner] for owner in wanted}, bodies, attached, population)
    clear = [row for row in youth_rows if not row.sealed]
    found.ab12 = C.ab12([(row.id, date.fromisoformat(row.body["date_of_birth"]), _periods(row.body),
                          row.id in planned, partial(_opened, row.body, efc_records.get(row.id, [])))
                         for row in clear], period.last)
    result = figures(found, period, now)
    result["sealed_left_out"] = sum(1 for row in youth_rows if row.sealed)
    result["county"] = county
    return result
