"""The youth's plan in plain language, for the youth: English, Spanish, or both side by side."""

from __future__ import annotations

import re
from datetime import date

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from csec_desktop.documents.page import Footer, Texts, para, render, signature_block, table
from csec_desktop.domain.services import GoalStatus, PlanGoal, PlanSignoff
from csec_desktop.domain.youth import Youth
from csec_desktop.formspec import FormSpec
from csec_desktop.text import N_

TITLE = N_("My plan")
_EXAMPLES = re.compile(r"\s*\([^)]*\)\s*$")
"""A needs area's examples, in brackets at the end of its title."""
GOAL_STATUS = {GoalStatus.NOT_STARTED: N_("not started yet"), GoalStatus.IN_PROGRESS: N_("working on it"),
               GoalStatus.DONE: N_("done"), GoalStatus.CHANGED: N_("changed")}


def youth_plan(youth: Youth, goals: list[PlanGoal], signoff: PlanSignoff | None, needs: FormSpec | None, *,
               made_on: date, lang: str = "en", stamp: str = "") -> bytes:
    texts = Texts(lang)
    t = texts.t
    # Area names come from the needs-assessment form, in each language printed, without the
    # examples staff see in brackets: this paper is the youth's, and may be found by the person
    # exploiting them ("protective orders against exploiters" was printed on it).
    domain_names = {step.id: " / ".join(dict.fromkeys(_EXAMPLES.sub("", step.title.get(c))
                                                      for c in texts.codes))
                    for step in needs.steps} if needs else {}
    story: list[Flowable] = [
        para(t(TITLE) + " · " + (youth.preferred_name or youth.legal_name.given), "title"),
        texts.block("These are your goals, in your words, and the steps to get there. You can change them "
                    "at any time: tell your worker."),
        Spacer(1, 6),
    ]
    if not goals:
        story.append(para(t("No goals are written down yet."), "small"))
    for goal in goals:
        steps = [line.strip() for line in goal.steps.splitlines() if line.strip()]
        story.append(KeepTogether([
            para(domain_names.get(goal.domain, goal.domain.replace("_", " ")), "heading"),
            table([(t("What I want"), goal.goal),
                   (t("Steps"), "\n".join(f"• {s}" for s in steps)),
                   (t("Who helps"), goal.who_helps),
                   (t("By when"), goal.due_on.isoformat() if goal.due_on else "—"),
                   (t("Where it stands"), t(GOAL_STATUS[goal.status]))],
                  [1.7 * inch, 5.3 * inch], header=False)]))
    if signoff:
        story += [Spacer(1, 8), para(t("We will look at this plan again on {day}.").format(
            day=signoff.next_review_on.isoformat()))]
    story += [Spacer(1, 14), signature_block([t("Youth"), t("Worker")], t("Date")),
              para(t("Printed on {day}.").format(day=made_on.isoformat()), "small")]
    return render(story, title=t(TITLE), footer=Footer(
        notice=t("Confidential: juvenile case file information, Welf. & Inst. Code 827"), stamp=stamp,
        page_label=texts.page_label))
