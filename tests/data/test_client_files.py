"""Reading client files (data/client_files.py): CSV dialects and encodings,
vCards, the mapping of common exports' headings, templates, and clear
refusals of files that are not client files. Files are built in tmp_path."""
import json
import time
import tracemalloc

import pytest

from spectra_tui.data.client_files import (
    IMPORT_FIELDS,
    NotAClientFile,
    check_mapping,
    count_rows,
    guess_mapping,
    load_mapping,
    mapped,
    open_client_file,
    preview,
    read_rows,
    save_mapping,
)
from spectra_tui.data.client_mapping import split_full_name
from spectra_tui.data.errors import DomainError, ValidationError

NAMES = [("Seán", "O'Brien"), ("Zoë", "Ñúñez"), ("Renée", "D'Arcy-Müller")]


def write(tmp_path, text, name="clients.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def rows_of(path):
    file = open_client_file(path)
    return file, list(read_rows(file))


def test_the_contract_names_every_client_field_with_its_heading():
    assert list(IMPORT_FIELDS)[:3] == ["first_name", "middle_name", "last_name"]
    assert IMPORT_FIELDS["postal_code"] == "Postal code" and IMPORT_FIELDS["do_not_text"] == "Do not text"
    assert len(IMPORT_FIELDS) == 21


# ---------------------------------------------------------------- CSV dialects


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_is_found_from_the_heading_and_rows(tmp_path, delimiter):
    lines = [["First name", "Last name", "City", "Notes"], ["Ann", "Lee", "Springfield", "likes 1,5 m; prints"]]
    text = "".join(delimiter.join(f'"{cell}"' if "," in cell or ";" in cell else cell for cell in line) + "\r\n"
                   for line in lines)
    file, rows = rows_of(write(tmp_path, text))
    assert file.kind == "csv" and file.delimiter == delimiter
    assert file.headers == ("First name", "Last name", "City", "Notes")
    assert rows[0].number == 2 and rows[0].values["Notes"] == "likes 1,5 m; prints"


def test_semicolon_file_with_unquoted_commas_in_values(tmp_path):
    # A European spreadsheet: ";" between columns, "," inside amounts and addresses.
    text = "Name;Address;Credit\nAnn Lee;Main St, 5;12,50\nBo Chen;Elm Rd, 7;3,00\nCy Diaz;Oak Av;1,00\n"
    file, rows = rows_of(write(tmp_path, text))
    assert file.delimiter == ";"
    assert rows[1].values == {"Name": "Bo Chen", "Address": "Elm Rd, 7", "Credit": "3,00"}


def test_quoted_fields_hold_commas_quotes_and_new_lines(tmp_path):
    text = ('First name,Last name,Notes\n'
            'Ann,Lee,"Prefers mornings,\nno flash.\n""Call first"""\n'
            'Bo,Chen,short\n')
    _file, rows = rows_of(write(tmp_path, text))
    assert rows[0].values["Notes"] == 'Prefers mornings,\nno flash.\n"Call first"'
    # The spreadsheet shows the three-line record as one row: Bo is row 3.
    assert [row.number for row in rows] == [2, 3]


def test_empty_lines_are_passed_over_but_keep_their_row_numbers(tmp_path):
    file, rows = rows_of(write(tmp_path, "First name,Last name\n\nAnn,Lee\n,\nBo,Chen\n\n"))
    assert [(row.number, row.values["First name"]) for row in rows] == [(3, "Ann"), (5, "Bo")]
    assert count_rows(file) == 2


def test_empty_rows_above_the_heading_are_passed_over(tmp_path):
    file, rows = rows_of(write(tmp_path, "\r\n,,\r\nFirst name,Last name,City\r\nAnn,Lee,Rome\r\n"))
    assert file.headers == ("First name", "Last name", "City")
    assert [(row.number, row.values["First name"]) for row in rows] == [(4, "Ann")] and count_rows(file) == 1
    with pytest.raises(NotAClientFile, match="has no column headings in its first 10 rows"):
        open_client_file(write(tmp_path, ",,\n" * 12 + "First name\nAnn\n", name="blank.csv"))


def test_short_and_long_rows(tmp_path):
    _file, rows = rows_of(write(tmp_path, "First name,Last name,City\nAnn,Lee\nBo,Chen,Rome,extra\n"))
    assert rows[0].values == {"First name": "Ann", "Last name": "Lee", "City": ""}
    assert rows[1].values["Column 4"] == "extra"


def test_excel_sep_line_and_repeated_or_empty_headings(tmp_path):
    file, rows = rows_of(write(tmp_path, "sep=;\nName;Phone;Phone;\nAnn Lee;1;2;3\n"))
    assert file.delimiter == ";" and file.headers == ("Name", "Phone", "Phone (2)", "Column 4")
    assert rows[0].number == 2 and rows[0].values["Phone (2)"] == "2"


def test_tab_file_with_a_single_row_and_one_column_file(tmp_path):
    assert open_client_file(write(tmp_path, "Name\tEmail\nAnn Lee\tann@example.com\n")).delimiter == "\t"
    file, rows = rows_of(write(tmp_path, "Name\nAnn Lee\n", name="one.csv"))
    assert file.headers == ("Name",) and rows[0].values == {"Name": "Ann Lee"}


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("latin-1", "latin-1"),
    ("utf-16", "utf-16"),
])
def test_accents_and_apostrophes_in_each_encoding(tmp_path, encoding, expected):
    # cp1252 is told from Latin-1 by its curly apostrophe (byte 0x92).
    apostrophe = "\u2019" if encoding == "cp1252" else "'"
    text = "First name;Last name\r\n" + "".join(f"{first};{last.replace(chr(39), apostrophe)}\r\n"
                                               for first, last in NAMES)
    file, rows = rows_of(write(tmp_path, text, encoding=encoding))
    assert file.encoding == expected
    assert file.headers == ("First name", "Last name")  # no BOM left in the first heading
    assert [(row.values["First name"], row.values["Last name"]) for row in rows] == [
        (first, last.replace("'", apostrophe)) for first, last in NAMES
    ]


