"""The counts a county's CSEC program reports, each with its definition and the law it answers.

Welf. & Inst. Code 16501.45 asks counties to collect data on youth exploited before entering
care, while in care, while missing from care, and youth at risk, with data for youth in group
homes and STRTPs; 16524.13 describes the State's reports built on it. The app knows when a
status was decided (`csec_status.decided_at`: when the supporting information was received), not
when the exploitation happened, so each count here is stated as what it measures: the youth
*identified* in the period, placed by where they were on the day of that decision. That is the
definition shown with every figure; where a county defines it otherwise, the figure says so.

Each count is a `Count` (law as data): its id, label, definition, citation and the date the law
was checked; `compute` returns, per count, the set of youth ids behind it, so a screen can drill
down to the list (for the people allowed to see them) and a table can count by unit.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel

from csec_desktop import efc as efc_dates
from csec_desktop.caseload import Filters, visibility, years_before
from csec_desktop.clock import legal_today
from csec_desktop.domain.csec import (
    CsecStatus,
    CsecStatusValue,
    LicensedScreen,
    MissingEpisode,
    ScreenBand,
    TeamMeeting,
)
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.services import SERVICE_DOMAINS, GoalStatus, PlanGoal, Referral, ReferralStatus
from csec_desktop.domain.vacatur import CaseStage, CriminalCount, VacaturCase
from csec_desktop.domain.youth import FOSTER_CARE_TYPES, LegalStatus, PlacementType, Youth, placement_periods
from csec_desktop.reports import periods as P
from csec_desktop.reports.periods import Period
from csec_desktop.rules import LEGAL_ZONE, age_on, birthday
from csec_desktop.storage.compartments import MARK
from csec_desktop.storage.database import Database
from csec_desktop.storage.sealed_rows import VIEW
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_

CHECKED = date(2026, 12, 1)
RETURN_WINDOW = timedelta(days=7)
"""A decision within this many days after a missing youth returned counts as identified while
missing: the interview 16501.35(b) asks for after a return is where it is most often learned. The
app's definition (the statute names no window), shown with the count."""


@dataclass(frozen=True)
class Decision:
    youth_id: str
    status: CsecStatusValue
    at: datetime


@dataclass
class Facts:
    """What the counts read, for every youth the person may see."""

    youth: Mapping[str, Youth] = field(default_factory=dict)
    """The youth with CSEC records (decisions, episodes, screens, duties): all the counts read."""
    units: dict[str, str | None] = field(default_factory=dict)
    """The unit of each youth with CSEC records."""
    population: dict[str, int] = field(default_factory=dict)
    """Every youth in the report, counted by unit ("(no unit)" for none): the table's columns."""
    decisions: list[Decision] = field(default_factory=list)
    missing: dict[str, list[MissingEpisode]] = field(default_factory=lambda: defaultdict(list))
    screens: list[tuple[str, LicensedScreen]] = field(default_factory=list)  # (youth id, screen)
    statuses: dict[str, list[CsecStatus]] = field(default_factory=lambda: defaultdict(list))
    done: Mapping[str, list[DutyDone]] = field(default_factory=dict)
    referrals: list[tuple[str, Referral]] = field(default_factory=list)  # (youth id, referral)
    goals: list[tuple[str, PlanGoal]] = field(default_factory=list)
    criminal_counts: dict[str, list[tuple[str, CriminalCount]]] = field(
        default_factory=lambda: defaultdict(list))
    """By youth: (record id, count); a petition names its counts by record id."""
    cases: dict[str, list[VacaturCase]] = field(default_factory=lambda: defaultdict(list))  # record relief
    meetings: list[tuple[str, TeamMeeting]] = field(default_factory=list)  # (youth id, team meeting)
    _ordered: list[Decision] | None = None

    def by_time(self) -> list[Decision]:
        """The decisions in time order (sorted once)."""
        if self._ordered is None or len(self._ordered) != len(self.decisions):
            self._ordered = sorted(self.decisions, key=lambda d: d.at)
        return self._ordered
    ab12: dict[str, set[str]] = field(default_factory=dict)  # AB12_KEYS -> the youth behind each
    """Duties marked done, by youth (reports/duties.py weighs them against the rules' deadlines)."""


