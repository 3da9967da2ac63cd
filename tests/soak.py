"""`make soak`: N terminals of mixed work on one studio for S seconds, on
SQLite and then on PostgreSQL, with `spectra check` run again and again
meanwhile and once after. One line per database; exit 1 when a figure is wrong.

    python tests/soak.py [--workers 8] [--seconds 60] [--only sqlite|postgresql]

PostgreSQL: a throwaway server (tests/pg_cluster.py), or the server whose
`postgres` database $SPECTRA_SOAK_PG names (a database is made there and
dropped after). tests/data/test_stress_concurrency.py runs the same code
(``soak``) for a few seconds.

Each worker is a process signed in as its own manager, working on its own
clients (so it knows what each of its invoices must hold) through the data
services, as a terminal does: invoices and lines, payments (some paying too
much), refunds of credit, deposits, their use on an invoice and their refunds,
credit transfers between a client's invoices, voids of payments and of
invoices, sessions booked with their fee invoice, appointments; and on a
client every worker shares, payments into the same invoices and pictures
imported into the same sessions. It keeps its own tally of the money it moved
and the numbers it was given; the verdicts compare them with the books
afterwards. A refusal by the rules counts as fine only where the worker knew
it must come (a booking the calendar refuses, a void of a payment whose credit
went out since): a worker makes only the moves its own account allows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
for folder in (str(REPO), str(TESTS)):  # run as a script: spectra_tui and pg_cluster from this checkout
    if folder not in sys.path:
        sys.path.insert(0, folder)

CLIENTS_PER_WORKER = 3
SHARED_SESSIONS = 2  # sessions every worker imports pictures into
SHARED_INVOICES = 2  # invoices every worker pays into
SHARED_TOTAL = 100_000_000  # each shared invoice's: never paid off
PICTURE = "picture.jpg"  # made once with Pillow; each import stores a copy made unique by a trailer
CHECK_SECONDS = 120  # the most one `spectra check` may take
WEIGHTS = {
    "new_invoice": 4,
    "pay": 5,
    "pay_shared": 2,
    "refund_credit": 2,
    "deposit": 2,
    "apply_deposit": 2,
    "refund_deposit": 1,
    "transfer": 2,
    "void_payment": 1,
    "void_invoice": 1,
    "book_session": 3,
    "book_appointment": 1,
    "import_images": 1,
}
LEDGER_KINDS = ("payment", "deposit", "deposit_apply", "refund", "transfer")


# ------------------------------------------------------------------ the studio


def prepare(target: str, workers: int, folder: Path) -> dict:
    """Make the studio: the owner, a session type, per worker a manager, a
    photographer and clients; the shared client's sessions and invoices; the
    picture. Returns the numbers drawn here (counted with the workers')."""
    from PIL import Image

    from spectra_tui.data import accounts, catalog, clients, db, invoices, sessions, settings, users
    from spectra_tui.data.models import Invoice

    db.open_database(target, create=True)
    try:
        owner = accounts.create_user("owner", "Studio Owner", "owner")
        users.sign_in(owner)
        settings.put("image_root", str(folder / "images"))
        family = catalog.create_session_type("Family", 60, 15000)
        for name in worker_names(workers):
            accounts.create_user(name, f"Front desk {name}", "manager")  # its worker voids and refunds
            accounts.create_user(f"{name}-photo", f"Photographer {name}", "photographer")
            for k in range(CLIENTS_PER_WORKER):
                clients.save_client(None, {"first_name": f"c{k}", "last_name": name})
        shared = clients.save_client(None, {"first_name": "every", "last_name": "shared"})
        photographer = accounts.create_user("shared-photo", "Photographer of the shared sessions", "photographer")
        numbers = [
            sessions.create_session(shared, photographer, family, dt.datetime(2030, 6, 3 + k, 10)).number
            for k in range(SHARED_SESSIONS)
        ]
        drawn = []
        for _ in range(SHARED_INVOICES):
            invoice = invoices.create_invoice(Invoice.GENERIC, client=shared, notes="shared")
            invoices.add_line(invoice, description="Album", unit_price_cents=SHARED_TOTAL, quantity=1, taxable=False)
            drawn.append([invoice.series, invoice.number])
    finally:
        users.sign_in(None)
        db.close_database()
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), (200, 120, 40)).save(buffer, "JPEG")
    (folder / PICTURE).write_bytes(buffer.getvalue())
    return {"session": numbers, "invoice": drawn}


