"""A realistic, deterministic demo studio (``spectra demo``).

Same seed and same day, same studio. History runs over the past 6 months and
bookings over the next 2 months. Everything with money goes through the real
services (ledger, audit), with the clock set to the day it happened, so the
demo passes ``spectra check``. Client profiles are inserted in bulk (through
the same validation and search keys) so large demos stay quick; money history
is made for the first ``ACTIVE_CLIENTS`` clients.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import catalog, invoices, ledger, messages, phone_calls, production, sessions, settings, tasks
from .accounts import create_user
from .clients import _apply_keys, clean_client_fields, search_key
from .clock import now as studio_now
from .clock import set_clock, to_utc
from .clock import today as studio_today
from .errors import DomainError, ValidationError
from .models import ALL_MODELS, Client, FamilyMember, Holiday, Invoice, ProductionOrder, Session, User, database
from .users import current_user, sign_in

DEFAULT_CLIENTS = 300
ACTIVE_CLIENTS = 400  # clients that get sessions and money history

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "José",
    "Zoë",
    "Renée",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Mateo",
    "Sofía",
    "Aiden",
    "Chloe",
    "Ethan",
    "Priya",
    "Wei",
    "Aaliyah",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "McDonald",
    "O'Brien",
    "Nguyễn",
    "Müller",
    "Patel",
    "Kim",
    "Chen",
    "Walker",
    "Young",
    "Allen",
    "King",
]
KIDS = ["Ava", "Mia", "Lucas", "Leo", "Ella", "Jack", "Lily", "Owen", "Grace", "Henry", "Nora", "Eli"]
STREETS = ["Oak St", "Maple Ave", "Cedar Ln", "Pine Rd", "Elm St", "Lakeview Dr", "Hillcrest Blvd", "Sunset Way"]
CITIES = [
    ("Austin", "TX", "787"),
    ("Round Rock", "TX", "786"),
    ("Georgetown", "TX", "786"),
    ("Cedar Park", "TX", "786"),
    ("San Marcos", "TX", "786"),
    ("Pflugerville", "TX", "786"),
]
AREA_CODES = ["512", "737"]
LEAD_SOURCES = ["Referral", "Google", "Instagram", "Facebook", "Walk-in", "School", "Repeat client"]

# Every demo account (admin the owner, rita and sam at the front desk, the
# photographers) signs in with this PIN (the README says so).
DEMO_PIN = "1234"
PHOTOGRAPHERS = [("ava", "Ava Reyes", "#d75f5f"), ("ben", "Ben Carter", "#5f87d7"), ("cleo", "Cleo Park", "#5faf5f")]
SESSION_TYPES = [
    ("Family", 90, 15000, "#87afd7"),
    ("Newborn", 120, 20000, "#d7afd7"),
    ("Senior", 90, 12500, "#d7af5f"),
    ("Headshot", 30, 7500, "#87d7af"),
    ("Maternity", 60, 12500, "#d78787"),
    ("Pet", 60, 9500, "#afaf87"),
]
ITEMS = [  # code, description, group, price, cost, quick pick
    ("P4X6", "Print 4x6", "Prints", 1500, 150, False),
    ("P5X7", "Print 5x7", "Prints", 2500, 250, True),
    ("P8X10", "Print 8x10", "Prints", 4500, 400, True),
    ("P11X14", "Print 11x14", "Prints", 8500, 900, False),
    ("P16X20", "Print 16x20", "Wall art", 15000, 1800, False),
    ("C2030", "Canvas 20x30", "Wall art", 39500, 9000, False),
    ("DIG1", "Digital file", "Digital", 3500, 0, True),
    ("DIGALL", "All digital files", "Digital", 45000, 0, False),
    ("FRM8", "Frame 8x10", "Frames & albums", 6000, 2200, False),
    ("ALB", "Album 10x10", "Frames & albums", 65000, 18000, False),
]
NOT_TAXED = {"DIG1", "DIGALL"}  # digital files: no sales tax in the demo's state
VENDORS = {"Miller's Lab": 7, "Canvas Works": 14}  # lead times in days
MADE_BY = {"P8X10": "Miller's Lab", "P11X14": "Miller's Lab", "C2030": "Canvas Works"}
PRODUCTION_STAGES = ("Ready for Pickup", "Picked Up")  # reached through production orders only
DEMO_PRODUCTION_ORDERS = 10
PACKAGES = [  # code, description, price, pieces, min images, max images, fee per image past the minimum
    ("PKGB", "Bronze package", 29900, [("P8X10", 1), ("P5X7", 2), ("P4X6", 4)], 1, 3, 1500),
    ("PKGS", "Silver package", 59900, [("P11X14", 1), ("P8X10", 2), ("DIG1", 5)], 2, 6, 1500),
    ("PKGG", "Gold package", 119900, [("C2030", 1), ("P8X10", 2), ("DIGALL", 1)], 1, 3, 0),
]


TEMPLATES = [  # name, channel, subject, body, reminder days before the session
    (
        "Session reminder",
        "email",
        "Your {session_type} session on {session_date}",
        "Hi {first_name},\n\nSee you on {session_date} at {session_time} with {photographer}.\n"
        "Questions? Call us at {studio_phone}.\n\n{studio_name}",
        2,
    ),
    ("Reminder text", "sms", "", "{studio_name}: your session is tomorrow at {session_time}. See you!", 1),
    (
        "Order ready",
        "email",
        "Your portraits are ready",
        "Hi {first_name},\n\nYour order is ready for pickup. Balance due: {balance}.\n\n{studio_name}",
        None,
    ),
]


class DemoRefused(DomainError):
    pass


def _phone(rng: random.Random) -> str:
    return f"({rng.choice(AREA_CODES)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}"


def _client_row(rng: random.Random, index: int) -> tuple[dict, list[dict]]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, state, zip3 = rng.choice(CITIES)
    key = search_key(f"{first}.{last}{index}").replace("'", "")
    fields = {
        "first_name": first,
        "last_name": last,
        "address1": f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
        "city": city,
        "state": state,
        "postal_code": f"{zip3}{rng.randint(10, 99)}",
        "country": "US",
        "phone_mobile": _phone(rng),
        "phone_home": _phone(rng) if rng.random() < 0.3 else "",
        "email": f"{key}@example.com" if rng.random() < 0.85 else "",
        "birthday": dt.date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.6
        else None,
        "lead_source": rng.choice(LEAD_SOURCES),
        "do_not_market": rng.random() < 0.05,
        "do_not_call": rng.random() < 0.03,
    }
    family: list[dict[str, Any]] = []
    if rng.random() < 0.45:
        family.append({"first_name": rng.choice(FIRST), "last_name": last, "relationship": "Spouse"})
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        family.append(
            {
                "first_name": rng.choice(KIDS),
                "last_name": last,
                "relationship": "Child",
                "birthday": dt.date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)),
            }
        )
    return fields, family


def _before(wall: dt.datetime, today: dt.date) -> dt.datetime:
    """``wall``, or yesterday evening when that is later: what the demo books
    for the weeks ahead was written before today, never in the future."""
    return min(wall, dt.datetime.combine(today - dt.timedelta(days=1), dt.time(17, 0)))


def _at(wall: dt.datetime) -> None:
    """Stop the clock at ``wall``, a time on the studio's wall."""
    instant = to_utc(wall)
    set_clock(lambda: instant)


