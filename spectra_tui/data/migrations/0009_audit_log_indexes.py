"""The audit log's lookups (the Audit Log screen, a record's history): by
record, and by user, newest first, without reading the whole log."""
from peewee import *


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "audit_log_entity_entity_id_id" ON "audit_log" ("entity", "entity_id", "id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "audit_log_user_name_id" ON "audit_log" ("user_name", "id")')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "audit_log_entity_entity_id_id"')
    db.execute_sql('DROP INDEX IF EXISTS "audit_log_user_name_id"')
