"""Prepare images (issue 13): favourites, hidden images and the order, from
the Workflow hub's Present Images stage and the session record's Images tab;
two images compared side by side; what another terminal did is what a key
works on, and what this one did is stored for every terminal."""
import pytest
from textual.widgets import Digits

from spectra_tui.data import images as image_data
from spectra_tui.data import prepare
from spectra_tui.data.models import SessionImage
from spectra_tui.screens.compare_images import CompareImagesScreen
from spectra_tui.screens.prepare_images import PreparedImagesTable, PrepareImagesScreen
from spectra_tui.screens.sessions import SessionRecord

from .test_workflow import at_status, jpeg_bytes, notified, open_workflow, text_of

SIZES = [(120, 40), (80, 24)]


@pytest.fixture
def presented(tmp_path, monkeypatch):
    """A session at Sales Presentation Pending with images 1-4."""
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "images"))
    session = at_status("Sales Presentation Pending")[0]
    store = image_data.session_store(session)
    for seed in (1, 2, 3, 4):
        store.add_bytes(jpeg_bytes(seed), f"IMG_000{seed}.JPG")
    return session


def stored_order(session) -> list[int]:
    return [image.number for image in prepare.prepared_images(session)]


def table_order(table: PreparedImagesTable) -> list[int]:
    return [int(str(table.get_row_at(row)[1])) for row in range(table.row_count)]


def image(session, number: int) -> SessionImage:
    return SessionImage.get((SessionImage.session == session.id) & (SessionImage.number == number))


async def open_prepare(pilot, session) -> PrepareImagesScreen:
    hub = await open_workflow(pilot, "3")
    hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PrepareImagesScreen)
    return screen


@pytest.mark.parametrize("size", SIZES)
async def test_mark_hide_and_reorder_from_the_present_images_stage(app, presented, size):
    async with app.run_test(size=size) as pilot:
        screen = await open_prepare(pilot, presented)
        assert table_order(screen.table) == [1, 2, 3, 4]
        # typed fast, in one burst: each key lands in order on the image it was meant for
        await pilot.press("down", "space", "down", "h", "shift+up", "shift+up")
        await pilot.pause()
        assert image(presented, 2).favourite and image(presented, 3).hidden
        assert stored_order(presented) == [3, 1, 2, 4]
        assert [i.number for i in prepare.presentation_images(presented)] == [1, 2, 4]
        assert table_order(screen.table) == [3, 1, 2, 4]
        assert screen.table.cursor_row == 0  # still on image 3, which moved
        assert "3 of 4 images shown in the presentation" in text_of(screen, "#prep-title")
        marks = [str(screen.table.get_row_at(row)[2]) for row in range(4)]
        assert marks == ["hidden", "", "★", ""]
        await pilot.press("down", "d")  # the fallback key moves image 1 down too
        await pilot.pause()
        assert stored_order(presented) == [3, 2, 1, 4]


async def test_the_session_record_images_tab_prepares_too(app, presented):
    async with app.run_test(size=(120, 40)) as pilot:
        hub = await open_workflow(pilot, "3")
        hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(presented.id))
        await pilot.press("s")
        await pilot.pause()
        record = app.screen
        assert isinstance(record, SessionRecord)
        await pilot.press("4", "tab")
        await pilot.pause()
        table = record.query_one("#sr-images", PreparedImagesTable)
        assert app.focused is table
        await pilot.press("down", "down", "down", "shift+up", "space", "h")  # image 4: one up, favourite, hidden
        await pilot.pause()
        assert stored_order(presented) == [1, 2, 4, 3]
        four = image(presented, 4)
        assert four.favourite and four.hidden
        assert table_order(table) == [1, 2, 4, 3]
        assert "3 of 4 images shown in the presentation" in text_of(record, "#sr-images-hint")


@pytest.mark.parametrize("size", SIZES)
async def test_compare_two_side_by_side_and_mark_the_chosen_one(app, presented, size):
    async with app.run_test(size=size) as pilot:
        screen = await open_prepare(pilot, presented)
        await pilot.press("down", "w")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareImagesScreen)
        numbers = lambda: [compare.query_one(f"#cmp-{side}-number", Digits).value for side in ("left", "right")]  # noqa: E731
        assert numbers() == ["2", "3"]  # the highlighted image and the next one
        for side in ("left", "right"):
            assert compare.query_one(f"#cmp-{side}-problem").has_class("-hidden")  # both pictures drawn
        await pilot.press("tab", "right", "space")  # the right side flips to 4, which becomes a favourite
        await pilot.pause()
        assert numbers() == ["2", "4"]
        assert image(presented, 4).favourite and not image(presented, 2).favourite
        assert "favourite" in text_of(compare, "#cmp-right-marks")
        await pilot.press("tab", "h")  # the left side's image 2 is hidden
        await pilot.pause()
        assert image(presented, 2).hidden and "hidden" in text_of(compare, "#cmp-left-marks")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        marks = {int(str(screen.table.get_row_at(r)[1])): str(screen.table.get_row_at(r)[2]) for r in range(4)}
        assert marks == {1: "", 2: "hidden", 3: "", 4: "★"}


async def test_another_terminal_s_order_is_what_the_next_key_works_on(app, presented):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(pilot, presented)
        assert screen.table.highlighted.number == 1
        prepare.move_to(presented, image(presented, 4), 1)  # another terminal puts image 4 first
        await pilot.press("shift+down")  # this one moves image 1 down: one place after where it is now
        await pilot.pause()
        assert stored_order(presented) == [4, 2, 1, 3]
        assert table_order(screen.table) == [4, 2, 1, 3]
        await pilot.press("escape", "r")  # opened again: the stored order
        await pilot.pause()
        assert table_order(app.screen.table) == [4, 2, 1, 3]


async def test_an_image_removed_in_another_terminal_is_said_readably(app, presented):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(pilot, presented)
        SessionImage.delete().where(SessionImage.id == image(presented, 1).id).execute()
        await pilot.press("space")
        await pilot.pause()
        assert notified(app, f"Image 1 of session {presented.number} no longer exists")
        assert app.screen is screen and table_order(screen.table) == [2, 3, 4]


@pytest.mark.parametrize("size", SIZES)
async def test_move_to_a_typed_position(app, presented, size):
    async with app.run_test(size=size) as pilot:
        screen = await open_prepare(pilot, presented)
        await pilot.press("t", "9", "enter")  # out of range: said under the field, nothing moved
        await pilot.pause()
        assert "a position is 1 to 4, not 9" in text_of(app.screen, "#err-position")
        assert stored_order(presented) == [1, 2, 3, 4]
        await pilot.press("backspace", "3", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert stored_order(presented) == [2, 3, 1, 4] and table_order(screen.table) == [2, 3, 1, 4]
        assert screen.table.highlighted.number == 1
