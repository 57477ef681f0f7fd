"""Writes on customers. Every path that makes a customer (admin, staff pages, API,
import) calls create_customer, so every customer has a working login."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Area, Customer
from customers.signals import customer_status_changed
from earlybird import bounds, roles
from earlybird.codes import next_code
from earlybird.phones import InvalidPhone, normalise_phone

User = get_user_model()


@dataclass(frozen=True)
class CustomerDetails:
    """The editable facts about a customer, as a form or an import gives them."""

    name: str
    phone: str
    status: str = Customer.Status.TRIAL
    area: Area | None = None
    address: str = ""
    landmark: str = ""
    map_link: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    marketing_staff: object | None = None
    opening_balance: Decimal = Decimal("0")
    notes: str = ""
    email: str = ""
    delivery_instructions: str = ""


def clean_phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise ValidationError({"phone": str(exc)}) from exc


def check_phone_free(phone: str, *, exclude_customer: Customer | None = None) -> None:
    taken = Customer.objects.filter(phone=phone)
    if exclude_customer is not None:
        taken = taken.exclude(pk=exclude_customer.pk)
    existing = taken.first()
    if existing is not None:
        raise ValidationError(
            {"phone": f"{phone} already belongs to customer {existing.name} ({existing.code})."}
        )
    users = User.objects.filter(username=phone)
    if exclude_customer is not None:
        users = users.exclude(pk=exclude_customer.user_id)
    if users.exists():
        raise ValidationError({"phone": f"{phone} is already the login of another user."})


def check_opening_balance(*, by, opening_balance, current=Decimal("0")) -> None:
    """Only an admin sets what a customer owed at the start. `by` is the user acting
    (None: a command or the import, which may). Whoever sets it, it stays within the money
    bounds: a balance no bill could carry would make issuing fail for everyone."""
    if Decimal(opening_balance or 0) == Decimal(current or 0):
        return
    bounds.check_amount(Decimal(opening_balance), field="opening_balance", allow_negative=True)
    if by is None:
        return
    if not roles.has_role(by, roles.ADMIN):
        raise ValidationError({"opening_balance": "Only an admin can set the opening balance."})


def create_customer(
    *, details: CustomerDetails, password: str | None = None, created_on=None, by=None
) -> Customer:
    """Create the customer and its login (username = phone) in one transaction.

    With no password the login exists but cannot be used until a password is set.
    Raises ValidationError (nothing written) on a bad or duplicate phone, or on an
    opening balance set by anyone but an admin (`by`: the user acting; None = a command).
    """
    check_opening_balance(by=by, opening_balance=details.opening_balance)
    phone = clean_phone(details.phone)
    check_phone_free(phone)
    try:
        with transaction.atomic():
            user = User(username=phone, email=details.email, first_name=details.name[:150])
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.full_clean()
            user.save()
            user.groups.add(Group.objects.get(name=roles.CUSTOMER))
            customer = Customer(user=user, phone=phone, **_customer_fields(details))
            customer.code = next_code("CU", on=created_on or timezone.localdate())
            customer.full_clean()
            customer.save()
    except IntegrityError as exc:
        # Lost a race with another request for the same phone.
        if (
            Customer.objects.filter(phone=phone).exists()
            or User.objects.filter(username=phone).exists()
        ):
            raise ValidationError({"phone": f"{phone} is already registered."}) from exc
        raise
    return customer


def update_customer(*, customer: Customer, details: CustomerDetails, by=None) -> Customer:
    """Change a customer's details; a new phone also becomes the login's username.
    Only an admin changes the opening balance (`by`: the user acting; None = a command)."""
    stored = Customer.objects.filter(pk=customer.pk).values_list("opening_balance", flat=True)
    check_opening_balance(by=by, opening_balance=details.opening_balance, current=stored.get())
    phone = clean_phone(details.phone)
    check_phone_free(phone, exclude_customer=customer)
    old_status = customer.status
    with transaction.atomic():
        for field, value in _customer_fields(details).items():
            setattr(customer, field, value)
        customer.phone = phone
        customer.full_clean()
        customer.save()
        user = customer.user
        if user.username != phone or user.email != details.email:
            user.username = phone
            user.email = details.email
            user.save(update_fields=["username", "email"])
        if customer.status != old_status:
            customer_status_changed.send(sender=Customer, customer=customer)
    return customer


def _customer_fields(details: CustomerDetails) -> dict:
    return {
        "name": details.name.strip(),
        "status": details.status,
        "area": details.area,
        "address": details.address,
        "landmark": details.landmark,
        "map_link": details.map_link,
        "latitude": details.latitude,
        "longitude": details.longitude,
        "marketing_staff": details.marketing_staff,
        "opening_balance": details.opening_balance,
        "notes": details.notes,
        "delivery_instructions": clean_delivery_instructions(details.delivery_instructions),
    }


def clean_delivery_instructions(text: str) -> str:
    """Instructions as the delivery boy reads them: one trimmed text of at most 300
    characters (the staff form and the customer's own page both pass through here)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise ValidationError({"delivery_instructions": _("Write the instructions as plain text.")})
    limit = Customer._meta.get_field("delivery_instructions").max_length
    if len(text) > limit:
        message = _("Keep the instructions to %(limit)d characters; these are %(count)d.")
        raise ValidationError(
            {"delivery_instructions": message % {"limit": limit, "count": len(text)}}
        )
    return text


def set_delivery_instructions(*, customer: Customer, text: str, by=None) -> Customer:
    """The customer (on /me/) or staff change only the delivery instructions. `by`: the
    user acting — a customer may change only their own (None: a command)."""
    if by is not None and roles.has_role(by, roles.CUSTOMER) and by.pk != customer.user_id:
        raise ValidationError(_("You can change only your own delivery instructions."))
    text = clean_delivery_instructions(text)
    with transaction.atomic():
        customer = Customer.objects.select_for_update(no_key=True, of=("self",)).get(pk=customer.pk)
        if customer.delivery_instructions != text:
            customer.delivery_instructions = text
            customer.save(update_fields=["delivery_instructions", "updated_at"])
    return customer


def activate_customer(*, customer: Customer) -> Customer:
    """Move a customer from trial to active (the trial went well)."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update(no_key=True, of=("self",)).get(pk=customer.pk)
        if customer.status == Customer.Status.ACTIVE:
            return customer
        if customer.status != Customer.Status.TRIAL:
            raise ValidationError(
                {
                    "status": f"{customer.name} is {customer.get_status_display().lower()}, "
                    "not on trial; change the status on the edit page instead."
                }
            )
        customer.status = Customer.Status.ACTIVE
        customer.save(update_fields=["status", "updated_at"])
        customer_status_changed.send(sender=Customer, customer=customer)
    return customer
