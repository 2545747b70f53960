"""Child process for the kill -9 test: random multi-write transactions, each acknowledged
only after COMMIT has returned. Run as: python -m tests.integration.crash_writer DB KEYHEX SEED
(acknowledgements on stdout), or as `write_to`, the target of a process forked by the test."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from csec_desktop.clock import HybridClock, system_clock
from csec_desktop.domain.youth import CaseNote, Name, Youth
from csec_desktop.storage.database import Database
from csec_desktop.storage.records import RecordStore
from csec_desktop.storage.schema import migrate


def write(path: Path, key: bytes, seed: int, ack: Callable[[str], None]) -> None:
    """Write until killed; `ack("ready")` first, then `ack(youth id)` after each COMMIT."""
    rng = random.Random(seed)
    db = Database.open(path, key)
    migrate(db)
    store = RecordStore(db, HybridClock("crash-dev"), system_clock, "writer", "crash-dev")
    ack("ready")
    n = 0
    while True:
        n += 1
        # One transaction = a youth, 1-5 notes, then an edit recording how many notes:
        # the check after the crash proves each transaction is all there or all absent.
        with db.transaction():
            youth = store.create(Youth(legal_name=Name(given=f"Kai{n}", family="Crashdemo"),
                                       date_of_birth="2010-01-01", county="Demo County"))
            notes = rng.randint(1, 5)
            for i in range(notes):
                store.create(CaseNote(youth_id=youth.id, occurred_at="2026-01-01T00:00:00+00:00",
                                      text=f"note {i} " + "x" * rng.randint(10, 3000)))
            store.update(youth.id, {"pronouns": f"notes={notes}"})
        ack(youth.id)


def write_to(path: str, key_hex: str, seed: int, acks: Connection) -> None:
    """The same, acknowledging over a pipe: one message per line, each a single write (far
    below PIPE_BUF), so a kill leaves no half acknowledgement."""
    write(Path(path), bytes.fromhex(key_hex), seed, lambda line: acks.send_bytes(line.encode()))


def main() -> None:
    path, key, seed = Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), int(sys.argv[3])
    write(path, key, seed, lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
