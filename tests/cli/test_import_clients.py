"""`spectra import-clients FILE` as the owner runs it at a shell: what it
prints, its exit codes, the rejects file, --mapping / --save-mapping,
--dry-run, --duplicates, and files that are not client files (one line,
never a traceback)."""
import json
import sqlite3
from pathlib import Path

import pytest
import shell

AS_ADMIN = {"SPECTRA_USER": "admin", "SPECTRA_PASSWORD": "1234"}  # the demo's owner


def spectra(*args, user=AS_ADMIN):
    return shell.spectra(*args, env=user)


def query(path, sql, *params):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-import-clients") / "demo.db"
    result = spectra("--db", path, "demo", "--clients", 20)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def studio_db(demo_template, tmp_path):
    path = tmp_path / "studio.db"
    source, dest = sqlite3.connect(demo_template), sqlite3.connect(path)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return path


def clients(db):
    return query(db, "SELECT count(*) FROM client")[0][0]


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


GOOD = ("First Name,Last Name,E-mail Address,Mobile Phone,Birthday,Notes\r\n"
        'ann,lee,ann.lee@example.com,512 867 5309,05/14/1990,"likes blue\nand green"\r\n'
        "Cy,Twombly,,(512) 555-0134,0/0/00,\r\n")
WITH_BAD = GOOD + "Bob,Stone,ann@,,,\r\nDee,Dee,,,02/30/1990,\r\n"


def test_a_good_file_is_imported_and_exits_zero(studio_db, tmp_path):
    before = clients(studio_db)
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "clients.csv", GOOD))
    assert result.returncode == 0, result.stderr
    assert "clients.csv: CSV, utf-8, comma-separated, 6 columns" in result.stdout
    assert "  E-mail Address -> Email" in result.stdout
    assert "Done: imported 2, skipped 0, merged 0, rejected 0." in result.stdout
    assert clients(studio_db) == before + 2
    assert query(studio_db, "SELECT first_name, last_name, phone_mobile, birthday, notes FROM client "
                            "WHERE last_name = 'Lee' AND first_name = 'Ann'") == [
        ("Ann", "Lee", "(512) 867-5309", "1990-05-14", "likes blue\nand green")]
    assert not (tmp_path / "clients.rejects.csv").exists()
    entry = query(studio_db, "SELECT user_name, after FROM audit_log WHERE action = 'client.import'")
    assert entry[0][0] == "admin" and json.loads(entry[0][1])["imported"] == 2
    checked = spectra("--db", studio_db, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_same_file_again_skips_every_row_and_exits_zero(studio_db, tmp_path):
    path = write(tmp_path / "clients.csv", GOOD)
    spectra("--db", studio_db, "import-clients", path)
    again = spectra("--db", studio_db, "import-clients", path)
    assert again.returncode == 0
    assert "row 2: the same person as Ann Lee (client #" in again.stdout
    assert "Done: imported 0, skipped 2, merged 0, rejected 0." in again.stdout


def test_rejected_rows_refuse_the_file_and_are_written_beside_it(studio_db, tmp_path):
    before = clients(studio_db)
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "clients.csv", WITH_BAD))
    assert result.returncode == 2
    assert "row 4: E-mail Address: 'ann@' is not a valid email address" in result.stdout
    assert "row 5: Birthday: '02/30/1990' is not a date" in result.stdout
    assert "Nothing was imported: 2 rows were rejected." in result.stdout
    assert clients(studio_db) == before
    rejects = (tmp_path / "clients.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "Row,Reason,First Name,Last Name,E-mail Address,Mobile Phone,Birthday,Notes"
    assert rejects[1].startswith("4,E-mail Address: 'ann@'") and rejects[1].endswith(",Bob,Stone,ann@,,,")


def test_accept_valid_imports_the_others_and_exits_one(studio_db, tmp_path):
    before = clients(studio_db)
    elsewhere = tmp_path / "bad" / "rows.csv"
    elsewhere.parent.mkdir()
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "clients.csv", WITH_BAD),
                     "--accept-valid", "--rejects", elsewhere)
    assert result.returncode == 1
    assert "Done: imported 2, skipped 0, merged 0, rejected 2." in result.stdout
    assert clients(studio_db) == before + 2
    assert len(elsewhere.read_text(encoding="utf-8").splitlines()) == 3


