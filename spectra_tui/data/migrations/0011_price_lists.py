"""Price lists (issue 13): a price list holds items and packages; a session
type links the list its orders are built from. An item's code becomes unique
within its list. Items gain a group, a cost, hidden (instead of active) and
quick pick; packages their image limits and pose fee; items and session
types a row version, as managers edit them from several terminals.

Existing items and session types go onto one list, "Standard". On SQLite the
new price_list_id column stays nullable in the file (making it NOT NULL would
rebuild the table, and dropping the old one fires the foreign-key actions of
invoice lines and packages); the services always set it.
"""
import sqlite3

from peewee import *
from peewee import PostgresqlDatabase


def up(migrator, db):
    class PriceList(Model):
        id = AutoField()
        version = IntegerField(default=1)
        name = CharField(unique=True)
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = 'price_list'

    db.create_tables([PriceList])
    has_catalog = (db.execute_sql('SELECT COUNT(*) FROM price_item').fetchone()[0]
                   or db.execute_sql('SELECT COUNT(*) FROM session_type').fetchone()[0])
    standard = PriceList.create(name='Standard').id if has_catalog else None

    def flag(default):
        return BooleanField(default=default, constraints=[SQL(f"DEFAULT {'TRUE' if default else 'FALSE'}")])

    def number(default):
        return IntegerField(default=default, constraints=[SQL(f'DEFAULT {default}')])

    migrator.migrate(
        migrator.add_column('price_item', 'version', number(1), allow_not_null=True),
        migrator.add_column('price_item', 'price_list_id',
                            ForeignKeyField(PriceList, null=True, field=PriceList.id, on_delete='RESTRICT')),
        migrator.add_column('price_item', 'group_name', CharField(default='', constraints=[SQL("DEFAULT ''")]),
                            allow_not_null=True),
        migrator.add_column('price_item', 'cost_cents', number(0), allow_not_null=True),
        migrator.add_column('price_item', 'hidden', flag(False), allow_not_null=True),
        migrator.add_column('price_item', 'quick_pick', flag(False), allow_not_null=True),
        migrator.add_column('price_item', 'min_images', IntegerField(null=True)),
        migrator.add_column('price_item', 'max_images', IntegerField(null=True)),
        migrator.add_column('price_item', 'pose_fee_cents', number(0), allow_not_null=True),
        migrator.add_column('session_type', 'version', number(1), allow_not_null=True),
        migrator.add_column('session_type', 'price_list_id',
                            ForeignKeyField(PriceList, null=True, field=PriceList.id, on_delete='RESTRICT')),
    )
    db.execute_sql('UPDATE price_item SET hidden = NOT active')
    if standard is not None:
        db.execute_sql('UPDATE price_item SET price_list_id = %d' % standard)
        db.execute_sql('UPDATE session_type SET price_list_id = %d' % standard)
    # A package is for one image per component unit at most, from one image on.
    db.execute_sql(
        'UPDATE price_item SET min_images = 1, max_images = (SELECT COALESCE(SUM(quantity), 1) FROM package_item '
        'WHERE package_item.package_id = price_item.id) WHERE is_package'
    )
    if not isinstance(db, PostgresqlDatabase) and sqlite3.sqlite_version_info < (3, 35):
        # older SQLite drops a column by rebuilding the table (see above)
        raise RuntimeError(f'SQLite 3.35 or later is needed to upgrade this database ({sqlite3.sqlite_version} here).')
    operations = [
        migrator.drop_index('price_item', 'priceitem_code'),
        migrator.add_index('price_item', ('price_list_id', 'code'), True),
        migrator.drop_column('price_item', 'active'),
    ]
    if isinstance(db, PostgresqlDatabase):
        operations.append(migrator.add_not_null('price_item', 'price_list_id'))
    migrator.migrate(*operations)


def down(migrator, db):
    migrator.migrate(
        migrator.add_column('price_item', 'active', BooleanField(default=True, constraints=[SQL('DEFAULT TRUE')]),
                            allow_not_null=True),
    )
    db.execute_sql('UPDATE price_item SET active = NOT hidden')
    migrator.migrate(
        migrator.drop_index('price_item', 'price_item_price_list_id_code'),
        migrator.drop_index('price_item', 'price_item_price_list_id'),
        migrator.drop_index('session_type', 'session_type_price_list_id'),
        *[migrator.drop_column('price_item', name) for name in (
            'version', 'price_list_id', 'group_name', 'cost_cents', 'hidden', 'quick_pick', 'min_images',
            'max_images', 'pose_fee_cents')],
        *[migrator.drop_column('session_type', name) for name in ('version', 'price_list_id')],
        migrator.add_index('price_item', ('code',), True),
    )
    db.execute_sql('DROP TABLE price_list')
