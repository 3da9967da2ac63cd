"""Workflow hub (F3) driven by a receptionist's and a photographer's keys:
stages, check in, tethered capture with a FakeCamera (capture, the camera's
own shutter button, unplugged, busy, claimed by another program), Import
Images with a corrupt file, the presentation and Order Info. The database and
the session folders are checked afterwards."""
import io
import threading
import time

import pytest
from PIL import Image
from textual.widgets import Input, Select, Static

from spectra_tui.capture import FakeCamera, ImportProgress, ImportResult
from spectra_tui.data import images as image_data
from spectra_tui.data import sessions as session_data
from spectra_tui.data.ledger import invoice_money, take_payment
from spectra_tui.data.models import Invoice, Session, SessionImage, SessionStatusChange
from spectra_tui.screens.capture_pane import CaptureScreen, ShotStrip
from spectra_tui.screens.clients import ClientForm
from spectra_tui.screens.home import HomeHub
from spectra_tui.screens.import_images import ImportImagesDialog
from spectra_tui.screens.order_info import OrderInfoScreen
from spectra_tui.screens.sessions import SessionRecord
from spectra_tui.screens.presentation import PresentationScreen, ViewerPresentationScreen
from spectra_tui.screens.workflow import CheckInDialog, WorkflowHub
from viewers import install_fake_viewer, viewer_log

SIZE = (120, 40)
FAST_RETRY = (0.05, 0.05, 0.1)


# ---------------------------------------------------------------- helpers

@pytest.fixture
def image_root(tmp_path, monkeypatch):
    root = tmp_path / "images"
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(root))
    return root


@pytest.fixture
def camera():
    return FakeCamera("Fake EOS R6", battery_level="80%", shots_left=500)


@pytest.fixture
def camera_app(app, camera, image_root):
    app.camera_connector = camera.connect
    app.camera_retry_delays = FAST_RETRY
    return app


def jpeg_bytes(seed: int, size=(160, 120)) -> bytes:
    image = Image.new("RGB", size, ((seed * 50) % 256, (seed * 80) % 256, (seed * 120) % 256))
    image.putpixel((seed % size[0], 1), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


async def wait_for(pilot, condition, timeout: float = 8.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.03)
    raise AssertionError(f"timed out waiting for {what}")


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def at_status(status: str) -> list[Session]:
    return list(Session.select().where(Session.status == status).order_by(Session.start, Session.id))


def notified(app, text: str) -> bool:
    return any(text in n.message for n in app._notifications)


async def open_workflow(pilot, stage_key: str = "1") -> WorkflowHub:
    await pilot.press("f3")
    await pilot.pause()
    hub = pilot.app.screen
    assert isinstance(hub, WorkflowHub)
    if stage_key != "1":
        await pilot.press(stage_key)
        await pilot.pause()
    return hub


async def open_capture(pilot, session: Session) -> CaptureScreen:
    hub = await open_workflow(pilot, "2")
    rows = hub.table.loaded_rows
    hub.table.move_cursor(row=[row.id for row in rows].index(session.id))
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CaptureScreen) and screen.session.id == session.id
    return screen


def images_of(session: Session) -> list[SessionImage]:
    return image_data.session_images(session)


# ---------------------------------------------------------------- the hub and its stages

async def test_f3_opens_the_workflow_hub_at_check_in(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot)
        expected = at_status("Session Pending")
        assert [s.id for s in hub.table.loaded_rows] == [s.id for s in expected][:len(hub.table.loaded_rows)]
        assert hub.query_one("#wf-stage", Select).value == "Session Pending"
        assert f"{len(expected)} waiting · Session Pending" in text_of(hub, "#wf-count")
        first = expected[0]
        row = hub.table.get_row_at(0)
        assert row[0] == str(first.number) and str(row[2]) == first.client.sort_name
        assert str(row[5]) == f"{session_data.days_in_status(first)} d"


