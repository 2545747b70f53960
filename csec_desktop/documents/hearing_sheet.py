"""The hearing sheet: one page about one youth for a court hearing, in English or Spanish.

Identifiers, legal status, placement, current goals (from the service plan, once that
module records plans), what is due or overdue, and the safety flags first. Everything is
shrunk to fit one page rather than spilling onto a second the judge may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepInFrame, Spacer

from csec_desktop.documents.findings import answer, law_cell
from csec_desktop.documents.page import Footer, Texts, para, render, table
from csec_desktop.documents.summary import safety_box
from csec_desktop.domain.labels import choice_label
from csec_desktop.domain.protection import ORDER_KIND_LABELS, ORDER_STAGE_LABELS, ProtectiveOrder
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, Youth
from csec_desktop.rules import LEGAL_ZONE, Finding, age_on
from csec_desktop.text import N_

TITLE = N_("Hearing sheet")
UPCOMING_DAYS = 90


def hearing_sheet(youth: Youth, *, findings: list[Finding], goals: list[str], made_on: date,
                  lang: str = "en", stamp: str = "", orders: Sequence[ProtectiveOrder] = ()) -> bytes:
    """`orders`: the youth's protective orders; those in force on `made_on` are printed (a judge
    deciding where the youth lives needs to know of one: the sheet said nothing of it)."""
    texts = Texts(lang)
    t = texts.t
    body = youth.dump()
    ids = youth.identifiers
    rows = [
        (t("Name"), youth.display_name() if not youth.preferred_name else
         t("{name} (legal name: {legal})").format(name=youth.display_name(), legal=youth.legal_name.full())),
        (t("Date of birth"), t("{day} (age {years})").format(day=youth.date_of_birth.isoformat(),
                                                          years=age_on(youth.date_of_birth, made_on))),
        (t("Juvenile case number"), ids.juvenile_case_number or "—"),
        (t("Probation number"), ids.probation_number or "—"),
        (t("Legal status"), t(LEGAL_STATUS_LABELS[youth.current_status(made_on)])),
        (t("Current placement"), " · ".join(x for x in (
            t(choice_label(youth.placement.type)), youth.placement.name or "",
            t("since {day}").format(day=youth.placement.since.isoformat()) if youth.placement.since else "")
            if x) if youth.placement else "—"),
        (t("Assigned worker"), youth.assigned_worker or "—"),
    ]
    horizon = datetime.combine(made_on + timedelta(days=UPCOMING_DAYS), datetime.max.time(), LEGAL_ZONE)
    upcoming = [f for f in findings if not f.done and (f.due is None or f.due <= horizon)]
    story: list[Flowable] = [para(t(TITLE), "title")]
    flags: list[dict[str, Any]] = body.get("safety_flags") or []
    if flags:
        story += [safety_box(flags, t), Spacer(1, 6)]
    story.append(table(rows, [2.0 * inch, 5.0 * inch], header=False))
    in_force = [o for o in orders if o.in_force_on(made_on)]
    if in_force:
        story += [para(t("Protective orders in force"), "heading"),
                  table([(t("Kind of order"), t("Restrained person"), t("Where it stands"), t("Expires"),
                          t("Court case number")),
                         *[(t(ORDER_KIND_LABELS[o.order_kind]), o.restrained_person,
                            t(ORDER_STAGE_LABELS[o.stage]), o.expires_on.isoformat() if o.expires_on else "—",
                            o.court_case_number or "—") for o in in_force]],
                        [2.0 * inch, 1.5 * inch, 1.2 * inch, 1.0 * inch, 1.3 * inch])]
    story.append(para(t("Current goals"), "heading"))
    story += [para(f"• {goal}") for goal in goals] or [
        para(t("No service plan is recorded yet."), "small")]
    story.append(para(t("Due and overdue in the next {days} days").format(days=UPCOMING_DAYS), "heading"))
    if upcoming:
        story.append(table([(t("Due"), t("Duty"), t("Answer"), t("Law")),
                            *[(f.due.astimezone(LEGAL_ZONE).date().isoformat() if f.due else "",
                               t(f.title), answer(f, texts), law_cell(f, texts)) for f in upcoming]],
                           [0.9 * inch, 2.6 * inch, 1.6 * inch, 1.9 * inch]))
    else:
        story.append(para(t("Nothing is due."), "small"))
    story.append(para(t("Prepared on {day}.").format(day=made_on.isoformat()), "small"))
    # One page, always: shrink rather than spill onto a page the court may not see.
    fitted = KeepInFrame(7.0 * inch, 9.3 * inch, story, mode="shrink")
    return render([fitted], title=t(TITLE), footer=Footer(
        notice=t("Confidential: juvenile case file information, Welf. & Inst. Code 827"), stamp=stamp,
        page_label=texts.page_label))
