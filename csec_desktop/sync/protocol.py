"""What the desktop and the county hub say to each other (JSON over HTTPS).

One set of pydantic models serves both ends: the hub's OpenAPI description is
generated from them (each field's docstring is its description), and the desktop
parses every answer with them, so a field renamed on one side fails a test rather
than a sync.

The exchange is by *operation*: every write on a desktop is one row of its
`changes` table with a unique operation id; pushing it twice changes nothing.
Each field change carries the clock stamp the writer had seen for that field
(`base`): the hub applies it when that is still the field's stamp, and keeps a
conflict for a person when someone else changed the field in between.
Pulls return whole record states in the order of the county's sequence.

Versions. Every request carries `CSEC-Protocol: <PROTOCOL>`; every answer carries the
hub's `CSEC-Protocol` and the oldest it still serves, `CSEC-Protocol-Min`. A request
without the header is protocol 1 (desktops before the header existed). Requests
(`Wire`) are strict: the hub refuses a field it does not know. Answers (`Reply`) are
tolerant: a desktop ignores fields a newer hub added, and refuses clearly (naming what
to upgrade) only an answer it cannot understand. Protocol 1 desktops parsed answers
strictly, so the hub answers them with protocol 1 bodies (`PROTOCOL_1_PROBLEM`); a field
added to an answer must likewise be left out for clients older than it, and
tests/hub/test_protocol_compat.py runs the protocol 1 client against the hub to hold it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator, with_config
from typing_extensions import TypedDict

from csec_desktop.domain.people import NEVER_GRANTED, Permission, Role

PROTOCOL = 2
"""This code's protocol. 2: problem details (RFC 9457) for errors, versions in headers."""
MIN_PROTOCOL = 1
"""The oldest protocol this hub still answers, and the oldest hub this desktop can talk to."""
HEADER = "CSEC-Protocol"
MIN_HEADER = "CSEC-Protocol-Min"
PROBLEM_MEDIA_TYPE = "application/problem+json"
PROTOCOL_1_PROBLEM = frozenset({"error", "detail", "wipe"})
"""The members of an error a protocol 1 desktop accepts (it refused any other)."""

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


def client_protocol(header: str | None) -> int:
    """The protocol a request speaks: its header, or 1 when it has none (or an unreadable one)."""
    try:
        return max(1, int(header)) if header else 1
    except ValueError:
        return 1


class Wire(BaseModel):
    """A request body: strict, so a misspelt or unknown field is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Reply(BaseModel):
    """An answer: a desktop ignores fields a newer hub added (they cannot change the meaning of
    the fields it knows: a change of meaning is a new protocol version)."""

    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)


@with_config(ConfigDict(extra="forbid", use_attribute_docstrings=True))
class FieldChange(TypedDict, total=False):
    """One field's change. A plain mapping, not a model: a push carries tens of thousands of
    them, and a model each made reading a push 1.5 times as slow. A key left out is None."""

    old: Any
    """The field's value before the change (None for a new record)."""
    new: Any
    """The field's value after the change."""
    base: Annotated[str | None, Field(max_length=100)]
    """The field's stamp the writer saw before this change (None for a new record)."""


class Op(Wire):
    op_id: str = Field(pattern=ID)
    """The operation's own id (UUIDv7): pushing it again answers `duplicate` (or `refused` again,
    with the same reason, when the hub refused it the first time)."""
    record_id: str = Field(pattern=ID)
    """The record written."""
    kind: str = Field(pattern=KIND)
    """The record's kind (youth, case_note, referral...)."""
    owner_id: str | None = Field(default=None, pattern=ID)
    """The youth the record belongs to (None for a youth itself and for county records)."""
    op: Literal["create", "update", "delete"]
    """What the operation does; a delete is a tombstone and wins over later edits."""
    fields: dict[str, FieldChange] = Field(max_length=200)
    """Each field changed, by name."""
    hlc: str = Field(pattern=STAMP)
    """Hybrid logical clock stamp: milliseconds, counter, device."""
    user: str = Field(pattern=NAME)
    """Who made the change on the desktop."""
    at: str = Field(pattern=AT)
    """When, by the desktop's clock (ISO 8601 with offset); never used to decide a conflict."""


