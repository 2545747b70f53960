"""`csec-hub`: run the county hub and set up its first county and administrator.

    csec-hub add-county "Fresno County" --max-offline-days 14
    csec-hub add-admin "Fresno County" it.lead          # prints the token once
    csec-hub make-cert hub.fresno.example --out certs/  # a self-signed certificate for one office
    csec-hub serve --cert certs/hub.pem --key certs/hub.key --port 8443

The database is `--db` or $CSEC_HUB_DB: a PostgreSQL URL in production, or by default
an SQLite file for a single office (`./csec-hub.db`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import sys
from pathlib import Path

from csec_desktop.hub.db import engine_for, upgrade
from csec_desktop.hub.store import Hub


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csec-hub", description="The county sync hub.")
    parser.add_argument("--db", default=os.environ.get("CSEC_HUB_DB", "sqlite:///csec-hub.db"))
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the hub (HTTPS with --cert and --key)")
    serve.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server for the county network
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--cert")
    serve.add_argument("--key")
    serve.add_argument("--workers", type=int, default=1)
    county = sub.add_parser("add-county", help="add a county, or change its offline limit")
    county.add_argument("county")
    county.add_argument("--max-offline-days", type=int, default=14)
    admin = sub.add_parser("add-admin", help="make a hub administrator token (printed once)")
    admin.add_argument("county")
    admin.add_argument("name")
    cert = sub.add_parser("make-cert", help="make a self-signed certificate for one office's hub")
    cert.add_argument("host")
    cert.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args(argv)

    if args.command == "make-cert":
        cert_path, key_path = make_certificate(args.host, args.out)
        print(f"certificate: {cert_path} (give this file to each desktop at enrolment)")
        print(f"private key: {key_path} (keep it on the hub only)")
        return 0
    engine = engine_for(args.db)
    upgrade(engine)
    hub = Hub(engine)
    if args.command == "add-county":
        hub.add_county(args.county, args.max_offline_days)
        print(f"county {args.county!r}: devices lock after {args.max_offline_days} days without contact")
    elif args.command == "add-admin":
        print(hub.add_admin(args.county, args.name))
        print("Keep this token safe: it is shown only once.", file=sys.stderr)
    elif args.command == "serve":
        import uvicorn

        if not (args.cert and args.key):
            print("Serving without TLS: only for a hub on this computer.", file=sys.stderr)
        os.environ["CSEC_HUB_DB"] = args.db
        uvicorn.run("csec_desktop.hub.app:from_environment", factory=True, host=args.host,
                    port=args.port, workers=args.workers, ssl_certfile=args.cert, ssl_keyfile=args.key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
