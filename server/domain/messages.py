"""Drafts: the texts the follow-up plan hands the user (pure, no I/O).

What every draft does, from the playbook (section 4 and 5): it names the person as written
on their card and the exact position title; recalls one specific point from the interview
(`points_to_recall`, else `notes`); answers a concern if one was noted; is warm and short.
The follow-up email kindly asks about the decision; the handwritten note fits a note card
(NOTE_LIMIT characters); the call and in-person scripts follow the playbook's script. A
"gift" is only ever information (an article, a white paper): never money or objects.

Missing data is left out, never printed: no "None", no empty brackets, no double spaces.
Free text the user typed is quoted after a colon, as typed, so its capitals and spelling
stay exactly theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import InterviewFacts
from .facts import Person
from .text import clean
from .text import inline
from .text import items
from .text import join
from .text import paragraphs
from .text import sentence
from .text import shorten
from .text import shorten_block

_CAN_ADDRESS = "I am sure I can address it."
NOTE_LIMIT = 350
"""A note card holds about this many handwritten characters."""

_POINT_LIMIT = 160
_TITLE_LIMIT = 80
_ROLE_WORDS = ("position", "role", "job", "opening", "post", "vacancy")


@dataclass(frozen=True)
class Draft:
    """A subject ("" for what is not an email) and a body."""

    subject: str
    body: str


def person_name(person: Person | None, fallback: str) -> str:
    """The name as written on the card, or `fallback` when there is none."""
    name = clean(person.name) if person else ""
    return name or fallback


def position_phrase(facts: InterviewFacts) -> str:
    """'the Senior Data Engineer position at Acme', degrading gracefully."""
    position = clean(facts.position)
    company = clean(facts.company)
    if position:
        noun = "" if position.lower().endswith(_ROLE_WORDS) else " position"
        phrase = f"the {position}{noun}"
    else:
        phrase = "the position"
    return f"{phrase} at {company}" if company else phrase


def _team(facts: InterviewFacts) -> str:
    company = clean(facts.company)
    return f"your team at {company}" if company else "your team"


def _point(facts: InterviewFacts, index: int = 0) -> str:
    """A specific point to recall: points_to_recall first, else the notes."""
    points = items(facts.points_to_recall) or items(facts.notes)
    if not points:
        return ""
    return inline(shorten(points[index % len(points)], _POINT_LIMIT))


def interest(facts: InterviewFacts, index: int = 0) -> str:
    """One of the interviewer's interests (comma-separated items count separately)."""
    found = items(facts.interests, commas=True)
    return inline(shorten(found[index % len(found)], _POINT_LIMIT)) if found else ""


def _concern(facts: InterviewFacts) -> str:
    found = items(facts.concerns)
    return inline(shorten(found[0], _POINT_LIMIT)) if found else ""


def _greeting(person: Person | None, formal: bool = True) -> str:
    name = clean(person.name) if person else ""
    if not name:
        return "Hello,"
    return f"Dear {name}," if formal else f"Hi {name},"


def _sign_off(user_name: str, words: str = "Best regards") -> str:
    name = clean(user_name)
    return f"{words},\n{name}" if name else f"{words},"


def _point_line(facts: InterviewFacts, lead: str, index: int = 0) -> str:
    point = _point(facts, index)
    return sentence(f"{lead}: {point}") if point else ""


def _concern_line(facts: InterviewFacts) -> str:
    concern = _concern(facts)
    if not concern:
        return ""
    return join(
        sentence(f"You mentioned one concern: {concern}"),
        "I have thought it over and I am confident I can address it;",
        "I would be glad to talk it through with you.",
    )


def title_line(text: str) -> str:
    """A task title short enough for the Today list and a notification."""
    return shorten(text, _TITLE_LIMIT)


# --- the drafts ---------------------------------------------------------------------------


def thank_you_email(person: Person | None, facts: InterviewFacts, user_name: str = "") -> Draft:
    """The same-day thank-you email (playbook 003, 001): appreciation, a point, the concern."""
    position = clean(facts.position)
    subject = f"Thank you: {position} interview" if position else "Thank you for the interview"
    body = paragraphs(
        _greeting(person),
        join(
            f"Thank you for taking the time to meet with me about {position_phrase(facts)}.",
            "I appreciate the opportunity and enjoyed learning more about the work.",
        ),
        _point_line(facts, "One part of our conversation stays with me", 0),
        _concern_line(facts),
        join(
            f"I am enthusiastic about the role and confident I can contribute to {_team(facts)}.",
            "I look forward to hearing from you about the next steps.",
        ),
        _sign_off(user_name),
    )
    return Draft(subject=shorten(subject, 120), body=body)


