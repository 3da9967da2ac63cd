"""Import Clients from the Clients hub (F5): the file asked for, the mapping
changed by keys, a template saved and loaded, the preview, the check's bad
rows, the import in a worker with its progress bar, the rejects file; front
desk refused; a file that is not a client file refused in the dialog."""
import pytest
from textual.widgets import DataTable, Input, OptionList, ProgressBar, Static

from spectra_tui.data import clients as client_data
from spectra_tui.data.client_files import open_client_file
from spectra_tui.data.clients import ClientQuery
from spectra_tui.screens import keymap
from spectra_tui.screens.clients import ClientsHub, ClientSearchDialog
from spectra_tui.screens.clients.import_clients import ImportClientsScreen
from spectra_tui.screens.clients.import_dialogs import CheckReport, FieldDialog, PathDialog, field_choices
from spectra_tui.screens.dialogs import ConfirmDialog

from .layout import assert_fits, screen_lines

SIZE = (120, 40)
IMPORT_KEY = keymap.action_of("clients_hub.import").keys
# Semicolons and Windows-1252 (as a European spreadsheet saves, its curly
# quotes): "Lives in" is a heading no program uses, row 4 has a bad email.
SMALL_CSV = (
    "First name;Last name;Email;Mobile phone;Lives in;Notes\r\n"
    "Zoë;Quillfeather;zoe@example.com;503-201-0001;Lyon;likes “golden hour” shoots\r\n"
    "Oisín;Quillan;oisin@example.com;503-201-0002;Cork;\r\n"
    "Bad;Emailrow;not-an-email;503-201-0003;Paris;\r\n"
    "Mara;Quillon;mara@example.com;503-201-0004;Nice;\r\n"
)


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "old-program.csv"
    path.write_bytes(SMALL_CSV.encode("cp1252"))
    return path


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def mapping_rows(screen: ImportClientsScreen) -> dict[str, str]:
    table = screen.query_one("#ic-mapping", DataTable)
    return {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}


async def open_import(app, pilot, path) -> ImportClientsScreen:
    """F5, the import key, the path typed, Enter: the Import Clients screen."""
    await pilot.press("f5")
    assert isinstance(app.screen, ClientsHub)
    await pilot.press(IMPORT_KEY)
    assert isinstance(app.screen, PathDialog)
    await pilot.press(*str(path), "enter")
    screen = app.screen
    assert isinstance(screen, ImportClientsScreen)
    return screen


async def choose_field(pilot, screen, heading: str, label: str) -> None:
    """Enter on the column's line, the field picked from the list with the arrows."""
    table = screen.query_one("#ic-mapping", DataTable)
    table.move_cursor(row=screen.file.headers.index(heading))
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, FieldDialog)
    index = [choice_label for _id, choice_label in field_choices()].index(label)
    await pilot.press("home", *["down"] * index, "enter")
    assert pilot.app.screen is screen


