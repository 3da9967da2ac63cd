"""Prepare images (issue 13): a session image gets a favourite mark, a hidden
mark, a position in the presentation order (NULL: not placed yet) and a row
version, so two terminals preparing the same session never overwrite each
other (data/versions.py)."""
from peewee import *


def up(migrator, db):
    columns = (
        ("version", IntegerField(default=1, constraints=[SQL("DEFAULT 1")])),
        ("favourite", BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])),
        ("hidden", BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])),
    )
    migrator.migrate(
        *[migrator.add_column("session_image", name, field, allow_not_null=True) for name, field in columns],
        migrator.add_column("session_image", "position", IntegerField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        *[migrator.drop_column("session_image", name) for name in ("version", "favourite", "hidden", "position")]
    )
