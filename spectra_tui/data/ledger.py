"""Money: payments, deposits, refunds, deposit applications, credit transfers
and voids, as append-only ledger rows. Balances are derived from them.

For an invoice, ``paid`` = payments + deposits applied + credit transferred in
- credit transferred out - refunds. ``balance`` = total - paid; a negative
balance is a credit balance. An entry that has been voided counts for nothing.

Each invoice also keeps its paid and balance (``Invoice.paid_cents``,
``balance_cents``) so that lists can sort and page by balance in SQL:
``store_balances`` derives them from the ledger again and writes them, in the
transaction of every write that moves them (here: every ledger row; in
invoices: every change of lines, void and conversion). ``spectra check``
reports any invoice whose stored figures differ from the ledger.

Every function checks its rule before writing, writes inside one
transaction together with its audit entry, and re-checks afterwards that no
invoice was paid below zero and no deposit was overdrawn.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from peewee import Case, fn

from . import audit, end_of_day, settings
from .db import write_transaction
from .errors import NotFound, PermissionDenied, ValidationError
from .models import Client, Invoice, LedgerEntry, database, refresh, tuples
from .money import MAX_CENTS, format_money
from .permissions import Permission, allowed, require
from .text import one_line
from .users import current_user_name

E = LedgerEntry
PAYMENT, DEPOSIT, DEPOSIT_APPLY, REFUND, TRANSFER, VOID = E.KINDS

KIND_LABELS = {
    PAYMENT: "Payment",
    DEPOSIT: "Deposit",
    DEPOSIT_APPLY: "Deposit applied",
    REFUND: "Refund",
    TRANSFER: "Credit transfer",
    VOID: "Void",
}
# Which way each kind moves the money paid into the invoice it names
# (``invoice``); a transfer also adds to its ``target_invoice``, and a void
# moves nothing itself (it makes the entry it voids count for nothing).
SIGN_ON_INVOICE = {PAYMENT: 1, DEPOSIT_APPLY: 1, TRANSFER: -1, REFUND: -1}


@dataclass(frozen=True)
class InvoiceMoney:
    total: int
    paid: int

    @property
    def balance(self) -> int:
        """What is still owed (negative: a credit balance)."""
        return self.total - self.paid

    @property
    def credit(self) -> int:
        return max(0, self.paid - self.total)

    @property
    def due(self) -> int:
        return max(0, self.total - self.paid)


# ---------------------------------------------------------------- derived figures


def _voided_ids():
    voids = E.alias()
    return voids.select(voids.related).where(voids.kind == VOID)


def effective():
    """The condition for entries that count: not voids and not voided."""
    return (E.kind != VOID) & (E.id.not_in(_voided_ids()))


def paid_into(invoice_ids: list[int]) -> dict[int, int]:
    """Net money paid into each invoice (see the module docstring)."""
    if not invoice_ids:
        return {}
    paid = {i: 0 for i in invoice_ids}
    signed = tuple((kind, E.amount_cents * sign) for kind, sign in SIGN_ON_INVOICE.items())
    incoming = tuples(
        E.select(E.invoice, fn.SUM(Case(E.kind, signed, 0)))
        .where(effective() & E.invoice.in_(invoice_ids))
        .group_by(E.invoice)
    )
    for invoice_id, amount in incoming:
        paid[invoice_id] += int(amount or 0)
    transfers_in = tuples(
        E.select(E.target_invoice, fn.SUM(E.amount_cents))
        .where(effective() & (E.kind == TRANSFER) & E.target_invoice.in_(invoice_ids))
        .group_by(E.target_invoice)
    )
    for invoice_id, amount in transfers_in:
        paid[invoice_id] += int(amount or 0)
    return paid


def can_owe(invoice: Invoice) -> bool:
    """Whether the invoice can owe money (or hold a credit): not a void
    invoice, not an estimate."""
    return invoice.status != Invoice.VOID and not invoice.is_estimate


def owed_total(invoice: Invoice) -> int:
    """The part of the invoice's total that can be owed: nothing on a void
    invoice or an estimate."""
    return invoice.total_cents if can_owe(invoice) else 0


def effect_on(entry: LedgerEntry, invoice_id: int) -> int:
    """What ``entry`` did to the money paid into invoice ``invoice_id``, in
    cents (+ in, - out; 0 for a void row, which cancels another entry)."""
    if entry.kind == TRANSFER and entry.target_invoice_id == invoice_id:
        return entry.amount_cents
    return SIGN_ON_INVOICE.get(entry.kind, 0) * entry.amount_cents


def shown_effect(entry: LedgerEntry, invoice_id: int) -> int:
    """The signed amount an invoice's ledger shows for ``entry``: its effect,
    and for a void the opposite of the entry it cancels (-$50.00 voiding a
    +$50.00 payment), so every row carries a sign."""
    if entry.kind == VOID and entry.related is not None:
        return -effect_on(entry.related, invoice_id)
    return effect_on(entry, invoice_id)


def entry_label(entry: LedgerEntry, invoice_id: int) -> str:
    """How an invoice's ledger lists ``entry``: "Payment", "Credit to 1043"..."""
    if entry.kind == TRANSFER:
        # A transfer always names both invoices; only the other one is loaded.
        other = entry.target_invoice if entry.invoice_id == invoice_id else entry.invoice
        assert other is not None
        return f"Credit {'to' if entry.invoice_id == invoice_id else 'from'} {other.display_number}"
    if entry.kind == VOID:
        return f"Void of entry #{entry.related_id}"
    return KIND_LABELS[entry.kind]


