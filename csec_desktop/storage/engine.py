"""The SQLCipher library, set up once before this process opens any connection.

Why: with `cipher_memory_security` on (which this app requires), SQLCipher locks every block
SQLite allocates into RAM with mlock and unlocks it on free: two system calls per allocation.
SQLite serves a connection's small allocations from its own "lookaside" buffer instead, but the
default buffer (about 120 KB) is used up by the prepared statements a vault keeps cached, after
which every statement pays those calls: measured here, an INSERT took 60-80 us instead of 12 us,
and a first sync spent most of its time in mlock/munlock. A larger buffer (2.4 MB per
connection, allocated, locked and wiped as one block) keeps statements on it.

The buffer can only be sized globally before SQLite is initialized, and importing the module
initializes it; with no connection open yet, shutting it down and starting it again is allowed.
So this is done only when this module is the first to import sqlcipher3; otherwise (or where
the library does not export its C functions) the default stays, slower but the same.
"""

from __future__ import annotations

import ctypes
import sys

_FIRST = "sqlcipher3" not in sys.modules  # nothing can have opened a connection yet

import sqlcipher3  # noqa: E402
from sqlcipher3 import _sqlite3  # noqa: E402

SQLITE_CONFIG_LOOKASIDE = 13
LOOKASIDE_SLOT_BYTES = 1200
LOOKASIDE_SLOTS = 2000


def _enlarge_lookaside() -> bool:
    if not _FIRST:
        return False
    try:
        library = ctypes.CDLL(_sqlite3.__file__)
        shutdown, config, initialize = (library.sqlite3_shutdown, library.sqlite3_config,
                                        library.sqlite3_initialize)
    except (OSError, AttributeError):
        return False
    if shutdown() != 0:
        return False
    done = int(config(ctypes.c_int(SQLITE_CONFIG_LOOKASIDE), ctypes.c_int(LOOKASIDE_SLOT_BYTES),
                      ctypes.c_int(LOOKASIDE_SLOTS))) == 0
    if initialize() != 0:
        raise RuntimeError("SQLCipher could not be initialized")
    return done


LOOKASIDE_ENLARGED = _enlarge_lookaside()

__all__ = ["LOOKASIDE_ENLARGED", "sqlcipher3"]
