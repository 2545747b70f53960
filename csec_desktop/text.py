"""Marking text for translation in the core, which never translates anything itself.

`N_` returns its argument unchanged; Babel's extractor collects the marked strings
so the interface (ui/i18n.py) can show them in the user's language.
"""


def N_(message: str) -> str:
    return message
