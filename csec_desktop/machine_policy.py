"""County IT's machine-wide policy: settings no user of this computer can override.

A TOML file in the platform's machine configuration folder (`policy_path()`):

- Windows: `%ProgramData%\\CSEC Desktop\\policy.toml`, and the same settings as registry values
  under `HKLM\\SOFTWARE\\Policies\\CSEC Desktop` (what Group Policy and Intune write); a registry
  value wins over the file;
- Linux: `/etc/csec-desktop/policy.toml`; macOS: `/Library/Application Support/CSEC Desktop/policy.toml`.

Both are writable by administrators only. Every key is optional (docs/windows.md has an example):

    county = "Fresno County"                         # the county a vault here may be made for
    hub_url = "https://hub.fresno.example:8443"      # the only hub this computer may enrol with
    hub_certificate = "C:\\\\ProgramData\\\\CSEC Desktop\\\\hub.pem"  # the certificate it pins (a path)
    idle_lock_minutes = 10                           # 1 to 30; wins over Administration's setting
    max_offline_days = 7                             # the stricter of this and the hub's is kept

Precedence, for each setting: the registry (Windows), then this file, then what an administrator
set in the vault (Administration -> County settings), then the built-in default. A file that
cannot be read or holds a wrong value stops the app with a message naming the file and the key
(fail closed: IT meant to enforce something). `CSEC_MACHINE_POLICY` points elsewhere, for tests and
development only: a frozen (installed) build ignores it, so a user cannot swap the policy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from csec_desktop.errors import CsecError

REGISTRY_KEY = r"SOFTWARE\Policies\CSEC Desktop"
REGISTRY_NAMES = {"County": "county", "HubUrl": "hub_url", "HubCertificate": "hub_certificate",
                  "IdleLockMinutes": "idle_lock_minutes", "MaxOfflineDays": "max_offline_days"}
_WINDOWS = sys.platform == "win32"  # a variable, so type checkers on other systems read the Windows path
LIMITS = {"idle_lock_minutes": (1, 30), "max_offline_days": (1, 365)}


class PolicyFileError(CsecError):
    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        super().__init__(f"This computer's CSEC Desktop policy ({where}) {problem}. Ask county IT to "
                         "correct it; the app does not start without a valid policy.")


@dataclass(frozen=True)
class MachinePolicy:
    county: str | None = None
    hub_url: str | None = None
    hub_certificate: str | None = None
    """A path to the PEM certificate (or CA) the desktop pins."""
    idle_lock_minutes: int | None = None
    max_offline_days: int | None = None
    source: str = ""
    """Where the settings came from (the file, the registry), for messages and Administration."""

    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self) if f.name != "source")

    def certificate_pem(self) -> str | None:
        if not self.hub_certificate:
            return None
        try:
            return Path(self.hub_certificate).read_text("ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyFileError(self.source, f"names a hub certificate that cannot be read "
                                               f"({self.hub_certificate}: {type(exc).__name__})") from None


def policy_path() -> Path:
    override = os.environ.get("CSEC_MACHINE_POLICY")
    if override and not getattr(sys, "frozen", False):
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "CSEC Desktop" / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/CSEC Desktop/policy.toml")
    return Path("/etc/csec-desktop/policy.toml")


def _registry_values() -> dict[str, Any]:
    """The Group Policy values, on Windows; nothing elsewhere."""
    return _windows_registry() if _WINDOWS else {}


def _windows_registry() -> dict[str, Any]:  # pragma: no cover - Windows only
    import importlib

    winreg: Any = importlib.import_module("winreg")  # typed as Any: its stubs exist only on Windows

    found: dict[str, Any] = {}
    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, REGISTRY_KEY)
    except OSError:
        return found
    with key:
        for name, field in REGISTRY_NAMES.items():
            try:
                found[field] = winreg.QueryValueEx(key, name)[0]
            except OSError:
                continue
    return found


def _checked(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    known = {f.name for f in fields(MachinePolicy)} - {"source"}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            listed = ", ".join(sorted(known))
            raise PolicyFileError(where, f"has an unknown setting {key!r} (known: {listed})")
        if key in LIMITS:
            low, high = LIMITS[key]
            text = str(value).strip()
            whole = isinstance(value, int | str) and not isinstance(value, bool) and text.isdigit()
            if not whole:
                raise PolicyFileError(where, f"sets {key} to {value!r}, not a whole number")
            number = int(value)
            if not low <= number <= high:
                raise PolicyFileError(where, f"sets {key} to {number}; it must be from {low} to {high}")
            out[key] = number
        else:
            if not isinstance(value, str) or not value.strip():
                raise PolicyFileError(where, f"sets {key} to {value!r}, not a text")
            if key == "hub_url" and not value.startswith("https://"):
                raise PolicyFileError(where, "sets hub_url to an address that does not start with https://")
            out[key] = value.strip()
    return out


_cache: dict[tuple[str, int, int], MachinePolicy] = {}


def load(path: Path | None = None,
         registry: Callable[[], dict[str, Any]] = _registry_values) -> MachinePolicy:
    """The machine's policy (empty when there is none). Read again when the file changes."""
    path = path or policy_path()
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        key = (str(path), 0, -1)
    except OSError as exc:
        raise PolicyFileError(str(path), f"cannot be read ({type(exc).__name__})") from None
    from_registry = _checked(registry(), "registry " + REGISTRY_KEY)
    cached = _cache.get(key)
    if cached is None:
        values: dict[str, Any] = {}
        if key[2] >= 0:
            import tomllib  # here: most machines have no file, and its import is ~15 ms of a start

            try:
                values = _checked(tomllib.loads(path.read_text("utf-8")), str(path))
            except (OSError, UnicodeDecodeError) as exc:
                raise PolicyFileError(str(path), f"cannot be read ({type(exc).__name__})") from None
            except tomllib.TOMLDecodeError as exc:
                raise PolicyFileError(str(path), f"is not valid TOML ({exc})") from None
        cached = MachinePolicy(**values, source=str(path) if values else "")
        _cache.clear()
        _cache[key] = cached
    if not from_registry:
        return cached
    merged = {f.name: getattr(cached, f.name) for f in fields(MachinePolicy) if f.name != "source"}
    merged.update(from_registry)
    sources = [s for s in ("registry " + REGISTRY_KEY, cached.source) if s]
    return MachinePolicy(**merged, source=" and ".join(sources))


