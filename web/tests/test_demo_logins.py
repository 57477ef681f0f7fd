"""`manage.py demo_logins` (what `make run` prints): per role, a URL on the server's own
port that opens a login form, and that role's demo login."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from earlybird import roles
from web.demo import demo_logins

pytestmark = pytest.mark.django_db

ROW = re.compile(r"^  (admin site|[a-z]+(?: boy)?) +(http\S+) +(\S+) +(\S+)$")


def printed(url: str) -> dict[str, tuple[str, str, str]]:
    out = StringIO()
    call_command("demo_logins", url=url, stdout=out)
    rows = [ROW.match(line) for line in out.getvalue().splitlines()]
    return {m[1]: (m[2], m[3], m[4]) for m in rows if m and m[1] != "role"}


def test_each_role_gets_its_login_page_on_the_given_port():
    rows = printed("http://127.0.0.1:8123")

    assert {role: urlsplit(url).path for role, (url, _, _) in rows.items()} == {
        roles.ADMIN: "/login/",
        "admin site": "/admin/",
        roles.MARKETING: "/login/",
        roles.SUPPORT: "/login/",
        roles.ACCOUNTS: "/login/",
        roles.DELIVERY_BOY: "/d/login/",
        roles.CUSTOMER: "/me/login/",
    }
    assert {urlsplit(url).netloc for url, _, _ in rows.values()} == {"127.0.0.1:8123"}
    for login in demo_logins():
        assert rows[login.role][1:] == (login.username, login.password)


def test_every_printed_page_is_a_login_form(client):
    for url, _, _ in printed("http://127.0.0.1:8000/").values():
        response = client.get(urlsplit(url).path, follow=True)
        assert response.status_code == 200
        assert 'type="password"' in response.content.decode(), url