def store_balances(invoices) -> None:
    """Derive paid and balance of each invoice (``Invoice`` objects or ids)
    from the ledger and store them; ``Invoice`` objects given get the new
    figures too. Runs inside the caller's transaction, after its write."""
    given = [i for i in invoices if isinstance(i, Invoice)]
    ids = sorted({i.id if isinstance(i, Invoice) else i for i in invoices if i})
    if not ids:
        return
    with database.atomic():
        # Lock the rows first (PostgreSQL): a payment committed by another
        # terminal meanwhile is then counted below. (SQLite's IMMEDIATE write
        # transactions already run one at a time.)
        query = (
            Invoice.select(
                Invoice.id, Invoice.kind, Invoice.status, Invoice.total_cents, Invoice.paid_cents, Invoice.balance_cents
            )
            .where(Invoice.id.in_(ids))
            .order_by(Invoice.id)
        )
        current = list(query.for_update() if getattr(database.obj, "for_update", False) else query)
        paid = paid_into(ids)
        figures = {}
        for invoice in current:
            figures[invoice.id] = (paid[invoice.id], owed_total(invoice) - paid[invoice.id])
            if (invoice.paid_cents, invoice.balance_cents) != figures[invoice.id]:
                (
                    Invoice.update(paid_cents=figures[invoice.id][0], balance_cents=figures[invoice.id][1])
                    .where(Invoice.id == invoice.id)
                    .execute()
                )
    for invoice in given:
        if invoice.id in figures:
            invoice.paid_cents, invoice.balance_cents = figures[invoice.id]
            invoice._dirty.discard("paid_cents")
            invoice._dirty.discard("balance_cents")


def paid_floor(invoice: Invoice) -> int:
    """The least an invoice may hold: nothing for a sale; for a credit memo,
    minus its credit (all of it may be refunded or transferred out)."""
    return min(0, invoice.total_cents) if invoice.status != Invoice.VOID else 0


def invoice_money(invoice: Invoice) -> InvoiceMoney:
    total = owed_total(invoice)
    return InvoiceMoney(total=total, paid=paid_into([invoice.id])[invoice.id])


