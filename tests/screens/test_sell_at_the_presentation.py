"""Selling at the presentation, end to end, with the keys only (issue 13).

A session booked today for a new client (who paid a deposit) is checked in
from the Workflow hub (F3), a folder of JPEGs is imported into it, its images
are prepared (a favourite, one hidden, one moved) and presented on a viewer
beside the app: a fake mpv on PATH (tests/fake_mpv.py) that records its
arguments and the commands it gets, and answers mpv's IPC. Order Info, opened
from the presentation, takes a package for the image on screen with one piece
from another image; recording it makes the Initial Order invoice, whose
payment is offered with the deposit first. The app keeps taking keys while the
viewer runs, and the viewer ends with the presentation. The database is
checked after each step.
"""
import datetime as dt
import os
from pathlib import Path

import pytest
from textual.widgets import Input
from viewers import install_fake_viewer, viewer_log

from spectra_tui.data import clients, ledger, prepare
from spectra_tui.data import sessions as session_data
from spectra_tui.data.models import (
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Session,
    SessionImage,
    SessionStatusChange,
    SessionType,
    User,
)
from spectra_tui.screens import keymap
from spectra_tui.screens.import_images import ImportImagesDialog
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.money import DepositOfferDialog, PaymentDialog
from spectra_tui.screens.order_info import OrderInfoScreen, PiecesDialog
from spectra_tui.screens.prepare_images import PrepareImagesScreen
from spectra_tui.screens.presentation import ViewerPresentationScreen
from spectra_tui.screens.workflow import CheckInDialog, WorkflowHub

from .conftest import FIXED_DAY
from .test_workflow import jpeg_bytes, wait_for

SIZE = (120, 40)
PICTURES = 4
DEPOSIT_CENTS = 10000  # paid when the session was booked


def key(action_id: str) -> str:
    """The key in force for a registry action, as Pilot presses it."""
    return keymap.active().keys(action_id).split(",")[0]


def widget_key(name: str) -> str:
    """A key of Textual's own widgets as hints name it (keymap.WIDGET_KEYS): "submit" is Enter."""
    return keymap.WIDGET_KEYS[name].split(",")[0]


def status_of(session: Session) -> str:
    return Session.get_by_id(session.id).status


def marks(session: Session) -> list[tuple[int, bool, bool]]:
    """(number, favourite, hidden) of the session's images in presentation order, as stored."""
    return [(image.number, image.favourite, image.hidden) for image in prepare.prepared_images(session)]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def booked_today(demo_db, tmp_path, monkeypatch):
    """A new client's Family session today at 11:00 (the studio's clock says
    10:30); the client paid a deposit when booking."""
    monkeypatch.setenv("SPECTRA_IMAGE_ROOT", str(tmp_path / "images"))
    client = clients.save_client(None, {"first_name": "Maya", "last_name": "Okafor", "phone_mobile": "(512) 555-0188"})
    photographer = User.get(User.username == "ava")
    family = SessionType.get(SessionType.name == "Family")
    ledger.take_deposit(client, DEPOSIT_CENTS, "cash")
    return session_data.create_session(client, photographer, family, dt.datetime.combine(FIXED_DAY, dt.time(11, 0)))


@pytest.fixture
def card(tmp_path) -> Path:
    """A memory card's folder of small JPEGs."""
    folder = tmp_path / "card" / "DCIM" / "100CANON"
    folder.mkdir(parents=True)
    for seed in range(1, PICTURES + 1):
        (folder / f"IMG_{seed:04d}.JPG").write_bytes(jpeg_bytes(seed))
    return tmp_path / "card"


async def choose_row(pilot, hub: WorkflowHub, session: Session) -> None:
    """Move the stage list's cursor onto the session with the arrow keys."""
    await pilot.press(key("table.first_row"))
    index = [row.id for row in hub.table.loaded_rows].index(session.id)
    await pilot.press(*["down"] * index)
    assert hub.table.selected.id == session.id


