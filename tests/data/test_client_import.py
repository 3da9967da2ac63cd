"""Import Clients, the running side (data/client_import.py): every row cleaned
with the client form's rules or rejected with its row number and a reason;
duplicates against the studio and within the file, skipped, merged or
imported; one transaction (all or nothing, accept_valid, dry run); the
permission; the audit entries; `spectra check` passes after an import."""
import csv
import datetime as dt
import json

import pytest

from staff import add_user  # tests/ is on sys.path
from spectra_tui.data import check, clients, users
from spectra_tui.data.client_import import (
    Duplicates,
    Source,
    clean_row,
    fill_empty,
    import_rows,
    write_rejected_rows,
)
from spectra_tui.data.client_files import SourceRow
from spectra_tui.data.errors import PermissionDenied
from spectra_tui.data.models import AuditLog, Client

LABELS = {"first_name": "First name", "last_name": "Last name", "email": "Email", "birthday": "Birthday",
          "phone_mobile": "Mobile phone", "phone_home": "Home phone", "company": "Company", "notes": "Notes",
          "city": "City", "do_not_call": "Do not call"}
MAPPING = {heading: field for field, heading in LABELS.items()}
SOURCE = Source("clients.csv", "ab" * 32)


def rows(*fields_per_row):
    """The rows of a file whose columns are LABELS' headings, numbered 2, 3, ... as a spreadsheet numbers them."""
    return [SourceRow(number, {LABELS[k]: v for k, v in fields.items()}) for number, fields in enumerate(fields_per_row, 2)]


def run(*fields_per_row, **options):
    return import_rows(rows(*fields_per_row), MAPPING, SOURCE, **options)


ANN = {"first_name": "ann", "last_name": "lee", "phone_mobile": "512 867 5309", "email": "ann.lee@example.com"}
BOB = {"first_name": "Bob", "last_name": "Stone", "phone_mobile": "(512) 555-0134"}


def names():
    return sorted((c.first_name, c.last_name) for c in Client.select())


# ---------------------------------------------------------------- each rule


def test_rows_are_cleaned_as_the_client_form_cleans_them(db):
    result = run({**ANN, "city": "round rock", "birthday": "05/14/1990", "do_not_call": "Yes"},
                 {"first_name": "JOSÉ", "last_name": "o'brien", "birthday": "14.05.1990", "do_not_call": "no"},
                 {"company": "acme photo llc", "birthday": "1990-05-14", "do_not_call": ""})
    assert (result.imported, result.rejected, result.committed) == (3, [], True)
    ann = Client.get(Client.last_name == "Lee")
    assert (ann.first_name, ann.phone_mobile, ann.city, ann.birthday, ann.do_not_call) == (
        "Ann", "(512) 867-5309", "Round Rock", dt.date(1990, 5, 14), True)
    jose = Client.get(Client.last_name == "O'Brien")
    assert (jose.first_name, jose.birthday, jose.do_not_call) == ("JOSÉ", dt.date(1990, 5, 14), False)
    assert Client.get(Client.company == "Acme Photo LLC").birthday == dt.date(1990, 5, 14)


def test_imported_clients_are_found_by_the_search(db):
    run(ANN, {"first_name": "José", "last_name": "Núñez", "city": "Austin"})
    assert [c.full_name for c in clients.search_clients(clients.ClientQuery(name="nunez"))] == ["José Núñez"]
    assert [c.full_name for c in clients.search_clients(clients.ClientQuery(phone="5128675309"))] == ["Ann Lee"]
    assert [c.full_name for c in clients.search_clients(clients.ClientQuery(email="ann.lee@"))] == ["Ann Lee"]


