"""The studio's tables (peewee models).

Money columns are integer cents (``*_cents``). Ledger rows (``LedgerEntry``)
and audit rows are append-only: services never update or delete them.
Balances, deposits left and credit balances are derived from the ledger.

Times (see clock.py): instants (``created_at``, ``at`` of the audit log and of
status changes, ``done_at``...) are naive UTC; bookings' ``start``, a phone
call's ``at`` and every date are the studio's wall time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from peewee import (
    SQL,
    AutoField,
    BaseQuery,
    BooleanField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DeferredForeignKey,
    FieldAccessor,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelSelect,
)
from peewee import CharField as _CharField
from peewee import TextField as _TextField

from . import clock
from .text import strip_controls

database = DatabaseProxy()


def storable_text(value):
    """Text the database driver can store: a lone surrogate (half of an emoji
    from a bad paste) becomes U+FFFD instead of failing the whole save."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


# Text columns are never NULL here (empty is ""): a row's value is a str.
# (peewee's fields are generic in its stubs only, not at run time.)
if TYPE_CHECKING:
    _CharBase = _CharField[str]
    _TextBase = _TextField[str]
else:
    _CharBase, _TextBase = _CharField, _TextField


class _CleanTextAccessor(FieldAccessor):
    """Sets a text column's value cleaned (see _clean_text): a row made,
    changed or read back holds no control character."""

    def __set__(self, instance, value):
        if value.__class__ is str and not value.isprintable():  # (printable: the usual case, at C speed)
            value = strip_controls(storable_text(value), self.field.multiline)
        instance.__data__[self.name] = value
        instance._dirty.add(self.name)


def _clean_text(value, multiline: bool):
    if isinstance(value, str) and not value.isprintable():  # (printable: the usual case, at C speed)
        return strip_controls(storable_text(value), multiline)
    return value


class CharField(_CharBase):
    """One line of text: control characters are dropped (a line break or tab
    becomes a space) when set, written or compared, whichever service stores it."""

    accessor_class = _CleanTextAccessor
    multiline = False

    def db_value(self, value):
        return super().db_value(_clean_text(value, self.multiline))


class TextField(_TextBase):
    """Several lines (notes): as CharField, but line breaks and tabs are kept."""

    accessor_class = _CleanTextAccessor
    multiline = True

    def db_value(self, value):
        return super().db_value(_clean_text(value, self.multiline))


class BaseModel(Model):
    """Every table's base.

    Beside each foreign key ``x`` stands ``x_id: ForeignKeyField[int]``: a
    declaration only, for the accessor peewee adds and its stubs do not know
    (on the class it is the field, on a row the id without loading the row).
    A backref the code reads is declared the same way on the model it points
    to, as the rows it gives: ``lines: ModelSelect[InvoiceLine]``.
    """

    _dirty: set[str]  # names of the fields changed since the row was loaded (peewee's, not in its stubs)

    class Meta:
        database = database
        legacy_table_names = False


AnyModel = TypeVar("AnyModel", bound=BaseModel)


def refresh(row: AnyModel) -> AnyModel:
    """Re-read ``row`` from the database, in place, and return it.

    Services call this inside their transaction before checking a rule on a
    row the caller holds: another terminal may have changed it since it was
    loaded (voided the invoice, converted the estimate), and a stale object
    would otherwise pass the check and be saved back over the newer row.
    """
    current = type(row).get_by_id(row.get_id())
    row.__data__.update(current.__data__)
    row._dirty.clear()
    return row


class VersionedModel(BaseModel):
    """A table whose rows carry a ``version``, bumped by every update (data/versions.py)."""

    id = AutoField()
    version = IntegerField(default=1)


def tuples(query: BaseQuery, stream: bool = False) -> Iterable[tuple[Any, ...]]:
    """The rows of ``query`` as tuples (``query.tuples()``); ``stream``: one
    at a time, none kept in memory (a long scan).

    peewee's stubs type ``query.tuples()`` as the query itself, whose rows
    would be model instances: going through here gives the rows their type."""
    rows = query.tuples()
    return rows.iterator() if stream else rows