def test_a_rejects_file_that_cannot_be_written_is_one_line(studio_db, tmp_path):
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "clients.csv", WITH_BAD),
                     "--rejects", tmp_path / "no-such-folder" / "x.csv")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"spectra: cannot write the rejects file {tmp_path}/no-such-folder/x.csv: "
                                     "No such file or directory")
    assert "row 4: E-mail Address:" in result.stdout and "Nothing was imported" in result.stdout


def test_a_dry_run_changes_nothing(studio_db, tmp_path):
    before = query(studio_db, "SELECT count(*), (SELECT count(*) FROM audit_log) FROM client")
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "clients.csv", GOOD + GOOD.split("\r\n", 1)[1]),
                     "--dry-run")
    assert result.returncode == 0
    assert "row 5: the same person as row 3: would be skipped" in result.stdout
    assert "Dry run, nothing changed. It would be: imported 2, skipped 2, merged 0, rejected 0." in result.stdout
    assert query(studio_db, "SELECT count(*), (SELECT count(*) FROM audit_log) FROM client") == before


def test_duplicates_merged(studio_db, tmp_path):
    spectra("--db", studio_db, "import-clients", write(tmp_path / "a.csv", GOOD))
    more = "First Name,Last Name,Mobile Phone,City\r\nAnn,Lee,5128675309,austin\r\n"
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "b.csv", more), "--duplicates", "merge")
    assert result.returncode == 0
    assert "Done: imported 0, skipped 0, merged 1, rejected 0." in result.stdout
    assert query(studio_db, "SELECT city FROM client WHERE last_name = 'Lee' AND first_name = 'Ann'") == [("Austin",)]


def test_accented_names_in_cp1252(studio_db, tmp_path):
    # (the curly apostrophe is a byte only Windows-1252 defines: the file is cp1252, not Latin-1)
    text = "First Name;Last Name;Company\r\nJosé;Núñez;\r\nZoë;O’Brien-Mañá;Café Crème €\r\n"
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "excel.csv", text, "cp1252"))
    assert result.returncode == 0, result.stdout
    assert "excel.csv: CSV, cp1252, semicolon-separated, 3 columns" in result.stdout
    assert set(query(studio_db, "SELECT first_name, last_name, company FROM client WHERE id > 20")) == {
        ("José", "Núñez", ""), ("Zoë", "O’Brien-Mañá", "Café Crème €")}


def test_a_mapping_template(studio_db, tmp_path):
    text = "Nom,Prénom,Courriel\r\nQuayle,Ann,ann@example.com\r\n"
    path = write(tmp_path / "fr.csv", text)
    refused = spectra("--db", studio_db, "import-clients", path)
    assert refused.returncode == 2
    assert "No column for a name" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    template = write(tmp_path / "fr.json", json.dumps(
        {"version": 1, "columns": {"Nom": "last_name", "Prénom": "first_name", "Courriel": "email"}}))
    saved = tmp_path / "again.json"
    result = spectra("--db", studio_db, "import-clients", path, "--mapping", template, "--save-mapping", saved)
    assert result.returncode == 0, result.stderr
    assert f"Mapping (from {template}):" in result.stdout and "  Courriel -> Email" in result.stdout
    assert query(studio_db, "SELECT email FROM client WHERE last_name = 'Quayle'") == [("ann@example.com",)]
    assert json.loads(saved.read_text())["columns"] == {"Nom": "last_name", "Prénom": "first_name",
                                                         "Courriel": "email"}


@pytest.mark.parametrize("name, content, says", [
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
    ("empty.csv", b"", "empty"),
])
def test_a_file_that_is_not_a_client_file_gets_one_line(studio_db, tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    result = spectra("--db", studio_db, "import-clients", path)
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_the_front_desk_may_not_import(studio_db, tmp_path):
    result = spectra("--db", studio_db, "import-clients", write(tmp_path / "clients.csv", GOOD),
                     user={"SPECTRA_USER": "rita", "SPECTRA_PASSWORD": "1234"})
    assert result.returncode == 2
    assert "Only a manager or the owner may import clients" in result.stderr