class Resolution(Wire):
    """A person's decision on a conflict: the value kept, after seeing `seen` values."""

    resolution_id: str = Field(pattern=ID)
    """The decision's own id: sending it again changes nothing."""
    conflict_id: str = Field(pattern=ID)
    """The conflict decided."""
    value: Any = None
    """The value the person kept."""
    restore: bool = False
    """True to bring back a record deleted elsewhere with this value (the person kept an edit
    made against the deletion); false keeps the record as it is at the hub, deleted or not."""
    seen: int = Field(ge=2, le=1000)
    """How many values the person saw side by side; a conflict that has more now stays open."""
    user: str = Field(pattern=NAME)
    """Who decided."""
    at: str = Field(pattern=AT)
    """When (ISO 8601 with offset)."""


class PushRequest(Wire):
    ops: list[Op] = Field(default_factory=list, max_length=MAX_OPS)
    """Operations from the outbox, oldest first."""
    resolutions: list[Resolution] = Field(default_factory=list, max_length=MAX_OPS)
    """Conflict decisions made on the desktop since the last push."""


OpOutcome = Literal["applied", "conflict", "duplicate", "refused"]


class OpResult(Reply):
    op_id: str
    """The operation answered."""
    result: OpOutcome
    """applied; conflict (kept for a person to decide); duplicate (already had it); refused."""
    detail: str = ""
    """Why an operation was refused or made a conflict."""


class PushResponse(Reply):
    results: list[OpResult]
    """One result per operation, in the order sent."""
    resolved: list[str]
    """Resolution ids the hub accepted (a conflict that gained a value meanwhile stays open)."""
    server_time: str
    """The hub's clock (ISO 8601, UTC)."""


class ConflictValue(Reply):
    value: Any = None
    """One of the values in conflict."""
    deleted: bool = False
    """True when this side is the record's deletion (an edit arrived after someone deleted it):
    keeping it keeps the record deleted; keeping another side restores the record."""
    stamp: str | None = None
    """Its clock stamp."""
    user: str
    """Who wrote it."""
    device: str
    """On which device."""
    at: str
    """When, by that device's clock."""


class ConflictState(Reply):
    conflict_id: str
    """The conflict's id, to decide it by."""
    field: str
    """The field in conflict."""
    values: list[ConflictValue]
    """Every value written concurrently, each with who, where and when."""
    created_at: str
    """When the hub found the conflict."""


class RecordState(Reply):
    id: str
    """The record's id."""
    kind: str
    """Its kind."""
    owner_id: str | None
    """The youth it belongs to (None for a youth and for county records)."""
    version: int
    """How many writes the hub has applied to it."""
    deleted: bool
    """True for a tombstone: remove the record."""
    body: dict[str, Any]
    """The whole record as the hub holds it."""
    stamps: dict[str, str]
    """Each field's clock stamp (the `base` of the next change to it)."""
    updated_at: str
    """When the hub last changed it."""
    updated_by: str
    """Who made that change."""
    seq: int
    """Its place in the county's sequence."""
    conflicts: list[ConflictState] = Field(default_factory=list)
    """Its open conflicts."""
    withheld: list[str] = Field(default_factory=list)
    """Fields of the youth's account this device's person may not read (hub/accounts.py): sent
    blank, with their conflicts left out; the device keeps what it holds of them."""


class PullResponse(Reply):
    records: list[RecordState]
    """Record states changed after `since`, in sequence order."""
    gone: list[str]
    """Youth this device held that its user may no longer see: drop them and their records."""
    next: int
    """The checkpoint to pull from next time."""
    more: bool
    """True when another page is waiting."""
    server_time: str
    """The hub's clock (ISO 8601, UTC)."""


