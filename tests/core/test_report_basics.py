"""Issue 23, first pieces: reporting periods at their boundaries, and de-identified tables whose
suppressed counts cannot be worked out from what is shown."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from csec_desktop.errors import ValidationFailed
from csec_desktop.reports import deidentify as D
from csec_desktop.reports.periods import parse
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ("FY2025-26", date(2025, 7, 1), date(2026, 6, 30)),
    ("2026-07-01..2026-07-01", date(2026, 7, 1), date(2026, 7, 1)),
    # As the window says a quarter, in English and Spanish (T: trimestre): typed back, it is one.
    ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30)), ("T3 de 2026", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026T2", date(2026, 4, 1), date(2026, 6, 30)),
])
def test_periods_cover_the_days_they_name(text: str, first: date, last: date) -> None:
    period = parse(text)
    assert (period.first, period.last) == (first, last)


def test_a_decision_at_2359_on_the_last_day_belongs_to_the_quarter() -> None:
    q3 = parse("2026Q3")
    last_minute = datetime(2026, 9, 30, 23, 59, tzinfo=LEGAL_ZONE)
    assert q3.contains(last_minute)
    assert not q3.contains(last_minute + timedelta(minutes=1))
    # 06:59 UTC on 1 October is still 30 September in California.
    assert q3.contains(datetime.fromisoformat("2026-10-01T06:59:00+00:00"))
    assert not q3.contains(datetime.fromisoformat("2026-10-01T07:00:00+00:00"))
    with pytest.raises(ValueError):
        q3.contains(datetime(2026, 9, 30, 12, 0))  # no zone: refused, never guessed


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "FY2025-27", "2026-09-30..2026-07-01",
                                  "2010-01-01..2026-01-01", "last quarter", "", "0001Q1", "9999-12",
                                  "FY1999-00"])
def test_a_period_that_is_not_one_is_refused_by_name(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse(text)
    assert caught.value.problems[0].field == "period"


def test_small_counts_are_hidden_and_cannot_be_recovered_by_subtraction() -> None:
    table = D.Table(["north", "south"], ["victim", "at risk"], [[5, 40], [30, 22]])
    shown = D.shown(table)
    assert shown[1][1] == D.HIDDEN  # the 5
    # north's total, the victims' total and the grand total would give the 5 away: left out.
    assert shown[1][-1] == shown[-1][1] == shown[-1][-1] == D.HIDDEN_TOTAL
    flat = [cell for row in shown[1:] for cell in row[1:]]
    assert "5" not in flat and "45" not in flat and "35" not in flat and "80" not in flat
    assert shown[2] == ["south", "30", "22", "52"] and shown[-1][2] == "62"  # nothing small in them


def _candidates(table: D.Table) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden count can take, given what the table shows (every hidden count is
    1 to 10, every shown entry as shown): by trying every assignment of the hidden counts."""
    shown = D.shown(table)
    hidden = [(r, c) for r, row in enumerate(table.counts) for c, _n in enumerate(row)
              if shown[r + 1][c + 1] == D.HIDDEN]
    seen: dict[tuple[int, int], set[int]] = {cell: set() for cell in hidden}
    for values in itertools.product(range(1, D.SMALL), repeat=len(hidden)):
        counts = [list(row) for row in table.counts]
        for (r, c), v in zip(hidden, values, strict=True):
            counts[r][c] = v
        trial = D.Table(table.rows, table.columns, counts, table.column_totals_mean_something)
        grid = D._extended(trial)
        if all(cell in (D.HIDDEN, D.HIDDEN_TOTAL) or cell == str(grid[r][c])
               for r, row in enumerate(shown[1:]) for c, cell in enumerate(row[1:])):
            for cell, v in zip(hidden, values, strict=True):
                seen[cell].add(v)
    return seen


def test_a_nested_rows_parts_do_not_give_a_hidden_part_away() -> None:
    """A privacy review: 22 identified in Unit C, 15 of them in care, so the hidden "before care"
    count was 7. A hidden part now hides its whole in that column ("*"), and the whole's total."""
    table = D.Table(["identified", "... before care", "... in care"], ["Unit A", "Unit C"],
                    [[30, 22], [12, 7], [18, 15]], column_totals_mean_something=False,
                    within=((1, 0), (2, 0)))
    shown = D.shown(table)
    assert shown[1] == ["identified", "30", "*", "*"] and shown[2] == ["... before care", "12", "<11", "*"]
    assert shown[3] == ["... in care", "18", "15", "33"]


