"""A search reads its matches in name order from the index's ranks (storage/name_order.py): the
pages must be exactly the matches sorted by name, whatever the names' letters, page sizes,
deletions, sealed youth and filters. Checked against the records themselves."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csec_desktop import caseload
from csec_desktop.caseload import Filters
from csec_desktop.storage import name_order
from csec_desktop.storage.vault import Vault
from csec_desktop.text import folded
from csec_desktop.usecases import caseload as caseload_screen
from tests.conftest import ADMIN_PASS, WORKER_PASS, FakeClock, youth_data

# Letters a name may hold: plain, accented, Vietnamese, CJK, beyond the BMP, and the punctuation
# names carry; casefolded, as youth_fields keeps them.
LETTERS = "abmnoyz -'0ñáéầ示例𝔸"
names = st.tuples(st.text(LETTERS, max_size=12), st.text(LETTERS, max_size=12))


@settings(max_examples=2000, deadline=None)
@given(names, names)
def test_the_bucket_code_never_inverts_name_order(one: tuple[str, str], other: tuple[str, str]) -> None:
    low, high = sorted([one, other])
    assert name_order.bucket(*low) <= name_order.bucket(*high)
    assert 0 <= name_order.bucket(*high) < 1 << (name_order.SYMBOL_BITS * name_order.SYMBOLS)


def test_ranks_fit_sqlite_and_keep_bucket_order() -> None:
    top = (1 << (name_order.SYMBOL_BITS * name_order.SYMBOLS)) - 1
    assert name_order.first_rank(0) == -(1 << 63)
    assert name_order.last_rank(top) == (1 << 63) - 1
    one = name_order.rank("abc", "z", (1 << 40) + 5)  # a row number past the bucket's width
    assert name_order.bucket_of(one) == name_order.bucket("abc", "z")
    assert name_order.rank("ab", "zzz", 1) < name_order.rank("ab-c", "a", 1) < name_order.rank("abc", "", 1)


FAMILIES = ("Sampleton", "Sampletonia", "Sampleto", "Sample-Ortíz", "Ñandemo", "Núñez", "Nuñez",
            "示例", "Ab", "Ab-C", "Abc", "O'Demo", "Trần-Demo")
GIVENS = ("Jo", "José", "Joanna", "Maya", "Ángel", "Jordan")
PEOPLE = (("casey", "caseworker", "Unit A"), ("sam", "supervisor", "Unit A"))


def _tokens(text: str) -> list[str]:
    """What the index's unicode61 tokenizer (remove_diacritics 2) makes of a text."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain.casefold())


def _expected(vault: Vault, text: str, worker: str | None = None, sealed_too: bool = False) -> list[str]:
    """The matching youth sorted by (family, given, row) as youth_fields holds them, from the
    records' bodies through the model (the words as the search takes them: caseload.fts_query)."""
    words = [_tokens(w.replace('""', '"'))[0] for w in re.findall(r'"((?:[^"]|"")*)"\*',
                                                                  caseload.fts_query(text) or "")]
    found = []
    for record_id, rowid, sealed in vault.require_db().query(
            "SELECT r.id, r.rowid, f.sealed FROM records r JOIN youth_fields f ON f.rowid = r.rowid "
            "WHERE r.deleted = 0"):
        if sealed and not sealed_too:
            continue
        body = vault.records.get(record_id).body
        if worker is not None and body.assigned_worker != worker:
            continue
        tokens = _tokens(" ".join(body.search_terms()))
        if all(any(t.startswith(w) for t in tokens) for w in words):
            name = body.legal_name
            found.append(((folded(name.family), folded(name.given), rowid), record_id))
    return [record_id for _key, record_id in sorted(found)]


def test_accented_names_are_in_order_among_the_plain_ones(admin: Vault) -> None:
    """Names were kept casefolded and compared by code point, so every accented capital came after
    z: Álvarez and Ñúñez at the end of a caseload, after Zamora."""
    for family in ("Zamora", "Álvarez", "Alvarado", "Ames", "Ñúñez", "Nunes", "Ávila", "Oñate", "Ochoa"):
        caseload.create_youth(admin, youth_data(legal_name={"given": "Fictiona", "family": family}))
    order = ["Alvarado", "Álvarez", "Ames", "Ávila", "Nunes", "Ñúñez", "Ochoa", "Oñate", "Zamora"]
    _total, rows, _next = caseload.page(admin, order="name")
    assert [r.legal_name.split()[-1] for r in rows] == order
    assert [r.legal_name.split()[-1] for r in caseload.search(admin, "fictiona")] == order
    _total, rows, _next = caseload.page(admin, order="name", descending=True)
    assert [r.legal_name.split()[-1] for r in rows] == order[::-1]
    assert folded("Ñúñez") == "nunez" and folded("Straße") == "strasse" and folded("O'Demo") == "o'demo"


