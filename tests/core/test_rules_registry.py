"""The rule registry: findings carry their law, sort by urgency, and deadlines count real hours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from csec_desktop.rules import (
    LEGAL_ZONE,
    Finding,
    FindingKind,
    Registry,
    calendar_days_after,
    hours_after,
)

CHECKED = date(2026, 11, 1)


def _finding(rule_id: str, due: datetime | None, done: bool = False) -> Finding:
    return Finding(rule_id, FindingKind.DEADLINE, rule_id, ("a fact",), "Pen. Code, § 11166", CHECKED,
                   due=due, done=done)


def test_findings_sort_overdue_then_soonest_then_undated_then_done() -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=LEGAL_ZONE)
    registry = Registry()

    @registry.register("test.many", summary="many", citation="Pen. Code, § 11166", law_as_of=CHECKED)
    def many(facts: dict[str, object], as_of: datetime) -> list[Finding]:
        return [
            _finding("later", datetime(2026, 11, 30, tzinfo=LEGAL_ZONE)),
            _finding("undated", None),
            _finding("done", datetime(2026, 11, 1, tzinfo=LEGAL_ZONE), done=True),
            _finding("overdue", datetime(2026, 11, 27, tzinfo=LEGAL_ZONE)),
            _finding("soon", datetime(2026, 11, 28, 12, tzinfo=LEGAL_ZONE)),
        ]

    order = [f.rule_id for f in registry.evaluate({}, now)]
    assert order == ["overdue", "soon", "later", "undated", "done"]
    assert registry.evaluate({}, now)[0].overdue(now)
    with pytest.raises(ValueError, match="twice"):
        registry.register("test.many", summary="again", citation="x", law_as_of=CHECKED)(many)
    with pytest.raises(ValueError, match="citation"):
        registry.register("test.uncited", summary="none", citation=" ", law_as_of=CHECKED)
    with pytest.raises(ValueError, match="time zone"):
        registry.evaluate({}, datetime(2026, 11, 28))


def test_a_finding_must_cite_its_law() -> None:
    with pytest.raises(ValueError, match="citation"):
        Finding("x", FindingKind.WARNING, "t", (), " ", CHECKED)
    with pytest.raises(ValueError, match="time zone"):
        Finding("x", FindingKind.DEADLINE, "t", (), "WIC 16501.35", CHECKED, due=datetime(2026, 1, 1))


def test_24_hours_across_the_spring_and_autumn_clock_changes() -> None:
    # 2026-03-08 02:00 Pacific the clocks go forward; 24 elapsed hours end at 10:00 next day.
    before_spring = datetime(2026, 3, 7, 9, 0, tzinfo=LEGAL_ZONE)
    assert hours_after(before_spring, 24) == datetime(2026, 3, 8, 10, 0, tzinfo=LEGAL_ZONE)
    # 2026-11-01 02:00 Pacific the clocks go back; 24 elapsed hours end at 08:00 next day.
    before_autumn = datetime(2026, 10, 31, 9, 0, tzinfo=LEGAL_ZONE)
    assert hours_after(before_autumn, 24) == datetime(2026, 11, 1, 8, 0, tzinfo=LEGAL_ZONE)
    # Crossing midnight, from a UTC instant.
    assert hours_after(datetime(2026, 6, 1, 6, 30, tzinfo=UTC), 36).isoformat() == \
        "2026-06-02T11:30:00-07:00"
    assert calendar_days_after(date(2026, 12, 15), 30) == date(2027, 1, 14)


def test_every_why_line_is_made_for_translation() -> None:
    """A rule's why lines are text.W(...) calls (Spanish screens say them in Spanish); a plain or
    f-string why line would be refused at run time, so none may be written (checked in the source)."""
    import ast
    from pathlib import Path

    import csec_desktop.rules as rules_package

    offenders = []
    for path in sorted(Path(rules_package.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "finding" and len(node.args) >= 3 \
                    and isinstance(node.args[2], ast.Tuple):
                offenders += [f"{path.name}:{item.lineno}" for item in node.args[2].elts
                              if isinstance(item, ast.Constant | ast.JoinedStr | ast.BinOp)]
    assert offenders == []
