"""The price-list manager: Price lists (Ctrl+F8, the palette), a list's items
and packages, Session types (Ctrl+F7). A manager or the owner changes the
catalog through data/catalog.py; a front-desk user is refused before any
form; a stale edit says so, reloads and keeps what was typed."""
from spectra_tui.data import catalog
from spectra_tui.data.models import PriceItem, PriceList, SessionType
from spectra_tui.screens.dialogs import ConfirmDialog
from spectra_tui.screens.price_items import ContentsDialog, ItemDialog, PriceItemsScreen
from spectra_tui.screens.price_lists import ListNameDialog, PriceListsScreen
from spectra_tui.screens.session_types import SessionTypeDialog, SessionTypesScreen

SIZE = (120, 40)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def item(code: str) -> PriceItem:
    return PriceItem.get(PriceItem.code == code)


def standard() -> PriceList:
    return PriceList.get(PriceList.name == "Standard")


async def open_items(app, pilot) -> PriceItemsScreen:
    await pilot.press("ctrl+f8")
    assert isinstance(app.screen, PriceListsScreen)
    await pilot.press("enter")  # Standard is the only list: its items
    screen = app.screen
    assert isinstance(screen, PriceItemsScreen) and screen.price_list.name == "Standard"
    return screen


async def find(pilot, screen, words: str) -> None:
    await pilot.press("slash")
    screen.query_one("#items-filter").value = ""
    await type_text(pilot, words)
    await pilot.press("enter")  # to the items found


async def test_front_desk_is_refused_before_any_form(app):
    async with app.run_test(size=SIZE) as pilot:
        for key, screen_class in (("ctrl+f8", PriceListsScreen), ("ctrl+f7", SessionTypesScreen)):
            await pilot.press(key)
            screen = app.screen
            assert isinstance(screen, screen_class)
            note = text_of(screen, "#catalog-note")
            assert "Only a manager or the owner" in note and "Rita Gomez is signed in as front desk" in note
            assert not screen.table.display
            await pilot.press("n", "e", "enter")  # the keys open nothing
            assert app.screen is screen
            await pilot.press("escape")
        app.push_screen(PriceItemsScreen(standard()))
        await pilot.pause()
        await pilot.press("n", "p", "h")
        assert isinstance(app.screen, PriceItemsScreen) and "Only a manager" in text_of(app.screen, "#catalog-note")
        assert not item("P5X7").hidden


