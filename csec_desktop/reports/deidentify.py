"""De-identified tables: small cells suppressed so no youth can be singled out.

The rule follows the California Health and Human Services Agency's Data De-identification
Guidelines: a count from 1 to 10 is not shown (a zero is: it identifies no one). Hiding only
those cells is not enough when a row or column total is shown, because the hidden cell is then
the total minus the others; so wherever a row or column has exactly one hidden cell, the
smallest other non-zero cell there is hidden too (complementary suppression), repeated until no
row or column has a single hidden cell. A total that is itself small is hidden as well.

The rule travels with every export (`RULE`), so whoever reads the file knows what a blank means.
"""

from __future__ import annotations

from dataclasses import dataclass

SMALL = 11
"""Counts below this, other than zero, are suppressed."""

RULE = ("Counts from 1 to 10 are suppressed (shown as '<11'), following the CalHHS Data "
        "De-identification Guidelines; where a row or column would then show a single suppressed "
        "count beside its total, the next smallest count there is suppressed too, so no suppressed "
        "count can be worked out by subtraction.")

HIDDEN = "<11"


@dataclass(frozen=True)
class Table:
    """Counts by row and column, with row and column totals."""

    rows: list[str]
    columns: list[str]
    counts: list[list[int]]
    column_totals_mean_something: bool = True
    """False when the rows are different counts (nested or overlapping: summing them counts a youth
    twice), so there is no totals row to show or to protect; each row still has its total."""

    def row_totals(self) -> list[int]:
        return [sum(r) for r in self.counts]

    def column_totals(self) -> list[int]:
        return [sum(r[c] for r in self.counts) for c in range(len(self.columns))]


def _small(n: int) -> bool:
    return 0 < n < SMALL


def _extended(table: Table) -> list[list[int]]:
    """The counts with each row's total at its end and a last row of column totals (and the
    grand total): every row and column of this grid sums to its last entry."""
    grid = [[*row, sum(row)] for row in table.counts]
    if not table.column_totals_mean_something:
        return grid
    columns = table.column_totals()
    return [*grid, [*columns, sum(columns)]]


def suppressed(table: Table) -> list[list[bool]]:
    """Which entries of the extended grid (`_extended`) to hide: every small count or total,
    then, wherever a row or column of the grid hides exactly one entry (which the others would
    give away by subtraction), its smallest other non-zero count too (a total only when no count
    is left), until none does."""
    grid = _extended(table)
    height, width = len(grid), len(grid[0])
    hide = [[_small(n) for n in row] for row in grid]
    lines = [[(r, c) for c in range(width)] for r in range(height)]
    if table.column_totals_mean_something:
        lines += [[(r, c) for r in range(height)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hide[r][c] for r, c in line) != 1:
                continue
            open_ = [(r, c) for r, c in line if not hide[r][c] and grid[r][c] > 0]
            counts = [(r, c) for r, c in open_ if (r, c) != line[-1]]
            pick = min(counts or open_, key=lambda cell: (grid[cell[0]][cell[1]], cell), default=None)
            if pick is not None:
                hide[pick[0]][pick[1]] = True
                changed = True
    return hide


def shown(table: Table) -> list[list[str]]:
    """The table as it may leave the county: a header row, each row with its total, a totals row."""
    grid, hide = _extended(table), suppressed(table)
    out = [["", *table.columns, "Total"]]
    names = [*table.rows, "Total"] if table.column_totals_mean_something else table.rows
    for r, name in enumerate(names):
        out.append([name, *(HIDDEN if hide[r][c] else str(n) for c, n in enumerate(grid[r]))])
    return out
