"""Talking to the county hub over HTTPS, and one sync round.

`sync()` takes a `local` callable that runs a vault function where the vault
lives (the desktop's vault thread; a test calls it directly), so the network
waits happen on the caller's thread and never hold the vault or the window.

A round: push the outbox in batches (each answered change is marked in the
vault), push conflict decisions, pull pages since the checkpoint (each page and
the new checkpoint in one vault transaction), then send the audit trail. Cut
off anywhere, the next round resumes from what the vault committed: pushing an
operation twice changes nothing, pulling a page twice changes nothing.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from csec_desktop import machine_policy
from csec_desktop.errors import CsecError, FieldProblem, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.text import N_

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
Local = Callable[[Callable[[Vault], R]], R]


class HubUnreachable(CsecError):
    def __init__(self, detail: str) -> None:
        # The cause's class name ("ConnectError") is for the log, not for the person reading it.
        super().__init__("Could not reach the county hub. Everything is kept on this computer; sync again "
                         "when connected.")
        self.detail = detail


class HubCertificateUntrusted(CsecError):
    """The hub answered, but with a certificate other than the one this device was given: not
    "could not reach" (the network is fine, and waiting will not help)."""

    def __init__(self) -> None:
        super().__init__("The county hub's certificate is not the one this device trusts, so nothing "
                         "was sent. Ask county IT: the hub's certificate may have been renewed, or this "
                         "is not the county's hub.")


def _certificate_refused(exc: BaseException) -> bool:
    """TLS refused the hub's certificate somewhere in the chain of causes (httpx wraps httpcore's
    error, which wraps ssl's)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class HubRefused(CsecError):
    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        super().__init__(f"The county hub refused ({status}): {detail}")


class HubBusy(CsecError):
    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"The county hub is busy. Everything is kept on this computer; sync again "
                         f"in {seconds} second(s).")


class DeviceRevoked(CsecError):
    def __init__(self) -> None:
        super().__init__("The county revoked this device. Its vault has been erased, as the county "
                         "requires. Ask the hub administrator to enrol this computer again.")


class DeviceLocked(CsecError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "This device has not reached the county hub for too long and is "
                         "locked. Connect, ask the hub administrator to release it, then Sync now.")


class HubIncompatible(CsecError):
    """The hub and this desktop speak sync protocols too far apart; says which to upgrade."""

    def __init__(self, hub_protocol: int, hub_minimum: int) -> None:
        self.hub_protocol, self.hub_minimum = hub_protocol, hub_minimum
        if hub_protocol < P.MIN_PROTOCOL:
            what = "Ask county IT to upgrade the county hub"
        else:
            what = "Install the newer version of this app (ask county IT)"
        super().__init__(
            f"The county hub speaks sync protocol {hub_protocol} (it serves {hub_minimum} and later); "
            f"this desktop speaks {P.PROTOCOL} and understands answers from {P.MIN_PROTOCOL} on. "
            f"{what}. Everything is kept on this computer until then.")


def _int_header(response: httpx.Response, name: str, default: int) -> int:
    try:
        return int(response.headers.get(name, default))
    except ValueError:
        return default


NOT_A_CERTIFICATE = N_("is not a certificate: choose the county certificate file county IT gave you (a .pem "
                       "or .crt file)")
A_PRIVATE_KEY = N_("is a private key, which stays on the hub and must not be copied: choose the hub's "
                   "certificate (the .pem file beside it)")


def certificate_pem(data: bytes) -> str:
    """The county certificate as PEM text, from a certificate file as county IT hands it over (PEM,
    or DER as a .crt often is); refused by name otherwise. Read as ASCII text, a picture chosen by
    mistake stopped the enrolment as a bug, and the hub's private key ended in a bare "SSLError"."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if b"PRIVATE KEY-----" in data:
        raise ValidationFailed([FieldProblem("certificate", A_PRIVATE_KEY)], "enrolment")
    try:
        found = (x509.load_pem_x509_certificates(data) if b"-----BEGIN CERTIFICATE-----" in data
                 else [x509.load_der_x509_certificate(data)])
    except ValueError:
        raise ValidationFailed([FieldProblem("certificate", NOT_A_CERTIFICATE)], "enrolment") from None
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in found)


def tls_context(cert_pem: str) -> ssl.SSLContext:
    """Trust only the county's certificate (or its CA) given at enrolment: the hub is pinned."""
    context = ssl.create_default_context(cadata=cert_pem)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in {"127.0.0.1", "localhost", "::1"}


