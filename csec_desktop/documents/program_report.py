"""The printed program report: a period's counts, duties and screens for a county's CSEC program,
with charts, the definition and law of every figure, the scope, and who prepared it and when.

Never a name: the report is about a program, not a youth (the drill-down lists stay on screen).
The de-identified form hides small counts as reports/deidentify.py says and prints the rule.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from csec_desktop.clock import LEGAL_ZONE
from csec_desktop.documents.fonts import SANS, markup
from csec_desktop.documents.page import Footer, para, render, table
from csec_desktop.domain.services import SERVICE_DOMAINS, GoalStatus, ReferralStatus
from csec_desktop.reports import counts as C
from csec_desktop.reports import deidentify as D
from csec_desktop.reports.duties import SHORT
from csec_desktop.reports.duties import grid as duty_grid
from csec_desktop.reports.figures import (
    ab12_grid,
    column_name,
    first_service_words,
    follow_up_grid,
    relief_grid,
    tool_names,
)
from csec_desktop.usecases.reports import Report

TITLE = "CSEC program report"
LINE_COLOURS = (colors.HexColor("#1f4e79"), colors.HexColor("#c55a11"))
BAR_COLOUR = colors.HexColor("#1f4e79")
NOTICE = "County program figures; no youth is named. Confidential: Welf. & Inst. Code 827."
NARROW_HEADER = ParagraphStyle("narrow_header", fontName=SANS + "-Bold", fontSize=7.5, leading=9)


def _counts_table(report: Report, deidentified: bool) -> D.Table:
    ids = [line.count.id for line in report.lines]
    return D.Table([line.count.label for line in report.lines], report.units,
                   [[line.by_unit.get(u, 0) for u in report.units] for line in report.lines],
                   column_totals_mean_something=False,
                   within=tuple((ids.index(part), ids.index(whole)) for part, whole in C.NESTED
                                if part in ids and whole in ids))


def _grid(table: D.Table, deidentified: bool) -> list[list[str]]:
    if deidentified:
        return D.shown(table)
    rows = [["", *table.columns, "Total"]]
    for name, row in zip(table.rows, table.counts, strict=True):
        rows.append([name, *map(str, row), str(sum(row))])
    return rows


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=SANS + "-Bold", fontSize=10))


def trend_chart(report: Report) -> Drawing:
    """Identifications month by month: a line per count (C.TREND)."""
    drawing = Drawing(7.0 * inch, 2.3 * inch)
    _title(drawing, "Youth identified, by month")
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, 4.6 * inch, 1.6 * inch
    series = [report.trend[cid] for cid in C.TREND]
    plot.data = [list(enumerate(values)) for values in series]
    for n, colour in enumerate(LINE_COLOURS[: len(series)]):
        plot.lines[n].strokeColor = colour
        plot.lines[n].strokeWidth = 1.8
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(len(report.months) - 1, 1)
    plot.xValueAxis.valueSteps = list(range(len(report.months)))
    plot.xValueAxis.labelTextFormat = lambda n: report.months[int(n)].label[2:]  # "26-07"
    plot.xValueAxis.labels.fontName, plot.xValueAxis.labels.fontSize = SANS, 7
    top = max([1, *(v for values in series for v in values)])
    step = max(1, -(-top // 5))  # whole youth: never the same label twice on the axis
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, step * 5, step
    plot.yValueAxis.labels.fontName, plot.yValueAxis.labels.fontSize = SANS, 7
    plot.yValueAxis.labelTextFormat = "%d"
    drawing.add(plot)
    labels = {c.id: c.label for c in C.COUNTS}
    legend = Legend()
    legend.x, legend.y = 40 + 4.6 * inch + 12, 1.3 * inch
    legend.fontName, legend.fontSize = SANS, 7
    legend.columnMaximum = 4
    legend.colorNamePairs = [(LINE_COLOURS[n], labels[cid]) for n, cid in enumerate(C.TREND)]
    drawing.add(legend)
    return drawing


def unit_chart(report: Report) -> Drawing | None:
    """Youth identified as exploited in the period, a bar per unit."""
    line = next((x for x in report.lines if x.count.id == "identified_victims"), None)
    if line is None or not report.units:
        return None
    drawing = Drawing(7.0 * inch, 2.1 * inch)
    _title(drawing, "Youth identified as exploited in the period, by unit")
    bars = VerticalBarChart()
    bars.x, bars.y, bars.height = 40, 30, 1.4 * inch
    bars.width = min(5.5 * inch, 0.9 * inch * len(report.units))
    bars.data = [[line.by_unit.get(u, 0) for u in report.units]]
    bars.bars[0].fillColor = BAR_COLOUR
    bars.categoryAxis.categoryNames = [u[:14] for u in report.units]
    bars.categoryAxis.labels.fontName, bars.categoryAxis.labels.fontSize = SANS, 7
    bars.valueAxis.valueMin = 0
    step = max(1, -(-max([1, *bars.data[0]]) // 4))
    bars.valueAxis.valueMax, bars.valueAxis.valueStep = step * 4, step
    bars.valueAxis.labels.fontName, bars.valueAxis.labels.fontSize = SANS, 7
    bars.valueAxis.labelTextFormat = "%d"
    drawing.add(bars)
    return drawing


def duty_chart(report: Report) -> Drawing | None:
    """Each duty's share done in time, as a bar from 0 to 100%."""
    rated = [line for line in report.duties if line.decided]
    if not rated:
        return None
    drawing = Drawing(7.0 * inch, 2.0 * inch)
    # Of the duties whose outcome is known (DutyLine.decided): one still open before its deadline is
    # neither met nor missed, so "% of those due in the period" read 100% beside 1 in time of 3 due.
    _title(drawing, "Duties done in time (% of those done or overdue)")
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 40, 36, min(6.2 * inch, 1.4 * inch * len(rated)), 1.1 * inch
    bars.data = [[round(100 * (line.on_time_rate or 0)) for line in rated]]
    bars.bars[0].fillColor = colors.HexColor("#548235")
    bars.categoryAxis.categoryNames = [SHORT[line.info.rule_id].replace(", ", "\n") for line in rated]
    bars.categoryAxis.labels.fontName, bars.categoryAxis.labels.fontSize = SANS, 7
    bars.valueAxis.valueMin, bars.valueAxis.valueMax, bars.valueAxis.valueStep = 0, 100, 25
    bars.valueAxis.labels.fontName, bars.valueAxis.labels.fontSize = SANS, 7
    drawing.add(bars)
    return drawing