def test_the_ab12_block_is_left_out_where_its_lines_would_give_a_count_away() -> None:
    """A privacy review: 77 in EFC and 76 with no condition recorded, with only "4 work" non-zero,
    made that one count 1; each line was suppressed on its own."""
    from csec_desktop.reports import figures as F

    ab12 = {"aged_16_17": 40, "aged_18_20_in_efc": 77, "aged_18_20_not_in_efc": 30, "efc_in_thp_nmd": 20,
            "efc_in_silp": 25, "efc_elsewhere": 32, "condition_1": 0, "condition_2": 0, "condition_3": 0,
            "condition_4": 1, "condition_5": 0, "no_condition": 76, "certification_overdue": 40,
            "turning_18_with_plan": 12, "turning_18_without_plan": 15}
    hidden = F.ab12_grid({"ab12": ab12}, deidentified=True)
    values = [cell for row in hidden[1::2] for cell in row[1:]]
    assert "77" not in values and "76" not in values and set(values) <= {"0", D.HIDDEN, D.HIDDEN_TOTAL}
    # Nothing small, no small difference: shown as it is.
    safe = {**ab12, "condition_4": 30, "no_condition": 47}
    shown = F.ab12_grid({"ab12": safe}, deidentified=True)
    assert ["Youth by age and extended foster care", "40", "77", "30", "147"] in shown


def test_a_supervisors_plan_goals_table_gives_no_hidden_count_back() -> None:
    """With the zeros shown and the totals 30, 16 and 32, complementary suppression gave every hidden
    count back (1, 15, 15 and 1), and labelled the 15s "<11"."""
    table = D.Table(["Mental health", "Safety", "Education"],
                    ["not started", "in progress", "done", "changed"],
                    [[0, 1, 0, 0], [0, 15, 15, 0], [1, 0, 0, 0]])
    shown = D.shown(table)
    assert shown[2] == ["Safety", "0", "15", "15", "0", "30"]  # nothing small: shown as it is
    assert all(len(values) > 1 for values in _candidates(table).values())


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4).flatmap(lambda w: st.lists(
    st.lists(st.sampled_from([0, 0, 1, 3, 9, 10, 11, 15, 40]), min_size=w, max_size=w), min_size=1,
    max_size=4)), st.booleans())
@example([[5, 0, 30]], False)
def test_no_hidden_count_can_be_worked_out_and_every_mark_is_true(counts: list[list[int]],
                                                                  additive: bool) -> None:
    table = D.Table([f"r{n}" for n in range(len(counts))], [f"c{n}" for n in range(len(counts[0]))], counts,
                    column_totals_mean_something=additive)
    shown = D.shown(table)
    grid = D._extended(table)
    for r, row in enumerate(shown[1:]):
        for c, cell in enumerate(row[1:]):
            n = grid[r][c]
            if 0 < n < D.SMALL:
                assert cell in (D.HIDDEN, D.HIDDEN_TOTAL), "a small count or total is shown"
            if cell == D.HIDDEN:
                assert 0 < n < D.SMALL, "'<11' beside a count that is not small"
            elif cell != D.HIDDEN_TOTAL:
                assert cell == str(n)
    hidden = sum(row[1:].count(D.HIDDEN) for row in shown[1:])
    if hidden <= 3:
        assert all(len(values) > 1 for values in _candidates(table).values()), shown


