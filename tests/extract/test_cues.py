"""kg.extract.cues: which cues a sentence asserts, what it states, where its hostility aims."""
from __future__ import annotations

import pytest

from kg.extract import sentences
from kg.extract.cues import attribution, hostility


def _view(nlp, text):
    return sentences(nlp(text))[0]


@pytest.mark.parametrize(
    "text, asserted",
    [
        ("Chile and Peru held joint drills.", {"joint_exercises"}),
        ("There were no joint drills between Chile and Peru.", set()),
        ("Chile refused to hold joint drills with Peru.", set()),
        # hoped-for, not done
        ("Chile urged Peru to hold joint drills.", set()),
        # a hyphenated word is one word of the reach
        ("Chile urged Peru to hold large-scale joint drills.", set()),
        ("Chile did not send the all-volunteer brigade, but trained troops of Peru.", {"military_training"}),
        # "not" negates the cue right after it, not one far off
        ("Chile did not sign the accord in May, but held joint drills with Peru in the autumn.", {"joint_exercises"}),
        # ended, told in the passive after the cooperation it ends
        ("Joint drills between Chile and Peru were suspended in May.", set()),
        ("Arms sales from Chile to Peru have been halted.", set()),
        # ended by a word of ending
        ("Chile and Peru disbanded their joint patrols in May.", set()),
        ("The termination of arms sales from Chile to Peru was announced.", set()),
        # the subject of the ending is another noun, or another clause's
        ("Chile and Peru held joint drills after the ceasefire was suspended.", {"joint_exercises"}),
        ("Chile and Peru held joint drills; the talks with Bolivia were suspended.", {"joint_exercises"}),
        ("Chile and Peru held joint drills while their trade was suspended.", {"joint_exercises"}),
    ],
)
def test_negated_cues_are_not_asserted(nlp, text, asserted):
    assert {c.id for c in _view(nlp, text).activities} == asserted


@pytest.mark.parametrize(
    "text, types, activities",
    [
        # a list of kinds of relation before its noun states each kind the cues know
        ("Chile and Peru keep close political, economic and military ties.", {"defense_cooperation"}, {"economic_cooperation"}),
        ("Chile and Peru have economic and cultural relations.", set(), {"economic_cooperation"}),
        # a kind of relation with no relation noun after it states nothing
        ("Chile and Peru face economic and military problems.", set(), set()),
    ],
)
def test_a_list_of_kinds_of_relation_states_each_kind(nlp, text, types, activities):
    view = _view(nlp, text)
    assert ({c.id for c in view.types}, {c.id for c in view.activities}) == (types, activities)


@pytest.mark.parametrize(
    "text, types",
    [
        ("Chile and Peru sent troops to the international coalition against the pirates.", {"multilateral_framework"}),
        ("Chile joined the US-led coalition with Peru.", {"multilateral_framework"}),
        ("Chile and Peru formed a coalition of democracies.", {"multilateral_framework"}),
        # a coalition of parties or of rebels is no framework of states
        ("Chile and Peru each have a coalition government.", set()),
        ("Chile fought the rebel coalition that Peru backed.", set()),
    ],
)
def test_a_coalition_of_states_is_a_multilateral_framework(nlp, text, types):
    assert {c.id for c in _view(nlp, text).types} == types


@pytest.mark.parametrize(
    "text, activities",
    [
        ("Chile gave Peru military and economic aid.", {"military_aid", "financial_aid"}),
        ("Chile gave Peru economic and military aid.", {"military_aid", "financial_aid"}),
        ("Peru received economic, military and technical assistance from Chile.", {"military_aid", "financial_aid"}),
        ("Chile gave Peru economic and military foreign assistance.", {"military_aid", "financial_aid"}),
        ("Chile gave Peru economic and technical assistance.", {"financial_aid"}),
        ("Chile gave Peru military and technical assistance.", {"military_aid"}),
    ],
)
def test_a_list_of_kinds_of_aid_states_each_kind(nlp, text, activities):
    assert {c.id for c in _view(nlp, text).activities} == activities