def handwritten_note(person: Person | None, facts: InterviewFacts, user_name: str = "") -> Draft:
    """The handwritten thank-you card (000, 002, 003): short enough for a note card.

    Optional sentences (the point, the concern, the closing) are added in that order of
    importance while the card still has room, so the text never exceeds NOTE_LIMIT.
    """
    name = shorten(clean(person.name) if person else "", 40)
    greeting = f"Dear {name}," if name else "Hello,"
    sign_off = _sign_off(shorten(user_name, 40), "Warm regards")
    position = shorten(clean(facts.position), 60)
    company = shorten(clean(facts.company), 40)
    about = f"the {position} role" if position else "the role"
    if company:
        about += f" at {company}"
    core = f"Thank you for meeting with me about {about}."
    optional = [
        sentence(f"I keep thinking about our talk: {shorten(_point(facts, 1), 110)}")
        if _point(facts, 1)
        else "",
        "I would love to bring my skills to your team.",
        join(sentence(f"You raised a concern: {shorten(_concern(facts), 70)}"), _CAN_ADDRESS)
        if _concern(facts)
        else "",
    ]
    chosen: list[str] = []
    for extra in optional:
        if not extra:
            continue
        candidate = paragraphs(greeting, join(core, *chosen, extra), sign_off)
        if len(candidate) <= NOTE_LIMIT:
            chosen.append(extra)
    body = paragraphs(greeting, join(core, *chosen), sign_off)
    return Draft(subject="", body=shorten_block(body, NOTE_LIMIT))


def follow_up_email(person: Person | None, facts: InterviewFacts, user_name: str = "") -> Draft:
    """The agreed follow-up by email (000, 001): on schedule, and kindly asks for the decision."""
    position = clean(facts.position)
    subject = (
        f"Following up on the {position} position" if position else "Following up on my interview"
    )
    body = paragraphs(
        _greeting(person),
        f"I wanted to follow up with you according to the time frame you gave me for "
        f"{position_phrase(facts)}.",
        _point_line(facts, "I have kept thinking about our conversation", 2),
        _concern_line(facts),
        join(
            f"I remain very interested and believe I would be a great asset to {_team(facts)}.",
            "Is there any further information I can send you?",
        ),
        join(
            "Have you been able to make a decision?",
            "I look forward to hearing from you once you have decided, whatever the decision.",
        ),
        _sign_off(user_name),
    )
    return Draft(subject=shorten(subject, 120), body=body)


def _intro(person: Person | None, user_name: str) -> str:
    name = clean(person.name) if person else ""
    hello = f"Hello {name}" if name else "Hello"
    me = clean(user_name)
    return f"{hello}, this is {me}." if me else f"{hello}."


def _who(person: Person | None, facts: InterviewFacts) -> str:
    """'Dana Smith (Head of Data, Acme)' for a script's heading."""
    if person is None:
        return clean(facts.company) or "the employer"
    detail = ", ".join(p for p in (clean(person.title), clean(person.company)) if p)
    name = person_name(person, "your interviewer")
    return f"{name} ({detail})" if detail else name


def _reminders(facts: InterviewFacts, index: int) -> list[str]:
    lines = []
    point = _point(facts, index)
    if point:
        lines.append(f"- Mention a point from the interview: {point}")
    concern = _concern(facts)
    if concern:
        lines.append(f"- Have your answer ready to the concern they raised: {concern}")
    return lines


def follow_up_script(
    person: Person | None, facts: InterviewFacts, channel: str, user_name: str = ""
) -> Draft:
    """The agreed follow-up by phone or in person: the playbook's four-step script (000)."""
    in_person = channel == "in_person"
    company = clean(facts.company) or "your company"
    position = clean(facts.position)
    job = f"the {position} position" if position else "the job"
    how = "Visit" if in_person else "Call"
    lines = [f"{how} {_who(person, facts)} on the date they gave you."]
    if in_person:
        lines.append("Dress for success, smile, shake hands, be friendly and cordial.")
    lines += [
        "",
        f'1. "{_intro(person, user_name)} I wanted to follow up with you according to the time '
        f'frame you gave me. Have you made a decision about {job}?"',
        '2. If still deciding: "Are you going to do second interviews, or are you going to '
        'make a decision?"',
        '3. If second interviews: "'
        + (
            "Since I'm here, would you mind if we scheduled the second interview before I leave?"
            if in_person
            else "Would you mind if we scheduled the second interview now, while we are "
            "on the phone?"
        )
        + '"',
        f'4. If deciding: "I hope you strongly consider me. I would be a great asset to '
        f'{company} because of A, B and C." (Name your three strongest reasons.)',
    ]
    extra = _reminders(facts, 2)
    if extra:
        lines += ["", *extra]
    return Draft(subject="", body="\n".join(lines))