def test_the_16501_45_counts_on_built_data_with_known_answers(admin) -> None:  # type: ignore[no-untyped-def]
    """Five youth, each built to land in known counts; decisions at the quarter's edges."""
    from csec_desktop import caseload
    from csec_desktop.identification import record_status
    from csec_desktop.reports import counts as R
    from tests.conftest import youth_data

    def youth(unit: str, placements: list[dict[str, str]]) -> str:
        return caseload.create_youth(admin, youth_data(unit=unit, placement_history=placements)).id

    strtp = [{"type": "strtp", "start": "2026-01-01"}]
    home = [{"type": "home_of_parent", "start": "2020-01-01"}]
    in_care = youth("Unit A", strtp)                     # victim while in an STRTP, 23:59 on 30 Sept
    before = youth("Unit A", home)                       # victim, never yet in foster care
    missing = youth("Unit B", [{"type": "resource_family", "start": "2025-01-01"}])  # back 3 days
    late = youth("Unit B", strtp)                        # victim at 00:00 on 1 Oct: next quarter
    risk = youth("Unit B", home)                         # at risk only
    caseload.add_attached(admin, missing, "missing_episode", {
        "learned_at": "2026-08-01T10:00:00-07:00", "returned_at": "2026-08-10T10:00:00-07:00"})
    decide = {in_care: ("victim", datetime(2026, 9, 30, 23, 59, tzinfo=LEGAL_ZONE)),
              before: ("victim", datetime(2026, 7, 1, 0, 0, tzinfo=LEGAL_ZONE)),
              missing: ("victim", datetime(2026, 8, 13, 9, 0, tzinfo=LEGAL_ZONE)),
              late: ("victim", datetime(2026, 10, 1, 0, 0, tzinfo=LEGAL_ZONE)),
              risk: ("at_risk", datetime(2026, 7, 15, 12, 0, tzinfo=LEGAL_ZONE))}
    for youth_id, (status, moment) in decide.items():
        record_status(admin, youth_id, status, "fictional basis for a report test", moment)

    found = R.facts(admin)
    result = R.compute(found, parse("2026Q3"))
    assert result == {
        "identified_victims": {in_care, before, missing},
        "before_care": {before},
        "in_care": {in_care, missing},
        "while_missing": {missing},
        "in_strtp": {in_care},
        "identified_at_risk": {risk},
    }
    assert R.compute(found, parse("2026Q4"))["identified_victims"] == {late}
    units, table = R.by_unit(found, result)
    assert units == ["Unit A", "Unit B"]
    assert table["identified_victims"] == {"Unit A": 2, "Unit B": 1}
    assert all(count.citation.startswith("Welf. & Inst. Code") and count.definition for count in R.COUNTS)


def test_screens_by_tool_and_outcome_in_the_period(admin) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: screening counts from the licensed tool's recorded result (never its items)."""
    from csec_desktop import caseload
    from csec_desktop.reports import counts as R
    from csec_desktop.reports import export
    from tests.conftest import youth_data

    youth = [caseload.create_youth(admin, youth_data()).id for _ in range(3)]
    screens = [(youth[0], "2026-07-01", "clear_concern"), (youth[1], "2026-09-30", "no_concern"),
               (youth[1], "2026-08-15", "possible_concern"), (youth[2], "2026-10-01", "clear_concern")]
    for youth_id, on, band in screens:
        caseload.add_attached(admin, youth_id, "licensed_screen", {
            "tool": "Fictional Screening Tool", "tool_version": "2.0", "screened_on": on,
            "screener": "casey", "screener_trained": True, "band": band})
    tools, bands, counts, screened = R.screenings(R.facts(admin), parse("2026Q3"))
    assert tools == ["Fictional Screening Tool"] and screened == 2  # the 1 October screen is Q4
    assert dict(zip([b.value for b in bands], counts[0], strict=True)) == {
        "no_concern": 1, "possible_concern": 1, "clear_concern": 1}
    text = export.csv_text(admin, parse("2026Q3"), deidentified=True)
    assert "Screens by tool and outcome" in text and "Tool 1,<11,<11,<11,*" in text
    # The tool's name is typed freely on each screen: a de-identified export does not print it.
    assert "Fictional Screening Tool" not in text
    assert "Fictional Screening Tool,1,1,1,3" in export.csv_text(admin, parse("2026Q3"), deidentified=False)


