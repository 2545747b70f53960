"""The hub's tables (SQLAlchemy Core): the same schema on PostgreSQL and SQLite.

Every row carries its county; every query names one. Alembic's migrations in
`hub/migrations/versions/` create these tables: change both together.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    text,
)

metadata = MetaData()

counties = Table(
    "counties", metadata,
    Column("id", String(64), primary_key=True),
    # The county's change counter. A push increments it under the row's lock, so numbers
    # are handed out in commit order and a pull "since N" can never skip a later commit.
    Column("seq", BigInteger, nullable=False, default=0),
    Column("max_offline_days", Integer, nullable=False, default=14),
)

users = Table(
    "hub_users", metadata,
    Column("county", String(64), ForeignKey("counties.id"), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("role", String(32), nullable=False),
    Column("unit", String(64)),
    # Grants beyond the role (Permission values, sorted), as `User.extra_permissions` on the desktop.
    Column("extra_permissions", JSON, nullable=False, default=list, server_default="[]"),
    # Disabled by the hub administrator: the person's devices are refused until enabled again.
    Column("disabled", Boolean, nullable=False, default=False, server_default=false()),
)

admins = Table(
    "hub_admins", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("county", String(64), ForeignKey("counties.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("created_at", String(40)),  # None for tokens made before it was kept
    Column("revoked_at", String(40)),  # a revoked token is refused (401) from then on
)

enrollments = Table(
    "enrollments", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("county", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("used_at", String(40)),
)

devices = Table(
    "devices", metadata,
    Column("id", String(36), primary_key=True),
    Column("county", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # active | revoked | locked
    Column("enrolled_at", String(40), nullable=False),
    Column("last_seen", String(40)),
    Column("wipe_sent_at", String(40)),
    Column("scope_key", Text),  # the user's role, grants and unit at the last pull (Who.scope_key)
)

records = Table(
    "records", metadata,
    Column("id", String(36), primary_key=True),
    Column("county", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("owner_id", String(36)),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    # The record as a pull sends it (P.RecordState without its open conflicts), as JSON text
    # written with the record: its body, and the stamp of the write that set each field.
    Column("state", Text, nullable=False),
    Column("authors", JSON, nullable=False),  # field -> [user, device, at]
    Column("updated_at", String(40), nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    # Who may see a youth, copied from its body so a pull filters in SQL.
    Column("worker", String(64)),
    Column("unit", String(64)),
    Column("sealed", Boolean, nullable=False, default=False),
    Index("records_county_seq", "county", "seq"),
    Index("records_owner", "owner_id"),
)

ops = Table(
    "ops", metadata,
    Column("op_id", String(36), primary_key=True),
    Column("county", String(64), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("user", String(64), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("op", String(8), nullable=False),
    Column("fields", JSON, nullable=False),
    Column("hlc", String(100), nullable=False),
    Column("hlc_ahead", Boolean, nullable=False, default=False),  # stamped > 5 min in the hub's future
    Column("at", String(40), nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("result", String(16), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Index("ops_record", "record_id"),
)

conflicts = Table(
    "conflicts", metadata,
    Column("id", String(36), primary_key=True),
    Column("county", String(64), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("field", String(100), nullable=False),
    Column("values", JSON, nullable=False),  # [{value, stamp, user, device, at}, ...]
    Column("created_at", String(40), nullable=False),
    Column("resolved_at", String(40)),
    Column("resolved_by", String(64)),
    Column("resolved_value", JSON),
    Column("resolution_id", String(36)),
    Index("conflicts_record", "record_id"),
)

holdings = Table(
    # Which youth each device has been sent: a youth leaving the user's scope is named
    # to that device only ("gone"), never to devices that never held it.
    "holdings", metadata,
    Column("device_id", String(36), primary_key=True),
    Column("youth_id", String(36), primary_key=True),
    # The `since` of the pull that first named the youth gone; the holding is forgotten only when
    # the device pulls from further on (it stored that page), so a lost or repeated answer still
    # tells it. NULL while the device may see the youth.
    Column("gone_since", BigInteger),
    # Each pull forgets the news the device has taken and sends again what it has not: without
    # this index both read all of the device's holdings (100,000 for a supervisor) every page.
    # Partial, so it holds only the few youth named gone, and a planner working from stale
    # statistics cannot pick it to look up one holding (it did: 20 times slower).
    Index("holdings_gone", "device_id", "gone_since", postgresql_where=text("gone_since IS NOT NULL"),
          sqlite_where=text("gone_since IS NOT NULL")),
)

audit = Table(
    "audit_entries", metadata,
    Column("device_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("county", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Column("user", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("record_id", String(64)),
    Column("detail", Text, nullable=False),
    Column("mac", String(128), nullable=False),
    Column("received_at", String(40), nullable=False),
)

hub_events = Table(
    # The hub's own audit: enrolments, revocations, wipe instructions, releases.
    "hub_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("device_id", String(36)),
    Column("detail", Text, nullable=False, default=""),
)
