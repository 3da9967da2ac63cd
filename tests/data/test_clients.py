"""Clients: validation, auto-capitalisation, duplicate warning, search with keyset paging."""
import datetime as dt
import json

import pytest

from spectra_tui.data import audit, clients
from spectra_tui.data.clients import ClientQuery, DuplicateClient, save_client, search_clients
from spectra_tui.data.errors import FieldErrors, NotFound, ValidationError
from spectra_tui.data.names import capitalize_field
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.models import AuditLog, Client


def new(**fields):
    return save_client(None, fields)


# ---------------------------------------------------------------- capitalisation

@pytest.mark.parametrize("typed, shown", [
    ("smith", "Smith"), ("mcdonald", "McDonald"), ("o'brien", "O'Brien"), ("mary-jo", "Mary-Jo"),
    ("mary jo smith", "Mary Jo Smith"), ("DeWitt", "DeWitt"), ("LaToya", "LaToya"), ("macy", "Macy"),
    ("SMITH", "SMITH"), ("josé", "José"), ("", ""), ("mc", "Mc"),
])
def test_auto_capitalize(typed, shown):
    assert capitalize_field("first_name", typed) == shown
    assert capitalize_field("city", typed) == shown


@pytest.mark.parametrize("field, typed, shown", [
    # a person's names: nameparser (particles stay lower inside a last name, Mc/Mac, O')
    ("last_name", "van der berg", "van der Berg"), ("last_name", "de la cruz", "de la Cruz"),
    ("last_name", "von trapp", "von Trapp"), ("last_name", "macdonald", "MacDonald"),
    ("last_name", "mcdonald", "McDonald"), ("last_name", "o'neil-mcbride", "O'Neil-McBride"),
    ("last_name", "smith iii", "Smith III"), ("last_name", "smith, jr", "Smith, Jr"),
    ("first_name", "van", "Van"), ("first_name", "la toya", "La Toya"), ("first_name", "jean-luc", "Jean-Luc"),
    ("last_name", "DeWitt", "DeWitt"), ("last_name", "van DER berg", "van DER Berg"),
    # the studio's own words, in every field
    ("company", "acme photo llc", "Acme Photo LLC"), ("company", "smith & sons inc.", "Smith & Sons Inc."),
    ("company", "bright llp, ltd", "Bright LLP, Ltd"), ("last_name", "ford ii", "Ford II"),
    ("company", "Acme Llc", "Acme Llc"),  # typed in mixed case: kept
    # address, city, state
    ("address1", "12 mcarthur blvd", "12 McArthur Blvd"), ("city", "st. louis", "St. Louis"),
    ("state", "il", "IL"), ("state", "new york", "New York"),
    ("email", "ann@x.com", "ann@x.com"),  # not a capitalised field
])
def test_capitals_by_field(field, typed, shown):
    assert capitalize_field(field, typed) == shown


def test_save_client_capitalises_names_and_address(db):
    client = new(first_name="  mary  jo ", last_name="mcdonald", city="round rock", address1="12 oak st",
                 state="tx")
    assert (client.first_name, client.last_name, client.city, client.address1, client.state) == (
        "Mary Jo", "McDonald", "Round Rock", "12 Oak St", "TX")


def test_capitalisation_can_be_switched_off_per_field(db):
    """F3 while adding a client: the text is kept as typed."""
    client = save_client(None, {"first_name": "bell", "last_name": "hooks"}, capitalize={"first_name"})
    assert (client.first_name, client.last_name) == ("Bell", "hooks")


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("typed, stored", [
    ("5128675309", "(512) 867-5309"), ("512.867.5309", "(512) 867-5309"), ("+1 512 867 5309", "(512) 867-5309"),
    ("(512) 867-5309", "(512) 867-5309"), ("+44 20 7946 0958", "+44 20 7946 0958"),
])
def test_phone_is_normalised(db, typed, stored):
    assert new(last_name="Lee", phone_mobile=typed).phone_mobile == stored


@pytest.mark.parametrize("bad", ["12345", "abc", "512-867-530", "+1 000 000 0000", "5" * 40])
def test_bad_phone_is_refused(db, bad):
    with pytest.raises(ValidationError) as info:
        new(last_name="Lee", phone_home=bad)
    assert info.value.field == "phone_home" and "phone" in str(info.value)
    assert Client.select().count() == 0


