"""Invoices keep what was paid and what is owed (paid_cents, balance_cents),
derived from the ledger, with the indexes the balance-sorted lists walk.

Existing invoices get both figures computed here from their ledger rows: net
money in = payments + deposits applied + credit transferred in - credit
transferred out - refunds, counting no void and no voided row; balance = total
- paid, where a void invoice or an estimate owes nothing. (A frozen copy of
the rule as it stands in data/invoices.paid_expression; `spectra check`
compares the stored figures with the ledger from then on.)
"""
from peewee import *

PAID = """
COALESCE((SELECT SUM(CASE lo.kind WHEN 'payment' THEN lo.amount_cents
                                  WHEN 'deposit_apply' THEN lo.amount_cents
                                  WHEN 'transfer' THEN -lo.amount_cents
                                  WHEN 'refund' THEN -lo.amount_cents
                                  ELSE 0 END)
          FROM ledger_entry AS lo
          WHERE lo.invoice_id = invoice.id AND lo.kind <> 'void'
            AND NOT EXISTS (SELECT 1 FROM ledger_entry AS lv WHERE lv.kind = 'void' AND lv.related_id = lo.id)), 0)
+ COALESCE((SELECT SUM(li.amount_cents)
            FROM ledger_entry AS li
            WHERE li.target_invoice_id = invoice.id AND li.kind = 'transfer'
              AND NOT EXISTS (SELECT 1 FROM ledger_entry AS lv WHERE lv.kind = 'void' AND lv.related_id = li.id)), 0)
"""
OWED = "(CASE WHEN invoice.status = 'Void' OR invoice.series = 'estimate' THEN 0 ELSE invoice.total_cents END)"


def up(migrator, db):
    for column in ("paid_cents", "balance_cents"):
        # NOT NULL DEFAULT 0 in one ALTER TABLE: no table rebuild on SQLite.
        field = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
        migrator.migrate(migrator.add_column("invoice", column, field, allow_not_null=True))
    db.execute_sql(f"UPDATE invoice SET paid_cents = {PAID}")
    db.execute_sql(f"UPDATE invoice SET balance_cents = {OWED} - paid_cents")
    db.execute_sql('CREATE INDEX "invoice_balance_cents_id" ON "invoice" ("balance_cents", "id")')
    db.execute_sql('CREATE INDEX "invoice_balance_cents_desc_invoice_date_id" '
                   'ON "invoice" ("balance_cents" DESC, "invoice_date", "id")')


def down(migrator, db):
    db.execute_sql('DROP INDEX "invoice_balance_cents_desc_invoice_date_id"')
    db.execute_sql('DROP INDEX "invoice_balance_cents_id"')
    migrator.migrate(migrator.drop_column("invoice", "balance_cents"), migrator.drop_column("invoice", "paid_cents"))