def _bulk_clients(rng: random.Random, count: int, created: dt.datetime) -> None:
    """Insert client profiles in batches (validated, with search keys)."""
    batch, families = [], []
    stamp = to_utc(created)
    for index in range(count):
        fields, family = _client_row(rng, index)
        client = Client(**clean_client_fields(fields, capitalize=set()), created_at=stamp, updated_at=stamp)
        _apply_keys(client)
        batch.append(client.__data__)
        families.append(family)
        if len(batch) == 1000 or index == count - 1:
            first_id = (Client.select(Client.id).order_by(Client.id.desc()).scalar() or 0) + 1
            Client.insert_many(batch).execute()
            members = [{**m, "client": first_id + offset} for offset, fam in enumerate(families) for m in fam]
            if members:
                FamilyMember.insert_many(members).execute()
            batch, families = [], []


@contextmanager
def _signed_in(user: User) -> Iterator[None]:
    """``user`` at the keyboard for a moment, then whoever was."""
    before = current_user()
    sign_in(user)
    try:
        yield
    finally:
        sign_in(before)


def _studio_setup() -> dict:
    owner = create_user("admin", "Studio Admin", "owner", password=DEMO_PIN)
    sign_in(owner)  # who adds the others
    staff = {
        "admin": owner,
        "front": create_user("rita", "Rita Gomez", "front_desk", password=DEMO_PIN),
        "front2": create_user("sam", "Sam Okafor", "front_desk", password=DEMO_PIN),
    }
    photographers = [create_user(u, n, "photographer", c, password=DEMO_PIN) for u, n, c in PHOTOGRAPHERS]
    settings.put("vendors", VENDORS)
    standard = catalog.create_price_list(catalog.STANDARD_LIST)
    types = [catalog.create_session_type(n, m, f, c, price_list=standard) for n, m, f, c in SESSION_TYPES]
    items = {
        code: catalog.create_price_item(
            code,
            name,
            price,
            code not in NOT_TAXED,
            price_list=standard,
            group=group,
            cost_cents=cost,
            quick_pick=quick,
            vendor=MADE_BY.get(code, ""),
        )
        for code, name, group, price, cost, quick in ITEMS
    }
    packages = [
        catalog.create_package(
            code,
            name,
            price,
            [(items[c], q) for c, q in pieces],
            price_list=standard,
            min_images=least,
            max_images=most,
            pose_fee_cents=fee,
            group="Packages",
        )
        for code, name, price, pieces, least, most, fee in PACKAGES
    ]
    for room in ("Studio A", "Studio B", "Outdoor"):
        catalog.create_room(room)
    for name, channel, subject, body, days in TEMPLATES:
        messages.create_template(name, channel, subject, body, days)
    return {"staff": staff, "photographers": photographers, "types": types, "items": items, "packages": packages}


