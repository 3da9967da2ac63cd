"""`spectra --user NAME` no longer signs anyone in to the app: the name (or
$SPECTRA_USER) is only filled in on the sign-in screen."""
import gc
import sys
import types

import pytest

from spectra_tui import app as app_module
from spectra_tui import cli
from spectra_tui.data import accounts, db, users


class RecordingApp:
    """Stands for SpectraApp: records who was signed in when the app was made."""

    made: list[tuple[str, object]] = []

    def __init__(self, user_name: str = "", **kwargs):
        RecordingApp.made.append((user_name, users.current_user()))
        self.crash, self.return_code = None, 0

    def run(self) -> None:
        pass


@pytest.fixture
def studio_file(db_target, monkeypatch):
    db.open_database(db_target, create=True)
    users.sign_in(accounts.create_user("owner", "Studio Owner", "owner"))
    accounts.create_user("rita", "Rita Gomez", "front_desk")
    users.sign_in(None)
    db.close_database()
    RecordingApp.made = []
    monkeypatch.setattr(app_module, "SpectraApp", RecordingApp)
    monkeypatch.setitem(sys.modules, "textual_image.widget", types.ModuleType("textual_image.widget"))
    yield db_target
    gc.unfreeze()
    db.close_database()
    users.sign_in(None)


def test_user_only_fills_in_the_name_on_the_sign_in(studio_file, monkeypatch):
    monkeypatch.delenv("SPECTRA_USER", raising=False)
    assert cli.main(["--db", studio_file, "--user", "rita"]) == 0
    assert RecordingApp.made == [("rita", None)]


def test_the_environment_s_user_only_fills_in_the_name_too(studio_file, monkeypatch):
    monkeypatch.setenv("SPECTRA_USER", "rita")
    assert cli.main(["--db", studio_file]) == 0
    assert RecordingApp.made == [("rita", None)]
