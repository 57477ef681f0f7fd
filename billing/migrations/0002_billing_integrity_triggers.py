"""Rules that span tables, enforced by PostgreSQL triggers (invariants 4 and 5).

* A billing line bills a delivered or partial delivery, its delivered quantity at its
  unit price, amount = round(quantity × price, 2).
* A billed delivery is frozen: its quantities, status and price cannot change while
  its billing line exists.
* A line bills a delivery of the bill's own customer.
* An issued bill never changes (except being voided): no line or adjustment is added to
  it, changed, moved off it or removed, and it cannot be deleted.
"""

from django.db import migrations

SQL = r"""
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

CREATE FUNCTION billing_freeze_billed_delivery() RETURNS trigger AS $$
BEGIN
    IF (NEW.delivered_qty, NEW.ordered_qty, NEW.status, NEW.unit_price)
       IS DISTINCT FROM (OLD.delivered_qty, OLD.ordered_qty, OLD.status, OLD.unit_price)
       AND EXISTS (SELECT 1 FROM billing_billingline WHERE delivery_id = OLD.id) THEN
        RAISE EXCEPTION 'delivery % is billed; correct it with an adjustment', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER deliveries_delivery_freeze_billed BEFORE UPDATE ON deliveries_delivery
    FOR EACH ROW EXECUTE FUNCTION billing_freeze_billed_delivery();

CREATE FUNCTION billing_freeze_issued_bill() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
        (NEW.customer_id, NEW.period, NEW.code, NEW.previous_balance, NEW.charges,
         NEW.adjustments_total, NEW.total, NEW.issued_at)
        IS DISTINCT FROM
        (OLD.customer_id, OLD.period, OLD.code, OLD.previous_balance, OLD.charges,
         OLD.adjustments_total, OLD.total, OLD.issued_at)
        OR (OLD.status = 'void' AND NEW.status <> 'void')
        OR (OLD.status = 'issued' AND NEW.status NOT IN ('issued', 'void'))
    ) THEN
        RAISE EXCEPTION 'bill % is %; an issued bill never changes', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_bill_freeze_issued BEFORE UPDATE ON billing_bill
    FOR EACH ROW EXECUTE FUNCTION billing_freeze_issued_bill();

CREATE FUNCTION billing_protect_issued_lines() RETURNS trigger AS $$
BEGIN
    -- Voiding releases an issued bill's deliveries: deleting lines of a void bill is allowed.
    IF EXISTS (SELECT 1 FROM billing_bill WHERE id = OLD.bill_id AND status = 'issued') THEN
        RAISE EXCEPTION 'bill % is issued; its lines cannot be removed', OLD.bill_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_billingline_protect_issued BEFORE DELETE ON billing_billingline
    FOR EACH ROW EXECUTE FUNCTION billing_protect_issued_lines();

CREATE FUNCTION billing_protect_issued_bill_rows() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' THEN
        RAISE EXCEPTION 'bill % is %; it cannot be deleted', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_bill_protect_delete BEFORE DELETE ON billing_bill
    FOR EACH ROW EXECUTE FUNCTION billing_protect_issued_bill_rows();

CREATE FUNCTION billing_protect_issued_adjustments() RETURNS trigger AS $$
BEGIN
    -- An adjustment on an issued (or void) bill is part of it: frozen with it.
    IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM billing_bill WHERE id = OLD.bill_id AND status <> 'draft'))
       OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM billing_bill WHERE id = NEW.bill_id AND status <> 'draft')) THEN
        RAISE EXCEPTION 'adjustments of an issued bill cannot change; add one to the next bill'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_adjustment_protect_issued
    BEFORE INSERT OR UPDATE OR DELETE ON billing_adjustment
    FOR EACH ROW EXECUTE FUNCTION billing_protect_issued_adjustments();
"""

REVERSE_SQL = """
DROP TRIGGER billing_adjustment_protect_issued ON billing_adjustment;
DROP FUNCTION billing_protect_issued_adjustments();
DROP TRIGGER billing_bill_protect_delete ON billing_bill;
DROP FUNCTION billing_protect_issued_bill_rows();
DROP TRIGGER billing_billingline_protect_issued ON billing_billingline;
DROP FUNCTION billing_protect_issued_lines();
DROP TRIGGER billing_bill_freeze_issued ON billing_bill;
DROP FUNCTION billing_freeze_issued_bill();
DROP TRIGGER deliveries_delivery_freeze_billed ON deliveries_delivery;
DROP FUNCTION billing_freeze_billed_delivery();
DROP TRIGGER billing_billingline_check ON billing_billingline;
DROP FUNCTION billing_check_billingline();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("deliveries", "0002_delivery_chain_consistency"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
