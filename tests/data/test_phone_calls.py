"""The Phone Calls hub's data (issue 15): a call-back task names its call;
the lists of every call, today's (the studio's today), the follow-ups due,
one staff member's and a search, each paged from SQL by keyset and served
by an index; migration 0014 links the call-back tasks made before it."""
import datetime as dt

import pytest

from spectra_tui.data import clients, phone_calls, tasks
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import PhoneCall, Task
from spectra_tui.data.phone_calls import CallQuery
from spectra_tui.data.tasks import TaskFields
from spectra_tui.data.users import sign_in

NOW = dt.datetime(2026, 11, 26, 10, 0)  # a Thursday
TODAY = NOW.date()


@pytest.fixture
def desk(studio):
    set_clock(lambda: to_utc(NOW))
    studio.bob = clients.save_client(None, {"first_name": "Bob", "last_name": "Marsh", "phone_mobile": "5125550101"})
    return studio


def every(query: CallQuery, page: int = 2) -> list[str]:
    """The subjects of every page of ``query``, ``page`` calls at a time."""
    found, after = [], None
    while batch := phone_calls.search_calls(query, limit=page, after=after):
        found += batch
        after = batch[-1]
    return [call.subject for call in found]


def test_a_call_back_task_names_its_call_and_a_call_without_one_has_none(desk):
    asked = phone_calls.log_call(desk.client, "Album choice", follow_up="mon")
    plain = phone_calls.log_call(desk.client, "Thanks")
    task = Task.get()
    assert task.phone_call_id == asked.id and task.client_id == desk.client.id
    assert phone_calls.get_call(asked.id).follow_up.id == task.id
    assert phone_calls.get_call(plain.id).follow_up is None
    tasks.create_task(TaskFields("Call back Ann Lee: Thanks", due="today"), client=desk.client)  # typed by hand
    assert phone_calls.get_call(plain.id).follow_up is None  # a title does not make a call-back


def test_every_call_newest_first_in_pages_with_its_client(desk):
    for hour, client in ((8, desk.client), (9, desk.bob), (9, desk.client)):
        phone_calls.log_call(client, f"{client.first_name} at {hour}", at=NOW.replace(hour=hour))
    phone_calls.log_call(desk.bob, "last week", at=NOW - dt.timedelta(days=7))
    assert every(CallQuery()) == ["Ann at 9", "Bob at 9", "Ann at 8", "last week"]
    assert phone_calls.count_calls(CallQuery()) == 4
    first = phone_calls.search_calls(CallQuery(), limit=1)[0]
    assert first.client.full_name == "Ann Lee"  # joined: no query per row


def test_today_is_the_studio_s_today(desk):
    phone_calls.log_call(desk.client, "late last night", at=dt.datetime(2026, 11, 25, 23, 59))
    phone_calls.log_call(desk.client, "first thing", at=NOW.replace(hour=0, minute=0))
    phone_calls.log_call(desk.client, "this morning", at=NOW.replace(hour=9))
    assert every(CallQuery("today")) == ["this morning", "first thing"]
    assert phone_calls.count_calls(CallQuery("today")) == 2
    set_clock(lambda: to_utc(dt.datetime(2026, 11, 27, 8, 0)))  # the next day: nothing yet
    assert every(CallQuery("today")) == []


def test_follow_ups_due_are_the_open_call_backs_due_today_or_earlier(desk):
    set_clock(lambda: to_utc(NOW - dt.timedelta(days=5)))
    phone_calls.log_call(desk.client, "overdue", follow_up="11/23")
    set_clock(lambda: to_utc(NOW))
    phone_calls.log_call(desk.bob, "due today", follow_up="today")
    phone_calls.log_call(desk.client, "due today too", follow_up="today")
    phone_calls.log_call(desk.client, "next week", follow_up="+7d")
    phone_calls.log_call(desk.client, "no call back")
    done = phone_calls.log_call(desk.bob, "done already", follow_up="today")
    tasks.complete_task(Task.get(Task.phone_call == done.id))
    tasks.create_task(TaskFields("Order the frames", due="today"), client=desk.client)  # not a call-back
    assert every(CallQuery("follow_ups"), page=1) == ["overdue", "due today", "due today too"]
    assert every(CallQuery("follow_ups"), page=2) == ["overdue", "due today", "due today too"]
    assert phone_calls.count_calls(CallQuery("follow_ups")) == 3
    row = phone_calls.search_calls(CallQuery("follow_ups"))[0]
    assert row.follow_up.due == dt.date(2026, 11, 23) and row.follow_up.done_at is None
    tasks.complete_task(row.follow_up)
    assert every(CallQuery("follow_ups")) == ["due today", "due today too"]


def test_a_staff_member_s_calls_are_the_ones_they_logged(desk):
    phone_calls.log_call(desk.client, "Rita's")
    sign_in(desk.photographer)
    phone_calls.log_call(desk.bob, "Ava's", follow_up="today")
    assert every(CallQuery(staff="ava")) == ["Ava's"]
    assert every(CallQuery(staff="rita")) == ["Rita's"]
    assert every(CallQuery("follow_ups", staff="rita")) == []
    assert every(CallQuery("follow_ups", staff="ava")) == ["Ava's"]
    assert ("ava", "Ava Reyes") in phone_calls.staff_names() and ("rita", "Rita Gomez") in phone_calls.staff_names()


