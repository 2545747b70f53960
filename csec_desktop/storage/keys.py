"""The key file: how each person (and the county recovery key) reaches the data key.

Envelope encryption in two layers, so that the data key (DEK) can be rotated
without knowing anyone's passphrase:

* every principal (a user, or the recovery key) has an X25519 key pair;
* a user's private key is sealed with AES-256-GCM under a key derived from
  their passphrase with Argon2id; the associated data binds vault id, user id,
  the Argon2 parameters and the public key, so a wrap moved to another user or
  vault, or downgraded parameters, fail authentication;
* the DEK is sealed to each principal's public key (ephemeral X25519, HKDF,
  AES-256-GCM; associated data: vault id, principal, key generation).

Changing a passphrase re-seals one private key. Rotating the DEK seals a new
DEK to the public keys recorded inside the encrypted database, so a removed
user's old wrap opens only the retired database file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from csec_desktop.errors import CorruptVault, WrongPassphrase
from csec_desktop.fileio import atomic_write

KEYFILE_NAME = "keys.json"
KEYFILE_FORMAT = 1

# Floor for passphrase wraps (RFC 9106 memory-constrained profile; Bitwarden's default).
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_TIME_COST = 3
ARGON2_PARALLELISM = 4
# Wraps below the floor but above this (made under an older, lower floor) still open and
# are re-wrapped at once; anything lower can only come from tampering and is refused.
ARGON2_ACCEPT_MEMORY_KIB = 19 * 1024
ARGON2_ACCEPT_TIME_COST = 2
# Ceilings: well above anything this app writes (16x memory, 10x passes), low enough that an
# edited key file cannot make an unlock run for hours or exhaust a laptop's memory.
ARGON2_MAX_MEMORY_KIB = 1024 * 1024
ARGON2_MAX_TIME_COST = 30
ARGON2_MAX_PARALLELISM = 16

RECOVERY = "@recovery"
"""Principal name of the county recovery key; '@' cannot start a user name."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    time_cost: int
    parallelism: int
    salt: bytes

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM, os.urandom(16))

    def below_floor(self) -> bool:
        return self.memory_kib < ARGON2_MEMORY_KIB or self.time_cost < ARGON2_TIME_COST

    def derive(self, passphrase: str) -> bytes:
        return hash_secret_raw(
            passphrase.encode("utf-8"),
            self.salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=32,
            type=Type.ID,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "memory_kib": self.memory_kib,
            "time_cost": self.time_cost,
            "parallelism": self.parallelism,
            "salt": b64(self.salt),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        if data.get("alg") != "argon2id":
            raise CorruptVault("unknown key-derivation algorithm in the key file")
        params = cls(int(data["memory_kib"]), int(data["time_cost"]), int(data["parallelism"]),
                     unb64(data["salt"]))
        # Bounds on every setting: a key file edited to ask for 100 GiB or a million passes would
        # hang every unlock (a damaged file, said as such, not a wrong passphrase).
        for name, value, most in (("memory_kib", params.memory_kib, ARGON2_MAX_MEMORY_KIB),
                                  ("time_cost", params.time_cost, ARGON2_MAX_TIME_COST),
                                  ("parallelism", params.parallelism, ARGON2_MAX_PARALLELISM)):
            if not 1 <= value <= most:
                raise CorruptVault(f"the key file's key-derivation setting {name} is out of bounds ({value})")
        if not 8 <= len(params.salt) <= 64:
            raise CorruptVault("the key file's key-derivation salt has the wrong length")
        return params


# The raw forms, without cryptography's serialization package: importing it (PEM, SSH, PKCS#12)
# took 20 ms of every start, before the unlock page was up.
def public_bytes(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def private_bytes(key: X25519PrivateKey) -> bytes:
    return key.private_bytes_raw()


def _hkdf(secret: bytes | bytearray, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _seal_aad(vault_id: str, principal: str, generation: int, purpose: str) -> bytes:
    return json.dumps([purpose, vault_id, principal, generation]).encode()


def seal_dek(dek: bytes, public: bytes, vault_id: str, principal: str, generation: int,
             purpose: str = "dek") -> dict[str, str]:
    """Seal a secret (the data key, or another key: `purpose` names which, and is authenticated)
    to one principal's public key."""
    eph = X25519PrivateKey.generate()
    eph_pub = public_bytes(eph)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, eph_pub + public, b"csec dek seal v1")
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, dek, _seal_aad(vault_id, principal, generation, purpose))
    return {"eph": b64(eph_pub), "nonce": b64(nonce), "ct": b64(ct)}


def open_dek(
    sealed: dict[str, str], private: X25519PrivateKey, vault_id: str, principal: str, generation: int,
    purpose: str = "dek",
) -> bytes:
    eph_pub = unb64(sealed["eph"])
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    key = _hkdf(shared, eph_pub + public_bytes(private), b"csec dek seal v1")
    return AESGCM(key).decrypt(
        unb64(sealed["nonce"]), unb64(sealed["ct"]), _seal_aad(vault_id, principal, generation, purpose)
    )


# Signatures -------------------------------------------------------------------------------
# Each person signs with an Ed25519 key derived from their X25519 private key, so the signing
# key needs no wrap of its own: whoever can open a person's wrap can sign as them, and no one
# else. The seed is kept in a bytearray so that the vault can wipe it at lock.


def signing_seed(private: X25519PrivateKey) -> bytearray:
    return bytearray(_hkdf(private_bytes(private), b"", b"csec signing ed25519 v1"))


def signing_public(seed: bytes | bytearray) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(bytes(seed))
    return key.public_key().public_bytes_raw()


def signing_key(seed: bytes | bytearray) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(seed))


