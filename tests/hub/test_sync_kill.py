"""A desktop process killed with SIGKILL in the middle of its first sync resumes from its last
committed page: nothing missing, nothing applied twice, little sent again (SECURITY.md 24)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from csec_desktop.domain.youth import CaseNote, Youth
from csec_desktop.hub.principals import Admin
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient, sync_vault
from tests.hub.conftest import empty
from tests.hub.harness import HubServer
from tests.hub.test_sync_model import _snapshot_hub, _snapshot_local

pytestmark = pytest.mark.slow
PASS = "correct horse battery staple 1"
COUNTY = "Fictional County"
RECORDS = 2000

CHILD = """
import sys
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync.client import HubClient, sync

vault = Vault.unlock(__import__("pathlib").Path(sys.argv[1]), "sup.two", sys.argv[2])
found = local.enrolment(vault)
client = HubClient.for_enrolment(found)

def step(fn):
    result = fn(vault)
    if getattr(fn, "func", None) is local.apply_pull:
        print("page", local.checkpoint(vault), flush=True)
    return result

sync(step, client, page_size=100)
print("finished", flush=True)
"""


def test_killed_mid_sync_resumes_from_the_last_page(pg_url: str, tmp_path: Path) -> None:
    server = HubServer(pg_url)
    try:
        empty(server.hub)
        server.hub.add_county(COUNTY)
        admin = Admin(COUNTY, "test")
        vaults = {}
        for name in ("sup.one", "sup.two"):
            server.hub.add_user(admin, P.NewUser(username=name, role="supervisor"))
            vault, _ = Vault.create(tmp_path / name, county=COUNTY, admin=name, passphrase=PASS)
            code = server.hub.new_enrollment(admin, name).code
            local.save_enrolment(vault, server.base_url, "", HubClient(server.base_url).enroll(code, name))
            vaults[name] = vault
        one = vaults["sup.one"]
        with one.require_db().transaction():
            for n in range(RECORDS // 4):
                youth = one.records.create(Youth.model_validate({
                    "legal_name": {"given": "Testchild", "family": f"Fictional{n}"},
                    "date_of_birth": "2010-05-17", "county": COUNTY}))
                for _ in range(3):
                    one.records.create(CaseNote.model_validate({
                        "youth_id": youth.id, "occurred_at": datetime.now(UTC).isoformat(),
                        "text": "Called."}))
        sync_vault(one, HubClient(server.base_url, local.enrolment(one).token))  # type: ignore[union-attr]
        vaults["sup.two"].close()

        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "sup.two"), PASS],
                                 stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2],
                                 env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
        assert child.stdout is not None
        pages = 0
        for line in child.stdout:
            pages += line.startswith("page")
            if pages == 7:
                child.send_signal(signal.SIGKILL)  # the laptop dies between two pages
                break
        child.wait(30)
        assert child.returncode == -signal.SIGKILL

        two = Vault.unlock(tmp_path / "sup.two", "sup.two", PASS)
        resumed_from = local.checkpoint(two)
        assert resumed_from > 0, "the pages committed before the kill were kept"
        client = HubClient(server.base_url, local.enrolment(two).token)  # type: ignore[union-attr]
        report = sync_vault(two, client)
        assert 7 * 100 <= RECORDS - report.pulled <= 8 * 100  # resumed: at most a page again
        hub_records, hub_conflicts = _snapshot_hub(server)
        records, conflicts = _snapshot_local(two)
        assert records == hub_records and conflicts == hub_conflicts == {}
        history = two.require_db().scalar("SELECT count(*) FROM changes WHERE device = 'hub'")
        assert history == RECORDS, "each record arrived exactly once"
        two.close()
        one.close()
    finally:
        server.stop()
