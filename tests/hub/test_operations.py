"""The hub in a county data centre: health endpoints for a load balancer, the API docs from
the hub's own files, the client's address through trusted proxies only, one error shape
(problem details) documented for every operation, and `csec-hub`'s one-line errors and exit
codes. The health tests run on a real PostgreSQL; the rest need no database server."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from csec_desktop.hub import cli
from csec_desktop.hub.app import Proxies, create_app
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.limits import Limits
from csec_desktop.hub.store import Hub
from csec_desktop.sync import protocol as P


@pytest.fixture
def sqlite_hub(tmp_path: Path) -> Iterator[Hub]:
    engine = engine_for(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(engine)
    yield Hub(engine)
    engine.dispose()


def test_health_and_readiness_on_postgresql(pg_url: str) -> None:
    engine = engine_for(pg_url)
    upgrade(engine)
    http = TestClient(create_app(Hub(engine)))
    alive = http.get("/healthz")
    assert alive.status_code == 200 and alive.json()["status"] == "ok"
    ready = http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "protocol": P.PROTOCOL, "database": "ok",
                            "migrations": "current"}
    # A schema behind the code (a hub started before `upgrade` ran, or a failed migration): not ready.
    with engine.begin() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        behind = http.get("/readyz")
        assert behind.status_code == 503 and behind.json()["migrations"] == "behind"
        assert http.get("/healthz").status_code == 200, "liveness does not depend on the database"
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    engine.dispose()


def test_readiness_when_the_database_is_gone() -> None:
    # Nothing listens on this port: the database is unreachable.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = engine_for(f"postgresql://nobody:x@127.0.0.1:{port}/none?connect_timeout=2")
    http = TestClient(create_app(Hub(engine)))
    assert http.get("/healthz").status_code == 200
    answer = http.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable" and answer.json()["status"] == "not_ready"


def test_api_docs_are_served_from_the_hubs_own_files(sqlite_hub: Hub) -> None:
    http = TestClient(create_app(sqlite_hub))
    page = http.get("/docs")
    assert page.status_code == 200
    links = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert links and all(link.startswith("/docs/assets/") for link in links), links
    assert "cdn" not in page.text and "https://" not in page.text
    for link in links:
        asset = http.get(link)
        assert asset.status_code == 200 and len(asset.content) > 1000, link
    assert "openapi" in http.get("/openapi.json").json()


def test_a_load_balancers_forwarded_address_counts_only_when_it_is_trusted(sqlite_hub: Hub) -> None:
    limits = Limits(enrol_per_minute=2)
    body = {"code": "GUESS0000001", "device_name": "x"}
    # Behind a trusted balancer (10.0.0.2), two clients each get their own enrolment allowance.
    behind = TestClient(create_app(sqlite_hub, limits, trusted_proxies=["10.0.0.0/24"]),
                        client=("10.0.0.2", 1))
    for client in ("198.51.100.7", "198.51.100.8"):
        codes = [behind.post("/v1/enroll", json=body, headers={"X-Forwarded-For": client}).status_code
                 for _ in range(3)]
        assert codes == [401, 401, 429], (client, codes)
    # An address written by the client itself, left of the balancer's own entry, is not believed.
    forged = behind.post("/v1/enroll", json=body, headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.7"})
    assert forged.status_code == 429, "the nearest untrusted hop is the client"
    # Without the setting, a forwarded address is ignored: it is just a header anyone can send.
    direct = TestClient(create_app(sqlite_hub, limits), client=("192.0.2.9", 1))
    codes = [direct.post("/v1/enroll", json=body, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
             for n in range(3)]
    assert codes == [401, 401, 429]


def test_the_nearest_untrusted_hop_is_the_client() -> None:
    proxies = Proxies(["10.0.0.0/8", "2001:db8::/32"])
    assert proxies.client("10.1.1.1", "198.51.100.7") == "198.51.100.7"
    assert proxies.client("10.1.1.1", "6.6.6.6, 198.51.100.7, 10.2.2.2") == "198.51.100.7"
    assert proxies.client("192.0.2.1", "198.51.100.7") == "192.0.2.1", "an untrusted peer's header is ignored"
    assert proxies.client("2001:db8::1", "198.51.100.7") == "198.51.100.7"
    assert proxies.client("10.1.1.1", "10.2.2.2, 10.3.3.3") == "10.2.2.2"
    assert proxies.client("10.1.1.1", None) == "10.1.1.1"


def _walk_properties(schema: dict[str, Any], name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for field, spec in schema.get("properties", {}).items():
        yield f"{name}.{field}", spec


def test_the_openapi_description_documents_every_field_with_one_error_shape(sqlite_hub: Hub) -> None:
    schema = create_app(sqlite_hub).openapi()
    components = schema["components"]["schemas"]
    undocumented = [where for name, model in components.items()
                    for where, spec in _walk_properties(model, name) if not spec.get("description")]
    fields = sum(1 for name, model in components.items() for _ in _walk_properties(model, name))
    assert fields > 100 and not undocumented, undocumented
    assert "HTTPValidationError" not in components and "ValidationError" not in components
    tags = {t["name"] for t in schema["tags"]}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("tags") and set(operation["tags"]) <= tags, where
            assert operation.get("description") or operation.get("summary"), where
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (where, parameter["name"])
            for code, response in operation["responses"].items():
                if int(code) >= 400 and path != "/readyz":
                    assert response["content"] == {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}}, (where, code)


def test_an_invalid_request_is_a_problem_naming_the_field(sqlite_hub: Hub) -> None:
    http = TestClient(create_app(sqlite_hub))
    answer = http.post("/v1/enroll", json={"code": "short", "device_name": ""},
                       headers={"CSEC-Protocol": "2"})
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["error"] == "invalid_request" and problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"body.code", "body.device_name"}
    assert "body.code" in problem["detail"]
    assert answer.headers["CSEC-Protocol"] == str(P.PROTOCOL)
    missing = http.get("/v1/nothing-here", headers={"CSEC-Protocol": "2"})
    assert missing.status_code == 404 and missing.json()["type"] == "urn:csec:problem:not_found"
    # A protocol 1 desktop reads the members it always knew, and nothing else.
    old = http.post("/v1/enroll", json={"code": "short", "device_name": ""})
    assert set(old.json()) == {"error", "detail", "wipe"}


# csec-hub's command line ------------------------------------------------------------------------

def test_serve_listens_on_this_computer_unless_tls_or_an_address_is_given() -> None:
    assert cli.listen_host(None, tls=False) == "127.0.0.1"
    assert cli.listen_host(None, tls=True) == "0.0.0.0"
    assert cli.listen_host("10.0.0.5", tls=False) == "10.0.0.5"


def test_serve_passes_the_settings_to_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    monkeypatch.delenv("CSEC_HUB_TRUSTED_PROXIES", raising=False)
    port = _free_port()
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    assert cli.main(["--db", db, "serve", "--port", str(port), "--trusted-proxy", "10.0.0.0/24"]) == 0
    assert seen["host"] == "127.0.0.1" and seen["proxy_headers"] is False and seen["ssl_certfile"] is None
    assert "this computer only" in capsys.readouterr().err
    import os

    assert os.environ["CSEC_HUB_TRUSTED_PROXIES"] == "10.0.0.0/24"
    cert, key = cli.make_certificate("hub.example", tmp_path / "certs")
    assert cli.main(["--db", db, "serve", "--port", str(port), "--cert", str(cert), "--key", str(key)]) == 0
    assert seen["host"] == "0.0.0.0" and seen["ssl_certfile"] == str(cert)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["--db", "postgresql://nobody:secret-pw@127.0.0.1:{port}/none?connect_timeout=2", "add-county", "X"],
     cli.EXIT_DATABASE, "cannot open the hub database"),
    (["--db", "not a url", "add-county", "X"], cli.EXIT_DATABASE, "not one the hub understands"),
    (["--db", "sqlite:///{tmp}/hub.db", "add-admin", "Nowhere County", "it"], cli.EXIT_NOT_FOUND,
     "No county 'Nowhere County'"),
    (["--db", "sqlite:///{tmp}/hub.db", "serve", "--cert", "{tmp}/hub.pem"], cli.EXIT_USAGE,
     "--cert and --key"),
    (["--db", "sqlite:///{tmp}/hub.db", "serve", "--cert", "{tmp}/no.pem", "--key", "{tmp}/no.key"],
     cli.EXIT_FILE, "no such file"),
    (["--db", "sqlite:///{tmp}/hub.db", "serve", "--trusted-proxy", "the balancer"], cli.EXIT_USAGE,
     "not an address or network"),
    (["--db", "sqlite:///{tmp}/hub.db", "serve", "--host", "192.0.2.77", "--port", "{port}"],
     cli.EXIT_ADDRESS, "cannot listen on 192.0.2.77"),
])
def test_command_errors_are_one_line_with_an_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       argv: list[str], code: int, words: str) -> None:
    port = _free_port()
    argv = [a.format(tmp=tmp_path, port=port) for a in argv]
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("csec-hub: error: ") and words in err, err
    assert "Traceback" not in err and "secret-pw" not in err


def test_usage_errors_and_the_exit_codes_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for number in (cli.EXIT_USAGE, cli.EXIT_DATABASE, cli.EXIT_NOT_FOUND, cli.EXIT_FILE, cli.EXIT_ADDRESS):
        assert f"  {number}  " in shown
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--port", "many"])
    assert exited.value.code == cli.EXIT_USAGE


def test_a_desktop_older_than_the_hub_serves_is_told_to_upgrade(sqlite_hub: Hub,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(P, "MIN_PROTOCOL", 2)  # a future hub that no longer serves protocol 1
    http = TestClient(create_app(sqlite_hub))
    old = http.get("/v1/status")
    assert old.status_code == 426 and old.headers["CSEC-Protocol-Min"] == "2"
    assert "Install the newer desktop" in old.json()["detail"]
    assert http.get("/healthz", headers={"CSEC-Protocol": "2"}).status_code == 200


def test_the_served_app_is_settled_before_its_first_request(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`csec-hub serve` builds the app with uvicorn's factory, then freezes what it made out of the
    collector's reach (app.settle): without it a push's validation took five times as long."""
    import gc

    from csec_desktop.hub import app as hub_app

    monkeypatch.setenv("CSEC_HUB_DB", f"sqlite:///{tmp_path / 'hub.db'}")
    gc.unfreeze()
    try:
        served = hub_app.from_environment()
        assert gc.get_freeze_count() > 0
        with TestClient(served) as client:
            assert client.get("/healthz").status_code == 200
    finally:
        gc.unfreeze()
