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
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailed(problems_from(exc), record) from None

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


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
