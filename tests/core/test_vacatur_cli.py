"""`csec directory import FILE.csv` (the county's agency list, where prosecutors are served) and
`csec document vacatur_packet --youth ID --petition ID`, which prints the petition named."""

from __future__ import annotations

import io
from pathlib import Path

from csec_desktop import cli, directory
from csec_desktop.documents.vacatur import page_texts
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, WORKER_PASS
from tests.core import vacatur_fixtures as fx


def _csec(folder: Path, user: str, passphrase: str, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["--vault", str(folder), "--user", user, "--passphrase-stdin", *argv],
                    stdin=io.StringIO(passphrase + "\n"), stdout=out)
    return code, out.getvalue()


def test_directory_import_takes_the_agency_list(admin: Vault, tmp_path: Path) -> None:
    csv = tmp_path / "agencies.csv"
    csv.write_text("name,services,address,phone\n"
                   "Fictional City Attorney,Prosecuting agency,2 Hall Way Demo City CA 90000,(555) 010-0303\n"
                   ",Prosecuting agency,nowhere,\n", "utf-8")
    code, said = _csec(admin.folder, "admin", ADMIN_PASS, "directory", "import", str(csv), "--dry-run")
    assert code == cli.EXIT_ERROR and "line 3: name" in said and "nothing written" in said
    assert not any(e.body.name == "Fictional City Attorney" for e in directory.entries(admin))  # type: ignore[attr-defined]
    code, said = _csec(admin.folder, "admin", ADMIN_PASS, "directory", "import", str(csv))
    assert "Added 1, updated 0, refused 1." in said
    names = {e.body.name: e.body.address for e in directory.entries(admin)}  # type: ignore[attr-defined]
    assert names["Fictional City Attorney"] == "2 Hall Way Demo City CA 90000"
    bad = tmp_path / "bad.csv"
    bad.write_text("title,services\nx,y\n", "utf-8")
    code, said = _csec(admin.folder, "admin", ADMIN_PASS, "directory", "import", str(bad))
    assert code == cli.EXIT_ERROR and "title: is not a column" in said and "Nothing imported" in said


def test_document_honours_the_petition_id(admin: Vault, tmp_path: Path) -> None:
    attorney = fx.attorney_of(admin)
    try:
        youth_id = fx.youth(admin)
        first = fx.petition(attorney, youth_id, [fx.ADULT])
        fx.petition(attorney, youth_id, [fx.JUVENILE], public_name="M. X.")
    finally:
        attorney.close()
    out = tmp_path / "packet.pdf"
    code, said = _csec(admin.folder, "alex", WORKER_PASS, "document", "vacatur_packet", "--youth", youth_id,
                       "--petition", first, "--out", str(out), "--purpose", "file with the court")
    assert code == 0, said
    text = " ".join(page_texts(out.read_bytes()))
    assert "23CR-004567" in text and "M. X." not in text and "JV-0099" not in text
    code, _said = _csec(admin.folder, "alex", WORKER_PASS, "document", "vacatur_packet", "--youth", youth_id,
                        "--out", str(tmp_path / "x.pdf"), "--purpose", "file with the court")
    assert code == cli.EXIT_ERROR and not (tmp_path / "x.pdf").exists()