async def test_stage_selector_lists_each_stage_with_its_actions(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot)
        stages = [value for _label, value in hub.query_one("#wf-stage", Select)._options]
        assert stages[:3] == ["Session Pending", "Capture Images Pending", "Sales Presentation Pending"]
        assert "Order Pending" in stages and "Complete" not in stages  # Complete is the end, not a stage
        await pilot.press("2")
        await pilot.pause()
        assert {s.status for s in hub.table.loaded_rows} == {"Capture Images Pending"}
        assert "waiting · Capture Images Pending" in text_of(hub, "#wf-count")
        assert "import images" in text_of(hub, "#wf-hint")
        assert hub.check_action("import_images", ()) and not hub.check_action("check_in", ())
        # The Stage list works as well as the digits.
        hub.query_one("#wf-stage", Select).value = "Sales Presentation Pending"
        await pilot.pause()
        assert hub.stage == "Sales Presentation Pending"
        assert [s.id for s in hub.table.loaded_rows] == [s.id for s in at_status("Sales Presentation Pending")]
        assert hub.check_action("order_info", ()) and not hub.check_action("capture", ())
        await pilot.press("4")
        await pilot.pause()
        assert hub.stage == "Order Pending" and "open the session" in text_of(hub, "#wf-hint")
        await pilot.press("enter")  # on any other stage Enter opens the session record
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord)


async def test_f3_in_the_new_client_form_still_leaves_a_field_as_typed(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClientForm)
        await pilot.press(*"mcdonald", "f3")
        await pilot.pause()
        assert app.screen is form  # F3 did not open the Workflow hub
        assert form.query_one("#f-first_name", Input).value == "mcdonald"
        assert app.focused is form.query_one("#f-middle_name", Input)
        form.query_one("#form-notes").focus()  # outside the client fields F3 is the hub again
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)


async def test_advance_and_open_from_the_hub(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "4")
        session = hub.table.selected
        await pilot.press("a")
        await pilot.pause()
        assert Session.get_by_id(session.id).status == "In Production"
        assert session.id not in [s.id for s in hub.table.loaded_rows]
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SessionRecord) and app.screen.session.id == hub.table.selected.id


# ---------------------------------------------------------------- check in

async def test_check_in_shows_client_session_and_balance_then_advances(app):
    session = (Session.select().join(Invoice, on=(Invoice.session == Session.id))
               .where(Session.status == "Session Pending").order_by(Session.start, Session.id).first())
    invoice = Invoice.get(Invoice.session == session.id)
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot)
        hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CheckInDialog)
        assert session.client.full_name in text_of(dialog, "#ci-client")
        assert f"{session.number} · {session.session_type.name}" in text_of(dialog, "#ci-session")
        money = invoice_money(invoice)
        row = dialog.query_one("#ci-invoices").get_row_at(0)
        assert row[0] == invoice.display_number
        assert str(row[5]).replace("$", "").replace(",", "") == f"{money.balance / 100:.2f}"
        if money.due:
            assert "Balance due" in text_of(dialog, "#ci-money")
        assert row[2] == ("Open" if money.due else "Paid" if money.balance == 0 else "Credit")
        if money.due:
            take_payment(invoice, money.due, "cash")
        dialog.fill()  # back from taking the payment
        assert dialog.query_one("#ci-invoices").get_row_at(0)[2] in ("Paid", "Credit")  # not "Open"
        await pilot.press("enter")  # the Check in button has the focus
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
    session = Session.get_by_id(session.id)
    assert session.status == "Capture Images Pending"
    changes = list(SessionStatusChange.select().where(SessionStatusChange.session == session.id)
                   .order_by(SessionStatusChange.id))
    assert [(c.from_status, c.to_status) for c in changes][-1] == ("Session Pending", "Capture Images Pending")
    assert changes[-1].note == "Checked in" and changes[-1].user_name == "rita"
    assert changes[0].note == "Booked"  # the history before is kept


async def test_check_in_of_a_session_moved_on_meanwhile_is_refused_readably(app):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot)
        session = hub.table.selected
        await pilot.press("k")
        await pilot.pause()
        dialog = app.screen
        session_data.set_status(Session.get_by_id(session.id), "Capture Images Pending")  # another terminal
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is dialog
        assert "already at 'Capture Images Pending'" in text_of(dialog, "#ci-error")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)


# ---------------------------------------------------------------- tethered capture (FakeCamera)

async def test_capture_pane_detects_the_camera_and_space_captures_into_the_session(camera_app, camera, image_root):
    app = camera_app
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: "Fake EOS R6" in text_of(screen, "#cap-status"), what="camera")
        status = text_of(screen, "#cap-status")
        assert "battery 80%" in status and "500 shots left" in status
        await wait_for(pilot, lambda: screen.query_one("#cap-aperture", Select).value == "f/8", what="settings")
        await pilot.press("space")
        await wait_for(pilot, lambda: len(images_of(session)) == 1 and screen.new_images == 1, what="capture")
        row = images_of(session)[0]
        assert (row.number, row.original_name, row.source) == (1, "IMG_0001.JPG", "capture")
        folder = image_root / str(session.number)
        assert (folder / "originals" / "0001.jpg").read_bytes() == camera.files[next(iter(camera.files))]
        assert (folder / "previews" / "0001.jpg").exists() and (folder / "thumbs" / "0001.jpg").exists()
        await pilot.pause(0.1)
        assert str(screen.query_one("#cap-number").value) == "1"
        assert [shot.number for shot in screen.query_one(ShotStrip).shots] == [1]
        await wait_for(pilot, lambda: "499 shots left" in text_of(screen, "#cap-status"), what="fresh info")


