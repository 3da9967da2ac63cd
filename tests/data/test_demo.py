"""The demo studio: built through the real services, passes ``spectra check``,
refuses a database with data, and is the same studio for the same seed."""
import datetime as dt

import pytest

from spectra_tui.data import accounts, check, ledger, settings, users
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.demo import DemoRefused, fill_demo
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.clock import utc_now
from spectra_tui.data.models import AuditLog, Client, Invoice, LedgerEntry, Session, User

TODAY = dt.date(2030, 5, 15)


def snapshot():
    """What two demo studios are compared on."""
    return {
        "clients": [(c.first_name, c.last_name, c.phone_mobile, c.email, c.birthday)
                    for c in Client.select().order_by(Client.id)],
        "invoices": [(i.number, i.kind, i.status, i.total_cents, i.invoice_date)
                     for i in Invoice.select().order_by(Invoice.series, Invoice.number)],
        "ledger": [(e.kind, e.amount_cents, e.method, e.invoice_id) for e in LedgerEntry.select().order_by(LedgerEntry.id)],
        "sessions": [(s.number, s.start, s.status) for s in Session.select().order_by(Session.number)],
    }


def test_the_demo_passes_spectra_check(empty_db):
    summary = fill_demo(clients=40, seed=7, today=TODAY)
    assert summary.startswith("Demo studio ready: 40 clients")
    assert check.run_checks() == []
    assert Client.select().count() == 40 and Session.select().count() > 20
    kinds = {i.kind for i in Invoice.select()}
    assert {Invoice.SESSION_FEE, Invoice.INITIAL_ORDER} <= kinds
    assert {e.kind for e in LedgerEntry.select()} >= {"payment", "deposit", "deposit_apply"}
    # money went through the services: every ledger row has its audit entry, by a signed-in user
    audited = {r.entity_id for r in AuditLog.select().where(AuditLog.entity == "ledger")}
    assert audited == {e.id for e in LedgerEntry.select()}
    assert {e.created_by for e in LedgerEntry.select()} == {"rita", "admin"}  # the owner refunds above the limit
    statuses = set(settings.session_statuses()) | {"Cancelled", "No-Show"}
    assert {s.status for s in Session.select()} <= statuses
    for client in Client.select():
        assert ledger.client_money(client.id).balanced
    # the process is left as it was found: real clock, nobody signed in
    assert users.current_user() is None and abs((utc_now() - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()) < 5


def test_the_demo_refuses_a_database_with_data(empty_db):
    accounts.create_user("owner", "Studio Owner", "owner")
    with pytest.raises(DemoRefused, match="already holds data"):
        fill_demo(clients=5, today=TODAY)
    assert (User.select().count(), Client.select().count(), Invoice.select().count()) == (1, 0, 0)


def test_the_demo_refuses_a_demo_database(empty_db):
    fill_demo(clients=5, seed=1, today=TODAY)
    before = snapshot()
    with pytest.raises(DemoRefused):
        fill_demo(clients=5, seed=2, today=TODAY)
    assert snapshot() == before


@pytest.mark.parametrize("bad", [0, -3, 1_000_001, "10", 2.5])
def test_a_bad_client_count_is_refused(empty_db, bad):
    with pytest.raises(ValidationError, match="from 1 to 1,000,000"):
        fill_demo(clients=bad, today=TODAY)
    assert User.select().count() == 0


def test_same_seed_same_studio(tmp_path, empty_db):
    fill_demo(clients=30, seed=11, today=TODAY)
    first = snapshot()
    close_database()
    open_database(tmp_path / "second.db", create=True)
    fill_demo(clients=30, seed=11, today=TODAY)
    assert snapshot() == first
    close_database()
    open_database(tmp_path / "third.db", create=True)
    fill_demo(clients=30, seed=12, today=TODAY)
    other = snapshot()
    assert other["clients"] != first["clients"] and other["invoices"] != first["invoices"]


def test_today_s_demo_calls_were_made_by_now(empty_db):
    from spectra_tui.data.clock import set_clock, to_utc
    from spectra_tui.data.models import PhoneCall

    instant = to_utc(dt.datetime.combine(TODAY, dt.time(10, 30)))
    set_clock(lambda: instant)  # the demo is made at half past ten
    fill_demo(clients=200, seed=3, today=TODAY)
    latest = PhoneCall.select().order_by(PhoneCall.at.desc()).first()
    assert latest.at == dt.datetime.combine(TODAY, dt.time(10, 30))  # a call of this afternoon, made this morning
    assert PhoneCall.select().where(PhoneCall.at < dt.datetime.combine(TODAY, dt.time(0))).count() > 10


def test_nothing_of_the_demo_is_written_after_today(empty_db):
    from spectra_tui.data.clock import to_utc

    fill_demo(clients=120, seed=5, today=TODAY)
    tomorrow = to_utc(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0)))
    assert not LedgerEntry.select().where(LedgerEntry.created_at >= tomorrow).exists()
    assert not AuditLog.select().where(AuditLog.at >= tomorrow).exists()
    assert not Invoice.select().where(Invoice.invoice_date > TODAY).exists()
