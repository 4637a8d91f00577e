"""Local time at the edges: the server stores UTC, people speak in their own zone."""

from __future__ import annotations

from datetime import datetime
from datetime import UTC
from zoneinfo import ZoneInfo


def as_utc(moment: datetime, zone: str) -> datetime:
    """An aware UTC datetime; a naive one is read as wall-clock time in `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def as_local(moment: datetime, zone: str) -> datetime:
    """The same instant in `zone`, with its offset."""
    return moment.astimezone(ZoneInfo(zone))