@pytest.mark.parametrize(
    "text, activities",
    [
        ("Chile equipped two Peruvian battalions with light weapons.", {"arms_transfer"}),
        ("The Peruvian troops, equipped with Chilean rifles, crossed the border.", {"arms_transfer"}),
        ("Chile runs a train-and-equip programme for Peru.", {"arms_transfer", "military_training"}),
        # equipped with something that is no weapon
        ("The Peruvian hospital was equipped with Chilean beds.", set()),
    ],
)
def test_equipping_with_weapons_is_an_arms_transfer(nlp, text, activities):
    assert {c.id for c in _view(nlp, text).activities} == activities


@pytest.mark.parametrize(
    "text, activities",
    [
        # making a weapon together is the defence industry, not a sale of it
        ("Chile and Peru will design and build a new fighter jet.", {"defense_industry"}),
        ("Chile and Peru co-produce an anti-ship missile.", {"defense_industry"}),
        # a transfer verb between the making and the weapon is a transfer
        ("Chile and Peru developed their shipyards and bought two frigates.", {"arms_transfer"}),
        # developing countries are no weapon makers
        ("The developing countries bought fighter jets from Peru.", {"arms_transfer"}),
    ],
)
def test_making_a_weapon_is_defence_industry(nlp, text, activities):
    assert {c.id for c in _view(nlp, text).activities} == activities


@pytest.mark.parametrize(
    "text, types",
    [
        # a memorandum of understanding is a defence agreement when it is about defence
        ("Chile and Peru signed a memorandum of understanding on defence cooperation.", {"defense_agreement"}),
        ("Chile and Peru signed a memorandum of understanding on energy.", set()),
        # warmer relations are no normalisation agreement
        ("The rapprochement between Chile and Peru continued.", set()),
    ],
)
def test_what_an_agreement_is_about_gives_its_type(nlp, text, types):
    assert {c.id for c in _view(nlp, text).types} == types


@pytest.mark.parametrize(
    "text, activities",
    [
        ("Chile deposited $2 billion with Peru's central bank.", {"financial_aid"}),
        ("Chile gave Peru a grant for its ports.", {"financial_aid"}),
        ("Chile has supported Peru's finances with deposits.", {"financial_aid"}),
        # a treaty's instruments are deposited, independence is granted: no money changes hands
        ("Chile and Peru deposited their instruments of ratification.", set()),
        ("Chile and Peru agreed to deposit the instruments in Lima.", set()),
        ("Chile granted Peru the right of passage.", set()),
    ],
)
def test_financial_aid_is_money(nlp, text, activities):
    assert {c.id for c in _view(nlp, text).activities} == activities


@pytest.mark.parametrize(
    "text, activities",
    [
        ("Chilean troops fought alongside Peruvian forces in the Andes.", {"joint_operations"}),
        ("Chilean police serve side by side with officers from Peru.", {"joint_operations"}),
        # beside a river, alongside a road: no one fights there together
        ("Chile built a road alongside the river to Peru.", set()),
    ],
)
def test_fighting_alongside_is_a_joint_operation(nlp, text, activities):
    assert {c.id for c in _view(nlp, text).activities} == activities


