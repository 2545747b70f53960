"""California pleading paper (Cal. Rules of Court, rules 2.100-2.119) and a generic
court-paper builder on top of it: caption, numbered paragraphs, a declaration under
penalty of perjury, a signature, and a proof of service.

Geometry (DOMAIN.md section 6): letter paper; 28 numbered lines, one every 24 pt from
1 inch below the top edge, restarting on each page; text double-spaced on those
lines in a 12 pt Times-equivalent; left margin over 1 inch with a double rule between
the numbers and the text, a single rule inside the 1/2 inch right margin; the page
number at the bottom and under it, below a rule, the paper's title in 10 pt.
First page: counsel or party block from line 1 on the left, the clerk's space right
of lines 1-7 left blank, the court's title on line 8, then the caption.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    TableStyle,
)

from csec_desktop.documents.fonts import SERIF, paragraph, register
from csec_desktop.documents.page import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    WIC_827_NOTICE,
    Footer,
    Table,
    drawn_once,
    render_parts,
)

LINES = 28
STEP = 24.0  # points per numbered line: three lines per inch (rule 2.108)
TOP = 72.0  # line 1's band starts one inch below the top edge
FONT_SIZE = 12.0  # rule 2.104: not smaller than 12 points
NUMBER_RIGHT = 64.0  # the numbers end here ...
RULE_X = (68.0, 70.5)  # ... then a double rule ...
TEXT_LEFT = 79.0  # ... and the text starts 1.1 inch in (rule 2.107: at least 1 inch)
TEXT_RIGHT = PAGE_WIDTH - 42.0  # right margin 0.58 inch (rule 2.107: at least 1/2 inch)
RIGHT_RULE_X = PAGE_WIDTH - 38.0
FIRST_PAGE_LINES_ABOVE_TITLE = 7  # the counsel block and the clerk's space use lines 1-7


def baseline(line: int) -> float:
    """The y of numbered line `line` (1-28), counted up from the bottom edge as PDF does."""
    return PAGE_HEIGHT - (TOP + STEP * line - 6.0)


def _frame_top(first_line: int) -> float:
    # Platypus sets a paragraph's first baseline one font size below its frame's top.
    return baseline(first_line) + FONT_SIZE


BOTTOM = _frame_top(1) - LINES * STEP  # the frames end where a 29th line would begin


def _style(name: str, **kw: Any) -> ParagraphStyle:
    # No font is registered here: a style only names one (fonts load at the first paragraph).
    base: dict[str, Any] = {"fontName": SERIF, "fontSize": FONT_SIZE, "leading": STEP,
                            "alignment": TA_LEFT}
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=36),
    "plain": _style("plain"),
    "center_bold": _style("center_bold", fontName=SERIF + "-Bold", alignment=TA_CENTER),
    "heading": _style("heading", fontName=SERIF + "-Bold", alignment=TA_CENTER, keepWithNext=1),
    "single": _style("single", leading=FONT_SIZE),  # single-spaced: captions and the counsel block
    "single_bold": _style("single_bold", leading=FONT_SIZE, fontName=SERIF + "-Bold"),
    "signature": _style("signature", leftIndent=(TEXT_RIGHT - TEXT_LEFT) / 2),
}


def text(value: str, style: str = "body") -> Paragraph:
    # An empty caption line still takes its line: a no-break space has height, "" has none.
    return paragraph(value or "\u00a0", STYLES[style], SERIF)


class GridSnap(Flowable):
    """Empty space down to the next numbered line, so text after a caption or table sits on
    the lines again. The space left in the frame, minus whole lines, is the gap."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = available_height % STEP
        return available_width, self.height

    def draw(self) -> None:
        pass


@dataclass(frozen=True)
class Section:
    heading: str | None
    paragraphs: tuple[str, ...]
    numbered: bool = True


@dataclass(frozen=True)
class Signature:
    name: str
    role: str  # "Attorney for Petitioner", "Petitioner, in pro per"
    dated: str  # the date as it is to be printed
    typed: bool = True  # "/s/ Name" (electronic) or a wet-signature line


