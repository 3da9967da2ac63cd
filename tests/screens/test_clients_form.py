"""New Client (Ctrl+N): a receptionist's keystrokes in, the database checked.

Auto-capitalisation as a field is left, F3 to leave a field as typed,
validation messages at the field with nothing typed lost, the duplicate
warning, and Escape asking before unsaved changes are dropped."""
from textual.widgets import Input

from spectra_tui.data.models import Client
from spectra_tui.screens.clients import ClientFields, ClientForm
from spectra_tui.screens.dialogs import ConfirmDialog


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#f-{name}", Input)


def error_text(app, name: str) -> str:
    return app.screen.query_one(ClientFields).error_of(name)


async def open_form(pilot):
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ClientForm)
    assert pilot.app.focused is field(pilot.app, "first_name")


async def test_names_and_addresses_are_capitalised_as_the_field_is_left(app):
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"mary-jo", "tab")
        assert field(app, "first_name").value == "Mary-Jo"
        await pilot.press("tab", *"o'brien", "tab")
        assert field(app, "last_name").value == "O'Brien"
        for _ in range(5):  # company, mobile, home, work, email
            await pilot.press("tab")
        await pilot.press(*"12 elm st", "tab")
        assert field(app, "address1").value == "12 Elm St"
        await pilot.press("tab", *"round rock", "enter")  # Enter moves on too
        assert field(app, "city").value == "Round Rock"
        assert app.focused is field(app, "state")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientForm)
    assert Client.select().count() == before + 1
    saved = Client.select().order_by(Client.id.desc()).get()
    assert (saved.first_name, saved.last_name, saved.address1, saved.city) == ("Mary-Jo", "O'Brien", "12 Elm St", "Round Rock")


async def test_f3_moves_on_without_capitalising_and_the_save_keeps_it_as_typed(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"john", "tab", "tab", *"van der berg", "f3")
        assert field(app, "last_name").value == "van der berg"
        assert app.focused is field(app, "company")
        await pilot.press("ctrl+w")
        await pilot.pause()
    saved = Client.select().order_by(Client.id.desc()).get()
    assert saved.first_name == "John"
    assert saved.last_name == "van der berg"


async def test_leaving_again_with_tab_capitalises_after_all(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"smith", "f3")
        assert field(app, "first_name").value == "smith"
        await pilot.press("shift+tab", "tab")  # back into first name, then leave normally
        assert field(app, "first_name").value == "Smith"
        await pilot.press("ctrl+w")
        await pilot.pause()
    assert Client.select().order_by(Client.id.desc()).get().first_name == "Smith"


async def test_phone_is_normalised_and_a_bad_phone_is_shown_at_the_field_with_nothing_lost(app):
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"ann", "tab", "tab", *"lee", "tab", "tab", *"5125550100", "tab")
        assert field(app, "phone_mobile").value == "(512) 555-0100"
        await pilot.press(*"12345", "tab")
        assert "not a valid phone number" in error_text(app, "phone_home")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        assert app.focused is field(app, "phone_home")
        assert "not a valid phone number" in error_text(app, "phone_home")
        assert [field(app, n).value for n in ("first_name", "last_name", "phone_home")] == ["Ann", "Lee", "12345"]
        assert Client.select().count() == before
        await pilot.press(*["backspace"] * 5, *"5125550111")
        assert error_text(app, "phone_home") == ""  # typing clears the message
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientForm)
    saved = Client.select().order_by(Client.id.desc()).get()
    assert (saved.phone_mobile, saved.phone_home) == ("(512) 555-0100", "(512) 555-0111")


async def test_email_and_birthday_are_checked_by_the_data_rules(app):
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"kim")
        field(app, "email").focus()
        await pilot.press(*"kim@", "tab")
        assert "not a valid email address" in error_text(app, "email")
        field(app, "birthday").focus()
        await pilot.press(*"02/30/1990", "tab")
        assert "not a date" in error_text(app, "birthday")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        assert field(app, "email").value == "kim@"
        assert Client.select().count() == before
        field(app, "birthday").focus()
        await pilot.press(*["backspace"] * 10, *"1990-02-28", "tab")
        assert field(app, "birthday").value == "02/28/1990"
        field(app, "email").focus()
        await pilot.press(*"example.com", "ctrl+w")
        await pilot.pause()
        assert not isinstance(app.screen, ClientForm)
    saved = Client.select().order_by(Client.id.desc()).get()
    assert saved.email == "kim@example.com" and str(saved.birthday) == "1990-02-28"


