"""De-identified tables: small cells suppressed so no youth can be singled out.

The rule follows the California Health and Human Services Agency's Data De-identification
Guidelines: a count from 1 to 10 is not shown (a zero is: it identifies no one). Hiding only
those cells is not enough when a row or column total is shown, because the hidden cell is then
the total minus the others. Hiding a second cell beside it (complementary suppression) was not
enough either: with the zeros shown and every hidden count at least 1, a table's totals still
gave every hidden count back (a supervisor worked out 1, 15, 15 and 1 from a plan-goals table).
So the total of every row and column that holds a hidden count is left out too, and the grand
total with them: then any hidden count, its row's and column's totals and the grand total can all
move together by the same amount without changing anything shown, so no hidden count can be
worked out from the table. Hidden counts are always small, so "<11" beside them is true; a total
left out for this reason is marked apart ("*"), whatever its size.

The rule travels with every export (`RULE`), so whoever reads the file knows what the marks mean.
"""

from __future__ import annotations

from dataclasses import dataclass

SMALL = 11
"""Counts below this, other than zero, are suppressed."""

RULE = ("Counts from 1 to 10 are suppressed (shown as '<11'), following the CalHHS Data "
        "De-identification Guidelines. Left out too, shown as '*' (and possibly large): the total of "
        "every row and column holding one, the grand total then, and any other figure from which a "
        "suppressed count could be worked out, so no suppressed count can be worked out from the others.")

HIDDEN = "<11"
HIDDEN_TOTAL = "*"
"""A figure left out, though it may be large, because a suppressed count could be worked out from
it: a total of a row or column holding one, a line of the AB 12 block (figures.ab12_grid), the
number screened beside a screens table with hidden cells."""


@dataclass(frozen=True)
class Table:
    """Counts by row and column, with row and column totals."""

    rows: list[str]
    columns: list[str]
    counts: list[list[int]]
    column_totals_mean_something: bool = True
    """False when the rows are different counts (nested or overlapping: summing them counts a youth
    twice), so there is no totals row to show or to protect; each row still has its total."""
    within: tuple[tuple[int, int], ...] = ()
    """(row, row it is part of): nested rows ("of those, in foster care"), whose parts, shown beside
    their whole, give a hidden part away (22 identified, 15 of them in care: 7 before care)."""

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
    """Which entries of the extended grid (`_extended`) to hide: every small count, then the
    total (last entry) of every row and column of the grid with a hidden entry before it, until
    none is left to hide (the totals row and column lead to the grand total)."""
    grid = _extended(table)
    height, width = len(grid), len(grid[0])
    counts_height = len(table.counts)
    hide = [[c < width - 1 and r < counts_height and _small(n) for c, n in enumerate(row)]
            for r, row in enumerate(grid)]
    lines = [[(r, c) for c in range(width)] for r in range(height)]
    if table.column_totals_mean_something:
        lines += [[(r, c) for r in range(height)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            (tr, tc) = line[-1]
            if not hide[tr][tc] and any(hide[r][c] for r, c in line[:-1]):
                hide[tr][tc] = True
                changed = True
        for part, whole in table.within:  # a hidden part hides its whole, column by column
            for c in range(width):
                if hide[part][c] and not hide[whole][c]:
                    hide[whole][c] = True
                    changed = True
    return hide


def shown(table: Table) -> list[list[str]]:
    """The table as it may leave the county: a header row, each row with its total, a totals row."""
    grid, hide = _extended(table), suppressed(table)
    out = [["", *table.columns, "Total"]]
    names = [*table.rows, "Total"] if table.column_totals_mean_something else table.rows
    counts_height = len(table.counts)
    for r, name in enumerate(names):
        total_column = len(grid[r]) - 1

        def mark(c: int, n: int, r: int = r, total_column: int = total_column) -> str:
            # "<11" only beside a count that is small; a total or a whole left out is "*".
            small = r < counts_height and c < total_column and 0 < n < SMALL
            return HIDDEN if small else HIDDEN_TOTAL

        out.append([name, *(mark(c, n) if hide[r][c] else str(n) for c, n in enumerate(grid[r]))])
    return out
