"""Rules every payment obeys, on every path (service, page, API, admin): a reference is
one payment per customer and method; amounts are bounded (lower for cash a delivery boy
takes), so no payment can make issuing a month's bills fail for everyone; a correction
or a deletion cannot slip past a bill being issued."""

import datetime as dt

from billing.services import record_payment

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
PAID_ON = dt.date(2026, 11, 2)


def pay(customer, amount="450", *, method="upi", reference="", paid_on=PAID_ON, **more):
    return record_payment(
        customer=customer,
        amount=amount,
        method=method,
        paid_on=paid_on,
        reference=reference,
        **more,
    )


def refusal(excinfo, field: str) -> str:
    return " ".join(excinfo.value.message_dict[field])
