"""A youth's record page: opening it, saving it, undoing, and refreshing what a change touched."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from csec_desktop import caseload, efc, formspec, identification, policy, services, today
from csec_desktop.domain.csec import FormResponse
from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.people import Permission
from csec_desktop.domain.services import PlanGoal, Referral
from csec_desktop.domain.vacatur import RESTRICTED_FIELDS, CriminalCount, VacaturCase
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import NotFound, PermissionDenied
from csec_desktop.identification import current_answers
from csec_desktop.rules import LEGAL_ZONE, Finding, birthday
from csec_desktop.storage import account_copies
from csec_desktop.storage.records import Change, StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import refused
from csec_desktop.vacatur import CountAnswer, assess

DRAFT_PREFIX = "youth:"


@dataclass(frozen=True)
class HistoryEntry:
    at: str  # UTC ISO instant, as stored
    user: str
    op: str  # create, update, delete
    fields: tuple[str, ...]
    kind: str = "youth"  # the youth's own record, or one attached to it
    item: dict[str, Any] | None = None
    """The attached record as it read right after this change, as this person may read it, so the
    line can say which one it was (`summaries.summarize`); None for the youth's own record."""
    changes: tuple[tuple[str, Any, Any], ...] = ()
    """An edit's (field, old value, new value), so a mistaken edit of a record with no undo (a
    count, a contact) can be put right from what it was; none of an account this person may not
    read."""


@dataclass(frozen=True)
class EfcView:
    """The Extended foster care tab: eligibility today, the 16-to-21 timeline, the birthdays."""

    eligibility: efc.Eligibility
    timeline: list[efc.Event]
    birthdays: list[tuple[int, date]]
    on: date


@dataclass(frozen=True)
class CountView:
    record_id: str
    count: CriminalCount
    answer: CountAnswer


@dataclass(frozen=True)
class Derived:
    """What the rules and pure functions make of the record: recomputed after any change."""

    duties: list[Finding]
    glance: list[services.AreaSummary]
    efc: EfcView
    relief: list[CountView]
    shared: frozenset[str] = frozenset()
    """The cases and counts whose account this person reads because counsel shared it with them."""
    readers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Case id -> the names of the caseworkers its account is shared with, as its signed history
    proves it (a name written into the record outside the app is not shown)."""
    shared_by: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Case id -> who shared it (their name) and when (an ISO time), where it is shared."""


@dataclass(frozen=True)
class YouthFile:
    """Everything the record page shows, read once."""

    record: StoredRecord
    attached: dict[str, list[StoredRecord]]  # by kind, as this person may see them
    history: list[HistoryEntry]
    draft: dict[str, Any] | None
    derived: Derived
    kinds: tuple[str, ...] = field(default=())
    forms: dict[str, formspec.FormSpec] = field(default_factory=dict)
    """The forms of the screens saved for this youth, so each result is said as its form says it."""
    refused_by_hub: str = ""
    """Why the county hub refused the youth's record, if it did: on this computer only."""

    @property
    def youth(self) -> Youth:
        assert isinstance(self.record.body, Youth)
        return self.record.body

    def of(self, kind: str) -> list[StoredRecord]:
        return self.attached.get(kind, [])


def attached_kinds() -> tuple[str, ...]:
    """Every registered kind that belongs to a youth (the registry decides, not the screen)."""
    return tuple(kind for kind, model in KINDS.items()
                 if kind != "youth" and "youth_id" in model.model_fields)


def _forms(shown: dict[str, list[StoredRecord]]) -> dict[str, formspec.FormSpec]:
    used = {r.body.form_id for r in shown.get("form_response", []) if isinstance(r.body, FormResponse)}
    return {k: v for k, v in identification.forms().items() if k in used} if used else {}


def _history(vault: Vault, youth_id: str) -> list[HistoryEntry]:
    """The youth's record and every record attached to it (removed ones too), newest first: a day
    of notes, referrals and meetings showed only "created the record". Each line of an attached
    record comes with that record as it read right after the change, folded from its history (so a
    line can say which contact's phone changed; the record as it reads now made "added a contact"
    show the phone given later), and an edit with what each field was."""
    unread = set() if vault.user.can(Permission.READ_NARRATIVE) else \
        {(kind, name) for kind, names in RESTRICTED_FIELDS.items() for name in names}

    def values(c: Change) -> dict[str, Any]:
        return {name: None if (c.kind, name) in unread else change.get("new")
                for name, change in c.fields.items() if isinstance(change, dict)}

    def edits(c: Change) -> tuple[tuple[str, Any, Any], ...]:
        return tuple((name, change.get("old"), change.get("new")) for name, change in sorted(c.fields.items())
                     if c.op == "update" and isinstance(change, dict) and (c.kind, name) not in unread)

    states: dict[str, dict[str, Any]] = {}
    entries = []
    for c in vault.records.history_of_youth(youth_id):
        state = states.setdefault(c.record_id, {})
        if c.op == "create":
            state.clear()
        if c.op in ("create", "update"):
            state.update(values(c))
        item = dict(state) if c.kind != "youth" and state else None
        entries.append(HistoryEntry(c.at, c.user, c.op, tuple(sorted(c.fields)), c.kind, item, edits(c)))
    return entries[::-1]


