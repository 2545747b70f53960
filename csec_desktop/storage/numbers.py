"""Words holding a digit (case numbers, mostly), searched in a B-tree of their own.

The full-text index (`youth_search`) finds a word typed part way by merging the lists of every
indexed word it starts: cheap for names, whose first letters are shared by few distinct words,
dear for case numbers, which are distinct for every youth. "JV-26-10" typed at 100,000 youth
merged 10,000 one-entry lists, 8 of a search's 11 ms (measured here). In `youth_numbers` the same
prefix is a range of one index: each word holding a digit and at least NUMBER_MIN characters,
beside the rank of its youth in the search index (storage/name_order.py), so a search reads the
range and has every match's rank at once.

Shorter words stay with the full-text index alone, whose one- and two-letter prefix lists answer
them. The words are cut as the full-text index's tokenizer cuts them (unicode61, accents removed),
so both indexes hold the same words. Only the vault's own index has this table: the sealed youth
index (storage/sealed_rows.py) holds a few hundred youth, whose lists are cheap to merge.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from csec_desktop.storage.database import Database

NUMBER_MIN = 3

TABLE = """
    CREATE TABLE IF NOT EXISTS youth_numbers (
        term TEXT NOT NULL, rank INTEGER NOT NULL, PRIMARY KEY (term, rank)
    ) WITHOUT ROWID;
"""
RANK_INDEX = "CREATE INDEX IF NOT EXISTS youth_numbers_rank ON youth_numbers(rank)"
"""A youth's rows by rank (to drop them, and to read a few buckets' matches): made after the
table is filled, which is quicker than keeping it in order row by row."""

_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile("[0-9]")


def _folded(ch: str) -> str:
    """A character's case folded one for one, as the tokenizer folds it: full folding where it
    keeps one character ("Σ", "ς" -> "σ"), else the lower case ("ß" stays, where full folding
    makes "ss")."""
    folded = ch.casefold()
    return folded if len(folded) == 1 else ch.lower()


def words(text: str) -> list[str]:
    """The words of `text` as the index's tokenizer makes them: letters and digits, case folded,
    accents removed."""
    if text.isascii():  # nearly every name and number: nothing to decompose or fold oddly
        return _WORD.findall(text.lower())
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return [_fold(word) for word in _WORD.findall(plain)]


def _fold(word: str) -> str:
    """A word folded as `_folded` folds each character. Folding a word folds each of its characters
    alone (no context, unlike lower case), each into one character or more; so when the length
    stays, each went into one, as `_folded` keeps it."""
    folded = word.casefold()
    return folded if len(folded) == len(word) else "".join(map(_folded, word))


def is_number(word: str) -> bool:
    """Whether a word (as `words` makes it) is kept in `youth_numbers` and looked up there: at
    least NUMBER_MIN characters, one of them a digit 0-9 (`FROM_INDEX` says the same in SQL)."""
    return len(word) >= NUMBER_MIN and _DIGIT.search(word) is not None


FROM_INDEX = f"""
    CREATE VIRTUAL TABLE temp.search_words USING fts5vocab(main, youth_search, 'instance');
    INSERT OR IGNORE INTO youth_numbers (term, rank) SELECT term, doc FROM temp.search_words
        WHERE length(term) >= {NUMBER_MIN} AND term GLOB '*[0-9]*';
    DROP TABLE temp.search_words;
"""
"""The table filled from the full-text index's own words (a schema upgrade): every word of every
youth it holds, read in SQLite (at 100,000 youth, reading each youth's record through the model
instead took 11 s)."""


def rows(rank: int, text: str) -> list[tuple[str, int]]:
    """The table's rows for a youth indexed under `rank` with the search text `text`."""
    return [(word, rank) for word in dict.fromkeys(words(text)) if is_number(word)]


BATCH = 500  # rows a statement: well under SQLite's 32,766 parameters


def add(db: Database, indexed: Iterable[tuple[int, str]]) -> None:
    """The rows of each (rank, search text); a youth's few rows in one statement (a saved edit
    runs twenty or so, each a round through SQLCipher's page cache)."""
    new = [row for rank, text in indexed for row in rows(rank, text)]
    for start in range(0, len(new), BATCH):
        batch = new[start:start + BATCH]
        db.execute("INSERT OR IGNORE INTO youth_numbers (term, rank) VALUES "
                   + ", ".join(["(?, ?)"] * len(batch)), [value for row in batch for value in row])


def drop(db: Database, rowid: int) -> None:
    """The rows of the youth whose record is `rowid` (before their rank is cleared or changed)."""
    db.execute("DELETE FROM youth_numbers WHERE rank = (SELECT rank FROM youth_fields WHERE rowid = ?)",
               (rowid,))


RANGE = "SELECT rank AS r FROM youth_numbers WHERE term >= ? AND term < ?"
"""The ranks of the youth with a word in a range of words (`bounds`), one per word."""
RANGE_BY_RANK = RANGE.replace("youth_numbers", "youth_numbers INDEXED BY youth_numbers_rank")
"""The same, read in rank order: for the matches among a few ranks (a search's window of name
buckets), where the range of words would be read whole ("jv2612": 10,000 rows, 3.3 ms)."""


def bounds(prefix: str) -> tuple[str, str]:
    """The range of the words that start with `prefix`: from it to the first text past all of
    them (in SQLite's binary order of UTF-8, which is code-point order)."""
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following < 0xE000:  # surrogates are no text
        following = 0xE000
    return prefix, prefix[:-1] + chr(min(following, 0x10FFFF))


def ranks(db: Database, prefixes: list[str]) -> set[int]:
    """The ranks of the youth with a word starting with each of `prefixes` (each `is_number`)."""
    found: set[int] | None = None
    for prefix in prefixes:
        these = {r[0] for r in db.query(RANGE, bounds(prefix))}
        found = these if found is None else found & these
        if not found:
            break
    return found or set()


NUMBERED = {"criminal_count": "case_number", "vacatur_case": "court_case_number"}
"""The court's number on a youth's other records, searched as the youth's (an attorney looks a
youth up by the criminal case: it found no one)."""


def case_numbers(db: Database, youth_id: str) -> list[str]:
    """The court case numbers on the youth's counts and petitions (their stored bodies: a sealed
    youth's are sealed, and such a youth is not in this index)."""
    found: list[str] = []
    for kind, body in db.query("SELECT kind, body FROM records WHERE owner_id = ? AND deleted = 0 AND "
                               "kind IN ('criminal_count', 'vacatur_case')", (youth_id,)):
        value = json.loads(body).get(NUMBERED[kind])
        if isinstance(value, str) and value.strip() and value not in found:
            # Also without punctuation, as a search looks a case number up (caseload.search_words,
            # youth.search_terms): "21CR-004455" is searched as "21cr004455".
            found += [value, "".join(ch for ch in value if ch.isalnum())]
    return found
