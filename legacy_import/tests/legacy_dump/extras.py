"""The rest of the old database: requests (three shapes), the subscription audit trail,
shared links with their access logs and actions, addresses, billing records, settings,
the old customer-app subscriptions, and the separate override and pause collections the
engine ignored."""

from __future__ import annotations

from legacy_import.tests.legacy_dump.world import ONE_DAY, World


def extras(w: World) -> None:
    app_users = [c for c in w.customers if c.user_id and c.user_id != c.legacy_id]
    for customer in w.rng.sample(w.customers, min(8, len(w.customers))):
        w.add(
            "pause_requests",
            {
                "_id": w.ids.oid(w.first),
                "customer_id": customer.legacy_id,
                "reason": "Going home",
                "notes": None,
                "requested_via": "shared_link",
                "link_id": "link-1",
                "status": "pending",
                "requested_at": w.iso_local(w.day_in_window()),
            },
        )
    for n, customer in enumerate(w.rng.sample(w.customers, min(9, len(w.customers)))):
        shape = n % 3
        if shape == 0:
            doc = {
                "id": w.ids.uuid(),
                "customer_id": customer.legacy_id,
                "product_id": w.products[4][0],
                "product_name": w.products[4][1],
                "quantity_packets": 2,
                "quantity_liters": 1.0,
                "tentative_date": w.day_in_window().isoformat(),
                "status": "approved",
                "requested_by": customer.boy,
                "requested_at": w.iso_local(w.first),
            }
        elif shape == 1:
            doc = {
                "customer_id": customer.legacy_id,
                "product_id": w.products[5][0],
                "quantity": 1,
                "delivery_date": None,
                "requested_via": "shared_link",
                "link_id": "link-1",
                "status": "pending",
                "requested_at": w.iso_local(w.first),
            }
        else:
            doc = {
                "customer_id": customer.legacy_id,
                "product_name": "Organic Jaggery",
                "description": "1 kg",
                "category": "grocery",
                "urgency": "low",
                "status": "PENDING",
                "votes": 1,
                "voted_by": [customer.legacy_id],
                "created_at": w.moment(w.first),
            }
        w.add("product_requests", {"_id": w.ids.oid(w.first), **doc})
    for customer in w.customers[: max(1, len(w.customers) // 10)]:
        for sub in customer.subscriptions[:1]:
            w.add(
                "subscription_audit",
                {
                    "_id": w.ids.oid(w.first),
                    "subscription_id": sub["id"],
                    "user_id": w.admin,
                    "action": "created",
                    "details": "Created subscription",
                    "timestamp": w.iso_local(w.first),
                },
            )
    w.add(
        "subscription_audit",
        {
            "_id": w.ids.oid(w.first),
            "subscription_id": "gone",
            "user_id": w.admin,
            "action": "updated_status",
            "old_value": "active",
            "new_value": "stopped",
            "timestamp": w.iso_local(w.first),
        },
    )
    for n, boy in enumerate([*w.boys[:2], None]):
        w.add(
            "shared_delivery_links",
            {
                "_id": w.ids.oid(w.first),
                "link_id": f"link-{n}",
                "name": f"Route {n}",
                "delivery_boy_id": boy,
                "delivery_boy_name": "All Boys" if boy is None else None,
                "shift": [None, "morning", "both"][n],
                "date": w.last.isoformat(),
                "auto_renew_daily": True,
                "require_login": False,
                "added_products": [],
                "created_by": w.admin,
                "created_at": w.iso_local(w.first),
                "expires_at": w.iso_local(w.last + 30 * ONE_DAY),
                "access_count": 3,
            },
        )
        w.add(
            "link_access_logs",
            {
                "_id": w.ids.oid(w.first),
                "link_id": f"link-{n}",
                "user_id": None,
                "user_name": "anonymous",
                "accessed_at": w.iso_local(w.last),
                "ip_address": None,
            },
        )
    for customer in app_users[:5]:
        w.add(
            "addresses",
            {
                "_id": w.ids.oid(w.first),
                "id": w.ids.uuid(),
                "user_id": customer.user_id,
                "label": "Home",
                "address_line1": customer.doc["address"],
                "city": "Hyderabad",
                "pincode": "500072",
                "is_default": True,
            },
        )
        w.add(
            "subscriptions",
            {
                "_id": w.ids.oid(w.first),
                "id": w.ids.uuid(),
                "user_id": customer.user_id,
                "product_id": w.products[0][0],
                "pattern": "alternate_days",
                "quantity": 1,
                "custom_days": None,
                "start_date": w.first.isoformat(),
                "end_date": None,
                "overrides": [],
                "pauses": [],
                "is_active": True,
                "created_at": w.iso_js(w.first),
            },
        )
    for order in w.orders[:4]:
        doc = order["doc"]
        w.add(
            "billing_records",
            {
                "_id": w.ids.oid(w.last),
                "id": w.ids.uuid(),
                "customer_id": doc["customer_id"],
                "order_id": doc.get("id"),
                "month": order["day"].strftime("%Y-%m"),
                "amount": doc.get("total_amount"),
                "status": "pending",
                "payment_status": "unpaid",
                "order_type": "one_time",
            },
        )
        w.add(
            "delivery_actions",
            {
                "_id": w.ids.oid(w.last),
                "link_id": "link-0",
                "action": "mark_delivered",
                "customer_id": doc["customer_id"],
                "order_id": doc.get("id"),
                "performed_by": "anonymous",
                "timestamp": w.iso_local(order["day"]),
            },
        )
    customer = w.customers[0]
    if customer.subscriptions:
        sub = customer.subscriptions[0]
        w.add(
            "day_overrides",
            {
                "_id": w.ids.oid(w.first),
                "id": w.ids.uuid(),
                "subscription_id": sub["id"],
                "customer_id": customer.legacy_id,
                "product_id": sub.get("product_id"),
                "date": w.first.isoformat(),
                "quantity": 3,
            },
        )
        w.add(
            "delivery_pauses",
            {
                "_id": w.ids.oid(w.first),
                "id": w.ids.uuid(),
                "subscription_id": sub["id"],
                "customer_id": customer.legacy_id,
                "product_id": sub.get("product_id"),
                "date": w.first.isoformat(),
            },
        )
    w.add(
        "system_settings",
        {
            "_id": w.ids.oid(w.first),
            "id": w.ids.uuid(),
            "upi_id": "dairy@upi",
            "business_name": "EarlyBird",
            "business_phone": "9000000000",
        },
    )