def test_a_non_utf8_byte_far_down_the_file_is_seen(tmp_path):
    body = "".join(f"Client{n},Plain\n" for n in range(50_000))
    path = write(tmp_path, ("First name,Last name\n" + body + "Zoë,Ñúñez\n").encode("latin-1"))
    file, rows = rows_of(path)
    assert file.encoding == "latin-1"
    assert rows[-1].values == {"First name": "Zoë", "Last name": "Ñúñez"}


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("content, words", [
    (b"", "clients.csv is empty."),
    (b"\xef\xbb\xbf\r\n  \n", "clients.csv is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image, not a client file; save it as CSV"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a PDF document, not a client file"),
    (b"PK\x03\x04\x14\x00\x06\x00", "is a ZIP archive, not a client file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003 workbook"),
    (b"\x00\x01\x02garbage\x00", "is not a text file"),
    (b"<html><body>Clients</body></html>", "is a web page"),
    (b'[{"name": "Ann Lee"}]', "is a JSON file, not a client file"),
    (b"\xff\xfe", "clients.csv is empty."),
])
def test_files_that_are_not_client_files_get_one_clear_line(tmp_path, content, words):
    with pytest.raises(NotAClientFile) as refused:
        open_client_file(write(tmp_path, content))
    assert words in str(refused.value) and "\n" not in str(refused.value)
    assert isinstance(refused.value, DomainError)


def test_an_excel_workbook_is_named_so(tmp_path):
    with pytest.raises(NotAClientFile, match=r"clients.xlsx is an Excel workbook, not a client file; save it as CSV"):
        open_client_file(write(tmp_path, b"PK\x03\x04rest", name="clients.xlsx"))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(NotAClientFile, match="There is no file"):
        open_client_file(tmp_path / "nope.csv")
    with pytest.raises(NotAClientFile, match="is a folder"):
        open_client_file(tmp_path)


def test_a_heading_without_rows_is_a_file_of_no_clients(tmp_path):
    # Decided: not a refusal. An export of an empty client list reads back as 0 rows.
    file, rows = rows_of(write(tmp_path, "First name,Last name,Email\r\n"))
    assert file.headers == ("First name", "Last name", "Email")
    assert rows == [] and count_rows(file) == 0


def test_a_heading_with_no_name_column_opens_but_the_mapping_is_refused(tmp_path):
    file = open_client_file(write(tmp_path, "Email,Phone,City\nann@example.com,555,Rome\n"))
    mapping = guess_mapping(file.headers)
    assert mapping == {"Email": "email", "Phone": "phone_home", "City": "city"}
    with pytest.raises(ValidationError) as refused:
        check_mapping(mapping, file.headers)
    message = str(refused.value)
    assert "No column for a name" in message and "(the file's headings: Email, Phone, City)" in message
    assert "\n" not in message


def test_without_the_headings_the_message_names_the_chosen_columns():
    with pytest.raises(ValidationError, match=r"\(the columns chosen: Email, City\)"):
        check_mapping({"Email": "email", "City": "city"})
    with pytest.raises(ValidationError, match=r"\(no column is chosen\)"):
        check_mapping({})


def test_a_text_that_is_not_a_csv_has_no_name_column(tmp_path):
    file = open_client_file(write(tmp_path, "Dear Ann,\nthank you for the lovely session.\n", name="letter.txt"))
    with pytest.raises(ValidationError, match="No column for a name"):
        check_mapping(guess_mapping(file.headers), file.headers)


def test_a_50_mb_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "one-line.csv"
    with path.open("wb") as out:
        out.write(b"First name,Last name,Notes\nAnn,Lee,")
        for _ in range(50):
            out.write(b"x" * 1_000_000)
        out.write(b"\n")
    file = open_client_file(path)
    tracemalloc.start()
    with pytest.raises(NotAClientFile, match=r"one-line.csv is not a client file: line 2 is over 64 KB long"):
        list(read_rows(file))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5_000_000
    with pytest.raises(NotAClientFile, match="line 2 is over 64 KB"):
        count_rows(file)


def test_a_first_line_of_50_mb_is_refused_at_open(tmp_path):
    path = tmp_path / "blob.csv"
    with path.open("wb") as out:
        for _ in range(50):
            out.write(b"y" * 1_000_000)
    with pytest.raises(NotAClientFile, match="line 1 is over 64 KB long"):
        open_client_file(path)


def test_a_quoted_field_that_never_ends_is_a_clear_error(tmp_path):
    path = write(tmp_path, "First name,Notes\nAnn,\"" + "note line\n" * 20_000)
    with pytest.raises(NotAClientFile, match=r"row 2 cannot be read as CSV \(a value runs on for over 128 KB: is a quote"):
        list(read_rows(open_client_file(path)))


# ---------------------------------------------------------------- a 50 MB file


def test_a_50_mb_file_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    # Rows of about 1 KB (a long note each): 50,000 of them.
    note = "A long note about the family's portrait session, framed prints and albums. " * 13
    row = f'Ann,Lee,ann@example.com,555-0100,"{note}"\r\n'
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("First name,Last name,Email,Phone,Notes\r\n")
        blocks = 50_000_000 // (len(row) * 1000) + 1
        for _ in range(blocks):
            out.write(row * 1000)
    size = path.stat().st_size
    assert size > 50_000_000
    started = time.perf_counter()
    tracemalloc.start()
    file = open_client_file(path)
    seen = 0
    for seen, source_row in enumerate(read_rows(file), start=1):
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == blocks * 1000 and source_row.number == seen + 1
    assert source_row.values["Notes"] == note
    assert peak < 3_000_000, f"peak {peak:,} bytes reading a {size:,}-byte file"
    assert time.perf_counter() - started < 20  # ~4 s here with tracemalloc on; a loaded machine is slower


# ---------------------------------------------------------------- vCard

VCARD_3 = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:O'Brien;Seán;Patrick;Mr.;Jr.\r\n"
    "FN:Mr. Seán Patrick O'Brien Jr.\r\n"
    "ORG:Brien & Sons\\, Photography;Sales\r\n"
    "item1.TEL;TYPE=CELL:+1 555 0101\r\n"
    "TEL;TYPE=HOME,VOICE:555 0102\r\n"
    "TEL;TYPE=WORK;TYPE=FAX:555 0199\r\n"
    "EMAIL;TYPE=INTERNET:sean@old.example\r\n"
    "EMAIL;TYPE=INTERNET;TYPE=pref:sean@example.com\r\n"
    "ADR;TYPE=WORK:;;1 Work Way;Worktown;IL;60000;USA\r\n"
    "ADR;TYPE=HOME:;Apt 4;12 Elm St;Springfield;IL;62701;USA\r\n"
    "BDAY:19900514\r\n"
    "NOTE:Likes outdoor shoots.\\nBring the dog\\, Rex.\r\n"
    "END:VCARD\r\n"
)
# Folded at 75 octets as RFC 6350 §3.2 says: CRLF then a space (or a tab).
VCARD_4 = (
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Zoë Ñúñez\r\n"
    "N:Ñúñez;Zoë;;;\r\n"
    'TEL;VALUE=uri;TYPE="cell,voice":tel:+1-555-555-0103\r\n'
    'TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-555-555-0104;ext=12\r\n'
    "EMAIL:zoe@example.com\r\n"
    "BDAY:--0514\r\n"
    "NOTE:A note that is long enough to be folded over two lines by a careful\r\n"
    "  vCard writer\\, and a third\r\n"
    "\t line too.\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Ann Lee\r\n"
    "BDAY:1985-02-03\r\n"
    "END:VCARD\r\n"
)