def sign(seed: bytes | bytearray, message: bytes) -> bytes:
    return signing_key(seed).sign(message)


def signature_holds(public: bytes | tuple[bytes, ...], signature: bytes, message: bytes) -> bool:
    """Whether `signature` is that of `message` by `public`, or by any of several keys (a person's
    current signing key and those they had before: roster.Snapshot.former)."""
    from cryptography.exceptions import InvalidSignature

    for key in (public,) if isinstance(public, bytes) else public:
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        except (InvalidSignature, ValueError):
            continue
        return True
    return False


def recovery_signing_seed(secret: str, vault_id: str) -> bytearray:
    return signing_seed(recovery_private(secret, vault_id))


def _kek_check(kek: bytes | bytearray) -> bytes:
    """Tells a wrong passphrase (the check differs) from an altered wrap (the check holds but the
    wrap does not open): only the first counts toward the lockout."""
    return hmac.new(bytes(kek), b"csec kek check v1", hashlib.sha256).digest()[:16]


def _private_aad(vault_id: str, user: str, params: KdfParams, public: bytes,
                 pin: dict[str, Any] | None) -> bytes:
    parts: list[Any] = ["private", vault_id, user, params.to_json(), b64(public)]
    if pin is None:  # entries written before pins: their associated data exactly as it was
        return json.dumps(parts).encode()
    return json.dumps([*parts, pin], sort_keys=True).encode()


@dataclass
class UserWrap:
    """One person's entry. `pin` is what this person trusts and has seen (the roster's signing
    key, the newest roster and audit entry at their last unlock): it is authenticated with their
    passphrase, so no one else can change it unnoticed. Entries from before pins have none."""

    public_key: bytes
    kdf: KdfParams
    private_nonce: bytes
    private_ct: bytes
    dek: dict[str, str]
    pin: dict[str, Any] | None = None
    check: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "public_key": b64(self.public_key),
            "kdf": self.kdf.to_json(),
            "private": {"nonce": b64(self.private_nonce), "ct": b64(self.private_ct)},
            "dek": self.dek,
        }
        if self.pin is not None:
            data["pin"] = self.pin
        if self.check is not None:
            data["check"] = b64(self.check)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserWrap:
        pin = data.get("pin")
        if pin is not None and not isinstance(pin, dict):
            raise CorruptVault("a key-file entry's pin has the wrong shape")
        check = data.get("check")
        return cls(
            unb64(data["public_key"]),
            KdfParams.from_json(data["kdf"]),
            unb64(data["private"]["nonce"]),
            unb64(data["private"]["ct"]),
            dict(data["dek"]),
            pin,
            unb64(check) if check is not None else None,
        )


def wrap_private(
    private: X25519PrivateKey, passphrase: str, vault_id: str, user: str, params: KdfParams | None = None,
    pin: dict[str, Any] | None = None,
) -> tuple[KdfParams, bytes, bytes, bytes]:
    params = params or KdfParams.fresh()
    kek = bytearray(params.derive(passphrase))
    try:
        nonce, ct = _seal_private(private, kek, vault_id, user, params, pin)
        return params, nonce, ct, _kek_check(kek)
    finally:
        kek[:] = bytes(len(kek))


def _seal_private(private: X25519PrivateKey, kek: bytearray, vault_id: str, user: str,
                  params: KdfParams, pin: dict[str, Any] | None) -> tuple[bytes, bytes]:
    nonce = os.urandom(12)
    ct = AESGCM(bytes(kek)).encrypt(
        nonce, private_bytes(private), _private_aad(vault_id, user, params, public_bytes(private), pin)
    )
    return nonce, ct


def _acceptable(params: KdfParams) -> bool:
    return params.memory_kib >= ARGON2_ACCEPT_MEMORY_KIB and params.time_cost >= ARGON2_ACCEPT_TIME_COST