def _walk(vault: Vault, asked: caseload_screen.CaseloadQuery, page: int) -> tuple[int, list[str]]:
    first = caseload_screen.query(vault, asked, limit=page, audit=False)
    ids = [r.id for r in first.rows]
    cursor = first.next
    while cursor is not None and len(ids) < first.total:
        more = caseload_screen.query(vault, asked, after=cursor, limit=page, audit=False)
        assert more.rows, "a page came back empty before the end"
        ids += [r.id for r in more.rows]
        cursor = more.next
    return first.total, ids


@pytest.mark.parametrize("all_ranks", [caseload.ALL_RANKS, 3])
def test_search_pages_are_the_matches_in_name_order(vault_of, vault_dir: Path, clock: FakeClock,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch, all_ranks: int) -> None:
    """Several words or a case number: every match's rank is read once and the windows cut from
    it, unless there are more than ALL_RANKS (3: the index is read window by window, and a
    number's range in rank order, as when most youth match it)."""
    monkeypatch.setattr(caseload, "ALL_RANKS", all_ranks)
    # With 3, a number's matches are also read in rank order as when most youth match (DENSE).
    monkeypatch.setattr(caseload, "DENSE", 1 if all_ranks == 3 else caseload.DENSE)
    admin = vault_of(PEOPLE)
    made = []
    with admin.require_db().transaction():
        for n in range(160):  # many youth in one bucket ("sampleto"), so windows cross buckets
            family = FAMILIES[n % len(FAMILIES)] if n % 3 else "Sampleton"
            made.append(caseload.create_youth(admin, youth_data(
                legal_name={"given": GIVENS[n % len(GIVENS)], "family": family},
                assigned_worker="casey" if n % 2 else "robin",
                identifiers={"juvenile_case_number": f"JV-26-{100000 + n}"})).id)
    for gone in made[5:20:4]:
        caseload.delete_youth(admin, gone)
    renamed = caseload.update_youth(admin, made[30], {"legal_name": {"given": "Jo", "family": "Abc"}})
    caseload.update_youth(admin, made[31], {"preferred_name": "Sparrow"})  # same bucket, same rank
    admin.close()

    sam = Vault.unlock(vault_dir, "sam", WORKER_PASS, wall=clock)  # holds the sealed records' key
    try:
        for sealed in made[40:60:5]:
            caseload.update_youth(sam, sealed, {"sealed": True})
        # Words holding a digit are read from their own table (storage/numbers.py): alone, part
        # way, beside a name, and two of them.
        for text in ("jo", "j", "sampleto", "n", "jv-26-1001", "示例", "a", "jv-26-100", "1001",
                     "JV26100", "sampleto jv-26-1001", "100 jo", "jv2610 1001", "jv-26-1000"):
            expected = _expected(sam, text, sealed_too=True)
            assert expected, text
            for page in (1, 3, 7, 200):
                total, ids = _walk(sam, caseload_screen.CaseloadQuery(text=text), page)
                assert (total, ids) == (len(expected), expected), (text, page)
        assert renamed.id in _walk(sam, caseload_screen.CaseloadQuery(text="abc jo"), 5)[1]
        for text in ("jo", "jv-26-10"):
            narrowed = caseload_screen.CaseloadQuery(text=text, filters=Filters(worker="casey"))
            assert _walk(sam, narrowed, 4) == (len(want := _expected(sam, text, "casey", True)), want)
        # Every youth of the "sampleto" bucket matches: read along the name index (narrowed too).
        whole = caseload_screen.CaseloadQuery(text="sampleto", filters=Filters(worker="casey"))
        assert _walk(sam, whole, 4) == (len(want := _expected(sam, "sampleto", "casey", True)), want)
    finally:
        sam.lock("test")

    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)  # her unit's youth, no sealed ones
    try:
        for text in ("jo", "jv-26-10"):
            expected = _expected(casey, text)
            assert _walk(casey, caseload_screen.CaseloadQuery(text=text), 3) == (len(expected), expected)
    finally:
        casey.lock("test")

    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)  # the whole county, no sealed key
    try:
        for text in ("j", "sampleto jo"):
            expected = _expected(admin, text)
            assert _walk(admin, caseload_screen.CaseloadQuery(text=text), 6) == (len(expected), expected)
    finally:
        admin.lock("test")


