"""The time clock (issue 12): time entries (frozen copy of the model as it
was added). A partial unique index keeps one open entry per user, whatever
two terminals do at the same moment."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class TimeEntry(Model):
        version = IntegerField(default=1)
        user = ForeignKeyField(User, on_delete='RESTRICT')
        code = CharField(default='regular')
        started_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        note = TextField(default='')
        created_by = CharField(default='')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'time_entry'
            indexes = ((('user', 'started_at'), False),)

    TimeEntry.add_index(TimeEntry.index(TimeEntry.user, unique=True, where=TimeEntry.ended_at.is_null(),
                                        name='time_entry_one_open_per_user'))
    db.create_tables([TimeEntry])


def down(migrator, db):
    db.execute_sql('DROP TABLE time_entry')
