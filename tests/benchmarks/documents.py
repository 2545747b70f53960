"""Document benchmarks: `python -m tests.benchmarks.documents`.

Pages per second for a 20-page court paper and a 10-page plan-like document, each against
a bare ReportLab document of the same number of pages made in the same run (standard
fonts, no page furniture, no fallback), so the ratio is the cost of what we add: embedded
fonts, per-character fallback, line numbers, notices and "Page X of Y".
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from csec_desktop.documents.page import para, render, table
from csec_desktop.documents.pleading import CourtPaper, Section, Signature, render_court_paper

WORDS = "The petitioner was a victim of human trafficking when each arrest happened, as the record shows. "


def court_paper(paragraphs: int) -> bytes:
    return render_court_paper(CourtPaper(
        counsel=("Fictional Counsel (SBN 000000)", "Fictional Legal Aid", "Attorney for Petitioner"),
        court="Superior Court of the State of California", county="County of Demo",
        case_title=("THE PEOPLE OF THE STATE OF CALIFORNIA,", "Plaintiff,", "v.", "J. D.,", "Defendant."),
        case_number="24CR-000123", title="PETITION TO VACATE (Pen. Code, § 236.14)",
        sections=(Section("GROUNDS", tuple(WORDS * 3 for _ in range(paragraphs))),),
        signature=Signature("Fictional Counsel", "Attorney for Petitioner", "November 28, 2026")))


def plan(rows: int) -> bytes:
    story = [para("Service plan", "title")]
    for block in range(rows // 20):
        story += [para(f"Goal {block + 1}", "heading"),
                  table([("Step", "Who", "Due"), *[(WORDS, "Caseworker", "2026-12-01") for _ in range(20)]],
                        [300, 120, 80])]
    return render(story, title="Service plan")


def bare(pages: int) -> bytes:
    buffer = io.BytesIO()
    style = getSampleStyleSheet()["BodyText"]
    story = []
    for page in range(pages):
        story += [Paragraph(WORDS * 6, style) for _ in range(8)]
        if page < pages - 1:
            story.append(PageBreak())
    SimpleDocTemplate(buffer, pagesize=LETTER).build(story)
    return buffer.getvalue()


def pages_of(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(pdf))


def rate(make: Callable[[], bytes], runs: int = 5) -> tuple[float, int]:
    pages = pages_of(make())  # warm-up: fonts registered, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        times.append(time.perf_counter() - start)
    return pages / statistics.median(times), pages


def fit(make: Callable[[int], bytes], target: int, start: int) -> int:
    """The size argument that gives `target` pages."""
    size = start
    while pages_of(make(size)) < target:
        size += max(1, start // 10)
    while size > 1 and pages_of(make(size - 1)) >= target:
        size -= 1
    return size


def main() -> None:
    for name, make, target, start in (("court paper", court_paper, 20, 40), ("plan", plan, 10, 60)):
        size = fit(make, target, start)
        ours, pages = rate(lambda make=make, size=size: make(size))
        base, base_pages = rate(lambda pages=pages: bare(pages))
        print(f"{name}: {pages} pages at {ours:.0f} pages/s; bare ReportLab {base_pages} pages at "
              f"{base:.0f} pages/s; time per page, ours / bare: {base / ours:.2f}x")


if __name__ == "__main__":
    main()
