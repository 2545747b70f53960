"""The county's settings as an administrator signed them.

The county policy (policy.py: how soon the team meets, when to re-screen, the idle lock...), the
county's name and the hub this computer is enrolled with are rows of `meta`, which every person
holding the data key can write. A caseworker who set `policy.team_convene_days` to 90 there moved
every team meeting's deadline for the whole office, and Today showed none overdue; one who put her
own server and certificate in `sync.hub_url` and `sync.cert_pem` would have been sent a
supervisor's next push, sealed youth included, and the device's token. So, like the list of
people (roster.py), the settings are signed with the roster key whenever an administrator changes
them (a setting, an enrolment), and at every unlock the rows are compared with the signed copy: a
row changed outside the app is put back as signed, and the unlock says so. The sync reads the
hub's address and certificate from the signed copy itself (`Vault.signed_settings`), so a row
changed during a session is not used either.

Not covered: the other sync rows (last contact, the checkpoint), which every person's sync writes
and which only the hub could vouch for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database

KEY = "settings_signed"
HUB = ("sync.hub_url", "sync.cert_pem")
"""The enrolment's rows an administrator writes and the sync trusts: where it sends, whom it trusts."""
_WHERE = "key LIKE 'policy.%' OR key IN ('idle_lock_minutes', 'county', 'sync.hub_url', 'sync.cert_pem')"
"""The signed rows: every county policy setting (and its first key, from schema 1-3), the county and
the hub."""
_LABELS = {"county": "the county's name", "sync.hub_url": "the county hub's address",
           "sync.cert_pem": "the county hub's certificate"}


def current(db: Database) -> dict[str, str]:
    return {str(k): str(v) for k, v in db.query(f"SELECT key, value FROM meta WHERE {_WHERE}")}


def _message(vault_id: str, values: dict[str, str]) -> bytes:
    return json.dumps(["county-settings", vault_id, values], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode()


@dataclass(frozen=True)
class Signed:
    values: dict[str, str]
    sig: str


def load(db: Database) -> Signed | None:
    """The signed copy; None when there is none yet (a vault from before this check) or it cannot
    be read (treated as unsigned by `check`, which says so)."""
    value = db.scalar("SELECT value FROM meta WHERE key = ?", (KEY,))
    if value is None:
        return None
    try:
        data = json.loads(str(value))
        values = data["values"]
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise TypeError
        return Signed({str(k): v for k, v in values.items()}, str(data["sig"]))
    except (ValueError, KeyError, TypeError):
        return Signed({}, "")


def sign(db: Database, vault_id: str, seed: bytes | bytearray) -> None:
    """Sign the settings as they are now (inside the caller's transaction)."""
    values = current(db)
    sig = K.b64(K.sign(seed, _message(vault_id, values)))
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (KEY, json.dumps({"values": values, "sig": sig}, sort_keys=True)))


def holds(signed: Signed, vault_id: str, root: bytes) -> bool:
    try:
        return K.signature_holds(root, K.unb64(signed.sig), _message(vault_id, signed.values))
    except ValueError:
        return False


def changed(db: Database, signed: Signed) -> list[str]:
    """The rows that differ from the signed copy (added, edited or removed), by key."""
    now = current(db)
    return sorted(k for k in set(now) | set(signed.values) if now.get(k) != signed.values.get(k))


def put_back(db: Database, signed: Signed, names: list[str]) -> None:
    """The named rows as the signed copy has them (inside the caller's transaction)."""
    for name in names:
        if name in signed.values:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (name, signed.values[name]))
        else:
            db.execute("DELETE FROM meta WHERE key = ?", (name,))


def label(name: str) -> str:
    """A row's name as a person reads it ("policy.team_convene_days" -> "team convene days")."""
    return _LABELS.get(name) or name.removeprefix("policy.").replace("_", " ")
