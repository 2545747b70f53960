"""A vault saved by the first schema opens, upgrades in place and keeps its records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csec_desktop import caseload
from csec_desktop.domain.kinds import model_for
from csec_desktop.domain.youth import Youth
from csec_desktop.storage.database import Database
from csec_desktop.storage.schema import SCHEMA_VERSION, schema_version
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, youth_data

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "vaults" / "schema1"


def test_schema1_vault_upgrades(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    shutil.copytree(FIXTURE, folder)
    vault = Vault.unlock(folder, "admin", "schema one fixture passphrase")
    db = vault.require_db()
    assert schema_version(db) == SCHEMA_VERSION >= 2
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'drafts'") == 1
    _changes_check_is_cheap_and_still_holds(db)
    [found] = caseload.search(vault, "neli sparrow")
    assert found.legal_name == "Ñeli Fixturedemo"
    assert vault.verify_audit().ok
    # Schema 15: the expression indexes the caseload no longer read are gone; the old history
    # rows keep their full form beside new short ones, and both still verify.
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('youth_worker', 'youth_unit')") == 0
    # Schema 16: the index of the history's stamps is there (the step that dropped it was withdrawn);
    # schema 20: of their time and counter only.
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'changes_stamp_time'") == 1
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'changes_hlc'") == 0
    caseload.create_youth(vault, youth_data())
    forms = {r[0] for r in db.query("SELECT substr(fields, 1, 1) FROM changes_full WHERE op = 'create'")}
    assert forms == {"{", "["}
    # Schema 18: the new create's row holds nothing of its own (the view above reads its body in).
    kept = {r[0] for r in db.query("SELECT substr(fields, 1, 1) FROM changes WHERE op = 'create'")}
    assert kept == {"{", ""}
    # Schema 19: a youth's records are found by owner through an index, not by reading them all.
    youth_id = db.scalar("SELECT id FROM records WHERE kind = 'youth' LIMIT 1")
    plan = " ".join(str(r[3]) for r in db.query(
        "EXPLAIN QUERY PLAN SELECT id FROM records WHERE owner_id = ? AND deleted = 0", (youth_id,)))
    assert "USING INDEX records_owner" in plan, plan
    assert vault.verify_audit().ok
    assert db.integrity_problems() == []
    vault.close()
    secret = (folder / "RECOVERY-KEY.txt").read_text().strip()
    assert len(Vault.recovery_key_to_dek(folder, secret)) == 32


def _changes_check_is_cheap_and_still_holds(db: Database) -> None:
    """Schema 8: the history's CHECK on `op` no longer builds a temporary b-tree per INSERT (each
    allocation of which is mlocked under memory security), and still refuses a bad value."""
    insert = ("INSERT INTO changes (op_id, record_id, kind, owner_id, op, fields, hlc, user, device, at, "
              "pushed) VALUES (?,?,?,?,?,?,?,?,?,?,0)")
    plan = [row[1] for row in db.query("EXPLAIN " + insert, (None,) * 10)]
    assert "OpenEphemeral" not in plan
    record = db.scalar("SELECT id FROM records LIMIT 1")
    with pytest.raises(Exception, match="CHECK constraint failed"), db.transaction():
        db.execute(insert, ("op-x", record, "youth", record, "rename", "{}", "0", "u", "d", "t"))


def test_a_new_vault_has_the_cheap_check(admin: Vault) -> None:
    caseload.create_youth(admin, youth_data())
    _changes_check_is_cheap_and_still_holds(admin.require_db())
    assert admin.require_db().integrity_problems() == []


def test_a_vault_that_dropped_the_stamps_index_gets_it_back(made: tuple[Vault, str], vault_dir: Path) -> None:
    # Schema 16 as first committed (withdrawn): no index of the history's stamps, the newest in meta.
    vault, _secret = made
    caseload.create_youth(vault, youth_data())
    db = vault.require_db()
    db.execute("DROP INDEX changes_stamp_time")
    db.execute("INSERT INTO meta (key, value) VALUES ('clock.newest', '9999999999999-00000-x')")
    db.execute("PRAGMA user_version = 15")
    vault.close()
    again = Vault.unlock(vault_dir, "admin", ADMIN_PASS)
    try:
        db = again.require_db()
        assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'changes_stamp_time'") == 1
        assert db.scalar("SELECT count(*) FROM meta WHERE key = 'clock.newest'") == 0
    finally:
        again.close()


def test_names_kept_casefolded_by_schema_20_are_kept_accents_aside(admin: Vault, vault_dir: Path) -> None:
    """Schema 21: a vault whose names were kept casefolded (accents and all, so Álvarez came after
    Zamora) keeps them accents aside; their ranks and search rows move with them."""
    from csec_desktop.domain.youth import Youth
    from csec_desktop.storage import name_order
    from csec_desktop.text import folded

    for given, family in (("Ángel", "Álvarez"), ("Fictiona", "Zamora"), ("Fictiona", "Ames"),
                          ("Eña", "Ñúñez")):
        number = f"JV-26-{len(family)}77"
        caseload.create_youth(admin, youth_data(legal_name={"given": given, "family": family},
                                                identifiers={"juvenile_case_number": number}))
    db = admin.require_db()
    with db.transaction():  # as schema 20 kept them: casefolded only, ranked and indexed so
        for rowid, rank, body in db.query("SELECT f.rowid, f.rank, r.body FROM youth_fields f JOIN records r "
                                          "ON r.rowid = f.rowid"):
            youth = Youth.model_validate_json(body)
            family, given = youth.legal_name.family.casefold(), youth.legal_name.given.casefold()
            old = name_order.rank(family, given, rowid)
            db.execute("UPDATE youth_fields SET family = ?, given = ?, rank = ? WHERE rowid = ?",
                       (family, given, old, rowid))
            db.execute("DELETE FROM youth_search WHERE rowid = ?", (rank,))
            db.execute("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)",
                       (old, " ".join(youth.search_terms())))
            db.execute("UPDATE youth_numbers SET rank = ? WHERE rank = ?", (old, rank))
        db.execute("PRAGMA user_version = 20")
    _total, rows, _next = caseload.page(admin, order="name")
    assert [r.legal_name for r in rows][-1] == "Eña Ñúñez"  # the old order, as found
    admin.close()
    again = Vault.unlock(vault_dir, "admin", ADMIN_PASS)
    try:
        db = again.require_db()
        assert schema_version(db) == SCHEMA_VERSION
        _total, rows, _next = caseload.page(again, order="name")
        assert [r.legal_name for r in rows] == ["Ángel Álvarez", "Fictiona Ames", "Eña Ñúñez",
                                                "Fictiona Zamora"]
        for rowid, family, given, rank in db.query("SELECT rowid, family, given, rank FROM youth_fields"):
            assert (family, given) == (folded(family), folded(given)) and family.isascii()
            assert rank == name_order.rank(family, given, rowid)
        for text in ("alvarez", "Ángel Álv", "ñúñez", "jv-26-777", "JV26577", "ames"):
            assert len(caseload.search(again, text)) == 1, text
        assert len(caseload.search(again, "fictiona")) == 2
        assert db.integrity_problems() == []
    finally:
        again.close()


def test_schema_23_makes_the_court_case_numbers_of_counts_searchable(admin: Vault, vault_dir: Path) -> None:
    """Schema 23: a youth's counts' and petitions' court case numbers are found by a caseload
    search; a vault from before has the youth with any indexed again."""
    youth = caseload.create_youth(admin, youth_data()).id
    other = caseload.create_youth(admin, youth_data(legal_name={"given": "Rae", "family": "Fictorra"})).id
    db = admin.require_db()
    for owner, number in ((youth, "21CR-004455"), (other, "")):
        admin.records.create(model_for("criminal_count").parse(
            {"youth_id": owner, "count_kind": "arrest", "section": "484", "case_number": number or None}))
    with db.transaction():  # as a vault before schema 23 held them: the count not in the index
        for rank, body in db.query("SELECT f.rank, r.body FROM youth_fields f JOIN records r "
                                   "ON r.rowid = f.rowid WHERE f.rank IS NOT NULL"):
            db.execute("DELETE FROM youth_search WHERE rowid = ?", (rank,))
            db.execute("INSERT INTO youth_search (rowid, terms) VALUES (?, ?)",
                       (rank, " ".join(Youth.model_validate_json(body).search_terms())))
        db.execute("DELETE FROM youth_numbers WHERE term IN ('21cr', '004455', '21cr004455')")
        db.execute("PRAGMA user_version = 22")
    assert caseload.search(admin, "21CR-004455") == []
    admin.close()
    again = Vault.unlock(vault_dir, "admin", ADMIN_PASS)
    try:
        assert schema_version(again.require_db()) == SCHEMA_VERSION
        for text in ("21CR-004455", "21cr", "0044"):
            assert [s.id for s in caseload.search(again, text)] == [youth], text
        assert again.require_db().integrity_problems() == []
    finally:
        again.close()
