"""{% if user|money_staff %}: accounts staff and admins (who see the billing pages).

No query on a staff page: the access helper has already read the user's roles, which
earlybird.roles caches on the user.
"""

from django import template

from earlybird.roles import ACCOUNTS, ADMIN, has_role

register = template.Library()


@register.filter
def money_staff(user) -> bool:
    return bool(user) and has_role(user, ACCOUNTS, ADMIN)
