"""Fixtures the core tests share beyond the project's own (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csec_desktop.storage.vault import Vault
from tests.core import vacatur_fixtures as fx


@pytest.fixture
def attorney(admin: Vault) -> Iterator[Vault]:
    """The attorney's own vault (unlocked as "alex"), beside the administrator's."""
    vault = fx.attorney_of(admin)
    try:
        yield vault
    finally:
        vault.close()
