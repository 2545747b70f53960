"""The vault folder: one encrypted database, its key file and the lockout counters.

    <folder>/keys.json       wraps of the data key (see keys.py)
    <folder>/vault-<g>.db    SQLCipher 4 database of key generation g (+ -wal, -shm)
    <folder>/access.json     failed-unlock counters (no case data)

`Vault` is an unlocked vault in the hands of one user. The key file names the
current generation, so replacing it atomically is the single commit point of a
data-key rotation; a database file of another generation is left-over and is
removed at the next unlock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from csec_desktop import machine_policy
from csec_desktop.clock import HybridClock, WallClock, system_clock, utc_iso
from csec_desktop.domain.people import Permission, Role, User, passphrase_strength
from csec_desktop.errors import (
    AccountDisabled,
    AccountLocked,
    CorruptVault,
    CsecError,
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VaultMissing,
    WrongPassphrase,
)
from csec_desktop.fileio import atomic_write, exclusive_lock, fsync_dir
from csec_desktop.ids import new_id
from csec_desktop.storage import keys as K
from csec_desktop.storage.access import AccessState
from csec_desktop.storage.audit import AuditLog, Verification, derive_audit_key
from csec_desktop.storage.database import Database, wipe_bytes
from csec_desktop.storage.records import RecordStore
from csec_desktop.storage.schema import migrate

log = logging.getLogger(__name__)

BACKUP_MAGIC = b"CSEC-VAULT-BACKUP-1\n"


def vault_exists(folder: Path) -> bool:
    return K.KeyFile.path(folder).exists()


def _db_files(folder: Path, name: str) -> list[Path]:
    return [folder / name, folder / f"{name}-wal", folder / f"{name}-shm", folder / f"{name}-journal"]


SCRATCH_AGE_S = 3600
"""Scratch left this long ago is from an operation that was killed (a backup of a large vault
takes seconds to minutes), never from one still running."""


def sweep_scratch(folder: Path, now: float) -> int:
    """Remove what killed operations left in the vault folder: a backup's scratch database, a
    restore's staging folder, an interrupted atomic write's temp file. Returns how many."""
    removed = 0
    for item in folder.iterdir():
        name = item.name
        temp = name.startswith(".") and name.endswith(".tmp")
        if not (name.startswith((".backup-", ".restore-")) or temp):
            continue
        try:
            if now - item.lstat().st_mtime < SCRATCH_AGE_S:
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
            removed += 1
        except OSError:
            continue  # tried again at the next unlock
    return removed


def _remove_db(folder: Path, name: str) -> None:
    for path in _db_files(folder, name):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _check_passphrase(passphrase: str, field: str = "passphrase", *,
                      about: Iterable[str | None] = ()) -> None:
    """Refuse a guessable passphrase; `about` are the user's name, display name and county, which
    an attacker would try first. The message carries zxcvbn's feedback."""
    found = passphrase_strength(passphrase, about)
    if found.problem:
        advice = " ".join(found.feedback)
        raise ValidationFailed([FieldProblem(field, found.problem + (f" ({advice})" if advice else ""))])


@dataclass(frozen=True)
class RestoreReport:
    records: int
    users: int
    audit_entries: int
    moved_aside: Path | None


