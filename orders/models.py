from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Customer
from earlybird.fields import MoneyField, QuantityField
from earlybird.formats import day_text
from earlybird.models import TimeStampedModel
from earlybird.units import number_text


class Product(TimeStampedModel):
    class Unit(models.TextChoices):
        LITRE = "litre", "litre"
        KG = "kg", "kg"
        PIECE = "piece", "piece"
        PACKET = "packet", "packet"

    name = models.CharField(max_length=120, unique=True)
    unit = models.CharField(max_length=10, choices=Unit, default=Unit.LITRE)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # Returnable: each unit handed over comes in a container (a glass bottle, a crate) the
    # customer gives back; deliveries count them (deliveries.Delivery.bottles_given/collected).
    returnable = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Comes in a bottle or crate the customer gives back.",
    )
    container = models.CharField(
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text="What it comes in, e.g. “glass bottle”, “crate”.",
    )
    deposit = MoneyField(default=0, db_default=0, help_text="Deposit per container, in rupees.")

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deposit__gte=0), name="orders_product_deposit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(returnable=True) | Q(deposit=0),
                name="orders_product_deposit_only_if_returnable",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def container_name(self) -> str:
        """What its containers are called ("glass bottle"; "bottle" when not said)."""
        return self.container or "bottle"


class ProductPrice(TimeStampedModel):
    """The product's price per unit from `effective_from` until the next row."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prices")
    price = MoneyField()
    effective_from = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "effective_from"], name="orders_productprice_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="orders_productprice_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ₹{self.price} from {day_text(self.effective_from)}"


class CustomerPrice(TimeStampedModel):
    """A customer's own price for a product, from `effective_from` until the next row."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="customer_prices")
    price = MoneyField()
    effective_from = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer", "product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product", "effective_from"],
                name="orders_customerprice_one_per_day",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="orders_customerprice_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.product} ₹{self.price} from {day_text(self.effective_from)}"


class Order(TimeStampedModel):
    """A subscription (a schedule) or a one-time order (one delivery date)."""

    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", _("Subscription")
        ONE_TIME = "one_time", _("One-time order")

    class Pattern(models.TextChoices):
        DAILY = "daily", _("Every day")
        ALTERNATE_DAYS = "alternate_days", _("Alternate days")
        WEEKDAYS = "weekdays", _("Chosen weekdays")
        LISTED_DATES = "listed_dates", _("Listed dates only")

    class Shift(models.TextChoices):
        MORNING = "morning", _("Morning")
        EVENING = "evening", _("Evening")

    class Status(models.TextChoices):
        # subscriptions
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")
        # one-time orders
        PLACED = "placed", _("Placed")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    SUBSCRIPTION_STATUSES = (Status.DRAFT, Status.ACTIVE, Status.PAUSED, Status.STOPPED)
    ONE_TIME_STATUSES = (Status.PLACED, Status.DELIVERED, Status.CANCELLED)

    code = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=12, choices=Kind)
    pattern = models.CharField(max_length=16, choices=Pattern, default=Pattern.DAILY)
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        help_text="For the weekdays pattern: 0 = Monday … 6 = Sunday.",
    )
    shift = models.CharField(max_length=8, choices=Shift, default=Shift.MORNING)
    start_date = models.DateField(help_text="First day; a one-time order's delivery date.")
    end_date = models.DateField(null=True, blank=True, help_text="Last day (inclusive).")
    status = models.CharField(max_length=10, choices=Status)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["kind", "status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="orders_order_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="subscription", status__in=["draft", "active", "paused", "stopped"]
                )
                | Q(kind="one_time", status__in=["placed", "delivered", "cancelled"]),
                name="orders_order_status_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="subscription")
                | Q(pattern="daily", end_date__isnull=False, end_date=F("start_date")),
                name="orders_order_one_time_is_one_day",
            ),
            models.CheckConstraint(
                condition=~Q(pattern="weekdays") | Q(weekdays__len__gt=0),
                name="orders_order_weekdays_chosen",
            ),
            models.CheckConstraint(
                condition=Q(weekdays__contained_by=[0, 1, 2, 3, 4, 5, 6]),
                name="orders_order_weekdays_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{self.get_kind_display()} of {self.customer_id}"


class OrderLine(TimeStampedModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = QuantityField(help_text="Quantity on each due day.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "product"], name="orders_orderline_one_per_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="orders_orderline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class OrderPause(TimeStampedModel):
    """No deliveries from start_date to end_date inclusive; no end date = until resumed."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="pauses")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="orders_orderpause_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        end = day_text(self.end_date) if self.end_date else "until resumed"
        return f"paused {day_text(self.start_date)} – {end}"


class DayOverride(TimeStampedModel):
    """The quantity of one line on one date, instead of the pattern's; 0 skips the day."""

    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="overrides")
    date = models.DateField()
    quantity = QuantityField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "date"]
        constraints = [
            models.UniqueConstraint(fields=["line", "date"], name="orders_dayoverride_one_per_day"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="orders_dayoverride_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{day_text(self.date)}: {number_text(self.quantity)}"
