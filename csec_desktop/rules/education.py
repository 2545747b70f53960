"""School moves: the liaisons who keep a foster or homeless youth's schooling whole, and the
graduation exemption of Ed. Code 51225.1 with its 30-day notice (DOMAIN.md section 5.5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from csec_desktop.domain.labels import said
from csec_desktop.domain.services import SchoolChange
from csec_desktop.domain.youth import LegalStatus, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    RECHECKED_ON,
    REGISTRY,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    calendar_days_after,
    end_of_day,
    records_of,
)
from csec_desktop.rules.transition import foster_care_basis
from csec_desktop.text import N_, Line, W

LIAISON_DAYS = 30
"""How long after a school move the liaison suggestion stays up (a project choice: the first
month is when enrollment, records and credits go wrong)."""
NOTICE_DAYS = 30
STILL_CHASED_DAYS = 365
"""A missing exemption notice stays on Today this long after the move, then the school year is over."""


PETITION_STATUSES = {LegalStatus.DEPENDENT, LegalStatus.WARD, LegalStatus.DUAL_STATUS}
ED_48853_5_A = ("\"Foster child\" means a child who has been removed from his or her home pursuant to "
                "Section "
                "309 of the Welfare and Institutions Code, is the subject of a petition filed under Section "
                "300 "
                "or 602 of the Welfare and Institutions Code, or has been removed from his or her home and "
                "is the "
                "subject of a petition filed under Section 300 or 602 of the Welfare and Institutions Code.")


def pupil_in_foster_care(youth: Youth, day: date) -> Line | None:
    """Ed. Code 48853.5(a) and 51225.2(a)(1): a child removed from home under WIC 309, or the subject of
    a petition under WIC 300 or 602 (a ward living at home included). A foster placement counts too."""
    status = youth.current_status(day)
    if status in PETITION_STATUSES:
        return W("the subject of a petition under WIC 300 or 602 ({status}), wherever the youth lives: Ed. "
                 "Code "
                 "48853.5(a): {text}", status=said(status), text=ED_48853_5_A)
    return foster_care_basis(youth, day, current=False)


def _changes(facts: Facts) -> list[SchoolChange]:
    return [c for c in records_of(facts, "school_change") if isinstance(c, SchoolChange)]


@REGISTRY.register(
    "education.liaisons",
    summary=N_("After a school move: the foster-youth liaison (and the homeless liaison) for the school "
               "of origin, immediate enrollment and the transfer of credits."),
    citation="Ed. Code, §§ 48853.5, subd. (a), 48850; 42 U.S.C. § 11432(g)(1)(J)", law_as_of=RECHECKED_ON,
    confidence=Confidence.SECONDARY, needs=("school_change",), domain="education",
)
def liaisons(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    for change in _changes(facts):
        if not change.changed_on <= today <= change.changed_on + timedelta(days=LIAISON_DAYS):
            continue
        why: list[Line] = [W("moved to {school} on {day}", school=change.to_school,
                             day=change.changed_on.isoformat())]
        basis = pupil_in_foster_care(youth, change.changed_on)
        if basis:
            why.append(W("a foster child for school purposes ({basis}): the district's foster-youth "
                         "educational "
                         "liaison helps "
                         "with enrollment, records and credits; the youth may stay in the school of origin",
                         basis=basis))
        if change.homeless:
            why.append(W("homeless: the McKinney-Vento liaison arranges school of origin and transportation"))
        if len(why) == 1:
            continue
        yield REGISTRY.info["education.liaisons"].finding(
            FindingKind.SUGGESTION, N_("Call the school liaison about the move"), tuple(why),
            youth_id=str(facts.get("youth_id")), occurrence=f"liaison:{change.changed_on.isoformat()}")


@REGISTRY.register(
    "education.graduation_exemption",
    summary=N_("A foster, homeless or former court-school pupil who changes school after the second "
               "year of high school is exempt from local graduation requirements; the school gives "
               "notice within 30 calendar days."),
    citation="Ed. Code, §§ 51225.1, 51225.2, subd. (a)(1)", law_as_of=RECHECKED_ON,
    confidence=Confidence.SECONDARY,
    needs=("school_change",), domain="education",
)
def graduation_exemption(facts: Facts, as_of: datetime) -> Iterator[Finding]:
    youth = facts.get("youth")
    if not isinstance(youth, Youth):
        return
    today = as_of.astimezone(LEGAL_ZONE).date()
    for change in _changes(facts):
        if change.high_school_years_completed < 2 or change.exemption_notice_on is not None:
            continue
        if today > change.changed_on + timedelta(days=STILL_CHASED_DAYS):
            continue
        basis = pupil_in_foster_care(youth, change.changed_on)
        candidates = ((W("a pupil in foster care ({basis})", basis=basis or ""), bool(basis)),
                      (W("a homeless youth"), change.homeless),
                      (W("a former juvenile court school pupil"), change.from_court_school))
        groups = [group for group, yes in candidates if yes]
        if not groups:
            continue
        due = calendar_days_after(change.changed_on, NOTICE_DAYS)
        yield REGISTRY.info["education.graduation_exemption"].finding(
            FindingKind.DEADLINE, N_("Get the school's notice on the graduation exemption (AB 167/216)"),
            (W("changed school on {day} after {years} years of high school",
               day=change.changed_on.isoformat(), years=change.high_school_years_completed), *groups,
             W("the school tells the youth, the rights holder and the worker within {days} calendar days "
               "({due}) whether the exemption applies", days=NOTICE_DAYS, due=due.isoformat())),
            youth_id=str(facts.get("youth_id")), due=end_of_day(due),
            occurrence=f"51225.1:{change.changed_on.isoformat()}")
