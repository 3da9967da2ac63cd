"""The Tasks hub (issue 15): a task's priority (1 low, 2 normal, 3 high) and
the session it may be about; the indexes of the hub's lists (open tasks by
priority then due day, everyone's or one person's; done ones, the latest
first). Applies after 0014 whatever that one holds (it touches none of these
columns)."""
from peewee import *


def up(migrator, db):
    class Session(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = 'session'

    migrator.migrate(
        migrator.add_column('task', 'priority', IntegerField(default=2, constraints=[SQL('DEFAULT 2')]),
                            allow_not_null=True),
        migrator.add_column('task', 'session_id',
                            ForeignKeyField(Session, null=True, field=Session.id, on_delete='RESTRICT')),
    )
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_done_at_priority_due_id" ON "task" ("done_at", "priority", "due", "id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_assigned_to_id_done_at_priority_due_id" '
                   'ON "task" ("assigned_to_id", "done_at", "priority", "due", "id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_done_at_id" ON "task" ("done_at", "id")')


def down(migrator, db):
    for index in ('task_done_at_priority_due_id', 'task_assigned_to_id_done_at_priority_due_id', 'task_done_at_id'):
        db.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
    migrator.migrate(migrator.drop_column('task', 'session_id'), migrator.drop_column('task', 'priority'))