def test_vcard_3_with_types_addresses_and_escapes(tmp_path):
    file, rows = rows_of(write(tmp_path, VCARD_3, name="contacts.vcf"))
    assert file.kind == "vcard" and file.delimiter == ""
    values = rows[0].values
    assert rows[0].number == 1
    assert (values["First name"], values["Middle name"], values["Last name"]) == ("Seán", "Patrick", "O'Brien Jr.")
    assert values["Company"] == "Brien & Sons, Photography"
    assert (values["Mobile phone"], values["Home phone"], values["Work phone"]) == ("+1 555 0101", "555 0102", "")
    assert values["Email"] == "sean@example.com"
    assert (values["Address 1"], values["Address 2"], values["City"], values["State"]) == (
        "12 Elm St", "Apt 4", "Springfield", "IL")
    assert (values["Postal code"], values["Country"]) == ("62701", "USA")
    assert values["Notes"] == "Likes outdoor shoots.\nBring the dog, Rex.\nFax: 555 0199"
    client = mapped(rows[0], guess_mapping(file.headers))
    assert client["birthday"] == "1990-05-14" and client["first_name"] == "Seán"


def test_vcard_4_folded_lines_uri_phones_and_a_birthday_without_year(tmp_path):
    file, rows = rows_of(write(tmp_path, VCARD_4, name="contacts.vcf"))
    assert count_rows(file) == 2 and [row.number for row in rows] == [1, 2]
    zoe = rows[0].values
    assert zoe["Notes"] == ("A note that is long enough to be folded over two lines by a careful"
                            " vCard writer, and a third line too.")
    assert (zoe["Mobile phone"], zoe["Work phone"]) == ("+1-555-555-0103", "+1-555-555-0104 ext. 12")
    mapping = guess_mapping(file.headers)
    check_mapping(mapping, file.headers)
    client = mapped(rows[0], mapping)
    assert (client["first_name"], client["last_name"], client["birthday"]) == ("Zoë", "Ñúñez", "")
    assert client["notes"].endswith("\nBirthday: May 14 (year not known)")
    ann = mapped(rows[1], mapping)  # FN only: the whole name is split
    assert (ann["first_name"], ann["last_name"], ann["birthday"]) == ("Ann", "Lee", "1985-02-03")


