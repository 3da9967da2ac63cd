"""End of Day: the day's money by method, the cash drawer counted against the
cash expected, and posting.

A day is the studio's day (its clock and time zone): the ledger entries
written between its midnights, and the invoices dated on it. Posting a day
locks its money records: none of its entries can be voided, none of its
invoices changed or voided, no money is written in it any more (a posted
today takes no more payments until it is unlocked). A correction is a new
entry on an open day (a refund, a credit memo). Only a manager or the owner
posts and unlocks, an unlock needs a reason, and both are audited: a posted
day is never un-posted silently.

Each post and each unlock is a new DayPost row; the latest row of a day says
whether it is posted. A post keeps its figures and the head of the audit
chain at that moment (the tamper-evidence anchor the checks verify).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN

from . import audit, clock
from .db import write_transaction
from .errors import ValidationError
from .models import AuditLog, DayPost, Invoice, LedgerEntry, database, tuples
from .permissions import Permission, require
from .users import current_user_name

E = LedgerEntry
# What an entry does to the money in the drawer and the bank, by its kind
# (a void undoes the entry it cancels; applying a deposit or moving a credit
# between invoices moves no money).
TILL_SIGN = {E.PAYMENT: 1, E.DEPOSIT: 1, E.REFUND: -1}
MAX_NOTE = 500


class DayPosted(ValidationError):
    """A change to a posted day's money records."""


@dataclass
class DaySummary:
    """One day's money. Amounts in cents: money in positive, refunds as the
    (positive) amount paid back; ``by_method`` nets each method."""

    day: dt.date
    payments_cents: int = 0
    deposits_cents: int = 0
    refunds_cents: int = 0
    voided_cents: int = 0  # the net of the day's voids on money in and out (negative: money in undone)
    entries: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    posted: DayPost | None = None

    @property
    def money_in_cents(self) -> int:
        """Payments and deposits, less refunds, after voids: what the day took."""
        return sum(self.by_method.values())

    @property
    def cash_expected_cents(self) -> int:
        return self.by_method.get("cash", 0)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of the day's two midnights on the studio's wall."""
    start = dt.datetime.combine(day, dt.time(0))
    return clock.to_utc(start), clock.to_utc(start + dt.timedelta(days=1))


def entry_day(entry: LedgerEntry) -> dt.date:
    return clock.to_local(entry.created_at).date()


def day_summary(day: dt.date) -> DaySummary:
    """The day's payments, deposits and refunds, by method (voids included)."""
    start, end = day_bounds(day)
    summary = DaySummary(day=day, posted=latest_post(day))
    undone = E.alias()  # the entry a void cancels
    rows = tuples(
        E.select(E.kind, E.method, E.amount_cents, undone.kind, undone.method)
        .join(undone, join_type=JOIN.LEFT_OUTER, on=(E.related == undone.id))
        .where((E.created_at >= start) & (E.created_at < end))
    )
    by_method: dict[str, int] = defaultdict(int)
    for kind, method, amount, undone_kind, undone_method in rows:
        summary.entries += 1
        if kind == E.VOID:
            effect = -TILL_SIGN.get(undone_kind, 0) * amount
            if effect:
                by_method[undone_method] += effect
                summary.voided_cents += effect
            continue
        if kind in TILL_SIGN:
            by_method[method] += TILL_SIGN[kind] * amount
        if kind == E.PAYMENT:
            summary.payments_cents += amount
        elif kind == E.DEPOSIT:
            summary.deposits_cents += amount
        elif kind == E.REFUND:
            summary.refunds_cents += amount
    summary.by_method = {method: by_method[method] for method in sorted(by_method, key=_method_order)}
    return summary


def _method_order(method: str) -> tuple[int, str]:
    return (E.METHODS.index(method) if method in E.METHODS else len(E.METHODS), method)


# ---------------------------------------------------------------- posted or not


def latest_post(day: dt.date) -> DayPost | None:
    """The day's latest post or unlock (None: never posted)."""
    return DayPost.select().where(DayPost.day == day).order_by(DayPost.id.desc()).first()


def is_posted(day: dt.date) -> bool:
    latest = latest_post(day)
    return latest is not None and latest.action == DayPost.POST


