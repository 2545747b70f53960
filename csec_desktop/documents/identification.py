"""Printables of the CSEC response: the screening summary, the 24-hour notification log and
the missing-youth report sheet (with what Pen. Code 11166(j)(3)(B) asks a report to hold)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from csec_desktop import formspec
from csec_desktop.documents.page import Footer, Texts, checkbox, para, render, signature_block, table
from csec_desktop.documents.summary import safety_box
from csec_desktop.domain.csec import CSEC_STATUS_LABELS, CsecStatus, FormResponse, MissingEpisode
from csec_desktop.domain.duties import DutyDone, Told, method_words
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import LEGAL_ZONE, Finding
from csec_desktop.text import N_

SCREEN_TITLE = N_("Screening summary")
LOG_TITLE = N_("24-hour notification log")
MISSING_TITLE = N_("Missing youth report sheet")


def _footer(texts: Texts, stamp: str) -> Footer:
    return Footer(notice=texts.t("Confidential: juvenile case file information, Welf. & Inst. Code 827"),
                  stamp=stamp, page_label=texts.page_label)


def youth_identity(youth: Youth, texts: Texts) -> Flowable:
    t = texts.t
    return table([(t("Name"), youth.display_name()), (t("Date of birth"), youth.date_of_birth.isoformat()),
                  (t("Juvenile case number"), youth.identifiers.juvenile_case_number or "—")],
                 [2.0 * inch, 5.0 * inch], header=False)


def screening_summary(youth: Youth, response: FormResponse, spec: formspec.FormSpec, *, lang: str = "en",
                      stamp: str = "") -> bytes:
    texts = Texts(lang)
    t = texts.t
    code = texts.codes[0]
    answers = response.answers
    outcome = response.outcome or {}
    story: list[Flowable] = [para(t(SCREEN_TITLE) + " · " + spec.title.get(code), "title"),
                             youth_identity(youth, texts), Spacer(1, 6)]
    if spec.notice:  # the form's own words: a screen is not proof
        story.append(para(spec.notice.get(code), "small"))
    sources = {o.value: o.label.get(code) for f in spec.fields() for o in f.options}
    story.append(table([
        (t("Completed"), response.completed_at.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M")),
        (t("By"), response.completed_by),
        (t("Information used"), ", ".join(sources.get(v, v) for v in answers.get("sources_used", []))),
        (t("Form"), f"{spec.id} v{response.form_version}"),
    ], [2.0 * inch, 5.0 * inch], header=False))
    if spec.scoring and outcome:
        band = formspec.result_text(spec, outcome, code, t)
        story += [para(t("Result"), "heading"),
                  para(t("{band} (score {score})").format(band=band, score=outcome.get("score")))]
        unanswered = outcome.get("unanswered") or []
        if unanswered:
            story.append(para(t("{n} of {total} items not answered: they add nothing to the score and are "
                                "not counted as \"no concern\".").format(
                n=len(unanswered), total=len(unanswered) + int(outcome.get("rated") or 0))))
        drivers = outcome.get("drivers") or []
        if drivers:
            rows = [(spec.field(d["field_id"]).label.get(code), t(formspec.RATINGS[d["rating"]]),
                     str(d["points"])) for d in drivers]
            story.append(table([(t("Item"), t("Rating"), t("Points")), *rows],
                               [4.6 * inch, 1.3 * inch, 1.1 * inch]))
        story.append(para(spec.scoring.explanation.get(code), "small"))
    for step in spec.steps:
        answered: list[tuple[str, str]] = [
            (f.label.get(code), t(formspec.RATINGS[answers[f.id]]) if f.type.value == "rating"
             else str(answers[f.id]))
            for f in step.fields if f.id in answers and f.id != "sources_used"]
        if answered:
            story += [para(step.title.get(code), "heading"),
                      table(answered, [5.0 * inch, 2.0 * inch], header=False)]
    return render(story, title=t(SCREEN_TITLE), footer=_footer(texts, stamp))


def notification_log(youth: Youth, findings: list[Finding], marks: list[dict[str, Any]], *, made_on: date,
                     lang: str = "en", stamp: str = "") -> bytes:
    """Every hour-clock duty for the youth: when its clock started and when it fell due, when it was
    done, how, to whom, by whom."""
    texts = Texts(lang)
    t = texts.t
    by_key = {(m["rule_id"], m.get("occurrence", "")): m for m in marks}
    rows = [(t("Duty"), t("Due"), t("Done"), t("How"), t("Who was told"), t("By"))]

    def when(moment: datetime | None) -> str:
        return moment.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""

    for f in findings:
        if not f.rule_id.startswith(("csec.report", "csec.canra", "missing.")):
            continue
        # When the clock started, under the duty: the 24 hours are read from it.
        started = "\n" + t("Information received {when}").format(when=when(f.started)) if f.started else ""
        duty = (f"{t(f.title)} ({f.citation}){started}", when(f.due))
        mark = by_key.get((f.rule_id, f.occurrence))
        if mark is None:
            rows.append((*duty, t("not yet"), "", "", ""))
            continue
        done = DutyDone.model_validate({k: v for k, v in mark.items() if k != "by"})
        # each recipient on a line of its own, with when and how that one was told
        told = done.told() or [Told(who="—", at=done.done_at, method=done.method)]
        for n, line in enumerate(told):
            rows.append((*(duty if n == 0 else ("", "")), when(line.at) or done.done_on.isoformat(),
                         t(method_words(line.method)) if line.method else "", line.who,
                         mark.get("by", "") if n == 0 else ""))
    story: list[Flowable] = [para(t(LOG_TITLE), "title"), youth_identity(youth, texts), Spacer(1, 8)]
    if len(rows) == 1:
        story.append(para(t("No reports or notices are due for this youth."), "small"))
    else:
        # "By" wide enough for a user name ("demo.worker" broke as "demo.w / orker").
        story.append(table(rows, [2.0 * inch, 1.0 * inch, 1.0 * inch, 0.8 * inch, 1.2 * inch, 1.0 * inch]))
    story.append(para(t("Printed on {day}.").format(day=made_on.isoformat()), "small"))
    return render(story, title=t(LOG_TITLE), footer=_footer(texts, stamp))


def missing_report(youth: Youth, episode: MissingEpisode, status: CsecStatus | None, *, lang: str = "en",
                   stamp: str = "") -> bytes:
    """What law enforcement and NCMEC are to be given, filled where the record knows it and with
    room to write the rest (Pen. Code 11166(j)(3)(B); Welf. & Inst. Code 827.14 allows the disclosure)."""
    texts = Texts(lang)
    t = texts.t
    body = youth.dump()
    when = episode.learned_at.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M %Z")
    last_seen = episode.last_seen_at.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M %Z") \
        if episode.last_seen_at else "—"  # with its zone, as "Staff learned" has it
    blank = "_" * 30
    story: list[Flowable] = [para(t(MISSING_TITLE), "title")]
    if body.get("safety_flags"):
        story += [safety_box(body["safety_flags"], t), Spacer(1, 6)]
    story += [
        table([(t("Name"), youth.legal_name.full()), (t("Preferred name"), youth.preferred_name or "—"),
               (t("Aliases"), ", ".join(a.name for a in youth.aliases) or "—"),
               (t("Date of birth"), youth.date_of_birth.isoformat()),
               (t("Juvenile case number"), youth.identifiers.juvenile_case_number or "—"),
               (t("Staff learned the youth was missing"), when), (t("Last seen"), last_seen),
               (t("Where and with whom"), episode.where_and_with_whom or "—"),
               (t("CSEC status"), t(CSEC_STATUS_LABELS[status.status]) if status else t("Not identified"))],
              [2.4 * inch, 4.6 * inch], header=False),
        para(t("Photo"), "heading"), para(t("Attach a current photo here.") + "\n\n\n\n", "small"),
        para(t("Physical description"), "heading"),
        table([(t("Height"), blank), (t("Weight"), blank), (t("Sex"), blank),
               (t("Race and ethnicity"), blank), (t("Hair colour"), blank), (t("Eye colour"), blank)],
              [2.4 * inch, 4.6 * inch], header=False),
        para(t("Endangerment (as far as lawful to release)"), "heading"),
        checkbox(False, t("Pregnant")), checkbox(False, t("Takes prescription medication")),
        checkbox(False, t("Suicidal thoughts or attempts")),
        checkbox(bool(status and status.status.value in ("victim", "at_risk")),
                 t("Vulnerable to sex trafficking")),
        para(t("Indian child"), "heading"),
        checkbox(False, t("The youth is or may be an Indian child. Tribe:") + " " + blank),
        Spacer(1, 10),
        signature_block([t("Worker making the report")], t("Date")),
        para(t("Pen. Code, § 11166, subd. (j)(3)(B); Welf. & Inst. Code, § 827.14"), "small"),
    ]
    return render(story, title=t(MISSING_TITLE), footer=_footer(texts, stamp))
