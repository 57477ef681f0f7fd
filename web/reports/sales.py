"""Sales by product and month: what was handed over (deliveries confirmed delivered or
partly delivered) and what it sells for, each month of a range.

Quantity is the delivered quantity in the product's unit; the amount of a delivery is
round(delivered × unit price, 2), as its billing line or wallet debit says
(billing.selectors.billed_amount), so postpaid and prepaid customers' deliveries both
count, by the day they were delivered, whether billed yet or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from billing.selectors import ZERO, billed_amount
from deliveries.models import Delivery
from web.reports.charts import PALETTE, Chart, Column, Segment, columns_chart
from web.reports.exports import Table
from web.reports.periods import MonthRange
from web.reports.units import quantity_text, rupees


@dataclass(frozen=True)
class Sold:
    quantity: Decimal
    amount: Decimal
    unit: str

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity, self.unit)


@dataclass(frozen=True)
class ProductSales:
    product: str
    unit: str
    colour: str
    months: list[Sold]  # one per month of the range
    quantity: Decimal
    amount: Decimal

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity, self.unit)


@dataclass(frozen=True)
class SalesReport:
    period: MonthRange
    months: list[date]
    products: list[ProductSales]
    month_totals: list[Decimal]
    total: Decimal

    @property
    def chart(self) -> Chart:
        """A bar per month, stacked by product, in rupees (the units differ, the rupee
        does not)."""
        columns = [
            Column(
                f"{month:%b %y}",
                [
                    Segment(
                        product.product,
                        product.months[n].amount,
                        product.colour,
                        f"{month:%b %Y}, {product.product}: "
                        f"{product.months[n].quantity_text}, {rupees(product.months[n].amount)}",
                    )
                    for product in self.products
                ],
                note=rupees(self.month_totals[n]),
            )
            for n, month in enumerate(self.months)
        ]
        return columns_chart(
            columns,
            description="Sales in rupees each month, by product: "
            + ", ".join(
                f"{m:%b %Y} {rupees(t)}"
                for m, t in zip(self.months, self.month_totals, strict=True)
            ),
            legend=[(product.colour, product.product) for product in self.products],
        )


def sales_report(*, period: MonthRange) -> SalesReport:
    """Quantity and amount per product and month. One query."""
    rows = (
        Delivery.objects.filter(
            status__in=Delivery.BILLABLE_STATUSES, date__range=(period.first, period.last_day)
        )
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("month", "product_id", "product__name", "product__unit", "product__sort_order")
        .annotate(quantity=Sum("delivered_qty"), amount=Sum(billed_amount()))
        .order_by("product__sort_order", "product__name", "product_id", "month")
    )
    months = period.months
    column = {month: n for n, month in enumerate(months)}
    found: dict[int, dict] = {}
    for row in rows:
        entry = found.setdefault(
            row["product_id"],
            {"name": row["product__name"], "unit": row["product__unit"], "months": {}},
        )
        entry["months"][_as_date(row["month"])] = Sold(
            row["quantity"], row["amount"], row["product__unit"]
        )
    products = []
    for n, entry in enumerate(found.values()):
        sold = [
            entry["months"].get(month) or Sold(Decimal("0.000"), ZERO, entry["unit"])
            for month in months
        ]
        products.append(
            ProductSales(
                product=entry["name"],
                unit=entry["unit"],
                colour=PALETTE[n % len(PALETTE)],
                months=sold,
                quantity=sum((s.quantity for s in sold), Decimal("0.000")),
                amount=sum((s.amount for s in sold), ZERO),
            )
        )
    month_totals = [sum((p.months[column[m]].amount for p in products), ZERO) for m in months]
    return SalesReport(
        period=period,
        months=months,
        products=products,
        month_totals=month_totals,
        total=sum(month_totals, ZERO),
    )


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def sales_table(report: SalesReport) -> Table:
    """Wide, like the page: a row per product, quantity and amount of each month, then
    the range's; the totals row adds the amounts (quantities of different units do not
    add up)."""
    header = ["Product", "Unit"]
    for month in report.months:
        header += [f"{month:%b %Y} quantity", f"{month:%b %Y} amount"]
    header += ["Total quantity", "Total amount"]
    rows = []
    for product in report.products:
        row = [product.product, product.unit]
        for sold in product.months:
            row += [sold.quantity.normalize(), sold.amount]
        rows.append([*row, product.quantity.normalize(), product.amount])
    totals = ["Total", ""]
    for amount in report.month_totals:
        totals += [None, amount]
    totals += [None, report.total]
    first, last = report.period.first, report.period.last
    return Table(
        name=f"earlybird-sales-{first:%Y-%m}-to-{last:%Y-%m}",
        title=f"Sales {first:%Y-%m} to {last:%Y-%m}",
        header=header,
        rows=rows,
        totals=totals,
        money=frozenset(name for name in header if name.endswith("amount")),
    )