async def test_the_lists_new_rename_and_out_of_use(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f8")
        screen = app.screen
        assert isinstance(screen, PriceListsScreen)
        line = str(screen.table.get_row(str(standard().id))[0])
        assert "Standard" in line and "in use" in line and " 13 " in line  # 10 items, 3 packages
        assert "Family, Headshot, Maternity, Newborn, Pet, Senior" in line
        await pilot.press("n")
        assert isinstance(app.screen, ListNameDialog)
        await type_text(pilot, "Standard")
        await pilot.press("enter")
        assert "already a price list" in text_of(app.screen, "#err-name")  # said at the field
        app.screen.query_one("#f-name").value = "Schools"
        await pilot.press("enter")
        assert app.screen is screen
        schools = PriceList.get(PriceList.name == "Schools")
        assert screen.table.selected.price_list.id == schools.id
        await pilot.press("r")
        app.screen.query_one("#f-name").value = "Schools 2027"
        await pilot.press("ctrl+w")
        assert PriceList.get_by_id(schools.id).name == "Schools 2027"
        # out of use: asked first; a list a session type sells from says why not
        screen.table.move_to_key(standard().id)
        await pilot.press("u")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        assert "The session types Family, Newborn, Senior, Headshot" in text_of(screen, "#catalog-note")
        assert standard().active
        screen.table.move_to_key(schools.id)
        await pilot.press("u", "y")
        assert not PriceList.get_by_id(schools.id).active
        assert "out of use" in str(screen.table.get_row(str(schools.id))[0])
        await pilot.press("u")  # back into use: nothing to ask
        assert PriceList.get_by_id(schools.id).active


async def test_items_are_found_by_typing_added_edited_hidden_and_quick_picked(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        assert len(screen.table.loaded_rows) == 13
        await pilot.press("slash")
        await type_text(pilot, "frame")  # code, description or group
        assert [row.code for row in screen.table.loaded_rows] == ["ALB", "FRM8"]
        await type_text(pilot, "zz")
        assert "Nothing on Standard matches 'framezz'" in text_of(screen, "#catalog-note")
        screen.query_one("#items-filter").value = ""
        await pilot.pause()
        # a new item: money typed as amounts; a bad price is said at the field
        await pilot.press("down", "n")
        dialog = app.screen
        assert isinstance(dialog, ItemDialog)
        await type_text(pilot, "frm5")
        await pilot.press("enter")
        await type_text(pilot, "Frame 5x7")
        await pilot.press("enter")
        await type_text(pilot, "Frames")
        await pilot.press("enter")
        await type_text(pilot, "forty")
        await pilot.press("enter")
        await type_text(pilot, "12.50")
        await pilot.press("ctrl+w")
        assert app.screen is dialog and "'forty' is not an amount" in text_of(dialog, "#err-price")
        dialog.query_one("#f-price").value = "1,040.5"
        await pilot.press("ctrl+w")
        assert app.screen is screen
        new = item("FRM5")
        assert (new.name, new.group_name, new.price_cents, new.cost_cents, new.taxable) == (
            "Frame 5x7", "Frames", 104050, 1250, True)
        assert new.price_list_id == standard().id and screen.table.selected.id == new.id
        # edit every field: Enter on the line
        await find(pilot, screen, "P4X6")
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, ItemDialog) and dialog.query_one("#f-price").value == "15.00"
        dialog.query_one("#f-price").value = "17"
        dialog.query_one("#f-description").value = "Print 4x6 lustre"
        dialog.query_one("#f-taxable").value = False
        await pilot.press("ctrl+w")
        edited = item("P4X6")
        assert (edited.price_cents, edited.name, edited.taxable, edited.cost_cents) == (1700, "Print 4x6 lustre",
                                                                                      False, 150)
        # hide, show, quick pick
        await pilot.press("h")
        assert item("P4X6").hidden and "hidden" in str(screen.table.get_row(str(edited.id))[0])
        assert "P4X6" not in [i.code for i in catalog.items_of(standard())]
        await pilot.press("h", "q")
        assert not item("P4X6").hidden and item("P4X6").quick_pick
        await pilot.press("c")  # an item has no pieces
        assert "is an item, not a package" in text_of(screen, "#catalog-note")


async def test_a_package_is_made_and_its_pieces_and_limits_changed(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        await pilot.press("down", "p")
        dialog = app.screen
        assert isinstance(dialog, ItemDialog) and dialog.package
        values = {"code": "PKGX", "description": "Mini package", "price": "199", "contents": "p5x7 x2, DIG1 x2",
                  "minimum": "1", "maximum": "", "pose_fee": "10"}
        for field, value in values.items():
            dialog.query_one(f"#f-{field}").value = value
        await pilot.press("ctrl+w")
        assert app.screen is screen
        package = item("PKGX")
        assert package.is_package and catalog.contents_text(package) == "P5X7 x2, DIG1 x2"
        assert (package.price_cents, package.min_images, package.max_images, package.pose_fee_cents) == (
            19900, 1, 4, 1000)
        assert "1–4 img, $10.00/pose" in str(screen.table.get_row(str(package.id))[0])
        # its limits: a maximum above its pieces is said at the field
        await pilot.press("e")
        dialog = app.screen
        dialog.query_one("#f-maximum").value = "5"
        await pilot.press("ctrl+w")
        assert "at most 4 images" in text_of(dialog, "#err-maximum")
        dialog.query_one("#f-maximum").value = "3"
        dialog.query_one("#f-minimum").value = "2"
        await pilot.press("ctrl+w")
        assert app.screen is screen and (item("PKGX").min_images, item("PKGX").max_images) == (2, 3)
        # its pieces
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, ContentsDialog) and dialog.query_one("#f-contents").value == "P5X7 x2, DIG1 x2"
        dialog.query_one("#f-contents").value = "P5X7 x2, PKGB"
        await pilot.press("enter")
        assert "cannot contain another package" in text_of(dialog, "#err-contents")
        dialog.query_one("#f-contents").value = "P8X10 x3"
        await pilot.press("enter")
        assert app.screen is screen and catalog.contents_text(item("PKGX")) == "P8X10 x3"


async def test_a_stale_edit_says_so_reloads_and_keeps_what_was_typed(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_items(app, pilot)
        await find(pilot, screen, "P8X10")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ItemDialog)
        dialog.query_one("#f-description").value = "Print 8x10 (metallic)"
        # meanwhile another terminal changes the price
        catalog.update_price_item(catalog.get_price_item(item("P8X10").id), price_cents=4900)
        await pilot.press("ctrl+w")
        assert app.screen is dialog
        assert "changed in another terminal" in text_of(dialog, "#small-error")
        assert dialog.query_one("#f-description").value == "Print 8x10 (metallic)"  # what was typed stays
        assert dialog.query_one("#f-price").value == "49.00"  # the other change shows
        await pilot.press("ctrl+w")
        assert app.screen is screen
        assert (item("P8X10").name, item("P8X10").price_cents) == ("Print 8x10 (metallic)", 4900)
        # a quick toggle on a stale line: said, and the line reloaded
        stale = screen.table.selected
        catalog.update_price_item(catalog.get_price_item(stale.id), group_name="Big prints")
        await pilot.press("q")
        assert "changed in another terminal" in text_of(screen, "#catalog-note")
        assert item("P8X10").quick_pick  # unchanged
        assert screen.table.selected.group_name == "Big prints"


async def test_session_types_new_and_edited(as_admin, app):
    schools = catalog.create_price_list("Schools")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f8", "s")
        screen = app.screen
        assert isinstance(screen, SessionTypesScreen)
        assert {row.name for row in screen.table.loaded_rows} >= {"Family", "Pet"}
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, SessionTypeDialog)
        await type_text(pilot, "School day")
        await pilot.press("enter")
        await type_text(pilot, "20")
        await pilot.press("enter")
        await type_text(pilot, "0")
        await pilot.press("enter", "enter", "right")  # (the colour as offered) the next price list
        await pilot.press("ctrl+w")
        assert app.screen is screen
        school = SessionType.get(SessionType.name == "School day")
        assert (school.length_minutes, school.fee_cents, school.color, school.price_list_id) == (
            20, 0, "#87af87", schools.id)
        screen.table.move_to_key(SessionType.get(SessionType.name == "Pet").id)
        await pilot.press("e")
        dialog = app.screen
        dialog.query_one("#f-color").value = "purple"
        dialog.query_one("#f-fee").value = "99.50"
        await pilot.press("ctrl+w")
        assert "#rrggbb" in text_of(dialog, "#err-color")
        dialog.query_one("#f-color").value = "#af87af"
        await pilot.press("ctrl+w")
        pet = SessionType.get(SessionType.name == "Pet")
        assert (pet.fee_cents, pet.color) == (9950, "#af87af")
        await pilot.press("u")
        assert not SessionType.get_by_id(pet.id).active
        assert "out of use" in str(screen.table.get_row(str(pet.id))[0])


