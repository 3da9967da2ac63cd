"""End of Day (issue 17): the posted days. Each post and each unlock is a
row of its own (never changed); the latest row of a day says whether its
books are posted."""
from peewee import *


def up(migrator, db):
    class DayPost(Model):
        id = AutoField()
        day = DateField()
        action = CharField()
        at = DateTimeField()
        by = CharField(default='')
        payments_cents = IntegerField(default=0)
        refunds_cents = IntegerField(default=0)
        cash_expected_cents = IntegerField(default=0)
        cash_counted_cents = IntegerField(null=True)
        note = TextField(default='')
        audit_entry_id = IntegerField(null=True)
        audit_hash = CharField(default='')

        class Meta:
            database = db
            table_name = 'day_post'
            indexes = ((('day', 'id'), False),)

    db.create_tables([DayPost])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "day_post"')