def test_vcard_21_quoted_printable_in_its_charset(tmp_path):
    text = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:N=FA=F1ez;Zo=EB\r\n"
            b"TEL;CELL:555 0105\r\nTEL;HOME:555 0106\r\n"
            b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:First line=0D=0ASecond =\r\nline\r\nEND:VCARD\r\n")
    _file, rows = rows_of(write(tmp_path, text, name="old.vcf"))
    values = rows[0].values
    assert (values["First name"], values["Last name"]) == ("Zoë", "Núñez")
    assert (values["Mobile phone"], values["Home phone"]) == ("555 0105", "555 0106")
    assert values["Notes"] == "First line\r\nSecond line"


def test_vcard_in_latin1_and_a_card_without_end(tmp_path):
    text = ("BEGIN:VCARD\nVERSION:3.0\nN:D'Arcy;Renée;;;\nEND:VCARD\nBEGIN:VCARD\nN:Lee;Ann;;;\n"
            "BEGIN:VCARD\nN:Chen;Bo;;;\n")
    file, rows = rows_of(write(tmp_path, text, name="x.vcf", encoding="latin-1"))
    assert file.encoding == "latin-1"
    assert [(row.values["First name"], row.values["Last name"]) for row in rows] == [
        ("Renée", "D'Arcy"), ("Ann", "Lee"), ("Bo", "Chen")]
    assert count_rows(file) == 3


