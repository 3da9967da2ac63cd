"""Client search on PostgreSQL (issue 18): the search keys compare by code point.

Client search (data/clients.py) reads prefix ranges of the lower-case keys
and sorts by them, in code point order: SQLite's BINARY collation. On
PostgreSQL the columns had the database's collation (en_US.UTF-8 often),
which orders otherwise ("a-c" between "ab" and "ac": punctuation counts
last), so a range held other names and a page another order than on SQLite.

The columns get COLLATE "C" (byte order of UTF-8, which is code point
order), and PostgreSQL rebuilds their indexes (one per key, and last_key,
first_key, id) under it: the same plain btrees then serve the ranges, the
ORDER BY and the keyset's row comparison. Not ``text_pattern_ops`` indexes:
those serve only LIKE and the ~>=~ operators, not the ``>=``/``<`` and the
ORDER BY the search writes, which would still follow the database's
collation. SQLite is unchanged (BINARY already).
"""
from peewee import PostgresqlDatabase

KEYS = ('first_key', 'last_key', 'email_key', 'city_key', 'phone_key', 'phone2_key')


def _collate(db, collation):
    if not isinstance(db, PostgresqlDatabase):
        return
    changes = ', '.join(f'ALTER COLUMN {key} TYPE VARCHAR(255) COLLATE {collation}' for key in KEYS)
    db.execute_sql(f'ALTER TABLE client {changes}')


def up(migrator, db):
    _collate(db, '"C"')


def down(migrator, db):
    _collate(db, '"default"')