class Setting(BaseModel):
    """Studio settings as key -> JSON text (see settings.py for the keys)."""

    key = CharField(primary_key=True)
    value = TextField()


class Counter(BaseModel):
    """Gap-free sequences (invoice, estimate and session numbers, audit chain)."""

    name = CharField(primary_key=True)
    value = IntegerField(default=0)


class User(VersionedModel):
    """A member of the staff. ``role`` sets what they may do (permissions.py);
    ``photographs`` puts them in the calendar's photographer columns, whatever
    their role (in a small studio the owner is often the photographer).

    The password or PIN is kept only as an argon2id hash (passwords.py); the
    failed sign-ins and the lock are here so every terminal sees them."""

    ROLES = ("front_desk", "photographer", "manager", "owner")
    ROLE_LABELS = {"front_desk": "Front desk", "photographer": "Photographer", "manager": "Manager", "owner": "Owner"}

    username = CharField(unique=True)
    full_name = CharField()
    initials = CharField(default="")
    role = CharField(default="front_desk")
    photographs = BooleanField(default=False)
    color = CharField(default="#5f87af")  # calendar column colour for photographers
    active = BooleanField(default=True)
    password_hash = CharField(default="")  # argon2id, never the secret itself
    failed_sign_ins = IntegerField(default=0)
    last_failed_at = DateTimeField(null=True)  # UTC instant
    locked_until = DateTimeField(null=True)  # UTC instant
    created_at = DateTimeField(default=clock.utc_now)

    @property
    def is_photographer(self) -> bool:
        return bool(self.photographs)

    @property
    def role_label(self) -> str:
        return self.ROLE_LABELS.get(self.role, self.role)

    def __str__(self) -> str:
        return self.full_name


class Room(BaseModel):
    id = AutoField()
    name = CharField(unique=True)
    active = BooleanField(default=True)


class Holiday(BaseModel):
    id = AutoField()
    day = DateField(unique=True)
    name = CharField()


class Client(VersionedModel):
    first_name = CharField(default="")
    middle_name = CharField(default="")
    last_name = CharField(default="")
    company = CharField(default="")
    address1 = CharField(default="")
    address2 = CharField(default="")
    city = CharField(default="")
    state = CharField(default="")
    postal_code = CharField(default="")
    country = CharField(default="")
    phone_home = CharField(default="")
    phone_mobile = CharField(default="")
    phone_work = CharField(default="")
    email = CharField(default="")
    birthday = DateField(null=True)
    lead_source = CharField(default="")
    notes = TextField(default="")
    do_not_market = BooleanField(default=False)
    do_not_call = BooleanField(default=False)
    do_not_email = BooleanField(default=False)  # no message by email (data/messages.py), reminders neither
    do_not_text = BooleanField(default=False)  # no SMS
    # The built-in walk-in client of Quick Sale (data/quick_sale.py): one per
    # studio (a partial unique index, migration 0012), never edited, never listed.
    walk_in = BooleanField(default=False)
    # Search keys, kept by clients.save_client: lower-case, accents removed,
    # phone digits only. Indexed so searches page from SQL at 100,000 clients.
    first_key = CharField(default="", index=True)
    last_key = CharField(default="", index=True)
    email_key = CharField(default="", index=True)
    city_key = CharField(default="", index=True)
    phone_key = CharField(default="", index=True)  # mobile or home digits
    phone2_key = CharField(default="", index=True)  # the other phone's digits
    created_at = DateTimeField(default=clock.utc_now)
    updated_at = DateTimeField(default=clock.utc_now)

    class Meta:
        indexes = ((("last_key", "first_key", "id"), False),)

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name]
        name = " ".join(p for p in parts if p)
        return name or self.company or f"Client #{self.id}"

    @property
    def sort_name(self) -> str:
        if self.last_name:
            return f"{self.last_name}, {self.first_name}".strip(", ")
        return self.full_name

    @property
    def main_phone(self) -> str:
        return self.phone_mobile or self.phone_home or self.phone_work

    def __str__(self) -> str:
        return self.full_name