def test_email_is_checked_and_normalised(db):
    assert new(last_name="Lee", email="  Ann.Lee@Example.COM ").email == "Ann.Lee@example.com"
    for bad in ["ann", "ann@", "@example.com", "ann lee@example.com", "ann@@example.com"]:
        with pytest.raises(ValidationError) as info:
            new(last_name="Lee", email=bad)
        assert info.value.field == "email"


@pytest.mark.parametrize("typed, day", [("04/28/1990", dt.date(1990, 4, 28)), ("1990-04-28", dt.date(1990, 4, 28)),
                                        ("02/29/2000", dt.date(2000, 2, 29)), (dt.date(1985, 1, 2), dt.date(1985, 1, 2)),
                                        ("", None), (None, None)])
def test_birthday_is_a_real_date(db, typed, day):
    assert new(last_name="Lee", birthday=typed).birthday == day


@pytest.mark.parametrize("bad, message", [("02/30/1990", "not a date"), ("02/29/2001", "not a date"),
                                          ("13/01/1990", "not a date"), ("yesterday", "not a date"),
                                          (19900428, "not a date"), ("01/01/1850", "year"),
                                          (dt.date.today() + dt.timedelta(days=1), "future")])
def test_bad_birthday_is_refused(db, bad, message):
    with pytest.raises(ValidationError, match=message):
        new(last_name="Lee", birthday=bad)


def test_every_broken_field_is_reported_at_once(db):
    with pytest.raises(FieldErrors) as info:
        new(first_name="Ann", last_name="Lee", phone_mobile="12", email="not-an-email", birthday="13/45/1990",
            city="x" * 300)
    assert list(info.value.errors) == ["phone_mobile", "email", "birthday", "city"]
    assert "not a phone number" in info.value.errors["phone_mobile"] or "valid phone" in info.value.errors[
        "phone_mobile"]
    assert "not a valid email" in info.value.errors["email"]
    assert "is not a date" in info.value.errors["birthday"]
    assert "too long" in info.value.errors["city"]
    assert info.value.field == "phone_mobile"
    assert Client.select().count() == 0
    with pytest.raises(FieldErrors) as info:  # no name, and a bad phone: both said
        new(phone_home="12")
    assert set(info.value.errors) == {"phone_home", "last_name"}


def test_a_family_member_s_names_are_capitalised_the_same_way(studio):
    member = clients.add_family_member(studio.client, "mary-jo", last_name="van der berg")
    assert (member.first_name, member.last_name) == ("Mary-Jo", "van der Berg")


def test_a_name_is_required(db):
    for fields in ({}, {"first_name": "   "}, {"email": "a@example.com"}):
        with pytest.raises(ValidationError, match="name"):
            save_client(None, fields)
    assert new(company="Acme Schools").full_name == "Acme Schools"


@pytest.mark.parametrize("fields, field", [
    ({"first_name": 5}, "first_name"), ({"last_name": ["Lee"]}, "last_name"),
    ({"last_name": "x" * 201}, "last_name"), ({"last_name": "Lee", "notes": "n" * 20001}, "notes"),
    ({"last_name": "Lee", "favourite_colour": "red"}, "favourite_colour"),
    ({"last_name": "Lee\ud800"}, "last_name"),  # a lone surrogate cannot be stored as UTF-8
    ({"last_name": "Lee", "city": "Austin\udcff"}, "city"),
])
def test_bad_input_gets_a_clear_error(db, fields, field):
    with pytest.raises(ValidationError) as info:
        save_client(None, fields)
    assert info.value.field == field and str(info.value)
    assert Client.select().count() == 0


def test_huge_input_is_refused_not_truncated(db):
    with pytest.raises(ValidationError, match="too long"):
        new(last_name="Lee", address1="1 Main St " * 100_000)


