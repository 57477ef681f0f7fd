"""`users` and `delivery_boys_v2` → logins, staff and delivery boys.

* admin → user in the "admin" group with admin access (is_staff); marketing_staff → user
  in "marketing", without admin access (the staff pages scope what marketing sees);
  delivery_boy → a login in "delivery boy" and a DeliveryBoy; supplier (and any other
  role) has no counterpart: rejected. Customer logins are imported with their customer
  (customers.py), which decides the links.
* Staff and delivery boys keep logging in with their old email as username (customers log
  in with their phone, like every customer of the new system) and their old password:
  bcrypt hashes as ``bcrypt$<hash>``, SHA-256 digests through the legacy hasher.
* A delivery boy's `users.id` equals his `delivery_boys_v2.id` (§1.1): both become one
  DeliveryBoy. Boys without a login (seeds) get one with an unusable password. The old
  data has no phone for most boys while DeliveryBoy.phone is required and unique: such a
  boy gets a placeholder "0" + 9 digits (never a real mobile number, which starts with
  6–9), reported, to be replaced by staff.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from deliveries.models import DeliveryBoy
from earlybird import roles
from earlybird.phones import InvalidPhone, normalise_phone
from legacy_import.hashers import UNUSABLE, django_password
from legacy_import.importer.base import (
    Context,
    checksum_of,
    documents,
    existing_records,
    gate,
    legacy_id_of,
    save_records,
    text,
)

User = get_user_model()

STAFF_GROUPS = {"admin": roles.ADMIN, "marketing_staff": roles.MARKETING}
GENERATED_EMAIL_DOMAINS = ("@earlybird.local", "@customer.earlybird.com")
NO_LOGIN = UNUSABLE + "legacy-no-login"  # an unusable password: the user never had a login


def legacy_phone(raw: Any) -> str | None:
    """§9.4: strip +91, spaces, dashes, a leading 0 and a trailing ".0"; None if what is
    left is not a 10-digit Indian mobile number."""
    value = text(raw)
    if value.endswith(".0"):
        value = value[:-2]
    try:
        return normalise_phone(value)
    except InvalidPhone:
        return None


def real_email(raw: Any) -> str:
    """The legacy email if it is a real address (not a generated login pattern)."""
    value = text(raw).lower()
    if not value or value.endswith(GENERATED_EMAIL_DOMAINS):
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value[:254]


@dataclass(frozen=True)
class LegacyUser:
    """What the import needs of one `users` document."""

    legacy_id: str
    oid: str
    email: str
    phone: str | None
    role: str
    name: str
    password: str
    password_problem: str | None
    is_active: bool
    customer_v2_id: str | None
    checksum: str


def read_user(doc: dict[str, Any], key: str | None = None) -> LegacyUser | None:
    legacy_id = key or legacy_id_of(doc)
    if legacy_id is None:
        return None
    password, problem = django_password(doc.get("password_hash") or doc.get("password"))
    link = doc.get("customer_v2_id")
    return LegacyUser(
        legacy_id=legacy_id,
        oid=text(doc.get("_id")),
        email=text(doc.get("email")).lower(),
        phone=legacy_phone(doc.get("phone")),
        role=text(doc.get("role")).lower(),
        name=text(doc.get("name"), 150),
        password=password,
        password_problem=problem,
        is_active=doc.get("is_active") is not False,
        customer_v2_id=link if isinstance(link, str) and link else None,
        checksum=checksum_of(doc),
    )


class UserIndex:
    """Every `users` document, compactly, to link logins to customers and staff."""

    def __init__(self) -> None:
        self.by_id: dict[str, LegacyUser] = {}
        self.by_oid: dict[str, LegacyUser] = {}
        self.by_email: dict[str, LegacyUser] = {}
        self.order: list[str] = []

    def add(self, user: LegacyUser) -> bool:
        if user.legacy_id in self.by_id:
            return False
        self.by_id[user.legacy_id] = user
        if user.oid:
            self.by_oid.setdefault(user.oid, user)
        if user.email:
            self.by_email.setdefault(user.email, user)
        self.order.append(user.legacy_id)
        return True


def read_users(ctx: Context) -> UserIndex:
    report = ctx.collection("users")
    index = UserIndex()
    keys = gate(ctx, "users")
    for doc in documents(ctx, "users"):
        key = keys.admit(report, doc, what="login")
        if key is None:
            continue
        user = read_user(doc, key)
        index.add(user)
        if user.password_problem and user.role != "customer":
            report.warn(user.legacy_id, "password", f"{user.password_problem}: must reset")
    return index


def is_customer_login(user: LegacyUser) -> bool:
    return user.role in ("customer", "")


# --- staff ------------------------------------------------------------------------------------


def import_staff(ctx: Context, index: UserIndex) -> None:
    """Admins and marketing staff; other non-customer roles are rejected (boys: below)."""
    report = ctx.collection("users")
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
    staff = [
        index.by_id[i]
        for i in index.order
        if not is_customer_login(index.by_id[i]) and index.by_id[i].role != "delivery_boy"
    ]
    existing = existing_records("users", User, [u.legacy_id for u in staff])
    usernames: set[str] = set()
    with transaction.atomic():
        for legacy in staff:
            group_name = STAFF_GROUPS.get(legacy.role)
            if group_name is None:
                report.reject(
                    legacy.legacy_id,
                    "unsupported_role",
                    f"role {legacy.role!r} has no counterpart in the new system",
                )
                continue
            username = (legacy.email or f"user-{legacy.legacy_id}")[:150]
            if username in usernames:
                report.reject(legacy.legacy_id, "duplicate_email", f"{username} already imported")
                continue
            usernames.add(username)
            pk = _save_login(
                ctx,
                report,
                legacy,
                existing.get(legacy.legacy_id),
                username=username,
                # Only the legacy admins are Django admin users; staff of other roles work
                # on the staff pages until an admin gives them admin access.
                is_staff=group_name == roles.ADMIN,
                group=groups[group_name],
            )
            if pk is not None:
                ctx.users[legacy.legacy_id] = pk
                ctx.user_names[pk] = legacy.name or username
    ctx.tick("users", report.read)


def _save_login(
    ctx: Context,
    report,
    legacy: LegacyUser,
    found: tuple[int, str] | None,
    *,
    username: str,
    is_staff: bool,
    group: Group,
    checksum: str | None = None,
    record: bool = True,
) -> int | None:
    """Create or update one staff or delivery-boy login; None if it cannot be saved."""
    checksum = checksum or legacy.checksum
    if found and found[1] == checksum and User.objects.filter(pk=found[0]).exists():
        report.unchanged += 1
        return found[0]
    user = User.objects.filter(pk=found[0]).first() if found else None
    created = user is None
    user = user or User(username=username)
    user.username = username
    user.first_name = legacy.name[:150]
    user.email = real_email(legacy.email)
    user.is_staff = is_staff
    user.is_active = legacy.is_active
    user.password = legacy.password
    try:
        with transaction.atomic():
            user.save()
            user.groups.add(group)
    except IntegrityError as exc:
        report.reject(legacy.legacy_id, "username_taken", f"{username}: {exc}".splitlines()[0])
        return None
    if record:
        save_records("users", User, [(legacy.legacy_id, user.pk, checksum)])
    if created:
        report.created += 1
    else:
        report.updated += 1
    return user.pk


# --- delivery boys --------------------------------------------------------------------------------


def placeholder_phone(legacy_id: str, taken: set[str]) -> str:
    """'0' + 9 digits from the legacy id: never a real mobile number, stable across runs."""
    number = int(hashlib.sha256(legacy_id.encode()).hexdigest(), 16) % 10**9
    while f"0{number:09d}" in taken:
        number = (number + 1) % 10**9
    return f"0{number:09d}"


def import_delivery_boys(ctx: Context, index: UserIndex) -> None:
    """`delivery_boys_v2` documents and delivery-boy logins, joined on their equal ids."""
    users_report = ctx.collection("users")
    boys_report = ctx.collection("delivery_boys_v2")
    boys_docs: dict[str, dict[str, Any]] = {}
    for doc in documents(ctx, "delivery_boys_v2"):
        legacy_id = legacy_id_of(doc)
        if legacy_id is None:
            boys_report.reject("", "no_id", "delivery boy without id")
        elif legacy_id in boys_docs:
            boys_report.reject(
                legacy_id,
                "duplicate_id",
                f"_id {doc.get('_id')}: a second delivery boy with this id (his login shares "
                "it): the first is imported; merge them by hand if they differ",
            )
        else:
            boys_docs[legacy_id] = doc
    boy_users = {i: index.by_id[i] for i in index.order if index.by_id[i].role == "delivery_boy"}
    legacy_ids = list(boys_docs) + [i for i in boy_users if i not in boys_docs]
    group = Group.objects.get(name=roles.DELIVERY_BOY)
    found_boys = existing_records("delivery_boys_v2", DeliveryBoy, boys_docs)
    found_boys |= {
        k: v
        for k, v in existing_records("users", DeliveryBoy, boy_users).items()
        if k not in boys_docs
    }
    found_users = existing_records("users", User, boy_users)
    taken = set(DeliveryBoy.objects.values_list("phone", flat=True))
    with transaction.atomic():
        for legacy_id in legacy_ids:
            doc, legacy = boys_docs.get(legacy_id), boy_users.get(legacy_id)
            name = text((doc or {}).get("name"), 150) or (legacy.name if legacy else "")
            if not name:
                name = f"Delivery boy {legacy_id[:8]}"
            phone = legacy_phone((doc or {}).get("phone")) or (legacy.phone if legacy else None)
            checksum = checksum_of(doc, legacy.checksum if legacy else None)
            found = found_boys.get(legacy_id)
            existing_boy = DeliveryBoy.objects.filter(pk=found[0]).first() if found else None
            if existing_boy and found[1] == checksum:
                (boys_report if doc else users_report).unchanged += 1
                if legacy and doc:
                    users_report.unchanged += 1
                if existing_boy.phone.startswith("0"):
                    _warn_placeholder(boys_report if doc else users_report, legacy_id, existing_boy)
                _remember_boy(ctx, legacy_id, existing_boy, legacy)
                continue
            if phone is None or (phone in taken and getattr(existing_boy, "phone", None) != phone):
                phone = (
                    existing_boy.phone
                    if existing_boy and existing_boy.phone.startswith("0")
                    else placeholder_phone(legacy_id, taken)
                )
            taken.add(phone)
            if legacy is None:
                legacy = LegacyUser(
                    legacy_id=legacy_id,
                    oid="",
                    email="",
                    phone=phone,
                    role="delivery_boy",
                    name=name,
                    password=NO_LOGIN,
                    password_problem=None,
                    is_active=(doc or {}).get("is_active") is not False,
                    customer_v2_id=None,
                    checksum=checksum,
                )
            username = (legacy.email or (phone if not phone.startswith("0") else "")) or (
                f"boy-{legacy_id}"
            )
            has_login = legacy_id in boy_users
            if has_login:
                found_user = found_users.get(legacy_id)
            else:
                found_user = (existing_boy.user_id, "") if existing_boy else None
            user_pk = _save_login(
                ctx,
                users_report if has_login else _Silent(),
                legacy,
                found_user,
                username=username[:150],
                is_staff=False,
                group=group,
                checksum=checksum,
                record=has_login,
            )
            if user_pk is None:  # the users document is rejected already, if there is one
                if doc:
                    boys_report.reject(
                        legacy_id, "username_taken", f"no login could be made for {name}"
                    )
                continue
            boy = existing_boy or DeliveryBoy(user_id=user_pk)
            boy.user_id, boy.name, boy.phone = user_pk, name, phone
            boy.is_active = legacy.is_active and (doc or {}).get("is_active") is not False
            if phone.startswith("0"):
                _warn_placeholder(boys_report if doc else users_report, legacy_id, boy)
            try:
                with transaction.atomic():
                    boy.full_clean()
                    boy.save()
            except (ValidationError, IntegrityError) as exc:
                (boys_report if doc else users_report).reject(legacy_id, "invalid", str(exc))
                continue
            if doc:
                save_records("delivery_boys_v2", DeliveryBoy, [(legacy_id, boy.pk, checksum)])
                if existing_boy:
                    boys_report.updated += 1
                else:
                    boys_report.created += 1
            if legacy_id in boy_users:
                save_records("users", DeliveryBoy, [(legacy_id, boy.pk, checksum)])
            _remember_boy(ctx, legacy_id, boy, legacy)
    ctx.tick("delivery_boys_v2", boys_report.read)


def _warn_placeholder(report, legacy_id: str, boy: DeliveryBoy) -> None:
    report.warn(
        legacy_id,
        "placeholder_phone",
        f"{boy.name} has no usable phone: imported with {boy.phone}; set the real one",
    )


class _Silent:
    """A report that counts nothing (a boy's generated login is not a users document)."""

    created = updated = unchanged = 0

    def reject(self, *args, **kwargs) -> None:
        pass

    def warn(self, *args, **kwargs) -> None:
        pass


def _remember_boy(ctx: Context, legacy_id: str, boy: DeliveryBoy, legacy: LegacyUser | None):
    ctx.boys[legacy_id] = boy.pk
    ctx.boy_users[boy.pk] = boy.user_id
    ctx.boy_names[boy.pk] = boy.name
    ctx.users[legacy_id] = boy.user_id
    ctx.user_names[boy.user_id] = boy.name
