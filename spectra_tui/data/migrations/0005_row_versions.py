"""Row versions for optimistic concurrency: clients, sessions, appointments,
invoices, invoice lines and tasks get ``version`` (1 for every existing row).
An update writes only what changed, where the version is still the one the
terminal loaded, and adds 1 (see data/versions.py)."""
from peewee import *

TABLES = ("client", "session", "appointment", "invoice", "invoice_line", "task")


def up(migrator, db):
    for table in TABLES:
        # NOT NULL DEFAULT 1 in one ALTER TABLE: no table rebuild on SQLite.
        field = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])
        migrator.migrate(migrator.add_column(table, "version", field, allow_not_null=True))


def down(migrator, db):
    migrator.migrate(*[migrator.drop_column(table, "version") for table in TABLES])