async def test_pictures_taken_with_the_camera_button_are_picked_up(camera_app, camera, image_root):
    app = camera_app
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: screen.last_status is not None and screen.last_status.connected)
        camera.press_shutter_button(2)
        await wait_for(pilot, lambda: screen.new_images == 2, what="shutter-button pictures")
        assert [(r.number, r.original_name) for r in images_of(session)] == [(1, "IMG_0001.JPG"),
                                                                             (2, "IMG_0002.JPG")]
        assert [shot.number for shot in screen.query_one(ShotStrip).shots] == [1, 2]
        assert sorted(p.name for p in (image_root / str(session.number) / "originals").iterdir()
                      if not p.name.startswith(".")) == ["0001.jpg", "0002.jpg"]


async def test_unplugged_camera_says_so_and_reconnects_when_back(camera_app, camera):
    app = camera_app
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: screen.last_status is not None and screen.last_status.connected)
        camera.unplug()
        await wait_for(pilot, lambda: not screen.last_status.connected, what="disconnect")
        await wait_for(pilot, lambda: "No camera found" in text_of(screen, "#cap-status"), what="retry message")
        status = text_of(screen, "#cap-status")
        assert "check the USB cable" in status and "keeps trying" in status and "r tries now" in status
        assert screen.query_one("#cap-aperture", Select).disabled
        await pilot.press("space")  # no camera: a readable refusal, the screen keeps working
        await wait_for(pilot, lambda: notified(app, "No camera found"), what="refusal")
        connections = camera.connections
        camera.plug_in()
        await wait_for(pilot, lambda: screen.last_status.connected, what="reconnect")
        assert camera.connections == connections + 1
        assert "Fake EOS R6" in text_of(screen, "#cap-status")
        await pilot.press("space")
        await wait_for(pilot, lambda: len(images_of(session)) == 1, what="capture after reconnect")


async def test_camera_claimed_by_another_program_explains_the_gvfs_fix(camera_app, camera):
    app = camera_app
    app.camera_retry_delays = (60.0,)  # only r retries
    camera.claim_by_other_program()
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: screen.last_status is not None, what="status")
        status = text_of(screen, "#cap-status")
        assert "Could not claim the USB device" in status and "gvfs-gphoto2-volume-monitor" in status
        camera.claim_by_other_program(False)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.last_status.connected, what="reconnect with r")


async def test_busy_camera_and_a_failed_download_leave_nothing_behind(camera_app, camera, image_root):
    app = camera_app
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: screen.last_status is not None and screen.last_status.connected)
        camera.fail_next("capture", -110)
        await pilot.press("space")
        await wait_for(pilot, lambda: notified(app, "Camera busy, try again."), what="busy message")
        camera.fail_next("download", -7)  # the cable comes out half-way through the download
        await pilot.press("space")
        await wait_for(pilot, lambda: notified(app, "Camera disconnected"), what="download failure")
        assert images_of(session) == []
        originals = image_root / str(session.number) / "originals"
        assert [p.name for p in originals.iterdir()] == [] if originals.exists() else True
        await wait_for(pilot, lambda: screen.last_status.connected, what="back")
        await pilot.press("space")
        await wait_for(pilot, lambda: len(images_of(session)) == 1, what="next capture")
        assert images_of(session)[0].number == 1


async def test_camera_settings_are_read_and_set(camera_app, camera):
    app = camera_app
    camera.set_read_only("iso")
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        aperture = screen.query_one("#cap-aperture", Select)
        await wait_for(pilot, lambda: aperture.value == "f/8" and not aperture.disabled, what="settings")
        assert screen.query_one("#cap-shutter_speed", Select).value == "1/125"
        assert screen.query_one("#cap-image_format", Select).value == "JPEG Fine"
        assert screen.query_one("#cap-iso", Select).disabled  # the camera does not allow it now
        aperture.focus()
        await pilot.press("enter", "down", "enter")  # the next aperture on the list
        await wait_for(pilot, lambda: {s.name: s.value for s in camera.settings()}["aperture"] == "f/11",
                       what="aperture set")
        await wait_for(pilot, lambda: notified(app, "Aperture: f/11"), what="confirmation")


