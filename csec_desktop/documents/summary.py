"""The youth summary: one youth's record on paper, in English or Spanish, for the file
or a team meeting. Safety flags come first, boxed, so nobody reads past them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer, TableStyle

from csec_desktop.documents.findings import answer, law_cell
from csec_desktop.documents.page import Footer, Table, Texts, para, render, table
from csec_desktop.domain.labels import choice_label
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS, Youth, flag_naming, instruction_shown
from csec_desktop.rules import LEGAL_ZONE, Finding, age_on
from csec_desktop.text import N_

TITLE = N_("Youth summary")


def safety_box(flags: list[dict[str, Any]], t: Any) -> Table:
    """The safety flags, boxed in red, for the top of any document about a youth."""
    rows = [[para(t("SAFETY: do not share information with these people"), "cell_bold")]]
    rows += [[para(f"{f['person']}: {instruction_shown(f.get('instruction'), t)}"
                   + (f" ({f['description']})" if f.get("description") else ""), "cell")] for f in flags]
    box = Table(rows, colWidths=[7.0 * inch])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, "#8b0000"),
                             ("BACKGROUND", (0, 0), (-1, 0), "#f6dede")]))
    return box


def youth_summary(youth: Youth, *, contacts: list[dict[str, Any]], findings: list[Finding],
                  made_on: date, lang: str = "en", stamp: str = "", now: datetime | None = None,
                  done: Mapping[tuple[str, str], date] | None = None) -> bytes:
    """`now`: when the duties were found (late ones are said to be overdue); `done`: the day each
    duty marked done was done, by (rule, occurrence)."""
    texts = Texts(lang)
    t = texts.t
    body = youth.dump()
    flags = body.get("safety_flags") or []
    story: list[Flowable] = [para(t(TITLE), "title")]
    if flags:
        story += [safety_box(flags, t), Spacer(1, 8)]
    ids = youth.identifiers
    age = t("{day} (age {years})").format(day=youth.date_of_birth.isoformat(),
                                          years=age_on(youth.date_of_birth, made_on))
    status = t(LEGAL_STATUS_LABELS[youth.current_status(made_on)])
    identity = [
        (t("Legal name"), youth.legal_name.full()),
        (t("Preferred name"), youth.preferred_name or ""),
        (t("Date of birth"), age),
        (t("Pronouns"), youth.pronouns or ""), (t("Primary language"), youth.primary_language),
        (t("County"), youth.county), (t("Legal status"), status),
        (t("Juvenile case number"), ids.juvenile_case_number or ""),
        (t("Probation number"), ids.probation_number or ""),
        (t("CWS/CMS client id"), ids.cws_cms_client_id or ""),
        (t("Assigned worker"), youth.assigned_worker or ""), (t("Unit"), youth.unit or ""),
    ]
    story += [para(t("Identity"), "heading"),
              table([(k, v) for k, v in identity if v], [2.0 * inch, 5.0 * inch], header=False)]
    if youth.aliases:
        story += [para(t("Aliases, monikers and street names"), "heading"),
                  table([(t("Name"), t("Kind"), t("Note")),
                         *[(a.name, t(choice_label(a.kind)), a.note or "")
                           for a in youth.aliases]], [2.3 * inch, 1.5 * inch, 3.2 * inch])]
    if youth.legal_status:
        story += [para(t("Legal status over time"), "heading"),
                  table([(t("Legal status"), t("Start"), t("End")),
                         *[(t(LEGAL_STATUS_LABELS[p.status]), p.start.isoformat(),
                            p.end.isoformat() if p.end else t("now")) for p in youth.legal_status]],
                        [3.4 * inch, 1.8 * inch, 1.8 * inch])]
    if youth.placement:
        p = youth.placement
        story += [para(t("Current placement"), "heading"),
                  para(" · ".join(x for x in (t(choice_label(p.type)), p.name or "",
                                              p.since.isoformat() if p.since else "") if x))]
    if youth.consents:
        story += [para(t("Consents"), "heading"),
                  table([(t("Kind"), t("What it covers"), t("Given by"), t("Given on"), t("Ends")),
                         *[(t(choice_label(c.kind)), c.scope, c.given_by, c.given_on.isoformat(),
                            (t("revoked") + " " + c.revoked_on.isoformat()) if c.revoked_on
                            else c.expires_on.isoformat() if c.expires_on else "")
                           for c in youth.consents]],
                        [1.4 * inch, 2.3 * inch, 1.3 * inch, 1.0 * inch, 1.0 * inch])]
    if contacts:
        story += [para(t("Contacts"), "heading"),
                  table([(t("Name"), t("Relationship"), t("Phone"), t("May receive information")),
                         *[(c["name"], c["relationship"], c.get("phone") or "",
                            _may_receive(c, youth, t)) for c in contacts]],
                        [2.2 * inch, 1.6 * inch, 1.5 * inch, 1.7 * inch])]
    if findings:
        # Each finding with its answer (eligible, not eligible, or cannot tell with what to record) and the
        # confidence of the law it applies.
        moment = now or datetime.combine(made_on, time(12), LEGAL_ZONE)
        marked = done or {}
        story += [para(t("Duties"), "heading"),
                  table([(t("Due"), t("Duty"), t("Status"), t("Law")),
                         *[(f.due.astimezone(LEGAL_ZONE).date().isoformat() if f.due else "",
                            t(f.title), _status(f, texts, moment, marked.get((f.rule_id, f.occurrence))),
                            law_cell(f, texts))
                           for f in findings]],
                        [0.9 * inch, 2.5 * inch, 1.6 * inch, 2.0 * inch])]
    story += [Spacer(1, 10), para(t("Printed on {day}.").format(day=made_on.isoformat()), "small")]
    return render(story, title=t(TITLE), footer=Footer(
        notice=t("Confidential: juvenile case file information, Welf. & Inst. Code 827"), stamp=stamp,
        page_label=texts.page_label))


NAMED_IN_FLAG = N_("no: named in a safety flag")


def _may_receive(contact: dict[str, Any], youth: Youth, t: Callable[[str], str]) -> str:
    """Whether the contact may be told about the youth: never "yes" for a person a safety flag
    names, whatever the contact says (a flag added after the contact was)."""
    if flag_naming(str(contact.get("name") or ""), youth.safety_flags) is not None:
        return t(NAMED_IN_FLAG)
    return t("yes") if contact.get("may_receive_information") else t("no")


def _status(finding: Finding, texts: Texts, now: datetime, done_on: date | None) -> str:
    """A duty's status as the worker reads it: done (on the day it was), overdue, or what it is; an
    eligibility finding's answer. The column had said "Legal deadline" for a report done and for
    one months late alike."""
    t = texts.t
    if finding.done:
        return t(DONE_ON).format(day=done_on.isoformat()) if done_on else t("done")
    said = answer(finding, texts)
    return f"{said}: {t(OVERDUE)}" if finding.state is None and finding.overdue(now) else said


DONE_ON = N_("done on {day}")
OVERDUE = N_("overdue")
