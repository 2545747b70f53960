"""The log county IT reads: allow-listed arguments, no exception messages, private files."""

from __future__ import annotations

import ast
import enum
import faulthandler
import logging
import os
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from csec_desktop import logs

NAME = "Zanzibarina Qwertyfield"  # fictional
ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


class Colour(enum.Enum):
    RED = "red"


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    was_enabled = faulthandler.is_enabled()
    level = logging.getLogger().level
    yield tmp_path / "vault"
    logs.close()
    logging.getLogger().setLevel(level)
    if was_enabled:  # pytest's own faulthandler, which logs.close() switched off
        faulthandler.enable(file=sys.__stderr__, all_threads=True)


def _written(folder: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (folder / "logs" / "csec-desktop.log").read_text(encoding="utf-8")


def test_only_safe_arguments_are_written(folder: Path) -> None:
    logs.setup(folder)
    log = logging.getLogger("csec.test")
    record_id = uuid.UUID("0192f7a0-0000-7000-8000-000000000001")
    log.info("unlocked for %s; youth %s; opened %s (id %s) on %s, %d pages, %.1f s, %s, %s, %s",
             "casey", NAME, "zanzibarina qwertyfield", record_id, date(2026, 11, 30), 3, 1.25,
             True, Colour.RED, Path("/exports") / f"{NAME}.pdf")
    log.info("by name %(user)s %(youth)s %(pages)d", {"user": "casey", "youth": NAME, "pages": 2})
    log.info("kind %s at %s, uppercase %s, too long %s, type %s, instance %s", "case_note",
             datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "Zanzibarina", "a" * 65, KeyError,
             KeyError(NAME))
    log.info(KeyError(NAME))  # an object as the message: its type only
    text = _written(folder)
    assert NAME not in text and "Zanzibarina" not in text and "zanzibarina" not in text
    assert "Qwertyfield" not in text and "qwertyfield" not in text
    assert ("unlocked for casey; youth <redacted>; opened <redacted> (id "
            "0192f7a0-0000-7000-8000-000000000001) on 2026-11-30, 3 pages, 1.2 s, True, red, "
            "<redacted>") in text
    assert "by name casey <redacted> 2" in text
    assert ("kind case_note at 2026-11-30T09:00:00+00:00, uppercase <redacted>, too long <redacted>, "
            "type KeyError, instance <KeyError>") in text
    assert "<redacted KeyError>" in text


def test_other_libraries_keep_their_template_and_numbers_only(folder: Path) -> None:
    logs.setup(folder)
    logging.getLogger("httpx").info('HTTP Request: %s %s "%s %d %s"', "POST",
                                    "https://hub.example/youth?name=casey", "HTTP/1.1", 503, "busy")
    text = _written(folder)
    assert 'httpx [' in text and 'HTTP Request: <redacted> <redacted> "<redacted> 503 <redacted>"' in text
    assert "casey" not in text and "hub.example" not in text


def test_exception_messages_never_reach_the_file(folder: Path) -> None:
    logs.setup(folder)
    log = logging.getLogger("csec.test")

    class Youth(BaseModel):
        age: int

    def look_up(name: str) -> None:
        raise KeyError(name)

    def validate(name: str) -> None:
        try:
            look_up(name)
        except KeyError as error:
            raise ValueError(f"{name} is not on the caseload") from error

    with pytest.raises(ValidationError) as caught:
        Youth.model_validate({"age": NAME})
    assert NAME in str(caught.value)  # pydantic repeats the input in its message
    try:
        Youth.model_validate({"age": NAME})
    except ValidationError:
        log.exception("check failed")
    try:
        validate(NAME)
    except ValueError:
        log.exception("save failed: %s", "youth")
    try:
        raise ExceptionGroup(NAME, [ValueError(NAME)])
    except ExceptionGroup as group:
        group.add_note(NAME)
        log.error("group", exc_info=True, stack_info=True)
    text = _written(folder)
    assert NAME not in text
    assert "save failed: youth" in text
    for frame in ("in look_up", "in validate", "tests/core/test_logs.py"):
        assert frame in text
    assert "\nKeyError\n" in text and "pydantic_core._pydantic_core.ValidationError" in text
    assert "The above exception was the direct cause of" in text
    assert "sub-exception 1: ValueError" in text


def test_other_handlers_see_the_record_unchanged(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    logs.setup(folder)
    with caplog.at_level(logging.INFO, logger="csec.test"):
        logging.getLogger("csec.test").info("opened %s", "Some Name")
    assert caplog.records[-1].getMessage() == "opened Some Name"  # not our file: not our business
    assert "opened <redacted>" in _written(folder)


def test_setup_is_idempotent_and_moves_with_the_folder(folder: Path, tmp_path: Path) -> None:
    assert logs.setup(folder) == logs.setup(folder) == folder.absolute() / "logs" / "csec-desktop.log"
    assert not folder.exists()  # nothing made until the first line (the CLI sets up for every command)
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logs.PrivateRotatingFileHandler)]
    assert len(ours) == 1
    logging.getLogger("csec.test").warning("once")
    assert _written(folder).count("once") == 1
    other = tmp_path / "other"
    logs.setup(other)
    logging.getLogger("csec.test").warning("elsewhere")
    assert "elsewhere" in _written(other) and "elsewhere" not in _written(folder)
    assert len([h for h in logging.getLogger().handlers
                if isinstance(h, logs.PrivateRotatingFileHandler)]) == 1


