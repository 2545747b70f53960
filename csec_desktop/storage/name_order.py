"""Search results in name order without sorting every match.

A search's first page is the 200 matching youth first by name. Sorting every match to find them
costs as much as the matches: a one- or two-letter word matches tens of thousands of youth in a
county of 100,000, and each keystroke paid 40 to 270 ms for it (measured here). Instead, the row
of a youth in the search index (`youth_search`, whose rows are only ever found by MATCH) is
numbered by a *rank* that follows name order, so the index hands out its matches already nearly
in name order and a page reads only a few hundred of them.

A rank is the youth's *bucket*, an order-preserving code of the first letters of the family and
given names, followed by the youth's row number, which tells apart youth in one bucket. Two youth
whose names differ within the letters coded are in rank order; youth in one bucket are in no
particular order among themselves. So a page reads the matches of whole buckets and sorts those
(a few hundred rows), never a bucket in part (see `caseload.search_page`).

The code: each letter a-z is a symbol of its own; any other character falls in one of a few
ranges (below "a", Latin-1, other Latin, the rest of the Basic Multilingual Plane, beyond), and
coding stops after the first such character, since the letters after it no longer follow name
order. 0 ends the family name, so "ab" comes before "ab-c" and "abc". Names are compared as
`youth_fields` holds them (case and accents aside, `text.folded`, then SQLite's binary order).

`youth_fields.rank` holds each indexed youth's rank (NULL for a deleted or sealed youth, who is
not in the index); the index's rowid is that rank. Its index on youth_fields carries the names too,
so a window's rows are sorted without reading the rows themselves. Row numbers below 2**24 make
ranks unique by themselves; a vault past that (16.7 million records, far beyond a county's) checks
each rank it gives (`checked_rank`).
"""

from __future__ import annotations

from csec_desktop.storage import numbers
from csec_desktop.storage.database import Database

SYMBOL_BITS = 5
SYMBOLS = 8  # 40 bits of name: eight letters of the family name, or fewer and the given name's first
SEQ_BITS = 24  # the youth's own row number: unique in a bucket up to 16.7 million records
OFFSET = 1 << 63  # ranks are SQLite's signed 64-bit integers


def _symbol(ch: str) -> tuple[int, bool]:
    """(symbol, whether the character alone has it)."""
    point = ord(ch)
    if point < 0x61:  # space, hyphen, apostrophe, digits
        return 1, False
    if point <= 0x7A:
        return point - 0x61 + 2, True
    if point < 0x100:
        return 28, False
    if point < 0x250:
        return 29, False
    if point < 0x10000:
        return 30, False
    return 31, False


def bucket(family: str, given: str) -> int:
    """The order-preserving code of (family, given): names in order have buckets in order."""
    code = 0
    count = 0
    for part in (family, given):
        for ch in part:
            if count == SYMBOLS:
                return code
            symbol, alone = _symbol(ch)
            code = (code << SYMBOL_BITS) | symbol
            count += 1
            if not alone:
                return code << (SYMBOL_BITS * (SYMBOLS - count))
        if count == SYMBOLS:
            return code
        code <<= SYMBOL_BITS  # 0: the end of this part
        count += 1
    return code << (SYMBOL_BITS * (SYMBOLS - count))


def first_rank(code: int) -> int:
    return (code << SEQ_BITS) - OFFSET


def last_rank(code: int) -> int:
    return ((code + 1) << SEQ_BITS) - 1 - OFFSET


def bucket_of(rank: int) -> int:
    return (rank + OFFSET) >> SEQ_BITS


WIDE = 1 << SEQ_BITS


def rank(family: str, given: str, rowid: int) -> int:
    """The rank of a youth named (family, given): their bucket and their row number, so it is
    known without reading the index (an edit that leaves the first letters alone keeps it)."""
    return first_rank(bucket(family, given)) + (rowid & (WIDE - 1))


class BucketFull(RuntimeError):
    pass


def checked_rank(db: Database, family: str, given: str, rowid: int) -> int:
    """`rank`, or in a vault with row numbers past WIDE (whose ranks may meet) the first rank of
    the bucket that no other youth holds."""
    wanted = rank(family, given, rowid)
    if db.one("SELECT 1 FROM youth_fields WHERE rank = ? AND rowid != ?", (wanted, rowid)) is None:
        return wanted
    code = bucket(family, given)
    low, high = first_rank(code), last_rank(code)
    expected = low
    for (taken,) in db.query("SELECT rank FROM youth_fields WHERE rank BETWEEN ? AND ? AND rowid != ? "
                             "ORDER BY rank", (low, high, rowid)):
        if taken > expected:
            return expected
        expected = taken + 1
    if expected <= high:
        return expected
    raise BucketFull(f"more than {WIDE:,} youth share the first letters of one name")


def drop_terms(db: Database, rowid: int) -> None:
    """The search index's rows of the youth whose record is `rowid`, in both its tables (the
    full-text one and that of words holding a digit, storage/numbers.py); their rank stays."""
    db.execute("DELETE FROM youth_search WHERE rowid = (SELECT rank FROM youth_fields WHERE rowid = ?)",
               (rowid,))
    numbers.drop(db, rowid)


def unindex(db: Database, rowid: int) -> None:
    """Take a youth out of the search index (deleted, sealed, gone from this device)."""
    drop_terms(db, rowid)
    db.execute("UPDATE youth_fields SET rank = NULL WHERE rowid = ?", (rowid,))