async def test_check_in_import_prepare_present_order_and_pay_with_the_keys(
        app, booked_today, card, tmp_path, monkeypatch):
    session = booked_today
    log = install_fake_viewer(tmp_path / "bin", "mpv", monkeypatch)
    monkeypatch.setenv("DISPLAY", ":0")
    async with app.run_test(size=SIZE) as pilot:
        # ---- check in (Check In stage: the session booked today is first)
        await pilot.press(key("hub_workflow"))
        hub = app.screen
        assert isinstance(hub, WorkflowHub) and hub.stage == "Session Pending"
        await choose_row(pilot, hub, session)
        await pilot.press(key("stage_list.go"))
        assert isinstance(app.screen, CheckInDialog)
        await pilot.press(key("check_in.confirm"))
        assert app.screen is hub
        assert status_of(session) == "Capture Images Pending"
        change = SessionStatusChange.select().where(SessionStatusChange.session == session.id).order_by(
            SessionStatusChange.id.desc()).get()
        assert (change.from_status, change.to_status, change.note, change.user_name) == (
            "Session Pending", "Capture Images Pending", "Checked in", "rita")

        # ---- import the card (Capture Images stage), then advance from the dialog
        await pilot.press(key("workflow.stage_2"))
        await choose_row(pilot, hub, session)
        await pilot.press(key("workflow.import_images"))
        dialog = app.screen
        assert isinstance(dialog, ImportImagesDialog)
        assert app.focused is dialog.query_one("#imp-path", Input)
        await pilot.press(*str(card), widget_key("submit"))
        await wait_for(pilot, lambda: dialog.phase == "done", timeout=30, what="the import")
        rows = SessionImage.select().where(SessionImage.session == session.id).order_by(SessionImage.number)
        assert [(r.number, r.original_name, r.source) for r in rows] == [
            (n, f"IMG_{n:04d}.JPG", "import") for n in range(1, PICTURES + 1)]
        originals = tmp_path / "images" / str(session.number) / "originals"
        assert sorted(p.name for p in originals.glob("*.jpg")) == [f"{n:04d}.jpg" for n in range(1, PICTURES + 1)]
        assert dialog.offers_advance
        await pilot.press(key("import_images.advance"))
        assert app.screen is hub
        assert status_of(session) == "Sales Presentation Pending"

        # ---- prepare (Present Images stage): 2 a favourite, 3 hidden, 4 moved first
        await pilot.press(key("workflow.stage_3"))
        await choose_row(pilot, hub, session)
        await pilot.press(key("workflow.prepare"))
        prepare_screen = app.screen
        assert isinstance(prepare_screen, PrepareImagesScreen)
        await pilot.press("down", key("prepare.favourite"), "down", key("prepare.hide"),
                          "down", key("prepare.up"), key("prepare.up"), key("prepare.up"))
        assert marks(session) == [(4, False, False), (1, False, False), (2, True, False), (3, False, True)]
        assert [image.number for image in prepare.presentation_images(session)] == [4, 1, 2]
        await pilot.press(key("record.close"))
        assert app.screen is hub

        # ---- present on the viewer beside the app: the prepared order, hidden image left out
        await pilot.press(key("workflow.present"))
        show = app.screen
        assert isinstance(show, ViewerPresentationScreen)
        await wait_for(pilot, lambda: len(viewer_log(log)) >= 2, what="the viewer asked where it is")
        started = viewer_log(log)[0]
        files = started["argv"][started["argv"].index("--") + 1:]
        assert [int(Path(name).stem) for name in files] == [4, 1, 2]
        viewer_pid = started["pid"]
        assert show.viewer.process.pid == viewer_pid and alive(viewer_pid)
        assert show.current.number == 4

        def commands() -> list[list]:
            return [line["command"] for line in viewer_log(log) if "command" in line]

        await pilot.press(key("presentation.next"))
        await wait_for(pilot, lambda: show.current.number == 1, what="the next image")
        assert ["playlist-next", "weak"] in commands()
        await pilot.press(key("presentation.go_to"), "2", widget_key("submit"))
        await wait_for(pilot, lambda: show.current.number == 2, what="image 2")
        assert ["set_property", "playlist-pos", 2] in commands()
        assert "On mpv: Image 2 · 3 of 3" in str(show.query_one("#pres-info").render())

        # ---- the app keeps taking keys while the viewer runs
        await pilot.press(key("shortcuts"))
        assert app.screen is show and show.query("HelpPanel")
        await pilot.press(key("shortcuts"))
        await pilot.press(key("presentation.previous"))
        await wait_for(pilot, lambda: show.current.number == 1, what="the image before")
        assert ["playlist-prev", "weak"] in commands() and alive(viewer_pid)
        assert status_of(session) == "Sales Presentation Pending"  # presenting changes nothing stored

        # ---- Order Info beside the presentation: the Bronze package for the image on screen (1)
        await pilot.press(key("presentation.order_info"))
        order_screen = app.screen
        assert isinstance(order_screen, OrderInfoScreen) and order_screen.presentation is show
        assert order_screen.query_one("#order-image", Input).value == "1"
        bronze = next(item for item in order_screen.items if item.code == "PKGB")
        await pilot.press(*["down"] * order_screen.items.index(bronze), key("order_info.add"))
        [entry] = order_screen.order.entries
        assert entry.package.code == "PKGB" and entry.images() == [1]
        # one of its 5x7s from image 4: the order's list, the pieces dialog, the second piece
        await pilot.press(widget_key("next_field"), key("order_info.pieces"))
        assert isinstance(app.screen, PiecesDialog)
        await pilot.press(key("dialog.next"), "backspace", "4", key("save_close"))
        assert app.screen is order_screen
        assert entry.images() == [1, 4] and entry.extra_images() == [4]
        assert "Total $339.91" in str(order_screen.query_one("#order-totals").render())
        assert not Invoice.select().where(Invoice.session == session.id).exists()  # nothing written yet
        # the presentation moves from Order Info, and the Image # follows it
        await pilot.press(key("order_info.next_image"))
        await wait_for(pilot, lambda: show.current.number == 2, what="the presentation moved from Order Info")
        await wait_for(pilot, lambda: order_screen.query_one("#order-image", Input).value == "2",
                       what="the Image # following the image on screen")
        assert alive(viewer_pid)

        # ---- record: the Initial Order invoice, its payment offered with the client's deposit first
        await pilot.press(key("save_close"))
        invoice = Invoice.get(Invoice.session == session.id)
        assert (invoice.kind, invoice.client_id) == (Invoice.INITIAL_ORDER, session.client_id)
        lines = InvoiceLine.select().where(InvoiceLine.invoice == invoice).order_by(InvoiceLine.position)
        assert [(line.description, line.quantity, line.unit_price_cents, line.image_number) for line in lines] == [
            ("Bronze package", 1, 29900, None),
            ("Print 8x10 (in Bronze package)", 1, 0, 1),
            ("Print 5x7 (in Bronze package)", 1, 0, 4),
            ("Print 5x7 (in Bronze package)", 1, 0, 1),
            ("Print 4x6 (in Bronze package)", 4, 0, 1),
            ("Additional pose (Bronze package)", 1, 1500, 4),
        ]
        assert (invoice.subtotal_cents, invoice.tax_cents, invoice.total_cents) == (31400, 2591, 33991)
        assert isinstance(app.screen, DepositOfferDialog)
        await pilot.press(key("deposits.apply_all"))
        payment = app.screen
        assert isinstance(payment, PaymentDialog)
        assert payment.query_one("#amount", Input).value == "239.91"  # the rest, after the deposit
        await pilot.press(widget_key("submit"))
        record = app.screen
        assert isinstance(record, InvoiceRecord) and record.invoice.id == invoice.id
        entries = LedgerEntry.select().where(LedgerEntry.client == session.client_id).order_by(LedgerEntry.id)
        assert [(e.kind, e.amount_cents, e.invoice_id, e.method) for e in entries] == [
            (ledger.DEPOSIT, DEPOSIT_CENTS, None, "cash"),
            (ledger.DEPOSIT_APPLY, DEPOSIT_CENTS, invoice.id, ""),
            (ledger.PAYMENT, 33991 - DEPOSIT_CENTS, invoice.id, "card"),
        ]
        money = ledger.invoice_money(Invoice.get_by_id(invoice.id))
        assert (money.total, money.paid, money.balance) == (33991, 33991, 0)
        assert ledger.deposits_on_hand(session.client) == 0
        assert alive(viewer_pid)  # the show went on beside the order and the payment

        # ---- back to the presentation, then its end: the viewer ends with it
        await pilot.press(key("record.close"))
        assert app.screen is show
        await pilot.press(key("presentation.end"))
        assert app.screen is hub
        await wait_for(pilot, lambda: not alive(viewer_pid), what="the viewer to end")
