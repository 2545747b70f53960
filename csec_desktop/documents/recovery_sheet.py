"""The one-page county recovery sheet printed at first run, in English or Spanish."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from csec_desktop import APP_NAME
from csec_desktop.documents.page import Footer, Texts, checkbox, para, render, signature_block
from csec_desktop.text import N_

NOTICE = N_("CONFIDENTIAL: this key opens the encrypted case vault. Store it sealed.")


def recovery_sheet(*, county: str, secret: str, made_on: date, lang: str = "en") -> bytes:
    texts = Texts(lang)
    t = texts.t
    key_lines = [secret[i:i + 19] for i in range(0, len(secret), 20)]  # two rows of four groups
    story: list[Flowable] = [
        para(t("County recovery key"), "title"),
        para(t("{app} · {county} · made on {day}").format(app=APP_NAME, county=county,
                                                         day=made_on.isoformat())),
        Spacer(1, 0.25 * inch),
        *[para(line, "title") for line in key_lines],
        Spacer(1, 0.2 * inch),
        para(t("What this key is"), "heading"),
        texts.block("With this key, county IT can open the case vault on this workstation and restore it "
                    "from a backup if every passphrase is lost. Anyone who holds it can read every record "
                    "in the vault."),
        para(t("How to keep it"), "heading"),
        checkbox(False, t("Seal this sheet in an envelope, sign across the seal and date it.")),
        checkbox(False, t("Give it to county IT for locked storage, away from this computer.")),
        checkbox(False, t("Never photograph, scan, e-mail or type this key anywhere else.")),
        checkbox(False, t("If the key may have been seen, tell county IT: they rotate the vault's key.")),
        para(t("Using it"), "heading"),
        texts.block("Use of the recovery key is written in the vault's audit trail. Instructions are in "
                    "docs/recovery.md."),
        Spacer(1, 0.3 * inch),
        signature_block([t("Administrator who created the vault"), t("County IT, received for storage")],
                        t("Date")),
    ]
    return render(story, title=t("County recovery sheet"),
                  footer=Footer(notice=t(NOTICE), page_label=texts.page_label))