def test_unicode_is_kept_and_searchable(db):
    client = new(first_name="josé", last_name="núñez", city="São Paulo", notes="Likes 📷 and 漢字")
    again = Client.get_by_id(client.id)
    assert (again.first_name, again.last_name, again.notes) == ("José", "Núñez", "Likes 📷 and 漢字")
    assert [c.id for c in search_clients(ClientQuery(name="nunez jose"))] == [client.id]
    assert [c.id for c in search_clients(ClientQuery(city="sao"))] == [client.id]
    junk = search_clients(ClientQuery(name="\ud800", email="\udcff"))  # junk in the search box: no crash
    assert [c.id for c in junk] == [client.id]  # nothing searchable is left of it: as an empty query


def test_a_prefix_finds_names_going_on_beyond_u_ffff(db):
    emoji = new(first_name="Ab😀cd", last_name="Zed")
    kanji = new(first_name="Kim", last_name="山𠮷")
    plain = new(first_name="Abe", last_name="Young")
    assert {c.id for c in search_clients(ClientQuery(name="ab"))} == {emoji.id, plain.id}
    assert [c.id for c in search_clients(ClientQuery(name="ab😀"))] == [emoji.id]
    assert [c.id for c in search_clients(ClientQuery(name="山"))] == [kanji.id]
    assert clients.count_clients(ClientQuery(name="山")) == 1
    assert clients._after_prefix("ab") == "ac" and clients._after_prefix("a\U0010ffff") == "b"
    assert clients._after_prefix("\ud7ff") == "\ue000" and clients._after_prefix("\U0010ffff") is None


def test_a_failed_update_loses_nothing(db):
    client = new(first_name="Ann", last_name="Lee", phone_mobile="5128675309")
    with pytest.raises(ValidationError):
        save_client(client, {"first_name": "Annie", "email": "not-an-email"})
    stored = Client.get_by_id(client.id)
    assert (stored.first_name, stored.email, stored.phone_mobile) == ("Ann", "", "(512) 867-5309")
    updated = save_client(stored, {"first_name": "Annie"})
    assert Client.get_by_id(client.id).first_name == "Annie" and updated.last_name == "Lee"


def test_create_and_update_are_audited_with_before_and_after(studio):
    client = studio.client
    save_client(client, {"city": "dallas"})
    rows = audit.history("client", client.id)
    assert [r.action for r in rows] == ["client.create", "client.update"]
    assert rows[1].user_name == "rita"
    assert json.loads(rows[1].before)["city"] == "Austin" and json.loads(rows[1].after)["city"] == "Dallas"


def test_get_client(db):
    client = new(last_name="Lee")
    assert clients.get_client(client.id).id == client.id
    with pytest.raises(NotFound):
        clients.get_client(999)


# ---------------------------------------------------------------- duplicates

def test_duplicate_warning_same_name_and_phone(db):
    first = new(first_name="Ann", last_name="Lee", phone_mobile="5128675309")
    with pytest.raises(DuplicateClient) as info:
        new(first_name="ann", last_name="LEE", phone_home="+1 (512) 867-5309")
    assert info.value.duplicates == [first] and "may already exist" in str(info.value)


def test_duplicate_warning_same_name_and_email(db):
    new(first_name="Ann", last_name="Lee", email="ann@example.com")
    with pytest.raises(DuplicateClient):
        new(first_name="Ann", last_name="Lee", email="ANN@example.com")


def test_no_duplicate_warning_without_a_shared_contact(db):
    new(first_name="Ann", last_name="Lee", phone_mobile="5128675309", email="ann@example.com")
    other = new(first_name="Ann", last_name="Lee", phone_mobile="5128675310", email="ann2@example.com")
    assert new(first_name="Bob", last_name="Lee", phone_mobile="5128675309").id != other.id
    assert new(first_name="Ann", last_name="Lee").id  # no phone, no email: nothing to compare
    assert Client.select().count() == 4


def test_save_anyway_and_updating_oneself_is_no_duplicate(db):
    first = new(first_name="Ann", last_name="Lee", phone_mobile="5128675309")
    second = save_client(None, {"first_name": "Ann", "last_name": "Lee", "phone_mobile": "5128675309"},
                         allow_duplicate=True)
    assert second.id != first.id
    with pytest.raises(DuplicateClient):  # the other one still looks like the same person
        save_client(first, {"notes": "VIP"})
    third = new(first_name="Bo", last_name="Park", phone_mobile="5128675311")
    assert save_client(third, {"notes": "VIP"}).notes == "VIP"  # it does not match itself


