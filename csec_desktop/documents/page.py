"""The shared page machinery: PDF bytes made in memory, clean metadata, the confidentiality
notice and "Page X of Y" on every page, and the styles documents are set in.

No document is ever written to disk here: `render` returns bytes. Saving one is an
export the interface asks for explicitly (see csec_desktop/exports.py).
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportlab import platypus
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, TableStyle

from csec_desktop import APP_NAME
from csec_desktop.documents.fonts import SANS, SERIF, markup, paragraph, register
from csec_desktop.text import say, translations

WIC_827_NOTICE = "Confidential: juvenile case file information, Welf. & Inst. Code 827"
PAGE_WIDTH, PAGE_HEIGHT = float(LETTER[0]), float(LETTER[1])


@dataclass(frozen=True)
class Footer:
    """What every page carries besides the body."""

    notice: str = WIC_827_NOTICE
    page_label: Callable[[int, int], str] = lambda page, total: f"Page {page} of {total}"
    title: str = ""  # a court paper's footer title (rule 2.110); empty for other documents
    font: str = SANS
    stamp: str = ""  # on an exported copy: who exported it, when, and why


class Table(platypus.Table):
    """A table whose cells' font is an embedded one. ReportLab sets each cell's font before drawing
    it, even a cell of paragraphs, and its default, Helvetica, is not embedded: every PDF with a
    table named it, and a court's e-filing check that every font is embedded refused the file."""

    def __init__(self, data: Any, *args: Any, font: str = SANS, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.setStyle([("FONTNAME", (0, 0), (-1, -1), font)])


class _NumberedCanvas(Canvas):
    """Holds every page until the end so each can say how many pages there are.

    A document may be made of parts (the papers of a vacatur packet): each page belongs to
    the part its page template names in `part`, and is numbered within that part, under that
    part's footer."""

    footers: tuple[Footer, ...] = (Footer(),)
    part = 0  # set on the canvas by a page template's onPage; a plain document is one part

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # ReportLab's first font is Helvetica, which is not embedded: named in every page's
        # resources though no text used it, it made an e-filing check of embedded fonts fail.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or self.footers[0].font
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.part_pages: list[int] = []
        # ReportLab writes the machine's UTC offset into the dates; write UTC instead.
        stamp = datetime.now(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_parts: stamp)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        parts = [int(state.get("part", 0)) for state in self._pages]
        totals = Counter(parts)
        numbers: Counter[int] = Counter()
        for state, part in zip(self._pages, parts, strict=True):
            numbers[part] += 1
            self.__dict__.update(state)
            self._furniture(self.footers[part], numbers[part], totals[part])
            super().showPage()
        self.part_pages = [totals[part] for part in range(len(self.footers))]
        super().save()

    def _furniture(self, footer: Footer, number: int, total: int) -> None:
        self.saveState()
        self.setFillColorRGB(0, 0, 0)
        key = "\n".join(("footer", footer.font, footer.notice, footer.stamp, footer.title))
        drawn_once(self, key, lambda canvas: _footer_still(canvas, footer))
        self.setFont(footer.font, 10)
        self.drawCentredString(PAGE_WIDTH / 2, 34, footer.page_label(number, total))
        self.restoreState()


def _footer_still(canvas: Canvas, footer: Footer) -> None:
    """What a part's footer shows on each of its pages but the page's number."""
    if footer.notice:
        # Within half an inch of each edge, where every printer prints: the notice in English and
        # Spanish side by side ran to a quarter inch of the paper's edges.
        size = min(8.0, 8.0 * (PAGE_WIDTH - inch) / max(canvas.stringWidth(footer.notice, footer.font, 8), 1))
        canvas.setFont(footer.font, size)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 0.45 * inch, footer.notice)
    if footer.stamp:
        canvas.setFont(footer.font, 7)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 0.62 * inch, footer.stamp)
    if footer.title:
        canvas.setLineWidth(0.75)
        canvas.line(79, 28, PAGE_WIDTH - 42, 28)
        para = Paragraph(markup(footer.title, footer.font), STYLES["footer_title"])
        para.wrapOn(canvas, PAGE_WIDTH - 42 - 79, 20)
        para.drawOn(canvas, 79, 14)


def drawn_once(canvas: Canvas, key: str, draw: Callable[[Canvas], None]) -> None:
    """`draw` made once per document as a form (a PDF XObject) and placed on this page: what is the
    same on many pages (a court paper's numbered lines and counsel block, a watermark, a footer
    but its page number) is written into the file once and each page refers to it. Drawn on each
    page, that furniture was a seventh of a vacatur packet's time. The form is named by a digest
    of `key` (what it holds), never by the text itself."""
    name = "csec" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    if not canvas.hasForm(name):
        canvas.beginForm(name)
        draw(canvas)
        canvas.endForm()
    canvas.doForm(name)