def test_duties_in_the_period_on_time_late_and_open(admin) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: the 24-hour law-enforcement report and the 36-hour written cross-report, weighed
    by the rules' own deadlines against when each was done; a deadline on 1 October is the next
    quarter's, whatever day the youth was identified."""
    from csec_desktop import caseload
    from csec_desktop.identification import record_status
    from csec_desktop.reports import counts as R
    from csec_desktop.reports.duties import duties
    from tests.conftest import youth_data

    on_time, next_quarter, never = (caseload.create_youth(admin, youth_data()).id for _ in range(3))
    decided = {on_time: datetime(2026, 7, 10, 10, 0, tzinfo=LEGAL_ZONE),
               next_quarter: datetime(2026, 9, 30, 12, 0, tzinfo=LEGAL_ZONE),
               never: datetime(2026, 8, 1, 9, 0, tzinfo=LEGAL_ZONE)}
    for youth_id, moment in decided.items():
        record_status(admin, youth_id, "victim", "fictional basis for a report test", moment)
    occurrence = decided[on_time].astimezone(UTC).strftime("%Y%m%dT%H%MZ")
    for rule_id, done_at in (("csec.report_law_enforcement_24h", "2026-07-11T09:00:00-07:00"),  # 1 h early
                             ("csec.canra_written_36h", "2026-07-12T04:00:00-07:00")):  # 6 h late
        caseload.add_attached(admin, on_time, "duty_done", {
            "rule_id": rule_id, "occurrence": occurrence, "done_on": done_at[:10], "done_at": done_at})
    # Missing from care on 5 August, a victim since 1 August: the notices and the NCIC/NCMEC report.
    learned = datetime(2026, 8, 5, 9, 0, tzinfo=LEGAL_ZONE)
    caseload.add_attached(admin, never, "missing_episode", {"learned_at": learned.isoformat()})
    caseload.add_attached(admin, never, "duty_done", {
        "rule_id": "missing.ncic_ncmec_24h", "occurrence": learned.astimezone(UTC).strftime("%Y%m%dT%H%MZ"),
        "done_on": "2026-08-05", "done_at": "2026-08-05T15:00:00-07:00"})
    lines = {line.info.rule_id: line for line in duties(
        R.facts(admin), parse("2026Q3"), datetime(2026, 12, 1, 12, 0, tzinfo=LEGAL_ZONE))}
    notices, ncmec = lines["missing.notices_24h"], lines["missing.ncic_ncmec_24h"]
    assert notices.youth(notices.still_open) == {never} and ncmec.youth(ncmec.on_time) == {never}
    assert "16501.35" in notices.info.citation
    police, written = lines["csec.report_law_enforcement_24h"], lines["csec.canra_written_36h"]
    assert police.youth(police.on_time) == {on_time} and police.late == set()
    assert police.youth(police.still_open) == {never}
    assert police.due == 2 and police.on_time_rate == 0.5
    assert police.youth(police.overdue) == {never}  # open, and its deadline has passed
    assert (written.on_time, written.youth(written.late), written.youth(written.still_open)) == (
        set(), {on_time}, {never})
    assert written.median_delay_hours == 6.0
    assert "11166" in police.info.citation and police.info.law_as_of
    # A second mark of the police report, later (another device, or marked again): the first one
    # says when it was done, so it stays in time.
    caseload.add_attached(admin, on_time, "duty_done", {
        "rule_id": "csec.report_law_enforcement_24h", "occurrence": occurrence, "done_on": "2026-07-20",
        "done_at": "2026-07-20T09:00:00-07:00"})
    # Asked before the second youth's deadline: that report is neither met nor missed yet, so the
    # rate is of the one decided (a duty due tomorrow was counted as missed).
    early = {line.info.rule_id: line for line in duties(
        R.facts(admin), parse("2026Q3"), datetime(2026, 8, 1, 12, 0, tzinfo=LEGAL_ZONE))}
    police = early["csec.report_law_enforcement_24h"]
    assert police.youth(police.on_time) == {on_time} and police.late == set()
    assert police.due == 2 and police.decided == 1 and police.on_time_rate == 1.0


def test_the_monthly_trend_counts_each_month(admin) -> None:  # type: ignore[no-untyped-def]
    from csec_desktop import caseload
    from csec_desktop.identification import record_status
    from csec_desktop.reports import counts as R
    from tests.conftest import youth_data

    for moment, status in ((datetime(2026, 7, 31, 23, 59, tzinfo=LEGAL_ZONE), "victim"),
                           (datetime(2026, 8, 1, 0, 0, tzinfo=LEGAL_ZONE), "victim"),
                           (datetime(2026, 9, 2, 8, 0, tzinfo=LEGAL_ZONE), "at_risk")):
        youth_id = caseload.create_youth(admin, youth_data()).id
        record_status(admin, youth_id, status, "fictional basis for a report test", moment)
    months, lines = R.monthly(R.facts(admin), parse("2026Q3"))
    assert [m.label for m in months][-3:] == ["2026-07", "2026-08", "2026-09"] and len(months) == 12
    assert lines["identified_victims"][-3:] == [1, 1, 0]
    assert lines["identified_at_risk"][-3:] == [0, 0, 1]
    months, _ = R.monthly(R.facts(admin), parse("FY2025-26"))
    assert len(months) == 12 and months[0].label == "2025-07"


