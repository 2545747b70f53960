"""An implementation of the SQLCipher 4 format that this project did not write
(SQLite3 Multiple Ciphers, via apsw-sqlite3mc) opens the vault with the key from
`csec recovery raw-key` and reads the same records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import apsw
import pytest

from csec_desktop import caseload
from csec_desktop.storage.vault import Vault
from tests.conftest import youth_data


def test_apsw_sqlite3mc_reads_the_vault(made: tuple[Vault, str], vault_dir: Path) -> None:
    vault, secret = made
    record = caseload.create_youth(vault, youth_data())
    ours = vault.require_db().query("SELECT id, body FROM records ORDER BY id")
    db_file = vault.require_db().path
    vault.close()
    assert db_file.read_bytes()[:16] != b"SQLite format 3\x00"

    out = subprocess.run(
        [sys.executable, "-m", "csec_desktop.cli", "--vault", str(vault_dir), "recovery",
         "raw-key", "--recovery-key-stdin"], input=secret + "\n", capture_output=True, text=True,
        check=True)
    key = out.stdout.strip()
    conn = apsw.Connection(str(db_file))
    conn.execute("PRAGMA cipher = 'sqlcipher'")
    conn.execute("PRAGMA legacy = 4")
    conn.execute(f"PRAGMA key = \"x'{key}'\"")
    theirs = list(conn.execute("SELECT id, body FROM records ORDER BY id"))
    conn.close()
    assert [tuple(r) for r in theirs] == ours
    assert any(r[0] == record.id for r in theirs)

    wrong = apsw.Connection(str(db_file))
    wrong.execute("PRAGMA cipher = 'sqlcipher'")
    wrong.execute("PRAGMA legacy = 4")
    wrong.execute("PRAGMA key = \"x'" + "00" * 32 + "'\"")
    with pytest.raises(apsw.NotADBError):
        list(wrong.execute("SELECT count(*) FROM records"))
