"""Extended foster care printables: the youth's transition plan (English, Spanish or both),
the participation plan and TILCP summary, a six-month certification worksheet (a worksheet,
not the official SOC 161), and the attachment to the review-hearing report carrying the
items of Welf. & Inst. Code 366.31(b)."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from csec_desktop import efc
from csec_desktop.documents.findings import check_line
from csec_desktop.documents.identification import youth_identity
from csec_desktop.documents.page import Footer, Texts, checkbox, para, render, signature_block, table
from csec_desktop.domain.efc import (
    CONDITION_SHORT,
    CONDITION_TEXT,
    TRANSITION_SECTIONS,
    Certification,
    Condition,
    EfcAgreement,
    NmdHearing,
    Participation,
    TransitionPlan,
)
from csec_desktop.domain.youth import PlacementType, Youth
from csec_desktop.rules import STATE_WORDS as ANSWER_WORDS
from csec_desktop.rules import State, birthday
from csec_desktop.text import N_

PLAN_TITLE = N_("My transition plan")
PARTICIPATION_TITLE = N_("Extended foster care: participation plan and TILCP summary")
WORKSHEET_TITLE = N_("Six-month certification worksheet")
ATTACHMENT_TITLE = N_("Attachment to the review hearing report")

STATE_WORDS = {"done": N_("done"), "due": N_("due today"), "overdue": N_("overdue"), "ahead": N_("ahead"),
               "past": N_("past")}


def _footer(texts: Texts, stamp: str) -> Footer:
    return Footer(notice=texts.t("Confidential: juvenile case file information, Welf. & Inst. Code 827"),
                  stamp=stamp, page_label=texts.page_label)


def transition_plan(youth: Youth, plan: TransitionPlan | None, *, made_on: date, lang: str = "en",
                    stamp: str = "") -> bytes:
    """For the youth: their plan for leaving care or staying in extended care, in their words."""
    texts = Texts(lang)
    t = texts.t
    eighteen = birthday(youth.date_of_birth, 18)
    story: list[Flowable] = [
        para(t(PLAN_TITLE) + " · " + (youth.preferred_name or youth.legal_name.given), "title"),
        texts.block("This is your plan for turning 18, written the way you chose. You can change it at any "
                    "time: tell your worker."),
        Spacer(1, 4),
        # Printed for a youth already 18 too (the plan holds until 21): said in the past then.
        para((t("You turn 18 on {day}.") if eighteen > made_on else t("You turned 18 on {day}."))
             .format(day=eighteen.isoformat())),
    ]
    if plan is None:
        story.append(para(t("Nothing is written down yet."), "small"))
    else:
        for name, label in TRANSITION_SECTIONS.items():
            words = getattr(plan, name).strip()
            story.append(KeepTogether([para(t(label), "heading"),
                                       para(words if words else t("Not written yet."),
                                            "body" if words else "small")]))
        story += [Spacer(1, 4), checkbox(plan.medi_cal_verified,
                                         t("My Medi-Cal is checked, and it will move to former-foster-youth "
                                           "Medi-Cal (to age 26) with no gap and no new application."))]
    story += [Spacer(1, 14), signature_block([t("Youth"), t("Worker")], t("Date")),
              para(t("Printed on {day}.").format(day=made_on.isoformat()), "small")]
    return render(story, title=t(PLAN_TITLE), footer=_footer(texts, stamp))


def _conditions(participations: list[Participation], texts: Texts) -> Flowable:
    t = texts.t
    if not participations:
        return para(t("No participation condition recorded."), "small")
    rows = [(t(CONDITION_SHORT[p.condition.value]), p.evidence + (f"\n{p.plan}" if p.plan else ""),
             f"{p.since.isoformat()} – {p.until.isoformat() if p.until else ''}",
             p.verified_on.isoformat() if p.verified_on else "—") for p in participations]
    return table([(t("Condition"), t("Evidence and plan"), t("From – to"), t("Verified")), *rows],
                 [1.9 * inch, 2.6 * inch, 1.5 * inch, 1.0 * inch])


def participation_plan(youth: Youth, records: list[Any], *, made_on: date, lang: str = "en",
                       stamp: str = "") -> bytes:
    texts = Texts(lang)
    t = texts.t
    result = efc.eligibility(youth, records, made_on)
    story: list[Flowable] = [para(t(PARTICIPATION_TITLE), "title"), youth_identity(youth, texts),
                             para(t("Eligibility on {day}").format(day=made_on.isoformat()), "heading"),
                             para(t("Extended foster care: {answer}").format(
                                 answer=t(ANSWER_WORDS[result.state])), "body")]
    # Three answers: a check the record cannot decide says so in words, with the fact to record.
    story += [check_line(c.state, f"{texts.say(c.text)} ({c.citation})", c.missing, texts)
              for c in result.checks]
    story += [para(t("Participation conditions"), "heading"),
              _conditions([r for r in records if isinstance(r, Participation)], texts)]
    agreements = [r for r in records if isinstance(r, EfcAgreement)]
    if agreements:
        a = agreements[-1]
        mutual = a.mutual_agreement_signed_on.isoformat() if a.mutual_agreement_signed_on else \
            t("not needed: remains under delinquency jurisdiction") if a.remains_under_delinquency else "—"
        story += [para(t("Agreements and placement approvals"), "heading"),
                  table([(t("Mutual agreement (SOC 162)"), mutual),
                         (t("SILP readiness (SOC 157C)"), str(a.silp_readiness_on or "—")),
                         (t("SILP approval (SOC 157A)"), str(a.silp_approved_on or "—")),
                         (t("SILP inspection (SOC 157B)"), str(a.silp_inspected_on or "—"))],
                        [3.0 * inch, 4.0 * inch], header=False)]
    events = efc.timeline(youth, records, made_on)
    story += [para(t("From 16 to 21"), "heading"),
              table([(t("Date"), t("What"), t("State")),
                     *[(e.day.isoformat(), t(e.label), t(STATE_WORDS[e.state])) for e in events]],
                    [1.2 * inch, 4.6 * inch, 1.2 * inch])]
    return render(story, title=t(PARTICIPATION_TITLE), footer=_footer(texts, stamp))


def certification_worksheet(youth: Youth, records: list[Any], *, made_on: date, lang: str = "en",
                            stamp: str = "", medical_days: int = efc.MEDICAL_UPDATE_DAYS) -> bytes:
    """The SOC 161 worksheet. The conditions are read on the day the nonminor can first be
    certified, the 18th birthday, when that is still ahead (read on the day it was printed, a
    condition that starts at 18 was left blank beside the plan that said it would be met then);
    `medical_days` is the county's setting for condition (5)."""
    texts = Texts(lang)
    t = texts.t
    certs = sorted((r for r in records if isinstance(r, Certification)), key=lambda c: c.certified_on)
    eighteen = birthday(youth.date_of_birth, 18)
    start = efc.cycle_start(youth, records)
    due = efc.next_six_month(start, [c.certified_on for c in certs if c.certified_on >= start])
    met, notes = efc.conditions_met([r for r in records if isinstance(r, Participation)],
                                    max(made_on, eighteen), medical_days)
    story: list[Flowable] = [
        para(t(WORKSHEET_TITLE), "title"),
        para(t("WORKSHEET ONLY: this is not the official SOC 161 form. Use it to prepare the certification, "
               "then complete the county's SOC 161."), "heading"),
        youth_identity(youth, texts),
        table([(t("Last certification"), certs[-1].certified_on.isoformat() if certs else "—"),
               (t("This certification is due by"), due.isoformat())], [2.0 * inch, 5.0 * inch], header=False),
        para(t("Conditions the nonminor meets (Welf. & Inst. Code 11403(b))"), "heading"),
    ]
    for condition in Condition:
        if condition is Condition.MEDICAL and notes and condition not in met:
            # Recorded but its medical information is out of date: not "unmet", cannot tell yet.
            late = "; ".join(texts.say(n) for n in notes)
            story += [check_line(State.CANNOT_TELL, f"{t(CONDITION_TEXT[condition])} ({late})",
                                 (efc.MISSING_MEDICAL,), texts)]
            continue
        story += [checkbox(condition in met, t(CONDITION_TEXT[condition]))]
    story += [para(t("Evidence checked"), "heading"),
              _conditions([r for r in records if isinstance(r, Participation)], texts),
              checkbox(False, t("The TILCP was updated with the nonminor for this period")),
              Spacer(1, 14),
              signature_block([t("Social worker or probation officer"), t("Nonminor")], t("Date"))]
    return render(story, title=t(WORKSHEET_TITLE), footer=_footer(texts, stamp))


