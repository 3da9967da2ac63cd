"""`spectra export clients|sessions|invoices|payments --out FILE.csv [--force]`
as a manager runs it: the file and the line it prints, an existing file kept
unless --force, and a refusal (front desk, a missing folder) in one line with
exit code 2, never a traceback."""
import csv

import pytest

from spectra_tui.cli import export as export_command
from spectra_tui.data import clients, exports, invoices, ledger
from spectra_tui.data.models import AuditLog, Invoice

from staff import add_user
import shell

PIN = "2468"


def spectra(*args):
    return shell.spectra(*args, env={"SPECTRA_PASSWORD": PIN})


@pytest.fixture
def books(studio, db_target, tmp_path):
    add_user("mia", "Mia Chen", "manager", password=PIN)
    add_user("fran", "Fran Diaz", "front_desk", password=PIN)
    zoe = clients.save_client(None, {"first_name": "Zoë", "last_name": "D'Arcy", "notes": "Two lines,\nwith a comma"})
    invoice = invoices.create_invoice(Invoice.GENERIC, client=zoe)
    invoices.add_line(invoice, description="Canvas", unit_price_cents=123450, taxable=False)
    ledger.take_payment(invoice, 23450, "card")
    out = tmp_path / "out"
    out.mkdir()
    return db_target, out


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_command_offers_every_export():
    assert export_command.WHAT == tuple(exports.EXPORTS)


def test_a_manager_exports_each_kind_and_is_told_how_many(books):
    db, out = books
    for what, count, noun in (("clients", 2, "clients"), ("sessions", 0, "sessions"),
                              ("invoices", 1, "invoice"), ("payments", 1, "ledger entry")):
        path = out / f"{what}.csv"
        result = spectra("--db", db, "--user", "mia", "export", what, "--out", path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"Wrote {count} {noun} to {path}"
        assert len(read(path)) == count
    zoe = next(row for row in read(out / "clients.csv") if row["First name"] == "Zoë")
    assert (zoe["Last name"], zoe["Notes"]) == ("D'Arcy", "Two lines,\nwith a comma")
    (invoice,) = read(out / "invoices.csv")
    assert (invoice["Total"], invoice["Paid"], invoice["Balance"]) == ("1234.50", "234.50", "1000.00")
    assert [entry.user_name for entry in AuditLog.select().where(AuditLog.entity == "export")] == ["mia"] * 4


def test_an_existing_file_is_kept_unless_force(books):
    db, out = books
    path = out / "clients.csv"
    path.write_text("the accountant's own file", encoding="utf-8")
    refused = spectra("--db", db, "--user", "mia", "export", "clients", "--out", path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"spectra: {path} already exists. Add --force to replace it, or choose another --out.")
    assert path.read_text(encoding="utf-8") == "the accountant's own file"
    forced = spectra("--db", db, "--user", "mia", "export", "clients", "--out", path, "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(read(path)) == 2


def test_front_desk_is_refused_in_one_line_and_nothing_is_written(books):
    db, out = books
    result = spectra("--db", db, "--user", "fran", "export", "payments", "--out", out / "payments.csv")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "spectra: Only a manager or the owner may export the studio's data; "
        "Fran Diaz is signed in as front desk.")
    assert list(out.iterdir()) == []


def test_a_missing_folder_or_an_unknown_export_is_one_line(books):
    db, out = books
    missing = spectra("--db", db, "--user", "mia", "export", "clients", "--out", out / "nowhere" / "c.csv")
    assert missing.returncode == 2 and missing.stderr.strip() == (
        f"spectra: There is no folder {out / 'nowhere'}: choose a folder that exists.")
    unknown = spectra("--db", db, "--user", "mia", "export", "photos", "--out", out / "p.csv")
    assert unknown.returncode == 2 and "invalid choice: 'photos'" in unknown.stderr
    assert list(out.iterdir()) == []
