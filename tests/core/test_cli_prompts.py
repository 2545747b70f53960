"""`csec` at a terminal and in a script: passphrases asked for without echo on a terminal (a real
pseudo-terminal here), a script that pipes them without saying so refused, weak passphrases
refused with the estimator's advice, and one exit code per kind of failure, as `csec --help`
documents them."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from csec_desktop import cli

PASS = "fictional admin passphrase"
ROOT = Path(__file__).resolve().parents[2]


def at_terminal(args: list[str], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run csec with a pseudo-terminal as its controlling terminal and standard streams; type each
    answer after the next prompt (a line ending in ': '). Returns the exit code and all the screen."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: csec, its terminal the pseudo-terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "csec_desktop.cli", *args])
    screen = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                screen += chunk
                if pending and screen.rstrip(b" ").endswith(b":"):
                    os.write(fd, pending.pop(0).encode() + b"\n")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "csec_desktop.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("prompts") / "vault"
    done = run("--vault", str(where), "init", "--county", "Demo County", "--admin", "admin",
               "--passphrase-stdin", stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    added = run("--vault", str(where), "--user", "admin", "--passphrase-stdin", "users", "add", "rita",
                "--role", "read_only", stdin=f"{PASS}\nfictional reader passphrase\n")
    assert added.returncode == 0, added.stderr
    return where


def test_a_terminal_is_asked_without_echo(folder: Path) -> None:
    code, screen = at_terminal(["--vault", str(folder), "--user", "admin", "users", "list"], [PASS])
    assert code == 0, screen
    assert "Passphrase for admin:" in screen
    assert PASS not in screen, "the passphrase was echoed"
    assert "rita\tread_only" in screen.replace("\r", "")


def test_a_new_passphrase_is_asked_twice_and_judged(folder: Path) -> None:
    code, screen = at_terminal(["--vault", str(folder), "--user", "admin", "users", "add", "sam",
                                "--role", "caseworker"], [PASS, "password12345", "password12345"])
    assert code == cli.EXIT_ERROR, screen
    assert "too easy to guess" in screen and "commonly used password" in screen, screen
    assert "password12345" not in screen
    code, screen = at_terminal(["--vault", str(folder), "--user", "admin", "users", "add", "sam",
                                "--role", "caseworker"],
                               [PASS, "quiet orchard lantern river", "quiet orchard"])
    assert code == cli.EXIT_ERROR and "differ" in screen, screen
    code, screen = at_terminal(["--vault", str(folder), "--user", "admin", "users", "add", "sam",
                                "--role", "caseworker"], [PASS, *["quiet orchard lantern river"] * 2])
    assert code == 0 and "Added sam" in screen, screen


def test_a_script_must_say_it_sends_passphrases_on_stdin(folder: Path) -> None:
    piped = run("--vault", str(folder), "--user", "admin", "users", "list", stdin=PASS + "\n")
    assert piped.returncode == cli.EXIT_ERROR
    assert "--passphrase-stdin" in piped.stderr and PASS not in piped.stderr


@pytest.mark.parametrize(("what", "args", "stdin", "code", "words"), [
    ("wrong passphrase", ["--user", "admin", "--passphrase-stdin", "users", "list"], "not it at all, no\n",
     cli.EXIT_AUTHENTICATION, "Wrong user name or passphrase"),
    ("role may not", ["--user", "rita", "--passphrase-stdin", "users", "list"],
     "fictional reader passphrase\n", cli.EXIT_PERMISSION, "does not allow"),
    ("no such user to change", ["--user", "admin", "--passphrase-stdin", "users", "disable", "nobody"],
     PASS + "\n", cli.EXIT_NOT_FOUND, "No user named nobody"),
    ("no such file", ["--user", "admin", "--passphrase-stdin", "import", "/nonexistent/file.json"],
     PASS + "\n", cli.EXIT_ERROR, "/nonexistent/file.json: file: cannot be read"),
    ("a usage mistake", ["--user", "admin", "--passphrase-stdin", "users", "add", "x", "--role", "boss"],
     "", cli.EXIT_ERROR, "invalid choice"),
])
def test_each_failure_has_its_exit_code(folder: Path, what: str, args: list[str], stdin: str, code: int,
                                        words: str) -> None:
    done = run("--vault", str(folder), *args, stdin=stdin)
    assert done.returncode == code, (what, done.stderr)
    assert words in done.stderr and "Traceback" not in done.stderr, (what, done.stderr)


def test_no_vault_and_a_damaged_vault(tmp_path: Path, folder: Path) -> None:
    missing = run("--vault", str(tmp_path / "none"), "--user", "a", "--passphrase-stdin", "users", "list",
                  stdin="x\n")
    assert missing.returncode == cli.EXIT_NOT_FOUND and "No vault" in missing.stderr
    damaged = tmp_path / "damaged"
    import shutil

    shutil.copytree(folder, damaged)
    for db in damaged.glob("vault-*.db"):
        data = bytearray(db.read_bytes())
        for offset in range(4096, len(data), 4096):  # every page after the first: HMACs fail
            data[offset + 100] ^= 0xFF
        db.write_bytes(bytes(data))
    broken = run("--vault", str(damaged), "--user", "admin", "--passphrase-stdin", "users", "list",
                 stdin=PASS + "\n")
    assert broken.returncode == cli.EXIT_CORRUPT, broken.stderr
    assert "damaged" in broken.stderr and "backup" in broken.stderr


def test_help_documents_the_exit_codes() -> None:
    shown = run("--help").stdout
    for code in (cli.EXIT_CHECK_FAILED, cli.EXIT_ERROR, cli.EXIT_DUPLICATE, cli.EXIT_AUTHENTICATION,
                 cli.EXIT_PERMISSION, cli.EXIT_NOT_FOUND, cli.EXIT_CORRUPT):
        assert f"\n  {code}  " in shown, code
    assert len({cli.EXIT_CHECK_FAILED, cli.EXIT_ERROR, cli.EXIT_DUPLICATE, cli.EXIT_AUTHENTICATION,
                cli.EXIT_PERMISSION, cli.EXIT_NOT_FOUND, cli.EXIT_CORRUPT}) == 7
    assert "without echo" in shown
