"""The vacatur papers on pleading paper (Pen. Code 236.14; there is no Judicial Council form),
one packet per court case: the verified petition, the petitioner's declaration, a proposed
order ruling count by count, a proof of service (Code Civ. Proc. 1011, 1013, 1013a), and a
confidential identity attachment with its request to keep it confidential or sealed (Pen. Code
236.14(q); Cal. Rules of Court, rules 2.550-2.551). `packet` joins them behind a cover index.

Every public paper names the petitioner only by the case's initials or pseudonym (236.14(q)),
and its text is scanned before it leaves: a legal name, alias, moniker, date of birth or
address of the youth refuses it, naming the paper and page. Until counsel has reviewed the
petition, and on any paper with a gap left in it, each page carries an "UNSIGNED DRAFT" watermark
drawn as strokes (not text) and the signature is a blank line; every gap reads
"[TO BE COMPLETED: ...]". The papers are in
English, the language of the court.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pypdfium2 as pdfium
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate, Spacer

from csec_desktop.documents.page import PAGE_HEIGHT, PAGE_WIDTH, Footer, para, render_parts, table
from csec_desktop.documents.pleading import (
    CourtPaper,
    Section,
    Signature,
    render_court_papers,
    signature_block,
)
from csec_desktop.documents.pleading import text as line
from csec_desktop.domain.vacatur import (
    OFFICIAL_DOCUMENTS,
    CaseStage,
    CounselDecision,
    CountKind,
    ServiceMethod,
)
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.text import N_
from csec_desktop.vacatur import Answer
from csec_desktop.vacatur.petition import (
    PLACEHOLDER,
    CountOnFile,
    CourtCase,
    Petition,
    PrivacyScan,
    counsel_name,
    gap,
    name_key,
    privacy_scan,
)

PACKET_TITLE = N_("Vacatur packet (Pen. Code 236.14)")
PETITION_TITLE = N_("Vacatur petition (Pen. Code 236.14)")
DECLARATION_TITLE = N_("Vacatur declaration")
ORDER_TITLE = N_("Vacatur proposed order")
SERVICE_TITLE = N_("Vacatur proof of service")
IDENTITY_TITLE = N_("Vacatur confidential identity attachment")

DRAFT_MARK = "UNSIGNED DRAFT"
PROBATION = "The county probation department (Pen. Code, § 236.14, subd. (k)(1)(E))"
DOJ = "The California Department of Justice (Pen. Code, § 236.14, subd. (k)(1)(B))"
COURT = "Superior Court of the State of California"

PETITION_CAPTION = "VERIFIED PETITION TO VACATE {what} (Pen. Code, § 236.14)"
"""The petition's title, naming what this court case's counts are ("ARRESTS AND CONVICTIONS")."""
DECLARATION_CAPTION = "DECLARATION OF PETITIONER IN SUPPORT OF PETITION TO VACATE (Pen. Code, § 236.14)"
ORDER_CAPTION = "[PROPOSED] ORDER ON PETITION TO VACATE (Pen. Code, § 236.14)"
SERVICE_CAPTION = "PROOF OF SERVICE (Code Civ. Proc., §§ 1011, 1013, 1013a)"
IDENTITY_CAPTION = ("CONFIDENTIAL IDENTITY ATTACHMENT; REQUEST TO KEEP IT CONFIDENTIAL OR, IN THE "
                    "ALTERNATIVE, "
                    "MOTION TO FILE IT UNDER SEAL (Pen. Code, § 236.14, subd. (q); Cal. Rules of Court, "
                    "rules "
                    "2.550, 2.551)")
CONFIDENTIAL_MARK = "CONFIDENTIAL: LODGED CONDITIONALLY UNDER SEAL"
JUVENILE_NOTICE = "Confidential: juvenile case file information, Welf. & Inst. Code 827"


def _day(value: date | None) -> str:
    return value.strftime("%B %d, %Y").replace(" 0", " ") if value else ""


def _kind_words(count: CountOnFile) -> tuple[str, str]:
    """(what it is, the label of its date of judgment)."""
    kind = count.count.count_kind
    if kind is CountKind.CONVICTION:
        return "conviction", "Convicted on"
    if kind is CountKind.ADJUDICATION:
        return ("juvenile adjudication (petition sustained under Welf. & Inst. Code § 602)",
                "Petition sustained on")
    if kind is CountKind.JUVENILE_ARREST:
        return "arrest as a person described in Welf. & Inst. Code § 602, no petition sustained", ""
    return "arrest, no conviction", ""


def count_text(number: int, c: CountOnFile, petition: bool = True) -> str:
    """A count as the papers state it: each date under its own label, the case and court, the
    agencies, and (in the petition) whether it is nonviolent, only where that was found."""
    k = c.count
    what, judged = _kind_words(c)
    parts = [f"Count {number}: {k.code} § {k.section}" + (f" ({k.description})" if k.description else "")
             + f", {what}."]
    dates: tuple[tuple[str, date | None], ...] = (
        ("Offense date", k.offense_date), ("Arrest date", k.arrest_date),
        (judged, k.judgment_date if judged else None))
    for label, when in dates:
        if label and when:
            parts.append(f"{label}: {_day(when)}.")
    where = ", ".join(x for x in (f"case no. {k.case_number}" if k.case_number else "", k.court or "") if x)
    if where:
        parts.append(where[0].upper() + where[1:] + ".")
    for label, value in (("Arresting agency", k.arresting_agency),
                         ("Prosecuting agency", k.prosecuting_agency),
                         ("Disposition", k.disposition)):
        if value:
            parts.append(f"{label}: {value}.")
    if petition:
        if c.answer.answer is Answer.CORRECT_RECORD:
            parts.append("The conduct was not an offense for a person under 18 when it occurred (Pen. Code, "
                         "§§ 647, subd. (b), 653.22, as amended by Stats. 2016, SB 1322); it is in any event "
                         "a nonviolent offense, not listed in Penal Code section 667.5, subdivision (c).")
        elif c.answer.nonviolent and k.counsel_decision is CounselDecision.NONVIOLENT:
            parts.append("Counsel has reviewed the record of conviction: the offense as committed is not a "
                         "violent felony listed in Penal Code section 667.5, subdivision (c); it is a "
                         "nonviolent offense (Pen. Code, § 236.14, subd. (t)(1)).")
        elif c.answer.nonviolent:
            parts.append("It is a nonviolent offense: it is not listed in Penal Code section 667.5, "
                         "subdivision (c) (Pen. Code, § 236.14, subd. (t)(1)).")
        else:
            parts.append(gap("counsel's decision whether this count is nonviolent under Penal Code section "
                             "667.5, subdivision (c)"))
    return " ".join(parts)


def _caption(p: Petition, cc: CourtCase) -> tuple[str, ...]:
    name = p.case.public_name
    if cc.juvenile:
        return ("In re", f"{name},", "a person described in Welfare and Institutions Code section 602.")
    if cc.case_number:
        # The criminal case's parties, the petitioner named as the body of the papers names them.
        return ("THE PEOPLE OF THE STATE OF CALIFORNIA,", "Plaintiff and Respondent,", "v.", f"{name},",
                "Defendant and Petitioner.")
    return ("In the Matter of the Petition of", f"{name}", "under Penal Code section 236.14.")


def _first_page_block(p: Petition) -> tuple[str, ...]:
    """Rule 2.111(1): counsel's block, or the self-represented petitioner's (a confidential
    mailing address may stand for where they live; a minor's guardian ad litem is named)."""
    case = p.case
    if case.counsel:
        block = tuple(case.counsel)
        if not any(re.search(r"\battorneys?\s+for\b", entry, re.I) for entry in block):
            block += (f"Attorney for Petitioner {case.public_name}",)
        return block
    address = case.petitioner_address or gap("mailing address")
    if case.address_is_confidential:
        address += " (confidential mailing address)"
    block = (case.public_name, address, f"Telephone: {case.petitioner_phone or gap('telephone')}")
    if case.petitioner_email:
        block += (f"E-mail: {case.petitioner_email}",)
    if case.guardian_ad_litem:
        block += (f"By {case.guardian_ad_litem}, guardian ad litem",)
    return (*block, "Petitioner in pro per")


def _hearing(p: Petition, cc: CourtCase) -> tuple[str, ...]:
    on, time, department = p.hearing(cc)
    out = []
    if on:
        out.append(f"Date: {_day(on)}")
    if time:
        out.append(f"Time: {time}")
    if department:
        out.append(f"Dept.: {department}")
    return tuple(out)


def _paper(p: Petition, cc: CourtCase, title: str, sections: tuple[Section, ...], signature: Signature, *,
           declaration: str | None = None, closing: tuple[Flowable, ...] = (), confidential: bool = False,
           footer_title: str = "") -> CourtPaper:
    notice = JUVENILE_NOTICE if cc.juvenile else ""
    hearing = _hearing(p, cc)
    if not p.signed() or _has_gap(sections, closing, (*hearing, signature.name)):
        # A paper with a gap left in it is a draft, whatever the case's stage: an edit after the
        # review (or a stage set without one) left "[TO BE COMPLETED ...]" above a typed /s/.
        signature = replace(signature, typed=False)
        watermark = DRAFT_MARK
    else:
        watermark = ""
    if confidential:
        notice = "CONFIDENTIAL: Pen. Code 236.14(q), not part of the public record" + (
            "; Welf. & Inst. Code 827" if cc.juvenile else "")
    return CourtPaper(
        counsel=_first_page_block(p), court=COURT, county=cc.county, case_title=_caption(p, cc),
        case_number=cc.number or "(to be assigned by the clerk)",
        title=(f"{CONFIDENTIAL_MARK}\u2003" if confidential else "") + title, sections=sections,
        signature=signature, hearing=hearing, declaration=declaration, notice=notice,
        footer_title=footer_title or title, closing=closing, watermark=watermark)


def _has_gap(sections: tuple[Section, ...], closing: tuple[Flowable, ...], lines: tuple[str, ...]) -> bool:
    """Whether any text of a paper still holds a gap (petition.PLACEHOLDER)."""
    # A KeepTogether's text is in its `_content`.
    flat = [part for flowable in closing for part in getattr(flowable, "_content", [flowable])]
    texts = [*lines, *(getattr(flowable, "text", "") for flowable in flat)]
    for section in sections:
        texts += [section.heading or "", *section.paragraphs]
    return any(PLACEHOLDER in str(text) for text in texts)


def _dated(p: Petition) -> str:
    """The day counsel signed: the day of the review this signature stands on (printing again
    later, after service or filing, does not date the petition anew); blank on an unsigned paper."""
    if not p.signed():
        return "________________"
    return _day(p.case.reviewed_on or p.made_on)


def _counsel_signature(p: Petition) -> Signature:
    case = p.case
    if not case.counsel:
        return Signature(case.public_name, "Petitioner in pro per", _dated(p), typed=False)
    name = counsel_name(case.counsel)
    # A typed /s/ only once counsel has reviewed the petition as it now stands: a draft, or a petition
    # changed since the review, is never signed.
    return Signature(name, "Attorney for Petitioner", _dated(p), typed=p.signed())


def agencies(p: Petition, cc: CourtCase) -> list[str]:
    """Those ordered to seal and destroy: (k)(1)(A)-(E), the department itself always included."""
    named = [c.count.arresting_agency for c in cc.counts if c.count.arresting_agency]
    out: dict[str, str] = {}  # each agency once, however it was typed
    probation = PROBATION
    for name in [*named, *p.case.agencies_to_seal]:
        key = name_key(name)
        if not key or key in out or "department of justice" in key:  # the Department: always, below
            continue
        if "probation" in key:  # the county's own name for (k)(1)(E)'s department, with its citation
            probation = f"{name.strip()} (Pen. Code, § 236.14, subd. (k)(1)(E))"
            continue
        out[key] = name.strip()
    return [*out.values(), DOJ, probation]


def _timeliness(p: Petition) -> tuple[str, ...]:
    case, today = p.case, p.made_on
    out = []
    started = case.victimization_started_on
    ended = case.victimization_ended_on if case.victimization_ended_on and \
        case.victimization_ended_on <= today else None
    sought = case.services_sought_on if case.services_sought_on and case.services_sought_on <= today else None
    if started and started <= today:
        out.append(f"The petitioner became a victim of human trafficking on or about {_day(started)}.")
    if ended:
        out.append(f"The petitioner ceased to be a victim of human trafficking on or about {_day(ended)}.")
    if sought:
        out.append(f"The petitioner first sought services as a victim of human trafficking on "
                   f"{_day(sought)}.")
    if ended or sought:
        later = max(d for d in (ended, sought) if d)
        which = ", the later of those dates," if ended and sought else ""
        out.append(f"This petition is made after {_day(later)}{which} and so at a time subdivision (l) of "
                   "Penal Code section 236.14 permits; the right to petition does not expire with the "
                   "passage of time.")
    else:
        out.append(gap("when victimization ended or when services were first sought"))
    return tuple(out)


def _plural(cc: CourtCase) -> str:
    """What the court case's counts are, as the petition's title and first paragraph say it."""
    kinds = [c.count.count_kind for c in cc.counts]
    words = []
    for word, of_kind in (("arrest", (CountKind.ARREST, CountKind.JUVENILE_ARREST)),
                          ("conviction", (CountKind.CONVICTION,)),
                          ("adjudication", (CountKind.ADJUDICATION,))):
        many = sum(1 for k in kinds if k in of_kind)
        if many:
            words.append(word if many == 1 else word + "s")
    if len(words) > 2:
        return f"{', '.join(words[:-1])} and {words[-1]}"
    return " and ".join(words) or "records"


def _lettered(items: list[str]) -> str:
    """A list inside one numbered paragraph: "(a) first; (b) second." (an agency is not an
    allegation of its own, so it takes no paragraph number)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "; ".join(f"({letters[n] if n < 26 else n + 1}) {item}" for n, item in enumerate(items)) + "."


def petition(p: Petition, cc: CourtCase) -> CourtPaper:
    name = p.case.public_name
    if cc.juvenile:
        standard = ("Each arrest or adjudication listed above was the direct result of the petitioner being "
                    "a "
                    "victim of human trafficking. On that showing the petitioner is entitled to a rebuttable "
                    "presumption that the requirements for relief have been met (Pen. Code, § 236.14, subd. "
                    "(j)).")
    else:
        standard = ("The petitioner will establish by clear and convincing evidence that each arrest or "
                    "conviction listed above was the direct result of being a victim of human trafficking, "
                    "which demonstrates that the petitioner lacked the requisite intent to commit the "
                    "offense "
                    "(Pen. Code, § 236.14, subd. (a)).")
    documents = [OFFICIAL_DOCUMENTS[d] for d in p.case.official_documents]
    sections: tuple[Section, ...] = (
        Section("RELIEF REQUESTED", (
            f"Petitioner {name} asks the Court to vacate the {_plural(cc)} listed below under Penal Code "
            f"section 236.14{', subdivision (j)' if cc.juvenile else ''}, to find that the petitioner lacked "
            "the requisite intent, to order the records sealed and destroyed, and to notify the Department "
            "of "
            "Justice.",)),
        Section(f"THE {_plural(cc).upper()}",
                tuple(count_text(n, c) for n, c in enumerate(cc.counts, start=1))),
        Section("GROUNDS", (
            "At the time of each offense the petitioner was a victim of human trafficking as described in "
            "Penal Code section 236.1.",
            p.case.grounds or gap("the petitioner's account of being trafficked"),
            "This petition describes all of the available grounds and evidence that the petitioner was a "
            "victim "
            "of human trafficking and that each arrest or conviction of a nonviolent offense was the direct "
            "result of being a victim (Pen. Code, § 236.14, subd. (b)).")),
        Section("DIRECT RESULT OF BEING A VICTIM", (*(
            f"As to count {n} ({c.count.code} § {c.count.section}): "
            + (c.count.nexus or gap("how this count was the direct result of being trafficked"))
            for n, c in enumerate(cc.counts, start=1)), standard)),
        Section("TIMELINESS", _timeliness(p)),
        Section("SUPPORTING PAPERS", (
            "This petition is supported by the Declaration of Petitioner in Support of Petition to Vacate "
            "(Pen. Code, § 236.14), filed with it"
            + (", and by this official documentation: " + _lettered(documents) if documents else "."),
            *([] if documents else ["No official documentation is attached; it is not required for relief "
                                    "(Pen. Code, § 236.14, subd. (m))."]))),
        Section("FINES AND FEES", (
            ("The petitioner asks that collection of all fines and fees other than restitution be stayed "
             "while "
             "this petition is pending (Pen. Code, § 236.14, subd. (i)).") if p.case.stay_fines else
            "No stay of fines is requested.",)),
        Section("AGENCIES TO SEAL AND DESTROY RECORDS", (
            "The petitioner asks that each of these agencies be ordered to seal and destroy its records of "
            "the arrests and of this proceeding (Pen. Code, § 236.14, subd. (k)): "
            + _lettered(agencies(p, cc)),)),
        Section("CONFIDENTIALITY", (
            "The petitioner asks that the record of this proceeding accessible to the public not disclose "
            "the "
            "petitioner's full name (Pen. Code, § 236.14, subd. (q)). The petitioner's identity is stated "
            "in a "
            "confidential attachment lodged with this petition.",)),
    )
    if p.case.safety_concerns:
        sections += (Section("SAFETY", (p.case.safety_concerns,)),)
    # The verification's heading and text go with its signature line (one KeepTogether): the
    # petitioner's signature had fallen alone on a page of its own.
    petitioner = Signature(name, "Petitioner", "________________", typed=False)
    verification: list[Flowable] = signature_block(petitioner, [
        line("VERIFICATION", "heading"),
        line(f"I, {name}, am the petitioner in this matter. I have read this petition and know its "
             "contents. The "
             "facts stated in it are true of my own knowledge, except as to matters stated on information "
             "and "
             "belief, and as to those matters I believe them to be true. I declare under penalty of perjury "
             "under the laws of the State of California that the foregoing is true and correct. Executed on "
             "________________ at ________________, California.")])
    return _paper(p, cc, PETITION_CAPTION.format(what=_plural(cc).upper()), sections, _counsel_signature(p),
                  closing=tuple(verification), footer_title="PETITION TO VACATE (Pen. "
                  "Code, § 236.14)")


def declaration(p: Petition, cc: CourtCase) -> CourtPaper:
    name = p.case.public_name
    sections = (Section(None, (
        f"I am the petitioner in this matter, identified in the public record as {name} (Pen. Code, § "
        "236.14, "
        "subd. (q)).",
        "I was a victim of human trafficking when each offense listed in my petition was committed.",
        p.case.grounds or gap("the petitioner's account"),
        *(f"As to count {n} ({c.count.code} § {c.count.section}): "
          + (c.count.nexus or gap("how this count was the direct result of being trafficked"))
          for n, c in enumerate(cc.counts, start=1)))),)
    sig = Signature(name, "Petitioner", "________________", typed=False)
    return _paper(p, cc, DECLARATION_CAPTION, sections, sig, declaration=name,
                  footer_title="DECLARATION OF PETITIONER (Pen. Code, § 236.14)")


def order(p: Petition, cc: CourtCase) -> CourtPaper:
    on, _time, department = p.hearing(cc)
    rulings = tuple(
        count_text(n, c, petition=False) + " ____ GRANTED ____ DENIED ____ DENIED WITHOUT PREJUDICE"
        for n, c in enumerate(cc.counts, start=1))
    presumption = ("The petitioner established that each such arrest or adjudication was the direct result "
                   "of "
                   "being a victim of human trafficking, and the presumption that the requirements for "
                   "relief "
                   "have been met has not been rebutted (Pen. Code, § 236.14, subd. (j)).") \
        if cc.juvenile else \
        ("The petitioner established by clear and convincing evidence that each such arrest or conviction "
         "was "
         "the direct result of being a victim of human trafficking, which demonstrates that the petitioner "
         "lacked the requisite intent to commit the offense (Pen. Code, § 236.14, subd. (a)).")
    sections = (
        Section(None, (
            f"The petition of {p.case.public_name} under Penal Code section 236.14 came on for hearing on "
            f"{_day(on) or '________________'} in Department {department or '______'}. Having considered the "
            "totality of the evidence presented, the Court rules on each count as follows.",),
            numbered=False),
        Section("RULING ON EACH COUNT", rulings),
        Section("FINDINGS AS TO EACH COUNT GRANTED", (
            "The petitioner was a victim of human trafficking at the time of the alleged commission of the "
            "offense, and therefore lacked the requisite intent to commit it (Pen. Code, § 236.14, subds. "
            "(g)(1), "
            "(h)(1)).",
            "The arrest for, conviction of or adjudication of the offense was the direct result of being a "
            "victim "
            "of human trafficking (subd. (g)(2)).", presumption,
            "It is in the best interest of justice to grant the petition as to the count (subd. (g)(3)).")),
        Section("ORDERS AS TO EACH COUNT GRANTED", (
            "The arrest, the finding of guilt or the adjudication is set aside and vacated, and the "
            + ("petition filed under Welfare and Institutions Code section 602, which stands in this "
               "court for the accusation or information, is " if cc.juvenile
               else "accusation or information is ")
            + "dismissed, as invalid due to a legal defect at the time of the arrest or conviction (Pen. "
            "Code, § 236.14, subd. (h)(2)).",
            "The clerk shall notify the Department of Justice that the petitioner was a victim of human "
            "trafficking when the offense was committed, and of the relief ordered (subd. (h)(3)).",
            "Each of these agencies shall seal its records of the arrest and this order within one year "
            "from "
            "the date of arrest or within 90 days after this order is granted, whichever occurs later, and "
            "shall destroy them within one year of the date of this order (subd. (k)(1), (k)(2)): "
            + _lettered(agencies(p, cc)),
            "The clerk shall give the petitioner a certified copy of this order, and the petitioner and "
            "counsel "
            "copies of any form sent to an agency, including the Department of Justice; the Department of "
            "Justice shall notify the petitioner and counsel that it has complied (subd. (k)(3), (k)(4)).",
            "This order does not relieve the petitioner of a financial restitution order that directly "
            "benefits "
            "the victim of a nonviolent crime, unless it has already been paid (subd. (i)).",
            "The arrest, adjudication or conviction is deemed not to have occurred; the petitioner may "
            "lawfully "
            "deny or refuse to acknowledge it (subds. (o), (t)(2)). The records shall not be distributed to "
            "any "
            "state licensing board (subd. (p)). The record of this proceeding accessible to the public "
            "shall not "
            "disclose the petitioner's full name (subd. (q)).")),
        Section("AS TO EACH COUNT DENIED WITHOUT PREJUDICE", (
            "The evidence is insufficient for the reasons stated on the record or here: "
            "______________________________________________. The petitioner may cure the defect and renew "
            "the "
            "petition within ______ days (Pen. Code, § 236.14, subd. (s)).",)),
    )
    judge = Signature("Judge of the Superior Court", "", "________________", typed=False)
    return _paper(p, cc, ORDER_CAPTION, sections, judge,
                  footer_title="[PROPOSED] ORDER (Pen. Code, § 236.14)")


SERVED_PAPERS = ("Verified Petition to Vacate {what} (Pen. Code, § 236.14)",
                 "Declaration of Petitioner in Support of Petition to Vacate",
                 "[Proposed] Order on Petition to Vacate",
                 "Confidential Identity Attachment; Request to Keep It Confidential or, in the Alternative, "
                 "Motion to File It under Seal (lodged conditionally under seal)")


def _manner(p: Petition, cc: CourtCase) -> str:
    method, place = p.service(cc).method, p.case.service_place or gap("city")
    if method is ServiceMethod.PERSONAL:
        return ("By personal delivery (Code Civ. Proc., § 1011): I delivered a copy of each paper to the "
                "office "
                "of each party named below, leaving it with the receptionist or a person in charge of the "
                "office, during usual office hours.")
    if method is ServiceMethod.MAIL:
        return ("By mail (Code Civ. Proc., §§ 1013, subd. (a), 1013a, subd. (1)): I enclosed a copy of each "
                "paper in a sealed envelope addressed to each party at the address below, with first-class "
                f"postage fully prepaid, and deposited it with the United States Postal Service at {place}, "
                "California. I am a resident of or employed in the county where the mailing occurred.")
    if method is ServiceMethod.OVERNIGHT:
        return ("By overnight delivery (Code Civ. Proc., § 1013, subd. (c)): I enclosed a copy of each "
                "paper in "
                "an envelope or package designated by an express service carrier, addressed to each party at "
                "the address below, with delivery fees paid or provided for, and deposited it in a box or "
                "other "
                f"facility regularly maintained by the carrier at {place}, California.")
    return gap("one manner of service: personal delivery, mail or overnight delivery")


def proof_of_service(p: Petition, cc: CourtCase) -> CourtPaper:
    case = p.case
    served = p.service(cc).delivered_on  # this court case's own service, or the petition's
    parties = p.parties(cc)
    party_lines = tuple(f"{x.name}, {x.address or gap('address from the county agency list')}"
                        for x in parties) or (gap("the prosecuting agency to be served, with its address"),)
    documents = [OFFICIAL_DOCUMENTS[d] for d in case.official_documents]
    title = SERVED_PAPERS[0].format(what=_plural(cc).title().replace(" And ", " and "))
    papers = (title, *SERVED_PAPERS[1:3], *(f"Official documentation: {d}" for d in documents),
              SERVED_PAPERS[3])
    sections = (
        Section(None, (
            f"I am over 18 years of age and not a party to this action. My residence or business address is "
            f"{case.server_address or gap('the server address')}.",
            f"On {_day(served) or gap('the date of service')}, I served the following papers in this case "
            f"(case no. {cc.number or 'to be assigned'}):"), numbered=False),
        Section(None, tuple(f"({n}) {t}" for n, t in enumerate(papers, start=1)), numbered=False),
        Section(None, (_manner(p, cc), "The parties served and their addresses:"), numbered=False),
        Section(None, party_lines, numbered=False),
        Section(None, (
            "I declare under penalty of perjury under the laws of the State of California that the "
            "foregoing is "
            f"true and correct. Executed on {_day(served) or gap('date')} at "
            f"{case.service_place or gap('city')}, California.",), numbered=False),
    )
    sig = Signature(case.server_name or gap("name of the person serving"), "Person serving",
                    _day(served) or "________________", typed=False)
    return _paper(p, cc, SERVICE_CAPTION, sections, sig, footer_title="PROOF OF SERVICE")


def identity_attachment(p: Petition, cc: CourtCase) -> CourtPaper:
    """Lodged with the petition, kept out of the public file: who the initials stand for. The
    full name is confidential by statute (236.14(q)); rule 2.550(a)(2) leaves such records outside
    the sealing rules, and the motion to seal is made in the alternative (rules 2.550(d),
    2.551(b))."""
    youth, case = p.youth, p.case
    name = youth.legal_name
    rows = (
        f"Public name in the papers: {case.public_name}",
        f"Full legal name: {name.full()}",
        f"Other names, aliases and monikers: {', '.join(a.name for a in youth.aliases) or 'none recorded'}",
        f"Date of birth: {_day(youth.date_of_birth)}",
        f"Case number: {cc.number or 'to be assigned by the clerk'}",
    )
    sections = (
        Section("CONFIDENTIAL IDENTITY OF THE PETITIONER", rows, numbered=False),
        Section("REQUEST TO KEEP THIS ATTACHMENT CONFIDENTIAL", (
            "Penal Code section 236.14, subdivision (q), provides that the record of a proceeding on a "
            "petition "
            "under that section that is accessible to the public shall not disclose the petitioner's full "
            "name. "
            "The information above is therefore confidential by law, and the rules on sealed records do not "
            "apply to it (Cal. Rules of Court, rule 2.550(a)(2)). The petitioner asks the clerk to keep this "
            "attachment in the confidential part of the file and out of the public record.",)),
        Section("IN THE ALTERNATIVE, MOTION TO FILE UNDER SEAL", (
            "If the Court finds that this attachment is not confidential by law, the petitioner moves to "
            "file it "
            "under seal (Cal. Rules of Court, rule 2.551(b)) and asks the Court to find, under rule "
            "2.550(d):",
            "(1) an overriding interest overcomes the right of public access to this attachment: the safety "
            "and "
            "privacy of a victim of human trafficking, and the Legislature's direction in subdivision (q);",
            "(2) that interest supports sealing it; (3) a substantial probability exists that the interest "
            "will "
            "be prejudiced if it is not sealed, by exposing the petitioner to the people who trafficked "
            "them and "
            "to the stigma the petition seeks to remove;",
            "(4) the sealing is narrowly tailored: only this attachment is sealed, and every other paper is "
            "public with the petitioner's initials; and (5) no less restrictive means exists to achieve the "
            "overriding interest.",
            "This attachment is lodged conditionally under seal, with a public redacted version (the "
            "petition and "
            "its papers) filed with it (rule 2.551(b))."), numbered=False),
    )
    closing: list[Flowable] = [
        line("[PROPOSED] ORDER", "heading"),
        line("____ This attachment is confidential under Penal Code section 236.14, subdivision (q), and "
             "shall "
             "not be part of the public record."),
        line("____ This attachment is sealed; the Court makes the findings of rule 2.550(d) stated above."),
        *signature_block(Signature("Judge of the Superior Court", "", "________________", typed=False)),
    ]
    declarant = counsel_name(case.counsel) if case.counsel else case.public_name
    return _paper(p, cc, IDENTITY_CAPTION, sections,
                  Signature(declarant, "Declarant", "________________", typed=False),
                  declaration=declarant, closing=tuple(closing), confidential=True,
                  footer_title="CONFIDENTIAL IDENTITY ATTACHMENT (Pen. Code, "
                               "§ 236.14(q))")


# Privacy, joining, the cover index --------------------------------------------------------------

def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def private_facts(p: Petition, paper: str, pages: list[str],
                  scan: PrivacyScan | None = None) -> list[FieldProblem]:
    """A problem for each private fact of `p` found on the pages of `paper` (`scan`: the petition's
    scan made once, when several papers are checked)."""
    return [FieldProblem("public_name", f"{what} appears on page {page} of the {paper}; a public paper "
                         "may carry only the initials or pseudonym (Pen. Code, § 236.14, subd. (q))")
            if "address" not in what else
            FieldProblem("safety_concerns" if "typed" in what else "grounds",
                         f"{what} appears on page {page} of the {paper}; a public paper must not say "
                         "where the youth, or anyone protecting them, can be found: take it out")
            for what, page in (scan or privacy_scan(p))(pages)]


def checked(p: Petition, paper: str, pdf: bytes) -> bytes:
    """The public paper, or a refusal naming each private fact found in it and where."""
    problems = private_facts(p, paper, page_texts(pdf))
    if problems:
        raise ValidationFailed(problems, record="vacatur papers")
    return pdf


def join(parts: list[tuple[bytes, list[int] | None]]) -> bytes:
    """One PDF of the given pages of several (None: all of them), in order, in memory."""
    out = pdfium.PdfDocument.new()
    sources: dict[bytes, pdfium.PdfDocument] = {}
    try:
        for pdf, pages in parts:
            if pdf not in sources:
                sources[pdf] = pdfium.PdfDocument(pdf)
            out.import_pages(sources[pdf], pages)
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        for source in sources.values():
            source.close()
        out.close()


Paper = Callable[[Petition, CourtCase], CourtPaper]
PUBLIC_PAPERS: tuple[tuple[str, Paper], ...] = (
    ("petition", petition), ("declaration", declaration), ("proposed order", order),
    ("proof of service", proof_of_service))
CONFIDENTIAL_PAPER = "confidential identity attachment"
"""Named in each court case's index but never in the packet's file: it is lodged apart from the
public papers, and a file holding both was one upload away from the public record."""


def _no_counts(p: Petition) -> None:
    if not p.court_cases():
        raise ValidationFailed([FieldProblem("count_ids", N_(
            "choose the counts this petition asks to vacate; none that can be petitioned is chosen"))],
            record="vacatur case")


def public_papers(p: Petition, cc: CourtCase) -> list[tuple[str, Paper, list[str]]]:
    """Each public paper of the court case, and the text of its pages (made as one document)."""
    pdf, pages = render_court_papers([make(p, cc) for _n, make in PUBLIC_PAPERS], PACKET_TITLE)
    texts = page_texts(pdf)
    out: list[tuple[str, Paper, list[str]]] = []
    start = 0
    for (name, make), count in zip(PUBLIC_PAPERS, pages, strict=True):
        out.append((name, make, texts[start:start + count]))
        start += count
    return out


def one_paper(p: Petition, which: Paper, name: str, public: bool = True) -> bytes:
    """One paper for every court case of the petition (one after another)."""
    _no_counts(p)
    papers = [which(p, cc) for cc in p.court_cases()]
    pdf, _pages = render_court_papers(papers, papers[0].footer_title)
    return checked(p, name, pdf) if public else pdf


def _cover(p: Petition, cc: CourtCase, contents: list[tuple[str, int]], first: int) -> list[Flowable]:
    """A court case's index: its public papers in filing order with their pages in the packet's
    file, the first on page `first`, then the confidential attachment, made apart (not filed)."""
    due, how = p.response_due(cc)
    service = p.service(cc)
    served = [service.method.value.replace("_", " ") if service.method is not ServiceMethod.NOT_CHOSEN
              else "manner not recorded", _day(service.delivered_on) or "date not recorded"]
    if service.received_on:
        served.append(f"received by the prosecutor on {_day(service.received_on)}")
    rows = [("Court", f"{COURT}, County of {cc.county.removesuffix(' County')}"
             + (" (juvenile)" if cc.juvenile else "")),
            ("Case number", cc.number or "to be assigned by the clerk"),
            ("Petitioner (public name)", p.case.public_name),
            ("Counts", str(len(cc.counts))),
            ("Service", ", ".join(served)),
            ("Prosecutor's response due", f"{_day(due)} (45 days {how}; Pen. Code 236.14(c))" if due
             else "when service is recorded (45 days from receipt; Pen. Code 236.14(c))")]
    start = first
    index = []
    for title, pages in contents:
        where = f"pages {start}-{start + pages - 1}" if pages > 1 else f"page {start}"
        index.append((title, where, "public"))
        start += pages
    index.append((CONFIDENTIAL_PAPER, "its own file",
                   "confidential: lodged separately, conditionally under seal"))
    story: list[Flowable] = [
        para("Vacatur packet: filing index", "title"),
        para("Not for filing. The public papers follow in filing order, with their pages in this file. "
             "The confidential identity attachment is not in this file: make it on its own (Confidential "
             "identity attachment) and lodge it separately, never in the public file."),
        Spacer(1, 8), table(rows, [2.2 * inch, 4.8 * inch], header=False), Spacer(1, 12),
        table([("Paper", "Pages", "Filing"), *index], [3.6 * inch, 1.1 * inch, 2.3 * inch])]
    if p.case.stage is CaseStage.DRAFT:
        story.insert(1, para("UNSIGNED DRAFT: counsel has not reviewed these papers.", "heading"))
    elif p.changed_since_review():
        story.insert(1, para("UNSIGNED DRAFT: the petition changed after it was " + (
            "filed." if p.case.stage is CaseStage.FILED else "reviewed by counsel."), "heading"))
    return story


def covers(p: Petition, cases: list[CourtCase],
           contents: list[list[tuple[str, int]]]) -> tuple[bytes, list[int]]:
    """Every court case's index as one document (its fonts embedded once), and the pages of each.
    In the packet each index comes right before its case's papers, so where those papers start
    depends on how long the indexes before them are: an index taken as one page that runs to two
    is made again with the papers moved on."""
    lengths = [1] * len(cases)
    for _attempt in range(3):
        flowables: list[Flowable] = []
        templates: list[PageTemplate] = []
        placed = 0  # pages of the packet before this case's index
        for part, (cc, papers) in enumerate(zip(cases, contents, strict=True)):
            templates.append(_part_template(part))
            if part:
                flowables += [NextPageTemplate(f"part-{part}"), PageBreak()]
            flowables += _cover(p, cc, papers, placed + lengths[part] + 1)
            placed += lengths[part] + sum(count for _name, count in papers)
        # Its own pages are not the packet's: a footer saying "Page 1 of 1" on page 13 of the file
        # read as a mistake.
        footers = [Footer(notice=JUVENILE_NOTICE if cc.juvenile else "",
                          page_label=lambda page, total: "Filing index: not for filing") for cc in cases]
        pdf, made = render_parts(flowables, title="Vacatur packet", footers=footers, templates=templates)
        if made == lengths:
            break
        lengths = made
    return pdf, made


def _part_template(part: int) -> PageTemplate:
    """A plain page whose pages belong to the document's `part`-th part (see page.render_parts)."""
    def on_page(canvas: Canvas, _doc: object) -> None:
        canvas.part = part

    margin = 0.75 * inch  # as page.render's plain pages
    frame = Frame(margin, margin, PAGE_WIDTH - 2 * margin, PAGE_HEIGHT - 2 * margin, id=f"part-{part}")
    return PageTemplate(id=f"part-{part}", frames=[frame], onPage=on_page)


def packet(p: Petition) -> bytes:
    """Every court case's public papers, each case behind its index: petition, declaration, proposed
    order, proof of service. The confidential identity attachment is made on its own (the index
    names it). Every paper is checked for private facts first, each refusal naming the paper and
    its own page."""
    _no_counts(p)
    cases = p.court_cases()
    body, pages = render_court_papers([make(p, cc) for cc in cases for _n, make in PUBLIC_PAPERS],
                                      PACKET_TITLE)
    per_case = len(PUBLIC_PAPERS)
    contents = [[(name, count) for (name, _m), count
                 in zip(PUBLIC_PAPERS, pages[n * per_case:(n + 1) * per_case], strict=True)]
                for n in range(len(cases))]
    front, lengths = covers(p, cases, contents)
    scan = privacy_scan(p)
    problems: list[FieldProblem] = []
    texts = page_texts(body)
    said = page_texts(front)
    parts: list[tuple[bytes, list[int] | None]] = []
    start = shown = 0  # pages of the body and of the indexes placed
    for papers, length in zip(contents, lengths, strict=True):
        problems += private_facts(p, "cover index", said[shown:shown + length], scan)
        first = start
        for name, count in papers:
            problems += private_facts(p, name, texts[start:start + count], scan)
            start += count
        parts += [(front, list(range(shown, shown + length))), (body, list(range(first, start)))]
        shown += length
    if problems:
        raise ValidationFailed(problems, record="vacatur papers")
    return join(parts)
