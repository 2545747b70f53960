"""Field labels and help texts, read from the models themselves.

A field a form can show carries its label as pydantic's `title` and any help text as its
`description`, both English source text marked with `N_` (so `make messages` extracts them and
es.po translates them); whoever shows one translates it then. `title` and `description` change
neither validation nor the stored JSON, only the JSON schema's wording.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel
from pydantic.config import JsonDict

from csec_desktop.domain.kinds import KINDS, model_for


def readable(name: str) -> str:
    """The default label of a field with no title: `given_on` -> "Given on"."""
    return name.replace("_", " ").capitalize()


def label(model: type[BaseModel], name: str) -> str:
    """The English label of a field (its `title`); translate it where it is shown."""
    info = model.model_fields.get(name)
    if info is not None and info.title:
        return info.title
    return readable(name)


def hint(model: type[BaseModel], name: str) -> str | None:
    """The English help text of a field (its `description`), if it has one."""
    info = model.model_fields.get(name)
    return info.description if info is not None else None


LATER: JsonDict = {"later": True}
"""`json_schema_extra` of a field a form shows under "More details" (what the record needs in the
end, not what the first entry or the rules need): Field(..., json_schema_extra=LATER)."""


def later(model: type[BaseModel], name: str) -> bool:
    """Whether a form shows this field folded away until asked for (or filled in)."""
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and extra.get("later") is True


def kind_label(kind: str, name: str) -> str:
    """The label of a field of a stored kind (a sync conflict names only the kind and field)."""
    try:
        return label(model_for(kind), name)
    except ValueError:
        return readable(name)


def inner_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside an annotation: `list[Alias]` -> [Alias]; `Placement | None` -> [Placement]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in get_args(annotation):
        found += [m for m in inner_models(argument) if m not in found]
    return found


def form_models() -> list[type[BaseModel]]:
    """Every model a form can show: the stored kinds and the items and groups inside them."""
    out: list[type[BaseModel]] = []

    def walk(model: type[BaseModel]) -> None:
        if model in out:
            return
        out.append(model)
        for info in model.model_fields.values():
            for inner in inner_models(info.annotation):
                walk(inner)

    for model in KINDS.values():
        walk(model)
    return out
