"""The window opens the vault on its vault thread while its own thread goes on loading the pages'
modules (ui/main_window.py `_unlock`). Two threads importing at once can each wait for a module the
other has half loaded, and CPython then fails one of them; so every module the opening uses is
loaded first on the window's thread (`unlock.preload`). This checks that it is every one: after
`preload`, opening the vault and asking the session's first questions import nothing, in a fresh
interpreter, for an administrator (who signs the list of people) and for a caseworker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, WORKER_PASS

OPEN_AFTER_PRELOAD = """
import sys
from pathlib import Path
from csec_desktop.usecases import unlock
folder, user, passphrase = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
ahead = unlock.KeyAhead(folder, user, passphrase)  # as the window: made on its thread, then preload
unlock.preload()
before = set(sys.modules)
vault = unlock.open_vault(folder, user, passphrase, ahead)
from csec_desktop import policy
from csec_desktop.sync import local
policy.idle_lock_minutes(vault)
local.is_locked(vault)
local.enrolment(vault)
vault.lock("test")
print(",".join(sorted(set(sys.modules) - before)))
"""


@pytest.mark.parametrize(("user", "passphrase"), [("admin", ADMIN_PASS), ("casey", WORKER_PASS)])
def test_opening_the_vault_after_preload_imports_nothing(admin_with_casey: Vault, user: str,
                                                         passphrase: str) -> None:
    folder = admin_with_casey.folder
    admin_with_casey.lock("test")
    out = subprocess.run([sys.executable, "-c", OPEN_AFTER_PRELOAD, str(folder), user, passphrase],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", f"imported while the vault opened: {out.stdout.strip()}"