class FamilyMember(BaseModel):
    id = AutoField()
    client = ForeignKeyField(Client, backref="family", on_delete="CASCADE")
    client_id: ForeignKeyField[int]
    first_name = CharField()
    last_name = CharField(default="")
    relationship = CharField(default="")
    birthday = DateField(null=True)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PriceList(VersionedModel):
    """A price list: the items and packages a session type's orders are built from."""

    name = CharField(unique=True)
    active = BooleanField(default=True)
    items: ModelSelect[PriceItem]  # backref of PriceItem.price_list

    def __str__(self) -> str:
        return self.name


class SessionType(VersionedModel):
    name = CharField(unique=True)
    length_minutes = IntegerField(default=60)
    fee_cents = IntegerField(default=0)
    color = CharField(default="#87af87")
    active = BooleanField(default=True)
    price_list = ForeignKeyField(PriceList, null=True, backref="session_types", on_delete="RESTRICT")
    price_list_id: ForeignKeyField[int | None]

    def __str__(self) -> str:
        return self.name


class Session(VersionedModel):
    """A photo session: always a photographer, a session type, the camera."""

    number = IntegerField(unique=True)
    client = ForeignKeyField(Client, backref="sessions", on_delete="RESTRICT")
    client_id: ForeignKeyField[int]
    photographer = ForeignKeyField(User, backref="sessions", on_delete="RESTRICT")
    photographer_id: ForeignKeyField[int]
    session_type = ForeignKeyField(SessionType, backref="sessions", on_delete="RESTRICT")
    session_type_id: ForeignKeyField[int]
    room = ForeignKeyField(Room, null=True, backref="sessions", on_delete="SET NULL")
    room_id: ForeignKeyField[int | None]
    start = DateTimeField(index=True)
    length_minutes = IntegerField()
    status = CharField(index=True)
    status_changed_at = DateTimeField(default=clock.utc_now)
    notes = TextField(default="")
    created_at = DateTimeField(default=clock.utc_now)
    status_history: ModelSelect[SessionStatusChange]  # backref of SessionStatusChange.session

    class Meta:
        indexes = ((("photographer", "start"), False),)

    @property
    def end(self) -> dt.datetime:
        return clock.wall_end(self.start, self.length_minutes)  # real minutes, across a DST change too

    def __str__(self) -> str:
        return f"Session {self.number}"


class SessionStatusChange(BaseModel):
    id = AutoField()
    session = ForeignKeyField(Session, backref="status_history", on_delete="CASCADE")
    session_id: ForeignKeyField[int]
    from_status = CharField(default="")
    to_status = CharField()
    at = DateTimeField(default=clock.utc_now)
    user_name = CharField(default="")
    note = TextField(default="")


class Appointment(VersionedModel):
    """Any meeting that is not a session: linked to a session or a client, or unlinked."""

    STATUSES = ("Scheduled", "Completed", "Cancelled", "No-Show")

    title = CharField()
    client = ForeignKeyField(Client, null=True, backref="appointments", on_delete="RESTRICT")
    client_id: ForeignKeyField[int | None]
    session = ForeignKeyField(Session, null=True, backref="appointments", on_delete="CASCADE")
    session_id: ForeignKeyField[int | None]
    staff = ForeignKeyField(User, null=True, backref="appointments", on_delete="SET NULL")
    staff_id: ForeignKeyField[int | None]
    room = ForeignKeyField(Room, null=True, backref="appointments", on_delete="SET NULL")
    room_id: ForeignKeyField[int | None]
    start = DateTimeField(index=True)
    length_minutes = IntegerField(default=30)
    status = CharField(default="Scheduled")
    notes = TextField(default="")
    created_at = DateTimeField(default=clock.utc_now)

    @property
    def end(self) -> dt.datetime:
        return clock.wall_end(self.start, self.length_minutes)  # real minutes, across a DST change too