def _pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_the_report_as_xlsx_and_printed_pdf_with_definitions_and_no_names(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: `csec report --format xlsx|pdf`: the same figures as the page, each with its law;
    the printed report names no youth; the de-identified one hides small counts, leaves out the
    charts that would draw them, and states the rule; every file is an audited export."""
    import openpyxl

    from csec_desktop import caseload, cli
    from csec_desktop.identification import record_status
    from tests.conftest import ADMIN_PASS, youth_data

    for n in range(12):  # twelve in Unit A: large enough to show; one in Unit B: small
        youth_id = caseload.create_youth(admin, youth_data(unit="Unit A")).id
        record_status(admin, youth_id, "victim", "fictional basis for a report test",
                      datetime(2026, 8, 1, 9, n, tzinfo=LEGAL_ZONE))
    lone = caseload.create_youth(admin, youth_data(unit="Unit B")).id
    record_status(admin, lone, "victim", "fictional basis", datetime(2026, 8, 2, 9, 0, tzinfo=LEGAL_ZONE))
    folder = admin.folder
    admin.close()
    for fmt, extra in (("xlsx", []), ("pdf", []), ("pdf", ["--deidentified"])):
        out = tmp_path / f"report{len(extra)}.{fmt}"
        code = cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin", "report",
                         "--period", "2026Q3", "--format", fmt, "--out", str(out), "--purpose",
                         "quarterly report to the program", *extra],
                        stdin=io.StringIO(ADMIN_PASS + "\n"), stdout=io.StringIO())
        assert code == 0 and out.exists()
    book = openpyxl.load_workbook(tmp_path / "report0.xlsx")
    counts = [[c.value for c in row] for row in book["Counts"].iter_rows()]
    header = next(row for row in counts if row[1:3] == ["Unit A", "Unit B"])
    victims = next(row for row in counts if row[0] == "Youth identified as exploited")
    assert (header[1:3], victims[1:4]) == (["Unit A", "Unit B"], [12, 1, 13])
    assert {"Counts", "Duties", "Screens", "Definitions"} <= set(book.sheetnames)
    plain = _pdf_text((tmp_path / "report0.pdf").read_bytes())
    assert "Welf. & Inst. Code 16501.45" in plain and "Pen. Code" in plain and "Prepared by admin" in plain
    assert "Sampleton" not in plain and "JV-24-001234" not in plain and "Sparrow" not in plain
    hidden = _pdf_text((tmp_path / "report1.pdf").read_bytes())
    assert "<11" in hidden and "CalHHS" in hidden and "charts are left out" in hidden
    # A privacy review read hidden counts off the charts and the number screened: none in this form.
    assert "Youth screened in the period: 0." in hidden or "Youth screened in the period: *." in hidden \
        or "Youth screened in the period: <11." in hidden
    reopened = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        exported = [e for e in reopened.audit_log.entries(newest_first=True, limit=20)
                    if e.action == "report_exported"]
        assert sorted(e.detail["format"] for e in exported) == ["pdf", "pdf", "xlsx"]
    finally:
        reopened.close()


def test_services_referrals_in_the_period_and_goals_by_area_and_status(admin) -> None:  # type: ignore[no-untyped-def]
    from csec_desktop import caseload
    from csec_desktop.reports import counts as R
    from tests.conftest import youth_data

    youth = caseload.create_youth(admin, youth_data()).id
    made = (("2026-07-02", "mental_health", "active"), ("2026-09-30", "mental_health", "referred"),
            ("2026-10-01", "housing", "referred"))
    for on, domain, status in made:
        first = {"first_service_on": "2026-07-12"} if on == "2026-07-02" else {}  # 10 days later
        caseload.add_attached(admin, youth, "referral", {
            "domain": domain, "service": "Fictional counselling", "provider": "Fictional Provider",
            "status": status, "referred_on": on, "consent_given_on": on, **first})
    caseload.add_attached(admin, youth, "plan_goal", {
        "domain": "education", "goal": "Finish the school year", "steps": "Meet the liaison",
        "who_helps": "casey", "status": "in_progress"})
    areas, referrals, goals = R.services(R.facts(admin), parse("2026Q3"))
    assert areas == ["mental_health", "education"]  # housing's referral is the next quarter's
    assert referrals["mental_health"][1:4] == [1, 0, 1] and sum(referrals["education"]) == 0
    assert goals["education"] == [0, 1, 0, 0]
    # A file's columns read "no_show" and "not_started", and its reader had to guess.
    from csec_desktop.reports import export

    text = export.csv_text(admin, parse("2026Q3"), deidentified=False)
    assert ("Referrals made in the period,Suggested,Referred,Accepted,Active,Completed,Declined,No-show,"
            "Total") in text
    assert "Plan goals,Not started,In progress,Done,Changed,Total" in text
    assert "Mental health,0,1,0,1,0,0,0,2" in text and "_" not in text.split("Count,Definition")[0]
    found = R.facts(admin)
    assert R.days_to_first_service(found, parse("2026Q3")) == (10, 1)
    # No decision, so no duty reads this youth: their body is read only when a figure names them.
    assert found.youth[youth].display_name() == caseload.get_youth(admin, youth).body.display_name()
    from csec_desktop.errors import ValidationFailed as Refused

    # A first service before the referral: a typo.
    with pytest.raises(Refused, match="first_service_on: is before the referral was sent"):
        caseload.add_attached(admin, youth, "referral", {
            "domain": "housing", "service": "Fictional shelter", "provider": "Fictional Provider",
            "status": "referred", "referred_on": "2026-08-10", "first_service_on": "2026-08-01",
            "consent_given_on": "2026-08-10"})


def test_record_relief_counts_by_assessment_and_petitions_by_stage(admin) -> None:  # type: ignore[no-untyped-def]
    """Issue 23: the demo county's record-relief cases, counted by what the 236.14 assessment says of
    each count and by the petition's stage; the sealing duties after an order are weighed like any."""
    from csec_desktop import demo
    from csec_desktop.reports import counts as R
    from csec_desktop.reports import figures as F
    from csec_desktop.reports.duties import duties
    from csec_desktop.vacatur import assess

    now = datetime(2026, 11, 20, 10, 0, tzinfo=LEGAL_ZONE)
    demo.populate_county(admin, 30, now=now)
    found = R.facts(admin, None, date(2026, 12, 31))
    relief = R.record_relief(found, parse("2026Q4"))
    verdicts, stages, granted = relief.counts, relief.stages, len(relief.granted)
    counts = [(y, c) for y, kept in found.criminal_counts.items() for _id, c in kept]
    assert counts and sum(verdicts.values()) == len(counts)
    assert verdicts == {a: sum(1 for y, c in counts if assess(c, found.youth[y]).answer.value == a)
                        for a in verdicts}
    assert sum(stages.values()) == sum(len(c) for c in found.cases.values()) > 0
    assert set().union(*relief.stages_youth.values()) == {y for y, c in found.cases.items() if c}
    grid = F.relief_grid({"record_relief": {"counts_by_assessment": verdicts, "petitions_by_stage": stages,
                                            "granted_in_period": granted}}, deidentified=True)
    assert grid[0][0] == "" and all(cell in ("0", D.HIDDEN, D.HIDDEN_TOTAL) or int(cell) >= D.SMALL
                                    for row in grid[1::2] for cell in row[1:])
    # A petition denied in the quarter is counted as denied, and named in its drill-down.
    case_id, owner = admin.require_db().one("SELECT id, owner_id FROM records WHERE kind = 'vacatur_case' "
                                            "AND deleted = 0 LIMIT 1")
    from csec_desktop import caseload

    caseload.update_attached(admin, case_id, {"order_denied_on": "2026-11-02"})
    assert R.record_relief(R.facts(admin, None, date(2026, 12, 31)), parse("2026Q4")).denied == {owner}
    assert {line.info.rule_id for line in duties(found, parse("2026Q4"), now)} >= {
        "vacatur.prosecutor_response", "vacatur.seal_and_destroy"}


def test_ab12_youth_by_age_extended_care_placement_and_plans_due(admin) -> None:  # type: ignore[no-untyped-def]
    from csec_desktop import caseload
    from csec_desktop.reports import counts as R
    from tests.conftest import youth_data

    nmd = [{"status": "nonminor_dependent", "start": "2025-06-01"}]
    for birth, status, placements in (
            ("2010-01-10", None, []),                                             # 16
            ("2008-11-15", None, []),                                             # 17, 18 on 15 Nov: plan due
            ("2007-03-01", nmd, [{"type": "silp", "start": "2026-01-01"}]),       # 19, in EFC, in a SILP
            ("2007-05-01", [{"status": "dependent", "start": "2020-01-01", "end": "2025-04-30"}],
             []),                                                                  # 19, out of care
            ("2004-01-01", None, [])):                                            # 22: not counted
        over: dict[str, object] = {"date_of_birth": birth, "placement_history": placements}
        if status is not None:
            over["legal_status"] = status
        made = caseload.create_youth(admin, youth_data(**over)).id
        if status == nmd:  # in school since January, certified once in January: due again by July
            nonminor = made
            caseload.add_attached(admin, made, "efc_participation", {
                "condition": "1", "since": "2026-01-05", "evidence": "Fictional enrollment letter"})
            caseload.add_attached(admin, made, "efc_certification", {
                "certified_on": "2026-01-15", "conditions": ["1"], "certified_by": "casey"})
    found = R.facts(admin, None, date(2026, 9, 30))
    assert {k: len(v) for k, v in found.ab12.items()} == {
        "aged_16_17": 2, "aged_18_20_in_efc": 1, "aged_18_20_not_in_efc": 1, "efc_in_thp_nmd": 0,
        "efc_in_silp": 1, "efc_elsewhere": 0, "turning_18_with_plan": 0, "turning_18_without_plan": 1,
        "condition_1": 1, "condition_2": 0, "condition_3": 0, "condition_4": 0, "condition_5": 0,
        "no_condition": 0, "certification_overdue": 1}
    assert R.facts(admin, None, date(2026, 7, 14)).ab12["certification_overdue"] == set()  # not yet due
    # The certification due in July marked done on Today counts as made, as on the youth's timeline
    # and duties (supervisor review, session 36: the report still counted such a youth overdue).
    from csec_desktop.domain.duties import DutyDone

    admin.records.create(DutyDone(youth_id=nonminor, rule_id="efc.six_month_certification",
                                  occurrence="soc161:2026-07-15", done_on=date(2026, 7, 14)))
    assert R.facts(admin, None, date(2026, 9, 30)).ab12["certification_overdue"] == set()
    assert len(R.facts(admin, None, date(2027, 1, 20)).ab12["certification_overdue"]) == 1  # the next one
    # Back through a re-entry agreement in August: the cycle starts again then, nothing overdue.
    caseload.add_attached(admin, nonminor, "reentry_agreement", {"signed_on": "2026-08-01"})
    assert R.facts(admin, None, date(2026, 9, 30)).ab12["certification_overdue"] == set()
    # A nonminor whose record has only the current placement (the history never filled in): in the
    # THP-NMD the window shows, not "elsewhere" (the report read only the stored history).
    from csec_desktop.domain.youth import Placement, Youth

    stored = Youth.parse(youth_data(date_of_birth="2006-06-01", legal_status=nmd))
    admin.records.create(stored.model_copy(update={  # as the demo county's stories are written
        "placement": Placement(type="thp_nmd", since=date(2026, 3, 15)), "placement_history": []}))
    again = {k: len(v) for k, v in R.facts(admin, None, date(2026, 9, 30)).ab12.items()}
    assert (again["aged_18_20_in_efc"], again["efc_in_thp_nmd"], again["efc_elsewhere"]) == (2, 1, 0)


def test_ab12_reads_nonminor_dependents_together_and_a_sealed_ones_placement(admin) -> None:  # type: ignore[no-untyped-def]
    """The nonminor dependents' placements and EFC records are read in a fixed number of statements
    however many there are (one by one they were 4.5 s of a report at 100,000 youth), and a sealed
    youth's placement is read through the seal by someone who holds its key."""
    from csec_desktop import caseload
    from csec_desktop.reports import counts as R
    from tests.conftest import WORKER_PASS, youth_data
    from tests.core.test_usecases import counted

    nmd = [{"status": "nonminor_dependent", "start": "2025-06-01"}]
    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS)
    sam = Vault.unlock(admin.folder, "sam", WORKER_PASS)

    def add(count: int, placement: str) -> list[str]:
        return [caseload.create_youth(sam, youth_data(
            date_of_birth="2007-03-01", legal_status=nmd, unit=None,
            placement_history=[{"type": placement, "start": "2026-01-01"}])).id for _ in range(count)]

    try:
        add(2, "silp")
        with counted(sam) as few:
            R.facts(sam, None, date(2026, 9, 30))
        sealed = add(1, "thp_nmd")
        caseload.update_youth(sam, sealed[0], {"sealed": True})
        add(12, "silp")
        with counted(sam) as many:
            found = R.facts(sam, None, date(2026, 9, 30))
        assert len(many) == len(few)
        assert {k: len(found.ab12[k]) for k in ("aged_18_20_in_efc", "efc_in_silp", "efc_in_thp_nmd")} == {
            "aged_18_20_in_efc": 15, "efc_in_silp": 14, "efc_in_thp_nmd": 1}
        body = sam.require_db().scalar("SELECT body FROM records WHERE id = ?", (sealed[0],))
        assert '"$sealed"' in body and "thp_nmd" not in body
        # The administrator, who holds no key to sealed records, does not count the sealed youth.
        assert len(R.facts(admin, None, date(2026, 9, 30)).ab12["aged_18_20_in_efc"]) == 14
    finally:
        sam.close()


