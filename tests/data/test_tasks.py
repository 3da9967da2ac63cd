"""The Tasks hub's rules (issue 15): a task's priority and the session it is
about (its client follows); the views (mine, everyone's, overdue, upcoming,
done) by priority then due day, paged from SQL with keyset queries that use
an index; a task due Friday with no client is listed."""
import datetime as dt

import pytest

from spectra_tui.data import sessions, tasks
from spectra_tui.data.clock import set_clock, to_utc
from spectra_tui.data.errors import ValidationError
from spectra_tui.data.models import AuditLog, Task
from spectra_tui.data.tasks import TaskFields, TaskQuery

NOW = dt.datetime(2026, 11, 26, 10, 0)  # a Thursday
TODAY = NOW.date()
FRIDAY = dt.date(2026, 11, 27)


@pytest.fixture
def desk(studio):
    set_clock(lambda: to_utc(NOW))
    studio.session = sessions.create_session(studio.client, studio.photographer, studio.session_type,
                                             dt.datetime(2026, 12, 2, 10, 0))
    return studio


def titles(view, limit=500):
    return [t.title for t in tasks.search_tasks(TaskQuery(view), limit)]


def every_page(view, limit):
    """The view read page by page (keyset): the titles in order."""
    shown, after = [], None
    while True:
        page = tasks.search_tasks(TaskQuery(view), limit, after)
        shown += [t.title for t in page]
        if len(page) < limit:
            return shown
        after = page[-1]


def test_a_task_has_a_priority_normal_unless_typed(desk):
    assert tasks.create_task(TaskFields("Plain")).priority == Task.NORMAL
    assert tasks.create_task(TaskFields("Urgent", priority="High")).priority == Task.HIGH
    low = tasks.create_task(TaskFields("Someday", priority=" l "))
    assert low.priority == Task.LOW and low.priority_name == "low"
    with pytest.raises(ValidationError, match="not a priority") as refused:
        tasks.create_task(TaskFields("Odd", priority="urgent"))
    assert refused.value.field == "priority"
    assert Task.select().count() == 3


def test_a_task_about_a_session_is_about_its_client_too(desk):
    task = tasks.create_task(TaskFields("Send the proofs", session=str(desk.session.number)))
    assert (task.session_id, task.client_id) == (desk.session.id, desk.client.id)
    from_record = tasks.create_task(TaskFields("Album", session=f"#{desk.session.number}"), client=desk.client)
    assert from_record.client_id == desk.client.id
    for typed, words in [("abc", "not a session number"), ("99999", "no session number 99999")]:
        with pytest.raises(ValidationError, match=words) as refused:
            tasks.create_task(TaskFields("Call", session=typed))
        assert refused.value.field == "session"


def test_a_session_of_another_client_is_refused(desk):
    from spectra_tui.data import clients
    other = clients.save_client(None, {"first_name": "bo", "last_name": "kim"})
    with pytest.raises(ValidationError, match="Session .* is Ann Lee's, not Bo Kim's"):
        tasks.create_task(TaskFields("Call", session=str(desk.session.number)), client=other)
    task = tasks.create_task(TaskFields("Call"), client=other)
    with pytest.raises(ValidationError, match="not Bo Kim's"):
        tasks.update_task(task, TaskFields("Call", session=str(desk.session.number)))
    assert Task.get_by_id(task.id).session_id is None


def test_an_edit_sets_priority_session_and_person_and_is_audited_and_versioned(desk):
    task = tasks.create_task(TaskFields("Call Ann", due="fri"))
    stale = Task.get_by_id(task.id)
    edited = tasks.update_task(task, TaskFields("Call Ann", due="fri", priority="high", assigned_to="ava",
                                                session=str(desk.session.number)))
    stored = Task.get_by_id(task.id)
    assert (stored.priority, stored.session_id, stored.client_id, stored.assigned_to.username) == (
        Task.HIGH, desk.session.id, desk.client.id, "ava")
    assert edited.version == stale.version + 1
    from spectra_tui.data.versions import ChangedElsewhere
    with pytest.raises(ChangedElsewhere):
        tasks.update_task(stale, TaskFields("Call Ann later"))
    edit = AuditLog.select().where(AuditLog.action == "task.edit").get()
    assert "priority" in edit.after and "session" in edit.after
    cleared = tasks.update_task(edited, TaskFields("Call Ann", due="fri"))  # the session taken off: the client stays
    assert (cleared.session_id, cleared.client_id, cleared.priority) == (None, desk.client.id, Task.NORMAL)


def test_a_task_due_friday_with_no_client_is_listed(desk):
    tasks.create_task(TaskFields("Order frames", due="fri"))
    assert titles(tasks.EVERYONE) == ["Order frames"]
    assert titles(tasks.UPCOMING_7) == ["Order frames"]
    assert titles(tasks.OVERDUE) == [] and titles(tasks.MINE) == []