@dataclass(frozen=True)
class Count:
    id: str
    label: str
    definition: str
    citation: str
    select: Callable[[Facts, Period], set[str]]
    checked: date = CHECKED


def _in_period(facts: Facts, period: Period, status: CsecStatusValue) -> list[Decision]:
    # Decisions in time order, searched by the period's first and last instants (a trend asks for
    # twelve months of a county's decisions: scanning them all each time cost a quarter second).
    ordered = facts.by_time()
    start = datetime.combine(period.first, datetime.min.time(), LEGAL_ZONE)
    end = datetime.combine(period.last + timedelta(days=1), datetime.min.time(), LEGAL_ZONE)
    low = bisect.bisect_left(ordered, start, key=lambda d: d.at)
    high = bisect.bisect_left(ordered, end, key=lambda d: d.at)
    return [d for d in ordered[low:high] if d.status is status]


def _placed(youth: Youth, day: date, types: frozenset[PlacementType]) -> bool:
    return any(p.type in types and p.covers(day) for p in youth.placement_history)


def _entered_care_by(youth: Youth, day: date) -> bool:
    return any(p.type in FOSTER_CARE_TYPES and p.start <= day for p in youth.placement_history)


def _missing_then(episodes: list[MissingEpisode], moment: datetime) -> bool:
    for episode in episodes:
        back = episode.returned_at + RETURN_WINDOW if episode.returned_at else None
        if episode.learned_at <= moment and (back is None or moment <= back):
            return True
    return False


def _day(moment: datetime) -> date:
    return moment.astimezone(LEGAL_ZONE).date()


def _victims(facts: Facts, period: Period) -> set[str]:
    return {d.youth_id for d in _in_period(facts, period, CsecStatusValue.VICTIM)}


def _at_risk(facts: Facts, period: Period) -> set[str]:
    return {d.youth_id for d in _in_period(facts, period, CsecStatusValue.AT_RISK)}


def _before_care(facts: Facts, period: Period) -> set[str]:
    return {d.youth_id for d in _in_period(facts, period, CsecStatusValue.VICTIM)
            if not _entered_care_by(facts.youth[d.youth_id], _day(d.at))}


def _in_care(facts: Facts, period: Period) -> set[str]:
    return {d.youth_id for d in _in_period(facts, period, CsecStatusValue.VICTIM)
            if _placed(facts.youth[d.youth_id], _day(d.at), FOSTER_CARE_TYPES)}


def _while_missing(facts: Facts, period: Period) -> set[str]:
    return {d.youth_id for d in _in_period(facts, period, CsecStatusValue.VICTIM)
            if _missing_then(facts.missing.get(d.youth_id, []), d.at)}


def _in_strtp(facts: Facts, period: Period) -> set[str]:
    return {d.youth_id for d in _in_period(facts, period, CsecStatusValue.VICTIM)
            if _placed(facts.youth[d.youth_id], _day(d.at), frozenset({PlacementType.STRTP}))}


WIC = "Welf. & Inst. Code 16501.45"
COUNTS: tuple[Count, ...] = (
    Count("identified_victims", N_("Youth identified as exploited"),
          N_("Youth with a decision 'victim' whose information was received in the period."), WIC, _victims),
    Count("before_care", N_("... not yet in foster care when identified"),
          N_("Of those, youth who had no foster-care placement beginning on or before the day of the "
             "decision (exploited before entering care, as far as the record shows)."), WIC, _before_care),
    Count("in_care", N_("... in foster care when identified"),
          N_("Of those, youth in a foster-care placement on the day of the decision."), WIC, _in_care),
    Count("while_missing", N_("... missing from care, or just back, when identified"),
          N_("Of those, youth with a missing-from-care episode open at the decision, or which ended at "
             "most 7 days before it (the app's window: the statute names none)."), WIC, _while_missing),
    Count("in_strtp", N_("... placed in an STRTP when identified"),
          N_("Of those, youth placed in a short-term residential therapeutic program (the former group "
             "homes) on the day of the decision."), WIC, _in_strtp),
    Count("identified_at_risk", N_("Youth identified as at risk"),
          N_("Youth with a decision 'at risk' whose information was received in the period."), WIC, _at_risk),
)