@dataclass(frozen=True)
class Service:
    """A proof of service by a person over 18 who is not a party."""

    server: str
    server_address: str
    method: str  # "by placing a true copy in a sealed envelope with first-class postage ..."
    served_on: str  # the date as printed
    place: str  # city where signed
    parties: tuple[str, ...]  # each person served with their address


@dataclass(frozen=True)
class CourtPaper:
    counsel: tuple[str, ...]
    court: str
    county: str
    case_title: tuple[str, ...]
    case_number: str
    title: str
    sections: tuple[Section, ...]
    signature: Signature
    hearing: tuple[str, ...] = ()
    declaration: str | None = None  # declarant's name: adds the penalty-of-perjury statement
    declaration_place: str = ""
    service: Service | None = None
    footer_title: str = ""
    notice: str = WIC_827_NOTICE
    extra: tuple[Flowable, ...] = field(default_factory=tuple)
    watermark: str = ""  # across every page, light grey (an unsigned draft)
    closing: tuple[Flowable, ...] = ()  # after the signature: a verification, a proposed order


# A stroke alphabet for the watermark: drawn as lines, never as text, so extracting the text of a
# draft (to read it, or to check it for a name) never finds the watermark in it. Each letter is
# polylines on a 4-wide, 6-high grid.
_STROKES: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {
    "A": (((0, 0), (2, 6), (4, 0)), ((1, 3), (3, 3))),
    "D": (((0, 0), (0, 6), (2.5, 6), (4, 4.5), (4, 1.5), (2.5, 0), (0, 0)),),
    "E": (((4, 6), (0, 6), (0, 0), (4, 0)), ((0, 3), (3, 3))),
    "F": (((4, 6), (0, 6), (0, 0)), ((0, 3), (3, 3))),
    "G": (((4, 5), (3, 6), (1, 6), (0, 5), (0, 1), (1, 0), (3, 0), (4, 1), (4, 3), (2, 3)),),
    "I": (((1, 6), (3, 6)), ((2, 6), (2, 0)), ((1, 0), (3, 0))),
    "N": (((0, 0), (0, 6), (4, 0), (4, 6)),),
    "R": (((0, 0), (0, 6), (3, 6), (4, 5), (4, 4), (3, 3), (0, 3)), ((2, 3), (4, 0))),
    "S": (((4, 5), (3, 6), (1, 6), (0, 5), (0, 4), (1, 3), (3, 3), (4, 2), (4, 1), (3, 0), (1, 0), (0, 1)),),
    "T": (((0, 6), (4, 6)), ((2, 6), (2, 0))),
    "U": (((0, 6), (0, 1), (1, 0), (3, 0), (4, 1), (4, 6)),),
}


def draw_watermark(canvas: Canvas, words: str, unit: float = 7.0) -> None:
    """`words` in light grey strokes across the middle of the page (letters without a stroke
    form leave a gap)."""
    advance = 6 * unit
    canvas.saveState()
    canvas.setStrokeGray(0.8)
    canvas.setLineWidth(unit * 0.9)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(52)
    x = -advance * len(words) / 2
    for letter in words.upper():
        for stroke in _STROKES.get(letter, ()):
            path = canvas.beginPath()
            path.moveTo(x + stroke[0][0] * unit, (stroke[0][1] - 3) * unit)
            for px, py in stroke[1:]:
                path.lineTo(x + px * unit, (py - 3) * unit)
            canvas.drawPath(path, stroke=1, fill=0)
        x += advance
    canvas.restoreState()


def county_line(county: str) -> str:
    """"COUNTY OF DEMO" from "Demo", "Demo County" or "County of Demo": the county named once."""
    name = " ".join(county.split())
    lowered = name.lower()
    if lowered.startswith("county of "):
        name = name[len("county of "):]
    elif lowered.endswith(" county"):
        name = name[: -len(" county")]
    return f"COUNTY OF {name.upper()}"


