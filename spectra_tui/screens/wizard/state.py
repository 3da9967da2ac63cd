"""The booking being built: what the wizard's steps read and write.

Each step draws itself from the state when it is shown and writes what was
entered back into it when it is left; ``request()`` turns the state into the
``data.booking.BookingRequest`` that the summary previews and Confirm books.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...data import booking, catalog, users
from ...data import calendar as cal
from ...data import sessions as session_data
from ...data.booking import APPOINTMENT, SESSION, BookingRequest, FollowUp, PaymentNow
from ...data.models import Client, Room, Session, SessionType, User


@dataclass
class NewClient:
    """A client entered in the wizard: created by book() on Confirm, not before."""

    fields: dict
    capitalize: set[str] | None
    name: str
    allow_duplicate: bool = False


@dataclass
class StudioChoices:
    """What the studio offers to choose from, read once when the wizard opens."""

    session_types: list[SessionType]
    photographers: list[User]
    staff: list[User]
    rooms: list[Room]

    @classmethod
    def load(cls) -> StudioChoices:
        return cls(catalog.session_types(), users.photographers(), users.active_users(), cal.rooms())


@dataclass
class WizardState:
    """What has been decided so far (read from the fields as each step is
    left), and how the wizard was opened."""

    choices: StudioChoices
    client: Client | None = None
    new_client: NewClient | None = None
    kind: str = SESSION
    link: str = "client"  # appointments: "client", "session:<id>", "none"
    title: str = ""
    session_type: SessionType | None = None
    photographer: User | None = None
    staff: User | None = None
    room: Room | None = None
    start: dt.datetime | None = None
    length: int | None = None
    notes: str = ""
    accepted: list = field(default_factory=list)  # conflicts the user agreed to book anyway
    fee_invoice: bool = True
    fee_cents: int | None = None
    payment: PaymentNow | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)
    # how the wizard was opened
    given_session: Session | None = None  # New Appointment from a session record
    given_photographer: User | None = None  # an empty calendar slot's column
    default_time: dt.time | None = None  # the time a typed day without a time takes
    entered: bool = False  # something typed or chosen by the user (Escape then asks)

    @property
    def client_name(self) -> str:
        if self.client is not None:
            return self.client.full_name
        if self.new_client is not None:
            return self.new_client.name
        return ""

    @property
    def has_client(self) -> bool:
        return self.client is not None or self.new_client is not None

    @property
    def is_unlinked_appointment(self) -> bool:
        return self.kind == APPOINTMENT and self.link == "none"

    @property
    def linked_session(self) -> Session | None:
        if self.kind == APPOINTMENT and self.link.startswith("session:"):
            return session_data.session_by_id(int(self.link.split(":")[1]))
        return None

    @property
    def when(self) -> tuple[dt.datetime, int]:
        """(start, length in minutes): the steps after Details read them here,
        once leaving Details has set both."""
        if self.start is None or self.length is None:
            raise RuntimeError("The booking's time is read before the Details step set it.")
        return self.start, self.length

    @property
    def who(self) -> User | None:
        """The person the booking takes up (as data.booking decides it)."""
        return booking.who_is_booked(self.kind, self.photographer, self.staff, self.linked_session)

    # which of the optional steps apply to this booking
    @property
    def has_fee(self) -> bool:
        return self.kind == SESSION

    @property
    def can_take_money(self) -> bool:
        return self.kind == SESSION or (self.has_client or self.linked_session is not None)

    @property
    def can_have_follow_ups(self) -> bool:
        return self.kind == SESSION or self.link != "none"

    def request(self) -> BookingRequest:
        """The booking as data.booking takes it (preview on the summary, book on Confirm)."""
        linked = self.linked_session
        client = self.client
        new_client = self.new_client
        if self.is_unlinked_appointment:
            client, new_client = None, None
        if linked is not None:
            client = linked.client if client is None else client
            new_client = None
        is_session = self.kind == SESSION
        return BookingRequest(
            kind=self.kind,
            client=client,
            new_client=dict(new_client.fields) if new_client else None,
            allow_duplicate_client=bool(new_client and new_client.allow_duplicate),
            new_client_capitalize=new_client.capitalize if new_client else None,
            start=self.start,
            length_minutes=self.length,
            room=self.room,
            notes=self.notes,
            session_type=self.session_type if is_session else None,
            photographer=self.photographer if is_session else None,
            title=self.title if self.kind == APPOINTMENT else "",
            session=linked,
            staff=self.staff if self.kind == APPOINTMENT else None,
            fee_invoice=is_session and self.fee_invoice,
            fee_cents=self.fee_cents if is_session and self.fee_invoice else None,
            payment=self.payment if self.can_take_money else None,
            follow_ups=list(self.follow_ups) if self.can_have_follow_ups else [],
            allow_conflict=list(self.accepted) if self.accepted else False,
        )
