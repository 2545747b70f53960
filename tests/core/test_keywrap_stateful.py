"""Hypothesis state machine over the key file: whatever the sequence of people changes,
every current user and the recovery key open the vault, and no removed user does."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from csec_desktop.errors import CorruptVault, WrongPassphrase
from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, FakeClock

NAMES = [f"user{i}" for i in range(6)]


class KeyWraps(RuleBasedStateMachine):
    @initialize()
    def make(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="csec-kw-"))
        self.folder = self.root / "v"
        self.clock = FakeClock(1_800_000_000.0)
        self.vault, self.secret = Vault.create(self.folder, county="Demo County", admin="admin",
                                               passphrase=ADMIN_PASS, wall=self.clock)
        self.current: dict[str, str] = {"admin": ADMIN_PASS}
        self.removed_with_rotation: dict[str, tuple[K.KeyFile, str]] = {}
        self.counter = 0

    def teardown(self) -> None:
        try:
            for user, passphrase in self.current.items():
                Vault.unlock(self.folder, user, passphrase, wall=self.clock).close()
            current_file = K.KeyFile.load(self.folder)
            for user, (stolen, passphrase) in self.removed_with_rotation.items():
                try:
                    Vault.unlock(self.folder, user, passphrase, wall=self.clock).close()
                    raise AssertionError(f"removed user {user} could still unlock")
                except WrongPassphrase:
                    pass
                old_dek, _ = stolen.unlock_user(user, passphrase)
                try:
                    Database.open(self.folder / current_file.db_name(), old_dek).close()
                    raise AssertionError(f"{user}'s old key opens the current database")
                except CorruptVault:
                    pass
        finally:
            self.vault.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def _fresh_passphrase(self) -> str:
        self.counter += 1
        return f"fictional passphrase number {self.counter}"

    @rule(name=st.sampled_from(NAMES), role=st.sampled_from(["caseworker", "supervisor", "attorney"]))
    def add(self, name: str, role: str) -> None:
        if name in self.current or name in self.removed_with_rotation:
            return
        passphrase = self._fresh_passphrase()
        self.vault.add_user(name, role=role, passphrase=passphrase)
        self.current[name] = passphrase

    @precondition(lambda self: len(self.current) > 1)
    @rule(data=st.data(), for_cause=st.booleans())
    def remove(self, data: st.DataObject, for_cause: bool) -> None:
        name = data.draw(st.sampled_from(sorted(set(self.current) - {"admin"})))
        stolen = K.KeyFile.load(self.folder)
        self.vault.remove_user(name, for_cause=for_cause)
        passphrase = self.current.pop(name)
        if for_cause:
            self.removed_with_rotation[name] = (stolen, passphrase)

    @rule(data=st.data())
    def change_passphrase(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.current)))
        new = self._fresh_passphrase()
        session = self.vault if name == "admin" else Vault.unlock(
            self.folder, name, self.current[name], wall=self.clock)
        session.change_passphrase(self.current[name], new)
        if session is not self.vault:
            session.close()
        self.current[name] = new

    @rule()
    def rotate(self) -> None:
        self.vault.rotate_data_key()

    @invariant()
    def recovery_opens_the_current_database(self) -> None:
        if not hasattr(self, "vault"):
            return
        dek = Vault.recovery_key_to_dek(self.folder, self.secret)
        assert dek == bytes(self.vault._dek)


KeyWraps.TestCase.settings = settings(max_examples=12, stateful_step_count=8, deadline=None)
test_key_wraps = KeyWraps.TestCase
