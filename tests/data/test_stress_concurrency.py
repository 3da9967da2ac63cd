"""Many terminals writing money at once (issue 9, "What must hold").

8 processes on SQLite (4 on PostgreSQL) run a mix of writes through the data
services for SPECTRA_STRESS_SECONDS (default 6 s; the figures in the issue's
closing note come from 60 s): new invoices and lines, payments (some paying
too much), deposits and their refunds, refunds of credit, voids of payments
and of invoices, sessions booked with a fee invoice. Each writer keeps its own
tally of the money it moved and the numbers it was given. Afterwards the
numbers are unique and gap-free, the books hold exactly the writers' money,
no writer saw "database is locked" or a deadlock, and `check` is clean; a
checker process also runs `check` again and again while they write.
"""
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from peewee import fn

from pg_cluster import ON_POSTGRES
from staff import add_user
from spectra_tui.data import accounts, catalog, clients, users
from spectra_tui.data.check import run_checks
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.models import Invoice, LedgerEntry, Session

REPO = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("SPECTRA_STRESS_SECONDS", "6"))
WRITERS = 4 if ON_POSTGRES else 8
CLIENTS_PER_WRITER = 3

WRITER = r'''
import datetime as dt, json, random, sys, time, traceback
from pathlib import Path
from peewee import fn
from spectra_tui.data import booking, db as dbmod, invoices, ledger, users
from spectra_tui.data.errors import ConflictError, DomainError
from spectra_tui.data.models import Client, Invoice, SessionType

target, name, seconds, folder = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
dbmod.open_database(target)
me = users.find_user(name)
users.sign_in(me)
photographer = users.find_user(f"{name}-photo")
family = SessionType.get(SessionType.name == "Family")
mine = list(Client.select().where(fn.LOWER(Client.last_name) == name).order_by(Client.id))
assert mine, name
rng = random.Random(name)
tally = {"cash": 0, "invoiced": 0}  # money taken in net of refunds and voids; totals of live invoices
open_invoices = {}   # id -> [invoice, total, paid]
payments = []        # (entry, invoice id) not voided yet
ever_paid = set()    # invoices that had a payment (even one voided since): void_invoice leaves them alone
deposits = []        # [entry, left]
numbers = {"invoice": [], "session": []}
done = {"ops": 0, "refused": 0}
errors = []
(folder / f"ready-{name}").touch()
while not (folder / "go").exists():
    time.sleep(0.005)
deadline = time.monotonic() + seconds


def new_invoice():
    invoice = invoices.create_invoice(Invoice.GENERIC, client=rng.choice(mine), notes=f"{name}")
    numbers["invoice"].append(invoice.number)
    open_invoices[invoice.id] = [invoice, 0, 0]
    for _ in range(rng.randint(1, 3)):
        price, quantity = rng.randint(100, 20000), rng.randint(1, 3)
        invoices.add_line(invoice, description="Print", unit_price_cents=price, quantity=quantity, taxable=False)
        open_invoices[invoice.id][1] += price * quantity  # tallied line by line: a later step may fail
        tally["invoiced"] += price * quantity


def pay():
    candidates = [v for v in open_invoices.values() if v[1] > v[2]]
    if not candidates:
        return new_invoice()
    invoice, total, paid = rng.choice(candidates)
    amount = rng.randint(1, total - paid) if rng.random() < 0.8 else total - paid + rng.randint(1, 5000)
    entry = ledger.take_payment(invoice, amount, "card")
    open_invoices[invoice.id][2] += amount
    payments.append((entry, invoice.id))
    ever_paid.add(invoice.id)
    tally["cash"] += amount


def refund_credit():
    credits = [v for v in open_invoices.values() if v[2] > v[1]]
    if not credits:
        return pay()
    invoice, total, paid = rng.choice(credits)
    amount = rng.randint(1, paid - total)
    ledger.refund(invoice, amount, "cash")
    open_invoices[invoice.id][2] -= amount
    tally["cash"] -= amount


def deposit():
    amount = rng.randint(500, 30000)
    entry = ledger.take_deposit(rng.choice(mine), amount, "cash")
    deposits.append([entry, amount])
    tally["cash"] += amount


def refund_deposit():
    left = [d for d in deposits if d[1] > 0]
    if not left:
        return deposit()
    item = rng.choice(left)
    amount = rng.randint(1, item[1])
    ledger.refund_deposit(item[0], amount, "cash")
    item[1] -= amount
    tally["cash"] -= amount


def void_payment():
    if not payments:
        return pay()
    entry, invoice_id = payments[rng.randrange(len(payments))]
    try:
        ledger.void_entry(entry, "entered twice")
    except DomainError:  # e.g. its credit was refunded: the rule refuses, nothing moved
        done["refused"] += 1
        return
    payments.remove((entry, invoice_id))
    open_invoices[invoice_id][2] -= entry.amount_cents
    tally["cash"] -= entry.amount_cents


def void_invoice():
    never_paid = [v for v in open_invoices.values() if v[0].id not in ever_paid]
    if not never_paid:
        return new_invoice()
    invoice, total, _ = rng.choice(never_paid)
    invoices.void_invoice(invoice, "customer changed mind")
    del open_invoices[invoice.id]
    tally["invoiced"] -= total


def book_session():
    day = dt.date(2031, 1, 6) + dt.timedelta(days=rng.randrange(700))
    start = dt.datetime.combine(day, dt.time(rng.randrange(9, 16), rng.choice((0, 15, 30, 45))))
    request = booking.BookingRequest(client=rng.choice(mine), session_type=family, photographer=photographer,
                                     start=start, fee_invoice=True)
    try:
        result = booking.book(request)
    except ConflictError:  # this photographer is busy then: refused, nothing written
        done["refused"] += 1
        return
    numbers["session"].append(result.session.number)
    if result.fee_invoice is not None:
        numbers["invoice"].append(result.fee_invoice.number)
        open_invoices[result.fee_invoice.id] = [result.fee_invoice, result.fee_invoice.total_cents, 0]
        tally["invoiced"] += result.fee_invoice.total_cents


OPERATIONS = [(new_invoice, 4), (pay, 5), (refund_credit, 2), (deposit, 2), (refund_deposit, 1),
              (void_payment, 1), (void_invoice, 1), (book_session, 3)]
names, weights = zip(*OPERATIONS)
while time.monotonic() < deadline:
    operation = rng.choices(names, weights)[0]
    try:
        operation()
        done["ops"] += 1
    except Exception as error:  # everything a user would have seen
        where = traceback.extract_tb(error.__traceback__)[-4:]
        errors.append(f"{operation.__name__}: {type(error).__name__}: {' '.join(str(error).split())[:300]} at "
                      + " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(where)))
        if len(errors) > 50:
            break
print(json.dumps({"name": name, "tally": tally, "numbers": numbers, "done": done, "errors": errors,
                  "retries": dbmod.retries_taken}))
'''

