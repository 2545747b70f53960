"""The referral letter and the team meeting summary, and every document's words translated:
each label a Spanish document prints must come from the catalog, none left in English."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pypdfium2 as pdfium
import pytest
from babel.messages.pofile import read_po

from csec_desktop import caseload, directory, identification, services
from csec_desktop.documents import jobs, page
from csec_desktop.errors import CsecError, NotFound, PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.text import LOCALE_DIR
from tests.conftest import youth_data

SAFETY_PERSON = "Canary Exploiter Fictionalname"


def _words(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    pages = (document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(" ".join(text.split()) for text in pages)


def _youth_with_everything(vault: Vault) -> str:
    youth = caseload.create_youth(vault, youth_data(
        consents=[{"kind": "referral", "scope": "services", "given_by": "youth", "given_on": "2026-11-01"}],
        safety_flags=[{"person": SAFETY_PERSON, "description": "recruiter"}]))
    directory.add(vault, {"name": "Fictional Counseling Collective", "services": "Therapy",
                          "domains": ["mental_health"], "address": "1 Example Way, Demo City",
                          "phone": "(555) 010-0100"})
    ref = services.suggest(vault, youth.id, {"domain": "mental_health", "service": "Trauma therapy",
                                             "provider": "Fictional Counseling Collective",
                                             "notes": "Prefers afternoon appointments."})
    services.send(vault, ref.id, date(2026, 11, 20))
    identification.record_status(vault, youth.id, "victim", "disclosure to the worker",
                                 datetime.fromisoformat("2026-11-02T10:00:00-08:00"))
    caseload.add_attached(vault, youth.id, "team_meeting", {
        "held_on": "2026-11-25", "attendees": [{"discipline": "child_welfare", "name": "Fictional Worker"},
                                              {"discipline": "youth", "name": "the youth"}],
        "decisions": "Refer for therapy.", "next_steps": "Meet again in a month."})
    caseload.add_attached(vault, youth.id, "plan_goal", {
        "domain": "mental_health", "goal": "Sleep better.", "steps": "Therapy weekly", "who_helps": "Casey"})
    caseload.add_attached(vault, youth.id, "case_note", {
        "occurred_at": "2026-11-03T09:00:00-08:00", "text": "Private note text that no letter carries."})
    identification.save_screen(vault, youth.id, "needs_assessment", {
        "assessed_on": "2026-11-01", "mental_health_need": "need"})
    caseload.add_attached(vault, youth.id, "missing_episode", {
        "learned_at": "2026-11-10T20:00:00-08:00", "last_seen_at": "2026-11-10T18:00:00-08:00",
        "returned_at": "2026-11-11T09:00:00-08:00"})
    # Extended foster care: an order, a condition, a hearing, a transition plan.
    for kind, data in (
            ("placement_order", {"order_type": "dependency", "ordered_on": "2020-01-01"}),
            ("efc_participation", {"condition": "3", "since": "2026-06-01", "evidence": "program letter",
                                   "plan": "job readiness with trauma therapy alongside"}),
            ("efc_agreement", {"mutual_agreement_signed_on": "2026-06-02"}),
            ("nmd_hearing", {"on": "2026-12-15", "efforts": "weekly visits",
                             "postsecondary_helper": "Casey"}),
            ("transition_plan", {"made_on": "2026-11-01", "housing": "Stay with my aunt"})):
        caseload.add_attached(vault, youth.id, kind, data)
    return youth.id


def test_referral_letter_holds_what_the_provider_needs_and_nothing_more(admin: Vault) -> None:
    youth_id = _youth_with_everything(admin)
    words = _words(jobs.make(admin, "referral_letter", youth_id))
    for expected in ("Referral", "Trauma therapy", "1 Example Way, Demo City", "given on 2026-11-01",
                     "Prefers afternoon appointments.", "Do not share", "Page 1 of 1", "827"):
        assert expected in words, expected
    # The consent as recorded, never called a consent "to this referral" (its scope may not cover it).
    assert "What it covers, as recorded: services. Share only what it covers." in words
    assert "to this referral" not in words
    for private in (SAFETY_PERSON, "Private note text", "disclosure to the worker", "JV-24-001234"):
        assert private not in words, private
    # A referral not sent yet has no letter; another youth's referral is never printed here.
    other = caseload.create_youth(admin, youth_data())
    pending = services.suggest(admin, other.id, {"domain": "housing", "service": "SILP", "provider": "X"})
    with pytest.raises(NotFound):
        jobs.make(admin, "referral_letter", other.id)
    with pytest.raises(NotFound):
        jobs.make(admin, "referral_letter", youth_id, item=pending.id)
    # Chosen by hand, a suggestion (not through the consent check yet) or an ended one has none
    # (review, session 38: a declined referral's letter still asked the provider to accept it).
    mine = services.suggest(admin, youth_id, {"domain": "housing", "service": "SILP", "provider": "X"})
    with pytest.raises(CsecError, match="not been sent"):
        jobs.make(admin, "referral_letter", youth_id, item=mine.id)
    services.send(admin, mine.id, date(2026, 11, 28))
    services.move(admin, mine.id, "declined")
    with pytest.raises(CsecError, match="has ended"):
        jobs.make(admin, "referral_letter", youth_id, item=mine.id)


def test_the_letter_gives_the_worker_s_work_phone_and_e_mail_as_the_administrator_recorded_them(
        admin: Vault) -> None:
    from csec_desktop.usecases import admin as admin_screen

    youth_id = _youth_with_everything(admin)
    words = _words(jobs.make(admin, "referral_letter", youth_id))
    assert "(555) 010-4477" not in words  # nothing recorded yet: the name alone
    with pytest.raises(ValidationFailed) as refused:
        admin_screen.change_user(admin, "admin", role="administrator", unit=None, phone="12")
    assert refused.value.problems[0].field == "phone"
    admin_screen.change_user(admin, "admin", role="administrator", unit=None, phone="(555) 010-4477",
                             email="worker@demo-county.example")
    assert admin.user.phone == "(555) 010-4477"  # this session's letters follow at once
    words = _words(jobs.make(admin, "referral_letter", youth_id))
    assert "(555) 010-4477" in words and "worker@demo-county.example" in words
    entry = admin.audit_log.entries(newest_first=True, limit=5)
    assert any(e.action == "user_changed" and "phone" in e.detail.get("changes", {}) for e in entry)


def test_team_summary_shows_who_came_and_which_disciplines_were_missing(admin: Vault) -> None:
    youth_id = _youth_with_everything(admin)
    words = _words(jobs.make(admin, "team_summary", youth_id))
    for expected in ("Team meeting summary", "2026-11-25", "Fictional Worker", "Refer for therapy.",
                     "Victim of commercial sexual exploitation", "Mental health", "Being worked on",
                     "Trauma therapy", "Probation"):
        assert expected in words, expected
    assert SAFETY_PERSON not in words


def test_every_label_of_every_spanish_document_comes_from_the_catalog(
        admin: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    youth_id = _youth_with_everything(admin)
    with (LOCALE_DIR / "es.po").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    asked: set[str] = set()
    real_t, real_block = page.Texts.t, page.Texts.block

    def t(self: page.Texts, message: str) -> str:
        asked.add(message)
        return real_t(self, message)

    def block(self: page.Texts, message: str, style: str = "body", **values: Any) -> Any:
        asked.add(message)
        return real_block(self, message, style, **values)

    monkeypatch.setattr(page.Texts, "t", t)
    monkeypatch.setattr(page.Texts, "block", block)
    for kind in (k for k, d in jobs.DOCUMENTS.items() if not d.court_paper):  # court papers are English
        spanish = _words(jobs.make(admin, kind, youth_id, "es"))
        assert "Page 1" not in spanish and "Página 1" in spanish, kind
    untranslated = sorted(m for m in asked if not (catalog.get(m) and catalog.get(m).string))
    assert untranslated == []
    assert len(asked) > 100  # the documents really asked for their words


def test_every_font_every_document_names_is_embedded(admin: Vault) -> None:
    """A court's e-filing refuses a PDF naming a font it does not carry. ReportLab named Helvetica,
    not embedded, in every document (its first font, and a table cell's) though no text used it.
    Each font named is a subset carried in the file ("ABCDEF+Name")."""
    import re

    youth_id = _youth_with_everything(admin)
    for kind in jobs.DOCUMENTS:
        try:
            pdf = jobs.make(admin, kind, youth_id)
        except (NotFound, PermissionDenied, ValidationFailed):
            continue  # a paper this youth's records do not make (a vacatur petition, say)
        named = re.findall(rb"/BaseFont\s*/([^\s/>\]]+)", pdf)
        assert named and all(re.match(rb"[A-Z]{6}\+", name) for name in named), (kind, named)


def test_the_transition_plan_says_the_18th_birthday_in_its_tense() -> None:
    """Review, session 38: printed for a youth of 19, the plan said "You turn 18 on" a past day."""
    from csec_desktop.documents.efc import transition_plan
    from csec_desktop.domain.youth import Youth

    for born, said in (("2007-03-01", "You turned 18 on 2025-03-01."),
                       ("2009-03-01", "You turn 18 on 2027-03-01.")):
        youth = Youth.model_validate(youth_data(date_of_birth=born))
        pdf = transition_plan(youth, None, made_on=date(2026, 12, 4))
        assert said in _words(pdf), born