def follow_up_call_script(
    person: Person | None, facts: InterviewFacts, user_name: str = ""
) -> Draft:
    """The call about a week later when nothing was agreed (003, 002): short and upbeat."""
    position = clean(facts.position)
    job = f"the {position} position" if position else "the position"
    lines = [
        f"Call {_who(person, facts)} about {job}. Plan and practise it; get right to the point.",
        "",
        f'1. "{_intro(person, user_name)} We met recently about {job}, and I am calling to '
        f'ask where things stand."',
        '2. "Is there any further information I can give you?"',
        "3. Remind them why you are an ideal candidate, in one or two sentences.",
        "4. Keep it upbeat, thank them, and ask when it would suit them to hear from you again.",
    ]
    extra = _reminders(facts, 0)
    if extra:
        lines += ["", *extra]
    return Draft(subject="", body="\n".join(lines))


def _spoken(person: Person | None, user_name: str, who: str, *sentences: str) -> str:
    """The same message as a short phone script: one quoted paragraph to say."""
    said = join(_intro(person, user_name), *sentences)
    return f'Call {person_name(person, who)} and say:\n\n"{said}"'


def tell_reference(
    person: Person | None, facts: InterviewFacts, user_name: str = "", channel: str = "email"
) -> Draft:
    """Let a reference know the employer may call (002); a script when it is a call."""
    company = clean(facts.company)
    subject = f"Heads-up: {company} may call you" if company else "Heads-up: a reference call"
    cares = interest(facts, 0)
    news = join(
        f"I just interviewed for {position_phrase(facts)}, and they may call you as one "
        "of my references.",
        "Thank you again for speaking for me.",
    )
    hint = sentence(f"In case it helps, this is something they care about: {cares}")
    offer = "I am happy to tell you more about the role before they call."
    if channel == "phone":
        return Draft(
            subject="",
            body=_spoken(person, user_name, "your reference", news, hint if cares else "", offer),
        )
    body = paragraphs(
        _greeting(person, formal=False),
        news,
        hint if cares else "",
        offer,
        _sign_off(user_name, "Thank you"),
    )
    return Draft(subject=shorten(subject, 120), body=body)


def contact_referral(
    person: Person | None,
    facts: InterviewFacts,
    user_name: str = "",
    referred_by: Person | None = None,
    channel: str = "email",
) -> Draft:
    """Follow up a referral the interviewer gave (002): brief, asks for advice, not a job."""
    company = clean(facts.company)
    by = clean(referred_by.name) if referred_by else ""
    if by and company:
        opening = f"{by} at {company} suggested I get in touch with you."
        subject = f"{by} suggested I contact you"
    elif by:
        opening = f"{by} suggested I get in touch with you."
        subject = f"{by} suggested I contact you"
    elif company:
        opening = f"I was given your name while interviewing at {company}."
        subject = f"Introduction via {company}"
    else:
        opening = "I was given your name during a recent interview."
        subject = "An introduction"
    context = join(
        opening,
        f"I recently interviewed for {position_phrase(facts)} and I am exploring "
        "opportunities in the field.",
    )
    if channel == "phone":
        ask = (
            "Would you have fifteen minutes, now or in the coming days? I would value your advice."
        )
        return Draft(subject="", body=_spoken(person, user_name, "the referral", context, ask))
    ask = (
        "Would you have fifteen minutes for a short call in the coming days? "
        "I would value your advice."
    )
    body = paragraphs(_greeting(person), context, ask, _sign_off(user_name))
    return Draft(subject=shorten(subject, 120), body=body)


def value_add_email(
    person: Person | None, facts: InterviewFacts, user_name: str = "", index: int = 0
) -> Draft:
    """A value-add touch (004): information on something the interviewer cares about.

    The only "gift" is the article or white paper the user found: never money, a card or an
    object, which can look like a bribe. No reply is asked for, so it never pesters.
    """
    topic = interest(facts, index)
    subject = f"Something on {shorten(topic, 60)}" if topic else "Something you might find useful"
    body = paragraphs(
        _greeting(person),
        join(
            f"Since our conversation about {position_phrase(facts)}, I came across something "
            + (
                f"on a topic you mentioned: {topic}. I thought you might find it useful: "
                if topic
                else "I thought you might find useful: "
            )
            + "[link to the article or white paper]",
        ),
        "No need to reply; I simply thought of you when I read it.",
        _sign_off(user_name),
    )
    return Draft(subject=shorten(subject, 120), body=body)


def gracious_thanks(person: Person | None, facts: InterviewFacts, user_name: str = "") -> Draft:
    """After a rejection (002, 004): stay positive, keep the door open for another position."""
    position = clean(facts.position)
    subject = f"Thank you: {position}" if position else "Thank you"
    body = paragraphs(
        _greeting(person),
        join(
            f"Thank you for letting me know your decision about {position_phrase(facts)}.",
            "I truly appreciated the chance to meet you and to learn about the work.",
        ),
        _point_line(facts, "I especially valued our conversation", 0),
        join(
            "I would be glad to be considered for future openings,",
            "and I hope our paths cross again.",
        ),
        _sign_off(user_name),
    )
    return Draft(subject=shorten(subject, 120), body=body)
