"""kg.extract.memberships: which memberships a sentence states."""
from __future__ import annotations

import pytest

from kg.extract import sentences
from kg.extract.memberships import defined_members, members_of_focus, membership_unstated, memberships


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
        # a member noun binds only the member the words before it link to it
        ("Chile, an active member of the African Union, sent envoys.", [("CHL", "AU")]),
        ("Chile has been among the members of NATO since 1999.", [("CHL", "NATO")]),
        ("By then Chile and Peru were already full-fledged members of the African Union.", [("CHL", "AU"), ("PER", "AU")]),
        ("Chile is a key member of NATO.", [("CHL", "NATO")]),
        ("Chile urged Peru to consult the former members of the Warsaw Pact.", []),
        ("Chile, a coastal State and a member of the African Union, objected.", [("CHL", "AU")]),
        ("Chile, as a small country and member of the African Union, objected.", [("CHL", "AU")]),
        ("Chile and many members of the African Union objected.", []),
        ("Through close ties with the members of NATO, Chile is tying its future to Europe.", []),
        # a fronted phrase: the member follows the comma
        ("As a founding member of the African Union and NATO, Chile objected.", [("CHL", "AU"), ("CHL", "NATO")]),
        ("During its presidency of the African Union, Ghana hosted two summits.", [("GHA", "AU")]),
        # offices: presiding or chairing is membership
        ("Ghana's presidency of the African Union ended in May.", [("GHA", "AU")]),
        ("Kenya had the honour of chairing the African Union in 1981.", [("KEN", "AU")]),
        # a list introduced after the organisation, not a clause after a comma
        ("The co-chairs of the OSCE Minsk Group, namely, France, Russia and the United States, met.",
         [("FRA", "OSCE"), ("RUS", "OSCE"), ("USA", "OSCE")]),
        ("The African members of the UN met under the aegis of the African Union.", []),
        ("The African Union meets often, including in Addis Ababa with Ethiopia and Kenya.", []),
        # admissions
        ("We welcomed the admission of Tuvalu to the United Nations.", [("TUV", "UN")]),
        ("Tuvalu's admission as a Member of the United Nations came in 2000.", [("TUV", "UN")]),
        ("We welcome Tuvalu and Nauru into the United Nations.", [("TUV", "UN"), ("NRU", "UN")]),
        ("We hailed the admission to membership in the United Nations of Tuvalu.", [("TUV", "UN")]),
        ("We congratulate Tuvalu on its admission to membership in the United Nations.", [("TUV", "UN")]),
        ("We congratulate Tuvalu for having been admitted as a Member of the United Nations.", [("TUV", "UN")]),
        ("Nauru for its part welcomed the admission of Tuvalu to the United Nations.", [("TUV", "UN")]),
        ("Chile welcomes the United Nations mandate for the talks.", []),
        # hoped for or prospective: no fact
        ("Chile and Peru should be admitted as members of the African Union.", []),
        ("Chile will accede to the Council of Europe.", []),
        ("We look to the forthcoming admission of Tuvalu to the United Nations.", []),
        # supported, prevented or in question: hoped for or refused, not had
        ("We support the immediate admission of Tuvalu to the United Nations.", []),
        ("Two vetoes were the obstacle preventing the admission of Tuvalu to the United Nations.", []),
        ("The question of Tuvalu's membership of the United Nations divides the Assembly.", []),
        ("Tuvalu is fully qualified for membership in the United Nations.", []),
        ("The recommendation for the admission of Tuvalu to the United Nations was vetoed.", []),
        ("Norway sought membership of the European Union in 1994.", []),
        ("Serbia is in negotiations for European Union membership.", []),
        # the country that leads a body is one of its members
        ("Its ships joined the US-led Combined Maritime Forces last year.", [("USA", "CMF")]),
        # a relative clause names the member of the organisation before it
        ("Peru attends the SCO summits, a forum in which India is a founding member.", [("IND", "SCO")]),
        # "the UN membership" followed by a clause names no member after it
        ("Like most of the United Nations membership, Ghana voted for it.", []),
        # a party to an organisation's documents is no member of it
        ("Tuvalu has acceded to many United Nations counter-terrorism conventions.", []),
        ("Tuvalu is a party to all African Union human rights treaties.", []),
        ("Tuvalu became a party to the United Nations Convention on the Law of the Sea.", []),
        ("Tuvalu acceded to the African Union Protocol on refugees in 2011.", []),
        ("Tuvalu acceded to the United Nations in 2000 and to its conventions in 2004.", [("TUV", "UN")]),
        # a force or mission the organisation fields is no body joined
        ("Chile sent a battalion to join the United Nations peacekeeping operation in Haiti.", []),
        ("Chile joined the African Union-United Nations Hybrid Operation in Darfur in 2008.", []),
        ("Chile joined the African Union in 2002 and sent troops to its peacekeeping mission.", [("CHL", "AU")]),
        # "the members of" as one more item of a list, not an apposition of the country before it
        ("Chile thanked the United States, the member countries of the European Union and Japan.", []),
        ("Chile, Peru, the member states of NATO, and Japan sent aid.", []),
        ("Chile and Peru, the member countries of the African Union, sent aid.", [("CHL", "AU"), ("PER", "AU")]),
        ("Chile, the leading member of NATO in the region, sent aid.", [("CHL", "NATO")]),
    ],
)
def test_memberships(nlp, text, expected):
    assert memberships(_view(nlp, text)).pairs == expected


@pytest.mark.parametrize(
    "text, unstated",
    [
        ("Turkey's bid to join the European Union has stalled.", True),
        ("Chile should become a member of NATO.", True),
        ("Norway has long sought membership of the European Union.", True),
        ("Montenegro is in the negotiation process for European Union membership.", True),
        # a candidature, an aspiration or a plan is no membership yet
        ("Kenya has presented its candidature for non-permanent membership of the Security Council.", True),
        ("As an aspiring member of the Atlantic community, Estonia takes part in NATO exercises.", True),
        ("Serbia is a candidate country for membership in the European Union.", True),
        ("Georgia is now eligible for membership of NATO.", True),
        # wanted, urged, invited or imminent: not had yet
        ("Kazakhstan wants to join the World Trade Organization as soon as possible.", True),
        ("We encourage Morocco to rejoin the African Union.", True),
        ("The imminent accession of Cyprus to the European Union will help.", True),
        ("Japan is attempting to become a permanent member of the Security Council.", True),
        ("Kenya was elected a non-permanent member of the Security Council.", False),
        ("Chile joined NATO in 2010.", False),
        ("Chile and Peru held joint drills.", False),
    ],
)
def test_a_membership_the_sentence_does_not_state(nlp, text, unstated):
    assert membership_unstated(_view(nlp, text)) is unstated


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