def deposit_remaining(deposit_ids: list[int]) -> dict[int, int]:
    """What is left of each deposit after applications and refunds."""
    if not deposit_ids:
        return {}
    remaining = {d: 0 for d in deposit_ids}
    for entry_id, amount in tuples(E.select(E.id, E.amount_cents).where(effective() & E.id.in_(deposit_ids))):
        remaining[entry_id] += amount
    used = tuples(
        E.select(E.related, fn.SUM(E.amount_cents))
        .where(effective() & E.related.in_(deposit_ids) & E.kind.in_([DEPOSIT_APPLY, REFUND]))
        .group_by(E.related)
    )
    for deposit_id, amount in used:
        remaining[deposit_id] -= int(amount or 0)
    return remaining


def outstanding_deposits(client: Client) -> list[tuple[LedgerEntry, int]]:
    """The client's deposits with money left on them, oldest first.
    Offered whenever a payment is taken for this client."""
    deposits = list(E.select().where(effective() & (E.kind == DEPOSIT) & (E.client == client)).order_by(E.id))
    remaining = deposit_remaining([d.id for d in deposits])
    return [(d, remaining[d.id]) for d in deposits if remaining[d.id] > 0]


def deposits_on_hand(client: Client) -> int:
    """What is left on all the client's deposits together."""
    return sum(left for _deposit, left in outstanding_deposits(client))


def client_credit_invoices(client: Client) -> list[tuple[Invoice, int]]:
    """The client's invoices and credit memos with a credit balance."""
    invoices = list(
        Invoice.select().where(
            (Invoice.client == client) & (Invoice.series == "invoice") & (Invoice.status != Invoice.VOID)
        )
    )
    paid = paid_into([i.id for i in invoices])
    result = []
    for invoice in invoices:
        credit = paid[invoice.id] - invoice.total_cents
        if credit > 0:
            result.append((invoice, credit))
    return result


def entries_for(invoice: Invoice) -> list[LedgerEntry]:
    """Every ledger row touching the invoice, oldest first (voids included)."""
    return list(E.select().where((E.invoice == invoice) | (E.target_invoice == invoice)).order_by(E.id))


def voided_ids(entry_ids: list[int]) -> set[int]:
    if not entry_ids:
        return set()
    return {r for (r,) in tuples(E.select(E.related).where((E.kind == VOID) & E.related.in_(entry_ids)))}


# ---------------------------------------------------------------- checks


def _amount(amount_cents) -> int:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise ValidationError("The amount must be a whole number of cents.", "amount")
    if amount_cents <= 0:
        raise ValidationError("The amount must be more than zero.", "amount")
    if amount_cents >= MAX_CENTS:
        raise ValidationError("The amount is too large.", "amount")
    return amount_cents


def _method(method: str, reference: str) -> tuple[str, str]:
    method = (method or "").strip().lower()
    reference = one_line(reference)
    if method not in E.METHODS:
        raise ValidationError(f"The payment method must be one of: {', '.join(E.METHODS)}.", "method")
    if method == "check" and not reference:
        raise ValidationError("Enter the check number as the reference.", "reference")
    if len(reference) > 100:
        raise ValidationError("The reference is too long (at most 100 characters).", "reference")
    return method, reference


def _payable(invoice: Invoice, what: str) -> None:
    if invoice.is_estimate:
        raise ValidationError(f"Estimate {invoice.display_number} is not a sale; convert it to an invoice first.")
    if invoice.status == Invoice.VOID:
        raise ValidationError(f"Invoice {invoice.display_number} is void; {what} is not possible.")
    if invoice.kind == Invoice.CREDIT_MEMO and what != "a transfer out" and what != "a refund":
        raise ValidationError(
            f"{what.capitalize()} cannot go onto credit memo {invoice.display_number}; "
            "transfer its credit to an invoice instead."
        )


