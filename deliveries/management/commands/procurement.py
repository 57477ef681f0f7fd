from django.core.management.base import BaseCommand

from deliveries.management.commands.generate_deliveries import parse_day
from deliveries.selectors import bulk_totals, procurement_for
from earlybird.formats import day_text
from earlybird.units import quantity_text


class Command(BaseCommand):
    help = (
        "Print the total quantity per product, area and delivery boy on a day's generated "
        "deliveries, with the litres and kg they come to (run generate_deliveries first; "
        "this report writes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", default="tomorrow", help="YYYY-MM-DD, today or tomorrow")
        parser.add_argument("--shift", choices=["morning", "evening"], default=None)

    def handle(self, *args, date: str, shift: str | None, **options):
        day = parse_day(date)
        self.stdout.write(f"Procurement for {day_text(day)}{' ' + shift if shift else ''}")
        for grouping, rows in procurement_for(day=day, shift=shift).items():
            self.stdout.write(f"\nBy {grouping}:")
            for row in rows:
                label = row.product if grouping == "product" else f"{row.group} · {row.product}"
                bulk = quantity_text(row.bulk, row.size.bulk) if row.size else ""
                self.stdout.write(
                    f"  {label:<50} {quantity_text(row.quantity, row.unit):>14} {bulk:>14}"
                )
            for total in bulk_totals(rows):
                name = "Total" if grouping == "product" else f"{total.group} · total"
                amounts = [quantity_text(total.litres, "litre"), quantity_text(total.kg, "kg")]
                line = f"  {name:<50} {', '.join(amounts)}"
                if total.unsized:
                    line += f" (not counted, no size in the name: {', '.join(total.unsized)})"
                self.stdout.write(line)