NESTED = (("before_care", "identified_victims"), ("in_care", "identified_victims"),
          ("while_missing", "identified_victims"), ("in_strtp", "identified_victims"),
          ("in_strtp", "in_care"))
"""(count, count it is part of): the "of those" rows, whose parts de-identification must not show
beside their whole (reports/deidentify.Table.within)."""


@dataclass(frozen=True)
class Scope:
    """Which youth a report counts, among those the person may see: the caseload's filters (court
    status and age on a day, worker) and a unit; None means any."""

    filters: Filters = field(default_factory=Filters)
    unit: str | None = None

    def words(self) -> str:
        """The filters in words, for a report's heading ("" when none)."""
        f = self.filters
        ages = "" if f.min_age is None and f.max_age is None else (
            f"ages {f.min_age or 0} to {f.max_age if f.max_age is not None else 'any'}")
        said = [f"unit {self.unit}" if self.unit else "", f"worker {f.worker}" if f.worker else "",
                f"court status {f.status.value}" if f.status else "", ages]
        return ", ".join(w for w in said if w)


def facts(vault: Vault, scope: Scope | None = None, on: date | None = None) -> Facts:
    """Every youth this person may see (and the scope names: court status and age as of `on`, the
    period's last day), with their decisions and missing episodes (opened as they may read them:
    a sealed youth's for those who hold the key). Only the youth with such records are opened:
    the counts read nothing of the others but their unit, which the index holds, so a report costs
    what the county's CSEC records cost, not its whole caseload."""
    scope = scope or Scope()
    cond, params = visibility(vault.user)
    chosen, more = scope.filters.sql(on or legal_today(), "f")
    if scope.unit:
        chosen, more = f"{chosen} AND f.unit = ?", [*more, scope.unit]
    db = vault.require_db()
    where = f"f.deleted = 0 AND {cond} AND {chosen}"
    # The youth in the report, by row, with their unit: counted here, and the records below kept
    # only where their youth is one of them (the index holds both; no youth is opened for it).
    seen: dict[int, str | None] = dict(db.query(f"SELECT f.rowid, f.unit FROM {VIEW} f WHERE {where}",
                                                [*params, *more]))
    population = Counter(unit or NO_UNIT for unit in seen.values())
    kinds = ", ".join(f"'{kind}'" for kind in READS)
    # The CSEC records in the order they lie in the file: their rows from the kind index, sorted,
    # then read. Read in the index's order each record was a page fetched at random, and joined
    # with the report's youth (a view of two tables) each was read twice: 4.4 s at 100,000 youth
    # (130,000 records) against 1.1. The marks of duties done are read only for the youth whose
    # records the duty rules read (at 100,000 youth: 12,500 youth, 25,000 of the 77,000 marks).
    indexed = db.query(f"SELECT rowid, kind, owner_id FROM records WHERE kind IN ({kinds})")
    ruled = {owner for _row, kind, owner in indexed if kind in DUTY_KINDS}
    places = sorted(row for row, kind, owner in indexed if kind != "duty_done" or owner in ruled)
    rows = [row for row in db.query(
        "SELECT a.id, a.owner_id, a.kind, a.body, y.rowid FROM records a JOIN records y ON y.id = a.owner_id "
        "WHERE a.rowid IN (SELECT value FROM json_each(?)) AND a.deleted = 0", (json.dumps(places),))
        if row[4] in seen]
    units = {owner: seen[youth_row] for _id, owner, _kind, _body, youth_row in rows}
    attached = [(owner, kind, _plain_or_opened(vault, record_id, body), record_id)
                for record_id, owner, kind, body, _row in rows]
    found_ab12 = _ab12(vault, where, [*params, *more], on or legal_today())
    # The bodies of the youth the duties and the decisions' counts read, together; any other's
    # when a count names them (a youth with only a screen or a referral, say).
    owners = {owner: youth_row for _id, owner, _kind, _body, youth_row in rows}
    bodies: dict[str, Body] = {owner: partial(_youth_body, vault, owner, youth_row)
                               for owner, youth_row in owners.items()}
    bodies.update((youth_id, _plain_or_opened(vault, youth_id, body)) for youth_id, body in db.query(
        "SELECT id, body FROM records WHERE rowid IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(owners[owner] for owner in ruled if owner in owners)),)))
    found = build(units, bodies, attached, dict(population))
    found.ab12 = found_ab12
    return found


AB12_DEFINITION = N_("Youth 16 to 20 on the period's last day, by age and, at 18 to 20, whether they are "
                     "nonminor dependents in extended foster care then; of those, where they are placed "
                     "(THP-NMD, SILP, other), the participation conditions they meet that day (a youth may "
                     "meet several) and whose six-month certification is overdue; and youth in the 90 "
                     "days before their 18th birthday on that day, when the transition plan is due, with "
                     "and without a plan recorded (a partial plan counts as recorded; the youth's record "
                     "page says what it lacks).")
AB12_CITATION = "Welf. & Inst. Code 11400, 11403, 16501.1(g)(16)"


def _ab12(vault: Vault, where: str, params: list[Any], day: date) -> dict[str, set[str]]:
    """The AB 12 figures from the caseload index (birth, court-status periods); only nonminor
    dependents are opened, for their placement."""
    rows = ab12_rows(vault.require_db(), where, params, day)
    youth = [(key, date.fromisoformat(birth), [tuple(p) for p in json.loads(periods)], bool(planned))
             for key, birth, periods, planned in rows if birth]
    # A sealed youth for someone who may not read them has a blank birth here: not counted.
    opened = _nonminor_records(vault, [int(key[1:]) for key, birth, periods, _planned in youth
                                       if in_efc(birth, periods, day)])
    return ab12([(key, birth, periods, planned, partial(opened.__getitem__, int(key[1:])))
                 for key, birth, periods, planned in youth], day)


def ab12_rows(db: Database, where: str, params: list[Any], day: date) -> list[tuple[Any, ...]]:
    """("#<rowid>", birth, court-status periods, whether a transition plan is recorded) of each
    youth 16 to 20 on `day` in the report (`where`, over the caseload index `f`)."""
    oldest, youngest = years_before(day, 21), years_before(day, 16)
    # Only what ab12() reads of each: the plan only in the 90 days before 18, the court status only
    # from 18 (a 16-year-old costs one index row).
    window = (years_before(day + timedelta(days=90), 18).isoformat(), years_before(day, 18).isoformat())
    # Youth are named by their row ("#<rowid>", resolved by usecases.reports.names when a figure is
    # opened): reading each youth's id from its record row cost more than the whole figure.
    return db.query(f"SELECT '#' || f.rowid, f.birth, CASE WHEN f.birth <= ? THEN f.periods ELSE '[]' END, "
                    f"CASE WHEN f.birth > ? AND f.birth <= ? THEN EXISTS (SELECT 1 FROM records t WHERE "
                    f"t.kind = 'transition_plan' AND t.owner_id = (SELECT id FROM records WHERE rowid = "
                    f"f.rowid) AND t.deleted = 0) ELSE 0 END FROM {VIEW} f "
                    f"WHERE {where} AND f.birth > ? AND f.birth <= ?",
                    [window[1], window[1], window[0], *params, oldest.isoformat(), youngest.isoformat()])


def _nonminor_records(vault: Vault, rows: list[int]) -> dict[int, tuple[list[dict[str, Any]],
                                                                           list[dict[str, Any]]]]:
    """What `ab12` opens of each nonminor dependent, by their row: their placements and EFC
    records. Read for all of them at once, in the order the youth lie in the file: one by one
    each was three statements and a whole body decoded (17,700 at 100,000 youth: 4.5 s)."""
    db = vault.require_db()
    efc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record_id, owner, kind, body in db.query(
            "SELECT id, owner_id, kind, body FROM records WHERE (kind IN ('efc_participation', "
            "'efc_certification', 'reentry_agreement') OR (kind = 'duty_done' AND body ->> '$.rule_id' = ?)) "
            "AND deleted = 0", (efc_dates.CERTIFICATION_RULE,)):
        efc[owner].append({**vault.records.decode(record_id, body), "kind": kind})
    found = {}
    # Only the placements are read of a youth's body, unless something in it is sealed (then all
    # of it, opened as this person may read it).
    for row, youth_id, body, placements in db.query(
            "SELECT rowid, id, CASE WHEN instr(body, ?) > 0 THEN body END, "
            "json_array(body -> '$.placement_history', body -> '$.placement') "
            "FROM records WHERE rowid IN (SELECT value FROM json_each(?))",
            (f'"{MARK}"', json.dumps(sorted(rows)))):
        if body is not None:
            opened = vault.records.decode(youth_id, body)
            history, current = opened.get("placement_history"), opened.get("placement")
        else:
            history, current = json.loads(placements)
        found[row] = (placement_periods(history, current), efc.get(youth_id, []))
    return found


def in_efc(birth: date, periods: list[tuple[Any, ...]], day: date) -> bool:
    """Whether a youth is a nonminor dependent on `day` (18 to 20, under that court status then)."""
    return (18 <= age_on(birth, day) <= 20
            and _court_status(periods, day) == LegalStatus.NONMINOR_DEPENDENT.value)


def _court_status(periods: list[tuple[Any, ...]], day: date) -> str | None:
    """The court status of a youth on `day`, from their periods ([status, start, end])."""
    on = day.isoformat()
    return next((p[0] for p in periods if p[1] and p[1] <= on and (p[2] is None or p[2] >= on)), None)


Opened = Callable[[], tuple[list[dict[str, Any]], list[dict[str, Any]]]]
"""A nonminor dependent's records when asked: (placements, EFC records: participation conditions
and six-month certifications, as plain bodies with their `kind`)."""


def ab12(youth: Iterable[tuple[str, date, list[tuple[Any, ...]], bool, Opened]],
         day: date) -> dict[str, set[str]]:
    """The youth behind each of AB12_KEYS, from each youth's (id, birth, court-status periods
    [status, start, end], whether a transition plan is recorded, their records when asked): the
    desktop reads these from its index, the hub from the bodies it holds."""
    figures: dict[str, set[str]] = {key: set() for key in AB12_KEYS}
    for youth_id, birth, periods, planned, opened in youth:
        age = age_on(birth, day)
        if not 16 <= age <= 20:
            continue
        if day < birthday(birth, 18) <= day + timedelta(days=90):  # in the plan's 90-day window that day
            figures["turning_18_with_plan" if planned else "turning_18_without_plan"].add(youth_id)
        if age < 18:
            figures["aged_16_17"].add(youth_id)
            continue
        on = day.isoformat()
        if not in_efc(birth, periods, day):
            figures["aged_18_20_not_in_efc"].add(youth_id)
            continue
        figures["aged_18_20_in_efc"].add(youth_id)
        placements, efc_records = opened()
        met = {r.get("condition") for r in efc_records if r.get("kind") == "efc_participation"
               and str(r.get("since", "")) <= on and (not r.get("until") or str(r["until"]) >= on)}
        for condition in met & {"1", "2", "3", "4", "5"}:
            figures[f"condition_{condition}"].add(youth_id)
        if not met:
            figures["no_condition"].add(youth_id)
        # The cycle counts from 18, or from the latest re-entry by that day (efc.cycle_start).
        start = max([birthday(birth, 18), *(date.fromisoformat(str(r["signed_on"])) for r in efc_records
                                            if r.get("kind") == "reentry_agreement"
                                            and str(r.get("signed_on", "")) <= on)])
        # Recorded as a SOC 161, or as the certification duty marked done on Today (efc.certification_days):
        # counted from the records only, a youth whose timeline showed every cycle done was overdue here.
        marks = [(str(r.get("rule_id")), str(r.get("occurrence"))) for r in efc_records
                 if r.get("kind") == "duty_done" and str(r.get("done_on", "")) <= on]
        recorded = [date.fromisoformat(str(r["certified_on"])) for r in efc_records
                    if r.get("kind") == "efc_certification" and str(r.get("certified_on", "")) <= on]
        certified = [d for d in (*recorded, *efc_dates.certification_days([], marks)) if start <= d <= day]
        if efc_dates.next_six_month(start, certified) <= day:
            figures["certification_overdue"].add(youth_id)  # Welf. & Inst. Code 11403(c): every six months
        there = [p for p in placements if p.get("start", "") <= on and (not p.get("end") or p["end"] >= on)]
        kind = there[-1].get("type") if there else None
        where = {"thp_nmd": "efc_in_thp_nmd", "silp": "efc_in_silp"}.get(kind or "", "efc_elsewhere")
        figures[where].add(youth_id)
    return figures


AB12_KEYS = ("aged_16_17", "aged_18_20_in_efc", "aged_18_20_not_in_efc", "efc_in_thp_nmd", "efc_in_silp",
             "efc_elsewhere", "turning_18_with_plan", "turning_18_without_plan", "condition_1", "condition_2",
             "condition_3", "condition_4", "condition_5", "no_condition", "certification_overdue")


NO_UNIT = "(no unit)"
READS = ("csec_status", "missing_episode", "licensed_screen", "duty_done", "referral", "plan_goal",
         "criminal_count", "vacatur_case", "team_meeting")
"""The kinds of a youth's records the report reads (beside the youth's own record)."""
DUTY_KINDS = ("csec_status", "missing_episode", "vacatur_case", "criminal_count")
"""Of those, the kinds the duty rules read (reports/duties.py): the marks of duties done are read
only for youth with one of them."""


M = TypeVar("M", bound=BaseModel)


Body = dict[str, Any] | str | Callable[[], dict[str, Any]]
"""A stored record's body: opened (a dict), the stored JSON itself when nothing in it is sealed,
or how to open it. A sealed body is opened only when a count reads it: each of its sealed values
is a key agreement of its own (at 100,000 youth the sealed youth's marks of duties done and bodies,
which few counts read, were 1.5 s of a report)."""


def _load(model: type[M], data: Body) -> M:
    """A record from its body (the stored JSON is parsed by pydantic in one step: a county's
    quarter reads tens of thousands)."""
    if isinstance(data, str):
        return model.model_validate_json(data)
    return model.model_validate(data if isinstance(data, dict) else data())


def _youth_body(vault: Vault, youth_id: str, row: int) -> dict[str, Any]:
    body = vault.require_db().scalar("SELECT body FROM records WHERE rowid = ?", (row,))
    return vault.records.decode(youth_id, body)


def _plain_or_opened(vault: Vault, record_id: str, body: str) -> Body:
    return partial(vault.records.decode, record_id, body) if MARK in body else body


def build(units: dict[str, str | None], bodies: Mapping[str, Body],
          attached: Iterable[tuple[str, str, Body, str]],
          population: dict[str, int]) -> Facts:
    """Facts from plain records, wherever they are kept: each youth's unit, the bodies of the youth
    that have records of the READS kinds, and those records as (youth id, kind, body, id); records of
    youth not in `units` are skipped. The desktop passes what its person may read; the hub what it
    holds in clear (hub/reports.py)."""
    found = Facts()
    found.units = dict(units)
    found.population = dict(population)
    youth: dict[str, Body] = {}
    done: dict[str, list[Body]] = defaultdict(list)
    for owner, kind, data, record_id in attached:
        if owner not in found.units:
            continue
        youth.setdefault(owner, bodies[owner])
        if kind == "csec_status":
            decision = _load(CsecStatus, data)
            found.decisions.append(Decision(owner, decision.status, decision.decided_at))
            found.statuses[owner].append(decision)
        elif kind == "duty_done":
            done[owner].append(data)
        elif kind == "licensed_screen":
            found.screens.append((owner, _load(LicensedScreen, data)))
        elif kind == "missing_episode":
            found.missing[owner].append(_load(MissingEpisode, data))
        elif kind == "referral":
            found.referrals.append((owner, _load(Referral, data)))
        elif kind == "plan_goal":
            found.goals.append((owner, _load(PlanGoal, data)))
        elif kind == "criminal_count":
            found.criminal_counts[owner].append((record_id, _load(CriminalCount, data)))
        elif kind == "vacatur_case":
            found.cases[owner].append(_load(VacaturCase, data))
        elif kind == "team_meeting":
            found.meetings.append((owner, _load(TeamMeeting, data)))
    # A youth and their duties' marks are validated only when a count or a duty reads them: at
    # 100,000 youth 38,800 have records the report reads, and the duties read 12,500 of them.
    found.youth = Loaded(partial(_load, Youth), youth)
    found.done = Loaded(lambda marks: [_load(DutyDone, mark) for mark in marks], done)
    return found


V = TypeVar("V")


class Loaded(Mapping[str, V]):
    """Values made from stored data when first asked for, then kept (a KeyError for a key with no
    data, as a dict's): a record found damaged then is reported as it was when all were read."""

    def __init__(self, load: Callable[[Any], V], data: dict[str, Any]) -> None:
        self._load, self._data = load, data
        self._made: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._load(self._data[key])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def compute(found: Facts, period: Period) -> dict[str, set[str]]:
    """Each count's youth, by count id."""
    return {count.id: count.select(found, period) for count in COUNTS}


TREND = ("identified_victims", "identified_at_risk")
"""The counts drawn month by month (a line each) on the page and in the printed report."""


def monthly(found: Facts, period: Period) -> tuple[list[Period], dict[str, list[int]]]:
    """The trend: each month of the period (or the twelve months ending with it, when shorter),
    with each TREND count's youth in that month."""
    end = period.last
    first = period.first if period.days > 300 else date(end.year - (end.month < 12), end.month % 12 + 1, 1)
    months: list[Period] = []
    day = date(first.year, first.month, 1)
    while day <= end:
        months.append(P.month(day.year, day.month))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    selects = {c.id: c.select for c in COUNTS if c.id in TREND}
    return months, {cid: [len(select(found, m)) for m in months] for cid, select in selects.items()}


SCREENING_DEFINITION = N_("Screens with a licensed, validated tool done in the period, by tool and "
                          "outcome band (the tool's result as recorded; never its items).")
SCREENING_CITATION = "Welf. & Inst. Code 16524.13"


def screenings(found: Facts, period: Period) -> tuple[list[str], list[ScreenBand], list[list[int]], int]:
    """(tools, bands, screens by tool and band, youth screened) for screens done in the period."""
    done = [(youth_id, screen) for youth_id, screen in found.screens if period.contains(screen.screened_on)]
    tools = sorted({screen.tool for _y, screen in done})
    bands = list(ScreenBand)
    counts = [[sum(1 for _y, s in done if s.tool == tool and s.band is band) for band in bands]
              for tool in tools]
    return tools, bands, counts, len({youth_id for youth_id, _s in done})


SERVICES_DEFINITION = N_("Referrals made in the period (their referral date in it), by area of life and "
                        "where each stands now, with the median days from referral to the first service "
                        "among those whose first service is recorded; and the plan goals of the youth in "
                        "the report, by area and where each stands now.")
SERVICES_CITATION = "Welf. & Inst. Code 16524.13"


def days_to_first_service(found: Facts, period: Period) -> tuple[float | None, int]:
    """(median days from referral to first service, how many referrals made in the period have a
    first service recorded)."""
    days = sorted((r.first_service_on - r.referred_on).days for _y, r in found.referrals
                  if r.referred_on and r.first_service_on and period.contains(r.referred_on))
    if not days:
        return None, 0
    middle = len(days) // 2
    return (days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2), len(days)


def services(found: Facts, period: Period) -> tuple[list[str], dict[str, list[int]], dict[str, list[int]]]:
    """(areas, referrals by area -> counts by ReferralStatus, goals by area -> counts by GoalStatus):
    the areas in SERVICE_DOMAINS order, only those with a referral or a goal."""
    made = [r for _y, r in found.referrals if r.referred_on is not None and period.contains(r.referred_on)]
    goals_now = [g for _y, g in found.goals]
    used = {r.domain for r in made} | {g.domain for g in goals_now}
    areas = [a for a in SERVICE_DOMAINS if a in used]
    referrals = {a: [sum(1 for r in made if r.domain == a and r.status is s) for s in ReferralStatus]
                 for a in areas}
    goals = {a: [sum(1 for g in goals_now if g.domain == a and g.status is s) for s in GoalStatus]
             for a in areas}
    return areas, referrals, goals


RELIEF_DEFINITION = N_("Criminal counts recorded for the youth in the report, by what the app's assessment "
                       "says of each today (Pen. Code 236.14: eligible, not eligible, for counsel to review, "
                       "or a record to correct); and their petitions by stage, with those granted and those "
                       "denied in the period.")
RELIEF_CITATION = "Pen. Code 236.14"


@dataclass(frozen=True)
class Relief:
    """Record relief in a period: criminal counts by what the assessment says (and their youth),
    petitions by stage (and their youth), orders granted in the period."""

    counts: dict[str, int]
    counts_youth: dict[str, set[str]]
    stages: dict[str, int]
    stages_youth: dict[str, set[str]]
    granted: set[str]  # the youth whose order was granted in the period
    denied: set[str]  # the youth whose petition was denied in the period


def record_relief(found: Facts, period: Period) -> Relief:
    from csec_desktop.vacatur import Answer, assess  # the 667.5(c) table loads on first use

    counts = dict.fromkeys([a.value for a in Answer], 0)
    counts_youth: dict[str, set[str]] = {a.value: set() for a in Answer}
    for youth_id, kept in found.criminal_counts.items():
        for _record_id, count in kept:
            answer = assess(count, found.youth[youth_id]).answer.value
            counts[answer] += 1
            counts_youth[answer].add(youth_id)
    stages = dict.fromkeys([s.value for s in CaseStage], 0)
    stages_youth: dict[str, set[str]] = {s.value: set() for s in CaseStage}
    granted: set[str] = set()
    denied: set[str] = set()
    for youth_id, cases in found.cases.items():
        for case in cases:
            stages[case.stage.value] += 1
            stages_youth[case.stage.value].add(youth_id)
            if case.order_granted_on is not None and period.contains(case.order_granted_on):
                granted.add(youth_id)
            if case.order_denied_on is not None and period.contains(case.order_denied_on):
                denied.add(youth_id)
    return Relief(counts, counts_youth, stages, stages_youth, granted, denied)


RESCREEN_DEFINITION = N_("Re-screens with a licensed tool done in the period (a screen after an earlier "
                         "one), within the county's interval or later; and youth whose interval ran out by "
                         "the period's last day with no screen since (the county's interval: Administration, "
                         "county settings).")
# The five departments are the team 16524.7(d)(2)(B) requires of a county in the state CSEC Program
# (one it opts into): said so, not "required" of every county (a review found it cited for all).
MEETINGS_DEFINITION = N_("Youth with a multidisciplinary team meeting held in the period, and with one at "
                         "which child welfare, probation, mental health, substance use disorder and public "
                         "health were all present (the team Welf. & Inst. Code 16524.7(d)(2)(B) requires of "
                         "a county in the state CSEC Program).")


def rescreens(found: Facts, period: Period, interval_days: int) -> dict[str, set[str]]:
    """The youth behind each re-screen figure: done in the period within the interval, done later
    than it, and overdue at the period's end."""
    out: dict[str, set[str]] = {key: set() for key in ("rescreened_in_time", "rescreened_late",
                                                       "rescreen_overdue")}
    days: dict[str, list[date]] = defaultdict(list)
    for youth_id, screen in found.screens:
        days[youth_id].append(screen.screened_on)
    for youth_id, screened in days.items():
        screened.sort()
        for before, after in itertools.pairwise(screened):
            if period.contains(after):
                late = (after - before).days > interval_days
                out["rescreened_late" if late else "rescreened_in_time"].add(youth_id)
        done_by_end = [d for d in screened if d <= period.last]
        if done_by_end and done_by_end[-1] + timedelta(days=interval_days) < period.last:
            out["rescreen_overdue"].add(youth_id)
    return out


def meetings(found: Facts, period: Period) -> dict[str, set[str]]:
    """The youth behind each team-meeting figure: a meeting held in the period, one with every
    required discipline present."""
    out: dict[str, set[str]] = {"meetings_held": set(), "meetings_complete": set()}
    for youth_id, meeting in found.meetings:
        if period.contains(meeting.held_on):
            out["meetings_held"].add(youth_id)
            if not meeting.missing_disciplines():
                out["meetings_complete"].add(youth_id)
    return out


def by_unit(found: Facts, result: dict[str, set[str]]) -> tuple[list[str], dict[str, dict[str, int]]]:
    """(units, count id -> unit -> how many), for a table by unit."""
    units = sorted(found.population)
    table = {cid: dict.fromkeys(units, 0) for cid in result}
    for cid, ids in result.items():
        for youth_id in ids:
            table[cid][found.units.get(youth_id) or NO_UNIT] += 1
    return units, table


__all__ = ["COUNTS", "Count", "Facts", "by_unit", "compute", "facts"]
