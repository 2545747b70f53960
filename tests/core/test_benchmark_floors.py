"""The benchmarks' floors do the same work as the paths they bound (issue 24): the same youth and
records decoded for Today, the same pages and text for the court paper and the plan, the same
records without a key for encryption, the same bodies for the Reports page. Run on a small
county; the figures themselves are not asserted (a test machine's timings mean nothing)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from csec_desktop import caseload, today
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from tests.benchmarks import county, paths


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench") / "county"
    county.build(folder, 60, quiet=True)
    return folder


def test_today_floor_decodes_what_today_decodes(made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = Vault.unlock(made, county.USER, county.PASSPHRASE)
    try:
        now = datetime.now(LEGAL_ZONE)
        seen: list[int] = []
        real = today._chunk_of  # what both decode through: scan, and read_chunk for the floor

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            chunk = real(*args, **kwargs)
            seen.append(chunk.decoded())
            return chunk

        monkeypatch.setattr(today, "_chunk_of", counted)
        items, youth = paths.today_whole(vault, now)
        path_decoded = sum(seen)
        seen.clear()
        floor_youth, floor_decoded = paths.today_floor(vault, now)
        assert items > 0 and youth == floor_youth > 0
        assert path_decoded == floor_decoded > youth  # attached records decoded too, by both
    finally:
        vault.close()


def test_paper_floors_draw_the_same_pages_and_text(made: Path) -> None:
    packet = paths.court_paper(made, county.ATTORNEY, reps=1)
    assert packet["pages"] == packet["floor_pages"] == packet["floor_platypus_pages"] >= 5
    vault = Vault.unlock(made, county.USER, county.PASSPHRASE)
    try:
        plan = paths.plan(vault, reps=1)
        assert plan["pages"] == plan["floor_pages"] >= 1
    finally:
        vault.close()
    attorney = Vault.unlock(made, *county.ATTORNEY)
    try:
        from csec_desktop.documents import jobs

        youth_id, case_id = paths._youth_with_biggest_case(attorney)
        texts = paths.page_texts(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    finally:
        attorney.close()
    # The floors embed their fonts, as the documents do (a TrueType subset in the file).
    assert b"/FontFile2" in paths.canvas_pleading(texts) and b"/FontFile2" in paths.platypus_pages(texts)
    assert b"/FontFile2" not in paths.canvas_pleading(texts, "Times-Roman")
    floor = paths.page_texts(paths.canvas_pleading(texts))
    ours_chars = sum(len("".join(page).replace(" ", "")) for page in texts)
    floor_chars = sum(len("".join(page).replace(" ", "")) for page in floor)
    assert floor_chars >= 0.95 * ours_chars  # the floor draws the packet's text, plus line numbers


def test_encryption_floor_is_the_same_vault_without_a_key(made: Path) -> None:
    vault = Vault.unlock(made, county.USER, county.PASSPHRASE)
    try:
        figures = paths.encryption(vault, made, county.USER, county.PASSPHRASE, reps=1)
        assert figures["searches"] == 20 and figures["edits"] == 20
        assert figures["ours_s"] > 0 and figures["floor_s"] > 0
    finally:
        vault.close()
    assert not (made.parent / (made.name + "-plain")).exists()  # the plaintext copy is gone


def test_report_floor_parses_the_bodies_the_report_fetches(made: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from csec_desktop.reports import counts

    vault = Vault.unlock(made, county.USER, county.PASSPHRASE)
    try:
        fetched: list[int] = []
        plain, nonminor = counts._plain_or_opened, counts._nonminor_records

        def each(*args):  # type: ignore[no-untyped-def]
            fetched.append(1)  # every record and youth body the facts fetch passes here once
            return plain(*args)

        def together(vault_: Vault, rows: list[int]):  # type: ignore[no-untyped-def]
            found = nonminor(vault_, rows)
            efc = vault_.require_db().scalar("SELECT count(*) FROM records WHERE kind IN "
                                             "('efc_participation', 'efc_certification') AND deleted = 0")
            fetched.extend([1] * (len(found) + efc))  # their bodies, and the county's EFC records
            return found

        monkeypatch.setattr(counts, "_plain_or_opened", each)
        monkeypatch.setattr(counts, "_nonminor_records", together)
        period = paths.last_quarter(datetime.now(LEGAL_ZONE).date())
        counts.facts(vault, None, period.last)
        assert len(fetched) == paths.report_floor(vault, period.last) > 60  # attached records too
    finally:
        vault.close()


def test_search_floor_counts_the_matches_the_search_counts(made: Path) -> None:
    from csec_desktop.usecases import caseload as screen

    vault = Vault.unlock(made, county.USER, county.PASSPHRASE)
    try:
        db = vault.require_db()
        texts = paths.queries(40)
        assert any(t.startswith("JV") for t in texts) and any(" " in t for t in texts)
        for text in texts:
            total = screen.query(vault, screen.CaseloadQuery(text), audit=False).total
            sealed = 0
            if vault.records.shadow.active:  # the sealed youth this supervisor may read: counted apart
                sealed = int(db.scalar("SELECT count(*) FROM sealed.sealed_search "
                                       "WHERE sealed_search MATCH ?", [caseload.fts_query(text)]))
            assert paths.index_count(vault, text) + sealed == total, text
    finally:
        vault.close()
