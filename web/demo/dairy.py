"""The demo dairy's data (products, areas, routes, names, the demo logins) and the draw:
a plan of every customer, made in memory from a seeded random generator, before anything
is written (web.demo.seed writes it)."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from customers.models import Customer
from customers.services import CustomerDetails
from earlybird import roles
from orders.models import Order, Product

DEFAULT_SEED = 2026
# 119 drawn customers, plus the demo customer (active): 120.
STATUS_MIX = {
    Customer.Status.TRIAL: 12,
    Customer.Status.ACTIVE: 84,
    Customer.Status.PAUSED: 14,
    Customer.Status.STOPPED: 9,
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    name: str


ADMIN_LOGIN = DemoLogin(roles.ADMIN, "admin", "admin-demo-2026", "Srikanth Rao")
STAFF_LOGINS = (
    ADMIN_LOGIN,
    DemoLogin(roles.MARKETING, "marketing", "marketing-demo-2026", "Priya Sharma"),
    DemoLogin(roles.SUPPORT, "support", "support-demo-2026", "Farhana Begum"),
    DemoLogin(roles.ACCOUNTS, "accounts", "accounts-demo-2026", "Venu Gopal"),
)
DELIVERY_BOY_LOGIN = DemoLogin(
    roles.DELIVERY_BOY, "9701234561", "delivery-demo-2026", "Mahesh Kumar"
)
CUSTOMER_LOGIN = DemoLogin(roles.CUSTOMER, "9848012345", "customer-demo-2026", "Lakshmi Prasanna")

# name, unit, price (₹ per unit)
PRODUCTS = [
    ("Full cream milk 500 ml", Product.Unit.PACKET, "36.00"),
    ("Full cream milk 1 L", Product.Unit.PACKET, "72.00"),
    ("Toned milk 500 ml", Product.Unit.PACKET, "28.00"),
    ("Toned milk 1 L", Product.Unit.PACKET, "56.00"),
    ("Double toned milk 500 ml", Product.Unit.PACKET, "25.00"),
    ("Curd 500 g", Product.Unit.PACKET, "35.00"),
    ("Buttermilk 500 ml", Product.Unit.PACKET, "15.00"),
    ("Paneer 200 g", Product.Unit.PACKET, "90.00"),
    ("Ghee 500 ml", Product.Unit.PIECE, "340.00"),
]
PRICE_CHANGE = ("Toned milk 500 ml", "30.00")  # from the 15th of today's month
# Returnable products: name -> (container, deposit per container in ₹)
RETURNABLE = {"Full cream milk 1 L": ("glass bottle", "25.00")}
MILKS = (
    ["Toned milk 500 ml"] * 5
    + ["Full cream milk 500 ml"] * 3
    + [
        "Full cream milk 1 L",
        "Full cream milk 1 L",
        "Toned milk 1 L",
        "Double toned milk 500 ml",
    ]
)
SPECIAL_PRICES = {  # a customer's own price: bulk buyers, the owner's relatives
    "Full cream milk 1 L": "70.00",
    "Toned milk 500 ml": "27.00",
    "Curd 500 g": "32.00",
}

# fmt: off
# name, pincode, centre (lat, lng), streets, landmarks
AREAS = [
    ("Kukatpally", "500072", ("17.484900", "78.413800"),
     ["Vivekananda Nagar Colony", "Balaji Nagar", "Prashanth Nagar", "Bhagya Nagar Colony"],
     ["Near Kukatpally Metro Station", "Behind Manjeera Mall", "Opp. Y Junction bus stop",
      "Near Balaji Nagar Hanuman Temple", "Beside Kukatpally Bus Depot"]),
    ("Miyapur", "500049", ("17.496900", "78.354800"),
     ["Allwyn Colony", "Madinaguda", "Deepthisree Nagar", "Mathrusri Nagar"],
     ["Near Miyapur Metro Station", "Opp. Miyapur Bus Depot", "Beside Allwyn X Roads",
      "Near GSM Mall, Madinaguda", "Behind Chandanagar Railway Station"]),
    ("KPHB Colony", "500072", ("17.493000", "78.399000"),
     [f"Phase {n}" for n in range(1, 10)],
     ["Near JNTU Metro Station", "Opp. Forum Sujana Mall", "Near KPHB Temple bus stop",
      "Behind Remedy Hospital", "Near Lodha Bellezza"]),
]
BUILDINGS = ["Sai Residency", "Lakshmi Nilayam", "Sri Venkateswara Apartments",
             "Green Park Towers", "Srinivasa Enclave", "Vasavi Homes", "Balaji Heights"]
# name, phone, area, KPHB phases (None = the whole area).
# The demo delivery boy's route starts at the demo customer's gate.
DELIVERY_BOYS = [
    (DELIVERY_BOY_LOGIN.name, DELIVERY_BOY_LOGIN.username, "KPHB Colony", range(1, 5)),
    ("Venkatesh Naik", "9701234562", "KPHB Colony", range(5, 10)),
    ("Ramesh Yadav", "9701234563", "Kukatpally", None),
    ("Suresh Goud", "9701234564", "Miyapur", None),
]
# (first names, surnames, weight): a name comes from one community, Telugu most often.
NAMES = [
    (["Srinivas", "Venkata Ramana", "Lakshmi", "Padma", "Ravi Teja", "Sravani", "Kiran",
      "Anitha", "Suresh", "Madhavi", "Prasad", "Swathi", "Naveen", "Bhavani", "Rajesh",
      "Sunitha", "Harish", "Sai Krishna", "Keerthi", "Vamshi", "Haritha", "Narasimha",
      "Rama Devi", "Sirisha", "Pavani"],
     ["Reddy", "Rao", "Naidu", "Chowdary", "Goud", "Varma", "Murthy", "Kota", "Raju", "Yadav"],
     6),
    (["Rohit", "Neha", "Deepika", "Vijay", "Anand", "Pooja", "Amit", "Sneha", "Rahul",
      "Priyanka"],
     ["Sharma", "Gupta", "Agarwal", "Jain", "Patel", "Kulkarni", "Joshi"],
     2),
    (["Mohammed Irfan", "Ayesha", "Abdul Rahim", "Sameera", "Farhan", "Zoya", "Imran", "Nazia"],
     ["Khan", "Shaikh", "Siddiqui", "Ali", "Hussain"],
     2),
    (["Karthik", "Meena", "Arjun", "Divya", "Ganesh", "Jyothi"],
     ["Iyer", "Pillai", "Nair", "Menon"],
     1),
]
PAUSE_REASONS = ["Going to native place", "Family function in Vijayawada", "Out of town",
                 "Summer holidays", "Hospitalised"]
NOTES = ["", "", "", "Ring the bell twice", "Leave at the security gate",
         "Hang the bag on the door handle", "Call before coming"]
WEEKDAY_CHOICES = [[0, 1, 2, 3, 4, 5], [0, 2, 4], [1, 3, 5], [5, 6]]
# fmt: on


@dataclass
class SubscriptionPlan:
    lines: list[tuple[str, Decimal]]
    pattern: str
    shift: str
    start: date
    weekdays: list[int] = field(default_factory=list)
    end: date | None = None
    listed: list[tuple[date, Decimal]] = field(default_factory=list)  # listed dates / overrides
    pauses: list[tuple[date, date | None, str]] = field(default_factory=list)


@dataclass
class CustomerPlan:
    details: CustomerDetails  # its area is the area's name until written
    street: str
    joined: date
    marketed: bool
    phase: int | None
    special_price: tuple[str, str] | None = None
    subs: list[SubscriptionPlan] = field(default_factory=list)
    one_time: list[tuple[date, str, list[tuple[str, Decimal]]]] = field(default_factory=list)
    password: str | None = None


# --- the draw (no database) -----------------------------------------------------------


def plan_dairy(*, today: date, rng: random.Random) -> list[CustomerPlan]:
    statuses = [status for status, count in STATUS_MIX.items() for _ in range(count)]
    rng.shuffle(statuses)
    phones = {CUSTOMER_LOGIN.username, *(boy[1] for boy in DELIVERY_BOYS)}
    names: set[str] = {CUSTOMER_LOGIN.name}
    plans = [_demo_customer_plan(today=today)]
    for status in statuses:
        phone = _draw_unique(phones, lambda: rng.choice("6789") + f"{rng.randrange(10**9):09d}")
        name = _draw_unique(names, lambda: _draw_name(rng))
        plans.append(_customer_plan(today=today, rng=rng, name=name, phone=phone, status=status))
    return plans


def _draw_name(rng: random.Random) -> str:
    firsts, surnames, _weight = rng.choices(NAMES, weights=[group[2] for group in NAMES])[0]
    return f"{rng.choice(firsts)} {rng.choice(surnames)}"


def _draw_unique(taken: set[str], draw) -> str:
    value = draw()
    while value in taken:
        value = draw()
    taken.add(value)
    return value


def _customer_plan(
    *, today: date, rng: random.Random, name: str, phone: str, status: str
) -> CustomerPlan:
    S = Customer.Status
    area_name, pincode, (lat, lng), streets, landmarks = rng.choice(AREAS)
    street = rng.choice(streets)
    if area_name == "KPHB Colony":
        house = f"{rng.choice(['LIG', 'MIG', 'HIG'])}-{rng.randint(1, 480)}, {street}"
    elif rng.random() < 0.5:
        house = f"Flat {rng.randint(1, 5)}0{rng.randint(1, 8)}, {rng.choice(BUILDINGS)}, {street}"
    else:
        house = f"H.No. {rng.randint(1, 9)}-{rng.randint(10, 99)}/{rng.randint(1, 300)}, {street}"
    latitude = Decimal(lat) + Decimal(rng.randint(-6000, 6000)).scaleb(-6)
    longitude = Decimal(lng) + Decimal(rng.randint(-6000, 6000)).scaleb(-6)
    joined = today - timedelta(
        days=rng.randint(0, 6) if status == S.TRIAL else rng.randint(20, 180)
    )
    balance = Decimal("0.00")
    if status != S.TRIAL and rng.random() < 0.12:  # owed at cut-over, or paid in advance
        balance = Decimal(rng.choice(["-200.00", "150.00", "320.50", "540.00", "1080.00"]))
    details = CustomerDetails(
        name=name,
        phone=phone,
        status=status,
        area=area_name,
        address=f"{house}, {area_name}, Hyderabad {pincode}",
        landmark=rng.choice(landmarks),
        map_link=f"https://maps.google.com/?q={latitude},{longitude}",
        latitude=latitude,
        longitude=longitude,
        opening_balance=balance,
        delivery_instructions=rng.choice(NOTES),  # for the boy, on his route
    )
    plan = CustomerPlan(
        details=details,
        street=street,
        joined=joined,
        marketed=rng.random() < 0.4,
        phase=int(street.split()[-1]) if area_name == "KPHB Colony" else None,
    )
    if status != S.TRIAL and rng.random() < 0.06:
        product = rng.choice(sorted(SPECIAL_PRICES))
        plan.special_price = (product, SPECIAL_PRICES[product])
    _plan_subscriptions(plan, today=today, rng=rng, status=status)
    if status in (S.ACTIVE, S.TRIAL) and rng.random() < 0.12:
        product = rng.choice(["Paneer 200 g", "Ghee 500 ml", "Curd 500 g", "Full cream milk 1 L"])
        plan.one_time.append(
            (today + timedelta(days=rng.randint(0, 3)), _shift(rng), [(product, _qty(rng))])
        )
    return plan


def _plan_subscriptions(
    plan: CustomerPlan, *, today: date, rng: random.Random, status: str
) -> None:
    S, P = Customer.Status, Order.Pattern
    roll = rng.random()
    pattern = P.DAILY if roll < 0.65 else P.ALTERNATE_DAYS if roll < 0.82 else P.WEEKDAYS
    milk = SubscriptionPlan(
        lines=[(rng.choice(MILKS), Decimal(rng.choice([1, 1, 1, 2, 2, 3])))],
        pattern=pattern,
        shift=_shift(rng),
        start=plan.joined,
        weekdays=rng.choice(WEEKDAY_CHOICES) if pattern == P.WEEKDAYS else [],
    )
    if rng.random() < 0.3:
        milk.lines.append((rng.choice(["Curd 500 g", "Buttermilk 500 ml"]), Decimal(1)))
    plan.subs.append(milk)
    if rng.random() < 0.12:  # the same milk in the other shift too
        other = Order.Shift.EVENING if milk.shift == Order.Shift.MORNING else Order.Shift.MORNING
        plan.subs.append(
            SubscriptionPlan([(milk.lines[0][0], Decimal(1))], P.DAILY, other, plan.joined)
        )
    if rng.random() < 0.1:  # weekend paneer
        plan.subs.append(
            SubscriptionPlan(
                [("Paneer 200 g", Decimal(1))],
                P.WEEKDAYS,
                _shift(rng),
                plan.joined,
                weekdays=[5, 6],
            )
        )
    if rng.random() < 0.12:  # only on the dates the customer asked for
        first = max(plan.joined, today - timedelta(days=10))
        days = sorted(rng.sample(range((today + timedelta(days=14) - first).days), 4))
        if rng.random() < 0.5 and (today - first).days not in days:
            days[0] = (today - first).days
            days.sort()
        product = rng.choice(["Curd 500 g", "Paneer 200 g", "Ghee 500 ml", "Buttermilk 500 ml"])
        listed = [(first + timedelta(days=d), _qty(rng)) for d in days]
        plan.subs.append(
            SubscriptionPlan(
                [(product, Decimal(1))], P.LISTED_DATES, _shift(rng), listed[0][0], listed=listed
            )
        )

    if status == S.STOPPED:
        stopped_on = today - timedelta(days=rng.randint(3, 15))
        for sub in plan.subs:
            sub.start = min(sub.start, stopped_on - timedelta(days=1))
            sub.end = stopped_on
            sub.listed = [(d, q) for d, q in sub.listed if d <= stopped_on]
        plan.subs = [s for s in plan.subs if s.pattern != P.LISTED_DATES or s.listed]
        return
    if status == S.PAUSED:
        since = today - timedelta(days=rng.randint(0, 20))
        for sub in plan.subs:
            sub.pauses.append((max(since, sub.start), None, rng.choice(PAUSE_REASONS)))
        return
    milk_line = plan.subs[0]
    if rng.random() < 0.15:  # a holiday: past, running now, or coming up
        start = today + timedelta(days=rng.randint(-25, 10))
        start = max(start, milk_line.start)
        milk_line.pauses.append(
            (start, start + timedelta(days=rng.randint(2, 9)), rng.choice(PAUSE_REASONS))
        )
    if milk_line.pattern == P.DAILY and rng.random() < 0.25:  # skip a day, or take extra
        day = today + timedelta(days=rng.randint(0, 5))
        quantity = Decimal(0) if rng.random() < 0.5 else milk_line.lines[0][1] + 1
        milk_line.listed.append((day, quantity))


def _demo_customer_plan(*, today: date) -> CustomerPlan:
    P, M = Order.Pattern, Order.Shift
    joined = today - timedelta(days=75)
    tomorrow = today + timedelta(days=1)
    plan = CustomerPlan(
        details=CustomerDetails(
            name=CUSTOMER_LOGIN.name,
            phone=CUSTOMER_LOGIN.username,
            status=Customer.Status.ACTIVE,
            area="KPHB Colony",
            address="MIG-214, Phase 3, KPHB Colony, Hyderabad 500072",
            landmark="Near KPHB Temple bus stop",
            map_link="https://maps.google.com/?q=17.491200,78.397400",
            latitude=Decimal("17.491200"),
            longitude=Decimal("78.397400"),
            opening_balance=Decimal("250.00"),
            notes="Demo customer.",
            delivery_instructions="Leave the packets in the bag on the gate.",
            email="lakshmi.prasanna@example.com",
        ),
        street="Phase 3",
        joined=joined,
        marketed=True,
        phase=3,
        special_price=("Curd 500 g", "32.00"),
        password=CUSTOMER_LOGIN.password,
    )
    plan.subs = [
        SubscriptionPlan(
            [("Toned milk 500 ml", Decimal(2))],
            P.DAILY,
            M.MORNING,
            joined,
            listed=[(tomorrow, Decimal(0)), (today + timedelta(days=3), Decimal(3))],
            pauses=[(today + timedelta(days=8), today + timedelta(days=11), "Trip to Tirupati")],
        ),
        SubscriptionPlan([("Curd 500 g", Decimal(1))], P.ALTERNATE_DAYS, M.EVENING, joined),
        SubscriptionPlan(
            [("Paneer 200 g", Decimal(1))], P.WEEKDAYS, M.EVENING, joined, weekdays=[6]
        ),
    ]
    plan.one_time = [(tomorrow, M.MORNING, [("Ghee 500 ml", Decimal(1))])]
    return plan


def _shift(rng: random.Random) -> str:
    return Order.Shift.EVENING if rng.random() < 0.2 else Order.Shift.MORNING


def _qty(rng: random.Random) -> Decimal:
    return Decimal(rng.choice([1, 1, 2]))
