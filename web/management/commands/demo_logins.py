"""manage.py demo_logins: where each demo role logs in, as full URLs (`make run` prints it)."""

from django.core.management.base import BaseCommand
from django.urls import reverse

from earlybird import roles
from web.demo import demo_logins

# The page each role starts from: staff share one login; the admin site is the admin's too.
LOGIN_PAGE = {
    roles.DELIVERY_BOY: "boy:login",
    roles.CUSTOMER: "me:login",
}


def login_rows(base_url: str) -> list[tuple[str, str, str, str]]:
    """(role, URL to open, login, password) per demo login, the admin site after the admin."""
    base = base_url.rstrip("/")
    rows = []
    for login in demo_logins():
        url = base + reverse(LOGIN_PAGE.get(login.role, "login"))
        rows.append((login.role, url, login.username, login.password))
        if login.role == roles.ADMIN:
            rows.append(
                ("admin site", base + reverse("admin:index"), login.username, login.password)
            )
    return rows


class Command(BaseCommand):
    help = "Print, per demo role, the URL to open and the login (after seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the server answers, e.g. http://127.0.0.1:8123 (make run PORT=8123).",
        )

    def handle(self, *args, url, **options):
        rows = login_rows(url)
        width = max(len(row[1]) for row in rows)
        self.stdout.write(
            self.style.SUCCESS(f"\nEarlyBird demo at {url.rstrip('/')}/ — open and log in as:")
        )
        self.stdout.write(f"  {'role':<13} {'open':<{width}}  {'login':<11} password")
        for role, page, username, password in rows:
            self.stdout.write(f"  {role:<13} {page:<{width}}  {username:<11} {password}")
        self.stdout.write("Delivery boys and customers log in with their phone number.\n")
