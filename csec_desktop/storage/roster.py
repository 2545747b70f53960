"""The list of people (users table) as an administrator signed it.

Roles are checked by the app, but the users table is only rows in a database that every
person holding the data key can write. So an administrator signs the whole list (every row:
name, role, unit, disabled, public and signing keys, removed) with the vault's roster key: an
Ed25519 key whose private half is sealed only to administrators (and to the county recovery
key). The signed copy is kept beside the table; at every unlock the table is compared with it
and any row changed outside the app is put back as signed, naming the people concerned.

The roster key's public half is pinned in each person's key-file entry (authenticated by their
passphrase), so a forged list signed with another key is refused, and so is an older signed
list than the one the person saw at their last unlock.

When someone stops being an administrator (demoted, disabled, removed) they may have kept the
roster key, so a new one is made, sealed to the administrators left, and endorsed by the old one
(`links`): a person whose pin names an older key follows the endorsements to the current one, and
their next pin names the new key, after which a list signed with the old key is refused for them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from csec_desktop.errors import CorruptVault
from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database

PURPOSE = "roster"
RECOVERY_ROW = "@recovery"

Row = list[Any]  # [username, body (dict), public_key, signing_key | None, removed (bool)]


def current_rows(db: Database) -> list[Row]:
    return [[name, json.loads(body), public, signing, bool(removed)] for name, body, public, signing, removed
            in db.query("SELECT username, body, public_key, signing_key, removed FROM users "
                        "ORDER BY username")]


@dataclass(frozen=True)
class Snapshot:
    seq: int
    rows: list[Row]
    audit_signed_from: int
    recovery_signing: str | None
    sig: str
    settings: dict[str, str] | None = None
    """The county's settings (storage/county_settings.py) under the same signature and sequence
    number; None in a list signed before they were (its message is the older one)."""
    former: dict[str, list[str]] = field(default_factory=dict)
    """Signing keys people had before their entry was made anew (a passphrase reset gives a new
    key pair): what they signed then still holds. Signed with the settings (none before them)."""

    def message(self, vault_id: str) -> bytes:
        return _message(vault_id, self.seq, self.rows, self.audit_signed_from, self.recovery_signing,
                        self.settings, self.former)

    def signing_keys(self) -> dict[str, tuple[bytes, ...]]:
        """Each signer's keys: the current one first, then those they had before."""
        found: dict[str, tuple[bytes, ...]] = {row[0]: (K.unb64(row[3]),) for row in self.rows if row[3]}
        for name, keys in self.former.items():
            found[name] = found.get(name, ()) + tuple(K.unb64(key) for key in keys)
        if self.recovery_signing:
            found[RECOVERY_ROW] = (K.unb64(self.recovery_signing),)
        return found

    def to_json(self) -> str:
        data: dict[str, Any] = {"seq": self.seq, "rows": self.rows, "sig": self.sig,
                                "audit_signed_from": self.audit_signed_from,
                                "recovery_signing": self.recovery_signing}
        if self.settings is not None:
            data["settings"] = self.settings
        if self.former:
            data["former"] = self.former
        return json.dumps(data)


