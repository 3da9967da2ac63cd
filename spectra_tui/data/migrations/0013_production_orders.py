"""Production (issue 14): a price item names the vendor (lab) that makes it
("" = made in house); production orders, one per vendor of an invoice, with
their lines (the invoice lines the vendor makes), a date for each status and
a due date. Applies after 0012 whatever that one holds (it touches none of
these tables)."""
from peewee import *


def up(migrator, db):
    class Invoice(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = 'invoice'

    class InvoiceLine(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = 'invoice_line'

    class ProductionOrder(Model):
        id = AutoField()
        version = IntegerField(default=1)
        invoice = ForeignKeyField(Invoice, backref='production_orders', on_delete='RESTRICT')
        vendor = CharField()
        status = CharField(default='Ordered')
        ordered_on = DateField()
        at_lab_on = DateField(null=True)
        received_on = DateField(null=True)
        ready_on = DateField(null=True)
        picked_up_on = DateField(null=True)
        cancelled_on = DateField(null=True)
        due_on = DateField()
        cancel_reason = TextField(default='')
        created_at = DateTimeField()
        created_by = CharField(default='')

        class Meta:
            database = db
            table_name = 'production_order'
            indexes = (
                (('status', 'due_on', 'id'), False),
                (('vendor', 'status', 'due_on', 'id'), False),
                (('due_on', 'id'), False),
            )

    class ProductionOrderLine(Model):
        id = AutoField()
        order = ForeignKeyField(ProductionOrder, backref='lines', on_delete='CASCADE')
        invoice_line = ForeignKeyField(InvoiceLine, backref='production_lines', on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'production_order_line'

    db.create_tables([ProductionOrder, ProductionOrderLine])
    migrator.migrate(
        migrator.add_column('price_item', 'vendor', CharField(default='', constraints=[SQL("DEFAULT ''")]),
                            allow_not_null=True),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('price_item', 'vendor'))
    db.execute_sql('DROP TABLE production_order_line')
    db.execute_sql('DROP TABLE production_order')
