from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deliveries.services import generate_deliveries


def parse_day(value: str) -> date:
    today = timezone.localdate()
    named = {"today": today, "tomorrow": today + timedelta(days=1)}
    if value in named:
        return named[value]
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, today or tomorrow, not “{value}”.") from exc


class Command(BaseCommand):
    help = "Create the day's Delivery rows from subscriptions and one-time orders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", default="tomorrow", help="YYYY-MM-DD, today or tomorrow")
        parser.add_argument("--days", type=int, default=1, help="how many days from --date")

    def handle(self, *args, date: str, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        first = parse_day(date)
        for offset in range(days):
            try:
                report = generate_deliveries(day=first + timedelta(days=offset))
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            for line in report.lines():
                self.stdout.write(line)
