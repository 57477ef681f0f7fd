"""A delivery's order, line, product and customer must agree with each other.

Composite foreign keys make PostgreSQL refuse a delivery whose product is not its
line's product, whose line is not on its order, or whose customer is not its order's.
"""

from django.db import migrations

SQL = """
ALTER TABLE orders_orderline
    ADD CONSTRAINT orders_orderline_id_order_product_key UNIQUE (id, order_id, product_id);
ALTER TABLE orders_order
    ADD CONSTRAINT orders_order_id_customer_key UNIQUE (id, customer_id);
ALTER TABLE deliveries_delivery
    ADD CONSTRAINT deliveries_delivery_line_matches_order_product
    FOREIGN KEY (order_line_id, order_id, product_id)
    REFERENCES orders_orderline (id, order_id, product_id) DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE deliveries_delivery
    ADD CONSTRAINT deliveries_delivery_order_matches_customer
    FOREIGN KEY (order_id, customer_id)
    REFERENCES orders_order (id, customer_id) DEFERRABLE INITIALLY IMMEDIATE;
"""

REVERSE_SQL = """
ALTER TABLE deliveries_delivery DROP CONSTRAINT deliveries_delivery_order_matches_customer;
ALTER TABLE deliveries_delivery DROP CONSTRAINT deliveries_delivery_line_matches_order_product;
ALTER TABLE orders_order DROP CONSTRAINT orders_order_id_customer_key;
ALTER TABLE orders_orderline DROP CONSTRAINT orders_orderline_id_order_product_key;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0001_initial"),
        ("orders", "0001_initial"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