def worker_names(workers: int) -> list[str]:
    return [f"w{n}" for n in range(1, workers + 1)]


# ------------------------------------------------------------------ one worker


class Worker:
    """One terminal's work and its own account of it (run in its own process)."""

    def __init__(self, name: str, folder: Path) -> None:
        from peewee import fn

        from spectra_tui.data import users
        from spectra_tui.data.models import Client, Invoice, Session, SessionType

        self.name = name
        self.rng = random.Random(name)
        users.sign_in(users.find_user(name))
        self.photographer = users.find_user(f"{name}-photo")
        self.family = SessionType.get(SessionType.name == "Family")
        self.clients = list(Client.select().where(fn.LOWER(Client.last_name) == name).order_by(Client.id))
        self.shared = list(Session.select().order_by(Session.number).limit(SHARED_SESSIONS))
        self.shared_invoices = list(
            Invoice.select().join(Client).where(fn.LOWER(Client.last_name) == "shared").order_by(Invoice.id)
        )
        self.shared_paid = {invoice.id: 0 for invoice in self.shared_invoices}  # what this worker paid into them
        self.picture = (folder / PICTURE).read_bytes()
        self.tally = {kind: 0 for kind in (*LEDGER_KINDS, "invoiced")}  # net of voids
        self.invoices: dict[int, list] = {}  # live invoice id -> [invoice, total, paid]
        self.payments: list = []  # payment entries not voided
        self.ever_paid: set[int] = set()  # money went in once: void_invoice leaves them alone
        self.deposits: list[list] = []  # [entry, left]
        self.numbers: dict[str, list] = {"invoice": [], "session": [], "image": []}
        self.imports = 0

    def run(self, seconds: float) -> dict:
        from spectra_tui.data import db

        names, weights = zip(*WEIGHTS.items(), strict=True)
        done = {"ops": 0, "refused": 0, "locked": 0, "deadlocks": 0, "other": 0}
        errors: list[str] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(errors) < 50:
            operation = self.rng.choices(names, weights)[0]
            try:
                getattr(self, operation)()
                done["ops"] += 1
            except Exception as error:  # everything a user would have seen
                kind = problem_kind(error)
                if kind == "refused":
                    done["refused"] += 1
                    continue
                done[kind] += 1
                errors.append(f"{operation}: {describe(error)}")
        return {
            "name": self.name,
            "done": done,
            "errors": errors,
            "retries": db.retries_taken,
            "tally": self.tally,
            "numbers": self.numbers,
            "paid": {invoice_id: paid for invoice_id, (_, _, paid) in self.invoices.items()},
            "shared_paid": self.shared_paid,
        }

    # -- helpers

    def _record_invoice(self, invoice, total: int) -> None:
        self.numbers["invoice"].append([invoice.series, invoice.number])
        self.invoices[invoice.id] = [invoice, total, 0]
        self.tally["invoiced"] += total

    def _move(self, kind: str, amount: int, into: int | None = None, out_of: int | None = None) -> None:
        self.tally[kind] += amount
        if into is not None:
            self.invoices[into][2] += amount
            self.ever_paid.add(into)
        if out_of is not None:
            self.invoices[out_of][2] -= amount

    def _pick(self, keep):
        found = [v for v in self.invoices.values() if keep(v)]
        return self.rng.choice(found) if found else None

    # -- the mix

    def new_invoice(self) -> None:
        from spectra_tui.data import invoices
        from spectra_tui.data.models import Invoice

        invoice = invoices.create_invoice(Invoice.GENERIC, client=self.rng.choice(self.clients), notes=self.name)
        self._record_invoice(invoice, 0)
        for _ in range(self.rng.randint(1, 3)):
            price, quantity = self.rng.randint(100, 20000), self.rng.randint(1, 3)
            invoices.add_line(invoice, description="Print", unit_price_cents=price, quantity=quantity, taxable=False)
            self.invoices[invoice.id][1] += price * quantity  # line by line: a later one may fail
            self.tally["invoiced"] += price * quantity

    def pay(self) -> None:
        from spectra_tui.data import ledger

        picked = self._pick(lambda v: v[1] > v[2])
        if picked is None:
            return self.new_invoice()
        invoice, total, paid = picked
        owed = total - paid
        amount = self.rng.randint(1, owed) if self.rng.random() < 0.8 else owed + self.rng.randint(1, 5000)
        entry = ledger.take_payment(invoice, amount, "card")
        self.payments.append(entry)
        self._move("payment", amount, into=invoice.id)

    def pay_shared(self) -> None:
        """A payment into an invoice every worker pays into: none may be lost."""
        from spectra_tui.data import ledger

        invoice = self.rng.choice(self.shared_invoices)
        amount = self.rng.randint(100, 5000)
        ledger.take_payment(invoice, amount, "card")
        self.shared_paid[invoice.id] += amount
        self.tally["payment"] += amount

    def refund_credit(self) -> None:
        from spectra_tui.data import ledger

        picked = self._pick(lambda v: v[2] > v[1])
        if picked is None:
            return self.pay()
        invoice, total, paid = picked
        amount = self.rng.randint(1, paid - total)
        ledger.refund(invoice, amount, "cash")
        self._move("refund", amount, out_of=invoice.id)

    def deposit(self) -> None:
        from spectra_tui.data import ledger

        amount = self.rng.randint(500, 30000)
        self.deposits.append([ledger.take_deposit(self.rng.choice(self.clients), amount, "cash"), amount])
        self.tally["deposit"] += amount

    def apply_deposit(self) -> None:
        from spectra_tui.data import ledger

        for item in self.rng.sample(self.deposits, len(self.deposits)):
            entry, left = item
            picked = self._pick(lambda v, e=entry: v[0].client_id == e.client_id and v[1] > v[2])
            if left > 0 and picked is not None:
                invoice, total, paid = picked
                amount = self.rng.randint(1, min(left, total - paid))
                ledger.apply_deposit(entry, invoice, amount)
                item[1] -= amount
                return self._move("deposit_apply", amount, into=invoice.id)
        return self.deposit()

    def refund_deposit(self) -> None:
        from spectra_tui.data import ledger

        left = [d for d in self.deposits if d[1] > 0]
        if not left:
            return self.deposit()
        item = self.rng.choice(left)
        amount = self.rng.randint(1, item[1])
        ledger.refund_deposit(item[0], amount, "cash")
        item[1] -= amount
        self.tally["refund"] += amount

    def transfer(self) -> None:
        from spectra_tui.data import ledger

        source = self._pick(lambda v: v[2] > v[1])
        if source is None:
            return self.pay()
        target = self._pick(lambda v: v[0].client_id == source[0].client_id and v[0].id != source[0].id)
        if target is None:
            return self.new_invoice()
        amount = self.rng.randint(1, source[2] - source[1])
        ledger.transfer_credit(source[0], target[0], amount)
        self._move("transfer", amount, into=target[0].id, out_of=source[0].id)

    def void_payment(self) -> None:
        from spectra_tui.data import ledger
        from spectra_tui.data.errors import DomainError

        if not self.payments:
            return self.pay()
        entry = self.rng.choice(self.payments)
        if self.invoices[entry.invoice_id][2] < entry.amount_cents:  # its credit went out since
            try:
                ledger.void_entry(entry, "entered twice")
            except DomainError as refusal:
                raise Refused from refusal
            raise AssertionError(f"the void of entry #{entry.id} took out more than was paid into its invoice")
        ledger.void_entry(entry, "entered twice")
        self.payments.remove(entry)
        self.tally["payment"] -= entry.amount_cents
        self.invoices[entry.invoice_id][2] -= entry.amount_cents

    def void_invoice(self) -> None:
        from spectra_tui.data import invoices

        picked = self._pick(lambda v: v[0].id not in self.ever_paid)
        if picked is None:
            return self.new_invoice()
        invoices.void_invoice(picked[0], "customer changed mind")
        del self.invoices[picked[0].id]
        self.tally["invoiced"] -= picked[1]

    def _book(self, **request) -> object:
        from spectra_tui.data import booking

        day = dt.date(2031, 1, 6) + dt.timedelta(weeks=self.rng.randrange(100), days=self.rng.randrange(5))  # Mon-Fri
        start = dt.datetime.combine(day, dt.time(self.rng.randrange(9, 16), self.rng.choice((0, 15, 30, 45))))
        return booking.book(booking.BookingRequest(client=self.rng.choice(self.clients), start=start, **request))

    def book_session(self) -> None:
        result = self._book(session_type=self.family, photographer=self.photographer, fee_invoice=True)
        self.numbers["session"].append(result.session.number)
        if result.fee_invoice is not None:
            self._record_invoice(result.fee_invoice, result.fee_invoice.total_cents)

    def book_appointment(self) -> None:
        from spectra_tui.data import booking, users

        self._book(kind=booking.APPOINTMENT, staff=users.current_user(), title="Viewing")

    def import_images(self) -> None:
        """One to three pictures into a shared session, as the tether or an import stores them."""
        from spectra_tui.data import images

        session = self.rng.choice(self.shared)
        store = images.session_store(session)
        for _ in range(self.rng.randint(1, 3)):
            self.imports += 1
            copy = self.picture + f"{self.name}-{self.imports}".encode()  # after JPEG's end: a different file
            stored = store.add_bytes(copy, f"IMG_{self.imports:04d}.JPG", source=f"/media/card/{self.name}")
            if stored is not None:
                self.numbers["image"].append([session.number, stored.number])