CHECKER = r'''
import json, sys, time
from pathlib import Path
from spectra_tui.data.check import run_checks
from spectra_tui.data.db import open_database

target, folder = sys.argv[1], Path(sys.argv[2])
open_database(target, migrate=False)
while not (folder / "go").exists():
    time.sleep(0.005)
runs, problems = 0, []
while not (folder / "stop").exists():
    try:
        found = [str(p) for p in run_checks()]
    except Exception as error:
        found = [f"check crashed: {type(error).__name__}: {error}"]
    runs += 1
    problems += [p for p in found if p not in problems]
print(json.dumps({"runs": runs, "problems": problems[:20]}))
'''


@pytest.fixture(scope="module")
def stress_target(tmp_path_factory, request):
    """A studio made for this run (SQLite file, or a database on the test server)."""
    if not ON_POSTGRES:
        yield str(tmp_path_factory.mktemp("stress") / "studio.db")
        return
    from conftest import _pg_admin  # tests/conftest.py

    server = request.getfixturevalue("pg_server")
    name = f"spectra_stress_{uuid.uuid4().hex[:12]}"
    _pg_admin(server, f"CREATE DATABASE {name}")
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        close_database()
        _pg_admin(server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def run(stress_target, tmp_path_factory):
    """Set the studio up, let the writers and the checker loose, collect their reports."""
    folder = tmp_path_factory.mktemp("stress-run")
    open_database(stress_target, create=True)
    names = [f"w{n}" for n in range(1, WRITERS + 1)]
    users.sign_in(accounts.create_user("owner", "Studio Owner", "owner"))  # session types: the owner's work
    catalog.create_session_type("Family", 60, 15000)
    for name in names:
        add_user(name, f"Front desk {name}", "manager")  # its writers void and refund
        add_user(f"{name}-photo", f"Photographer {name}", "photographer")
        for k in range(CLIENTS_PER_WRITER):
            clients.save_client(None, {"first_name": f"c{k}", "last_name": name})
    users.sign_in(None)
    close_database()
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    (folder / "writer.py").write_text(WRITER)
    (folder / "checker.py").write_text(CHECKER)
    writers = [subprocess.Popen([sys.executable, str(folder / "writer.py"), stress_target, name, str(SECONDS),
                                 str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for name in names]
    checker = subprocess.Popen([sys.executable, str(folder / "checker.py"), stress_target, str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not all((folder / f"ready-{name}").exists() for name in names):
        assert time.monotonic() < deadline, "the writers did not start"
        assert all(w.poll() is None for w in writers), [w.communicate() for w in writers if w.poll() is not None]
        time.sleep(0.02)
    (folder / "go").touch()
    outputs = [w.communicate(timeout=SECONDS + 600) for w in writers]
    (folder / "stop").touch()
    checked = checker.communicate(timeout=600)
    reports = []
    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert checker.returncode == 0, checked[1][-3000:]
    open_database(stress_target)
    try:
        yield {"writers": reports, "checker": json.loads(checked[0].strip().splitlines()[-1]),
               "stderr": "".join(err for _, err in outputs)}
    finally:
        close_database()


def test_figures(run, capsys):
    """Not a check: the figures of the run, for the closing note (pytest -s shows them)."""
    ops = sum(r["done"]["ops"] for r in run["writers"])
    with capsys.disabled():
        print(f"\nstress: {WRITERS} writers x {SECONDS:g} s on {'PostgreSQL' if ON_POSTGRES else 'SQLite'}: "
              f"{ops} operations, {sum(r['done']['refused'] for r in run['writers'])} refused by a rule, "
              f"{sum(r['retries'] for r in run['writers'])} retries, "
              f"{sum(len(r['errors']) for r in run['writers'])} errors; "
              f"check ran {run['checker']['runs']} times during the run, "
              f"{len(run['checker']['problems'])} distinct problems reported")
        for error in [e for r in run["writers"] for e in r["errors"]][:10]:
            print("  error:", error)
        for problem in run["checker"]["problems"][:5]:
            print("  check during the run:", problem)
    assert ops > 0 and all(r["done"]["ops"] > 0 for r in run["writers"])


def test_no_writer_saw_an_error(run):
    errors = [e for r in run["writers"] for e in r["errors"]]
    assert errors == []
    assert "locked" not in run["stderr"] and "deadlock" not in run["stderr"]


def test_numbers_are_unique_and_gap_free(run):
    for series, first in (("invoice", None), ("session", 1001)):
        handed_out = sorted(n for r in run["writers"] for n in r["numbers"][series])
        assert len(handed_out) == len(set(handed_out))
    sessions = [n for (n,) in Session.select(Session.number).order_by(Session.number).tuples()]
    assert sessions == sorted(n for r in run["writers"] for n in r["numbers"]["session"])
    assert sessions == list(range(1001, 1001 + len(sessions)))
    invoices = [n for (n,) in Invoice.select(Invoice.number).where(Invoice.series == Invoice.select(Invoice.series)
                                                                   .where(Invoice.kind == Invoice.GENERIC).limit(1))
                .order_by(Invoice.number).tuples()]
    assert invoices == sorted(n for r in run["writers"] for n in r["numbers"]["invoice"])
    assert invoices == list(range(invoices[0], invoices[0] + len(invoices)))


def test_the_books_hold_exactly_the_writers_money(run):
    E = LedgerEntry
    voided = E.select(E.related).where(E.kind == E.VOID)
    for report in run["writers"]:
        sign = fn.SUM(E.amount_cents)
        counted = (E.select(E.kind, sign).where((E.created_by == report["name"]) & (E.kind != E.VOID)
                                                & E.id.not_in(voided)).group_by(E.kind).tuples())
        by_kind = {kind: int(total) for kind, total in counted}
        cash = by_kind.get(E.PAYMENT, 0) + by_kind.get(E.DEPOSIT, 0) - by_kind.get(E.REFUND, 0)
        assert cash == report["tally"]["cash"], report["name"]
        invoiced = (Invoice.select(fn.COALESCE(fn.SUM(Invoice.total_cents), 0))
                    .where((Invoice.created_by == report["name"]) & (Invoice.status != Invoice.VOID)).scalar())
        assert int(invoiced) == report["tally"]["invoiced"], report["name"]


def test_check_is_clean_after_the_run(run):
    assert run_checks() == []


def test_check_stays_clean_while_they_write(run):
    assert run["checker"]["runs"] > 0
    assert run["checker"]["problems"] == []