def test_apple_vcard_with_groups_an_unfolded_photo_and_a_birthday_without_year(tmp_path):
    photo = "A" * 200_000  # base64 on one line, as some phones write it: passed over, not refused
    text = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nFN:Ann Lee\r\n"
            "item1.ADR;type=WORK:;;1 Work Way;Worktown;;;\r\n"
            "item2.ADR;type=HOME;type=pref:;;12 Elm St\\nFloor 2;Springfield;IL;62701;United States\r\n"
            "item2.X-ABADR:us\r\nitem3.TEL;type=CELL;type=VOICE;type=pref:(555) 010-0107\r\n"
            f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\n"
            "BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-14\r\nEND:VCARD\r\n")
    file, rows = rows_of(write(tmp_path, text, name="apple.vcf"))
    values = rows[0].values
    assert (values["Address 1"], values["Address 2"], values["City"]) == ("12 Elm St", "Floor 2", "Springfield")
    assert values["Mobile phone"] == "(555) 010-0107" and count_rows(file) == 1
    client = mapped(rows[0], guess_mapping(file.headers))
    assert (client["birthday"], client["notes"]) == ("", "Birthday: May 14 (year not known)")


def test_a_long_line_in_a_vcard_that_is_not_a_picture_is_refused(tmp_path):
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nNOTE:" + "n" * 100_000 + "\r\nEND:VCARD\r\n"
    with pytest.raises(NotAClientFile, match="line 4 is over 64 KB long"):
        list(read_rows(open_client_file(write(tmp_path, text, name="x.vcf"))))


# ---------------------------------------------------------------- mapping the common exports

GOOGLE_OLD = ["Name", "Given Name", "Additional Name", "Family Name", "Nickname", "Birthday", "Notes",
              "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type",
              "Phone 2 - Value", "Address 1 - Type", "Address 1 - Formatted", "Address 1 - Street",
              "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
              "Address 1 - Country", "Address 1 - Extended Address", "Organization 1 - Type",
              "Organization 1 - Name"]
GOOGLE_NEW = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Name Prefix", "Name Suffix",
              "Nickname", "File As", "Organization Name", "Organization Title", "Birthday", "Notes", "Labels",
              "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
              "Phone 2 - Value", "Phone 3 - Label", "Phone 3 - Value", "Address 1 - Label",
              "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box",
              "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
              "Address 1 - Extended Address"]
OUTLOOK = ["Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
           "Business Street", "Business City", "Home Street", "Home Street 2", "Home City", "Home State",
           "Home Postal Code", "Home Country/Region", "Business Phone", "Home Phone", "Mobile Phone",
           "Anniversary", "Birthday", "E-mail Address", "E-mail 2 Address", "Notes", "Private"]
THUNDERBIRD = ["First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
               "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number", "Home Address",
               "Home Address 2", "Home City", "Home State", "Home ZipCode", "Home Country", "Organization",
               "Notes"]


def test_google_old_export_headings():
    assert guess_mapping(GOOGLE_OLD) == {
        "Name": "full_name", "Given Name": "first_name", "Additional Name": "middle_name",
        "Family Name": "last_name", "Birthday": "birthday", "Notes": "notes", "E-mail 1 - Value": "email",
        "Phone 1 - Value": "phone_mobile", "Phone 2 - Value": "phone_home", "Address 1 - Street": "address1",
        "Address 1 - City": "city", "Address 1 - Region": "state", "Address 1 - Postal Code": "postal_code",
        "Address 1 - Country": "country", "Address 1 - Extended Address": "address2",
        "Organization 1 - Name": "company",
    }


def test_google_new_export_maps_typed_phones_by_their_label():
    mapping = guess_mapping(GOOGLE_NEW)
    check_mapping(mapping, GOOGLE_NEW)
    assert {mapping[h] for h in ("Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value")} == {
        "phone_mobile", "phone_home", "phone_work"}
    assert mapping["Organization Name"] == "company" and mapping["E-mail 1 - Value"] == "email"
    values = dict.fromkeys(GOOGLE_NEW, "")
    values.update({"First Name": " Ann ", "Last Name": "Lee", "Phone 1 - Label": "Work", "Phone 1 - Value": "111",
                   "Phone 2 - Label": "* Mobile", "Phone 2 - Value": "222 ::: 333", "Phone 3 - Label": "Home Fax",
                   "Phone 3 - Value": "444", "E-mail 1 - Value": "ann@example.com ::: ann@old.example",
                   "Birthday": "--12-25", "Notes": "VIP"})
    client = mapped(_row(values), mapping)
    assert (client["first_name"], client["phone_work"], client["phone_mobile"]) == ("Ann", "111", "222")
    assert client["phone_home"] == "" and client["email"] == "ann@example.com"
    assert client["notes"] == "VIP\nHome fax: 444\nBirthday: December 25 (year not known)"


