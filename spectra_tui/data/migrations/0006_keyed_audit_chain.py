"""The studio gets an id and a key (kept outside the database, see
data/studio_key.py), and its audit chain is keyed from here on.

A studio with history gets one "audit.keyed" entry linking to the head of its
unkeyed chain, then one "audit.seal" entry per invoice and ledger row with the
hash of its state now. Tampering before this upgrade cannot be detected
afterwards; any later change behind the app's back can. (Unlike the schema
migrations this one runs the current audit code: keying is done once, by the
version that introduces it.)
"""
from peewee import *


def up(migrator, db):
    class StudioIdentity(Model):
        studio_id = CharField(primary_key=True)
        keyed_after = IntegerField(default=0)
        legacy_head = CharField()
        legacy_count = IntegerField(default=0)
        seal = CharField()
        class Meta:
            database = db
            table_name = 'studio_identity'
    db.create_tables([StudioIdentity])

    from spectra_tui.data.audit import key_the_chain

    key_the_chain()


def down(migrator, db):
    migrator.migrate(migrator.drop_table('studio_identity'))