def _lines(canvas: Canvas) -> None:
    canvas.setFont(SERIF, FONT_SIZE)
    for line in range(1, LINES + 1):
        canvas.drawRightString(NUMBER_RIGHT, baseline(line), str(line))
    canvas.setLineWidth(0.6)
    for x in RULE_X:
        canvas.line(x, 0, x, PAGE_HEIGHT)
    canvas.line(RIGHT_RULE_X, 0, RIGHT_RULE_X, PAGE_HEIGHT)


def _counsel_block(counsel: tuple[str, ...]) -> Callable[[Canvas], None]:
    def draw(canvas: Canvas) -> None:
        # Single-spaced in the left half, each entry wrapped under itself, down to line 7.
        y = baseline(1) + FONT_SIZE - 2.5
        floor = baseline(FIRST_PAGE_LINES_ABOVE_TITLE) - 6
        for entry in counsel:
            para = text(entry, "single")
            _w, height = para.wrapOn(canvas, (TEXT_RIGHT - TEXT_LEFT) / 2 - 6, FONT_SIZE)
            if y - height < floor:
                break  # the block may not run into the court's title (CounselBlock.fits says so first)
            para.drawOn(canvas, TEXT_LEFT, y - height)
            y -= height

    return draw


def _paper(canvas: Canvas, counsel: tuple[str, ...] | None, watermark: str = "") -> None:
    """The lines, numbers and rules of every page; the counsel block on the first."""
    canvas.saveState()
    if watermark:
        drawn_once(canvas, "watermark\n" + watermark, lambda c: draw_watermark(c, watermark))
    drawn_once(canvas, "pleading lines", _lines)
    if counsel:
        drawn_once(canvas, "counsel\n" + "\n".join(counsel), _counsel_block(counsel))
    canvas.restoreState()


def counsel_fits(counsel: tuple[str, ...]) -> bool:
    """Whether the first-page block fits above the court's title (lines 1-7) once wrapped."""
    register()
    height = sum(float(text(e, "single").wrap((TEXT_RIGHT - TEXT_LEFT) / 2 - 6, 1000)[1]) for e in counsel)
    return bool(height <= baseline(1) - baseline(FIRST_PAGE_LINES_ABOVE_TITLE) + FONT_SIZE + 3.5)


def _caption(paper: CourtPaper) -> Table:
    left = [text(line, "single") for line in paper.case_title]
    right: list[Flowable] = [text(f"Case No. {paper.case_number}", "single_bold"), text(" ", "single"),
                             text(paper.title, "single_bold")]
    if paper.hearing:
        right += [text(" ", "single"), *[text(line, "single") for line in paper.hearing]]
    width = TEXT_RIGHT - TEXT_LEFT
    caption = Table([[left, right]], colWidths=[width * 0.52, width * 0.48], font=SERIF)
    caption.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEAFTER", (0, 0), (0, 0), 0.8, "black"),
        ("LINEBELOW", (0, 0), (0, 0), 0.8, "black"),
        ("LEFTPADDING", (0, 0), (0, 0), 0), ("LEFTPADDING", (1, 0), (1, 0), 12),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
    ]))
    return caption


def signature_block(sig: Signature, lead: list[Flowable] | None = None) -> list[Flowable]:
    """A signature kept on one page with `lead` (what it signs: a verification's heading and text)."""
    return _signature(sig, lead)


def _signature(sig: Signature, lead: list[Flowable] | None = None) -> list[Flowable]:
    """"Dated:" at the left; the signature, name and role in the right half; kept on one page with
    `lead` (the paper's last paragraph): a signature alone on a page, or its date on the page
    before, signs no text of the paper, and a clerk sends it back."""
    mark = f"/s/ {sig.name}" if sig.typed else "_" * 34
    return [KeepTogether([*(lead or []), text(f"Dated: {sig.dated}", "plain"),
                          *(text(line, "signature") for line in (mark, sig.name, sig.role))])]


