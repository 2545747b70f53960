"""Code sections as people write them, read into one form so a table can be matched.

"Pen. Code § 211(a)", "P.C. 211 (a)", "211a"? No: "211(a)". A count's code may be written
"PC", "P.C.", "Pen. Code", "Penal Code" or "CPC"; a section with or without spaces, "§",
"section", and its subdivisions in parentheses ("261(a)(2)") or run together after the
number ("12022.7 (e)"). A letter written straight after the number without parentheses is
part of the section number ("288a(c)" is former section 288a, subdivision (c), not 288(a)(c)).
An attempt is "664/187" or "187/664"; a conspiracy "182/211" or "182(a)(1)/211".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_CODES: dict[str, tuple[str, ...]] = {
    "PC": ("pc", "cpc", "pen", "penal", "pencode", "penalcode", "calpc", "calpencode", "calpenalcode"),
    "HS": ("hs", "hsc", "h&s", "h&sc", "health&safety", "healthandsafety", "healthandsafetycode",
           "health&safetycode"),
    "VC": ("vc", "cvc", "veh", "vehcode", "vehicle", "vehiclecode"),
    "WIC": ("wic", "wi", "w&i", "w&ic", "welf&inst", "welf&instcode", "welfareandinstitutions",
            "welfareandinstitutionscode"),
    "BP": ("bp", "b&p", "bpc", "b&pcode", "businessandprofessions", "businessandprofessionscode"),
}
_CODE_OF = {alias: code for code, aliases in _CODES.items() for alias in aliases}
_NOISE = re.compile(r"§|sections?|secs?\.?|subds?\.?|subdivisions?|paragraphs?|paras?\.?|\bof\b|\bthe\b")
ATTEMPT, CONSPIRACY = "664", "182"


def code_of(text: str | None) -> str | None:
    """"P.C." -> "PC", "Health & Safety Code" -> "HS"; None when it names no code we know."""
    if not text:
        return None
    key = re.sub(r"[^a-z&]", "", text.lower())
    for prefix in ("california", "cal"):
        if key.startswith(prefix) and key != prefix:
            key = key[len(prefix):]
            break
    return _CODE_OF.get(key) or _CODE_OF.get(key.removesuffix("code"))


@dataclass(frozen=True)
class Section:
    number: str  # "211", "12022.53", "288a"
    subdivisions: tuple[str, ...] = ()  # ("a", "2")

    def __str__(self) -> str:
        return self.number + "".join(f"({s})" for s in self.subdivisions)


@dataclass(frozen=True)
class Citation:
    code: str | None  # "PC", or None when the text named none
    section: Section
    inchoate: str | None = None
    """ATTEMPT (664) or CONSPIRACY (182) when the section is attempted or conspired to."""

    def __str__(self) -> str:
        return (f"{self.inchoate}/" if self.inchoate else "") + str(self.section)


_PART = re.compile(r"(\d+(?:\.\d+)?(?:[a-z](?![a-z]))?)(.*)", re.S)


def _section(text: str) -> Section | None:
    found = _PART.match(text.strip())
    if not found:
        return None
    number, rest = found.groups()
    subs = []
    for token in re.findall(r"[a-z]+|\d+", rest):
        if (token.isdigit() and len(token) <= 3) or (token.isalpha() and len(token) <= 4
                                                     and token not in _CODE_OF):
            subs.append(token)
        else:
            break  # "211 pc", "211 felony": the subdivisions end here
    return Section(number, tuple(subs))


def parse(text: str, code: str | None = None) -> Citation | None:
    """The citation in `text`, or None when there is no section number in it. `code` is the
    count's own code field, used when the text names none."""
    lowered = _NOISE.sub(" ", text.lower())
    first = re.search(r"\d", lowered)
    if first is None:
        return None
    named = code_of(lowered[: first.start()].strip(" ,;:-")) if lowered[: first.start()].strip() else None
    trailing = re.search(r"([a-z&.\s]+)$", lowered)
    if trailing and code_of(trailing.group(1).strip()):
        named = named or code_of(trailing.group(1).strip())
        lowered = lowered[: trailing.start()]
    parts = [p for p in (_section(p) for p in lowered[first.start():].split("/")) if p is not None]
    if not parts:
        return None
    inchoate = None
    if len(parts) > 1:
        marker = next((p for p in parts if p.number in (ATTEMPT, CONSPIRACY)), None)
        if marker is not None:
            inchoate = marker.number
            parts = [p for p in parts if p is not marker] or [marker]
    return Citation(named or code_of(code) or (code.upper() if code else None), parts[0], inchoate)


class Match(StrEnum):
    YES = "yes"
    NO = "no"
    PARTLY = "partly"  # the count names fewer subdivisions than the listed entry: cannot tell


def matches(count: Citation, listed: Citation) -> Match:
    """Whether a count falls under a listed section: the same number, and every subdivision the
    list names (a count may name more: "211(a)" is under "211"; "261" is only PARTLY under
    "261(a)(2)")."""
    if count.section.number != listed.section.number or count.inchoate != listed.inchoate:
        return Match.NO
    want, have = listed.section.subdivisions, count.section.subdivisions
    if have[: len(want)] == want:
        return Match.YES
    if len(have) < len(want) and want[: len(have)] == have:
        return Match.PARTLY
    return Match.NO