async def test_a_small_csv_mapped_checked_and_imported_then_found_by_client_search(as_admin, app, small_csv):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot, small_csv)
        assert "CSV, semicolon, Windows-1252" in text_of(app, "#ic-file")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "4 rows" in text_of(app, "#ic-file")
        assert mapping_rows(screen)["Email"] == "Email"

        # "Lives in" is the city: changed by keys; the preview shows the towns as cities.
        assert mapping_rows(screen)["Lives in"] == "(not imported)"
        await choose_field(pilot, screen, "Lives in", "City")
        assert screen.mapping["Lives in"] == "city" and mapping_rows(screen)["Lives in"] == "City"
        preview = screen.query_one("#ic-preview", DataTable)
        lines = "\n".join(screen_lines(app))
        assert "Row 2" in lines and "Row 6" not in lines  # four rows, all shown
        cities = [row for row in (preview.get_row_at(i) for i in range(preview.row_count)) if str(row[0]) == "City"]
        assert [str(c) for c in cities[0][1:]] == ["Lyon", "Cork", "Paris", "Nice"]

        # Saved as a template, changed, then the template loaded back.
        await pilot.press("s")
        assert isinstance(app.screen, PathDialog)
        template = small_csv.with_name("old-program-mapping.json")
        assert app.screen.query_one("#reason", Input).value == str(template)
        await pilot.press("enter")
        assert app.screen is screen and template.exists()
        await choose_field(pilot, screen, "Lives in", "(not imported)")
        assert "Lives in" not in screen.mapping and mapping_rows(screen)["Lives in"] == "(not imported)"
        await pilot.press("l", "enter")
        assert app.screen is screen and screen.mapping["Lives in"] == "city"

        # Check: nothing imported, the bad row listed with its number and reason.
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = app.screen
        assert isinstance(report, CheckReport)
        listed = text_of(app, "#check-rows")
        assert listed.startswith("Row 4: Email: 'not-an-email'") and listed.count("Row ") == 1
        assert "3 would be imported" in text_of(app, "#check-counts")
        assert not client_data.search_clients(ClientQuery(name="Quillfeather"))
        await pilot.press("escape")

        # Import: the check found a bad row, so it asks first; the valid rows go in.
        await pilot.press("i")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        result = text_of(app, "#ic-result")
        rejects = small_csv.with_name("old-program.rejects.csv")
        assert "3 imported" in result and "1 rejected" in result and str(rejects) in result.replace("\n", "")
        assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith("4,")
        bar = screen.query_one("#ic-bar", ProgressBar)
        assert bar.percentage == 1

        # Back to the hub; Client Search finds them.
        await pilot.press("escape")
        assert isinstance(app.screen, ClientsHub)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, ClientSearchDialog)
        await pilot.press(*"quill")
        table = app.screen.query_one("#client-results")
        found = {client.last_name for client in table._rows}
        assert found == {"Quillfeather", "Quillan", "Quillon"}
        zoe = client_data.search_clients(ClientQuery(name="Quillfeather"))[0]
        assert (zoe.first_name, zoe.city, zoe.notes) == ("Zoë", "Lyon", "likes “golden hour” shoots")


async def test_front_desk_is_refused_with_the_permissions_words(app, small_csv):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", IMPORT_KEY)
        assert isinstance(app.screen, ClientsHub)
        said = [str(n.message) for n in app._notifications]
        assert any("Only a manager or the owner may import clients" in text for text in said), said


async def test_the_palette_lists_the_hubs_import(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "ctrl+k", *"import clients")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert isinstance(app.screen, PathDialog)