def _slot(rng: random.Random, day: dt.date, length: int, busy: dict, photographer: User) -> dt.datetime | None:
    hours = settings.get("studio_hours").get(str(day.weekday()))
    if not hours:
        return None
    open_h, close_h = int(hours[0][:2]), int(hours[1][:2])
    for _ in range(6):
        start = dt.datetime.combine(day, dt.time(rng.randint(open_h, max(open_h, close_h - 2)), rng.choice([0, 30])))
        end = start + dt.timedelta(minutes=length)
        if end.time() > dt.time(close_h, 0) and end.date() == day:
            continue
        taken = busy[(photographer.id, day)]
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            return start
    return None


def _pay(rng, invoice: Invoice, percent: int, method_pool=("card", "card", "cash", "check")) -> None:
    """Pay ``percent`` of what is due (over 100: an overpayment, leaving a credit)."""
    due = ledger.invoice_money(invoice).due
    amount = due * percent // 100
    if amount <= 0:
        return
    method = rng.choice(method_pool)
    ledger.take_payment(invoice, amount, method, reference=str(rng.randint(1000, 9999)) if method == "check" else "")


def _order_invoice(rng, kind, session, env, at: dt.datetime) -> Invoice:
    invoice = invoices.create_invoice(kind, session=session)
    images = rng.sample(range(1, 60), 4)
    if kind == Invoice.INITIAL_ORDER and rng.random() < 0.6:
        invoices.add_line(invoice, rng.choice(env["packages"]), image_number=images[0])
    for number in images[1 : rng.randint(2, 4)]:
        item = env["items"][rng.choice(["P5X7", "P8X10", "P11X14", "DIG1", "C2030"])]
        invoices.add_line(invoice, item, quantity=rng.randint(1, 3), image_number=number)
    return invoice


