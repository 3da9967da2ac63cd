"""Rule 5 as a property: random sequences of invoices, payments, refunds,
deposits, deposit applications, credit transfers, voids and line changes
(many of them ones the rules refuse) never create or lose a cent.

A RuleBasedStateMachine keeps its own model of what each invoice holds and
what is left on each deposit, predicts whether each step must be accepted
or refused, and after every step checks the model against the ledger,
``client_money(...).balanced`` for every client, ``check.run_checks() == []``
and that no invoice's paid is below its floor (skipped only after a refused
step that provably wrote nothing: same audit, ledger, line counts and
invoice totals as at the last full check). After every step, refused ones
too, each invoice's stored paid and balance (Invoice.paid_cents,
balance_cents, what the lists sort by) must equal what the ledger gives. Each
example runs on its own temporary SQLite file. Some steps act through stale
objects (an invoice voided from "another screen"), as a second terminal would.
"""
import datetime as dt
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule
from peewee import fn

from staff import add_user
from spectra_tui.data import catalog, check, clients, invoices, ledger, sessions, users
from spectra_tui.data.db import close_database, open_database
from spectra_tui.data.errors import DomainError
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.models import AuditLog, Invoice, InvoiceLine, LedgerEntry

SF, IO, RO, GEN, CM, EST = Invoice.KINDS
# An amount is a number of cents, or a word resolved against the model at the
# time of the step ("all" = the service's own default where it has one), so
# that overpayments, whole refunds and transfers happen often, not by luck.
AMOUNTS = st.one_of(st.sampled_from(["all", "exact", "half", "over"]),
                    st.integers(min_value=1, max_value=30000), st.sampled_from([0, -100, 1]))
LINES = st.lists(st.tuples(st.integers(min_value=0, max_value=20000), st.booleans()), min_size=1, max_size=3)


