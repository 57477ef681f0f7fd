from django.core.management.base import BaseCommand

from deliveries.management.commands.generate_deliveries import parse_day
from deliveries.selectors import procurement_for


class Command(BaseCommand):
    help = (
        "Print the total quantity per product, area and delivery boy on a day's generated "
        "deliveries (run generate_deliveries first; this report writes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", default="tomorrow", help="YYYY-MM-DD, today or tomorrow")
        parser.add_argument("--shift", choices=["morning", "evening"], default=None)

    def handle(self, *args, date: str, shift: str | None, **options):
        day = parse_day(date)
        self.stdout.write(f"Procurement for {day}{' ' + shift if shift else ''}")
        for grouping, rows in procurement_for(day=day, shift=shift).items():
            self.stdout.write(f"\nBy {grouping}:")
            for row in rows:
                label = row.product if grouping == "product" else f"{row.group} · {row.product}"
                self.stdout.write(f"  {label:<50} {row.quantity:>10} {row.unit}")
