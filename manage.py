#!/usr/bin/env python
import os
import sys
import time


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlybird.settings")
    from django.core.management import execute_from_command_line

    started = time.perf_counter()
    status = "error"
    try:
        execute_from_command_line(sys.argv)
        status = "ok"
    finally:
        # One line per command run, with its duration (cron jobs show up in the logs).
        if len(sys.argv) > 1 and sys.argv[1] not in ("runserver", "shell", "test"):
            import logging

            logging.getLogger("earlybird.command").info(
                "command name=%s status=%s duration_ms=%.0f",
                sys.argv[1],
                status,
                (time.perf_counter() - started) * 1000,
            )


if __name__ == "__main__":
    main()