def _styles() -> dict[str, ParagraphStyle]:
    # No font is registered here: a style only names one (fonts load at the first paragraph).
    base = ParagraphStyle("body", fontName=SANS, fontSize=10.5, leading=14)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, spaceAfter=6,
                                fontName=SANS + "-Bold"),
        # keepWithNext: a heading goes to the next page with what it heads (the summary's "Duties"
        # was left alone at the foot of a page, its table on the next).
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=16, spaceBefore=8,
                                  spaceAfter=3, fontName=SANS + "-Bold", keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontSize=9.5, leading=12,
                                    fontName=SANS + "-Bold"),
        "footer_title": ParagraphStyle("footer_title", fontName=SERIF, fontSize=10, leading=12,
                                       alignment=TA_CENTER),
    }


STYLES = _styles()


def para(text: str, style: str = "body", font: str = SANS) -> Paragraph:
    """A paragraph of plain text (escaped, with per-character font fallback)."""
    return paragraph(text, STYLES[style], font)


class _Box(Flowable):
    """A square drawn with lines, crossed when checked (no font needs to have a box glyph)."""

    SIZE = 9.0

    def __init__(self, checked: bool) -> None:
        super().__init__()
        self.checked = checked

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.SIZE, self.SIZE

    def draw(self) -> None:
        size = self.SIZE
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, size, size)
        if self.checked:
            self.canv.line(1.5, 1.5, size - 1.5, size - 1.5)
            self.canv.line(1.5, size - 1.5, size - 1.5, 1.5)


def checkbox(checked: bool, label: str, width: float = 6.5 * inch) -> Table:
    """A printed tick box and its label."""
    result = Table([[_Box(checked), para(label)]], colWidths=[16, width - 16])
    result.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (0, 0), 5)]))
    return result


DOCUMENT_LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "en+es": "English + Español"}
"""Languages a document can be printed in; "en+es" sets the two side by side."""


class Texts:
    """A document's words in one language, or two side by side."""

    def __init__(self, lang: str) -> None:
        if lang not in DOCUMENT_LANGUAGES:
            raise ValueError(f"no document language {lang!r}")
        self.codes = lang.split("+")
        self.lang = lang

    def t(self, message: str) -> str:
        """A short text (a label, a heading): "English / Español" when bilingual."""
        seen: list[str] = []
        for code in self.codes:
            text = translations(code).gettext(message)
            if text not in seen:
                seen.append(text)
        return " / ".join(seen)

    def say(self, line: str) -> str:
        """A rule's why line (text.Line) in the document's language(s); other text as it is."""
        seen: list[str] = []
        for code in self.codes:
            text = say(line, translations(code).gettext)
            if text not in seen:
                seen.append(text)
        return " / ".join(seen)

    def block(self, message: str, style: str = "body", **values: Any) -> Flowable:
        """A paragraph; bilingual ones are set in two columns, English on the left."""
        texts = [translations(code).gettext(message).format(**values) for code in self.codes]
        if len(texts) == 1:
            return para(texts[0], style)
        columns = Table([[para(text, style) for text in texts]], colWidths=[3.5 * inch, 3.5 * inch])
        columns.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("LEFTPADDING", (0, 0), (0, 0), 0),
                                     ("LINEAFTER", (0, 0), (0, 0), 0.4, "#999999")]))
        return columns

    def page_label(self, page: int, total: int) -> str:
        return self.t("Page {page} of {total}").format(page=page, total=total)


def table(rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool = True) -> Table:
    """A table of plain text cells, header row bold and repeated on each page."""
    cells = [[para(text, "cell_bold" if header and r == 0 else "cell") for text in row]
             for r, row in enumerate(rows)]
    result = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    result.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, "#777777"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0 if header else -1), "#e8e8e8" if header else None),
    ]))
    return result


def signature_block(people: Sequence[str], date_label: str = "Date") -> Table:
    """Lines to sign and date, one row per person."""
    rows = [[para("_" * 38 + "\n" + who, "small"), para("_" * 16 + "\n" + date_label, "small")]
            for who in people]
    result = Table(rows, colWidths=[3.6 * inch, 2.0 * inch])
    result.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 18)]))
    return result


def render(story: list[Flowable], *, title: str, footer: Footer | None = None,
           templates: list[PageTemplate] | None = None) -> bytes:
    """Lay the story out on letter paper and return the PDF bytes.

    `title` becomes the PDF's Title: keep it neutral ("Youth summary"), never a name.
    The Author and Subject are empty: a PDF says nothing of who made it or about whom.
    """
    return render_parts(story, title=title, footers=[footer or Footer()], templates=templates)[0]


def render_parts(story: list[Flowable], *, title: str, footers: Sequence[Footer],
                 templates: list[PageTemplate] | None = None) -> tuple[bytes, list[int]]:
    """`render` for a document of parts, and the number of pages of each part.

    Part i's pages are those drawn on a page template whose onPage sets `canvas.part = i`;
    each part is numbered from 1 under footers[i]."""
    register()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=LETTER, title=title, author="", subject="", keywords="",
                          creator=APP_NAME, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
                          topMargin=0.75 * inch, bottomMargin=0.75 * inch)
    if templates is None:
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
        templates = [PageTemplate(id="plain", frames=[frame])]
    doc.addPageTemplates(templates)
    canvas_class = type("DocumentCanvas", (_NumberedCanvas,), {"footers": tuple(footers)})
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue(), list(doc.canv.part_pages)
