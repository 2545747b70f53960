"""The core's paths at county scale, each against a floor that does the same work without what
the path adds (all in this process, interleaved):

- unlock: Vault.unlock against the Argon2id derivation it starts with (same parameters);
- search: the caseload search box's query (a page of `usecases.caseload.PAGE` rows, audited) at
  the 95th percentile;
- Today, whole caseload: the rules over every youth Today checks, against reading and decoding the
  same youth and records (`today.read_chunk`, the first half of every chunk) without the rules;
- encryption: the same vault and code with and without a key (a plaintext copy made here): the
  caseload's first page, searches and edits;
- court paper: the real vacatur packet against ReportLab's bare canvas drawing pleading paper
  (line numbers, rules) and the same text on the same number of pages;
- plan: the real youth plan against bare platypus paragraphs of the same text on as many pages;
- report: the Reports page's last quarter against its own reads with every body parsed as JSON.

Both document floors set their text in the fonts the documents embed (Liberation Serif and Sans:
a court's e-filing wants fonts embedded, and a name in any script needs them), so the floor too
writes the font subsets into the file; the ratio against ReportLab's standard, unembedded fonts
is reported beside it (`ratio_standard_fonts`).
"""

from __future__ import annotations

import gc
import io
import json
import random
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from csec_desktop import caseload, today
from csec_desktop.clock import legal_today
from csec_desktop.demo import FAMILY, GIVEN, MONIKERS
from csec_desktop.documents import fonts, jobs
from csec_desktop.reports import counts, periods
from csec_desktop.reports.periods import Period
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage import keys as K
from csec_desktop.storage import numbers
from csec_desktop.storage.database import Database
from csec_desktop.storage.sealed_rows import VIEW
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import caseload as caseload_screen
from csec_desktop.usecases import reports as reports_screen
from tests.benchmarks.measure import Figures, interleaved, pair, pct


def unlock(folder: Path, user: str, passphrase: str, reps: int) -> Figures:
    """Each unlock ends with a lock, as people end a session: a session ended otherwise makes the
    next unlock run SQLite's quick check (storage/vault.py), which is not the everyday path."""
    params = K.KeyFile.load(folder).users[user].kdf
    ours, kdf = interleaved(lambda: Vault.unlock(folder, user, passphrase).lock("benchmark"),
                            lambda: params.derive(passphrase), reps)
    figures = pair(ours, kdf, floor_key="kdf_s")
    figures["over_kdf_ms"] = (figures["ours_s"] - figures["kdf_s"]) * 1000
    return figures


