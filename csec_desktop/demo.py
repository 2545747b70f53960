"""Synthetic, plainly fictional youth for demonstrations, tests and benchmarks.

Family names are invented (several carry "Demo" or "Sample" outright) so no
generated name can be mistaken for a real person. Deterministic for a seed.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from csec_desktop import policy
from csec_desktop.clock import legal_today
from csec_desktop.domain.base import Body
from csec_desktop.domain.csec import CsecStatus, FormResponse, LicensedScreen, MissingEpisode, TeamMeeting
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.efc import (
    Certification,
    EfcAgreement,
    NmdHearing,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.domain.people import Permission, Role
from csec_desktop.domain.protection import ProtectiveOrder
from csec_desktop.domain.services import PlanGoal, PlanSignoff, Referral, SchoolChange, UncoveredService
from csec_desktop.domain.vacatur import CriminalCount, VacaturCase
from csec_desktop.domain.youth import (
    Alias,
    AliasKind,
    CaseNote,
    Consent,
    ConsentKind,
    Contact,
    Identifiers,
    LegalStatus,
    Name,
    Placement,
    PlacementPeriod,
    PlacementType,
    SafetyFlag,
    StatusPeriod,
    Youth,
)
from csec_desktop.efc import CERTIFICATION_RULE
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE, Finding, add_months, age_on, birthday
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.text import W
from csec_desktop.vacatur import petition

GIVEN = (
    "Alex", "Jordan", "Maya", "José", "Ximena", "Ñeli", "Sofía", "Mateo", "Aaliyah", "Jayden",
    "Thảo", "Minh", "Quỳnh", "Mei", "Wei", "Jia", "Kiona", "Nizhoni", "Amara", "Destiny",
    "Luz", "Itzel", "Brianna", "Marisol", "Tavita", "Leilani", "Noor", "Farah", "Kai", "Rowan",
)
FAMILY = (
    "Sampleton", "Fictorra", "Demoreyes", "Placidemo", "Mockridge", "Testavio", "Exemplaria",
    "Fauxmont", "Ñandemo", "Trần-Demo", "Lê-Sample", "Castañemo", "Oakdemo", "Bramblesample",
    "Quillfic", "Duskvale-Demo", "Riverdemo", "Marblesample", "示例", "Sample-Ortíz",
)
MONIKERS = ("Sparrow", "Lil Demo", "Cherry", "Ghost", "Star", "Peaches", "Smoke", "Baby Sample")
LANGUAGES = ("English", "English", "English", "Spanish", "Spanish", "Vietnamese", "Cantonese",
             "Tagalog", "Navajo", "Arabic")
PRONOUNS = ("she/her", "he/him", "they/them", None)
UNITS = ("Unit A", "Unit B", "Unit C")
MAX_YOUTH = 200_000
"""More demo youth than any county has (the benchmarks go to 100,000): a bigger number is a typing
slip, and would run for days inside one transaction."""


def demo_youth(count: int, *, seed: int = 1, county: str = "Demo County",
               workers: Sequence[str] = ("demo.worker",), today: date | None = None) -> Iterator[Youth]:
    rng = random.Random(seed)
    today = today or legal_today()
    for n in range(count):
        age_days = rng.randint(11 * 365 + 3, 21 * 365 + 360)
        birth = today - timedelta(days=age_days)
        age = age_on(birth, today)
        given = rng.choice(GIVEN)
        family = rng.choice(FAMILY)
        status = _status_for(rng, age)
        start = max(birth + timedelta(days=10 * 365), today - timedelta(days=rng.randint(30, 2000)))
        if status is LegalStatus.NONMINOR_DEPENDENT:  # a nonminor dependent is 18 or over
            start = max(start, birthday(birth, 18))
        aliases: list[Alias] = []
        if rng.random() < 0.45:
            aliases.append(Alias(name=rng.choice(MONIKERS), kind=AliasKind.MONIKER))
        if rng.random() < 0.2:
            aliases.append(Alias(name=f"{rng.choice(GIVEN)} {family}", kind=AliasKind.ALIAS))
        flags = []
        if rng.random() < 0.25:
            flags.append(SafetyFlag(person=f"{rng.choice(MONIKERS)} (adult male, fictional)",
                                    description="Believed to have exploited the youth; "
                                                "do not disclose placement."))
        yield Youth(
            legal_name=Name(given=given, family=family,
                            middle=rng.choice(GIVEN) if rng.random() < 0.3 else None),
            preferred_name=rng.choice(GIVEN) if rng.random() < 0.15 else None,
            aliases=aliases,
            date_of_birth=birth,
            pronouns=rng.choice(PRONOUNS),
            primary_language=rng.choice(LANGUAGES),
            county=county,
            identifiers=Identifiers(
                juvenile_case_number=f"JV-{today.year % 100:02d}-{100000 + n:06d}",
                probation_number=f"P{rng.randint(1000000, 9999999)}"
                if status in (LegalStatus.WARD, LegalStatus.DUAL_STATUS) else None,
                cws_cms_client_id=f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}-"
                f"{rng.randint(1000, 9999)}-{rng.randint(1000000, 9999999)}"
                if status != LegalStatus.WARD else None,
            ),
            legal_status=[StatusPeriod(status=status, start=start)]
            if status != LegalStatus.NONE else [],
            placement=Placement(type=_placement_for(rng, age),
                                name=f"{rng.choice(FAMILY)} home (fictional)",
                                since=start + timedelta(days=rng.randint(0, 30))),
            assigned_worker=rng.choice(list(workers)) if workers else None,
            unit=rng.choice(UNITS),
            safety_flags=flags,
            sealed=rng.random() < 0.03,
        )


def _status_for(rng: random.Random, age: int) -> LegalStatus:
    if age >= 18:
        return rng.choice((LegalStatus.NONMINOR_DEPENDENT, LegalStatus.NONMINOR_DEPENDENT,
                           LegalStatus.NONE))
    return rng.choice((LegalStatus.DEPENDENT, LegalStatus.DEPENDENT, LegalStatus.WARD,
                       LegalStatus.DUAL_STATUS, LegalStatus.NONE))


def _placement_for(rng: random.Random, age: int) -> PlacementType:
    if age >= 18:
        return rng.choice((PlacementType.SILP, PlacementType.THP_NMD, PlacementType.RELATIVE,
                           PlacementType.RESOURCE_FAMILY))
    return rng.choice((PlacementType.RESOURCE_FAMILY, PlacementType.RELATIVE, PlacementType.STRTP,
                       PlacementType.HOME_OF_PARENT, PlacementType.NREFM, PlacementType.SHELTER))


def populate(vault: Vault, count: int, *, seed: int = 1, workers: Sequence[str] | None = None) -> int:
    """Add `count` fictional youth in one transaction (a role that sees every youth only, so the
    demo lands where its maker can see it), audited once."""
    vault.require(Permission.WRITE_YOUTH)
    vault.require(Permission.READ_ALL_YOUTH)
    if not 1 <= count <= MAX_YOUTH:
        raise ValidationFailed([FieldProblem("youth", W("must be from 1 to {most}", most=f"{MAX_YOUTH:,}"))])
    names = list(workers or []) or [u.username for u in vault.users() if u.role == Role.CASEWORKER] \
        or [vault.user.username]
    with vault.require_db().transaction(), vault.records.bulk():
        for youth in demo_youth(count, seed=seed, county=vault.county, workers=names):
            vault.records.create(youth)
        vault.audit("demo_data", count=count, seed=seed)
    return count


# The demo county: every module with something in it, relative to the moment it is made ---------

DEMO_STAFF: tuple[tuple[str, Role, str, str | None, str], ...] = (
    # (user name, role, display name, unit, passphrase): shown on the demo's unlock page only.
    ("demo.worker", Role.CASEWORKER, "Casey Demo-Worker (fictional caseworker)", "Unit A",
     "demo caseworker passphrase"),
    ("demo.supervisor", Role.SUPERVISOR, "Sam Demo-Supervisor (fictional)", "Unit A",
     "demo supervisor passphrase"),
    ("demo.attorney", Role.ATTORNEY, "Alex Demo-Attorney (fictional)", "Unit A",
     "demo attorney passphrase"),
    ("demo.admin", Role.ADMINISTRATOR, "Demo administrator (fictional)", None,
     "demo administrator passphrase"),
    ("demo.viewer", Role.READ_ONLY, "Robin Demo-Viewer (fictional, read-only)", "Unit A",
     "demo read-only passphrase"),
)
"""The demo vault's people, one per role. Their passphrases are public on purpose: the demo holds
only fictional youth. Never use these names or passphrases in a county's vault."""

