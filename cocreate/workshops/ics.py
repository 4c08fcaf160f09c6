"""iCalendar (RFC 5545) files for workshops: one event, or a member's feed of their workshops."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone

from .models import Workshop, WorkshopFormat, WorkshopStatus

PRODID = "-//Cocreate//Workshops//EN"


def escape(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never inside a UTF-8 character; continuation lines start
    with one space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    while data:
        cut = min(limit, len(data))
        # Step back to a character boundary (continuation bytes are 0b10xxxxxx).
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74  # the leading space counts
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(workshop: Workshop, *, url: str, meeting_link: bool, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:workshop-{workshop.uid}@cocreate",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(workshop.starts_at)}",
        f"DTEND:{_utc(workshop.ends_at)}",
        f"SUMMARY:{escape(workshop.title)}",
    ]
    description = workshop.goal or ""
    if workshop.format == WorkshopFormat.ONLINE:
        if meeting_link and workshop.meeting_url:
            lines.append(f"LOCATION:{escape(workshop.meeting_url)}")
            description = f"{description}\n{workshop.meeting_url}".strip()
        else:
            lines.append(f"LOCATION:{escape('Online')}")
    elif workshop.centre is not None:
        place = ", ".join(
            p
            for p in (workshop.room, workshop.centre.name, workshop.centre.address, workshop.centre.city)
            if p
        )
        lines.append(f"LOCATION:{escape(place)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if url:
        lines.append(f"URL:{url}")
    status = "CANCELLED" if workshop.status == WorkshopStatus.CANCELLED else "CONFIRMED"
    lines += [
        f"STATUS:{status}",
        f"SEQUENCE:{int(workshop.updated_at.timestamp()) if workshop.updated_at else 0}",
    ]
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[tuple[Workshop, str, bool]], *, name: str = "") -> str:
    """`events`: (workshop, its absolute URL, whether the meeting link may be shown)."""
    stamp = timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for workshop, url, link in events:
        lines += _event(workshop, url=url, meeting_link=link, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
