"""Printable documents as the signed-in person may make, print and export them.

A document is made in memory (bytes) for preview. Printing it writes an audit entry;
saving it as a file is an export: it needs the export permission and a stated purpose
(Welf. & Inst. Code 827), stamps every page with who exported it, when and why, and
writes an audit entry naming the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from csec_desktop import caseload, directory, identification, services, today
from csec_desktop.clock import utc_iso
from csec_desktop.documents import efc as efc_docs
from csec_desktop.documents import vacatur as vacatur_docs
from csec_desktop.documents.hearing_sheet import TITLE as HEARING_TITLE
from csec_desktop.documents.hearing_sheet import hearing_sheet
from csec_desktop.documents.identification import (
    LOG_TITLE,
    MISSING_TITLE,
    SCREEN_TITLE,
    missing_report,
    notification_log,
    screening_summary,
)
from csec_desktop.documents.plan import TITLE as PLAN_TITLE
from csec_desktop.documents.plan import youth_plan
from csec_desktop.documents.services import LETTER_TITLE, TEAM_TITLE, referral_letter, team_summary
from csec_desktop.documents.summary import TITLE as SUMMARY_TITLE
from csec_desktop.documents.summary import youth_summary
from csec_desktop.domain.base import stated_purpose
from csec_desktop.domain.csec import FormResponse, MissingEpisode, TeamMeeting
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.efc import NmdHearing, TransitionPlan
from csec_desktop.domain.people import Permission, Role, User
from csec_desktop.domain.protection import ProtectiveOrder
from csec_desktop.domain.services import GoalStatus, PlanGoal, PlanSignoff, Referral, ReferralStatus
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import CsecError, NotFound
from csec_desktop.fileio import atomic_write, check_output_path
from csec_desktop.rules import LEGAL_ZONE, REGISTRY
from csec_desktop.storage.vault import Vault
from csec_desktop.text import W
from csec_desktop.vacatur.petition import Petition

_COURT_PAPER_EXPORT = frozenset({Role.ATTORNEY})
"""An attorney files court papers: they may export these (purpose required, audited) although
their role has no EXPORT for any other document."""

Builder = Callable[[Vault, str, str, str, str | None], bytes]
"""vault, youth id, language, stamp, and for a document about one record (a referral letter)
that record's id (None: the newest) -> PDF."""


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    title: str  # N_-marked English; also the PDF's neutral title
    build: Builder
    court_paper: bool = False
    """Filed with a California court: in English whatever language is asked for."""
    needs: tuple[Permission, ...] = ()
    """Beyond reading the youth: a paper quoting the youth's account needs READ_NARRATIVE."""
    item_kind: str | None = None
    """The kind of record a paper is about (one referral, one petition), when it is about one."""
    export_by: frozenset[Role] = frozenset()
    """Roles that may export this document although their role lacks EXPORT (the attorney, for
    court papers only: domain/people.py). Everyone else needs EXPORT."""

    def may_export(self, user: User) -> bool:
        return user.can(Permission.EXPORT) or (not user.disabled and user.role in self.export_by)


def _summary(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    record = caseload.get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth)
    contacts = [r.body.dump() for r in caseload.attached(vault, youth_id, "contact")]
    now = datetime.now(LEGAL_ZONE)
    done = {(r.body.rule_id, r.body.occurrence): r.body.done_on
            for r in caseload.attached(vault, youth_id, "duty_done") if isinstance(r.body, DutyDone)}
    return youth_summary(record.body, contacts=contacts,
                         findings=REGISTRY.printable(today.for_youth(vault, youth_id, now)),
                         made_on=now.date(), lang=lang, stamp=stamp, now=now, done=done)


def _hearing(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    record = caseload.get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth)
    now = datetime.now(LEGAL_ZONE)
    open_goals = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
    goals = [f"{r.body.goal} ({r.body.who_helps})" for r in caseload.attached(vault, youth_id, "plan_goal")
             if isinstance(r.body, PlanGoal) and r.body.status in open_goals]
    orders = [r.body for r in caseload.attached(vault, youth_id, "protective_order")
              if isinstance(r.body, ProtectiveOrder)]
    return hearing_sheet(record.body, findings=REGISTRY.printable(today.for_youth(vault, youth_id, now)),
                         goals=goals, orders=orders, made_on=now.date(), lang=lang, stamp=stamp)


