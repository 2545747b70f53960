"""The database layer: the key never as text, and storage problems named for what they are.

A full disk and a read-only vault are produced by the engine itself (`PRAGMA max_page_count`,
`PRAGMA query_only`), not by a mock, so the mapping is tested against what SQLCipher says."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3

from csec_desktop import caseload, cli
from csec_desktop.errors import (
    DiskFull,
    ReadOnlyVault,
    StorageProblem,
    VaultUnreachable,
    storage_problem,
)
from csec_desktop.storage import database
from csec_desktop.storage.database import Database, raw_key_spec
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS

KEY = bytes(range(32))
YOUTH = {"legal_name": {"given": "Quilla", "family": "Fictionalson"}, "date_of_birth": "2011-02-03",
         "county": "Demo County"}
NOTE = {"occurred_at": "2026-11-01T10:00:00+00:00", "text": "A fictional visit. " * 1000}


def test_the_raw_key_spec_is_sqlcipher_s_form_built_as_bytes() -> None:
    spec = raw_key_spec(KEY)
    assert isinstance(spec, bytearray)
    assert bytes(spec) == b"x'" + KEY.hex().encode() + b"'"
    with pytest.raises(ValueError):
        raw_key_spec(KEY[:31])


def test_open_keys_through_a_bytearray_it_wipes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[bytearray] = []

    def spy(key: bytes | bytearray) -> bytearray:
        made.append(raw_key_spec(key))
        return made[-1]

    monkeypatch.setattr(database, "raw_key_spec", spy)
    db = Database.open(tmp_path / "a.db", KEY, create=True)
    db.execute("CREATE TABLE t (x)")
    db.export_to(tmp_path / "b.db", KEY)
    db.close()
    assert len(made) == 2
    assert all(spec == bytearray(len(spec)) for spec in made)  # wiped once used


def test_files_keyed_the_old_way_and_the_new_way_open_each_other(tmp_path: Path) -> None:
    """set_key(x'..') is the same raw key as `PRAGMA key = "x'..'"`: old vaults still open."""
    old = sqlcipher3.connect(str(tmp_path / "old.db"), isolation_level=None)
    old.execute(f"PRAGMA key = \"x'{KEY.hex()}'\"")
    old.execute("CREATE TABLE t (x)")
    old.execute("INSERT INTO t VALUES (7)")
    old.close()
    db = Database.open(tmp_path / "old.db", KEY)
    assert db.scalar("SELECT x FROM t") == 7
    db.export_to(tmp_path / "copy.db", KEY)
    db.close()
    again = sqlcipher3.connect(str(tmp_path / "copy.db"), isolation_level=None)
    again.execute(f"PRAGMA key = \"x'{KEY.hex()}'\"")
    assert again.execute("SELECT x FROM t").fetchall() == [(7,)]
    again.close()


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    made, _ = Vault.create(tmp_path / "vault", county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    yield made
    made.close()


def _fill_the_disk(vault: Vault) -> None:
    """The engine's own limit: past it SQLite answers SQLITE_FULL, as on a full disk."""
    db = vault.require_db()
    db.scalar("PRAGMA wal_checkpoint(TRUNCATE)")
    db.scalar(f"PRAGMA max_page_count = {int(db.scalar('PRAGMA page_count'))}")


def test_a_full_disk_is_said_to_be_full_and_nothing_is_lost(vault: Vault) -> None:
    kept = caseload.create_youth(vault, YOUTH)
    _fill_the_disk(vault)
    with pytest.raises(DiskFull) as raised:
        caseload.add_attached(vault, kept.id, "case_note", NOTE)
    message = str(raised.value)
    assert "full" in message and "Free some space" in message
    assert "Nothing of the last change was saved" in message
    assert "damaged" not in message.replace("not damaged", "") and "Restore it" not in message
    # What was saved before is there, and once there is room again the same change succeeds.
    assert caseload.get_youth(vault, kept.id).id == kept.id
    assert caseload.attached(vault, kept.id, "case_note") == []
    vault.require_db().scalar("PRAGMA max_page_count = 1073741823")
    caseload.add_attached(vault, kept.id, "case_note", NOTE)


def _fill_pages(vault: Vault) -> None:
    for _ in range(200):  # fill the last pages with audit entries until the engine refuses one
        try:
            vault.audit("filler", detail="x" * 2000)
        except DiskFull:
            return
    pytest.fail("the engine never reported the disk full")


def test_lock_on_a_full_disk_still_locks(vault: Vault) -> None:
    caseload.create_youth(vault, YOUTH)
    _fill_the_disk(vault)
    _fill_pages(vault)
    vault.lock()
    assert not vault.is_open and bytes(vault._dek) == bytes(32)


