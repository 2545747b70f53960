"""Shared base for record bodies and the conversion of pydantic errors to ours."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from csec_desktop.errors import FieldProblem, ValidationFailed


class Body(BaseModel):
    """The JSON body of a stored record. Unknown fields are refused, not dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    kind: ClassVar[str]
    owner_field: ClassVar[str | None] = None
    """The field naming the youth this record belongs to (None for the youth itself)."""

    @classmethod
    def parse(cls, data: Any, record: str | None = None) -> Self:
        """Check what is written (a form, an import, an update): the model, and no hidden
        characters in any text. Reading a stored record uses model_validate and never refuses
        on these, so a record written before this check still opens."""
        hidden = hidden_characters(data)
        try:
            body = cls.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailed([*hidden, *problems_from(exc)], record) from None
        if hidden:
            raise ValidationFailed(hidden, record)
        return body

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


HIDDEN = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0),
                    *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""NUL and the other control characters (tab, line feed and carriage return allowed), and the
text-direction embeddings, overrides and isolates: invisible on screen, they can make a name read
as another (a right-to-left override reverses what follows) or break a file or a terminal."""


def hidden_characters(data: Any, path: str = "") -> list[FieldProblem]:
    """A problem for every text in `data` (nested dicts and lists) holding a HIDDEN character."""
    if isinstance(data, str):
        found = next((ch for ch in data if ord(ch) in HIDDEN), None)
        if found is None:
            return []
        return [FieldProblem(path or "(record)", f"contains a hidden control or text-direction character "
                                                 f"(U+{ord(found):04X}); remove it")]
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list | tuple):
        items = list(enumerate(data))
    else:
        return []
    return [problem for key, value in items
            for problem in hidden_characters(value, f"{path}.{key}" if path else str(key))]


def check_phone(value: str | None) -> str | None:
    """A phone number people will dial: at least seven digits (extensions and brackets allowed)."""
    if value and sum(ch.isdigit() for ch in value) < 7:
        raise ValueError("needs at least 7 digits")
    return value or None


def check_email(value: str | None) -> str | None:
    if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
        raise ValueError("is not an e-mail address")
    return value or None


def problems_from(exc: ValidationError) -> list[FieldProblem]:
    out: list[FieldProblem] = []
    for err in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(p) for p in err["loc"]) or "(record)"
        message = err["msg"]
        # pydantic prefixes messages from our own validators with "Value error, ".
        message = message.removeprefix("Value error, ")
        out.append(FieldProblem(path, message))
    return out