async def test_closing_after_captures_offers_to_advance(camera_app, camera):
    app = camera_app
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(pilot, session)
        await wait_for(pilot, lambda: screen.last_status is not None and screen.last_status.connected)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.new_images == 1)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
        assert not screen.tether.running  # the camera is let go
    assert Session.get_by_id(session.id).status == "Sales Presentation Pending"


# ---------------------------------------------------------------- import images

@pytest.fixture
def card(tmp_path):
    folder = tmp_path / "card" / "DCIM" / "100CANON"
    folder.mkdir(parents=True)
    for seed in (1, 2, 3):
        (folder / f"IMG_000{seed}.JPG").write_bytes(jpeg_bytes(seed))
    (folder / "IMG_0004.JPG").write_bytes(b"\xff\xd8\xff\xe0 this card was pulled out too early")
    return tmp_path / "card"


async def test_import_a_card_with_a_corrupt_file_then_advance(app, image_root, card):
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "2")
        hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportImagesDialog)
        dialog.import_workers = 2
        dialog.query_one("#imp-path", Input).value = str(card)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.phase == "done", timeout=60, what="import")
        summary = text_of(dialog, "#imp-summary")
        assert "Imported 3 images (numbers 1–3)" in summary and "1 failed" in summary
        assert "IMG_0004.JPG" in text_of(dialog, "#imp-failed-list")
        assert "3 of 4 images" in text_of(dialog, "#imp-progress-text") or "4 of 4" in text_of(
            dialog, "#imp-progress-text")
        assert [(r.number, r.original_name, r.source) for r in images_of(session)] == [
            (1, "IMG_0001.JPG", "import"), (2, "IMG_0002.JPG", "import"), (3, "IMG_0003.JPG", "import")]
        assert dialog.offers_advance
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
        assert session.id not in [s.id for s in hub.table.loaded_rows]  # it moved on to the next stage
    assert Session.get_by_id(session.id).status == "Sales Presentation Pending"
    assert sorted(p.name for p in (image_root / str(session.number) / "originals").iterdir()) == [
        "0001.jpg", "0002.jpg", "0003.jpg"]


async def test_import_from_a_missing_folder_says_so_and_keeps_the_text(app, image_root, tmp_path):
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        await open_workflow(pilot, "2")
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        missing = tmp_path / "no-card-here"
        dialog.query_one("#imp-path", Input).value = str(missing)
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.phase == "ask"
        assert f"The folder {missing} does not exist (is the memory card mounted?)" in text_of(dialog, "#imp-error")
        assert dialog.query_one("#imp-path", Input).value == str(missing)
        a_file = tmp_path / "a-file.txt"
        a_file.write_text("x")
        dialog.query_one("#imp-path", Input).value = str(a_file)
        await pilot.press("enter")
        await pilot.pause()
        assert "is a file, not a folder" in text_of(dialog, "#imp-error")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
    assert images_of(session) == []


async def test_import_is_cancellable_and_the_app_stays_responsive(app, image_root, card, monkeypatch):
    """Escape sets the cancel event; meanwhile the screen takes keys and shows progress."""
    import spectra_tui.capture as capture

    started = threading.Event()

    def slow_import(source, store, progress=None, cancel=None, workers=None):
        progress(ImportProgress(1, 4, 100, 400, 1.0, 1.0, 3.0, "IMG_0001.JPG"))
        started.set()
        assert cancel.wait(10), "the dialog never cancelled"
        return ImportResult(source=source, cancelled=True)

    monkeypatch.setattr(capture, "import_folder", slow_import)
    async with app.run_test(size=SIZE) as pilot:
        await open_workflow(pilot, "2")
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#imp-path", Input).value = str(card)
        await pilot.press("enter")
        await wait_for(pilot, started.is_set, what="import started")
        await wait_for(pilot, lambda: "1 of 4 images" in text_of(dialog, "#imp-progress-text"), what="progress")
        assert "0:03 left" in text_of(dialog, "#imp-progress-text")
        await pilot.press("escape")
        await wait_for(pilot, lambda: dialog.phase == "done", what="cancelled import")
        assert "Cancelled before the end" in text_of(dialog, "#imp-summary")
        assert not dialog.offers_advance  # nothing came in
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)


