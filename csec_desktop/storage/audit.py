"""Append-only audit trail, each entry chained to the one before by an HMAC.

mac(n) = HMAC-SHA256(audit key, mac(n-1) || canonical entry n). The audit key
is derived from the vault's first data key and kept in the encrypted `meta`
table, so rotation does not break the chain. The head (last seq and mac) is
kept in `meta` too, so removing entries from the end is detected as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from csec_desktop.storage.database import Database

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


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None
    reason: str

    def __str__(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.entries} entries"
        return f"audit trail BROKEN at entry {self.first_bad}: {self.reason}"


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


class AuditLog:
    def __init__(self, db: Database, key: bytes) -> None:
        self.db = db
        self.key = key

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
            mac = compute_mac(self.key, prev, seq, at, user, device, action, record_id, text)
            self.db.execute(
                "INSERT INTO audit (seq, at, user, device, action, record_id, detail, mac) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (seq, at, user, device, action, record_id, text, mac),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                (json.dumps([seq, mac]),),
            )
        return seq

    def entries(self, *, newest_first: bool = False, limit: int | None = None,
                offset: int = 0) -> list[AuditEntry]:
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT seq, at, user, device, action, record_id, detail, mac FROM audit ORDER BY seq {order}"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [
            AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7])
            for r in self.db.query(sql, params)
        ]

    def count(self) -> int:
        return int(self.db.scalar("SELECT count(*) FROM audit"))

    def verify(self) -> Verification:
        """Walk the chain in storage order; name the first entry that does not hold."""
        prev = GENESIS
        expected_seq = 1
        count = 0
        # rowid order is insertion order for an INTEGER PRIMARY KEY table only by seq,
        # so read by seq and check that seq itself is contiguous.
        rows = self.db.query(
            "SELECT seq, at, user, device, action, record_id, detail, mac FROM audit ORDER BY seq"
        )
        for seq, at, user, device, action, record_id, detail, mac in rows:
            if seq != expected_seq:
                return Verification(False, count, expected_seq,
                                    f"entry {expected_seq} is missing (next found is {seq})")
            want = compute_mac(self.key, prev, seq, at, user, device, action, record_id, detail)
            if not hmac.compare_digest(want, mac):
                return Verification(False, count, seq, "content or order does not match its seal")
            prev = mac
            expected_seq += 1
            count += 1
        head_seq, head_mac = self._head()
        if head_seq != count or (count and head_mac != prev):
            return Verification(False, count, count + 1 if head_seq > count else head_seq,
                                f"the trail ends at {count} but the recorded head is {head_seq}")
        return Verification(True, count, None, "ok")
