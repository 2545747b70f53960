"""Helpers for build/csec-desktop.spec (PyInstaller) and the bundle's tests: Windows version
information, third-party licence notices, what the bundle must never hold. Build-time only:
nothing here is imported by the app."""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

NOTICES = "THIRD-PARTY-NOTICES.txt"
LICENCES_DIR = "licenses"

# Distributions that build the bundle but are not in it (and the program itself).
BUILD_ONLY = {"csec-desktop", "pyinstaller", "pyinstaller-hooks-contrib", "altgraph", "macholib", "pefile",
              "pywin32-ctypes", "setuptools", "packaging", "pip", "wheel"}

# Modules that must not be in the bundle or be imported at start: development tools, the hub, and
# what only the development environment or a test needs. (Pillow stays: ReportLab 4 imports
# PIL.Image when it loads, so documents need it.)
NEVER_BUNDLED = ["mypy", "click", "rich", "pygments", "pkg_resources", "setuptools",
                 "_distutils_hack", "pytest", "hypothesis", "schemathesis", "ruff", "IPython", "numpy",
                 "matplotlib", "tkinter", "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic",
                 "psycopg", "jinja2", "swagger_ui", "apsw", "pytestqt", "csec_desktop.hub"]

# Qt's own translations the interface needs (Qt's buttons and dialogs in Spanish); English is built in.
QT_TRANSLATIONS = {"qtbase_es.qm"}

LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)


def bundled_distributions(top_levels: Iterable[str]) -> list[md.Distribution]:
    """The installed distributions providing any of these top-level modules, build tools left out."""
    providers = md.packages_distributions()
    names = {dist for top in top_levels for dist in providers.get(top, [])}
    found: dict[str, md.Distribution] = {}
    for name in sorted(names):
        dist = md.distribution(name)
        key = _norm(dist.metadata["Name"])
        if key not in BUILD_ONLY:
            found[key] = dist
    return [found[k] for k in sorted(found)]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(dist: md.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    text = (meta.get("License") or "").strip()
    if text and len(text) < 80 and "\n" not in text:
        return text
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    return "; ".join(classifiers) or (text.splitlines()[0][:80] if text else "see the licence file")


def write_notices(app_dir: Path, dists: list[md.Distribution],
                  extra: list[tuple[str, str, str, Path]]) -> int:
    """THIRD-PARTY-NOTICES.txt (each component, its version and licence) and licenses/<component>/ with
    every licence file the component ships. `extra`: (name, version, licence, file) for what is not a
    Python distribution (Python itself, fonts). Returns the number of components."""
    folder = app_dir / LICENCES_DIR
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = ["Third-party components in this program, their versions and licences.",
             f"The licence texts are in the {LICENCES_DIR}/ folder beside this file.", ""]
    count = 0
    for dist in dists:
        name, version = dist.metadata["Name"], dist.version
        copied = 0
        for file in dist.files or []:
            if LICENCE_FILE.search(str(file)):
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    target = folder / _norm(name) / Path(str(file)).name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
                    copied += 1
        text = dist.metadata.get("License") or ""
        for shipped in SHIPPED_TEXTS.get(_norm(name), []):  # wheels without their licence file
            target = folder / _norm(name) / shipped.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shipped, target)
            copied += 1
        if not copied and len(text) > 200:  # the licence text itself in the metadata
            target = folder / _norm(name) / "LICENSE.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        lines.append(f"{name} {version}\t{licence_of(dist)}")
        count += 1
    for name, version, licence, source in extra:
        if source.is_file():
            target = folder / _norm(name) / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        lines.append(f"{name} {version}\t{licence}")
        count += 1
    (app_dir / NOTICES).write_text("\n".join(lines) + "\n", "utf-8")
    return count


def python_licence() -> Path:
    short = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix)
    for candidate in (base / "LICENSE.txt", base / "lib" / short / "LICENSE.txt"):
        if candidate.is_file():
            return candidate
    return Path("LICENSE.txt")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    padded = [*numbers, 0, 0, 0, 0]
    return (padded[0], padded[1], padded[2], padded[3])