class PriceItem(VersionedModel):
    """An item of a price list; a package bundles other items of its list at
    one price, for ``min_images`` to ``max_images`` images, each image past
    the minimum adding ``pose_fee_cents`` (data/orders.py). ``name`` is the
    description; the code is unique within its list. A hidden item is no
    longer offered (old invoices keep it)."""

    code = CharField()
    name = CharField()
    price_list = ForeignKeyField(PriceList, backref="items", on_delete="RESTRICT")
    price_list_id: ForeignKeyField[int]
    group_name = CharField(default="")
    price_cents = IntegerField()
    cost_cents = IntegerField(default=0)
    taxable = BooleanField(default=True)
    hidden = BooleanField(default=False)
    quick_pick = BooleanField(default=False)
    is_package = BooleanField(default=False)
    min_images = IntegerField(null=True)
    max_images = IntegerField(null=True)
    pose_fee_cents = IntegerField(default=0)
    vendor = CharField(default="")  # the lab that makes it (settings "vendors"); "": made in house
    contents: ModelSelect[PackageItem]  # backref of PackageItem.package

    class Meta:
        indexes = ((("price_list", "code"), True),)

    def __str__(self) -> str:
        return self.name


class PackageItem(BaseModel):
    """A component of a package: ``quantity`` of ``item`` (an item of the same list)."""

    id = AutoField()
    package = ForeignKeyField(PriceItem, backref="contents", on_delete="CASCADE")
    package_id: ForeignKeyField[int]
    item = ForeignKeyField(PriceItem, on_delete="RESTRICT")
    item_id: ForeignKeyField[int]
    quantity = IntegerField(default=1)


class Invoice(VersionedModel):
    """Invoices, credit memos and estimates.

    ``basis`` is "session" or "client". ``kind`` is one of KINDS. Invoice
    numbers (invoices and credit memos) come from one gap-free sequence,
    estimates from their own. Totals are stored when lines change and
    re-checked by ``spectra check``; what was paid is derived from the ledger.
    """

    SESSION_FEE = "Session Fee"
    INITIAL_ORDER = "Initial Order"
    RE_ORDER = "Re-Order"
    GENERIC = "Generic"
    CREDIT_MEMO = "Credit Memo"
    ESTIMATE = "Estimate"
    SESSION_KINDS = (SESSION_FEE, INITIAL_ORDER, RE_ORDER)
    KINDS = (SESSION_FEE, INITIAL_ORDER, RE_ORDER, GENERIC, CREDIT_MEMO, ESTIMATE)

    OPEN = "Open"
    VOID = "Void"
    CONVERTED = "Converted"  # an estimate that became an invoice

    series = CharField()  # "invoice" (invoices, credit memos) or "estimate"
    number = IntegerField()
    kind = CharField()
    basis = CharField()
    client = ForeignKeyField(Client, backref="invoices", on_delete="RESTRICT")
    client_id: ForeignKeyField[int]
    bill_to = ForeignKeyField(Client, backref="billed_invoices", on_delete="RESTRICT")
    bill_to_id: ForeignKeyField[int]
    session = ForeignKeyField(Session, null=True, backref="invoices", on_delete="RESTRICT")
    session_id: ForeignKeyField[int | None]
    source: ForeignKeyField[Invoice | None] = ForeignKeyField(
        "self", null=True, backref="derived", on_delete="RESTRICT"
    )
    source_id: ForeignKeyField[int | None]
    status = CharField(default=OPEN)
    invoice_date = DateField(default=clock.today, index=True)  # the studio's day
    subtotal_cents = IntegerField(default=0)
    tax_cents = IntegerField(default=0)
    total_cents = IntegerField(default=0)
    tax_rate = CharField(default="0")  # Decimal as text, e.g. "0.0825"
    tax_included = BooleanField(default=False)
    notes = TextField(default="")
    created_at = DateTimeField(default=clock.utc_now)
    created_by = CharField(default="")
    # What the ledger says, kept beside the invoice for the lists that sort and
    # filter by balance: net money paid in, and what is still owed (total - paid;
    # a void invoice or an estimate owes nothing; negative: a credit balance).
    # Kept by ledger.store_balances, in the same transaction as every
    # ledger row, change of lines, void or conversion; the ledger stays the
    # truth and ``spectra check`` compares these with it.
    paid_cents = IntegerField(default=0)
    balance_cents = IntegerField(default=0)
    lines: ModelSelect[InvoiceLine]  # backref of InvoiceLine.invoice

    class Meta:
        indexes = (
            (("series", "number"), True),
            (("balance_cents", "id"), False),  # by balance, largest first (read backwards)
            # open balances: largest first, the oldest first among equal balances
            ((SQL('"balance_cents" DESC'), "invoice_date", "id"), False),
        )

    @property
    def is_estimate(self) -> bool:
        return self.kind == self.ESTIMATE

    @property
    def display_number(self) -> str:
        """'1042', 'E7'; '(new)' before a new invoice is first saved (numbers are given on save)."""
        if self.number is None:
            return "(new)"
        return f"E{self.number}" if self.is_estimate else str(self.number)