def check_payable(invoice: Invoice) -> None:
    """Raise the readable reason when the invoice takes no payment (an estimate,
    a void invoice, a credit memo, today's books posted); screens ask before
    opening the payment form."""
    _payable(invoice, "a payment")
    end_of_day.refuse_posted_today("a new payment")


def check_voidable(entry: LedgerEntry) -> None:
    """Raise the readable reason when the entry cannot be voided (a void, its
    day's books posted); screens ask before asking for the void's reason."""
    if entry.kind == VOID:
        raise ValidationError("A void cannot itself be voided; enter the payment again instead.")
    end_of_day.refuse_posted_entry(entry, f"voiding this {KIND_LABELS.get(entry.kind, entry.kind).lower()}")


def _same_client(invoice: Invoice, client_id: int) -> None:
    if invoice.client_id != client_id:
        raise ValidationError(f"Invoice {invoice.display_number} belongs to another client.")


def _recheck(invoice_ids: Sequence[int | None], deposit_ids: Sequence[int | None]) -> None:
    """After a write: no invoice paid below its floor, no deposit overdrawn (None: no such row)."""
    for invoice_id, paid in paid_into([i for i in invoice_ids if i]).items():
        invoice = Invoice.get_by_id(invoice_id)
        if paid < paid_floor(invoice):
            raise ValidationError(
                f"That would take more out of invoice {invoice.display_number} than was paid into it."
            )
    for left in deposit_remaining([d for d in deposit_ids if d]).values():
        if left < 0:
            raise ValidationError("That would use more of the deposit than is left on it.")


def _write(
    kind: str,
    client_id: int,
    amount: int,
    *,
    invoice=None,
    target=None,
    related=None,
    method: str = "",
    reference: str = "",
    note: str = "",
    before: LedgerEntry | None = None,
) -> LedgerEntry:
    end_of_day.refuse_posted_today(f"a new {KIND_LABELS.get(kind, kind).lower()}")
    entry = E.create(
        kind=kind,
        client=client_id,
        invoice=invoice,
        target_invoice=target,
        related=related,
        amount_cents=amount,
        method=method,
        reference=reference,
        note=(note or "").strip()[:2000],
        created_by=current_user_name(),
    )
    entry = E.get_by_id(entry.id)  # read back exactly what was stored, for the hash
    audit.record(f"ledger.{kind}", "ledger", entry.id, before, entry)
    store_balances([i for i in (invoice, target) if i is not None])
    return entry


# ---------------------------------------------------------------- money events


@write_transaction
def take_payment(invoice: Invoice, amount_cents: int, method: str, reference: str = "", note: str = "") -> LedgerEntry:
    """Money in onto an invoice. Paying more than the balance leaves a credit."""
    _payable(invoice, "a payment")
    amount = _amount(amount_cents)
    method, reference = _method(method, reference)
    with database.atomic():
        _payable(refresh(invoice), "a payment")  # as it is now, not as the screen loaded it
        return _write(
            PAYMENT, invoice.client_id, amount, invoice=invoice, method=method, reference=reference, note=note
        )


@write_transaction
def take_deposit(
    client: Client | None, amount_cents: int, method: str, reference: str = "", note: str = ""
) -> LedgerEntry:
    """Money in for the client, not yet on any invoice."""
    if client is None:
        raise ValidationError("A deposit needs a client.", "client")
    amount = _amount(amount_cents)
    method, reference = _method(method, reference)
    with database.atomic():
        return _write(DEPOSIT, client.id, amount, method=method, reference=reference, note=note)


