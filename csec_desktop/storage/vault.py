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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from csec_desktop import machine_policy
from csec_desktop.clock import HybridClock, WallClock, system_clock, utc_iso
from csec_desktop.domain.people import NEVER_GRANTED, ROLE_LABELS, Permission, Role, User, passphrase_strength
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
from csec_desktop.fileio import exclusive_lock, fsync_dir
from csec_desktop.ids import new_id
from csec_desktop.storage import account_copies, integrity, recovery, sealed_rows
from csec_desktop.storage import compartments as C
from csec_desktop.storage import county_settings as S
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.access import AccessState
from csec_desktop.storage.audit import AuditLog, Signer, derive_audit_key
from csec_desktop.storage.database import Database, wipe_bytes
from csec_desktop.storage.keys import vault_exists
from csec_desktop.storage.records import RecordStore
from csec_desktop.storage.schema import (
    NEWEST_STAMP_TIME,
    SCHEMA_VERSION,
    foreign_code,
    migrate,
    schema_version,
)
from csec_desktop.storage.vault_files import remove_db, sweep_scratch
from csec_desktop.text import N_, Line, W

log = logging.getLogger(__name__)




def _check_passphrase(passphrase: str, field: str = "passphrase", *,
                      about: Iterable[str | None] = ()) -> None:
    """Refuse a guessable passphrase; `about` are the user's name, display name and county, which
    an attacker would try first. The message carries zxcvbn's feedback."""
    found = passphrase_strength(passphrase, about)
    if found.problem:
        advice = " ".join(found.feedback)
        raise ValidationFailed([FieldProblem(field, found.problem + (f" ({advice})" if advice else ""))])