def test_google_untyped_phone_goes_to_a_free_field():
    values = {"Given Name": "Ann", "Phone 1 - Type": "Mobile", "Phone 1 - Value": "1", "Phone 2 - Type": "Mobile",
              "Phone 2 - Value": "2", "Phone 3 - Type": "Other", "Phone 3 - Value": "3"}
    client = mapped(_row(values), guess_mapping(list(values)))
    assert (client["phone_mobile"], client["phone_home"], client["phone_work"]) == ("1", "2", "3")


def test_outlook_export_headings_and_its_empty_birthday():
    mapping = guess_mapping(OUTLOOK)
    assert mapping == {
        "First Name": "first_name", "Middle Name": "middle_name", "Last Name": "last_name", "Company": "company",
        "Home Street": "address1", "Home Street 2": "address2", "Home City": "city", "Home State": "state",
        "Home Postal Code": "postal_code", "Home Country/Region": "country", "Business Phone": "phone_work",
        "Home Phone": "phone_home", "Mobile Phone": "phone_mobile", "Birthday": "birthday",
        "E-mail Address": "email", "Notes": "notes",
    }
    for empty in ("0/0/00", "00/00/0000", "1/1/4501", "1/1/0001", "0000-00-00", "1/1/0001 12:00:00 AM",
                  "01/01/4501 00:00"):
        assert mapped(_row({"First Name": "Ann", "Birthday": empty}), mapping)["birthday"] == ""
    assert mapped(_row({"First Name": "Ann", "Birthday": "5/14/1990"}), mapping)["birthday"] == "5/14/1990"


@pytest.mark.parametrize("written", ["--0514", "--05-14", "0000-05-14", "1604-05-14"])
def test_a_birthday_without_its_year_goes_to_the_notes(written):
    client = mapped(_row({"Name": "Ann Lee", "Birthday": written, "Notes": "VIP"}),
                    {"Name": "full_name", "Birthday": "birthday", "Notes": "notes"})
    assert (client["birthday"], client["notes"]) == ("", "VIP\nBirthday: May 14 (year not known)")


def test_thunderbird_export_headings():
    mapping = guess_mapping(THUNDERBIRD)
    assert {mapping[h] for h in ("Primary Email", "Mobile Number", "Home Address", "Home Address 2",
                                  "Home ZipCode", "Display Name", "Organization", "Work Phone")} == {
        "email", "phone_mobile", "address1", "address2", "postal_code", "full_name", "company", "phone_work"}
    assert "Secondary Email" not in mapping and "Fax Number" not in mapping


@pytest.mark.parametrize("year, month, day, birthday, note", [
    ("1990", "5", "14", "1990-05-14", ""),
    ("", "12", "3", "", "Birthday: December 3 (year not known)"),
    ("", "", "", "", ""),
])
def test_thunderbird_birthday_in_three_columns(year, month, day, birthday, note):
    headings = ["First Name", "Last Name", "Birth Year", "Birth Month", "Birth Day", "Notes"]
    mapping = guess_mapping(headings)
    assert mapping["Birth Day"] == "birthday" and "Birth Year" not in mapping
    client = mapped(_row(dict(zip(headings, ["Ann", "Lee", year, month, day, ""], strict=True))), mapping)
    assert (client["birthday"], client["notes"]) == (birthday, note)


@pytest.mark.parametrize("heading, field", [
    ("Name", "full_name"), ("Full name", "full_name"), ("FULL NAME", "full_name"), ("Surname", "last_name"),
    ("Forename", "first_name"), ("Phone", "phone_home"), ("Tel", "phone_home"), ("Tel.", "phone_home"),
    ("Cell", "phone_mobile"), ("Zip", "postal_code"), ("ZIP code", "postal_code"), ("Postcode", "postal_code"),
    ("DOB", "birthday"), ("D.O.B.", "birthday"), ("Date of birth", "birthday"), ("E-mail", "email"),
    ("e_mail", "email"), ("Referred by", "lead_source"), ("Do Not Call?", "do_not_call"),
])
def test_spreadsheet_headings_without_case_or_punctuation(heading, field):
    assert guess_mapping([heading]) == {heading: field}


