"""The follow-up planner: what was agreed at an interview -> dated tasks with drafted text.

Pure: no Flask, no SQLAlchemy, no I/O; `now` and the user's zone come in as arguments. Every
default traces back to the playbook (shared/docs/playbook.md, section 3).

When each task is due (the user's local time, converted to aware UTC):
- Right after the interview ("after"): when the interview is over (`held_at` in the past, or
  no `held_at`: now), or one hour after a `held_at` still ahead (an interview entered before it
  happens is taken to last an hour).
- thank_you_email (one per interviewer, email): at "after", the same day (003).
- handwritten_note (one per interviewer, mail), tell_reference (one per reference),
  contact_referral (one per referral): "soon" after the interview: at "after" when that falls
  on a working day between the reminder hour and 18:00; earlier that working day, at the
  reminder hour; later, at the reminder hour of the next working day. So the note is mailed
  the same day or the next working day, always within two working days (000, 002, 003), and
  nobody is phoned at night. `due_by` on the note is the second working day.
- agreed_follow_up (email | phone | in_person, as agreed; email when no channel was named,
  001): on the agreed date, at the reminder hour (000: "do not go before that"). Agreed
  without a date: the working day after the expected decision date, else a week after the
  interview.
- follow_up_call (phone), only when nothing was agreed: about a week after the interview (the
  first working day from day 7), but not before the working day after an expected decision
  date (calling before the employer said they would decide is pestering) (003, 002).
- value_add:1 and value_add:2 (email), opt-in and only when interests were noted (004): at
  most TOUCH_CAP touches, each one about an interest, all after the follow-up: the first at
  least TOUCH_AFTER_FOLLOW_UP_DAYS after the agreed follow-up or call and at least
  TOUCH_FIRST_DAYS after the interview, the next TOUCH_SPACING_DAYS later (working days).
- Working days come from the user's weekdays and the public holidays of their country (the
  `holidays` package); no country: weekends only are off. Derived dates move to the next
  working day; an agreed date is kept as agreed.

Anti-pestering: agreed_follow_up, follow_up_call and value_add are never due before
`not_before` (the date moves to the first working day on or after it); the thank-you, the
note, references and referrals are not held back. If the interviewer said they do not want
to be followed up (`follow_up_wanted=False`), there is no follow-up, call or touch at all.

Never in the past: a task whose time has gone is due `now`, never dropped; `ideal_at` keeps
the time the rule asked for, so a caller can tell a genuinely moved task from a re-plan.

Outcomes (`status`), from the playbook's section 6:
- awaiting_decision: the whole plan above.
- second_interview: the plan starts again from the facts of the second interview (its
  `held_at`, what was agreed at it); `round` (default 1) tells rounds apart in task keys.
- rejected: exactly one gracious_thanks email to the lead interviewer (002, 004), nothing else.
- offer: the follow-ups end (no agreed follow-up, call or touch); the thank-yous and notes
  stay (courtesy, 002), references stay (an offer is when they get called), referrals stay
  (other doors stay open, 002).
- withdrawn: the follow-ups end and references are not told; the thank-yous and notes stay
  ("even if you aren't interested", 002); referrals stay.
- anything else is treated as awaiting_decision.

A task's key across re-plans is (interview id, round, kind, contact_id); value-add touches
carry their index in the kind ("value_add:1"). Interview-level tasks (agreed follow-up, call,
touches, gracious thanks) go to the lead interviewer: the first interviewer in `people`, so
pass people in a stable order (for example the order they were linked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import UTC
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from . import messages
from .facts import InterviewFacts
from .facts import Person
from .facts import UserPrefs
from .messages import Draft
from .text import clean
from .text import items
from .text import shorten
from .workdays import WorkCalendar

KINDS: tuple[str, ...] = (
    "thank_you_email",
    "handwritten_note",
    "tell_reference",
    "contact_referral",
    "agreed_follow_up",
    "follow_up_call",
    "value_add",
    "gracious_thanks",
)
GATED_KINDS: frozenset[str] = frozenset({"agreed_follow_up", "follow_up_call", "value_add"})
FOLLOW_UP_CHANNELS: tuple[str, ...] = ("email", "phone", "in_person")

INTERVIEW_LENGTH = timedelta(hours=1)
END_OF_WORKING_HOURS = 18  # local hour after which nobody is phoned or a card is mailed
NOTE_WORKING_DAYS = 2  # "within two working days" (002)
CALL_AFTER_DAYS = 7  # "about a week" (003), "a week to ten days" (002)
TOUCH_CAP = 2
TOUCH_FIRST_DAYS = 14
TOUCH_AFTER_FOLLOW_UP_DAYS = 7
TOUCH_SPACING_DAYS = 14


@dataclass(frozen=True)
class PlannedTask:
    """One step of the plan, due at an aware UTC time, with its drafted text."""

    kind: str
    contact_id: str | None
    due_at: datetime
    channel: str  # email | mail | phone | in_person
    title: str
    subject: str
    body: str
    ideal_at: datetime | None = None  # when the rule wanted it, before "never in the past"
    due_by: date | None = None  # the local date it should be done by (the note)
    round: int = 1

    @property
    def base_kind(self) -> str:
        """The kind without a value-add index: 'value_add:2' -> 'value_add'."""
        return self.kind.split(":", 1)[0]

    @property
    def key(self) -> tuple[int, str, str | None]:
        """What identifies this task across re-plans of the same interview."""
        return (self.round, self.kind, self.contact_id)


def _zone(name: str) -> ZoneInfo:
    """The user's zone; an unknown name falls back to UTC rather than failing a re-plan."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _role(person: Person) -> str:
    return (person.role or "").strip().lower()


