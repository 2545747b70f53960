"""What a person is told about a field the model refuses: plain sentences, said in Spanish too."""

from __future__ import annotations

import pytest

from csec_desktop.domain.youth import Youth
from csec_desktop.errors import ValidationFailed
from csec_desktop.text import translations
from tests.conftest import youth_data


def _problems(**over: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        Youth.parse(youth_data(**over), record="youth")
    return {p.field: p.message for p in refused.value.problems}


def test_a_cleared_name_and_a_bad_date_are_said_plainly_and_in_spanish() -> None:
    # pydantic said "Input should be a valid string" and "Input should be a valid date or
    # datetime, month value is outside expected range of 1-12".
    found = _problems(legal_name={"given": None, "family": "Sampleton"}, date_of_birth="2010-13-02")
    # Written as asked, "2010-13-02" was told to be written as YYYY-MM-DD: now what is wrong with it.
    assert found == {"legal_name.given": "must be filled in",
                     "date_of_birth": "is not a day of the calendar: months run from 01 to 12"}
    spanish = translations("es").gettext
    assert spanish(found["legal_name.given"]) == "debe completarse"
    assert spanish(found["date_of_birth"]).startswith("no es un día del calendario")
    assert _problems(date_of_birth="April 2, 2010")["date_of_birth"].startswith("is not a date: write it as")
    assert _problems(legal_name={"family": "Sampleton"}) == {"legal_name.given": "must be filled in"}
    # Written as asked but no such day: told so, not to write it as it already was.
    for day in ("2010-02-30", "2011-02-29", "2010-04-31"):
        said = _problems(date_of_birth=day)["date_of_birth"]
        assert said == "is not a day of the calendar: that month has fewer days", day
        assert spanish(said) == "no es un día del calendario: ese mes tiene menos días"
    assert _problems(date_of_birth="2010-02-3")["date_of_birth"].startswith("is not a date: write it as")
    # A moment too ("2026-02-30 10:00" said "write it as YYYY-MM-DD HH:MM").
    from csec_desktop.domain.csec import CsecStatus

    with pytest.raises(ValidationFailed) as refused:
        CsecStatus.parse({"youth_id": "y", "status": "at_risk", "basis": "fictional screen",
                                  "decided_at": "2026-02-30 10:00"}, record="csec_status")
    assert {p.field: p.message for p in refused.value.problems}["decided_at"] == \
        "is not a day of the calendar: that month has fewer days"


def test_a_message_of_our_own_validators_is_kept_as_it_is() -> None:
    from csec_desktop.domain.youth import Contact

    with pytest.raises(ValidationFailed) as refused:
        Contact.parse({"youth_id": "y", "name": "Fictional Aunt", "relationship": "aunt", "phone": "12"},
                      record="contact")
    assert {p.field: p.message for p in refused.value.problems} == {"phone": "needs at least 7 digits"}


def test_a_note_dated_ahead_of_now_is_refused(admin) -> None:  # type: ignore[no-untyped-def]
    """A contact note dated 2027-03-01 was kept: the case record said a visit happened that had not."""
    from csec_desktop import caseload
    from tests.conftest import youth_data

    youth = caseload.create_youth(admin, youth_data()).id
    with pytest.raises(ValidationFailed) as refused:
        caseload.add_attached(admin, youth, "case_note", {"occurred_at": "2027-03-01T09:00:00-08:00",
                                                          "note_kind": "contact", "text": "Fictional visit."})
    assert [p.field for p in refused.value.problems] == ["occurred_at"]
    caseload.add_attached(admin, youth, "case_note", {"occurred_at": "2026-03-01T09:00:00-08:00",
                                                      "note_kind": "contact", "text": "Fictional visit."})


def test_a_list_left_at_choose_one_says_so_and_a_wrong_code_names_the_choices() -> None:
    """Attorney review, session 36: a count's Kind left at "(choose one)" read "Input should be
    'arrest', 'conviction', 'adjudication' or 'juvenile_arrest'", codes the form does not show."""
    from csec_desktop.domain.vacatur import CriminalCount

    with pytest.raises(ValidationFailed) as left:
        CriminalCount.parse({"youth_id": "y", "count_kind": None, "section": "484"}, record="criminal_count")
    assert [(p.field, p.message) for p in left.value.problems] == [
        ("count_kind", "is not chosen: choose one from its list")]
    spanish = translations("es").gettext(left.value.problems[0].message)
    assert spanish == "no está elegido: elija uno de su lista"
    with pytest.raises(ValidationFailed) as typed:  # from a file: its author needs the codes
        CriminalCount.parse({"youth_id": "y", "count_kind": "bogus", "section": "484"},
                            record="criminal_count")
    assert "'arrest'" in typed.value.problems[0].message
