"""Append-only audit trail: each entry chained to the one before and signed by its writer.

Since schema 6 entry n carries hash(n) = SHA-256(hash(n-1) | signer | canonical entry n) and
the writer's Ed25519 signature of it. Anyone holding the data key can still write rows, but
not sign as someone else: an edited, removed or resealed entry of another person no longer
holds. Entries written before signatures carry HMAC-SHA256(audit key, mac(n-1) || entry n),
the audit key kept in the encrypted `meta` table (so a holder of the data key can reseal
them: they are covered by the first signed entry's chain, which includes their last mac).

The head (last seq and mac) is in `meta`; each person's key-file entry pins the newest entry
they saw at their unlock, so removing entries from the end is detected by the next person who
unlocks, and by `csec audit verify`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from csec_desktop.storage.database import Database
from csec_desktop.storage.keys import b64, signature_holds, signing_key, unb64

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user: str
    device: str
    action: str
    record_id: str | None
    detail: dict[str, Any]
    mac: str
    signer: str | None = None


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None
    reason: str
    signed: int = 0

    def __str__(self) -> str:
        if self.ok:
            older = self.entries - self.signed
            tail = f" ({older} written before signatures, sealed by the chain)" if older else ""
            return f"audit trail intact: {self.entries} entries, {self.signed} signed{tail}"
        return f"audit trail BROKEN at entry {self.first_bad}: {self.reason}"


@dataclass(frozen=True)
class Signer:
    """Who signs what this session writes: a user name (or '@recovery') and its Ed25519 seed.
    The seed is the vault's own bytearray, wiped at lock."""

    name: str
    seed: bytearray
    # The key object, made once per session: deriving it from the seed for each signature cost
    # a third of a pulled record's signing. Dropped at lock (OpenSSL clears it when freed).
    _key: list[Any] = field(default_factory=list, compare=False, repr=False)

    def sign(self, message: bytes) -> bytes:
        if not self._key:
            self._key.append(signing_key(self.seed))
        return bytes(self._key[0].sign(message))

    def forget(self) -> None:
        self._key.clear()


