"""The installable bundle, as `make bundle` builds it from build/bundle.lock (make test builds it
first: building takes minutes, more than one test may): its size budget, nothing for development
inside, only Spanish among Qt's translations, `csec` beside the desktop executable, the licence
notices, what it was built from, and both executables' smoke tests run frozen."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from csec_desktop import APP_ID, APP_NAME, __version__

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build"))
import bundle_support as B  # noqa: E402

APP = Path(os.environ.get("CSEC_BUNDLE_DIR", ROOT / "dist" / APP_ID))
EXE = ".exe" if sys.platform == "win32" else ""
SIZE_BUDGET_MIB = 220  # Linux; the budget (the bundle was 264 MiB from the development environment)
PASS = "frozen test passphrase, fictional"


@pytest.fixture(scope="module")
def app() -> Path:
    if not (APP / (APP_ID + EXE)).exists():
        message = f"no bundle at {APP}: run `make bundle` (make test does) first"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return APP


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "CSEC_MACHINE_POLICY"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def test_built_from_the_lock_file(app: Path) -> None:
    info = json.loads((app / B.BUILD_INFO).read_text("utf-8"))
    assert info["version"] == __version__
    assert info["bundle_lock_sha256"] == B.lock_digest(ROOT / "build" / "bundle.lock"), \
        "the bundle is older than build/bundle.lock: run make bundle"
    # The build environment held the lock's versions and nothing else (a runtime-only environment).
    def norm(requirement: str) -> str:
        name, version = requirement.split("==")
        return f"{re.sub(r'[-_.]+', '-', name).lower()}=={version.strip()}"

    locked = {norm(line.split(" ")[0]) for line in (ROOT / "build" / "bundle.lock").read_text().splitlines()
              if re.match(r"^[A-Za-z0-9]", line)}
    built = {norm(d) for d in info["distributions"]} - {d for d in map(norm, info["distributions"])
                                                         if d.startswith("pip==")}
    assert built <= locked, f"not from the lock: {sorted(built - locked)}"
    for dev in ("mypy", "pytest", "ruff", "click", "rich", "pygments", "fastapi", "hypothesis"):
        assert not any(d.startswith(dev + "==") for d in built), dev


def test_the_lock_asks_for_what_pyproject_does() -> None:
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = [line.strip() for line in (ROOT / "build" / "bundle.in").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert sorted(wanted) == sorted(x for x in listed if not x.lower().startswith("pyinstaller"))


def test_size_and_contents(app: Path) -> None:
    files = [p for p in app.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files) / 2**20
    print(f"bundle: {size:.0f} MiB in {len(files)} files")
    if sys.platform.startswith("linux"):
        assert size <= SIZE_BUDGET_MIB, f"{size:.0f} MiB is over the {SIZE_BUDGET_MIB} MiB budget"
    internal = app / "_internal"
    names = {part for p in internal.rglob("*") for part in p.relative_to(internal).parts}
    for module in B.NEVER_BUNDLED:
        top = module.split(".")[0]
        if top == "csec_desktop":
            continue
        prefix = top.lower() + "-"
        dist_infos = [n for n in names if n.endswith(".dist-info") and n.lower().startswith(prefix)]
        assert top not in names and not dist_infos, f"{module} is in the bundle"
    assert not (internal / "csec_desktop" / "hub").exists()
    # Only the Qt modules the app uses, and only the Qt translations it needs.
    qt = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.so")} | {
        p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.pyd")}
    assert qt <= {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"}, qt
    translations = {p.name for p in internal.rglob("*.qm")}
    assert translations == B.QT_TRANSLATIONS, translations
    assert not (ROOT / "build" / APP_ID).exists(), "PyInstaller's work folder must stay out of build/"


def test_licence_notices_for_every_bundled_component(app: Path) -> None:
    notices = (app / B.NOTICES).read_text("utf-8")
    rows = dict(line.split("\t", 1) for line in notices.splitlines() if "\t" in line)
    named = {name.split(" ")[0].lower().replace("_", "-") for name in rows}
    for dist_info in (app / "_internal").glob("*.dist-info"):
        name = re.sub(r"-\d.*$", "", dist_info.name.removesuffix(".dist-info")).lower().replace("_", "-")
        assert name in named, f"{name} is bundled without a licence notice"
    for needed in ("pyside6-essentials", "shiboken6", "sqlcipher3", "cryptography", "reportlab", "python",
                   "liberation", "zxcvbn"):
        assert needed in named, needed
    qt = next(v for k, v in rows.items() if k.lower().startswith("pyside6"))
    assert "LGPL" in qt
    texts = list((app / B.LICENCES_DIR).rglob("*"))
    assert len([t for t in texts if t.is_file()]) >= 15
    assert (app / B.LICENCES_DIR / "pyside6-essentials").is_dir()


def test_windows_version_information() -> None:
    text = B.version_info_text(version=__version__, product=APP_NAME, description=APP_NAME,
                               company="County of Fictional", executable="csec-desktop.exe")
    # The file PyInstaller reads (with its own classes, on Windows): one expression of these calls.
    import ast

    tree = ast.parse(text, mode="eval")
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert calls == {"VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
                     "VarFileInfo", "VarStruct"}, calls
    strings = {(n.args[0].value, n.args[1].value) for n in ast.walk(tree) if isinstance(n, ast.Call)
               and isinstance(n.func, ast.Name) and n.func.id == "StringStruct"}  # type: ignore[attr-defined]
    assert ("ProductName", APP_NAME) in strings and ("CompanyName", "County of Fictional") in strings
    assert ("FileVersion", __version__) in strings and ("OriginalFilename", "csec-desktop.exe") in strings
    assert f"filevers={B.version_tuple(__version__)}" in text
    spec = (ROOT / "build" / "csec-desktop.spec").read_text()
    assert "version=version_file(" in spec and "icon=str(ICON)" in spec
    assert (ROOT / "assets" / "icon" / "csec-desktop.ico").stat().st_size > 1000


def test_the_desktop_executable_passes_its_smoke_test(app: Path, tmp_path: Path) -> None:
    done = subprocess.run([str(app / (APP_ID + EXE)), "--smoke-test", str(tmp_path / "vault")],
                          capture_output=True, text=True, env=_env(), timeout=110, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["frozen"] is True and result["version"] == __version__
    assert result["pdf_pages"] >= 1 and result["forms"] >= 2
    assert result["unneeded"] == [], "the app loaded modules it does not need"
    assert result["qt_spanish"] is True, "Qt's own Spanish catalog is missing"
    assert result["icon"] is True, "the window icon is missing from the bundle"
    assert (tmp_path / "vault" / "keys.json").exists()
    assert json.loads((tmp_path / "vault" / "smoke-result.json").read_text()) == result
    print("frozen smoke test:", result["steps"])


def test_csec_is_shipped_and_works_frozen(app: Path, tmp_path: Path) -> None:
    csec = str(app / ("csec" + EXE))

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([csec, *args], input=stdin, capture_output=True, text=True, env=_env(),
                              timeout=60, cwd=tmp_path)

    assert run("--version").stdout.strip() == f"csec {__version__}"
    shown = run("--help").stdout
    assert "exit codes:" in shown and "without echo" in shown
    vault = str(tmp_path / "vault")
    made = run("--vault", vault, "init", "--county", "Demo County", "--admin", "admin",
               "--passphrase-stdin", stdin=PASS + "\n")
    assert made.returncode == 0, made.stderr
    listed = run("--vault", vault, "--user", "admin", "--passphrase-stdin", "users", "list",
                 stdin=PASS + "\n")
    assert listed.returncode == 0 and listed.stdout.startswith("admin\tadministrator"), listed.stderr
    wrong = run("--vault", vault, "--user", "admin", "--passphrase-stdin", "users", "list", stdin="no\n")
    assert wrong.returncode == 4 and "Traceback" not in wrong.stderr
    backup = tmp_path / "b.csecbak"
    saved = run("--vault", vault, "--user", "admin", "--passphrase-stdin", "backup", str(backup),
                stdin=PASS + "\n")
    assert saved.returncode == 0 and backup.is_file(), saved.stderr
    rules = run("rules", "--json")
    assert rules.returncode == 0 and len(json.loads(rules.stdout)) > 10
