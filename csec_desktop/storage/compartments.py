"""Compartments: data some roles may read, encrypted inside the vault to those people only.

The data key opens the whole database for everyone who may unlock it, so a role that may not
read the youth's own account in a vacatur case (READ_NARRATIVE) would still find it in the file
with the project's own library. Each such value is therefore sealed again, field by field, to
the compartment's X25519 public key (ephemeral X25519, HKDF-SHA256, AES-256-GCM; associated data
binding vault, compartment, generation, record and field), and the compartment's private key is
sealed, in the same envelope scheme as the data key, only to the people allowed to read it and
to the county recovery key (table `sealed_keys`).

Anyone may seal a value to the public key, so a person who may not read the account can still
store one that sync brings. Only a person who holds the private key can give it to someone newly
allowed: a grant made by an administrator waits until such a person next unlocks (`upkeep`).
When someone loses the right, their copy is deleted and a new generation is made at the next
upkeep by a holder; the old generation's private key is sealed to the new one, so the people
allowed keep reading older values while the person removed gets nothing written after.

Two kinds of compartment: one holds named fields wherever they are (the youth's account), the
other holds whole records while their youth is sealed (every field of the youth and of each record
attached, except the few the caseload rule and sync route by: `ROUTING`). A value in both is sealed
twice, the record's layer outside, so each layer opens only for the people its compartment allows.
Sealing or unsealing a youth re-wraps the outer layer of their records and their history
(`RecordStore.reseal_owner`); the inner layer is left as it is.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from csec_desktop.domain.people import Permission, User
from csec_desktop.domain.vacatur import RESTRICTED_FIELDS
from csec_desktop.errors import CorruptVault, PermissionDenied
from csec_desktop.storage import keys as K
from csec_desktop.storage import roster as R
from csec_desktop.storage.database import Database, wipe_bytes
from csec_desktop.storage.history import fields_of, kept
from csec_desktop.text import W

MARK = "$sealed"
WITHHELD = {MARK: "hub", "g": 0}
"""A value the hub holds and did not send this device's person (hub/accounts.py): sealed to no key
here, so it opens for no one and reads as "written, and withheld", never as "not written"."""


@dataclass(frozen=True)
class Compartment:
    name: str
    permission: Permission
    fields: dict[str, tuple[str, ...]]  # kind -> fields sealed
    whole_record: bool = False  # every field but ROUTING, of the records of a sealed youth

    @property
    def purpose(self) -> str:
        return f"compartment:{self.name}"


NARRATIVE = Compartment("narrative", Permission.READ_NARRATIVE, RESTRICTED_FIELDS)
SEALED = Compartment("sealed", Permission.READ_SEALED, {}, whole_record=True)
COMPARTMENTS: tuple[Compartment, ...] = (NARRATIVE, SEALED)
"""Every class of data the permission table keeps from some roles: the youth's account in a
vacatur case (READ_NARRATIVE) and sealed youth (READ_SEALED). The other permissions govern actions
(export, print, manage people...), not data some role may not read."""

KINDS_WITH_FIELDS = frozenset(kind for compartment in COMPARTMENTS for kind in compartment.fields)
"""The record kinds some of whose fields a compartment holds wherever they are."""
ROUTING = frozenset({"youth_id", "sealed", "assigned_worker", "unit"})
"""What stays readable in a sealed youth's records: who the caseload rule shows them to, which
youth a record belongs to, and the flag itself. Names, dates and everything else are sealed."""


def compartment_of(kind: str, name: str) -> Compartment | None:
    """The compartment that holds this field wherever it is (not the sealed youth's)."""
    for compartment in COMPARTMENTS:
        if name in compartment.fields.get(kind, ()):
            return compartment
    return None


def layers(kind: str, name: str, under_seal: bool) -> list[Compartment]:
    """The compartments a value of this field is sealed to, innermost first."""
    found = [c for c in COMPARTMENTS if name in c.fields.get(kind, ())]
    if under_seal and name not in ROUTING:
        found.extend(c for c in COMPARTMENTS if c.whole_record)
    return found


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and MARK in value


def _aad(vault_id: str, compartment: str, generation: int, record_id: str, name: str) -> bytes:
    """json.dumps(["value", vault_id, compartment, generation, record_id, name]), byte for byte;
    the constant head is written once (an unlock opens thousands of values under one head)."""
    return (_aad_head(vault_id, compartment, generation) + json.dumps(record_id) + ", "
            + json.dumps(name) + "]").encode()


@functools.lru_cache(maxsize=64)
def _aad_head(vault_id: str, compartment: str, generation: int) -> str:
    return json.dumps(["value", vault_id, compartment, generation])[:-1] + ", "


@dataclass
class Keyring:
    """What one session can seal and open: every compartment's public key (from `meta`) and, for
    the compartments this person holds, the private keys of every generation (wiped at lock)."""

    vault_id: str
    publics: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # name -> (generation, key)
    privates: dict[tuple[str, int], bytearray] = field(default_factory=dict)
    # Derived value keys, wiped with the private keys: this session's sealing key per compartment
    # and generation, and the keys already derived for opening (per ephemeral key seen).
    _sealing: dict[tuple[str, int], tuple[str, bytearray]] = field(default_factory=dict)
    _opened: dict[tuple[str, int, str], bytearray] = field(default_factory=dict)
    # The cipher of each opening key, made once (dropped with the keys at wipe).
    _ciphers: dict[tuple[str, int, str], AESGCM] = field(default_factory=dict)

    def holds(self, name: str) -> bool:
        return any(key[0] == name for key in self.privates)

    def file_key(self, compartment: str, purpose: bytes) -> bytearray:
        """A key for a file only this compartment's holders may open (the sealed youth's index:
        storage/sealed_rows.py), derived from its current private key: a new generation gives a
        new key, so the file no longer opens and is made again. The caller wipes it."""
        generation = self.publics[compartment][0]
        derived = K._hkdf(self.privates[(compartment, generation)], self.vault_id.encode(),
                          b"csec compartment file v1 " + purpose)
        key = bytearray(derived)
        wipe_bytes(derived)
        return key

    def seal(self, compartment: str, record_id: str, name: str, value: Any) -> Any:
        """One layer: `value` (plain, or sealed to an inner compartment) sealed to `compartment`."""
        if value is None or compartment not in self.publics or (
                is_sealed(value) and value[MARK] == compartment):
            return value
        generation, public = self.publics[compartment]
        context = self._sealing.get((compartment, generation))
        if context is None:
            # One ephemeral key per compartment and session, not per value: a sealed youth's record
            # has a score of fields, and an X25519 exchange for each made opening one cost 1.5 ms
            # (4.5 s at a supervisor's unlock over 3,000 sealed youth). Each value keeps its own
            # random nonce and is bound to its record and field by the associated data.
            eph = X25519PrivateKey.generate()
            eph_pub = K.public_bytes(eph)
            shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
            derived = K._hkdf(shared, eph_pub + public, b"csec compartment value v1")
            context = (K.b64(eph_pub), bytearray(derived))
            self._sealing[(compartment, generation)] = context
        eph_text, key = context
        nonce = os.urandom(12)
        plain = json.dumps(value, ensure_ascii=False).encode()
        ct = AESGCM(bytes(key)).encrypt(nonce, plain, _aad(self.vault_id, compartment, generation, record_id,
                                                            name))
        return {MARK: compartment, "g": generation, "e": eph_text, "n": K.b64(nonce), "c": K.b64(ct)}

    def open(self, record_id: str, name: str, value: Any) -> tuple[bool, Any]:
        """(True, the value) when this person may read every layer of it, else (False, None)."""
        while is_sealed(value):
            readable, value = self.open_layer(record_id, name, value)
            if not readable:
                return False, None
        return True, value

    def open_layer(self, record_id: str, name: str, value: Any) -> tuple[bool, Any]:
        """The outer layer opened: (True, what it held, maybe sealed again), else (False, None)."""
        if not is_sealed(value):
            return True, value
        try:
            compartment, generation = str(value[MARK]), int(value["g"])
            private = self.privates.get((compartment, generation))
            if private is None:
                return False, None
            cached = (compartment, generation, str(value["e"]))
            cipher = self._ciphers.get(cached)
            if cipher is None:
                eph_pub = K.unb64(value["e"])
                own = X25519PrivateKey.from_private_bytes(bytes(private))
                shared = own.exchange(X25519PublicKey.from_public_bytes(eph_pub))
                key = bytearray(K._hkdf(shared, eph_pub + K.public_bytes(own), b"csec compartment value v1"))
                self._opened[cached] = key
                cipher = self._ciphers[cached] = AESGCM(bytes(key))
            plain = cipher.decrypt(K.unb64(value["n"]), K.unb64(value["c"]),
                                   _aad(self.vault_id, compartment, generation, record_id, name))
        except (InvalidTag, KeyError, TypeError, ValueError):
            raise CorruptVault(f"a sealed value of record {record_id} ({name}) does not open") from None
        return True, json.loads(plain)

    def seal_value(self, kind: str, record_id: str, name: str, value: Any, under_seal: bool) -> Any:
        for compartment in layers(kind, name, under_seal):
            value = self.seal(compartment.name, record_id, name, value)
        return value

    def seal_body(self, kind: str, record_id: str, data: dict[str, Any],
                  under_seal: bool = False) -> dict[str, Any]:
        if not under_seal and kind not in KINDS_WITH_FIELDS:  # most records: nothing to seal
            return dict(data)
        return {name: self.seal_value(kind, record_id, name, value, under_seal)
                for name, value in data.items()}

    def reseal(self, record_id: str, name: str, value: Any, under_seal: bool, *, strict: bool = True) -> Any:
        """The whole-record layer taken off or put on (a youth sealed or unsealed); an inner
        layer stays as it is, so this needs only the sealed youth's key, and only to take it off.
        Not `strict`: a layer this person cannot take off stays on (a pull for a shared device)."""
        wrapped = is_sealed(value) and value[MARK] == SEALED.name
        if wrapped == (under_seal and name not in ROUTING and value is not None):
            return value
        if wrapped:
            readable, inner = self.open_layer(record_id, name, value)
            if readable:
                return inner
            if strict:
                raise PermissionDenied(W("Only a person who holds the key of sealed records can unseal a "
                                         "youth: ask an attorney or supervisor who reads them."))
            return value
        return self.seal(SEALED.name, record_id, name, value)

    def open_body(self, record_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """The body as this person may read it: sealed values opened, or blank (None)."""
        return self.open_body_readable(record_id, data)[1]

    def open_body_readable(self, record_id: str, data: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """(whether every value opened, the body with each value opened or blank)."""
        if not any(is_sealed(v) for v in data.values()):
            return True, data
        readable, out = True, {}
        for name, value in data.items():
            ok, out[name] = self.open(record_id, name, value)
            readable = readable and ok
        return readable, out

    def seal_fields(self, kind: str, record_id: str, fields: dict[str, dict[str, Any]],
                    under_seal: bool = False) -> dict[str, dict[str, Any]]:
        return {name: {k: (self.seal_value(kind, record_id, name, v, under_seal) if k in ("old", "new")
                           else v) for k, v in change.items()}
                for name, change in fields.items()}

    def open_fields(self, record_id: str, fields: dict[str, dict[str, Any]]) -> tuple[bool, dict[str, Any]]:
        """History values opened; (False, blanked) when one cannot be read by this person."""
        readable = True
        out: dict[str, Any] = {}
        for name, change in fields.items():
            opened = {}
            for k, v in change.items():
                ok, value = self.open(record_id, name, v) if k in ("old", "new") else (True, v)
                readable = readable and ok
                opened[k] = value
            out[name] = opened
        return readable, out

    def wipe(self) -> None:
        secrets = [*self.privates.values(), *self._opened.values(),
                   *(key for _e, key in self._sealing.values())]
        for secret in secrets:
            secret[:] = bytes(len(secret))
        self.privates.clear()
        self._opened.clear()
        self._ciphers.clear()
        self._sealing.clear()


# Keys ----------------------------------------------------------------------------------------


def _meta_key(compartment: Compartment) -> str:
    return compartment.purpose


def load_keyring(db: Database, vault_id: str, principal: str, private: X25519PrivateKey | None) -> Keyring:
    ring = Keyring(vault_id)
    for compartment in COMPARTMENTS:
        state = _state(db, compartment)
        if state is None:
            continue
        ring.publics[compartment.name] = (int(state["generation"]), K.unb64(state["public"]))
        if private is None:
            continue
        current = R.open_sealed(db, vault_id, compartment.purpose, principal, private)
        if current is None:
            continue
        generation = int(state["generation"])
        if K.public_bytes(X25519PrivateKey.from_private_bytes(bytes(current))) != K.unb64(state["public"]):
            # The public key new values are sealed to is kept beside the sealed copies, unsigned:
            # put there by someone with the file, it would send what holders write to them. A
            # holder sees it here, before anything is sealed this session.
            raise CorruptVault(f"the {compartment.name} compartment's public key is not the one its "
                               "holders' key opens (it was replaced outside the app)")
        ring.privates[(compartment.name, generation)] = current
        # Older generations, each sealed to the one after it.
        for older in sorted(state.get("older", []), key=lambda o: -int(o["generation"])):
            newer = ring.privates.get((compartment.name, int(older["generation"]) + 1))
            if newer is None:
                break
            try:
                secret = K.open_dek(older["sealed"], X25519PrivateKey.from_private_bytes(bytes(newer)),
                                    vault_id, compartment.purpose, int(older["generation"]), "older")
            except (InvalidTag, KeyError, ValueError):
                raise CorruptVault(f"an older key of the {compartment.name} compartment does not "
                                   "open") from None
            ring.privates[(compartment.name, int(older["generation"]))] = bytearray(secret)
    return ring


def _state(db: Database, compartment: Compartment) -> dict[str, Any] | None:
    value = db.scalar("SELECT value FROM meta WHERE key = ?", (_meta_key(compartment),))
    if value is None:
        return None
    try:
        state = json.loads(value)
        int(state["generation"])
        K.unb64(state["public"])
        return dict(state)
    except (ValueError, KeyError, TypeError):
        raise CorruptVault(f"the {compartment.name} compartment's key record cannot be read") from None


def allowed(db: Database, compartment: Compartment) -> dict[str, bytes]:
    """The people who may read the compartment now, with their X25519 public keys."""
    found = {}
    for name, body, public in db.query("SELECT username, body, public_key FROM users WHERE removed = 0"):
        user = User.model_validate_json(body)
        if not user.disabled and user.can(compartment.permission):
            found[name] = K.unb64(public)
    return found


def holders(db: Database, compartment: Compartment) -> set[str]:
    rows = db.query("SELECT principal FROM sealed_keys WHERE purpose = ?", (compartment.purpose,))
    return {r[0] for r in rows}


def new_generation(db: Database, vault_id: str, compartment: Compartment, recovery_public: bytes,
                   previous: bytearray | None) -> None:
    """A new key pair sealed to everyone allowed now and to the recovery key; the previous
    generation's private key (when this session holds it) sealed to the new public key."""
    state = _state(db, compartment)
    generation = int(state["generation"]) + 1 if state else 1
    private = X25519PrivateKey.generate()
    public = K.public_bytes(private)
    older = list(state.get("older", [])) if state else []
    if state is not None and previous is not None:
        older.append({"generation": generation - 1,
                      "sealed": K.seal_dek(bytes(previous), public, vault_id, compartment.purpose,
                                           generation - 1, "older")})
    db.execute("DELETE FROM sealed_keys WHERE purpose = ?", (compartment.purpose,))
    secret = bytearray(K.private_bytes(private))
    try:
        R.seal_to(db, vault_id, compartment.purpose, bytes(secret),
                  {**allowed(db, compartment), K.RECOVERY: recovery_public}, generation)
    finally:
        secret[:] = bytes(len(secret))
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
               (_meta_key(compartment), json.dumps({"generation": generation, "public": K.b64(public),
                                                    "older": older, "rotate": False})))


def people_changed(db: Database, vault_id: str, recovery_public: bytes, ring: Keyring) -> list[str]:
    """After a change of people (inside its transaction): copies of people no longer allowed are
    deleted and a new generation is due; people newly allowed get a copy when this session holds
    the key, else they wait for a holder's unlock. Returns the names still waiting."""
    waiting: list[str] = []
    for compartment in COMPARTMENTS:
        state = _state(db, compartment)
        if state is None:
            new_generation(db, vault_id, compartment, recovery_public, None)
            continue
        may = allowed(db, compartment)
        has = holders(db, compartment) - {K.RECOVERY}
        gone = sorted(has - set(may))
        if gone:
            marks = ",".join("?" * len(gone))
            db.execute(f"DELETE FROM sealed_keys WHERE purpose = ? AND principal IN ({marks})",
                       (compartment.purpose, *gone))
            state["rotate"] = True
            db.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(state), _meta_key(compartment)))
        generation = int(state["generation"])
        current = ring.privates.get((compartment.name, generation))
        wait = []
        for name in sorted(set(may) - has):
            if current is not None:
                R.seal_to(db, vault_id, compartment.purpose, bytes(current), {name: may[name]}, generation)
            else:
                wait.append(name)
        if wait and (not (holders(db, compartment) - {K.RECOVERY}) or not _used(db, compartment)):
            # No one here holds the key yet, or nothing was ever sealed to it (a new vault whose
            # people are being added): a new generation for everyone allowed now loses nothing
            # (values sealed before, if any, stay readable with the recovery key).
            new_generation(db, vault_id, compartment, recovery_public, current)
            wait = []
        waiting.extend(name for name in wait if name not in waiting)
    return waiting