def test_the_search_reads_the_client_s_name_the_subject_and_the_notes(desk):
    phone_calls.log_call(desk.client, "Prices of canvas", notes="wants 16x20")
    phone_calls.log_call(desk.bob, "Reschedule", notes="kids are sick; maybe the 12th")
    phone_calls.log_call(desk.bob, "100% sure about the album")
    assert every(CallQuery(text="marsh")) == ["100% sure about the album", "Reschedule"]  # last name
    assert every(CallQuery(text="BO")) == ["100% sure about the album", "Reschedule"]  # a first name's start
    assert every(CallQuery(text="canvas")) == ["Prices of canvas"]  # the subject
    assert every(CallQuery(text="SICK")) == ["Reschedule"]  # the notes, whatever the case
    assert every(CallQuery(text="bob sick")) == ["Reschedule"]  # every word
    assert every(CallQuery(text="100%")) == ["100% sure about the album"]  # % is a character, not a wildcard
    assert every(CallQuery(text="%")) == ["100% sure about the album"]
    assert every(CallQuery(text="ann 16x20")) == ["Prices of canvas"]
    assert every(CallQuery("today", text="lee")) == ["Prices of canvas"]
    assert phone_calls.count_calls(CallQuery(text="marsh")) == 2


def test_a_search_with_many_matches_walks_the_list_in_order_with_the_same_answer(desk, monkeypatch):
    """Few matches are gathered in one pass and sorted, many are walked in the
    list's order: both give the same calls in the same order, page by page."""
    for hour in (8, 9, 10):
        phone_calls.log_call(desk.client, f"Prices {hour}", at=NOW.replace(hour=hour), follow_up="today")
        phone_calls.log_call(desk.bob, f"Frames {hour}", at=NOW.replace(hour=hour))
    queries = [CallQuery(text="prices"), CallQuery(text="lee"), CallQuery("follow_ups", text="prices"),
               CallQuery("today", text="o")]
    few = [every(query) for query in queries]
    assert phone_calls._few_matches(queries[0], TODAY) is not None
    monkeypatch.setattr(phone_calls, "FEW_MATCHES", 2)
    assert phone_calls._few_matches(queries[0], TODAY) is None
    assert [every(query) for query in queries] == few
    assert few[0] == ["Prices 10", "Prices 9", "Prices 8"] and few[2] == ["Prices 8", "Prices 9", "Prices 10"]


def test_a_list_that_does_not_exist_is_refused_with_a_message(desk):
    with pytest.raises(ValidationError, match="Show one of"):
        phone_calls.search_calls(CallQuery("tomorrow"))


def plan(db, select) -> str:
    sql, params = select.sql()
    return " ".join(str(row) for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_each_list_walks_an_index(desk):
    """Each list is read in its order from an index (a page of 100,000 clients'
    calls is never gathered and sorted): SQLite's query plan says which."""
    if "Sqlite" not in type(desk.db).__name__:
        pytest.skip("SQLite's query plan")
    phone_calls.log_call(desk.client, "Prices", follow_up="today")

    def listed(query: CallQuery) -> str:
        select = phone_calls._where(phone_calls._joined(), query, TODAY)
        if query.show == "follow_ups":
            return plan(desk.db, select.order_by(Task.due, Task.id))
        return plan(desk.db, select.order_by(PhoneCall.at.desc(), PhoneCall.id.desc()))

    assert "phone_call_at_id" in listed(CallQuery()), listed(CallQuery())
    assert "at_id (at>? AND at<?)" in listed(CallQuery("today"))
    assert "user_name_at_id (user_name=?)" in listed(CallQuery(staff="rita"))
    follow_ups = listed(CallQuery("follow_ups"))
    assert "done_at_due_id (done_at=? AND due<?)" in follow_ups, follow_ups
    for query in (CallQuery(), CallQuery("today"), CallQuery(staff="rita"), CallQuery("follow_ups")):
        assert "TEMP B-TREE" not in listed(query), (query, listed(query))


# ---------------------------------------------------------------- migration 0014

def test_the_call_backs_made_before_0014_are_linked_to_their_calls(db_target):
    """A studio that logged calls before 0014: each "Call back" task made with
    its call is linked to it; a task typed by hand, or by someone else, stays a plain task."""
    from old_schema import models_as_of
    from peewee import Table
    from playhouse.migrations import Runner

    from spectra_tui.data import db as dbmod
    from spectra_tui.data.models import Client, database

    old = dbmod.make_database(db_target, create=True)
    database.initialize(old)
    old.connect()
    try:
        Runner(old, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0013_production_orders")
        with models_as_of(old, Client, PhoneCall):
            client = Client.create(first_name="Ann", last_name="Lee")
            calls = [PhoneCall.create(client=client, at=NOW, subject=subject, user_name=user).id
                     for subject, user in (("Album", "rita"), ("Album", "ava"), ("Prices", "rita"))]
        task_table = Table("task").bind(old)
        for title, user in (("Call back Ann Lee: Album", "ava"), ("Call back Ann Lee: Prices", "rita"),
                            ("Call back Ann Lee: about the frames", "rita"), ("Call back Ann Lee: Album", "kim")):
            task_table.insert(title=title, notes="", client_id=client.id, created_by=user, created_at=NOW,
                              done_by="", version=1).execute()
    finally:
        old.close()
    dbmod.open_database(db_target)  # the program opens it: 0014 runs
    try:
        linked = [(t.title, t.created_by, t.phone_call_id) for t in Task.select().order_by(Task.id)]
        assert linked == [
            ("Call back Ann Lee: Album", "ava", calls[1]),
            ("Call back Ann Lee: Prices", "rita", calls[2]),
            ("Call back Ann Lee: about the frames", "rita", None),
            ("Call back Ann Lee: Album", "kim", None),
        ]
    finally:
        dbmod.close_database()