class Vault:
    def __init__(
        self, folder: Path, keyfile: K.KeyFile, db: Database, dek: bytes, user: User,
        wall: WallClock,
    ) -> None:
        self.folder = folder
        self.keyfile = keyfile
        self.db: Database | None = db
        self._dek = bytearray(dek)
        self.user = user
        self.wall = wall
        self.vault_id = keyfile.vault_id
        self.device = str(db.scalar("SELECT value FROM meta WHERE key = 'device_id'"))
        self.county = str(db.scalar("SELECT value FROM meta WHERE key = 'county'"))
        self.clock = HybridClock(self.device, wall)
        # Carry the clock past every stamp this vault has issued or pulled, so an edit after a
        # restart on a machine whose clock went back still comes after what it had seen.
        latest = db.scalar("SELECT max(hlc) FROM changes")
        if latest:
            self.clock.observe(str(latest))
        self._bind(db)

    def _bind(self, db: Database) -> None:
        self.db = db
        audit_key = bytes.fromhex(str(db.scalar("SELECT value FROM meta WHERE key = 'audit_key'")))
        self.audit_log = AuditLog(db, audit_key)
        self.records = RecordStore(db, self.clock, self.wall, self.user.username, self.device)

    # Opening ---------------------------------------------------------------

    @classmethod
    def create(
        cls, folder: Path, *, county: str, admin: str, passphrase: str,
        display_name: str | None = None, wall: WallClock = system_clock,
    ) -> tuple[Vault, str]:
        """Make a new vault; returns it unlocked for the administrator, and the recovery key."""
        if vault_exists(folder):
            raise CsecError(f"A vault already exists in {folder}.")
        if not county.strip():
            raise ValidationFailed([FieldProblem("county", "is required")])
        machine_policy.check_county(county)
        user = _user_or_error({"username": admin, "display_name": display_name or admin,
                               "role": Role.ADMINISTRATOR})
        _check_passphrase(passphrase, about=(admin, display_name, county))
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
        vault_id = new_id()
        dek = os.urandom(32)
        secret = K.new_recovery_secret()
        recovery_pub = K.public_bytes(K.recovery_private(secret, vault_id))
        keyfile = K.KeyFile(vault_id=vault_id, generation=1, recovery_public=recovery_pub)
        keyfile.recovery_dek = K.seal_dek(dek, recovery_pub, vault_id, K.RECOVERY, 1)
        private = X25519PrivateKey.generate()
        keyfile.set_user(user.username, private, passphrase, dek)

        _remove_db(folder, keyfile.db_name())
        db = Database.open(folder / keyfile.db_name(), dek, create=True)
        try:
            migrate(db)
            now = utc_iso(wall())
            with db.transaction():
                for key, value in {
                    "vault_id": vault_id, "device_id": new_id(), "county": county.strip(),
                    "created_at": now, "audit_key": derive_audit_key(dek).hex(),
                    "recovery_public": K.b64(recovery_pub),
                }.items():
                    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
                _insert_user(db, user, K.public_bytes(private), now)
        except BaseException:
            db.close()
            raise
        # The key file is written last: until it exists there is no vault, only debris.
        keyfile.save(folder)
        vault = cls(folder, keyfile, db, dek, user, wall)
        vault.audit("vault_created", county=county.strip())
        vault.audit("user_added", target=user.username, role=user.role.value)
        return vault, secret

    @classmethod
    def unlock(
        cls, folder: Path, username: str, passphrase: str, *, wall: WallClock = system_clock
    ) -> Vault:
        if not vault_exists(folder):
            raise VaultMissing(f"No vault in {folder}. Create one first.")
        keyfile = K.KeyFile.load(folder)
        access = AccessState.load(folder)
        now = wall()
        minutes = access.minutes_left(username, now)
        if minutes:
            raise AccountLocked(minutes)
        try:
            dek, _private = keyfile.unlock_user(username, passphrase)
        except WrongPassphrase:
            left = access.record_failure(username, now)
            access.save(folder)
            if left == 0:
                raise AccountLocked(access.minutes_left(username, now)) from None
            raise WrongPassphrase(left) from None
        db = cls._open_db(folder, keyfile, dek)
        try:
            user = _load_user(db, username)
        except BaseException:
            db.close()
            raise
        vault = cls(folder, keyfile, db, dek, user, wall)
        vault._flush_access_events(access)
        if user.disabled:
            vault.audit("unlock_refused", reason="disabled")
            vault.close()
            raise AccountDisabled()
        access.record_success(username)
        access.save(folder)
        if keyfile.users[username].kdf.below_floor():
            vault._rewrap_self(passphrase, _private)
        vault.audit("unlock")
        swept = sweep_scratch(folder, wall())
        if swept:
            vault.audit("scratch_removed", files=swept)
        return vault

    @staticmethod
    def _open_db(folder: Path, keyfile: K.KeyFile, dek: bytes) -> Database:
        current = keyfile.db_name()
        for stale in folder.glob("vault-*.db"):
            if stale.name != current:
                _remove_db(folder, stale.name)  # left by an interrupted rotation
        db = Database.open(folder / current, dek)
        try:
            vault_id = db.scalar("SELECT value FROM meta WHERE key = 'vault_id'")
            if vault_id != keyfile.vault_id:
                raise CorruptVault("the database belongs to another vault")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def recovery_key_to_dek(folder: Path, secret: str) -> bytes:
        if not vault_exists(folder):
            raise VaultMissing(f"No vault in {folder}.")
        return K.KeyFile.load(folder).unlock_recovery(secret)

    @classmethod
    def audit_recovery_use(cls, folder: Path, dek: bytes, action: str, wall: WallClock) -> None:
        keyfile = K.KeyFile.load(folder)
        db = cls._open_db(folder, keyfile, dek)
        try:
            key = bytes.fromhex(str(db.scalar("SELECT value FROM meta WHERE key = 'audit_key'")))
            device = str(db.scalar("SELECT value FROM meta WHERE key = 'device_id'"))
            AuditLog(db, key).append(at=utc_iso(wall()), user=K.RECOVERY, device=device,
                                     action=action)
        finally:
            db.close()

    # Session -----------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.db is not None

    def require_db(self) -> Database:
        if self.db is None:
            raise PermissionDenied("The vault is locked. Unlock it to continue.")
        return self.db

    def close(self) -> None:
        """Lock: close the connection and overwrite the key bytes we hold (even if closing fails)."""
        db, self.db = self.db, None
        try:
            if db is not None:
                db.close()
        finally:
            for i in range(len(self._dek)):
                self._dek[i] = 0
            # The audit key is bytes (immutable): overwritten in place, or a memory image taken
            # after lock still holds it (the memory test found it).
            audit_key = getattr(getattr(self, "audit_log", None), "key", None)
            if isinstance(audit_key, bytes) and len(audit_key) >= 16:
                wipe_bytes(audit_key)

    def lock(self, reason: str = "manual") -> None:
        """Close the vault whatever happens to the lock's audit entry: a full disk or a damaged
        page must never leave the database and the key open behind a screen that says Locked."""
        try:
            if self.db is not None:
                self.audit("lock", reason=reason)
        except Exception as exc:  # the entry is lost; the lock must not be
            log.warning("lock: its audit entry could not be written (%s)", type(exc))
        finally:
            self.close()

    def require(self, permission: Permission) -> None:
        self._still_allowed()
        if not self.user.can(permission):
            raise PermissionDenied(
                f"Your role ({self.user.role.value}) does not allow this ({permission.value})."
            )

    def _still_allowed(self) -> None:
        """The person as the users table says now: a role changed meanwhile applies at once, and a
        person disabled or removed meanwhile has their session ended (every guarded step asks,
        so at the latest at the next write), the vault closed and the key wiped."""
        db = self.db
        if db is None:
            return
        try:
            fresh: User | None = _load_user(db, self.user.username)
        except NotFound:
            fresh = None
        if fresh is None or fresh.disabled:
            with contextlib.suppress(Exception):  # the session ends even if the entry cannot be written
                self.audit("session_ended", reason="disabled" if fresh is not None else "removed")
            self.close()
            raise AccountDisabled()
        self.user = fresh

    def audit(self, action: str, record_id: str | None = None, **detail: Any) -> None:
        self.require_db()
        self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username,
                              device=self.device, action=action, record_id=record_id,
                              detail=detail)

    def verify_audit(self) -> Verification:
        self.require(Permission.VIEW_AUDIT)
        result = self.audit_log.verify()
        self.audit("audit_verified", ok=result.ok, entries=result.entries)
        return result

    def _flush_access_events(self, access: AccessState) -> None:
        if not access.pending:
            return
        db = self.require_db()
        with db.transaction():
            for event in access.pending:
                self.audit_log.append(at=utc_iso(float(event.get("at", 0.0))),
                                      user=str(event.get("user", "-")), device=self.device,
                                      action=str(event["action"]))
        access.pending.clear()
        access.save(self.folder)

    def _edit_keyfile(self, change: Callable[[K.KeyFile], None]) -> None:
        """Re-read, change and save the key file under a lock, so that two sessions (the
        app and the CLI, or two users) never overwrite each other's wraps."""
        with exclusive_lock(self.folder / "keys.lock"):
            fresh = K.KeyFile.load(self.folder)
            if fresh.generation != self.keyfile.generation:
                raise CsecError("The vault was re-keyed by another session. Lock, then unlock again.")
            change(fresh)
            fresh.save(self.folder)
            self.keyfile = fresh

    # People ------------------------------------------------------------------

    def users(self) -> list[User]:
        rows = self.require_db().query("SELECT body FROM users WHERE removed = 0 ORDER BY username")
        return [User.model_validate_json(r[0]) for r in rows]

    def get_user(self, username: str) -> User:
        return _load_user(self.require_db(), username)

    def add_user(self, username: str, *, role: Role | str, passphrase: str,
                 display_name: str | None = None, unit: str | None = None) -> User:
        self.require(Permission.MANAGE_USERS)
        db = self.require_db()
        user = _user_or_error({"username": username, "display_name": display_name or username,
                               "role": role, "unit": unit})
        existing = db.one("SELECT removed FROM users WHERE username = ?", (user.username,))
        if existing and not existing[0]:
            raise ValidationFailed([FieldProblem("username", "is already taken")])
        _check_passphrase(passphrase, about=(user.username, user.display_name, self.county))
        private = X25519PrivateKey.generate()
        with db.transaction():
            if existing:  # a removed user comes back with a new key pair and passphrase
                db.execute("DELETE FROM users WHERE username = ?", (user.username,))
            _insert_user(db, user, K.public_bytes(private), utc_iso(self.wall()))
            self.audit("user_added", target=user.username, role=user.role.value)
            dek = bytes(self._dek)
            # Saved inside the transaction: if the key file cannot be written the user row
            # rolls back too, so no one exists in one place and not the other.
            self._edit_keyfile(lambda kf: kf.set_user(user.username, private, passphrase, dek))
        return user

    def update_user(self, username: str, **changes: Any) -> User:
        """Role, unit, display name, disabled flag, extra permissions."""
        self.require(Permission.MANAGE_USERS)
        db = self.require_db()
        current = self.get_user(username)
        if username == self.user.username and (
            changes.get("disabled") or changes.get("role", Role.ADMINISTRATOR) != Role.ADMINISTRATOR
        ):
            raise PermissionDenied("You cannot disable yourself or take away your own administrator role.")
        allowed = {"role", "unit", "display_name", "disabled", "extra_permissions"}
        bad = [k for k in changes if k not in allowed]
        if bad:
            raise ValidationFailed([FieldProblem(k, "cannot be changed here") for k in bad])
        updated = _user_or_error({**current.model_dump(), **changes})
        with db.transaction():
            db.execute("UPDATE users SET body = ?, updated_at = ? WHERE username = ?",
                       (updated.model_dump_json(), utc_iso(self.wall()), username))
            diff = {k: [getattr(current, k), getattr(updated, k)] for k in changes}
            self.audit("user_changed", target=username,
                       changes=json.loads(json.dumps(diff, default=str)))
        return updated

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap this user's private key under a key derived from the new passphrase."""
        _check_passphrase(new, "new passphrase",
                          about=(self.user.username, self.user.display_name, self.county))
        try:
            _dek, private = self.keyfile.unlock_user(self.user.username, old)
        except WrongPassphrase:
            raise ValidationFailed([FieldProblem("current passphrase", "is not right")]) from None
        self._rewrap_self(new, private)
        self.audit("passphrase_changed", target=self.user.username)

    def _rewrap_self(self, passphrase: str, private: X25519PrivateKey) -> None:
        dek = bytes(self._dek)
        self._edit_keyfile(lambda kf: kf.set_user(self.user.username, private, passphrase, dek))

    def release_lockout(self, username: str) -> None:
        self.require(Permission.MANAGE_USERS)
        access = AccessState.load(self.folder)
        access.release(username)
        access.save(self.folder)
        self.audit("lockout_released", target=username)

    def remove_user(self, username: str, *, for_cause: bool) -> None:
        """Remove access. For cause, the data key is rotated so an old wrap opens nothing."""
        self.require(Permission.MANAGE_USERS)
        if username == self.user.username:
            raise PermissionDenied("You cannot remove yourself.")
        db = self.require_db()
        self.get_user(username)
        with db.transaction():
            db.execute("UPDATE users SET removed = 1, updated_at = ? WHERE username = ?",
                       (utc_iso(self.wall()), username))
            self.audit("user_removed", target=username, for_cause=for_cause)
            self._edit_keyfile(lambda kf: kf.drop_user(username))
        if for_cause:
            self.rotate_data_key(reason=f"user {username} removed for cause")

    def rotate_data_key(self, reason: str = "scheduled") -> None:
        """New data key, new database file via sqlcipher_export, key file swapped atomically."""
        self.require(Permission.MANAGE_USERS)
        db = self.require_db()
        publics = {
            r[0]: K.unb64(r[1])
            for r in db.query("SELECT username, public_key FROM users WHERE removed = 0")
        }
        recovery = K.unb64(str(db.scalar("SELECT value FROM meta WHERE key = 'recovery_public'")))
        if recovery != self.keyfile.recovery_public:
            raise CorruptVault("the key file's recovery key was altered")
        with exclusive_lock(self.folder / "keys.lock"):
            self._rotate_locked(db, publics, reason)

    def _rotate_locked(self, db: Database, publics: dict[str, bytes], reason: str) -> None:
        new_dek = os.urandom(32)
        new_keyfile = K.KeyFile.load(self.folder)
        if new_keyfile.generation != self.keyfile.generation:
            raise CsecError("The vault was re-keyed by another session. Lock, then unlock again.")
        new_keyfile.generation = self.keyfile.generation + 1
        target = self.folder / new_keyfile.db_name()
        _remove_db(self.folder, target.name)
        self.audit("key_rotation", reason=reason, generation=new_keyfile.generation)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.export_to(target, new_dek)
        check = Database.open(target, new_dek)
        try:
            problems = check.integrity_problems()
        finally:
            check.close()
        if problems:
            _remove_db(self.folder, target.name)
            raise CorruptVault("the re-encrypted copy failed its integrity check; nothing changed")
        new_keyfile.reseal_all(new_dek, publics)
        fsync_dir(self.folder)
        new_keyfile.save(self.folder)  # the commit point
        old_name = self.keyfile.db_name()
        db.close()
        _remove_db(self.folder, old_name)
        self.keyfile = new_keyfile
        self._dek = bytearray(new_dek)
        self._bind(Database.open(target, new_dek))

    # Backup and restore ----------------------------------------------------

    def backup(self, target: Path) -> int:
        """Write an encrypted copy that the county recovery key restores. Returns records."""
        self.require(Permission.BACKUP)
        db = self.require_db()
        if target.exists():
            raise CsecError(f"{target} already exists; choose a new file name.")
        backup_key = os.urandom(32)
        scratch = self.folder / f".backup-{new_id()}.db"
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.export_to(scratch, backup_key)
            payload = scratch.read_bytes()
        finally:
            _remove_db(self.folder, scratch.name)
        count = int(db.scalar("SELECT count(*) FROM records"))
        header = {
            "vault_id": self.vault_id,
            "made_at": utc_iso(self.wall()),
            "records": count,
            "recovery_public": K.b64(self.keyfile.recovery_public),
            "key": K.seal_dek(backup_key, self.keyfile.recovery_public, self.vault_id,
                              "@backup", 0),
            "users": {n: w.to_json() for n, w in self.keyfile.users.items()},
        }
        head = json.dumps(header).encode()
        blob = BACKUP_MAGIC + len(head).to_bytes(8, "big") + head + payload
        atomic_write(target, blob)
        self.audit("backup", records=count)
        return count

    @classmethod
    def restore(cls, folder: Path, source: Path, recovery_secret: str,
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
        staging = folder / f".restore-{new_id()}"
        staging.mkdir()
        try:
            compared, users, entries = _build_restored(staging, header, payload, backup_key, vault_id,
                                                       recovery_pub, wall)
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
        return RestoreReport(compared, users, entries, moved)


def _build_restored(staging: Path, header: dict[str, Any], payload: bytes, backup_key: bytes,
                    vault_id: str, recovery_pub: bytes, wall: WallClock) -> tuple[int, int, int]:
    """The vault of a backup, re-encrypted under a new key and checked record by record, with its
    key file, all in `staging`: (records, people, audit entries)."""
    scratch = staging / "backup.db"
    atomic_write(scratch, payload)
    new_dek = os.urandom(32)
    try:
        users = {n: K.UserWrap.from_json(w) for n, w in header["users"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptVault(f"the backup header cannot be read ({type(exc).__name__})") from None
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
            publics = {r[0]: K.unb64(r[1]) for r in
                       dst.query("SELECT username, public_key FROM users WHERE removed = 0")}
            keyfile.users = {n: w for n, w in keyfile.users.items() if n in publics}
            keyfile.reseal_all(new_dek, {n: publics[n] for n in keyfile.users})
            audit_key = bytes.fromhex(str(dst.scalar("SELECT value FROM meta WHERE key='audit_key'")))
            device = str(dst.scalar("SELECT value FROM meta WHERE key = 'device_id'"))
            log = AuditLog(dst, audit_key)
            log.append(at=utc_iso(wall()), user=K.RECOVERY, device=device, action="restore",
                       detail={"records": compared, "backup_made_at": header.get("made_at")})
            entries = log.count()
        finally:
            dst.close()
    finally:
        src.close()
        _remove_db(staging, scratch.name)
    keyfile.save(staging)
    return compared, len(keyfile.users), entries


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


def _user_or_error(data: dict[str, Any]) -> User:
    from pydantic import ValidationError

    from csec_desktop.domain.base import problems_from

    try:
        return User.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_from(exc)) from None


def _insert_user(db: Database, user: User, public: bytes, now: str) -> None:
    db.execute(
        "INSERT INTO users (username, body, public_key, created_at, updated_at) VALUES (?,?,?,?,?)",
        (user.username, user.model_dump_json(), K.b64(public), now, now),
    )


def _load_user(db: Database, username: str) -> User:
    row = db.one("SELECT body, removed FROM users WHERE username = ?", (username,))
    if row is None or row[1]:
        raise NotFound(f"No user named {username}.")
    return User.model_validate_json(row[0])