CORRECT_ON_AN_OPEN_DAY = (
    "Make the correction on an open day (a refund, a credit memo), or a manager unlocks the day first."
)
UNLOCK_TODAY_FIRST = "No more money is taken today until a manager unlocks the day in End of Day."


def refuse_posted(day: dt.date, doing: str, way_out: str = CORRECT_ON_AN_OPEN_DAY) -> None:
    """Raise DayPosted (saying who posted it, when, and the way out) when ``day`` is posted."""
    latest = latest_post(day)
    if latest is None or latest.action != DayPost.POST:
        return
    when = clock.to_local(latest.at)
    raise DayPosted(
        f"The books of {day:%a %m/%d/%Y} were posted by {latest.by or 'someone'} at {when:%m/%d %H:%M}: "
        f"{doing} would change them. {way_out}"
    )


def refuse_posted_entry(entry: LedgerEntry, doing: str) -> None:
    refuse_posted(entry_day(entry), doing)


def refuse_posted_invoice(invoice: Invoice, doing: str) -> None:
    """An estimate is no money record: it is never locked."""
    if invoice.invoice_date is not None and not invoice.is_estimate:
        refuse_posted(invoice.invoice_date, doing)


def refuse_posted_today(doing: str) -> None:
    """New money is written today: not once today is posted."""
    refuse_posted(clock.today(), doing, UNLOCK_TODAY_FIRST)


# ---------------------------------------------------------------- post, unlock


def _note(text: str, field_name: str) -> str:
    note = " ".join((text or "").split())
    if len(note) > MAX_NOTE:
        raise ValidationError(f"Keep it under {MAX_NOTE} characters.", field_name)
    return note


@write_transaction
def post_day(day: dt.date, cash_counted_cents: int | None, note: str = "") -> DayPost:
    """Post ``day``: its figures as they stand, the cash counted in the drawer
    (None: not counted), the difference recorded. Not a day to come, not a
    day already posted."""
    require(Permission.POST_END_OF_DAY)
    if day > clock.today():
        raise ValidationError(f"{day:%a %m/%d/%Y} has not happened yet: only a day that has begun can be posted.")
    if cash_counted_cents is not None and (
        not isinstance(cash_counted_cents, int) or isinstance(cash_counted_cents, bool) or cash_counted_cents < 0
    ):
        raise ValidationError("The cash counted is an amount of zero or more.", "cash_counted")
    remark = _note(note, "note")
    with database.atomic():
        if is_posted(day):  # read inside the write transaction: two terminals cannot both post it
            raise ValidationError(f"{day:%a %m/%d/%Y} is posted already.")
        summary = day_summary(day)
        head = AuditLog.select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).first()
        post = DayPost.create(
            day=day,
            action=DayPost.POST,
            by=current_user_name(),
            payments_cents=summary.payments_cents + summary.deposits_cents,
            refunds_cents=summary.refunds_cents,
            cash_expected_cents=summary.cash_expected_cents,
            cash_counted_cents=cash_counted_cents,
            note=remark,
            audit_entry_id=head.id if head else None,
            audit_hash=head.hash if head else "",
        )
        audit.record("day.post", "day_post", post.id, None, post)
    return post


@write_transaction
def unlock_day(day: dt.date, reason: str) -> DayPost:
    """Unlock a posted day (a manager or the owner, with a reason): its money
    records can change again until it is posted again."""
    require(Permission.POST_END_OF_DAY)
    why = _note(reason, "reason")
    if not why:
        raise ValidationError("Give the reason for unlocking the day.", "reason")
    with database.atomic():
        if not is_posted(day):
            raise ValidationError(f"{day:%a %m/%d/%Y} is not posted.")
        unlock = DayPost.create(day=day, action=DayPost.UNLOCK, by=current_user_name(), note=why)
        audit.record("day.unlock", "day_post", unlock.id, None, unlock)
    return unlock


def posts_of(day: dt.date) -> list[DayPost]:
    """The day's posts and unlocks, the first first."""
    return list(DayPost.select().where(DayPost.day == day).order_by(DayPost.id))
