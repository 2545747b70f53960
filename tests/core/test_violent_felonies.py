"""The Pen. Code 667.5(c) table, paragraph by paragraph, and how a count's section and
enhancements are matched against it however people write them (Pen. Code 236.14(t)(1): only an
offense not listed there can be vacated)."""

from __future__ import annotations

from typing import Any

import pytest

from csec_desktop import vacatur
from csec_desktop.domain.vacatur import CriminalCount
from csec_desktop.domain.youth import Youth
from csec_desktop.vacatur import Answer, citations
from tests.conftest import youth_data

YOUTH = Youth.model_validate(youth_data(date_of_birth="2002-05-01"))


def _count(section: str, code: str = "PC", **more: Any) -> CriminalCount:
    data = {"youth_id": "y", "count_kind": "conviction", "code": code, "section": section,
            "offense_date": "2021-03-01", "while_victim": True, "nexus": "He made me.", **more}
    return CriminalCount.model_validate(data)


def _answer(section: str, **more: Any) -> vacatur.CountAnswer:
    return vacatur.assess(_count(section, **more), YOUTH)


def test_every_paragraph_of_667_5_c_is_in_the_table_and_each_entry_cites_its_paragraph() -> None:
    table = vacatur.table()
    assert {e.paragraph for e in table.entries} == set(range(1, 24))
    for entry in table.entries:
        assert entry.citation == f"Pen. Code, § 667.5, subd. (c)({entry.paragraph})"
        assert entry.text.strip()


@pytest.mark.parametrize(("section", "paragraph"), [
    ("187", 1), ("192(a)", 1), ("203", 2), ("261(a)(2)", 3), ("261(a)(6)", 3), ("286(c)(2)(A)", 4),
    ("286(d)", 4), ("287(c)", 5), ("288(a)", 6), ("288(b)(1)", 6), ("269", 7), ("205", 7), ("288.7(b)", 7),
    ("211", 9), ("211(a)", 9), ("451(b)", 10), ("289(j)", 11), ("664/187", 12), ("187/664", 12),
    ("18745", 13), ("207", 14), ("209(b)(1)", 14), ("220", 15), ("288.5(a)", 16), ("215(a)", 17),
    ("264.1", 18), ("11418(b)(1)", 23),
])
def test_each_listed_offense_is_violent_with_its_paragraph(section: str, paragraph: int) -> None:
    answer = _answer(section)
    assert answer.answer is Answer.NOT_ELIGIBLE, section
    assert f"Pen. Code, § 667.5, subd. (c)({paragraph})" in answer.citations, (section, answer.citations)
    assert not answer.nonviolent


@pytest.mark.parametrize(("section", "paragraph"), [
    ("288a(c)(2)", 5), ("288a(d)", 5), ("262(a)(1)", 3), ("262(a)(4)", 3), ("12308", 13), ("12310", 13),
])
def test_former_section_numbers_are_violent_too(section: str, paragraph: int) -> None:
    answer = _answer(section)
    assert answer.answer is Answer.NOT_ELIGIBLE
    assert f"Pen. Code, § 667.5, subd. (c)({paragraph})" in answer.citations
    assert any("former section" in line for line in answer.why)


@pytest.mark.parametrize("section", [
    "2110", "2111", "484", "459.5", "647(b)", "288a(b)(1)", "288(c)(1)", "261(a)(4)", "262(a)(2)", "451(d)",
    "422", "136.1(b)(1)x", "245(a)(4)", "664/211", "12022.1",
])
def test_sections_not_listed_are_nonviolent(section: str) -> None:
    answer = _answer(section)
    if section.startswith("136.1"):  # (c)(20): only with a gang finding; counsel decides
        assert answer.answer is Answer.REVIEW and answer.undecided
        return
    assert answer.answer is Answer.ELIGIBLE, (section, answer.why)
    assert answer.nonviolent


@pytest.mark.parametrize("code", ["PC", "P.C.", "Pen. Code", "Penal Code", "pc", "Cal. Penal Code", "CPC"])
def test_the_code_written_any_usual_way_is_the_penal_code(code: str) -> None:
    assert _answer("211", code=code).answer is Answer.NOT_ELIGIBLE
    assert _answer("Pen. Code § 211(a)", code=code).answer is Answer.NOT_ELIGIBLE


