"""The client, session and invoice screens open each other's records through
screens/open_record.py, never by importing each other (issue 10 §3)."""
import ast
from pathlib import Path

import pytest

from spectra_tui.data.models import Client, Invoice, Session
from spectra_tui.screens import open_record
from spectra_tui.screens.clients import ClientRecord
from spectra_tui.screens.invoices import InvoiceRecord
from spectra_tui.screens.sessions import SessionRecord

SCREENS = Path(open_record.__file__).parent
RECORD_PACKAGES = ("clients", "sessions", "invoices")


def imported_screen_modules(path: Path) -> set[str]:
    """The spectra_tui.screens modules ``path`` imports (relative imports
    resolved, imports inside functions included), as 'screens.x.y'."""
    package = ["screens", *path.relative_to(SCREENS).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = (["spectra_tui", *package])[:len(package) + 2 - node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module.removeprefix("spectra_tui."))
        elif isinstance(node, ast.Import):
            names |= {alias.name.removeprefix("spectra_tui.") for alias in node.names}
    return {name for name in names if name.startswith("screens.")}


@pytest.mark.parametrize("package", RECORD_PACKAGES)
def test_a_record_package_never_imports_another_or_the_calendar(package):
    others = [f"screens.{other}" for other in (*RECORD_PACKAGES, "calendar") if other != package]
    offenders = []
    for path in sorted((SCREENS / package).rglob("*.py")):
        bad = {m for m in imported_screen_modules(path) if any(m == o or m.startswith(o + ".") for o in others)}
        if bad:
            offenders.append(f"{path.relative_to(SCREENS)}: {', '.join(sorted(bad))}")
    assert offenders == []


def test_the_import_scan_resolves_relative_imports():
    imported = imported_screen_modules(SCREENS / "clients" / "record.py")
    assert {"screens.open_record", "screens.clients.fields", "screens.base"} <= imported


async def test_a_record_opens_from_its_object_or_its_id(app):
    client = Client.select().order_by(Client.id).first()
    session = Session.select().order_by(Session.id).first()
    invoice = Invoice.select().order_by(Invoice.id).first()
    async with app.run_test(size=(120, 40)) as pilot:
        for opener, record, screen_class, shown in ((open_record.open_client, client, ClientRecord, "client"),
                                                    (open_record.open_session, session, SessionRecord, "session"),
                                                    (open_record.open_invoice, invoice, InvoiceRecord, "invoice")):
            for given in (record, record.id):
                opener(app, given)
                await pilot.pause()
                assert isinstance(app.screen, screen_class)
                assert getattr(app.screen, shown).id == record.id
                app.screen.dismiss(None)
                await pilot.pause()
