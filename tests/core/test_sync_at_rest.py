"""The desktop's side of sync at rest and on the clock (issue 21): a wipe leaves nothing of the
vault behind, and setting the computer's clock back does not undo the offline lock."""

from __future__ import annotations

from pathlib import Path

from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local

PASS = "correct horse battery staple 1"


def test_a_wipe_removes_the_key_files_lock_too(tmp_path: Path) -> None:
    """Issue 21: `keys.lock` was left in the folder after a revoked device's vault was erased."""
    folder = tmp_path / "v"
    vault, _ = Vault.create(folder, county="Fictional County", admin="ana", passphrase=PASS)
    vault.add_user("cw.north", role="caseworker", passphrase=PASS + " north", unit="north")
    vault.close()
    assert (folder / "keys.lock").exists()  # written when the key file was edited
    removed = local.wipe(folder)
    assert "keys.lock" in removed
    assert not folder.exists()


def test_a_wipe_leaves_other_files_in_the_folder_alone(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    vault, _ = Vault.create(folder, county="Fictional County", admin="ana", passphrase=PASS)
    vault.close()
    (folder / "notes.txt").write_text("not the vault's")
    local.wipe(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