def test_other_codes_are_not_in_the_table_but_their_enhancements_are() -> None:
    assert _answer("11350", code="HS").answer is Answer.ELIGIBLE
    assert _answer("211", code="H&S").answer is Answer.ELIGIBLE  # Health and Safety 211 is not robbery
    assert _answer("11351", code="HS", enhancements=["PC 12022.5(a)"]).answer is Answer.NOT_ELIGIBLE


@pytest.mark.parametrize(("enhancement", "paragraph"), [
    ("12022.7", 8), ("12022.7(e)", 8), ("12022.7 (a)", 8), ("Pen. Code § 12022.8", 8), ("12022.9", 8),
    ("12022.3(a)", 8), ("12022.5(a)", 8), ("12022.55", 8), ("12022.53(d)", 22), ("P.C. 12022.53 (b)", 22),
    ("667.61(a)", 7),
])
def test_enhancements_charged_and_proved_make_a_count_violent(enhancement: str, paragraph: int) -> None:
    answer = _answer("245(a)(4)", enhancements=[enhancement])
    assert answer.answer is Answer.NOT_ELIGIBLE, enhancement
    assert f"Pen. Code, § 667.5, subd. (c)({paragraph})" in answer.citations


def test_enhancements_not_listed_do_not() -> None:
    for enhancement in ("12022.3(b)", "12022.1", "12022(b)(1)", "12022.6"):
        assert _answer("484", enhancements=[enhancement]).answer is Answer.ELIGIBLE, enhancement
    # Written without the subdivision the paragraph names: counsel decides.
    assert _answer("484", enhancements=["12022.3"]).answer is Answer.REVIEW


def test_what_the_table_cannot_decide_waits_for_counsel_and_counsel_decides() -> None:
    for section, paragraph in (("261", 3), ("286", 4), ("288", 6), ("451", 10), ("459", 21), ("518", 19),
                               ("136.1", 20), ("236.1(c)", 7), ("182(a)(1)/211", 9)):
        answer = _answer(section)
        assert answer.answer is Answer.REVIEW and answer.undecided and not answer.nonviolent, section
        assert f"Pen. Code, § 667.5, subd. (c)({paragraph})" in answer.citations, (section, answer.citations)
    # A form's blank (None) or its first choice is "undecided": nothing decides for counsel.
    assert _answer("459", counsel_decision=None).undecided
    assert _answer("459", counsel_decision="undecided").undecided
    nonviolent = _answer("459", counsel_decision="nonviolent")
    assert nonviolent.answer is Answer.ELIGIBLE and nonviolent.nonviolent and not nonviolent.undecided
    assert any("counsel found it nonviolent" in line for line in nonviolent.why)
    violent = _answer("459", counsel_decision="violent")
    assert violent.answer is Answer.NOT_ELIGIBLE and not violent.nonviolent
    # Counsel's decision never overrides the table where the table decides.
    assert _answer("211", counsel_decision="nonviolent").answer is Answer.NOT_ELIGIBLE


def test_an_attempt_is_not_the_offense() -> None:
    attempt = _answer("664/211")
    assert attempt.answer is Answer.ELIGIBLE and any("attempt" in line for line in attempt.why)
    assert _answer("PC 664/187(a)").answer is Answer.NOT_ELIGIBLE


def test_citations_are_read_the_way_people_write_them() -> None:
    assert str(citations.parse("Pen. Code § 211(a)")) == "211(a)"
    assert citations.parse("Pen. Code § 211(a)").code == "PC"  # type: ignore[union-attr]
    assert str(citations.parse("12022.53 (d)")) == "12022.53(d)"
    assert str(citations.parse("288a(c)")) == "288a(c)"  # former 288a, not 288(a)
    assert str(citations.parse("187/664 PC")) == "664/187"
    assert citations.parse("11350(a) H&S").code == "HS"  # type: ignore[union-attr]
    assert str(citations.parse("11350(a) H&S")) == "11350(a)"
    assert citations.parse("no number") is None
    assert citations.code_of("Health & Safety Code") == "HS" and citations.code_of("W&I") == "WIC"