class AuditEntry(Wire):
    seq: int = Field(ge=1, le=MAX_SEQ)
    """The entry's number in the vault's chain."""
    at: str = Field(pattern=AT)
    """When (ISO 8601 with offset)."""
    user: str = Field(max_length=64, pattern=TEXT)
    """Who acted."""
    device: str = Field(max_length=64, pattern=TEXT)
    """On which device."""
    action: str = Field(max_length=64, pattern=TEXT)
    """What was done (view, update, export...)."""
    record_id: str | None = Field(default=None, max_length=64, pattern=TEXT)
    """The record it concerns, if any."""
    detail: str = Field(max_length=4000, pattern=TEXT)
    """Details as JSON (never record content)."""
    mac: str = Field(pattern=r"^[0-9a-f]{1,128}$")
    """The chain's HMAC over this entry and the one before."""


class AuditPush(Wire):
    entries: list[AuditEntry] = Field(max_length=MAX_OPS)
    """Audit entries not yet sent, in order."""


class AuditAck(Reply):
    stored: int
    """Entries newly stored."""
    last_seq: int
    """The last entry the hub holds for this device."""


class CodeToCancel(Wire):
    code: str = Field(min_length=8, max_length=64, pattern=TEXT)
    """An enrolment code not used yet (given to the wrong person, or no longer needed)."""


class EnrollRequest(Wire):
    code: str = Field(min_length=8, max_length=64, pattern=TEXT)
    """The one-time enrolment code from the hub administrator."""
    device_name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    """A name for this computer in the hub's list of devices."""


class Enrollment(Reply):
    device_id: str
    """This device's id."""
    secret: str
    """This device's secret, shown once: requests carry `device.<id>.<secret>`."""
    county: str
    """The county the device belongs to."""
    username: str
    """The person the device syncs for."""
    role: str
    """Their role on the hub."""
    max_offline_days: int
    """Days without reaching the hub before the desktop keeps cases closed."""
    server_time: str
    """The hub's clock (ISO 8601, UTC)."""
    unit: str | None = None
    """Their unit on the hub (None: none, or a hub from before units were sent). The hub's role
    and unit decide which youth the device is sent; the desktop says so when its own differ."""


DeviceState = Literal["active", "revoked", "locked"]


class DeviceStatus(Reply):
    device_id: str
    """This device's id."""
    status: DeviceState
    """active; revoked (erase the vault); locked (offline too long, until released)."""
    username: str
    """The person the device syncs for."""
    role: str
    """Their role on the hub."""
    max_offline_days: int
    """Days without reaching the hub before the desktop keeps cases closed."""
    server_time: str
    """The hub's clock (ISO 8601, UTC)."""


class FieldError(Reply):
    field: str
    """Where the problem is: body, query or path, then the field's names, dot-separated."""
    message: str
    """What is wrong with it."""


class Problem(Reply):
    """Every refusal, as problem details (RFC 9457, `application/problem+json`): what happened
    and what to do; `wipe` tells a revoked device to erase its vault."""

    type: str = "about:blank"
    """A URI naming the kind of problem (`urn:csec:problem:<error>`)."""
    title: str = ""
    """A short, fixed summary of the kind of problem."""
    status: int = 0
    """The HTTP status code of this answer."""
    detail: str
    """What happened here and what to do, for a person."""
    error: str
    """A short code for programs (unauthenticated, forbidden, not_found, invalid_request...)."""
    wipe: bool = False
    """True only to a revoked device: erase the vault now."""
    errors: list[FieldError] = Field(default_factory=list)
    """For a request that was not valid: each field and what is wrong with it."""


_NEVER_ADMIN: list[Any] = sorted(p.value for p in NEVER_GRANTED[Role.ADMINISTRATOR])


