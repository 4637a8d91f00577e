"""vCard, iCalendar and mailto: builders, read back by a small independent parser."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from datetime import UTC
from urllib.parse import unquote
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject

from server.domain.ics import tasks_calendar
from server.domain.mailto import encode_text
from server.domain.mailto import mailto_url
from server.domain.vcard import contact_vcard
from server.domain.vcard import contacts_vcf
from server.domain.vcard import split_name

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + bytes(range(256)) * 3 + (
    b"\xff\xd9"
)


# --- an independent content-line reader (RFC 2425 / RFC 5545), not the writer's library ---


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def split_unescaped(value: str, separator: str) -> list[str]:
    return [unescape(part) for part in re.split(r"(?<!\\)" + re.escape(separator), value)]


def content_lines(text: str) -> list[tuple[str, dict[str, str], str]]:
    """(NAME, {PARAM: value}, raw value) for every unfolded line."""
    out = []
    for line in unfold(text):
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        pairs = (param.split("=", 1) for param in params)
        out.append((name.upper(), {key.upper(): v for key, v in pairs}, value))
    return out


def props(text: str, name: str) -> list[tuple[dict[str, str], str]]:
    return [(params, value) for n, params, value in content_lines(text) if n == name]


def one(text: str, name: str) -> str:
    found = props(text, name)
    assert len(found) == 1, (name, found)
    return found[0][1]


def assert_folded(text: str) -> None:
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line


# --- vCard ----------------------------------------------------------------------------------

JUERGEN = {
    "id": "7d7a1c1e-3f43-4b54-9a3f-0b6c8d7f4e11",
    "name": "Jürgen Müller",
    "title": "Head of Platform; Data, AI",
    "company": "Acme, Inc; Zürich",
    "emails": ["juergen@acme.example", "jm@privat.example"],
    "phones": [
        {"number": "+49 170 1234567", "type": "mobile"},
        {"number": "+49 30 123456", "type": "work"},
        {"number": "+49 30 123457", "type": "fax"},
        {"number": "+49 30 999", "type": "other"},
    ],
    "website": "acme.example/jobs",
    "address": "Hauptstraße 5, Hinterhaus; 2. OG\n10115 Berlin\nDeutschland",
    "notes": "Likes Rust.",
}


def test_vcard_fields_read_back_one_by_one():
    note = "Met at the interview with Acme (Platform Engineer) on 23 Nov 2026."
    text = contact_vcard(JUERGEN, JPEG, note)
    assert_folded(text)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    assert unescape(one(text, "FN")) == "Jürgen Müller"
    assert split_unescaped(one(text, "N"), ";")[:2] == ["Müller", "Jürgen"]
    assert unescape(one(text, "TITLE")) == "Head of Platform; Data, AI"
    assert split_unescaped(one(text, "ORG"), ";") == ["Acme, Inc; Zürich"]
    assert [(p["TYPE"], v) for p, v in props(text, "EMAIL")] == [
        ("INTERNET", "juergen@acme.example"),
        ("INTERNET", "jm@privat.example"),
    ]
    assert [(p["TYPE"], v) for p, v in props(text, "TEL")] == [
        ("CELL", "+49 170 1234567"),
        ("WORK", "+49 30 123456"),
        ("FAX", "+49 30 123457"),
        ("VOICE", "+49 30 999"),
    ]
    assert one(text, "URL") == "https://acme.example/jobs"
    street, locality, code, country = (split_unescaped(one(text, "ADR"), ";")[i] for i in
                                       (2, 3, 5, 6))  # fmt: skip
    assert street == "Hauptstraße 5, Hinterhaus; 2. OG"
    assert (locality, code, country) == ("Berlin", "10115", "Deutschland")
    assert unescape(one(text, "LABEL")) == JUERGEN["address"]
    assert unescape(one(text, "NOTE")) == note + "\n\nLikes Rust."
    assert one(text, "UID") == f"urn:uuid:{JUERGEN['id']}"
    (params, photo), = props(text, "PHOTO")  # fmt: skip
    assert params == {"ENCODING": "b", "TYPE": "JPEG"}
    assert base64.b64decode(photo) == JPEG


def test_vcard_reads_back_with_vobject_too():
    card = vobject.readOne(contact_vcard(JUERGEN, JPEG, "Met at Acme."))
    assert card.fn.value == "Jürgen Müller"
    assert (card.n.value.family, card.n.value.given) == ("Müller", "Jürgen")
    assert card.org.value == ["Acme, Inc; Zürich"]
    assert [tel.value for tel in card.tel_list] == [p["number"] for p in JUERGEN["phones"]]
    assert card.photo.value == JPEG
    assert card.adr.value.city == "Berlin"


@pytest.mark.parametrize(
    ("address", "street", "city", "code", "country"),
    [
        ("1 Infinite Loop\nCupertino, CA 95014\nUSA", "1 Infinite Loop", "Cupertino", "95014",
         "USA"),
        ("10 Downing St\nLondon SW1A 2AA", "10 Downing St", "London", "SW1A 2AA", ""),
        ("ul. Marszałkowska 1, 00-026 Warszawa", "ul. Marszałkowska 1", "Warszawa", "00-026", ""),
        ("Calle Mayor 1, Madrid", "Calle Mayor 1, Madrid", "", "", ""),
        ("Rue de Rivoli 1, F-75001 Paris, France", "Rue de Rivoli 1", "Paris", "F-75001",
         "France"),
        ("Somewhere without a postcode\nBehind the station", "Somewhere without a postcode\n"
         "Behind the station", "", "", ""),
    ],
)  # fmt: skip
def test_addresses_keep_every_line(address, street, city, code, country):
    text = contact_vcard({"name": "Łukasz Nowak", "address": address})
    adr = split_unescaped(one(text, "ADR"), ";")
    assert (adr[2], adr[3], adr[5], adr[6]) == (street, city, code, country)
    label = unescape(one(text, "LABEL"))
    assert label.replace("\n", ", ") == address.replace("\n", ", ")


@pytest.mark.parametrize(
    ("full", "family", "given", "additional", "prefix", "suffix"),
    [
        ("Łukasz Żółć", "Żółć", "Łukasz", "", "", ""),
        ("Cher", "", "Cher", "", "", ""),
        ("Müller, Jürgen", "Müller", "Jürgen", "", "", ""),
        ("Dr. Anna Maria van der Berg PhD", "van der Berg", "Anna", "Maria", "Dr.", "PhD"),
        ("  José   Luis  García ", "García", "José", "Luis", "", ""),
    ],
)
def test_structured_names(full, family, given, additional, prefix, suffix):
    name = split_name(full)
    assert (name.family, name.given, name.additional, name.prefix, name.suffix) == (
        family,
        given,
        additional,
        prefix,
        suffix,
    )


def test_minimal_card_has_no_empty_fields_and_several_cards_concatenate():
    text = contact_vcard({"name": "Łukasz"})
    names = [name for name, _, _ in content_lines(text)]
    for absent in ("EMAIL", "TEL", "ADR", "PHOTO", "NOTE", "ORG", "TITLE", "URL"):
        assert absent not in names
    both = contacts_vcf([(JUERGEN, None, ""), ({"name": "Łukasz"}, JPEG, "Met at Bobco.")])
    assert both.count("BEGIN:VCARD") == 2
    assert [card.fn.value for card in vobject.readComponents(both)] == ["Jürgen Müller", "Łukasz"]


# --- iCalendar ------------------------------------------------------------------------------

TASKS = [
    {
        "id": "11111111-1111-4111-8111-111111111111",
        "title": "Thank Jürgen, by email; today",
        "subject": "Thank you, Jürgen; it was great",
        "body": "Hi Jürgen,\n\nThanks for the talk & the coffee.\r\nBest, Łukasz",
        "due_at": datetime(2026, 11, 23, 17, 0, tzinfo=UTC),  # 18:00 in Berlin (winter)
        "channel": "email",
        "contact_name": "Jürgen Müller",
        "company": "Acme",
        "interview_id": "22222222-2222-4222-8222-222222222222",
    },
    {
        "id": "33333333-3333-4333-8333-333333333333",
        "title": "Call about the decision",
        "subject": "",
        "body": "",
        "due_at": "2027-06-01T09:30:00+02:00",  # summer time: 09:30 in Berlin
        "channel": "phone",
        "contact_name": "",
        "company": "",
        "interview_id": None,
    },
]
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def events(raw: str) -> list[str]:
    return re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", raw, re.S)


def test_calendar_events_at_local_time_with_alarm_and_stable_uid():
    raw = tasks_calendar(TASKS, "Afterview: Acme", "Europe/Berlin", now=NOW).decode("utf-8")
    assert_folded(raw)
    assert raw.startswith("BEGIN:VCALENDAR\r\n") and raw.endswith("END:VCALENDAR\r\n")
    assert one(raw, "VERSION") == "2.0"
    assert unescape(one(raw, "X-WR-CALNAME")) == "Afterview: Acme"
    # A VTIMEZONE for the zone every DTSTART names, covering both events' offsets.
    assert one(raw, "TZID") == "Europe/Berlin"
    assert {value for _, value in props(raw, "TZOFFSETTO")} >= {"+0100", "+0200"}
    first, second = events(raw)
    assert props(first, "DTSTART") == [({"TZID": "Europe/Berlin"}, "20261123T180000")]
    assert props(second, "DTSTART") == [({"TZID": "Europe/Berlin"}, "20270601T093000")]
    assert one(first, "DURATION") == "PT15M"
    assert one(first, "UID") == "11111111-1111-4111-8111-111111111111@afterview"
    assert one(second, "UID") == "33333333-3333-4333-8333-333333333333@afterview"
    assert one(first, "DTSTAMP") == "20261123T120000Z"
    assert unescape(one(first, "SUMMARY")) == "Thank Jürgen, by email; today"
    alarm = re.search(r"BEGIN:VALARM\r\n(.*?)END:VALARM\r\n", first, re.S).group(0)
    first = first.replace(alarm, "")
    description = unescape(one(first, "DESCRIPTION"))
    assert "Subject: Thank you, Jürgen; it was great" in description
    assert description.endswith("Hi Jürgen,\n\nThanks for the talk & the coffee.\nBest, Łukasz")
    assert "Jürgen Müller" in description
    assert one(alarm, "ACTION") == "DISPLAY"
    assert unescape(one(alarm, "DESCRIPTION")) == "Thank Jürgen, by email; today"
    assert one(alarm, "TRIGGER") in ("P0D", "PT0S", "-PT0M", "PT0M")

    parsed = icalendar.Calendar.from_ical(raw)
    got = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    start = got[TASKS[0]["id"] + "@afterview"].decoded("DTSTART")
    assert start == TASKS[0]["due_at"] and str(start.tzinfo) == "Europe/Berlin"


def test_the_same_tasks_give_the_same_uids_and_utc_needs_no_timezone():
    again = tasks_calendar(TASKS, "x", "Europe/Berlin", now=NOW)
    assert again == tasks_calendar(TASKS, "x", "Europe/Berlin", now=NOW)
    raw = tasks_calendar(TASKS[:1], "x", "UTC", now=NOW).decode()
    assert "VTIMEZONE" not in raw
    assert one(raw, "DTSTART") == "20261123T170000Z"
    empty = tasks_calendar([], "Nothing", "Asia/Tokyo", now=NOW).decode()
    assert "VEVENT" not in empty and "VTIMEZONE" not in empty


# --- mailto: --------------------------------------------------------------------------------


def test_mailto_round_trip():
    subject = "Danke, Jürgen & Łukasz: 100% + ok?"
    body = "Hallo Jürgen,\n\nviele Grüße & bis bald;\r\nA+B = C #1\rEnde"
    url = mailto_url(["juergen@acme.example", "a+b@x.example"], subject, body)
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert " " not in url and "+" not in url.split("?")[1] and "\n" not in url
    assert parts.path == "juergen@acme.example,a+b@x.example"
    fields = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    assert unquote(fields["subject"]) == subject
    crlf = "Hallo Jürgen,\r\n\r\nviele Grüße & bis bald;\r\nA+B = C #1\r\nEnde"
    assert unquote(fields["body"]) == crlf
    assert "%0D%0A%0D%0A" in fields["body"] and "%20" in fields["body"]


def test_mailto_encodes_what_would_break_the_link():
    assert mailto_url(['"a,b"@x.example'], "", "") == "mailto:%22a%2Cb%22@x.example"
    assert mailto_url(["a@x.example"], "", "") == "mailto:a@x.example"
    assert mailto_url(["a@x.example"], "?&=#", "") == "mailto:a@x.example?subject=%3F%26%3D%23"
    assert mailto_url([], "", "Hi") == "mailto:?body=Hi"
    assert encode_text("é") == "%C3%A9"
