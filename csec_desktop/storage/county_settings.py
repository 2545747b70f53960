"""The county's settings as an administrator signed them.

The county policy (policy.py: how soon the team meets, when to re-screen, the idle lock...), the
county's name and the hub this computer is enrolled with are rows of `meta`, which every person
holding the data key can write. A caseworker who set `policy.team_convene_days` to 90 there moved
every team meeting's deadline for the whole office, and Today showed none overdue; one who put her
own server and certificate in `sync.hub_url` and `sync.cert_pem` would have been sent a
supervisor's next push, sealed youth included, and the device's token.

So the settings are part of the signed list of people (roster.py: `Snapshot.settings`), under its
signature and sequence number, which each person's pin holds: removing them, or putting back an
older list, is refused like any change to the list. They are signed from the list signed before
and the administrator's own change (`Vault.sign_settings`), never read back from their rows, so a
row changed beside an administrator's change is not signed with it. At every unlock the rows are
compared with the signed values and put back, and the unlock says so; the policy and the sync read
the signed values themselves (`Vault.signed_settings`), so a row changed during a session is not
followed either.

Not covered: the other sync rows (last contact, the checkpoint, the offline limit the hub last
gave), which every person's sync writes and which only the hub could vouch for.
"""

from __future__ import annotations

from csec_desktop.storage.database import Database

HUB = ("sync.hub_url", "sync.cert_pem")
"""The enrolment's rows an administrator writes and the sync trusts: where it sends, whom it trusts."""
_WHERE = "key LIKE 'policy.%' OR key IN ('idle_lock_minutes', 'county', 'sync.hub_url', 'sync.cert_pem')"
"""The signed rows: every county policy setting (and its first key, from schema 1-3), the county and
the hub."""
_LABELS = {"county": "the county's name", "sync.hub_url": "the county hub's address",
           "sync.cert_pem": "the county hub's certificate"}


def current(db: Database) -> dict[str, str]:
    """The rows as they are (what a vault signed before the settings were gets signed as, once)."""
    return {str(k): str(v) for k, v in db.query(f"SELECT key, value FROM meta WHERE {_WHERE}")}


def changed(db: Database, signed: dict[str, str]) -> list[str]:
    """The rows that differ from the signed values (added, edited or removed), by key."""
    now = current(db)
    return sorted(k for k in set(now) | set(signed) if now.get(k) != signed.get(k))


def put_back(db: Database, signed: dict[str, str], names: list[str]) -> None:
    """The named rows as the signed values have them (inside the caller's transaction)."""
    for name in names:
        if name in signed:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (name, signed[name]))
        else:
            db.execute("DELETE FROM meta WHERE key = ?", (name,))


def label(name: str) -> str:
    """A row's name as a person reads it ("policy.team_convene_days" -> "team convene days")."""
    return _LABELS.get(name) or name.removeprefix("policy.").replace("_", " ")
