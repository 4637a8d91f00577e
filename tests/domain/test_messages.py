"""Drafts: names, the exact title, a recalled point, the concern, the playbook's scripts."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from server.domain import messages
from server.domain import text
from server.domain.facts import InterviewFacts
from server.domain.facts import Person
from server.domain.messages import NOTE_LIMIT

DANA = Person(id="p-dana", name="Dana Smith", title="Head of Data", company="Acme")
KIM = Person(id="p-kim", name="Kim Ray", role="referral")
FULL = InterviewFacts(
    id="i",
    company="Acme",
    position="Senior Data Engineer",
    concerns="Limited experience with Spark.",
    interests="data mesh, the hiring plan",
    points_to_recall="- Their new Berlin office\n- The Kubernetes migration\n- Q3 launch",
    notes="Felt good.",
    people=(DANA,),
)
BARE = InterviewFacts(id="i", company="Acme")
EMPTY = InterviewFacts(id="i", company="")


def every_draft(person: Person | None, facts: InterviewFacts, user: str) -> dict[str, object]:
    """Every draft the planner can hand out, by name."""
    return {
        "thank_you": messages.thank_you_email(person, facts, user),
        "note": messages.handwritten_note(person, facts, user),
        "follow_up_email": messages.follow_up_email(person, facts, user),
        "phone_script": messages.follow_up_script(person, facts, "phone", user),
        "visit_script": messages.follow_up_script(person, facts, "in_person", user),
        "call_script": messages.follow_up_call_script(person, facts, user),
        "reference_email": messages.tell_reference(person, facts, user),
        "reference_call": messages.tell_reference(person, facts, user, "phone"),
        "referral_email": messages.contact_referral(person, facts, user, DANA),
        "referral_call": messages.contact_referral(person, facts, user, None, "phone"),
        "value_add": messages.value_add_email(person, facts, user, 1),
        "gracious": messages.gracious_thanks(person, facts, user),
    }


def assert_tidy(text: str) -> None:
    """No placeholder leaks or typographic slips from missing data."""
    assert "None" not in text
    assert "  " not in text
    assert not re.search(r" [.,;:!?]", text), text
    assert "()" not in text and ".." not in text and ",," not in text
    for line in text.splitlines():
        assert line == line.strip(), repr(line)
    assert "\n\n\n" not in text


# --- the thank-you email -----------------------------------------------------------------


def test_thank_you_email_names_person_title_point_and_concern():
    draft = messages.thank_you_email(DANA, FULL, "Alex Doe")
    assert draft.subject == "Thank you: Senior Data Engineer interview"
    assert draft.body.startswith("Dear Dana Smith,\n\n")
    assert "the Senior Data Engineer position at Acme" in draft.body
    assert "their new Berlin office." in draft.body  # the first point, its article lowercased
    assert "You mentioned one concern: Limited experience with Spark." in draft.body
    assert "confident I can address it" in draft.body
    assert draft.body.endswith("Best regards,\nAlex Doe")


def test_thank_you_email_without_position_points_or_name_reads_naturally():
    draft = messages.thank_you_email(DANA, BARE, "")
    assert draft.subject == "Thank you for the interview"
    assert "about the position at Acme." in draft.body
    assert "concern" not in draft.body and "conversation stays" not in draft.body
    assert draft.body.endswith("Best regards,")
    assert_tidy(draft.body)


def test_notes_are_the_fallback_for_a_point_to_recall():
    facts = InterviewFacts(id="i", company="Acme", notes="We both ran the Berlin marathon.")
    body = messages.thank_you_email(DANA, facts).body
    assert "stays with me: We both ran the Berlin marathon." in body


def test_a_role_word_in_the_title_is_not_doubled():
    facts = InterviewFacts(id="i", company="Acme", position="Data Engineering Lead role")
    assert "the Data Engineering Lead role at Acme" in messages.thank_you_email(DANA, facts).body
    assert "role position" not in messages.thank_you_email(DANA, facts).body


def test_no_name_greets_with_hello():
    nameless = Person(id="x", name="  ")
    assert messages.thank_you_email(nameless, FULL).body.startswith("Hello,\n\n")
    assert messages.thank_you_email(None, FULL).body.startswith("Hello,\n\n")


# --- the note ----------------------------------------------------------------------------


def test_note_fits_a_card_and_recalls_a_different_point():
    draft = messages.handwritten_note(DANA, FULL, "Alex Doe")
    assert len(draft.body) <= NOTE_LIMIT
    assert draft.subject == ""
    assert draft.body.startswith("Dear Dana Smith,")
    assert "Senior Data Engineer role at Acme" in draft.body
    assert "the Kubernetes migration" in draft.body  # the second point: not the email's
    assert "Limited experience with Spark" in draft.body
    assert draft.body.endswith("Warm regards,\nAlex Doe")


def test_note_drops_optional_sentences_rather_than_overflow():
    long = InterviewFacts(
        id="i",
        company="A Very Long Company Name Incorporated International",
        position="Principal Staff Senior Distinguished Data Platform Engineering Architect",
        concerns="x" * 300,
        points_to_recall="word " * 200,
    )
    body = messages.handwritten_note(DANA, long, "Alexandra Konstantinopoulou-Smith").body
    assert len(body) <= NOTE_LIMIT
    assert body.startswith("Dear Dana Smith,") and "Warm regards" in body


# --- follow-ups and scripts --------------------------------------------------------------


def test_follow_up_email_is_on_schedule_and_kindly_asks_for_the_decision():
    draft = messages.follow_up_email(DANA, FULL, "Alex Doe")
    assert draft.subject == "Following up on the Senior Data Engineer position"
    assert "according to the time frame you gave me" in draft.body
    assert "Have you been able to make a decision?" in draft.body
    assert "whatever the decision" in draft.body
    assert "Q3 launch" in draft.body  # a third point, so the messages do not repeat


def test_phone_script_follows_the_playbook_steps_in_order():
    body = messages.follow_up_script(DANA, FULL, "phone", "Alex Doe").body
    steps = [
        '1. "Hello Dana Smith, this is Alex Doe. I wanted to follow up with you according to '
        "the time frame you gave me. Have you made a decision about the Senior Data Engineer "
        'position?"',
        '2. If still deciding: "Are you going to do second interviews',
        "3. If second interviews:",
        '4. If deciding: "I hope you strongly consider me. I would be a great asset to Acme '
        "because of",
    ]
    positions = [body.index(step) for step in steps]
    assert positions == sorted(positions)
    assert body.startswith("Call Dana Smith (Head of Data, Acme)")
    assert "Have your answer ready to the concern they raised: Limited experience" in body


def test_in_person_script_schedules_the_second_interview_on_the_spot():
    body = messages.follow_up_script(DANA, FULL, "in_person").body
    assert body.startswith("Visit Dana Smith")
    assert "Dress for success" in body
    assert "Since I'm here, would you mind if we scheduled the second interview" in body
    assert '"Hello Dana Smith. I wanted' in body  # no user name: no "this is ,"


def test_week_later_call_gets_to_the_point_and_offers_more_information():
    body = messages.follow_up_call_script(DANA, FULL, "Alex Doe").body
    assert "get right to the point" in body
    assert "Is there any further information I can give you?" in body
    assert "why you are an ideal candidate" in body
    assert "their new Berlin office" in body


def test_reference_and_referral_drafts():
    ref = messages.tell_reference(Person(id="r", name="Ravi"), FULL, "Alex")
    assert ref.subject == "Heads-up: Acme may call you"
    assert ref.body.startswith("Hi Ravi,") and "one of my references" in ref.body
    assert "something they care about: data mesh." in ref.body
    referral = messages.contact_referral(KIM, FULL, "Alex", DANA)
    assert referral.subject == "Dana Smith suggested I contact you"
    assert "Dana Smith at Acme suggested I get in touch" in referral.body
    cold = messages.contact_referral(KIM, EMPTY, "", None, "phone")
    assert cold.subject == "" and cold.body.startswith('Call Kim Ray and say:\n\n"Hello Kim Ray.')
    assert "during a recent interview" in cold.body


def test_value_add_is_information_about_an_interest_never_a_present():
    first = messages.value_add_email(DANA, FULL, "Alex", 0)
    second = messages.value_add_email(DANA, FULL, "Alex", 1)
    assert first.subject == "Something on data mesh"
    assert "a topic you mentioned: data mesh." in first.body
    assert "the hiring plan" in second.body
    assert "[link to the article or white paper]" in first.body
    assert "No need to reply" in first.body


def test_gracious_thanks_keeps_the_door_open():
    draft = messages.gracious_thanks(DANA, FULL, "Alex")
    assert draft.subject == "Thank you: Senior Data Engineer"
    assert "Thank you for letting me know your decision" in draft.body
    assert "future openings" in draft.body


def test_no_draft_offers_money_or_objects():
    banned = re.compile(
        r"gift card|voucher|money|cash|\$|€|£|starbucks|bottle|flowers|present for",
        re.IGNORECASE,
    )
    for name, draft in every_draft(DANA, FULL, "Alex Doe").items():
        assert not banned.search(draft.subject + draft.body), name


def test_missing_data_never_leaves_awkward_text():
    for facts in (BARE, EMPTY, FULL):
        for person in (DANA, None, Person(id="x", name="")):
            for user in ("", "Alex Doe"):
                for name, draft in every_draft(person, facts, user).items():
                    assert draft.body, name
                    assert_tidy(draft.subject)
                    assert_tidy(draft.body.replace(" [link to the article or white paper]", ""))


# --- helpers -------------------------------------------------------------------------------


def test_inline_lowercases_only_leading_function_words():
    assert text.inline("Their new office") == "their new office"
    assert text.inline("The Q3 launch") == "the Q3 launch"
    assert text.inline("Kubernetes at scale") == "Kubernetes at scale"
    assert text.inline("API design") == "API design"
    assert text.inline("I led the team") == "I led the team"


def test_items_split_lines_bullets_and_semicolons_but_keep_inner_dashes():
    assert text.items("- one\n* two; three • four") == ["one", "two", "three", "four"]
    assert text.items("state-of-the-art tooling - the migration") == [
        "state-of-the-art tooling - the migration"
    ]
    assert text.items("a, b", commas=True) == ["a", "b"]
    assert text.items(None) == []


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert messages.shorten("alpha beta gamma", 11) == "alpha beta…"
    assert messages.shorten("short", 10) == "short"


# --- properties ------------------------------------------------------------------------------

TYPED = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    max_size=400,
).filter(lambda s: "None" not in s)


@settings(deadline=None, max_examples=150)
@given(
    name=TYPED,
    position=TYPED,
    company=TYPED,
    concerns=TYPED,
    points=TYPED,
    interests=TYPED,
    user=TYPED,
)
def test_any_typed_text_gives_a_card_sized_note_and_no_none(
    name, position, company, concerns, points, interests, user
):
    person = Person(id="x", name=name)
    facts = InterviewFacts(
        id="i",
        company=company,
        position=position,
        concerns=concerns,
        points_to_recall=points,
        interests=interests,
    )
    note = messages.handwritten_note(person, facts, user)
    assert len(note.body) <= NOTE_LIMIT
    assert "Warm regards," in note.body  # the sign-off survives any input
    for draft in every_draft(person, facts, user).values():
        assert "None" not in draft.subject + draft.body
        assert draft.body.strip()
        assert "\n" not in draft.subject
