"""Extraction mechanisms found on speech-style prose (UN General Debate addresses, issue 3c).

One parametrised table per error family (39 onwards in docs/extraction.md), every sentence our own,
each table with positive rows (what must still be found) and negative rows (what must not).
"""
from __future__ import annotations

import pytest

from kg.extract import read_sentences
from kg.resolve import resolve
from tests.extraction_helpers import entity_ids, facts, dyads


def reference_dyads(nlp, text):
    return {tuple(sorted((f.source, f.target))) for f in facts(nlp, text) if f.method == "reference"}


# 39. Peoples, territories and issues named after a country ------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("We support the peoples of Chad, Niger, Mali and Togo in their long march to freedom.", set()),
        ("My delegation hails the right of the people of Laos and Cambodia to choose their path.", set()),
        ("The situation in Peru and Bolivia has worsened this year, and aid alone cannot help.", set()),
        ("We shall not forget the question of Belize and Guatemala, which calls for assistance.", set()),
        # the territory handed over is no party, and a hand-over is no cooperation
        ("He proposed the transfer of the administration of Togo from Ghana to the United Nations.", set()),
        # positive: the states themselves act
        ("Chad and Niger signed a pact on border patrols.", {("NER", "TCD")}),
        ("The people of Peru welcome that Peru and Bolivia agreed to cooperate on trade.", {("BOL", "PER")}),
    ],
)
def test_peoples_territories_and_issues_are_no_actors(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 40. A third party settling a dispute ---------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Algeria has offered to mediate between Chad and Libya.", set()),
        ("Peru offered Ecuador recourse to the International Court of Justice.", set()),
        ("Chad and Libya accepted the good offices of the Secretary-General and agreed on a treaty.", set()),
        ("Sweden and Norway agreed to the arbitration of their fishery claims.", set()),
        # positive: no dispute, a plain agreement and a plain offer of aid
        ("Algeria and Tunisia signed an agreement on gas supplies.", {("DZA", "TUN")}),
        ("Peru offered Ecuador assistance after the earthquake.", {("ECU", "PER")}),
    ],
)
def test_mediation_and_dispute_settlement_are_no_partnership(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 41. Lists that receive: co-recipients when the subject is the speaker ------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("We established diplomatic relations with Fiji, Tonga and Samoa last year.", set()),
        ("Our President paid state visits to Kenya and Uganda.", set()),
        ("My country extends its support to the Governments of Zambia and Malawi.", set()),
        ("We received prompt assistance with the help of Sweden and Denmark.", set()),
        # positive: the speaker's country named, and a bloc acting jointly or linked by "between"
        ("Nepal established diplomatic relations with Fiji and Tonga.", {("FJI", "NPL"), ("NPL", "TON")}),
        ("We welcome the agreement between Fiji and Tonga.", {("FJI", "TON")}),
        ("We held joint naval exercises with Fiji and Tonga.", {("FJI", "TON")}),
    ],
)
def test_received_lists_are_no_bloc(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 42. A long list with only a generic cue ------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("The struggle in our region has the support of Chad, Niger, Mali and Togo.", set()),
        ("Help came swiftly from many friends: Chad, Niger, Mali, Togo and Benin.", set()),
        # positive: three actors, or a long list with a stated partnership type or activity
        ("Chad, Niger and Mali support one another.", {("MLI", "NER"), ("MLI", "TCD"), ("NER", "TCD")}),
        ("Chad, Niger, Mali and Togo held joint military exercises.",
         {("MLI", "NER"), ("MLI", "TCD"), ("MLI", "TGO"), ("NER", "TCD"), ("NER", "TGO"), ("TCD", "TGO")}),
    ],
)
def test_long_generic_lists_give_no_pairs(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 43. Several "between" pairs in one sentence ---------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Austria welcomed the treaty between Poland and Hungary.", {("HUN", "POL")}),
        ("We welcome the agreements between Japan and China and between Japan and Vietnam.",
         {("CHN", "JPN"), ("JPN", "VNM")}),
        ("We hail the treaties between Egypt and Sudan and Egypt and Libya.", {("EGY", "SDN"), ("EGY", "LBY")}),
        # positive: a subject with one partner after "between"-less links is still paired
        ("Austria signed a treaty with Hungary.", {("AUT", "HUN")}),
        ("The pact between Chile, Peru and Bolivia was renewed.", {("BOL", "CHL"), ("BOL", "PER"), ("CHL", "PER")}),
    ],
)
def test_between_pairs_stand_on_their_own(nlp, text, expected):
    assert dyads(nlp, text) == {tuple(sorted(p)) for p in expected}


