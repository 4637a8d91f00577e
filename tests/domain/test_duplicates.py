"""Duplicate detection: email, phone in E.164 terms, name at the same company."""

from __future__ import annotations

import pytest

from server.domain.duplicates import e164
from server.domain.duplicates import folded
from server.domain.duplicates import possible_duplicates
from server.domain.duplicates import Someone

DANA = Someone(
    id="1",
    name="Dana Reyes",
    company="Acme GmbH",
    emails=("Dana.Reyes@Acme.example",),
    phones=("+49 30 1234567",),
)


def reasons(new, existing=(DANA,), region="DE"):
    return [(found.id, found.reason) for found in possible_duplicates(new, existing, region)]


def test_same_email_in_another_case():
    assert reasons(Someone(id="2", name="D. R.", emails=("dana.reyes@acme.EXAMPLE",))) == [
        ("1", "email")
    ]


def test_same_phone_written_nationally_for_a_german_account():
    new = Someone(id="2", name="Somebody", phones=("030 1234567",))
    assert reasons(new) == [("1", "phone")]
    assert reasons(Someone(id="2", name="Somebody", phones=("+49 (0)30 123-45-67",))) == [
        ("1", "phone")
    ]
    assert reasons(Someone(id="2", name="Somebody", phones=("0049 30 1234567",))) == [
        ("1", "phone")
    ]


def test_national_number_without_a_region_is_not_compared():
    new = Someone(id="2", name="Somebody", phones=("030 1234567",))
    assert reasons(new, region=None) == []
    # With its own country code it still is.
    assert reasons(Someone(id="2", name="X", phones=("+49301234567",)), region=None) == [
        ("1", "phone")
    ]


def test_a_national_number_is_read_in_the_accounts_country():
    # The same digits in the US are another number.
    assert reasons(Someone(id="2", name="Somebody", phones=("030 1234567",)), region="US") == []


def test_same_name_with_other_accents_case_and_spacing_at_the_same_company():
    existing = (Someone(id="1", name="Jürgen Müller", company="Müller & Söhne"),)
    new = Someone(id="2", name="  JURGEN   muller ", company="muller & sohne")
    assert reasons(new, existing) == [("1", "name")]


def test_same_name_at_another_company_is_not_a_duplicate():
    assert reasons(Someone(id="2", name="Dana Reyes", company="Globex")) == []
    # Nor without a company at all.
    assert reasons(Someone(id="2", name="Dana Reyes")) == []


def test_the_strongest_reason_is_given_and_the_contact_itself_is_skipped():
    same = Someone(
        id="2", name="dana reyes", company="ACME GMBH", emails=("dana.reyes@acme.example",)
    )
    assert reasons(same) == [("1", "email")]
    assert possible_duplicates(DANA, [DANA], "DE") == []


def test_nothing_in_common():
    assert reasons(Someone(id="2", name="Lee", emails=("lee@x.example",), phones=("555",))) == []


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("+49 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("(212) 555-0100", "US", "+12125550100"),
        ("030 1234567", None, None),
        ("not a number", "DE", None),
        ("", "DE", None),
        ("1", "DE", None),
    ],
)
def test_e164(number, region, expected):
    assert e164(number, region) == expected


def test_folded():
    assert folded("  Ångström\tÉLISE ") == "angstrom elise"
