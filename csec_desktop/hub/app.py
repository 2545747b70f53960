"""`csec-hub`'s HTTP interface (FastAPI): thin handlers over `store.Hub`.

Credentials travel as `Authorization: Bearer ...`: a device sends
`device.<device id>.<secret>` (issued once at enrolment), a hub administrator
`admin.<token>`. No answer ever carries record data unless the caller's user
may see it; refusals say what to do and nothing else.
"""


import math
import os
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from csec_desktop import __version__
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.limits import Buckets, Limits
from csec_desktop.hub.store import Admin, Device, Hub, Refusal
from csec_desktop.sync import protocol as P

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="device.<id>.<secret> or admin.<token>")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": P.Problem, "description": "No or wrong credentials"},
    403: {"model": P.Problem, "description": "Revoked device (wipe), or a role that may not do this"},
    429: {"model": P.Problem, "description": "Too many requests; the Retry-After header says when to retry",
          "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}},
}
DEVICE_REFUSALS = {**_REFUSALS, 423: {"model": P.Problem, "description": "Locked after too long offline"}}
ADMIN_REFUSALS = {**_REFUSALS, 404: {"model": P.Problem, "description": "No such user or device"}}


def create_app(hub: Hub, limits: Limits | None = None) -> FastAPI:
    app = FastAPI(title="csec-hub", version=__version__,
                  description="County sync hub for the CSEC caseworker desktop.")
    app.state.hub = hub
    limits = limits or Limits()
    buckets = {"device": Buckets(limits.device_per_minute), "admin": Buckets(limits.admin_per_minute),
               "enrol": Buckets(limits.enrol_per_minute), "failure": Buckets(limits.failures_per_minute)}

    @app.exception_handler(Refusal)
    async def _refused(_request: Request, exc: Refusal) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return JSONResponse(exc.problem().model_dump(), status_code=exc.status, headers=headers)

    def limit(kind: str, key: str) -> None:
        wait = buckets[kind].take(key)
        if wait:
            raise Refusal(429, "too_many_requests", "Too many requests. Wait, then try again.",
                          retry_after=max(1, math.ceil(wait)))

    def address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def checked(request: Request, kind: str, key: str, call: Callable[[], T]) -> T:
        """Limit a caller by key; count wrong credentials against its network address."""
        try:
            result = call()
        except Refusal as refusal:
            if refusal.status == 401:
                limit("failure", address(request))
            raise
        limit(kind, key)
        return result

    def device(request: Request, credentials: Credentials) -> Device:
        token = credentials.credentials if credentials else ""
        if token.startswith("admin."):
            raise Refusal(403, "forbidden", "Administrator tokens cannot sync; use a device.")
        parts = token.split(".", 2)
        if len(parts) != 3 or parts[0] != "device":
            if token:  # a guess; a request with no credentials at all costs nothing to refuse
                limit("failure", address(request))
            raise Refusal(401, "unauthenticated", "This device is not enrolled with the hub.")
        return checked(request, "device", parts[1], lambda: hub.device(parts[1], parts[2]))

    def admin(request: Request, credentials: Credentials) -> Admin:
        token = credentials.credentials if credentials else ""
        if token.startswith("device."):
            raise Refusal(403, "forbidden", "Devices cannot administer the hub.")
        found = checked(request, "admin", token[-16:], lambda: hub.admin(token))
        return found

    DeviceDep = Annotated[Device, Depends(device)]
    DeviceId = Annotated[str, Path(pattern=P.ID)]
    AdminDep = Annotated[Admin, Depends(admin)]

    @app.post("/v1/enroll", responses={401: _REFUSALS[401], 429: _REFUSALS[429]})
    def enroll(request: P.EnrollRequest, http: Request) -> P.Enrollment:
        """Exchange a one-time code from the administrator for this device's credentials."""
        limit("enrol", address(http))
        return hub.enroll(request)

    @app.get("/v1/status", responses=DEVICE_REFUSALS)
    def status(dev: DeviceDep) -> P.DeviceStatus:
        return hub.status(dev)

    @app.post("/v1/push", responses=DEVICE_REFUSALS)
    def push(dev: DeviceDep, request: P.PushRequest) -> P.PushResponse:
        """Apply operations once each (a replay answers `duplicate`), then conflict resolutions."""
        return hub.push(dev, request)

    @app.get("/v1/pull", responses=DEVICE_REFUSALS)
    def pull(dev: DeviceDep, since: Annotated[int, Query(ge=0, le=P.MAX_SEQ)] = 0,
             limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> P.PullResponse:
        """Record states changed after `since` that this device's user may see, in sequence order."""
        return hub.pull(dev, since, limit)

    @app.post("/v1/audit", responses=DEVICE_REFUSALS)
    def audit(dev: DeviceDep, entries: P.AuditPush) -> P.AuditAck:
        return hub.store_audit(dev, entries)

    @app.post("/v1/admin/users", responses=ADMIN_REFUSALS)
    def add_user(who: AdminDep, user: P.NewUser) -> P.HubUser:
        return hub.add_user(who, user)

    @app.post("/v1/admin/enrollments", responses=ADMIN_REFUSALS)
    def new_enrollment(who: AdminDep, request: P.NewEnrollment) -> P.EnrollmentCode:
        return hub.new_enrollment(who, request.username)

    @app.get("/v1/admin/devices", responses=ADMIN_REFUSALS)
    def list_devices(who: AdminDep) -> list[P.DeviceInfo]:
        return hub.devices(who)

    @app.post("/v1/admin/devices/{device_id}/revoke", responses=ADMIN_REFUSALS)
    def revoke(who: AdminDep, device_id: DeviceId) -> P.DeviceInfo:
        return hub.set_device_status(who, device_id, "revoked")

    @app.post("/v1/admin/devices/{device_id}/release", responses=ADMIN_REFUSALS)
    def release(who: AdminDep, device_id: DeviceId) -> P.DeviceInfo:
        return hub.set_device_status(who, device_id, "active")

    return app


def app_for(url: str) -> FastAPI:
    """The hub on a database URL, its schema brought up to date."""
    engine = engine_for(url)
    upgrade(engine)
    return create_app(Hub(engine))


def from_environment() -> FastAPI:
    """uvicorn's factory (`csec-hub serve`, several workers): the database from $CSEC_HUB_DB."""
    return app_for(os.environ.get("CSEC_HUB_DB", "sqlite:///csec-hub.db"))