class HubClient:
    def __init__(self, base_url: str, token: str = "", *, cert_pem: str = "",
                 transport: httpx.BaseTransport | None = None, timeout: float = 30.0) -> None:
        machine_policy.check_hub(base_url, cert_pem)  # only the hub this computer's policy names
        if base_url.startswith("https://"):
            if not cert_pem:
                raise CsecError("The hub's certificate is needed to connect over HTTPS. Ask the hub "
                                "administrator for the county certificate file.")
            verify: ssl.SSLContext | bool = tls_context(cert_pem)
        elif _loopback(base_url) or transport is not None:
            verify = False  # plain HTTP only to this machine (a hub for one office, tests)
        else:
            raise CsecError("The hub address must start with https:// (plain http is allowed only "
                            "to this computer).")
        headers = {P.HEADER: str(P.PROTOCOL)}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(base_url=base_url, headers=headers, verify=verify, timeout=timeout,
                                 transport=transport)
        self.exchanges: list[tuple[int, int]] = []
        """Bytes sent and received per request (the benchmark replays them as raw HTTP)."""

    @classmethod
    def for_enrolment(cls, found: local.Enrolment, **kwargs: Any) -> HubClient:
        return cls(found.hub_url, found.token, cert_pem=found.cert_pem, **kwargs)

    def close(self) -> None:
        self.http.close()

    def _call(self, model: type[M], method: str, path: str, body: BaseModel | None = None,
              params: dict[str, Any] | None = None) -> M:
        content = body.model_dump_json().encode() if body is not None else None
        try:
            response = self.http.request(method, path, content=content, params=params,
                                         headers={"Content-Type": "application/json"} if content else None)
        except httpx.TransportError as exc:
            if _certificate_refused(exc):
                raise HubCertificateUntrusted() from exc
            raise HubUnreachable(type(exc).__name__) from exc
        self.exchanges.append((len(content or b""), len(response.content)))
        # A hub from before the header existed speaks protocol 1 and serves 1.
        hub_protocol = _int_header(response, P.HEADER, 1)
        hub_minimum = _int_header(response, P.MIN_HEADER, hub_protocol)
        if hub_minimum > P.PROTOCOL or hub_protocol < P.MIN_PROTOCOL or response.status_code == 426:
            raise HubIncompatible(hub_protocol, hub_minimum)
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
            # Fields a newer hub added are ignored (protocol.Reply); only what this desktop cannot
            # read (a value it does not know where it must know it) stops the round.
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            if hub_protocol > P.PROTOCOL:
                raise HubIncompatible(hub_protocol, hub_minimum) from exc
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


@dataclass
class Report:
    pushed: int = 0
    refused: int = 0
    conflicts: int = 0
    pulled: int = 0
    """Record states the hub sent, this device's own changes coming back included."""
    changed: int = 0
    """Of those, the ones that changed something here: what "received" means to the person."""
    pages: int = 0
    audit: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)


def sync(local_call: Local[Any], client: HubClient, *, page_size: int = 1000) -> Report:
    """One round. Raises DeviceRevoked after erasing nothing itself: the caller wipes."""
    report = Report()
    status = client.status()
    local_call(partial(_note, days=status.max_offline_days, server_time=status.server_time))
    while True:
        ops: list[P.Op] = local_call(local.outbox)
        decisions: list[P.Resolution] = local_call(local.resolutions)
        if not ops and not decisions:
            break
        answer = client.push(P.PushRequest(ops=ops, resolutions=decisions))
        local_call(partial(local.record_push, response=answer))
        for result in answer.results:
            report.outcomes[result.op_id] = result.result
            report.pushed += 1
            report.refused += result.result == "refused"
            report.conflicts += result.result == "conflict"
        if len(ops) < P.MAX_OPS:
            break
    while True:
        since: int = local_call(local.checkpoint)
        page = client.pull(since, page_size)
        report.changed += local_call(partial(local.apply_pull, page=page))
        report.pulled += len(page.records)
        report.pages += 1
        if not page.more:
            break
    if report.pulled:
        local_call(local.tidy_search)  # each page's youth went into the search index as a piece
    while True:
        entries: list[P.AuditEntry] = local_call(local.audit_outbox)
        if not entries:
            break
        ack = client.audit(entries)
        local_call(partial(local.record_audit, ack=ack))
        report.audit += ack.stored
        if len(entries) < P.MAX_OPS:
            break
    return report


def _note(vault: Vault, days: int, server_time: str) -> None:
    local.note_contact(vault, days, server_time)


def sync_vault(vault: Vault, client: HubClient, **kwargs: Any) -> Report:
    """A round on a vault this thread owns (the command line, tests)."""
    return sync(lambda fn: fn(vault), client, **kwargs)