# 44. A named instrument is no reference to the pair in focus ----------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chile and Peru signed a trade accord. The Treaty on the Prohibition of Nuclear Weapons is in force.",
         set()),
        ("Chile and Peru signed a trade accord. The Agreement of 1929 settled other matters with support.",
         set()),
        # positive: a bare reference still reaches the pair in focus
        ("Chile and Peru signed a trade accord. The treaty will also foster military cooperation.",
         {("CHL", "PER")}),
    ],
)
def test_named_instruments_are_no_back_reference(nlp, text, expected):
    assert reference_dyads(nlp, text) == expected


# 45. Names of the speech genre ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Byelorussian Soviet Socialist Republic supports Cuba.", ["BLR", "CUB"]),
        ("The Ukrainian SSR and Poland signed an accord.", ["UKR", "POL"]),
        ("Guinea (Bissau) and Cape Verde gained independence.", ["GNB", "CPV"]),
        # the two Congos told apart by their capitals in brackets
        ("Congo (Brazzaville) and Congo (Kinshasa) signed a border accord.", ["COG", "COD"]),
        ("Congo (Leopoldville) asked for troops.", ["COD"]),
        ("Peace in Indo-China and the Paris agreements were welcomed by Japan.", ["JPN"]),
        # positive: the Soviet Union itself, and India and China on their own
        ("The Soviet Union and India signed a treaty, and China objected.", ["SUN", "IND", "CHN"]),
    ],
)
def test_speech_genre_names(nlp, text, expected):
    assert entity_ids(nlp, text) == expected


# 46. One name alone continues the pair in focus only with a stated type or activity -------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chile and Peru signed a trade accord. Peru also supports the work of the Assembly.", set()),
        ("Chile and Peru signed a trade accord. Chile welcomes cooperation among all nations.", set()),
        # positive: a stated activity, or a reference word
        ("Chile and Peru signed a trade accord. Peru also buys frigates.", {("CHL", "PER")}),
        ("Chile and Peru signed a trade accord. The two countries also cooperate on fisheries.", {("CHL", "PER")}),
    ],
)
def test_one_name_alone_needs_a_stated_activity(nlp, text, expected):
    assert reference_dyads(nlp, text) == expected


# 47. An anticipatory "it" points forward -------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chile and Peru signed a trade accord. It is our hope that cooperation will grow everywhere.", set()),
        ("Chile and Peru signed a trade accord. It would be wise to support such efforts.", set()),
        # positive: "it" standing for the accord
        ("Chile and Peru signed a trade accord. It was extended to naval cooperation in 1990.", {("CHL", "PER")}),
        ("Chile and Peru signed a trade accord. It also covers joint naval exercises.", {("CHL", "PER")}),
    ],
)
def test_anticipatory_it_is_no_back_reference(nlp, text, expected):
    assert reference_dyads(nlp, text) == expected


# 48. Demands to end a relation ----------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("We demand the cessation of all military aid from Belgium to Zaire.", set()),
        ("Sweden should stop its arms sales to Chile.", set()),
        ("We call for the halt of French assistance to Gabon.", set()),
        # positive: the same relations stated as facts
        ("Belgium provides military aid to Zaire.", {("BEL", "COD")}),
        ("Sweden sells arms to Chile.", {("CHL", "SWE")}),
    ],
)
def test_demands_to_end_a_relation_assert_none(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 49. A list that undergoes a status: admission, participation, rights ---------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("The admission of Oman, Qatar and Bahrain will strengthen cooperation in this Assembly.", set()),
        ("The participation of Kenya and Ghana is a sign of support for the conference.", set()),
        ("The right of Syria and Jordan to recover their lands deserves support.", set()),
        # positive: the same countries acting together
        ("Kenya and Ghana agreed to support each other's candidates.", {("GHA", "KEN")}),
        ("The cooperation of Oman and Qatar on fisheries has grown.", {("OMN", "QAT")}),
    ],
)
def test_a_list_undergoing_a_status_is_no_bloc(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 50. "Each other" binds to its own clause in a speech -------------------------------------------

@pytest.mark.parametrize(
    "text, speaker, expected",
    [
        ("Chile and Peru signed a trade accord. Our peoples have always supported each other.", "ARG", set()),
        ("Chile and Peru signed a trade accord. States must help one another in times of need.", "ARG", set()),
        # positive: a reference that names the pair, and prose, which goes on about its pair
        ("Chile and Peru signed a trade accord. The two countries pledged to help each other.", "ARG",
         {("CHL", "PER")}),
        ("Chile and Peru signed a trade accord. They pledged to help each other.", "", {("CHL", "PER")}),
    ],
)
def test_each_other_in_a_speech_is_no_reference_to_the_pair_in_focus(nlp, text, speaker, expected):
    readings = read_sentences(nlp(text))
    found = resolve("d", readings, speaker=speaker)
    assert {tuple(sorted((f.source, f.target))) for f in found if f.method == "reference"} == expected
