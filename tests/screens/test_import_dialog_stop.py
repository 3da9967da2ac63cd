"""After a cancel, the import dialog's progress line says what happened
(stopped, how many imported), not "Stopping..." for ever."""
import re
import threading

from textual.widgets import Input

from spectra_tui.capture import ImportResult

from .test_workflow import at_status, card, image_root, images_of, open_workflow, text_of, wait_for  # noqa: F401

SIZE = (120, 40)


async def test_a_cancelled_import_says_it_stopped_and_how_many_came_in(app, image_root, card, monkeypatch):
    import spectra_tui.capture as capture

    real_import = capture.import_folder
    first_done = threading.Event()

    def held_after_the_first(source, store, progress=None, cancel=None, workers=None):
        def report(progress_report):
            progress(progress_report)
            if progress_report.done >= 1:
                first_done.set()
                cancel.wait(10)  # the receptionist presses Escape now

        return real_import(source, store, progress=report, cancel=cancel, workers=1)

    monkeypatch.setattr(capture, "import_folder", held_after_the_first)
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "2")
        hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#imp-path", Input).value = str(card)
        await pilot.press("enter")
        await wait_for(pilot, first_done.is_set, timeout=60, what="the first picture")
        await pilot.press("escape")
        await wait_for(pilot, lambda: dialog.phase == "done", timeout=60, what="the stop")
        line = text_of(dialog, "#imp-progress-text")
        imported = len(images_of(session))
        assert re.fullmatch(r"Stopped as asked: (\d) of 4 pictures imported; the rest were not copied\.", line), line
        assert int(re.search(r"\d", line).group()) == imported >= 1
        assert "Cancelled before the end" in text_of(dialog, "#imp-summary")


async def test_a_cancel_before_any_progress_says_none_came_in(app, image_root, card, monkeypatch):
    import spectra_tui.capture as capture

    started = threading.Event()

    def waits_for_the_cancel(source, store, progress=None, cancel=None, workers=None):
        started.set()
        assert cancel.wait(10)
        return ImportResult(source=source, cancelled=True)

    monkeypatch.setattr(capture, "import_folder", waits_for_the_cancel)
    async with app.run_test(size=SIZE) as pilot:
        await open_workflow(pilot, "2")
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#imp-path", Input).value = str(card)
        await pilot.press("enter")
        await wait_for(pilot, started.is_set, what="import started")
        await pilot.press("escape")
        await wait_for(pilot, lambda: dialog.phase == "done", what="the stop")
        assert text_of(dialog, "#imp-progress-text") == "Stopped as asked: 0 pictures imported."
