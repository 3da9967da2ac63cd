"""Exports (data/exports.py): each file's columns and values on a hand-built
studio (money exact, times the studio's, accents and a multi-line note kept),
the clients' file read back through the import's reader, who may export, the
audit entry, and no half file when an export fails."""
import csv
import datetime as dt
import os
import tracemalloc

import pytest
from peewee import chunked

from spectra_tui.data import (client_files, clients, clock, exports, invoices, ledger, quick_sale, sessions,
                              settings, users)
from spectra_tui.data.errors import DomainError, PermissionDenied, ValidationError
from spectra_tui.data.models import AuditLog, Client, Invoice, Room

from staff import add_user

CREATED_UTC = dt.datetime(2030, 3, 4, 16, 5)  # 10:05 in Chicago

EVERY_FIELD = {
    "first_name": "José", "middle_name": "Ñandú", "last_name": "O'Brien-Núñez", "company": "Café Zoë, LLC",
    "address1": "12 Rue de l'Église", "address2": "Apt 3", "city": "Montréal", "state": "QC",
    "postal_code": "H2X 1Y4", "country": "Canada", "phone_home": "(512) 555-0101",
    "phone_mobile": "(512) 555-0102", "phone_work": "(512) 555-0103", "email": "jose@example.com",
    "birthday": dt.date(1988, 2, 29), "lead_source": "Référence", "notes": 'Likes "candid" shots,\nnot posed.\nÇa va.',
    "do_not_market": True, "do_not_call": False, "do_not_email": True, "do_not_text": False,
}


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def as_dicts(path):
    header, *rows = read(path)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def books(studio):
    """Ann Lee (studio) and José, with every field; a session in a room; an
    invoice paid, refunded in part, a payment voided; a deposit applied; a
    credit memo, an estimate, a void invoice and a Quick Sale to the walk-in."""
    settings.put("timezone", "America/Chicago")
    clock.set_clock(lambda: CREATED_UTC)
    jose = clients.save_client(None, dict(EVERY_FIELD))
    room = Room.create(name="Studio A")
    session = sessions.create_session(jose, studio.photographer, studio.session_type, dt.datetime(2030, 3, 9, 14, 30),
                                      room=room, notes="Bring the dog,\nand the grandmother")
    order = invoices.create_invoice(Invoice.INITIAL_ORDER, session=session)
    invoices.add_line(order, studio.item, quantity=3)  # 3 x $45.00 taxable at 8.25%: 135.00 + 11.14
    paid = ledger.take_payment(order, 10000, "card", "VISA 4242")
    mistaken = ledger.take_payment(order, 4614, "cash")
    void = ledger.void_entry(mistaken, "Typed twice")
    second = ledger.take_payment(order, 6000, "cash")  # 160.00 paid of 146.14: a credit of 13.86
    refund = ledger.refund(order, 1050, "card", note="Goodwill")
    deposit = ledger.take_deposit(studio.client, 2500, "check", "1207")
    generic = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.add_line(generic, description="Frame", unit_price_cents=123450, taxable=False)
    applied = ledger.apply_deposit(deposit, generic)
    memo = invoices.create_invoice(Invoice.CREDIT_MEMO, client=studio.client)
    invoices.add_line(memo, description="Goodwill credit", unit_price_cents=500, taxable=False)
    estimate = invoices.create_invoice(Invoice.ESTIMATE, client=jose)
    invoices.add_line(estimate, description="Canvas 20x30", unit_price_cents=39900, taxable=False)
    voided = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    invoices.void_invoice(voided, "Wrong client")
    sale = quick_sale.sell(None, [(studio.item, 1)], "cash", 5000)
    return locals() | {"studio": studio}