def resolve(how, whole, default=None):
    """Cents for an amount word, given the whole that makes sense (due, credit, left)."""
    if isinstance(how, int):
        return how
    return {"all": whole if default is None else default, "exact": whole, "half": whole // 2, "over": whole + 1}[how]


class LedgerMachine(RuleBasedStateMachine):
    invoices = Bundle("invoices")
    deposits = Bundle("deposits")
    entries = Bundle("entries")

    def __init__(self):
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="spectra-prop-")
        open_database(Path(self.folder) / "t.db", create=True)
        set_clock(lambda: to_utc(dt.datetime(2030, 1, 15, 12, 0)))
        users.sign_in(add_user("rita", "Rita Gomez", "manager"))  # voids: a manager's
        photographer = add_user("ava", "Ava Reyes", "photographer")
        family = catalog.create_session_type("Family", 60, 15000)
        self.clients = [clients.save_client(None, {"first_name": "Ann", "last_name": "Lee"}),
                        clients.save_client(None, {"first_name": "Bo", "last_name": "Park"})]
        self.sessions = [sessions.create_session(c, photographer, family, dt.datetime(2030, 2, 1, 10 + i))
                         for i, c in enumerate(self.clients)]
        # the model
        self.paid = defaultdict(int)  # invoice id -> net money in it
        self.left = {}  # deposit id -> what is left on it
        self.effects = {}  # entry id -> [("inv" | "dep", id, delta)]
        self.voided = set()
        self.void_invoices = set()
        self.converted = set()

    def teardown(self):
        close_database()
        users.sign_in(None)
        set_clock(None)
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------ model helpers

    def total(self, invoice_id):
        return Invoice.get_by_id(invoice_id).total_cents

    def floor(self, invoice_id):
        return 0 if invoice_id in self.void_invoices else min(0, self.total(invoice_id))

    def credit(self, invoice_id):
        return self.paid[invoice_id] - self.total(invoice_id)

    def due(self, invoice_id):
        return max(0, self.total(invoice_id) - self.paid[invoice_id])

    def payable(self, invoice, what):
        if invoice.kind == EST or invoice.id in self.void_invoices:
            return False
        return invoice.kind != CM or what in ("refund", "transfer out")

    def attempt(self, expected, action, effects):
        """Run a service call that the model expects to succeed or be refused."""
        rows_before = LedgerEntry.select().count()
        try:
            entry = action()
        except DomainError as error:
            assert not expected, f"refused but the rules allow it: {error}"
            assert str(error)
            assert LedgerEntry.select().count() == rows_before, "a refused step wrote a ledger row"
            return multiple()
        assert expected, f"accepted but the rules refuse it: {entry.kind} {entry.amount_cents}"
        effects = effects(entry) if callable(effects) else effects
        self.effects[entry.id] = effects
        for what, key, delta in effects:
            if what == "inv":
                self.paid[key] += delta
            else:
                self.left[key] += delta
        return entry

    # ------------------------------------------------------------ invoices

    @initialize(target=invoices)
    def some_invoices(self):
        made = []
        for who in (0, 1):
            order = invoices.create_invoice(IO, session=self.sessions[who])
            invoices.add_line(order, description="Prints", unit_price_cents=10000)
            memo = invoices.create_invoice(CM, client=self.clients[who])
            invoices.add_line(memo, description="Credit", unit_price_cents=2500, taxable=False)
            made += [order, memo]
        return multiple(*made)

    @rule(target=invoices, who=st.integers(0, 1), kind=st.sampled_from(Invoice.KINDS), from_session=st.booleans(),
          lines=LINES)
    def create_invoice(self, who, kind, from_session, lines):
        use_session = kind in (SF, IO, RO) or (kind in (CM, EST) and from_session)
        origin = {"session": self.sessions[who]} if use_session else {"client": self.clients[who]}
        invoice = invoices.create_invoice(kind, **origin)
        for cents, taxable in lines:
            invoices.add_line(invoice, description="Item", unit_price_cents=cents, taxable=taxable)
        return invoice

    @rule(target=invoices, estimate=invoices)
    def convert_estimate(self, estimate):
        expected = estimate.kind == EST and estimate.id not in self.void_invoices | self.converted
        try:
            invoice = invoices.convert_estimate(estimate)
        except DomainError:
            assert not expected
            return multiple()
        assert expected
        self.converted.add(estimate.id)
        assert invoice.total_cents == Invoice.get_by_id(estimate.id).total_cents
        return invoice

    @rule(invoice=invoices)
    def void_invoice(self, invoice):
        """Voided from 'another screen': the bundle keeps its stale object."""
        expected = (invoice.id not in self.void_invoices and invoice.id not in self.converted
                    and self.paid[invoice.id] == 0)  # voided only when it holds no money
        try:
            invoices.void_invoice(Invoice.get_by_id(invoice.id), "test")
        except DomainError:
            assert not expected
            return
        assert expected
        self.void_invoices.add(invoice.id)

    @rule(invoice=invoices, cents=st.integers(0, 20000), remove=st.booleans())
    def change_a_line(self, invoice, cents, remove):
        lines = invoices.lines_of(invoice)
        if not lines:
            return
        editable = invoice.id not in self.void_invoices | self.converted
        current = Invoice.get_by_id(invoice.id)
        if remove:
            new_total = invoices.compute_totals(current, lines[1:])[2]
        else:
            lines[0].unit_price_cents = cents
            new_total = invoices.compute_totals(current, lines)[2]
        expected = editable and self.paid[invoice.id] >= min(0, new_total)
        line = invoices.lines_of(invoice)[0]
        try:
            invoices.remove_line(line) if remove else invoices.update_line(line, unit_price_cents=cents)
        except DomainError:
            assert not expected
            return
        assert expected and self.total(invoice.id) == new_total

    @rule(invoice=invoices, who=st.integers(0, 1))
    def change_bill_to(self, invoice, who):
        """As the invoice record does it, from the invoice as it was last loaded
        (a stale copy is refused: tests/data/test_versions.py)."""
        expected = invoice.id not in self.void_invoices | self.converted
        try:
            invoices.change_bill_to(Invoice.get_by_id(invoice.id), self.clients[who])
        except DomainError:
            assert not expected
            return
        assert expected

    # ------------------------------------------------------------ money

    @rule(target=entries, invoice=invoices, amount=AMOUNTS)
    def pay(self, invoice, amount):
        amount = resolve(amount, self.due(invoice.id))
        if amount == self.due(invoice.id) + 1:
            amount += 2499  # overpay by $25: a credit balance
        expected = amount > 0 and self.payable(invoice, "payment")
        return self.attempt(expected, lambda: ledger.take_payment(invoice, amount, "card"), [("inv", invoice.id, amount)])

    @rule(target=entries, invoice=invoices, amount=AMOUNTS)
    def refund(self, invoice, amount):
        amount = resolve(amount, self.credit(invoice.id))
        expected = amount > 0 and self.payable(invoice, "refund") and amount <= self.credit(invoice.id)
        return self.attempt(expected, lambda: ledger.refund(invoice, amount, "cash"), [("inv", invoice.id, -amount)])

    @rule(targets=(deposits, entries), who=st.integers(0, 1), amount=AMOUNTS)
    def take_deposit(self, who, amount):
        amount = resolve(amount, 5000)

        def effects(entry):
            self.left[entry.id] = 0
            return [("dep", entry.id, amount)]
        return self.attempt(amount > 0, lambda: ledger.take_deposit(self.clients[who], amount, "cash"), effects)

    @rule(target=entries, deposit=deposits, invoice=invoices, amount=AMOUNTS)
    def apply_deposit(self, deposit, invoice, amount):
        left = self.left[deposit.id]
        amount = None if amount == "all" else resolve(amount, left)
        chosen = min(left, self.due(invoice.id)) if amount is None else amount
        expected = (self.payable(invoice, "deposit") and invoice.client_id == deposit.client_id and left > 0
                    and 0 < chosen <= left)
        return self.attempt(expected, lambda: ledger.apply_deposit(deposit, invoice, amount),
                            [("dep", deposit.id, -chosen), ("inv", invoice.id, chosen)])

    @rule(target=entries, deposit=deposits, amount=AMOUNTS)
    def refund_deposit(self, deposit, amount):
        amount = resolve(amount, self.left[deposit.id])
        expected = 0 < amount <= self.left[deposit.id]
        return self.attempt(expected, lambda: ledger.refund_deposit(deposit, amount, "cash"),
                            [("dep", deposit.id, -amount)])

    @rule(target=entries, source=invoices, target_invoice=invoices, amount=AMOUNTS)
    def transfer(self, source, target_invoice, amount):
        credit = self.credit(source.id)
        amount = None if amount == "all" else resolve(amount, credit)
        if amount is None:
            due = self.due(target_invoice.id)
            chosen = min(credit, due) if due > 0 else credit
        else:
            chosen = amount
        expected = (source.id != target_invoice.id and self.payable(source, "transfer out")
                    and self.payable(target_invoice, "transfer") and source.client_id == target_invoice.client_id
                    and credit > 0 and 0 < chosen <= credit)
        return self.attempt(expected, lambda: ledger.transfer_credit(source, target_invoice, amount),
                            [("inv", source.id, -chosen), ("inv", target_invoice.id, chosen)])

    @rule(target=entries, entry=entries)
    def void_entry(self, entry):
        reversal = [(what, key, -delta) for what, key, delta in self.effects.get(entry.id, [])]
        on_void_invoice = any(what == "inv" and key in self.void_invoices for what, key, _ in reversal)
        expected = entry.kind != LedgerEntry.VOID and entry.id not in self.voided and not on_void_invoice
        if expected:
            paid, left = dict(self.paid), dict(self.left)
            for what, key, delta in reversal:
                (paid if what == "inv" else left)[key] = (paid if what == "inv" else left).get(key, 0) + delta
            expected = (all(paid[k] >= self.floor(k) for w, k, _ in reversal if w == "inv")
                        and all(left[k] >= 0 for w, k, _ in reversal if w == "dep"))
        result = self.attempt(expected, lambda: ledger.void_entry(entry, "entered by mistake"), reversal)
        if isinstance(result, LedgerEntry):
            self.voided.add(entry.id)
        return result

    # ------------------------------------------------------------ invariants

    def fingerprint(self):
        """Changes whenever anything is written: every service write adds an audit entry."""
        return (AuditLog.select().count(), LedgerEntry.select().count(), InvoiceLine.select().count(),
                Invoice.select(fn.SUM(Invoice.total_cents)).scalar(),
                Invoice.select().where(Invoice.status != Invoice.OPEN).count())

    @invariant()
    def stored_balances_follow_the_ledger(self):
        rows = list(Invoice.select())
        paid = ledger.paid_into([invoice.id for invoice in rows])
        for invoice in rows:
            derived = (paid[invoice.id], ledger.owed_total(invoice) - paid[invoice.id])
            assert (invoice.paid_cents, invoice.balance_cents) == derived, invoice.display_number
            assert derived[1] == ledger.invoice_money(invoice).balance

    @invariant()
    def books_are_whole(self):
        state = self.fingerprint()
        if state == getattr(self, "checked", None):
            return  # a refused step: nothing was written since the last full check (asserted by the fingerprint)
        for client in self.clients:
            picture = ledger.client_money(client.id)
            assert picture.balanced, picture
        all_invoices = [i for (i,) in Invoice.select(Invoice.id).tuples()]
        paid = ledger.paid_into(all_invoices)
        for invoice in Invoice.select():
            assert paid[invoice.id] == self.paid[invoice.id]
            assert paid[invoice.id] >= ledger.paid_floor(invoice)
        assert ledger.deposit_remaining(list(self.left)) == self.left
        assert all(left >= 0 for left in self.left.values())
        assert check.run_checks() == []
        self.checked = state


LedgerMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
test_ledger_state_machine = LedgerMachine.TestCase
