"""Translated text for the core: the gettext catalogs of every language the app speaks.

`N_` marks a string for extraction and returns it unchanged; whoever shows it
translates it then. Catalogs are the .po files in csec_desktop/locale (extracted and
merged with Babel, `make messages`); they are compiled in memory when loaded, so
there is no build step and no compiled file to fall out of date. The interface
(ui/i18n.py) and printed documents share them.
"""

from __future__ import annotations

import gettext
import io
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}


def N_(message: str) -> str:
    return message


class Line(str):
    """A sentence made from a template marked for translation and its values.

    As a str it is the English sentence (for the audit trail, JSON and the CLI); a screen or a
    document says it in its own language with `in_language`. Values are shown as they are
    (dates in ISO form, codes), so only the template is translated.
    """

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Line:
        line = super().__new__(cls, msgid.format(**values))
        line.msgid = msgid
        line.values = values
        return line

    def in_language(self, gettext_: Callable[[str], str]) -> str:
        """The sentence in gettext_'s language; values that are Lines themselves are said in it too."""
        values = {k: v.in_language(gettext_) if isinstance(v, Line) else v for k, v in self.values.items()}
        return gettext_(self.msgid).format(**values)


def W(msgid: str, **values: object) -> Line:
    """A "why" line of a rule (extracted for translation like N_)."""
    return Line(msgid, **values)


def folded(text: str) -> str:
    """A text as names are compared and put in order: case and accents aside, so that Álvarez
    comes between Alvarado and Ames and Ñúñez beside Nunes, not after Zamora (code-point order
    put every accented capital after z)."""
    if text.isascii():  # nearly every name: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def say(text: str, gettext_: Callable[[str], str]) -> str:
    """A Line in the language of `gettext_`; any other text as it is."""
    return text.in_language(gettext_) if isinstance(text, Line) else text


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The catalog for a language code; English is the source text itself."""
    if code not in LANGUAGES:
        raise ValueError(f"no language {code!r}; choose one of {', '.join(LANGUAGES)}")
    if code == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{code}.po").open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
