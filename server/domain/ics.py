"""Tasks as an iCalendar file (RFC 5545), built with the `icalendar` package.

Pure: takes tasks in the API's TaskOut shape (id, title, subject, body, due_at, channel,
contact_name, company, interview_id; an optional `url`) and returns bytes.

Each task is a 15-minute event at its local time (DTSTART with the user's TZID and a
VTIMEZONE for it), an alarm at the start, the draft in the description and a stable UID,
so a re-import or the next feed refresh updates the event instead of adding another.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from zoneinfo import ZoneInfo

import icalendar

DURATION = timedelta(minutes=15)
CHANNELS = {"email": "Email", "mail": "Post", "phone": "Call", "in_person": "In person"}


def task_uid(task_id) -> str:
    return f"{task_id}@afterview"


def _moment(value: datetime | str, zone: ZoneInfo) -> datetime:
    """The task's time in the user's zone; a naive value is wall-clock time there."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def description(task: dict) -> str:
    """Who and how, then the draft: subject line and body, ready to copy."""
    parts = []
    who = " · ".join(part for part in (task.get("contact_name"), task.get("company")) if part)
    channel = CHANNELS.get(task.get("channel") or "")
    head = ": ".join(part for part in (channel, who) if part)
    if head:
        parts.append(head)
    if task.get("subject"):
        parts.append(f"Subject: {task['subject']}")
    if task.get("body"):
        parts.append(task["body"].replace("\r\n", "\n"))
    return "\n\n".join(parts)


def tasks_calendar(
    tasks: list[dict], calendar_name: str, zone: str, now: datetime | None = None
) -> bytes:
    """A VCALENDAR with one VEVENT (and VALARM) per task; `now` is the DTSTAMP."""
    tz = ZoneInfo(zone)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Afterview//Follow-up plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", zone)
    # How often a subscribed calendar should look again (RFC 7986, and Apple's older name).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    starts = []
    for task in tasks:
        start = _moment(task["due_at"], tz)
        if zone == "UTC":
            start = start.astimezone(UTC)
        starts.append(start.date())
        event = icalendar.Event()
        event.add("uid", task_uid(task["id"]))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("duration", DURATION)
        event.add("summary", task.get("title") or "Follow-up")
        text = description(task)
        if text:
            event.add("description", text)
        if task.get("url"):
            event.add("url", task["url"])
        # A reminder is not a meeting: it does not make the user look busy.
        event.add("transp", "TRANSPARENT")
        event.add("status", "CONFIRMED")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", task.get("title") or "Follow-up")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    if starts and zone != "UTC":
        # Only the years the events need: the default (1970-2038) lists every transition.
        first = min(starts) - timedelta(days=366)
        last = max(max(starts), stamp.date()) + timedelta(days=366 * 2)
        timezone = icalendar.Timezone.from_tzid(zone, first_date=first, last_date=last)
        calendar.subcomponents.insert(0, timezone)
    return calendar.to_ical()
