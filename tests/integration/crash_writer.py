"""Child process for the kill -9 test: random multi-write transactions, each acknowledged
on stdout only after COMMIT has returned. Run as: python -m tests.integration.crash_writer DB KEYHEX SEED"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from csec_desktop.clock import HybridClock, system_clock
from csec_desktop.domain.youth import CaseNote, Name, Youth
from csec_desktop.storage.database import Database
from csec_desktop.storage.records import RecordStore
from csec_desktop.storage.schema import migrate


def main() -> None:
    path, key, seed = Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    db = Database.open(path, key)
    migrate(db)
    store = RecordStore(db, HybridClock("crash-dev"), system_clock, "writer", "crash-dev")
    print("ready", flush=True)
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
        print(youth.id, flush=True)


if __name__ == "__main__":
    main()