class InvoiceLine(VersionedModel):
    invoice = ForeignKeyField(Invoice, backref="lines", on_delete="CASCADE")
    invoice_id: ForeignKeyField[int]
    position = IntegerField(default=0)
    item = ForeignKeyField(PriceItem, null=True, on_delete="SET NULL")
    item_id: ForeignKeyField[int | None]
    description = CharField()
    quantity = IntegerField(default=1)
    unit_price_cents = IntegerField()
    taxable = BooleanField(default=True)
    image_number = IntegerField(null=True)

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents


class ProductionOrder(VersionedModel):
    """What a vendor (lab) makes for an invoice (data/production.py): one
    order per vendor of the invoice's lines. Each status keeps the studio's
    day it was reached; a cancelled order keeps its reason."""

    ORDERED = "Ordered"
    AT_LAB = "At Lab"
    RECEIVED = "Received"
    READY = "Ready for Pickup"
    PICKED_UP = "Picked Up"
    CANCELLED = "Cancelled"
    STATUSES = (ORDERED, AT_LAB, RECEIVED, READY, PICKED_UP)  # the steps, in order
    DATE_FIELDS = {
        ORDERED: "ordered_on",
        AT_LAB: "at_lab_on",
        RECEIVED: "received_on",
        READY: "ready_on",
        PICKED_UP: "picked_up_on",
        CANCELLED: "cancelled_on",
    }

    invoice = ForeignKeyField(Invoice, backref="production_orders", on_delete="RESTRICT")
    invoice_id: ForeignKeyField[int]
    vendor = CharField()
    status = CharField(default=ORDERED)
    ordered_on = DateField()  # the studio's days
    at_lab_on = DateField(null=True)
    received_on = DateField(null=True)
    ready_on = DateField(null=True)
    picked_up_on = DateField(null=True)
    cancelled_on = DateField(null=True)
    due_on = DateField()
    cancel_reason = TextField(default="")
    created_at = DateTimeField(default=clock.utc_now)
    created_by = CharField(default="")
    lines: ModelSelect[ProductionOrderLine]  # backref of ProductionOrderLine.order

    class Meta:
        indexes = (
            (("status", "due_on", "id"), False),  # the hub's lists by status, soonest due first
            (("vendor", "status", "due_on", "id"), False),
            (("due_on", "id"), False),
        )

    def date_of(self, status: str) -> dt.date | None:
        return getattr(self, self.DATE_FIELDS[status])


