"""kg.extract.memberships: which memberships a sentence states."""
from __future__ import annotations

import pytest

from kg.extract import sentences
from kg.extract.memberships import defined_members, members_of_focus, memberships


def _view(nlp, text):
    return sentences(nlp(text))[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chile joined NATO in 2010.", [("CHL", "NATO")]),
        ("Chile is a member of the African Union.", [("CHL", "AU")]),
        ("Peru, a NATO member, sent ships.", [("PER", "NATO")]),
        ("NATO members Norway and Denmark held drills.", [("NOR", "NATO"), ("DNK", "NATO")]),
        ("NATO's member states include Norway and Denmark.", [("NOR", "NATO"), ("DNK", "NATO")]),
        # a country, not the organisation before it, joined
        ("Chile is a member of the African Union and joined NATO.", [("CHL", "AU"), ("CHL", "NATO")]),
        # named to exclude
        ("Chile is a major non-NATO ally of Peru.", []),
    ],
)
def test_memberships(nlp, text, expected):
    assert memberships(_view(nlp, text)).pairs == expected


def test_members_of_the_pair_in_focus(nlp):
    found = memberships(_view(nlp, "Both countries are members of NATO."))
    assert found == ([], ["NATO"])


def test_a_body_defined_by_its_members(nlp):
    members, org = defined_members(_view(nlp, "NATO is a security alliance between Norway, Denmark and Iceland."))
    assert ([m.id for m in members], org.id) == (["NOR", "DNK", "ISL"], "NATO")


def test_a_sentence_that_defines_nothing(nlp):
    assert defined_members(_view(nlp, "NATO held drills with Norway and Denmark.")) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Its members include Norway and Denmark.", ("NOR", "DNK")),
        ("Norway joined in 1949, followed by Denmark.", ("NOR", "DNK")),
        ("Norway and Denmark became full members in 1949.", ("NOR", "DNK")),
        ("Norway joined the alliance later.", ("NOR",)),
    ],
)
def test_members_of_the_organisation_in_focus(nlp, text, expected):
    assert members_of_focus(_view(nlp, text)) == expected
