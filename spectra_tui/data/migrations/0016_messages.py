"""Messages (issue 15): message templates, the outbox, the reminders queued
(one per session and template: a unique index, whatever two senders do at
once), and the clients' do-not-email / do-not-text flags. Applies after 0013
whatever 0014 and 0015 hold (it touches none of their tables)."""
from peewee import *


def up(migrator, db):
    class Client(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = 'client'

    class Session(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = 'session'

    class MessageTemplate(Model):
        id = AutoField()
        version = IntegerField(default=1)
        name = CharField(unique=True)
        channel = CharField()
        subject = CharField(default='')
        body = TextField()
        reminder_days = IntegerField(null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'message_template'

    class Message(Model):
        id = AutoField()
        channel = CharField()
        client = ForeignKeyField(Client, backref='messages', on_delete='RESTRICT')
        session = ForeignKeyField(Session, null=True, backref='messages', on_delete='SET NULL')
        template = ForeignKeyField(MessageTemplate, null=True, backref='messages', on_delete='SET NULL')
        recipient = CharField()
        subject = CharField(default='')
        body = TextField()
        status = CharField(default='queued')
        attempts = IntegerField(default=0)
        round_attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        claimed_until = DateTimeField(null=True)
        last_answer = TextField(default='')
        sent_at = DateTimeField(null=True)
        created_at = DateTimeField()
        created_by = CharField(default='')

        class Meta:
            database = db
            table_name = 'message'
            indexes = (
                (('status', 'id'), False),
                (('status', 'next_attempt_at'), False),
                (('client', 'id'), False),
            )

    class ReminderSent(Model):
        id = AutoField()
        session = ForeignKeyField(Session, backref='reminders_sent', on_delete='CASCADE')
        template = ForeignKeyField(MessageTemplate, backref='reminders_sent', on_delete='CASCADE')
        message = ForeignKeyField(Message, null=True, backref='reminder', on_delete='SET NULL')
        queued_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'reminder_sent'
            indexes = ((('session', 'template'), True),)

    db.create_tables([MessageTemplate, Message, ReminderSent])
    migrator.migrate(
        migrator.add_column('client', 'do_not_email',
                            BooleanField(default=False, constraints=[SQL('DEFAULT FALSE')]), allow_not_null=True),
        migrator.add_column('client', 'do_not_text',
                            BooleanField(default=False, constraints=[SQL('DEFAULT FALSE')]), allow_not_null=True),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('client', 'do_not_text'), migrator.drop_column('client', 'do_not_email'))
    db.execute_sql('DROP TABLE reminder_sent')
    db.execute_sql('DROP TABLE message')
    db.execute_sql('DROP TABLE message_template')
