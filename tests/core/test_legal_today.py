"""One "today": the date a worker records as today and the date the rules check it against are the
same California day, whatever zone the machine is set to. CI found this: at 01:42 UTC a consent
dated "today" by the machine (1 December) was read by the referral check as not yet given
(30 November in Pacific time), and the referral was refused."""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from csec_desktop.clock import LEGAL_ZONE, legal_today
from csec_desktop.domain.youth import Youth
from csec_desktop.services import consent_for_referral
from tests.conftest import youth_data

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def machine_far_ahead() -> Iterator[None]:
    """The machine's own zone set 14 hours ahead of UTC (22 hours ahead of California)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_today_is_the_california_day_whatever_the_machine_zone(machine_far_ahead: None) -> None:
    california = datetime.now(LEGAL_ZONE).date()
    assert legal_today() == california
    # A consent given "today" (as the form fills it) is in force for a referral sent today.
    youth = Youth.model_validate(youth_data(consents=[{
        "kind": "referral", "scope": "all services", "given_by": "youth",
        "given_on": legal_today().isoformat()}]))
    assert consent_for_referral(youth, datetime.now(LEGAL_ZONE).date()) is not None


def test_no_module_reads_the_machine_day() -> None:
    """`date.today()` is the machine's day; everything in the app counts California's."""
    offenders = []
    for folder in ("csec_desktop", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "today" and isinstance(node.func.value, ast.Name)
                        and node.func.value.id in {"date", "datetime"}):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], offenders

