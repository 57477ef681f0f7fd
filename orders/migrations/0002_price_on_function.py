"""orders_price_on(customer, product, day): the price in force on a day, in SQL.

The customer's own price for the product if one is in force, else the product's.
Used by bulk generation (deliveries.services.generation), so the rule lives in one
place, in the database.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION orders_price_on(p_customer bigint, p_product bigint, p_day date)
RETURNS numeric(12, 2) LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT cp.price FROM orders_customerprice cp
          WHERE cp.customer_id = p_customer AND cp.product_id = p_product
            AND cp.effective_from <= p_day ORDER BY cp.effective_from DESC LIMIT 1),
        (SELECT pp.price FROM orders_productprice pp
          WHERE pp.product_id = p_product AND pp.effective_from <= p_day
          ORDER BY pp.effective_from DESC LIMIT 1)
    )
$$;
"""

REVERSE_SQL = "DROP FUNCTION orders_price_on(bigint, bigint, date);"


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