def unwrap_private(wrap: UserWrap, passphrase: str, vault_id: str, user: str,
                   ahead: KeyAhead | None = None) -> tuple[X25519PrivateKey, bytearray]:
    """The person's private key and the key their passphrase derives (to re-pin the wrap without
    a second derivation; the caller wipes it)."""
    if not _acceptable(wrap.kdf):
        raise CorruptVault("a key-file entry asks for key-derivation settings below the minimum")
    # Parameters lowered by editing the file change the associated data and fail
    # authentication; genuine old wraps are raised to the floor after a good unlock.
    taken = ahead.take(user, passphrase, wrap.kdf) if ahead is not None else None
    kek = taken if taken is not None else bytearray(wrap.kdf.derive(passphrase))
    if wrap.check is not None and not hmac.compare_digest(_kek_check(kek), wrap.check):
        kek[:] = bytes(len(kek))
        raise WrongPassphrase()
    try:
        raw = AESGCM(bytes(kek)).decrypt(
            wrap.private_nonce, wrap.private_ct,
            _private_aad(vault_id, user, wrap.kdf, wrap.public_key, wrap.pin),
        )
    except InvalidTag:
        kek[:] = bytes(len(kek))
        if wrap.check is not None:  # the passphrase is right: the entry was changed
            raise CorruptVault(f"the key-file entry of {user} was altered") from None
        raise WrongPassphrase() from None
    private = X25519PrivateKey.from_private_bytes(raw)
    if public_bytes(private) != wrap.public_key:
        kek[:] = bytes(len(kek))
        raise CorruptVault("a key-file entry does not match its own public key")
    return private, kek


class KeyAhead:
    """A passphrase's key, derived on a thread of its own from the moment the passphrase is given.

    Argon2 releases the interpreter; loading the app's modules does not. At the first unlock of a
    process the two ran one after the other (about 0.15 and 0.3 s); with this they overlap. The key
    is handed over once, and only for the person, passphrase and settings it was derived with
    (`take`); what is left is wiped when the `with` block ends. A name with no entry derives with
    fresh settings, as `unlock_user_pinned` would, so the time an unlock takes still does not tell
    which names exist. Nothing is derived for an account locked after failures, or when the key
    file cannot be read: the unlock itself then says what is wrong.
    """

    def __init__(self, folder: Path, user: str, passphrase: str) -> None:
        from csec_desktop.clock import system_clock
        from csec_desktop.storage.access import AccessState

        self._key = bytearray()
        self._spent = False
        self._params: KdfParams | None = None
        self._for = (user, hashlib.sha256(passphrase.encode("utf-8")).digest())
        self._thread: threading.Thread | None = None
        try:
            if AccessState.load(folder).minutes_left(user, system_clock()):
                return
            wrap = KeyFile.load(folder).users.get(user)
        except Exception:  # whatever is wrong, Vault.unlock meets it and says so
            return
        params = wrap.kdf if wrap is not None else KdfParams.fresh()
        if not _acceptable(params):
            return
        self._params = params
        self._thread = threading.Thread(target=self._derive, args=(passphrase,), name="key-ahead",
                                        daemon=True)
        self._thread.start()

    def _derive(self, passphrase: str) -> None:
        assert self._params is not None
        try:
            self._key = bytearray(self._params.derive(passphrase))
        except Exception:  # out of memory, say: the unlock derives again and reports it
            return
        self._spent = True

    def _done(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def spent(self) -> bool:
        """Whether a derivation was made (for a name with no entry too)."""
        self._done()
        return self._spent

    def take(self, user: str, passphrase: str, params: KdfParams) -> bytearray | None:
        """The key, once, if it was derived for this person and passphrase with exactly these
        settings (the caller wipes it); else None."""
        self._done()
        digest = hashlib.sha256(passphrase.encode("utf-8")).digest()
        if (not self._key or params != self._params or user != self._for[0]
                or not hmac.compare_digest(digest, self._for[1])):
            return None
        key, self._key = self._key, bytearray()
        return key

    def __enter__(self) -> KeyAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done()
        self._key[:] = bytes(len(self._key))

    def __del__(self) -> None:  # an unlock that never ran (the window closed at once) wipes it too
        self._key[:] = bytes(len(self._key))


def vault_exists(folder: Path) -> bool:
    """Whether a vault is in this folder (its key file is): asked before the window's first page,
    so it lives here, not in the vault's far larger module."""
    return KeyFile.path(folder).exists()


# The recovery key: 160 random bits shown as 8 groups of 4 letters/digits.
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"  # Crockford-style, no I L O U


def new_recovery_secret() -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(8)]
    return "-".join(groups)