def check_county(county: str, policy: MachinePolicy | None = None) -> None:
    found = policy or load()
    if found.county and county.strip().casefold() != found.county.casefold():
        raise CsecError(f"This computer is set up for {found.county} (by {found.source}); a vault for "
                        f"{county} cannot be made here.")


def check_hub(hub_url: str, cert_pem: str, policy: MachinePolicy | None = None) -> None:
    """Enrolment and every sync: only the hub (and the certificate) the machine's policy names."""
    found = policy or load()
    if found.hub_url and hub_url.rstrip("/") != found.hub_url.rstrip("/"):
        raise CsecError(f"This computer may sync only with {found.hub_url} (set by {found.source}), "
                        f"not {hub_url}. Enrol with that hub, or ask county IT.")
    pinned = found.certificate_pem()
    if pinned is not None and _pem_body(cert_pem) != _pem_body(pinned):
        raise CsecError(f"The hub certificate given is not the one this computer's policy pins "
                        f"({found.hub_certificate}). Use that file, or ask county IT.")


def _pem_body(pem: str) -> str:
    return "".join(line.strip() for line in pem.strip().splitlines())


def idle_lock_minutes(stored: int) -> int:
    """The machine's idle lock when it sets one, else the vault's."""
    found = load().idle_lock_minutes
    return found if found is not None else stored


def max_offline_days(from_hub: int) -> int:
    """The stricter of the machine's limit and the hub's."""
    found = load().max_offline_days
    return min(found, from_hub) if found is not None else from_hub
