"""A petition as the papers are made from it: the counts it asks to vacate grouped into one
packet per court case, the parties to serve with their addresses, the dates the papers state,
and every problem that keeps it from being marked reviewed or filed.

Pure: the caller (documents.jobs, vacatur.workflow) reads the vault and passes the facts in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from csec_desktop.domain.vacatur import CaseStage, CriminalCount, ServiceMethod, VacaturCase
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import birthday
from csec_desktop.rules.court_days import last_day
from csec_desktop.text import W
from csec_desktop.vacatur import Answer, CountAnswer, assess

RESPONSE_DAYS = 45
"""Pen. Code 236.14(c): the prosecuting agency has 45 days from receipt of service to respond."""
MAIL_EXTENSION_DAYS = 5
"""Code Civ. Proc. 1013(a): a period to respond after service by mail within California is
extended by five calendar days. Applied here to find the earliest day the 45 days can end when
only the mailing date is recorded (whether 1013(a) extends 236.14(c) is UNCONFIRMED: record the
date the prosecutor received the papers to use that instead)."""
OVERNIGHT_EXTENSION_DAYS = 2
"""Code Civ. Proc. 1013(c): two court days for express or overnight delivery (counted here as
calendar days, UNCONFIRMED)."""
PLACEHOLDER = "[TO BE COMPLETED"
"""Every gap in a draft paper starts with this, so the review can find any left in the text."""


def gap(what: str) -> str:
    return f"{PLACEHOLDER}: {what}]"


@dataclass(frozen=True)
class CountOnFile:
    id: str
    count: CriminalCount
    answer: CountAnswer

    @property
    def petitioned(self) -> bool:
        """In the petition: found nonviolent (by the table or by counsel), or a record that should
        never have existed (a minor's commercial sex: counsel may ask 236.14(j) to clear it)."""
        return self.answer.nonviolent or self.answer.answer is Answer.CORRECT_RECORD or self.answer.undecided


@dataclass(frozen=True)
class CourtCase:
    """One packet: the counts of one case in one court, adult or juvenile."""

    juvenile: bool
    county: str
    court: str | None
    case_number: str | None
    counts: tuple[CountOnFile, ...]
    assigned: str | None = None
    """The number the clerk gave the petition, for counts that carry none (an arrest never
    charged): `VacaturCase.court_case_number`, when only one packet lacks a number."""

    @property
    def number(self) -> str | None:
        """The case number the packet's papers print, its hearing and service are recorded under."""
        return self.case_number or self.assigned

    @property
    def key(self) -> str:
        return f"{'juvenile' if self.juvenile else 'adult'}:{self.county}:{self.case_number or '-'}"


@dataclass(frozen=True)
class Party:
    name: str
    address: str | None  # from the county's agency list in the resource directory


@dataclass(frozen=True)
class Problem:
    """One thing that keeps the petition from being reviewed or filed, and where to fix it."""

    field: str  # the field of the record to change
    message: str
    record_id: str | None = None  # the count or the case; None: the youth's record or the directory
    for_filing_only: bool = False

    def __str__(self) -> str:
        return self.message


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def name_key(name: str) -> str:
    """A name as compared: any case, punctuation and spacing ("Demo City PD (fictional)" is
    "demo city pd fictional")."""
    return _norm(name)


@dataclass(frozen=True)
class Service:
    """How one court case's papers were served: its own entry, or the petition's fields."""

    method: ServiceMethod
    delivered_on: date | None
    received_on: date | None
    own: bool  # from the court case's own entry


def service_for(case: VacaturCase, case_number: str | None) -> Service:
    for entry in case.services:
        if case_number and _norm(entry.case_number) == _norm(case_number):
            return Service(entry.method, entry.delivered_on, entry.received_on, True)
    return Service(case.service_method, case.service_date, case.served_on, False)


def response_due(service: Service) -> tuple[date | None, str]:
    """The last day of the prosecutor's 45 days after this service, and how it was reckoned: a day
    that falls when the courts are closed moves to the next court day (Code Civ. Proc. 12a; the
    index had given a Saturday)."""
    due, how = _response_due(service)
    if due is None:
        return None, how
    moved = last_day(due)
    if moved != due:
        how += (f"; day 45 falls on {due:%A} {due.isoformat()}, when the courts are closed, so the next "
                "court day (Code Civ. Proc. 12a; the court's own calendar governs)")
    return moved, how


def _response_due(service: Service) -> tuple[date | None, str]:
    if service.received_on:
        return service.received_on + timedelta(RESPONSE_DAYS), "from the date the prosecutor received service"
    if service.delivered_on and service.method is ServiceMethod.PERSONAL:
        return service.delivered_on + timedelta(RESPONSE_DAYS), "from the date of personal delivery"
    if service.delivered_on and service.method is ServiceMethod.MAIL:
        return (service.delivered_on + timedelta(MAIL_EXTENSION_DAYS + RESPONSE_DAYS),
                "from the date of mailing, extended five days (Code Civ. Proc. 1013(a))")
    if service.delivered_on and service.method is ServiceMethod.OVERNIGHT:
        return (service.delivered_on + timedelta(OVERNIGHT_EXTENSION_DAYS + RESPONSE_DAYS),
                "from the date of deposit for overnight delivery, extended two days (Code Civ. Proc. "
                "1013(c))")
    return None, ""


@dataclass(frozen=True)
class Petition:
    youth: Youth
    case: VacaturCase
    case_id: str
    counts: tuple[CountOnFile, ...]  # the counts the case names, in the order recorded
    directory: dict[str, str | None] = field(default_factory=dict)
    """The resource directory's names (any case) -> address: where prosecutors are served."""
    made_on: date = date(2000, 1, 1)
    youth_addresses: tuple[str, ...] = ()
    """Where the youth lives or has lived (the placement, contacts' addresses): never printed."""

    @classmethod
    def of(cls, youth: Youth, case: VacaturCase, case_id: str, counts: dict[str, CriminalCount],
           directory: dict[str, str | None], made_on: date,
           youth_addresses: tuple[str, ...] = ()) -> Petition:
        chosen = [CountOnFile(i, counts[i], assess(counts[i], youth)) for i in case.count_ids if i in counts]
        return cls(youth, case, case_id, tuple(chosen), {_norm(k): v for k, v in directory.items()}, made_on,
                   youth_addresses)

    @property
    def petitioned(self) -> list[CountOnFile]:
        return [c for c in self.counts if c.petitioned]

    def court_cases(self) -> list[CourtCase]:
        return packets(self.case, self.petitioned, self.youth.county)

    def parties(self, court_case: CourtCase) -> list[Party]:
        names = list(dict.fromkeys(c.count.prosecuting_agency.strip() for c in court_case.counts
                                   if c.count.prosecuting_agency and c.count.prosecuting_agency.strip()))
        return [Party(n, self.directory.get(_norm(n))) for n in names]

    def hearing(self, court_case: CourtCase) -> tuple[date | None, str | None, str | None]:
        """(date, time, department) of the hearing in this court case, when known."""
        for h in self.case.hearings:
            if court_case.number and _norm(h.case_number) == _norm(court_case.number):
                return h.on, h.time, h.department
        if len(self.court_cases()) == 1 and self.case.hearing_on:
            return self.case.hearing_on, None, None
        return None, None, None

    def service(self, court_case: CourtCase | None = None) -> Service:
        """How this court case's packet was served (each packet is served on its own)."""
        return service_for(self.case, court_case.number if court_case is not None else None)

    def response_due(self, court_case: CourtCase | None = None) -> tuple[date | None, str]:
        """The last day of the prosecutor's 45 days in this court case, and how it was reckoned."""
        return response_due(self.service(court_case))

    def changed_since_review(self) -> bool:
        return changed_since_review(self.case, self.counts)

    def signed(self) -> bool:
        """Whether counsel's /s/ prints: reviewed, and nothing the papers state changed since."""
        return self.case.stage is not CaseStage.DRAFT and not self.changed_since_review()

    def minor_now(self) -> bool:
        return self.made_on < birthday(self.youth.date_of_birth, 18)

    def pro_per(self) -> bool:
        return not self.case.counsel


def packets(case: VacaturCase, petitioned: Sequence[CountOnFile], youth_county: str = "") -> list[CourtCase]:
    """The packets: counts grouped by adult or juvenile, county and case number (any case, as a
    clerk reads it; a count with no case number, an arrest never charged, goes with the others of
    its county and kind). The clerk's number for the petition (`court_case_number`) goes to the
    packet with no case number, when there is only one. `youth_county`: where neither the count
    nor the petition names the court's county (the review asks for one before it passes)."""
    groups: dict[tuple[bool, str, str], list[CountOnFile]] = {}
    for c in petitioned:
        county = c.count.county or case.court_county or youth_county
        groups.setdefault((c.count.juvenile, _norm(county), (c.count.case_number or "").strip().upper()),
                          []).append(c)
    unnumbered = sum(1 for (_j, _c, number) in groups if not number)
    assigned = (case.court_case_number or "").strip() or None if unnumbered == 1 else None
    out = []
    for (juvenile, _county, number), members in groups.items():
        first = members[0].count
        county = first.county or case.court_county or youth_county
        out.append(CourtCase(juvenile, county, first.court, number or None, tuple(members),
                             None if number else assigned))
    return out


# What counsel reviewed --------------------------------------------------------------------------

AFTER_REVIEW = frozenset({
    "stage", "reviewed", "reviewed_on", "served_on", "hearing_on", "hearings", "order_denied_on",
    "order_granted_on", "court_case_number", "server_name", "server_address", "service_method",
    "service_date", "service_place", "services", "shared_with"})
"""The case's fields recorded after counsel's review (service, the hearing, the order, the clerk's
number): editing them leaves the petition as counsel reviewed it."""


COUNT_UNPRINTED = frozenset({"fines_and_restitution", "disposition_date"})
"""A count's fields no paper prints: an edit to them leaves what counsel signed unchanged."""


PRO_PER_ONLY = frozenset({
    "petitioner_address", "address_is_confidential", "petitioner_phone", "petitioner_email",
    "guardian_ad_litem"})
"""The self-represented petitioner's block on the first page (documents/vacatur.py
`_first_page_block`): where counsel is named, counsel's block prints instead and these print
nowhere, so an edit to them leaves the papers as counsel reviewed them."""


def fingerprint(case: VacaturCase, counts: Sequence[CountOnFile], *, unprinted: bool = False) -> str:
    """A digest of every fact the papers state that counsel reviews: the case's fields but those
    AFTER_REVIEW (and PRO_PER_ONLY where counsel is named), each count of the petition, and what
    the law answers for it from the youth's record (a corrected birth date can make a count "not
    an offense for a person under 18", a new allegation). Fields left at their defaults are left
    out, so a field added by a later version does not unsign what was reviewed before it.
    `unprinted`: the digest as versions before PRO_PER_ONLY made it (changed_since_review)."""
    left_out = set(AFTER_REVIEW) | (set(PRO_PER_ONLY) if case.counsel and not unprinted else set())
    content = {"case": case.model_dump(mode="json", exclude=left_out, exclude_defaults=True),
               "counts": [[c.id, c.count.model_dump(mode="json", exclude=set(COUNT_UNPRINTED),
                                                    exclude_defaults=True),
                           c.answer.answer.value, c.answer.nonviolent, c.answer.undecided] for c in counts]}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def changed_since_review(case: VacaturCase, counts: Sequence[CountOnFile]) -> bool:
    """Past draft, and the facts are no longer those counsel reviewed (or no review was recorded:
    a stage set by hand, or by a version before the fingerprint)."""
    if case.stage is CaseStage.DRAFT:
        return False
    # A review recorded by an earlier version counted the pro per block with counsel named: it
    # still holds while that digest does (nothing counsel reviewed has changed since).
    return case.reviewed not in (fingerprint(case, counts), fingerprint(case, counts, unprinted=True))


# The problems -----------------------------------------------------------------------------------

def problems(p: Petition, today: date) -> list[Problem]:
    """Everything that keeps the petition from being marked reviewed (and, marked for_filing_only,
    filed), each naming the field to change."""
    out = form_problems(p.case, p.case_id, p.counts, today)
    if p.pro_per() and p.minor_now() and not (p.case.guardian_ad_litem or "").strip():
        out.append(Problem("guardian_ad_litem",
                           W("the petitioner is under 18: name counsel or a guardian ad litem"), p.case_id))
    # Service (Code Civ. Proc. 1011, 1013, 1013a): every prosecuting agency, with its address.
    for court_case in p.court_cases():
        for party in p.parties(court_case):
            if not party.address:
                out.append(Problem("prosecuting_agency", W("no address for {agency}: add it to the resource "
                                                           "directory (the county's agency list)",
                                                           agency=party.name), None))
    return out


def form_problems(case: VacaturCase, cid: str, counts: tuple[CountOnFile, ...], today: date) -> list[Problem]:
    """The problems the case's and counts' own fields show (what a form can take the attorney to);
    `problems` adds those that need the youth's record and the directory."""
    out: list[Problem] = []

    def add(field_: str, message: str, record: str | None = cid, filing: bool = False) -> None:
        out.append(Problem(field_, message, record, filing))

    if changed_since_review(case, counts):
        add("reviewed", W("changed since counsel reviewed it: the papers print unsigned, as a draft, until "
                          "counsel marks it reviewed again") if case.stage is CaseStage.ATTORNEY_REVIEWED else
            W("changed since it was filed: the papers print unsigned, as a draft, for they no longer say "
              "what was filed"))
    if not case.count_ids:
        add("count_ids", W("no count is chosen for this petition"))
    elif not counts:
        add("count_ids", W("the counts chosen for this petition are no longer on the record"))
    for c in counts:
        label = c.count.label()
        if c.answer.undecided:
            add("counsel_decision", W("{count}: counsel has not decided whether it is violent "
                                      "(Pen. Code 667.5(c))", count=label), c.id)
        elif not c.petitioned:
            add("count_ids", W("{count} cannot be petitioned under 236.14 ({why}); take it out of the "
                               "petition", count=label, why=c.answer.answer.value.replace("_", " ")), c.id)
            continue
        if not c.count.while_victim:
            add("while_victim", W("{count}: not recorded as committed while a trafficking victim",
                                  count=label), c.id)
        if not (c.count.nexus or "").strip():
            add("nexus", W("{count}: the direct-result account is not written", count=label), c.id)
        if not (c.count.prosecuting_agency or "").strip():
            add("prosecuting_agency", W("{count}: no prosecuting agency to serve (236.14(c): the agency that "
                                        "obtained the conviction or has charging jurisdiction)", count=label),
                c.id)
        if not (c.count.arresting_agency or "").strip():
            add("arresting_agency", W("{count}: the arresting agency is not recorded (236.14(k)(1)(C): the "
                                      "order names it among those to seal and destroy)", count=label), c.id)
        if not (c.count.county or case.court_county):
            add("county", W("{count}: the county of the court is not recorded", count=label), c.id)
        for name, when in (("offense_date", c.count.offense_date), ("arrest_date", c.count.arrest_date),
                           ("judgment_date", c.count.judgment_date)):
            if when and when > today:
                add(name, W("{count}: the date {day} is in the future", count=label, day=when.isoformat()),
                    c.id)
        number = (c.count.case_number or "").strip()
        if c.count.count_kind.value in ("arrest", "juvenile_arrest") and number and not c.count.court:
            add("case_number", W(
                "{count}: an arrest with the number {number} and no court: if no charges were filed it is "
                "not a court case number, and the papers would be captioned with it; clear it (the clerk "
                "numbers the petition), or name the court", count=label, number=number), c.id)
        if c.count.count_kind.value in ("conviction", "adjudication") and not c.count.judgment_date:
            add("judgment_date", W("{count}: the date of the conviction or sustained petition is missing",
                                   count=label), c.id)
    if not (case.grounds or "").strip():
        add("grounds", W("the petitioner's account of being trafficked (grounds) is not written"))
    # The youth's own words go to the court as typed: a street address in them (a placement's, typed
    # as a safety concern) was printed on the public petition, and nothing said so.
    own_words = [("safety_concerns", case.safety_concerns, cid), ("grounds", case.grounds, cid),
                 *(("nexus", c.count.nexus, c.id) for c in counts if c.petitioned)]
    for field_, text, record in own_words:
        found = street_address(text or "")
        if found:
            add(field_, W("\"{address}\" looks like a street address, and this text is printed on the public "
                          "papers: say what the danger is or where it happened without saying where anyone "
                          "lives", address=found), record)
    # Timeliness from facts (236.14(l)): at any time after victimization ended or services were sought.
    if not case.victimization_ended_on and not case.services_sought_on:
        add("victimization_ended_on", W("record when victimization ended or when services were first sought "
                                        "(236.14(l))"))
    for name, when in (("victimization_started_on", case.victimization_started_on),
                       ("victimization_ended_on", case.victimization_ended_on),
                       ("services_sought_on", case.services_sought_on)):
        if when and when > today:
            add(name, W("the date {day} is in the future", day=when.isoformat()))
    # The first page (rule 2.111(1)).
    if not case.counsel:
        if not (case.petitioner_address or "").strip():
            add("petitioner_address", W("a petitioner in pro per needs a mailing address on the first page "
                                        "(rule 2.111(1)); a confidential mailing address may be used"))
        if not (case.petitioner_phone or "").strip():
            add("petitioner_phone", W("a petitioner in pro per needs a telephone number on the first page "
                                      "(rule 2.111(1))"))
    else:
        from csec_desktop.documents.pleading import counsel_fits

        if not counsel_fits(tuple(case.counsel)):
            add("counsel", W("the counsel block is too long for lines 1 to 7 of the first page"))
        for missing, present in _COUNSEL_PARTS:
            if not present(case.counsel):
                add("counsel", W("the counsel block has no {missing} (rule 2.111(1))", missing=missing))
    # Service, court case by court case: each packet is served on its own (its own entry in
    # `services`, under the packet's number or the clerk's, or the petition's fields).
    cases = packets(case, [c for c in counts if c.petitioned])
    numbers = [cc.number or "" for cc in cases] or [""]
    for number in numbers:
        served = service_for(case, number or None)
        # A Line, said in the reader's language with the rest; plain "" when there is one case.
        where: str = W("case {number}: ", number=number) if len(numbers) > 1 and number else ""
        field_ = "services" if served.own else "service_method"
        if served.method is ServiceMethod.NOT_CHOSEN:
            add(field_, W("{where}choose how the papers are served (one manner)", where=where), filing=True)
        if not served.delivered_on:
            add(field_ if served.own else "service_date",
                W("{where}record the date the papers were delivered or mailed", where=where), filing=True)
        elif served.delivered_on > today:
            add(field_ if served.own else "service_date",
                W("{where}the service date {day} is in the future", where=where,
                  day=served.delivered_on.isoformat()),
                filing=True)
    # The hearing, court case by court case: one date recorded for a petition of several cases
    # belongs to none of them, and so would print on no paper.
    assigned = (case.court_case_number or "").strip()
    heard = {_norm(h.case_number) for h in case.hearings}
    unheard = [n for n in numbers if not n or _norm(n) not in heard]
    if case.hearing_on and len(numbers) > 1 and unheard:
        add("hearings", W("the hearing on {day} is recorded once for a petition in {cases} court cases, so "
                          "no paper prints it: record each case's hearing under \"Hearing and department "
                          "in each court case\"", day=case.hearing_on.isoformat(), cases=len(numbers)))
    unnumbered = sum(1 for cc in cases if not cc.case_number)
    if assigned and unnumbered == 0:
        add("court_case_number", W("the clerk's number {number} is for counts with no case number, and every "
                                   "count of this petition has one: no paper prints it", number=assigned))
    elif assigned and unnumbered > 1:
        add("court_case_number", W("the clerk's number {number} cannot go to {packets} packets whose counts "
                                   "have no case number (adult and juvenile, or two counties): make a "
                                   "petition for each", number=assigned, packets=unnumbered))
    for entry in case.services:
        if not any(_norm(entry.case_number) == _norm(n) for n in numbers if n):
            add("services", W("service is recorded for case {number}, which no count of this petition "
                              "carries", number=entry.case_number))
    if not (case.server_name or "").strip() or not (case.server_address or "").strip():
        add("server_name", W("name who served the papers and their address"), filing=True)
    if not (case.service_place or "").strip():
        add("service_place", W("record the city where the proof of service is signed"), filing=True)
    return out


_STREET = re.compile(
    r"(?<![\w/-])\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'’.-]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Lane|Ln|Road|Rd|Drive|Dr|Boulevard|Blvd|Way|Ct|Place|Pl|Circle|Cir|Terrace|"
    r"Highway|Hwy|Parkway|Pkwy|Trail|Alley|Loop)\b\.?"
    r"|\b(?:Calle|Avenida|Camino)\s+(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*\s+\d{1,6}\b"
    r"|(?<!\w)P\.?\s?O\.?\s+Box\s+\d+", re.UNICODE)
"""A street address as people type one: a number, capitalised words and a street word ("44 Hidden
Lane", "1200 N. Main St."), a Spanish one with the number after ("Calle Ocho 15"), or a post office
box. "Court" is left out ("2 Superior Court cases" is not an address), so "12 Oak Court" is missed."""


_YEAR_AFTER = re.compile(r"(?i)\b(?:in|since|by|until|till|of|during|from|before|after|late|early)\s+$")


def street_addresses(text: str) -> list[str]:
    """Every street address in `text`, as typed. A year after "in", "since" and the like is a year
    ("In 2019 Marcus Way took her" names no street)."""
    out = []
    for found in _STREET.finditer(text):
        number = found.group(0).split()[0]
        if number.isdigit() and 1900 <= int(number) <= 2099 and _YEAR_AFTER.search(text[:found.start()]):
            continue
        out.append(" ".join(found.group(0).split()))
    return out


def street_address(text: str) -> str | None:
    """The first street address in `text`, as typed; None when there is none."""
    found = street_addresses(text)
    return found[0] if found else None


_BAR_NUMBER = re.compile(
    r"(?:\bS\.?\s?B\.?\s?N\b\.?|\bBar\b(?:\s+(?:No\b\.?|Number|Membership\s+No\b\.?))?)\s*[:#.]?\s*#?\s*\d{4,7}\b"
    r"|\(\s*#?\s*\d{5,7}\s*\)", re.I)
"""A State Bar number as people write it: "SBN 123456", "S.B.N. 123456", "State Bar No. 123456",
"Cal. Bar # 123456", "Bar Number 123456", "(123456)"; a digit is required ("SBN (pending)" is none)."""
_ZIP = re.compile(r"\b(?:[A-Z]{2}|California|Calif\.)\s+\d{5}(?:-\d{4})?\b")
"""A ZIP code after the state ("CA 90000", "California 90000-1234"): a street number or a bar
number is not one."""
_PHONE = re.compile(r"(?<![\d/.-])(?:\+?1[\s.-]*)?\(?\d{3}\)?[\s./-]*\d{3}[\s./-]?\d{4}(?!\d)")


def _has_phone(lines: Sequence[str]) -> bool:
    """A telephone number on a line, not as the fax ("Fax: (555) 010-0001" alone is no telephone)."""
    return any("fax" not in line[:m.start()].casefold().rsplit("tel", 1)[-1]
               for line in lines for m in _PHONE.finditer(line))


_COUNSEL_PARTS: tuple[tuple[str, Callable[[Sequence[str]], bool]], ...] = (
    (W("State Bar number"), lambda lines: any(_BAR_NUMBER.search(line) for line in lines)),
    (W("office address with its ZIP code"), lambda lines: any(_ZIP.search(line) for line in lines)),
    (W("telephone number"), _has_phone))
"""What rule 2.111(1) asks of counsel's block beside the name, as people type it on free lines
(e-mail and fax only where the attorney has them, so not asked)."""


def counsel_name(counsel: Sequence[str]) -> str:
    """Counsel's name as it is signed: the block's first line without the bar number ("Jane Q.
    Example, State Bar No. 123456" and "Jane Q. Example (SBN 123456)" sign "Jane Q. Example")."""
    first = counsel[0] if counsel else ""
    match = _BAR_NUMBER.search(first)
    name = (first[:match.start()] if match else first).split(" (")[0]
    name = re.sub(r"(?:[\s,;]+(?:Cal(?:ifornia)?\.?|State))+\s*$", "", name, flags=re.I)
    return name.strip(" ,;-") or first.strip()


def blocking(p: Petition, today: date, target: CaseStage) -> list[Problem]:
    found = problems(p, today)
    if target is CaseStage.ATTORNEY_REVIEWED:  # a review again is what a change since review asks
        return [x for x in found if not x.for_filing_only and x.field != "reviewed"]
    if target is CaseStage.FILED:
        return found
    return []


# Privacy ----------------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def private_terms(p: Petition) -> list[tuple[str, str]]:
    """(what, text) pairs a public paper must never contain: the legal name in its parts and
    whole, every alias and moniker, the preferred name, the date of birth as people write it,
    and the youth's addresses."""
    youth = p.youth
    name = youth.legal_name
    terms: list[tuple[str, str]] = [("the legal name", name.full())]
    terms += [("the legal given name", name.given), ("the legal family name", name.family)]
    if name.middle:
        terms.append(("the legal middle name", name.middle))
    if youth.preferred_name:
        terms.append(("the preferred name", youth.preferred_name))
    terms += [("an alias or moniker", a.name) for a in youth.aliases]
    dob = youth.date_of_birth
    terms += [("the date of birth", t) for t in (
        dob.isoformat(), f"{dob.month}/{dob.day}/{dob.year}", f"{dob.month:02d}/{dob.day:02d}/{dob.year}",
        f"{dob.month}-{dob.day}-{dob.year}", f"{_MONTHS[dob.month - 1]} {dob.day}, {dob.year}",
        f"{dob.day} {_MONTHS[dob.month - 1]} {dob.year}")]
    terms += [("an address of the youth", a) for a in p.youth_addresses if a.strip()]
    # A street address typed in the youth's own words is refused on a public paper too, not only at
    # review: a draft petition printed with one carried it (supervisor review, session 36).
    own = [p.case.safety_concerns, p.case.grounds, *(c.count.nexus for c in p.petitioned)]
    terms += [("a street address typed in the petition", a)
              for text in own for a in street_addresses(text or "")]
    return [(what, t) for what, t in terms if len(t.strip()) >= 2]


_PARTS = ("the legal given name", "the legal family name", "the legal middle name", "the preferred name")


def _pattern(term: str, what: str) -> re.Pattern[str]:
    """A name part alone is matched as a name is written (capitalised or in capitals), so a given
    name that is also a word ("Hope", "Will") is not found in every sentence; everything else
    (the whole name, aliases, the birth date, addresses) in any case and spacing."""
    words = r"\s+".join(re.escape(w) for w in term.split())
    if what in _PARTS:
        capital = re.escape(term[:1].upper() + term[1:])
        return re.compile(r"(?<!\w)(?:" + capital + "|" + re.escape(term.upper()) + r")(?!\w)")
    return re.compile(r"(?<!\w)" + words + r"(?!\w)", re.IGNORECASE)


def not_about_the_youth(p: Petition) -> list[str]:
    """Text the papers carry about other people (counsel, the server, the agencies and courts):
    left out of the scan, so counsel named Alex does not refuse the papers of a youth named Alex."""
    case = p.case
    out = [*case.counsel, case.server_name or "", case.server_address or ""]
    if case.counsel:
        out.append(counsel_name(case.counsel))  # counsel's name as it is signed
    for c in p.counts:
        out += [c.count.arresting_agency or "", c.count.prosecuting_agency or "", c.count.court or ""]
    for court_case in p.court_cases():
        out += [f"{x.name}, {x.address}" for x in p.parties(court_case) if x.address]
    out += [*case.agencies_to_seal]
    return sorted({" ".join(x.split()) for x in out if x.strip()}, key=len, reverse=True)


_ANYWHERE = frozenset({"the legal name", "the date of birth", "an address of the youth"})
"""Private terms looked for in the text about other people too: no counsel, server or agency
holds the youth's whole name, birth date or address by chance, and those fields are typed freely
("Attorney for Petitioner" followed by the youth's full name printed on every page, unseen)."""


PrivacyScan = Callable[[list[str]], list[tuple[str, int]]]
"""The pages of a paper's text to (what, page number) for each private fact found on them."""


def privacy_scan(p: Petition) -> PrivacyScan:
    """The scan for `p`'s private facts: its terms and the text about other people are gathered
    once, for all the papers of a packet."""
    terms = [(what, _pattern(t, what)) for what, t in private_terms(p)]
    others = not_about_the_youth(p)

    def scan(pages: list[str]) -> list[tuple[str, int]]:
        hits: list[tuple[str, int]] = []
        for number, page in enumerate(pages, start=1):
            whole = " ".join(page.split())
            flat = whole
            for text in others:
                flat = flat.replace(text, " ")
            for what, pattern in terms:
                if pattern.search(whole if what in _ANYWHERE else flat) and (what, number) not in hits:
                    hits.append((what, number))
        return hits

    return scan


def privacy_hits(p: Petition, pages: list[str]) -> list[tuple[str, int]]:
    """(what, page number) for every private term found in the text of a public paper."""
    return privacy_scan(p)(pages)