class Vault:
    def __init__(
        self, folder: Path, keyfile: K.KeyFile, db: Database, dek: bytes, user: User,
        wall: WallClock, private: X25519PrivateKey | None = None,
    ) -> None:
        self.folder = folder
        # The person's own keys, as bytes this object can wipe at lock: the X25519 key opens the
        # secrets sealed to them (the roster key, compartments), the seed signs what they write.
        self._private = bytearray(K.private_bytes(private)) if private is not None else bytearray()
        self._seed = K.signing_seed(private) if private is not None else bytearray()
        self._kek = bytearray()  # set by unlock: re-pins this person's key-file entry at lock
        self._rotated = False  # the roster key was just replaced (Vault._admin_keys)
        self.keyring = C.Keyring(keyfile.vault_id)
        self.warnings: list[str] = []
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
        latest = db.scalar(NEWEST_STAMP_TIME)  # time and counter: past them is past every stamp
        if latest:
            self.clock.observe(f"{latest}-")
        self._bind(db)

    def _bind(self, db: Database) -> None:
        self.db = db
        audit_key = bytes.fromhex(str(db.scalar("SELECT value FROM meta WHERE key = 'audit_key'")))
        signing = bool(self._seed) and R.load(db) is not None
        signer = Signer(self.user.username, self._seed) if signing else None
        self.audit_log = AuditLog(db, audit_key, signer)
        self.keyring.wipe()
        self.keyring = C.load_keyring(db, self.vault_id, self.user.username,
                                      self._private_key() if self._private else None)
        self.records = RecordStore(db, self.clock, self.wall, self.user.username, self.device, signer,
                                   self.keyring)
        self.records.shadow.prepare(self._sealed_index_key(), self.records.sealed_youth)
        # A field of a stored body as this person reads it, for queries over sealed records.
        db.function("opened", 3, self._opened)

    def _sealed_index_key(self) -> Callable[[], bytearray] | None:
        """How to derive the sealed youth index's key (storage/sealed_rows.py), for a person who
        holds the sealed records' key; None for anyone else."""
        if not self.keyring.holds(C.SEALED.name):
            return None
        ring = self.keyring
        return lambda: ring.file_key(C.SEALED.name, b"sealed youth index")

    def _opened(self, record_id: str, body: str, name: str) -> Any:
        value = json.loads(body).get(name)
        return self.keyring.open(record_id, name, value)[1] if C.is_sealed(value) else value

    def _private_key(self) -> X25519PrivateKey:
        if not self._private:
            raise PermissionDenied(W("The vault is locked. Unlock it to continue."))
        return X25519PrivateKey.from_private_bytes(bytes(self._private))

    def _pin(self) -> dict[str, Any]:
        """What this person trusts and has seen now, for their key-file entry."""
        db = self.require_db()
        root = R.root_public(db)
        snapshot = R.load(db)
        seq, head = self.audit_log.head()
        # Never lower than a list this session saw: one put back older during it is not pinned.
        seq_seen = max(snapshot.seq if snapshot else 0, self._list_seq)
        return {"roster": K.b64(root) if root else None, "roster_seq": seq_seen,
                "audit_seq": seq, "audit_hash": head, "recovery": K.b64(self.keyfile.recovery_public)}

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
            raise ValidationFailed([FieldProblem("county", N_("is required"))])
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
        roster_seed = bytearray(os.urandom(32))
        roster_public = K.signing_public(roster_seed)
        keyfile.set_user(user.username, private, passphrase, dek,
                         pin={"roster": K.b64(roster_public), "roster_seq": 1, "audit_seq": 0,
                              "audit_hash": ""})
        recovery_signing = K.b64(K.signing_public(K.recovery_signing_seed(secret, vault_id)))

        remove_db(folder, keyfile.db_name())
        db = Database.open(folder / keyfile.db_name(), dek, create=True)
        try:
            migrate(db)
            now = utc_iso(wall())
            with db.transaction():
                for key, value in {
                    "vault_id": vault_id, "device_id": new_id(), "county": county.strip(),
                    "created_at": now, "audit_key": derive_audit_key(dek).hex(),
                    "recovery_public": K.b64(recovery_pub), "roster_public": K.b64(roster_public),
                }.items():
                    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
                _insert_user(db, user, K.public_bytes(private), now,
                             K.signing_public(K.signing_seed(private)))
                R.seal_to(db, vault_id, R.PURPOSE, bytes(roster_seed),
                          {user.username: K.public_bytes(private), K.RECOVERY: recovery_pub})
                R.sign(db, vault_id, roster_seed, audit_signed_from=1, recovery_signing=recovery_signing,
                       settings=S.current(db))
                for compartment in C.COMPARTMENTS:
                    C.new_generation(db, vault_id, compartment, recovery_pub, None)
            roster_seed[:] = bytes(32)
        except BaseException:
            db.close()
            raise
        # The key file is written last: until it exists there is no vault, only debris.
        keyfile.save(folder)
        vault = cls(folder, keyfile, db, dek, user, wall, private)
        vault.audit("vault_created", county=county.strip())
        vault.audit("user_added", target=user.username, role=user.role.value)
        return vault, secret

    @classmethod
    def unlock(
        cls, folder: Path, username: str, passphrase: str, *, wall: WallClock = system_clock,
        ahead: K.KeyAhead | None = None, checking: Callable[[str], None] | None = None,
    ) -> Vault:
        """Open the vault as this person. `ahead` is their key, derived while the window loaded
        the app's modules (ui/main_window.py `_unlock`); without it the key is derived here.
        `checking` is told, with the reason, before work that takes seconds on a large vault, so
        the window can say why the unlock takes longer: UPGRADING before the vault is brought to
        this version's schema, CHECKING before the quick check that follows a session not ended
        with a lock."""
        if not vault_exists(folder):
            raise VaultMissing(f"No vault in {folder}. Create one first.")
        keyfile = K.KeyFile.load(folder)
        access = AccessState.load(folder)
        now = wall()
        minutes = access.minutes_left(username, now)
        if minutes:
            raise AccountLocked(minutes)
        try:
            dek, _private, kek = keyfile.unlock_user_pinned(username, passphrase, ahead)
        except WrongPassphrase:
            left = access.record_failure(username, now)
            access.save(folder)
            if left == 0:
                raise AccountLocked(access.minutes_left(username, now)) from None
            raise WrongPassphrase(left) from None
        try:
            try:
                db = cls._open_db(folder, keyfile, dek, checking)
            except BaseException:
                kek[:] = bytes(len(kek))
                raise
            try:
                _check_after_unclean_end(db, checking)
                user = _load_user(db, username)
            except BaseException:
                db.close()
                raise
            vault = cls(folder, keyfile, db, dek, user, wall, _private)
            try:
                vault._check_trust(keyfile.users[username].pin)
                vault._flush_access_events(access)
                if vault.user.disabled:
                    vault.audit("unlock_refused", reason="disabled")
                    raise AccountDisabled()
            except BaseException:
                vault.close()
                raise
            access.record_success(username)
            access.save(folder)
            vault._kek = bytearray(kek)
            if keyfile.users[username].kdf.below_floor():
                vault._rewrap_self(passphrase, _private)
            vault.audit("unlock")
            swept = sweep_scratch(folder, wall())
            if swept:
                vault.audit("scratch_removed", files=swept)
            # What this person now trusts and has seen, sealed with their passphrase.
            vault._repin()
        finally:
            kek[:] = bytes(len(kek))
        return vault

    def _repin(self) -> None:
        if not self._kek:
            return
        pin, kek, private = self._pin(), self._kek, self._private_key()
        self._edit_keyfile(lambda kf: kf.repin(self.user.username, private, kek, pin))

    def _check_trust(self, pin: dict[str, Any] | None) -> None:
        """At unlock: the list of people against its signature (rows changed outside the app are put
        back and named), this person's own signing key, and the audit entry they saw last; the
        recovery key as this person last saw it, before anything is sealed to it."""
        self._check_recovery(pin)
        self._refuse_foreign_code()
        self._check_people(pin)
        self._compartment_upkeep()

    def _refuse_foreign_code(self) -> None:
        foreign = foreign_code(self.require_db())
        if foreign:
            raise CorruptVault("the vault's database was changed outside the app (" + "; ".join(foreign[:5])
                               + "); restore the vault's folder from a backup")

    def _check_recovery(self, pin: dict[str, Any] | None) -> None:
        """The recovery key's public half is kept in the key file and the vault, unsigned; every
        compartment key is sealed to it. Put there by someone with the file, their own key would be
        given every sealed record and every youth's account at the next holder's unlock. No step of
        the app changes it, so it must be the one this person saw at their last unlock (pinned
        then, under their passphrase; a pin from before this check is taken as it is now)."""
        seen = pin.get("recovery") if pin else None
        if seen is not None and K.unb64(str(seen)) != self.keyfile.recovery_public:
            raise CorruptVault("the vault's recovery key is not the one you saw at your last unlock (the "
                               "key file was changed outside the app): nothing was sealed to it. Tell "
                               "the administrator; restore the vault's folder from a backup")
        stored = self.require_db().scalar("SELECT value FROM meta WHERE key = 'recovery_public'")
        if stored is not None and K.unb64(str(stored)) != self.keyfile.recovery_public:
            raise CorruptVault("the key file's recovery key differs from the vault's (one of them was "
                               "changed outside the app): nothing was sealed to it")

    def _check_people(self, pin: dict[str, Any] | None) -> None:
        db = self.require_db()
        snapshot = R.load(db)
        if snapshot is None and pin and pin.get("roster"):
            # This person saw a signed list: one removed since would let an administrator's next
            # unlock sign whatever the rows then hold.
            raise CorruptVault("the signed list of people was removed from the vault (it was changed "
                               "outside the app); restore the vault's folder from a backup")
        if snapshot is None:
            if self.user.role == Role.ADMINISTRATOR:
                self._start_signatures()
            else:
                self.warnings.append("This vault's list of people is not signed yet: it will be at an "
                                     "administrator's next unlock.")
            return
        pinned = K.unb64(pin["roster"]) if pin and pin.get("roster") else None
        root = R.trusted_root(db, self.vault_id, pinned)
        R.check_signature(snapshot, self.vault_id, root)
        if pin and int(pin.get("roster_seq") or 0) > snapshot.seq:
            raise CorruptVault("the list of people is older than the one you saw at your last unlock "
                               "(an older copy was put back)")
        self._list_seq = snapshot.seq
        signed = next((row for row in snapshot.rows if row[0] == self.user.username), None)
        if signed is not None and signed[2] != K.b64(K.public_bytes(self._private_key())):
            # A key-file entry written by someone else, with a key pair and passphrase of theirs,
            # opened as this person: the signed list names the key pair the person was given.
            raise CorruptVault(f"the key-file entry of {self.user.username} is not the one the signed list "
                               "of people names (it was replaced outside the app)")
        diff = R.differences(snapshot, R.current_rows(db))
        mine = K.b64(K.signing_public(self._seed))
        with db.transaction():
            if diff.changed:
                R.put_back(db, snapshot, diff.changed, utc_iso(self.wall()))
                self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                                      action="tamper_detected", detail={"what": "people",
                                                                        "users": diff.changed})
                self.warnings.append("People were changed outside the app and were put back as an "
                                     "administrator signed them: " + ", ".join(diff.changed) + ".")
                self.user = _load_user(db, self.user.username)
            row = db.one("SELECT signing_key FROM users WHERE username = ?", (self.user.username,))
            if row is not None and row[0] != mine:
                if row[0] is not None:
                    self.warnings.append("Your signing key in the list of people was replaced; it was "
                                         "set back.")
                db.execute("UPDATE users SET signing_key = ? WHERE username = ?", (mine, self.user.username))
                self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                                      action="signing_key_recorded", detail={})
            # After the people are put back: a list signed before the settings were is signed
            # again here with them, and must not sign a row changed outside the app.
            self._check_settings(snapshot)
            if self.user.role == Role.ADMINISTRATOR:
                pending = R.differences(R.load(db) or snapshot, R.current_rows(db)).pending
                if pending:
                    self._sign_roster()
                    self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username,
                                          device=self.device, action="signing_keys_confirmed",
                                          detail={"users": pending})
        if pin and int(pin.get("audit_seq") or 0) > 0:
            seen = self.audit_log.hash_at(int(pin["audit_seq"]))
            if seen != pin.get("audit_hash"):
                what = "removed" if seen is None else "rewritten"
                self.warnings.append(f"The audit trail was {what} since your last unlock (entry "
                                     f"{pin['audit_seq']}). Tell your administrator.")
                self.audit("tamper_detected", what="audit trail", entry=int(pin["audit_seq"]), found=what)

    def _check_settings(self, snapshot: R.Snapshot) -> None:
        """The county's settings against the signed list (county_settings.py), inside the unlock's
        transaction: rows changed outside the app are put back as signed. A list signed before the
        settings were is signed again with them as found, once, at an administrator's unlock."""
        db = self.require_db()
        signed = snapshot.settings
        if signed is None:
            if self.user.role == Role.ADMINISTRATOR:
                found = S.current(db)
                self._sign_roster(settings=found, before=snapshot)
                # Rows anyone could have edited until now: the administrator sees what was signed.
                shown = {k: v for k, v in found.items() if k != "sync.cert_pem"}
                self.warnings.append("The county's settings are now signed, as they were found: " + "; ".join(
                    f"{S.label(k)} {v}" for k, v in sorted(shown.items())) + ". Check them on the "
                    "Administration page.")
            return
        changed = S.changed(db, signed)
        if not changed:
            return
        S.put_back(db, signed, changed)
        if "county" in signed:  # read when the vault opened, before it was put back
            self.county = signed["county"]
        self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                              action="tamper_detected",
                              detail={"what": "county settings", "settings": changed})
        self.warnings.append("County settings were changed outside the app and were put back as an "
                             "administrator signed them: " + ", ".join(map(S.label, changed)) + ".")

    def _start_signatures(self) -> None:
        """A vault from before signatures, opened by an administrator: make the roster key, seal it
        to every administrator and the recovery key, sign the list; from here every entry is signed."""
        db = self.require_db()
        seed = bytearray(os.urandom(32))
        try:
            admins = {r[0]: K.unb64(r[2]) for r in db.query("SELECT username, body, public_key FROM users "
                                                            "WHERE removed = 0")
                      if json.loads(r[1]).get("role") == Role.ADMINISTRATOR.value}
            with db.transaction():
                db.execute("UPDATE users SET signing_key = ? WHERE username = ?",
                           (K.b64(K.signing_public(self._seed)), self.user.username))
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('roster_public', ?)",
                           (K.b64(K.signing_public(seed)),))
                R.seal_to(db, self.vault_id, R.PURPOSE, bytes(seed),
                          {**admins, K.RECOVERY: self.keyfile.recovery_public})
                next_seq = self.audit_log.head()[0] + 2  # after the entry below
                self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                                      action="signatures_started", detail={})
                R.sign(db, self.vault_id, seed, audit_signed_from=next_seq, settings=S.current(db))
        finally:
            seed[:] = bytes(32)
        self._bind(db)

    def _roster_seed(self) -> bytearray:
        db = self.require_db()
        seed = R.open_sealed(db, self.vault_id, R.PURPOSE, self.user.username, self._private_key())
        if seed is None:
            raise PermissionDenied(W("Only an administrator holding the roster key can change people."))
        return seed

    def _trusted_list(self) -> R.Snapshot | None:
        """The signed list of people as it is now, checked against the roster key this person's pin
        names (or one it endorsed since: an administrator demoted meanwhile); None in a vault from
        before signatures. Anything else is damage: what is signed next is built on it."""
        db = self.require_db()
        snapshot = R.load(db)
        wrap = self.keyfile.users.get(self.user.username)
        pinned = wrap.pin.get("roster") if wrap is not None and wrap.pin else None
        if snapshot is None:
            if pinned:
                raise CorruptVault("the signed list of people was removed from the vault (it was changed "
                                   "outside the app); restore the vault's folder from a backup")
            return None
        root = R.trusted_root(db, self.vault_id, K.unb64(str(pinned)) if pinned else None)
        R.check_signature(snapshot, self.vault_id, root)
        seen = max(self._list_seq, int((wrap.pin or {}).get("roster_seq") or 0) if wrap is not None else 0)
        if snapshot.seq < seen:
            # An older list put back during the session rolled the settings back at once, and was
            # pinned at lock: the policy and people as they were signed before.
            raise CorruptVault("the list of people is older than one you saw (an older copy was put "
                               "back); restore the vault's folder from a backup")
        self._list_seq = snapshot.seq
        return snapshot

    def _verified_list(self) -> R.Snapshot | None:
        """`_trusted_list`, checked again only when the list's text changes (each guarded step and
        each policy read ask)."""
        text = self.require_db().scalar("SELECT value FROM meta WHERE key = 'roster'")
        # Again, too, when a newer list was signed since this text was checked: the same text put
        # back would be an older list.
        if text is None or text != self._list_text or (self._list is not None
                                                       and self._list.seq < self._list_seq):
            self._list_text, self._list = text, self._trusted_list()
        return self._list

    def signed_settings(self) -> dict[str, str] | None:
        """The county's settings as the signed list holds them (policy, the sync's hub); None before
        they are signed (a vault from before them, until an administrator's unlock), when the rows
        are all there is."""
        listed = self._verified_list()
        return listed.settings if listed is not None else None

    def sign_settings(self, changes: dict[str, str | None]) -> None:
        """An administrator's change of settings (None removes one), inside the caller's transaction:
        the values signed last with the change laid over them, written to their rows and signed;
        rows changed meanwhile outside the app are put back, not signed."""
        db = self.require_db()
        before = self._trusted_list()
        signed = before.settings if before is not None and before.settings is not None else S.current(db)
        settings = {k: v for k, v in {**signed, **changes}.items() if v is not None}
        changed = S.changed(db, settings)
        S.put_back(db, settings, changed)
        tampered = [name for name in changed if name not in changes]
        if tampered:
            self.audit("tamper_detected", what="county settings", settings=tampered)
            self.warnings.append("County settings were changed outside the app and were put back as an "
                                 "administrator signed them: " + ", ".join(map(S.label, tampered)) + ".")
        self._sign_roster(settings=settings, before=before)

    _list_text: Any = None
    _list: R.Snapshot | None = None
    _list_seq = 0  # the newest signed list this session saw

    def _sign_roster(self, settings: dict[str, str] | None = R._KEEP, before: R.Snapshot | None = R._KEEP,
                     changing: str | None = None, retired: dict[str, str] | None = None,
                     keys_new: bool = False) -> None:
        """Sign the list of people, with the county's settings (by default those signed last), with
        the roster key: after a change of people (`changing`, whose row is new) or of settings, and
        after the key itself changes. `before`: the list signed last, as checked by the caller."""
        self._refuse_foreign_code()  # a trigger added during the session would act on what is signed
        seed = self._roster_seed()
        try:
            if before is R._KEEP:
                before = self._trusted_list()
            if before is not None:
                self._others_as_signed(before, changing, keys_new)
            self._list_seq = R.sign(self.require_db(), self.vault_id, seed, settings=settings,
                                    before=before, retired=retired).seq
        finally:
            seed[:] = bytes(len(seed))

    def _admin_keys(self, username: str, public: bytes, is_admin: bool) -> None:
        """Give the roster key to a person who is now an administrator; take it from one who is not."""
        db = self.require_db()
        if is_admin:
            seed = self._roster_seed()
            try:
                R.seal_to(db, self.vault_id, R.PURPOSE, bytes(seed), {username: public})
            finally:
                seed[:] = bytes(len(seed))
        elif db.execute("DELETE FROM sealed_keys WHERE purpose = ? AND principal = ?", (R.PURPOSE, username)):
            # They held the roster key and may have kept it: a new one, endorsed by the old.
            seed = self._roster_seed()
            try:
                people = ((name, User.model_validate_json(body), public) for name, body, public in
                          db.query("SELECT username, body, public_key FROM users WHERE removed = 0"))
                admins = {name: K.unb64(public) for name, user, public in people
                          if user.role == Role.ADMINISTRATOR and not user.disabled}
                R.rotate(db, self.vault_id, seed, {**admins, K.RECOVERY: self.keyfile.recovery_public})
            finally:
                seed[:] = bytes(len(seed))
            self.audit("roster_key_rotated", former=username)
            self._rotated = True

    @staticmethod
    def _open_db(folder: Path, keyfile: K.KeyFile, dek: bytes,
                 checking: Callable[[str], None] | None = None) -> Database:
        current = keyfile.db_name()
        for stale in folder.glob("vault-*.db"):
            if stale.name != current:
                remove_db(folder, stale.name)  # left by an interrupted rotation
        for stale in folder.glob("vault-*.db" + sealed_rows.SUFFIX + "*"):
            if not stale.name.startswith(current + sealed_rows.SUFFIX):
                with contextlib.suppress(OSError):  # an old sealed index left behind by one
                    stale.unlink()
        db = Database.open(folder / current, dek)
        try:
            vault_id = db.scalar("SELECT value FROM meta WHERE key = 'vault_id'")
            if vault_id != keyfile.vault_id:
                raise CorruptVault("the database belongs to another vault")
            if checking is not None and schema_version(db) < SCHEMA_VERSION:
                checking(UPGRADING)  # schema 17 took 3 s at 100,000 youth
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
    def audit_recovery_use(cls, folder: Path, dek: bytes, action: str, wall: WallClock,
                           secret: str) -> None:
        keyfile = K.KeyFile.load(folder)
        db = cls._open_db(folder, keyfile, dek)
        try:
            key = bytes.fromhex(str(db.scalar("SELECT value FROM meta WHERE key = 'audit_key'")))
            device = str(db.scalar("SELECT value FROM meta WHERE key = 'device_id'"))
            with db.transaction():
                signer = recovery.recovery_signer(db, keyfile.vault_id, secret, utc_iso(wall()))
                AuditLog(db, key, signer).append(at=utc_iso(wall()), user=K.RECOVERY, device=device,
                                                 action=action)
        finally:
            db.close()

    # Session -----------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.db is not None

    @property
    def changes_written(self) -> int:
        """How many changes for the hub this session has written (RecordStore.written)."""
        records = getattr(self, "records", None)
        return records.written if records is not None else 0

    def require_db(self) -> Database:
        if self.db is None:
            raise PermissionDenied(W("The vault is locked. Unlock it to continue."))
        return self.db

    def close(self) -> None:
        """Lock: close the connection and overwrite the key bytes we hold (even if closing fails)."""
        db, self.db = self.db, None
        try:
            if db is not None:
                db.close()
        finally:
            for secret in (self._dek, self._private, self._seed, self._kek):
                secret[:] = bytes(len(secret))
            self.keyring.wipe()
            signer = getattr(getattr(self, "records", None), "signer", None)
            if signer is not None:
                signer.forget()
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
                self._repin()  # the newest entry and list this person saw, for the next unlock
        except Exception as exc:  # the entry is lost; the lock must not be
            log.warning("lock: its audit entry could not be written (%s)", type(exc))
        finally:
            self.close()

    def require(self, permission: Permission) -> None:
        self._still_allowed()
        if not self.user.can(permission):
            raise PermissionDenied(W("Your role ({role}) does not allow this ({permission}).",
                                     role=Line(ROLE_LABELS[self.user.role]), permission=permission.value))

    def _still_allowed(self) -> None:
        """The person as the users table says now: a role changed meanwhile applies at once, and a
        person disabled or removed meanwhile has their session ended (every guarded step asks,
        so at the latest at the next write), the vault closed and the key wiped."""
        db = self.db
        if db is None:
            return
        listed = self._verified_list()
        if listed is not None:
            # As signed: a row edited during the session (a colleague's phone number on this
            # person's letters, a caseworker enabling herself) is not taken up.
            row = next((r for r in listed.rows if r[0] == self.user.username), None)
            fresh: User | None = None if row is None or row[4] else User.model_validate(row[1])
        else:
            try:
                fresh = _load_user(db, self.user.username)
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

    def verify_audit(self) -> integrity.IntegrityReport:
        """The full check (`csec audit verify`, the Administration page's button)."""
        self.require(Permission.VIEW_AUDIT)
        db = self.require_db()
        database = db.full_check() + [f"changed outside the app: {what}" for what in foreign_code(db)]
        snapshot = R.load(db)
        people: list[str] = []
        settings: list[str] = []
        keys: dict[str, tuple[bytes, ...]] = {}
        signed_from: int | None = None
        if snapshot is not None:
            try:
                pin = self.keyfile.users.get(self.user.username)
                pinned = pin.pin.get("roster") if pin is not None and pin.pin else None
                root = R.trusted_root(db, self.vault_id, K.unb64(pinned) if pinned else None)
                R.check_signature(snapshot, self.vault_id, root)
                diff = R.differences(snapshot, R.current_rows(db))
                people = [f"{name}: differs from the signed list" for name in diff.changed]
                settings = integrity.settings_problems(db, snapshot)
                keys, signed_from = self.audit_log.trusted_keys()
            except CorruptVault as exc:
                people = [exc.detail]
        elif (wrap := self.keyfile.users.get(self.user.username)) is not None and wrap.pin \
                and wrap.pin.get("roster"):
            people = ["the signed list of people was removed"]
        anchor = self._seen_anchor()
        result = self.audit_log.verify(keys.get, signed_from=signed_from, anchor=anchor)
        problems, unsigned = integrity.check_records(db, keys)
        report = integrity.IntegrityReport(database, people, result, problems, unsigned, settings)
        self.audit("audit_verified", ok=report.ok, entries=result.entries)
        return report

    def _seen_anchor(self) -> tuple[int, str] | None:
        wrap = self.keyfile.users.get(self.user.username)
        if wrap is None or not wrap.pin or not wrap.pin.get("audit_seq"):
            return None
        return int(wrap.pin["audit_seq"]), str(wrap.pin.get("audit_hash") or "")

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
            raise ValidationFailed([FieldProblem("username", N_("is already taken"))])
        _check_passphrase(passphrase, about=(user.username, user.display_name, self.county))
        private = X25519PrivateKey.generate()
        with db.transaction():
            retired = None
            if existing:  # a removed user comes back with a new key pair and passphrase
                # What they signed before (a passphrase reset is a removal and a return) still holds:
                # their key as the signed list names it, never the row (a caseworker had put her own
                # key in a colleague's row during the session, to forge entries in his name).
                listed = self._trusted_list()
                retired = next((row[3] for row in listed.rows if row[0] == user.username),
                               None) if listed is not None else None
                db.execute("DELETE FROM users WHERE username = ?", (user.username,))
            _insert_user(db, user, K.public_bytes(private), utc_iso(self.wall()),
                         K.signing_public(K.signing_seed(private)))
            self._after_people_change(user.username, K.public_bytes(private), user, keys_new=True,
                                      retired=str(retired) if retired else None)
            self.audit("user_added", target=user.username, role=user.role.value)
            dek = bytes(self._dek)
            pin = self._pin()
            pin["audit_seq"], pin["audit_hash"] = 0, ""  # they have seen nothing yet
            # Saved inside the transaction: if the key file cannot be written the user row
            # rolls back too, so no one exists in one place and not the other.
            self._edit_keyfile(lambda kf: kf.set_user(user.username, private, passphrase, dek, pin))
        return user

    def _others_as_signed(self, snapshot: R.Snapshot, changing: str | None, keys_new: bool = False) -> None:
        """Before a change is signed: every row but the one changing as the list signed them, so the
        signature covers no row changed outside the app meanwhile (a colleague's phone number
        edited during the administrator's session was signed with her next change)."""
        db = self.require_db()
        if changing is not None and not keys_new:
            # The changing row's keys too: no change but a new entry gives new keys (a caseworker's
            # key put in a colleague's row was signed with his removal, then kept as his former key).
            signed = next((row for row in snapshot.rows if row[0] == changing), None)
            if signed is not None and signed[3] is not None:
                db.execute("UPDATE users SET public_key = ?, signing_key = ? WHERE username = ?",
                           (signed[2], signed[3], changing))
        others = [name for name in R.differences(snapshot, R.current_rows(db)).changed if name != changing]
        if not others:
            return
        R.put_back(db, snapshot, others, utc_iso(self.wall()))
        self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                              action="tamper_detected", detail={"what": "people", "users": others})
        self.warnings.append("People were changed outside the app and were put back as an "
                             "administrator signed them: " + ", ".join(others) + ".")

    def _after_people_change(self, username: str, public: bytes, user: User | None, *,
                             retired: str | None = None, keys_new: bool = False) -> None:
        """Inside the change's transaction: the roster key follows the administrator role, then the
        list is signed again (a vault from before signatures has no roster key yet)."""
        db = self.require_db()
        # Checked before the roster key may be replaced below: the list was signed with the old one.
        before = self._trusted_list()
        if before is not None:
            self._others_as_signed(before, username, keys_new)
        waiting = C.people_changed(db, self.vault_id, self.keyring_recovery(), self.keyring)
        self._reload_keyring()  # a new generation may have been made: seal to its key from now on
        if waiting:
            self.warnings.append("What only some roles read (the youth's account in vacatur cases, "
                                 "sealed records) opens for " + ", ".join(waiting) + " after an "
                                 "attorney or supervisor who reads it next unlocks this vault.")
        if R.load(db) is None:
            return
        self._rotated = False
        self._admin_keys(username, public,
                         user is not None and not user.disabled and user.role == Role.ADMINISTRATOR)
        self._sign_roster(before=before, changing=username, keys_new=keys_new,
                          retired={username: retired} if retired else None)
        # A caseworker disabled, removed or given another role loses her copies of shared accounts
        # now, not at the next holder's unlock (no key is needed to delete them).
        account_copies.people_changed(db)
        if self._rotated:
            # Pinned at once (not only at lock), so a list later signed with the key the former
            # administrator kept is refused for this person even if the session ends abruptly.
            self._repin()

    def seal_to_self(self, data: bytes) -> str:
        """Text only this person can open (their drafts)."""
        public = K.public_bytes(self._private_key())
        return json.dumps({"sealed_to": self.user.username,
                           **K.seal_dek(data, public, self.vault_id, self.user.username, 0, "self")})

    def open_for_self(self, text: str) -> bytes:
        data = json.loads(text)
        if not isinstance(data, dict) or "sealed_to" not in data:
            return text.encode()  # written before drafts were sealed
        try:
            return K.open_dek(data, self._private_key(), self.vault_id, self.user.username, 0, "self")
        except Exception:
            raise CorruptVault("a draft of yours does not open") from None

    def _reload_keyring(self) -> None:
        self.keyring.wipe()
        self.keyring = C.load_keyring(self.require_db(), self.vault_id, self.user.username,
                                      self._private_key() if self._private else None)
        self.records.ring = self.keyring
        self.records.shadow.prepare(self._sealed_index_key(), self.records.sealed_youth)

    def open_sealed_to_self(self, sealed: dict[str, str], purpose: str) -> bytes:
        """What was sealed to this person's public key (`keys.seal_dek` with `purpose`, generation 0)."""
        try:
            return K.open_dek(sealed, self._private_key(), self.vault_id, self.user.username, 0, purpose)
        except Exception:
            raise CorruptVault(f"something sealed to you ({purpose}) does not open") from None

    def keyring_recovery(self) -> bytes:
        return self.keyfile.recovery_public

    def _compartment_upkeep(self) -> None:
        """At unlock: a vault from before compartments gets them (anyone may make them: the key is
        sealed to the people allowed, by their public keys); a holder gives copies to people newly
        allowed and makes a new generation after someone lost the right."""
        db = self.require_db()
        with db.transaction():
            made = [c.name for c in C.COMPARTMENTS if db.scalar("SELECT 1 FROM meta WHERE key = ?",
                                                                (c.purpose,)) is None]
            for compartment in C.COMPARTMENTS:
                if compartment.name in made:
                    C.new_generation(db, self.vault_id, compartment, self.keyfile.recovery_public, None)
            if made:
                self.keyring = C.load_keyring(db, self.vault_id, self.user.username, self._private_key())
                sealed = C.seal_existing(db, self.keyring)
                if C.SEALED.name in made:
                    # Youth sealed before their records were: wrapped now (needs only the public key).
                    self.records.ring = self.keyring
                    for (youth_id,) in db.query("SELECT r.id FROM youth_fields f JOIN records r ON "
                                                "r.rowid = f.rowid WHERE f.sealed = 1 OR (r.body ->> "
                                                "'$.sealed') = 1"):
                        sealed += self.records.reseal_owner(str(youth_id), True)
                self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                                      action="compartments_made", detail={"compartments": made,
                                                                          "values_sealed": sealed})
            done = C.upkeep(db, self.vault_id, self.keyfile.recovery_public, self.keyring)
            unsealed = self._finish_unsealing(db)
            if unsealed:
                done["unsealed"] = unsealed
            if self.keyring.holds(C.NARRATIVE.name):
                self.records.ring = self.keyring
                account_copies.refresh_all(db, self.keyring,
                                           lambda y: self.records.under_seal("youth", y, {}))
            if done:
                self.audit_log.append(at=utc_iso(self.wall()), user=self.user.username, device=self.device,
                                      action="compartment_keys", detail=done)
        if made or done:
            self._bind(db)
        for compartment in C.COMPARTMENTS:
            if self.user.can(compartment.permission) and not self.keyring.holds(compartment.name):
                what = ("Sealed records open" if compartment is C.SEALED
                        else "The youth's account in vacatur cases opens")
                self.warnings.append(f"{what} for you after an attorney or supervisor who reads them "
                                     "next unlocks this vault.")

    def _finish_unsealing(self, db: Database) -> list[str]:
        """Youth unsealed at the hub whose records were pulled by someone who could not take the
        sealed layer off: finished by the first holder to unlock (in the caller's transaction)."""
        waiting = json.loads(db.scalar("SELECT value FROM meta WHERE key = 'unseal_waiting'") or "[]")
        if not waiting or not self.keyring.holds(C.SEALED.name):
            return []
        self.records.ring = self.keyring
        done = []
        for youth_id in waiting:
            # The youth's own record must say so, not only the derived row and the waiting list
            # (both written outside the app by someone with the file, they had a holder's unlock
            # take the seal off a youth the record still called sealed).
            row = db.one("SELECT f.sealed, r.body ->> '$.sealed' FROM records r JOIN youth_fields f ON "
                         "f.rowid = r.rowid WHERE r.id = ? AND r.kind = 'youth'", (youth_id,))
            if row is not None and row[0] == 0 and not row[1]:
                self.records.reseal_owner(youth_id, False)
                done.append(youth_id)
        db.execute("DELETE FROM meta WHERE key = 'unseal_waiting'")
        if done:
            self.warnings.append(_unsealed_warning(len(done)))
        return done

    def update_user(self, username: str, **changes: Any) -> User:
        """Role, unit, display name, disabled flag, extra permissions, work phone and e-mail."""
        self.require(Permission.MANAGE_USERS)
        db = self.require_db()
        current = self.get_user(username)
        if username == self.user.username and (
            changes.get("disabled") or changes.get("role", Role.ADMINISTRATOR) != Role.ADMINISTRATOR
        ):
            raise PermissionDenied(W("You cannot disable yourself or take away your own administrator role."))
        allowed = {"role", "unit", "display_name", "disabled", "extra_permissions", "phone", "email"}
        bad = [k for k in changes if k not in allowed]
        if bad:
            raise ValidationFailed([FieldProblem(k, N_("cannot be changed here")) for k in bad])
        if current.disabled and changes.get("disabled") is False and \
                username not in K.KeyFile.load(self.folder).users:
            raise ValidationFailed([FieldProblem("disabled", N_(
                "cannot be turned off: this person was shut out of the vault's key when it was "
                "re-encrypted while they were disabled. Reset their passphrase to let them in again"))])
        updated = _user_or_error({**current.model_dump(), **changes})
        never = NEVER_GRANTED.get(updated.role, frozenset())
        refused = sorted(p.value for p in never & set(updated.extra_permissions))
        if refused:
            raise ValidationFailed([FieldProblem(
                "extra_permissions", f"an {updated.role.value} cannot be given {', '.join(refused)}: "
                "the people who manage accounts are kept from sealed records and the youth's account")])
        with db.transaction():
            db.execute("UPDATE users SET body = ?, updated_at = ? WHERE username = ?",
                       (updated.model_dump_json(), utc_iso(self.wall()), username))
            public = K.unb64(str(db.scalar("SELECT public_key FROM users WHERE username = ?", (username,))))
            self._after_people_change(username, public, updated)
            diff = {k: [getattr(current, k), getattr(updated, k)] for k in changes}
            self.audit("user_changed", target=username,
                       changes=json.loads(json.dumps(diff, default=str)))
        if username == self.user.username:
            self.user = updated  # what this session prints (a letter's "From") follows at once
        return updated

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap this user's private key under a key derived from the new passphrase."""
        _check_passphrase(new, "new passphrase",
                          about=(self.user.username, self.user.display_name, self.county))
        try:
            _dek, private = self.keyfile.unlock_user(self.user.username, old)
        except WrongPassphrase:
            raise ValidationFailed([FieldProblem("current passphrase", N_("is not right"))]) from None
        self._rewrap_self(new, private)
        self.audit("passphrase_changed", target=self.user.username)

    def _rewrap_self(self, passphrase: str, private: X25519PrivateKey) -> None:
        dek = bytes(self._dek)
        pin = self._pin()
        self._edit_keyfile(lambda kf: kf.set_user(self.user.username, private, passphrase, dek, pin))
        # The key the new passphrase derives, for re-pinning at lock (the old one opens nothing now).
        self._kek[:] = bytes(len(self._kek))
        self._kek = bytearray(self.keyfile.users[self.user.username].kdf.derive(passphrase))

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
            raise PermissionDenied(W("You cannot remove yourself."))
        db = self.require_db()
        self.get_user(username)
        with db.transaction():
            db.execute("UPDATE users SET removed = 1, updated_at = ? WHERE username = ?",
                       (utc_iso(self.wall()), username))
            self._after_people_change(username, b"", None)  # their keys taken, the roster key renewed
            db.execute("DELETE FROM sealed_keys WHERE principal = ?", (username,))
            self.audit("user_removed", target=username, for_cause=for_cause)
            self._edit_keyfile(lambda kf: kf.drop_user(username))
        if for_cause:
            self.rotate_data_key(reason=f"user {username} removed for cause")

    def rotate_data_key(self, reason: str = "scheduled") -> None:
        """New data key, new database file via sqlcipher_export, key file swapped atomically."""
        self.require(Permission.MANAGE_USERS)
        db = self.require_db()
        # Sealed to those who may unlock: a person disabled (put out for cause, say) is shut out of
        # the new key, not only refused by the app (their passphrase still opened the old one).
        publics = {
            r[0]: K.unb64(r[1])
            for r in db.query("SELECT username, public_key, body FROM users WHERE removed = 0")
            if not json.loads(r[2]).get("disabled")
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
        remove_db(self.folder, target.name)
        self.audit("key_rotation", reason=reason, generation=new_keyfile.generation)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.export_to(target, new_dek)
        check = Database.open(target, new_dek)
        try:
            problems = check.integrity_problems()
        finally:
            check.close()
        if problems:
            remove_db(self.folder, target.name)
            raise CorruptVault("the re-encrypted copy failed its integrity check; nothing changed")
        new_keyfile.reseal_all(new_dek, publics)
        fsync_dir(self.folder)
        new_keyfile.save(self.folder)  # the commit point
        old_name = self.keyfile.db_name()
        db.close()
        remove_db(self.folder, old_name)
        self.keyfile = new_keyfile
        self._dek = bytearray(new_dek)
        self._bind(Database.open(target, new_dek))

    # Backup and restore ----------------------------------------------------

    def backup(self, target: Path) -> int:
        """Write an encrypted copy that the county recovery key restores. Returns records."""
        self.require(Permission.BACKUP)
        count = recovery.write_backup(self.require_db(), self.folder, target, self.keyfile,
                                      utc_iso(self.wall()))
        self.audit("backup", records=count)
        return count

    @staticmethod
    def restore(folder: Path, source: Path, recovery_secret: str,
                *, wall: WallClock = system_clock) -> recovery.RestoreReport:
        """Rebuild the vault in `folder` from a backup; a vault already there is moved aside."""
        return recovery.restore(folder, source, recovery_secret, wall=wall)


CLEAN_ENDS = frozenset({"lock", "unlock_refused", "session_ended", "vault_created", "restore"})


UPGRADING = "upgrading"
CHECKING = "checking"
"""What `Vault.unlock` tells its `checking` it is about to do."""


def _unsealed_warning(count: int) -> str:
    """What a holder's unlock says after it took the seal off youth unsealed at the hub."""
    youth = "1 youth" if count == 1 else f"{count} youth"
    return (f"{youth} unsealed at the county hub had the sealed layer taken off their records at this "
            "unlock: anyone who reads unsealed youth can now read them. The audit trail names them "
            "(compartment_keys). If no one unsealed them, tell the administrator.")


def _check_after_unclean_end(db: Database, checking: Callable[[str], None] | None = None) -> None:
    """SQLite's quick check when the last session did not end with a lock (a crash, a power cut,
    a killed process): the likeliest moment for damage, found before anyone writes on top of it.
    Not at every unlock: about 1 s on a vault of 10,000 youth, where unlock takes 0.46 s, and
    3 s at 100,000 youth. `checking` is told first."""
    last = db.scalar("SELECT action FROM audit ORDER BY seq DESC LIMIT 1")
    if last is None or last in CLEAN_ENDS:
        return
    if checking is not None:
        checking(CHECKING)
    problems = db.quick_check()
    if problems:
        raise CorruptVault("the quick check after an unfinished session found: " + "; ".join(problems[:3]))



def _user_or_error(data: dict[str, Any]) -> User:
    from pydantic import ValidationError

    from csec_desktop.domain.base import problems_from

    try:
        return User.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_from(exc)) from None


def _insert_user(db: Database, user: User, public: bytes, now: str, signing: bytes) -> None:
    db.execute(
        "INSERT INTO users (username, body, public_key, signing_key, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?)",
        (user.username, user.model_dump_json(), K.b64(public), K.b64(signing), now, now),
    )



def _load_user(db: Database, username: str) -> User:
    row = db.one("SELECT body, removed FROM users WHERE username = ?", (username,))
    if row is None or row[1]:
        raise NotFound(W("No user named {name}.", name=username))
    return User.model_validate_json(row[0])