def _used(db: Database, compartment: Compartment) -> bool:
    """Whether any value was ever sealed to this compartment (a scan, only when people change)."""
    mark = f'%"{MARK}":"{compartment.name}"%'
    return db.one("SELECT 1 FROM records WHERE body LIKE ? UNION ALL SELECT 1 FROM changes "
                  "WHERE fields LIKE ? LIMIT 1", (mark, mark)) is not None


def upkeep(db: Database, vault_id: str, recovery_public: bytes, ring: Keyring) -> dict[str, Any]:
    """At a holder's unlock: a new generation where someone lost the right, copies for people
    newly allowed. Returns what was done, for the audit trail."""
    done: dict[str, Any] = {}
    for compartment in COMPARTMENTS:
        state = _state(db, compartment)
        current = ring.privates.get((compartment.name, int(state["generation"]))) if state else None
        if state is None or current is None:
            continue
        if state.get("rotate"):
            new_generation(db, vault_id, compartment, recovery_public, current)
            done[compartment.name] = "new generation"
            continue
        may = allowed(db, compartment)
        granted = sorted(set(may) - holders(db, compartment))
        for name in granted:
            R.seal_to(db, vault_id, compartment.purpose, bytes(current), {name: may[name]},
                      int(state["generation"]))
        if granted:
            done[compartment.name] = {"granted": granted}
    return done