class Refused(Exception):
    """A worker's move that the rules must refuse was refused (as it knew)."""


def problem_kind(error: BaseException) -> str:
    """ "locked", "deadlocks" (one that escaped the retries), "refused" (a
    booking the calendar refused, or a move the worker knew the rules refuse:
    fine) or "other": a worker only makes moves its own account of its
    invoices and deposits allows, so any other refusal is one too."""
    from spectra_tui.data.db import aborted_by_server
    from spectra_tui.data.errors import ConflictError

    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if aborted_by_server(error) == "deadlock":
        return "deadlocks"
    return "refused" if isinstance(error, ConflictError | Refused) else "other"


def describe(error: BaseException) -> str:
    where = traceback.extract_tb(error.__traceback__)[-4:]
    return f"{type(error).__name__}: {' '.join(str(error).split())[:300]} at " + " < ".join(
        f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(where)
    )


def worker_main(target: str, name: str, seconds: float, folder: Path) -> None:
    """A worker process (tests/terminals.py): ready, wait for the go file, work, print its report (JSON) last."""
    from spectra_tui.data import db

    db.open_database(target)
    worker = Worker(name, folder)
    print("ready", flush=True)
    while not (folder / "go").exists():
        time.sleep(0.005)
    print(json.dumps(worker.run(seconds)))


