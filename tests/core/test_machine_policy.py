"""The machine's policy (county IT's file, and Group Policy's registry values on Windows) wins over
what an administrator sets in the vault, which wins over the defaults; a user can neither change it
in the app nor point the installed app at another file; a broken file stops the app clearly."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from csec_desktop import machine_policy, policy
from csec_desktop.errors import CsecError, ValidationFailed
from csec_desktop.machine_policy import MachinePolicy, PolicyFileError
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient

PASS = "fictional admin passphrase"


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    monkeypatch.setenv("CSEC_MACHINE_POLICY", str(path))
    return path


def write(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    time.sleep(0.01)  # a new modification time: the policy is read again


def test_no_file_changes_nothing(policy_file: Path, tmp_path: Path) -> None:
    assert machine_policy.load() == MachinePolicy()
    vault, _ = Vault.create(tmp_path / "v", county="Demo County", admin="admin", passphrase=PASS)
    assert policy.idle_lock_minutes(vault) == policy.IDLE_LOCK_DEFAULT_MINUTES
    policy.set_idle_lock_minutes(vault, 20)
    assert policy.idle_lock_minutes(vault) == 20
    vault.close()


def test_the_machine_wins_over_the_vault_which_wins_over_the_default(policy_file: Path,
                                                                     tmp_path: Path) -> None:
    vault, _ = Vault.create(tmp_path / "v", county="Demo County", admin="admin", passphrase=PASS)
    policy.set_idle_lock_minutes(vault, 20)  # the administrator's choice, in the vault
    write(policy_file, "idle_lock_minutes = 5\n")
    assert policy.idle_lock_minutes(vault) == 5
    assert policy.values(vault)["idle_lock_minutes"] == 5
    assert policy.machine_set() == {"idle_lock_minutes": str(policy_file)}
    with pytest.raises(ValidationFailed, match="set by this computer's policy"):
        policy.set_idle_lock_minutes(vault, 25)
    # Other settings stay the administrator's.
    policy.set_value(vault, "rescreen_days", 90)
    assert policy.values(vault)["rescreen_days"] == 90
    write(policy_file, "# nothing set\n")
    assert policy.idle_lock_minutes(vault) == 20, "without the machine's setting the vault's applies again"
    vault.close()


def test_group_policy_in_the_registry_wins_over_the_file(policy_file: Path) -> None:
    write(policy_file, 'idle_lock_minutes = 10\ncounty = "Fresno County"\n')
    found = machine_policy.load(registry=lambda: {"idle_lock_minutes": 3})
    assert found.idle_lock_minutes == 3 and found.county == "Fresno County"
    assert "registry" in found.source and str(policy_file) in found.source
    with pytest.raises(PolicyFileError, match="registry"):
        machine_policy.load(registry=lambda: {"idle_lock_minutes": 99})


def test_the_offline_limit_is_the_stricter_of_the_machines_and_the_hubs(policy_file: Path,
                                                                       tmp_path: Path) -> None:
    clock = [time.time()]
    vault, _ = Vault.create(tmp_path / "v", county="Demo County", admin="admin", passphrase=PASS,
                            wall=lambda: clock[0])
    granted = P.Enrollment(device_id="d1", secret="s", county="Demo County", username="admin",
                           role="administrator", max_offline_days=14, server_time="2026-11-30T00:00:00Z")
    local.save_enrolment(vault, "http://127.0.0.1:9", "", granted)
    clock[0] += 8 * 86400
    assert not local.is_locked(vault)
    write(policy_file, "max_offline_days = 7\n")
    assert local.is_locked(vault)
    with pytest.raises(CsecError, match="more than 7 days"):
        local.require_in_contact(vault)
    write(policy_file, "max_offline_days = 30\n")
    assert not local.is_locked(vault), "a laxer machine limit does not lift the hub's"
    clock[0] += 7 * 86400
    assert local.is_locked(vault)
    vault.close()


def test_only_the_hub_and_certificate_the_policy_names(policy_file: Path, tmp_path: Path) -> None:
    from csec_desktop.hub.cli import make_certificate

    pinned, _key = make_certificate("hub.fictional.example", tmp_path / "right")
    other, _key = make_certificate("hub.fictional.example", tmp_path / "other")
    write(policy_file, f'hub_url = "https://hub.fictional.example:8443"\nhub_certificate = "{pinned}"\n')
    with pytest.raises(CsecError, match=r"may sync only with https://hub\.fictional\.example:8443"):
        HubClient("https://elsewhere.example", cert_pem=pinned.read_text())
    with pytest.raises(CsecError, match="not the one this computer's policy pins"):
        HubClient("https://hub.fictional.example:8443", cert_pem=other.read_text())
    HubClient("https://hub.fictional.example:8443/", cert_pem=pinned.read_text()).close()


def test_a_vault_only_for_the_policys_county(policy_file: Path, tmp_path: Path) -> None:
    write(policy_file, 'county = "Fresno County"\n')
    with pytest.raises(CsecError, match="set up for Fresno County"):
        Vault.create(tmp_path / "v", county="Kern County", admin="admin", passphrase=PASS)
    assert not (tmp_path / "v").exists()
    Vault.create(tmp_path / "w", county="fresno county", admin="admin", passphrase=PASS)[0].close()


@pytest.mark.parametrize(("text", "words"), [
    ("idle_lock_minutes = 45\n", "from 1 to 30"),
    ('idle_lock_minutes = "soon"\n', "not a whole number"),
    ("idle_lock = 5\n", "unknown setting 'idle_lock'"),
    ('hub_url = "http://hub.example"\n', "https://"),
    ("idle_lock_minutes = \n", "not valid TOML"),
])
def test_a_broken_policy_stops_the_app_naming_the_file_and_key(policy_file: Path, text: str,
                                                              words: str) -> None:
    write(policy_file, text)
    with pytest.raises(PolicyFileError, match=words) as refused:
        machine_policy.load()
    assert str(policy_file) in str(refused.value) and "county IT" in str(refused.value)


def test_an_installed_build_ignores_the_environment(policy_file: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert machine_policy.policy_path() == policy_file
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert machine_policy.policy_path() != policy_file
