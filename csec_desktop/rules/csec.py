"""The CSEC response: reports and notices on 24- and 36-hour clocks, the team, re-screening.

Each clock runs from the moment the information was received (a status's `decided_at`,
an episode's `learned_at`) and counts elapsed hours, so a clock change does not stretch
it (rules.hours_after). DOMAIN.md section 3 (VERIFIED statute text) unless marked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from csec_desktop.domain.csec import (
    CsecStatus,
    CsecStatusValue,
    FormResponse,
    LicensedScreen,
    MissingEpisode,
)
from csec_desktop.domain.labels import said, said_all
from csec_desktop.domain.youth import LegalStatus, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    RECHECKED_ON,
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    birthday,
    end_of_day,
    hours_after,
    records_of,
)
from csec_desktop.rules.transition import COURT_STATUSES
from csec_desktop.text import N_, Line, W

LAW_AS_OF = date(2026, 1, 1)
CONCERN = {CsecStatusValue.VICTIM, CsecStatusValue.AT_RISK}
def _stamp(moment: datetime) -> str:
    """A short, stable occurrence key for a moment (DutyDone keeps 40 characters)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")




def _statuses(facts: Facts) -> list[CsecStatus]:
    return sorted(records_of(facts, "csec_status"), key=lambda s: s.decided_at)


def status_at(facts: Facts, moment: datetime) -> CsecStatus | None:
    """The status decided most recently at or before `moment`."""
    known = [s for s in _statuses(facts) if s.decided_at <= moment]
    return known[-1] if known else None


def _when(moment: datetime) -> str:
    return moment.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M %Z")


def _victim_clock(facts: Facts, rule_id: str, hours: int, title: str, why: Line, *,
                  who: str) -> Iterator[Finding]:
    """A clock that each decision "identified as a victim" starts; "at risk" alone starts none.
    `who` scopes it by the person's age and status when the information was received: "child" (under 18:
    Pen. Code 11165) or "child_or_youth" (under 18, or a youth receiving child welfare services: 11166(j))."""
    info = REGISTRY.info[rule_id]
    youth = facts.get("youth")
    for status in _statuses(facts):
        if status.status is not CsecStatusValue.VICTIM:
            continue
        day = status.decided_at.astimezone(LEGAL_ZONE).date()
        minor = isinstance(youth, Youth) and day < birthday(youth.date_of_birth, 18)
        if isinstance(youth, Youth) and not minor:
            if who == "child":
                continue  # CANRA concerns children: "child" means a person under 18 (Pen. Code 11165)
            if youth.current_status(day) not in COURT_STATUSES:
                continue  # an adult not receiving child welfare services that day
        yield info.finding(
            FindingKind.DEADLINE, title,
            (W("identified as a victim: information received {when}", when=_when(status.decided_at)),
             W("basis recorded: {basis}", basis=status.basis[:160]), why),
            youth_id=str(facts.get("youth_id")), due=hours_after(status.decided_at, hours),
            occurrence=_stamp(status.decided_at), started=status.decided_at)