def test_the_views_by_priority_then_due_day_undated_last(desk):
    make = lambda title, **kw: tasks.create_task(TaskFields(title, **kw))  # noqa: E731
    make("late low", due="11/20", priority="low", assigned_to="rita")
    make("late high", due="11/24", priority="high")
    make("today normal", due="today", assigned_to="rita")
    make("undated high", priority="high", assigned_to="rita")
    make("in 10 days", due="+10d", priority="high")
    make("in 40 days", due="+40d")
    make("undated normal")
    tasks.complete_task(make("done first", due="11/01"))
    set_clock(lambda: to_utc(NOW + dt.timedelta(minutes=5)))
    tasks.complete_task(make("done second", due="+1d"))
    set_clock(lambda: to_utc(NOW))
    assert titles(tasks.EVERYONE) == ["late high", "in 10 days", "undated high", "today normal", "in 40 days",
                                      "undated normal", "late low"]
    assert titles(tasks.MINE) == ["undated high", "today normal", "late low"]  # rita is signed in
    assert titles(tasks.OVERDUE) == ["late high", "late low"]
    assert titles(tasks.UPCOMING_7) == ["today normal"]
    assert titles(tasks.UPCOMING_30) == ["in 10 days", "today normal"]
    assert titles(tasks.DONE) == ["done second", "done first"]
    for view in tasks.VIEWS:
        assert tasks.count_tasks(TaskQuery(view)) == len(titles(view))
        for limit in (1, 2, 3):
            assert every_page(view, limit) == titles(view), (view, limit)
    with pytest.raises(ValidationError, match="Show one of"):
        tasks.search_tasks(TaskQuery("someday"))


def test_done_and_reopen_move_a_task_between_the_views(desk):
    task = tasks.create_task(TaskFields("Frame it", due="11/25"))
    assert titles(tasks.OVERDUE) == ["Frame it"]
    task = tasks.complete_task(task)
    assert titles(tasks.OVERDUE) == [] and titles(tasks.DONE) == ["Frame it"]
    tasks.reopen_task(task)
    assert titles(tasks.OVERDUE) == ["Frame it"] and titles(tasks.DONE) == []
    assert tasks.is_overdue(Task.get_by_id(task.id)) and not tasks.is_overdue(task, dt.date(2026, 11, 25))


def test_a_page_reads_the_client_session_and_person_with_it(desk):
    tasks.create_task(TaskFields("Proofs", session=str(desk.session.number), assigned_to="ava"))
    (row,) = tasks.search_tasks(TaskQuery(tasks.EVERYONE))
    assert {"client", "session", "assigned_to"} <= set(row.__rel__)  # joined: no query per row
    assert (row.client.full_name, row.session.number, row.assigned_to.username) == (
        "Ann Lee", desk.session.number, "ava")


@pytest.mark.parametrize("view, index", [
    (tasks.EVERYONE, "task_done_at_priority_due_id"),
    (tasks.OVERDUE, "task_done_at_priority_due_id"),
    (tasks.UPCOMING_30, "task_done_at_priority_due_id"),
    (tasks.MINE, "task_assigned_to_id_done_at_priority_due_id"),
    (tasks.DONE, "task_done_at_id"),
])
def test_the_views_use_an_index(desk, view, index):
    if "Sqlite" not in type(desk.db).__name__:
        pytest.skip("SQLite's query plan")
    select = tasks._where(tasks._joined(), view, TODAY)
    if view == tasks.DONE:
        select = select.order_by(Task.done_at.desc(), Task.id.desc())
    else:
        select = select.where((Task.priority == Task.HIGH) & Task.due.is_null(False)).order_by(Task.due, Task.id)
    sql, params = select.limit(50).sql()
    plan = " ".join(str(row) for row in desk.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_assign_names_a_person_or_anyone_and_is_audited(desk):
    task = tasks.create_task(TaskFields("Call Ann"))
    task = tasks.assign_task(task, "Ava Reyes")
    assert Task.get_by_id(task.id).assigned_to.username == "ava"
    with pytest.raises(ValidationError, match="No active user named 'zed'") as refused:
        tasks.assign_task(task, "zed")
    assert refused.value.field == "assigned_to"
    task = tasks.assign_task(task, "")
    assert Task.get_by_id(task.id).assigned_to_id is None
    assert AuditLog.select().where(AuditLog.action == "task.assign").count() == 2


def test_tasks_made_before_0015_are_normal_and_about_no_session(db_target):
    """A studio upgraded to 0015: its tasks keep everything and are normal priority, about no session."""
    from peewee import Table
    from playhouse.migrations import Runner

    from spectra_tui.data import db as dbmod
    from spectra_tui.data.models import database

    old = dbmod.make_database(db_target, create=True)
    database.initialize(old)
    old.connect()
    try:
        Runner(old, directory=str(dbmod.MIGRATIONS_DIR)).up(target="0013_production_orders")
        Table("task").bind(old).insert(title="Order frames", notes="", due=dt.date(2026, 11, 27), created_by="rita",
                                       created_at=dt.datetime(2026, 11, 20, 9, 0), done_by="", version=1).execute()
    finally:
        old.close()
    dbmod.open_database(db_target)  # the program opens it: 0015 runs
    try:
        task = Task.get()
        assert (task.title, task.due, task.priority, task.session_id) == (
            "Order frames", dt.date(2026, 11, 27), Task.NORMAL, None)
        assert "0015_task_priority_session" in Runner(database.obj, directory=str(dbmod.MIGRATIONS_DIR)).applied()
    finally:
        dbmod.close_database()
