# ruff: noqa
"""SNAPSHOT, never edit: csec_desktop/sync/protocol.py as protocol 1 shipped it (commit ba72739).
tests/hub/test_protocol_compat.py runs a protocol 1 client built on it against today's hub."""


from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from csec_desktop.domain.people import Permission

ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
STAMP = r"^[0-9]{13}-[0-9]{5}-[0-9A-Za-z._:-]{1,64}$"
NAME = r"^[A-Za-z0-9._@-]{1,64}$"
KIND = r"^[a-z_]{1,40}$"
AT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,15}(Z|[+-][0-9]{2}:[0-9]{2})$"
TEXT = r"^[^\x00]*$"
"""Free text: anything but NUL, which PostgreSQL's text columns cannot hold."""
MAX_SEQ = 2**53 - 1
"""The largest integer every JSON reader keeps exact."""
MAX_OPS = 500
"""Operations in one push; the desktop sends its outbox in batches of this size."""


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldChange(Wire):
    old: Any = None
    new: Any = None
    base: str | None = Field(default=None, max_length=100)
    """The field's stamp the writer saw before this change (None for a new record)."""


class Op(Wire):
    op_id: str = Field(pattern=ID)
    record_id: str = Field(pattern=ID)
    kind: str = Field(pattern=KIND)
    owner_id: str | None = Field(default=None, pattern=ID)
    op: Literal["create", "update", "delete"]
    fields: dict[str, FieldChange] = Field(max_length=200)
    hlc: str = Field(pattern=STAMP)
    user: str = Field(pattern=NAME)
    at: str = Field(pattern=AT)


class Resolution(Wire):
    """A person's decision on a conflict: the value kept, after seeing `seen` values."""

    resolution_id: str = Field(pattern=ID)
    conflict_id: str = Field(pattern=ID)
    value: Any = None
    seen: int = Field(ge=2, le=1000)
    user: str = Field(pattern=NAME)
    at: str = Field(pattern=AT)


class PushRequest(Wire):
    ops: list[Op] = Field(default_factory=list, max_length=MAX_OPS)
    resolutions: list[Resolution] = Field(default_factory=list, max_length=MAX_OPS)


OpOutcome = Literal["applied", "conflict", "duplicate", "refused"]


class OpResult(Wire):
    op_id: str
    result: OpOutcome
    detail: str = ""


class PushResponse(Wire):
    results: list[OpResult]
    resolved: list[str]
    """Resolution ids the hub accepted (a conflict that gained a value meanwhile stays open)."""
    server_time: str


class ConflictValue(Wire):
    value: Any = None
    stamp: str | None = None
    user: str
    device: str
    at: str


class ConflictState(Wire):
    conflict_id: str
    field: str
    values: list[ConflictValue]
    created_at: str


class RecordState(Wire):
    id: str
    kind: str
    owner_id: str | None
    version: int
    deleted: bool
    body: dict[str, Any]
    stamps: dict[str, str]
    updated_at: str
    updated_by: str
    seq: int
    conflicts: list[ConflictState] = Field(default_factory=list)


class PullResponse(Wire):
    records: list[RecordState]
    gone: list[str]
    """Youth this device held that its user may no longer see: drop them and their records."""
    next: int
    more: bool
    server_time: str


class AuditEntry(Wire):
    seq: int = Field(ge=1, le=MAX_SEQ)
    at: str = Field(pattern=AT)
    user: str = Field(max_length=64, pattern=TEXT)
    device: str = Field(max_length=64, pattern=TEXT)
    action: str = Field(max_length=64, pattern=TEXT)
    record_id: str | None = Field(default=None, max_length=64, pattern=TEXT)
    detail: str = Field(max_length=4000, pattern=TEXT)
    mac: str = Field(pattern=r"^[0-9a-f]{1,128}$")


class AuditPush(Wire):
    entries: list[AuditEntry] = Field(max_length=MAX_OPS)


class AuditAck(Wire):
    stored: int
    last_seq: int


class EnrollRequest(Wire):
    code: str = Field(min_length=8, max_length=64, pattern=TEXT)
    device_name: str = Field(min_length=1, max_length=100, pattern=TEXT)


class Enrollment(Wire):
    device_id: str
    secret: str
    county: str
    username: str
    role: str
    max_offline_days: int
    server_time: str


class DeviceStatus(Wire):
    device_id: str
    status: Literal["active", "revoked", "locked"]
    username: str
    role: str
    max_offline_days: int
    server_time: str


class Problem(Wire):
    """Every refusal: what happened, what to do; `wipe` tells a revoked device to erase its vault."""

    error: str
    detail: str
    wipe: bool = False


class NewUser(Wire):
    username: str = Field(pattern=NAME)
    role: Literal["administrator", "supervisor", "caseworker", "attorney", "read_only"]
    unit: str | None = Field(default=None, max_length=64, pattern=TEXT)
    extra_permissions: list[Permission] = Field(default_factory=list, max_length=len(Permission))
    """Grants beyond the role, as `User.extra_permissions` on the desktop (e.g. read_all_youth for
    a caseworker covering a colleague); saving a user replaces the list kept."""


class HubUser(NewUser):
    county: str


class NewEnrollment(Wire):
    username: str = Field(pattern=NAME)


class EnrollmentCode(Wire):
    code: str
    expires_at: str


class DeviceInfo(Wire):
    device_id: str
    name: str
    username: str
    status: Literal["active", "revoked", "locked"]
    enrolled_at: str
    last_seen: str | None
    wipe_sent_at: str | None
