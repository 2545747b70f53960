"""Documents: pleading-paper geometry, names in every script, clean metadata, made in memory,
and printing and export that check the role, ask the purpose and leave an audit entry."""

from __future__ import annotations

import builtins
import io
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from csec_desktop import caseload
from csec_desktop.documents import jobs
from csec_desktop.documents.fonts import markup, missing_characters
from csec_desktop.documents.pleading import (
    LINES,
    CourtPaper,
    Section,
    Service,
    Signature,
    baseline,
    render_court_paper,
    render_court_papers,
)
from csec_desktop.documents.recovery_sheet import recovery_sheet
from csec_desktop.documents.summary import youth_summary
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import NotFound, PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from tests.conftest import WORKER_PASS, youth_data

NAMES = ("Nguyễn Thị Hương", "王小明", "Ñuñez", "Zoë Łukasiewicz", "김한글")


def _paper(paragraphs: int = 30, **over: Any) -> CourtPaper:
    fields: dict[str, Any] = dict(
        counsel=("Alex Q. Sample (SBN 000000)", "Fictional Legal Aid", "100 Example Street",
                 "Demo City, CA 90000", "Attorney for Petitioner"),
        court="Superior Court of the State of California", county="County of Demo",
        case_title=("THE PEOPLE OF THE STATE OF CALIFORNIA,", "Plaintiff,", "v.", "J. D.,", "Defendant."),
        case_number="24CR-000123", title="PETITION TO VACATE (Pen. Code, § 236.14)",
        sections=(Section("GROUNDS", tuple(f"Ground {i}: " + "plain words on the lines " * 8
                                           for i in range(paragraphs))),
                  Section("NAMES", (" / ".join(NAMES),))),
        signature=Signature("Alex Q. Sample", "Attorney for Petitioner", "November 28, 2026"),
        declaration="Alex Q. Sample",
        service=Service("Pat Example", "100 Example Street", "by first-class mail", "November 28, 2026",
                        "Demo City", ("Office of the District Attorney",)),
    )
    fields.update(over)
    return CourtPaper(**fields)


