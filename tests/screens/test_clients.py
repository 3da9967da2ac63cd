"""Clients hub (F5) and Client Search (Ctrl+L): results follow the typing,
every search field combines, keyset pages load as the cursor moves, Enter
opens (and only Enter on a result)."""
from textual.widgets import Input

from spectra_tui.data.clients import ClientQuery, save_client, search_clients
from spectra_tui.data.models import Client
from spectra_tui.screens.clients import ClientForm, ClientRecord, ClientSearch, ClientSearchDialog, ClientsHub
from spectra_tui.screens.widgets import PAGE_SIZE, PagedTable


def results(app) -> list[Client]:
    return app.screen.query_one("#client-results", PagedTable).loaded_rows


def search_box(app, name: str) -> Input:
    return app.screen.query_one(f"#q-{name}", Input)


async def open_clients_hub(pilot):
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ClientsHub)
    assert pilot.app.focused is search_box(pilot.app, "name")


async def test_results_follow_each_keystroke(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        assert [c.id for c in results(app)] == [c.id for c in search_clients(ClientQuery(), PAGE_SIZE)]
        for typed in ("m", "mc", "mcd"):
            await pilot.press(typed[-1])
            expected = search_clients(ClientQuery(name=typed), PAGE_SIZE)
            assert [c.id for c in results(app)] == [c.id for c in expected], typed
        assert results(app) and all(c.last_name.startswith("McD") or c.first_name.lower().startswith("mcd")
                                    for c in results(app))
        await pilot.press("backspace", "backspace", "backspace")
        assert len(results(app)) == len(search_clients(ClientQuery(), PAGE_SIZE))


async def test_fields_combine(app):
    target = Client.select().where(Client.city != "").order_by(Client.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        await pilot.press(*target.last_name[:3].lower(), "tab", *target.phone_mobile[1:4], "tab", "tab",
                          *target.city[:4].lower())
        query = ClientQuery(name=target.last_name[:3], phone=target.phone_mobile[1:4], city=target.city[:4])
        shown = [c.id for c in results(app)]
        assert shown == [c.id for c in search_clients(query, PAGE_SIZE)]
        assert target.id in shown
        status = str(app.screen.query_one("#search-count").render())
        assert f"{len(shown)} client" in status


async def test_nothing_found_says_so(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        await pilot.press(*"zzzq")
        assert results(app) == []
        assert "No client matches" in str(app.screen.query_one("#search-count").render())
        await pilot.press("enter")  # Enter with no result: nothing happens, focus stays
        assert isinstance(app.screen, ClientsHub) and app.focused is search_box(app, "name")


async def test_enter_in_the_search_goes_to_the_results_then_enter_opens_the_client(app):
    prefix = next(letter for letter in "bcdghjlmprstw" if len(results_of(ClientQuery(name=letter))) >= 3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        await pilot.press(prefix, "enter")
        table = app.screen.query_one("#client-results", PagedTable)
        assert isinstance(app.screen, ClientsHub), "Enter in a search field must not open anything"
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
        assert app.screen.client.id == results_of(ClientQuery(name=prefix))[1].id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClientsHub)
        assert search_box(app, "name").value == prefix  # the search is kept


def results_of(query: ClientQuery) -> list[Client]:
    return search_clients(query, PAGE_SIZE)


async def test_down_from_a_search_field_goes_to_the_results(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        await pilot.press("down")
        assert app.focused is app.screen.query_one("#client-results", PagedTable)


async def test_pages_load_as_the_cursor_moves_down(app, demo_db):
    for n in range(PAGE_SIZE):  # 120 clients: two pages
        save_client(None, {"first_name": f"Extra{n:03d}", "last_name": "Aaberg"}, allow_duplicate=True)
    total = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        table = app.screen.query_one("#client-results", PagedTable)
        assert len(results(app)) == PAGE_SIZE
        table.focus()
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert len(results(app)) > PAGE_SIZE
        for _ in range(5):
            await pilot.press("ctrl+end")
            await pilot.pause()
        ids = [c.id for c in results(app)]
        assert len(ids) == len(set(ids)) == total
        assert "type to search" in str(app.screen.query_one("#search-count").render())


async def test_client_search_dialog_returns_the_chosen_client_from_anywhere(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)
        await pilot.press(*"mcd", "enter")
        assert isinstance(app.screen, ClientSearchDialog)  # Enter in the field only goes to the list
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientRecord)  # the app opens the chosen client
        assert app.screen.client.id == results_of(ClientQuery(name="mcd"))[0].id


async def test_client_search_dialog_escape_returns_nothing(app):
    answers = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClientSearchDialog(), answers.append)
        await pilot.pause()
        await pilot.press(*"mc", "escape")
        await pilot.pause()
        assert answers == [None]


async def test_new_client_from_the_search_dialog_is_its_answer(app):
    answers = []
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClientSearchDialog(), answers.append)
        await pilot.pause()
        await pilot.press(*"quincy", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        await pilot.press(*"zora", "tab", "tab", *"quincy", "ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, (ClientForm, ClientSearchDialog))
    assert Client.select().count() == before + 1
    assert len(answers) == 1 and answers[0].full_name == "Zora Quincy"


async def test_search_dialog_without_new_refuses_ctrl_n(app):
    answers = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ClientSearchDialog(allow_new=False), answers.append)
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ClientSearchDialog)
        assert "Ctrl+N" not in str(app.screen.query_one("#search-dialog-keys").render())
        assert answers == []


async def test_the_hub_shows_a_client_changed_in_the_record(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        await pilot.press(*"mcd", "enter", "enter")
        await pilot.pause()
        record = app.screen
        assert isinstance(record, ClientRecord)
        city = record.query_one("#f-city", Input)
        city.focus()
        await pilot.press(*["backspace"] * 20, *"new braunfels", "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ClientsHub)
        assert app.screen.query_one(ClientSearch).table.loaded_rows[0].city == "New Braunfels"


async def test_typing_then_enter_enter_faster_than_the_screen_opens_the_right_client(app):
    """A receptionist types a name and Enter, Enter without waiting: the second
    Enter opens the first match of what was typed, not of the list before."""
    from textual import events

    expected = results_of(ClientQuery(name="mcd"))[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients_hub(pilot)
        for key, char in [("m", "m"), ("c", "c"), ("d", "d"), ("enter", "\r"), ("enter", "\r")]:
            app._driver.send_message(events.Key(key, char))  # all at once, as a fast typist's keys arrive
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, ClientRecord)
        assert app.screen.client.id == expected.id