async def test_duplicate_warning_before_saving(app):
    existing = Client.select().where(Client.phone_mobile != "").order_by(Client.id).first()
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*existing.first_name.lower(), "tab", "tab", *existing.last_name.lower(), "tab", "tab",
                          *existing.phone_mobile, "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "may already exist" in app.screen.question and f"#{existing.id}" in app.screen.question
        await pilot.press("n")  # go back: nothing saved, nothing lost
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        assert field(app, "last_name").value == existing.last_name
        assert Client.select().count() == before
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.press("y")  # a different person with the same name and phone: save anyway
        await pilot.pause()
        assert not isinstance(app.screen, (ClientForm, ConfirmDialog))
    assert Client.select().count() == before + 1


async def test_escape_asks_before_dropping_what_was_typed(app):
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press("escape")  # nothing typed: leaves at once
        await pilot.pause()
        assert not isinstance(app.screen, ClientForm)
        await open_form(pilot)
        await pilot.press(*"zed", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm) and field(app, "first_name").value == "zed"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ClientForm, ConfirmDialog))
    assert Client.select().count() == before


async def test_a_form_without_a_name_says_so_at_the_last_name(app):
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        field(app, "city").focus()
        await pilot.press(*"austin", "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        assert "first or last name" in error_text(app, "last_name")
        assert app.focused is field(app, "last_name")
        assert field(app, "city").value == "Austin"
    assert Client.select().count() == before


async def test_a_new_client_typed_ahead_of_the_screen_lands_field_by_field(app):
    """The whole form typed as one burst (faster than the screen draws), then
    Ctrl+W: each Enter moves on as it arrives, the save sees every key."""
    from textual import events

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        burst = [*"mary", "enter", "enter", *"o'brien", "enter", "enter", *"5125550199", "ctrl+w"]
        for key in burst:
            app.post_message(events.Key(key, "\r" if key == "enter" else (None if key == "ctrl+w" else key)))
        await pilot.pause(0.3)
        client = Client.select().order_by(Client.id.desc()).get()
        assert (client.first_name, client.middle_name, client.last_name, client.phone_mobile) == (
            "Mary", "", "O'Brien", "(512) 555-0199")


async def test_names_company_and_state_get_their_capitals_as_each_field_is_left(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        await pilot.press(*"piet", "tab", "tab", *"van der berg", "tab")
        assert field(app, "last_name").value == "van der Berg"  # nameparser: particles stay lower
        await pilot.press(*"acme photo llc", "tab")
        assert field(app, "company").value == "Acme Photo LLC"  # the studio's own words
        field(app, "state").focus()
        await pilot.press(*"il", "tab")
        assert field(app, "state").value == "IL"  # as the field is left, not only when saved
        assert app.focused is field(app, "postal_code")
        await pilot.press("ctrl+w")
        await pilot.pause()
    saved = Client.select().order_by(Client.id.desc()).get()
    assert (saved.first_name, saved.last_name, saved.company, saved.state) == (
        "Piet", "van der Berg", "Acme Photo LLC", "IL")


async def test_a_save_shows_every_broken_field_at_once(app):
    """Not one message at a time: each broken field's own message, under the
    fields, each field marked, the first of them focused; nothing saved."""
    before = Client.select().count()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        for name, value in (("phone_home", "12345"), ("email", "kim@"), ("birthday", "02/30/1990")):
            field(app, name).value = value  # typed, not yet checked (the fields were not left)
        await pilot.pause()  # the fields have taken their changes, as typed keys would have been
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ClientForm)
        assert "first or last name" in error_text(app, "last_name")
        assert "not a valid phone number" in error_text(app, "phone_home")
        assert "not a valid email address" in error_text(app, "email")
        assert "not a date" in error_text(app, "birthday")
        shown = str(app.screen.query_one("#field-errors").render())
        assert [line.split(":")[0] for line in shown.splitlines()] == ["Last name", "Home phone", "Email", "Birthday"]
        assert all(field(app, n).has_class("-invalid") for n in ("last_name", "phone_home", "email", "birthday"))
        assert app.focused is field(app, "last_name")
    assert Client.select().count() == before


async def test_the_f3_hint_says_what_f3_does(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        hint = str(app.screen.query_one("#form-keys").render())
        assert "F3 no auto-capitals here, next field" in hint
        assert len(hint) <= 80 - 2  # whole at 80 columns (the line has a margin of 1)