class SigningQueue:
    """Messages signed on a thread of its own while the caller goes on: OpenSSL lets go of the GIL
    while it signs (50 us a signature here), so a second core does it. `signed` waits for every
    message added so far and gives their signatures in order. Used by `RecordStore.bulk`."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer
        self._queue: queue.SimpleQueue[bytes | threading.Event | None] = queue.SimpleQueue()
        self._done: list[bytes] = []
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="signing", daemon=True)
        self._thread.start()

    def add(self, message: bytes) -> None:
        self._queue.put(message)

    def signed(self) -> list[bytes]:
        reached = threading.Event()
        self._queue.put(reached)
        reached.wait()
        if self._failed is not None:
            raise self._failed
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        # Only this thread appends to `_done`, and only before it sets the event `signed` waits
        # for; the caller, the only one adding, is waiting then.
        while (item := self._queue.get()) is not None:
            if isinstance(item, threading.Event):
                item.set()
            elif self._failed is None:
                try:
                    self._done.append(self._signer.sign(item))
                except BaseException as error:  # raised again by `signed`
                    self._failed = error


def chain_hash(prev: str, signer: str, seq: int, at: str, user: str, device: str, action: str,
               record_id: str | None, detail: str) -> str:
    msg = prev.encode() + b"|" + signer.encode() + b"|" + _canonical(seq, at, user, device, action,
                                                                     record_id, detail)
    return hashlib.sha256(msg).hexdigest()


def _canonical(seq: int, at: str, user: str, device: str, action: str,
               record_id: str | None, detail: str) -> bytes:
    return json.dumps([seq, at, user, device, action, record_id, detail],
                      ensure_ascii=False, separators=(",", ":")).encode()


def compute_mac(key: bytes, prev: str, seq: int, at: str, user: str, device: str,
                action: str, record_id: str | None, detail: str) -> str:
    msg = prev.encode() + _canonical(seq, at, user, device, action, record_id, detail)
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def derive_audit_key(dek: bytes) -> bytes:
    return hmac.new(dek, b"csec audit chain v1", hashlib.sha256).digest()


def trusted_keys(db: Database) -> tuple[dict[str, tuple[bytes, ...]], int | None]:
    """AuditLog.trusted_keys, for code that checks signatures without the log (records.py)."""
    from csec_desktop.storage import roster

    snapshot = roster.load(db)
    if snapshot is None:
        return {}, None
    found = snapshot.signing_keys()
    pending = roster.differences(snapshot, roster.current_rows(db)).pending
    for name, _body, _public, signing, _removed in roster.current_rows(db):
        if name in pending and signing:
            found[name] = (unb64(signing), *found.get(name, ()))
    return found, snapshot.audit_signed_from


class AuditLog:
    def __init__(self, db: Database, key: bytes, signer: Signer | None = None) -> None:
        self.db = db
        self.key = key
        self.signer = signer

    def _head(self) -> tuple[int, str]:
        row = self.db.one("SELECT value FROM meta WHERE key = 'audit_head'")
        if row is None:
            return 0, GENESIS
        seq, mac = json.loads(row[0])
        return int(seq), str(mac)

    def append(self, *, at: str, user: str, device: str, action: str,
               record_id: str | None = None, detail: dict[str, Any] | None = None) -> int:
        text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        with self.db.transaction():
            seq, prev = self._head()
            seq += 1
            signer, sig = None, None
            if self.signer is not None:
                signer = self.signer.name
                mac = chain_hash(prev, signer, seq, at, user, device, action, record_id, text)
                sig = b64(self.signer.sign(mac.encode()))
            else:  # a vault before schema 6 (only while it is being upgraded)
                mac = compute_mac(self.key, prev, seq, at, user, device, action, record_id, text)
            self.db.execute(
                "INSERT INTO audit (seq, at, user, device, action, record_id, detail, mac, signer, sig) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                (seq, at, user, device, action, record_id, text, mac, signer, sig),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                (json.dumps([seq, mac]),),
            )
        return seq

    def entries(self, *, newest_first: bool = False, limit: int | None = None,
                offset: int = 0, leave_out: Collection[str] = ()) -> list[AuditEntry]:
        """The entries in order; `leave_out`: actions not wanted (routine reads, say)."""
        order = "DESC" if newest_first else "ASC"
        params: list[Any] = sorted(leave_out)
        where = f"WHERE action NOT IN ({', '.join('?' * len(params))}) " if params else ""
        sql = ("SELECT seq, at, user, device, action, record_id, detail, mac, signer FROM audit "
               f"{where}ORDER BY seq {order}")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [
            AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8])
            for r in self.db.query(sql, params)
        ]

    def count(self) -> int:
        return int(self.db.scalar("SELECT count(*) FROM audit"))

    def hash_at(self, seq: int) -> str | None:
        value = self.db.scalar("SELECT mac FROM audit WHERE seq = ?", (seq,))
        return str(value) if value is not None else None

    def head(self) -> tuple[int, str]:
        return self._head()

    def trusted_keys(self) -> tuple[dict[str, tuple[bytes, ...]], int | None]:
        """Signers' keys as the signed list of people holds them (plus a key a person recorded
        for themselves that no administrator has confirmed yet), and where signatures begin."""
        return trusted_keys(self.db)

    def verify(self, keys: Callable[[str], bytes | tuple[bytes, ...] | None] | None = None, *,
               signed_from: int | None = None,
               anchor: tuple[int, str] | None = None) -> Verification:
        """Walk the chain in order; name the first entry that does not hold.

        `keys` gives a signer's Ed25519 public key (from the signed roster); `signed_from` is the
        first entry that must be signed (from the signed roster, so it cannot be moved); `anchor`
        is an entry some person saw (seq, hash), which must still be there unchanged."""
        if keys is None:
            trusted, signed_from = self.trusted_keys()
            keys = trusted.get
        prev = GENESIS
        expected_seq = 1
        count = signed = 0
        rows = self.db.query(
            "SELECT seq, at, user, device, action, record_id, detail, mac, signer, sig FROM audit "
            "ORDER BY seq")
        for seq, at, user, device, action, record_id, detail, mac, signer, sig in rows:
            if seq != expected_seq:
                return Verification(False, count, expected_seq,
                                    f"entry {expected_seq} is missing (next found is {seq})", signed)
            if signer is None:
                if signed or (signed_from is not None and seq >= signed_from):
                    return Verification(False, count, seq, "an entry after signatures began is not "
                                        "signed (the trail was rewritten)", signed)
                want = compute_mac(self.key, prev, seq, at, user, device, action, record_id, detail)
                if not hmac.compare_digest(want, mac):
                    return Verification(False, count, seq, "content or order does not match its seal",
                                        signed)
            else:
                want = chain_hash(prev, signer, seq, at, user, device, action, record_id, detail)
                if not hmac.compare_digest(want, mac):
                    return Verification(False, count, seq, "content or order does not match its seal",
                                        signed)
                public = keys(signer) if keys is not None else None
                if public is None:
                    return Verification(False, count, seq, f"signed by {signer}, whose key the "
                                        "administrators' list does not hold", signed)
                try:
                    good = signature_holds(public, unb64(sig or ""), mac.encode())
                except ValueError:
                    good = False
                if not good:
                    return Verification(False, count, seq, f"the signature of {signer} does not hold",
                                        signed)
                signed += 1
            prev = mac
            expected_seq += 1
            count += 1
        head_seq, head_mac = self._head()
        if head_seq != count or (count and head_mac != prev):
            return Verification(False, count, count + 1 if head_seq > count else head_seq,
                                f"the trail ends at {count} but the recorded head is {head_seq}", signed)
        if anchor is not None and anchor[0] > 0:
            seen = self.hash_at(anchor[0])
            if seen is None:
                return Verification(False, count, anchor[0], f"the trail ends at {count}, but entry "
                                    f"{anchor[0]} was seen at an unlock: entries were removed", signed)
            if not hmac.compare_digest(seen, anchor[1]):
                return Verification(False, count, anchor[0], "this entry differs from the one seen at "
                                    "an unlock: the trail was rewritten", signed)
        return Verification(True, count, None, "ok", signed)