def _duty_rows(report: Report, deidentified: bool) -> list[list[str]]:
    rows = [["Duty (law)", "Due", "In time", "Late", "Median delay", "Still open"]]
    for summary, citation, checked, due, in_time, late, delay, still_open in duty_grid(
            report.duties, deidentified=deidentified)[1:]:
        rows.append([f"{summary} ({citation}; law checked {checked})", due, in_time, late,
                     f"{delay} h" if delay else "", still_open])
    return rows


def _line_tables(title: str, definition: str, rows: list[list[str]]) -> list[Flowable]:
    """A section of one-line figures (figures._lines: a header row and its row each), as small
    tables under a heading and the definition."""
    story: list[Flowable] = [para(title, "heading"), para(definition, "small")]
    for grid in (rows[n:n + 2] for n in range(0, len(rows), 2)):
        width = (4.8 * inch) / (len(grid[0]) - 1)
        story += [table(grid, [2.2 * inch, *[width] * (len(grid[0]) - 1)]), Spacer(1, 4)]
    return story


def program_report(report: Report, *, county: str, prepared_by: str, scope: str,
                   deidentified: bool = False) -> bytes:
    """The report as PDF bytes (nothing is written to disk here)."""
    period = report.period
    story: list[Flowable] = [
        para(TITLE, "title"),
        para(f"{county}. Period: {period.label}, {period.first.isoformat()} to {period.last.isoformat()} "
             "(California days)."),
        para(f"Scope: {scope}"),
        para(f"Prepared by {prepared_by} on {report.made_at.astimezone(LEGAL_ZONE).date().isoformat()}.",
             "small"),
    ]
    if deidentified:
        story.append(para(D.RULE, "small"))
    story += [Spacer(1, 6), para("Youth identified (Welf. & Inst. Code 16501.45)", "heading")]
    grid = _grid(_counts_table(report, deidentified), deidentified)
    first = 2.6 * inch
    rest = (7.0 * inch - first) / max(len(grid[0]) - 1, 1)
    story.append(table(grid, [first, *[rest] * (len(grid[0]) - 1)]))
    story.append(para("The rows below the first are nested (\"of those\"): a youth can be in several, "
                      "so the rows are not added up.", "small"))
    story.append(Spacer(1, 6))
    # A chart draws exact figures, the totals the tables leave out among them, and a rate gives its
    # parts away (a privacy review read a hidden total off the trend's axis, and a hidden count off
    # the in-time bar): the de-identified form has no charts.
    if deidentified:
        story.append(para("The charts are left out of this de-identified report: they would show exact "
                          "counts the tables leave out.", "small"))
    else:
        story.append(KeepTogether([trend_chart(report)]))
        bars = unit_chart(report)
        if bars is not None:
            story.append(KeepTogether([bars]))
    widths = [2.9 * inch, 0.6 * inch, 0.7 * inch, 0.6 * inch, 1.1 * inch, 1.1 * inch]
    story.append(KeepTogether([para("Duties the law gives a clock (after an identification, a youth missing "
                                    "from care)", "heading"),
                               table(_duty_rows(report, deidentified), widths)]))
    rates = duty_chart(report)
    if rates is not None and not deidentified:
        story.append(KeepTogether([rates]))
    story.append(para("Screens with a licensed tool", "heading"))
    bands = [column_name(b) for b in report.screen_bands]
    screens = D.Table(tool_names(report.screen_tools, deidentified), bands, report.screens)
    # The number screened fills in the screens table's hidden cells where it is shown beside them.
    hidden = deidentified and any(any(row) for row in D.suppressed(screens)) if report.screen_tools else False
    screened = (D.HIDDEN if 0 < report.screened < D.SMALL else D.HIDDEN_TOTAL) if deidentified and (
        hidden or 0 < report.screened < D.SMALL) else str(report.screened)
    story.append(para(f"{C.SCREENING_DEFINITION} ({C.SCREENING_CITATION}). Youth screened in the period: "
                      f"{screened}.", "small"))
    if report.screen_tools:
        screen_grid = _grid(screens, deidentified)
        width = (7.0 * inch - 2.0 * inch) / max(len(screen_grid[0]) - 1, 1)
        story.append(table(screen_grid, [2.0 * inch, *[width] * (len(screen_grid[0]) - 1)]))
    if report.service_areas:
        story += [para("Services", "heading"),
                  para(f"{C.SERVICES_DEFINITION} ({C.SERVICES_CITATION})", "small"),
                  para(first_service_words({"services": report.first_service}, deidentified=deidentified),
                       "small")]
        names = [SERVICE_DOMAINS.get(a, a) for a in report.service_areas]
        for title, statuses, values in (
                ("Referrals made in the period", [column_name(s) for s in ReferralStatus], report.referrals),
                ("Plan goals", [column_name(s) for s in GoalStatus], report.goals)):
            grid = _grid(D.Table(names, statuses, [values[a] for a in report.service_areas]), deidentified)
            grid[0][0] = title
            width = (7.0 * inch - 1.3 * inch) / max(len(grid[0]) - 1, 1)
            built = table(grid, [1.3 * inch, *[width] * (len(grid[0]) - 1)])
            for column, text in enumerate(grid[0]):  # many narrow columns: a smaller header
                built._cellvalues[0][column] = Paragraph(markup(text, SANS), NARROW_HEADER)
            built.setStyle(TableStyle([("LEFTPADDING", (1, 0), (-1, -1), 3),
                                       ("RIGHTPADDING", (1, 0), (-1, -1), 3)]))
            story += [built, Spacer(1, 4)]
    for title, definition, rows in (
            ("Re-screens and team meetings", f"{C.RESCREEN_DEFINITION} {C.MEETINGS_DEFINITION}",
             follow_up_grid({"follow_up": report.follow_up}, deidentified=deidentified)),
            ("AB 12 extended foster care", f"{C.AB12_DEFINITION} ({C.AB12_CITATION})",
             ab12_grid({"ab12": report.ab12}, deidentified=deidentified)),
            ("Record relief", f"{C.RELIEF_DEFINITION} ({C.RELIEF_CITATION})",
             relief_grid({"record_relief": report.relief}, deidentified=deidentified))):
        story += _line_tables(title, definition, rows)
    story.append(para("Definitions and law", "heading"))
    rows = [["Count", "Definition", "Law", "Law checked"]]
    rows += [[c.label, c.definition, c.citation, c.checked.isoformat()] for c in C.COUNTS]
    story.append(table(rows, [1.8 * inch, 3.2 * inch, 1.1 * inch, 0.9 * inch]))
    return render(story, title=TITLE, footer=Footer(notice=NOTICE))