async def test_session_record_imports_images_too(app, image_root, card):
    session = at_status("Capture Images Pending")[0]
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(SessionRecord(session))
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportImagesDialog) and dialog.session.id == session.id
        dialog.import_workers = 1
        dialog.query_one("#imp-path", Input).value = str(card)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.phase == "done", timeout=60, what="import")
        await pilot.press("escape")  # not advancing now
        await pilot.pause()
        record = app.screen
        assert isinstance(record, SessionRecord)
        assert record.query_one("#sr-images").row_count == 3
    assert Session.get_by_id(session.id).status == "Capture Images Pending"


# ---------------------------------------------------------------- presentation and order

@pytest.fixture
def presented(image_root):
    """A session at Sales Presentation Pending with three images (the third a RAW file)."""
    session = at_status("Sales Presentation Pending")[0]
    store = image_data.session_store(session)
    store.add_bytes(jpeg_bytes(1), "IMG_0001.JPG")
    store.add_bytes(jpeg_bytes(2), "IMG_0002.JPG")
    store.add_bytes(b"RAW" + bytes(100), "IMG_0003.NEF")
    store.add_bytes(jpeg_bytes(4), "IMG_0004.JPG")
    return session


async def choose(pilot, hub: WorkflowHub, session: Session) -> None:
    hub.table.move_cursor(row=[s.id for s in hub.table.loaded_rows].index(session.id))
    await pilot.pause()


async def test_presentation_in_the_terminal_moves_and_shows_the_number(app, presented, tmp_path, monkeypatch):
    log = install_fake_viewer(tmp_path / "bin", "mpv", monkeypatch)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "3")
        await choose(pilot, hub, presented)
        await pilot.press("p")  # no display (over SSH): in the terminal, though mpv is installed
        await pilot.pause()
        screen = app.screen
        assert type(screen) is PresentationScreen and viewer_log(log) == []
        assert [image.number for image in screen.images] == [1, 2, 4]  # the RAW file has nothing to show
        assert str(screen.query_one("#pres-number").value) == "1"
        await pilot.press("right")
        assert str(screen.query_one("#pres-number").value) == "2"
        assert "Image 2 · 2 of 3" in text_of(screen, "#pres-info")
        assert screen.query_one("#pres-image").image.size == Image.open(screen.images[1].preview).size
        await pilot.press("right", "right")  # round to the first
        assert str(screen.query_one("#pres-number").value) == "1"
        await pilot.press("left")
        assert str(screen.query_one("#pres-number").value) == "4"
        await pilot.press("g", "2", "enter")
        await pilot.pause()
        assert app.screen is screen and str(screen.query_one("#pres-number").value) == "2"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)