async def test_the_palette_opens_price_lists_and_session_types(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        for words, screen_class in (("Price lists", PriceListsScreen), ("Session types", SessionTypesScreen)):
            await pilot.press("ctrl+k")
            await type_text(pilot, words)
            await pilot.pause(0.3)
            await pilot.press("enter")
            assert isinstance(app.screen, screen_class), words
            await pilot.press("escape")


async def test_an_empty_studio_starts_its_first_list(as_admin, app):
    SessionType.update(price_list=None).execute()
    from spectra_tui.data.models import PackageItem

    PackageItem.delete().execute()
    PriceItem.delete().execute()
    PriceList.delete().execute()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f8")
        screen = app.screen
        assert "no price list yet" in text_of(screen, "#catalog-note")
        await pilot.press("n")
        await type_text(pilot, "Standard")
        await pilot.press("enter", "enter")  # saved; then its (empty) items
        items = app.screen
        assert isinstance(items, PriceItemsScreen) and "Standard has no items yet" in text_of(items, "#catalog-note")
        await pilot.press("n")
        await type_text(pilot, "P8X10")
        await pilot.press("enter")
        await type_text(pilot, "Print 8x10")
        await pilot.press("enter", "enter")
        await type_text(pilot, "45")
        await pilot.press("ctrl+w")
        assert item("P8X10").price_list_id == standard().id and item("P8X10").price_cents == 4500


async def test_studio_settings_and_the_setup_lead_to_the_price_lists(as_admin, app):
    from spectra_tui.screens.first_start import FirstStartScreen
    from spectra_tui.screens.studio_settings import StudioSettingsScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        settings = app.screen
        assert isinstance(settings, StudioSettingsScreen)
        hint = text_of(settings, "#settings-staff")
        assert "Ctrl+F8 the price lists, items and packages" in hint and "Ctrl+F7 the session types" in hint
        await pilot.press("ctrl+f7")
        assert isinstance(app.screen, SessionTypesScreen)
        await pilot.press("escape")
        assert app.screen is settings
        app.push_screen(FirstStartScreen(start_at="price_list"))
        await pilot.pause()
        step = app.screen.query_one("#step-price_list")
        assert "Ctrl+F8 opens the price lists" in " ".join(str(s.render()) for s in step.query(".hint"))
        await pilot.press("ctrl+f8")  # from inside the step's field
        assert isinstance(app.screen, PriceListsScreen)


async def test_a_stale_session_type_edit_keeps_what_was_typed(as_admin, app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f7")
        screen = app.screen
        family = SessionType.get(SessionType.name == "Family")
        screen.table.move_to_key(family.id)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, SessionTypeDialog)
        dialog.query_one("#f-fee").value = "160"
        catalog.update_session_type(catalog.get_session_type(family.id), length_minutes=75)  # another terminal
        await pilot.press("ctrl+w")
        assert app.screen is dialog and "changed in another terminal" in text_of(dialog, "#small-error")
        assert (dialog.query_one("#f-fee").value, dialog.query_one("#f-length").value) == ("160", "75")
        await pilot.press("ctrl+w")
        assert app.screen is screen
        stored = SessionType.get_by_id(family.id)
        assert (stored.fee_cents, stored.length_minutes) == (16000, 75)
