"""When a snoozed task comes back: pure, the clock and the calendar are passed in."""

from __future__ import annotations

from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from .times import as_utc
from .workdays import WorkCalendar


def snoozed_until(
    choice: str, now: datetime, zone: str, reminder_hour: int, calendar: WorkCalendar
) -> datetime:
    """ "1h": an hour from now; "tomorrow": tomorrow at the reminder hour; "next_working_day":
    the first working day after today at the reminder hour. Returns aware UTC."""
    if choice == "1h":
        return as_utc(now, zone) + timedelta(hours=1)
    today = now.astimezone(ZoneInfo(zone)).date()
    day = calendar.after(today) if choice == "next_working_day" else today + timedelta(days=1)
    return as_utc(datetime.combine(day, time(hour=reminder_hour)), zone)
