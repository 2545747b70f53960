"""The audit chain detects every edit, deletion, insertion and reordering."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csec_desktop import caseload
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, FakeClock, session_templates, youth_data

EVENTS = 12
START = 1_800_000_000.0


def _entries(vault: Vault) -> None:
    record = caseload.create_youth(vault, youth_data())
    for i in range(EVENTS):
        caseload.get_youth(vault, record.id)
        vault.audit("print", record_id=record.id, document=f"sheet-{i}")


def _vault_with_entries(folder: Path) -> Vault:
    """A copy of the session's vault of a youth viewed and printed EVENTS times, all at START."""
    template = session_templates().get(fill=_entries, key="audit: one youth, viewed and printed",
                                       start=START)
    return template.open_copy(folder, wall=FakeClock(START))


def test_every_kind_of_event_is_chained(admin: Vault) -> None:
    record = caseload.create_youth(admin, youth_data())
    caseload.get_youth(admin, record.id)
    caseload.update_youth(admin, record.id, {"pronouns": "he/him"})
    caseload.delete_youth(admin, record.id)
    admin.audit("print", record_id=record.id, document="hearing_sheet")
    admin.lock()
    again = Vault.unlock(admin.folder, "admin", ADMIN_PASS, wall=admin.wall)
    actions = [e.action for e in again.audit_log.entries()]
    for needed in ("vault_created", "user_added", "create", "view", "update", "delete",
                   "print", "lock", "unlock"):
        assert needed in actions
    assert again.verify_audit().ok
    again.close()


TAMPER = st.sampled_from(["edit", "delete", "insert", "reorder", "truncate"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=TAMPER, data=st.data())
def test_tampering_is_detected(tmp_path_factory: object, kind: str, data: st.DataObject) -> None:
    folder = tmp_path_factory.mktemp("audit") / "v"  # type: ignore[attr-defined]
    vault = _vault_with_entries(folder)
    db = vault.require_db()
    total = vault.audit_log.count()
    seq = data.draw(st.integers(1, total - 1), label="entry")
    if kind == "edit":
        column = data.draw(st.sampled_from(["user", "action", "at", "detail", "record_id"]))
        db.execute(f"UPDATE audit SET {column} = coalesce({column}, '') || 'x' WHERE seq = ?", (seq,))
        expect = seq
    elif kind == "delete":
        db.execute("DELETE FROM audit WHERE seq = ?", (seq,))
        expect = seq
    elif kind == "insert":
        # Shift the tail up by one (via a temporary offset to dodge the primary key), then
        # slip a forged entry into the gap.
        db.execute("UPDATE audit SET seq = seq + 100000 WHERE seq >= ?", (seq,))
        db.execute("UPDATE audit SET seq = seq - 99999 WHERE seq >= 100000")
        db.execute("INSERT INTO audit (seq, at, user, device, action, record_id, detail, mac) "
                   "SELECT ?, at, user, device, 'forged', record_id, detail, mac FROM audit "
                   "WHERE seq = ?", (seq, seq + 1))
        expect = seq
    elif kind == "reorder":
        db.execute("UPDATE audit SET seq = -1 WHERE seq = ?", (seq,))
        db.execute("UPDATE audit SET seq = ? WHERE seq = ?", (seq, seq + 1))
        db.execute("UPDATE audit SET seq = ? WHERE seq = -1", (seq + 1,))
        expect = seq
    else:
        db.execute("DELETE FROM audit WHERE seq >= ?", (seq,))
        expect = seq
    result = vault.audit_log.verify()
    vault.close()
    assert not result.ok
    assert result.first_bad == expect, result
