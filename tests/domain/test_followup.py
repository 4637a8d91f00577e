"""The follow-up planner: one test per rule, then properties over dates, zones and holidays."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

from server.domain.facts import InterviewFacts
from server.domain.facts import Person
from server.domain.facts import UserPrefs
from server.domain.followup import GATED_KINDS
from server.domain.followup import plan
from server.domain.followup import PlannedTask
from server.domain.followup import TOUCH_AFTER_FOLLOW_UP_DAYS
from server.domain.followup import TOUCH_CAP
from server.domain.followup import TOUCH_SPACING_DAYS
from server.domain.messages import NOTE_LIMIT
from server.domain.workdays import WorkCalendar

NY = "America/New_York"
BERLIN = "Europe/Berlin"
DANA = Person(id="p-dana", name="Dana Smith", title="Head of Data", emails=("dana@acme.test",))
LEE = Person(id="p-lee", name="Lee Wu", role="interviewer")
REF = Person(id="p-ref", name="Ravi Ref", role="reference", emails=("ravi@x.test",))
REFERRAL = Person(id="p-kim", name="Kim Ray", role="referral", phones=(("+1 555", "mobile"),))


def at(zone: str, *args: int) -> datetime:
    """An aware local datetime in `zone`."""
    return datetime(*args, tzinfo=ZoneInfo(zone))


def facts(**changes) -> InterviewFacts:
    base = {
        "id": "i-1",
        "company": "Acme",
        "position": "Senior Data Engineer",
        "people": (DANA,),
    }
    base.update(changes)
    return InterviewFacts(**base)


def by_kind(tasks: list[PlannedTask]) -> dict[str, list[PlannedTask]]:
    found: dict[str, list[PlannedTask]] = {}
    for task in tasks:
        found.setdefault(task.base_kind, []).append(task)
    return found


def one(tasks: list[PlannedTask], kind: str) -> PlannedTask:
    matches = [t for t in tasks if t.kind == kind]
    assert len(matches) == 1, [t.kind for t in tasks]
    return matches[0]


def local(task: PlannedTask, zone: str) -> datetime:
    return task.due_at.astimezone(ZoneInfo(zone))


# --- same-day tasks ------------------------------------------------------------------------


def test_one_interviewer_gives_a_thank_you_email_and_a_note_right_away():
    now = at(BERLIN, 2025, 3, 5, 11, 0)  # a Wednesday, the interview just ended
    tasks = plan(facts(held_at=at(BERLIN, 2025, 3, 5, 10, 0)), UserPrefs(zone=BERLIN), now)
    email = one(tasks, "thank_you_email")
    note = one(tasks, "handwritten_note")
    assert (email.contact_id, email.channel, email.due_at) == ("p-dana", "email", now)
    assert (note.contact_id, note.channel, note.due_at) == ("p-dana", "mail", now)
    assert email.due_at.utcoffset() == timedelta(0)
    assert "Dana Smith" in email.title and email.subject
    assert note.subject == ""


def test_no_held_at_means_now():
    now = datetime(2025, 6, 3, 12, 30, tzinfo=UTC)
    tasks = plan(facts(held_at=None), UserPrefs(), now)
    assert one(tasks, "thank_you_email").due_at == now
    assert one(tasks, "follow_up_call").due_at.date() == date(2025, 6, 10)


def test_an_interview_ahead_gets_its_thank_you_an_hour_after_it_starts():
    held = at(NY, 2025, 6, 4, 14, 0)
    tasks = plan(facts(held_at=held), UserPrefs(zone=NY), held - timedelta(days=2))
    assert one(tasks, "thank_you_email").due_at == held + timedelta(hours=1)


def test_one_thank_you_and_one_note_per_interviewer_none_for_others():
    again = Person(id=DANA.id, name=DANA.name)  # the same contact, linked twice
    people = (DANA, LEE, REF, REFERRAL, again)
    tasks = plan(facts(people=people), UserPrefs(), datetime(2025, 6, 3, 12, tzinfo=UTC))
    kinds = by_kind(tasks)
    assert sorted(t.contact_id for t in kinds["thank_you_email"]) == ["p-dana", "p-lee"]
    assert sorted(t.contact_id for t in kinds["handwritten_note"]) == ["p-dana", "p-lee"]
    assert [t.contact_id for t in kinds["tell_reference"]] == ["p-ref"]
    assert [t.contact_id for t in kinds["contact_referral"]] == ["p-kim"]
    assert len({t.key for t in tasks}) == len(tasks)


def test_note_after_hours_on_a_friday_goes_to_monday_morning_and_is_due_by_tuesday():
    held = at(BERLIN, 2025, 3, 7, 18, 30)  # Friday evening: the post has closed
    tasks = plan(facts(held_at=held), UserPrefs(zone=BERLIN, country="DE"), held)
    note = one(tasks, "handwritten_note")
    assert local(note, BERLIN) == at(BERLIN, 2025, 3, 10, 9, 0)
    assert note.due_by == date(2025, 3, 11)
    assert "Tue 11 Mar" in note.title


def test_note_skips_easter_holidays_in_germany_but_not_without_a_country():
    held = at(BERLIN, 2025, 4, 17, 19, 0)  # Thursday before Good Friday
    german = one(
        plan(facts(held_at=held), UserPrefs(zone=BERLIN, country="DE"), held), "handwritten_note"
    )
    plain = one(plan(facts(held_at=held), UserPrefs(zone=BERLIN), held), "handwritten_note")
    # Good Friday, the weekend and Easter Monday are off in DE.
    assert local(german, BERLIN) == at(BERLIN, 2025, 4, 22, 9, 0)
    assert german.due_by == date(2025, 4, 23)
    assert local(plain, BERLIN) == at(BERLIN, 2025, 4, 18, 9, 0)
    assert plain.due_by == date(2025, 4, 21)


def test_note_before_the_reminder_hour_waits_for_it_the_same_day():
    held = at(NY, 2025, 6, 4, 6, 0)  # an early breakfast interview on a Wednesday
    now = held + timedelta(minutes=30)
    note = one(plan(facts(held_at=held), UserPrefs(zone=NY), now), "handwritten_note")
    assert local(note, NY) == at(NY, 2025, 6, 4, 9, 0)


def test_custom_working_days_sunday_to_thursday():
    held = at("Asia/Jerusalem", 2025, 6, 5, 19, 0)  # Thursday evening
    prefs = UserPrefs(zone="Asia/Jerusalem", working_days=("sun", "mon", "tue", "wed", "thu"))
    note = one(plan(facts(held_at=held), prefs, held), "handwritten_note")
    assert local(note, "Asia/Jerusalem") == at("Asia/Jerusalem", 2025, 6, 8, 9, 0)


def test_references_and_referrals_are_reached_by_the_details_they_have():
    now = at(NY, 2025, 6, 4, 11, 0)
    mail_only = Person(id="p-m", name="Mo", role="referral", address="1 Main St")
    nothing = Person(id="p-n", name="", role="reference")
    people = (DANA, REF, REFERRAL, mail_only, nothing)
    tasks = plan(facts(held_at=now, people=people), UserPrefs(zone=NY), now)
    channels = {t.contact_id: t.channel for t in tasks if t.base_kind != "thank_you_email"}
    assert channels["p-ref"] == "email"
    assert channels["p-kim"] == "phone"
    assert channels["p-m"] == "mail"
    assert channels["p-n"] == "email"
    assert all(
        t.due_at == now for t in tasks if t.base_kind in ("tell_reference", "contact_referral")
    )
    referral = next(t for t in tasks if t.contact_id == "p-kim")
    assert referral.subject == "" and referral.body.startswith("Call Kim Ray")
    assert "Dana Smith" in referral.body  # who gave the referral


# --- never in the past ---------------------------------------------------------------------


def test_tasks_whose_time_has_gone_are_due_now_never_dropped():
    held = at(NY, 2025, 1, 6, 10, 0)
    now = held + timedelta(days=60)
    tasks = plan(facts(held_at=held, people=(DANA, REF, REFERRAL)), UserPrefs(zone=NY), now)
    assert {t.base_kind for t in tasks} == {
        "thank_you_email",
        "handwritten_note",
        "tell_reference",
        "contact_referral",
        "follow_up_call",
    }
    assert all(t.due_at == now for t in tasks)
    assert all(t.ideal_at is not None and t.ideal_at < now for t in tasks)


# --- the follow-up ---------------------------------------------------------------------------


def test_agreed_follow_up_on_the_agreed_date_at_the_reminder_hour_by_phone():
    held = at(BERLIN, 2025, 5, 5, 10, 0)
    agreed = facts(held_at=held, follow_up_on=date(2025, 5, 16), follow_up_channel="phone")
    tasks = plan(agreed, UserPrefs(zone=BERLIN, reminder_hour=8), held)
    task = one(tasks, "agreed_follow_up")
    assert local(task, BERLIN) == at(BERLIN, 2025, 5, 16, 8, 0)
    assert task.channel == "phone" and task.contact_id == "p-dana"
    assert "according to the time frame you gave me" in task.body
    assert "follow_up_call" not in by_kind(tasks)


def test_agreed_follow_up_by_email_asks_for_the_decision():
    held = at(NY, 2025, 5, 5, 10, 0)
    agreed = facts(held_at=held, follow_up_on=date(2025, 5, 12), follow_up_channel="email")
    task = one(plan(agreed, UserPrefs(zone=NY), held), "agreed_follow_up")
    assert task.channel == "email" and "Senior Data Engineer" in task.subject
    assert "decision?" in task.body


def test_agreed_in_person_uses_the_visit_script():
    held = at(NY, 2025, 5, 5, 10, 0)
    agreed = facts(held_at=held, follow_up_wanted=True, follow_up_channel="in_person")
    task = one(plan(agreed, UserPrefs(zone=NY), held), "agreed_follow_up")
    assert task.channel == "in_person"
    assert "Since I'm here" in task.body


def test_agreed_without_a_date_follows_the_working_day_after_the_expected_decision():
    held = at(NY, 2025, 5, 5, 10, 0)
    agreed = facts(held_at=held, follow_up_wanted=True, decision_expected_on=date(2025, 5, 23))
    task = one(plan(agreed, UserPrefs(zone=NY, country="US"), held), "agreed_follow_up")
    # Friday 23 May -> Saturday, Sunday, Memorial Day -> Tuesday 27 May; email by default.
    assert local(task, NY) == at(NY, 2025, 5, 27, 9, 0)
    assert task.channel == "email"


def test_agreed_without_a_date_or_decision_is_a_week_later_by_email():
    held = at(NY, 2025, 5, 5, 10, 0)
    task = one(
        plan(facts(held_at=held, follow_up_channel="email"), UserPrefs(zone=NY), held),
        "agreed_follow_up",
    )
    assert local(task, NY) == at(NY, 2025, 5, 12, 9, 0)


def test_an_unknown_channel_falls_back_to_email():
    held = at(NY, 2025, 5, 5, 10, 0)
    weird = facts(held_at=held, follow_up_on=date(2025, 5, 9), follow_up_channel="fax")
    assert one(plan(weird, UserPrefs(zone=NY), held), "agreed_follow_up").channel == "email"


def test_nothing_agreed_gives_a_call_about_a_week_later_on_a_working_day():
    held = at(NY, 2025, 5, 3, 10, 0)  # a Saturday interview: day 7 is a Saturday too
    task = one(plan(facts(held_at=held), UserPrefs(zone=NY), held), "follow_up_call")
    assert local(task, NY) == at(NY, 2025, 5, 12, 9, 0)
    assert task.channel == "phone" and task.contact_id == "p-dana"
    assert "further information" in task.body


def test_the_call_waits_for_the_expected_decision_date():
    held = at(NY, 2025, 5, 5, 10, 0)
    later = facts(held_at=held, decision_expected_on=date(2025, 5, 20))
    task = one(plan(later, UserPrefs(zone=NY), held), "follow_up_call")
    assert local(task, NY) == at(NY, 2025, 5, 21, 9, 0)


def test_no_interviewer_still_plans_the_follow_up_with_the_company():
    held = at(NY, 2025, 5, 5, 10, 0)
    task = one(plan(facts(held_at=held, people=()), UserPrefs(zone=NY), held), "follow_up_call")
    assert task.contact_id is None and "Acme" in task.title


# --- anti-pestering --------------------------------------------------------------------------


def test_not_before_holds_back_follow_ups_and_touches_but_not_the_courtesies():
    held = at(BERLIN, 2025, 5, 5, 10, 0)
    gated = facts(
        held_at=held,
        people=(DANA, REF, REFERRAL),
        follow_up_on=date(2025, 5, 9),  # agreed earlier than the not-before date: not-before wins
        not_before=date(2025, 6, 1),  # a Sunday
        value_add_touches=True,
        interests="data mesh",
    )
    tasks = plan(gated, UserPrefs(zone=BERLIN, country="DE"), held)
    follow = one(tasks, "agreed_follow_up")
    assert local(follow, BERLIN) == at(BERLIN, 2025, 6, 2, 9, 0)
    for task in tasks:
        if task.base_kind in GATED_KINDS:
            assert local(task, BERLIN).date() >= date(2025, 6, 1), task.kind
        else:
            assert task.due_at <= held + timedelta(hours=1), task.kind


def test_not_before_holds_back_the_week_later_call():
    held = at(NY, 2025, 5, 5, 10, 0)
    task = one(
        plan(facts(held_at=held, not_before=date(2025, 5, 28)), UserPrefs(zone=NY), held),
        "follow_up_call",
    )
    assert local(task, NY) == at(NY, 2025, 5, 28, 9, 0)


def test_declined_follow_up_means_no_follow_up_call_or_touch():
    held = at(NY, 2025, 5, 5, 10, 0)
    declined = facts(
        held_at=held,
        follow_up_wanted=False,
        follow_up_on=date(2025, 5, 9),
        value_add_touches=True,
        interests="AI",
    )
    kinds = {t.base_kind for t in plan(declined, UserPrefs(zone=NY), held)}
    assert kinds == {"thank_you_email", "handwritten_note"}


def test_value_add_touches_are_opt_in_and_need_an_interest():
    held = at(NY, 2025, 5, 5, 10, 0)
    off = plan(facts(held_at=held, interests="AI"), UserPrefs(zone=NY), held)
    no_topic = plan(facts(held_at=held, value_add_touches=True), UserPrefs(zone=NY), held)
    assert "value_add" not in by_kind(off)
    assert "value_add" not in by_kind(no_topic)


def test_value_add_touches_are_capped_spaced_and_after_the_follow_up():
    held = at(NY, 2025, 5, 5, 10, 0)
    wanted = facts(
        held_at=held,
        value_add_touches=True,
        interests="data mesh, hiring, AI",
        follow_up_on=date(2025, 5, 30),
    )
    tasks = plan(wanted, UserPrefs(zone=NY), held)
    touches = by_kind(tasks)["value_add"]
    follow = one(tasks, "agreed_follow_up")
    assert [t.kind for t in touches] == ["value_add:1", "value_add:2"]
    assert len(touches) == TOUCH_CAP
    assert local(touches[0], NY) == at(NY, 2025, 6, 6, 9, 0)  # a week after the follow-up
    assert local(touches[1], NY) == at(NY, 2025, 6, 20, 9, 0)
    gap = touches[0].due_at - follow.due_at
    assert gap >= timedelta(days=TOUCH_AFTER_FOLLOW_UP_DAYS)
    assert touches[1].due_at - touches[0].due_at >= timedelta(days=TOUCH_SPACING_DAYS - 1)
    assert "data mesh" in touches[0].body and "hiring" in touches[1].body
    assert all(t.channel == "email" and t.contact_id == "p-dana" for t in touches)


def test_without_an_agreement_the_first_touch_is_two_weeks_after_the_interview():
    held = at(NY, 2025, 5, 5, 10, 0)
    tasks = plan(
        facts(held_at=held, value_add_touches=True, interests="AI"), UserPrefs(zone=NY), held
    )
    assert local(one(tasks, "value_add:1"), NY) == at(NY, 2025, 5, 19, 9, 0)
    assert local(one(tasks, "value_add:2"), NY) == at(NY, 2025, 6, 2, 9, 0)


# --- outcomes ------------------------------------------------------------------------------


def test_rejection_gives_exactly_one_gracious_thanks():
    held = at(NY, 2025, 5, 5, 10, 0)
    now = held + timedelta(days=9, hours=1)  # Wednesday 14 May, 11:00
    rejected = facts(
        held_at=held,
        status="rejected",
        people=(DANA, LEE, REF, REFERRAL),
        value_add_touches=True,
        interests="AI",
        follow_up_on=date(2025, 5, 20),
    )
    tasks = plan(rejected, UserPrefs(zone=NY), now)
    assert len(tasks) == 1
    task = tasks[0]
    assert (task.kind, task.contact_id, task.channel, task.due_at) == (
        "gracious_thanks",
        "p-dana",
        "email",
        now,
    )
    assert "future openings" in task.body


def test_offer_ends_follow_ups_but_keeps_courtesies_references_and_referrals():
    held = at(NY, 2025, 5, 5, 10, 0)
    offer = facts(
        held_at=held,
        status="offer",
        people=(DANA, REF, REFERRAL),
        value_add_touches=True,
        interests="AI",
        follow_up_on=date(2025, 5, 20),
    )
    kinds = {t.base_kind for t in plan(offer, UserPrefs(zone=NY), held)}
    assert kinds == {"thank_you_email", "handwritten_note", "tell_reference", "contact_referral"}


def test_withdrawn_ends_follow_ups_and_does_not_warn_references():
    held = at(NY, 2025, 5, 5, 10, 0)
    gone = facts(held_at=held, status="withdrawn", people=(DANA, REF, REFERRAL))
    kinds = {t.base_kind for t in plan(gone, UserPrefs(zone=NY), held)}
    assert kinds == {"thank_you_email", "handwritten_note", "contact_referral"}


def test_second_interview_restarts_the_plan_from_its_date_in_a_new_round():
    second = at(NY, 2025, 6, 2, 15, 0)
    now = at(NY, 2025, 5, 20, 12, 0)
    tasks = plan(facts(held_at=second, status="second_interview", round=2), UserPrefs(zone=NY), now)
    assert one(tasks, "thank_you_email").due_at == second + timedelta(hours=1)
    assert local(one(tasks, "follow_up_call"), NY) == at(NY, 2025, 6, 9, 9, 0)
    assert all(t.round == 2 and t.key[0] == 2 for t in tasks)
    first = plan(facts(held_at=second), UserPrefs(zone=NY), now)
    assert {t.key for t in first}.isdisjoint({t.key for t in tasks})


def test_an_unknown_status_plans_like_awaiting_a_decision():
    held = at(NY, 2025, 5, 5, 10, 0)
    odd = plan(facts(held_at=held, status="ghosted"), UserPrefs(zone=NY), held)
    usual = plan(facts(held_at=held), UserPrefs(zone=NY), held)
    assert odd == usual


# --- time zones and DST ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "held", "expected_utc"),
    [
        # New York springs forward on Sun 9 Mar 2025: 9:00 EDT is 13:00 UTC, not 14:00.
        (NY, (2025, 3, 3, 10), datetime(2025, 3, 10, 13, tzinfo=UTC)),
        # ... and falls back on Sun 2 Nov 2025: 9:00 EST is 14:00 UTC.
        (NY, (2025, 10, 27, 10), datetime(2025, 11, 3, 14, tzinfo=UTC)),
        # Berlin springs forward on Sun 30 Mar 2025: 9:00 CEST is 07:00 UTC.
        (BERLIN, (2025, 3, 24, 10), datetime(2025, 3, 31, 7, tzinfo=UTC)),
        # ... and falls back on Sun 26 Oct 2025: 9:00 CET is 08:00 UTC.
        (BERLIN, (2025, 10, 20, 10), datetime(2025, 10, 27, 8, tzinfo=UTC)),
    ],
)
def test_the_week_later_call_is_at_nine_local_across_dst(zone, held, expected_utc):
    start = at(zone, *held)
    task = one(plan(facts(held_at=start), UserPrefs(zone=zone), start), "follow_up_call")
    assert task.due_at == expected_utc
    assert local(task, zone).hour == 9


def test_a_reminder_hour_inside_the_dst_gap_moves_forward_an_hour():
    held = at(NY, 2025, 3, 2, 10, 0)  # Sunday; day 7 is the spring-forward Sunday
    every_day = UserPrefs(
        zone=NY, reminder_hour=2, working_days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    task = one(plan(facts(held_at=held), every_day, held), "follow_up_call")
    assert task.due_at == datetime(2025, 3, 9, 7, tzinfo=UTC)  # 03:00 EDT: 2:00 never happened
    assert local(task, NY).hour == 3


def test_naive_times_are_read_sensibly():
    held = datetime(2025, 5, 5, 10, 0)  # naive: wall time in the user's zone
    now = datetime(2025, 5, 5, 15, 0)  # naive: UTC
    tasks = plan(facts(held_at=held), UserPrefs(zone=NY), now)
    assert one(tasks, "thank_you_email").due_at == datetime(2025, 5, 5, 15, tzinfo=UTC)
    assert local(one(tasks, "follow_up_call"), NY) == at(NY, 2025, 5, 12, 9, 0)


def test_bad_settings_fall_back_instead_of_failing():
    held = datetime(2025, 5, 5, 10, tzinfo=UTC)
    prefs = UserPrefs(zone="Mars/Olympus", reminder_hour=31, country="XX", working_days=())
    call = one(plan(facts(held_at=held), prefs, held), "follow_up_call")
    assert call.due_at == datetime(2025, 5, 12, 23, tzinfo=UTC)


def test_lowercase_country_and_full_day_names_are_understood():
    calendar = WorkCalendar.of(("Monday", "TUESDAY", "wed", "thu", "fri"), "de")
    assert calendar.country == "DE"
    assert not calendar.is_working(date(2025, 4, 21))  # Easter Monday
    assert calendar.is_working(date(2025, 4, 22))
    assert calendar.after(date(2025, 4, 17), 2) == date(2025, 4, 23)


# --- properties ------------------------------------------------------------------------------

ZONES = (NY, BERLIN, "UTC", "Asia/Tokyo", "America/Sao_Paulo", "Australia/Sydney")
COUNTRIES = (None, "DE", "US", "GB", "BR", "XX")
# Days around DST changes in New York and Berlin, and around big holidays.
EDGES = (
    date(2025, 3, 9),
    date(2025, 11, 2),
    date(2025, 3, 30),
    date(2025, 10, 26),
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2025, 12, 24),
    date(2026, 4, 3),
    date(2025, 4, 17),
)
PEOPLE_POOL = (
    DANA,
    LEE,
    REF,
    REFERRAL,
    Person(id="p-o", name="Olga", role="other"),
    Person(id="p-x", name="", role="interviewer"),
    Person(id="p-y", name="Yan", role="referral", address="2 High St"),
)


@st.composite
def moments(draw) -> datetime:
    """A local wall time, often within a few days of a DST change or a holiday."""
    if draw(st.booleans()):
        day = draw(st.sampled_from(EDGES)) + timedelta(days=draw(st.integers(-9, 9)))
    else:
        day = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
    minute = draw(st.integers(0, 24 * 60 - 1))
    return datetime(day.year, day.month, day.day) + timedelta(minutes=minute)


def optional_day(around: date):
    return st.none() | st.integers(-10, 45).map(lambda n: around + timedelta(days=n))


@st.composite
def scenarios(draw):
    zone = draw(st.sampled_from(ZONES))
    held_wall = draw(moments())
    held = held_wall.replace(tzinfo=ZoneInfo(zone))
    no_held = draw(st.integers(0, 4)) == 0
    now = held + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 50 * 24 * 60)))
    day = held_wall.date()
    prefs = UserPrefs(
        zone=zone,
        reminder_hour=draw(st.integers(0, 23)),
        country=draw(st.sampled_from(COUNTRIES)),
        working_days=draw(
            st.sampled_from(
                (
                    ("mon", "tue", "wed", "thu", "fri"),
                    ("sun", "mon", "tue", "wed", "thu"),
                    ("mon", "wed", "fri"),
                    (),
                )
            )
        ),
        user_name=draw(st.sampled_from(("", "Alex Doe"))),
    )
    interview = InterviewFacts(
        id="i",
        company=draw(st.sampled_from(("Acme", ""))),
        position=draw(st.sampled_from(("Senior Data Engineer", ""))),
        held_at=None if no_held else held,
        status=draw(
            st.sampled_from(
                ("awaiting_decision",) * 3 + ("second_interview", "offer", "rejected", "withdrawn")
            )
        ),
        decision_expected_on=draw(optional_day(day)),
        follow_up_wanted=draw(st.sampled_from((None, None, True, False))),
        follow_up_on=draw(optional_day(day)),
        follow_up_channel=draw(st.sampled_from((None, "email", "phone", "in_person", "pigeon"))),
        not_before=draw(optional_day(day)),
        concerns=draw(st.sampled_from(("", "Relocation to Berlin"))),
        interests=draw(st.sampled_from(("", "data mesh, hiring"))),
        points_to_recall=draw(st.sampled_from(("", "The new Berlin office"))),
        value_add_touches=draw(st.booleans()),
        people=tuple(draw(st.lists(st.sampled_from(PEOPLE_POOL), max_size=6))),
    )
    return interview, prefs, now.astimezone(UTC)


def working(day: date, prefs: UserPrefs) -> bool:
    """Independent of the planner's calendar: weekdays and the holidays package directly."""
    names = [d[:3] for d in prefs.working_days] or ["mon", "tue", "wed", "thu", "fri"]
    if day.strftime("%a").lower() not in names:
        return False
    if prefs.country in (None, "XX"):
        return True
    return day not in holidays.country_holidays(prefs.country, years=day.year)