def version_info_text(*, version: str, product: str, description: str, company: str, executable: str) -> str:
    """A PyInstaller version file (VSVersionInfo): what Windows shows in Properties > Details and
    what software inventory and application-control rules read."""
    v = version_tuple(version)
    strings = {"CompanyName": company, "FileDescription": description, "FileVersion": version,
               "InternalName": executable.removesuffix(".exe"), "LegalCopyright": f"{company}",
               "OriginalFilename": executable, "ProductName": product, "ProductVersion": version}
    entries = ",\n            ".join(f"StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
            {entries}])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def keep_qt_translation(dest: str) -> bool:
    """Of Qt's translations, only those the interface uses."""
    path = dest.replace("\\", "/")
    if "/Qt/translations/" not in path and not path.startswith("PySide6/translations/"):
        return True
    return Path(path).name in QT_TRANSLATIONS


# Qt plugins and libraries the desktop never loads (embedded-device platforms, the GTK theme, SVG
# icons and images, touch input over the network, Wayland's less common shells and GL clients),
# and the system libraries only the GTK theme plugin pulled in.
QT_PLUGINS_DROPPED = {
    "platforms": {"libqeglfs.so", "libqvnc.so", "libqminimalegl.so", "libqlinuxfb.so", "libqvkkhrdisplay.so"},
    "egldeviceintegrations": None, "generic": None, "imageformats": None, "iconengines": None,
    "platformthemes": {"libqgtk3.so"}, "wayland-graphics-integration-client": None,
    "wayland-shell-integration": {"libivi-shell.so", "libqt-shell.so", "libfullscreen-shell-v1.so",
                                  "libwl-shell-plugin.so"},
    "wayland-decoration-client": {"libadwaita.so"},
}
LIBS_DROPPED = re.compile(
    r"^(libQt6(EglFSDeviceIntegration|EglFsKmsSupport|Svg|Network|OpenGL|WlShellIntegration)\.so"
    r"|libatk-1\.0\.so|libcairo(-gobject)?\.so|libgdk_pixbuf-2\.0\.so|libpango(cairo|ft2)?-1\.0\.so"
    r"|libthai\.so|libdatrie\.so|libpixman-1\.so|libjpeg\.so)")


def keep_binary(dest: str) -> bool:
    path = dest.replace("\\", "/")
    name = Path(path).name
    if LIBS_DROPPED.match(name):
        return False
    marker = "/Qt/plugins/"
    if marker in path:
        folder = path.split(marker, 1)[1].split("/")[0]
        if folder in QT_PLUGINS_DROPPED:
            dropped = QT_PLUGINS_DROPPED[folder]
            return dropped is not None and name not in dropped
    return True


BUILD_INFO = "BUILD-INFO.json"
_TEXTS = Path(__file__).resolve().parent / "licenses"
SHIPPED_TEXTS = {name: [_TEXTS / "LGPL-3.0.txt", _TEXTS / "GPL-3.0.txt"]
                 for name in ("pyside6-essentials", "shiboken6")}


def lock_digest(lock: Path) -> str:
    import hashlib

    return hashlib.sha256(lock.read_bytes()).hexdigest()


def write_build_info(app_dir: Path, *, version: str, lock: Path) -> None:
    """What this bundle was built from: the version, the lock file's digest, the Python."""
    import json
    import platform

    info = {"version": version, "bundle_lock_sha256": lock_digest(lock), "python": platform.python_version(),
            "platform": sys.platform, "distributions": sorted(
                f"{d.metadata['Name']}=={d.version}" for d in md.distributions()
                if _norm(d.metadata["Name"]) != "csec-desktop")}
    (app_dir / BUILD_INFO).write_text(json.dumps(info, indent=1) + "\n", "utf-8")
