"""The demo county shows the product: every kind of record a youth can have, a working day on
Today (24-hour duties open, only a few overdue), a person of every role who can sign in; every record
valid through the normal models and plainly fictional; the same county for the same seed and moment."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from csec_desktop import caseload, demo, today
from csec_desktop.domain.kinds import KINDS, model_for
from csec_desktop.domain.people import Role
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=LEGAL_ZONE)
STAFF = {name: (role, passphrase) for name, role, _display, _unit, passphrase in demo.DEMO_STAFF}
ADMIN = next(name for name, (role, _p) in STAFF.items() if role is Role.ADMINISTRATOR)
WORKER = demo.DEMO_STAFF[0][0]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoCounty]:
    folder = tmp_path_factory.mktemp("demo") / "vault"
    made = demo.create_demo_vault(folder, 300, seed=2026, now=NOW)
    return folder, made


def _open(folder: Path, name: str) -> Vault:
    return Vault.unlock(folder, name, STAFF[name][1])


def test_every_kind_a_youth_can_have_appears(county: tuple[Path, demo.DemoCounty]) -> None:
    folder, made = county
    vault = _open(folder, ADMIN)
    try:
        kinds = Counter(k for (k,) in vault.require_db().query("SELECT kind FROM records WHERE deleted = 0"))
        youth_kinds = {kind for kind, model in KINDS.items() if model.owner_field is not None}
        missing = sorted(youth_kinds - set(kinds))
        assert not missing, f"the demo has no {', '.join(missing)} record"
        assert kinds["youth"] == made.youth == 300
        assert kinds["directory_entry"] == made.directory >= 8
        # Every record reads back through its model (the store parses on the way in and out; the
        # youth's account is sealed in the file and opens blank for the administrator, and a
        # sealed youth's records do not open for them at all).
        sealed = {r[0] for r in vault.require_db().query(
            "SELECT r.id FROM records r JOIN youth_fields f ON f.rowid = r.rowid WHERE f.sealed = 1")}
        closed = 0
        for rid, kind, owner, body in vault.require_db().query(
                "SELECT id, kind, owner_id, body FROM records WHERE deleted = 0"):
            readable, data = vault.records.ring.open_body_readable(rid, json.loads(body))
            if not readable and owner in sealed:
                closed += 1
                continue
            model_for(kind).model_validate(data)
            if kind == "directory_entry":
                assert "fictional" in body.lower()
        assert sealed and closed >= len(sealed)
    finally:
        vault.close()


def test_today_has_open_24_hour_duties_and_only_a_few_overdue(county: tuple[Path, demo.DemoCounty]) -> None:
    folder, made = county
    assert made.duties_done > 0  # older duties were recorded done, not left to pile up
    for name in (WORKER, ADMIN):
        vault = _open(folder, name)
        try:
            found = today.items(vault, NOW)
        finally:
            vault.close()
        overdue = [i for i in found if i.finding.overdue(NOW)]
        assert len(overdue) <= 10, [(i.finding.rule_id, i.finding.due) for i in overdue]
        hourly = [i for i in found if i.finding.rule_id.endswith("_24h") and i.finding.due is not None
                  and NOW < i.finding.due <= NOW + timedelta(days=1)]
        assert {i.finding.rule_id for i in hourly} >= {"csec.report_law_enforcement_24h",
                                                      "missing.ncic_ncmec_24h"}, name
        # Near the top: after what is overdue, among the first few due.
        first = min(found.index(i) for i in hourly)
        assert first <= len(overdue) + 5, [i.finding.rule_id for i in found[:first + 1]]


def test_every_role_can_sign_in_and_sees_what_its_role_allows(county: tuple[Path, demo.DemoCounty]) -> None:
    folder, _made = county
    assert {role for role, _p in STAFF.values()} == set(Role)
    for name, (role, _passphrase) in STAFF.items():
        vault = _open(folder, name)
        try:
            assert vault.user.role is role and "fictional" in vault.user.display_name
        finally:
            vault.close()
    # The youth's account in a count was written (as the attorney would) and only READ_NARRATIVE reads it.
    attorney, worker = _open(folder, "demo.attorney"), _open(folder, WORKER)
    try:
        rows = attorney.require_db().query(
            "SELECT DISTINCT owner_id FROM records WHERE kind = 'criminal_count' AND deleted = 0")
        youth_id = rows[0][0]
        seen = [r.body.dump() for r in caseload.attached(attorney, youth_id, "criminal_count")]
        hidden = [r.body.dump() for r in caseload.attached(worker, youth_id, "criminal_count")]
        assert all(c["nexus"] for c in seen) and not any(c["nexus"] for c in hidden)
        cases = [r.body.dump() for r in caseload.attached(attorney, youth_id, "vacatur_case")]
        assert cases
    finally:
        attorney.close()
        worker.close()


def test_record_relief_has_adult_juvenile_and_mixed_cases(county: tuple[Path, demo.DemoCounty]) -> None:
    folder, _made = county
    vault = _open(folder, "demo.attorney")
    try:
        counts = {r[0]: r[1] for r in vault.require_db().query(
            "SELECT id, json_extract(body, '$.count_kind') FROM records WHERE kind = 'criminal_count'")}
        juvenile = {"adjudication", "juvenile_arrest"}
        mixes = set()
        for rid, body in vault.require_db().query("SELECT id, body FROM records WHERE kind = 'vacatur_case'"):
            kinds = {counts[c] in juvenile for c in model_for("vacatur_case").model_validate(
                vault.records.decode(rid, body)).model_dump()["count_ids"]}
            mixes.add("mixed" if kinds == {True, False} else "juvenile" if kinds == {True} else "adult")
        assert mixes == {"adult", "juvenile", "mixed"}
    finally:
        vault.close()


def test_the_same_seed_and_moment_make_the_same_county(tmp_path: Path) -> None:
    def make(folder: Path) -> list[tuple[str, str]]:
        vault, _secret = Vault.create(folder, county="Demo County", admin="admin",
                                      passphrase="fictional admin passphrase")
        try:
            demo.populate_county(vault, 20, seed=5, now=NOW)
            rows = vault.require_db().query(
                "SELECT kind, json_extract(body, '$.legal_name.family') FROM records WHERE deleted = 0")
            return sorted((kind, family or "") for kind, family in rows)
        finally:
            vault.close()

    assert make(tmp_path / "a") == make(tmp_path / "b")


def test_progress_covers_every_step_of_a_large_county(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A county of 100,000 took two minutes, and progress was shown only while records were added:
    nothing for the first 45 s (the youth written) or the last 50 s (duties checked). Then, at
    100,000 youth, it sat at 100% for 87 s while the overdue duties were recorded done and the
    search index written. Each of the four steps now reports, in order, up to all of it."""
    monkeypatch.setattr(demo, "PROGRESS_EVERY", 10)
    vault, _secret = Vault.create(tmp_path / "v", county="Demo County", admin="admin",
                                  passphrase="fictional admin passphrase")
    seen: list[tuple[int, int]] = []
    try:
        demo.populate_county(vault, 40, seed=5, now=NOW,
                             progress=lambda done, total: seen.append((done, total)))
    finally:
        vault.close()
    assert {total for _done, total in seen} == {160}
    steps = [done for done, _total in seen]
    assert steps[:12] == list(range(10, 121, 10))  # written, given records, duties checked
    last = steps[12:]  # the done ones recorded, the index written: onward, to the end
    assert last == sorted(last) and last[-1] == 160 and len(set(last)) >= 4 and last[0] < 150


