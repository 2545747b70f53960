"""A vault saved by the first schema opens, upgrades in place and keeps its records."""

from __future__ import annotations

import shutil
from pathlib import Path

from csec_desktop import caseload
from csec_desktop.storage.schema import SCHEMA_VERSION, schema_version
from csec_desktop.storage.vault import Vault

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "vaults" / "schema1"


def test_schema1_vault_upgrades(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    shutil.copytree(FIXTURE, folder)
    vault = Vault.unlock(folder, "admin", "schema one fixture passphrase")
    db = vault.require_db()
    assert schema_version(db) == SCHEMA_VERSION >= 2
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'drafts'") == 1
    [found] = caseload.search(vault, "neli sparrow")
    assert found.legal_name == "Ñeli Fixturedemo"
    assert vault.verify_audit().ok
    assert db.integrity_problems() == []
    vault.close()
    secret = (folder / "RECOVERY-KEY.txt").read_text().strip()
    assert len(Vault.recovery_key_to_dek(folder, secret)) == 32
