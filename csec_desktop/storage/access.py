"""Failed-unlock counting and lockouts, kept beside the vault so they survive restarts.

This file must be readable before anyone unlocks, so it cannot live in the
encrypted database. It holds user names and counters only. Failures are
copied into the audit trail at the next successful unlock (the chain needs
the data key). Deleting the file resets counters, but anyone who can do that
can copy the vault and guess offline anyway: the Argon2id cost is what stands
against that, and this lockout is the CJIS-style guard at the keyboard.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csec_desktop.fileio import atomic_write

ACCESS_NAME = "access.json"
MAX_FAILURES = 5
LOCKOUT_SECONDS = 10 * 60


@dataclass
class AccessState:
    failures: dict[str, int] = field(default_factory=dict)
    locked_until: dict[str, float] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)
    """Events waiting for the audit chain: failed unlocks and lockouts."""

    @classmethod
    def load(cls, folder: Path) -> AccessState:
        try:
            data = json.loads((folder / ACCESS_NAME).read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (ValueError, OSError):
            # A damaged counter file must not lock everyone out or unlock anyone:
            # start counting again, and say so in the audit trail.
            return cls(pending=[{"action": "access_file_reset", "user": "-", "at": 0.0}])
        try:  # well-formed JSON of the wrong shape is damage too, never a crash at every unlock
            return cls(
                failures={str(k): int(v) for k, v in data.get("failures", {}).items()},
                locked_until={str(k): float(v) for k, v in data.get("locked_until", {}).items()},
                pending=[{"action": str(e["action"]), "user": str(e.get("user", "-")),
                          "at": float(e.get("at", 0.0))}
                         for e in data.get("pending", []) if isinstance(e, dict) and "action" in e],
            )
        except (AttributeError, TypeError, ValueError, OverflowError):
            return cls(pending=[{"action": "access_file_reset", "user": "-", "at": 0.0}])

    def save(self, folder: Path) -> None:
        data = {"failures": self.failures, "locked_until": self.locked_until, "pending": self.pending}
        atomic_write(folder / ACCESS_NAME, json.dumps(data, indent=1).encode())

    def minutes_left(self, user: str, now: float) -> int:
        until = self.locked_until.get(user, 0.0)
        return max(0, math.ceil((until - now) / 60)) if until > now else 0

    def record_failure(self, user: str, now: float) -> int:
        """Count a failure; returns attempts left before lockout (0 means now locked)."""
        count = self.failures.get(user, 0) + 1
        self.pending.append({"action": "unlock_failed", "user": user, "at": now})
        if count >= MAX_FAILURES:
            self.locked_until[user] = now + LOCKOUT_SECONDS
            self.failures[user] = 0
            self.pending.append({"action": "account_locked", "user": user, "at": now})
            return 0
        self.failures[user] = count
        return MAX_FAILURES - count

    def record_success(self, user: str) -> None:
        self.failures.pop(user, None)
        self.locked_until.pop(user, None)

    def release(self, user: str) -> None:
        self.failures.pop(user, None)
        self.locked_until.pop(user, None)
