# ruff: noqa
"""SNAPSHOT, never edit: the protocol 1 desktop's HubClient (csec_desktop/sync/client.py at
commit ba72739), its `_call` as shipped: no CSEC-Protocol header, answers and errors parsed
strictly with the protocol 1 models (an unknown member made an answer "not understood", an
error body it could not parse lost its `wipe`)."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from csec_desktop.sync.client import DeviceLocked, DeviceRevoked, HubBusy, HubRefused, HubUnreachable
from tests.hub.compat import protocol_v1 as P

M = TypeVar("M", bound=BaseModel)


class HubClient:
    def __init__(self, base_url: str, token: str = "", *, transport: httpx.BaseTransport) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, transport=transport)

    def _call(self, model: type[M], method: str, path: str, body: BaseModel | None = None,
              params: dict[str, Any] | None = None) -> M:
        content = body.model_dump_json().encode() if body is not None else None
        try:
            response = self.http.request(method, path, content=content, params=params,
                                         headers={"Content-Type": "application/json"} if content else None)
        except httpx.TransportError as exc:
            raise HubUnreachable(type(exc).__name__) from exc
        if response.status_code >= 400:
            try:
                problem = P.Problem.model_validate_json(response.content)
            except ValidationError:
                problem = P.Problem(error="error", detail=response.reason_phrase)
            if problem.wipe:
                raise DeviceRevoked()
            if response.status_code == 423:
                raise DeviceLocked(problem.detail)
            if response.status_code == 429:
                raise HubBusy(int(response.headers.get("Retry-After", "60") or 60))
            raise HubRefused(response.status_code, problem.detail)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise HubRefused(response.status_code, "the answer was not understood") from exc

    def enroll(self, code: str, device_name: str) -> P.Enrollment:
        request = P.EnrollRequest(code=code, device_name=device_name)
        return self._call(P.Enrollment, "POST", "/v1/enroll", request)

    def status(self) -> P.DeviceStatus:
        return self._call(P.DeviceStatus, "GET", "/v1/status")

    def push(self, request: P.PushRequest) -> P.PushResponse:
        return self._call(P.PushResponse, "POST", "/v1/push", request)

    def pull(self, since: int, limit: int) -> P.PullResponse:
        return self._call(P.PullResponse, "GET", "/v1/pull", params={"since": since, "limit": limit})

    def audit(self, entries: list[P.AuditEntry]) -> P.AuditAck:
        return self._call(P.AuditAck, "POST", "/v1/audit", P.AuditPush(entries=entries))