def _message(vault_id: str, seq: int, rows: list[Row], signed_from: int, recovery: str | None,
             settings: dict[str, str] | None = None, former: dict[str, list[str]] | None = None) -> bytes:
    signed: list[Any] = ["roster", vault_id, seq, signed_from, recovery, rows]
    if settings is not None:  # a list signed before the settings were has the shorter message
        signed.append({"settings": settings, **({"former": former} if former else {})})
    return json.dumps(signed, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def load(db: Database) -> Snapshot | None:
    value = db.scalar("SELECT value FROM meta WHERE key = 'roster'")
    if value is None:
        return None
    try:
        data = json.loads(value)
        settings = data.get("settings")
        if settings is not None and not (isinstance(settings, dict)
                                         and all(isinstance(v, str) for v in settings.values())):
            raise TypeError
        # Signed only with the settings: in a list signed before them it is no one's word (kept, a
        # caseworker's map was trusted, then signed at the administrator's first unlock).
        former = (data.get("former") or {}) if settings is not None else {}
        if not (isinstance(former, dict) and all(isinstance(v, list) for v in former.values())):
            raise TypeError
        return Snapshot(int(data["seq"]), list(data["rows"]), int(data["audit_signed_from"]),
                        data.get("recovery_signing"), str(data["sig"]), settings,
                        {str(k): [str(x) for x in v] for k, v in former.items()})
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptVault(f"the signed list of people cannot be read ({type(exc).__name__})") from None


def root_public(db: Database) -> bytes | None:
    value = db.scalar("SELECT value FROM meta WHERE key = 'roster_public'")
    return K.unb64(str(value)) if value else None


_KEEP: Any = object()


def sign(db: Database, vault_id: str, seed: bytes | bytearray, *, audit_signed_from: int | None = None,
         recovery_signing: str | None = None, settings: dict[str, str] | None = _KEEP,
         before: Snapshot | None = _KEEP, retired: dict[str, str] | None = None) -> Snapshot:
    """Sign the users table as it is now (the caller's transaction) and keep the signed copy.
    `before`: the list signed last, as the caller checked it (by default read here, unchecked);
    what it carries on (sequence, recovery key, settings) comes from it. `settings`: the county's
    settings to sign (by default `before`'s), never read from their rows, which anyone may edit.
    `retired`: a person's signing key their entry made anew replaces (kept in `former`; only in a
    list with the settings)."""
    if before is _KEEP:
        before = load(db)
    if settings is _KEEP:
        settings = before.settings if before else None
    seq = before.seq + 1 if before else 1
    signed_from = audit_signed_from if audit_signed_from is not None else (
        before.audit_signed_from if before else 1)
    recovery = recovery_signing or (before.recovery_signing if before else None)
    former = {k: list(v) for k, v in (before.former if before else {}).items()}
    for name, key in (retired or {}).items():
        if key not in former.get(name, []):
            former[name] = [*former.get(name, []), key]
    if settings is None:
        former = {}  # the older message holds none
    rows = current_rows(db)
    sig = K.b64(K.sign(seed, _message(vault_id, seq, rows, signed_from, recovery, settings, former)))
    snapshot = Snapshot(seq, rows, signed_from, recovery, sig, settings, former)
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('roster', ?)", (snapshot.to_json(),))
    return snapshot


def check_signature(snapshot: Snapshot, vault_id: str, public: bytes) -> None:
    try:
        good = K.signature_holds(public, K.unb64(snapshot.sig), snapshot.message(vault_id))
    except ValueError:
        good = False
    if not good:
        raise CorruptVault("the list of people is not signed by an administrator of this vault")


@dataclass(frozen=True)
class Differences:
    changed: list[str]  # rows edited, added or removed outside the app
    pending: list[str]  # only a signing key recorded by its own person, not yet signed


def differences(snapshot: Snapshot, rows: list[Row]) -> Differences:
    signed = {row[0]: row for row in snapshot.rows}
    now = {row[0]: row for row in rows}
    changed, pending = [], []
    for name in sorted(set(signed) | set(now)):
        a, b = signed.get(name), now.get(name)
        if a == b:
            continue
        if a is not None and b is not None and a[3] is None and a[:3] + a[4:] == b[:3] + b[4:]:
            pending.append(name)
        else:
            changed.append(name)
    return Differences(changed, pending)


def put_back(db: Database, snapshot: Snapshot, names: list[str], now: str) -> None:
    """Rewrite the named rows as the signed list has them (remove rows it does not have)."""
    signed = {row[0]: row for row in snapshot.rows}
    for name in names:
        row = signed.get(name)
        if row is None:
            db.execute("DELETE FROM users WHERE username = ?", (name,))
            continue
        db.execute(
            "INSERT INTO users (username, body, public_key, signing_key, removed, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(username) DO UPDATE SET body = excluded.body, "
            "public_key = excluded.public_key, signing_key = excluded.signing_key, "
            "removed = excluded.removed, updated_at = excluded.updated_at",
            (name, json.dumps(row[1]), row[2], row[3], int(row[4]), now, now))


def seal_to(db: Database, vault_id: str, purpose: str, secret: bytes, principals: dict[str, bytes],
            generation: int = 1) -> None:
    for name, public in principals.items():
        sealed = K.seal_dek(secret, public, vault_id, name, generation, purpose)
        db.execute("INSERT OR REPLACE INTO sealed_keys (purpose, principal, generation, sealed) "
                   "VALUES (?,?,?,?)", (purpose, name, generation, json.dumps(sealed)))


def open_sealed(db: Database, vault_id: str, purpose: str, principal: str,
                private: X25519PrivateKey) -> bytearray | None:
    """The secret sealed to this principal, or None when none is (they are not allowed it)."""
    row = db.one("SELECT generation, sealed FROM sealed_keys WHERE purpose = ? AND principal = ?",
                 (purpose, principal))
    if row is None:
        return None
    try:
        return bytearray(K.open_dek(json.loads(row[1]), private, vault_id, principal, int(row[0]), purpose))
    except Exception:
        raise CorruptVault(f"the {purpose} key sealed to {principal} does not open") from None


# Rotation -----------------------------------------------------------------------------


def _link_message(vault_id: str, old: str, new: str) -> bytes:
    return json.dumps(["roster-key", vault_id, old, new], separators=(",", ":")).encode()


def links(db: Database) -> list[dict[str, str]]:
    value = db.scalar("SELECT value FROM meta WHERE key = 'roster_links'")
    try:
        found = json.loads(value) if value else []
        return [{"old": str(x["old"]), "new": str(x["new"]), "sig": str(x["sig"])} for x in found]
    except (ValueError, KeyError, TypeError):
        raise CorruptVault("the roster key's endorsements cannot be read") from None


def rotate(db: Database, vault_id: str, old_seed: bytes | bytearray, holders: dict[str, bytes]) -> None:
    """A new roster key endorsed by the old, sealed to `holders` only (the caller's transaction;
    the caller signs the list with it next)."""
    new_seed = bytearray(os.urandom(32))
    try:
        old, new = K.b64(K.signing_public(old_seed)), K.b64(K.signing_public(new_seed))
        sig = K.b64(K.sign(old_seed, _link_message(vault_id, old, new)))
        chain = [*links(db), {"old": old, "new": new, "sig": sig}]
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('roster_links', ?)",
                   (json.dumps(chain),))
        db.execute("UPDATE meta SET value = ? WHERE key = 'roster_public'", (new,))
        db.execute("DELETE FROM sealed_keys WHERE purpose = ?", (PURPOSE,))
        seal_to(db, vault_id, PURPOSE, bytes(new_seed), holders)
    finally:
        new_seed[:] = bytes(len(new_seed))


def trusted_root(db: Database, vault_id: str, pinned: bytes | None) -> bytes:
    """The roster key, when it is the one pinned or one the pinned key endorsed (in turn)."""
    root = root_public(db)
    if root is None:
        raise CorruptVault("the vault's roster key is missing")
    if pinned is None or pinned == root:
        return root
    current = K.b64(pinned)
    for link in links(db):
        if link["old"] != current:
            continue
        try:
            good = K.signature_holds(K.unb64(current), K.unb64(link["sig"]),
                                     _link_message(vault_id, link["old"], link["new"]))
        except ValueError:
            good = False
        if good:
            current = link["new"]
    if current != K.b64(root):
        raise CorruptVault("the vault's roster key is not the one you trusted at your last unlock")
    return root
