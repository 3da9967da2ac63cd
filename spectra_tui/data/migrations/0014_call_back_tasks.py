"""The Phone Calls hub (issue 15): a call-back task names its call
(task.phone_call_id), so the hub lists the follow-ups due by that link and
not by a title; the hub's lists of calls by time and by staff member get
their indexes.

Call-back tasks made before this migration are linked to their call when
one is plainly theirs: same client, made by the person who logged the call,
titled "Call back <name>: <the call's subject>" (data/phone_calls.log_call's
title). A task whose title was edited since stays unlinked (still a task).
"""
from peewee import *


def up(migrator, db):
    class PhoneCall(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = 'phone_call'

    migrator.migrate(
        migrator.add_column('task', 'phone_call_id',
                            ForeignKeyField(PhoneCall, null=True, field=PhoneCall.id, on_delete='SET NULL')),  # indexed too
        migrator.add_index('phone_call', ('at', 'id'), False),
        migrator.add_index('phone_call', ('user_name', 'at', 'id'), False),
    )
    _link_call_back_tasks(db)


def _link_call_back_tasks(db):
    p = db.param
    tasks = db.execute_sql(
        "SELECT id, client_id, title, created_by FROM task "
        f"WHERE phone_call_id IS NULL AND client_id IS NOT NULL AND title LIKE {p} ORDER BY id",
        ('Call back %',),  # a parameter: PostgreSQL's driver reads a % in the SQL text as one
    ).fetchall()
    linked = set()
    for task_id, client_id, title, created_by in tasks:
        calls = db.execute_sql(
            f"SELECT id, subject, user_name FROM phone_call WHERE client_id = {p} ORDER BY id DESC", (client_id,)
        ).fetchall()
        for call_id, subject, user_name in calls:
            if call_id not in linked and user_name == created_by and title.endswith(f": {subject}"):
                db.execute_sql(f"UPDATE task SET phone_call_id = {p} WHERE id = {p}", (call_id, task_id))
                linked.add(call_id)
                break


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('phone_call', 'phone_call_user_name_at_id'),
        migrator.drop_index('phone_call', 'phone_call_at_id'),
        migrator.drop_index('task', 'task_phone_call_id'),
        migrator.drop_column('task', 'phone_call_id'),
    )