def _agreed(facts: InterviewFacts) -> bool:
    """A follow-up was agreed: said so, or a date or a channel was noted for it."""
    if facts.follow_up_wanted is False:
        return False
    return (
        facts.follow_up_wanted is True
        or facts.follow_up_on is not None
        or bool((facts.follow_up_channel or "").strip())
    )


class _Planner:
    """The context of one plan: zone, calendar, reminder hour, now, the interview's times."""

    def __init__(self, facts: InterviewFacts, prefs: UserPrefs, now: datetime) -> None:
        self.facts = facts
        self.prefs = prefs
        self.zone = _zone(prefs.zone)
        self.calendar = WorkCalendar.of(prefs.working_days, prefs.country)
        # Hours outside a day are clamped, not refused: a re-plan must never fail.
        self.hour = min(max(int(prefs.reminder_hour), 0), 23)
        self.now = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC)
        held = facts.held_at
        if held is None:
            held = self.now
        elif held.tzinfo is None:
            held = held.replace(tzinfo=self.zone)
        self.held = held.astimezone(UTC)
        self.day = self.held.astimezone(self.zone).date()
        self.after = self.held if self.held <= self.now else self.held + INTERVIEW_LENGTH
        people = _unique(facts.people)
        self.interviewers = [p for p in people if _role(p) == "interviewer"]
        self.references = [p for p in people if _role(p) == "reference"]
        self.referrals = [p for p in people if _role(p) == "referral"]
        self.lead = self.interviewers[0] if self.interviewers else None
        self.user_name = prefs.user_name or ""

    # --- time ---------------------------------------------------------------------------

    def slot(self, day: date) -> datetime:
        """The reminder hour on `day`, local wall time, as UTC.

        A wall time that does not exist (a DST gap) resolves forward through fold=0, e.g.
        02:30 on a spring-forward night becomes 03:30; an ambiguous one takes its first
        occurrence.
        """
        return datetime.combine(day, time(self.hour), tzinfo=self.zone).astimezone(UTC)

    def soon(self, moment: datetime) -> datetime:
        """`moment` if it falls in working hours of a working day, else the next reminder slot."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.calendar.is_working(day):
            if moment < self.slot(day):
                return self.slot(day)
            if local.hour < END_OF_WORKING_HOURS:
                return moment
        return self.slot(self.calendar.after(day))

    def gate(self, day: date) -> date:
        """Anti-pestering: a follow-up date moved to the first working day from not_before."""
        not_before = self.facts.not_before
        if not_before is not None and day < not_before:
            return self.calendar.on_or_after(not_before)
        return day

    # --- tasks --------------------------------------------------------------------------

    def task(
        self,
        kind: str,
        person: Person | None,
        ideal: datetime,
        channel: str,
        title: str,
        draft: Draft,
        due_by: date | None = None,
    ) -> PlannedTask:
        """A task due at `ideal`, or now when that has gone (never dropped)."""
        return PlannedTask(
            kind=kind,
            contact_id=person.id if person else None,
            due_at=max(ideal, self.now),
            channel=channel,
            title=messages.title_line(title),
            subject=draft.subject if channel == "email" else "",
            body=draft.body,
            ideal_at=ideal,
            due_by=due_by,
            round=self.facts.round,
        )

    def name(self, person: Person | None, fallback: str) -> str:
        if person is None:
            return clean(self.facts.company) or fallback
        return messages.person_name(person, fallback)

    def thank_yous(self) -> list[PlannedTask]:
        tasks = []
        note_by = self.calendar.after(self.day, NOTE_WORKING_DAYS)
        for person in self.interviewers:
            who = self.name(person, "your interviewer")
            tasks.append(
                self.task(
                    "thank_you_email",
                    person,
                    self.after,
                    "email",
                    f"Thank-you email to {who}",
                    messages.thank_you_email(person, self.facts, self.user_name),
                )
            )
            tasks.append(
                self.task(
                    "handwritten_note",
                    person,
                    self.soon(self.after),
                    "mail",
                    f"Handwritten note to {who}, mailed by {_short_date(note_by)}",
                    messages.handwritten_note(person, self.facts, self.user_name),
                    due_by=note_by,
                )
            )
        return tasks

    def references_told(self) -> list[PlannedTask]:
        company = clean(self.facts.company) or "the employer"
        return [
            self.task(
                "tell_reference",
                person,
                self.soon(self.after),
                _reach(person),
                f"Tell {self.name(person, 'your reference')} that {company} may call",
                messages.tell_reference(person, self.facts, self.user_name, _reach(person)),
            )
            for person in self.references
        ]

    def referrals_contacted(self) -> list[PlannedTask]:
        return [
            self.task(
                "contact_referral",
                person,
                self.soon(self.after),
                _reach(person),
                f"Contact {self.name(person, 'your referral')}, a referral",
                messages.contact_referral(
                    person, self.facts, self.user_name, self.lead, _reach(person)
                ),
            )
            for person in self.referrals
        ]

    def follow_up(self) -> tuple[list[PlannedTask], date | None]:
        """The agreed follow-up, or the week-later call; and its date (None if declined)."""
        facts = self.facts
        if facts.follow_up_wanted is False:
            return [], None
        who = self.name(self.lead, "the employer")
        if _agreed(facts):
            if facts.follow_up_on is not None:
                day = facts.follow_up_on  # as agreed, even on a day off: their word
            elif facts.decision_expected_on is not None:
                day = self.calendar.after(facts.decision_expected_on)
            else:
                day = self.calendar.on_or_after(self.day + timedelta(days=CALL_AFTER_DAYS))
            day = self.gate(day)
            channel = (facts.follow_up_channel or "").strip().lower()
            if channel not in FOLLOW_UP_CHANNELS:
                channel = "email"  # the preferred written channel; a call can feel pushy (001)
            if channel == "email":
                draft = messages.follow_up_email(self.lead, facts, self.user_name)
                title = f"Follow up with {who} by email, as agreed"
            else:
                draft = messages.follow_up_script(self.lead, facts, channel, self.user_name)
                verb = "Call" if channel == "phone" else "Visit"
                title = f"{verb} {who} to follow up, as agreed"
            task = self.task("agreed_follow_up", self.lead, self.slot(day), channel, title, draft)
            return [task], day
        day = self.day + timedelta(days=CALL_AFTER_DAYS)
        if facts.decision_expected_on is not None:
            day = max(day, facts.decision_expected_on + timedelta(days=1))
        day = self.gate(self.calendar.on_or_after(day))
        task = self.task(
            "follow_up_call",
            self.lead,
            self.slot(day),
            "phone",
            f"Call {who} about the decision",
            messages.follow_up_call_script(self.lead, facts, self.user_name),
        )
        return [task], day

    def touches(self, follow_up_day: date) -> list[PlannedTask]:
        """Opt-in value-add touches: capped, spaced, all after the follow-up, gated."""
        facts = self.facts
        topics = items(facts.interests, commas=True)
        if not facts.value_add_touches or not topics:
            return []
        who = self.name(self.lead, "the employer")
        day = max(
            follow_up_day + timedelta(days=TOUCH_AFTER_FOLLOW_UP_DAYS),
            self.day + timedelta(days=TOUCH_FIRST_DAYS),
        )
        tasks = []
        for index in range(TOUCH_CAP):
            day = self.gate(self.calendar.on_or_after(day))
            topic = messages.interest(facts, index)
            tasks.append(
                self.task(
                    f"value_add:{index + 1}",
                    self.lead,
                    self.slot(day),
                    "email",
                    f"Send {who} something useful on {shorten(topic, 40)}",
                    messages.value_add_email(self.lead, facts, self.user_name, index),
                )
            )
            day += timedelta(days=TOUCH_SPACING_DAYS)
        return tasks

    def gracious(self) -> PlannedTask:
        who = self.name(self.lead, "the employer")
        return self.task(
            "gracious_thanks",
            self.lead,
            self.soon(max(self.after, self.now)),
            "email",
            f"Thank {who} graciously and keep the door open",
            messages.gracious_thanks(self.lead, self.facts, self.user_name),
        )


def _unique(people: tuple[Person, ...]) -> list[Person]:
    """People without repeats of the same contact in the same role (keys stay unique)."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for person in people:
        mark = (person.id, _role(person))
        if mark not in seen:
            seen.add(mark)
            unique.append(person)
    return unique