class ProductionOrderLine(BaseModel):
    """An invoice line a production order makes."""

    id = AutoField()
    order = ForeignKeyField(ProductionOrder, backref="lines", on_delete="CASCADE")
    order_id: ForeignKeyField[int]
    invoice_line = ForeignKeyField(InvoiceLine, backref="production_lines", on_delete="CASCADE")
    invoice_line_id: ForeignKeyField[int]


class LedgerEntry(BaseModel):
    """One money event. Append-only: a mistake is corrected by a new entry.

    kinds:
      payment       money in, onto ``invoice``
      deposit       money in, held for the client (no invoice)
      deposit_apply a deposit (``related``) put onto ``invoice``
      refund        money out, from ``invoice``'s credit or from a deposit (``related``)
      transfer      credit moved from ``invoice`` to ``target_invoice``
      void          cancels ``related`` (payment, deposit) entirely
    ``amount_cents`` is always positive; the kind says which way it goes.
    """

    PAYMENT = "payment"
    DEPOSIT = "deposit"
    DEPOSIT_APPLY = "deposit_apply"
    REFUND = "refund"
    TRANSFER = "transfer"
    VOID = "void"
    KINDS = (PAYMENT, DEPOSIT, DEPOSIT_APPLY, REFUND, TRANSFER, VOID)
    METHODS = ("cash", "check", "card", "other")

    id = AutoField()
    kind = CharField(index=True)
    client = ForeignKeyField(Client, backref="ledger", on_delete="RESTRICT")
    client_id: ForeignKeyField[int]
    invoice = ForeignKeyField(Invoice, null=True, backref="ledger", on_delete="RESTRICT")
    invoice_id: ForeignKeyField[int | None]
    target_invoice = ForeignKeyField(Invoice, null=True, backref="transfers_in", on_delete="RESTRICT")
    target_invoice_id: ForeignKeyField[int | None]
    related: ForeignKeyField[LedgerEntry | None] = ForeignKeyField(
        "self", null=True, backref="followers", on_delete="RESTRICT"
    )
    related_id: ForeignKeyField[int | None]
    amount_cents = IntegerField()
    method = CharField(default="")
    reference = CharField(default="")
    note = TextField(default="")
    created_at = DateTimeField(default=clock.utc_now)
    created_by = CharField(default="")


class SessionImage(VersionedModel):
    """An image of a session; ``number`` is stable and used on invoice lines.

    Prepared for the presentation (data/prepare.py): ``favourite`` and
    ``hidden`` marks, and ``position`` in the presentation order (None: not
    placed yet, shown after the placed ones by number)."""

    session = ForeignKeyField(Session, backref="images", on_delete="CASCADE")
    session_id: ForeignKeyField[int]
    number = IntegerField()
    original_name = CharField(default="")
    stored_name = CharField()
    sha256 = CharField()
    width = IntegerField(null=True)
    height = IntegerField(null=True)
    source = CharField(default="import")  # "import" or "capture"
    imported_at = DateTimeField(default=clock.utc_now)
    favourite = BooleanField(default=False)
    hidden = BooleanField(default=False)
    position = IntegerField(null=True)

    class Meta:
        indexes = (
            (("session", "number"), True),
            (("session", "sha256"), True),
        )


class AuditLog(BaseModel):
    """Who did what and when, with before/after. Rows chain a SHA-256 hash.

    ``row_hash`` is the hash of the money row the entry describes (if any), so
    ``spectra check`` can tell when a ledger row was changed behind the app.
    """

    # Stored verbatim (peewee's own fields): the chain's hashes cover exactly
    # what the app wrote. The texts come cleaned from the other tables, and
    # before/after are JSON, whose control characters are escaped.
    id = AutoField()
    at = DateTimeField(default=clock.utc_now)
    user_name = _CharBase(default="")
    action = _CharBase()
    entity = _CharBase()
    entity_id = IntegerField(null=True)
    before = _TextBase(default="")
    after = _TextBase(default="")
    row_hash = _CharBase(default="")
    prev_hash = _CharBase(default="")
    hash = _CharBase()

    class Meta:
        # (migration 0009) a record's history and a user's entries, newest first
        indexes = ((("entity", "entity_id", "id"), False), (("user_name", "id"), False))