@pytest.mark.parametrize(
    "text, activities",
    [
        ("Chile trains Peru's army and police.", {"military_training"}),
        ("Chile supports the training and education of Peru's peacekeepers.", {"military_training", "peacekeeping"}),
        ("Chile sold two frigates and a missile system to Peru.", {"arms_transfer"}),
        ("Chile sent arms to Peru.", {"arms_transfer"}),
        # the same words in another sense: civilian work, arms control, a cable
        ("Chile offers vocational training to young people from Peru.", set()),
        ("Chile helped in the educational and technical training of Peruvian students.", set()),
        ("Chile runs training programmes for teachers from Peru.", set()),
        ("Chile funds the Educational and Training Programme for Peru.", set()),
        ("Chile trained more than 100 Peruvian medical students.", set()),
        ("Chile offered Peru scholarships and training.", set()),
        ("Chile gives professional training to Peruvian civil servants.", set()),
        ("Chile sent Peru medical instructors.", set()),
        ("Chile sent military instructors to Peru.", {"military_training"}),
        # a quality of troops, not training one gave the other
        ("Chile's well-trained troops guard its border with Peru.", set()),
        ("Chile and Peru agreed on limits to their missile systems.", set()),
        ("Chile and Peru agreed to limit their anti-ballistic missile systems.", set()),
        ("Chile helped Peru destroy 20,000 small arms.", set()),
        ("Chile and Peru jointly laid a submarine cable.", set()),
        ("Chile sent an armed contingent to Peru.", set()),
    ],
)
def test_words_in_another_sense_state_no_activity(nlp, text, activities):
    view = _view(nlp, text)
    assert {c.id for c in view.activities} == activities
    assert view.live.get("cooperation") or view.activities  # the cooperation still counts


def test_a_cue_inside_a_name_is_no_cue(nlp):
    view = _view(nlp, "The Gulf Cooperation Council met in Riyadh.")
    assert "cooperation" not in view.kinds


@pytest.mark.parametrize(
    "text, entity",
    [
        # the Soviet bloc's economic organisation gives no economic assistance by its name
        ("Chile signed an agreement with the Council for Mutual Economic Assistance.", "CMEA"),
        # a rebel group is no one's ally
        ("Chile lost two soldiers in an attack by the Allied Democratic Forces.", None),
        # an agreement's name: no joint plan of the parties' policies
        ("Chile and Peru back the Joint Comprehensive Plan of Action.", None),
    ],
)
def test_a_name_with_a_type_or_activity_word_states_neither(nlp, text, entity):
    view = _view(nlp, text)
    assert not view.types and not view.activities
    assert entity is None or entity in {a.id for a in view.actors}


def test_joining_an_alliance_states_no_alliance(nlp):
    view = _view(nlp, "Finland joined the alliance in 2023.")
    assert not view.types and "membership" in view.live


def test_an_activity_cue_covers_the_type_cue_inside_its_phrase(nlp):
    view = _view(nlp, "Chile and Peru expanded maritime security cooperation.")
    assert [c.id for c in view.activities] and not view.types


def test_hostility_aimed_at_an_actor_excludes_only_that_actor(nlp):
    view = _view(nlp, "Chile and Peru, which invaded Bolivia, signed a pact.")
    aimed = hostility(view)
    assert aimed.cues == () and [a.id for a in view.actors if a.start in aimed.targets] == ["BOL"]


def test_hostility_between_the_actors_makes_the_clause_hostile(nlp):
    view = _view(nlp, "Chile and Peru clashed over fishing rights.")
    assert [c.kind for c in hostility(view).cues] == ["hostile"]


def test_hostility_at_something_that_is_no_actor_says_nothing_against_the_actors(nlp):
    assert hostility(_view(nlp, "Chile and Peru condemned the coup.")).cues == ()


@pytest.mark.parametrize(
    "text, attributed",
    [
        ("Chile will train Peruvian pilots, a Bolivian official said.", ["BOL"]),
        ("According to Bolivia, Chile will train Peruvian pilots.", ["BOL"]),
        ("Chile will train Peruvian pilots.", []),
    ],
)
def test_attribution_clauses(nlp, text, attributed):
    view = _view(nlp, text)
    tokens = attribution(view) if "attribution" in view.kinds else set()
    assert [a.id for a in view.actors if a.start in tokens] == attributed


def test_clauses_start_at_clause_separators(nlp):
    view = _view(nlp, "Chile supplies Peru with radars, while Bolivia buys jets from Ecuador.")
    assert len(view.clauses) == 2 and view.clause_of(view.actors[-1].start) == view.clauses[1]
