"""SECURITY.md test 5: bit flips and truncation are detected and never shown as valid data."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from csec_desktop import caseload
from csec_desktop.demo import demo_youth
from csec_desktop.errors import CorruptVault
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, FakeClock

PAGE = 4096
TRIALS = int(os.environ.get("CSEC_TAMPER_TRIALS", "100"))


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("tamper") / "vault"
    clock = FakeClock(1_800_000_000.0)
    vault, _ = Vault.create(folder, county="Demo County", admin="admin", passphrase=ADMIN_PASS,
                            wall=clock)
    with vault.require_db().transaction():
        for youth in demo_youth(150, seed=5):
            vault.records.create(youth)
    truth = {r[0]: r[1] for r in vault.require_db().query("SELECT id, body FROM records")}
    vault.close()
    return folder, truth


def _read_everything(folder: Path, truth: dict[str, str]) -> None:
    """Open and read every record; anything returned must equal the original."""
    vault = Vault.unlock(folder, "admin", ADMIN_PASS, wall=FakeClock(1_800_000_100.0))
    try:
        db = vault.require_db()
        for record_id, body in db.query("SELECT id, body FROM records"):
            assert truth.get(record_id) == body, "altered data was shown as valid"
        caseload.search(vault, "demo")
        problems = db.integrity_problems()
        if problems:
            raise CorruptVault("integrity check: " + problems[0])
    finally:
        vault.close()


def _copy(src: Path, dst: Path) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    return next(dst.glob("vault-*.db"))


@pytest.mark.slow
def test_bit_flips_are_detected(original: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, truth = original
    rng = random.Random(41)
    detected = 0
    for _ in range(TRIALS):
        db_file = _copy(folder, tmp_path / "copy")
        data = bytearray(db_file.read_bytes())
        page = rng.randrange(len(data) // PAGE)
        offset = page * PAGE + rng.randrange(PAGE)
        data[offset] ^= 1 << rng.randrange(8)
        db_file.write_bytes(bytes(data))
        try:
            _read_everything(tmp_path / "copy", truth)
        except CorruptVault as exc:
            assert "Restore it from a backup" in str(exc)
            detected += 1
    print(f"\nbit flips detected: {detected}/{TRIALS}")
    assert detected == TRIALS


@pytest.mark.slow
def test_truncation_is_detected(original: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, truth = original
    rng = random.Random(43)
    size = next(folder.glob("vault-*.db")).stat().st_size
    for _ in range(20):
        db_file = _copy(folder, tmp_path / "copy")
        cut = rng.randrange(0, size // PAGE) * PAGE
        with db_file.open("r+b") as handle:
            handle.truncate(cut)
        with pytest.raises(CorruptVault):
            _read_everything(tmp_path / "copy", truth)