def _reach(person: Person) -> str:
    """How to reach a reference or referral: email first (001), else phone, else mail."""
    if any((e or "").strip() for e in person.emails):
        return "email"
    if any((number or "").strip() and kind != "fax" for number, kind in person.phones):
        return "phone"
    if (person.address or "").strip():
        return "mail"
    return "email"


def _short_date(day: date) -> str:
    """'Wed 12 Mar' without locale or platform-specific strftime flags."""
    return f"{day:%a} {day.day} {day:%b}"


def plan(facts: InterviewFacts, prefs: UserPrefs, now: datetime) -> list[PlannedTask]:
    """The follow-up plan for one interview, sorted by due time (see the module docstring)."""
    planner = _Planner(facts, prefs, now)
    status = (facts.status or "").strip().lower()
    if status == "rejected":
        return [planner.gracious()]
    tasks = planner.thank_yous()
    if status != "withdrawn":
        tasks += planner.references_told()
    tasks += planner.referrals_contacted()
    if status not in ("offer", "withdrawn"):
        follow_ups, day = planner.follow_up()
        tasks += follow_ups
        if day is not None:
            tasks += planner.touches(day)
    order = {kind: rank for rank, kind in enumerate(KINDS)}
    tasks.sort(key=lambda t: (t.due_at, order.get(t.base_kind, 99), t.kind, t.contact_id or ""))
    return tasks
