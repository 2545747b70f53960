"""SECURITY.md test 16 (core part): a canary planted in records appears in the clear in no
file: not in the vault folder (database, WAL, key file), not in the backup, not in the
temporary or home directory the process used."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest


def _hits(root: Path, needles: list[bytes], newer_than: float | None = None) -> list[str]:
    found = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            try:
                if newer_than is not None and path.stat().st_mtime < newer_than:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if any(n in data for n in needles) or any(n in name.encode() for n in needles[:1]):
                found.append(str(path))
    return found


@pytest.mark.slow
def test_canary_never_in_the_clear(tmp_path: Path) -> None:
    canary = "CNRY" + secrets.token_hex(8).upper()
    needles = [canary.encode(), canary.encode("utf-16-le"), canary.lower().encode()]
    home, tmp, vault = tmp_path / "home", tmp_path / "tmp", tmp_path / "vault"
    home.mkdir()
    tmp.mkdir()
    backup = tmp_path / "exports" / "vault.csecbak"
    backup.parent.mkdir()
    started = time.time() - 1
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp),
           "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache")}
    out = subprocess.run(
        [sys.executable, "-m", "tests.integration.canary_session", str(vault), str(backup), canary],
        env=env, capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "done"
    assert canary not in out.stderr
    assert sorted(p.name for p in vault.iterdir()) == ["access.json", "keys.json", "keys.lock", "vault-2.db"]
    hits = (_hits(vault, needles) + _hits(home, needles) + _hits(tmp, needles)
            + _hits(backup.parent, needles)
            + _hits(Path(tempfile.gettempdir()), needles, newer_than=started))
    assert hits == []
