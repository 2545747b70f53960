"""Registry of storable record kinds. Later modules add theirs with `register`."""

from __future__ import annotations

from csec_desktop.domain.base import Body
from csec_desktop.domain.youth import CaseNote, Contact, Youth

KINDS: dict[str, type[Body]] = {}


def register(model: type[Body]) -> type[Body]:
    KINDS[model.kind] = model
    return model


for _model in (Youth, Contact, CaseNote):
    register(_model)


def model_for(kind: str) -> type[Body]:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown record kind {kind!r}") from None


# The other record kinds register themselves when their modules load; load them here so any
# code that reads records can parse every kind.
from csec_desktop.domain import csec, directory, duties, efc, protection, services, vacatur  # noqa: E402, F401
