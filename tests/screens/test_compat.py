"""The places that lean on Textual's internals (screens/compat.py) were
written for one Textual version: a different one fails here, loudly, so each
is read again on an upgrade instead of silently breaking."""
import textual
from textual.widgets import TextArea

from spectra_tui.screens import compat
from spectra_tui.screens.clients import ClientRecord


def test_textual_is_the_version_compat_was_written_for():
    assert textual.__version__ == compat.TESTED_TEXTUAL, (
        f"Textual {textual.__version__} is installed; spectra_tui/screens/compat.py was written for "
        f"{compat.TESTED_TEXTUAL}. Check each of its workarounds against the new version, then move the pin.")


async def test_a_closed_record_leaves_no_watcher_on_the_app(app, demo_db):
    from spectra_tui.data.models import Client

    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ClientRecord(Client.select().first(), tab="notes"))
        await pilot.pause()
        assert app.screen.query(TextArea)  # the notes watch the app's theme
        app.pop_screen()
        await pilot.pause()
        compat.release_closed_widgets(app)  # what the screen below does once it is drawn again
        watchers = [reactable for entries in getattr(app, "__watchers", {}).values() for reactable, _ in entries]
        assert not any(getattr(w, "_closing", False) for w in watchers)