# ------------------------------------------------------------------ the run and its verdicts


@dataclass
class Figures:
    workers: int
    seconds: float
    operations: int = 0
    refused: int = 0
    locked: int = 0
    deadlocks: int = 0  # that reached a worker
    retried: int = 0  # transactions the app ran again (deadlock or serialization failure)
    gaps: list[str] = field(default_factory=list)  # gaps, duplicates, numbers nobody was given
    money: list[str] = field(default_factory=list)  # where the books differ from the tally
    checks_clean: int = 0
    checks_failed: list[str] = field(default_factory=list)  # output of each check during that was not clean
    after: str = ""  # the check after: "" when clean, else its output
    other: int = 0  # errors neither "locked" nor a deadlock
    errors: list[str] = field(default_factory=list)  # every error a worker saw
    crashed: list[str] = field(default_factory=list)  # a worker's last lines of stderr

    @property
    def ok(self) -> bool:
        return not (
            self.locked
            or self.deadlocks
            or self.gaps
            or self.money
            or self.checks_failed
            or self.after
            or self.errors
            or self.crashed
            or self.operations == 0
            or self.checks_clean == 0
        )

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.workers} workers x {self.seconds:g} s, {self.operations:,} operations "
            f'({self.refused:,} refused by a rule), {self.locked} "locked" errors, '
            f"{self.deadlocks} deadlocks ({self.retried} retried), {len(self.gaps)} number gaps, "
            f"money = tally: {'no' if self.money else 'yes'}, check during: {self.checks_clean} clean"
            + (f", {len(self.checks_failed)} not" if self.checks_failed else "")
            + f", after: {'NOT clean' if self.after else 'clean'}"
            + (f", {self.other} other errors" if self.other else "")
            + (f", {len(self.crashed)} workers crashed" if self.crashed else "")
        )

    def details(self) -> list[str]:
        """What went wrong, a few lines of each."""
        return [
            *(f"  crashed: {c}" for c in self.crashed),
            *(f"  error: {e}" for e in self.errors[:10]),
            *(f"  numbers: {g}" for g in self.gaps[:10]),
            *(f"  money: {m}" for m in self.money[:10]),
            *(f"  check during: {c}" for c in self.checks_failed[:3]),
            *([f"  check after: {self.after}"] if self.after else []),
        ]


