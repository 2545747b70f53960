"""Schemathesis over the hub's OpenAPI description (SECURITY.md test 28): generated requests,
authenticated as a real device or administrator, answer with no server error and only
documented statuses and bodies. Real hub app on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient

from csec_desktop.hub.app import create_app
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.limits import Limits
from csec_desktop.hub.principals import Admin
from csec_desktop.hub.store import Hub
from csec_desktop.sync import protocol as P
from tests.hub.conftest import empty

COUNTY = "Fictional County"
TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def hub_schema(pg_url: str) -> Iterator[Any]:
    engine = engine_for(pg_url)
    upgrade(engine)
    hub = Hub(engine)
    empty(hub)
    hub.add_county(COUNTY)
    TOKENS["admin"] = hub.add_admin(COUNTY, "it")
    hub.add_user(Admin(COUNTY, "it"), P.NewUser(username="ana", role="caseworker", unit="north"))
    # Limits high enough not to trip during the campaign (one address, thousands of requests,
    # many with wrong credentials on purpose); test_hub_api.py tests the limits themselves.
    app = create_app(hub, Limits(device_per_minute=10**6, admin_per_minute=10**6,
                                 enrol_per_minute=10**6, failures_per_minute=10**6))
    code = hub.new_enrollment(Admin(COUNTY, "it"), "ana").code
    granted = TestClient(app).post("/v1/enroll", json={"code": code, "device_name": "fuzz"}).json()
    TOKENS["device"] = f"device.{granted['device_id']}.{granted['secret']}"
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    engine.dispose()


OPERATIONS = [f"{m} {p}" for p, ops in create_app(Hub(engine_for("sqlite://"))).openapi()["paths"].items()
              for m in (o.upper() for o in ops)]


# Schemathesis' own pytest plugin does not load under pytest 9 yet; its Hypothesis
# strategies per operation do the same work.
@pytest.mark.parametrize("label", OPERATIONS)
def test_hub_answers_as_documented(hub_schema: Any, label: str) -> None:
    operation = next(o.ok() for o in hub_schema.get_all_operations() if o.ok().label == label)

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        token = TOKENS["admin"] if case.path.startswith("/v1/admin") else TOKENS["device"]
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

    check()
