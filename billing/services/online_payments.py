"""Online payments: a payment link for a bill or a wallet recharge, and recording what the
gateway's webhook says was paid — once per gateway payment, however often it is told.

Making a link calls the gateway over the network, so it happens outside any transaction
and before the link's row is written; an unexpired link for the same bill (or the same
recharge amount) is handed back instead of a new one.

Recording a payment (`record_gateway_payment`) takes the customer's lock first, then looks
for the gateway's payment id among the payments: found, the delivery is a replay (the
same event again, or payment_link.paid and payment.captured for one payment) and nothing
is written. Otherwise the payment goes through billing.services.payments.record_payment
like every other payment (bill → a payment toward the balance; wallet → a recharge of
the wallet), with the gateway's id on it. The unique index
billing_payment_gateway_payment_once stands behind the lock: a second writer that got
past the check fails on it, and that is read as "already recorded".
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.gateway import online_payments_enabled, payment_gateway
from billing.gateway.base import LinkEvent, PaidEvent
from billing.models import Bill, Payment, PaymentLink
from billing.selectors.sharing import amounts_still_due
from billing.services.payments import record_payment
from customers.models import Customer
from earlybird import bounds
from earlybird.locks import lock_one
from earlybird.roles import CUSTOMER, has_role

logger = logging.getLogger("billing.gateway")

NOT_SET_UP = (
    "Online payments are not set up, so no payment link can be made: pay by UPI with the "
    "link or QR code, or in cash."
)
# A link this close to its expiry is not handed out again: the customer needs time to pay.
REUSE_MARGIN = timedelta(hours=1)


# --- links -----------------------------------------------------------------------------


def create_payment_link(
    *, customer: Customer, purpose: str, amount=None, bill: Bill | None = None, by=None
) -> tuple[PaymentLink, bool]:
    """A link to pay `bill` (what is still due on it) or to recharge the wallet with
    `amount`; (the link, whether it is new). ValidationError for what cannot be paid,
    billing.gateway.base.GatewayError when the gateway refuses or cannot be reached."""
    if not online_payments_enabled():
        raise ValidationError(NOT_SET_UP)
    if by is not None and has_role(by, CUSTOMER) and getattr(by, "customer", None) != customer:
        raise PermissionDenied("A customer pays only his own bills.")
    amount = _amount_for(customer=customer, purpose=purpose, amount=amount, bill=bill)
    now = timezone.now()
    earlier = (
        PaymentLink.objects.filter(
            customer=customer,
            purpose=purpose,
            bill=bill,
            amount=amount,
            status=PaymentLink.Status.CREATED,
            expires_at__gt=now + REUSE_MARGIN,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if earlier is not None:
        return earlier, False
    gateway = payment_gateway()
    reference_id = f"EB{secrets.token_hex(8)}"
    expires_at = now + timedelta(days=settings.PAYMENT_LINK_VALID_DAYS)
    made = gateway.create_link(
        amount=amount,
        customer=customer,
        purpose=purpose,
        reference_id=reference_id,
        description=_description(customer=customer, purpose=purpose, bill=bill),
        bill_id=bill.pk if bill is not None else None,
        expires_at=expires_at,
    )
    link = PaymentLink(
        customer=customer,
        purpose=purpose,
        bill=bill,
        amount=amount,
        gateway=gateway.name,
        gateway_link_id=made.id,
        reference_id=reference_id,
        short_url=made.short_url,
        expires_at=expires_at,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    link.full_clean()
    link.save()
    logger.info("Payment link %s for %s: ₹%s (%s).", made.id, customer.code, amount, purpose)
    return link, True


def _amount_for(*, customer: Customer, purpose: str, amount, bill: Bill | None) -> Decimal:
    if purpose == PaymentLink.Purpose.BILL:
        if bill is None or bill.customer_id != customer.pk:
            raise ValidationError({"bill": "Choose one of the customer's bills."})
        if bill.status != Bill.Status.ISSUED:
            raise ValidationError({"bill": "Only an issued bill can be paid."})
        due = amounts_still_due([bill]).get(bill.pk, Decimal(0))
        if due <= 0:
            raise ValidationError({"bill": f"Nothing is due on {bill.code} now."})
        return bounds.check_amount(due, field="amount")
    if purpose != PaymentLink.Purpose.WALLET:
        raise ValidationError({"purpose": f"“{purpose}” is not a bill or a wallet recharge."})
    if bill is not None:
        raise ValidationError({"bill": "A wallet recharge is not for a bill."})
    try:
        value = Decimal(str(amount if amount is not None else "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": f"“{amount or ''}” is not an amount of money."}) from None
    return bounds.check_amount(value, field="amount")


def _description(*, customer: Customer, purpose: str, bill: Bill | None) -> str:
    business = settings.BUSINESS_NAME
    if bill is not None:
        return f"{business}: bill {bill.code} of {bill.period:%B %Y} ({customer.code})"
    return f"{business}: wallet recharge ({customer.code})"


# --- webhooks --------------------------------------------------------------------------


@dataclass(frozen=True)
class HookOutcome:
    """What a webhook did, for the log and for the gateway's answer (always a 200: each
    is final, and a retry would change nothing)."""

    result: str  # recorded | already | ignored | refused | updated
    message: str
    payment: Payment | None = None


def handle_gateway_event(*, event: PaidEvent | LinkEvent | None) -> HookOutcome:
    if event is None:
        return HookOutcome("ignored", "Not an event EarlyBird acts on.")
    if isinstance(event, LinkEvent):
        return update_link_status(event=event)
    return record_gateway_payment(event=event)


def update_link_status(*, event: LinkEvent) -> HookOutcome:
    """A link cancelled or expired at the gateway; a paid link stays paid."""
    changed = PaymentLink.objects.filter(
        gateway_link_id=event.link_id, status=PaymentLink.Status.CREATED
    ).update(status=event.status, updated_at=timezone.now())
    return HookOutcome(
        "updated" if changed else "ignored", f"Link {event.link_id}: {event.status}."
    )


def record_gateway_payment(*, event: PaidEvent) -> HookOutcome:
    """Record a payment the gateway captured, once per gateway payment id."""
    link = _link_of(event)
    customer_id = link.customer_id if link is not None else event.customer_id
    purpose = link.purpose if link is not None else event.purpose
    if customer_id is None or not Customer.objects.filter(pk=customer_id).exists():
        return _not_recorded("ignored", event, "names no customer of ours")
    if purpose not in Payment.Purpose.values:
        return _not_recorded("ignored", event, f"has no purpose we know (“{purpose}”)")
    if event.currency != "INR":
        return _not_recorded("refused", event, f"is in {event.currency}, not INR")
    try:
        with transaction.atomic():
            # One writer per customer (record_payment takes the same lock): a second
            # delivery of this payment waits here, then finds it below.
            customer = lock_one(Customer.objects, pk=customer_id)
            earlier = Payment.objects.filter(gateway_payment_id=event.payment_id).first()
            if earlier is not None:
                _mark_paid(link, earlier)
                return HookOutcome("already", f"{event.payment_id} is {earlier.code}.", earlier)
            payment = record_payment(
                customer=customer,
                amount=event.amount,
                method=event.method,
                paid_on=event.paid_on,
                reference=event.reference,
                notes=_notes(event, link),
                purpose=purpose,
            )
            payment.gateway_payment_id = event.payment_id
            payment.save(update_fields=["gateway_payment_id", "updated_at"])
            _mark_paid(link, payment)
    except IntegrityError:
        earlier = Payment.objects.filter(gateway_payment_id=event.payment_id).first()
        if earlier is None:
            raise
        return HookOutcome("already", f"{event.payment_id} is {earlier.code}.", earlier)
    except ValidationError as exc:
        # Final (an amount over the caps, a reference staff already recorded by hand):
        # nothing is written; `reconcile_gateway` lists the payment as not recorded.
        return _not_recorded("refused", event, "was refused: " + " ".join(exc.messages))
    logger.info(
        "Gateway payment %s recorded as %s: ₹%s by %s for %s (%s).",
        event.payment_id,
        payment.code,
        payment.amount,
        payment.method,
        customer.code,
        purpose,
    )
    return HookOutcome("recorded", f"{event.payment_id} recorded as {payment.code}.", payment)


def _link_of(event: PaidEvent) -> PaymentLink | None:
    links = PaymentLink.objects.select_related("bill")
    if event.link_id:
        found = links.filter(gateway_link_id=event.link_id).first()
        if found is not None:
            return found
    if event.reference_id:
        return links.filter(reference_id=event.reference_id).first()
    return None


def _mark_paid(link: PaymentLink | None, payment: Payment) -> None:
    """The link the payment paid (a payment pays one link; the customer lock is held)."""
    if link is None or link.customer_id != payment.customer_id:
        return
    if PaymentLink.objects.filter(payment=payment).exists():
        return
    PaymentLink.objects.filter(pk=link.pk, payment__isnull=True).update(
        status=PaymentLink.Status.PAID,
        payment=payment,
        paid_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _notes(event: PaidEvent, link: PaymentLink | None) -> str:
    what = f"bill {link.bill.code}" if link is not None and link.bill_id else "online payment"
    return f"Paid online ({event.payment_id}), {what}."


def _not_recorded(result: str, event: PaidEvent, why: str) -> HookOutcome:
    message = f"Gateway payment {event.payment_id} (₹{event.amount}) {why}: not recorded."
    if result == "ignored":
        logger.warning(message)
    else:
        logger.error(message)
    return HookOutcome(result, message)
