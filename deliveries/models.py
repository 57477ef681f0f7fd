from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Ceil
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Customer
from earlybird.fields import MoneyField, QuantityField
from earlybird.formats import day_text
from earlybird.models import TimeStampedModel
from orders.models import Order, OrderLine, Product


class DeliveryBoy(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delivery_boy"
    )
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=10, unique=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class RouteStop(TimeStampedModel):
    """A customer's place on one delivery boy's route (1 = first stop)."""

    delivery_boy = models.ForeignKey(DeliveryBoy, on_delete=models.PROTECT, related_name="stops")
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="route_stop")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["delivery_boy", "position"]
        constraints = [
            # Deferred so that reordering a route can shuffle positions in one transaction.
            models.UniqueConstraint(
                fields=["delivery_boy", "position"],
                name="deliveries_routestop_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="deliveries_routestop_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_boy} #{self.position}: {self.customer_id}"


class DeliveryLink(TimeStampedModel):
    """A shared link for a substitute: one route and shift, a date range, revocable.

    Only the SHA-256 of the token is stored; the token itself is shown once.
    """

    delivery_boy = models.ForeignKey(DeliveryBoy, on_delete=models.PROTECT, related_name="links")
    shift = models.CharField(max_length=8, choices=Order.Shift)
    label = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    valid_from = models.DateField()
    valid_until = models.DateField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="deliveries_deliverylink_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106
                name="deliveries_deliverylink_token_hashed",
            ),
        ]

    def __str__(self) -> str:
        days = f"{day_text(self.valid_from)} – {day_text(self.valid_until)}"
        return f"Link for {self.delivery_boy} ({self.shift}) {days}"