async def test_the_viewer_runs_beside_the_app_and_is_driven_from_it(app, presented, tmp_path, monkeypatch):
    log = install_fake_viewer(tmp_path / "bin", "mpv", monkeypatch)
    monkeypatch.setenv("DISPLAY", ":0")

    def moves() -> list:
        return [entry["command"] for entry in viewer_log(log)[1:] if entry["command"][0] != "get_property"]

    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "3")
        await choose(pilot, hub, presented)
        await pilot.press("p")
        await wait_for(pilot, lambda: viewer_log(log), what="the viewer to start")
        screen = app.screen
        assert isinstance(screen, ViewerPresentationScreen) and screen.viewer.running
        argv = viewer_log(log)[0]["argv"]
        files = [image_data.session_image_files(presented)[n - 1].original for n in (1, 2, 4)]
        assert argv[argv.index("--") + 1:] == [str(path) for path in files]  # the RAW file is left out
        await pilot.press("right")  # the app takes keys while the viewer runs
        await wait_for(pilot, lambda: "On mpv: Image 2 · 2 of 3" in text_of(screen, "#pres-info"), what="image 2")
        assert str(screen.query_one("#pres-number").value) == "2"
        await pilot.press("left", "left")
        await wait_for(pilot, lambda: screen.current.number == 4, what="image 4 (looped)")
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("7", "enter")  # no image 7: said in the dialog
        await pilot.pause()
        assert "No image 7 in this presentation: it shows 1, 2, 4" in text_of(app.screen, "#reason-error")
        await pilot.press("backspace", "2", "enter")
        await wait_for(pilot, lambda: screen.current.number == 2, what="image 2 by its number")
        assert moves() == [["playlist-next", "weak"], ["playlist-prev", "weak"], ["playlist-prev", "weak"],
                           ["set_property", "playlist-pos", 1]]
        await pilot.press("o")  # Order Info over the presentation: the viewer goes on showing image 2
        await pilot.pause()
        order = app.screen
        assert isinstance(order, OrderInfoScreen) and screen.viewer.running
        assert order.query_one("#order-image", Input).value == "2"
        await pilot.press("right_square_bracket")  # the viewer moves from Order Info; the Image # follows
        await wait_for(pilot, lambda: order.query_one("#order-image", Input).value == "4", what="Image # 4")
        assert moves()[-1] == ["playlist-next", "weak"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # ends the presentation and the viewer
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
        assert not screen.viewer.running and screen.viewer.process.returncode is not None

        await pilot.press("p")  # again; then the app ends with the presentation open
        await wait_for(pilot, lambda: isinstance(app.screen, ViewerPresentationScreen), what="the presentation")
        second = app.screen.viewer
        await wait_for(pilot, lambda: len(viewer_log(log)) > 6 and second.current() == 0, what="the second viewer")
    assert not second.running


async def test_without_mpv_or_imv_a_plain_viewer_and_what_to_install(app, presented, tmp_path, monkeypatch):
    log = install_fake_viewer(tmp_path / "bin", "feh", monkeypatch)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "3")
        await choose(pilot, hub, presented)
        await pilot.press("enter")
        await wait_for(pilot, lambda: viewer_log(log), what="feh to start")
        screen = app.screen
        assert isinstance(screen, ViewerPresentationScreen) and not screen.viewer.drivable
        assert viewer_log(log)[0]["argv"][1:3] == ["-F", "-Z"]
        assert notified(app, "install mpv (sudo apt install mpv)")
        assert "On feh, moved with its own keys" in text_of(screen, "#pres-info")
        assert "install mpv" in text_of(screen, "#pres-missing")
        assert str(screen.query_one("#pres-number").value) == ""  # which image feh shows is not known
        await pilot.press("right")
        assert notified(app, "Move feh with its own keys")
        await pilot.press("o")  # Order Info without an image number
        await pilot.pause()
        assert isinstance(app.screen, OrderInfoScreen) and app.screen.query_one("#order-image", Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        screen.viewer.process.terminate()  # the client closed feh: the presentation goes on here
        await wait_for(pilot, lambda: screen.viewer_gone, what="feh closed")
        await wait_for(pilot, lambda: notified(app, "feh was closed: the presentation goes on in the terminal"),
                       what="the notice that feh was closed")  # said just after (a loaded machine: a tick later)
        await pilot.press("right")
        assert "Image 2 · 2 of 3 · the viewer was closed" in text_of(screen, "#pres-info")


async def test_a_viewer_that_cannot_open_a_window_leaves_the_presentation_in_the_terminal(app, presented, tmp_path,
                                                                                           monkeypatch):
    install_fake_viewer(tmp_path / "bin", "mpv", monkeypatch)
    (tmp_path / "bin" / "mpv").write_text("#!/bin/sh\nexit 1\n")  # e.g. "cannot open display"
    monkeypatch.setenv("DISPLAY", ":0")
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "3")
        await choose(pilot, hub, presented)
        await pilot.press("p")
        await wait_for(pilot, lambda: getattr(app.screen, "viewer_gone", False), what="mpv to fail")
        assert notified(app, "mpv stopped with an error (exit status 1): the presentation goes on in the terminal")
        await pilot.press("right")
        assert app.screen.current.number == 2


async def test_order_info_opens_an_order_for_the_session_with_the_image_on_screen(app, presented):
    async with app.run_test(size=SIZE) as pilot:
        hub = await open_workflow(pilot, "3")
        await choose(pilot, hub, presented)
        await pilot.press("o")  # from the hub: no image on screen
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrderInfoScreen) and screen.order.session.id == presented.id
        assert screen.query_one("#order-image", Input).value == "" and screen.order.kind == "Initial Order"
        await pilot.press("escape")  # an empty order: nothing to ask
        await pilot.pause()
        assert app.screen is hub
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("right", "o")
        await pilot.pause()
        assert isinstance(app.screen, OrderInfoScreen) and app.screen.query_one("#order-image", Input).value == "2"


async def test_a_session_without_images_has_nothing_to_present(app, image_root):
    async with app.run_test(size=SIZE) as pilot:
        await open_workflow(pilot, "3")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
        assert notified(app, "has no images to show yet")


async def test_the_workflow_hub_is_reachable_without_f3(app):
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeHub)
        await app.run_action("open_hub('workflow')")  # what the command palette entry runs
        await pilot.pause()
        assert isinstance(app.screen, WorkflowHub)