def story(paper: CourtPaper, later: str) -> list[Flowable]:
    """The paper's flowables, from its first page; `later` names the template of its other pages."""
    out: list[Flowable] = [NextPageTemplate(later), text(paper.court.upper(), "center_bold"),
                           text(county_line(paper.county), "center_bold"), _caption(paper), GridSnap()]
    header = len(out)
    number = 1
    for section in paper.sections:
        if section.heading:
            out.append(text(section.heading, "heading"))
        for said in section.paragraphs:
            if section.numbered:
                out.append(text(f"{number}.\u2003{said}"))
                number += 1
            else:
                out.append(text(said))
    out.extend(paper.extra)
    if paper.declaration:
        # Signed in California, a declaration states the date and the place it was signed (Code Civ.
        # Proc., § 2015.5); left as lines to fill in where the paper does not know them.
        blank = "_" * 16
        out.append(text(
            f"I, {paper.declaration}, declare under penalty of perjury under the laws of the State of "
            "California that the foregoing is true and correct. Executed on "
            f"{paper.signature.dated or blank} at {paper.declaration_place or blank}, California."))
    lead = [out.pop()] if len(out) > header and isinstance(out[-1], Paragraph) else []
    if lead and len(out) > header and isinstance(out[-1], Paragraph) and out[-1].style.name == "heading":
        # The last paragraph's heading goes with it: inside the signature's KeepTogether the
        # paragraph no longer keeps its heading's keepWithNext, which was left at a page's foot.
        lead.insert(0, out.pop())
    out.extend(_signature(paper.signature, lead))
    out.extend(paper.closing)
    if paper.service:
        s = paper.service
        out += [PageBreak(), text("PROOF OF SERVICE", "heading"),
                text(f"I am over 18 years of age and not a party to this action. My address is "
                     f"{s.server_address}. On {s.served_on}, I served the foregoing {paper.title} on the "
                     f"persons named below {s.method}:"),
                *[text(party, "plain") for party in s.parties],
                text("I declare under penalty of perjury under the laws of the State of California that the "
                     f"foregoing is true and correct. Executed on {s.served_on} at {s.place}, California."),
                *_signature(Signature(s.server, "Person serving", s.served_on, typed=False))]
    return out


def _templates(part: int, paper: CourtPaper) -> list[PageTemplate]:
    """The first and later pages of the packet's `part`-th paper (frames hold state: one each)."""
    def first_page(canvas: Canvas, _doc: Any) -> None:
        canvas.part = part  # read by page._NumberedCanvas
        _paper(canvas, paper.counsel, paper.watermark)

    def later_page(canvas: Canvas, _doc: Any) -> None:
        canvas.part = part
        _paper(canvas, None, paper.watermark)

    width = TEXT_RIGHT - TEXT_LEFT
    first = Frame(TEXT_LEFT, BOTTOM, width, _frame_top(FIRST_PAGE_LINES_ABOVE_TITLE + 1) - BOTTOM,
                  id="first", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(TEXT_LEFT, BOTTOM, width, _frame_top(1) - BOTTOM, id="later",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return [PageTemplate(id=f"first-{part}", frames=[first], onPage=first_page),
            PageTemplate(id=f"later-{part}", frames=[later], onPage=later_page)]


def render_court_papers(papers: Sequence[CourtPaper], title: str) -> tuple[bytes, list[int]]:
    """Several papers as one PDF, and the pages of each. Each paper starts on a page of its own
    with its counsel block and caption, and is numbered from 1 under its own footer, exactly as
    if it had been made alone. One document embeds the fonts once: the papers of a packet made
    one by one took twice as long, most of it subsetting and compressing the same fonts again."""
    flowables: list[Flowable] = []
    templates: list[PageTemplate] = []
    for part, paper in enumerate(papers):
        templates += _templates(part, paper)
        if part:
            flowables += [NextPageTemplate(f"first-{part}"), PageBreak()]
        flowables += story(paper, later=f"later-{part}")
    footers = [Footer(notice=paper.notice, page_label=lambda page, _total: str(page),
                      title=paper.footer_title or paper.title, font=SERIF) for paper in papers]
    return render_parts(flowables, title=title, footers=footers, templates=templates)


def render_court_paper(paper: CourtPaper) -> bytes:
    """The paper as PDF bytes, in memory."""
    return render_court_papers([paper], paper.footer_title or paper.title)[0]