def spectra_check(target: str, env: dict) -> str:
    """Run `spectra check` (the CLI, a process of its own): "" when clean, else what it said."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "spectra_tui", "--db", target, "check"],
            capture_output=True,
            text=True,
            env=env,
            timeout=CHECK_SECONDS,
            cwd=str(REPO),
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {CHECK_SECONDS} s"
    said = " | ".join((done.stdout + done.stderr).strip().splitlines()[-6:])
    return "" if done.returncode == 0 else f"exit {done.returncode}: {said}"


def soak(target: str, workers: int, seconds: float, folder: Path) -> Figures:
    """Make the studio at ``target`` (an empty database), run the workers and
    the checks, and compare the books with the workers' tallies."""
    from terminals import TerminalFailed, environment, release

    drawn = prepare(target, workers, folder)
    env = environment()
    names = worker_names(workers)
    figures = Figures(workers, seconds)
    worker = [sys.executable, __file__, "--db", target, "--seconds", str(seconds), "--folder", str(folder)]
    try:
        processes = release([[*worker, "--worker", name] for name in names], folder / "go")
    except TerminalFailed as error:
        figures.crashed.append(" | ".join(str(error).strip().splitlines()[-4:]))
        figures.after = spectra_check(target, env)
        return figures
    try:
        stop = threading.Event()
        checker = threading.Thread(target=check_again_and_again, args=(target, env, stop, figures))
        checker.start()
        outputs = [p.communicate(timeout=seconds + 600) for p in processes]
        stop.set()
        checker.join()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    reports = []
    for name, process, (out, err) in zip(names, processes, outputs, strict=True):
        lines = out.strip().splitlines()
        if process.returncode != 0 or not lines:
            figures.crashed.append(f"{name} (exit {process.returncode}): " + " | ".join(err.strip().splitlines()[-4:]))
            continue
        report = json.loads(lines[-1])
        reports.append(report)
        figures.operations += report["done"]["ops"]
        figures.refused += report["done"]["refused"]
        figures.locked += report["done"]["locked"]
        figures.deadlocks += report["done"]["deadlocks"]
        figures.other += report["done"]["other"]
        figures.retried += report["retries"]
        figures.errors += [f"{name}: {e}" for e in report["errors"]]
    figures.after = spectra_check(target, env)
    from spectra_tui.data import db

    db.open_database(target)
    try:
        figures.gaps = number_problems(reports, drawn)
        figures.money = money_problems(reports)
    finally:
        db.close_database()
    return figures


def check_again_and_again(target: str, env: dict, stop: threading.Event, figures: Figures) -> None:
    while not stop.is_set():
        said = spectra_check(target, env)
        if said:
            figures.checks_failed.append(said)
        else:
            figures.checks_clean += 1


def number_problems(reports: list[dict], drawn: dict) -> list[str]:
    """Invoice numbers (each series), session numbers and each shared
    session's image numbers: in the books exactly those the workers (and the
    set-up) were given, each once, running without a gap."""
    from spectra_tui.data.models import Invoice, Session, SessionImage

    given: dict[str, list[int]] = {"session": list(drawn["session"])}
    for series, number in drawn["invoice"]:
        given.setdefault(f"invoice {series}", []).append(number)
    for report in reports:
        given["session"] += report["numbers"]["session"]
        for series, number in report["numbers"]["invoice"]:
            given.setdefault(f"invoice {series}", []).append(number)
        for session, number in report["numbers"]["image"]:
            given.setdefault(f"image of session {session}", []).append(number)
    stored: dict[str, list[int]] = {"session": [n for (n,) in Session.select(Session.number).tuples()]}
    for series, number in Invoice.select(Invoice.series, Invoice.number).tuples():
        stored.setdefault(f"invoice {series}", []).append(number)
    for session, number in SessionImage.select(Session.number, SessionImage.number).join(Session).tuples():
        stored.setdefault(f"image of session {session}", []).append(number)
    problems = []
    for series in sorted(set(given) | set(stored)):
        mine, books = sorted(given.get(series, [])), sorted(stored.get(series, []))
        twice = sorted({n for n in mine if mine.count(n) > 1})
        if twice:
            problems.append(f"{series}: given twice: {twice[:10]}")
        if mine != books:
            problems.append(f"{series}: the books hold {len(books)} numbers, the workers were given {len(mine)}")
        missing = sorted(set(range(books[0], books[-1] + 1)) - set(books)) if books else []
        if missing:
            problems.append(f"{series}: missing {missing[:10]}")
    return problems


