"""Opening the vault, for the window's unlock page.

Light on purpose: the window imports it before the rest of the app has loaded (it paints the
unlock page first: ui/main_window.py), so the vault's own module is loaded only when a vault is
opened. The key a passphrase derives can be started ahead (`KeyAhead`, storage/keys.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from csec_desktop.storage.keys import KeyAhead, vault_exists

if TYPE_CHECKING:
    from csec_desktop.storage.vault import Vault

__all__ = ["KeyAhead", "open_vault", "preload", "vault_exists"]


def preload() -> None:
    """Load, on the calling thread, every module `open_vault` and the session's first questions
    (the idle lock, the offline limit) use. The window opens the vault on its vault thread while it
    goes on loading its own pages' modules: two threads importing at once can each wait for a
    module the other has half loaded, and CPython then fails one of them ("deadlock detected").
    After this, opening a vault imports nothing (tests/core/test_unlock_imports.py)."""
    from cryptography.hazmat.backends import default_backend

    import csec_desktop.policy
    import csec_desktop.storage.vault
    import csec_desktop.sync.local
    import csec_desktop.usecases.session  # noqa: F401

    default_backend()  # loaded by cryptography when a key is first read from bytes
    if sys.platform == "win32":
        import msvcrt  # noqa: F401  (fileio.exclusive_lock)
    else:
        import fcntl  # noqa: F401


def open_vault(folder: Path, user: str, passphrase: str, ahead: KeyAhead | None = None,
               checking: Callable[[str], None] | None = None) -> Vault:
    """The vault opened as this person. `ahead`, their key being derived, is wiped after, whether
    the vault opened or not. `checking`: told (on this thread) before work that takes seconds on
    a large vault: a schema upgrade, or the check after a session that did not end with a lock
    (Vault.unlock)."""
    from csec_desktop.storage.vault import Vault

    if ahead is None:
        return Vault.unlock(folder, user, passphrase, checking=checking)
    with ahead:
        return Vault.unlock(folder, user, passphrase, ahead=ahead, checking=checking)
