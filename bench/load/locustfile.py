"""Load scenario: delivery boys confirm their routes while staff and customers browse.

Run through bench/load/run.py, which builds the dairy, starts gunicorn and reads the
results; the accounts below are made by bench/load/setup.py.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = "load-test-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STOP = re.compile(r'action="(/d/stops/(\d+)/confirm/)"')
ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
_boys = itertools.cycle(ACCOUNTS["delivery_boys"])
_customers = itertools.cycle(ACCOUNTS["customers"])


def log_in(client, url: str, username: str) -> None:
    page = client.get(url, name=url)
    token = CSRF.search(page.text).group(1)
    response = client.post(
        url,
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": client.base_url + url},
        name=url,
    )
    if "/login/" in response.url:
        raise RuntimeError(f"login failed for {username}")


class DeliveryBoy(HttpUser):
    """Loads his route and confirms every stop; one in ten taps twice, some retry."""

    weight = 6
    wait_time = between(0.2, 1.0)

    def on_start(self):
        log_in(self.client, "/d/login/", next(_boys))

    @task
    def walk_the_route(self):
        page = self.client.get("/d/?shift=morning", name="/d/ (route)")
        stops = STOP.findall(page.text)
        token_match = CSRF.search(page.text)
        if not stops or token_match is None:
            return
        token = token_match.group(1)
        for url, _customer in stops:
            data = {"csrfmiddlewaretoken": token, "shift": "morning", "action": "delivered"}
            taps = 2 if random.random() < 0.1 else 1
            for _ in range(taps):
                self.client.post(
                    url,
                    data,
                    name="/d/stops/[id]/confirm/",
                    headers={"Referer": self.client.base_url + "/d/"},
                )


class Staff(HttpUser):
    weight = 2
    wait_time = between(0.5, 2.0)

    def on_start(self):
        log_in(self.client, "/login/", ACCOUNTS["staff"])

    @task(3)
    def customer_list(self):
        page = random.randint(1, 20)
        self.client.get(f"/staff/customers/?page={page}", name="/staff/customers/")

    @task(1)
    def monthly_grid(self):
        self.client.get(ACCOUNTS["grid_url"], name="monthly grid")


class Customer(HttpUser):
    weight = 3
    wait_time = between(0.5, 2.0)

    def on_start(self):
        log_in(self.client, "/me/login/", next(_customers))

    @task
    def calendar(self):
        self.client.get("/me/", name="/me/ (calendar)")


class Floor(HttpUser):
    """The framework's floor: a trivial view served by the same server in the same run."""

    weight = 1
    wait_time = between(0.2, 0.5)

    @task
    def trivial(self):
        self.client.get("/healthz", name="floor /healthz")
