"""Shared UI fixtures for the screen tests (Pilot and snapshots).

- ``demo_db``: a fresh copy of a demo studio (60 clients, seed 1, today =
  FIXED_DAY), the clock frozen at FIXED_NOW and Rita (receptionist) signed in.
  The demo is built once per test process and copied for each test (fast).
- ``make_app``: builds a SpectraApp that ignores the user's own key file;
  ``app``: one such app.
- Cursors do not blink in these apps (SpectraApp's cursor_blink), so snapshots are stable.
- Pilot's ``press`` and ``pause`` (and so snapshots) return only once the
  tables' page loads, which run in worker threads, have shown their rows
  (autouse; a test marked ``pages_unawaited`` waits on its own, see pages.py).
"""
import datetime as dt
import shutil

import pytest
from textual.pilot import Pilot

from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.demo import fill_demo
from spectra_tui.data.models import User
from spectra_tui.data.users import sign_in

from .pages import page_loads_done, typed_keys_done

FIXED_DAY = dt.date(2026, 11, 26)
FIXED_NOW = dt.datetime(2026, 11, 26, 10, 30)
DEMO_CLIENTS = 60


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A demo database file built once per test process (never opened by tests)."""
    path = tmp_path_factory.mktemp("demo-template") / "studio.db"
    open_database(path, create=True)
    try:
        fill_demo(clients=DEMO_CLIENTS, seed=1, today=FIXED_DAY)
    finally:
        close_database()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    """An open copy of the demo studio; clock frozen at FIXED_NOW, Rita signed in."""
    path = tmp_path / "studio.db"
    shutil.copyfile(demo_template, path)
    db = open_database(path)
    frozen = to_utc(FIXED_NOW)  # the studio's wall clock shows FIXED_NOW
    set_clock(lambda: frozen)
    sign_in(User.get(User.username == "rita"))
    yield db
    set_clock(None)
    sign_in(None)
    close_database()


@pytest.fixture
def as_admin(demo_db):
    """The demo's owner (user name admin) signed in instead of Rita (front
    desk): for what only a manager or the owner may do (voids, settings)."""
    sign_in(User.get(User.username == "admin"))


@pytest.fixture
def make_app(demo_db, tmp_path):
    """A factory of SpectraApp on the demo database, with the default keys only."""
    from spectra_tui.app import SpectraApp

    def make(**kwargs):
        kwargs.setdefault("keys_file", tmp_path / "no-user-keys.toml")
        kwargs.setdefault("cursor_blink", False)  # steady cursors: stable snapshots
        return SpectraApp(**kwargs)

    return make


@pytest.fixture
def app(make_app):
    return make_app()


def pytest_configure(config):
    config.addinivalue_line("markers", "pages_unawaited: Pilot does not wait for the tables' page loads")


@pytest.fixture(autouse=True)
def page_loads_awaited(request, monkeypatch):
    """Pilot.press and Pilot.pause also wait for the tables' page loads and
    for the keys still waiting their turn (screens/typeahead.py)."""
    if request.node.get_closest_marker("pages_unawaited"):
        return
    press, pause = Pilot.press, Pilot.pause

    async def press_then_wait(self, *keys):
        await press(self, *keys)
        await typed_keys_done(self.app)
        while await page_loads_done(self.app):
            await pause(self)  # what the rows' arrival set off (a focus move, a message)

    async def pause_after_loads(self, delay=None):
        await typed_keys_done(self.app)
        await page_loads_done(self.app)
        await pause(self, delay)
        while await page_loads_done(self.app):
            await pause(self)

    monkeypatch.setattr(Pilot, "press", press_then_wait)
    monkeypatch.setattr(Pilot, "pause", pause_after_loads)


@pytest.fixture(autouse=True)
def default_keys():
    """Each test starts and ends with the registry's default keys in force."""
    from spectra_tui.screens import keymap

    keymap.activate({})
    yield
    keymap.activate({})