HEADINGS = ("RELIEF REQUESTED", "GROUNDS", "DIRECT RESULT OF BEING A VICTIM", "TIMELINESS",
            "SUPPORTING PAPERS", "FINES AND FEES", "AGENCIES TO SEAL AND DESTROY RECORDS", "CONFIDENTIALITY",
            "VERIFICATION",
            "RULING ON EACH COUNT", "FINDINGS AS TO EACH COUNT GRANTED", "ORDERS AS TO EACH COUNT GRANTED")
"""Section headings of the petition and the order, as the papers print them."""


def test_the_demo_petitions_past_draft_pass_their_own_review_and_sign_their_text(
        county: tuple[Path, demo.DemoCounty]) -> None:
    """A clerk read the demo's papers: its reviewed and filed petitions printed "/s/" over gaps
    (the demo set their stage without the facts a review asks for), and a signature fell on a page
    of its own with its date on the page before. Now each past draft passes the review, and on
    every page of every paper a date and its signature stand together, after text of the paper."""
    from csec_desktop.documents import jobs
    from csec_desktop.documents.vacatur import page_texts
    from csec_desktop.vacatur import workflow

    folder, _made = county
    vault = _open(folder, next(n for n, (role, _p) in STAFF.items() if role is Role.ATTORNEY))
    try:
        stages = set()
        for case_id, youth_id in vault.require_db().query(
                "SELECT id, owner_id FROM records WHERE kind = 'vacatur_case' AND deleted = 0"):
            stage = vault.records.get(case_id).body.stage.value
            stages.add(stage)
            if stage != "draft":
                assert workflow.review(vault, youth_id, case_id) == [], stage
            packet = [" ".join(page.split()) for page in page_texts(
                jobs.make(vault, "vacatur_packet", youth_id, item=case_id))]
            assert any("/s/" in page for page in packet) == (stage != "draft")
            for number, page in enumerate(packet, start=1):
                if "Dated:" not in page:
                    continue
                before, _, after = page.partition("Dated:")
                # The signature's role follows its date on the same page, and text of the paper
                # comes before it (the page's first words are the running notice and line numbers).
                assert any(role in after for role in ("Attorney for Petitioner", "Petitioner", "Declarant",
                                                      "Person serving", "Judge")), (stage, number)
                assert len(before.split()) > 40, (stage, number)
            for number, page in enumerate(packet, start=1):
                # No heading is left at a page's foot with its text on the next page (the last
                # section's heading went with its paragraph into the signature's block).
                for heading in HEADINGS:
                    if heading in page:
                        assert len(page.rpartition(heading)[2].split()) > 20, (stage, number, heading)
        assert stages == {"draft", "attorney_reviewed", "filed"}
    finally:
        vault.close()
