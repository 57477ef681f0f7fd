"""Deliveries' scheduled job: tomorrow's deliveries, every evening at GENERATE_DELIVERIES_AT
(local time; by default just after the customers' cut-off). The same service as
`manage.py generate_deliveries --date tomorrow`; schedule edits made later bring the
generated days up to date themselves (deliveries.services.generation.refresh_deliveries).
"""

from datetime import timedelta

from django.conf import settings

from deliveries.services import generate_deliveries
from earlybird.jobs import SCHEDULED_QUEUE, app, daily_at, local_day, run_once

GENERATE_TOMORROW = "deliveries.generate_tomorrow"


@app.periodic(cron=daily_at(settings.GENERATE_DELIVERIES_AT), periodic_id="evening")
@app.task(name=GENERATE_TOMORROW, queue=SCHEDULED_QUEUE)
def generate_tomorrow(timestamp: int) -> None:
    """Generate the deliveries of the day after the scheduled time's day, once."""
    day = local_day(timestamp) + timedelta(days=1)
    run_once(
        task=GENERATE_TOMORROW,
        slot=f"{day}",
        work=lambda: "\n".join(generate_deliveries(day=day).lines()),
    )