def _history_for(rng, client: Client, env: dict, today: dt.date, busy: dict) -> None:
    # The walk by hand stops short of the production stages (see _production).
    statuses = [status for status in settings.session_statuses() if status not in PRODUCTION_STAGES]
    for _ in range(rng.choice([1, 1, 1, 2])):
        day = today + dt.timedelta(days=rng.randint(-180, 60))
        photographer = rng.choice(env["photographers"])
        session_type = rng.choice(env["types"])
        start = _slot(rng, day, session_type.length_minutes, busy, photographer)
        if start is None:
            continue
        booked_at = _before(start - dt.timedelta(days=rng.randint(3, 30)), today)
        _at(booked_at)
        session = sessions.create_session(client, photographer, session_type, start)
        fee = invoices.create_invoice(Invoice.SESSION_FEE, session=session)
        invoices.add_line(fee, description=f"{session_type.name} session fee", unit_price_cents=session_type.fee_cents)
        roll = rng.random()
        if roll < 0.35:
            deposit = ledger.take_deposit(client, session_type.fee_cents, rng.choice(["card", "cash"]))
            ledger.apply_deposit(deposit, fee)
        elif roll < 0.55:
            ledger.take_deposit(client, rng.choice([5000, 7500, 10000]), "card")  # held for the order
        elif roll < 0.9:
            _pay(rng, fee, 100)
        if rng.random() < 0.5:
            sessions.create_appointment(
                "Sales presentation", start + dt.timedelta(days=7, hours=1), 60, session=session
            )
        if start.date() >= today:
            continue
        # The session has happened: walk it along the workflow.
        if rng.random() < 0.06:
            _at(start)
            sessions.mark_no_show(session)
            continue
        if rng.random() < 0.04:
            _at(start - dt.timedelta(days=1))
            sessions.cancel_session(session, "Client rescheduled to a later season")
            continue
        age = (today - start.date()).days
        steps = min(len(statuses) - 1, 1 + age // 12)
        for step in range(steps):
            when = start + dt.timedelta(days=step * 6, hours=1)
            _at(when)
            sessions.set_status(session, statuses[step + 1])
        if session.status in statuses[3:]:
            when = start + dt.timedelta(days=14)
            _at(when)
            order = _order_invoice(rng, Invoice.INITIAL_ORDER, session, env, when)
            for deposit, _left in ledger.outstanding_deposits(client):
                ledger.apply_deposit(deposit, order)
            _pay(rng, order, rng.choice([100, 100, 50, 115]))
            if ledger.invoice_money(order).credit and rng.random() < 0.5:
                with _signed_in(env["staff"]["admin"]):  # a refund above the studio's limit is the owner's
                    ledger.refund(order, ledger.invoice_money(order).credit, "card", note="Overpayment returned")
            if rng.random() < 0.15:
                reorder = _order_invoice(rng, Invoice.RE_ORDER, session, env, when)
                if ledger.invoice_money(order).credit:
                    ledger.transfer_credit(order, reorder)
                _pay(rng, reorder, 100)
            if rng.random() < 0.1:
                memo = invoices.create_invoice(
                    Invoice.CREDIT_MEMO, session=session, source=order, notes="Print reprinted: colour cast"
                )
                invoices.add_line(memo, description="Credit for reprint", unit_price_cents=2500, taxable=False)
                if rng.random() < 0.5:
                    ledger.refund(memo, 2500, "card")
            if rng.random() < 0.1:
                estimate = invoices.create_invoice(Invoice.ESTIMATE, session=session, notes="Wall portrait quote")
                invoices.add_line(estimate, env["items"]["C2030"], image_number=rng.randint(1, 40))
                if rng.random() < 0.5:
                    invoices.convert_estimate(estimate, Invoice.RE_ORDER)
    if rng.random() < 0.12:
        when = dt.datetime.combine(today - dt.timedelta(days=rng.randint(1, 150)), dt.time(15, 0))
        _at(when)
        generic = invoices.create_invoice(Invoice.GENERIC, client=client, notes="A la carte frame purchase")
        invoices.add_line(generic, env["items"]["FRM8"], quantity=rng.randint(1, 2))
        _pay(rng, generic, 100, ("cash", "card"))


def _meetings(rng, env, today: dt.date) -> None:
    for week in range(-8, 9):
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=week)
        when = dt.datetime.combine(monday, dt.time(9, 0))
        _at(_before(when - dt.timedelta(days=7), today))
        sessions.create_appointment("Staff meeting", when, 30, staff=env["staff"]["admin"])


CALL_SUBJECTS = [
    ("in", "Asked about session prices", "Sent the price list by email."),
    ("in", "Wants to move the session", "Offered two slots next week."),
    ("out", "Proofs are ready", "Left a voicemail."),
    ("out", "Order reminder", "Will come in on Saturday."),
    ("in", "Question about the album", "Prefers the linen cover."),
    ("out", "Confirmed tomorrow's session", ""),
]
TASK_TITLES = [
    "Order 8x10 prints",
    "Send the proof gallery",
    "Call back about the album",
    "Frame the canvas",
    "Retouch the family portrait",
    "Confirm the newborn session",
    "Return the deposit question",
]


