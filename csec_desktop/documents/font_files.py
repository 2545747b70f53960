"""The bundled fallback fonts' files (assets/fonts), for the PDFs (documents/fonts.py) and the
window (ui/fonts.py) alike; importing this loads no ReportLab, which the window loads only when
a document is first made."""

FALLBACK = "Fallback"  # Droid Sans Fallback: Chinese, Japanese
KOREAN = "FallbackKorean"  # NanumGothic: Hangul (Droid has three syllables of 11,172)
FALLBACKS = {FALLBACK: "DroidSansFallbackFull.ttf", KOREAN: "NanumGothic.ttf"}
"""Asked in this order for a character the main font lacks; each has one face, its own bold
and italic."""
