"""Issue 20: the roles and the audit trail hold against a person who shares the vault.

Each attack is made as an independent tester made it: a caseworker opens the data key from the
key file with her own passphrase and the project's library alone, then writes the database
directly. Each must be detected (and where it can be, undone) by the next unlock or by
`audit verify`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from csec_desktop import caseload
from csec_desktop.errors import CorruptVault
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.audit import compute_mac
from csec_desktop.storage.database import Database
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, WORKER_PASS, FakeClock, youth_data


def _as_casey(folder: Path) -> Database:
    """The caseworker's own key material, the library alone, no app checks."""
    keyfile = K.KeyFile.load(folder)
    dek, _private = keyfile.unlock_user("casey", WORKER_PASS)
    return Database.open(folder / keyfile.db_name(), dek)


def test_a_caseworker_who_makes_herself_administrator_is_put_back_and_named(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    admin_with_casey.close()
    db = _as_casey(vault_dir)
    body = json.loads(db.scalar("SELECT body FROM users WHERE username = 'casey'"))
    body["role"] = "administrator"
    db.execute("UPDATE users SET body = ? WHERE username = 'casey'", (json.dumps(body),))
    db.close()

    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    try:
        assert casey.user.role.value == "caseworker"  # the signed list decides
        assert any("casey" in warning for warning in casey.warnings)
        entry = casey.audit_log.entries(newest_first=True, limit=20)
        assert any(e.action == "tamper_detected" and e.detail.get("users") == ["casey"] for e in entry)
    finally:
        casey.close()


def test_an_edited_list_of_people_shows_in_audit_verify(admin_with_casey: Vault, vault_dir: Path) -> None:
    # The administrator's session is open while the caseworker edits the file underneath.
    db = _as_casey(vault_dir)
    db.execute("UPDATE users SET body = json_set(body, '$.unit', 'Unit Z') WHERE username = 'casey'")
    db.close()
    report = admin_with_casey.verify_audit()
    assert not report.ok
    assert any("casey" in problem for problem in report.roster)
    assert "CHANGED outside the app" in str(report)


def test_a_list_signed_with_another_key_is_refused(admin_with_casey: Vault, vault_dir: Path,
                                                   clock: FakeClock) -> None:
    admin_with_casey.close()
    db = _as_casey(vault_dir)
    forged = bytearray(b"\x07" * 32)
    db.execute("UPDATE users SET body = json_set(body, '$.role', 'administrator') WHERE username = 'casey'")
    db.execute("UPDATE meta SET value = ? WHERE key = 'roster_public'", (K.b64(K.signing_public(forged)),))
    R.sign(db, K.KeyFile.load(vault_dir).vault_id, forged)
    db.close()
    # The administrator's key-file entry pins the real roster key: the forgery is named.
    with pytest.raises(CorruptVault, match="roster key"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_an_older_signed_list_put_back_is_refused(admin_with_casey: Vault, vault_dir: Path,
                                                  clock: FakeClock) -> None:
    admin_with_casey.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    older = casey.require_db().scalar("SELECT value FROM meta WHERE key = 'roster'")
    casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    admin.update_user("casey", disabled=True)  # signed as list n+1
    admin.lock()  # pins what the administrator saw last
    db = _as_casey(vault_dir)  # her wrap still opens the data key (disabled is not removed)
    db.execute("UPDATE meta SET value = ? WHERE key = 'roster'", (older,))
    db.execute("UPDATE users SET body = json_set(body, '$.disabled', json('false')) "
               "WHERE username = 'casey'")
    db.close()
    with pytest.raises(CorruptVault, match="older than the one you saw"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_a_resealed_audit_trail_is_detected(admin_with_casey: Vault, vault_dir: Path) -> None:
    vault = admin_with_casey
    for i in range(3):
        vault.audit("note", n=i)
    db = _as_casey(vault_dir)
    key = bytes.fromhex(str(db.scalar("SELECT value FROM meta WHERE key = 'audit_key'")))
    # The old attack: edit an entry and reseal everything after it with the key in the database.
    db.execute("UPDATE audit SET user = 'nobody' WHERE seq = 2")
    prev = "0" * 64
    for seq, at, user, device, action, record_id, detail in db.query(
            "SELECT seq, at, user, device, action, record_id, detail FROM audit ORDER BY seq"):
        mac = compute_mac(key, prev, seq, at, user, device, action, record_id, detail)
        db.execute("UPDATE audit SET mac = ?, signer = NULL, sig = NULL WHERE seq = ?", (mac, seq))
        prev = mac
    db.execute("UPDATE meta SET value = json_array(json_extract(value, '$[0]'), ?) WHERE key = 'audit_head'",
               (prev,))
    db.close()
    report = vault.verify_audit()
    assert not report.audit.ok
    assert "not signed" in report.audit.reason


def test_an_edited_entry_fails_its_signature(admin_with_casey: Vault, vault_dir: Path) -> None:
    vault = admin_with_casey
    vault.audit("note")
    db = _as_casey(vault_dir)
    seq = int(db.scalar("SELECT max(seq) FROM audit"))
    # Edit, recompute the chain hash (public knowledge) but sign as herself: the signer is named.
    row = db.one("SELECT at, user, device, action, record_id, detail FROM audit WHERE seq = ?", (seq,))
    assert row is not None
    prev = str(db.scalar("SELECT mac FROM audit WHERE seq = ?", (seq - 1,)))
    detail = json.dumps({"edited": True})
    from csec_desktop.storage.audit import chain_hash

    mac = chain_hash(prev, "admin", seq, row[0], row[1], row[2], row[3], row[4], detail)
    db.execute("UPDATE audit SET detail = ?, mac = ? WHERE seq = ?", (detail, mac, seq))
    db.execute("UPDATE meta SET value = json_array(?, ?) WHERE key = 'audit_head'", (seq, mac))
    db.close()
    report = vault.verify_audit()
    assert not report.audit.ok
    assert report.audit.first_bad == seq
    assert "signature of admin does not hold" in report.audit.reason


def test_a_truncated_trail_is_detected_at_the_next_unlock(admin_with_casey: Vault, vault_dir: Path,
                                                          clock: FakeClock) -> None:
    admin_with_casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)  # pins the newest entry it saw
    seen = admin.audit_log.head()[0]
    admin.close()
    db = _as_casey(vault_dir)
    cut = seen - 3
    db.execute("DELETE FROM audit WHERE seq > ?", (cut,))
    mac = db.scalar("SELECT mac FROM audit WHERE seq = ?", (cut,))
    db.execute("UPDATE meta SET value = json_array(?, ?) WHERE key = 'audit_head'", (cut, mac))
    db.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    try:
        assert any("audit trail was removed" in w for w in admin.warnings)
        actions = [e.action for e in admin.audit_log.entries(newest_first=True, limit=5)]
        assert "tamper_detected" in actions
    finally:
        admin.close()


def test_records_and_history_edited_outside_the_app_are_found(admin_with_casey: Vault,
                                                             vault_dir: Path) -> None:
    vault = admin_with_casey
    youth = caseload.create_youth(vault, youth_data())
    other = caseload.create_youth(vault, youth_data(legal_name={"given": "Wren", "family": "Sample"}))
    assert vault.verify_audit().ok, vault.verify_audit()
    db = _as_casey(vault_dir)
    db.execute("UPDATE records SET body = json_set(body, '$.unit', 'Unit Z') WHERE id = ?", (youth.id,))
    # Every form a row's fields are kept in (storage/history.py) names the unit as stored; a
    # create's row that holds nothing of its own is given the edited text.
    db.execute("UPDATE changes SET fields = replace((SELECT f.fields FROM changes_full f WHERE "
               "f.seq = changes.seq), '\"Unit A\"', '\"Unit Z\"') WHERE record_id = ?", (other.id,))
    db.close()
    report = vault.verify_audit()
    assert not report.ok
    text = "; ".join(report.records)
    assert f"record {youth.id} differs from its history" in text
    assert f"of record {other.id} does not hold its signature" in text


def test_audit_verify_runs_the_full_integrity_check(admin_with_casey: Vault) -> None:
    report = admin_with_casey.verify_audit()
    assert report.ok, str(report)
    assert "full integrity check" in str(report)


def test_a_caseworker_cannot_sign_as_an_administrator() -> None:
    """The roster key is sealed only to administrators and the recovery key."""
    private = K.X25519PrivateKey.generate()
    seed = K.signing_seed(private)
    other = K.signing_seed(K.X25519PrivateKey.generate())
    message = b"roster"
    assert K.signature_holds(K.signing_public(seed), K.sign(seed, message), message)
    assert not K.signature_holds(K.signing_public(seed), K.sign(other, message), message)
    assert hmac.compare_digest(hashlib.sha256(b"x").digest(), hashlib.sha256(b"x").digest())


def test_only_administrators_hold_the_roster_key(admin_with_casey: Vault, vault_dir: Path) -> None:
    db = admin_with_casey.require_db()
    holders = {r[0] for r in db.query("SELECT principal FROM sealed_keys WHERE purpose = 'roster'")}
    assert holders == {"admin", K.RECOVERY}
    admin_with_casey.update_user("casey", role="administrator")
    holders = {r[0] for r in db.query("SELECT principal FROM sealed_keys WHERE purpose = 'roster'")}
    assert holders == {"admin", "casey", K.RECOVERY}
    admin_with_casey.update_user("casey", role="caseworker")
    holders = {r[0] for r in db.query("SELECT principal FROM sealed_keys WHERE purpose = 'roster'")}
    assert holders == {"admin", K.RECOVERY}
    assert admin_with_casey.verify_audit().ok


def test_a_former_administrator_cannot_sign_with_the_roster_key_they_kept(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    """Demoted, she kept the roster key she held (read with her own key material while she was an
    administrator): the key was replaced when she lost the role, so her list is refused."""
    admin_with_casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    admin.update_user("casey", role="administrator")
    keyfile = K.KeyFile.load(vault_dir)
    dek, casey_private = keyfile.unlock_user("casey", WORKER_PASS)
    db = Database.open(vault_dir / keyfile.db_name(), dek)
    kept = R.open_sealed(db, keyfile.vault_id, R.PURPOSE, "casey", casey_private)
    db.close()
    assert kept is not None
    admin.update_user("casey", role="caseworker")
    assert any(e.action == "roster_key_rotated" for e in admin.audit_log.entries(newest_first=True, limit=5))
    assert admin.verify_audit().ok
    pinned = K.KeyFile.load(vault_dir).users["admin"].pin
    assert pinned is not None and pinned["roster"] == K.b64(R.root_public(admin.require_db()) or b"")
    assert pinned["roster"] != K.b64(K.signing_public(kept))  # pinned at once, before any lock
    admin.close()

    db = _as_casey(vault_dir)
    db.execute("UPDATE users SET body = json_set(body, '$.role', 'administrator') WHERE username = 'casey'")
    R.sign(db, keyfile.vault_id, kept)  # signed with the key she kept ...
    db.close()
    with pytest.raises(CorruptVault, match="not signed by an administrator"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)

    db = _as_casey(vault_dir)  # ... and with that key put back as the vault's roster key
    db.execute("UPDATE meta SET value = ? WHERE key = 'roster_public'", (K.b64(K.signing_public(kept)),))
    db.close()
    with pytest.raises(CorruptVault, match="roster key"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_a_person_who_pinned_the_old_roster_key_follows_its_endorsement(
        admin_with_casey: Vault, vault_dir: Path, clock: FakeClock) -> None:
    admin = admin_with_casey
    admin.add_user("ada", role="administrator", passphrase=WORKER_PASS + " ada")
    admin.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)  # pins the roster key
    casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    admin.remove_user("ada", for_cause=False)
    holders = {r[0] for r in admin.require_db().query(
        "SELECT principal FROM sealed_keys WHERE purpose = 'roster'")}
    assert holders == {"admin", K.RECOVERY}
    admin.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)  # an older pin, endorsed on
    try:
        assert casey.user.role.value == "caseworker" and not casey.warnings
    finally:
        casey.close()
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    root = R.root_public(admin.require_db())
    admin.close()
    pinned = K.KeyFile.load(vault_dir).users["casey"].pin
    assert root is not None and pinned is not None and pinned["roster"] == K.b64(root)  # re-pinned on


def test_restoring_an_older_backup_does_not_bring_back_a_person_removed_since(
        made_with_casey: tuple[Vault, str], vault_dir: Path, tmp_path: Path, clock: FakeClock) -> None:
    from csec_desktop.errors import WrongPassphrase

    admin, secret = made_with_casey
    admin.add_user("drew", role="caseworker", passphrase=WORKER_PASS)
    backup = tmp_path / "before.csecbak"
    admin.backup(backup)  # casey and drew both active in the backup
    admin.remove_user("casey", for_cause=True)
    admin.update_user("drew", disabled=True)
    admin.close()

    report = Vault.restore(vault_dir, backup, secret, wall=clock)
    assert report.replayed == ("casey", "drew")
    with pytest.raises(WrongPassphrase):  # her entry is not in the restored key file
        Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)
    from csec_desktop.errors import AccountDisabled

    with pytest.raises(AccountDisabled):
        Vault.unlock(vault_dir, "drew", WORKER_PASS, wall=clock)
    restored = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    try:
        assert "casey" not in {u.username for u in restored.users()}
        assert restored.verify_audit().ok, str(restored.verify_audit())
    finally:
        restored.close()


def test_damage_after_an_unfinished_session_is_found_at_unlock(admin: Vault, vault_dir: Path,
                                                               clock: FakeClock) -> None:
    """The quick check runs when the last session did not end with a lock, and finds damage on a
    page unlock itself never reads; after a clean lock the same unlock does not pay for it."""
    for i in range(120):
        caseload.create_youth(admin, youth_data(legal_name={"given": f"Quill{i}" + "x" * 60,
                                                            "family": "Fixture"}))
    db_path = admin.require_db().path
    admin.require_db().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    admin.lock()
    size = db_path.stat().st_size
    page = 4096
    damaged = bytearray(db_path.read_bytes())
    middle = (size // page // 2) * page + 100
    damaged[middle] ^= 0xFF
    db_path.write_bytes(bytes(damaged))
    clean = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)  # a clean end: no check
    clean.close()  # ... and this session ends without a lock
    with pytest.raises(CorruptVault, match="quick check after an unfinished session"):
        Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)


def test_audit_verify_holds_after_a_passphrase_reset(admin_with_casey: Vault, vault_dir: Path,
                                                     clock: FakeClock) -> None:
    """A reset gives the person a new key pair: what they signed before still holds (the list keeps
    their former signing key), where verify had reported the trail broken."""
    from csec_desktop.usecases import admin as admin_screen

    admin_with_casey.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS, wall=clock)  # entries she signs
    caseload.create_youth(casey, youth_data())
    casey.lock("test")
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    try:
        admin_screen.reset_passphrase(admin, "casey", WORKER_PASS + " again", WORKER_PASS + " again")
        report = admin.verify_audit()
        assert report.ok, str(report)
    finally:
        admin.close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS + " again", wall=clock)
    try:
        caseload.create_youth(casey, youth_data())  # signed with her new key
    finally:
        casey.lock("test")
    admin = Vault.unlock(vault_dir, "admin", ADMIN_PASS, wall=clock)
    try:
        assert admin.verify_audit().ok
    finally:
        admin.close()
