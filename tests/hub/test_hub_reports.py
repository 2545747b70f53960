"""Issue 23: the program report over a county on the hub. One definition serves a desk and a county:
the figures a supervisor's desktop computes equal those the hub computes from the synced records
(its endpoint and `csec-hub report` alike); a sealed youth, sealed end to end, is left out at the
hub and counted apart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from csec_desktop import caseload
from csec_desktop.hub import cli as hub_cli
from csec_desktop.hub.principals import Admin
from csec_desktop.hub.reports import county_figures
from csec_desktop.identification import record_status
from csec_desktop.reports import counts as C
from csec_desktop.reports.figures import figures
from csec_desktop.reports.periods import parse
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import sync_vault
from tests.conftest import youth_data
from tests.hub.test_hub_api import NORTH, World, desktop_of, world  # noqa: F401 (the fixture)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=LEGAL_ZONE)
Q3 = parse("2026Q3")


def _same(desk: dict[str, Any], hub: dict[str, Any]) -> dict[str, Any]:
    """The hub's figures without what only the hub says (its county, the sealed youth left out)."""
    return {k: v for k, v in hub.items() if k not in ("county", "sealed_left_out")} | {"youth": desk["youth"]}


def test_the_desktop_and_the_hub_give_the_same_figures(
        world: World, tmp_path: Path, pg_url: str) -> None:  # noqa: F811 (pytest's fixture, imported)
    world.hub.add_user(Admin(NORTH, "it"), P.NewUser(username="sue", role="supervisor"))
    vault, client = desktop_of(world, tmp_path / "v", "sue", "supervisor")
    made = []
    plan = [("north", "victim", 3), ("north", "victim", 30), ("south", "at_risk", 9), ("south", "victim", 15),
            ("north", None, 0)]
    for n, (unit, status, day) in enumerate(plan):
        youth = caseload.create_youth(vault, youth_data(
            county=NORTH, unit=unit, assigned_worker="sue",
            legal_name={"given": f"Fictionalia{n}", "family": "Hubcount"},
            placement_history=[{"type": "strtp", "start": "2026-01-01"}])).id
        made.append(youth)
        if status:
            decided = datetime(2026, 8, day, 9, tzinfo=LEGAL_ZONE)
            record_status(vault, youth, status, "fictional basis", decided)
    caseload.add_attached(vault, made[0], "licensed_screen", {
        "tool": "Fictional Screening Tool", "tool_version": "2.0", "screened_on": "2026-08-04",
        "screener": "sue", "screener_trained": True, "band": "clear_concern"})
    caseload.add_attached(vault, made[0], "duty_done", {  # the police report, two hours after
        "rule_id": "csec.report_law_enforcement_24h", "done_on": "2026-08-03",
        "occurrence": datetime(2026, 8, 3, 9, tzinfo=LEGAL_ZONE).astimezone(UTC).strftime("%Y%m%dT%H%MZ"),
        "done_at": "2026-08-03T11:00:00-07:00"})
    caseload.add_attached(vault, made[3], "missing_episode", {
        "learned_at": "2026-08-10T10:00:00-07:00", "returned_at": "2026-08-13T10:00:00-07:00"})
    # Two nonminor dependents (18 in March 2025): one whose certification due in September was
    # marked done on Today, one with none. Both sides count the mark as the certification.
    for n, marked in enumerate((True, False)):
        nonminor = caseload.create_youth(vault, youth_data(
            county=NORTH, unit="north", assigned_worker="sue", date_of_birth="2007-03-15",
            legal_name={"given": f"Nonminoria{n}", "family": "Hubcount"},
            legal_status=[{"status": "nonminor_dependent", "start": "2025-03-15"}])).id
        caseload.add_attached(vault, nonminor, "efc_participation", {  # what the certification names
            "condition": "1", "since": "2025-03-15", "evidence": "Fictional enrollment letter"})
        caseload.add_attached(vault, nonminor, "efc_certification", {
            "certified_on": "2026-03-15", "conditions": ["1"], "certified_by": "sue"})
        if marked:
            caseload.add_attached(vault, nonminor, "duty_done", {
                "rule_id": "efc.six_month_certification", "occurrence": "soc161:2026-09-15",
                "done_on": "2026-09-14"})
    sync_vault(vault, client)

    desk = figures(C.facts(vault), Q3, NOW)
    hub = county_figures(world.hub.engine, NORTH, Q3, NOW)
    assert desk["counts"]["identified_victims"]["total"] == 3 and desk["duties"]
    assert desk["ab12"]["certification_overdue"] == 1
    assert hub["sealed_left_out"] == 0 and _same(desk, hub) == desk and hub["youth"] == desk["youth"]

    # The same over HTTP for the county's administrator, and from the command line.
    answer = world.http.get("/v1/admin/report", params={"period": "2026Q3"},
                            headers={"Authorization": f"Bearer {world.admin}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"] == desk["counts"] and answer.json()["units"] == desk["units"]
    bad = world.http.get("/v1/admin/report", params={"period": "last quarter"},
                         headers={"Authorization": f"Bearer {world.admin}"})
    assert bad.status_code == 422 and "period" in bad.text  # not the shape of a period
    none = world.http.get("/v1/admin/report", params={"period": "2026-13"},
                          headers={"Authorization": f"Bearer {world.admin}"})
    assert none.status_code == 404 and "no_such_period" in none.text
    out = tmp_path / "q3.csv"
    assert hub_cli.main(["--db", pg_url, "report", NORTH, "--period", "2026Q3", "--out", str(out)]) == 0
    text = out.read_text()
    assert "Youth identified as exploited,2,1,3" in text and "Hubcount" not in text
    assert "0 sealed youth left out" in text and (out.stat().st_mode & 0o077) == 0

    # Sealed on the desktop: the hub holds the youth sealed end to end and leaves them out, saying so.
    caseload.update_youth(vault, made[4], {"sealed": True})
    sync_vault(vault, client)
    desk = figures(C.facts(vault), Q3, NOW)
    hub = county_figures(world.hub.engine, NORTH, Q3, NOW)
    assert hub["sealed_left_out"] == 1 and hub["youth"] == desk["youth"] - 1
    assert hub["ab12"]["aged_16_17"] == desk["ab12"]["aged_16_17"] - 1  # they are 16
    hub["ab12"] = desk["ab12"]
    assert _same(desk, hub) == desk  # that youth had no decision: every other figure agrees
    vault.close()
