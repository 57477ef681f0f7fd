"""The one small interface a payment gateway implements, and what it hands back.

A gateway makes payment links, tells a genuine webhook from a forged one, turns a webhook
into a `PaidEvent` / `LinkEvent` (or None: not ours to act on), and reads its settlement
report. Everything past that — which customer, bill or wallet, recording the payment once
— is billing.services.online_payments, the same whichever gateway is behind it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from customers.models import Customer


class GatewayError(Exception):
    """The gateway refused or could not be reached; the message says which, for people."""


class MalformedEvent(ValueError):
    """A signed webhook whose body is not the gateway's JSON; the message is the reason."""


class SettlementError(ValueError):
    """A settlement report that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Link:
    id: str  # the gateway's id, e.g. plink_Fo48rl281ENAg9
    short_url: str


@dataclass(frozen=True)
class PaidEvent:
    """A payment the gateway captured, as a webhook told it."""

    payment_id: str  # the gateway's id, unique: a payment is recorded once per id
    amount: Decimal  # rupees
    currency: str
    method: str  # a billing Payment.Method value
    reference: str  # UPI / bank reference, else the payment id
    paid_on: date
    # Which link it paid, and what we wrote on the link (the event's notes): the
    # gateway's link id, our reference, the customer, bill or wallet, the bill.
    link_id: str = ""
    reference_id: str = ""
    customer_id: int | None = None
    purpose: str = ""
    bill_id: int | None = None


@dataclass(frozen=True)
class LinkEvent:
    """A payment link that was cancelled or expired at the gateway."""

    link_id: str
    status: str  # a PaymentLink.Status value


@dataclass(frozen=True)
class SettlementRow:
    """One payment in a settlement report (refunds, transfers and adjustments are left out)."""

    line: int  # in the file, for people to find it
    payment_id: str
    amount: Decimal  # rupees, what the customer paid (before the gateway's fee)
    fee: Decimal
    tax: Decimal
    settlement_id: str
    paid_on: date | None  # when the customer paid (created_at)
    settled_on: date | None


class PaymentGateway(ABC):
    name: str = ""

    @abstractmethod
    def create_link(
        self,
        *,
        amount: Decimal,
        customer: Customer,
        purpose: str,
        reference_id: str,
        description: str,
        bill_id: int | None,
        expires_at: datetime,
    ) -> Link:
        """A payment link for `amount` rupees that carries the customer, the purpose and
        the bill back in its payment's webhook; raises GatewayError."""

    @abstractmethod
    def verify_webhook(self, body: bytes, signature: str) -> bool:
        """Whether `signature` is the gateway's for exactly these bytes."""

    @abstractmethod
    def parse_event(self, body: bytes) -> PaidEvent | LinkEvent | None:
        """What a verified webhook says; None for events not acted on; MalformedEvent."""

    @abstractmethod
    def parse_settlement(self, csv_text: str, *, in_paise: bool = False) -> list[SettlementRow]:
        """The payments of a settlement report; raises SettlementError naming the line."""