def _derive(vault: Vault, record: StoredRecord, stored: list[StoredRecord],
            shown: dict[str, list[StoredRecord]], now: datetime) -> Derived:
    youth = record.body
    assert isinstance(youth, Youth)
    settings = policy.values(vault)
    on = now.date()
    bodies = [r.body for r in stored]
    duties = today.evaluate_youth(record.id, youth, stored, settings, now)
    responses = [r.body for r in shown.get("form_response", [])
                 if isinstance(r.body, FormResponse) and r.body.form_id == "needs_assessment"]
    answers = current_answers(max(responses, key=lambda r: r.completed_at)) if responses else {}
    goals = [r.body for r in shown.get("plan_goal", []) if isinstance(r.body, PlanGoal)]
    referrals = [r.body for r in shown.get("referral", []) if isinstance(r.body, Referral)]
    glance = services.overview(answers, goals, referrals)
    view = EfcView(efc.eligibility(youth, bodies, on, settings["efc_medical_update_days"]),
                   efc.timeline(youth, bodies, on),
                   [(age, birthday(youth.date_of_birth, age)) for age in range(16, 22)], on)
    # Counts as this person sees them: the assessment must not reveal an account they may not read.
    counts = shown.get("criminal_count", [])
    cases = [(r, r.body) for r in shown.get("vacatur_case", []) if isinstance(r.body, VacaturCase)]
    found = {r.id: account_copies.proven(vault.require_db(), r.id, record.id) for r, case in cases
             if case.shared_with}
    proven = {case_id: people for case_id, (people, _by, _at) in found.items()}
    shared: frozenset[str] = frozenset()
    withheld: set[str] = set()
    if not vault.user.can(Permission.READ_NARRATIVE):
        # Shared: the cases counsel shared with this person (as proven, or read from her copy) and
        # their counts. Withheld: what holds an account this person reads neither from the
        # compartment nor from a copy (one that waits for a holder's unlock included).
        copied = caseload.shared_account(vault, [r.id for kind in RESTRICTED_FIELDS
                                                 for r in shown.get(kind, [])])
        me = vault.user.username
        mine = [(r, case) for r, case in cases if me in proven.get(r.id, ()) or r.id in copied]
        shared = frozenset({r.id for r, _case in mine} | {i for _r, case in mine for i in case.count_ids})
        withheld = vault.records.withheld([r.id for r in counts]) - set(copied)
    relief = [CountView(r.id, r.body, assess(r.body, youth, account_withheld=r.id in withheld))
              for r in counts if isinstance(r.body, CriminalCount)]
    names = {u.username: u.display_name for u in vault.users()} if any(proven.values()) else {}
    readers = {case_id: tuple(names.get(n, n) for n in sorted(people)) for case_id, people in proven.items()
               if people}
    shared_by = {case_id: (names.get(by, by), at) for case_id, (people, by, at) in found.items() if people}
    return Derived(duties, glance, view, relief, shared, readers, shared_by)


def _read(vault: Vault, record: StoredRecord, now: datetime | None, *,
          audit: bool) -> tuple[dict[str, list[StoredRecord]], Derived]:
    moment = (now or datetime.now(LEGAL_ZONE)).astimezone(LEGAL_ZONE)
    stored = vault.records.attached(record.id)  # every kind in one query
    shown: dict[str, list[StoredRecord]] = defaultdict(list)
    for item in stored:
        if item.id != record.id:
            shown[item.kind].append(caseload.narrative_view(vault, item, audit=audit))
    return dict(shown), _derive(vault, record, stored, shown, moment)


def open_youth(vault: Vault, youth_id: str, now: datetime | None = None) -> YouthFile:
    """The record page: one audited view, the attached records of every kind, the history, the
    draft kept from an earlier session, and what the rules find today."""
    record = caseload.get_youth(vault, youth_id)  # the one permission check and "view" entry
    shown, derived = _read(vault, record, now, audit=True)
    return YouthFile(record, shown, _history(vault, youth_id),
                     caseload.load_draft(vault, DRAFT_PREFIX + youth_id), derived, attached_kinds(),
                     _forms(shown), refused.never_reached(vault, youth_id))


def refresh(vault: Vault, youth_id: str, now: datetime | None = None) -> YouthFile:
    """The same page after a change made on it: no second "view" entry, and no draft (what was
    typed is what was just saved, or is still on the screen)."""
    record = caseload.get_youth(vault, youth_id, audit=False)
    shown, derived = _read(vault, record, now, audit=False)
    return YouthFile(record, shown, _history(vault, youth_id), None, derived, attached_kinds(),
                     _forms(shown), refused.never_reached(vault, youth_id))


@dataclass(frozen=True)
class Saved:
    """The youth's own record after a save or an undo, its history, and what the rules now find
    (a new birth date or legal status moves them); the attached lists are unchanged."""

    record: StoredRecord
    history: list[HistoryEntry]
    derived: Derived