@pytest.mark.parametrize("fields, reason", [
    ({"first_name": "", "last_name": "", "email": "x@example.com"}, "no name"),
    ({"last_name": "Lee", "email": "ann@"}, "Email: 'ann@' is not a valid email address"),
    ({"last_name": "Lee", "birthday": "02/30/1990"}, "Birthday: '02/30/1990' is not a date"),
    ({"last_name": "Lee", "birthday": "01/01/2090"}, "Birthday: A birthday cannot be in the future."),
    ({"last_name": "Lee", "phone_mobile": "12345"}, "Mobile phone: '12345' is not a valid phone number"),
    ({"last_name": "L" * 201}, "Last name: The last name is too long (201 characters, at most 200)."),
    ({"last_name": "Lee", "city": "Aus\x1b]0;pwned\x07tin"}, "City: holds a control character (U+001B)"),
    ({"last_name": "Lee", "do_not_call": "maybe"}, "Do not call: 'maybe' is not yes or no."),
    ({"last_name": "", "first_name": " "}, "Last name: no name: the row has no first name, last name or company."),
])
def test_each_bad_row_is_rejected_with_its_number_and_reason(db, fields, reason):
    result = run(BOB, fields, accept_valid=True)
    assert result.imported == 1 and len(result.rejected) == 1
    rejected = result.rejected[0]
    assert rejected.number == 3 and reason in rejected.reason
    assert rejected.values == {LABELS[k]: v for k, v in fields.items()}
    assert names() == [("Bob", "Stone")]


def test_a_row_with_several_bad_fields_names_them_all(db):
    result = run({"last_name": "Lee", "email": "ann@", "birthday": "13/13/1990"}, accept_valid=True)
    assert "Email:" in result.rejected[0].reason and "Birthday:" in result.rejected[0].reason


def test_notes_keep_their_lines_and_tabs(db):
    run({**BOB, "notes": "likes\tblue\r\nsecond line"})
    assert Client.get().notes == "likes\tblue\nsecond line"


# ---------------------------------------------------------------- date and flag variants (clients.py)


@pytest.mark.parametrize("typed, day", [
    ("05/14/1990", dt.date(1990, 5, 14)), ("14.05.1990", dt.date(1990, 5, 14)), ("1990-05-14", dt.date(1990, 5, 14)),
    ("1990/05/14", dt.date(1990, 5, 14)), ("05/14/90", dt.date(1990, 5, 14)), ("05/14/45", dt.date(1945, 5, 14)),
    ("05/14/05", dt.date(2005, 5, 14)),
])
def test_birthdays_as_files_write_them(db, typed, day):
    assert clients.parse_birthday(typed) == day


@pytest.mark.parametrize("typed, value", [
    ("Yes", True), ("TRUE", True), ("x", True), ("1", True), ("", False), ("No", False), ("FALSE", False), ("0", False),
])
def test_yes_no_as_files_write_them(typed, value):
    assert clients.parse_flag(typed, "do_not_call") is value


def test_clean_row_gives_the_reason_as_text():
    assert clean_row({"first_name": "", "last_name": ""}, {}) == "Last name: no name: the row has no first name, last name or company."
    assert clean_row({"email": "a@example.com"}, LABELS).startswith("Last name: no name")


# ---------------------------------------------------------------- duplicates


@pytest.fixture
def ann(db):
    return clients.save_client(None, {"first_name": "Ann", "last_name": "Lee", "phone_mobile": "(512) 867-5309",
                                      "city": "Austin", "notes": "Prefers mornings"})


def test_duplicates_of_a_client_are_skipped_by_default(ann):
    result = run({**ANN, "email": "other@example.com"}, BOB)
    assert (result.imported, result.skipped) == (1, 1)
    assert result.duplicates == [(2, f"Ann Lee (client #{ann.id})")]
    assert Client.select().count() == 2


def test_the_same_email_is_a_duplicate_too_and_a_different_name_is_not(ann):
    ann.email = "ann.lee@example.com"
    Client.update(email="ann.lee@example.com", email_key="ann.lee@example.com").where(Client.id == ann.id).execute()
    result = run({"first_name": "Ann", "last_name": "Lee", "email": "ANN.LEE@example.com"},
                 {"first_name": "Anne", "last_name": "Lee", "phone_mobile": "512 867 5309"})
    assert (result.skipped, result.imported) == (1, 1)


def test_duplicates_imported_anyway(ann):
    result = run(ANN, duplicates=Duplicates.IMPORT)
    assert (result.imported, result.skipped, result.merged) == (1, 0, 0)
    assert result.duplicates == [(2, f"Ann Lee (client #{ann.id})")]
    assert Client.select().where(Client.last_name == "Lee").count() == 2


