"""The vacatur packet on pleading paper (Pen. Code 236.14; there is no Judicial Council form):
the petition, the petitioner's declaration, a proposed order, a proof of service on each
prosecuting agency, and a confidential identity attachment.

Every public paper names the petitioner only by the case's initials or pseudonym (236.14(q));
the full name appears only on the confidential attachment, which is filed under seal. Until
counsel has reviewed the petition each page carries an "UNSIGNED DRAFT" watermark. The papers
are in English, the language of the court.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import inch
from reportlab.platypus import Spacer

from csec_desktop.documents.page import Footer, para, render, table
from csec_desktop.documents.pleading import CourtPaper, Section, Service, Signature, render_court_paper
from csec_desktop.domain.vacatur import OFFICIAL_DOCUMENTS, CaseStage, CriminalCount, VacaturCase
from csec_desktop.domain.youth import Youth
from csec_desktop.text import N_
from csec_desktop.vacatur import Answer, assess

PETITION_TITLE = N_("Vacatur petition (Pen. Code 236.14)")
DECLARATION_TITLE = N_("Vacatur declaration")
ORDER_TITLE = N_("Vacatur proposed order")
SERVICE_TITLE = N_("Vacatur proof of service")
IDENTITY_TITLE = N_("Vacatur confidential identity attachment")

DRAFT_MARK = "UNSIGNED DRAFT"
PROBATION = "The county probation department (Pen. Code 236.14(k)(1)(E))"
DOJ = "The California Department of Justice (Pen. Code 236.14(k)(1)(B))"


@dataclass(frozen=True)
class Packet:
    youth: Youth
    case: VacaturCase
    counts: list[CriminalCount]
    """The counts this petition asks to vacate (those that may be petitioned)."""
    made_on: date

    @property
    def juvenile(self) -> bool:
        return any(c.juvenile for c in self.counts)

    @property
    def name(self) -> str:
        return self.case.public_name


def packet(youth: Youth, case: VacaturCase, counts: list[CriminalCount], made_on: date) -> Packet:
    chosen = [c for c in counts if assess(c, youth).answer in (Answer.ELIGIBLE, Answer.REVIEW)]
    return Packet(youth, case, chosen, made_on)


def _common(p: Packet, title: str, sections: tuple[Section, ...], signature: Signature,
            declaration: str | None = None, service: Service | None = None) -> CourtPaper:
    county = f"COUNTY OF {(p.case.court_county or p.youth.county).upper()}"
    caption: tuple[str, ...]
    if p.juvenile:
        caption = ("In re", f"{p.name},", "a person described in Welfare and Institutions Code section 602.")
    else:
        caption = ("THE PEOPLE OF THE STATE OF CALIFORNIA,", "Plaintiff,", "v.", f"{p.name},", "Defendant.")
    return CourtPaper(
        counsel=tuple(p.case.counsel) or (f"{p.name}, Petitioner in pro per",),
        court="Superior Court of the State of California", county=county, case_title=caption,
        case_number=p.case.court_case_number or "(to be assigned)", title=title, sections=sections,
        signature=signature, declaration=declaration, service=service,
        # Juvenile matters are confidential case files (WIC 827); an adult petition is a public record.
        notice="Confidential: juvenile case file information, Welf. & Inst. Code 827" if p.juvenile else "",
        watermark=DRAFT_MARK if p.case.stage is CaseStage.DRAFT else "")


def _counsel_signature(p: Packet) -> Signature:
    lines = p.case.counsel
    name = lines[0].split(" (")[0] if lines else p.name
    role = "Attorney for Petitioner" if lines else "Petitioner"
    return Signature(name, role, p.made_on.strftime("%B %d, %Y").replace(" 0", " "))


def _count_line(count: CriminalCount) -> str:
    when = count.offense_date or count.arrest_date
    parts = [f"{count.code} § {count.section}" + (f" ({count.description})" if count.description else ""),
             f"{count.count_kind.value.replace('_', ' ')}" + (f" on {when.isoformat()}" if when else ""),
             f"case no. {count.case_number}" if count.case_number else "",
             count.court or "",
             f"arresting agency: {count.arresting_agency}" if count.arresting_agency else "",
             f"prosecuting agency: {count.prosecuting_agency}" if count.prosecuting_agency else "",
             f"disposition: {count.disposition}" if count.disposition else ""]
    return "; ".join(x for x in parts if x) + "."


def agencies(p: Packet) -> list[str]:
    """Those ordered to seal and destroy: (k)(1)(A)-(E), the department itself always included."""
    named = [c.arresting_agency for c in p.counts if c.arresting_agency]
    return list(dict.fromkeys([*named, *p.case.agencies_to_seal, DOJ, PROBATION]))


def prosecutors(p: Packet) -> list[str]:
    return list(dict.fromkeys(c.prosecuting_agency for c in p.counts if c.prosecuting_agency)) or \
        ["The prosecuting agency (name it on the count)"]


def petition(p: Packet) -> bytes:
    standard = ("The arrests and adjudications were the direct result of the petitioner being a victim "
                "of human trafficking, and the petitioner is entitled to a rebuttable presumption that the "
                "requirements for relief have been met (Pen. Code, § 236.14, subd. (j)).") \
        if p.juvenile else \
        ("The petitioner will show by clear and convincing evidence that each arrest and conviction was the "
         "direct result of being a victim of human trafficking, demonstrating that the petitioner lacked "
         "the requisite intent to commit the offense (Pen. Code, § 236.14, subd. (a)).")
    timely = [f"The petitioner ceased to be a victim of human trafficking on "
              f"{p.case.victimization_ended_on.isoformat()}." if p.case.victimization_ended_on else "",
              f"The petitioner first sought services as a victim on {p.case.services_sought_on.isoformat()}."
              if p.case.services_sought_on else "",
              "The petition may be made at any time thereafter; the right to petition does not expire "
              "(Pen. Code, § 236.14, subd. (l))."]
    documents = [OFFICIAL_DOCUMENTS[d] for d in p.case.official_documents]
    sections: tuple[Section, ...] = (
        Section("RELIEF REQUESTED", (
            f"Petitioner {p.name} asks the Court to vacate the arrests, convictions and adjudications "
            "listed below under Penal Code section 236.14, to order the records sealed and destroyed, and to "
            "notify the Department of Justice.",)),
        Section("THE ARRESTS, CONVICTIONS AND ADJUDICATIONS", tuple(
            _count_line(c) + " It is a nonviolent offense: it is not listed in Penal Code section 667.5, "
            "subdivision (c)." for c in p.counts)),
        Section("GROUNDS", (
            "At the time of each offense the petitioner was a victim of human trafficking as described in "
            "Penal Code section 236.1.", p.case.grounds or "[The petitioner's account is to be added by "
            "counsel.]", standard)),
        Section("DIRECT RESULT OF BEING A VICTIM", tuple(
            f"As to {c.code} § {c.section}: {c.nexus or '[to be added]'}" for c in p.counts)),
        Section("TIMELINESS", tuple(t for t in timely if t)),
        Section("OFFICIAL DOCUMENTATION", tuple(documents) or (
            "None is attached; official documentation is not required for relief (Pen. Code, § 236.14, "
            "subd. (m)).",)),
        Section("FINES AND FEES", (
            ("The petitioner asks that collection of all fines and fees other than restitution be stayed "
             "while this petition is pending (Pen. Code, § 236.14, subd. (i)).") if p.case.stay_fines else
            "No stay of fines is requested.",)),
        Section("AGENCIES TO SEAL AND DESTROY RECORDS", tuple(agencies(p))),
    )
    if p.case.safety_concerns:
        sections += (Section("SAFETY", (p.case.safety_concerns,)),)
    return render_court_paper(_common(p, "PETITION TO VACATE ARRESTS, CONVICTIONS AND ADJUDICATIONS "
                                         "(Pen. Code, § 236.14)", sections, _counsel_signature(p)))


def declaration(p: Packet) -> bytes:
    sections = (Section(None, (
        f"I am the petitioner in this matter, identified in the public record as {p.name} (Pen. Code, "
        "§ 236.14, subd. (q)).",
        "I was a victim of human trafficking when each offense listed in my petition was committed.",
        p.case.grounds or "[My account is to be added.]",
        *(f"As to {c.code} § {c.section}: {c.nexus}" for c in p.counts if c.nexus))),)
    sig = Signature(p.name, "Petitioner", p.made_on.strftime("%B %d, %Y").replace(" 0", " "), typed=False)
    return render_court_paper(_common(p, "DECLARATION OF PETITIONER IN SUPPORT OF PETITION TO VACATE "
                                         "(Pen. Code, § 236.14)", sections, sig, declaration=p.name))


def order(p: Packet) -> bytes:
    sections = (
        Section("FINDINGS", (
            "The petitioner was a victim of human trafficking at the time of the alleged commission of each "
            "offense listed below, and therefore lacked the requisite intent to commit it.",
            "Each arrest, conviction or adjudication was the direct result of being a victim of human "
            "trafficking.",
            "Vacating them is in the best interest of justice (Pen. Code, § 236.14, subd. (g)).")),
        Section("ORDERS", (
            "Each arrest, finding of guilt and adjudication listed below is set aside, and the accusation or "
            "information is dismissed, as invalid due to a legal defect at the time of the arrest or "
            "conviction (Pen. Code, § 236.14, subd. (h)):",
            *(_count_line(c) for c in p.counts),
            "The clerk shall notify the Department of Justice that the petitioner was a victim of human "
            "trafficking when the offenses were committed and of the relief ordered.",
            "Each agency listed below shall seal its records of the arrests and this order within one year "
            "from the date of arrest or within 90 days after this order, whichever is later, and destroy "
            "them within one year of this order (Pen. Code, § 236.14, subd. (k)):",
            *agencies(p),
            "The arrests, adjudications and convictions are deemed not to have occurred; the petitioner may "
            "lawfully deny them (Pen. Code, § 236.14, subds. (o), (t)(2)).")),
    )
    judge = Signature("Judge of the Superior Court", "", "______________", typed=False)
    return render_court_paper(_common(p, "[PROPOSED] ORDER VACATING ARRESTS, CONVICTIONS AND ADJUDICATIONS "
                                         "(Pen. Code, § 236.14)", sections, judge))


def proof_of_service(p: Packet) -> bytes:
    service = Service(server=p.case.server_name or "________________",
                      server_address=p.case.server_address or "________________",
                      method="by personal delivery or by first-class mail, postage prepaid",
                      served_on=p.case.served_on.isoformat() if p.case.served_on else "____________",
                      place=p.case.court_county or p.youth.county,
                      parties=tuple(prosecutors(p)))
    sections = (Section(None, (
        "The petition to vacate under Penal Code section 236.14, the declaration and the proposed order, "
        "with the supporting documentation, are served on each prosecuting agency below, which has 45 days "
        "from receipt to respond (Pen. Code, § 236.14, subd. (c)).",), numbered=False),)
    return render_court_paper(_common(p, "PETITION TO VACATE (Pen. Code, § 236.14): SERVICE", sections,
                                      _counsel_signature(p), service=service))


def identity_attachment(p: Packet) -> bytes:
    """Filed under seal: who the initials stand for. Never part of the public record."""
    youth = p.youth
    rows = [("Public name in the papers", p.name), ("Full legal name", youth.display_name()),
            ("Date of birth", youth.date_of_birth.isoformat()),
            ("Other names", ", ".join(a.name for a in youth.aliases) or "—"),
            ("Case numbers", ", ".join(c.case_number for c in p.counts if c.case_number) or "—")]
    story = [para("CONFIDENTIAL IDENTITY ATTACHMENT: FILE UNDER SEAL", "title"),
             para("Pen. Code, § 236.14, subd. (q): the public record of this proceeding shall not disclose "
                  "the petitioner's full name."),
             Spacer(1, 8), table(rows, [2.4 * inch, 4.6 * inch], header=False)]
    return render(story, title="Confidential identity attachment",
                  footer=Footer(notice="CONFIDENTIAL: not part of the public record (Pen. Code 236.14(q))"))