@write_transaction
def apply_deposit(deposit: LedgerEntry, invoice: Invoice, amount_cents: int | None = None) -> LedgerEntry:
    """Put (part of) a deposit onto an invoice of the same client."""
    if deposit.kind != DEPOSIT:
        raise ValidationError("Only a deposit can be applied to an invoice.")
    _payable(invoice, "a deposit")
    _same_client(invoice, deposit.client_id)
    with database.atomic():
        _payable(refresh(invoice), "a deposit")
        left = deposit_remaining([deposit.id])[deposit.id]
        if left <= 0:
            raise ValidationError("Nothing is left on that deposit.")
        amount = _amount(min(left, invoice_money(invoice).due) if amount_cents is None else amount_cents)
        if amount > left:
            raise ValidationError(f"Only {format_money(left)} is left on that deposit.", "amount")
        entry = _write(DEPOSIT_APPLY, deposit.client_id, amount, invoice=invoice, related=deposit)
        _recheck([], [deposit.id])
        return entry


@write_transaction
def apply_deposits(deposits: list[LedgerEntry], invoice: Invoice) -> int:
    """Put the given deposits onto the invoice, oldest first, until nothing is
    due: all of them or none (one transaction). Returns the amount applied."""
    with database.atomic():
        _payable(refresh(invoice), "a deposit")
        applied = 0
        for deposit in sorted(deposits, key=lambda d: d.id):
            if invoice_money(invoice).due <= 0:
                break
            applied += apply_deposit(deposit, invoice).amount_cents
        return applied


def refund_limit() -> int | None:
    """The most the signed-in user may refund at once; None: no limit (a manager or the owner)."""
    return None if allowed(Permission.LARGE_REFUND) else int(settings.get("refund_limit_cents"))


def _check_refund_limit(amount: int) -> None:
    """A refund above the studio's limit is a manager's or the owner's to give."""
    limit = refund_limit()
    if limit is not None and amount > limit:
        raise PermissionDenied(
            f"A refund above {format_money(limit)} needs a manager or the owner "
            f"({format_money(amount)} asked); a refund up to {format_money(limit)} anyone may give.",
            "amount",
        )


@write_transaction
def refund(invoice: Invoice, amount_cents: int, method: str, reference: str = "", note: str = "") -> LedgerEntry:
    """Pay money back out of an invoice's credit balance."""
    _payable(invoice, "a refund")
    amount = _amount(amount_cents)
    _check_refund_limit(amount)
    method, reference = _method(method, reference)
    with database.atomic():
        _payable(refresh(invoice), "a refund")
        credit = invoice_money(invoice).credit
        if amount > credit:
            raise ValidationError(
                f"Invoice {invoice.display_number} has a credit of {format_money(credit)}; "
                f"a refund of {format_money(amount)} is more than that. "
                "Reduce the invoice or issue a credit memo first.",
                "amount",
            )
        return _write(REFUND, invoice.client_id, amount, invoice=invoice, method=method, reference=reference, note=note)


@write_transaction
def refund_deposit(
    deposit: LedgerEntry, amount_cents: int, method: str, reference: str = "", note: str = ""
) -> LedgerEntry:
    """Pay back (part of) an unapplied deposit."""
    if deposit.kind != DEPOSIT:
        raise ValidationError("That entry is not a deposit.")
    amount = _amount(amount_cents)
    _check_refund_limit(amount)
    method, reference = _method(method, reference)
    with database.atomic():
        left = deposit_remaining([deposit.id])[deposit.id]
        if amount > left:
            raise ValidationError(f"Only {format_money(left)} is left on that deposit.", "amount")
        return _write(REFUND, deposit.client_id, amount, related=deposit, method=method, reference=reference, note=note)


@write_transaction
def transfer_credit(source: Invoice, target: Invoice, amount_cents: int | None = None) -> LedgerEntry:
    """Move a credit balance from one invoice to another invoice of the client."""
    if source.id == target.id:
        raise ValidationError("Choose a different invoice to receive the credit.", "target")
    _payable(source, "a transfer out")
    _payable(target, "a transfer")
    _same_client(target, source.client_id)
    with database.atomic():
        _payable(refresh(source), "a transfer out")
        _payable(refresh(target), "a transfer")
        credit = invoice_money(source).credit
        if credit <= 0:
            raise ValidationError(f"Invoice {source.display_number} has no credit balance to transfer.")
        if amount_cents is None:
            due = invoice_money(target).due
            amount_cents = min(credit, due) if due > 0 else credit
        amount = _amount(amount_cents)
        if amount > credit:
            raise ValidationError(
                f"Invoice {source.display_number} has only {format_money(credit)} of credit.", "amount"
            )
        return _write(
            TRANSFER,
            source.client_id,
            amount,
            invoice=source,
            target=target,
            note=f"Credit from invoice {source.display_number} to {target.display_number}",
        )