def test_a_merge_fills_empty_fields_only_and_appends_a_different_note(ann):
    version = ann.version
    result = run({**ANN, "city": "Dallas", "birthday": "05/14/1990", "notes": "Has a dog",
                  "do_not_call": "yes"}, duplicates=Duplicates.MERGE)
    assert (result.imported, result.merged) == (0, 1)
    merged = Client.get_by_id(ann.id)
    assert merged.city == "Austin"  # filled: never overwritten
    assert (merged.email, merged.birthday, merged.do_not_call) == ("ann.lee@example.com", dt.date(1990, 5, 14), True)
    assert merged.notes == "Prefers mornings\nHas a dog"
    assert merged.version == version + 1 and merged.email_key == "ann.lee@example.com"
    entry = AuditLog.get(AuditLog.action == "client.import_merge")
    assert entry.entity_id == ann.id and json.loads(entry.before)["email"] == ""
    assert json.loads(entry.after)["email"] == "ann.lee@example.com"


def test_the_same_note_is_not_appended_twice(ann):
    run({**ANN, "notes": "Prefers mornings"}, duplicates=Duplicates.MERGE)
    assert Client.get_by_id(ann.id).notes == "Prefers mornings"


def test_duplicates_within_the_file(db):
    later = {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com", "city": "Austin",
             "notes": "second"}
    first = {**ANN, "notes": "first"}
    skipped = run(first, BOB, later)
    assert (skipped.imported, skipped.skipped, skipped.duplicates) == (2, 1, [(4, "row 2")])
    assert Client.get(Client.last_name == "Lee").city == ""


def test_a_duplicate_within_the_file_merges_into_the_earlier_row(db):
    later = {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com", "city": "Austin",
             "notes": "second"}
    result = run({**ANN, "notes": "first"}, BOB, later, duplicates=Duplicates.MERGE)
    assert (result.imported, result.merged) == (2, 1)
    lee = Client.get(Client.last_name == "Lee")
    assert (lee.city, lee.notes) == ("Austin", "first\nsecond")


def test_a_duplicate_within_the_file_imported_anyway(db):
    result = run(ANN, ANN, duplicates=Duplicates.IMPORT)
    assert (result.imported, result.duplicates) == (2, [(3, "row 2")])


@pytest.mark.parametrize("mode, counts", [(Duplicates.SKIP, (1, 1, 0)), (Duplicates.MERGE, (1, 0, 1))])
def test_a_client_added_by_another_terminal_while_the_rows_are_checked(db, mode, counts):
    """The rows are checked outside the write transaction: a duplicate saved
    meanwhile (here: as the last row is read) is still found when writing."""
    def file_rows():
        yield from rows(ANN, BOB)
        clients.save_client(None, {"first_name": "Ann", "last_name": "Lee", "phone_mobile": "(512) 867-5309"})

    result = import_rows(file_rows(), MAPPING, SOURCE, duplicates=mode, workers=1)
    assert (result.imported, result.skipped, result.merged) == counts
    ann = Client.get(Client.last_name == "Lee")
    assert result.duplicates == [(2, f"Ann Lee (client #{ann.id})")]
    assert ann.email == ("ann.lee@example.com" if mode is Duplicates.MERGE else "")
    assert names() == [("Ann", "Lee"), ("Bob", "Stone")]


def test_fill_empty_never_overwrites():
    assert fill_empty({"city": "Austin", "email": ""}, {"city": "Dallas", "email": "a@b.co"}) == {"email": "a@b.co"}


# ---------------------------------------------------------------- one transaction


def test_a_file_with_a_bad_row_imports_nothing(db):
    result = run(BOB, {"last_name": "Lee", "email": "ann@"}, ANN)
    assert not result.committed and (result.imported, len(result.rejected)) == (2, 1)
    assert Client.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "client.import").exists()


def test_accept_valid_imports_the_other_rows(db):
    result = run(BOB, {"last_name": "Lee", "email": "ann@"}, ANN, accept_valid=True)
    assert result.committed and result.imported == 2
    assert names() == [("Ann", "Lee"), ("Bob", "Stone")]


def test_a_dry_run_changes_nothing(ann):
    clients_before = [c.__data__ for c in Client.select().order_by(Client.id)]
    entries = AuditLog.select().count()
    result = run(BOB, {**ANN, "email": "ann@example.com"}, dry_run=True, duplicates=Duplicates.MERGE)
    assert (result.imported, result.merged, result.dry_run, result.committed) == (1, 1, True, False)
    assert [c.__data__ for c in Client.select().order_by(Client.id)] == clients_before
    assert AuditLog.select().count() == entries