def test_rescreens_in_the_interval_late_or_overdue_and_team_meetings(admin) -> None:  # type: ignore[no-untyped-def]
    from csec_desktop import caseload
    from csec_desktop.reports import counts as R
    from tests.conftest import youth_data

    late, in_time, overdue = (caseload.create_youth(admin, youth_data()).id for _ in range(3))
    screened = ((late, ("2026-01-10", "2026-08-01")), (in_time, ("2026-05-01", "2026-07-15")),
                (overdue, ("2026-01-02",)))
    for youth_id, days in screened:
        for on in days:
            caseload.add_attached(admin, youth_id, "licensed_screen", {
                "tool": "Fictional Screening Tool", "tool_version": "2.0", "screened_on": on,
                "screener": "casey", "screener_trained": True, "band": "possible_concern"})
    everyone = [{"discipline": d, "name": f"Fictional {d}"} for d in
                ("child_welfare", "probation", "mental_health", "substance_use", "public_health")]
    caseload.add_attached(admin, late, "team_meeting", {"held_on": "2026-08-03", "attendees": everyone})
    caseload.add_attached(admin, in_time, "team_meeting", {"held_on": "2026-08-04",
                                                            "attendees": everyone[:2]})
    found = R.facts(admin, None, date(2026, 9, 30))
    assert R.rescreens(found, parse("2026Q3"), 180) == {
        "rescreened_in_time": {in_time}, "rescreened_late": {late}, "rescreen_overdue": {overdue}}
    assert R.rescreens(found, parse("2026Q3"), 240)["rescreened_late"] == set()  # the county's own interval
    assert R.meetings(found, parse("2026Q3")) == {"meetings_held": {late, in_time},
                                                  "meetings_complete": {late}}


