"""The county recovery key's work beside unlocking: the backup file it opens, a restore from one,
and the list of people it signs (only after checking it: a list it cannot check is never signed).

A backup is BACKUP_MAGIC, the length of a JSON header, the header (the vault, when it was made, the
backup's own database key sealed to the recovery key, the key file's wraps) and the database
encrypted under that key."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csec_desktop.clock import WallClock, system_clock, utc_iso
from csec_desktop.errors import CorruptVault, CsecError, WrongPassphrase
from csec_desktop.fileio import atomic_write, fsync_dir
from csec_desktop.ids import new_id
from csec_desktop.storage import county_settings as S
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.audit import AuditLog, Signer
from csec_desktop.storage.database import Database
from csec_desktop.storage.keys import vault_exists
from csec_desktop.storage.schema import migrate
from csec_desktop.storage.vault_files import remove_db

BACKUP_MAGIC = b"CSEC-VAULT-BACKUP-1\n"


def write_backup(db: Database, folder: Path, target: Path, keyfile: K.KeyFile, made_at: str) -> int:
    """Write the backup of the open database `db` of the vault in `folder` to `target` (which must
    not exist): a scratch copy under a new key in the vault folder, read and removed. Returns how
    many records it holds."""
    if target.exists():
        raise CsecError(f"{target} already exists; choose a new file name.")
    backup_key = os.urandom(32)
    scratch = folder / f".backup-{new_id()}.db"
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.export_to(scratch, backup_key)
        payload = scratch.read_bytes()
    finally:
        remove_db(folder, scratch.name)
    count = int(db.scalar("SELECT count(*) FROM records"))
    header = {
        "vault_id": keyfile.vault_id,
        "made_at": made_at,
        "records": count,
        "recovery_public": K.b64(keyfile.recovery_public),
        "key": K.seal_dek(backup_key, keyfile.recovery_public, keyfile.vault_id, "@backup", 0),
        "users": {n: w.to_json() for n, w in keyfile.users.items()},
    }
    head = json.dumps(header).encode()
    atomic_write(target, BACKUP_MAGIC + len(head).to_bytes(8, "big") + head + payload)
    return count


@dataclass(frozen=True)
class RestoreReport:
    records: int
    users: int
    audit_entries: int
    moved_aside: Path | None
    replayed: tuple[str, ...] = ()
    """People removed or disabled in the vault that was here after the backup was made: removed or
    disabled again in the restored vault, so an older backup never brings back someone put out."""


def restore(folder: Path, source: Path, recovery_secret: str,
            *, wall: WallClock = system_clock) -> RestoreReport:
    """Rebuild the vault in `folder` from a backup; a vault already there is moved aside."""
    blob = source.read_bytes()
    if not blob.startswith(BACKUP_MAGIC):
        raise CorruptVault("this file is not a vault backup")
    offset = len(BACKUP_MAGIC)
    size = int.from_bytes(blob[offset : offset + 8], "big")
    try:
        header = json.loads(blob[offset + 8 : offset + 8 + size])
        payload = blob[offset + 8 + size :]
        vault_id = str(header["vault_id"])
    except (ValueError, KeyError) as exc:
        raise CorruptVault(f"the backup header cannot be read ({type(exc).__name__})") from None
    private = K.recovery_private(recovery_secret, vault_id)
    recovery_pub = K.public_bytes(private)
    if recovery_pub != K.unb64(header["recovery_public"]):
        raise WrongPassphrase()
    try:
        backup_key = K.open_dek(header["key"], private, vault_id, "@backup", 0)
    except Exception:
        raise CorruptVault("the backup's key fails authentication") from None

    # The new vault is built and checked in a staging folder first; only then is a vault
    # already here moved aside and the new one moved in. A damaged backup, a full disk or a
    # crash before the swap leaves the vault here as it was.
    folder.mkdir(parents=True, exist_ok=True)
    put_out = _people_put_out(folder, vault_id, recovery_secret)
    staging = folder / f".restore-{new_id()}"
    staging.mkdir()
    try:
        compared, users, entries, replayed = _build_restored(
            staging, header, payload, backup_key, vault_id, recovery_secret, wall, put_out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    vault_files = (K.KEYFILE_NAME, "access.json")
    moved: Path | None = None
    old = [item for item in folder.iterdir() if item.is_file()
           and (item.name.startswith("vault-") or item.name in vault_files)]
    if old:
        moved = folder / f"replaced-{utc_iso(wall()).replace(':', '').replace('.', '')}"
        moved.mkdir()
    placed: list[Path] = []
    try:
        for item in old:
            assert moved is not None
            item.rename(moved / item.name)
        # The key file last: until it is in place, the folder has no vault to open.
        for item in sorted(staging.iterdir(), key=lambda i: i.name == K.KEYFILE_NAME):
            item.rename(folder / item.name)
            placed.append(folder / item.name)
        fsync_dir(folder)
    except BaseException:
        for item in placed:  # undo: the new files out, the old ones back
            with contextlib.suppress(OSError):
                item.unlink()
        if moved is not None:
            for item in moved.iterdir():
                with contextlib.suppress(OSError):
                    item.rename(folder / item.name)
            with contextlib.suppress(OSError):
                moved.rmdir()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreReport(compared, users, entries, moved, tuple(replayed))


def _settings_after_restore(db: Database, vault_id: str, secret: str, now: str) -> None:
    """The list signed again with the county's settings less the enrolment a restore cleared, with
    the roster key sealed to the recovery key (else the next unlock would put the old hub back)."""
    listed = _recovery_list(db, vault_id, now)
    if listed is None or listed.settings is None:
        return
    kept = {k: v for k, v in listed.settings.items() if k not in S.HUB}
    S.put_back(db, kept, S.changed(db, kept))
    _recovery_sign(db, vault_id, secret, listed, settings=kept)


def _recovery_list(db: Database, vault_id: str, now: str) -> R.Snapshot | None:
    """The signed list, its rows put back as signed, for a step the recovery key signs the list
    after (a restore, a use of the raw key); None when there is none, or when its signature does not
    hold under the vault's roster key: the recovery key must never sign a list it cannot check (a
    caseworker's own list, with her as supervisor and her hub, was signed so at a restore), and
    the unlock refuses it as damage. Rows changed outside the app, in a backup made while they
    were, are put back rather than signed."""
    snapshot, root = R.load(db), R.root_public(db)
    if snapshot is None or root is None:
        return None
    try:
        R.check_signature(snapshot, vault_id, root)
    except CorruptVault:
        return None
    changed = R.differences(snapshot, R.current_rows(db)).changed
    if changed:
        R.put_back(db, snapshot, changed, now)
    if snapshot.settings is not None:
        S.put_back(db, snapshot.settings, S.changed(db, snapshot.settings))
    return snapshot


def _recovery_sign(db: Database, vault_id: str, secret: str, before: R.Snapshot, **what: Any) -> None:
    """Sign the list with the roster key sealed to the recovery key, on `before` (`_recovery_list`)."""
    seed = R.open_sealed(db, vault_id, R.PURPOSE, K.RECOVERY, K.recovery_private(secret, vault_id))
    if seed is None:
        return
    try:
        R.sign(db, vault_id, seed, before=before, **what)
    finally:
        seed[:] = bytes(len(seed))


def recovery_signer(db: Database, vault_id: str, secret: str, now: str) -> Signer | None:
    """The recovery key signs what it writes (a restore, a raw-key use); its signing key enters
    the signed list of people the first time, signed with the roster key sealed to it, on the
    list as checked (`_recovery_list`)."""
    if R.load(db) is None:
        return None
    seed = K.recovery_signing_seed(secret, vault_id)
    public = K.b64(K.signing_public(seed))
    listed = _recovery_list(db, vault_id, now)
    if listed is not None and listed.recovery_signing != public:
        _recovery_sign(db, vault_id, secret, listed, recovery_signing=public)
    return Signer(K.RECOVERY, seed)


def _people_put_out(folder: Path, vault_id: str, secret: str) -> dict[str, str]:
    """Who the vault here (if it is this vault and opens with the recovery key) has removed or
    disabled: name -> 'removed' or 'disabled'. A vault that does not open tells nothing."""
    if not vault_exists(folder):
        return {}
    try:
        keyfile = K.KeyFile.load(folder)
        if keyfile.vault_id != vault_id:
            return {}
        dek = keyfile.unlock_recovery(secret)
        db = Database.open(folder / keyfile.db_name(), dek)
    except (CsecError, OSError):
        return {}
    try:
        found = {}
        for name, body, removed in db.query("SELECT username, body, removed FROM users"):
            if removed:
                found[name] = "removed"
            elif json.loads(body).get("disabled"):
                found[name] = "disabled"
        return found
    except CsecError:
        return {}
    finally:
        db.close()


def _replay_put_out(db: Database, vault_id: str, secret: str, put_out: dict[str, str],
                    now: str) -> list[str]:
    """In the restored copy: remove or disable again the people the vault here had put out, and
    sign the list again with the roster key sealed to the recovery key."""
    listed = _recovery_list(db, vault_id, now)  # before the replay: from the rows as signed
    replayed = []
    for name, what in sorted(put_out.items()):
        row = db.one("SELECT body, removed FROM users WHERE username = ?", (name,))
        if row is None or row[1]:
            continue
        body = json.loads(row[0])
        if what == "removed":
            db.execute("UPDATE users SET removed = 1, updated_at = ? WHERE username = ?", (now, name))
            db.execute("DELETE FROM sealed_keys WHERE principal = ?", (name,))
        elif not body.get("disabled"):
            body["disabled"] = True
            db.execute("UPDATE users SET body = ?, updated_at = ? WHERE username = ?",
                       (json.dumps(body), now, name))
        else:
            continue
        replayed.append(name)
    if replayed and listed is not None:
        _recovery_sign(db, vault_id, secret, listed)
    return replayed


def _build_restored(staging: Path, header: dict[str, Any], payload: bytes, backup_key: bytes,
                    vault_id: str, recovery_secret: str, wall: WallClock,
                    put_out: dict[str, str]) -> tuple[int, int, int, list[str]]:
    """The vault of a backup, re-encrypted under a new key and checked record by record, with its
    key file, all in `staging`: (records, people, audit entries)."""
    scratch = staging / "backup.db"
    atomic_write(scratch, payload)
    new_dek = os.urandom(32)
    try:
        users = {n: K.UserWrap.from_json(w) for n, w in header["users"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptVault(f"the backup header cannot be read ({type(exc).__name__})") from None
    recovery_pub = K.public_bytes(K.recovery_private(recovery_secret, vault_id))
    keyfile = K.KeyFile(vault_id=vault_id, generation=1, recovery_public=recovery_pub, users=users)
    target = staging / keyfile.db_name()
    src = Database.open(scratch, backup_key)
    try:
        if src.integrity_problems():
            raise CorruptVault("the backup's database fails its integrity check")
        src.export_to(target, new_dek)
        dst = Database.open(target, new_dek)
        try:
            compared = _compare_records(src, dst)
            migrate(dst)
            with dst.transaction():
                replayed = _replay_put_out(dst, vault_id, recovery_secret, put_out, utc_iso(wall()))
                # Enrolled again after a restore: its trail went back to the backup's, and the hub,
                # which anchors the trail, refuses a device whose entries differ from those it sent.
                enrolled = dst.execute("DELETE FROM meta WHERE key LIKE 'sync.%'") > 0
                _settings_after_restore(dst, vault_id, recovery_secret, utc_iso(wall()))
            publics = {r[0]: K.unb64(r[1]) for r in
                       dst.query("SELECT username, public_key FROM users WHERE removed = 0")}
            keyfile.users = {n: w for n, w in keyfile.users.items() if n in publics}
            keyfile.reseal_all(new_dek, {n: publics[n] for n in keyfile.users})
            audit_key = bytes.fromhex(str(dst.scalar("SELECT value FROM meta WHERE key='audit_key'")))
            device = str(dst.scalar("SELECT value FROM meta WHERE key = 'device_id'"))
            with dst.transaction():
                signer = recovery_signer(dst, vault_id, recovery_secret, utc_iso(wall()))
                log = AuditLog(dst, audit_key, signer)
                log.append(at=utc_iso(wall()), user=K.RECOVERY, device=device, action="restore",
                           detail={"records": compared, "backup_made_at": header.get("made_at"),
                                   "put_out_again": replayed, "enrolment_cleared": enrolled})
            entries = log.count()
        finally:
            dst.close()
    finally:
        src.close()
        remove_db(staging, scratch.name)
    keyfile.save(staging)
    return compared, len(keyfile.users), entries, replayed


def _compare_records(src: Database, dst: Database) -> int:
    """Check the restored copy record by record; any difference aborts the restore."""
    sql = "SELECT id, kind, version, deleted, body, clocks FROM records ORDER BY id"
    a, b = src.query(sql), dst.query(sql)
    if len(a) != len(b):
        raise CorruptVault(f"restore copied {len(b)} of {len(a)} records")
    for left, right in zip(a, b, strict=True):
        if left != right:
            raise CorruptVault(f"record {left[0]} differs after restore")
    return len(a)