@REGISTRY.register(
    "csec.report_law_enforcement_24h",
    summary=N_("Report a child or youth receiving child welfare services who is identified as a CSEC victim "
               "to "
               "law enforcement within 24 hours."),
    citation="Pen. Code, § 11166, subd. (j)(2)", law_as_of=RECHECKED_ON, needs=("csec_status",), tells=True,
)
def report_law_enforcement(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    return _victim_clock(
        facts, "csec.report_law_enforcement_24h", 24,
        N_("Report to law enforcement: youth identified as a CSEC victim"),
        W("Pen. Code 11166(j)(2): \"immediately, and in no case in more than 24 hours, report to the law "
          "enforcement agency having jurisdiction over the case after receiving information that a child or "
          "youth who is receiving child welfare services has been identified as the victim of commercial "
          "sexual "
          "exploitation\""), who="child_or_youth")


@REGISTRY.register(
    "csec.canra_written_36h",
    summary=N_("Send the written child-abuse cross-report within 36 hours (a child: under 18 when the "
               "information was received)."),
    citation="Pen. Code, §§ 11165, 11166, subd. (j)(1)", law_as_of=RECHECKED_ON, needs=("csec_status",),
    tells=True,
)
def canra_written(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    return _victim_clock(
        facts, "csec.canra_written_36h", 36, N_("Send the written cross-report (36 hours)"),
        W("commercial sexual exploitation of a child is child abuse (Pen. Code 11165.1(d)); in the "
          "reporting act "
          "\"'child' means a person under the age of 18 years\" (Pen. Code 11165): report at once by "
          "telephone, "
          "fax or electronically, and in writing within 36 hours"), who="child")


def _counts_as_missing(youth: Youth, episode: MissingEpisode) -> bool:
    """For the WIC 16501.35 notices: a nonminor dependent is "missing from foster care" only if the agency
    suspects the nonminor did not leave voluntarily or is at risk of substantial harm (16501.35(c))."""
    status = youth.current_status(episode.learned_at.astimezone(LEGAL_ZONE).date())
    return status is not LegalStatus.NONMINOR_DEPENDENT or episode.nonminor_at_risk


@REGISTRY.register(
    "missing.notices_24h",
    summary=N_("Notify everyone on the missing-from-care list within 24 hours."),
    citation="Welf. & Inst. Code, § 16501.35, subds. (b), (c)", law_as_of=LAW_AS_OF,
    needs=("missing_episode",), tells=True,
)
def missing_notices(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    info = REGISTRY.info["missing.notices_24h"]
    youth = facts.get("youth")
    for episode in records_of(facts, "missing_episode"):
        if not isinstance(youth, Youth) or not _counts_as_missing(youth, episode):
            continue
        yield info.finding(
            FindingKind.DEADLINE, N_("Give the missing-from-care notices"),
            (W("staff learned the youth was missing at {when}", when=_when(episode.learned_at)),
             W("notify immediately, and no later than 24 hours after: parents or Indian custodian (unless "
               "the court limited it); legal guardians; their attorneys; the youth's attorney; the CASA; "
               "the court; the tribe; any known dependent sibling aged 10 or older; local law enforcement "
               "(tribal law enforcement included)"),
             W("each notice gives a worker to contact")),
            youth_id=str(facts.get("youth_id")), due=hours_after(episode.learned_at, 24),
            occurrence=_stamp(episode.learned_at), started=episode.learned_at)


@REGISTRY.register(
    "missing.ncic_ncmec_24h",
    summary=N_("A missing youth who is a CSEC victim or at risk: report to law enforcement for NCIC and "
               "to NCMEC within 24 hours."),
    citation="Pen. Code, § 11166, subd. (j)(3)(A), (B); Welf. & Inst. Code, § 16501.35, subds. (a)(1), (c)",
    law_as_of=RECHECKED_ON, needs=("missing_episode", "csec_status"), tells=True,
)
def missing_ncmec(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    info = REGISTRY.info["missing.ncic_ncmec_24h"]
    youth = facts.get("youth")
    for episode in records_of(facts, "missing_episode"):
        if not isinstance(youth, Youth):
            continue
        status, start = status_at(facts, episode.learned_at), episode.learned_at
        if status is None or status.status not in CONCERN:
            # Believed a victim or at risk only once the youth was already missing: the report is
            # due within 24 hours of that information, while the youth is still missing.
            back = episode.returned_at
            later = next((s for s in _statuses(facts) if s.status in CONCERN and episode.learned_at
                          < s.decided_at and (back is None or s.decided_at < back)), None)
            if later is None:
                continue
            status, start = later, later.decided_at
        # 11166(j)(3)(A) reaches "a child or youth who is receiving child welfare services" (nonminor
        # dependents are among them: 16501.35(a)(1)) who "is missing or has been abducted"; a nonminor
        # victim or youth at risk who left voluntarily is at risk of substantial harm (16501.35(c)).
        nonminor = youth.current_status(episode.learned_at.astimezone(LEGAL_ZONE).date()) \
            is LegalStatus.NONMINOR_DEPENDENT
        yield info.finding(
            FindingKind.DEADLINE, N_("Report the missing youth to law enforcement (NCIC) and to NCMEC"),
            (W("missing since staff learned of it at {when}", when=_when(episode.learned_at)),
             W("CSEC status then: {status} (decided {when})", status=said(status.status),
               when=_when(status.decided_at)) if start == episode.learned_at else
             W("CSEC status {status} decided {when}, while the youth was missing: the 24 hours run from "
               "then", status=said(status.status), when=_when(status.decided_at)),
             *((W("a nonminor dependent: the report is due even if the nonminor left voluntarily; a victim "
                  "or "
                  "youth at risk of exploitation is at risk of substantial harm (WIC 16501.35(c))"),)
               if nonminor else ()),
             W("include where reasonably possible: a photo; a physical description (height, weight, sex, "
               "ethnicity, race, hair and eye colour); endangerment information (pregnancy, prescriptions, "
               "suicidal tendencies, vulnerability to sex trafficking, other risks, as far as lawful); "
               "whether the youth is or may be an Indian child, and the tribe")),
            youth_id=str(facts.get("youth_id")), due=hours_after(start, 24),
            occurrence=_stamp(episode.learned_at), started=start)


@REGISTRY.register(
    "csec.team_meeting",
    summary=N_("Convene the multidisciplinary team for an identified or at-risk youth "
               "(the county sets when)."),
    citation="Welf. & Inst. Code, §§ 16524.6, 16524.7, subd. (d)(2)(B)", law_as_of=RECHECKED_ON,
    confidence=Confidence.UNCONFIRMED, needs=("csec_status", "team_meeting"), county_clock=True,
)
def team_meeting(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    info = REGISTRY.info["csec.team_meeting"]
    statuses = _statuses(facts)
    if not statuses or statuses[-1].status not in CONCERN:
        return
    latest = statuses[-1]
    days = int((facts.get("policy") or {}).get("team_convene_days", 30))
    meetings = sorted(records_of(facts, "team_meeting"), key=lambda m: m.held_on)
    since = [m for m in meetings if m.held_on >= latest.decided_at.astimezone(LEGAL_ZONE).date()]
    yield info.finding(
        FindingKind.DEADLINE, N_("Convene the multidisciplinary team"),
        (W("status {status} decided {when}", status=said(latest.status),
           when=_when(latest.decided_at)),
         W("the county's setting: within {days} days (no statute sets this number)", days=days),
         W("the team includes child welfare, probation, mental health, substance use disorder and public "
           "health staff")),
        youth_id=str(facts.get("youth_id")),
        due=end_of_day(latest.decided_at.astimezone(LEGAL_ZONE).date() + timedelta(days=days)),
        occurrence=_stamp(latest.decided_at), done=bool(since))
    # The team of 16524.7(d)(2)(B) is for "a child pursuant to this chapter": the CSEC Program, which a
    # county opts into (16524.7). Only such a county is warned of an absent discipline (a county setting).
    if meetings and int((facts.get("policy") or {}).get("csec_program_county", 0)) == 1:
        absent = meetings[-1].missing_disciplines()
        if absent:
            yield info.finding(
                FindingKind.WARNING, N_("The last team meeting lacked a required discipline"),
                (W("meeting of {day} had no one from: {disciplines}", day=meetings[-1].held_on.isoformat(),
                   disciplines=said_all(absent)),
                 W("the county is in the CSEC Program (county setting): \"A multidisciplinary team serving a "
                   "child pursuant to this chapter shall include, but is not limited to, appropriate staff "
                   "from "
                   "the county child welfare, probation, mental health, substance abuse disorder, and public "
                   "health departments.\" (WIC 16524.7(d)(2)(B))")),
                youth_id=str(facts.get("youth_id")), occurrence=f"team:{meetings[-1].held_on.isoformat()}")


def _last_screen(facts: Facts) -> date | None:
    days = [r.completed_at.astimezone(LEGAL_ZONE).date() for r in records_of(facts, "form_response")
            if isinstance(r, FormResponse) and r.form_id == "csec_indicator_screen"]
    days += [r.screened_on for r in records_of(facts, "licensed_screen") if isinstance(r, LicensedScreen)]
    return max(days) if days else None


@REGISTRY.register(
    "csec.rescreen",
    summary=N_("Screen again at the county's interval, and soon after a return from missing or a "
               "placement change."),
    citation="Welf. & Inst. Code, § 16501.35, subds. (a)(1), (b)(1)(D)", law_as_of=LAW_AS_OF,
    confidence=Confidence.UNCONFIRMED, needs=("form_response", "licensed_screen", "missing_episode"),
    county_clock=True,
)
def rescreen(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    info = REGISTRY.info["csec.rescreen"]
    youth = facts.get("youth")
    settings = facts.get("policy") or {}
    last = _last_screen(facts)
    youth_id = str(facts.get("youth_id"))
    if last is not None:
        interval = int(settings.get("rescreen_days", 180))
        due = last + timedelta(days=interval)
        yield info.finding(
            FindingKind.DEADLINE, N_("Screen again (the county's interval)"),
            (W("last screen {day}", day=last.isoformat()),
             W("the county re-screens every {days} days", days=interval)),
            youth_id=youth_id, due=end_of_day(due), occurrence=f"interval:{due.isoformat()}")
    soon = int(settings.get("rescreen_after_event_days", 7))
    events: list[tuple[date, Line, str]] = []
    for episode in records_of(facts, "missing_episode"):
        if isinstance(episode, MissingEpisode) and episode.returned_at is not None:
            day = episode.returned_at.astimezone(LEGAL_ZONE).date()
            events.append((day, W("returned from missing on {day}", day=day.isoformat()),
                           f"return:{day.isoformat()}"))
    if isinstance(youth, Youth) and youth.placement and youth.placement.since and last is not None:
        events.append((youth.placement.since, W("placement changed on {day}",
                                                day=youth.placement.since.isoformat()),
                       f"placement:{youth.placement.since.isoformat()}"))
    for day, why, key in events:
        if last is not None and last >= day:
            continue  # screened since
        yield info.finding(
            FindingKind.DEADLINE, N_("Screen again after a return from missing or a placement change"),
            (why, W("the county re-screens within {days} days of such an event", days=soon),
             W("a returned youth is also screened for exploitation while away (16501.35(b)(1)(D))")),
            youth_id=youth_id, due=end_of_day(day + timedelta(days=soon)), occurrence=key)
