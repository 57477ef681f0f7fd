"""The prepaid wallet's rules, kept by PostgreSQL (billing/wallet_models.py says them).

* billing_mode_on(customer, day): the mode in force (the latest row on or before the day,
  else postpaid), the one definition every check below uses.
* Wallet entries are insert-only, and each insert is checked against what it points at:
  a debit or reversal at a delivery of the same customer; a reversal gives back exactly
  the debit of the same delivery it reverses; a recharge is the whole of one wallet
  payment of the same customer.
* Exactly once, checked at commit (deferred constraint triggers, so one transaction may
  confirm a delivery and write its debit in either order): for every delivery touched —
  its status or quantity or price changed, a wallet entry written for it, the customer's
  billing mode changed on or before its day — the unreversed debits are exactly one of
  −round(delivered × price, 2) when it is delivered or partial and its customer prepaid
  on its day (and that is not 0), none otherwise; and such a delivery is on no bill.
* Every wallet payment has its recharge entry (at commit); a payment's purpose never
  changes, nor the customer or amount of a wallet payment.
* A billing line for a delivery of a customer prepaid on its day is refused: a statement
  trigger of its own, apart from billing_check_billingline (migration 0002).
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION billing_mode_on(p_customer bigint, p_day date) RETURNS varchar AS $$
    SELECT coalesce((SELECT m.mode FROM billing_billingmode m
                      WHERE m.customer_id = p_customer AND m.effective_from <= p_day
                      ORDER BY m.effective_from DESC LIMIT 1), 'postpaid')
$$ LANGUAGE sql STABLE;

-- Insert-only entries, each consistent with what it points at.
CREATE FUNCTION billing_check_walletentry() RETURNS trigger AS $$
DECLARE r RECORD;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'wallet entry % is never changed or deleted; write a reversal or an adjustment',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.delivery_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM
       (SELECT customer_id FROM deliveries_delivery WHERE id = NEW.delivery_id) THEN
        RAISE EXCEPTION 'delivery % belongs to another customer than wallet entry',
            NEW.delivery_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.kind = 'reversal' THEN
        SELECT kind, amount, delivery_id INTO r FROM billing_walletentry WHERE id = NEW.reverses_id;
        IF r.kind IS DISTINCT FROM 'debit' OR r.delivery_id IS DISTINCT FROM NEW.delivery_id
           OR NEW.amount <> -r.amount THEN
            RAISE EXCEPTION 'a reversal gives back exactly one debit of its delivery (entry %)',
                NEW.reverses_id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF NEW.kind = 'recharge' THEN
        SELECT customer_id, amount, purpose INTO r FROM billing_payment WHERE id = NEW.payment_id;
        IF r.customer_id IS DISTINCT FROM NEW.customer_id OR r.amount <> NEW.amount
           OR r.purpose <> 'wallet' THEN
            RAISE EXCEPTION 'a recharge is the whole of one wallet payment of its customer (payment %)',
                NEW.payment_id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_walletentry_check BEFORE INSERT OR UPDATE OR DELETE ON billing_walletentry
    FOR EACH ROW EXECUTE FUNCTION billing_check_walletentry();

-- One delivery's debits against what it should have.
CREATE FUNCTION billing_check_delivery_debits(p_delivery bigint) RETURNS void AS $$
DECLARE d RECORD; expected numeric := 0; open_count int; open_sum numeric;
BEGIN
    SELECT id, customer_id, date, status, delivered_qty, unit_price INTO d
      FROM deliveries_delivery WHERE id = p_delivery;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF d.status IN ('delivered', 'partial') AND billing_mode_on(d.customer_id, d.date) = 'prepaid' THEN
        expected := -round(d.delivered_qty * d.unit_price, 2);
        IF EXISTS (SELECT 1 FROM billing_billingline WHERE delivery_id = d.id) THEN
            RAISE EXCEPTION 'delivery % of a prepaid customer is on a bill', d.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    SELECT count(*), coalesce(sum(e.amount), 0) INTO open_count, open_sum
      FROM billing_walletentry e
     WHERE e.delivery_id = d.id AND e.kind = 'debit'
       AND NOT EXISTS (SELECT 1 FROM billing_walletentry r WHERE r.reverses_id = e.id);
    IF open_count <> (CASE WHEN expected < 0 THEN 1 ELSE 0 END) OR open_sum <> expected THEN
        RAISE EXCEPTION 'delivery % must be debited % from the wallet, once; its debits say % (% entries)',
            d.id, -expected, -open_sum, open_count USING ERRCODE = 'integrity_constraint_violation';
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION billing_delivery_debits_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'billing_walletentry' THEN
        PERFORM billing_check_delivery_debits(NEW.delivery_id);
    ELSE
        PERFORM billing_check_delivery_debits(NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Deliveries: only rows that are or were delivered / partial can need or hold a debit.
CREATE CONSTRAINT TRIGGER deliveries_delivery_debited_once_ins
    AFTER INSERT ON deliveries_delivery DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status IN ('delivered', 'partial'))
    EXECUTE FUNCTION billing_delivery_debits_trigger();
CREATE CONSTRAINT TRIGGER deliveries_delivery_debited_once_upd
    AFTER UPDATE ON deliveries_delivery DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.status IN ('delivered', 'partial') OR NEW.status IN ('delivered', 'partial'))
          AND (OLD.status, OLD.delivered_qty, OLD.unit_price, OLD.customer_id, OLD.date)
              IS DISTINCT FROM (NEW.status, NEW.delivered_qty, NEW.unit_price, NEW.customer_id, NEW.date))
    EXECUTE FUNCTION billing_delivery_debits_trigger();
CREATE CONSTRAINT TRIGGER billing_walletentry_debited_once
    AFTER INSERT ON billing_walletentry DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.delivery_id IS NOT NULL)
    EXECUTE FUNCTION billing_delivery_debits_trigger();

-- A change of billing mode changes what every delivery from that day on should have.
CREATE FUNCTION billing_billingmode_debits_trigger() RETURNS trigger AS $$
DECLARE r RECORD; c bigint; f date;
BEGIN
    IF TG_OP = 'DELETE' THEN
        c := OLD.customer_id; f := OLD.effective_from;
    ELSIF TG_OP = 'UPDATE' THEN
        c := NEW.customer_id; f := least(OLD.effective_from, NEW.effective_from);
        IF OLD.customer_id <> NEW.customer_id THEN
            RAISE EXCEPTION 'a billing mode stays with its customer'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSE
        c := NEW.customer_id; f := NEW.effective_from;
    END IF;
    FOR r IN SELECT d.id FROM deliveries_delivery d
              WHERE d.customer_id = c AND d.date >= f
                AND (d.status IN ('delivered', 'partial')
                     OR EXISTS (SELECT 1 FROM billing_walletentry e WHERE e.delivery_id = d.id))
    LOOP
        PERFORM billing_check_delivery_debits(r.id);
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER billing_billingmode_debits
    AFTER INSERT OR UPDATE OR DELETE ON billing_billingmode DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION billing_billingmode_debits_trigger();

-- Wallet payments: one recharge entry each; what a payment is for never changes.
CREATE FUNCTION billing_wallet_payment_recharged() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM billing_payment p WHERE p.id = NEW.id AND p.purpose = 'wallet')
       AND NOT EXISTS (SELECT 1 FROM billing_walletentry e
                        WHERE e.payment_id = NEW.id AND e.kind = 'recharge') THEN
        RAISE EXCEPTION 'wallet payment % has no recharge entry', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER billing_payment_wallet_recharged
    AFTER INSERT ON billing_payment DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.purpose = 'wallet') EXECUTE FUNCTION billing_wallet_payment_recharged();

CREATE FUNCTION billing_freeze_payment_purpose() RETURNS trigger AS $$
BEGIN
    IF NEW.purpose <> OLD.purpose OR (OLD.purpose = 'wallet'
       AND (NEW.customer_id, NEW.amount) IS DISTINCT FROM (OLD.customer_id, OLD.amount)) THEN
        RAISE EXCEPTION 'payment % is a wallet recharge or became one; correct the wallet with an adjustment',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_payment_freeze_purpose BEFORE UPDATE ON billing_payment
    FOR EACH ROW EXECUTE FUNCTION billing_freeze_payment_purpose();

-- No billing line for a prepaid delivery: one check per statement, set-based.
CREATE FUNCTION billing_billingline_not_prepaid() RETURNS trigger AS $$
DECLARE bad bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM billing_billingmode WHERE mode = 'prepaid') THEN
        RETURN NULL;  -- nobody was ever prepaid: nothing to look up, line by line
    END IF;
    SELECT l.delivery_id INTO bad
      FROM new_lines l JOIN deliveries_delivery d ON d.id = l.delivery_id
     WHERE billing_mode_on(d.customer_id, d.date) = 'prepaid'
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'delivery % is of a customer prepaid on its day: paid from the wallet, never billed',
            bad USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_billingline_not_prepaid_ins AFTER INSERT ON billing_billingline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION billing_billingline_not_prepaid();
CREATE TRIGGER billing_billingline_not_prepaid_upd AFTER UPDATE ON billing_billingline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION billing_billingline_not_prepaid();
"""

REVERSE_SQL = """
DROP TRIGGER billing_billingline_not_prepaid_upd ON billing_billingline;
DROP TRIGGER billing_billingline_not_prepaid_ins ON billing_billingline;
DROP FUNCTION billing_billingline_not_prepaid();
DROP TRIGGER billing_payment_freeze_purpose ON billing_payment;
DROP FUNCTION billing_freeze_payment_purpose();
DROP TRIGGER billing_payment_wallet_recharged ON billing_payment;
DROP FUNCTION billing_wallet_payment_recharged();
DROP TRIGGER billing_billingmode_debits ON billing_billingmode;
DROP FUNCTION billing_billingmode_debits_trigger();
DROP TRIGGER billing_walletentry_debited_once ON billing_walletentry;
DROP TRIGGER deliveries_delivery_debited_once_upd ON deliveries_delivery;
DROP TRIGGER deliveries_delivery_debited_once_ins ON deliveries_delivery;
DROP FUNCTION billing_delivery_debits_trigger();
DROP FUNCTION billing_check_delivery_debits(bigint);
DROP TRIGGER billing_walletentry_check ON billing_walletentry;
DROP FUNCTION billing_check_walletentry();
DROP FUNCTION billing_mode_on(bigint, date);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0010_wallet"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
