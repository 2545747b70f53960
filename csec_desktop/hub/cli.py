"""`csec-hub`: run the county hub and set up its first county and administrator.

    csec-hub add-county "Fresno County" --max-offline-days 14
    csec-hub add-admin "Fresno County" it.lead          # prints the token once
    csec-hub list-admins "Fresno County"                # ids, names, when made and revoked
    csec-hub revoke-admin "Fresno County" 3f9a0c12d4e5  # that token is refused from now on
    csec-hub report "Fresno County" --period 2026Q3 --out q3.csv   # the program report (--deidentified)
    csec-hub make-cert hub.fresno.example --out certs/  # a self-signed certificate for one office
    csec-hub serve --cert certs/hub.pem --key certs/hub.key --port 8443
    csec-hub serve --host 10.0.0.5 --trusted-proxy 10.0.0.0/24   # behind the county's load balancer

The database is `--db` or $CSEC_HUB_DB: a PostgreSQL URL in production, or by default
an SQLite file for a single office (`./csec-hub.db`). Without TLS the hub listens on this
computer only (127.0.0.1) unless `--host` names an address. Errors are one line on standard
error and an exit code (EXIT_CODES).
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import socket
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from csec_desktop.clock import legal_today
from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.principals import Admin, Refusal, token_id
from csec_desktop.hub.store import Hub

EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_NOT_FOUND = 4
EXIT_FILE = 5
EXIT_ADDRESS = 6
EXIT_CODES = f"""exit codes:
  0  done
  {EXIT_USAGE}  usage: a wrong option or value (also --cert without --key)
  {EXIT_DATABASE}  the database cannot be reached or brought up to date
  {EXIT_NOT_FOUND}  no such county (or administrator token)
  {EXIT_FILE}  a certificate, key or output file cannot be read or written
  {EXIT_ADDRESS}  the address and port cannot be listened on (in use, or not this computer's)"""


class Failed(Exception):
    """A command that cannot go on: one line for the person, and the exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def make_certificate(host: str, folder: Path, days: int = 825) -> tuple[Path, Path]:
    """A self-signed server certificate for `host` (and 127.0.0.1); the desktop pins it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    alt: list[x509.GeneralName] = [x509.DNSName(host), x509.DNSName("localhost"),
                                   x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "hub.pem", folder / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csec-hub", description="The county sync hub.", epilog=EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("CSEC_HUB_DB", "sqlite:///csec-hub.db"),
                        help="database URL (default $CSEC_HUB_DB, else sqlite:///csec-hub.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the hub (HTTPS with --cert and --key)")
    serve.add_argument("--host", default=None,
                       help="address to listen on (default: 0.0.0.0 with TLS, else 127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--cert", type=Path, help="the server certificate (PEM)")
    serve.add_argument("--key", type=Path, help="its private key (PEM)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--trusted-proxy", action="append", default=None, metavar="ADDRESS[/BITS]",
                       help="a load balancer or proxy whose X-Forwarded-For names the client; repeat for "
                            "several (default $CSEC_HUB_TRUSTED_PROXIES, comma-separated; else none)")
    county = sub.add_parser("add-county", help="add a county, or change its offline limit")
    county.add_argument("county")
    county.add_argument("--max-offline-days", type=int, default=14)
    admin = sub.add_parser("add-admin", help="make a hub administrator token (printed once)")
    admin.add_argument("county")
    admin.add_argument("name")
    admins = sub.add_parser("list-admins", help="list a county's administrator tokens (ids, never tokens)")
    admins.add_argument("county")
    revoke = sub.add_parser("revoke-admin", help="revoke an administrator token by its id (see list-admins)")
    revoke.add_argument("county")
    revoke.add_argument("admin_id", metavar="ID")
    users = sub.add_parser("list-users", help="list a county's users (role, unit, disabled)")
    users.add_argument("county")
    disable = sub.add_parser("disable-user",
                             help="disable a user: their devices sync nothing (--enable undoes it)")
    disable.add_argument("county")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true", help="enable the user again")
    cancel = sub.add_parser("cancel-code", help="cancel an enrolment code not used yet")
    cancel.add_argument("county")
    cancel.add_argument("code")
    report = sub.add_parser("report", help="the program report over the county's synced records, as CSV or "
                            "JSON (the same definitions as the desktop's; sealed youth left out)")
    report.add_argument("county")
    report.add_argument("--period", required=True,
                        help="2026Q3, 2026-09, FY2025-26 or 2026-07-01..2026-09-30")
    report.add_argument("--format", choices=["csv", "json"], default="csv")
    report.add_argument("--deidentified", action="store_true", help="hide counts under 11 (CSV)")
    report.add_argument("--out", type=Path, required=True, metavar="FILE")
    report.add_argument("--force", action="store_true", help="replace FILE if it exists")
    cert = sub.add_parser("make-cert", help="make a self-signed certificate for one office's hub")
    cert.add_argument("host")
    cert.add_argument("--out", type=Path, default=Path("."))
    return parser


def listen_host(host: str | None, tls: bool) -> str:
    """Every interface only with TLS or when asked for by address; else this computer only."""
    if host:
        return host
    return "0.0.0.0" if tls else "127.0.0.1"  # noqa: S104 - with TLS, a server for the county network


def trusted_proxies(given: list[str] | None) -> list[str]:
    values = given if given is not None else os.environ.get("CSEC_HUB_TRUSTED_PROXIES", "").split(",")
    found = [v.strip() for v in values if v.strip()]
    for value in found:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise Failed(EXIT_USAGE, f"--trusted-proxy {value!r} is not an address or network "
                                     "(e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return found


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except Failed as failed:
        print(f"csec-hub: error: {failed}", file=sys.stderr)
        return failed.code
    except Refusal as refusal:
        print(f"csec-hub: error: {refusal.detail}", file=sys.stderr)
        return EXIT_NOT_FOUND if refusal.status == 404 else EXIT_USAGE
    except SQLAlchemyError as exc:
        print(f"csec-hub: error: {database_problem(exc)}", file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130


def database_problem(exc: BaseException) -> str:
    """One line about a database failure, without the URL (it may hold a password)."""
    cause = getattr(exc, "orig", None) or exc.__cause__ or exc
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        first = "the --db URL is not one the hub understands (postgresql://... or sqlite:///file)"
    return f"cannot open the hub database: {first}"


def _engine(url: str) -> Engine:
    try:
        return engine_for(url)
    except ImportError as exc:  # a URL for a database whose driver is not installed
        raise Failed(EXIT_DATABASE, f"cannot open the hub database: no driver for it ({exc.name})") from None


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    if args.command == "make-cert":
        try:
            cert_path, key_path = make_certificate(args.host, args.out)
        except OSError as exc:
            raise Failed(EXIT_FILE, f"cannot write the certificate into {args.out}: {exc.strerror}") from None
        print(f"certificate: {cert_path} (give this file to each desktop at enrolment)")
        print(f"private key: {key_path} (keep it on the hub only)")
        return 0
    if args.command == "serve":
        return _serve(args)
    engine = _engine(args.db)
    try:  # the engine's connections are closed when the command ends, whatever happened
        upgrade(engine)
        hub = Hub(engine)
        if args.command == "add-county":
            hub.add_county(args.county, args.max_offline_days)
            print(f"county {args.county!r}: devices lock after {args.max_offline_days} days without contact")
        elif args.command == "add-admin":
            token = hub.add_admin(args.county, args.name)
            print(token)
            print(f"Keep this token safe: it is shown only once. Its id is {token_id(token)} "
                  f"(to revoke it: csec-hub revoke-admin {args.county!r} {token_id(token)}).",
                  file=sys.stderr)
        elif args.command == "list-admins":
            for info in hub.admins(args.county):
                state = f"revoked {info.revoked_at}" if info.revoked_at else "active"
                print(f"{info.admin_id}  {info.name}  made {info.created_at or 'unknown'}  {state}")
        elif args.command == "cancel-code":
            hub.cancel_enrollment(Admin(args.county, "cli"), args.code)
            print("enrolment code cancelled")
        elif args.command == "list-users":
            for user in hub.users(args.county):
                state = "disabled" if user.disabled else "active"
                print(f"{user.username}  {user.role}  {user.unit or '-'}  {state}")
        elif args.command == "disable-user":
            user = hub.set_user_disabled(Admin(args.county, "cli"), args.username, not args.enable)
            print(f"{user.username}: {'disabled' if user.disabled else 'enabled'}")
        elif args.command == "report":
            _report(hub, args)
        elif args.command == "revoke-admin":
            info = hub.revoke_admin(args.county, args.admin_id, "cli")
            print(f"administrator token {info.admin_id} of {info.name}: revoked {info.revoked_at}")
    finally:
        engine.dispose()
    return 0


def _report(hub: Hub, args: argparse.Namespace) -> None:
    import json

    from csec_desktop.errors import ValidationFailed
    from csec_desktop.hub.reports import county_figures
    from csec_desktop.reports import figures as F
    from csec_desktop.reports.periods import parse

    try:
        period = parse(args.period)
    except ValidationFailed as exc:
        raise Failed(EXIT_USAGE, f"--period: {exc.problems[0].message}") from None
    with hub.engine.connect() as conn:
        hub._require_county(conn, args.county)  # a missing county: the usual refusal and exit code
    if args.out.exists() and not args.force:
        raise Failed(EXIT_FILE, f"{args.out} exists; add --force to replace it")
    fig = county_figures(hub.engine, args.county, period)
    if args.format == "json":
        text = json.dumps(fig, indent=1)
    else:
        scope = (f"every youth the hub holds in clear; {fig['sealed_left_out']} sealed youth left out (their "
                 "figures are on the desktops of those who may read them)")
        text = F.csv_text(fig, county=args.county, prepared_by="the hub administrator",
                          day=legal_today().isoformat(), scope=scope, deidentified=args.deidentified)
    try:
        args.out.write_text(text, encoding="utf-8")
        args.out.chmod(0o600)
    except OSError as exc:
        raise Failed(EXIT_FILE, f"cannot write {args.out}: {exc.strerror}") from None
    print(f"Wrote the {period.label} report for {args.county} to {args.out}.")


def _serve(args: argparse.Namespace) -> int:
    if bool(args.cert) != bool(args.key):
        raise Failed(EXIT_USAGE, "give both --cert and --key, or neither")
    for path in (args.cert, args.key):
        if path is not None and not path.is_file():
            raise Failed(EXIT_FILE, f"cannot read {path}: no such file")
    tls = args.cert is not None
    host = listen_host(args.host, tls)
    proxies = trusted_proxies(args.trusted_proxy)
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, args.port))
    except OSError as exc:
        raise Failed(EXIT_ADDRESS, f"cannot listen on {host}:{args.port}: {exc.strerror or exc}") from None
    engine = _engine(args.db)
    upgrade(engine)  # fail here, in one line, rather than in every worker
    engine.dispose()
    if not tls:
        where = "this computer only" if host in ("127.0.0.1", "::1", "localhost") else host
        print(f"Serving without TLS on {where}: give --cert and --key for the county network.",
              file=sys.stderr)
    import uvicorn

    os.environ["CSEC_HUB_DB"] = args.db
    os.environ["CSEC_HUB_TRUSTED_PROXIES"] = ",".join(proxies)
    # The hub reads X-Forwarded-For itself, from the trusted proxies only; uvicorn's own reading
    # (which trusts 127.0.0.1 by default) is switched off so there is one rule.
    uvicorn.run("csec_desktop.hub.app:from_environment", factory=True, host=host, port=args.port,
                workers=args.workers, ssl_certfile=str(args.cert) if tls else None,
                ssl_keyfile=str(args.key) if tls else None, proxy_headers=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