class NewUser(Wire):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, json_schema_extra={
        # The validator's rule below, in the published schema (people.NEVER_GRANTED).
        "if": {"properties": {"role": {"const": "administrator"}}, "required": ["role"]},
        "then": {"properties": {"extra_permissions": {"items": {"not": {"enum": _NEVER_ADMIN}}}}}})

    username: str = Field(pattern=NAME)
    """The person's user name, the same as on the desktops."""
    role: Literal["administrator", "supervisor", "caseworker", "attorney", "read_only"]
    """Their role: decides what they may see and change."""
    unit: str | None = Field(default=None, max_length=64, pattern=TEXT)
    """Their unit (a caseworker sees their own and their unit's youth)."""
    extra_permissions: list[Permission] = Field(default_factory=list, max_length=len(Permission))
    """Grants beyond the role, as `User.extra_permissions` on the desktop (e.g. read_all_youth for
    a caseworker covering a colleague); saving a user replaces the list kept. No grant gives an
    administrator read_sealed or read_narrative (`people.NEVER_GRANTED`)."""

    @model_validator(mode="after")
    def _grantable(self) -> NewUser:
        refused = sorted(p.value for p in NEVER_GRANTED.get(Role(self.role), frozenset())
                         & set(self.extra_permissions))
        if refused:
            raise ValueError(f"an {self.role} cannot be given {', '.join(refused)}")
        return self


class HubUser(Reply):
    username: str
    """The person's user name."""
    role: str
    """Their role."""
    unit: str | None = None
    """Their unit."""
    extra_permissions: list[Permission] = Field(default_factory=list)
    """Grants beyond the role."""
    county: str
    """Their county."""
    disabled: bool = False
    """Disabled by the hub administrator: their devices sync nothing until enabled again."""


class NewEnrollment(Wire):
    username: str = Field(pattern=NAME)
    """The person whose new device will enrol with the code."""


class EnrollmentCode(Reply):
    code: str
    """The one-time code to type into the desktop's enrolment dialog."""
    expires_at: str
    """When the code stops working (ISO 8601, UTC)."""


class AdminInfo(Reply):
    admin_id: str
    """The token's id (the start of its hash; not a secret): names it to revoke it."""
    name: str
    """Whose token it is."""
    created_at: str | None = None
    """When it was made (None for tokens made before this was kept)."""
    revoked_at: str | None = None
    """When it was revoked (None: it works)."""


class DeviceInfo(Reply):
    device_id: str
    """The device's id."""
    name: str
    """The name it enrolled with."""
    username: str
    """The person it syncs for."""
    status: DeviceState
    """active, revoked or locked."""
    enrolled_at: str
    """When it enrolled."""
    last_seen: str | None
    """When it last reached the hub."""
    wipe_sent_at: str | None
    """When the hub told it (revoked) to erase its vault."""


class Health(Reply):
    status: Literal["ok", "ready", "not_ready"]
    """ok: the process answers (/healthz); ready or not_ready (/readyz)."""
    protocol: int = PROTOCOL
    """The sync protocol this hub speaks."""
    database: Literal["ok", "unreachable", "not_checked"] = "not_checked"
    """Whether the database answered (/readyz only)."""
    migrations: Literal["current", "behind", "not_checked"] = "not_checked"
    """Whether the database schema is at this hub's latest migration (/readyz only)."""


class CountyReport(Reply):
    """The program report's figures over a county's synced records (reports/figures.py)."""

    county: str
    """The county."""
    period: dict[str, str]
    """The period: its label and first and last days (California days)."""
    youth: int
    """Youth counted: every youth the hub holds in clear."""
    sealed_left_out: int
    """Sealed youth, left out: sealed end to end, they are counted on the desktops that may read them."""
    units: list[str]
    """The units, as the columns of `counts`."""
    counts: dict[str, Any]
    """Each count by id: label, definition, citation, law_checked, total and by_unit."""
    screens: dict[str, Any]
    """Licensed screens in the period: tools, bands, counts by tool and band, youth screened."""
    duties: dict[str, Any]
    """Each duty rule's deadlines in the period: due, on_time, late, still_open, median_delay_hours."""
    trend: dict[str, Any]
    """The months and, for each trend count, the youth identified in each month."""
