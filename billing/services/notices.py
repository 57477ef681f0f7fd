"""What billing tells customers through the outbox (messaging), each in the transaction
of its event: an issued bill (its PDF attached when sent), a payment received, a wallet
recharged, deliveries paused for a low wallet balance. Overdue reminders:
billing.services.reminders."""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef

from billing.models import Bill, Payment
from billing.selectors import amounts_still_due, balance_for, bill_message_context
from billing.selectors.wallet import wallet_balance
from billing.services.periods import check_accounts, month_start
from customers.models import Customer
from earlybird.templatetags.money import format_inr
from messaging.models import Message
from messaging.rendering import word
from messaging.services import Outgoing, queue_message, queue_messages

BILL_PDF = "bill_pdf"  # the attachment kind billing registers (billing.apps)


def queue_bill_messages(*, bills: Iterable[Bill]) -> int:
    """The "bill issued" message of each issued bill (customer selected along): amount
    still due, due date, UPI link, the PDF attached. Once per bill (key "bill:<id>");
    returns how many were queued now. A handful of queries for any number of bills."""
    bills = [bill for bill in bills if bill.status == Bill.Status.ISSUED]
    amounts = amounts_still_due(bills)
    return len(
        queue_messages(
            Outgoing(
                customer=bill.customer,
                purpose=Message.Purpose.BILL_ISSUED,
                context=bill_message_context(bill=bill, amount=amounts[bill.pk]),
                dedupe_key=f"bill:{bill.pk}",
                attachment_kind=BILL_PDF,
                attachment_ref=bill.pk,
                attachment_name=f"{bill.code}.pdf",
            )
            for bill in bills
        )
    )


def send_due_bills(*, period: date, by=None) -> int:
    """ "Send all due bills": the bill message of every issued bill of the month that has
    none yet, one message and one job each. A second press queues nothing. Accounts
    staff (None: a command or a job)."""
    if by is not None:
        check_accounts(by)
    messaged = Message.objects.filter(
        purpose=Message.Purpose.BILL_ISSUED, attachment_kind=BILL_PDF, attachment_ref=OuterRef("pk")
    )
    bills = (
        Bill.objects.filter(period=month_start(period), status=Bill.Status.ISSUED)
        .exclude(Exists(messaged))
        .select_related("customer")
        .order_by("pk")
    )
    return queue_bill_messages(bills=bills)


def queue_payment_receipt(*, payment: Payment) -> Message | None:
    """The receipt of a payment just recorded, with the customer's balance after it (a
    wallet recharge: the wallet's balance, its own kind of message)."""
    if payment.purpose == Payment.Purpose.WALLET:
        return queue_message(
            customer=payment.customer,
            purpose=Message.Purpose.WALLET_RECHARGED,
            context={
                "name": payment.customer.name,
                "amount": payment.amount,
                "paid_on": payment.paid_on,
                "method": lambda language: word(payment.method, language),
                "payment_code": payment.code,
                "wallet_balance": wallet_balance(payment.customer_id),
            },
            dedupe_key=f"payment:{payment.pk}",
        )
    balance = balance_for(payment.customer)

    def balance_text(language: str) -> str:
        if balance < 0:  # credit: paid ahead
            return f"{format_inr(-balance)} {word('in_advance', language)}"
        return format_inr(balance)

    return queue_message(
        customer=payment.customer,
        purpose=Message.Purpose.PAYMENT_RECEIVED,
        context={
            "name": payment.customer.name,
            "amount": payment.amount,
            "paid_on": payment.paid_on,
            "method": lambda language: word(payment.method, language),
            "payment_code": payment.code,
            "balance": balance_text,
        },
        dedupe_key=f"payment:{payment.pk}",
    )


def queue_low_balance_pauses(
    *, day: date, shortfalls: Mapping[int, tuple[Decimal, Decimal]]
) -> int:
    """Tell each customer whose deliveries on `day` are paused for a low wallet balance:
    {customer id: (balance less what is already due, what the day needs)}. Once per
    customer and day (key "wallet-paused:<customer>:<day>"), however often the day is
    generated. Returns how many were queued now."""
    customers = Customer.objects.filter(pk__in=list(shortfalls)).order_by("pk")
    return len(
        queue_messages(
            Outgoing(
                customer=customer,
                purpose=Message.Purpose.PAUSED_LOW_BALANCE,
                context={
                    "name": customer.name,
                    "date": day,
                    "wallet_balance": shortfalls[customer.pk][0],
                    "needed": shortfalls[customer.pk][1],
                },
                dedupe_key=f"wallet-paused:{customer.pk}:{day.isoformat()}",
            )
            for customer in customers
        )
    )