def _chars(pdf: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: (character, left, bottom, right, font size)."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for index in range(len(document)):
        text = document[index].get_textpage()
        found = []
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char.strip():
                left, bottom, right, _top = text.get_charbox(i)
                found.append((char, left, bottom, right, pdfium_c.FPDFText_GetFontSize(text.raw, i)))
        pages.append(found)
    return pages


def _text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def test_pleading_paper_lines_margins_and_first_page() -> None:
    pdf = render_court_paper(_paper())
    pages = _chars(pdf)
    assert len(pages) >= 3
    document = pdfium.PdfDocument(pdf)
    assert document[0].get_size() == (612.0, 792.0)  # 8.5 x 11 in (rule 2.103)
    for number, chars in enumerate(pages, start=1):
        # Numbers 1-28 sit left of a 1-inch margin, one every 24 pt, restarting on each page.
        margin = [c for c in chars if c[3] < 66]
        numbers: dict[float, str] = {}
        for char, _left, bottom, _right, _size in margin:
            numbers[round(bottom)] = numbers.get(round(bottom), "") + char
        labels = [numbers[y] for y in sorted(numbers, reverse=True)]
        assert labels[:LINES] == [str(n) for n in range(1, LINES + 1)], f"page {number}"
        body = [c for c in chars if c[1] >= 72 and 40 < c[2] < 740]
        assert all(c[1] >= 72 and c[3] <= 612 - 36 for c in body)  # rule 2.107 margins
        assert min(c[4] for c in body) >= 12  # rule 2.104, body text
        lines = {round(baseline(n)) for n in range(1, LINES + 1)}
        # Baselines of plain letters without descenders (a glyph's box bottom is its baseline).
        body_rows = {round(c[2]) for c in body if c[0].isascii() and c[0].isalnum() and c[0] not in "gjpqyQ"}
        double_spaced = [y for y in body_rows if any(abs(y - line) <= 1 for line in lines)]
        if number > 1:  # later pages: all text on the numbered lines (double-spaced)
            assert len(double_spaced) == len(body_rows), f"page {number}: text off the lines"
        footer = [c for c in chars if c[2] < 30]  # under the page number and its rule
        assert "".join(c[0] for c in footer).startswith("PETITIONTOVACATE"), f"page {number}"
        assert min(c[4] for c in footer) >= 10
    first = pages[0]
    title_y = min(c[2] for c in first if c[0] == "S" and c[1] > 150 and c[2] > 500)  # SUPERIOR COURT...
    assert abs(title_y - baseline(8)) <= 1  # the court's title on line 8 (rule 2.111)
    clerk = [c for c in first if c[1] > 306 and c[2] > baseline(7) - 3 and c[2] < 740]
    assert clerk == []  # the clerk's space right of lines 1-7 stays blank
    counsel_top = max(c[2] for c in first if c[1] >= 72 and c[2] < 740)
    assert abs(counsel_top - baseline(1)) <= 3
    # Footer: page number, then under it the paper's title in at least 10 pt (rules 2.109, 2.110).
    footer = [c for c in first if c[2] < 30]
    assert "".join(c[0] for c in footer).startswith("PETITIONTOVACATE")
    assert min(c[4] for c in footer) >= 10
    texts = _text(pdf)
    assert all("Confidential: juvenile case file information, Welf. & Inst. Code 827" in t for t in texts)
    assert "PROOF OF SERVICE" in texts[-1] and "penalty of perjury" in texts[-1]
    assert "/s/ Alex Q. Sample" in "".join(texts)


def test_what_every_page_repeats_is_written_into_the_file_once() -> None:
    """Issue 24: the numbered lines and rules, the counsel block, a watermark and the footer but its
    number are each one form in the file, placed on every page, however many pages there are
    (drawn on each page, they were a seventh of a vacatur packet's time); each page still shows
    them (the geometry test above reads them on every page)."""
    def forms(pdf: bytes) -> int:
        return pdf.count(b"/Subtype /Form")

    short = render_court_paper(_paper(4, watermark="UNSIGNED DRAFT"))
    long = render_court_paper(_paper(60, watermark="UNSIGNED DRAFT"))
    assert len(_text(long)) >= 3 * len(_text(short))
    assert forms(short) == forms(long) == 4  # lines, counsel block, watermark, footer
    assert all("28" in page and "UNSIGNED" not in page for page in _text(long))


def test_papers_made_as_one_document_are_each_as_if_made_alone() -> None:
    """A packet's papers share one PDF (its fonts embedded once); each still starts on its own
    first page with the counsel block, is numbered from 1, and carries its own footer title,
    notice and watermark: every character where it would be on the paper made alone."""
    papers = [
        _paper(30),
        _paper(2, title="DECLARATION OF PETITIONER", service=None, watermark="UNSIGNED DRAFT",
               notice="CONFIDENTIAL: a notice of its own", counsel=("Pat Example, in pro per",)),
        _paper(0, title="[PROPOSED] ORDER", footer_title="ORDER AFTER HEARING", declaration=None),
    ]
    alone = [_chars(render_court_paper(paper)) for paper in papers]
    together, pages = render_court_papers(papers, "Vacatur packet")
    assert pages == [len(a) for a in alone] and pages[0] > 2
    chars = _chars(together)
    assert len(chars) == sum(pages)
    start = 0
    for paper_alone, count in zip(alone, pages, strict=True):
        assert chars[start:start + count] == paper_alone
        start += count
    texts = _text(together)
    assert "ORDER AFTER HEARING" in texts[-1] and "CONFIDENTIAL: a notice of its own" in texts[pages[0]]
    assert "Pat Example, in pro per" in texts[pages[0]] and "Alex Q. Sample (SBN" not in texts[pages[0]]


def test_names_in_every_script_survive_and_missing_glyphs_show() -> None:
    pdf = render_court_paper(_paper(paragraphs=1))
    joined = "".join(_text(pdf))
    for name in NAMES:
        assert name in joined
    assert b"LiberationSerif" in pdf and b"DroidSansFallback" in pdf  # embedded, not system fonts
    assert b"NanumGothic" in pdf
    assert missing_characters("Ana ᚠ 王 김한글") == "ᚠ"
    assert markup("a<b ᚠ 王") == 'a&lt;b ? <font face="Fallback">王</font>'
    # A Korean name in the Korean font whole, though Droid has "가": one face for the name.
    assert markup("가한 王") == '<font face="FallbackKorean">가한</font> <font face="Fallback">王</font>'


def test_metadata_is_neutral_and_in_utc() -> None:
    youth = Youth.model_validate(youth_data(legal_name={"given": "Canary", "family": "Fictionalname"}))
    pdf = youth_summary(youth, contacts=[], findings=[], made_on=date(2026, 11, 28))
    meta = pdfium.PdfDocument(pdf).get_metadata_dict()
    assert meta["Title"] == "Youth summary" and meta["Author"] == "" and meta["Subject"] == ""
    assert meta["CreationDate"].endswith("+00'00'")
    for value in meta.values():
        assert "Canary" not in value and "Fictionalname" not in value
    assert b"/Metadata" not in pdf and b"/JavaScript" not in pdf and b"/EmbeddedFile" not in pdf
    assert "Canary Fictionalname" in _text(pdf)[0]


def test_documents_are_made_without_writing_any_file(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def watched_open(file: Any, mode: str = "r", *args: Any, **kw: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            writes.append(str(file))
        return real_open(file, mode, *args, **kw)

    def watched_os_open(path: Any, flags: int, *args: Any, **kw: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            writes.append(str(path))
        return real_os_open(path, flags, *args, **kw)

    monkeypatch.setattr(builtins, "open", watched_open)
    monkeypatch.setattr(os, "open", watched_os_open)
    youth = Youth.model_validate(youth_data())
    youth_summary(youth, contacts=[], findings=[], made_on=date(2026, 11, 28), lang="es")
    render_court_paper(_paper(paragraphs=3))
    recovery_sheet(county="Demo County", secret="ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789",
                   made_on=date(2026, 11, 28))
    assert writes == []


def test_spanish_documents_and_page_x_of_y() -> None:
    youth = Youth.model_validate(youth_data(safety_flags=[{"person": "Fictional Exploiter"}]))
    english = _text(youth_summary(youth, contacts=[], findings=[], made_on=date(2026, 11, 28)))[0]
    spanish = _text(youth_summary(youth, contacts=[], findings=[], made_on=date(2026, 11, 28), lang="es"))[0]
    assert "Youth summary" in english and "Page 1 of 1" in english
    assert "Resumen del joven" in spanish and "Página 1 de 1" in spanish
    assert "SEGURIDAD" in spanish and "Fictional Exploiter" in spanish
    sheet = _text(recovery_sheet(county="Demo County", secret="ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789",
                                 made_on=date(2026, 11, 28), lang="es"))[0]
    assert "Clave de recuperación del condado" in sheet and "ABCD-EFGH-JKLM-NPQR" in sheet


def test_the_default_safety_instruction_is_printed_in_the_papers_language() -> None:
    # A Spanish window keeps the default sentence in Spanish, an English one in English; each paper
    # prints it in its own language. A sentence a person wrote is printed as written.
    kept_in_spanish = "No comparta ninguna información ni el paradero."
    youth = Youth.model_validate(youth_data(safety_flags=[
        {"person": "Fictional Exploiter", "instruction": kept_in_spanish},
        {"person": "Fictional Cousin"},
        {"person": "Fictional Friend", "instruction": "Call the supervisor first (fictional)."}]))
    day = date(2026, 11, 28)
    english, spanish = (" ".join(_text(youth_summary(youth, contacts=[], findings=[], made_on=day,
                                                     lang=lang))[0].split()) for lang in ("en", "es"))
    assert english.count("Do not share any information or whereabouts.") == 2
    assert kept_in_spanish not in english
    assert spanish.count(kept_in_spanish) == 2 and "whereabouts" not in spanish
    assert "Call the supervisor first (fictional)." in english and "Call the supervisor first" in spanish


def test_print_and_export_check_the_role_ask_the_purpose_and_are_audited(admin: Vault,
                                                                         tmp_path: Path) -> None:
    youth = caseload.create_youth(admin, youth_data())
    pdf = jobs.make(admin, "youth_summary", youth.id)
    assert pdf.startswith(b"%PDF")
    jobs.printed(admin, "youth_summary", youth.id, pages=1)
    target = tmp_path / "out" / "summary.pdf"
    with pytest.raises(ValidationFailed) as refused:
        jobs.export(admin, "youth_summary", youth.id, "  ", target)
    assert refused.value.problems[0].field == "purpose" and not target.exists()
    size = jobs.export(admin, "youth_summary", youth.id, "Court report for the hearing", target)
    assert target.stat().st_size == size and oct(target.stat().st_mode & 0o777) == "0o600"
    stamped = _text(target.read_bytes())[0]
    assert "Exported by admin" in stamped and "Court report for the hearing" in stamped
    entries = [(e.action, e.record_id, e.detail) for e in admin.audit_log.entries()]
    assert ("print", youth.id, {"document": "youth_summary", "pages": 1}) in entries
    assert any(a == "export" and r == youth.id and d["purpose"] == "Court report for the hearing"
               for a, r, d in entries)
    admin.add_user("reader", role="read_only", passphrase=WORKER_PASS)
    reader = Vault.unlock(admin.folder, "reader", WORKER_PASS)
    try:
        with pytest.raises(PermissionDenied):
            jobs.export(reader, "youth_summary", youth.id, "curiosity", tmp_path / "no.pdf")
        assert not (tmp_path / "no.pdf").exists()
    finally:
        reader.close()


def test_the_hearing_sheet_stays_on_one_page_and_can_be_bilingual() -> None:
    from datetime import datetime

    from csec_desktop.documents.hearing_sheet import hearing_sheet
    from csec_desktop.rules import LEGAL_ZONE, Finding, FindingKind

    youth = Youth.model_validate(youth_data(safety_flags=[{"person": "Fictional Exploiter"}],
                                            placement={"type": "strtp", "since": "2025-01-01"}))
    many = [Finding(f"rule.{i}", FindingKind.DEADLINE, f"Duty number {i}", (), "Welf. & Inst. Code, § 1",
                    date(2026, 1, 1), due=datetime(2026, 12, 1, tzinfo=LEGAL_ZONE)) for i in range(80)]
    pdf = hearing_sheet(youth, findings=many, goals=["Stay in school"] * 10, made_on=date(2026, 11, 28))
    assert len(pdfium.PdfDocument(pdf)) == 1
    text = _text(pdf)[0]
    assert "Fictional Exploiter" in text and "JV-24-001234" in text and "Duty number 79" in text
    both = _text(hearing_sheet(youth, findings=[], goals=[], made_on=date(2026, 11, 28), lang="en+es"))[0]
    assert "Hearing sheet / Hoja para la audiencia" in both and "Página 1 de 1" in both
    assert "STRTP" in both


def test_identification_printables(admin: Vault) -> None:
    from datetime import datetime

    from csec_desktop import identification, today
    from csec_desktop.errors import NotFound
    from csec_desktop.rules import LEGAL_ZONE

    youth = caseload.create_youth(admin, youth_data())
    with pytest.raises(NotFound, match="no screen"):
        jobs.make(admin, "screening_summary", youth.id)
    identification.save_screen(admin, youth.id, "csec_indicator_screen", {
        "screened_on": "2026-11-20", "sources_used": ["youth"], "exchange_for_needs": "clear"})
    screen = " ".join(_text(jobs.make(admin, "screening_summary", youth.id))[0].split())
    assert "Clear concern (score 6)" in screen and "A screen is not proof" in screen
    assert "traded sexual acts" in screen
    identification.record_status(admin, youth.id, "victim", "disclosure",
                                 datetime(2026, 11, 27, 15, 30, tzinfo=LEGAL_ZONE))
    caseload.add_attached(admin, youth.id, "missing_episode", {
        "learned_at": datetime(2026, 11, 28, 7, 0, tzinfo=LEGAL_ZONE).isoformat()})
    report = next(f for f in today.for_youth(admin, youth.id)
                  if f.rule_id == "csec.report_law_enforcement_24h")
    today.mark_done(admin, youth.id, report.rule_id, report.occurrence, method="telephone",
                    recipient="Demo County Sheriff (fictional)")
    log = " ".join(_text(jobs.make(admin, "notification_log", youth.id))[0].split())  # cells wrap
    assert "Demo County Sheriff (fictional)" in log and "telephone" in log and "not yet" in log
    assert "NCMEC" in log and "16501.35" in log
    # Each clock's start under its duty: the identification, and staff learning of the absence.
    assert "Information received 2026-11-27 15:30" in log and "Information received 2026-11-28 07:00" in log
    sheet = " ".join(" ".join(_text(jobs.make(admin, "missing_report", youth.id, "en+es"))).split())
    assert "Victim of commercial sexual exploitation" in sheet and "Indian child" in sheet
    assert "11166, subd. (j)(3)(B)" in sheet


def test_a_document_reads_and_checks_its_youth_once(admin: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24: the youth plan read and checked its youth four times (a fifth of its time); a
    document now reads them once, with the audited view, and the rest of its reading takes that
    record. Outside a document, each read reads again."""
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "plan_goal", {
        "domain": "housing", "goal": "A place of my own (fictional)", "steps": "Call the fictional shelter",
        "who_helps": "admin"})
    reads: list[str] = []
    real = type(admin.records).get

    def counting(self, record_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(record_id)
        return real(self, record_id, *args, **kwargs)

    monkeypatch.setattr(type(admin.records), "get", counting)
    views = len([e for e in admin.audit_log.entries() if e.action == "view"])
    assert "A place of my own" in " ".join(_text(jobs.make(admin, "youth_plan", youth.id))[0].split())
    assert reads.count(youth.id) == 1
    assert len([e for e in admin.audit_log.entries() if e.action == "view"]) == views + 1
    reads.clear()
    caseload.get_youth(admin, youth.id, audit=False)
    caseload.attached(admin, youth.id, "plan_goal")
    assert reads.count(youth.id) == 2


PLAIN_TEXTS = ("Goal", "  Safe   housing  before the hearing ", "Núñez Nguyễn Thị Hương", "A\u00a0B",
               "x" * 400, "Quotes \"and\" apostrophes' — dashes", "R&D <b>not bold</b>", "王小明",
               "two\nlines", "", "\u00a0", "Tab\tbetween")


def _drawn(make: Any, style: Any) -> bytes:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    Frame(36, 36, 300, 700).addFromList([make(t, style) for t in PLAIN_TEXTS], canvas)
    canvas.save()
    return buffer.getvalue()


def test_a_paragraph_asked_again_for_a_width_keeps_the_lines_it_broke(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # fonts.Para breaks its lines once per width. A table that runs over three pages (its header
    # repeated, rows split between pages, cells asked for their height and then drawn) comes out
    # byte for byte as with ReportLab's own wrap, which breaks the lines at every request.
    from reportlab.platypus import Paragraph

    from csec_desktop.documents import fonts, page

    rows = [["Goal", "Who helps", "Status"]] + [
        [f"Goal {n}: " + "keep the appointment and the ride there " * (n % 7), "Case manager Fictional",
         "in progress" if n % 2 else "not started"] for n in range(90)]

    def made() -> bytes:
        story = [page.para("Service plan", "title"), page.table(rows, [250, 150, 90]),
                 page.para("Long text " * 400)]
        return page.render(story, title="Service plan")

    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)  # the same document id for the same content
    ours = fonts.Para.__dict__["wrap"]
    cached = made()
    monkeypatch.setattr(fonts.Para, "wrap", Paragraph.wrap)
    assert len(_text(cached)) >= 3
    strip = lambda pdf: re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)  # noqa: E731
    assert strip(made()) == strip(cached)
    monkeypatch.setattr(fonts.Para, "wrap", ours)
    para = fonts.paragraph("Safe housing before the hearing, with a ride there", page.STYLES["cell"])
    widths = (80, 300, 80, 300)
    fresh = [Paragraph.wrap(fonts.paragraph(para.text, page.STYLES["cell"]), w, 100) for w in widths]
    assert [para.wrap(w, 100) for w in widths] == fresh


def test_plain_paragraphs_are_set_as_the_markup_parser_sets_them() -> None:
    # The fast path for plain text (fonts.paragraph) gives the parser's fragments and the same PDF.
    from reportlab.platypus import Paragraph

    from csec_desktop.documents import page, pleading
    from csec_desktop.documents.fonts import SANS, SERIF, paragraph, register

    register()
    for styles, font in ((page.STYLES, SANS), (pleading.STYLES, SERIF)):
        for style in styles.values():
            for text in PLAIN_TEXTS:
                ours, theirs = paragraph(text, style, font), Paragraph(markup(text, font), style)
                assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags], text
                assert ours.wrap(300, 700) == theirs.wrap(300, 700)
            assert _drawn(lambda t, s, f=font: paragraph(t, s, f), style) == \
                _drawn(lambda t, s, f=font: Paragraph(markup(t, f), s), style)


def test_the_youths_own_plan_names_each_area_without_the_staff_examples(admin: Vault) -> None:
    """"My plan" is handed to the youth and may be found by the person exploiting them: the legal
    area printed as "Civil legal needs (vacatur, protective orders against exploiters, ...)"."""
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "plan_goal", {
        "domain": "legal", "goal": "Papers in order (fictional)", "steps": "Call the fictional clinic",
        "who_helps": "admin"})
    for lang in ("en", "es"):
        text = " ".join(" ".join(_text(jobs.make(admin, "youth_plan", youth.id, lang))).split())
        assert "Papers in order (fictional)" in text
        assert "exploit" not in text.lower() and "vacatur" not in text.lower() and "anulación" not in text
    assert "Civil legal needs" in " ".join(" ".join(_text(jobs.make(admin, "youth_plan", youth.id))).split())


def test_a_screen_summary_asked_for_a_licensed_result_says_where_it_is(admin: Vault) -> None:
    """With a CSE-IT result recorded (the result only: its items are licensed), "print the last
    screen's summary" said "This youth has no screen to print yet", as if the result were lost."""
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "licensed_screen", {
        "tool": "CSE-IT (result only)", "tool_version": "2.0", "screened_on": "2026-11-01",
        "screener": "admin", "screener_trained": True, "band": "possible_concern"})
    with pytest.raises(NotFound, match="licensed tool's results"):
        jobs.make(admin, "screening_summary", youth.id)
