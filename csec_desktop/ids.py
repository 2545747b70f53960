"""Record identifiers: UUID version 7 (time-ordered), as lower-case strings."""

from __future__ import annotations

import uuid


def new_id() -> str:
    # Imported on first use: uuid6 reads its own version through importlib.metadata as it loads,
    # tens of milliseconds of a cold start that makes no record.
    import uuid6

    return str(uuid6.uuid7())


def is_id(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 7
    except (ValueError, AttributeError):
        return False
