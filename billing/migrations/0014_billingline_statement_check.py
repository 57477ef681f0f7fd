"""The billing-line check once per statement, over its transition tables (issue 18).

Migration 0002's row trigger billing_check_billingline ran three look-ups for every line
(~200 µs a line: PostgreSQL re-planned them on each call), so a month's run spent most of
its time there. The same rules, checked set-based after each INSERT or UPDATE statement on
billing_billingline, over the rows it wrote (REFERENCING NEW TABLE / OLD TABLE):

* a line bills a delivery of its bill's customer;
* only a delivered or partial delivery;
* its delivered quantity at its unit price, amount = round(quantity × price, 2);
* only on a draft bill; and an UPDATE may neither change a line of a bill that is not a
  draft nor move a line off one (every old row's bill must be a draft too).

The first line breaking a rule is reported, with the row trigger's words, as an
integrity_constraint_violation (Django's IntegrityError). One pass over the statement's
rows, each looking up its delivery and bill by primary key (a few µs a line).
An AFTER trigger runs after the table's CHECK constraints, so a line that breaks one of
those too is now refused by the CHECK first. Removing lines stays with the row trigger
billing_billingline_protect_issued (0002), and prepaid deliveries with 0011's statement
triggers (named so they fire after these).
"""

from django.db import migrations

# The first offending line of the statement, and why; `old_lines` only for an UPDATE.
CHECK = r"""
CREATE FUNCTION billing_check_billinglines() RETURNS trigger AS $$
DECLARE r RECORD;
BEGIN
    SELECT n.delivery_id, n.bill_id, b.status AS bill_status,
           d.customer_id IS DISTINCT FROM b.customer_id AS other_customer,
           d.status AS delivery_status,
           d.status NOT IN ('delivered', 'partial') AS not_handed_over,
           (n.quantity <> d.delivered_qty OR n.unit_price <> d.unit_price
            OR n.amount <> round(n.quantity * n.unit_price, 2)) AS wrong_amount
      INTO r
      FROM new_lines n
      LEFT JOIN LATERAL (SELECT * FROM deliveries_delivery WHERE id = n.delivery_id OFFSET 0) d
        ON true
      LEFT JOIN LATERAL (SELECT * FROM billing_bill WHERE id = n.bill_id OFFSET 0) b ON true
     WHERE d.customer_id IS DISTINCT FROM b.customer_id
        OR d.status NOT IN ('delivered', 'partial')
        OR n.quantity <> d.delivered_qty OR n.unit_price <> d.unit_price
        OR n.amount <> round(n.quantity * n.unit_price, 2)
        OR b.status <> 'draft'
     LIMIT 1;
    IF FOUND THEN
        IF r.other_customer THEN
            RAISE EXCEPTION 'delivery % belongs to another customer than bill %',
                r.delivery_id, r.bill_id USING ERRCODE = 'integrity_constraint_violation';
        ELSIF r.not_handed_over THEN
            RAISE EXCEPTION 'delivery % is %, only delivered or partial deliveries can be billed',
                r.delivery_id, r.delivery_status USING ERRCODE = 'integrity_constraint_violation';
        ELSIF r.wrong_amount THEN
            RAISE EXCEPTION 'billing line for delivery % must bill its delivered quantity at its unit price',
                r.delivery_id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RAISE EXCEPTION 'bill % is not a draft; its lines cannot change', r.bill_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Old rows apart from new ones: whatever the statement changed, ids included.
        SELECT o.bill_id INTO r FROM old_lines o
          JOIN LATERAL (SELECT * FROM billing_bill WHERE id = o.bill_id OFFSET 0) b ON true
         WHERE b.status <> 'draft' LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'bill % is not a draft; its lines cannot change', r.bill_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
-- One plan, whatever the statistics say: each line looks up its delivery and its bill by
-- primary key (LATERAL … OFFSET 0, index scans only). A hash join is a little faster at
-- a million lines, but when the statistics take the deliveries for few (a table filled
-- since its last ANALYZE) a plain join rescans all of them for every line: minutes.
SET enable_seqscan = off SET enable_bitmapscan = off;

CREATE TRIGGER billing_billingline_check_ins AFTER INSERT ON billing_billingline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION billing_check_billinglines();
CREATE TRIGGER billing_billingline_check_upd AFTER UPDATE ON billing_billingline
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION billing_check_billinglines();
"""

# Migration 0002's row trigger, word for word.
ROW_CHECK = r"""
CREATE FUNCTION billing_check_billingline() RETURNS trigger AS $$
DECLARE d RECORD;
BEGIN
    SELECT status, delivered_qty, unit_price, customer_id INTO d
      FROM deliveries_delivery WHERE id = NEW.delivery_id;
    IF d.customer_id IS DISTINCT FROM (SELECT customer_id FROM billing_bill WHERE id = NEW.bill_id) THEN
        RAISE EXCEPTION 'delivery % belongs to another customer than bill %',
            NEW.delivery_id, NEW.bill_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF d.status NOT IN ('delivered', 'partial') THEN
        RAISE EXCEPTION 'delivery % is %, only delivered or partial deliveries can be billed',
            NEW.delivery_id, d.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.quantity <> d.delivered_qty OR NEW.unit_price <> d.unit_price
       OR NEW.amount <> round(NEW.quantity * NEW.unit_price, 2) THEN
        RAISE EXCEPTION 'billing line for delivery % must bill its delivered quantity at its unit price',
            NEW.delivery_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM billing_bill WHERE id = NEW.bill_id AND status <> 'draft')
       OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM billing_bill WHERE id = OLD.bill_id AND status <> 'draft')) THEN
        RAISE EXCEPTION 'bill % is not a draft; its lines cannot change', NEW.bill_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_billingline_check BEFORE INSERT OR UPDATE ON billing_billingline
    FOR EACH ROW EXECUTE FUNCTION billing_check_billingline();
"""

DROP_ROW_CHECK = """
DROP TRIGGER billing_billingline_check ON billing_billingline;
DROP FUNCTION billing_check_billingline();
"""

DROP_CHECK = """
DROP TRIGGER billing_billingline_check_upd ON billing_billingline;
DROP TRIGGER billing_billingline_check_ins ON billing_billingline;
DROP FUNCTION billing_check_billinglines();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0013_cash_handover"),
    ]

    operations = [
        migrations.RunSQL(DROP_ROW_CHECK, ROW_CHECK),
        migrations.RunSQL(CHECK, DROP_CHECK),
    ]
