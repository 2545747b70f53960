"""`csec-hub`'s HTTP interface (FastAPI): thin handlers over `store.Hub`.

Credentials travel as `Authorization: Bearer ...`: a device sends
`device.<device id>.<secret>` (issued once at enrolment), a hub administrator
`admin.<token>`. No answer ever carries record data unless the caller's user
may see it; refusals say what to do and nothing else, always as problem details
(RFC 9457). `/healthz` and `/readyz` are for a load balancer; `/docs` is served from
the hub's own files (no network needed to read it).
"""

import gc
import importlib.util
import ipaddress
import json
import math
import os
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from http import HTTPStatus
from pathlib import Path as FilePath
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from csec_desktop import __version__
from csec_desktop.hub.db import engine_for, schema_state, upgrade
from csec_desktop.hub.limits import Buckets, Limits
from csec_desktop.hub.principals import Admin, Device, Refusal
from csec_desktop.hub.store import Hub
from csec_desktop.sync import protocol as P

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="device.<id>.<secret> or admin.<token>")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or wrong credentials"},
    403: {"description": "Revoked device (wipe), or a role that may not do this"},
    422: {"description": "The request was not valid; `errors` names each field"},
    426: {"description": "The desktop's sync protocol is older than this hub serves; upgrade the desktop"},
    429: {"description": "Too many requests; the Retry-After header says when to retry",
          "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}},
}
DEVICE_REFUSALS = {**_REFUSALS, 423: {"description": "Locked after too long offline"}}
ADMIN_REFUSALS = {**_REFUSALS, 404: {"description": "No such user, device or county"}}
ENROL_REFUSALS: dict[int | str, dict[str, Any]] = {k: _REFUSALS[k] for k in (401, 422, 426, 429)}

TAGS = [
    {"name": "enrolment", "description": "A desktop exchanges a one-time code for its credentials."},
    {"name": "sync", "description": "A device pushes its changes, pulls its user's caseload and sends "
                                    "its audit trail."},
    {"name": "administration", "description": "A hub administrator manages users, enrolment codes and "
                                              "devices of their county."},
    {"name": "health", "description": "For a load balancer or monitoring: no credentials, no data."},
]
DESCRIPTION = f"""County sync hub for the CSEC caseworker desktop.

Sync protocol {P.PROTOCOL}: a request says its protocol in the `{P.HEADER}` header (none means 1);
every answer carries the hub's in `{P.HEADER}` and the oldest it serves in `{P.MIN_HEADER}`.
Every error is problem details (RFC 9457, `{P.PROBLEM_MEDIA_TYPE}`)."""