def money_problems(reports: list[dict]) -> list[str]:
    """Per worker: the ledger by kind (what was not voided) and its live
    invoices' totals equal its tally; each invoice holds (in its stored figure
    and by the ledger) what the workers paid into it."""
    from peewee import fn

    from spectra_tui.data.ledger import paid_into
    from spectra_tui.data.models import Invoice
    from spectra_tui.data.models import LedgerEntry as E

    voided = E.select(E.related).where(E.kind == E.VOID)
    problems = []
    expected: dict[int, int] = {}  # invoice id -> what the workers paid into it
    for report in reports:
        name, tally = report["name"], report["tally"]
        books = dict.fromkeys(LEDGER_KINDS, 0)
        summed = (
            E.select(E.kind, fn.SUM(E.amount_cents))
            .where((E.created_by == name) & (E.kind != E.VOID) & E.id.not_in(voided))
            .group_by(E.kind)
            .tuples()
        )
        books.update({kind: int(total) for kind, total in summed})
        books["invoiced"] = int(
            Invoice.select(fn.COALESCE(fn.SUM(Invoice.total_cents), 0))
            .where((Invoice.created_by == name) & (Invoice.status != Invoice.VOID))
            .scalar()
        )
        problems += [
            f"{name} {kind}: books {books[kind]}, tally {tally[kind]}" for kind in tally if books[kind] != tally[kind]
        ]
        for invoice_id, paid in (*report["paid"].items(), *report["shared_paid"].items()):
            expected[int(invoice_id)] = expected.get(int(invoice_id), 0) + paid
    by_ledger = paid_into(list(expected))
    stored = dict(Invoice.select(Invoice.id, Invoice.paid_cents).where(Invoice.id.in_(list(expected))).tuples())
    return problems + [
        f"invoice #{i}: holds {stored[i]} paid ({by_ledger[i]} by the ledger), the workers paid in {paid}"
        for i, paid in sorted(expected.items())
        if stored[i] != paid or by_ledger[i] != paid
    ]


# ------------------------------------------------------------------ the command


class NoServer(Exception):
    """No PostgreSQL server could be had: that soak is skipped, saying so in one
    line (as `make test-postgres` skips), never reported as passed."""


def on_sqlite(workers: int, seconds: float, folder: Path) -> Figures:
    return soak(str(folder / "studio.db"), workers, seconds, folder)


def on_postgresql(workers: int, seconds: float, folder: Path) -> Figures:
    """On the server $SPECTRA_SOAK_PG names, else on a throwaway one."""
    from pg_cluster import Cluster, ClusterError, admin_sql

    server, cluster = os.environ.get("SPECTRA_SOAK_PG"), None
    if not server:
        try:
            cluster = Cluster()
            server = cluster.start()
        except ClusterError as error:
            if cluster is not None:  # as tests/pg_cluster.py's main() does
                shutil.rmtree(cluster.folder, ignore_errors=True)
            raise NoServer(str(error)) from None
    name = f"spectra_soak_{uuid.uuid4().hex[:12]}"
    try:
        admin_sql(server, f"CREATE DATABASE {name}")
        try:
            return soak(urlsplit(server)._replace(path=f"/{name}").geturl(), workers, seconds, folder)
        finally:
            admin_sql(server, f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        if cluster is not None:
            cluster.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # the rest: a worker process's own
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(args.db, args.worker, args.seconds, Path(args.folder))
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="spectra-soak-") as temporary:
        # The throwaway studios' keys (data/studio_key.py) stay in this folder, not in the user's config.
        os.environ["XDG_CONFIG_HOME"] = str(Path(temporary) / "config")
        for label, run in (("sqlite", on_sqlite), ("postgresql", on_postgresql)):
            if args.only not in (None, label):
                continue
            folder = Path(temporary) / label
            folder.mkdir()
            try:
                figures = run(args.workers, args.seconds, folder)
            except NoServer as error:
                print(f"{label}: skipped, no PostgreSQL server: {error}", flush=True)
                continue
            print("\n".join([figures.line(label), *figures.details()]), flush=True)
            ok = ok and figures.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
