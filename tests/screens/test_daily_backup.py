"""Daily backups in the app (issue 16): the app makes today's backup when it
starts, in a worker thread; the hourly check makes the next day's; a failure
is a notice on screen (and a line in the backup log), never a crash; the
number kept is typed in Studio Settings."""
import datetime as dt

from textual.widgets import Input

from spectra_tui.app import DAILY_BACKUP_CHECK_SECONDS
from spectra_tui.data import backup, settings
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.studio_settings import StudioSettingsScreen

from .conftest import FIXED_NOW


def backups_in(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


async def test_the_app_makes_the_days_backup_then_the_next_days(demo_db, make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "backups"
    app = make_app(daily_backups=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert backups_in(folder) == ["studio-2026-11-26.db"]
        assert any(timer._interval == DAILY_BACKUP_CHECK_SECONDS for timer in app._timers)
        tomorrow = to_utc(FIXED_NOW + dt.timedelta(days=1))
        set_clock(lambda: tomorrow)
        app.start_daily_backup()  # what the hourly timer does
        await app.workers.wait_for_complete()
        assert backups_in(folder) == ["studio-2026-11-26.db", "studio-2026-11-27.db"]
        assert not app._notifications


async def test_a_backup_that_fails_is_a_notice_not_a_crash(demo_db, make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "backups").write_text("a file where the folder should be")
    app = make_app(daily_backups=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        (notice,) = list(app._notifications)
        assert notice.message.startswith("The daily backup failed: the daily backup cannot be written in")
        assert notice.severity == "error"
        assert app.is_running and app.crash is None
    log = backup.log_path().read_text()
    assert "daily backup failed: the daily backup cannot be written in" in log


async def test_no_backup_from_the_app_unless_asked(demo_db, make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert not (tmp_path / "backups").exists()


async def test_the_number_of_backups_kept_is_a_studio_setting(as_admin, make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, StudioSettingsScreen)
        box = app.screen.query_one("#s-backups_kept", Input)
        assert box.value == "14"
        app.screen.set_focus(box)
        await pilot.press("home", "shift+end", "backspace", *"many", "ctrl+w")
        await pilot.pause()
        assert "'many' is not a number" in str(app.screen.query_one("#err-backups_kept").render())
        await pilot.press("home", "shift+end", "backspace", *"30", "ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, HomeHub)
    assert settings.get("backups_kept") == 30