def _saved(vault: Vault, record: StoredRecord, now: datetime | None) -> Saved:
    _shown, derived = _read(vault, record, now, audit=False)  # shown already, not a new view
    return Saved(record, _history(vault, record.id), derived)


def save_youth(vault: Vault, youth_id: str, changes: dict[str, Any], version: int,
               now: datetime | None = None) -> Saved:
    """Save edited fields (refused if someone saved a newer version meanwhile) and drop the draft."""
    record = caseload.update_youth(vault, youth_id, changes, expected_version=version)
    caseload.drop_draft(vault, DRAFT_PREFIX + youth_id)
    return _saved(vault, record, now)


@dataclass(frozen=True)
class Reverted:
    """An edit undone or made again: the record after it, the edit, and the change that did it
    (the window keeps both to step further back, or forward, in this session)."""

    saved: Saved
    edit: str
    change: str
    fields: tuple[str, ...] = ()
    """The youth's fields it put back (the window names them: an undo pressed on the Notes tab
    blanked a preferred name saved earlier, unseen)."""


def undo_youth(vault: Vault, youth_id: str, skip: frozenset[str] = frozenset(),
               now: datetime | None = None) -> Reverted:
    record, edit = caseload.undo_last_edit(vault, youth_id, skip)
    return _reverted(vault, record, edit, now)


def redo_youth(vault: Vault, youth_id: str, edit: str, now: datetime | None = None) -> Reverted:
    record = caseload.redo_edit(vault, youth_id, edit)
    return _reverted(vault, record, edit, now)


def _reverted(vault: Vault, record: StoredRecord, edit: str, now: datetime | None) -> Reverted:
    change = vault.records.history(record.id)[-1]
    return Reverted(_saved(vault, record, now), edit, change.op_id, tuple(sorted(change.fields)))


def discard(vault: Vault, youth_id: str, now: datetime | None = None) -> YouthFile:
    """Drop the draft of unsaved changes; the page as saved (no new "view": it is open)."""
    caseload.drop_draft(vault, DRAFT_PREFIX + youth_id)
    return refresh(vault, youth_id, now)


def forget_typed_forms(vault: Vault, youth_id: str) -> None:
    """A note or contact was saved: drop the typing kept for it from the youth's draft."""
    key = DRAFT_PREFIX + youth_id
    draft = caseload.load_draft(vault, key)
    if draft and draft.get("forms"):
        draft["forms"] = {}
        caseload.save_draft(vault, key, draft)


@dataclass(frozen=True)
class OpenScreen:
    spec: formspec.FormSpec | None  # None: the form file is missing or broken
    draft: dict[str, Any] | None
    subject: str = ""  # whom the form is about: the youth's display name, for the form's header


def screen_draft_key(youth_id: str, form_id: str) -> str:
    return f"form:{youth_id}:{form_id}"


def kept_drafts(vault: Vault) -> list[str]:
    """The names of the youth for whom this person's unsaved typing was kept (a crash, a power cut,
    a lock), a record page's or a form's, said at sign-in: after a laptop died mid-note, the note
    came back only on opening that youth, and nothing said it was waiting. No "view" is audited:
    the person typed it."""
    ids: list[str] = []
    for key in caseload.draft_keys(vault):  # (an empty draft is never kept: caseload.save_draft)
        youth_id = key.removeprefix(DRAFT_PREFIX) if key.startswith(DRAFT_PREFIX) else \
            key.split(":")[1] if key.startswith("form:") and key.count(":") == 2 else None
        if youth_id and youth_id not in ids:
            ids.append(youth_id)
    names = []
    for youth_id in ids:
        try:
            record = caseload.get_youth(vault, youth_id, audit=False)
        except (NotFound, PermissionDenied):
            continue  # gone from this device, or no longer this person's to see
        if isinstance(record.body, Youth):
            names.append(record.body.display_name())
    return names


def open_screen(vault: Vault, youth_id: str, form_id: str) -> OpenScreen:
    """A screen or assessment to fill in for this youth, with what was typed in it before; a form
    that carries forward (`FormSpec.carries_forward`) starts from its last saved answers."""
    record = caseload.get_youth(vault, youth_id, audit=False)
    subject = record.body.display_name() if isinstance(record.body, Youth) else ""
    spec = identification.forms().get(form_id)
    draft = caseload.load_draft(vault, screen_draft_key(youth_id, form_id))
    if draft is None and spec is not None and spec.carries_forward:
        saved = [r.body for r in caseload.attached(vault, youth_id, "form_response")
                 if isinstance(r.body, FormResponse) and r.body.form_id == form_id]
        if saved:
            fresh = {f.id for step in spec.steps for f in step.fields if f.fresh}
            last = max(saved, key=lambda response: response.completed_at)
            draft = {k: v for k, v in current_answers(last).items() if k not in fresh}
    return OpenScreen(spec, draft, subject)


def save_screen(vault: Vault, youth_id: str, form_id: str,
                answers: dict[str, Any]) -> formspec.Outcome | None:
    _record, outcome = identification.save_screen(vault, youth_id, form_id, answers)
    caseload.drop_draft(vault, screen_draft_key(youth_id, form_id))
    return outcome
