"""Issue 18, "Law changes": the effective dates ahead with their source and confidence, and how many youth in
the signed-in person's caseload each touches; the same function for the window and `csec rules --changes`.
Fixed instants at the boundaries; fictional youth."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

from csec_desktop import caseload, cli
from csec_desktop.rules import LEGAL_ZONE, Confidence, law
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import law as law_screen
from tests.conftest import WORKER_PASS, youth_data

RETRO = "medi_cal.retroactive_months"


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LEGAL_ZONE)


def _row(found: law_screen.LawChanges, day: date | None, source_part: str) -> law_screen.ChangeRow:
    rows = [r for r in found.rows if r.change.day == day and source_part in r.change.source
            and not (r.change.parameter or "").endswith("expansion_adult")]
    assert len(rows) == 1, [(r.change.day, r.change.source) for r in found.rows]
    return rows[0]


def test_without_a_vault_the_changes_are_listed_without_counts_from_the_day_asked() -> None:
    found = law_screen.upcoming(None, _at(date(2026, 12, 31), 23))
    assert not found.counted and found.after == date(2026, 12, 31)
    retro = _row(found, date(2027, 1, 1), "71112")
    assert retro.youth is None and retro.change.confidence is Confidence.UNCONFIRMED
    # Every change has a source and a confidence; undated ones come last.
    assert all(r.change.source and r.change.confidence for r in found.rows)
    days = [r.change.day for r in found.rows]
    assert days[-1] is None and all(d is not None for d in days[:days.index(None)])
    # Midnight on 1 January 2027 in California: the retroactive change is today, still listed; the day after,
    # it is history.
    assert _row(law_screen.upcoming(None, _at(date(2027, 1, 1), 0)), date(2027, 1, 1), "71112")
    later = law_screen.upcoming(None, _at(date(2027, 1, 2), 0))
    assert not [r for r in later.rows if r.change.day == date(2027, 1, 1)]
    # 31 December 2026 at 23:30 in California is already 1 January in UTC: the California day decides.
    late = law_screen.upcoming(None, datetime(2027, 1, 1, 7, 30, tzinfo=UTC))
    assert late.after == date(2026, 12, 31)


def test_counts_are_of_the_youth_this_person_sees_and_unknown_reach_is_said(admin: Vault) -> None:
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A")
    mine = caseload.create_youth(admin, youth_data(assigned_worker="casey", unit="Unit A"))
    other = caseload.create_youth(admin, youth_data(legal_name={"given": "Ona", "family": "Fictiva"},
                                                    assigned_worker="dana", unit="Unit B"))
    ward = caseload.create_youth(admin, youth_data(legal_name={"given": "Rio", "family": "Example"},
                                                   legal_status=[{"status": "ward", "start": "2024-02-01",
                                                                  "end": "2025-06-01"}],
                                                   assigned_worker="casey", unit="Unit A"))
    for youth_id in (mine.id, other.id):
        caseload.add_attached(admin, youth_id, "uncovered_service",
                              {"received_on": "2026-11-10", "what": "Urgent care (fictional)"})
    found = law_screen.upcoming(admin, _at(date(2026, 11, 30)))
    assert found.counted
    assert _row(found, date(2027, 1, 1), "71112").youth == 2  # the administrator sees both
    # WIC 781.2: a youth who was a ward, though no longer (the legal-status history counts).
    assert _row(found, None, "781.2").youth == 1
    casey = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        seen = law_screen.upcoming(casey, _at(date(2026, 11, 30)))
        assert _row(seen, date(2027, 1, 1), "71112").youth == 1  # only the caseworker's own youth
        assert _row(seen, None, "781.2").youth == 1
        caseload.delete_youth(admin, ward.id)
        assert _row(law_screen.upcoming(casey, _at(date(2026, 11, 30))), None, "781.2").youth == 0
        actions = [e.action for e in casey.audit_log.entries(newest_first=True, limit=3)]
        assert actions[0] == "law_changes_viewed"
    finally:
        casey.lock("test")


def test_a_deleted_record_or_youth_no_longer_counts(admin: Vault) -> None:
    """The youth are found from their records (kind, then owner), not youth by youth: a record
    deleted, or its youth deleted, leaves the count; another kind never enters it."""
    first = caseload.create_youth(admin, youth_data(assigned_worker="admin"))
    second = caseload.create_youth(admin, youth_data(legal_name={"given": "Ona", "family": "Fictiva"},
                                                     assigned_worker="admin"))
    caseload.create_youth(admin, youth_data(legal_name={"given": "Rio", "family": "Example"},
                                            assigned_worker="admin"))
    service = {"received_on": "2026-11-10", "what": "Urgent care (fictional)"}
    kept = caseload.add_attached(admin, first.id, "uncovered_service", service)
    twice = caseload.add_attached(admin, first.id, "uncovered_service", service)
    caseload.add_attached(admin, second.id, "uncovered_service", service)
    caseload.add_attached(admin, second.id, "case_note", {"text": "A fictional note.",
                                                           "occurred_at": "2026-11-20T10:00:00-08:00"})

    def count() -> int | None:
        return _row(law_screen.upcoming(admin, _at(date(2026, 11, 30))), date(2027, 1, 1), "71112").youth

    assert count() == 2  # two records of one youth count that youth once
    caseload.delete_attached(admin, twice.id)
    assert count() == 2
    caseload.delete_attached(admin, kept.id)
    assert count() == 1
    caseload.delete_youth(admin, second.id)
    assert count() == 0


def test_a_change_dated_before_the_day_is_not_listed_and_countable_says_why() -> None:
    found = law_screen.upcoming(None, _at(date(2026, 10, 2)))
    assert not [r for r in found.rows if r.change.day == date(2026, 10, 1)]
    on_the_day = law_screen.upcoming(None, _at(date(2026, 10, 1)))
    hr1 = _row(on_the_day, date(2026, 10, 1), "71109")
    assert not hr1.countable and hr1.to_json()["countable"] is False
    assert law.changes(date(2026, 10, 1))[0].day == date(2026, 10, 1)


def test_csec_rules_changes_prints_the_use_case_rows() -> None:
    out = io.StringIO()
    assert cli.main(["rules", "--changes", "--as-of", "2026-12-31T09:00:00-08:00", "--json"], stdout=out) == 0
    rows = json.loads(out.getvalue())
    expected = law_screen.upcoming(None, _at(date(2026, 12, 31), 9))
    assert [r["source"] for r in rows] == [r.change.source for r in expected.rows]
    assert all("youth_touched" in r and "countable" in r for r in rows)
