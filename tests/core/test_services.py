"""Service suggestions at their age and date boundaries, and referrals that need a consent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from csec_desktop import caseload, identification, services, today  # today loads every rule
from csec_desktop.domain.csec import CsecStatus, FormResponse
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Finding
from csec_desktop.storage.vault import Vault
from csec_desktop.text import translations
from tests.conftest import WORKER_PASS, youth_data


def _find(youth: Youth, on: date, records: dict[str, list[Any]] | None = None) -> dict[str, Finding]:
    facts = {"youth_id": "y", "youth": youth, "done": set(), "records": records or {}, "policy": {}}
    moment = datetime(on.year, on.month, on.day, 12, tzinfo=LEGAL_ZONE)
    return {f.rule_id: f for f in REGISTRY.evaluate(facts, moment)}


def _youth(birth: str, status: str = "dependent", start: str = "2015-01-01", end: str | None = None) -> Youth:
    return Youth.model_validate(youth_data(date_of_birth=birth, legal_status=[
        {"status": status, "start": start, "end": end}]))


FFY = "benefits.former_foster_youth_medi_cal"


def test_former_foster_youth_medi_cal_to_the_26th_birthday() -> None:
    youth = _youth("2004-06-15", "nonminor_dependent", start="2022-06-15")
    assert FFY in _find(youth, date(2030, 6, 14))  # the day before the 26th birthday
    assert FFY not in _find(youth, date(2030, 6, 15))  # 26 today: no longer
    # In care on the 18th birthday counts even after leaving care later.
    left = _youth("2006-03-01", "dependent", start="2016-01-01", end="2024-12-31")
    assert FFY in _find(left, date(2026, 11, 28))
    # Left care before 18: not eligible.
    early = _youth("2007-09-01", "dependent", start="2016-01-01", end="2025-08-31")
    assert FFY not in _find(early, date(2026, 11, 28))
    # Planned ahead from 90 days before 18.
    soon = _youth("2009-02-20")
    assert FFY in _find(soon, date(2026, 11, 22)) and FFY not in _find(soon, date(2026, 11, 21))


def _needs(answer: str) -> FormResponse:
    return FormResponse.model_validate({
        "youth_id": "y", "form_id": "needs_assessment", "form_version": 1,
        "answers": {"assessed_on": "2026-11-01", "mental_health_need": answer},
        "completed_at": "2026-11-01T10:00:00-07:00", "completed_by": "casey"})


def test_epsdt_intensive_services_under_21_with_a_mental_health_need() -> None:
    youth = _youth("2005-12-01", "nonminor_dependent", start="2023-12-01")
    rule = "benefits.epsdt_intensive_mental_health"
    assert rule in _find(youth, date(2026, 11, 30), {"form_response": [_needs("need")]})
    assert rule not in _find(youth, date(2026, 12, 1), {"form_response": [_needs("need")]})  # 21 today
    assert rule not in _find(youth, date(2026, 11, 30), {"form_response": [_needs("met")]})


def _victim(on: str) -> CsecStatus:
    return CsecStatus.model_validate({"youth_id": "y", "status": "victim", "decided_at": on,
                                      "basis": "disclosure", "decided_by": "casey"})


def test_victim_compensation_deadline_for_a_minor_is_the_28th_birthday() -> None:
    minor = _youth("2010-04-02")
    found = _find(minor, date(2026, 11, 28), {"csec_status": [_victim("2026-11-01T09:00:00-07:00")]})
    assert found["benefits.victim_compensation"].due.date() == date(2038, 4, 2)
    adult = _youth("2000-04-02")
    found = _find(adult, date(2026, 11, 28), {"csec_status": [_victim("2026-11-01T09:00:00-07:00")]})
    assert found["benefits.victim_compensation"].due.date() == date(2033, 11, 1)
    at_risk = CsecStatus.model_validate({"youth_id": "y", "status": "at_risk", "basis": "screen",
                                         "decided_at": "2026-11-01T09:00:00-07:00", "decided_by": "casey"})
    assert "benefits.victim_compensation" not in _find(minor, date(2026, 11, 28), {"csec_status": [at_risk]})


def test_a_referral_leaves_only_with_a_consent_or_a_supervisor_override(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(consents=[]))
    suggested = services.suggest(admin, youth.id, {"domain": "mental_health", "service": "Trauma therapy",
                                                   "provider": "Fictional Clinic"})
    with pytest.raises(ValidationFailed) as refused:
        services.send(admin, suggested.id, date(2026, 11, 28))
    assert refused.value.problems[0].field == "consent"
    # An administrator is not allowed to override; the refusal is audited.
    with pytest.raises(PermissionDenied):
        services.send(admin, suggested.id, date(2026, 11, 28), override_reason="urgent")
    assert any(e.action == "consent_override_refused" for e in admin.audit_log.entries())
    # With the youth's consent on record, it goes.
    caseload.update_youth(admin, youth.id, {"consents": [
        {"kind": "referral", "scope": "mental-health referrals", "given_by": "youth",
         "given_on": "2026-11-20", "expires_on": "2027-11-20"}]})
    sent = services.send(admin, suggested.id, date(2026, 11, 28))
    assert sent.body.dump()["consent_given_on"] == "2026-11-20"
    # Revoked consent does not count; a supervisor may override with a reason, audited.
    second = services.suggest(admin, youth.id, {"domain": "housing", "service": "THP-NMD",
                                                "provider": "Fictional Housing"})
    caseload.update_youth(admin, youth.id, {"consents": [
        {"kind": "referral", "scope": "all", "given_by": "youth", "given_on": "2026-11-20",
         "revoked_on": "2026-11-25"}]})
    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS)
    supervisor = Vault.unlock(admin.folder, "sam", WORKER_PASS)
    try:
        # A reason that says nothing is refused, naming the field (review, session 38: "x" was taken).
        with pytest.raises(ValidationFailed) as short:
            services.send(supervisor, second.id, date(2026, 11, 28), override_reason="x")
        assert short.value.problems[0].field == "consent_override_reason"
        assert services.consent_to_use(supervisor, second.id, date(2026, 11, 28)) is None
        done = services.send(supervisor, second.id, date(2026, 11, 28),
                             override_reason="Youth asked in person; paper consent to follow")
        assert "paper consent" in done.body.dump()["consent_override_reason"]
        assert any(e.action == "consent_override" for e in supervisor.audit_log.entries())
    finally:
        supervisor.close()


def test_referral_status_moves_in_order_and_follow_ups_reach_today(admin: Vault) -> None:


    youth = caseload.create_youth(admin, youth_data(consents=[
        {"kind": "release_of_information", "scope": "services", "given_by": "youth",
         "given_on": "2026-01-01"}]))
    ref = services.suggest(admin, youth.id, {"domain": "education", "service": "Tutoring",
                                             "provider": "Fictional School"})
    with pytest.raises(ValidationFailed, match="cannot go from suggested to active"):
        services.move(admin, ref.id, "active")
    services.send(admin, ref.id, date(2026, 11, 1))
    found = [f for f in today.for_youth(admin, youth.id, datetime(2026, 11, 28, tzinfo=LEGAL_ZONE))
             if f.rule_id == "referral.follow_up"]
    assert found and found[0].due.date() == date(2026, 11, 15) and found[0].overdue(
        datetime(2026, 11, 28, tzinfo=LEGAL_ZONE))
    services.move(admin, ref.id, "accepted")
    # Active means the service began: its first day recorded first, not before the referral.
    with pytest.raises(ValidationFailed) as no_day:
        services.move(admin, ref.id, "active")
    assert [p.field for p in no_day.value.problems] == ["first_service_on"]
    with pytest.raises(ValidationFailed) as early:
        caseload.update_attached(admin, ref.id, {"first_service_on": "2026-10-30"})
    assert [p.field for p in early.value.problems] == ["first_service_on"]
    caseload.update_attached(admin, ref.id, {"first_service_on": "2026-11-05"})
    services.move(admin, ref.id, "active")
    assert not [f for f in today.for_youth(admin, youth.id) if f.rule_id == "referral.follow_up"]
    services.move(admin, ref.id, "completed")
    with pytest.raises(ValidationFailed, match="it has ended"):
        services.move(admin, ref.id, "active")
    assert identification  # imported for its registrations


def test_a_referral_status_cannot_be_edited_around_the_consent_check(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(consents=[]))
    ref = services.suggest(admin, youth.id, {"domain": "housing", "service": "SILP", "provider": "Fictional"})
    with pytest.raises(PermissionDenied, match="status"):
        caseload.update_attached(admin, ref.id, {"status": "referred", "referred_on": "2026-11-28"})
    caseload.update_attached(admin, ref.id, {"notes": "Youth prefers a place near school"})  # allowed
    assert admin.records.get(ref.id).body.dump()["status"] == "suggested"


def test_the_plan_in_plain_language_is_wholly_spanish_when_printed_in_spanish(admin: Vault) -> None:
    import pypdfium2 as pdfium

    from csec_desktop import formspec
    from csec_desktop.documents import jobs
    from csec_desktop.domain.services import SERVICE_DOMAINS

    spec = formspec.load_file(formspec.forms_dir() / "needs_assessment.yaml")
    assert [s.id for s in spec.steps[1:]] == list(SERVICE_DOMAINS)  # one list of domains
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "plan_goal", {
        "domain": "education", "goal": "Terminar la prepa y luego estudiar enfermería",
        "steps": "Enroll in credit recovery\nMeet the school liaison", "who_helps": "Fictional Liaison",
        "due_on": "2027-06-01"})
    caseload.add_attached(admin, youth.id, "plan_signoff", {
        "reviewed_on": "2026-11-28", "next_review_on": "2027-05-28", "youth_signed": True})

    def text(lang: str) -> str:
        pdf = jobs.make(admin, "youth_plan", youth.id, lang)
        document = pdfium.PdfDocument(pdf)
        return " ".join(" ".join(document[i].get_textpage().get_text_range().split())
                        for i in range(len(document)))

    spanish = text("es")
    for english in ("My plan", "What I want", "Steps", "Who helps", "By when", "Where it stands",
                    "We will look", "Printed on", "Page 1", "Education", "not started", "Youth", "Worker"):
        assert english not in spanish, english
    for words in ("Mi plan", "Lo que quiero", "Educación", "2027-05-28", "Terminar la prepa"):
        assert words in spanish, words
    both = text("en+es")
    assert "My plan / Mi plan" in both and "What I want / Lo que quiero" in both


def test_referral_statuses_agree_with_the_referral_in_spanish() -> None:
    """A referral is "derivación" (feminine): its statuses read "Aceptada", "Completada", not a
    mix of genders side by side in the Referrals tab ("Completada" beside "Aceptado")."""
    from csec_desktop.domain.services import REFERRAL_STATUS_LABELS, ReferralStatus

    es = translations("es").gettext
    assert es("Referral") == "Derivación"
    participles = {status: es(label) for status, label in REFERRAL_STATUS_LABELS.items()
                   if status is not ReferralStatus.NO_SHOW}
    assert all(text.endswith("a") for text in participles.values()), participles


def test_a_consent_ending_before_it_was_given_is_refused_on_that_date() -> None:
    """The refusal names the date that is wrong: said about the consent as a whole, the form put
    "expires before it was given" under "Revoked on"."""
    base = {"kind": "referral", "scope": "Referrals (fictional)", "given_by": "the youth",
            "given_on": "2026-10-01"}
    for field, words in (("expires_on", "expires before it was given"),
                         ("revoked_on", "revoked before it was given")):
        with pytest.raises(ValidationFailed) as refused:
            Youth.parse(youth_data(consents=[{**base, field: "2026-09-01"}]), record="youth")
        assert [(p.field, p.message) for p in refused.value.problems] == [(f"consents.0.{field}", words)]


def test_a_new_needs_assessment_starts_from_the_last_one_and_a_screen_starts_anew(admin: Vault) -> None:
    """Caseworker review, session 36: a second needs assessment the same day started blank and
    replaced the first in the plan, so needs recorded an hour before read "Not assessed". An
    assessment is kept up to date, so it starts from the last one's answers (not its date, nor
    whether the youth took part); a screen is answered anew."""
    from csec_desktop import caseload, identification
    from csec_desktop.usecases import youth as youth_screen
    from tests.conftest import youth_data

    youth = caseload.create_youth(admin, youth_data())
    assert youth_screen.open_screen(admin, youth.id, "needs_assessment").draft is None
    identification.save_screen(admin, youth.id, "needs_assessment", {
        "assessed_on": "2026-11-01", "youth_participated": True, "housing_need": "need",
        "physical_health_need": "need"})
    started = youth_screen.open_screen(admin, youth.id, "needs_assessment").draft
    assert started == {"housing_need": "need", "physical_health_need": "need"}
    identification.save_screen(admin, youth.id, "needs_assessment",
                               {**started, "assessed_on": "2026-11-02", "legal_need": "need"})
    again = youth_screen.open_screen(admin, youth.id, "needs_assessment").draft
    assert again is not None and again["housing_need"] == "need" and again["legal_need"] == "need"
    assert youth_screen.open_screen(admin, youth.id, "csec_indicator_screen").draft is None
