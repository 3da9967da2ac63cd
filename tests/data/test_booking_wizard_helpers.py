"""The data helpers the Scheduling Wizard screen needs beyond book()/preview():
checking a client entered on the fly without writing it, and keeping the
names exactly as typed when the receptionist asked for it (F3)."""
import pytest

from spectra_tui.data import booking
from spectra_tui.data.booking import BookingRequest
from spectra_tui.data.clients import DuplicateClient
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import Client

from .conftest_booking import at, bk, counts  # noqa: F401  (bk is a fixture)


def test_check_new_client_validates_like_book_and_writes_nothing(bk):
    before = counts()
    assert booking.check_new_client({"first_name": "carla", "last_name": "mendez"}) == "Carla Mendez"
    with pytest.raises(ValidationError) as bad_phone:
        booking.check_new_client({"first_name": "Carla", "phone_mobile": "12"})
    assert bad_phone.value.field == "phone_mobile"
    with pytest.raises(ValidationError, match="first or last name"):
        booking.check_new_client({"email": "x@example.com"})
    with pytest.raises(DuplicateClient) as duplicate:
        booking.check_new_client({"first_name": "Ann", "last_name": "Lee", "phone_mobile": "512 867 5309"})
    assert [c.id for c in duplicate.value.duplicates] == [bk.ann.id]
    assert booking.check_new_client({"first_name": "Ann", "last_name": "Lee", "phone_mobile": "512 867 5309"},
                                    allow_duplicate=True) == "Ann Lee"
    assert counts() == before


def test_check_new_client_keeps_fields_left_as_typed(bk):
    assert booking.check_new_client({"first_name": "carla", "last_name": "van der berg"},
                                    capitalize={"first_name"}) == "Carla van der berg"


def test_book_keeps_the_new_clients_fields_as_typed_when_asked(bk):
    request = BookingRequest(kind=booking.SESSION, new_client={"first_name": "carla", "last_name": "van der berg"},
                             new_client_capitalize={"first_name"}, session_type=bk.family, photographer=bk.ava,
                             start=at(1, "10:00"))
    result = booking.book(request)
    assert Client.get_by_id(result.client.id).full_name == "Carla van der berg"
    default = BookingRequest(kind=booking.SESSION, new_client={"first_name": "dora", "last_name": "smith"},
                             session_type=bk.family, photographer=bk.ben, start=at(1, "10:00"))
    assert booking.book(default).client.full_name == "Dora Smith"
