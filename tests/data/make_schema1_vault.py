"""Regenerates tests/data/vaults/schema1: a vault as release 0.1.0's first schema wrote it.

Kept only to document how the fixture was made; the committed files are the fixture.
Run: python -m tests.data.make_schema1_vault
"""

from __future__ import annotations

import shutil
from pathlib import Path

from csec_desktop import caseload
from csec_desktop.storage import schema
from csec_desktop.storage import vault as vault_module
from csec_desktop.storage.vault import Vault

PASS = "schema one fixture passphrase"
TARGET = Path(__file__).parent / "vaults" / "schema1"


def main() -> None:
    shutil.rmtree(TARGET, ignore_errors=True)
    original = vault_module.migrate
    vault_module.migrate = lambda db, target=1: schema.migrate(db, 1)  # type: ignore[assignment]
    try:
        vault, secret = Vault.create(TARGET, county="Demo County", admin="admin", passphrase=PASS)
        caseload.create_youth(vault, {
            "legal_name": {"given": "Ñeli", "family": "Fixturedemo"}, "date_of_birth": "2012-06-30",
            "county": "Demo County", "aliases": [{"name": "Sparrow", "kind": "moniker"}],
            "identifiers": {"juvenile_case_number": "JV-21-000001"},
        })
        assert schema.schema_version(vault.require_db()) == 1
        vault.close()
    finally:
        vault_module.migrate = original
    (TARGET / "access.json").unlink(missing_ok=True)
    (TARGET / "RECOVERY-KEY.txt").write_text(secret + "\n")


if __name__ == "__main__":
    main()