def seal_existing(db: Database, ring: Keyring) -> int:
    """Values written in clear before compartments (a vault from an older release): sealed in the
    records and in the history rows written before signatures (signed rows are left as they are:
    resealing would break their signature). The body and its history share one envelope per value,
    so the history still folds to the body. Returns how many values were sealed."""
    count = 0
    for compartment in COMPARTMENTS:
        for kind, fields in compartment.fields.items():
            for record_id, body in db.query("SELECT id, body FROM records WHERE kind = ?", (kind,)):
                data = json.loads(body)
                envelopes: dict[tuple[str, str], Any] = {}
                for name in fields:
                    value = data.get(name)
                    if value is not None and not is_sealed(value):
                        data[name] = ring.seal(compartment.name, record_id, name, value)
                        envelopes[(name, json.dumps(value))] = data[name]
                        count += 1
                if envelopes:
                    db.execute("UPDATE records SET body = ? WHERE id = ?",
                               (json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                                record_id))
                for seq, text in db.query("SELECT seq, fields FROM changes_full WHERE record_id = ? "
                                          "AND signer IS NULL", (record_id,)):
                    changes = fields_of(text)
                    touched = False
                    for name in fields:
                        change = changes.get(name)
                        if not isinstance(change, dict):
                            continue
                        for side in ("old", "new"):
                            value = change.get(side)
                            if value is None or is_sealed(value):
                                continue
                            change[side] = envelopes.get((name, json.dumps(value))) or ring.seal(
                                compartment.name, record_id, name, value)
                            touched = True
                    if touched:
                        db.execute("UPDATE changes SET fields = ? WHERE seq = ?",
                                   (kept(json.dumps(changes, ensure_ascii=False, separators=(",", ":"),
                                                    sort_keys=True)), seq))
    return count


def names(compartments: Iterable[Compartment] = COMPARTMENTS) -> list[str]:
    return [c.name for c in compartments]
