"""The desktop's side of sync at rest and on the clock (issue 21): a wipe leaves nothing of the
vault behind, and setting the computer's clock back does not undo the offline lock."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from csec_desktop.clock import utc_iso
from csec_desktop.ids import new_id
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P

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
    assert sorted(p.name for p in folder.iterdir()) == [local.ERASED_NOTE]  # when, and why: no one's data
    assert local.erased_at(folder)
    local.forget_erased(folder)
    assert local.erased_at(folder) is None


def test_a_wipe_leaves_other_files_in_the_folder_alone(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    vault, _ = Vault.create(folder, county="Fictional County", admin="ana", passphrase=PASS)
    vault.close()
    (folder / "notes.txt").write_text("not the vault's")
    local.wipe(folder)
    assert sorted(p.name for p in folder.iterdir()) == [local.ERASED_NOTE, "notes.txt"]


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def _enrolled(tmp_path: Path, clock: Clock) -> Vault:
    vault, _ = Vault.create(tmp_path / "v", county="Fictional County", admin="ana", passphrase=PASS,
                            wall=clock)
    granted = P.Enrollment(device_id=new_id(), secret="fictional-secret", county="Fictional County",
                           username="ana", role="administrator", max_offline_days=14,
                           server_time=utc_iso(time.time()))
    local.save_enrolment(vault, "http://127.0.0.1:8443", "", granted)
    return vault


def test_setting_the_clock_back_does_not_add_offline_days(tmp_path: Path) -> None:
    """Issue 21: setting the laptop's clock back undid the 14-day offline lock (it then showed 379
    days left). The count runs from a clock no earlier than the newest time the device has seen."""
    clock = Clock()
    vault = _enrolled(tmp_path, clock)
    local.note_contact(vault, 14, server_time=utc_iso(time.time()))
    clock.offset = 10 * 86400
    assert 3.9 < local.status(vault).days_left < 4.1  # type: ignore[operator]
    clock.offset = -365 * 86400  # the clock set back a year
    days = local.offline_days(vault)
    assert days is not None and 0 <= days < 0.01
    left = local.status(vault).days_left
    assert left is not None and left <= 14, left  # was 379
    vault.close()


def test_a_hub_clock_ahead_of_the_device_is_the_newest_time_seen(tmp_path: Path) -> None:
    """At contact the hub said a time 20 days after this device's clock (the clock is behind, or was
    set back before the contact): the count starts from the hub's time, so the device is neither
    locked at once nor given days while its clock stands behind; the lock comes 14 days after the
    newest time seen."""
    clock = Clock()
    vault = _enrolled(tmp_path, clock)
    clock.offset = -365 * 86400
    hub_time = time.time() - 345 * 86400
    local.note_contact(vault, 14, server_time=utc_iso(hub_time))
    assert local.offline_days(vault) == pytest.approx(0, abs=0.01)
    assert not local.is_locked(vault)
    local.note_contact(vault, 14, server_time=utc_iso(time.time() - 380 * 86400))  # older: ignored
    assert local.offline_days(vault) == pytest.approx(0, abs=0.01)
    clock.offset = -345 * 86400 + 13.9 * 86400
    assert not local.is_locked(vault)
    clock.offset = -345 * 86400 + 14.1 * 86400
    assert local.is_locked(vault)
    vault.close()


def test_the_lock_still_comes_after_the_limit_by_the_clock(tmp_path: Path) -> None:
    clock = Clock()
    vault = _enrolled(tmp_path, clock)
    local.note_contact(vault, 14, server_time=utc_iso(time.time()))
    clock.offset = 13.9 * 86400
    assert not local.is_locked(vault)
    clock.offset = 14.1 * 86400
    assert local.is_locked(vault)
    vault.close()


def test_a_laptop_used_past_its_limit_stays_locked_when_its_clock_is_set_back(tmp_path: Path) -> None:
    """Issue 21: the last gap of the clock set back. Used (and audited) 20 days after its last
    contact, then set back to the day after that contact: it stays locked."""
    clock = Clock()
    vault = _enrolled(tmp_path, clock)
    local.note_contact(vault, 14, server_time=utc_iso(time.time()))
    clock.offset = 20 * 86400
    vault.audit("note")  # the laptop in use, 20 days on
    assert local.is_locked(vault)
    clock.offset = 1 * 86400  # set back to the day after the contact
    assert local.is_locked(vault)
    vault.close()
