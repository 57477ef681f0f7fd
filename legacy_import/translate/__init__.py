"""Legacy `subscriptions_v2` documents → the plain data of a new subscription `Order`.

`translate_subscription` turns one raw document (as `mongoexport`/`mongodump` give it,
see `decode_extended_json`) into a `TranslatedOrder`, or a `Rejected` with the reason.
It writes nothing; the import command turns a `TranslatedOrder` into rows.

The promise, checked by `legacy_import/tests/test_translate.py`: for every day D from
`LEGACY_START` on,

    due_on(to_schedule(t), customer_status=t.customer_status, day=D)
        == the old delivery-boy list's quantity (`legacy_rule.delivery_boy_list_qty`,
           statuses read in any casing: rule 1), as a Decimal rounded to 3 places
           (0 = nothing due).

How the old rule (COLLECTIONS.md §5, §6.2) maps onto the new one:

* Legacy recurring subscriptions have no start date: the engine delivers on any day,
  even before the customer existed. The new order starts on `LEGACY_START`
  (2000-01-01); the promise holds from that day on.
* `stop_date` S (no delivery from S on) → `end_date` S − 1 day.
* Pauses keep their dates; `end` null, `""` or missing → open-ended. A pause whose end
  is before its start never matched and is dropped.
* `irregular_list` and then `day_overrides` become day overrides, first entry for a date
  wins (an irregular entry beats a day override). Entries the engine could never match
  (a date that is not a `YYYY-MM-DD` string, e.g. a BSON date) are dropped. A negative
  quantity was never listed: it becomes 0 (skip the day).
* mode `fixed_daily` → daily; `weekly_pattern` → weekdays (only the integers 0…6 the
  engine matched; strings such as "2" never matched); `day_by_day`, `irregular`, a
  missing or unknown mode, or a pattern that can never fire → listed dates (only the
  overrides deliver). `one_time` → daily from its start to its end date, or, when an
  override delivers outside that range, listed dates with one override per day of the
  range.
* Statuses are read as the old data meant them, not as the old lists compared them
  (rule 1): a subscription "active" in any casing becomes active, "draft", "paused",
  "stopped" keep their meaning, a missing or unknown status becomes draft (with a
  warning). The customer status is trimmed and lower-cased into `Customer.Status`;
  anything else becomes paused. The old lists compared both exactly, so a customer
  stored as "Active" or a subscription stored as "Active" got nothing from them, although
  the confirmations show they were served: both now deliver (reported).
* Documents the old engine crashed on (a pause without `start`, a BSON `stop_date`,
  `default_qty: null`…) are rejected with the reason and a day on which it crashed,
  when the engine would reach the bad value (the first such day of the period the dump
  covers, `first_day`, not a placeholder); when it never would (a draft or stopped
  subscription, a bad quantity on a paused day) the value is read as its writer meant
  or dropped, with a warning. Quantities the new database cannot hold (infinite, above
  9,999,999.999) and subscriptions without a customer or product are rejected too.

Line quantity: a line must have a quantity above 0, but a listed-dates order never uses
it; it gets the legacy default quantity when that is above 0, else 1.
"""

from legacy_import.translate.subscription import (
    Rejected,
    TranslatedOrder,
    to_schedule,
    translate_subscription,
)
from legacy_import.translate.values import (
    LEGACY_START,
    business_date_of_bson,
    decode_extended_json,
    read_export,
    translate_customer_status,
)

__all__ = [
    "LEGACY_START",
    "Rejected",
    "TranslatedOrder",
    "business_date_of_bson",
    "decode_extended_json",
    "read_export",
    "to_schedule",
    "translate_customer_status",
    "translate_subscription",
]
