"""Hubs and desktops of different versions: the hub is upgraded before the desktops, and a
county may run an older hub for a while.

- the protocol 1 client (a snapshot, tests/hub/compat) against today's hub: every call it
  makes, its errors (with `wipe`) and a revocation;
- today's client against a protocol 1 hub (today's hub answering a request that does not
  name its protocol is what protocol 1 hubs sent: no version headers, protocol 1 errors);
- today's client against a newer hub that adds fields (ignored) or says something this
  desktop cannot understand (refused, naming what to upgrade)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from csec_desktop import caseload
from csec_desktop.hub.app import create_app
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.principals import Admin
from csec_desktop.hub.store import Hub
from csec_desktop.ids import new_id
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import DeviceRevoked, HubClient, HubIncompatible, HubRefused, sync_vault
from tests.hub.compat import client_v1
from tests.hub.compat import protocol_v1 as P1

COUNTY = "Fictional County"
PASS = "correct horse battery staple 1"


class Rewriting(httpx.BaseTransport):
    """Stands between a client and the hub, changing requests and answers as another version would."""

    def __init__(self, inner: httpx.BaseTransport, *,
                 request: Callable[[httpx.Request], None] = lambda r: None,
                 answer: Callable[[httpx.Response, bytes], tuple[dict[str, str], bytes]] | None = None,
                 ) -> None:
        self.inner, self.on_request, self.on_answer = inner, request, answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.on_request(request)
        response = self.inner.handle_request(request)
        body = response.read()
        if self.on_answer is None:
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        headers, body = self.on_answer(response, body)
        return httpx.Response(response.status_code, headers=headers, content=body)


@pytest.fixture
def hub(pg_url: str) -> Iterator[tuple[Hub, TestClient]]:
    from tests.hub.conftest import empty

    engine = engine_for(pg_url)
    upgrade(engine)
    found = Hub(engine)
    empty(found)
    found.add_county(COUNTY)
    found.add_admin(COUNTY, "it")
    found.add_user(Admin(COUNTY, "it"), P.NewUser(username="ana", role="caseworker", unit="north"))
    yield found, TestClient(create_app(found))
    engine.dispose()


def _youth() -> dict[str, Any]:
    return {"legal_name": {"given": "Testchild", "family": "Fictional"}, "date_of_birth": "2010-05-17",
            "county": COUNTY, "assigned_worker": "ana", "unit": "north"}


def test_a_protocol_1_desktop_works_with_todays_hub(hub: tuple[Hub, TestClient]) -> None:
    found, http = hub
    transport = http._transport  # type: ignore[attr-defined]
    sent: list[httpx.Request] = []
    spy = Rewriting(transport, request=sent.append)
    code = found.new_enrollment(Admin(COUNTY, "it"), "ana").code
    granted = client_v1.HubClient("http://testserver", transport=spy).enroll(code, "old laptop")
    old = client_v1.HubClient("http://testserver", f"device.{granted.device_id}.{granted.secret}",
                              transport=spy)
    assert old.status().status == "active"
    youth = new_id()
    op = P1.Op(op_id=new_id(), record_id=youth, kind="youth", op="create",
               fields={k: P1.FieldChange(new=v) for k, v in _youth().items()},
               hlc=f"{int(time.time() * 1000):013d}-00000-old", user="ana",
               at="2026-11-28T10:00:00.000+00:00")
    pushed = old.push(P1.PushRequest(ops=[op]))
    assert [r.result for r in pushed.results] == ["applied"]
    pulled = old.pull(0, 500)
    assert [r.id for r in pulled.records] == [youth] and not pulled.more
    entry = P1.AuditEntry(seq=1, at="2026-11-28T10:00:00.000+00:00", user="ana", device="old", action="view",
                          detail="{}", mac="ab")
    assert old.audit([entry]).stored == 1
    assert all("CSEC-Protocol" not in r.headers for r in sent), "the old client never named a protocol"
    # Errors: the old client reads the hub's detail (not a fallback) and, when revoked, `wipe`.
    wrong = client_v1.HubClient("http://testserver", f"device.{granted.device_id}.wrong", transport=spy)
    with pytest.raises(HubRefused, match="not enrolled with the hub"):
        wrong.status()
    with pytest.raises(HubRefused, match=r"\(422\): The request was not valid"):
        old._call(P1.PullResponse, "GET", "/v1/pull", params={"since": -1})
    found.set_device_status(Admin(COUNTY, "it"), granted.device_id, "revoked")
    with pytest.raises(DeviceRevoked):
        old.status()


def _as_protocol_1_hub(inner: httpx.BaseTransport) -> Rewriting:
    """Today's hub seen as a protocol 1 hub: requests lose their version, answers carry none."""
    def request(r: httpx.Request) -> None:
        del r.headers[P.HEADER]

    def answer(response: httpx.Response, body: bytes) -> tuple[dict[str, str], bytes]:
        headers = {k: v for k, v in response.headers.items() if not k.lower().startswith("csec-protocol")}
        return headers, body

    return Rewriting(inner, request=request, answer=answer)


