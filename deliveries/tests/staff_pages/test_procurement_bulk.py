"""Procurement adds packets up in litres and kg, from the size in each product's name."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from deliveries.selectors import bulk_totals, procurement_for
from deliveries.services import generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.staff_pages import DAY, route_with
from earlybird.units import LITRE, Size
from orders.models import Product
from orders.tests.factories import OneTimeOrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_of_packets():
    """Ravi's route: 3 × Toned milk 500 ml, 2 × Full cream milk 1 L, 2 × Curd 500 g,
    1 × Paneer 200 g; 1.5 litres loose milk; 2 pieces of Butter (no size); and one
    customer on no route with 4 more packets of toned milk."""
    toned = ProductFactory(name="Toned milk 500 ml", unit=Product.Unit.PACKET, sort_order=1)
    full = ProductFactory(name="Full cream milk 1 L", unit=Product.Unit.PACKET, sort_order=2)
    curd = ProductFactory(name="Curd 500 g", unit=Product.Unit.PACKET, sort_order=3)
    paneer = ProductFactory(name="Paneer 200 g", unit=Product.Unit.PACKET, sort_order=4)
    loose = ProductFactory(name="Loose milk", unit=Product.Unit.LITRE, sort_order=5)
    butter = ProductFactory(name="Butter", unit=Product.Unit.PIECE, sort_order=6)
    boy = DeliveryBoyFactory(name="Ravi")
    route_with(3, boy=boy, product=toned)
    route_with(2, boy=boy, product=full)
    route_with(2, boy=boy, product=curd)
    route_with(1, boy=boy, product=paneer)
    route_with(1, boy=boy, product=loose)
    route_with(1, boy=boy, product=butter)
    for product, quantity in ((loose, "0.5"), (butter, "1"), (toned, "4")):
        OneTimeOrderFactory(product=product, quantity=Decimal(quantity), delivery_date=DAY)
    generate_deliveries(day=DAY)
    # The route's one loose-milk customer takes 1 litre, the order 0.5: 1.5 in all.


def test_each_row_has_its_litres_or_kg_and_the_day_its_totals(day_of_packets):
    rows = procurement_for(day=DAY)["product"]

    assert [(r.product, r.quantity, r.bulk) for r in rows] == [
        ("Toned milk 500 ml", Decimal("7"), Decimal("3.5")),
        ("Full cream milk 1 L", Decimal("2"), Decimal("2")),
        ("Curd 500 g", Decimal("2"), Decimal("1")),
        ("Paneer 200 g", Decimal("1"), Decimal("0.2")),
        ("Loose milk", Decimal("1.5"), Decimal("1.5")),
        ("Butter", Decimal("2"), None),
    ]
    assert [r.size for r in rows[:2]] == [Size(Decimal("0.5"), LITRE), Size(Decimal(1), LITRE)]
    [total] = bulk_totals(rows)
    assert (total.group, total.litres, total.kg) == ("All", Decimal("7"), Decimal("1.2"))
    assert total.unsized == ["Butter"]


def test_the_totals_per_delivery_boy_split_the_same_litres(day_of_packets):
    by_boy = {t.group: t for t in bulk_totals(procurement_for(day=DAY)["delivery boy"])}

    assert (by_boy["Ravi"].litres, by_boy["Ravi"].kg) == (Decimal("4.5"), Decimal("1.2"))
    assert (by_boy["—"].litres, by_boy["—"].kg) == (Decimal("2.5"), Decimal("0"))
    assert by_boy["Ravi"].unsized == by_boy["—"].unsized == ["Butter"]


def test_the_page_shows_pluralised_units_and_the_litres_and_kg(client, support, day_of_packets):
    page = client.get(reverse("deliveries:procurement"), {"date": DAY.isoformat()})
    text = page.content.decode()

    assert '<td>Toned milk 500 ml</td><td class="num">7 packets</td>' in text
    assert '<td class="num">1 packet</td><td class="num">0.2 kg</td>' in text  # paneer
    assert '<td class="num">3.5 litres</td>' in text
    assert '<td class="num">2 pieces</td><td class="num"><span class="muted">—</span>' in text
    product_table = text.split("<h2>By product</h2>", 1)[1].split("</table>", 1)[0]
    assert "7 litres<br>1.2 kg" in product_table
    assert "not counted: Butter (no size in the name)" in product_table
    assert "Ravi · total" in text and "4.5 litres<br>1.2 kg" in text


def test_the_csv_has_litres_and_kg_columns(client, support, day_of_packets):
    response = client.get(
        reverse("deliveries:procurement"), {"date": DAY.isoformat(), "format": "csv"}
    )
    lines = response.content.decode().replace("\r", "").splitlines()

    assert lines[0] == "grouping,group,product,unit,quantity,litres,kg"
    assert "product,All,Toned milk 500 ml,packet,7.000,3.500," in lines
    assert "product,All,Paneer 200 g,packet,1.000,,0.200" in lines
    assert "product,All,Butter,piece,2.000,," in lines


def test_the_command_prints_units_and_the_litres_and_kg(capsys, day_of_packets):
    call_command("procurement", "--date", DAY.isoformat())
    out = capsys.readouterr().out

    assert out.startswith("Procurement for Tue 10 Feb 2026\n")
    assert "Toned milk 500 ml" in out and "7 packets" in out and "3.5 litres" in out
    assert "1 packet" in out and "0.2 kg" in out
    assert "Total" in out and "7 litres, 1.2 kg (not counted, no size in the name: Butter)" in out
    assert "Ravi · total" in out and "4.5 litres, 1.2 kg" in out
