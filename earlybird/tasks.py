"""The base's scheduled job: expired sessions deleted every night at CLEAR_SESSIONS_AT
(local time), as Django's `clearsessions` does, so that the sessions table keeps only
the live ones the session statement reads (earlybird.sessions)."""

from django.conf import settings

from earlybird.jobs import SCHEDULED_QUEUE, app, daily_at, local_day, run_once
from earlybird.sessions import SessionStore

CLEAR_SESSIONS = "earlybird.clear_sessions"


@app.periodic(cron=daily_at(settings.CLEAR_SESSIONS_AT), periodic_id="night")
@app.task(name=CLEAR_SESSIONS, queue=SCHEDULED_QUEUE)
def clear_sessions(timestamp: int) -> None:
    """Delete the sessions expired by now, once per night."""
    run_once(task=CLEAR_SESSIONS, slot=f"{local_day(timestamp)}", work=clear_expired_sessions)


def clear_expired_sessions() -> str:
    return f"{SessionStore.clear_expired()} expired sessions deleted"