def test_our_own_headings_map_exactly():
    headings = [*IMPORT_FIELDS.values()]
    assert guess_mapping(headings) == {heading: field for field, heading in IMPORT_FIELDS.items()}


def test_each_field_is_guessed_once():
    assert guess_mapping(["Email", "E-mail Address", "Phone", "Telephone"]) == {"Email": "email", "Phone": "phone_home"}


@pytest.mark.parametrize("full, first, middle, last", [
    ("Lee, Ann", "Ann", "", "Lee"),
    ("Ann Marie Lee", "Ann", "Marie", "Lee"),
    ("Ann Lee", "Ann", "", "Lee"),
    ("Madonna", "Madonna", "", ""),
    ("Dr. Seán O'Brien Jr.", "Seán", "", "O'Brien Jr."),
    ("Ana de la Cruz", "Ana", "", "de la Cruz"),
    ("O'Brien, Zoë Ñ.", "Zoë", "Ñ.", "O'Brien"),
])
def test_a_whole_name_is_split(full, first, middle, last):
    client = mapped(_row({"Name": full}), {"Name": "full_name"})
    assert (client["first_name"], client["middle_name"], client["last_name"]) == (first, middle, last)


def test_plain_names_are_split_as_nameparser_splits_them():
    from nameparser import HumanName

    from spectra_tui.data.demo import FIRST, LAST

    names = [f"{first} {last}" for first in FIRST for last in LAST[:20]]
    names += [f"{first} {middle} {last}" for first, middle, last in zip(FIRST, reversed(FIRST), LAST, strict=False)]
    names += ["Zoë Ñúñez", "Mary-Jo D'Arcy-Müller", "Ann van der Berg", "Dr Ann Lee", "Bo Chen PhD", "Ann & Bo Lee"]
    for full in names:
        read = HumanName(full)
        assert split_full_name(full) == {"first_name": read.first, "middle_name": read.middle,
                                         "last_name": " ".join(part for part in (read.last, read.suffix) if part)}


def test_a_company_named_again_as_the_whole_name_stays_a_company(tmp_path):
    mapping = {"Display Name": "full_name", "Organization": "company"}
    client = mapped(_row({"Display Name": "Acme Photo LLC", "Organization": "ACME Photo LLC"}), mapping)
    assert client == {"company": "ACME Photo LLC"}
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:Acme Photo\r\nORG:Acme Photo;\r\nEND:VCARD\r\n"
    file, rows = rows_of(write(tmp_path, text, name="company.vcf"))
    client = mapped(rows[0], guess_mapping(file.headers))
    assert (client["company"], client["first_name"], client["last_name"]) == ("Acme Photo", "", "")


def test_a_whole_name_does_not_override_first_and_last_columns():
    mapping = {"Name": "full_name", "Given Name": "first_name", "Family Name": "last_name"}
    client = mapped(_row({"Name": "Mrs Ann Lee-Smith", "Given Name": "Ann", "Family Name": "Lee"}), mapping)
    assert (client["first_name"], client["last_name"]) == ("Ann", "Lee") and "middle_name" not in client


@pytest.mark.parametrize("written, flag", [
    ("TRUE", "yes"), ("False", "no"), ("Yes", "yes"), ("no", "no"), ("x", "yes"), ("X", "yes"), ("1", "yes"),
    ("0", "no"), ("", ""), ("  y ", "yes"), ("maybe", "maybe"),
])
def test_flags_as_spreadsheets_write_them(written, flag):
    assert mapped(_row({"Name": "Ann Lee", "DNC": written}), {"DNC": "do_not_call"})["do_not_call"] == flag


def test_a_street_on_several_lines_fills_both_address_lines():
    mapping = {"Home Street": "address1", "Home Street 2": "address2"}
    client = mapped(_row({"Home Street": "12 Elm St\r\nFloor 2\n", "Home Street 2": "Back door"}), mapping)
    assert (client["address1"], client["address2"]) == ("12 Elm St", "Floor 2, Back door")
    client = mapped(_row({"Street": "12 Elm St\nFloor 2"}), {"Street": "address1"})
    assert (client["address1"], client["address2"]) == ("12 Elm St", "Floor 2")