class Task(VersionedModel):
    """A to-do of the studio: due on a day (or whenever), maybe about a
    client or one of its sessions, maybe for one person, low, normal or high
    priority. Done when ``done_at`` is set."""

    LOW, NORMAL, HIGH = 1, 2, 3
    PRIORITIES = {HIGH: "high", NORMAL: "normal", LOW: "low"}  # the hub lists the higher first

    title = CharField()
    notes = TextField(default="")
    due = DateField(null=True)
    priority = IntegerField(default=NORMAL)
    client = ForeignKeyField(Client, null=True, backref="tasks", on_delete="RESTRICT")
    client_id: ForeignKeyField[int | None]
    session = ForeignKeyField(Session, null=True, backref="tasks", on_delete="RESTRICT")
    session_id: ForeignKeyField[int | None]
    assigned_to = ForeignKeyField(User, null=True, backref="tasks", on_delete="SET NULL")
    assigned_to_id: ForeignKeyField[int | None]
    created_by = CharField(default="")
    created_at = DateTimeField(default=clock.utc_now)
    done_at = DateTimeField(null=True)
    done_by = CharField(default="")
    # The call whose call-back this is (data/phone_calls.log_call): the Phone Calls hub's follow-ups.
    phone_call = DeferredForeignKey("PhoneCall", null=True, backref="follow_ups", on_delete="SET NULL")
    phone_call_id: ForeignKeyField[int | None]

    class Meta:
        indexes = (
            (("done_at", "due", "id"), False),
            (("done_at", "priority", "due", "id"), False),  # the Tasks hub's lists (data/tasks.py)
            (("assigned_to", "done_at", "priority", "due", "id"), False),  # "mine"
            (("done_at", "id"), False),  # done, the latest first
        )

    @property
    def priority_name(self) -> str:
        return self.PRIORITIES.get(self.priority, "normal")


class PhoneCall(BaseModel):
    """A phone call with a client, logged at the front desk."""

    INCOMING, OUTGOING = "in", "out"

    id = AutoField()
    client = ForeignKeyField(Client, backref="phone_calls", on_delete="RESTRICT")
    client_id: ForeignKeyField[int]
    direction = CharField(default=INCOMING)
    at = DateTimeField(default=clock.now)  # the studio's wall time, as typed
    subject = CharField()
    notes = TextField(default="")
    user_name = CharField(default="")

    class Meta:
        # the client's calls; the hub's lists (all, today's: by time; a staff member's)
        indexes = ((("client", "at"), False), (("at", "id"), False), (("user_name", "at", "id"), False))


class TimeEntry(VersionedModel):
    """A stretch of a user's time on the clock, with its time code (timeclock.py).

    ``started_at`` and ``ended_at`` are UTC instants; ``ended_at`` is None
    while the user is in. A user has at most one open entry (a partial unique
    index, made by migration 0008, backs the service's rule)."""

    user = ForeignKeyField(User, backref="time_entries", on_delete="RESTRICT")
    user_id: ForeignKeyField[int]
    code = CharField(default="regular")
    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    note = TextField(default="")
    created_by = CharField(default="")
    created_at = DateTimeField(default=clock.utc_now)

    class Meta:
        indexes = ((("user", "started_at"), False),)


class MessageTemplate(VersionedModel):
    """A message the studio sends often (data/messages.py): by email (with a
    subject) or SMS, its text holding merge fields such as {first_name}. A
    reminder template (``reminder_days`` set) is sent that many days before
    each session (data/reminders.py)."""

    name = CharField(unique=True)
    channel = CharField()  # "email" or "sms"
    subject = CharField(default="")
    body = TextField()
    reminder_days = IntegerField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.utc_now)


