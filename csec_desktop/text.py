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
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}


def N_(message: str) -> str:
    return message


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
