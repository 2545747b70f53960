"""Identification without presumptions: a CSEC status is chosen by a person, never defaulted; an
indicator left unanswered is kept apart from "no concern" in the answers, the score and the outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from csec_desktop import caseload, formspec, identification
from csec_desktop.domain.csec import CsecStatus, FormResponse
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import ValidationFailed
from csec_desktop.storage.vault import Vault
from tests.conftest import youth_data

SCREEN = Path(__file__).resolve().parents[2] / "forms" / "csec_indicator_screen.yaml"
BASE = {"screened_on": "2026-11-01", "sources_used": ["youth"]}


def _english(text: str) -> str:
    return text


def _ratings(spec: formspec.FormSpec) -> list[str]:
    return [f.id for f in spec.fields() if f.type is formspec.FieldType.RATING]


def test_the_status_has_no_default_and_a_blank_one_is_refused_by_name() -> None:
    assert CsecStatus.model_fields["status"].is_required()
    body = {"youth_id": "y", "decided_at": "2026-11-28T08:00:00-08:00", "basis": "fictional facts",
            "decided_by": "casey"}
    for blank in ({}, {"status": None}, {"status": ""}, {"status": "  "}):
        with pytest.raises(ValidationFailed) as refused:
            CsecStatus.parse({**body, **blank})
        assert [p.field for p in refused.value.problems] == ["status"], blank
    assert CsecStatus.parse({**body, "status": "at_risk"}).status.value == "at_risk"


def test_recording_a_status_without_choosing_one_is_refused(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    with pytest.raises(ValidationFailed) as refused:
        identification.record_status(admin, youth.id, "", "fictional basis")
    assert refused.value.problems[0].field == "status"
    assert identification.statuses(admin, youth.id) == []


def test_unanswered_items_are_not_scored_as_no_concern() -> None:
    spec = formspec.load_file(SCREEN)
    items = _ratings(spec)
    # Every item rated "no concern": a complete result of no concern.
    all_none = formspec.score(spec, dict.fromkeys(items, "none"))
    assert all_none.complete and all_none.unanswered == () and all_none.rated == len(items)
    assert formspec.result_text(spec, all_none, "en", _english) == "No concern"
    # One item rated "no concern", the rest left alone: the same score, but not the same outcome.
    one = formspec.score(spec, {"older_partner": "none"})
    assert one.score == 0 and one.band == "no_concern" and not one.complete
    assert one.rated == 1 and len(one.unanswered) == len(items) - 1
    assert "older_partner" not in one.unanswered and one.unanswered[0] == items[0]  # in form order
    text = formspec.result_text(spec, one, "en", _english)
    assert "No concern" not in text and "Incomplete" in text and f"{len(items) - 1} not answered" in text
    # Saved as JSON, the outcome keeps which items were unanswered.
    saved = one.to_json()
    assert saved["unanswered"] == list(one.unanswered) and saved["rated"] == 1
    assert formspec.result_text(spec, saved, "en", _english) == text
    # Answered items that reach a concern band say so whatever is left unanswered (it can only rise).
    some = formspec.score(spec, {"exchange_for_needs": "clear"})
    assert formspec.result_text(spec, some, "en", _english) == "Clear concern" and not some.complete
    # An unknown value is not a rating either.
    assert "branding" in formspec.score(spec, {"branding": "maybe", "older_partner": "none"}).unanswered


def test_a_screen_with_no_item_rated_has_no_result(admin: Vault) -> None:
    spec = formspec.load_file(SCREEN)
    problems = formspec.check_answers(spec, dict(BASE))
    assert [p.field for p in problems] == [_ratings(spec)[0]]
    assert "not \"no concern\"" in problems[0].message
    assert formspec.check_answers(spec, {**BASE, "older_partner": "none"}) == []
    youth = caseload.create_youth(admin, youth_data())
    with pytest.raises(ValidationFailed):
        identification.save_screen(admin, youth.id, "csec_indicator_screen", dict(BASE))
    record, outcome = identification.save_screen(admin, youth.id, "csec_indicator_screen",
                                                 {**BASE, "older_partner": "none", "branding": "possible"})
    assert outcome is not None and outcome.rated == 2
    stored = admin.records.get(record.id).body
    assert isinstance(stored, FormResponse) and stored.outcome is not None
    # The answers hold what was rated and nothing for the rest: no "none" was filled in.
    assert {k: v for k, v in stored.answers.items() if k in _ratings(spec)} == {
        "older_partner": "none", "branding": "possible"}
    assert len(stored.outcome["unanswered"]) == len(_ratings(spec)) - 2


def test_the_printed_screen_counts_the_unanswered_items(admin: Vault) -> None:
    import pypdfium2 as pdfium

    from csec_desktop.documents.identification import screening_summary

    spec = formspec.load_file(SCREEN)
    youth = caseload.create_youth(admin, youth_data())
    record, _outcome = identification.save_screen(admin, youth.id, "csec_indicator_screen",
                                                  {**BASE, "older_partner": "none"})
    response = admin.records.get(record.id).body
    assert isinstance(response, FormResponse)
    body = caseload.get_youth(admin, youth.id, audit=False).body
    assert isinstance(body, Youth)
    pdf = pdfium.PdfDocument(screening_summary(body, response, spec))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", " ")
    total = len(_ratings(spec))
    assert f"{total - 1} of {total} items not answered" in text
    assert "Incomplete" in text


def test_a_moment_that_happened_is_refused_ahead_of_now_and_read_back_though(admin: Vault, clock) -> None:  # type: ignore[no-untyped-def]
    """When information was received and when staff learned a youth was missing start 24-hour
    clocks: typed a week ahead, the report fell due a week late, with no word. Refused when
    written, naming the field (a few minutes ahead pass: another person's watch). A stored record
    from a device whose clock ran ahead still opens."""
    from datetime import UTC, datetime, timedelta

    youth = caseload.create_youth(admin, youth_data()).id
    now = datetime.fromtimestamp(clock(), UTC)
    ahead = (now + timedelta(days=7)).isoformat()
    with pytest.raises(ValidationFailed) as refused:
        caseload.add_attached(admin, youth, "csec_status", {
            "status": "victim", "decided_at": ahead, "basis": "fictional", "decided_by": "admin"})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("decided_at", "is ahead of now: record when it happened")]
    with pytest.raises(ValidationFailed, match="learned_at"):
        caseload.add_attached(admin, youth, "missing_episode", {"learned_at": ahead})
    status = caseload.add_attached(admin, youth, "csec_status", {
        "status": "victim", "decided_at": (now + timedelta(minutes=2)).isoformat(), "basis": "fictional",
        "decided_by": "admin"})
    episode = caseload.add_attached(admin, youth, "missing_episode", {"learned_at": now.isoformat()})
    with pytest.raises(ValidationFailed, match="returned_at"):
        caseload.update_attached(admin, episode.id, {"returned_at": ahead})
    caseload.update_attached(admin, episode.id, {"returned_at": now.isoformat()})
    clock.advance(-3600 * 24 * 30)  # this computer's clock now a month behind the stored records
    assert caseload.attached_record(admin, youth, status.id, "csec_status").body.status == "victim"  # type: ignore[attr-defined]


def test_a_day_that_has_happened_in_extended_care_and_services_is_refused_after_today(  # type: ignore[no-untyped-def]
        admin: Vault, clock) -> None:
    """Caseworker review, session 36: a mutual agreement (SOC 162) dated next month was accepted,
    and the youth then read "Eligible for extended foster care ✔ mutual agreement signed". Every
    day a record says has happened (signed, certified, held, granted...) is refused after today;
    days that may lie ahead (a hearing, an order's end, a next review) are not."""
    from datetime import UTC, datetime, timedelta

    from csec_desktop.domain.kinds import KINDS

    youth = caseload.create_youth(admin, youth_data()).id
    ahead = (datetime.fromtimestamp(clock(), UTC) + timedelta(days=40)).date().isoformat()
    with pytest.raises(ValidationFailed) as refused:
        caseload.add_attached(admin, youth, "efc_agreement", {"mutual_agreement_signed_on": ahead})
    assert [p.field for p in refused.value.problems] == ["mutual_agreement_signed_on"]
    granted = {"order_kind": "juvenile_213_5", "restrained_person": "J. Doe", "stage": "granted",
               "requested_on": ahead, "granted_on": ahead}
    certified = {"certified_on": ahead, "conditions": ["1"], "certified_by": "x"}
    for kind, data in (("efc_certification", certified),
                       ("team_meeting", {"held_on": ahead}), ("transition_plan", {"made_on": ahead}),
                       ("protective_order", granted)):
        with pytest.raises(ValidationFailed):
            caseload.add_attached(admin, youth, kind, data)
    caseload.add_attached(admin, youth, "nmd_hearing", {"on": ahead})  # a hearing set for later
    for kind in ("efc_agreement", "efc_certification", "reentry_agreement", "plan_signoff", "team_meeting"):
        assert KINDS[kind].happened, kind
    assert "next_review_on" not in KINDS["plan_signoff"].happened
    assert "expires_on" not in KINDS["protective_order"].happened