async def test_a_png_or_a_missing_file_is_refused_in_the_dialog(as_admin, app, tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", IMPORT_KEY, *str(png), "enter")
        dialog = app.screen
        assert isinstance(dialog, PathDialog)
        assert "PNG" in text_of(app, "#reason-error")
        box = dialog.query_one("#reason", Input)
        assert box.value == str(png)  # kept, to be corrected
        box.value = ""
        await pilot.press(*"~/no-such-folder-here/clients.csv", "enter")
        assert app.screen is dialog and "no-such-folder-here" in text_of(app, "#reason-error")
        await pilot.press("escape")
        assert isinstance(app.screen, ClientsHub)


async def test_the_progress_bar_reaches_the_end_on_2000_rows(as_admin, app, tmp_path):
    path = tmp_path / "many.csv"
    lines = ["First name,Last name,Email"] + [f"Ann{n},Bulk{n:04d},ann{n}@example.com" for n in range(2000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        screen = ImportClientsScreen(open_client_file(path))
        app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen: list[int] = []
        shown = screen._progressed
        screen._progressed = lambda done, doing: (seen.append(done), shown(done, doing))
        await pilot.press("i")
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = screen.query_one("#ic-bar", ProgressBar)
        assert bar.total == 2000 and bar.progress == 2000
        assert seen and seen[-1] == 2000 and seen == sorted(seen)  # fed by the import's progress calls
        assert "2,000 imported" in text_of(app, "#ic-result")
        assert client_data.count_clients(ClientQuery(name="Bulk")) == 2000
        # Imported: the keys that would import again are dimmed, and do nothing.
        assert screen.check_action("run_import", ()) is None
        await pilot.press("i")
        await app.workers.wait_for_complete()
        assert client_data.count_clients(ClientQuery(name="Bulk")) == 2000


async def test_two_columns_onto_one_field_are_named_and_nothing_is_checked(as_admin, app, small_csv):
    async with app.run_test(size=SIZE) as pilot:
        screen = ImportClientsScreen(open_client_file(small_csv))
        app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#ic-mapping", DataTable).move_cursor(row=screen.file.headers.index("Lives in"))
        await pilot.press("enter")
        options = app.screen.query_one(OptionList)
        email = [option.id for option in options.options].index("email")
        assert "(now from Email)" in str(options.get_option_at_index(email).prompt)
        await pilot.press("escape")
        await choose_field(pilot, screen, "Lives in", "Email")
        assert "Two columns go to Email: 'Email' and 'Lives in'" in text_of(app, "#ic-mapping-note")
        await pilot.press("c")
        assert all(worker.group != "import-clients" for worker in app.workers)
        assert "Two columns go to Email" in text_of(app, "#ic-result")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_screen_fits(as_admin, app, small_csv, size):
    async with app.run_test(size=size) as pilot:
        app.push_screen(ImportClientsScreen(open_client_file(small_csv)))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert_fits(app.screen)
        lines = screen_lines(app)
        assert any("Windows-1252" in line for line in lines)
        assert any("Duplicates" in line for line in lines)


async def test_a_vcard_file_is_shown_card_by_card(as_admin, app, tmp_path):
    path = tmp_path / "phone.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Nguyen;Linh;;;\r\nFN:Linh Nguyen\r\nEMAIL:linh@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Kowalska;Marta;;;\r\nFN:Marta Kowalska\r\nEMAIL:marta@@example\r\n"
        "NOTE:Booked twice\\, cancelled once\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = ImportClientsScreen(open_client_file(path))
        app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "vCard, 2 cards" in text_of(app, "#ic-file")
        lines = "\n".join(screen_lines(app))
        assert "Field of the card" in lines and "Card 2" in lines and "Booked twice, cancelled once" in lines
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CheckReport)
        assert text_of(app, "#check-rows").startswith("Card 2: ")


async def test_the_rejects_go_to_the_documents_folder_when_the_files_folder_is_not_writable(
    as_admin, app, small_csv, tmp_path, monkeypatch
):
    from spectra_tui.data import settings
    from spectra_tui.data import client_import as import_module

    settings.put("documents_folder", str(tmp_path / "docs"))
    write = import_module.write_rejects

    def folder_refuses(result, file, path):
        if path.parent == small_csv.parent:
            raise PermissionError(13, "Permission denied")
        return write(result, file, path)

    monkeypatch.setattr(import_module, "write_rejects", folder_refuses)
    async with app.run_test(size=SIZE) as pilot:
        screen = ImportClientsScreen(open_client_file(small_csv))
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("i")  # no check first: the import finds the bad row, then asks
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # import nothing
        rejects = tmp_path / "docs" / "old-program.rejects.csv"
        assert "Nothing was imported" in text_of(app, "#ic-result") and rejects.exists()
        assert str(rejects) in text_of(app, "#ic-result").replace("\n", "")
        assert not client_data.search_clients(ClientQuery(name="Quillfeather"))


def test_help_finds_the_import_by_its_words_and_names_its_keys():
    from spectra_tui.screens.help_pages import matching

    (page,) = [page for page in matching("import csv") if page.title == "ENTER A NEW CLIENT"]
    assert "not built yet" not in page.text()
    assert keymap.key("clients_hub.import") in page.text() and keymap.key("import_clients.check") in page.text()