def _youth(vault: Vault, youth_id: str) -> Youth:
    record = caseload.get_youth(vault, youth_id, audit=False)
    assert isinstance(record.body, Youth)
    return record.body


def _latest(vault: Vault, youth_id: str, kind: str, what: str) -> Any:
    records = caseload.attached(vault, youth_id, kind)
    if not records:
        raise NotFound(f"This youth has no {what} to print yet.")
    return records[-1].body  # ids are UUIDv7: the last is the newest


def _screening(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    if not caseload.attached(vault, youth_id, "form_response") and \
            caseload.attached(vault, youth_id, "licensed_screen"):
        # "No screen to print yet" beside a licensed tool's result read as if it were lost.
        raise NotFound(W("This youth's screens are a licensed tool's results: their band, date and screener "
                         "are on the CSEC tab. Only a screen made in this app prints a summary."))
    response = _latest(vault, youth_id, "form_response", "screen")
    assert isinstance(response, FormResponse)
    spec = identification.forms().get(response.form_id)
    if spec is None:
        raise NotFound(f"The form {response.form_id!r} is missing from forms/.")
    current = response.model_copy(update={"answers": identification.current_answers(response)})
    return screening_summary(_youth(vault, youth_id), current, spec, lang=lang, stamp=stamp)


def _log(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    now = datetime.now(LEGAL_ZONE)
    marks = [{**r.body.dump(), "by": r.created_by} for r in caseload.attached(vault, youth_id, "duty_done")]
    found = REGISTRY.printable(today.for_youth(vault, youth_id, now))
    return notification_log(_youth(vault, youth_id), found, marks, made_on=now.date(), lang=lang, stamp=stamp)


def _missing(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    episode = _latest(vault, youth_id, "missing_episode", "missing-from-care episode")
    assert isinstance(episode, MissingEpisode)
    known = [s for s in identification.statuses(vault, youth_id) if s.decided_at <= episode.learned_at]
    return missing_report(_youth(vault, youth_id), episode, known[-1] if known else None, lang=lang,
                          stamp=stamp)


def _plan(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    goals = [r.body for r in caseload.attached(vault, youth_id, "plan_goal") if isinstance(r.body, PlanGoal)]
    signoffs = [r.body for r in caseload.attached(vault, youth_id, "plan_signoff")
                if isinstance(r.body, PlanSignoff)]
    return youth_plan(_youth(vault, youth_id), goals, signoffs[-1] if signoffs else None,
                      identification.forms().get("needs_assessment"),
                      made_on=datetime.now(LEGAL_ZONE).date(), lang=lang, stamp=stamp)


def _chosen(vault: Vault, youth_id: str, kind: str, item: str | None, what: str, pick: Any = None) -> Any:
    """The record `item` of this youth, or the newest one `pick` accepts."""
    if item is not None:
        # Through the caseload's door: the youth's account in it is audited or blanked there.
        return caseload.attached_record(vault, youth_id, item, kind).body
    records = [r for r in caseload.attached(vault, youth_id, kind) if pick is None or pick(r.body)]
    if not records:
        raise NotFound(f"This youth has no {what} to print yet.")
    return records[-1].body


LETTER_STATUSES = frozenset({ReferralStatus.REFERRED, ReferralStatus.ACCEPTED, ReferralStatus.ACTIVE})
"""A referral's letter goes to the provider while the referral is under way."""


def _referral_letter(vault: Vault, youth_id: str, lang: str, stamp: str, item: str | None = None) -> bytes:
    referral = _chosen(vault, youth_id, "referral", item, "referral", lambda r: r.status in LETTER_STATUSES)
    assert isinstance(referral, Referral)
    if referral.status not in LETTER_STATUSES:
        # The letter shares the youth's name, birth and need with the provider: a suggestion has
        # not been through the consent check sending makes, and one declined or missed asked the
        # provider to accept it all the same (review, session 38).
        raise CsecError(W("This referral has not been sent: send it, with the youth's consent, before "
                          "printing its letter.") if referral.status is ReferralStatus.SUGGESTED else
                        W("This referral has ended: a letter would ask the provider to accept it."))
    entries = {e.body.name: e.body for e in directory.entries(vault) if isinstance(e.body, DirectoryEntry)}
    return referral_letter(_youth(vault, youth_id), referral, entries.get(referral.provider),
                           county=vault.county, worker=vault.user.display_name,
                           reach=[x for x in (vault.user.phone, vault.user.email) if x],
                           made_on=datetime.now(LEGAL_ZONE).date(), lang=lang, stamp=stamp)


def _team(vault: Vault, youth_id: str, lang: str, stamp: str, item: str | None = None) -> bytes:
    meeting = _chosen(vault, youth_id, "team_meeting", item, "team meeting")
    assert isinstance(meeting, TeamMeeting)
    decided = [s for s in identification.statuses(vault, youth_id)
               if s.decided_at.astimezone(LEGAL_ZONE).date() <= meeting.held_on]
    sent = (ReferralStatus.REFERRED, ReferralStatus.ACCEPTED, ReferralStatus.ACTIVE)
    referrals = [r.body for r in caseload.attached(vault, youth_id, "referral")
                 if isinstance(r.body, Referral) and r.body.status in sent]
    return team_summary(_youth(vault, youth_id), meeting, decided[-1] if decided else None,
                        services.plan_overview(vault, youth_id), referrals, lang=lang, stamp=stamp)


def _efc_records(vault: Vault, youth_id: str) -> list[Any]:
    from csec_desktop.rules.efc import EFC_KINDS

    return [r.body for kind in EFC_KINDS for r in caseload.attached(vault, youth_id, kind)]


def _transition(vault: Vault, youth_id: str, lang: str, stamp: str, item: str | None = None) -> bytes:
    plans = [r for r in _efc_records(vault, youth_id) if isinstance(r, TransitionPlan)]
    plan = _chosen(vault, youth_id, "transition_plan", item, "transition plan") if item else \
        (max(plans, key=lambda p: p.made_on) if plans else None)
    return efc_docs.transition_plan(_youth(vault, youth_id), plan, made_on=datetime.now(LEGAL_ZONE).date(),
                                    lang=lang, stamp=stamp)


def _participation(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    return efc_docs.participation_plan(_youth(vault, youth_id), _efc_records(vault, youth_id),
                                       made_on=datetime.now(LEGAL_ZONE).date(), lang=lang, stamp=stamp)


def _worksheet(vault: Vault, youth_id: str, lang: str, stamp: str, _item: str | None = None) -> bytes:
    from csec_desktop import policy

    return efc_docs.certification_worksheet(_youth(vault, youth_id), _efc_records(vault, youth_id),
                                            made_on=datetime.now(LEGAL_ZONE).date(), lang=lang, stamp=stamp,
                                            medical_days=policy.values(vault)["efc_medical_update_days"])


def _attachment(vault: Vault, youth_id: str, lang: str, stamp: str, item: str | None = None) -> bytes:
    hearing = _chosen(vault, youth_id, "nmd_hearing", item, "hearing")
    assert isinstance(hearing, NmdHearing)
    return efc_docs.court_attachment(_youth(vault, youth_id), _efc_records(vault, youth_id), hearing,
                                     made_on=datetime.now(LEGAL_ZONE).date(), lang=lang, stamp=stamp)


def _vacatur(build: Callable[[Petition], bytes]) -> Builder:
    """A vacatur paper (or the whole packet) for the petition `item` (or the newest), one per
    court case; public papers are checked for private facts before they are returned."""
    def make(vault: Vault, youth_id: str, _lang: str, _stamp: str, item: str | None = None) -> bytes:
        from csec_desktop.vacatur import workflow

        return build(workflow.load(vault, youth_id, item))
    return make


def _one(paper: vacatur_docs.Paper, name: str, public: bool = True) -> Callable[[Petition], bytes]:
    return lambda p: vacatur_docs.one_paper(p, paper, name, public)


# The papers quote the youth's account: only roles that may read it make them.
_PACKET_NEEDS = (Permission.READ_NARRATIVE,)

DOCUMENTS: dict[str, DocumentKind] = {
    **{kind: DocumentKind(kind, title, _vacatur(build), court_paper=True, needs=_PACKET_NEEDS,
                          item_kind="vacatur_case", export_by=_COURT_PAPER_EXPORT)
       for kind, title, build in (
           ("vacatur_packet", vacatur_docs.PACKET_TITLE, vacatur_docs.packet),
           ("vacatur_petition", vacatur_docs.PETITION_TITLE, _one(vacatur_docs.petition, "petition")),
           ("vacatur_declaration", vacatur_docs.DECLARATION_TITLE,
            _one(vacatur_docs.declaration, "declaration")),
           ("vacatur_order", vacatur_docs.ORDER_TITLE, _one(vacatur_docs.order, "proposed order")),
           ("vacatur_service", vacatur_docs.SERVICE_TITLE, _one(vacatur_docs.proof_of_service,
                                                                "proof of service")),
           ("vacatur_identity", vacatur_docs.IDENTITY_TITLE,
            _one(vacatur_docs.identity_attachment, "identity attachment", public=False)))},
    "transition_plan": DocumentKind("transition_plan", efc_docs.PLAN_TITLE, _transition,
                                                 item_kind="transition_plan"),
    "participation_plan": DocumentKind("participation_plan", efc_docs.PARTICIPATION_TITLE, _participation),
    "certification_worksheet": DocumentKind("certification_worksheet", efc_docs.WORKSHEET_TITLE, _worksheet),
    "court_attachment": DocumentKind("court_attachment", efc_docs.ATTACHMENT_TITLE, _attachment,
                                                  item_kind="nmd_hearing"),
    "referral_letter": DocumentKind("referral_letter", LETTER_TITLE, _referral_letter, item_kind="referral"),
    "team_summary": DocumentKind("team_summary", TEAM_TITLE, _team, item_kind="team_meeting"),
    "youth_plan": DocumentKind("youth_plan", PLAN_TITLE, _plan),
    "youth_summary": DocumentKind("youth_summary", SUMMARY_TITLE, _summary),
    "hearing_sheet": DocumentKind("hearing_sheet", HEARING_TITLE, _hearing),
    "screening_summary": DocumentKind("screening_summary", SCREEN_TITLE, _screening),
    "notification_log": DocumentKind("notification_log", LOG_TITLE, _log),
    "missing_report": DocumentKind("missing_report", MISSING_TITLE, _missing),
}
"""Later modules (plans, petitions) add their documents here."""


def _kind(kind: str) -> DocumentKind:
    try:
        return DOCUMENTS[kind]
    except KeyError:
        raise NotFound(f"No document kind {kind!r}.") from None


def make(vault: Vault, kind: str, youth_id: str, lang: str = "en", item: str | None = None) -> bytes:
    """The document for preview; reading the record for it counts as viewing it."""
    document = _kind(kind)
    vault.require(Permission.READ_YOUTH)
    for permission in document.needs:
        vault.require(permission)
    youth = caseload.get_youth(vault, youth_id)  # permission check and the audited view
    with caseload.youth_checked(vault, youth):
        return document.build(vault, youth_id, lang, "", item)


def printed(vault: Vault, kind: str, youth_id: str | None, pages: int) -> None:
    vault.require(Permission.PRINT)
    vault.audit("print", record_id=youth_id, document=_kind(kind).kind, pages=pages)


def may_export(vault: Vault, document: DocumentKind) -> bool:
    """Saving a document as a file needs EXPORT; an attorney (READ_NARRATIVE and REVIEW_PETITION)
    may also export the court papers they file, and nothing else."""
    court_filer = document.court_paper and vault.user.can(Permission.REVIEW_PETITION)
    return (vault.user.can(Permission.EXPORT) or court_filer) and \
        all(vault.user.can(p) for p in document.needs)


def export(vault: Vault, kind: str, youth_id: str, purpose: str, path: Path, lang: str = "en",
           item: str | None = None, *, overwrite: bool = False) -> int:
    """Write the document to `path`, stamped, after checking role and purpose. Returns its size.
    Never through a link or onto a device; over an existing file only with `overwrite`."""
    check_output_path(path, overwrite=overwrite)
    if not may_export(vault, _kind(kind)):
        vault.require(Permission.EXPORT)  # says what is missing
    purpose = stated_purpose(purpose, "document")
    document = _kind(kind)
    for permission in document.needs:
        vault.require(permission)
    youth = caseload.get_youth(vault, youth_id, audit=False)
    stamp = (f"Exported by {vault.user.username} at {utc_iso(vault.wall())[:16].replace('T', ' ')} UTC "
             f"for: {purpose.strip()[:120]}")
    with caseload.youth_checked(vault, youth):
        data = document.build(vault, youth_id, lang, stamp, item)
    check_output_path(path, overwrite=overwrite)  # again: it may have appeared while the paper was made
    atomic_write(path, data)
    vault.audit("export", record_id=youth_id, document=kind, purpose=purpose.strip(), file=path.name,
                bytes=len(data))
    return len(data)
