"""The county's settings hold against a person who shares the vault (storage/county_settings.py).

A caseworker opens the data key with her own passphrase and the library alone, and writes the
database directly: the team's 30 days made 90 hid every overdue team meeting from the whole office;
her own server in the enrolment would have been sent a supervisor's push. The settings are signed
with the list of people; the next unlock puts the rows back and says so, the policy and the sync
read the signed values, and what an independent tester did to get her values signed (the list
removed, an older list put back, a trigger, a key held twice, rows changed beside an
administrator's change) is refused or put back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csec_desktop import policy
from csec_desktop.errors import CorruptVault
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.database import Database
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, WORKER_PASS, FakeClock


def _as_casey(folder: Path) -> Database:
    keyfile = K.KeyFile.load(folder)
    dek, _private = keyfile.unlock_user("casey", WORKER_PASS)
    return Database.open(folder / keyfile.db_name(), dek)


def _tamper(folder: Path, *statements: tuple[str, tuple[str, ...]]) -> None:
    db = _as_casey(folder)
    try:
        for sql, args in statements:
            db.execute(sql, args)
    finally:
        db.close()


def test_a_policy_row_changed_outside_the_app_is_put_back_at_the_next_unlock(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    policy.set_value(admin_with_casey, "team_convene_days", 21)
    admin_with_casey.close()
    _tamper(vault_dir,
            ("UPDATE meta SET value = '90' WHERE key = 'policy.team_convene_days'", ()),
            ("INSERT INTO meta (key, value) VALUES ('policy.rescreen_days', '365')", ()))

    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert policy.get(casey, "team_convene_days") == 21  # as the administrator set it
        assert policy.get(casey, "rescreen_days") == 180  # the added row is gone: the default
        warning = next(w for w in casey.warnings if "County settings" in w)
        assert "team convene days" in warning and "rescreen days" in warning
        entries = casey.audit_log.entries(newest_first=True, limit=20)
        assert any(e.action == "tamper_detected" and e.detail.get("what") == "county settings"
                   and e.detail.get("settings") == ["policy.rescreen_days", "policy.team_convene_days"]
                   for e in entries)
    finally:
        casey.close()
    again = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert not any("County settings" in w for w in again.warnings)  # put back once, then quiet
    finally:
        again.close()


def test_a_removed_row_and_a_changed_county_are_put_back(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    policy.set_value(admin_with_casey, "idle_lock_minutes", 5)
    county = admin_with_casey.county
    admin_with_casey.close()
    _tamper(vault_dir, ("DELETE FROM meta WHERE key = 'policy.idle_lock_minutes'", ()),
            ("UPDATE meta SET value = 'Elsewhere County' WHERE key = 'county'", ()))
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert policy.idle_lock_minutes(casey) == 5  # not the 15 minutes of the default
        assert casey.require_db().scalar("SELECT value FROM meta WHERE key = 'county'") == county
    finally:
        casey.close()


def test_an_administrators_change_is_signed_and_verify_names_a_change_made_underneath(
        admin_with_casey: Vault, vault_dir: Path) -> None:
    policy.set_value(admin_with_casey, "referral_followup_days", 7)
    report = admin_with_casey.verify_audit()
    assert report.ok and not report.settings
    assert "county settings: as an administrator signed them" in str(report)
    # The administrator's session is open while the caseworker edits the file underneath.
    _tamper(vault_dir, ("UPDATE meta SET value = '90' WHERE key = 'policy.referral_followup_days'", ()))
    report = admin_with_casey.verify_audit()
    assert not report.ok
    assert report.settings == ["referral followup days: differs from the signed list"]
    assert "county settings: CHANGED outside the app" in str(report)


def test_settings_edited_inside_the_signed_list_break_its_signature(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    admin_with_casey.close()
    db = _as_casey(vault_dir)
    try:
        listed = json.loads(db.scalar("SELECT value FROM meta WHERE key = 'roster'"))
        listed["settings"]["policy.team_convene_days"] = "90"
        db.execute("UPDATE meta SET value = ? WHERE key = 'roster'", (json.dumps(listed),))
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('policy.team_convene_days', '90')")
    finally:
        db.close()
    for name, passphrase in (("casey", WORKER_PASS), ("admin", ADMIN_PASS)):
        with pytest.raises(CorruptVault, match="not signed by an administrator"):
            Vault.unlock(vault_dir, name, passphrase, wall=clock)


def test_a_list_signed_before_the_settings_were_takes_them_as_found_at_an_administrators_unlock(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    admin = admin_with_casey
    policy.set_value(admin, "team_convene_days", 21)
    seed = admin._roster_seed()
    with admin.require_db().transaction():  # the list as an earlier version signed it: no settings
        R.sign(admin.require_db(), admin.vault_id, seed, settings=None)
    admin.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)  # nothing to check against yet
    try:
        assert not any("County settings" in w for w in casey.warnings)
        assert policy.get(casey, "team_convene_days") == 21  # read from the rows meanwhile
    finally:
        casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    try:
        # Rows anyone could edit until now: the administrator is shown what was signed.
        assert any("signed, as they were found" in w and "team convene days 21" in w for w in admin.warnings)
        listed = R.load(admin.require_db())
        assert listed is not None and listed.settings is not None
        assert listed.settings["policy.team_convene_days"] == "21"
    finally:
        admin.close()
    _tamper(vault_dir, ("UPDATE meta SET value = '90' WHERE key = 'policy.team_convene_days'", ()))
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert policy.get(casey, "team_convene_days") == 21
    finally:
        casey.close()


def test_a_new_roster_key_signs_the_settings_at_once(admin_with_casey: Vault, vault_dir: Path,
                                                      clock: FakeClock) -> None:
    admin = admin_with_casey
    policy.set_value(admin, "team_convene_days", 21)
    admin.update_user("casey", role="administrator")
    admin.update_user("casey", role="caseworker")  # she may have kept the key: a new one is made
    admin.close()
    _tamper(vault_dir, ("UPDATE meta SET value = '90' WHERE key = 'policy.team_convene_days'", ()))
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert policy.get(casey, "team_convene_days") == 21
        assert any("County settings" in w for w in casey.warnings)
    finally:
        casey.close()


def _enrol(vault: Vault) -> None:
    import time

    from csec_desktop.clock import utc_iso
    from csec_desktop.ids import new_id
    from csec_desktop.sync import local
    from csec_desktop.sync import protocol as P

    granted = P.Enrollment(device_id=new_id(), secret="fictional-secret", county=vault.county,
                           username="admin", role="administrator", max_offline_days=14,
                           server_time=utc_iso(time.time()))
    local.save_enrolment(vault, "https://hub.demo-county.example", "", granted)


ROGUE = (("UPDATE meta SET value = 'https://rogue.example' WHERE key = 'sync.hub_url'", ()),
         ("UPDATE meta SET value = 'ROGUE CERTIFICATE' WHERE key = 'sync.cert_pem'", ()))


def test_a_hub_put_in_outside_the_app_is_not_synced_with(admin_with_casey: Vault, vault_dir: Path,
                                                          clock: FakeClock) -> None:
    """A caseworker's own server and certificate in the enrolment would have been sent the next
    push of whoever syncs (a supervisor's: sealed youth and the youth's account) and the token."""
    from csec_desktop.sync import local

    _enrol(admin_with_casey)
    _tamper(vault_dir, *ROGUE)  # while the administrator's session is open
    found = local.enrolment(admin_with_casey)
    assert found is not None and found.hub_url == "https://hub.demo-county.example" and found.cert_pem == ""
    admin_with_casey.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        warning = next(w for w in casey.warnings if "County settings" in w)
        assert "the county hub's address" in warning and "the county hub's certificate" in warning
        assert casey.require_db().scalar("SELECT value FROM meta WHERE key = 'sync.hub_url'") == \
            "https://hub.demo-county.example"
    finally:
        casey.close()


def test_a_restore_clears_the_enrolment_without_a_false_alarm(
        made_with_casey: tuple[Vault, str], vault_dir: Path, tmp_path: Path, clock: FakeClock) -> None:
    from csec_desktop.sync import local

    admin, secret = made_with_casey
    policy.set_value(admin, "team_convene_days", 21)
    _enrol(admin)
    backup = tmp_path / "enrolled.csecbak"
    admin.backup(backup)
    admin.close()
    Vault.restore(vault_dir, backup, secret, wall=clock)
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert not any("County settings" in w for w in casey.warnings)
        assert local.enrolment(casey) is None  # enrolled again after a restore, as before
        assert policy.get(casey, "team_convene_days") == 21
    finally:
        casey.close()


# What the independent tester did to get her values signed ------------------------------------


def test_removing_the_signed_list_is_refused_not_taken_for_an_old_vault(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    """Taken for a vault from before signatures, the next administrator's unlock signed what the
    rows then held: her policy, her hub."""
    policy.set_value(admin_with_casey, "team_convene_days", 21)
    admin_with_casey.close()
    Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock).close()  # her pin names the list too
    _tamper(vault_dir, ("UPDATE meta SET value = '90' WHERE key = 'policy.team_convene_days'", ()),
            ("DELETE FROM meta WHERE key = 'roster'", ()))
    for name, passphrase in (("casey", WORKER_PASS), ("admin", ADMIN_PASS)):
        with pytest.raises(CorruptVault, match="signed list of people was removed"):
            Vault.unlock(vault_dir, name, passphrase, wall=clock)


def test_an_older_signed_list_put_back_is_refused(admin_with_casey: Vault, vault_dir: Path,
                                                  clock: FakeClock) -> None:
    admin_with_casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)  # an unlock: its lock pins
    policy.set_value(admin, "idle_lock_minutes", 5)
    older = admin.require_db().scalar("SELECT value FROM meta WHERE key = 'roster'")
    policy.set_value(admin, "idle_lock_minutes", 2)
    admin.lock("test")  # the administrator's pin names the newer list
    _tamper(vault_dir, ("UPDATE meta SET value = ? WHERE key = 'roster'", (older,)),
            ("UPDATE meta SET value = '5' WHERE key = 'policy.idle_lock_minutes'", ()))
    with pytest.raises(CorruptVault, match="older than the one you saw"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_rows_changed_during_an_administrators_session_are_not_signed_with_her_change(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    admin = admin_with_casey
    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS + " sam")
    admin.update_user("sam", phone="(555) 010-0100")
    policy.set_value(admin, "team_convene_days", 21)
    _tamper(vault_dir, ("UPDATE meta SET value = '90' WHERE key = 'policy.team_convene_days'", ()),
            ("UPDATE users SET body = json_set(body, '$.phone', '(555) 010-0199') "
             "WHERE username = 'sam'", ()))
    assert policy.get(admin, "team_convene_days") == 21  # the session reads the signed value
    policy.set_value(admin, "rescreen_days", 120)  # her next change: the row beside it is put back
    admin.update_user("casey", unit="Unit B")  # and so is a colleague's row beside a change of people
    listed = R.load(admin.require_db())
    assert listed is not None and listed.settings is not None
    assert listed.settings["policy.team_convene_days"] == "21"
    assert listed.settings["policy.rescreen_days"] == "120"
    sam = next(row for row in listed.rows if row[0] == "sam")
    assert sam[1]["phone"] == "(555) 010-0100"
    assert any("team convene days" in w for w in admin.warnings) and any("sam" in w for w in admin.warnings)
    admin.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert policy.get(casey, "team_convene_days") == 21 and policy.get(casey, "rescreen_days") == 120
    finally:
        casey.close()


def test_a_trigger_or_a_second_row_for_a_key_refuses_the_unlock(admin_with_casey: Vault, vault_dir: Path,
                                                                 clock: FakeClock) -> None:
    """Her trigger rewrote a colleague's phone number each time an administrator signed the list;
    a `meta` rebuilt to hold the idle lock twice gave the app her row and the check the other."""
    admin_with_casey.close()
    _tamper(vault_dir, ("CREATE TRIGGER quiet AFTER INSERT ON meta BEGIN SELECT 1; END", ()))
    with pytest.raises(CorruptVault, match="trigger quiet"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    _tamper(vault_dir, ("DROP TRIGGER quiet", ()),
            ("CREATE TABLE meta2 (key TEXT, value TEXT NOT NULL)", ()),
            ("INSERT INTO meta2 SELECT key, value FROM meta", ()),
            ("INSERT INTO meta2 VALUES ('policy.idle_lock_minutes', '30')", ()),
            ("INSERT INTO meta2 VALUES ('policy.idle_lock_minutes', '5')", ()),
            ("DROP TABLE meta", ()), ("ALTER TABLE meta2 RENAME TO meta", ()))
    with pytest.raises(CorruptVault, match=r"meta holding 'policy\.idle_lock_minutes' twice"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_a_trigger_added_during_an_administrators_session_stops_her_next_signature(
        admin_with_casey: Vault, vault_dir: Path) -> None:
    admin = admin_with_casey
    _tamper(vault_dir, ("CREATE TRIGGER phone AFTER UPDATE ON users BEGIN "
                        "UPDATE users SET body = json_set(body, '$.phone', '(555) 010-0199') "
                        "WHERE username = 'admin'; END", ()))
    with pytest.raises(CorruptVault, match="trigger phone"):
        admin.update_user("casey", unit="Unit B")
    listed = R.load(admin.require_db())
    assert listed is not None and all(row[1].get("phone") is None for row in listed.rows)


# The second round: what the tester did against the list itself ----------------------------------


def test_the_recovery_key_never_signs_a_list_it_cannot_check(
        made_with_casey: tuple[Vault, str], vault_dir: Path, clock: FakeClock) -> None:
    """Her own list (herself a supervisor, her policy) with a bad signature: county IT, told the
    vault is damaged, uses the recovery key, which signed her list with the real roster key."""
    admin, secret = made_with_casey
    admin.close()
    db = _as_casey(vault_dir)
    try:
        listed = json.loads(db.scalar("SELECT value FROM meta WHERE key = 'roster'"))
        listed["seq"] += 5
        listed["settings"]["policy.team_convene_days"] = "90"
        db.execute("UPDATE meta SET value = ? WHERE key = 'roster'", (json.dumps(listed),))
        db.execute("UPDATE users SET body = json_set(body, '$.role', 'supervisor') WHERE username = 'casey'")
    finally:
        db.close()
    dek = Vault.recovery_key_to_dek(vault_dir, secret)
    Vault.audit_recovery_use(vault_dir, dek, "recovery_key_used", clock, secret)
    with pytest.raises(CorruptVault, match="not signed by an administrator"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_a_restore_puts_back_rows_changed_in_the_backup_rather_than_signing_them(
        made_with_casey: tuple[Vault, str], vault_dir: Path, tmp_path: Path, clock: FakeClock) -> None:
    admin, secret = made_with_casey
    _tamper(vault_dir, ("UPDATE users SET body = json_set(body, '$.role', 'supervisor') "
                        "WHERE username = 'casey'", ()),
            ("UPDATE meta SET value = '90' WHERE key = 'policy.team_convene_days'", ()))
    backup = tmp_path / "routine.csecbak"
    admin.backup(backup)  # a routine backup, made while her rows were changed
    admin.close()
    Vault.restore(vault_dir, backup, secret, wall=clock)
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert casey.user.role.value == "caseworker"
        assert policy.get(casey, "team_convene_days") == 30
    finally:
        casey.close()


def test_an_older_list_put_back_during_a_session_is_refused_at_once(
        admin_with_casey: Vault, vault_dir: Path) -> None:
    admin = admin_with_casey
    policy.set_value(admin, "team_convene_days", 21)
    older = admin.require_db().scalar("SELECT value FROM meta WHERE key = 'roster'")
    policy.set_value(admin, "team_convene_days", 10)
    _tamper(vault_dir, ("UPDATE meta SET value = ? WHERE key = 'roster'", (older,)),
            ("UPDATE meta SET value = '21' WHERE key = 'policy.team_convene_days'", ()))
    with pytest.raises(CorruptVault, match="older than one you saw"):
        policy.get(admin, "team_convene_days")


def test_the_session_keeps_the_signed_phone_and_county_not_rows_changed_under_it(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    from csec_desktop.domain.people import Permission

    admin = admin_with_casey
    admin.update_user("admin", phone="(555) 010-0100")
    county = admin.county
    _tamper(vault_dir, ("UPDATE users SET body = json_set(body, '$.phone', '(555) 010-0199') "
                        "WHERE username = 'admin'", ()))
    admin.require(Permission.PRINT)  # each guarded step reads the person again: as signed
    assert admin.user.phone == "(555) 010-0100"
    admin.close()
    _tamper(vault_dir, ("UPDATE meta SET value = 'Rogue County (fictional)' WHERE key = 'county'", ()))
    again = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    try:
        assert again.county == county  # the session that put it back uses it too
    finally:
        again.close()


# The third round: the former signing keys --------------------------------------------------------


def test_a_reset_keeps_the_former_key_the_signed_list_names_not_the_row(
        admin_with_casey: Vault, vault_dir: Path) -> None:
    """Her own key put in a colleague's row during the administrator's session became his "former"
    key at his reset, and entries she then signed in his name passed audit verify."""
    from csec_desktop.usecases import admin as admin_screen

    admin = admin_with_casey
    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS + " sam")
    listed = R.load(admin.require_db())
    assert listed is not None
    sams = next(row[3] for row in listed.rows if row[0] == "sam")
    hers = next(row[3] for row in listed.rows if row[0] == "casey")
    _tamper(vault_dir, ("UPDATE users SET signing_key = ? WHERE username = 'sam'", (hers,)))
    admin_screen.reset_passphrase(admin, "sam", WORKER_PASS + " sam again", WORKER_PASS + " sam again")
    listed = R.load(admin.require_db())
    assert listed is not None and listed.former.get("sam") == [sams]


def test_former_keys_in_a_list_signed_before_the_settings_are_nobodys_word(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    admin = admin_with_casey
    seed = admin._roster_seed()
    with admin.require_db().transaction():  # the list as an earlier version signed it
        R.sign(admin.require_db(), admin.vault_id, seed, settings=None)
    hers = next(row[3] for row in R.load(admin.require_db()).rows if row[0] == "casey")  # type: ignore[union-attr]
    admin.close()
    db = _as_casey(vault_dir)
    try:
        listed = json.loads(db.scalar("SELECT value FROM meta WHERE key = 'roster'"))
        listed["former"] = {"admin": [hers]}  # outside the older message: not under its signature
        db.execute("UPDATE meta SET value = ? WHERE key = 'roster'", (json.dumps(listed),))
    finally:
        db.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)  # signs the settings in
    try:
        listed_now = R.load(admin.require_db())
        assert listed_now is not None and listed_now.settings is not None and listed_now.former == {}
    finally:
        admin.close()