def test_a_report_is_dated_with_the_california_day(admin: Vault) -> None:
    """At 22:50 PST the report said it was prepared on the next day (the UTC one), under a line
    saying its days are California days."""
    from csec_desktop.reports import export
    from csec_desktop.reports.periods import parse

    late = datetime(2026, 12, 3, 22, 50, tzinfo=LEGAL_ZONE).timestamp()
    admin.wall = lambda: late  # type: ignore[method-assign]
    text = export.csv_text(admin, parse("2026Q3"), deidentified=True)
    assert "Prepared by admin on 2026-12-03;" in text


def test_a_period_not_yet_over_is_counted_to_today_not_to_its_last_day() -> None:
    """Supervisor review, session 36: this fiscal year, counted in December, gave "overdue at the
    end" and the AB 12 ages as of June 30th, seven months ahead, unsaid. A period not over is counted
    to today, and its last day says so; one over, or not begun, is as it was."""
    from csec_desktop.reports.periods import fiscal_year, quarter

    year = fiscal_year(2026)
    assert year.so_far(date(2026, 12, 4)) == type(year)(date(2026, 7, 1), date(2026, 12, 4), year.label)
    assert quarter(2026, 3).so_far(date(2026, 12, 4)) == quarter(2026, 3)  # over
    assert quarter(2027, 1).so_far(date(2026, 12, 4)) == quarter(2027, 1)  # not begun: nothing in it
