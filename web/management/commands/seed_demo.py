"""manage.py seed_demo: a realistic demo dairy with a login for every role."""

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from web.demo import DEFAULT_SEED, DemoRefused, seed_demo


class Command(BaseCommand):
    help = (
        "Seed a demo dairy in Hyderabad (products, areas, routes, ~120 customers, "
        "subscriptions, pauses, overrides, one-time orders, four prepaid customers with "
        "their wallets) with its history: every day from the 1st of the month before last "
        "to yesterday delivered and confirmed, the full months billed, issued and mostly "
        "paid. Prints a login per role. Dates are relative to --today (default: today's "
        "local date). A seeded database is left unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="The date the demo is built around, YYYY-MM-DD (default: today).",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Build it, print the counts, roll back."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (the demo passwords are public).",
        )

    def handle(self, *args, today, seed, dry_run, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo logins have public "
                "passwords. Pass --force if this really is a demo server."
            )
        if today is not None and today > timezone.localdate():
            raise CommandError(
                f"--today {today} is still to come: the demo's history happens before today."
            )
        started = time.monotonic()
        try:
            report = seed_demo(today=today or timezone.localdate(), seed=seed, dry_run=dry_run)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started

        if report.already_seeded:
            self.stdout.write("The demo is already seeded; nothing written.")
        else:
            verb = "Would seed (dry run, rolled back)" if dry_run else "Seeded"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} the demo dairy around {report.today} (seed {report.seed}) "
                    f"in {seconds:.1f} s:"
                )
            )
            for label, count in report.counts.items():
                self.stdout.write(f"  {label:<28} {count:>5}")
            if report.substitute_link and not dry_run:
                self.stdout.write(
                    f"\nA substitute's shared link (one route's mornings, valid today; shown "
                    f"once): {report.substitute_link}"
                )
        if not dry_run:
            self.stdout.write("\nDemo logins (delivery boys and customers use their phone):")
            for login in report.logins:
                self.stdout.write(
                    f"  {login.role:<13} {login.username:<11} {login.password:<20} {login.name}"
                )
            self.stdout.write(
                "Then make today's and tomorrow's routes: manage.py generate_deliveries "
                "--date today --days 2 (one prepaid customer pauses for low balance)."
            )