def queries(count: int, seed: int = 5) -> list[str]:
    """What people type: a given-name prefix, a given name and part of a family name, a moniker,
    the start of a case number."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        pick = rng.random()
        if pick < 0.4:
            name = rng.choice(GIVEN)
            out.append(name[: rng.randint(2, len(name))])
        elif pick < 0.7:
            out.append(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)[:3]}")
        elif pick < 0.85:
            out.append(rng.choice(MONIKERS))
        else:  # the demo's juvenile case numbers, typed part way: "JV-26-1004"
            number = f"JV-{datetime.now(LEGAL_ZONE).year % 100:02d}-{100000 + rng.randint(0, 99_999):06d}"
            out.append(number[: rng.randint(8, len(number))])
    return out


def search(vault: Vault, count: int) -> Figures:
    """Each search as the caseload screen runs it while a person types (`audit=False`). The screen
    writes the search's audit entry once, after typing settles (ui/caseload_page.py); that write is
    timed apart (`audit_*`) and not counted in the search.

    Beside each, its floor (`index_*`): the count of the same words' matches in the vault's own
    index, read as the search reads it (`index_count`), which any search that shows how many match
    must read at least once; no row, name or page."""
    texts = queries(count)
    for text in texts[:10]:
        caseload_screen.query(vault, caseload_screen.CaseloadQuery(text), audit=False)
        index_count(vault, text)
    times, audits, index = [], [], []
    for text in texts:
        start = time.perf_counter()
        found = caseload_screen.query(vault, caseload_screen.CaseloadQuery(text), audit=False)
        times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        caseload_screen.searched(vault, found.total)
        audits.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        index_count(vault, text)
        index.append((time.perf_counter() - start) * 1000)
    return {"ours_ms": pct(times, 95), "p50_ms": pct(times, 50), "n": len(times),
            "limit": caseload_screen.PAGE, "audit_p50_ms": pct(audits, 50), "audit_p95_ms": pct(audits, 95),
            "index_p95_ms": pct(index, 95), "index_p50_ms": pct(index, 50)}


def index_count(vault: Vault, text: str) -> int:
    """How many youth not sealed match `text` by the index alone: the range of the case-number
    table for a word with a digit (storage/numbers.py), the full-text index for words."""
    text_words, digits = caseload.number_words(caseload.search_words(text))
    db = vault.require_db()
    if digits and not text_words and len(digits) == 1:
        return int(db.scalar(f"SELECT count(*) FROM ({numbers.RANGE})", numbers.bounds(digits[0])))
    return int(db.scalar("SELECT count(*) FROM youth_search WHERE youth_search MATCH ?",
                         [caseload.fts_query(text)]))


def today_whole(vault: Vault, now: datetime) -> tuple[int, int]:
    """Today over the whole caseload as the window computes it: (items, records decoded)."""
    after: int | None = 0
    found = decoded = 0
    while after is not None:
        chunk = today.scan(vault, now, after=after)
        found += len(chunk.items)
        decoded += chunk.checked
        after = chunk.next_after
    return found, decoded


def today_floor(vault: Vault, now: datetime) -> tuple[int, int]:
    """The same chunks read and decoded, no rule evaluated: (youth, records decoded)."""
    after: int | None = 0
    youth = decoded = 0
    while after is not None:
        chunk = today.read_chunk(vault, now, after=after)
        youth += len(chunk.youth)
        decoded += chunk.decoded()
        after = chunk.next_after
    return youth, decoded


def today_all(vault: Vault, reps: int) -> Figures:
    now = datetime.now(LEGAL_ZONE)
    ours, floor = interleaved(lambda: today_whole(vault, now), lambda: today_floor(vault, now), reps)
    items, youth = today_whole(vault, now)
    checked, decoded = today_floor(vault, now)
    assert youth == checked
    return {**pair(ours, floor), "items": items, "youth": youth, "records_decoded": decoded}


@contextmanager
def plaintext_copy(vault: Vault, folder: Path) -> Iterator[Path]:
    """A copy of the vault folder whose database holds the same pages without a key (SQLCipher's
    export); Database.open is taught, for this folder only, to open it without one."""
    copy = folder.parent / (folder.name + "-plain")
    shutil.copytree(folder, copy)
    db_name = K.KeyFile.load(folder).db_name()
    (copy / db_name).unlink()
    for extra in copy.glob(db_name + "-*"):
        extra.unlink()
    db = vault.require_db()
    db.execute(f"ATTACH DATABASE '{copy / db_name}' AS plain KEY ''")
    db.execute("SELECT sqlcipher_export('plain')")
    db.execute(f"PRAGMA plain.user_version = {int(db.scalar('PRAGMA user_version'))}")
    db.execute("DETACH DATABASE plain")
    real_open = Database._open

    def open_either(cls: type[Database], path: Path, key: bytes | bytearray, *, create: bool) -> Database:
        if path.parent != copy:
            return real_open.__func__(cls, path, key, create=create)  # type: ignore[attr-defined, no-any-return]
        from csec_desktop.storage.database import REQUIRED_PRAGMAS
        from csec_desktop.storage.engine import sqlcipher3

        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA cipher_memory_security = ON")  # global in SQLCipher: the same for both
        for name, value, _ in REQUIRED_PRAGMAS:
            conn.execute(f"PRAGMA {name} = {value}").fetchall()
        return cls(conn, path)

    Database._open = classmethod(open_either)  # type: ignore[method-assign, assignment, arg-type]
    try:
        yield copy
    finally:
        Database._open = real_open  # type: ignore[method-assign]
        shutil.rmtree(copy, ignore_errors=True)


def _workload(vault: Vault, texts: list[str], youth_ids: list[str]) -> Callable[[], None]:
    def run() -> None:
        caseload_screen.query(vault, caseload_screen.CaseloadQuery())
        for text in texts:
            caseload_screen.query(vault, caseload_screen.CaseloadQuery(text))
        for youth_id in youth_ids:
            caseload.update_youth(vault, youth_id, {"preferred_name": random.choice(GIVEN)})
    return run


def encryption(vault: Vault, folder: Path, user: str, passphrase: str, reps: int) -> Figures:
    texts = queries(20, seed=9)
    youth_ids = [row.id for row in caseload_screen.query(vault, caseload_screen.CaseloadQuery()).rows[:20]]
    with plaintext_copy(vault, folder) as copy:
        plain = Vault.unlock(copy, user, passphrase)
        try:
            assert plain.require_db().scalar("SELECT count(*) FROM records") == \
                vault.require_db().scalar("SELECT count(*) FROM records")
            assert (copy / K.KeyFile.load(copy).db_name()).read_bytes()[:16] == b"SQLite format 3\x00"
            ours, floor = interleaved(_workload(vault, texts, youth_ids), _workload(plain, texts, youth_ids),
                                      reps)
        finally:
            plain.lock("benchmark")
    return {**pair(ours, floor), "searches": len(texts), "edits": len(youth_ids)}


# Court papers and the plan --------------------------------------------------------------------

def page_texts(pdf: bytes) -> list[list[str]]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [[line for line in document[i].get_textpage().get_text_range().splitlines() if line.strip()]
                for i in range(len(document))]
    finally:
        document.close()


def pages_of(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def canvas_pleading(texts: list[list[str]], font: str = fonts.SERIF) -> bytes:
    """Pleading paper drawn straight on ReportLab's canvas: 28 numbered lines, the left double rule
    and the right rule, a footer rule, and each page's text, line by line, in `font` at 12 points
    (the packet's embedded serif; "Times-Roman" for the standard font, not embedded)."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    fonts.register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    width, height = LETTER
    for lines in texts:
        canvas.setFont(font, 12)
        for number in range(1, 29):
            canvas.drawRightString(58, height - 72 - number * 24, str(number))
        canvas.line(64, 0, 64, height)
        canvas.line(67, 0, 67, height)
        canvas.line(width - 50, 0, width - 50, height)
        canvas.line(72, 50, width - 72, 50)
        y = height - 60
        for line in lines:
            canvas.drawString(80, y, line[:110])
            y -= 14 if y > 80 else 0
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def platypus_pages(texts: list[list[str]], font: str = fonts.SANS) -> bytes:
    """The same text as bare platypus paragraphs in `font` (the plan's embedded sans; "Helvetica"
    for the standard font; the packet's serif), a page break where the real document has one."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    style.fontSize, style.leading = 8, 9.5
    style.spaceBefore = 0  # a pleading page's 60-odd lines then fit one page, as in the real paper
    style.fontName = font
    fonts.register()
    story: list[Any] = []
    for index, lines in enumerate(texts):
        story += [Paragraph(escape(line), style) for line in lines]
        if index < len(texts) - 1:
            story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, topMargin=36, bottomMargin=36).build(story)
    return buffer.getvalue()


def _biggest(vault: Vault, kind: str, owner_kind: str | None = None) -> tuple[str, str]:
    """(youth id, record id) of the youth with the most records of `kind` (their newest record)."""
    row = vault.require_db().one(
        "SELECT owner_id, max(id), count(*) AS n FROM records WHERE kind = ? AND deleted = 0 "
        "GROUP BY owner_id ORDER BY n DESC, owner_id LIMIT 1", (kind,))
    if row is None:
        raise LookupError(f"the county has no {kind}")
    return str(row[0]), str(row[1])


def court_paper(folder: Path, attorney: tuple[str, str], reps: int) -> Figures:
    vault = Vault.unlock(folder, *attorney)
    try:
        youth_id, case_id = _youth_with_biggest_case(vault)
        make = lambda: jobs.make(vault, "vacatur_packet", youth_id, item=case_id)  # noqa: E731
        texts = page_texts(make())
        ours, floor = interleaved(make, lambda: canvas_pleading(texts), reps)
        ours_again, standard = interleaved(make, lambda: canvas_pleading(texts, "Times-Roman"), reps)
        # What any flowing layout costs: ReportLab's platypus setting the same lines as paragraphs,
        # in the same embedded serif, with nothing to wrap. The canvas floor draws them as is.
        ours_third, flowing = interleaved(make, lambda: platypus_pages(texts, fonts.SERIF), reps)
        laid = pair(ours_third, flowing, ours_key="ours_pps", floor_key="floor_pps", per=len(texts))
        return {**pair(ours, floor, ours_key="ours_pps", floor_key="floor_pps", per=len(texts)),
                **_standard(ours_again, standard, len(texts)),
                "floor_platypus_pps": laid["floor_pps"], "ratio_platypus": laid["ratio"],
                "pages": len(texts), "floor_pages": pages_of(canvas_pleading(texts)),
                "floor_platypus_pages": pages_of(platypus_pages(texts, fonts.SERIF))}
    finally:
        vault.lock("benchmark")


def _youth_with_biggest_case(vault: Vault) -> tuple[str, str]:
    best: tuple[int, str, str] | None = None
    for owner, case_id, body in vault.require_db().query(
            "SELECT owner_id, id, body FROM records WHERE kind = 'vacatur_case' AND deleted = 0"):
        counts = len(vault.records.decode(case_id, body).get("count_ids") or [])
        if best is None or counts > best[0]:
            best = (counts, str(owner), str(case_id))
    if best is None:
        raise LookupError("the county has no vacatur case")
    return best[1], best[2]


def plan(vault: Vault, reps: int) -> Figures:
    youth_id, _goal = _biggest(vault, "plan_goal")
    make = lambda: jobs.make(vault, "youth_plan", youth_id)  # noqa: E731
    texts = page_texts(make())
    ours, floor = interleaved(make, lambda: platypus_pages(texts), reps)
    ours_again, standard = interleaved(make, lambda: platypus_pages(texts, "Helvetica"), reps)
    return {**pair(ours, floor, ours_key="ours_pps", floor_key="floor_pps", per=len(texts)),
            **_standard(ours_again, standard, len(texts)),
            "pages": len(texts), "floor_pages": pages_of(platypus_pages(texts))}


def _standard(ours: list[float], floor: list[float], pages: int) -> Figures:
    """The same pair against a floor in ReportLab's standard fonts, which are not embedded."""
    figures = pair(ours, floor, ours_key="ours_pps", floor_key="floor_pps", per=pages)
    return {"floor_standard_fonts_pps": figures["floor_pps"], "ratio_standard_fonts": figures["ratio"]}


def last_quarter(day: date) -> Period:
    """The Reports page's first choice (ui/reports_page.presets): the last whole quarter."""
    year, quarter = (day.year, (day.month - 1) // 3) if day.month > 3 else (day.year - 1, 4)
    return periods.parse(f"{year}Q{quarter}")


def report_floor(vault: Vault, day: date) -> int:
    """The reads of the Reports page's facts (reports/counts.py: `facts`, `_ab12`), the same
    statements, each body fetched parsed as JSON: nothing opened, validated, counted or ruled on.
    The bodies parsed (as many as the report fetches: tests/core/test_benchmark_floors.py)."""
    db = vault.require_db()
    where = "f.deleted = 0"  # a supervisor sees every youth: the caseload rule is "1"
    seen = dict(db.query(f"SELECT f.rowid, f.unit FROM {VIEW} f WHERE {where}"))
    kinds = ", ".join(f"'{kind}'" for kind in counts.READS)
    indexed = db.query(f"SELECT rowid, kind, owner_id FROM records WHERE kind IN ({kinds})")
    ruled = {owner for _row, kind, owner in indexed if kind in counts.DUTY_KINDS}
    places = sorted(row for row, kind, owner in indexed if kind != "duty_done" or owner in ruled)
    rows = [row for row in db.query(
        "SELECT a.id, a.owner_id, a.kind, a.body, y.rowid FROM records a JOIN records y ON y.id = a.owner_id "
        "WHERE a.rowid IN (SELECT value FROM json_each(?)) AND a.deleted = 0", (json.dumps(places),))
        if row[4] in seen]
    parsed = [json.loads(row[3]) for row in rows]
    owners = {row[1]: row[4] for row in rows}
    parsed += [json.loads(body) for _id, body in db.query(
        "SELECT id, body FROM records WHERE rowid IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(owners[owner] for owner in ruled if owner in owners)),))]
    aged = counts.ab12_rows(db, where, [], day)
    nonminor = sorted(int(key[1:]) for key, birth, periods_, _plan in aged if birth and counts.in_efc(
        date.fromisoformat(birth), [tuple(p) for p in json.loads(periods_)], day))
    parsed += [json.loads(body) for _id, _kind, body in db.query(
        "SELECT id, kind, body FROM records WHERE kind IN ('efc_participation', 'efc_certification') "
        "AND deleted = 0")]
    parsed += [json.loads(body) for (body,) in db.query(
        "SELECT body FROM records WHERE rowid IN (SELECT value FROM json_each(?))", (json.dumps(nonminor),))]
    return len(parsed)


def report(vault: Vault, reps: int) -> Figures:
    """The Reports page's report of the last quarter (usecases.reports.run: every count, duty,
    screen, AB 12 figure and the trend) against its reads with the bodies parsed (`report_floor`).
    Both with the cycle collector off during the runs: in the window it runs on a timer, at most
    every half second (ui/collector.py), not each time a threshold is crossed."""
    period = last_quarter(legal_today())
    gc.collect()
    gc.disable()
    try:
        ours, floor = interleaved(lambda: reports_screen.run(vault, period),
                                  lambda: report_floor(vault, period.last), reps)
    finally:
        gc.enable()
    return {**pair(ours, floor), "period": period.label, "bodies": report_floor(vault, period.last)}


def vault_bytes(vault: Vault, youth: int) -> Figures:
    db = vault.require_db()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.path.stat().st_size
    by_table = {name: int(db.scalar(f"SELECT coalesce(sum(length({column})), 0) FROM {name}")) // youth
                for name, column in (("records", "body"), ("changes", "fields"))}
    clocks = int(db.scalar("SELECT coalesce(sum(length(clocks)), 0) FROM records")) // youth
    return {"ours": size / youth, "file_bytes": size, "body_per_youth": by_table["records"],
            "clocks_per_youth": clocks, "history_fields_per_youth": by_table["changes"]}