@write_transaction
def void_entry(entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Cancel a ledger entry entered by mistake, by a new 'void' entry.

    Refused when what followed depends on it (e.g. a payment already refunded,
    a deposit already applied). Voiding is for a manager or the owner."""
    require(Permission.VOID_PAYMENT)
    if not (reason or "").strip():
        raise ValidationError("Give the reason for the void.", "reason")
    with database.atomic():
        check_voidable(entry)
        if entry.id in voided_ids([entry.id]):
            raise ValidationError("That entry is already void.")
        for invoice_id in (entry.invoice_id, entry.target_invoice_id):
            invoice = Invoice.get_or_none(Invoice.id == invoice_id) if invoice_id else None
            if invoice is not None and invoice.status == Invoice.VOID:
                raise ValidationError(
                    f"Invoice {invoice.display_number} is void: the money on it can no longer change."
                )
        void = _write(
            VOID,
            entry.client_id,
            entry.amount_cents,
            invoice=entry.invoice_id,
            target=entry.target_invoice_id,
            related=entry,
            note=reason,
            before=entry,
        )  # the audit keeps the voided entry as it was
        deposits = [entry.id] if entry.kind == DEPOSIT else [entry.related_id]
        _recheck([entry.invoice_id, entry.target_invoice_id], deposits)
        return void


def get_entry(entry_id: int) -> LedgerEntry:
    entry = E.get_or_none(E.id == entry_id)
    if entry is None:
        raise NotFound(f"There is no ledger entry #{entry_id}.")
    return entry


# ---------------------------------------------------------------- client summary


@dataclass(frozen=True)
class ClientMoney:
    received: int  # payments + deposits taken
    credits_issued: int  # credit memos (not money, but value given)
    applied: int  # net value applied to invoices
    deposits_left: int
    credit_balances: int
    refunds: int
    owed: int  # open balances due

    @property
    def balanced(self) -> bool:
        return (
            self.received + self.credits_issued
            == self.applied + self.deposits_left + self.credit_balances + self.refunds
        )


def client_money(client_id: int) -> ClientMoney:
    """The client's money picture, for the invariant and the client record.

    received + credit memos = applied to invoices + unapplied deposits
                              + credit balances + refunds paid out
    """
    entries = list(E.select().where(effective() & (E.client == client_id)))
    received = sum(e.amount_cents for e in entries if e.kind in (PAYMENT, DEPOSIT))
    refunds = sum(e.amount_cents for e in entries if e.kind == REFUND)
    deposits = [e.id for e in entries if e.kind == DEPOSIT]
    deposits_left = sum(deposit_remaining(deposits).values())
    invoices = list(Invoice.select().where((Invoice.client == client_id) & (Invoice.series == "invoice")))
    paid = paid_into([i.id for i in invoices])
    applied = credit = owed = credits_issued = 0
    for invoice in invoices:
        total = 0 if invoice.status == Invoice.VOID else invoice.total_cents
        balance = total - paid[invoice.id]
        credit += max(0, -balance)
        owed += max(0, balance)
        if invoice.kind == Invoice.CREDIT_MEMO:
            credits_issued += -total  # a credit memo is a source of credit, not a sale
        else:
            applied += paid[invoice.id] - max(0, -balance)
    return ClientMoney(received, credits_issued, applied, deposits_left, credit, refunds, owed)