# ---------------------------------------------------------------- search

@pytest.fixture
def people(db):
    set_clock(lambda: to_utc(dt.datetime(2024, 5, 1, 9, 0)))
    rows = [
        ("Ann", "Lee", "5128675309", "ann@example.com", "Austin"),
        ("Bob", "Lee", "5128675310", "bob@example.com", "Dallas"),
        ("Cara", "Leeds", "7375550101", "cara@mail.example.org", "Austin"),
        ("Dan", "Smith", "5128670000", "dan@example.com", "Austin"),
        ("Lee", "Adams", "", "lee@adams.example.org", "Waco"),
    ]
    made = {}
    for first, last, phone, email, city in rows:
        made[first] = new(first_name=first, last_name=last, phone_mobile=phone, email=email, city=city)
    return made


def names(result):
    return [c.first_name for c in result]


def test_search_by_name_prefix_matches_first_or_last(people):
    assert names(search_clients(ClientQuery(name="lee"))) == ["Lee", "Ann", "Bob", "Cara"]  # by last, first
    assert names(search_clients(ClientQuery(name="Lee, Ann"))) == ["Ann"]
    assert names(search_clients(ClientQuery(name="smi"))) == ["Dan"]
    assert search_clients(ClientQuery(name="zzz")) == []


def test_search_by_phone_email_city(people):
    assert names(search_clients(ClientQuery(phone="(512) 867"))) == ["Ann", "Bob", "Dan"]
    assert names(search_clients(ClientQuery(phone="+1 512-867-5309"))) == ["Ann"]
    assert names(search_clients(ClientQuery(email="CARA@"))) == ["Cara"]
    assert names(search_clients(ClientQuery(city="aus"))) == ["Ann", "Cara", "Dan"]


def test_search_fields_combine(people):
    assert names(search_clients(ClientQuery(name="lee", city="austin"))) == ["Ann", "Cara"]
    assert names(search_clients(ClientQuery(name="lee", city="austin", phone="737"))) == ["Cara"]
    assert names(search_clients(ClientQuery(name="lee", email="bob"))) == ["Bob"]
    assert clients.count_clients(ClientQuery(name="lee", city="austin")) == 2
    assert ClientQuery().is_empty and not ClientQuery(city="x").is_empty


def test_keyset_paging_visits_everyone_once_in_order(db):
    for i in range(37):
        save_client(None, {"first_name": f"Kid{i % 5}", "last_name": "Same" if i % 2 else f"Name{i % 7}"},
                    allow_duplicate=True)
    everyone = search_clients(ClientQuery(), limit=500)
    assert len(everyone) == 37
    seen, after = [], None
    while True:
        page = search_clients(ClientQuery(), limit=10, after=after)
        if not page:
            break
        assert len(page) <= 10
        seen += page
        after = page[-1]
    assert [c.id for c in seen] == [c.id for c in everyone]
    keys = [(c.last_key, c.first_key, c.id) for c in seen]
    assert keys == sorted(keys)
    assert clients.total_clients() == 37 and clients.count_clients(ClientQuery(), cap=20) == 20


def test_family_members(studio):
    member = clients.add_family_member(studio.client, "  ava ", relationship="Child", birthday="05/01/2015")
    assert (member.first_name, member.last_name, member.birthday) == ("Ava", "Lee", dt.date(2015, 5, 1))
    second = clients.add_family_member(studio.client, "Max")
    assert clients.family_of(studio.client) == [member, second]  # in the order they were added
    with pytest.raises(ValidationError):
        clients.add_family_member(studio.client, "")
    with pytest.raises(ValidationError):
        clients.add_family_member(studio.client, "Max", birthday="31/31/2020")
    clients.remove_family_member(member)
    clients.remove_family_member(second)
    assert clients.family_of(studio.client) == []
    assert [r.action for r in AuditLog.select().where(AuditLog.action.startswith("family."))] == [
        "family.add", "family.add", "family.remove", "family.remove"]