def test_a_read_only_vault_is_said_to_be_read_only(vault: Vault) -> None:
    vault.require_db().scalar("PRAGMA query_only = ON")  # the engine answers SQLITE_READONLY
    with pytest.raises(ReadOnlyVault) as raised:
        caseload.create_youth(vault, YOUTH)
    assert "read-only" in str(raised.value) and "permissions" in str(raised.value)
    assert "Restore" not in str(raised.value)


def test_a_file_that_cannot_be_opened_is_not_called_damaged(tmp_path: Path) -> None:
    with pytest.raises(sqlcipher3.OperationalError) as raised:
        sqlcipher3.connect(str(tmp_path / "no such folder" / "vault-1.db"))
    assert isinstance(database._named(raised.value), VaultUnreachable)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through a read-only folder's mode")
def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ReadOnlyVault):
            Database.open(folder / "vault-1.db", KEY, create=True)
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(("code", "kind"), [
    (errno.ENOSPC, DiskFull), (errno.EDQUOT, DiskFull), (errno.EROFS, ReadOnlyVault),
    (errno.EACCES, ReadOnlyVault), (errno.EIO, VaultUnreachable)])
def test_os_errors_of_the_disk_are_named(code: int, kind: type[StorageProblem]) -> None:
    named = storage_problem(OSError(code, os.strerror(code)))
    assert isinstance(named, kind) and "Nothing of the last change was saved" in str(named)
    assert storage_problem(OSError(errno.EINVAL, "bad")) is None


def test_csec_says_read_only_with_its_own_exit_code(vault: Vault, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = vault.folder
    vault.close()
    opened = Database.open

    def full(path: Path, key: bytes | bytearray, *, create: bool = False) -> Database:
        db = opened(path, key, create=create)
        db.scalar("PRAGMA query_only = ON")  # the engine refuses every write: SQLITE_READONLY
        return db

    monkeypatch.setattr(Database, "open", staticmethod(full))
    youth = folder.parent / "youth.json"
    youth.write_text('{"legal_name": {"given": "Quilla", "family": "Fictionalson"}, '
                     '"date_of_birth": "2011-02-03", "county": "Demo County"}')
    code = cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin",
                     "youth", "add", str(youth)], stdin=io.StringIO(ADMIN_PASS + "\n"),
                    stdout=io.StringIO())
    err = capsys.readouterr().err
    assert code == cli.EXIT_STORAGE, err
    assert "read-only" in err and "permissions" in err and "damaged" not in err


def test_full_check_finds_a_flipped_page_without_raising(vault: Vault) -> None:
    for i in range(40):
        caseload.create_youth(vault, {**YOUTH, "preferred_name": f"Fictional {i}"})
    db = vault.require_db()
    assert db.full_check() == [] and db.quick_check() == []
    path, dek = db.path, bytes(vault._dek)
    vault.close()
    data = bytearray(path.read_bytes())
    data[4096 * 3 + 100] ^= 0xFF  # a byte in the middle of the fourth page
    path.write_bytes(bytes(data))
    damaged = Database.open(path, dek)
    try:
        problems = damaged.full_check()
    finally:
        damaged.close()
    assert problems and any("page" in p or "damaged" in p or "authentication" in p for p in problems)


def test_the_engine_keeps_statements_off_mlock_and_memory_security_holds(tmp_path: Path) -> None:
    """The app's first import of SQLCipher enlarges the lookaside buffer (engine.py); with memory
    security on, a vault connection's INSERT otherwise cost 5-10x more in mlock/munlock calls.
    In a fresh process, as the app starts: the setting took, and the vault still asserts memory
    security, still refuses a wrong key and still reads with the right one."""
    script = f"""
import os, sys
from pathlib import Path
from csec_desktop.storage.database import Database
from csec_desktop.storage import engine
from csec_desktop.errors import CorruptVault
assert engine.LOOKASIDE_ENLARGED, "lookaside not enlarged"
key = bytearray(b"k" * 32)
db = Database.open(Path({str(tmp_path / "v.db")!r}), bytearray(key), create=True)
assert str(db.scalar("PRAGMA cipher_memory_security")) == "1"
db.execute("CREATE TABLE t (x TEXT)")
db.execute("INSERT INTO t VALUES ('fictional')")
db.close()
try:
    Database.open(Path({str(tmp_path / "v.db")!r}), bytearray(b"w" * 32))
    sys.exit("a wrong key opened the vault")
except CorruptVault:
    pass
db = Database.open(Path({str(tmp_path / "v.db")!r}), bytearray(key))
assert db.scalar("SELECT x FROM t") == "fictional"
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
