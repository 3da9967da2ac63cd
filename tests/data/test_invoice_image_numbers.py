"""A line's Image # names one of the session's images (when the session has
images recorded): a number the session does not have is refused, with the
numbers it does have."""
import datetime as dt

import pytest

from spectra_tui.data import invoices, sessions
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import Invoice, SessionImage

IO = Invoice.INITIAL_ORDER


@pytest.fixture
def session(studio):
    return sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                   dt.datetime(2030, 3, 4, 10, 0))


def with_images(session, *numbers):
    for number in numbers:
        SessionImage.create(session=session, number=number, stored_name=f"{number:04d}.jpg", sha256=f"sha{number}")
    return session


def test_a_number_the_session_does_not_have_is_refused(studio, session):
    with_images(session, 1, 2, 3, 4)
    invoice = invoices.create_invoice(IO, session=session)
    with pytest.raises(ValidationError, match=f"Session {session.number} has no image 99: its images are 1–4.") as caught:
        invoices.add_line(invoice, studio.item, image_number=99)
    assert caught.value.field == "image_number"
    line = invoices.add_line(invoice, studio.item, image_number=4)
    assert line.image_number == 4
    with pytest.raises(ValidationError, match="has no image 5"):
        invoices.update_line(line, image_number=5)
    assert invoices.update_line(line, image_number=2).image_number == 2
    assert invoices.update_line(line, image_number=None).image_number is None


def test_gaps_in_the_numbers_are_named(studio, session):
    with_images(session, 1, 2, 3, 5, 8, 9, 10)
    invoice = invoices.create_invoice(IO, session=session)
    with pytest.raises(ValidationError, match="its images are 1–3, 5, 8–10."):
        invoices.add_line(invoice, studio.item, image_number=4)


def test_a_line_keeping_a_number_since_deleted_can_still_be_edited(studio, session):
    with_images(session, 1, 2)
    invoice = invoices.create_invoice(IO, session=session)
    line = invoices.add_line(invoice, studio.item, image_number=2)
    SessionImage.delete().where(SessionImage.number == 2).execute()
    assert invoices.update_line(line, quantity=3).quantity == 3  # the Image # is not what changed


def test_without_recorded_images_any_number_from_1_is_taken(studio, session):
    """Pictures kept outside Spectra, or an invoice without a session: nothing to check against."""
    invoice = invoices.create_invoice(IO, session=session)
    assert invoices.add_line(invoice, studio.item, image_number=99).image_number == 99
    generic = invoices.create_invoice(Invoice.GENERIC, client=studio.client)
    assert invoices.add_line(generic, studio.item, image_number=7).image_number == 7