class Message(BaseModel):
    """A message to a client in the outbox: written first (status "queued",
    the text already rendered), delivered later by data/delivery.py, which
    claims it (``claimed_until``) so two senders never deliver it twice.

    ``attempts`` counts every delivery attempt; ``round_attempts`` those since
    it was queued or retried by hand (the backoff's step); ``last_answer`` is
    the server's answer to the last attempt. Instants are UTC."""

    QUEUED, SENT, FAILED = "queued", "sent", "failed"
    STATUSES = (QUEUED, SENT, FAILED)

    id = AutoField()
    channel = CharField()
    client = ForeignKeyField(Client, backref="messages", on_delete="RESTRICT")
    client_id: ForeignKeyField[int]
    session = ForeignKeyField(Session, null=True, backref="messages", on_delete="SET NULL")
    session_id: ForeignKeyField[int | None]
    template = ForeignKeyField(MessageTemplate, null=True, backref="messages", on_delete="SET NULL")
    template_id: ForeignKeyField[int | None]
    recipient = CharField()  # the email address or mobile number it goes to
    subject = CharField(default="")
    body = TextField()
    status = CharField(default=QUEUED)
    attempts = IntegerField(default=0)
    round_attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=clock.utc_now)
    claimed_until = DateTimeField(null=True)
    last_answer = TextField(default="")
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.utc_now)
    created_by = CharField(default="")

    class Meta:
        indexes = (
            (("status", "id"), False),  # the outbox by status, newest first
            (("status", "next_attempt_at"), False),  # what is due to be sent
            (("client", "id"), False),  # a client's messages, newest first
        )


class ReminderSent(BaseModel):
    """A reminder queued for a session from a template: the unique pair is
    what keeps two senders from ever queuing it twice."""

    id = AutoField()
    session = ForeignKeyField(Session, backref="reminders_sent", on_delete="CASCADE")
    session_id: ForeignKeyField[int]
    template = ForeignKeyField(MessageTemplate, backref="reminders_sent", on_delete="CASCADE")
    template_id: ForeignKeyField[int]
    message = ForeignKeyField(Message, null=True, backref="reminder", on_delete="SET NULL")
    message_id: ForeignKeyField[int | None]
    queued_at = DateTimeField(default=clock.utc_now)

    class Meta:
        indexes = ((("session", "template"), True),)


class DayPost(BaseModel):
    """End of Day (data/end_of_day.py): a day's books posted, or unlocked
    again by a manager with a reason. Never changed: each post and each unlock
    is a new row; the latest row of a day says whether it is posted. A post
    keeps the day's figures as counted and the head of the audit chain then."""

    POST, UNLOCK = "post", "unlock"

    id = AutoField()
    day = DateField()  # the studio's day
    action = CharField()
    at = DateTimeField(default=clock.utc_now)
    by = CharField(default="")
    payments_cents = IntegerField(default=0)  # money in: payments and deposits, less voids
    refunds_cents = IntegerField(default=0)
    cash_expected_cents = IntegerField(default=0)
    cash_counted_cents = IntegerField(null=True)
    note = TextField(default="")  # the unlock's reason; the post's remark
    audit_entry_id = IntegerField(null=True)  # the chain's head when the day was posted
    audit_hash = CharField(default="")

    class Meta:
        table_name = "day_post"
        indexes = ((("day", "id"), False),)

    @property
    def cash_difference_cents(self) -> int | None:
        if self.cash_counted_cents is None:
            return None
        return self.cash_counted_cents - self.cash_expected_cents


ALL_MODELS = [
    Setting,
    Counter,
    User,
    Room,
    Holiday,
    Client,
    FamilyMember,
    PriceList,
    SessionType,
    Session,
    SessionStatusChange,
    Appointment,
    PriceItem,
    PackageItem,
    Invoice,
    InvoiceLine,
    ProductionOrder,
    ProductionOrderLine,
    LedgerEntry,
    SessionImage,
    AuditLog,
    Task,
    PhoneCall,
    TimeEntry,
    MessageTemplate,
    Message,
    ReminderSent,
    DayPost,
]