def test_past_16_million_records_ranks_are_checked_and_never_shared(vault_of, vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Ranks end with the row number's low 24 bits; a vault whose row numbers pass 2**24 (none
    will: a county has some hundreds of thousands) must still give each youth a rank of its own."""
    admin = vault_of(PEOPLE)
    name = {"given": "Maya", "family": "Sampleton"}
    first = caseload.create_youth(admin, youth_data(legal_name=name))
    db = admin.require_db()
    rowid = int(db.scalar("SELECT rowid FROM records WHERE id = ?", (first.id,)))
    db.execute("INSERT INTO records (rowid, id, kind, version, created_at, created_by, updated_at, "
               "updated_by, deleted, body, clocks) SELECT ?, 'filler', kind, version, created_at, "
               "created_by, updated_at, updated_by, 1, body, clocks FROM records WHERE id = ?",
               (rowid + name_order.WIDE - 1, first.id))
    second = caseload.create_youth(admin, youth_data(legal_name=name))  # the next row number: same low bits
    ranks = db.query("SELECT f.rank FROM youth_fields f JOIN records r ON r.rowid = f.rowid "
                     "WHERE r.id IN (?, ?)", (first.id, second.id))
    assert len({r[0] for r in ranks}) == 2
    assert {s.id for s in caseload.search(admin, "maya sampleton")} == {first.id, second.id}


def test_index_rows_written_at_commit_are_found_within_it_and_gone_with_a_rollback(vault_of) -> None:  # type: ignore[no-untyped-def]
    """Many youth written in one transaction reach the search index at its end, in rank order
    (RecordStore.write_index); a search inside the transaction still finds them, and a rolled
    back transaction leaves neither index rows nor rows waiting."""
    admin = vault_of(PEOPLE)
    db = admin.require_db()
    with db.transaction():
        made = [caseload.create_youth(admin, youth_data(legal_name={"given": g, "family": "Zephyrtest"})).id
                for g in ("Ana", "Bo", "Cy")]
        assert [s.id for s in caseload.search(admin, "zephyrtest")] == made  # Ana, Bo, Cy: name order
    try:
        with db.transaction():
            caseload.create_youth(admin, youth_data(legal_name={"given": "Rolled", "family": "Backwards"}))
            raise RuntimeError("the save failed")
    except RuntimeError:
        pass
    assert caseload.search(admin, "backwards") == []
    assert db.scalar("SELECT count(*) FROM youth_search WHERE youth_search MATCH 'backwards'") == 0
    later = caseload.create_youth(admin, youth_data(legal_name={"given": "Later", "family": "Zephyrtest"}))
    assert [s.id for s in caseload.search(admin, "zephyrtest")] == [*made, later.id]


def test_a_search_index_in_many_pieces_is_merged_and_finds_the_same_youth(  # type: ignore[no-untyped-def]
        vault_of, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each transaction that writes youth adds a piece to the search index (FTS5 segments); past
    SEARCH_PIECES `tidy_search` merges them into one. Every search finds what it found before, in
    the same order, and a youth written in the same transaction is not lost."""
    from csec_desktop.storage import records

    admin = vault_of(PEOPLE)
    for n in range(24):  # a transaction each, as people save
        caseload.create_youth(admin, youth_data(
            legal_name={"given": GIVENS[n % len(GIVENS)], "family": FAMILIES[n % len(FAMILIES)]},
            identifiers={"juvenile_case_number": f"JV-26-{100000 + n}"}))
    caseload.delete_youth(admin, caseload.search(admin, "sampleton")[0].id)
    pieces = admin.records.search_segments()
    assert pieces > records.SEARCH_PIECES, f"the premise: single saves left the index in pieces ({pieces})"
    texts = ("jo", "j", "sampleto", "n", "jv-26-1000", "示例", "ab c", "maya")

    def found() -> dict[str, tuple[int, list[str]]]:
        return {text: _walk(admin, caseload_screen.CaseloadQuery(text=text), 4) for text in texts}

    def expected() -> dict[str, tuple[int, list[str]]]:
        return {text: (len(want), want) for text in texts for want in [_expected(admin, text)]}

    assert found() == expected()
    monkeypatch.setattr(records, "SEARCH_PIECES", pieces)
    assert admin.records.tidy_search() is False  # not past the bound: left as it is
    assert admin.records.search_segments() == pieces

    monkeypatch.setattr(records, "SEARCH_PIECES", 1)
    with admin.require_db().transaction():
        late = caseload.create_youth(admin, youth_data(legal_name={"given": "Late", "family": "Ñandemo"}))
        assert admin.records.tidy_search() is True  # the youth waiting for the commit goes in first
    assert admin.records.search_segments() == 1
    assert found() == expected()
    assert late.id in found()["n"][1]
    assert admin.records.tidy_search() is False  # one piece: nothing to do
