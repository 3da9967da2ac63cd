"""Quick Sale (issue 14): the built-in walk-in client. A client column
``walk_in``; a partial unique index keeps one walk-in per studio, whatever
two terminals do at the same moment (data/quick_sale.py makes it when first
needed)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('client', 'walk_in',
                            BooleanField(default=False, constraints=[SQL('DEFAULT FALSE')]), allow_not_null=True),
    )
    db.execute_sql('CREATE UNIQUE INDEX client_one_walk_in ON client (walk_in) WHERE walk_in')


def down(migrator, db):
    db.execute_sql('DROP INDEX client_one_walk_in')
    migrator.migrate(migrator.drop_column('client', 'walk_in'))