def court_attachment(youth: Youth, records: list[Any], hearing: NmdHearing, *, made_on: date,
                     lang: str = "en", stamp: str = "") -> bytes:
    texts = Texts(lang)
    t = texts.t
    participations = [r for r in records if isinstance(r, Participation)]
    met, _notes = efc.conditions_met(participations, made_on)
    placement = youth.placement.type if youth.placement else None
    agreements = [r for r in records if isinstance(r, EfcAgreement)]
    strtp = (t("Placed in an STRTP; need documented in the case plan: {yes}").format(
        yes=t("yes") if any(a.strtp_need_documented for a in agreements) else t("no"))
        if placement is PlacementType.STRTP else t("Not placed in an STRTP."))
    items = [
        (t("(1) The plan to remain in foster care and to meet the participation conditions"),
         ", ".join(t(CONDITION_SHORT[c.value]) for c in met) or t("no condition met on this date")),
        (t("(2) Efforts made and help given"), hearing.efforts or "—"),
        (t("(3) Progress on the documents and items of WIC 391(e)(2)"), hearing.exit_documents or "—"),
        (t("(4) STRTP or community treatment facility placement"), strtp),
        (t("(5) High school credits"), hearing.high_school_credits or "—"),
        (t("(6) The adult who helps with postsecondary and financial-aid applications"),
         hearing.postsecondary_helper or "—"),
    ]
    story: list[Flowable] = [
        para(t(ATTACHMENT_TITLE), "title"),
        para(t("Items of Welf. & Inst. Code 366.31(b) for the hearing on {day}.").format(
            day=hearing.on.isoformat())),
        youth_identity(youth, texts), Spacer(1, 6),
        table(items, [3.0 * inch, 4.0 * inch], header=False),
        para(t("Participation conditions"), "heading"), _conditions(participations, texts),
        Spacer(1, 14), signature_block([t("Social worker or probation officer")], t("Date")),
    ]
    return render(story, title=t(ATTACHMENT_TITLE), footer=_footer(texts, stamp))