@pytest.fixture
def out(tmp_path):
    """A folder of its own for the files written (the studio's database is in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def export_to(tmp_path, what, **kw):
    path = tmp_path / f"{what}.csv"
    count = exports.export(what, path, **kw)
    return path, count


def test_the_clients_file_has_a_bom_the_import_headings_and_every_field_as_text(books, tmp_path):
    path, count = export_to(tmp_path, "clients")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    header, *rows = read(path)
    assert header == ["Client ID", *client_files.IMPORT_FIELDS.values(), "Created"]
    walk_in = quick_sale.find_walk_in()
    assert count == len(rows) == Client.select().where(Client.walk_in == False).count() == 2  # noqa: E712
    assert walk_in is None or str(walk_in.id) not in [row[0] for row in rows]  # the walk-in is not a client
    jose = dict(zip(header, next(row for row in rows if row[0] == str(books["jose"].id)), strict=True))
    assert jose["First name"] == "José" and jose["Last name"] == "O'Brien-Núñez"
    assert jose["Company"] == "Café Zoë, LLC" and jose["City"] == "Montréal"
    assert jose["Notes"] == 'Likes "candid" shots,\nnot posed.\nÇa va.'  # the lines and the quotes kept
    assert jose["Birthday"] == "1988-02-29"
    assert (jose["Do not market"], jose["Do not call"], jose["Do not email"], jose["Do not text"]) == (
        "yes", "no", "yes", "no")
    assert jose["Created"] == "2030-03-04 10:05"  # the studio's time, not UTC


def test_the_clients_file_reads_back_through_the_import_with_every_field(books, tmp_path):
    path, _count = export_to(tmp_path, "clients")
    file = client_files.open_client_file(path)
    mapping = client_files.guess_mapping(file.headers)
    assert sorted(mapping.values()) == sorted(client_files.IMPORT_FIELDS)  # every field, and only the fields
    back = {row.values["Client ID"]: client_files.mapped(row, mapping) for row in client_files.read_rows(file)}
    for client in Client.select().where(Client.walk_in == False):  # noqa: E712
        read_back = back[str(client.id)]
        for field in client_files.IMPORT_FIELDS:
            stored = getattr(client, field)
            if isinstance(stored, bool):
                stored = "yes" if stored else "no"
            elif isinstance(stored, dt.date):
                stored = stored.isoformat()
            assert read_back[field] == (stored or ""), (client.id, field)
    jose = back[str(books["jose"].id)]
    assert (jose["first_name"], jose["notes"], jose["do_not_email"]) == (
        "José", 'Likes "candid" shots,\nnot posed.\nÇa va.', "yes")


def test_the_sessions_file_says_what_the_session_record_shows(books, tmp_path):
    path, count = export_to(tmp_path, "sessions")
    rows = as_dicts(path)
    assert count == len(rows) == 1
    session = books["session"]
    assert rows[0] == {
        "Session": str(session.number), "Client ID": str(books["jose"].id), "Client": "José Ñandú O'Brien-Núñez",
        "Session type": "Family", "Status": session.status, "Photographer": "Ava Reyes",
        "Start": "2030-03-09 14:30", "End": "2030-03-09 16:00", "Minutes": "90", "Room": "Studio A",
        "Notes": "Bring the dog,\nand the grandmother", "Created": "2030-03-04 10:05",
    }


def test_the_invoices_file_has_exact_money_kinds_and_states(books, tmp_path):
    path, count = export_to(tmp_path, "invoices")
    rows = {row["Invoice"]: row for row in as_dicts(path)}
    assert count == len(rows) == Invoice.select().count()
    order = rows[str(books["order"].number)]
    assert (order["Kind"], order["Session"], order["Client"]) == ("Initial Order", str(books["session"].number),
                                                                  "José Ñandú O'Brien-Núñez")
    # 100.00 + 60.00 paid (46.14 voided), 10.50 refunded: 149.50 paid of 146.14, a credit of 3.36
    assert (order["Subtotal"], order["Tax"], order["Total"], order["Paid"], order["Balance"], order["Status"]) == (
        "135.00", "11.14", "146.14", "149.50", "-3.36", "Credit")
    generic = rows[str(books["generic"].number)]
    assert (generic["Total"], generic["Paid"], generic["Balance"], generic["Session"]) == (
        "1234.50", "25.00", "1209.50", "")
    memo = rows[str(books["memo"].number)]
    assert (memo["Kind"], memo["Total"], memo["Status"]) == ("Credit Memo", "-5.00", "Credit")
    estimate = rows[f"E{books['estimate'].number}"]
    assert (estimate["Kind"], estimate["Total"], estimate["Status"]) == ("Estimate", "399.00", "Estimate")
    assert rows[str(books["voided"].number)]["Status"] == "Void"
    assert all(row["Date"] == "2030-03-04" for row in rows.values())


def test_the_payments_file_has_every_money_entry_signed_with_its_void(books, tmp_path):
    path, count = export_to(tmp_path, "payments")
    rows = {row["Entry"]: row for row in as_dicts(path)}
    assert count == len(rows) == 8  # the Quick Sale's payment too
    walk_in = quick_sale.find_walk_in()
    assert rows[str(books["sale"].payment.id)]["Client ID"] == str(walk_in.id)
    paid, mistaken, void, refund = (rows[str(books[name].id)] for name in ("paid", "mistaken", "void", "refund"))
    number = str(books["order"].number)
    assert (paid["Kind"], paid["Method"], paid["Reference"], paid["Invoice"], paid["Amount"], paid["Voided by"]) == (
        "Payment", "card", "VISA 4242", number, "100.00", "")
    assert (mistaken["Amount"], mistaken["Voided by"]) == ("46.14", str(books["void"].id))
    assert (void["Kind"], void["Amount"], void["Related entry"], void["Note"]) == (
        "Void", "-46.14", str(books["mistaken"].id), "Typed twice")
    assert (refund["Kind"], refund["Amount"], refund["Note"]) == ("Refund", "-10.50", "Goodwill")
    deposit, applied = rows[str(books["deposit"].id)], rows[str(books["applied"].id)]
    assert (deposit["Kind"], deposit["Amount"], deposit["Invoice"], deposit["Client"]) == (
        "Deposit", "25.00", "", "Ann Lee")
    assert (applied["Kind"], applied["Invoice"], applied["Related entry"]) == (
        "Deposit applied", str(books["generic"].number), str(books["deposit"].id))
    assert paid["Date"] == "2030-03-04 10:05" and paid["By"] == "rita"


def test_exporting_is_for_a_manager_or_the_owner(books, out):
    users.sign_in(add_user("fran", "Fran Diaz", "front_desk"))
    with pytest.raises(PermissionDenied, match="export the studio's data"):
        exports.export("clients", out / "clients.csv")
    assert list(out.iterdir()) == []


def test_an_export_is_audited_with_who_what_how_many_and_the_file(books, tmp_path):
    path, count = export_to(tmp_path, "sessions")
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.action, entry.entity, entry.user_name) == ("export.sessions", "export", "rita")
    assert f'"rows":{count}' in entry.after.replace(" ", "") and str(path) in entry.after


def test_an_existing_file_is_replaced_only_when_asked(books, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text("someone's own spreadsheet", encoding="utf-8")
    with pytest.raises(exports.ExportFileExists, match="already exists"):
        exports.export("clients", path)
    assert path.read_text(encoding="utf-8") == "someone's own spreadsheet"
    assert exports.export("clients", path, overwrite=True) == 2
    assert read(path)[0][0] == "Client ID"


def test_a_failed_export_leaves_no_half_file_and_no_audit(books, out, monkeypatch):
    path = out / "clients.csv"
    before = AuditLog.select().count()
    monkeypatch.setattr(exports, "PAGE_SIZE", 1)

    def fail_on_the_second_page(done):
        if done == 2:
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        exports.export("clients", path, progress=fail_on_the_second_page)
    assert list(out.iterdir()) == [] and AuditLog.select().count() == before
    path.write_text("kept", encoding="utf-8")
    with pytest.raises(RuntimeError):
        exports.export("clients", path, progress=fail_on_the_second_page, overwrite=True)
    assert path.read_text(encoding="utf-8") == "kept" and list(out.iterdir()) == [path]


def test_a_folder_that_cannot_be_written_is_said_in_words(books):
    with pytest.raises(DomainError, match="Cannot write in /proc"):
        exports.export("clients", "/proc/clients.csv")


def test_a_folder_or_a_missing_folder_is_refused_in_words(books, tmp_path):
    with pytest.raises(ValidationError, match="is a folder"):
        exports.export("clients", tmp_path)
    with pytest.raises(ValidationError, match="There is no folder"):
        exports.export("clients", tmp_path / "nowhere" / "clients.csv")
    with pytest.raises(ValidationError, match="not an export"):
        exports.export("photos", tmp_path / "photos.csv")


def test_the_default_file_is_in_the_documents_folder_named_by_the_studio_s_today(books, tmp_path):
    settings.put("documents_folder", str(tmp_path / "docs"))
    clock.set_clock(lambda: dt.datetime(2030, 3, 5, 3, 0))  # still the 4th in Chicago
    path = exports.default_path("clients")
    assert path == tmp_path / "docs" / "clients-2030-03-04.csv"
    assert exports.export("clients", path) == 2  # the documents folder is made
    assert exports.rows_written("payments", 1) == "1 ledger entry"
    assert exports.rows_written("clients", 1204) == "1,204 clients"


def test_many_clients_are_written_in_pages_in_constant_memory(studio, tmp_path, monkeypatch):
    many = [{"first_name": f"First{n}", "last_name": f"Last{n}", "notes": "x" * 500} for n in range(6000)]
    for batch in chunked(many, 500):
        Client.insert_many(batch).execute()
    pages = []
    monkeypatch.setattr(exports, "PAGE_SIZE", 250)
    tracemalloc.start()
    try:
        count = exports.export("clients", tmp_path / "many.csv", progress=pages.append)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = os.path.getsize(tmp_path / "many.csv")
    assert count == 6001 and pages[-1] == 6001 and len(pages) == 25  # page by page, never the whole table
    # all the rows as models would take several times the file; a page at a time, less than half of it
    assert size > 3_000_000 and peak < size / 2, (peak, size)


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_inert_and_reads_back(books, tmp_path):
    sly = clients.save_client(None, {"first_name": "Eve", "last_name": "Mallory",
                                     "company": '=HYPERLINK("http://evil.example","Click")',
                                     "notes": "@SUM(1+1)\nsecond line", "phone_mobile": "+1 (512) 555-0199"})
    path, _count = export_to(tmp_path, "clients")
    row = next(r for r in as_dicts(path) if r["Client ID"] == str(sly.id))
    assert row["Company"] == '\'=HYPERLINK("http://evil.example","Click")'  # a spreadsheet shows it as text
    assert row["Notes"].startswith("'@SUM")
    assert not row["Mobile phone"].startswith("'")
    file = client_files.open_client_file(path)
    mapping = client_files.guess_mapping(file.headers)
    back = next(client_files.mapped(r, mapping) for r in client_files.read_rows(file)
                if r.values["Client ID"] == str(sly.id))
    assert back["company"] == sly.company and back["notes"] == sly.notes


def test_spreadsheet_cells_leave_numbers_phones_and_dates_alone():
    from spectra_tui.data.text import from_spreadsheet_cell, spreadsheet_cell

    for plain in ("-12.50", "+1 (512) 867-5309", "2030-03-04", "O'Brien", "", "a=b"):
        assert spreadsheet_cell(plain) == plain and from_spreadsheet_cell(plain) == plain
    for risky in ("=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(A1)", "\t=1"):
        assert spreadsheet_cell(risky) == "'" + risky and from_spreadsheet_cell(spreadsheet_cell(risky)) == risky