class Delivery(TimeStampedModel):
    """One line of one order due on one date and shift: what to hand over, and what was."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        PARTIAL = "partial", _("Partly delivered")
        NOT_DELIVERED = "not_delivered", _("Not delivered")
        CANCELLED = "cancelled", _("Cancelled")

    class Reason(models.TextChoices):
        CUSTOMER_AWAY = "customer_away", _("Customer away")
        REFUSED = "refused", _("Refused")
        OUT_OF_STOCK = "out_of_stock", _("Out of stock")
        ADDRESS_LOCKED = "address_locked", _("Address locked")
        OTHER = "other", _("Other")

    class Via(models.TextChoices):
        DELIVERY_BOY = "delivery_boy", "Delivery boy"
        SHARED_LINK = "shared_link", "Shared link"
        STAFF = "staff", "Staff"
        IMPORT = "import", "Import"

    CONFIRMED_STATUSES = (Status.DELIVERED, Status.PARTIAL, Status.NOT_DELIVERED)
    BILLABLE_STATUSES = (Status.DELIVERED, Status.PARTIAL)

    code = models.CharField(max_length=20, unique=True, editable=False)
    # Invariant 2: every delivery belongs to one order, one line, one product.
    # The composite keys of migration 0002 — (order_line, order, product) → the line and
    # (order, customer) → the order — hold the line and the order: no key of their own,
    # and no index that the unique (order_line, date, shift) or (customer, date) covers.
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="deliveries", db_constraint=False
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="deliveries",
        db_constraint=False,
        db_index=False,
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="deliveries")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    delivery_boy = models.ForeignKey(
        DeliveryBoy, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    date = models.DateField()
    shift = models.CharField(max_length=8, choices=Order.Shift)
    ordered_qty = QuantityField()
    delivered_qty = QuantityField(default=0)
    unit_price = MoneyField(help_text="Price per unit in force on the date, copied at generation.")
    status = models.CharField(max_length=14, choices=Status, default=Status.PENDING)
    reason = models.CharField(max_length=16, choices=Reason, blank=True)
    reason_note = models.CharField(max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by_name = models.CharField(
        max_length=100, blank=True, help_text="Name typed on a shared link."
    )
    confirmed_via = models.CharField(max_length=14, choices=Via, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(null=True, blank=True)
    confirmed_user_agent = models.CharField(max_length=300, blank=True)
    delivery_link = models.ForeignKey(
        DeliveryLink, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    # Returnable products' containers (orders.Product.returnable): handed over with the
    # delivery (set by the confirmation service) and empties taken back at the stop
    # (deliveries.services.bottles). A customer's balance is the sum over their rows.
    bottles_given = models.PositiveIntegerField(default=0, db_default=0)
    bottles_collected = models.PositiveIntegerField(default=0, db_default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "shift", "pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["date", "shift", "delivery_boy"]),
            models.Index(fields=["customer", "date"]),
            # With the customer: who had a delivery in a month, read from the index alone.
            models.Index(
                fields=["date"],
                include=["customer"],
                condition=Q(status__in=["delivered", "partial"]),
                name="deliveries_billable_date",
            ),
            # The few rows that moved a container: bottle balances sum only these.
            models.Index(
                fields=["customer", "date"],
                condition=Q(bottles_given__gt=0) | Q(bottles_collected__gt=0),
                name="deliveries_bottles_moved",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line", "date", "shift"], name="deliveries_delivery_one_per_line_day"
            ),
            models.CheckConstraint(
                condition=Q(ordered_qty__gt=0), name="deliveries_delivery_ordered_positive"
            ),
            # Invariant 3: 0 <= delivered <= ordered, and the status agrees with them.
            models.CheckConstraint(
                condition=Q(delivered_qty__gte=0, delivered_qty__lte=F("ordered_qty")),
                name="deliveries_delivery_delivered_within_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="delivered", delivered_qty=F("ordered_qty"))
                | Q(status="partial", delivered_qty__gt=0, delivered_qty__lt=F("ordered_qty"))
                | Q(status__in=["pending", "not_delivered", "cancelled"], delivered_qty=0),
                name="deliveries_delivery_status_matches_quantity",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_delivered") | ~Q(reason=""),
                name="deliveries_delivery_not_delivered_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "cancelled"])
                | (Q(confirmed_at__isnull=False) & ~Q(confirmed_via="")),
                name="deliveries_delivery_confirmation_recorded",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="deliveries_delivery_price_not_negative"
            ),
            # Containers go out only with what was handed over, one per unit begun.
            models.CheckConstraint(
                condition=Q(bottles_given=0) | Q(bottles_given__lte=Ceil("delivered_qty")),
                name="deliveries_delivery_bottles_given_within_delivered",
            ),
            models.CheckConstraint(
                condition=Q(bottles_collected__gte=0),
                name="deliveries_delivery_bottles_collected_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.date} {self.shift}"

    @property
    def is_confirmed(self) -> bool:
        return self.status in self.CONFIRMED_STATUSES


class Hold(TimeStampedModel):
    """Generation held this customer's deliveries on this day, and why (a low wallet
    balance…): nothing is generated for them that day until a later generation of the
    day finds them no longer held, which deletes the row. Written only by
    deliveries.services.generation; the reasons' texts for people are in deliveries.holds.
    """

    class Reason(models.TextChoices):
        LOW_BALANCE = "low_balance", _("Paused: low balance")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="holds")
    date = models.DateField()
    reason = models.CharField(max_length=32, choices=Reason)
    amount = MoneyField(help_text="What the held day's deliveries would have cost.")
    shifts = ArrayField(
        models.CharField(max_length=8, choices=Order.Shift),
        help_text="The shifts the held deliveries were in.",
    )

    class Meta:
        ordering = ["date", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "date"], name="deliveries_hold_one_per_customer_day"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["low_balance"]), name="deliveries_hold_known_reason"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="deliveries_hold_amount_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="deliveries_hold_date")]

    def __str__(self) -> str:
        return f"{self.customer_id} held on {self.date}: {self.get_reason_display()}"
