"""Where things live. Everything is overridable so tests and the CLI can point elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def resource_root() -> Path:
    """forms/ and assets/ live here (inside the bundle when frozen by PyInstaller)."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else PROJECT_ROOT


def default_vault_dir() -> Path:
    """A per-user, non-roaming folder (never a synced or roaming profile)."""
    override = os.environ.get("CSEC_VAULT_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "CSEC Desktop" / "vault"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "csec-desktop" / "vault"


def demo_vault_dir() -> Path:
    # "demo-county" since the demo has a person per role; an older "demo-vault" folder is left alone.
    return default_vault_dir().parent / "demo-county"