def normalize_recovery_secret(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != 32 or any(ch not in _ALPHABET for ch in cleaned):
        raise WrongPassphrase()
    return "-".join(cleaned[i : i + 4] for i in range(0, 32, 4))


def recovery_private(secret: str, vault_id: str) -> X25519PrivateKey:
    normal = normalize_recovery_secret(secret)
    seed = _hkdf(normal.encode("ascii"), vault_id.encode("ascii"), b"csec recovery x25519 v1")
    return X25519PrivateKey.from_private_bytes(seed)


@dataclass
class KeyFile:
    vault_id: str
    generation: int
    users: dict[str, UserWrap] = field(default_factory=dict)
    recovery_public: bytes = b""
    recovery_dek: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def path(folder: Path) -> Path:
        return folder / KEYFILE_NAME

    def db_name(self) -> str:
        return f"vault-{self.generation}.db"

    def to_bytes(self) -> bytes:
        data = {
            "format": KEYFILE_FORMAT,
            "vault_id": self.vault_id,
            "generation": self.generation,
            "users": {name: wrap.to_json() for name, wrap in sorted(self.users.items())},
            "recovery": {"public_key": b64(self.recovery_public), "dek": self.recovery_dek},
        }
        return json.dumps(data, indent=2).encode()

    def save(self, folder: Path) -> None:
        atomic_write(self.path(folder), self.to_bytes())

    @classmethod
    def load(cls, folder: Path) -> KeyFile:
        path = cls.path(folder)
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != KEYFILE_FORMAT:
                raise CorruptVault(f"key file format {data.get('format')!r} is not supported")
            return cls(
                vault_id=str(data["vault_id"]),
                generation=int(data["generation"]),
                users={n: UserWrap.from_json(w) for n, w in data["users"].items()},
                recovery_public=unb64(data["recovery"]["public_key"]),
                recovery_dek=dict(data["recovery"]["dek"]),
            )
        except FileNotFoundError:
            raise
        except CorruptVault:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # a list where a map was, ...
            raise CorruptVault(f"the key file cannot be read: {type(exc).__name__}") from None

    def unlock_user(self, user: str, passphrase: str) -> tuple[bytes, X25519PrivateKey]:
        dek, private, kek = self.unlock_user_pinned(user, passphrase)
        kek[:] = bytes(len(kek))
        return dek, private

    def unlock_user_pinned(self, user: str, passphrase: str, ahead: KeyAhead | None = None
                           ) -> tuple[bytes, X25519PrivateKey, bytearray]:
        """As unlock_user, plus the passphrase-derived key that `repin` needs (wipe it after)."""
        wrap = self.users.get(user)
        if wrap is None:
            # Spend the same Argon2 effort so timing does not reveal which names exist.
            if ahead is None or not ahead.spent():
                KdfParams.fresh().derive(passphrase)
            raise WrongPassphrase()
        private, kek = unwrap_private(wrap, passphrase, self.vault_id, user, ahead)
        try:
            dek = open_dek(wrap.dek, private, self.vault_id, user, self.generation)
        except InvalidTag:
            kek[:] = bytes(len(kek))
            raise CorruptVault("the data-key wrap for this user fails authentication") from None
        return dek, private, kek

    def repin(self, user: str, private: X25519PrivateKey, kek: bytearray, pin: dict[str, Any]) -> None:
        """Seal the person's private key again with a new pin, under the same passphrase key."""
        wrap = self.users[user]
        wrap.private_nonce, wrap.private_ct = _seal_private(private, kek, self.vault_id, user,
                                                            wrap.kdf, pin)
        wrap.pin = pin
        wrap.check = _kek_check(kek)

    def unlock_recovery(self, secret: str) -> bytes:
        private = recovery_private(secret, self.vault_id)
        if public_bytes(private) != self.recovery_public:
            raise WrongPassphrase()
        try:
            return open_dek(self.recovery_dek, private, self.vault_id, RECOVERY, self.generation)
        except InvalidTag:
            raise CorruptVault("the recovery wrap fails authentication") from None

    def set_user(self, user: str, private: X25519PrivateKey, passphrase: str, dek: bytes,
                 pin: dict[str, Any] | None = None) -> None:
        params, nonce, ct, check = wrap_private(private, passphrase, self.vault_id, user, pin=pin)
        public = public_bytes(private)
        self.users[user] = UserWrap(
            public, params, nonce, ct, seal_dek(dek, public, self.vault_id, user, self.generation),
            pin, check,
        )

    def drop_user(self, user: str) -> None:
        self.users.pop(user, None)

    def reseal_all(self, dek: bytes, publics: dict[str, bytes]) -> None:
        """Seal `dek` (of this generation) to each listed user and to the recovery key."""
        for user, public in publics.items():
            wrap = self.users[user]
            if wrap.public_key != public:
                raise CorruptVault(f"the key file's public key for user {user} was altered")
            wrap.dek = seal_dek(dek, public, self.vault_id, user, self.generation)
        for user in list(self.users):
            if user not in publics:
                del self.users[user]
        self.recovery_dek = seal_dek(dek, self.recovery_public, self.vault_id, RECOVERY, self.generation)
