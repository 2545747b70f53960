"""Child for the canary sweep: a scripted session over records that carry a canary string.
Run as: python -m tests.integration.canary_session VAULT_DIR BACKUP_FILE CANARY"""

from __future__ import annotations

import sys
from pathlib import Path

from csec_desktop import caseload, transfer
from csec_desktop.storage.vault import Vault

PASS = "fictional canary passphrase"


def main() -> None:
    folder, backup, canary = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    vault, _ = Vault.create(folder, county="Demo County", admin="admin", passphrase=PASS)
    record = caseload.create_youth(vault, {
        "legal_name": {"given": canary, "family": "Sampleton"},
        "date_of_birth": "2011-02-03", "county": "Demo County",
        "aliases": [{"name": f"{canary} moniker", "kind": "moniker"}],
        "safety_flags": [{"person": f"{canary} exploiter (fictional)"}],
    })
    caseload.add_attached(vault, record.id, "case_note", {
        "occurred_at": "2026-11-01T10:00:00+00:00", "text": f"Visited; {canary} in the note."})
    assert caseload.search(vault, canary[:8])
    caseload.update_youth(vault, record.id, {"preferred_name": f"{canary}-pref"})
    exported = transfer.export_youth(vault, record.id, "canary test (kept in memory only)")
    assert canary in str(exported)
    caseload.delete_attached(vault, caseload.attached(vault, record.id, "case_note")[0].id)
    vault.backup(backup)
    vault.rotate_data_key("canary test")
    vault.lock()
    again = Vault.unlock(folder, "admin", PASS)
    assert caseload.get_youth(again, record.id).body.legal_name.given == canary  # type: ignore[attr-defined]
    again.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