def test_check_passes_after_a_dry_run_and_an_import(ann):
    run(BOB, dry_run=True)
    run({"first_name": "Cy", "last_name": "Twombly"})
    assert check.run_checks() == []
    assert [c.last_name for c in Client.select().order_by(Client.id)] == ["Lee", "Twombly"]


def test_progress_is_reported(db):
    seen = []
    run(*[{"first_name": "Kid", "last_name": f"Number{i}"} for i in range(1200)], progress=seen.append)
    assert seen == [500, 1000, 1200]


def test_no_worker_processes_where_stderr_is_no_file(monkeypatch):
    """Inside the full-screen app stderr is Textual's capture (fileno -1): the
    import then cleans every row itself (multiprocessing's helper would fail)."""
    from spectra_tui.data.client_import import worker_count

    class Captured:
        def fileno(self):
            return -1

    monkeypatch.setattr("sys.stderr", Captured())
    assert worker_count() == 1


# ---------------------------------------------------------------- permission, audit, check


@pytest.mark.parametrize("role, may", [("front_desk", False), ("photographer", False), ("manager", True),
                                       ("owner", True)])
def test_importing_needs_a_manager_or_the_owner(db, role, may):
    users.sign_in(add_user(f"the-{role}".replace("_", "-"), "Some One", role))
    if may:
        assert run(BOB).imported == 1
    else:
        with pytest.raises(PermissionDenied, match="Only a manager or the owner may import clients"):
            run(BOB)
        assert Client.select().count() == 0


def test_one_audit_entry_for_the_import(ann):
    result = run(BOB, ANN, {"first_name": "Cy", "last_name": "Twombly"}, duplicates=Duplicates.MERGE)
    entry = AuditLog.get(AuditLog.action == "client.import")
    made = [c.id for c in Client.select().where(Client.id != ann.id).order_by(Client.id)]
    assert json.loads(entry.after) == {
        "file": "clients.csv", "sha256": "ab" * 32, "duplicates": "merge", "imported": 2, "skipped": 0,
        "merged": 1, "rejected": 0, "first_client_id": made[0], "last_client_id": made[-1],
    }
    assert (result.first_id, result.last_id) == (made[0], made[-1])
    assert AuditLog.select().where(AuditLog.action == "client.import_merge").count() == 1
    assert AuditLog.select().where(AuditLog.action == "client.create").count() == 1  # Ann, made by the form


def test_check_passes_after_an_import(ann):
    run(*[{"first_name": "Kid", "last_name": f"Number{i}", "phone_mobile": f"512 555 {1000 + i}"}
          for i in range(600)], ANN, duplicates=Duplicates.MERGE)
    assert Client.select().count() == 601
    assert check.run_checks() == []


def test_the_rejects_file(tmp_path):
    from spectra_tui.data.client_import import Rejected

    path = write_rejected_rows([Rejected(7, "Email: 'ann@' is not an address", {"Name": "Ann", "Email": "ann@"})],
                               ["Name", "Email", "Notes"], tmp_path / "x.rejects.csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "Row,Reason,Name,Email,Notes", "7,Email: 'ann@' is not an address,Ann,ann@,"]
    live = Rejected(8, "Email: '=1+1' is not an address", {"Name": "=HYPERLINK(\"x\")", "Email": "=1+1"})
    path = write_rejected_rows([live], ["Name", "Email"], tmp_path / "y.rejects.csv")
    assert path.stat().st_mode & 0o777 == 0o600
    with open(path, encoding="utf-8", newline="") as f:
        assert list(csv.reader(f))[1] == ["8", "Email: '=1+1' is not an address", "'=HYPERLINK(\"x\")", "'=1+1"]


def test_worker_processes_clean_the_rows_past_the_first_chunk_in_file_order(db):
    kids = [{"first_name": "kid", "last_name": f"number{i}", "birthday": "05/14/1990"} for i in range(1500)]
    kids[1100] = {**kids[1100], "email": "ann@"}
    kids[1300] = {**kids[1300], "birthday": "01/01/2090"}
    result = run(*kids, accept_valid=True, workers=2)
    assert [(r.number, r.reason.split(":")[0]) for r in result.rejected] == [(1102, "Email"), (1302, "Birthday")]
    assert result.imported == 1498
    made = list(Client.select().order_by(Client.id))
    assert [c.last_name for c in made[1099:1101]] == ["Number1099", "Number1101"]
    assert {(c.first_name, c.birthday) for c in made} == {("Kid", dt.date(1990, 5, 14))}
