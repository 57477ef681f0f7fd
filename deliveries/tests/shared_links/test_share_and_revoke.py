"""A new link's copy and WhatsApp buttons, and revoking as a second step."""

import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse

from customers.tests.factories import UserFactory
from deliveries.models import DeliveryLink
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.shared_links import MORNING, route_url, today
from earlybird import roles
from earlybird.formats import day_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    user = UserFactory(roles=[roles.SUPPORT])
    client.force_login(user)
    return user


def _create(client, boy):
    day = today().isoformat()
    form = {"delivery_boy": boy.pk, "shift": MORNING, "valid_from": day, "valid_until": day}
    return client.post(reverse("deliveries:link_create"), form).content.decode()


def test_a_new_link_has_a_copy_button_and_a_whatsapp_share_of_the_link(client, support):
    page = _create(client, DeliveryBoyFactory(name="Suresh"))
    url = re.search(r'id="shared-url" type="text" readonly value="([^"]+)"', page).group(1)

    # The copy button: shown and wired by our own script (CSP: no inline code anywhere).
    assert 'data-copy="shared-url"' in page and "/static/js/share.js" in page
    assert "onfocus=" not in page and "onclick=" not in page
    # WhatsApp: a plain link (works with no JavaScript) whose text carries the link.
    href = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1)
    text = unquote(href.removeprefix("https://wa.me/?text="))
    token = url.rsplit("/s/", 1)[1].rstrip("/")
    assert url.endswith(route_url(token)) and text.endswith(url)
    assert text.startswith(f"Deliveries of Suresh's route, morning, {day_text(today())}.")
    assert " " not in href and "&" not in href.split("?text=", 1)[1]


def test_the_share_buttons_are_only_on_the_page_that_shows_the_link_once(client, support):
    _create(client, DeliveryBoyFactory())
    link = DeliveryLink.objects.get()

    detail = client.get(reverse("deliveries:link_detail", args=[link.pk])).content.decode()

    assert "wa.me" not in detail and "data-copy" not in detail


def test_the_copy_script_is_served_and_keeps_the_button_hidden_without_it(client, support):
    page = _create(client, DeliveryBoyFactory())
    button = re.search(r"<button[^>]*data-copy[^>]*>", page).group(0)
    assert " hidden" in button  # no JavaScript: no dead button, the link can be selected
    script = (settings.BASE_DIR / "static" / "js" / "share.js").read_text()
    assert "button.hidden = false" in script and "navigator.clipboard" in script


def test_revoking_without_the_tick_changes_nothing_and_says_why(client, support):
    _create(client, DeliveryBoyFactory())
    link = DeliveryLink.objects.get()
    url = reverse("deliveries:link_revoke", args=[link.pk])

    response = client.post(url, {}, follow=True)

    link.refresh_from_db()
    assert link.revoked_at is None
    assert "Not revoked: tick “Yes, revoke this link” to confirm." in response.content.decode()

    response = client.post(url, {"confirm": "on"}, follow=True)

    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == support
    assert "Link revoked" in response.content.decode()


def test_the_detail_page_asks_for_the_tick_in_a_second_step(client, support):
    _create(client, DeliveryBoyFactory())
    link = DeliveryLink.objects.get()

    page = client.get(reverse("deliveries:link_detail", args=[link.pk])).content.decode()

    step = page.split('<details class="confirm-step">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Revoke this link…</summary>" in step
    assert re.search(r'<input type="checkbox" name="confirm"[^>]* required>', step)
    assert reverse("deliveries:link_revoke", args=[link.pk]) in step
