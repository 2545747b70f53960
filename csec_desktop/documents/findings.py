"""How a printed document says a finding's answer and how sure the law behind it is (issue 18).

Three answers, never two: "cannot tell" is printed in words with the facts to record, never as an empty tick
box that a reader would take for "no". The confidence is printed wherever a finding is.
"""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, TableStyle

from csec_desktop.documents.page import Table, Texts, checkbox, para
from csec_desktop.rules import CONFIDENCE_NAMES, STATE_WORDS, Finding, State, kind_name
from csec_desktop.text import N_

CANNOT_TELL_MARK = N_("CANNOT TELL")
"""Printed where a tick box would be: the record cannot decide this check."""


def to_record(missing: tuple[str, ...], texts: Texts) -> str:
    """ "To decide, record: a; b" in the document's language(s)."""
    return texts.t(N_("To decide, record: {facts}")).format(facts="; ".join(texts.t(m) for m in missing))


def answer(finding: Finding, texts: Texts) -> str:
    """A finding's state in words ("cannot tell" with what to record), or what it is (a legal
    deadline, a legal warning, a suggestion: KIND_NAMES, as Today says it); never empty."""
    t = texts.t
    if finding.state is None:
        return t(kind_name(finding))
    words = t(STATE_WORDS[finding.state])
    if finding.state is State.CANNOT_TELL and finding.missing:
        return f"{words}. {to_record(finding.missing, texts)}"
    return words


def law_cell(finding: Finding, texts: Texts) -> str:
    """Citation, the date the law was checked, and the confidence in words."""
    t = texts.t
    return t(N_("{citation} (law as of {date}; {confidence})")).format(
        citation=finding.citation, date=finding.law_as_of.isoformat(),
        confidence=t(CONFIDENCE_NAMES[finding.confidence]))


def check_line(state: State, text: str, missing: tuple[str, ...], texts: Texts,
               width: float = 6.5 * inch) -> Flowable:
    """One eligibility check: a ticked box for yes, an empty box with "No" for no, and for "cannot tell" the
    words CANNOT TELL in the box's place followed by the facts to record."""
    t = texts.t
    if state is State.ELIGIBLE:
        return checkbox(True, text, width)
    if state is State.NOT_ELIGIBLE:
        return checkbox(False, f"{t(N_('No'))}: {text}", width)
    mark = para(t(CANNOT_TELL_MARK), "cell_bold")
    body = [para(text, "cell")]
    if missing:
        body.append(para(to_record(missing, texts), "cell_bold"))
    result = Table([[mark, body]], colWidths=[1.1 * inch, width - 1.1 * inch])
    result.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 3),
                                ("LEFTPADDING", (1, 0), (1, 0), 6), ("TOPPADDING", (0, 0), (-1, -1), 2),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                                ("BOX", (0, 0), (0, 0), 0.8, "#000000")]))
    return result
