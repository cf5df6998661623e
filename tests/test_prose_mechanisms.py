"""Extraction mechanisms found on our own encyclopaedia and fact-sheet passages (issue 3, second pass).

One parametrised table per error family (34 onwards in docs/extraction.md), every sentence our own,
each table with negative cases: what must *not* be extracted.
"""
from __future__ import annotations

import pytest

from tests.extraction_helpers import dyad_attributes, dyads, entity_ids, facts


def memberships(nlp, text):
    return {(f.source, f.target) for f in facts(nlp, text) if f.relation == "membership"}


# 34. A body defined by its members ------------------------------------------------------------

@pytest.mark.parametrize(
    "text, members, pairs",
    [
        ("The Rio Pact is a mutual defence agreement between Brazil, Chile and Mexico.",
         set(), {("BRA", "CHL"), ("BRA", "MEX"), ("CHL", "MEX")}),  # no known organisation: the parties are partners
        ("The ANZUS Treaty is a collective security agreement between Australia, New Zealand and the United States.",
         {("AUS", "ANZUS"), ("NZL", "ANZUS"), ("USA", "ANZUS")}, set()),
        ("The Quad, formally the Quadrilateral Security Dialogue, is an informal forum of Japan, India and Australia.",
         {("JPN", "QUAD"), ("IND", "QUAD"), ("AUS", "QUAD")}, set()),
        ("The CSTO is a Russian-led alliance of four states: Russia, Armenia, Belarus and Tajikistan.",
         {("RUS", "CSTO"), ("ARM", "CSTO"), ("BLR", "CSTO"), ("TJK", "CSTO")}, set()),
        ("The Shanghai Cooperation Organisation is a security bloc founded in 2001 by China, Russia and Kazakhstan.",
         {("CHN", "SCO"), ("RUS", "SCO"), ("KAZ", "SCO")}, {("CHN", "RUS"), ("CHN", "KAZ"), ("KAZ", "RUS")}),  # co-founders act together
        # negative: the organisation is a member or a partner of the others, not their body
        ("NATO is a partner of Japan and Australia.", set(), {("JPN", "NATO"), ("AUS", "NATO")}),
        ("The African Union is a member of the Group of Twenty.", {("AU", "G20")}, set()),
        ("ASEAN is a strategic partner of China and India.", set(), {("ASEAN", "CHN"), ("ASEAN", "IND")}),
    ],
)
def test_a_body_defined_by_its_members(nlp, text, members, pairs):
    assert memberships(nlp, text) == members
    assert dyads(nlp, text) == pairs


# 35. Members stated without their organisation, or with it far from the cue --------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("ASEAN was established in Jakarta in 1967 by Thailand and Malaysia.", {("THA", "ASEAN"), ("MYS", "ASEAN")}),
        ("The SCO was founded in 2001. Uzbekistan and Kyrgyzstan became full members later.",
         {("UZB", "SCO"), ("KGZ", "SCO")}),
        ("The SCO was founded in 2001. Laos and Brunei joined later.", {("LAO", "SCO"), ("BRN", "SCO")}),
        ("NATO was founded in 1949. Finland joined the alliance in 2023.", {("FIN", "NATO")}),
        ("Morocco left the OAU in 1984 and rejoined the AU in 2017.", {("MAR", "AU")}),
        ("The SCO was founded in 2001. Laos and Nepal became members in 2017, and Bhutan joined in 2023.",
         {("LAO", "SCO"), ("NPL", "SCO"), ("BTN", "SCO")}),
        ("Slovakia, a NATO ally since 2004, hosts a battlegroup.", {("SVK", "NATO")}),
        # negative: a member of something else, or joining something that is no organisation
        ("Oman left the GCC over the admission of Yemen and rejoined the AU.", {("OMN", "AU")}),
        ("Jordan is a major non-NATO ally of the United States.", set()),
        ("Greece is a NATO ally of Cyprus.", set()),
        ("NATO was founded in 1949. Finland joined the talks in 2023.", set()),
        ("NATO was founded in 1949. Austria and Ireland are members of the EU.", {("AUT", "EU"), ("IRL", "EU")}),
        ("NATO was founded in 1949. Ireland is not a member.", set()),
    ],
)
def test_members_of_the_organisation_in_focus(nlp, text, expected):
    assert memberships(nlp, text) == expected


# 36. The object of a joining verb ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        # joining the alliance is membership, not an alliance between the joiners
        ("NATO was founded in 1949. Finland and Sweden joined the alliance after Turkey and Hungary relented.", set()),
        # positive: an alliance stated between two actors stays one
        ("Finland and Sweden formed an alliance in 2024.", {("FIN", "SWE")}),
    ],
)
def test_joining_an_alliance_is_no_alliance_between_the_joiners(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 38. Activity phrases of fact sheets and treaties ------------------------------------------------

@pytest.mark.parametrize(
    "text, pair, activities",
    [
        ("A 1990 agreement commits Italy to help defend Malta.", ("ITA", "MLT"), {"mutual_defense"}),
        ("Spain and Morocco signed a mutual assistance pact.", ("ESP", "MAR"), {"mutual_defense"}),
        ("Brazil and Sweden jointly developed the Gripen E.", ("BRA", "SWE"), {"defense_industry"}),
        ("The United States provided Estonia with a $50 million FMF loan.", ("EST", "USA"), {"military_aid"}),
        ("Qatar has hosted the U.S. Air Force's 379th Wing at Al Udeid.", ("QAT", "USA"), {"basing"}),
        ("Chile and Peru held large-scale exercises in May.", ("CHL", "PER"), {"joint_exercises"}),
        ("Defence trade between Israel and India has grown to $2 billion.", ("IND", "ISR"), {"arms_transfer"}),
        # negative: a loan with no arms in it stays financial; exercising a right is no drill
        ("Japan gave Egypt a loan.", ("EGY", "JPN"), {"financial_aid"}),
    ],
)
def test_fact_sheet_activity_phrases(nlp, text, pair, activities):
    assert dyad_attributes(nlp, text, "activity").get(pair) == activities


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Prague Spring ended in 1968.", []),
        ("NATO has members in Europe and North America.", ["NATO"]),
        ("Prague and Warsaw signed a treaty.", ["CZE", "POL"]),
    ],
)
def test_names_that_contain_a_place(nlp, text, expected):
    assert entity_ids(nlp, text) == expected


# 37. Guests of a host are no partners of each other ----------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Japan, Italy and Spain maintain military bases in Djibouti.", {("DJI", "JPN"), ("DJI", "ITA"), ("DJI", "ESP")}),
        ("Nepal and Ghana sent peacekeepers to a UN mission in Lebanon.",
         {("LBN", "NPL"), ("GHA", "LBN"), ("NPL", "UN"), ("GHA", "UN")}),
        # positive: guests that act together are partners
        ("Japan and Italy held joint exercises at a naval base in Djibouti.",
         {("ITA", "JPN"), ("DJI", "JPN"), ("DJI", "ITA")}),
        # no host: a basing agreement between two actors is theirs
        ("Spain and the United States renewed their basing agreement.", {("ESP", "USA")}),
    ],
)
def test_guests_of_a_host_are_no_partners(nlp, text, expected):
    assert dyads(nlp, text) == expected