def _swagger_assets() -> FilePath | None:
    """Swagger UI's own files, from the swagger-ui-py package (no CDN)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = FilePath(next(iter(spec.submodule_search_locations))) / "static"
    return folder if (folder / "swagger-ui-bundle.js").exists() else None


class Proxies:
    """Which peers may say who the client is (X-Forwarded-For): the county's load balancers."""

    def __init__(self, networks: Sequence[str] = ()) -> None:
        self.networks = [ipaddress.ip_network(n.strip(), strict=False) for n in networks if n.strip()]

    def trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The client's address: the peer's, or when the peer is a trusted proxy, the nearest
        address in X-Forwarded-For that is not itself a trusted proxy (read from the right, since
        everything left of the proxies' own entries was written by the client and can be forged)."""
        if not (forwarded_for and self.trusted(peer)):
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if not self.trusted(hop):
                return hop
        return hops[0] if hops else peer


def _problem(request: Request, status: int, error: str, detail: str, *, wipe: bool = False,
             errors: list[P.FieldError] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    problem = P.Problem(type=f"urn:csec:problem:{error}", title=HTTPStatus(status).phrase, status=status,
                        detail=detail, error=error, wipe=wipe, errors=errors or [])
    body = problem.model_dump(mode="json")
    if not body["errors"]:
        del body["errors"]
    if P.client_protocol(request.headers.get(P.HEADER)) < 2:
        body = {k: v for k, v in body.items() if k in P.PROTOCOL_1_PROBLEM}
    return JSONResponse(body, status_code=status, headers=headers, media_type=P.PROBLEM_MEDIA_TYPE)


class ProtocolVersions:
    """Every answer says the hub's protocol and the oldest it serves; a request below that is refused
    (426). Plain ASGI, so answers pass through unbuffered."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        versions = [(P.HEADER.lower().encode(), str(P.PROTOCOL).encode()),
                    (P.MIN_HEADER.lower().encode(), str(P.MIN_PROTOCOL).encode())]

        async def send_with_versions(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *versions]}
            await send(message)

        request = Request(scope)
        spoken = P.client_protocol(request.headers.get(P.HEADER))
        if spoken < P.MIN_PROTOCOL:
            refusal = _problem(request, 426, "protocol_too_old",
                               f"This desktop speaks sync protocol {spoken}; the hub serves {P.MIN_PROTOCOL} "
                               f"to {P.PROTOCOL}. Install the newer desktop.")
            await refusal(scope, receive, send_with_versions)
            return
        await self.app(scope, receive, send_with_versions)


NOT_JSON_NUMBER = "{} is not a JSON number (JSON, RFC 8259, has no NaN or Infinity); send a number or null"


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


class StrictJSONRequest(Request):
    """A request whose JSON body is strict: Python's reader takes NaN, Infinity and -Infinity,
    which PostgreSQL's JSON refuses when the value is stored (a 500 after the work was done).
    They are refused here, before anything is stored, as an invalid request (422)."""

    model: type[BaseModel] | None = None
    """The route's body model, when its body is one: read and checked in one pass (below)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            if self.model is not None and b"NaN" not in body and b"Infinity" not in body:
                # pydantic reads and checks the JSON in one pass, and FastAPI takes the model as it
                # is (it does not check an instance again): a push of 500 operations was read by
                # Python's reader, then checked, at three times the cost. Anything it refuses is
                # read as below, so FastAPI names the problems as it always did.
                try:
                    self._json = self.model.model_validate_json(body)
                    return self._json
                except ValidationError:
                    pass
            try:
                self._json = json.loads(body, parse_constant=_refuse_constant)
            except ValueError as exc:
                if isinstance(exc, json.JSONDecodeError):
                    raise
                text = body.decode("utf-8", "replace")
                # FastAPI turns a JSONDecodeError into its 422 (json_invalid) with this message.
                raise json.JSONDecodeError(NOT_JSON_NUMBER.format(exc.args[0]), text,
                                           max(0, text.find(str(exc.args[0])))) from None
        return self._json


class StrictJSONRoute(APIRoute):
    """Every route of the hub reads its body with `StrictJSONRequest` (FastAPI's documented way to
    change how a request is read)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        field = self.body_field
        model = field.field_info.annotation if field is not None and not self._embed_body_fields else None
        read_as = model if isinstance(model, type) and issubclass(model, BaseModel) else None

        async def strict(request: Request) -> Response:
            strict_request = StrictJSONRequest(request.scope, request.receive, request._send)
            strict_request.model = read_as
            return await handler(strict_request)

        return strict


def too_large(most: int) -> str:
    return (f"The request body is longer than this endpoint reads ({most} bytes). A desktop never sends "
            "one this long; nothing was stored.")


class BodyGate:
    """A request body is bounded before it is read: a declared length (Content-Length) over the
    endpoint's limit (Limits.body_bytes) is refused at once (413), then credentials are checked
    (`refuse_early`: 401 without reading anything), then a body streamed without a length is cut
    off as soon as it passes the limit (413). FastAPI reads the body before it checks credentials,
    so without this a request without credentials was read whole (200 MB in memory). Plain ASGI."""

    def __init__(self, app: Any, limit_for: Callable[[str], int],
                 refuse_early: Callable[[Request], Awaitable[Response | None]]) -> None:
        self.app = app
        self.limit_for = limit_for
        self.refuse_early = refuse_early

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        most = self.limit_for(scope["path"])
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > most:
            await _problem(request, 413, "too_large", too_large(most))(scope, receive, send)
            return
        early = await self.refuse_early(request)
        if early is not None:
            await early(scope, receive, send)
            return
        seen = 0

        async def bounded() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > most:  # FastAPI passes an HTTPException from here on to `_http`
                    raise StarletteHTTPException(413, too_large(most))
            return message

        await self.app(scope, bounded, send)


def _bearer_token(request: Request) -> str:
    """The token as HTTPBearer reads it ("" without one)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


NOT_ENROLLED = "This device is not enrolled with the hub."
NOT_ADMIN = "Sign in with a hub administrator token."


def _field_name(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def create_app(hub: Hub, limits: Limits | None = None, *, trusted_proxies: Sequence[str] = ()) -> FastAPI:
    app = FastAPI(title="csec-hub", version=__version__, description=DESCRIPTION, openapi_tags=TAGS,
                  docs_url=None, redoc_url=None)
    app.router.route_class = StrictJSONRoute
    app.state.hub = hub
    limits = limits or Limits()
    proxies = Proxies(trusted_proxies)
    buckets = {"device": Buckets(limits.device_per_minute), "admin": Buckets(limits.admin_per_minute),
               "enrol": Buckets(limits.enrol_per_minute), "failure": Buckets(limits.failures_per_minute)}

    @app.exception_handler(Refusal)
    async def _refused(request: Request, exc: Refusal) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return _problem(request, exc.status, exc.error, exc.detail, wipe=exc.wipe, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # A body that is not JSON says why (FastAPI's own message is only "JSON decode error").
        errors = [P.FieldError(field=_field_name(e.get("loc", ())), message=str(e.get("msg", "")) + (
                      f": {e['ctx']['error']}" if e.get("type") == "json_invalid" and e.get("ctx") else ""))
                  for e in exc.errors()]
        named = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        return _problem(request, 422, "invalid_request", f"The request was not valid ({named}).",
                        errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code,
                                                                                     "http_error")
        return _problem(request, exc.status_code, error, str(exc.detail),
                        headers=dict(exc.headers) if exc.headers else None)

    def limit(kind: str, key: str) -> None:
        wait = buckets[kind].take(key)
        if wait:
            raise Refusal(429, "too_many_requests", "Too many requests. Wait, then try again.",
                          retry_after=max(1, math.ceil(wait)))

    def address(request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        return proxies.client(peer, request.headers.get("x-forwarded-for"))

    app.state.client_address = address

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
            raise Refusal(401, "unauthenticated", NOT_ENROLLED)
        return checked(request, "device", parts[1], lambda: hub.device(parts[1], parts[2]))

    def admin(request: Request, credentials: Credentials) -> Admin:
        token = credentials.credentials if credentials else ""
        if token.startswith("device."):
            raise Refusal(403, "forbidden", "Devices cannot administer the hub.")
        found = checked(request, "admin", token[-16:], lambda: hub.admin(token))
        return found

    def early_refusal(request: Request) -> Refusal | None:
        """Before a body is read: credentials that are no device's and no administrator's get the
        endpoint's 401 (an unknown `admin.` token on a device endpoint too, which would otherwise get
        403 after its body was read). Known credentials go on: their standing (revoked, locked, a
        role) is left to the endpoint, after the body."""
        path, token = request.url.path, _bearer_token(request)
        if path not in ("/v1/push", "/v1/audit") and not path.startswith("/v1/admin/"):
            return None
        parts = token.split(".", 2)
        known = (hub.knows_admin(token) if parts[0] == "admin" else
                 len(parts) == 3 and parts[0] == "device" and hub.knows_device(parts[1], parts[2]))
        if known:  # whoever it is, the endpoint answers them as before (a device on /v1/admin: 403)
            return None
        if path in ("/v1/push", "/v1/audit"):
            refusal, counted = Refusal(401, "unauthenticated", NOT_ENROLLED), bool(token)
        else:
            refusal, counted = Refusal(401, "unauthenticated", NOT_ADMIN), True
        if counted:
            try:
                limit("failure", address(request))
            except Refusal as busy:
                return busy
        return refusal

    async def refuse_early(request: Request) -> Response | None:
        refusal = await anyio.to_thread.run_sync(early_refusal, request)
        if refusal is None:
            return None
        headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
        return _problem(request, refusal.status, refusal.error, refusal.detail, headers=headers)

    app.add_middleware(BodyGate, limit_for=limits.body_bytes, refuse_early=refuse_early)
    app.add_middleware(ProtocolVersions)  # outermost: every answer, the gate's too, says the versions

    DeviceDep = Annotated[Device, Depends(device)]
    DeviceId = Annotated[str, Path(pattern=P.ID, description="The device's id (from the list of devices).")]
    AdminDep = Annotated[Admin, Depends(admin)]

    def body(most: int) -> dict[int | str, dict[str, Any]]:
        return {413: {"description": f"The body is longer than this endpoint reads ({most} bytes)"}}

    @app.post("/v1/enroll", tags=["enrolment"], responses={**ENROL_REFUSALS, **body(limits.enrol_bytes)},
              response_model=P.Enrollment)
    def enroll(request: P.EnrollRequest, http: Request) -> Any:
        """Exchange a one-time code from the administrator for this device's credentials."""
        limit("enrol", address(http))
        granted = hub.enroll(request)
        if P.client_protocol(http.headers.get(P.HEADER)) < 2:  # refused answers with members it did not know
            return JSONResponse(granted.model_dump(mode="json", exclude={"unit"}))
        return granted

    @app.get("/v1/status", tags=["sync"], responses=DEVICE_REFUSALS)
    def status(dev: DeviceDep) -> P.DeviceStatus:
        """This device's state (active, revoked, locked), its user and the county's offline limit."""
        return hub.status(dev)

    @app.post("/v1/push", tags=["sync"], responses={**DEVICE_REFUSALS, **body(limits.push_bytes)})
    def push(dev: DeviceDep, request: P.PushRequest) -> P.PushResponse:
        """Apply operations once each (a replay answers `duplicate`), then conflict resolutions."""
        return hub.push(dev, request)

    @app.get("/v1/pull", tags=["sync"], responses=DEVICE_REFUSALS, response_model=P.PullResponse)
    def pull(dev: DeviceDep, http: Request,
             since: Annotated[int, Query(ge=0, le=P.MAX_SEQ, description=(
                 "The checkpoint from the last page (0: from the start)."))] = 0,
             limit: Annotated[int, Query(ge=1, le=2000, description="Records in one page at most.")] = 500,
             ) -> Response:
        """Record states changed after `since` that this device's user may see, in sequence order."""
        # Sent as the hub wrote it: re-validating a page of thousands of states cost more than making it.
        spoken = P.client_protocol(http.headers.get(P.HEADER))
        return Response(hub.pull_page(dev, since, limit, protocol=spoken), media_type="application/json")

    @app.post("/v1/audit", tags=["sync"], responses={
        **DEVICE_REFUSALS, **body(limits.audit_bytes),
        409: {"description": "An entry the hub holds came again with another seal: the trail on the "
                             "device was rewritten (the county is told)"}})
    def audit(dev: DeviceDep, entries: P.AuditPush) -> P.AuditAck:
        """Store this device's audit entries (each once) for the county's review."""
        return hub.store_audit(dev, entries)

    admin_body = {**ADMIN_REFUSALS, **body(limits.admin_bytes)}

    @app.post("/v1/admin/users", tags=["administration"], responses=admin_body)
    def add_user(who: AdminDep, user: P.NewUser) -> P.HubUser:
        """Add a user of this county, or change their role, unit and extra grants."""
        return hub.add_user(who, user)

    @app.get("/v1/admin/users", tags=["administration"], responses=ADMIN_REFUSALS)
    def list_users(who: AdminDep) -> list[P.HubUser]:
        """This county's users, with their role, unit, grants and whether they are disabled."""
        return hub.users(who.county)

    @app.get("/v1/admin/report", tags=["administration"], responses={
        **ADMIN_REFUSALS, 404: {"description": "The text has the shape of a period but names none (a 13th "
                                "month, a fiscal year spanning two years, a range ending before it starts)"}})
    def report(who: AdminDep, period: Annotated[str, Query(
            pattern=r"^(\d{4}[Qq]\d|\d{4}-\d{2}|FY\d{4}-\d{2}|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$",
            description="2026Q3, 2026-09, FY2025-26 or 2026-07-01..2026-09-30.")]) -> P.CountyReport:
        """The program report's figures over every device's synced records in this county: the same
        definitions a desktop uses; sealed youth are left out (and counted apart)."""
        from csec_desktop.errors import ValidationFailed
        from csec_desktop.hub.reports import county_figures
        from csec_desktop.reports.periods import parse

        try:
            chosen = parse(period)
        except ValidationFailed as exc:
            raise Refusal(404, "no_such_period", exc.problems[0].message) from None
        return P.CountyReport.model_validate(county_figures(hub.engine, who.county, chosen))

    UserName = Annotated[str, Path(pattern=P.NAME, description="The user's name.")]

    @app.post("/v1/admin/users/{username}/disable", tags=["administration"], responses=ADMIN_REFUSALS)
    def disable_user(who: AdminDep, username: UserName) -> P.HubUser:
        """Disable a person: their devices are refused (403) until they are enabled again."""
        return hub.set_user_disabled(who, username, True)

    @app.post("/v1/admin/users/{username}/enable", tags=["administration"], responses=ADMIN_REFUSALS)
    def enable_user(who: AdminDep, username: UserName) -> P.HubUser:
        """Enable a disabled person again."""
        return hub.set_user_disabled(who, username, False)

    @app.post("/v1/admin/enrollments", tags=["administration"], responses=admin_body)
    def new_enrollment(who: AdminDep, request: P.NewEnrollment) -> P.EnrollmentCode:
        """A one-time code with which a user's new device enrols."""
        return hub.new_enrollment(who, request.username)

    @app.post("/v1/admin/enrollments/cancel", tags=["administration"], status_code=204, responses=admin_body)
    def cancel_enrollment(who: AdminDep, request: P.CodeToCancel) -> None:
        """Cancel an enrolment code not used yet (sent in the body, never in the address)."""
        hub.cancel_enrollment(who, request.code)

    @app.get("/v1/admin/devices", tags=["administration"], responses=ADMIN_REFUSALS)
    def list_devices(who: AdminDep) -> list[P.DeviceInfo]:
        """Every device of this county, with its state and when it was last seen."""
        return hub.devices(who)

    @app.post("/v1/admin/devices/{device_id}/revoke", tags=["administration"], responses=ADMIN_REFUSALS)
    def revoke(who: AdminDep, device_id: DeviceId) -> P.DeviceInfo:
        """Revoke a device: its next request is told to erase its vault. What it had not synced by then
        is lost with it, for good: its last contact is `last_seen` in the list of devices. To stop a
        person only for a while, disable the user instead."""
        return hub.set_device_status(who, device_id, "revoked")

    @app.post("/v1/admin/devices/{device_id}/release", tags=["administration"],
              responses={**ADMIN_REFUSALS, 409: {"description": "The device was revoked: it stays revoked"}})
    def release(who: AdminDep, device_id: DeviceId) -> P.DeviceInfo:
        """Release a device locked after too long offline (a revoked device stays revoked: 409)."""
        return hub.set_device_status(who, device_id, "active")

    AdminId = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$",
                                  description="The token's id (from the list of administrators).")]

    @app.get("/v1/admin/admins", tags=["administration"], responses=ADMIN_REFUSALS)
    def list_admins(who: AdminDep) -> list[P.AdminInfo]:
        """This county's administrator tokens: ids and names, never the tokens; revoked ones too."""
        return hub.admins(who.county)

    @app.post("/v1/admin/admins/{admin_id}/revoke", tags=["administration"], responses=ADMIN_REFUSALS)
    def revoke_admin(who: AdminDep, admin_id: AdminId) -> P.AdminInfo:
        """Revoke an administrator token (leaked, or of someone who left): refused from now on."""
        return hub.revoke_admin(who.county, admin_id, who.name)

    @app.get("/healthz", tags=["health"])
    def healthz() -> P.Health:
        """The hub process answers (liveness). Checks nothing else, so it stays cheap."""
        return P.Health(status="ok")

    not_ready = {"model": P.Health, "description": "Not ready: see database and migrations"}

    @app.get("/readyz", tags=["health"], responses={503: not_ready})
    def readyz() -> Any:
        """Ready for traffic: the database answers and its schema is at this hub's latest migration."""
        reachable, current = schema_state(hub.engine)
        health = P.Health(status="ready" if reachable and current else "not_ready",
                          database="ok" if reachable else "unreachable",
                          migrations="current" if current else "behind" if reachable else "not_checked")
        if health.status == "ready":
            return health
        return JSONResponse(health.model_dump(mode="json"), status_code=503)

    assets = _swagger_assets()
    if assets is not None:
        app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="csec-hub API",
                                       swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                       swagger_css_url="/docs/assets/swagger-ui.css",
                                       swagger_favicon_url="/docs/assets/favicon-32x32.png")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes, tags=app.openapi_tags)
        problem = {"$ref": "#/components/schemas/Problem"}
        schema["components"]["schemas"]["Problem"] = P.Problem.model_json_schema(
            ref_template="#/components/schemas/{model}")
        field_error = schema["components"]["schemas"]["Problem"].pop("$defs", {}).get("FieldError")
        if field_error:
            schema["components"]["schemas"]["FieldError"] = field_error
        for path in schema["paths"].values():
            for operation in path.values():
                for code, response in operation.get("responses", {}).items():
                    if code.isdigit() and int(code) >= 400 and "readyz" not in operation["operationId"]:
                        response["content"] = {P.PROBLEM_MEDIA_TYPE: {"schema": problem}}
                    response.setdefault("headers", {}).update({
                        P.HEADER: {"description": "The hub's sync protocol.", "schema": {"type": "integer"}},
                        P.MIN_HEADER: {"description": "The oldest protocol the hub serves.",
                                       "schema": {"type": "integer"}}})
                operation.setdefault("parameters", []).append({
                    "name": P.HEADER, "in": "header", "required": False, "schema": {"type": "integer"},
                    "description": f"The desktop's sync protocol ({P.PROTOCOL} now); none means 1."})
        for name in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def settle() -> None:
    """Once the app is made, before serving: what exists now (the app, its routes and schemas, the
    database engine, the modules) lives as long as the process. Frozen out of the collector's
    reach, the collections that a push's thousands of parsed operations set off no longer walk it:
    they were 4 of every 5 ms of validating a push, and pushes took 1.5 times as long."""
    gc.collect()
    gc.freeze()


def app_for(url: str, trusted_proxies: Sequence[str] = ()) -> FastAPI:
    """The hub on a database URL, its schema brought up to date."""
    engine = engine_for(url)
    upgrade(engine)
    return create_app(Hub(engine), trusted_proxies=trusted_proxies)


def from_environment() -> FastAPI:
    """uvicorn's factory (`csec-hub serve`, several workers): the database from $CSEC_HUB_DB, the
    load balancers from $CSEC_HUB_TRUSTED_PROXIES (comma-separated addresses or networks)."""
    proxies = os.environ.get("CSEC_HUB_TRUSTED_PROXIES", "")
    app = app_for(os.environ.get("CSEC_HUB_DB", "sqlite:///csec-hub.db"),
                  [p for p in proxies.split(",") if p.strip()])
    settle()
    return app
