"""kg.extract.actors: coordinated lists, and which actors take part and why the others do not."""
from __future__ import annotations

import pytest

from kg.extract import sentences
from kg.extract.actors import mission_places, roles
from kg.extract.cues import hostility


def _view(nlp, text):
    return sentences(nlp(text))[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chile, Peru and Bolivia", [["CHL", "PER", "BOL"]]),
        ("Chile, Peru, Bolivia", [["CHL", "PER", "BOL"]]),
        ("Chile, Peru and two other states", [["CHL", "PER"]]),
        ("Chile as well as Peru", [["CHL", "PER"]]),
        # commas alone join clauses, not list items
        ("In Chile, Peru", [["CHL"], ["PER"]]),
        # a comma after "A and B" ends their list, unless a list goes on from there
        ("After the withdrawal of Chile and Peru, Bolivian troops stayed", [["CHL", "PER"], ["BOL"]]),
        ("a forum of the Andean states and Chile, Peru and Bolivia", [["CHL", "PER", "BOL"]]),
        # a hyphen or dash joined to its word makes a compound, also where the line broke after it
        ("the Chile-Peru treaty", [["CHL", "PER"]]),
        ("the Chile–Peru treaty", [["CHL", "PER"]]),
        ("the Chile- Peru treaty", [["CHL", "PER"]]),
        # an em dash, or a dash with a space before it, sets off a phrase
        ("the land of Chile—Peru has annexed", [["CHL"], ["PER"]]),
        ("the land of Chile - Peru has annexed", [["CHL"], ["PER"]]),
        ("the crisis in Chile – Peru has sent aid", [["CHL"], ["PER"]]),
    ],
)
def test_coordinated_lists(nlp, text, expected):
    assert [[a.id for a in g] for g in _view(nlp, text).groups] == expected


@pytest.mark.parametrize(
    "text, actor, reasons",
    [
        ("Chile and Peru held talks in Bolivia.", "BOL", ["place"]),
        ("Chile backs partners such as Peru.", "PER", ["exemplification"]),
        ("Chile and Peru signed a pact to counter Bolivia.", "BOL", ["adversary"]),
        ("Chile helped the people of Peru.", "PER", ["non_state_context"]),
        ("Chile will supply Peru with radars, according to Bolivia.", "BOL", ["attribution"]),
        ("Chile and Peru signed a ceasefire between Ecuador and Colombia.", "ECU", ["conflict_party"]),
        ("Unlike Peru, Chile signed the pact with Bolivia.", "PER", ["adjunct"]),
        ("Chile and Peru, which invaded Bolivia, signed a pact.", "BOL", ["hostile_target"]),
        ("Chile and Peru signed a UN-brokered deal.", "UN", ["mediator"]),
        ("Chile trains the armies of Peru's neighbours.", "PER", ["neighbours_of"]),
        ("Chile and Peru's neighbouring states signed a pact.", "PER", ["neighbours_of"]),
        ("Chile and Peru met for the NATO summit.", "NATO", ["modifier"]),
        ("Chile sent aid to Peru through the UN.", "UN", ["channel"]),
    ],
)
def test_excluded_actors_keep_their_reasons(nlp, text, actor, reasons):
    view = _view(nlp, text)
    hosted = False
    found = roles(view, hosted, hostility(view))
    starts = [a.start for a in view.actors if a.id == actor]
    assert [found.excluded.get(s) for s in starts] == [reasons]


@pytest.mark.parametrize("text", ["Chile is a major non-NATO ally of Peru.", "Chile is a major non NATO ally of Peru.",
                                  "Chile is a major non–NATO ally of Peru."])
def test_an_organisation_named_to_be_outside_of_is_no_actor(nlp, text):
    assert [a.id for a in _view(nlp, text).actors] == ["CHL", "PER"]


def test_participants_are_not_excluded(nlp):
    view = _view(nlp, "Chile and Peru held joint drills.")
    assert roles(view, False, hostility(view)).excluded == {}


def test_a_hosted_activity_makes_the_place_a_host(nlp):
    view = _view(nlp, "Chile deployed peacekeepers in Haiti.")
    found = roles(view, True, hostility(view))
    haiti = next(a for a in view.actors if a.id == "HTI")
    assert found.hosts == {haiti.start} and found.excluded == {}


@pytest.mark.parametrize(
    "text, hosted, listed",
    [
        ("Chilean forces have served in Haiti, Mali and Lebanon.", False, {"HTI", "MLI", "LBN"}),
        ("Chile deployed peacekeepers in Haiti, in Mali and in Lebanon.", True, {"HTI", "MLI", "LBN"}),
        # a place that is no country does not end the list
        ("Chilean forces have served in Haiti, Kashmir, Mali and Lebanon.", False, {"HTI", "MLI", "LBN"}),
        ("Chile deployed peacekeepers in Haiti, the Golan Heights, Mali and Lebanon.", True, {"HTI", "MLI", "LBN"}),
        # a word that names no place ends the list
        ("Chile deployed peacekeepers in Haiti, Kashmir, and thanked Mali and Lebanon.", True, set()),
        # two places are no list of places
        ("Chile deployed peacekeepers in Haiti and Mali.", True, set()),
        # bodies are no places
        ("Chile takes part in peacekeeping in the United Nations, the European Union and NATO.", True, set()),
    ],
)
def test_a_clause_that_names_many_places_lists_them(nlp, text, hosted, listed):
    view = _view(nlp, text)
    found = roles(view, hosted, hostility(view))
    assert {a.id for a in view.actors if a.start in found.place_lists} == listed


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Norway sent engineers to the United Nations Interim Force in Lebanon.", {"LBN": ("UN",)}),
        # a hyphenated name has two owners; each mission its own place
        ("Kenya praised the African Union-United Nations Hybrid Operation in Darfur and the African Union Mission in Somalia.",
         {"SOM": ("AU",)}),
        ("Japan supports the United Nations Mission in the Central African Republic and Chad.",
         {"CAF": ("UN",), "TCD": ("UN",)}),
        ("We praise the UN's peacekeeping mission in Haiti.", {"HTI": ("UN",)}),
        ("Ghana thanked Germany for the European Union Training Mission for Mali.", {"MLI": ("EU",)}),
        # the subject of the clause does not own the mission it serves in
        ("Chile has troops in the peacekeeping mission in Mali.", {"MLI": ()}),
        # a body named after the two states it works in: the organisation's mission in each
        ("Chile sent officers to the United Nations Peru-Bolivia Observation Mission.", {"PER": ("UN",), "BOL": ("UN",)}),
        ("Chile sent officers to the United Nations Peru-Bolivia Boundary Commission.", {}),
        ("Peru and Chile held talks in Lima and in Bolivia.", {}),
        ("Fiji trains the police forces of Tonga.", {}),
    ],
)
def test_a_country_after_a_mission_noun_is_its_place(nlp, text, expected):
    assert mission_places(_view(nlp, text)) == expected