def _calls_and_tasks(seed: int, env, today: dt.date, now: dt.datetime) -> None:
    """A few weeks of phone calls (none later than ``now``), and tasks: some
    overdue, some due today, some ahead, some done. Its own random stream, so
    the rest of the demo stays the same studio whatever is added here."""
    rng = random.Random(seed * 7919)
    people = [env["staff"]["front"], env["staff"]["front2"], *env["photographers"]]
    callers = list(Client.select().order_by(Client.id).limit(ACTIVE_CLIENTS))
    for client in rng.sample(callers, min(len(callers), 40)):
        for _ in range(rng.randint(1, 3)):
            direction, subject, notes = rng.choice(CALL_SUBJECTS)
            at = dt.datetime.combine(today - dt.timedelta(days=rng.randint(0, 40)), dt.time(rng.randint(9, 17), 0))
            if at.date() == now.date():  # today's calls: made by now, not this evening
                at = min(at, now.replace(second=0, microsecond=0))
            sign_in(rng.choice(people[:2]))
            _at(at)
            phone_calls.log_call(client, subject, direction, notes)
    sign_in(env["staff"]["front"])
    for number in range(18):
        due = today + dt.timedelta(days=rng.randint(-6, 8))
        _at(_before(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(10, 0)), today))
        fields = tasks.TaskFields(rng.choice(TASK_TITLES), due=due, assigned_to=rng.choice(people).username)
        task = tasks.create_task(fields, client=rng.choice(callers) if number % 3 else None)
        if due < today and rng.random() < 0.4:
            _at(dt.datetime.combine(due, dt.time(16, 0)))
            tasks.complete_task(task)


def _holidays(today: dt.date) -> None:
    for year in (today.year, today.year + 1):
        for month, day, name in ((1, 1, "New Year's Day"), (7, 4, "Independence Day"), (12, 25, "Christmas Day")):
            Holiday.insert(day=dt.date(year, month, day), name=name).on_conflict_ignore().execute()


def _production(today: dt.date) -> None:
    """Production orders for the latest orders of sessions in production, in
    every status: ordered a few days apart, each a step further (so a few are
    overdue, some ready for pickup, some picked up)."""
    orders = (
        Invoice.select()
        .join(Session, on=(Invoice.session == Session.id))
        .where((Session.status == "In Production") & (Invoice.kind == Invoice.INITIAL_ORDER))
        .order_by(Invoice.number.desc())
        .limit(DEMO_PRODUCTION_ORDERS)
    )
    for index, invoice in enumerate(list(orders)):
        ordered = today - dt.timedelta(days=2 + 3 * index)
        _at(dt.datetime.combine(ordered, dt.time(10, 0)))
        try:
            made = production.make_orders(invoice)
        except ValidationError:
            continue  # nothing made by a vendor on it
        for step in range(min(index, len(ProductionOrder.STATUSES) - 1)):
            _at(dt.datetime.combine(min(today, ordered + dt.timedelta(days=2 * (step + 1))), dt.time(15, 0)))
            for order in made:
                production.advance(order)


def is_empty() -> bool:
    """No studio data at all: no row in any table (settings, holidays, users...)."""
    return not any(model.select().exists() for model in ALL_MODELS)


def fill_demo(clients: int = DEFAULT_CLIENTS, seed: int = 1, today: dt.date | None = None, progress=None) -> str:
    """Fill an EMPTY database; returns a one-line summary."""
    if not isinstance(clients, int) or not 1 <= clients <= 1_000_000:
        raise ValidationError("The number of demo clients must be from 1 to 1,000,000.")
    rng = random.Random(seed)
    today = today or studio_today()
    now = studio_now()  # before the demo stops the clock to write its history
    start_of_history = dt.datetime.combine(today - dt.timedelta(days=200), dt.time(9, 0))
    report = progress or (lambda _msg: None)
    try:
        with database.atomic():
            if not is_empty():  # asked inside the write transaction: two demos at once cannot both fill it
                raise DemoRefused("This database already holds data; the demo only fills an empty database.")
            _at(start_of_history)
            env = _studio_setup()
            sign_in(env["staff"]["front"])
            _holidays(today)
            report(f"Adding {clients} clients...")
            _bulk_clients(rng, clients, start_of_history)
            busy: dict = defaultdict(list)
            active = list(Client.select().order_by(Client.id).limit(ACTIVE_CLIENTS))
            report(f"Booking sessions, invoices and payments for {len(active)} clients...")
            for client in active:
                _history_for(rng, client, env, today, busy)
            _meetings(rng, env, today)
            _calls_and_tasks(seed, env, today, now)
            _production(today)
    finally:
        set_clock(None)
        sign_in(None)
    counts = {
        "clients": Client.select().count(),
        "sessions": sessions.Session.select().count(),
        "invoices": Invoice.select().count(),
    }
    return (
        f"Demo studio ready: {counts['clients']} clients, {counts['sessions']} sessions, "
        f"{counts['invoices']} invoices and estimates."
    )
