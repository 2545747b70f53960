"""Shared fixtures. Every name here is fictional."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from csec_desktop.storage.vault import Vault

ADMIN_PASS = "fictional admin passphrase"
WORKER_PASS = "fictional worker passphrase"


class FakeClock:
    def __init__(self, start: float | None = None) -> None:
        self.now = start if start is not None else time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def made(vault_dir: Path, clock: FakeClock) -> Iterator[tuple[Vault, str]]:
    vault, secret = Vault.create(vault_dir, county="Demo County", admin="admin",
                                 passphrase=ADMIN_PASS, wall=clock)
    yield vault, secret
    vault.close()


@pytest.fixture
def admin(made: tuple[Vault, str]) -> Vault:
    return made[0]


def youth_data(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": {"given": "José", "family": "Sampleton"},
        "date_of_birth": "2010-04-02",
        "county": "Demo County",
        "aliases": [{"name": "Sparrow", "kind": "moniker"}],
        "identifiers": {"juvenile_case_number": "JV-24-001234"},
        "legal_status": [{"status": "dependent", "start": "2023-01-05"}],
        "assigned_worker": "casey",
        "unit": "Unit A",
    }
    data.update(over)
    return data
