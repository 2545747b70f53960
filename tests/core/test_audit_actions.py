"""Every action the app writes to the audit trail has a name a person reads (the trail keeps
the code; the administration page showed "duty_reopened" and "undelivered_let_go")."""

from __future__ import annotations

import re
from pathlib import Path

from csec_desktop.audit_actions import ACTION_NAMES, action_name

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = re.compile(r'(?:\baudit\(\s*|\baction=|"action":\s*)"([a-z_]+)"')


def test_every_action_written_has_a_name() -> None:
    written = {m.group(1) for folder in ("csec_desktop", "ui") for path in (ROOT / folder).rglob("*.py")
               for line in path.read_text().splitlines() if "add_argument(" not in line  # argparse's
               for m in WRITTEN.finditer(line)}
    assert {"unlock", "duty_done", "undelivered_let_go", "account_locked"} <= written  # the scan finds them
    assert sorted(written - set(ACTION_NAMES)) == []


def test_an_action_the_list_does_not_know_reads_as_words() -> None:
    assert action_name("duty_reopened") == "Duty reopened"
    assert action_name("some_future_action") == "some future action"