DIRECTORY_ENTRIES: tuple[dict[str, Any], ...] = (
    {"name": "Demo County CSEC Coordinator (fictional)", "entry_kind": "coordinator",
     "domains": ["safety", "permanency"], "services": "Convenes the multidisciplinary team; consults on "
     "identification and safety planning.", "phone": "(555) 010-0100", "email": "csec.demo@example.org",
     "hours": "Mon-Fri 8-5; on call after hours", "languages": ["English", "Spanish"]},
    {"name": "Harbor Light Survivor Advocates (fictional)", "domains": ["safety", "mental_health", "legal"],
     "services": "Survivor mentors, 24-hour crisis response, accompaniment to interviews and court.",
     "age_from": 11, "age_to": 24, "phone": "(555) 010-0111", "languages": ["English", "Spanish", "Tagalog"],
     "intake_notes": "Call the crisis line; no referral form needed."},
    {"name": "Bramble Street Trauma Therapy Clinic (fictional)", "domains": ["mental_health"],
     "services": "Trauma-focused therapy (TF-CBT), groups for youth affected by exploitation.",
     "age_from": 10, "age_to": 21, "phone": "(555) 010-0122", "languages": ["English", "Vietnamese"],
     "intake_notes": "Referral form and a release of information."},
    {"name": "Quillfic Youth Health Center (fictional)", "domains": ["physical_health",
                                                                     "reproductive_health"],
     "services": "Confidential primary and reproductive health care for youth.", "age_from": 12, "age_to": 25,
     "phone": "(555) 010-0133", "languages": ["English", "Spanish", "Cantonese"]},
    {"name": "Oakdemo Recovery Program (fictional)", "domains": ["substance_use"],
     "services": "Adolescent outpatient substance-use treatment.", "age_from": 12, "age_to": 21,
     "phone": "(555) 010-0144"},
    {"name": "Riverdemo Transitional Housing (fictional)", "domains": ["housing"],
     "services": "THP-NMD and THP+ apartments with a case manager.", "age_from": 18, "age_to": 24,
     "phone": "(555) 010-0155", "intake_notes": "Placement through the county's housing desk."},
    {"name": "Demo County District Attorney (fictional)", "domains": ["legal"],
     "services": "The prosecuting agency: served with vacatur petitions (Pen. Code 236.14(c)).",
     "address": "1 Justice Plaza (fictional), Demo City, CA 90000", "phone": "(555) 010-0111"},
    {"name": "Marblesample Legal Aid, Record Relief Project (fictional)", "domains": ["legal"],
     "services": "Vacatur petitions (Pen. Code 236.14), juvenile record sealing, T visa help.",
     "age_from": 14, "age_to": 30, "phone": "(555) 010-0166", "languages": ["English", "Spanish"]},
    {"name": "Exemplaria Foster Youth Education Liaison (fictional)", "domains": ["education"],
     "services": "School stability, partial credits, graduation exemptions.", "age_from": 10, "age_to": 21,
     "phone": "(555) 010-0177"},
    {"name": "Fauxmont Career Pathways (fictional)", "domains": ["employment", "income_benefits"],
     "services": "Paid internships, job readiness, help with benefits applications.", "age_from": 16,
     "age_to": 24, "phone": "(555) 010-0188"},
    {"name": "Mockridge Family Finding (fictional)", "domains": ["permanency"],
     "services": "Finding and engaging relatives and mentors.", "phone": "(555) 010-0199"},
)

DEMO_COLLEAGUES = ("demo.worker", "r.sample-worker", "t.fictorra-worker")
"""Workers the demo youth are assigned to: the caseworker who signs in, and two fictional colleagues
(names only, not people who can sign in), so a caseworker sees a caseload, not the whole county."""

KEEP_OVERDUE = 4
"""How many overdue duties the demo leaves open (older duties are recorded done), so Today shows
what overdue looks like without burying what is due."""