def test_windows_line_breaks_in_a_cell_become_plain_ones():
    client = mapped(_row({"Notes": "Line one\r\nLine two\rLine three\r\n"}), {"Notes": "notes"})
    assert client == {"notes": "Line one\nLine two\nLine three"}


def test_values_are_trimmed_and_unmapped_columns_left_out():
    client = mapped(_row({"City": "  Rome \t", "Shoe size": "42"}), {"City": "city"})
    assert client == {"city": "Rome"}


# ---------------------------------------------------------------- check_mapping


def test_two_columns_onto_one_field_are_refused():
    with pytest.raises(ValidationError, match=r"Two columns go to Email: 'Email' and 'E-mail 2'; keep one."):
        check_mapping({"Name": "full_name", "Email": "email", "E-mail 2": "email"})


def test_a_company_alone_is_a_name():
    assert check_mapping({"Studio": "company"}) is None


def test_an_unknown_field_is_refused():
    with pytest.raises(ValidationError, match="'shoe_size', which is not a client field"):
        check_mapping({"Name": "full_name", "Shoe": "shoe_size"})


# ---------------------------------------------------------------- templates


def test_a_template_round_trips_as_small_json(tmp_path):
    mapping = {"Given Name": "first_name", "Family Name": "last_name", "Zoë's phone": "phone_mobile"}
    path = tmp_path / "google.json"
    save_mapping(mapping, path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"version": 1, "columns": mapping}
    assert load_mapping(path) == mapping


@pytest.mark.parametrize("content, words", [
    (None, "No mapping template at"),
    ("not json at all", "is not a mapping template (not JSON: line 1)"),
    ('{"columns": {"A": "email"}}', 'is not a mapping template (expected {"version": 1'),
    ('{"version": 1, "columns": ["email"]}', "is not a mapping template"),
    ('{"version": 1, "columns": {"A": 3}}', "each column must name a field as text"),
    ('{"version": 1, "columns": {"Shoe": "shoe_size"}}', "sends the column 'Shoe' to 'shoe_size', which is not"),
])
def test_a_bad_template_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "template.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        load_mapping(path)
    assert words in str(refused.value)


def test_a_template_with_an_unknown_field_is_not_saved(tmp_path):
    with pytest.raises(ValidationError, match="which is not a client field"):
        save_mapping({"Shoe": "shoe_size"}, tmp_path / "t.json")
    assert not (tmp_path / "t.json").exists()


# ---------------------------------------------------------------- preview


def test_preview_shows_the_first_rows_mapped(tmp_path):
    text = "Full name,E-mail,DOB\n" + "".join(f"Client {n} Lee,c{n}@example.com,1990-01-0{n}\n" for n in range(1, 8))
    file = open_client_file(write(tmp_path, text))
    shown = preview(file, guess_mapping(file.headers), limit=3)
    assert [row.number for row, _client in shown] == [2, 3, 4]
    assert shown[0][1] == {"first_name": "Client", "middle_name": "1", "last_name": "Lee",
                           "email": "c1@example.com", "birthday": "1990-01-01"}


def _row(values):
    from spectra_tui.data.client_files import SourceRow

    return SourceRow(2, values)


# ---------------------------------------------------------------- any bytes at all

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from([b",", b";", b"\t", b'"', b"\r\n", b"\n", b"\r", b"\\", b" ", b"Name", b"First name",
                           b"BEGIN:VCARD\r\n", b"END:VCARD\r\n", b"N:Lee;Ann;;;", b"FN:", b"\x92", b"\x81", b"\xc3",
                           b"\xa9", b"\xef\xbb\xbf", b"=\r\n", b";ENCODING=QUOTED-PRINTABLE:", b"TEL;TYPE=", b"--0514",
                           b"\x00", b"sep=;\n", b"x" * 70])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES | st.binary(max_size=8), max_size=40))
def test_any_file_reads_or_is_refused_in_one_line(tmp_path, pieces):
    path = write(tmp_path, b"".join(pieces), name="fuzz.csv")
    try:
        file = open_client_file(path)
        mapping = guess_mapping(file.headers)
        rows = list(read_rows(file))
        assert count_rows(file) == len(rows)
        for row in rows:
            mapped(row, mapping)
    except NotAClientFile as refused:
        assert "\n" not in str(refused) and str(refused)
