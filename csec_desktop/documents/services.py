"""Printables of service planning: the referral letter to a provider and the team meeting
summary. Both carry the Welf. & Inst. Code 827 notice; the letter holds only what the provider
needs to take the referral (the minimum necessary), never the youth's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from csec_desktop.documents.page import Footer, Table, Texts, checkbox, para, render, signature_block, table
from csec_desktop.domain.csec import (
    CSEC_STATUS_LABELS,
    REQUIRED_DISCIPLINES,
    CsecStatus,
    Discipline,
    TeamMeeting,
)
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.labels import choice_label
from csec_desktop.domain.services import REFERRAL_STATUS_LABELS, SERVICE_DOMAINS, Referral
from csec_desktop.domain.youth import Youth
from csec_desktop.services import (
    AREA_STATE_COLOURS,
    AREA_STATE_LABELS,
    REFERRAL_CONSENTS,
    AreaState,
    AreaSummary,
)
from csec_desktop.text import N_

LETTER_TITLE = N_("Referral")
TEAM_TITLE = N_("Team meeting summary")


def _footer(texts: Texts, stamp: str) -> Footer:
    return Footer(notice=texts.t("Confidential: juvenile case file information, Welf. & Inst. Code 827"),
                  stamp=stamp, page_label=texts.page_label)


def glance_tiles(areas: list[AreaSummary], texts: Texts, columns: int = 4) -> Table:
    """The plan at a glance on paper: the screen's tiles, same colours, the state in words."""
    tiles = [[para(texts.t(SERVICE_DOMAINS[a.domain]), "cell_bold"),
              para(texts.t(AREA_STATE_LABELS[a.state]), "small")] for a in areas]
    cells: list[list[Any]] = [tiles[i:i + columns] for i in range(0, len(tiles), columns)]
    if cells and len(cells[-1]) < columns:
        cells[-1] += [""] * (columns - len(cells[-1]))
    grid = Table(cells, colWidths=[7.0 * inch / columns] * columns)
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 5),
                                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]
    for index, area in enumerate(areas):
        row, column = divmod(index, columns)
        fill, border = AREA_STATE_COLOURS[area.state]
        style += [("BACKGROUND", (column, row), (column, row), colors.HexColor(fill)),
                  ("BOX", (column, row), (column, row), 1.5 if area.state is AreaState.UNMET else 0.6,
                   colors.HexColor(border))]
    grid.setStyle(TableStyle(style))
    return grid


def referral_letter(youth: Youth, referral: Referral, provider: DirectoryEntry | None, *, county: str,
                    worker: str, made_on: date, lang: str = "en", stamp: str = "",
                    reach: Sequence[str] = ()) -> bytes:
    """`reach`: the worker's work phone and e-mail, as the administrator recorded them: the letter asks
    the provider to contact the worker."""
    texts = Texts(lang)
    t = texts.t
    to_lines = [referral.provider]
    if provider is not None:
        to_lines += [x for x in (provider.address, provider.phone, provider.email) if x]
    story: list[Flowable] = [
        para(t(LETTER_TITLE) + " · " + county, "title"),
        table([(t("Date"), made_on.isoformat()), (t("To"), "\n".join(to_lines)),
               (t("From"), "\n".join([worker, *reach]))], [1.6 * inch, 5.4 * inch], header=False),
        Spacer(1, 8),
        para(t("We refer the young person below for the service named. Please contact the worker to "
               "arrange intake, and tell the worker whether the referral is accepted.")),
        Spacer(1, 4),
        table([(t("Young person"), youth.preferred_name or youth.legal_name.given),
               (t("Legal name"), youth.display_name()),
               (t("Date of birth"), youth.date_of_birth.isoformat()),
               (t("Language"), youth.primary_language),
               (t("Area of life"), t(SERVICE_DOMAINS.get(referral.domain, referral.domain))),
               (t("Service"), referral.service),
               (t("Status"), t(REFERRAL_STATUS_LABELS[referral.status]))],
              [1.6 * inch, 5.4 * inch], header=False),
    ]
    if referral.notes:
        story += [para(t("Notes for the provider"), "heading"), para(referral.notes)]
    story.append(para(t("Consent"), "heading"))
    if referral.consent_given_on:
        # The consent is quoted as recorded, not called a consent "to this referral": its scope is
        # the person's words, and one covering school records had been sent to a treatment centre.
        scopes = sorted({c.scope for c in youth.consents if c.given_on == referral.consent_given_on
                         and c.kind in REFERRAL_CONSENTS})
        day = referral.consent_given_on.isoformat()
        story.append(para(t("The young person's written consent, given on {day}, is on file. What it covers, "
                            "as recorded: {scope}. Share only what it covers.").format(
            day=day, scope="; ".join(scopes)) if scopes else
            t("The young person's written consent, given on {day}, is on file. Share only what it "
              "covers.").format(day=day)))
    elif referral.consent_override_reason:
        story.append(para(t("Sent before a written consent was on file, with a supervisor's approval; the "
                            "worker will send the consent when it is signed.")))
    else:
        story.append(para(t("Not sent yet: a referral leaves only with the young person's consent.")))
    if youth.safety_flags:
        story += [para(t("Safety"), "heading"),
                  para(t("Do not share this young person's whereabouts or any information with anyone the "
                         "worker has not named. Call the worker before any contact you are unsure of."))]
    story += [Spacer(1, 14), signature_block([worker], t("Date"))]
    return render(story, title=t(LETTER_TITLE), footer=_footer(texts, stamp))


def team_summary(youth: Youth, meeting: TeamMeeting, status: CsecStatus | None, areas: list[AreaSummary],
                 open_referrals: list[Referral], *, lang: str = "en", stamp: str = "") -> bytes:
    texts = Texts(lang)
    t = texts.t
    story: list[Flowable] = [
        para(t(TEAM_TITLE), "title"),
        table([(t("Name"), youth.display_name()), (t("Date of birth"), youth.date_of_birth.isoformat()),
               (t("Meeting held on"), meeting.held_on.isoformat()),
               (t("CSEC status"), t(CSEC_STATUS_LABELS[status.status]) if status else t("not recorded"))],
              [2.0 * inch, 5.0 * inch], header=False),
        para(t("Who took part"), "heading"),
    ]
    rows = [(t(choice_label(Discipline(p["discipline"]))), p["name"]) for p in meeting.attendees]
    story.append(table([(t("Discipline"), t("Name")), *rows], [2.6 * inch, 4.4 * inch]) if rows
                 else para(t("No one recorded."), "small"))
    missing = meeting.missing_disciplines()
    story.append(para(t("Disciplines the county team includes"), "heading"))
    story += [checkbox(d not in missing, t(choice_label(d))) for d in REQUIRED_DISCIPLINES]
    story += [para(t("Decisions"), "heading"), para(meeting.decisions or "—"),
              para(t("Next steps"), "heading"), para(meeting.next_steps or "—"),
              KeepTogether([para(t("The plan at a glance"), "heading"), glance_tiles(areas, texts)])]
    if open_referrals:
        story.append(KeepTogether([
            para(t("Open referrals"), "heading"),
            table([(t("Service"), t("Provider"), t("Status")),
                   *[(r.service, r.provider, t(REFERRAL_STATUS_LABELS[r.status])) for r in open_referrals]],
                  [3.0 * inch, 2.6 * inch, 1.4 * inch])]))
    return render(story, title=t(TEAM_TITLE), footer=_footer(texts, stamp))