@posix_only
def test_rotation_and_private_modes(folder: Path) -> None:
    folder.mkdir(mode=0o755)
    logs.setup(folder, max_bytes=2_000, backups=3)
    log = logging.getLogger("csec.test")
    for n in range(200):
        log.info("line %d of the rotation test", n)
    names = sorted(p.name for p in (folder / "logs").iterdir())
    assert names == ["csec-desktop.log", "csec-desktop.log.1", "csec-desktop.log.2", "csec-desktop.log.3"]
    assert (folder / "logs").stat().st_mode & 0o777 == 0o700
    for path in (folder / "logs").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
        assert path.stat().st_size <= 2_000
    assert "line 199 of" in _written(folder)


@posix_only
def test_a_new_data_folder_is_made_private(folder: Path) -> None:
    logs.setup(folder / "deeper")
    logging.getLogger("csec").info("first")
    assert (folder / "deeper").stat().st_mode & 0o777 == 0o700


def test_crash_report_has_the_type_and_frames_and_no_message(folder: Path) -> None:
    def place_youth(name: str) -> None:
        raise RuntimeError(f"no placement for {name}")

    try:
        place_youth(NAME)
    except RuntimeError as exc:
        path = logs.write_crash_report(folder, type(exc), exc, exc.__traceback__)
        again = logs.write_crash_report(folder, type(exc), exc, exc.__traceback__)
    assert path != again and path.parent == again.parent == folder.absolute() / "logs"
    assert path.name.startswith("crash-") and path.name.endswith("Z.txt")
    text = path.read_text(encoding="utf-8")
    assert NAME not in text and "placement" not in text
    assert "Error: RuntimeError" in text and "in place_youth" in text and "Version: 0.1.0" in text
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o600


def test_crash_reports_are_pruned(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "CRASH_REPORTS_KEPT", 3)
    for _ in range(5):
        logs.write_crash_report(folder, KeyError, KeyError("x"), None)
    assert len(list((folder / "logs").glob("crash-*.txt"))) == 3


def test_faulthandler_writes_to_a_private_file(folder: Path) -> None:
    path = logs.install_faulthandler(folder)
    assert logs.install_faulthandler(folder) == path == folder.absolute() / "logs" / "faults.log"
    assert faulthandler.is_enabled()
    assert path.read_text(encoding="utf-8").count("started") == 1
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o600


LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def _logger_like(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in {"log", "logger", "_log", "LOG", "logging"}
    if isinstance(node, ast.Attribute):
        return node.attr in {"log", "logger", "_log"}
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "getLogger")


def test_every_logging_call_passes_a_template_not_a_built_string() -> None:
    """The filter trusts `record.msg` of our code as a template: an f-string there would carry data."""
    problems = []
    for folder in ("csec_desktop", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and _logger_like(node.func.value)):
                    continue
                method = node.func.attr
                position = 0 if method in LOG_METHODS else 1 if method == "log" else None
                if position is None or len(node.args) <= position:
                    continue
                message = node.args[position]
                if not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert problems == []
