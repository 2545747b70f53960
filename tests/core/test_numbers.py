"""Words holding a digit are searched in a table of their own (storage/numbers.py). It must hold
exactly the words the full-text index holds that have a digit, for exactly the youth the index
holds, through every change to a youth, and be filled when an older vault is upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from csec_desktop import caseload
from csec_desktop.storage import numbers
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, WORKER_PASS, FakeClock, youth_data

# What an identifier or a name may hold: letters plain and accented, digits, the punctuation
# identifiers allow, CJK, full-width digits, an underscore and an apostrophe, and letters whose
# case folds oddly (full folding makes "ß" "ss" and "ﬁ" "fi"; the tokenizer keeps them).
CHARS = "aZjv09-/. 'ñÁéầ示例１２_ⅫßẞﬁΣςİıŁǅ"


@settings(max_examples=1000, deadline=None)
@given(st.text(CHARS, max_size=30))
def test_words_are_cut_as_the_full_text_index_cuts_them(text: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    db.execute("INSERT INTO t (terms) VALUES (?)", (text,))
    assert sorted(set(numbers.words(text))) == [r[0] for r in db.execute("SELECT term FROM v ORDER BY term")]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=40))
def test_plain_ascii_words_are_cut_as_the_full_text_index_cuts_them(text: str) -> None:
    # `words` takes a short way for ASCII text: the same words as the index, punctuation and
    # control characters included.
    test_words_are_cut_as_the_full_text_index_cuts_them.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def _rows(vault: Vault, youth_id: str) -> set[str]:
    return {r[0] for r in vault.require_db().query(
        "SELECT n.term FROM youth_numbers n JOIN youth_fields f ON f.rank = n.rank "
        "JOIN records r ON r.rowid = f.rowid WHERE r.id = ?", (youth_id,))}


def _all(vault: Vault) -> list[tuple[str, int]]:
    return [tuple(r) for r in vault.require_db().query("SELECT term, rank FROM youth_numbers ORDER BY 1, 2")]


def test_the_table_follows_each_change_to_a_youth(vault_of, vault_dir: Path, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    vault_of((("sam", "supervisor", "Unit A"),)).close()
    admin = Vault.unlock(vault_dir, "sam", WORKER_PASS, wall=clock)  # may seal and unseal
    youth = caseload.create_youth(admin, youth_data(
        identifiers={"juvenile_case_number": "JV-24-001234", "probation_number": "P 7"}))
    # "p", "7" and "p7" are too short: the full-text index's prefix lists answer them.
    assert _rows(admin, youth.id) == {"001234", "jv24001234"}
    assert [s.id for s in caseload.search(admin, "JV-24-0012")] == [youth.id]

    caseload.update_youth(admin, youth.id, {"identifiers": {"juvenile_case_number": "JV-25-5"}})
    assert _rows(admin, youth.id) == {"jv255"}
    assert caseload.search(admin, "001234") == []

    # A new family name moves the youth to another rank: the words move with it.
    caseload.update_youth(admin, youth.id, {"legal_name": {"given": "Ana", "family": "Zzdemo"},
                                            "aliases": [{"name": "K9 Ace", "kind": "moniker"}]})
    assert _rows(admin, youth.id) == {"jv255"}  # "k9" is two characters
    assert [s.id for s in caseload.search(admin, "zzdemo jv25")] == [youth.id]

    # Sealed: out of the vault's own index, words holding a digit included.
    caseload.update_youth(admin, youth.id, {"sealed": True})
    assert _all(admin) == []
    assert [s.id for s in caseload.search(admin, "jv-25-5")] == [youth.id]  # from the sealed index
    caseload.update_youth(admin, youth.id, {"sealed": False})
    assert _rows(admin, youth.id) == {"jv255"}

    other = caseload.create_youth(admin, youth_data(identifiers={"juvenile_case_number": "JV-25-512"}))
    assert {s.id for s in caseload.search(admin, "jv-25-5")} == {youth.id, other.id}
    caseload.delete_youth(admin, youth.id)
    assert [term for term, _rank in _all(admin)] == ["512", "jv25512"]
    assert [s.id for s in caseload.search(admin, "jv-25-5")] == [other.id]
    admin.lock("test")


def test_a_youth_written_in_a_rolled_back_transaction_leaves_no_row(admin: Vault) -> None:
    db = admin.require_db()
    try:
        with db.transaction():
            caseload.create_youth(admin, youth_data())
            assert caseload.search(admin, "jv-24-0012")  # written for the search inside it
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert _all(admin) == []


def test_an_older_vault_gets_the_table_filled_on_upgrade(made: tuple[Vault, str], vault_dir: Path) -> None:
    vault, _secret = made
    for n in range(30):
        caseload.create_youth(vault, youth_data(
            legal_name={"given": f"Demo{'abcdefghij'[n % 10]}", "family": "Sampleton"},
            identifiers={"juvenile_case_number": f"JV-26-{100000 + n}"}))
    # Digits other than 0-9 stay with the full-text index alone, in both ways of filling the table.
    odd = caseload.create_youth(vault, youth_data(identifiers={
        "juvenile_case_number": "JV-２６-١٢٣", "probation_number": "Ñ-2024.7",
        "cws_cms_client_id": "示例12"}))
    gone = caseload.create_youth(vault, youth_data(identifiers={"juvenile_case_number": "JV-26-999999"}))
    caseload.delete_youth(vault, gone.id)
    fresh = _all(vault)
    assert len(fresh) == 60 + 3  # "2024", "n20247" (its number without punctuation), "示例12"
    assert _rows(vault, odd.id) == {"2024", "n20247", "示例12"}
    db = vault.require_db()
    db.execute("DROP TABLE youth_numbers")  # schema 16 had none
    db.execute("PRAGMA user_version = 16")
    vault.close()
    again = Vault.unlock(vault_dir, "admin", ADMIN_PASS)
    try:
        assert _all(again) == fresh
        assert len(caseload.search(again, "jv-26-10001")) == 10
        assert [s.id for s in caseload.search(again, "JV-２６-١٢")] == [odd.id]  # the full-text index
        assert [s.id for s in caseload.search(again, "N-2024")] == [odd.id]
    finally:
        again.close()