def _enrolled_vault(found: Hub, http: TestClient, folder: Path) -> tuple[Vault, str]:
    vault, _ = Vault.create(folder, county=COUNTY, admin="ana", passphrase=PASS)
    code = found.new_enrollment(Admin(COUNTY, "it"), "ana").code
    answer = http.post("/v1/enroll", json={"code": code, "device_name": "x"})
    granted = P.Enrollment.model_validate(answer.json())
    local.save_enrolment(vault, "http://testserver", "", granted)
    return vault, f"device.{granted.device_id}.{granted.secret}"


def test_todays_desktop_works_with_a_protocol_1_hub(hub: tuple[Hub, TestClient], tmp_path: Path) -> None:
    found, http = hub
    vault, token = _enrolled_vault(found, http, tmp_path / "v")
    client = HubClient("http://testserver", token, transport=_as_protocol_1_hub(http._transport))  # type: ignore[attr-defined]
    caseload.create_youth(vault, _youth())
    report = sync_vault(vault, client)
    assert report.pushed == 1 and report.refused == 0 and report.pulled >= 1
    device_id = token.split(".")[1]
    found.set_device_status(Admin(COUNTY, "it"), device_id, "revoked")
    with pytest.raises(DeviceRevoked):
        sync_vault(vault, client)
    vault.close()


FREE_FORM = {"body", "stamps", "value"}
"""Maps whose keys are data (a record's fields), not protocol members."""


def _versions(response: httpx.Response, protocol: int, minimum: int) -> dict[str, str]:
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() != "content-length"}
    return {**headers, P.HEADER.lower(): str(protocol), P.MIN_HEADER.lower(): str(minimum)}


def _add_fields(value: Any) -> Any:
    """A member added to every object of the protocol (not inside the records' own data)."""
    if isinstance(value, dict):
        return {**{k: v if k in FREE_FORM else _add_fields(v) for k, v in value.items()},
                "added_in_protocol_3": {"x": [1, 2]}}
    if isinstance(value, list):
        return [_add_fields(v) for v in value]
    return value


def test_todays_desktop_ignores_what_a_newer_hub_adds(hub: tuple[Hub, TestClient], tmp_path: Path) -> None:
    found, http = hub
    vault, token = _enrolled_vault(found, http, tmp_path / "v")

    def newer(response: httpx.Response, body: bytes) -> tuple[dict[str, str], bytes]:
        return _versions(response, 3, 2), json.dumps(_add_fields(json.loads(body))).encode()

    client = HubClient("http://testserver", token, transport=Rewriting(http._transport, answer=newer))  # type: ignore[attr-defined]
    caseload.create_youth(vault, _youth())
    report = sync_vault(vault, client)
    assert report.pushed == 1 and report.pulled >= 1 and report.refused == 0
    vault.close()


def test_todays_desktop_refuses_clearly_what_it_cannot_understand(hub: tuple[Hub, TestClient],
                                                                 tmp_path: Path) -> None:
    found, http = hub
    vault, token = _enrolled_vault(found, http, tmp_path / "v")
    caseload.create_youth(vault, _youth())

    def too_new(response: httpx.Response, body: bytes) -> tuple[dict[str, str], bytes]:
        return _versions(response, 4, 3), body

    client = HubClient("http://testserver", token, transport=Rewriting(http._transport, answer=too_new))  # type: ignore[attr-defined]
    with pytest.raises(HubIncompatible, match="Install the newer version of this app") as refused:
        sync_vault(vault, client)
    assert "protocol 4" in str(refused.value) and f"speaks {P.PROTOCOL}" in str(refused.value)
    assert local.status(vault).waiting == 1, "nothing was pushed or lost"

    def new_outcome(response: httpx.Response, body: bytes) -> tuple[dict[str, str], bytes]:
        return _versions(response, 3, 2), body.replace(b'"applied"', b'"deferred"')

    client = HubClient("http://testserver", token, transport=Rewriting(http._transport, answer=new_outcome))  # type: ignore[attr-defined]
    with pytest.raises(HubIncompatible, match="Install the newer version"):
        sync_vault(vault, client)
    vault.close()
