"""Tasks and phone calls (frozen copy of the models as they were added)."""
from peewee import *
import datetime


def up(migrator, db):
    class Client(Model):
        class Meta:
            database = db
            table_name = 'client'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Task(Model):
        title = CharField()
        notes = TextField(default='')
        due = DateField(null=True)
        client = ForeignKeyField(Client, null=True, on_delete='RESTRICT')
        assigned_to = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_by = CharField(default='')
        created_at = DateTimeField()
        done_at = DateTimeField(null=True)
        done_by = CharField(default='')
        class Meta:
            database = db
            table_name = 'task'
            indexes = ((('done_at', 'due', 'id'), False),)

    class PhoneCall(Model):
        client = ForeignKeyField(Client, on_delete='RESTRICT')
        direction = CharField(default='in')
        at = DateTimeField()
        subject = CharField()
        notes = TextField(default='')
        user_name = CharField(default='')
        class Meta:
            database = db
            table_name = 'phone_call'
            indexes = ((('client', 'at'), False),)

    db.create_tables([Task, PhoneCall])