def nth_working_day_after(day: date, count: int, prefs: UserPrefs) -> date:
    while count:
        day += timedelta(days=1)
        count -= working(day, prefs)
    return day


def at_reminder_hour(moment: datetime, zone: str, hour: int) -> bool:
    """The local wall time is the reminder hour, or that hour did not exist (a DST gap)."""
    wall = moment.astimezone(ZoneInfo(zone))
    if wall.hour == hour and wall.minute == 0:
        return True
    intended = wall.replace(hour=hour, minute=0, second=0, microsecond=0, fold=0)
    round_trip = intended.astimezone(UTC).astimezone(ZoneInfo(zone))
    return round_trip.replace(tzinfo=None) != intended.replace(tzinfo=None)


PROPERTY = settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios())
def test_plan_invariants(scenario):
    interview, prefs, now = scenario
    tasks = plan(interview, prefs, now)
    zone = ZoneInfo(prefs.zone)
    held = interview.held_at.astimezone(UTC) if interview.held_at else now
    interview_day = held.astimezone(zone).date()

    # Nothing in the past, nothing dropped for being late; aware UTC; keys unique.
    for task in tasks:
        assert task.due_at >= now
        assert task.due_at == max(task.ideal_at, now)
        assert task.due_at.utcoffset() == timedelta(0)
        assert task.channel in ("email", "mail", "phone", "in_person")
        assert task.title and task.body and "None" not in task.title + task.body
        assert (task.subject != "") == (task.channel == "email")
    assert len({task.key for task in tasks}) == len(tasks)
    kinds = [task.base_kind for task in tasks]

    if interview.status == "rejected":
        assert kinds == ["gracious_thanks"]
        return
    assert "gracious_thanks" not in kinds

    interviewers = {p.id for p in interview.people if p.role == "interviewer"}
    for kind in ("thank_you_email", "handwritten_note"):
        ids = [t.contact_id for t in tasks if t.kind == kind]
        assert sorted(ids) == sorted(interviewers)

    for task in tasks:
        local_day = task.due_at.astimezone(zone).date()
        if task.kind == "handwritten_note":
            deadline = nth_working_day_after(interview_day, 2, prefs)
            assert task.due_by == deadline
            assert task.due_at == now or local_day <= deadline
            assert working(task.ideal_at.astimezone(zone).date(), prefs)
            assert task.ideal_at >= held or task.due_at == now
        if task.base_kind in GATED_KINDS:
            if interview.not_before is not None:
                assert local_day >= interview.not_before
            assert at_reminder_hour(task.ideal_at, prefs.zone, min(prefs.reminder_hour, 23))
        if task.base_kind in ("follow_up_call", "value_add"):
            assert working(task.ideal_at.astimezone(zone).date(), prefs)

    gated = [k for k in kinds if k in GATED_KINDS]
    active = interview.status not in ("offer", "withdrawn")
    if not active or interview.follow_up_wanted is False:
        assert gated == []
    else:
        assert kinds.count("agreed_follow_up") + kinds.count("follow_up_call") == 1
    if interview.status == "withdrawn":
        assert "tell_reference" not in kinds

    touches = sorted((t for t in tasks if t.base_kind == "value_add"), key=lambda t: t.ideal_at)
    assert len(touches) <= TOUCH_CAP
    if touches:
        assert interview.value_add_touches and interview.interests
        follow = next(t for t in tasks if t.kind in ("agreed_follow_up", "follow_up_call"))
        first_gap = touches[0].ideal_at - follow.ideal_at
        assert first_gap >= timedelta(days=TOUCH_AFTER_FOLLOW_UP_DAYS, hours=-1)
        for earlier, later in zip(touches, touches[1:], strict=False):
            assert later.ideal_at - earlier.ideal_at >= timedelta(days=TOUCH_SPACING_DAYS, hours=-1)


@PROPERTY
@given(scenarios())
def test_agreed_date_is_kept_unless_not_before_is_later(scenario):
    interview, prefs, now = scenario
    tasks = [t for t in plan(interview, prefs, now) if t.kind == "agreed_follow_up"]
    if not tasks or interview.follow_up_on is None:
        return
    (task,) = tasks
    wall = task.ideal_at.astimezone(ZoneInfo(prefs.zone)).date()
    if interview.not_before is None or interview.follow_up_on >= interview.not_before:
        assert wall == interview.follow_up_on
    else:
        assert wall >= interview.not_before


@settings(deadline=None, max_examples=150)
@given(scenarios())
def test_notes_fit_a_card_and_replanning_is_deterministic(scenario):
    interview, prefs, now = scenario
    first = plan(interview, prefs, now)
    assert first == plan(interview, prefs, now)
    for task in first:
        if task.kind == "handwritten_note":
            assert len(task.body) <= NOTE_LIMIT