@dataclass(frozen=True)
class DemoCounty:
    youth: int
    records: int
    directory: int
    duties_done: int
    overdue_left: int


def _birth_for(rng: random.Random, today: date, years: int, days_to_birthday: int) -> date:
    """A birth date so the youth turns `years + 1` in `days_to_birthday` days (0 < days < 365)."""
    del rng
    next_birthday = today + timedelta(days=days_to_birthday)
    born = birthday_minus(next_birthday, years + 1)
    return born


def birthday_minus(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Builder:
    """Writes the demo's records through the records store (inside one transaction), each body
    checked by its model; keeps what it wrote so the rules can run over it without reading back."""

    def __init__(self, vault: Vault, now: datetime, rng: random.Random) -> None:
        self.vault, self.now, self.rng = vault, now, rng
        self.today = now.date()
        self.attached: dict[str, list[StoredRecord]] = {}
        self.youth: dict[str, Youth] = {}
        self.count = 0

    def add(self, youth_id: str, model: type[Body], **data: Any) -> StoredRecord:
        body = model.parse({"youth_id": youth_id, **data}, record=model.kind)
        stored = self.vault.records.create(body)
        self.attached.setdefault(youth_id, []).append(stored)
        self.count += 1
        return stored

    def at(self, **delta: float) -> str:
        """An instant before now (California time), as ISO text."""
        return (self.now - timedelta(**delta)).replace(second=0, microsecond=0).isoformat()

    def day(self, days: int) -> str:
        """A day relative to today (negative: past)."""
        return (self.today + timedelta(days=days)).isoformat()

    def past_day(self, days: int) -> str:
        """A day `days` ago, never after the machine's own today (models refuse future screens)."""
        return min(self.today - timedelta(days=days), legal_today()).isoformat()


def _story_youth(rng: random.Random, youth: Youth, today: date, *, age: int, days_to_birthday: int,
                 status: LegalStatus, worker: str, placement: PlacementType, since_years: int = 3,
                 consents: bool = True) -> Youth:
    """A generated youth reshaped for a story: age, court status, worker, placement, consents."""
    born = _birth_for(rng, today, age, days_to_birthday)
    start = max(born + timedelta(days=10 * 365), today - timedelta(days=365 * since_years))
    if status is LegalStatus.NONMINOR_DEPENDENT:
        start = birthday(born, 18)
    periods = [StatusPeriod(status=LegalStatus.DEPENDENT, start=start - timedelta(days=800),
                            end=start - timedelta(days=1)),
               StatusPeriod(status=status, start=start)] if status is LegalStatus.NONMINOR_DEPENDENT \
        else [StatusPeriod(status=status, start=start)]
    consent_list = [Consent(kind=ConsentKind.REFERRAL, scope="Referrals to services in the plan (fictional)",
                            given_by="the youth", given_on=today - timedelta(days=40)),
                    Consent(kind=ConsentKind.RELEASE_OF_INFORMATION,
                            scope="Share the plan with the multidisciplinary team (fictional)",
                            given_by="the youth and the youth's attorney",
                            given_on=today - timedelta(days=40),
                            expires_on=today + timedelta(days=325))] if consents else []
    home = Placement(type=placement, name=f"{rng.choice(FAMILY)} home (fictional)",
                     since=today - timedelta(days=rng.randint(60, 400)))
    # model_copy does not validate: the placement history is written with the placement, or the
    # reports (which read the stored history) put a SILP youth in no placement.
    return youth.model_copy(update={
        "date_of_birth": born, "legal_status": periods, "assigned_worker": worker, "unit": "Unit A",
        "sealed": False, "consents": consent_list, "placement": home,
        "placement_history": [PlacementPeriod(type=placement, start=home.since, name=home.name)]})


def populate_county(vault: Vault, count: int = 300, *, seed: int = 2026, now: datetime | None = None,
                    workers: Sequence[str] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> DemoCounty:
    """A fictional county for a demonstration: `count` youth, and for the first few of the signed-in
    caseworker's unit a working day in every module, dated from `now` (by default this moment):
    identifications made hours ago (their 24-hour duties open and near the top of Today), missing
    episodes, a team meeting, screens, youth turning 18 with their AB 12 records, record-relief
    cases with adult, juvenile and mixed counts, referrals with consents, plan goals, contacts and
    notes, and the resource directory. Older duties are recorded done, so only a few are overdue.
    Deterministic for a seed and a moment. Written through the records store in one transaction
    (the youth's account in a count is written as the attorney would), audited once. `progress`
    is called with (steps done, steps in all) as each of four steps goes on, in `count` parts each:
    each youth is written, then given their records, then has their duties checked; then the
    overdue duties are recorded done and the search index is written (at 100,000 youth that last
    step took a third of the time, and progress sat at 100% through it)."""
    from csec_desktop.today import evaluate_youth  # loads every rule module

    vault.require(Permission.WRITE_YOUTH)
    vault.require(Permission.READ_ALL_YOUTH)
    if not 1 <= count <= MAX_YOUTH:
        raise ValidationFailed([FieldProblem("youth", W("must be from 1 to {most}", most=f"{MAX_YOUTH:,}"))])
    moment = (now or datetime.now(LEGAL_ZONE)).astimezone(LEGAL_ZONE)
    today = moment.date()
    rng = random.Random(seed)
    staff = [u for u in vault.users() if u.role == Role.CASEWORKER]
    names = list(workers or []) or [u.username for u in staff] or [vault.user.username]
    lead = names[0]
    # Made as they are written (its own random sequence, so the county is the same): made all
    # first, 100,000 youth took 12 s with progress still at 0%.
    generated = demo_youth(count, seed=seed, county=vault.county, workers=names, today=today)
    stories = _STORIES[:count]
    build = _Builder(vault, moment, rng)
    directory = 0
    with vault.require_db().transaction(), vault.records.bulk():  # history rows signed on a second core
        if vault.user.can(Permission.MANAGE_DIRECTORY):
            for entry in DIRECTORY_ENTRIES:
                vault.records.create(DirectoryEntry.parse(
                    {"last_verified": build.past_day(rng.randint(5, 90)), **entry}, record="directory entry"))
                directory += 1
        ids: list[str] = []

        def step(stage: int, index: int) -> None:
            if progress is not None and (index + 1) % PROGRESS_EVERY == 0:
                progress(stage * count + index + 1, STEPS * count)

        def recorded(part: float) -> None:  # of the last step: marking done, then the index
            if progress is not None:
                progress(3 * count + int(part * count), STEPS * count)

        for index, youth in enumerate(generated):
            if index < len(stories):
                youth = _story_youth(rng, youth, today, worker=lead, **stories[index][1])
            stored = vault.records.create(youth)
            ids.append(stored.id)
            build.youth[stored.id] = youth
            step(0, index)
        for index, (story, _shape) in enumerate(stories):
            story(build, ids[index])
        # The rest of the county, in proportions a county's caseload might have: a contact and a
        # note for every fourth youth; one in ten identified long ago (status, screen result, team
        # meeting, a referral, a goal); one in forty back from a missing episode.
        for index, youth_id in enumerate(ids):
            if index >= len(stories):
                _county_mix(build, youth_id, index)
            step(1, index)
        done, left = _settle_duties(build, ids, evaluate_youth, policy.values(vault),
                                    checked=lambda index: step(2, index),
                                    marked=lambda part: recorded(MARKING * part))
        vault.records.tidy_search()  # FTS5 wrote the county's youth in pieces as its buffer filled
        vault.audit("demo_data", count=count, seed=seed, records=build.count)
        recorded(1.0)
    return DemoCounty(count, build.count, directory, done, left)


def create_demo_vault(folder: Path, count: int = 300, *, seed: int = 2026, now: datetime | None = None,
                      progress: Callable[[int, int], None] | None = None) -> DemoCounty:
    """A new vault holding the demo county: a person of every role (DEMO_STAFF), the directory and
    `count` youth. The vault is closed again; sign in as any of DEMO_STAFF."""
    admin = next(person for person in DEMO_STAFF if person[1] is Role.ADMINISTRATOR)
    vault, _secret = Vault.create(folder, county="Demo County", admin=admin[0], passphrase=admin[4],
                                  display_name=admin[2])
    try:
        for name, role, display, unit, passphrase in DEMO_STAFF:
            if name != admin[0]:
                vault.add_user(name, role=role, passphrase=passphrase, display_name=display, unit=unit)
        county = populate_county(vault, count, seed=seed, now=now, workers=DEMO_COLLEAGUES,
                                 progress=progress)
    finally:
        vault.lock("setup")
    _share_case(folder)
    return county


def _settle_duties(build: _Builder, ids: list[str], evaluate: Any, settings: dict[str, int],
                   checked: Callable[[int], None] = lambda _index: None,
                   marked: Callable[[float], None] = lambda _part: None) -> tuple[int, int]:
    """Record as done every overdue duty but the first KEEP_OVERDUE of the story youth (a demo with
    hundreds of overdue items shows nothing); repeat while marking one reveals another. `checked`:
    each youth's index as the first pass checks it; `marked`: the part of the marking done, every
    PROGRESS_EVERY duties of the first pass (which marks nearly all) and after each pass."""
    keep: set[tuple[str, str, str]] = set()
    done = 0
    todo = list(ids)
    for _round in range(ROUNDS):
        overdue = []
        for index, youth_id in enumerate(todo):
            if _round == 0:
                checked(index)
            attached = build.attached.get(youth_id, [])
            for finding in evaluate(youth_id, build.youth[youth_id], attached, settings, build.now):
                key = (youth_id, finding.rule_id, finding.occurrence)
                if finding.overdue(build.now) and key not in keep:
                    overdue.append((youth_id, finding))
        if not overdue:
            break
        for position, (youth_id, finding) in enumerate(overdue):
            if _round == 0 and (position + 1) % PROGRESS_EVERY == 0:
                marked(FIRST_PASS * (position + 1) / len(overdue))
            if _round == 0 and len(keep) < KEEP_OVERDUE and _recent(finding, build.now) \
                    and finding.rule_id not in {k[1] for k in keep}:
                keep.add((youth_id, finding.rule_id, finding.occurrence))
                continue
            if finding.rule_id == CERTIFICATION_RULE:
                _certified(build, youth_id, finding)
                done += 1
                continue
            when = min(finding.due - timedelta(hours=2), build.now)
            build.add(youth_id, DutyDone, rule_id=finding.rule_id, occurrence=finding.occurrence,
                      done_on=when.astimezone(LEGAL_ZONE).date().isoformat(), done_at=when.isoformat(),
                      note="Recorded done when the demo was made (fictional).")
            done += 1
        todo = list(dict.fromkeys(youth_id for youth_id, _finding in overdue))  # marked: look again
        marked(FIRST_PASS + (1 - FIRST_PASS) * (_round + 1) / ROUNDS)
    marked(1.0)
    return done, len(keep)


ROUNDS = 10
"""Passes of marking overdue duties done: a six-month certification marked done reveals the next
cycle, and a youth of nearly 21 has six (efc.certification_days)."""
STEPS = 4
"""Progress's steps: the youth written, their records, their duties checked, the done ones
recorded and the search index written."""
MARKING = 0.8
"""Of the last step, the part that is marking duties done (measured at 20,000 youth: 11.5 s of
the step's 14, the search index 2.7)."""
FIRST_PASS = 0.7
"""Of the marking, the part that is the first pass's (it marks four fifths of them: 8 of the
11.5 s)."""


def _certified(build: _Builder, youth_id: str, finding: Finding) -> None:
    """A nonminor's overdue six-month certifications settled as a county records them: one SOC 161
    on the last cycle day passed, with the conditions the youth's participation shows. Marking each
    cycle done made a record for every six months since 18, and a fifth more of the county's records."""
    assert finding.due is not None
    day = finding.due.astimezone(LEGAL_ZONE).date()
    while add_months(day, 6) <= build.today:
        day = add_months(day, 6)
    conditions = sorted({r.body.condition.value for r in build.attached.get(youth_id, [])
                         if isinstance(r.body, Participation)}) or ["4"]
    build.add(youth_id, Certification, certified_on=min(day, legal_today()).isoformat(),
              conditions=conditions, certified_by="demo.worker",
              notes="Recorded when the demo was made (fictional).")


def _recent(finding: Finding, now: datetime) -> bool:
    """An overdue duty worth leaving open in a demo: a days-long one, late by under two weeks (an
    hour-clock report weeks late is not what a working day looks like)."""
    assert finding.due is not None
    hourly = finding.rule_id.endswith(("_24h", "_36h"))
    return not hourly and now - finding.due < timedelta(days=14)


PROGRESS_EVERY = 1000


def _county_mix(build: _Builder, youth_id: str, index: int) -> None:
    if index % 4 == 0:
        _everyday(build, youth_id)
    if index % 10 == 5:
        _identified_long_ago(build, youth_id)
    if index % 40 == 7:
        _back_from_missing(build, youth_id)


def _identified_long_ago(b: _Builder, y: str) -> None:
    rng = b.rng
    days = rng.randint(90, 700)
    b.add(y, CsecStatus, status=rng.choice(("at_risk", "victim")), decided_at=b.at(days=days),
          decided_by="demo.worker", basis="Fictional: identified from a screen and a disclosure.")
    b.add(y, LicensedScreen, tool="CSE-IT (result only)", tool_version="2.0",
          screened_on=b.past_day(days + 2), screener="demo.worker", screener_trained=True,
          band=rng.choice(("no_concern", "possible_concern", "clear_concern")))
    b.add(y, TeamMeeting, held_on=b.past_day(days - 20), attendees=_TEAM,
          decisions="Fictional: safety plan; survivor mentor.")
    b.add(y, Referral, domain=rng.choice(("mental_health", "safety", "education", "housing")),
          service="Survivor mentor (fictional)", provider="Harbor Light Survivor Advocates (fictional)",
          status="active", referred_on=b.past_day(days - 25), consent_given_on=b.past_day(days - 26))
    b.add(y, PlanGoal, domain="safety", goal="Feel safe getting to school", steps="Bus pass\nCheck-in text",
          who_helps="Survivor mentor (fictional)", status=rng.choice(("in_progress", "done")))


def _back_from_missing(b: _Builder, y: str) -> None:
    days = b.rng.randint(30, 300)
    b.add(y, MissingEpisode, learned_at=b.at(days=days), last_seen_at=b.at(days=days + 1),
          returned_at=b.at(days=days - 2), why_left="Fictional: a fight at the placement.",
          screened_for_exploitation=True)


def _everyday(build: _Builder, youth_id: str) -> None:
    rng = build.rng
    build.add(youth_id, Contact, name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} (fictional)",
              relationship=rng.choice(("aunt", "grandmother", "mentor", "older sibling", "coach")),
              phone=f"(555) 01{rng.randint(0, 9)}-{rng.randint(1000, 9999)}",
              may_receive_information=rng.random() < 0.5)
    build.add(youth_id, CaseNote, occurred_at=build.at(days=rng.randint(1, 40), hours=rng.randint(0, 8)),
              note_kind="contact", text=rng.choice((
                  "Monthly visit at the placement. Youth attending school; talked about summer plans.",
                  "Phone check-in. Youth asked about getting a state ID; will bring the form next visit.",
                  "Visit with the caregiver present for part of it. No new concerns raised.")))


# Stories: (function writing the records, shape of the youth). Each says what it shows. -------------


def _identified_hours_ago(b: _Builder, y: str) -> None:
    """Identified as a victim three hours ago: the law-enforcement report (24 h) and the written
    cross-report (36 h) are open; a screen today; the team still to convene."""
    b.add(y, FormResponse, form_id="csec_indicator_screen", form_version=1,
          answers={"screened_on": b.today.isoformat(), "sources_used": ["youth", "observation"],
                   "exchange_for_needs": "clear", "older_partner": "possible", "missing_episodes": "possible",
                   "unexplained_items": "possible", "housing_unstable": "none"},
          completed_at=b.at(hours=4), completed_by="demo.worker", outcome=_outcome(
              {"exchange_for_needs": "clear", "older_partner": "possible", "missing_episodes": "possible",
               "unexplained_items": "possible", "housing_unstable": "none"}))
    b.add(y, CsecStatus, status="victim", decided_at=b.at(hours=3), decided_by="demo.worker",
          basis="Fictional: the youth disclosed trading sex for a place to stay; screen of today, clear "
                "concern on a key item.")
    b.add(y, CaseNote, occurred_at=b.at(hours=3, minutes=20), note_kind="contact",
          text="Fictional note: met the youth at school with the counselor; safety plan started; "
               "youth agreed to meet the survivor advocate.")
    _contact(b, y, "Harbor Light advocate (fictional)", "survivor advocate")


def _missing_now(b: _Builder, y: str) -> None:
    """At risk for months; missing since staff learned of it two hours ago: the missing-from-care
    notices and the NCIC/NCMEC report (24 h) are open."""
    b.add(y, CsecStatus, status="at_risk", decided_at=b.at(days=75), decided_by="demo.worker",
          basis="Fictional: older 'boyfriend' giving gifts and rides; two short absences.")
    b.add(y, LicensedScreen, tool="CSE-IT (result only)", tool_version="2.0", screened_on=b.past_day(75),
          screener="demo.worker", screener_trained=True, band="possible_concern",
          notes="Fictional result; the items of a licensed tool are never stored here.")
    b.add(y, MissingEpisode, learned_at=b.at(hours=2), last_seen_at=b.at(hours=14),
          where_and_with_whom="Fictional: believed to be with the older 'boyfriend' in a nearby city.")
    b.add(y, TeamMeeting, held_on=b.day(-60), attendees=_TEAM, decisions="Fictional: safety plan; mentor.",
          next_steps="Fictional: weekly contact; school liaison.")
    _contact(b, y, "Fictional Placement Caregiver", "resource parent")


def _cross_report_due(b: _Builder, y: str) -> None:
    """Identified 30 hours ago; the law-enforcement report was made by phone, the written
    cross-report falls due in six hours."""
    decided = b.now - timedelta(hours=30)
    b.add(y, CsecStatus, status="victim", decided_at=decided.isoformat(), decided_by="demo.worker",
          basis="Fictional: a police report names the youth as a victim in an online-advertising case.")
    done = decided + timedelta(hours=3)
    b.add(y, DutyDone, rule_id="csec.report_law_enforcement_24h", occurrence=_stamp(decided),
          done_on=done.date().isoformat(), done_at=done.isoformat(), method="telephone",
          recipient="Demo County Sheriff (fictional desk)", note="Fictional incident number 0000.")
    b.add(y, CaseNote, occurred_at=b.at(hours=29), note_kind="other",
          text="Fictional: called the sheriff's desk; report taken. Written report to follow.")


def _team_and_plan(b: _Builder, y: str) -> None:
    """Identified six weeks ago, every duty done, the team met with all five required disciplines;
    a service plan with goals, referrals sent with consent, and a signed review."""
    decided = b.now - timedelta(days=42)
    b.add(y, CsecStatus, status="victim", decided_at=decided.isoformat(), decided_by="demo.worker",
          basis="Fictional: disclosure to the advocate, corroborated by records.")
    b.add(y, TeamMeeting, held_on=b.day(-35), attendees=_TEAM,
          decisions="Fictional: trauma therapy, survivor mentor, school stability.",
          next_steps="Fictional: referrals this week; review in 30 days.")
    # A juvenile restraining order (WIC 213.5) granted after hearing, ending within the county's notice days.
    b.add(y, ProtectiveOrder, order_kind="juvenile_213_5", stage="granted",
          restrained_person="The adult named in the safety flag (fictional)", requested_on=b.day(-36),
          granted_on=b.day(-14), expires_on=b.day(20), court_case_number="JV-DEMO-0042")
    b.add(y, PlanGoal, domain="mental_health", goal="Talk to someone who gets it",
          steps="Intake\nWeekly sessions",
          who_helps="Bramble Street Trauma Therapy Clinic (fictional)", due_on=b.day(60),
          status="in_progress")
    b.add(y, PlanGoal, domain="education", goal="Finish 10th grade with my friends",
          steps="Meet the liaison\nCredit check", who_helps="Education liaison (fictional)",
          due_on=b.day(120))
    b.add(y, PlanGoal, domain="safety", goal="Feel safe getting to school", steps="Bus pass\nCheck-in text",
          who_helps="Survivor mentor (fictional)", status="done")
    b.add(y, PlanSignoff, reviewed_on=b.day(-30), next_review_on=b.day(60), youth_signed=True,
          worker_signed=True)
    b.add(y, Referral, domain="mental_health", service="Trauma-focused therapy",
          provider="Bramble Street Trauma Therapy Clinic (fictional)", status="active",
          referred_on=b.day(-33),
          consent_given_on=b.day(-40))
    b.add(y, Referral, domain="safety", service="Survivor mentor",
          provider="Harbor Light Survivor Advocates (fictional)", status="accepted", referred_on=b.day(-33),
          consent_given_on=b.day(-40))
    b.add(y, Referral, domain="education", service="School stability and partial credits",
          provider="Exemplaria Foster Youth Education Liaison (fictional)", status="suggested")
    b.add(y, SchoolChange, changed_on=b.day(-50), from_school="Fictional Middle School",
          to_school="Demo County High School (fictional)", high_school_years_completed=1)
    _contact(b, y, "Fictional Grandmother", "grandmother", may=True)


def _team_missing_discipline(b: _Builder, y: str) -> None:
    """At risk; the team met without public health: a warning to bring them in."""
    b.add(y, CsecStatus, status="at_risk", decided_at=b.at(days=20), decided_by="demo.worker",
          basis="Fictional: recruited by a peer at a group home; no exchange disclosed.")
    b.add(y, TeamMeeting, held_on=b.day(-10),
          attendees=[a for a in _TEAM if a["discipline"] != "public_health"],
          decisions="Fictional: placement stability; mentor.")
    b.add(y, UncoveredService, received_on=b.day(-25), what="Urgent-care visit (fictional)")


def _returned_from_missing(b: _Builder, y: str) -> None:
    """Missing for three days last season, returned and re-screened; notices given."""
    b.add(y, CsecStatus, status="at_risk", decided_at=b.at(days=120), decided_by="demo.worker",
          basis="Fictional: runs with an adult who pays for hotel rooms.")
    b.add(y, MissingEpisode, learned_at=b.at(days=95), last_seen_at=b.at(days=96), returned_at=b.at(days=92),
          why_left="Fictional: a fight at the placement.",
          experiences_while_away="Fictional: stayed with friends.",
          screened_for_exploitation=True)
    b.add(y, FormResponse, form_id="csec_indicator_screen", form_version=1,
          answers={"screened_on": b.past_day(91), "sources_used": ["youth", "records"],
                   "older_partner": "none",
                   "missing_episodes": "clear", "housing_unstable": "possible"},
          completed_at=b.at(days=91), completed_by="demo.worker",
          outcome=_outcome({"older_partner": "none", "missing_episodes": "clear",
                            "housing_unstable": "possible"}))


def _turning_18(b: _Builder, y: str) -> None:
    """Turns 18 in seven weeks in foster care: the dependency order, the 90-day transition plan
    started, a condition lined up (college in the fall)."""
    youth = b.youth[y]
    eighteen = birthday(youth.date_of_birth, 18)
    b.add(y, PlacementOrder, order_type="dependency", ordered_on=b.day(-900), court_case="JV-DEMO-0001")
    b.add(y, TransitionPlan, made_on=b.day(-20), housing="THP-NMD apartment (fictional)",
          health_insurance="Medi-Cal continues; former-foster-youth Medi-Cal to 26", medi_cal_verified=True,
          education="Enrolled at the community college for the fall (fictional)",
          mentors="Survivor mentor (fictional)", workforce="Summer internship (fictional)")
    b.add(y, Participation, condition="2", since=max(eighteen, b.today).isoformat(),
          evidence="Fictional enrollment letter, community college")
    _contact(b, y, "Fictional Mentor", "mentor", may=True)


def _nonminor(b: _Builder, y: str) -> None:
    """A nonminor dependent at 19: order in effect on the 18th birthday, working 80 hours, the
    mutual agreement, a certification, a review hearing coming, the transition plan."""
    youth = b.youth[y]
    eighteen = birthday(youth.date_of_birth, 18)
    b.add(y, PlacementOrder, order_type="dependency",
          ordered_on=(eighteen - timedelta(days=1000)).isoformat())
    b.add(y, Participation, condition="4", since=eighteen.isoformat(), evidence="Fictional pay stubs",
          verified_on=b.day(-30))
    b.add(y, EfcAgreement, mutual_agreement_signed_on=eighteen.isoformat(), silp_readiness_on=b.day(-200),
          silp_approved_on=b.day(-180), silp_inspected_on=b.day(-180))
    b.add(y, Certification, certified_on=b.day(-60), conditions=["4"], certified_by="demo.worker")
    b.add(y, NmdHearing, hearing="review", on=b.day(30), efforts="Fictional: bus pass, job coaching.")
    b.add(y, NmdHearing, hearing="review", on=b.day(-150), held=True, report_filed_on=b.day(-160),
          advised_benefits_and_reentry=True)
    b.add(y, TransitionPlan, made_on=(eighteen - timedelta(days=80)).isoformat(), housing="SILP (fictional)",
          health_insurance="Medi-Cal", medi_cal_verified=True, education="GED done",
          workforce="Warehouse job",
          mentors="Aunt (fictional)", health_care_power_of_attorney="Explained; chose the aunt (fictional)",
          advance_directive="Information given")


def _reentry(b: _Builder, y: str) -> None:
    """Left care at 18, came back at 19 through a voluntary re-entry agreement (SOC 163)."""
    b.add(y, PlacementOrder, order_type="reentry", ordered_on=b.day(-50))
    b.add(y, ReentryAgreement, signed_on=b.day(-60), petition_filed_on=b.day(-55), tilcp_done_on=b.day(-40))
    b.add(y, Participation, condition="3", since=b.day(-60), evidence="Fictional: job-readiness program",
          plan="Fictional: therapy on Tuesdays, job coaching, childcare arranged.", verified_on=b.day(-20))


def _vacatur_adult(b: _Builder, y: str) -> None:
    """An adult record: two convictions from when the youth was trafficked; a petition drafted."""
    first = b.add(y, CriminalCount, count_kind="conviction", code="PC", section="647(b)",
                  description="Fictional count", offense_date=b.day(-500), disposition="Convicted; fine",
                  disposition_date=b.day(-480), judgment_date=b.day(-480),
                  court="Demo County Superior Court (fictional)",
                  county="Demo County", case_number="CR-DEMO-1001",
                  arresting_agency="Demo City PD (fictional)",
                  prosecuting_agency=_PROSECUTOR, while_victim=True,
                  nexus="Fictional account: the trafficker set the 'dates' and kept the money.")
    second = b.add(y, CriminalCount, count_kind="conviction", code="PC", section="484",
                   description="Petty theft (fictional)", offense_date=b.day(-470), disposition="Convicted",
                   disposition_date=b.day(-450), judgment_date=b.day(-450), county="Demo County",
                   case_number="CR-DEMO-1002", arresting_agency="Demo County Sheriff (fictional)",
                   prosecuting_agency=_PROSECUTOR, while_victim=True,
                   nexus="Fictional account: told to steal clothes for the ads.")
    b.add(y, VacaturCase, public_name="J. D.", count_ids=[first.id, second.id], stage="draft",
          victimization_ended_on=b.day(-400), court_county="Demo County",
          official_documents=["police_report"],
          counsel=_COUNSEL,
          grounds=_GROUNDS)


def _vacatur_juvenile(b: _Builder, y: str) -> None:
    """A juvenile adjudication; the petition reviewed and served, the prosecutor's 45 days running."""
    count = b.add(y, CriminalCount, count_kind="adjudication", code="PC", section="490.2",
                  description="Petty theft (fictional)", offense_date=b.day(-300), disposition="Sustained",
                  disposition_date=b.day(-280), judgment_date=b.day(-280),
                  court="Demo County Juvenile Court (fictional)", arresting_agency="Demo City PD (fictional)",
                  county="Demo County", case_number="J-DEMO-2001",
                  prosecuting_agency=_PROSECUTOR, while_victim=True,
                  nexus="Fictional account: taken under the exploiter's orders.")
    _reviewed(b, y, [count], public_name=SHARED_CASE, stage="attorney_reviewed", reviewed_on=b.day(-30),
              victimization_ended_on=b.day(-200), court_county="Demo County",
              official_documents=["child_welfare"], counsel=_COUNSEL, grounds=_GROUNDS,
              **_served(b, mailed=-25, received=-20))


SHARED_CASE = "M. R."
"""The demo petition whose account counsel shares with the youth's caseworker (`_share_case`)."""


def _share_case(folder: Path) -> None:
    """As the demo's attorney: share one petition's account with the youth's caseworker, as counsel
    does (vacatur.sharing, audited), so the caseworker's Record relief shows a shared account."""
    from csec_desktop.vacatur import sharing

    attorney = next(person for person in DEMO_STAFF if person[1] is Role.ATTORNEY)
    vault = Vault.unlock(folder, attorney[0], attorney[4])
    try:
        for case_id, owner, body in vault.require_db().query(
                "SELECT id, owner_id, body FROM records WHERE kind = 'vacatur_case' AND deleted = 0"):
            if json.loads(body).get("public_name") != SHARED_CASE:
                continue
            youth = vault.records.get(owner).body
            assert isinstance(youth, Youth)
            if any(p.username == youth.assigned_worker for p in sharing.candidates(vault, case_id)):
                sharing.share(vault, case_id, str(youth.assigned_worker))
    finally:
        vault.lock("setup")


def _vacatur_mixed(b: _Builder, y: str) -> None:
    """A juvenile adjudication at 16 and an adult conviction at 18: one petition, filed; the hearing
    is next month."""
    juvenile = b.add(y, CriminalCount, count_kind="adjudication", code="HS", section="11350",
                     description="Possession (fictional)", offense_date=b.day(-1000), disposition="Sustained",
                     disposition_date=b.day(-980), judgment_date=b.day(-980),
                     court="Demo County Juvenile Court (fictional)", county="Demo County",
                     case_number="J-DEMO-3001", arresting_agency="Demo County Sheriff (fictional)",
                     prosecuting_agency=_PROSECUTOR, while_victim=True,
                     nexus="Fictional account: drugs given by the exploiter.")
    adult = b.add(y, CriminalCount, count_kind="conviction", code="PC", section="148(a)(1)",
                  description="Resisting (fictional)", offense_date=b.day(-200), disposition="Convicted",
                  disposition_date=b.day(-180), judgment_date=b.day(-180),
                  court="Demo County Superior Court (fictional)", county="Demo County",
                  case_number="CR-DEMO-3002", arresting_agency="Demo City PD (fictional)",
                  prosecuting_agency=_PROSECUTOR, while_victim=True,
                  nexus="Fictional account: ran from the police on the exploiter's orders.")
    _reviewed(b, y, [juvenile, adult], public_name="K. L.", stage="filed", reviewed_on=b.day(-80),
              hearing_on=b.day(25),
              court_county="Demo County",
              hearings=[{"case_number": "J-DEMO-3001", "on": b.day(25), "time": "8:30 a.m.",
                         "department": "J2"},
                        {"case_number": "CR-DEMO-3002", "on": b.day(25), "time": "1:30 p.m.",
                         "department": "12"}],
              victimization_ended_on=b.day(-150), counsel=_COUNSEL, grounds=_GROUNDS,
              **_served(b, mailed=-75, received=-70))


def _reviewed(b: _Builder, y: str, counts: list[StoredRecord], **data: Any) -> StoredRecord:
    """A petition past counsel's review, with the fingerprint of what counsel reviewed (as
    vacatur.workflow records it): the demo's papers print signed."""
    case = VacaturCase.parse({"youth_id": y, "count_ids": [c.id for c in counts], **data})
    youth = b.vault.records.get(y).body
    assert isinstance(youth, Youth)
    on_file = {c.id: c.body for c in counts if isinstance(c.body, CriminalCount)}
    made = petition.Petition.of(youth, case, "", on_file, {}, b.today)
    seen = petition.fingerprint(case, made.counts)
    return b.add(y, VacaturCase, count_ids=[c.id for c in counts], reviewed=seen, **data)


_PROSECUTOR = "Demo County District Attorney (fictional)"
_GROUNDS = "Fictional: the youth's account, in the youth's own words."
_COUNSEL = ["Alex Demo-Attorney (fictional), SBN 000000", "Demo Legal Aid (fictional)",
            "10 Example Street, Demo City, CA 90000", "(555) 010-0166, counsel@example.org"]
"""The demo's counsel block: name and bar number, office, address, telephone and e-mail (rule
2.111(1))."""


def _served(b: _Builder, *, mailed: int, received: int) -> dict[str, Any]:
    """A petition's service by mail, `mailed` and `received` days from today, as its proof records it."""
    return {"service_method": "mail", "service_date": b.day(mailed), "served_on": b.day(received),
            "server_name": "R. Demo-Server (fictional)",
            "server_address": "10 Example Street, Demo City, CA 90000", "service_place": "Demo City"}


_TEAM = [{"discipline": d, "name": n} for d, n in (
    ("child_welfare", "Casey Demo-Worker"), ("probation", "P. Sample (fictional)"),
    ("mental_health", "Dr. M. Fictorra (fictional)"), ("substance_use", "S. Oakdemo (fictional)"),
    ("public_health", "Nurse Q. Quillfic (fictional)"), ("survivor_advocate", "Harbor Light advocate"),
    ("youth", "the youth"))]


def _contact(b: _Builder, y: str, name: str, relationship: str, *, may: bool = False) -> None:
    b.add(y, Contact, name=name, relationship=relationship, phone=f"(555) 010-{b.rng.randint(2000, 2999)}",
          may_receive_information=may)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")  # as rules/csec.py names an occurrence


@functools.cache
def _screen() -> Any:
    from csec_desktop import formspec

    return formspec.load_file(formspec.forms_dir() / "csec_indicator_screen.yaml")


def _outcome(answers: dict[str, str]) -> dict[str, Any]:
    """The outcome the screen's own scoring rule gives (as a person completing it would get)."""
    from csec_desktop import formspec

    result: dict[str, Any] = formspec.score(_screen(), answers).to_json()
    return result


_STORIES: list[tuple[Callable[[_Builder, str], None], dict[str, Any]]] = [
    (_identified_hours_ago, {"age": 15, "days_to_birthday": 200, "status": LegalStatus.DEPENDENT,
                             "placement": PlacementType.RESOURCE_FAMILY}),
    (_missing_now, {"age": 16, "days_to_birthday": 90, "status": LegalStatus.DUAL_STATUS,
                    "placement": PlacementType.STRTP}),
    (_cross_report_due, {"age": 14, "days_to_birthday": 150, "status": LegalStatus.DEPENDENT,
                         "placement": PlacementType.RELATIVE}),
    (_team_and_plan, {"age": 15, "days_to_birthday": 300, "status": LegalStatus.DEPENDENT,
                      "placement": PlacementType.RESOURCE_FAMILY}),
    (_team_missing_discipline, {"age": 16, "days_to_birthday": 40, "status": LegalStatus.WARD,
                                "placement": PlacementType.STRTP}),
    (_returned_from_missing, {"age": 13, "days_to_birthday": 250, "status": LegalStatus.DEPENDENT,
                              "placement": PlacementType.NREFM}),
    (_turning_18, {"age": 17, "days_to_birthday": 50, "status": LegalStatus.DEPENDENT,
                   "placement": PlacementType.RESOURCE_FAMILY}),
    (_nonminor, {"age": 19, "days_to_birthday": 120, "status": LegalStatus.NONMINOR_DEPENDENT,
                 "placement": PlacementType.SILP}),
    (_reentry, {"age": 19, "days_to_birthday": 200, "status": LegalStatus.NONMINOR_DEPENDENT,
                "placement": PlacementType.THP_NMD}),
    (_vacatur_adult, {"age": 20, "days_to_birthday": 100, "status": LegalStatus.NONMINOR_DEPENDENT,
                      "placement": PlacementType.SILP}),
    (_vacatur_juvenile, {"age": 17, "days_to_birthday": 250, "status": LegalStatus.WARD,
                         "placement": PlacementType.RELATIVE}),
    (_vacatur_mixed, {"age": 19, "days_to_birthday": 30, "status": LegalStatus.NONMINOR_DEPENDENT,
                      "placement": PlacementType.THP_NMD}),
]
"""The story youth, first in the caseload of the first caseworker (Unit A)."""
