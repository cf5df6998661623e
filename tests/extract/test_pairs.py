"""kg.extract.pairs: which pairs a sentence states and by which shape; why it refuses the others."""
from __future__ import annotations

from itertools import combinations

import pytest

from kg.extract import Candidate, read_sentences


def _reading(nlp, text):
    return read_sentences(nlp(text))[0]


def _pairs(nlp, text):
    return {(*sorted(p[:2]), p[2]) for p in _reading(nlp, text).pairs}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A naval accord between Chile and Peru took effect.", {("CHL", "PER", "between")}),
        ("The Chile-Peru alliance has held for decades.", {("CHL", "PER", "compound")}),
        ("Chile and Peru held joint naval drills.", {("CHL", "PER", "coordination")}),
        ("Chile signed a defence deal with Peru.", {("CHL", "PER", "link")}),
        ("Chile is a close ally of Peru.", {("CHL", "PER", "link")}),
        ("Chile supplied Peru with radars.", {("CHL", "PER", "object")}),
        ("Chile deployed peacekeepers in Haiti.", {("CHL", "HTI", "host")}),
        # the places of the activity are hosts of its actor, not of each other
        ("Chile deployed peacekeepers: in Haiti in 2004, in Mali in 2013.", {("CHL", "HTI", "host"), ("CHL", "MLI", "host")}),
        ("Chile has deployed peacekeepers; in Haiti in 2004, in Mali in 2013.", set()),
        # a list of the places its troops serve in: places of the activity, not its partners
        ("Chilean peacekeepers serve in Haiti, Mali and Lebanon.", set()),
        ("Chile deployed peacekeepers in Haiti, in Mali and in Lebanon.", set()),
        # an organisation's missions are for each of the places
        ("The United Nations has peacekeeping missions in Haiti, Mali and Lebanon.",
         {("HTI", "UN", "host"), ("MLI", "UN", "host"), ("LBN", "UN", "host")}),
        # bodies are no places: "participation in the UN" is no list of places
        ("Chile takes part in peacekeeping in the United Nations, the European Union and NATO.",
         {("CHL", "UN", "host"), ("CHL", "EU", "host"), ("CHL", "NATO", "host")}),
        # "Y's ally": the possessor is the partner
        ("Chile is Peru's closest ally.", {("CHL", "PER", "link")}),
        # "X's agreement with Y": the possessor, not the subject, is Y's partner
        ("Bolivia praised Chile's agreement with Peru.", {("CHL", "PER", "link")}),
        # aid "for" a country links; only an office noun makes "for" a mediator's
        ("The African Union provided its aid for Peru.", {("AU", "PER", "link")}),
        # a possessor of other nouns than neighbours stays a partner
        ("Bolivia signed a pact with Chile's army.", {("BOL", "CHL", "link")}),
    ],
)
def test_pairs_by_shape(nlp, text, expected):
    assert _pairs(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a composition word lists the makeup of one body, also with no cooperation cue
        ("The Andean Force is a brigade comprising troops, mostly naval, from Chile, Peru and Bolivia.",
         {("BOL", "CHL"), ("BOL", "PER"), ("CHL", "PER")}),
        ("The task group was composed out of warships from Chile and Peru.", {("CHL", "PER")}),
        ("It consists of Chile, the Andean countries (Peru, Ecuador), and Bolivia.",
         {(a, b) for a in ("BOL", "CHL", "ECU", "PER") for b in ("BOL", "CHL", "ECU", "PER") if a < b}),
        # a founding verb lists the founders with "by", a date between
        ("The Pacific League was formed in 1931 and 1932 by Chile and Peru.", {("CHL", "PER")}),
        # a body noun in a name lists its makeup too
        ("The Pacific Entente of Chile, Peru and Bolivia lasted a decade.",
         {("BOL", "CHL"), ("BOL", "PER"), ("CHL", "PER")}),
        # a body noun in a name lists states, not the organisations of another name
        ("We thank the Food and Agriculture Organization of the United Nations, the World Bank and the "
         "International Monetary Fund.", set()),
        # officials who sign for their states: their titles and names join the lists of one makeup
        ("The charter was signed by the Chilean foreign minister Pedro Gomez Ruiz de Castro and the Peruvian "
         "president Ana Ruiz.", {("CHL", "PER")}),
        ("The treaty was signed by Chilean President Ana Ruiz and Peruvian Premier Luis Gomez in 2001.",
         {("CHL", "PER")}),
        # a preposition after the makeup starts another phrase
        ("Letters came from the league made up of Chile and Peru, from Ecuador and from Bolivia.",
         {("CHL", "PER")}),
        # a founding verb without "by" names no makeup
        ("The league was formed in 1931 and Chile and Peru are neighbours.", set()),
        # the list must follow the composition word
        ("Chile and Peru are neighbours, and the league comprises three villages.", set()),
    ],
)
def test_a_composition_list_links_its_members(nlp, text, expected):
    pairs = _pairs(nlp, text)
    assert {p[:2] for p in pairs} == expected
    assert all(shape == "composition" for *_, shape in pairs)


def test_a_composition_list_pairs_members_of_a_named_body(nlp):
    reading = _reading(nlp, "NATO is an alliance comprising Norway, Denmark and Iceland.")
    assert {tuple(sorted(p[:2])) for p in reading.pairs} == {("DNK", "ISL"), ("DNK", "NOR"), ("ISL", "NOR")}
    assert set(reading.memberships) == {("NOR", "NATO"), ("DNK", "NATO"), ("ISL", "NATO")}


@pytest.mark.parametrize(
    "text, organisation, members",
    [
        ("We thank the Association of Southeast Asian Nations, comprising Indonesia, Malaysia and Thailand, for "
         "its support.", "ASEAN", {"IDN", "MYS", "THA"}),
        ("As current Chair of the East African Community, comprising Kenya, Uganda and Tanzania, Kenya will "
         "never let its territory be used against its neighbours.", "EAC", {"KEN", "UGA", "TZA"}),
        # a bracketed short name, "which" and a form of "be" stand between the name and the word
        ("The Economic Community of West African States (ECOWAS), which comprises Ghana, Togo and Benin, met "
         "in Lome.", "ECOWAS", {"GHA", "TGO", "BEN"}),
    ],
)
def test_a_composition_word_after_an_organisation_names_its_members(nlp, text, organisation, members):
    # the members of a named organisation only both belong to it: members, not partners
    reading = _reading(nlp, text)
    assert [p for p in reading.pairs if {p[0], p[1]} <= members] == []
    assert set(reading.memberships) == {(m, organisation) for m in members}


@pytest.mark.parametrize(
    "text, expected",
    [
        # the members a member noun names, acting together: partners
        ("NATO members Norway and Denmark signed a defence pact in 2001.", {("DNK", "NOR")}),
        ("Our fellow members Chile and Peru held joint naval exercises.", {("CHL", "PER")}),
        # only listed as members
        ("Norway and Denmark are NATO members.", set()),
        ("NATO members Norway and Denmark are also members of the Nordic Council.", set()),
    ],
)
def test_members_a_member_noun_names_are_partners_when_they_act(nlp, text, expected):
    reading = _reading(nlp, text)
    countries = {"NOR", "DNK", "CHL", "PER"}
    assert {tuple(sorted(p[:2])) for p in reading.pairs if {p[0], p[1]} <= countries} == expected


@pytest.mark.parametrize(
    "text, members",
    [
        # a force's units make it up
        ("The Multinational Joint Task Force, comprising units from Benin, Cameroon and Chad, fights Boko Haram.",
         ("BEN", "CMR", "TCD")),
        # the body opens its clause and acts: its members act together through it
        ("The Association of Southeast Asian Nations, comprising Indonesia, Malaysia and Thailand, endorsed and "
         "supported our candidate.", ("IDN", "MYS", "THA")),
        # "we established the Union, comprising A, B and C": founded together, not only members
        ("In 1975 we established the Economic Community of West African States, comprising Ghana, Togo and Benin, "
         "to pool our efforts.", ("BEN", "GHA", "TGO")),
        ("The Gulf Cooperation Council was founded in 1981 by Saudi Arabia, Kuwait and Bahrain.", ("BHR", "KWT", "SAU")),
        # "at the United Nations": where the group meets, not the body the list makes up
        ("I speak on behalf of the Pacific group of countries at the United Nations, comprising Fiji, Samoa and "
         "Tonga.", ("FJI", "TON", "WSM")),
    ],
)
def test_a_composition_word_after_an_organisation_still_lists_a_makeup(nlp, text, members):
    reading = _reading(nlp, text)
    assert {tuple(sorted(p[:2])) for p in reading.pairs if p[2] == "composition"} == set(combinations(sorted(members), 2))


def test_a_form_of_be_may_stand_between_the_organisation_and_the_composition_word(nlp):
    reading = _reading(nlp, "The Southern African Development Community is composed of Angola, Botswana and Zambia.")
    assert [p for p in reading.pairs if p[2] == "composition"] == []


@pytest.mark.parametrize(
    "text",
    ["NATO is a regional alliance of Norway, Denmark and Iceland.",
     "NATO is a security alliance between Norway, Denmark and Iceland."],
)
def test_a_body_noun_lists_its_makeup(nlp, text):
    # "an alliance of A, B and C": the members of a named alliance are partners, not only members
    reading = _reading(nlp, text)
    assert {(*sorted(p[:2]), p[2]) for p in reading.pairs} == {
        ("DNK", "ISL", "composition"), ("DNK", "NOR", "composition"), ("ISL", "NOR", "composition")}
    assert set(reading.memberships) == {("NOR", "NATO"), ("DNK", "NATO"), ("ISL", "NATO")}


@pytest.mark.parametrize(
    "text, body",
    [
        ("It is a combined organization of Chile, Peru and Bolivia.", ("CHL", "PER", "BOL")),
        ("The Andes Entente is a defence pact of Chile, Peru and Bolivia.", ("CHL", "PER", "BOL")),
        # several bodies, one each
        ("They faced the rival blocs of Chile, Peru and Bolivia.", ()),
        # a capitalised noun is a name's ("the Group of Seven"), a group's members are no makeup
        ("The Union of Chile, Peru and Bolivia Workers met in Lima.", ()),
        ("The group of Chile, Peru and Bolivia met in Lima.", ()),
    ],
)
def test_a_body_noun_makes_a_body_only_singular_and_common(nlp, text, body):
    assert _reading(nlp, text).body == body


@pytest.mark.parametrize(
    "text, types",
    [
        # a body of three or more members is a multilateral framework of each pair of them
        ("The Andean Force is composed of troops from Chile, Peru and Bolivia.", ("multilateral_framework",)),
        ("The charter was signed in 1961 by Chile, Peru and Bolivia.", ("multilateral_framework",)),
        # a type the sentence states for the pair is kept
        ("It is a defence alliance comprising Chile, Peru and Bolivia.", ("alliance",)),
    ],
)
def test_the_members_of_a_composed_body_share_its_type(nlp, text, types):
    reading = _reading(nlp, text)
    assert len(reading.pairs) == 3
    assert {reading.given_for(a, b)[0] for a, b, _ in reading.pairs} == {types}


@pytest.mark.parametrize(
    "text, expected",
    [
        # a list that takes part in a force or an operation is its makeup
        ("Chile, Peru and Bolivia take part in the Andean battlegroup.",
         {("BOL", "CHL"), ("BOL", "PER"), ("CHL", "PER")}),
        ("Troops from Chile and Peru serve in the border force.", {("CHL", "PER")}),
        ("Chile and Peru participated in two naval operations.", {("CHL", "PER")}),
        # the body before the relative clause that holds the list, the leader between
        ("The Andean brigade, led by Bolivia, in which Chile and Peru participate, was set up in 2001.",
         {("CHL", "PER")}),
        # a meeting, a war or a body named nowhere makes no makeup
        ("Chile and Peru took part in the conference.", set()),
        ("The war, in which Chile and Peru took part, ended in 1884.", set()),
        ("Chile and Peru participate.", set()),
        # the verb must follow the list
        ("The force in which Bolivia serves trains with Chile and Peru.", set()),
    ],
)
def test_a_list_taking_part_in_a_force_is_its_makeup(nlp, text, expected):
    reading = _reading(nlp, text)
    composed = {tuple(sorted(p[:2])) for p in reading.pairs if p[2] == "composition"}
    assert composed == expected


def test_a_force_s_makeup_shares_no_body_type(nlp):
    # taking part in a force or an operation makes it no framework of the members
    reading = _reading(nlp, "Chile, Peru and Bolivia take part in the Andean battlegroup.")
    assert len(reading.pairs) == 3
    assert {reading.given_for(a, b)[0] for a, b, _ in reading.pairs} == {()}


def test_two_members_make_no_multilateral_body(nlp):
    reading = _reading(nlp, "The task group was composed out of warships from Chile and Peru.")
    assert [reading.given_for(a, b)[0] for a, b, _ in reading.pairs] == [()]


def test_each_clause_pairs_with_its_own_subject(nlp):
    pairs = _pairs(nlp, "Chile supplies Peru with radars, while Bolivia buys jets from Ecuador.")
    assert {p[:2] for p in pairs} == {("CHL", "PER"), ("BOL", "ECU")}


@pytest.mark.parametrize(
    "text, expected",
    [
        # the actors of an opening adverbial phrase are not the subject: the actor right after its comma is
        ("After talks between Chile and Peru, Bolivia signed a defence pact with Ecuador.",
         {("CHL", "PER"), ("BOL", "ECU")}),
        ("Following the withdrawal of Chile and Peru, Bolivian troops remained in Haiti to train its police.",
         {("BOL", "HTI")}),
        ("With regard to Chilean demands, Peru signed a defence pact with Bolivia.", {("BOL", "PER")}),
        # no actor right after the comma: the phrase's actor stays the subject
        ("Since Chile's first mission, in 1990, it has sent 3,000 soldiers to serve with the United Nations.",
         {("CHL", "UN")}),
    ],
)
def test_an_opening_adverbial_phrase_holds_no_subject(nlp, text, expected):
    assert {p[:2] for p in _pairs(nlp, text)} == expected


def test_a_pair_takes_the_activities_of_its_own_clause(nlp):
    reading = _reading(nlp, "Chile sells jets to Peru, while Bolivia trains Ecuadorian pilots.")
    scoped = {pair: activities for pair, (_, activities) in reading.pair_scopes.items()}
    assert scoped[("CHL", "PER")] != scoped[("BOL", "ECU")]


@pytest.mark.parametrize(
    "text, owner, other",
    [
        # a compound right before the type names whose it is
        ("Ghana and Kenya praised the Chile-Peru alliance.", ("CHL", "PER"), ("GHA", "KEN")),
        # so does a list after "between"
        ("Ghana and Kenya welcomed a defence pact between Chile and Peru.", ("CHL", "PER"), ("GHA", "KEN")),
    ],
)
def test_a_type_named_for_a_list_of_actors_is_theirs_alone(nlp, text, owner, other):
    reading = _reading(nlp, text)
    assert reading.stated_for(*owner)[0] == ("alliance",)
    assert reading.stated_for(*other)[0] == ()


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Ghana, Kenya and their allies signed a pact.", ()),
        ("Ghana and Kenya signed a pact with other NATO allies.", ()),
        ("Ghana and Kenya signed a pact, as did some Nigerian allies.", ()),
        # a singular names one partner; a plural followed by names names them
        ("Ghana and Kenya are close allies.", ("alliance",)),
    ],
)
def test_a_type_of_unnamed_partners_is_no_pair_s(nlp, text, kept):
    assert _reading(nlp, text).stated_for("GHA", "KEN")[0] == kept


def test_a_type_stated_also_outside_a_compound_stays_with_every_pair(nlp):
    reading = _reading(nlp, "Ghana and Kenya formed an alliance, modelled on the Chile-Peru alliance.")
    assert reading.stated_for("GHA", "KEN")[0] == ("alliance",)


def test_a_pair_in_its_own_clause_keeps_only_that_clause(nlp):
    reading = _reading(nlp, "Chile and Peru held naval drills, while Bolivia sold rifles to Ecuador.")
    assert reading.stated_for("PER", "CHL")[1] == ("joint_exercises",)
    assert reading.stated_for("ECU", "BOL")[1] == ("arms_transfer",)


@pytest.mark.parametrize(
    "text, pair, reasons",
    [
        ("Chile sent aid to Peru and Bolivia.", ("PER", "BOL"), ("co_recipients",)),
        # examples of the countries a link preposition governs
        ("Chile opened diplomatic relations with several countries such as Peru and Bolivia.", ("PER", "BOL"),
         ("co_recipients",)),
        ("Chile and, separately, Peru signed deals with Bolivia.", ("CHL", "PER"), ("distributive",)),
        ("Chile and Peru clashed over fishing rights.", ("CHL", "PER"), ("hostile", "hostile_clause")),
        ("Chile and Peru did not sign the accord.", ("CHL", "PER"), ("negated",)),
        ("Bolivia urged Chile and Peru to cooperate.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile and Peru are neighbours.", ("CHL", "PER"), ("no_cooperation_cue",)),
        ("The Chile-Peru border was quiet after the accord.", ("CHL", "PER"), ("non_partner_compound",)),
        ("The Chile-Peru question was raised again after the accord.", ("CHL", "PER"), ("non_partner_compound",)),
        ("After the accord the gap between Chile and Peru on fishing rights remained.", ("CHL", "PER"), ("non_partner_between",)),
        ("Trade along the border between Chile and Peru grew.", ("CHL", "PER"), ("non_partner_between",)),
        ("Chile welcomed the accord between Peru and Bolivia.", ("CHL", "PER"), ("pair_of_others",)),
        # the first of a between list set apart: its partner is each of the others, not they of each other
        ("Talks deepened cooperation between Chile and Peru, Bolivia and Ecuador.", ("PER", "BOL"), ("no_link",)),
        # each the partner of another (the speaker): the first list is no subject
        ("Our defence pact with Chile has held, and our pact with Peru too.", ("CHL", "PER"), ("co_partners",)),
        ("We opened relations with Chile and signed a trade accord with Peru.", ("CHL", "PER"), ("co_partners",)),
        ("Chile signed a trade accord while Peru watched.", ("CHL", "PER"), ("no_link",)),
        ("Chile and Peru signed a pact to counter Bolivia.", ("CHL", "BOL"), ("adversary",)),
        ("Chile and Peru signed a pact as a counterweight to Bolivia.", ("CHL", "BOL"), ("adversary",)),
        ("Chile and Peru signed a pact to guard against possible Bolivian aggression.", ("CHL", "BOL"), ("adversary",)),
        ("Chile and Peru signed a pact after Peru won independence from Spain.", ("PER", "ESP"), ("adversary",)),
        # left out of what the others did
        ("The pact was signed by Chile and Peru without Bolivia.", ("CHL", "BOL"), ("adversary",)),
        # the attacker a pledge of help answers
        ("Chile and Peru pledged mutual aid in case of an attack by Bolivia.", ("CHL", "BOL"), ("adversary",)),
        ("Chile tried to sign an accord with Peru.", ("CHL", "PER"), ("hoped_for",)),
        ("We look forward to the conclusion of an accord between Chile and Peru.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile feared the prospect of an alliance with Peru.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile seeks closer defence ties with Peru.", ("CHL", "PER"), ("hoped_for",)),
        # planned, offered or wished for: not yet done
        ("Chile and Peru plan to hold joint naval drills next year.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile intends to sign a defence pact with Peru.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile stands ready to train the army of Peru.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile is willing to share intelligence with Peru.", ("CHL", "PER"), ("hoped_for",)),
        # resolved on, not yet done
        ("Chile is determined to work with Peru on border security.", ("CHL", "PER"), ("hoped_for",)),
        ("Chile stressed its determination to train the army of Peru.", ("CHL", "PER"), ("hoped_for",)),
        ("We appeal for the normalization of relations between Chile and Bolivia.", ("CHL", "BOL"), ("hoped_for",)),
        # ended: "suspended" is a negation cue
        ("Trade between Chile and Peru has been suspended.", ("CHL", "PER"), ("negated",)),
        ("Chile and Peru saw the breakdown of their accord.", ("CHL", "PER"), ("hostile", "hostile_clause")),
        ("Chile joined NATO in 2010.", ("CHL", "NATO"), ("no_cooperation_cue", "membership_body")),
        ("Chilean peacekeepers serve in Haiti, Mali and Lebanon.", ("CHL", "MLI"), ("place_list",)),
        # an offer governs its whole verb phrase, past the reach of a negation
        ("Chile stands ready to raise its share in the stabilization force in Haiti.", ("CHL", "HTI"), ("hoped_for", "place")),
        # support for a body, or for what an actor owns, is a stance, not an act between them
        ("Chile supports the United Nations.", ("CHL", "UN"), ("stance",)),
        ("Chile welcomed the United Nations peacekeeping mission.", ("CHL", "UN"), ("stance",)),
        ("Chile supports Peru's bid for a seat.", ("CHL", "PER"), ("stance",)),
        # thanked, or named as givers to the speaker: each gives to the speaker, not with the others
        ("We thank Chile, Peru and Bolivia for their military aid.", ("CHL", "PER"), ("co_donors",)),
        ("We welcome the support provided by Chile and Peru in patrolling our borders.", ("CHL", "PER"), ("co_donors",)),
        ("We are grateful for the assistance given to my country by Chile and Peru.", ("CHL", "PER"), ("co_donors",)),
        ("We welcome the support extended to us by Chile and Peru.", ("CHL", "PER"), ("co_donors",)),
        ("We appreciate the contributions of our Chilean and Peruvian friends in training our army.", ("CHL", "PER"), ("co_donors",)),
        # a stance toward the work done in a place: no act between the subject and the place
        ("Chile welcomes the peacekeeping work of the United Nations Mission in Haiti.", ("CHL", "HTI"), ("stance",)),
        ("Chile strongly supports the peacekeeping operation in Haiti.", ("CHL", "HTI"), ("stance",)),
        ("Chile\nstrongly supports the peacekeeping operation in Haiti.", ("CHL", "HTI"), ("stance",)),
        # a stance noun: commitment to a body, or to what an actor owns
        ("Chile reaffirmed its firm commitment to United Nations peacekeeping.", ("CHL", "UN"), ("stance",)),
        ("Chile's attachment to the African Union's peacekeeping role is old.", ("AU", "CHL"), ("stance",)),
        # an envoy for a country is a mediator's office there, right before "for" or before its holders
        ("The African Union sent its special envoy for Peru to help the talks.", ("AU", "PER"), ("office",)),
        ("Chile welcomed the appointment of the Joint Special Envoy of the United Nations and the African Union for Peru.",
         ("CHL", "PER"), ("office",)),
        # the country whose neighbours are named is where they are
        ("Chile helped Peru's neighbours, Bolivia and Ecuador.", ("CHL", "PER"), ("neighbours_of",)),
    ],
)
def test_candidates_keep_why_a_pair_is_refused(nlp, text, pair, reasons):
    candidates = {frozenset((c.a, c.b)): c for c in _reading(nlp, text).candidates}
    assert candidates[frozenset(pair)].shape == ""
    assert candidates[frozenset(pair)].reasons == reasons


@pytest.mark.parametrize(
    "text",
    [
        "Together with Chile, Peru signed a defence pact with Bolivia.",
        "In cooperation with Chile, Peru signed a defence pact with Bolivia.",
    ],
)
def test_a_co_actor_after_with_still_pairs_with_a_later_partner(nlp, text):
    assert ("BOL", "CHL", "link") in _pairs(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Ecuador, together with Chile and Peru, tabled the draft resolution on landmines.",
        "Ecuador, along with Chile and Peru, sent engineers to clear the minefields.",
        # the co-actors' phrase opens the sentence: the subject comes after its comma
        "Together with Chile and Peru, Ecuador cleared the border of mines.",
        # a long list of co-sponsors is no roll-call, nor are co-actors the guests of a host
        "Ecuador, together with Chile, Peru, Bolivia and Uruguay, tabled the draft resolution.",
        "Ecuador, together with Chile and Peru, sent engineers to clear mines in Angola.",
    ],
)
def test_a_list_acting_as_one_with_the_subject_are_partners_of_each_other(nlp, text):
    pairs = _pairs(nlp, text)
    assert ("CHL", "PER", "coordination") in pairs
    assert {("CHL", "ECU", "link"), ("ECU", "PER", "link")} <= pairs


@pytest.mark.parametrize(
    "text",
    [
        "Ecuador signed trade accords with Chile and Peru.",
        "Ecuador ran the demining programme in cooperation with Chile and Peru.",
        "In cooperation with Chile and Peru, Ecuador ran the demining programme.",
    ],
)
def test_a_list_after_with_or_cooperation_with_is_the_subjects_partner_each(nlp, text):
    reading = _reading(nlp, text)
    assert {("CHL", "ECU", "link"), ("ECU", "PER", "link")} <= _pairs(nlp, text)
    assert {frozenset((c.a, c.b)): c.reasons for c in reading.candidates}[frozenset(("CHL", "PER"))] == ("co_recipients",)


def test_an_opening_co_actor_acts_with_the_subject_and_its_partner(nlp):
    pairs = _pairs(nlp, "Together with Chile, Peru signed a defence pact with Bolivia.")
    assert pairs == {("CHL", "PER", "link"), ("BOL", "PER", "link"), ("BOL", "CHL", "link")}


def test_a_shared_act_said_before_the_list_keeps_its_actors_partners(nlp):
    pairs = _pairs(nlp, "Together, Chile and Peru signed a pact with Bolivia.")
    assert {("CHL", "PER", "coordination"), ("BOL", "CHL", "link"), ("BOL", "PER", "link")} <= pairs


@pytest.mark.parametrize(
    "text",
    [
        "Chile and Peru signed defence agreements with Bolivia.",
        "The treaties concluded by Chile and Peru with Bolivia took effect.",
        "Chile and Peru each opened diplomatic relations with Bolivia in 1990.",
    ],
)
def test_a_list_acting_with_a_later_actor_pairs_each_with_it_not_with_each_other(nlp, text):
    pairs = _pairs(nlp, text)
    assert ("BOL", "CHL", "link") in pairs and ("BOL", "PER", "link") in pairs
    assert not any(p[:2] == ("CHL", "PER") for p in pairs)
    refused = {frozenset((c.a, c.b)): c.reasons for c in _reading(nlp, text).candidates}
    assert refused[frozenset(("CHL", "PER"))] == ("co_partners",)


@pytest.mark.parametrize(
    "text",
    [
        # an act the list shares with the later actor
        "Chile and Peru signed a trilateral defence pact with Bolivia.",
        "Chile and Peru held joint naval drills with Bolivia.",
        # a co-actor, or a helper, after "with"
        "Chile and Peru, together with Bolivia, signed a defence pact.",
        "Chile and Peru, with Bolivia, signed a defence pact.",
        "Chile and Peru, with Bolivia's support, signed a defence pact.",
        # the later actor too far into the clause to say whose partner each is
        "Chile and Peru signed a defence pact last year after many rounds of long and difficult talks with Bolivia.",
    ],
)
def test_a_list_still_pairs_within_when_it_shares_the_act_with_a_later_actor(nlp, text):
    assert any(p[:2] == ("CHL", "PER") for p in _pairs(nlp, text))


def test_a_treaty_between_one_and_two_others_pairs_the_first_with_each(nlp):
    pairs = _pairs(nlp, "We welcome the treaties between Chile and Peru and Bolivia.")
    assert pairs == {("CHL", "PER", "between"), ("BOL", "CHL", "between")}


def test_a_body_named_after_two_states_works_for_each_and_pairs_neither_with_the_other(nlp):
    text = "Chile sent officers to the United Nations Peru-Bolivia Military Observer Group."
    reading = _reading(nlp, text)
    pairs = _pairs(nlp, text)
    assert {("PER", "UN", "host"), ("BOL", "UN", "host")} <= pairs
    assert not any(p[:2] == ("BOL", "PER") for p in pairs)
    refused = {frozenset((c.a, c.b)): c.reasons for c in reading.candidates}
    assert refused[frozenset(("PER", "BOL"))] == ("non_partner_compound",)
    # the hyphenated pair alone still names the two states
    assert ("BOL", "PER", "compound") in _pairs(nlp, "The Peru-Bolivia defence pact took effect.")


def test_every_pair_of_distinct_actors_is_a_candidate(nlp):
    reading = _reading(nlp, "Chile signed a defence deal with Peru in Bolivia.")
    assert reading.candidates == [
        Candidate("CHL", "PER", "link"),
        Candidate("CHL", "BOL", "", ("place",)),
        Candidate("PER", "BOL", "", ("place",)),
    ]


def test_a_sentence_with_one_actor_has_no_candidates(nlp):
    assert _reading(nlp, "Chile and Chile's navy signed a deal.").candidates == []


def _roll_call(count: int) -> str:
    """A sentence listing ``count`` countries that held drills and signed a pact."""
    import pycountry

    names = [c.name for c in pycountry.countries if c.name.isalpha()][:count]
    return ", ".join(names[:-1]) + " and " + names[-1] + " held joint drills and signed a defence pact."


def test_a_roll_call_pairs_no_one_and_lists_no_candidates(nlp):
    reading = _reading(nlp, _roll_call(150))
    assert len(reading.participants) > 100
    assert reading.pairs == [] and reading.candidates == []


def test_a_list_within_the_pairwise_reach_still_pairs_everyone(nlp):
    reading = _reading(nlp, _roll_call(5))
    assert len(reading.pairs) == 10 and all(p[2] == "coordination" for p in reading.pairs)


def test_what_a_sentence_yields_grows_with_its_length_not_its_square(nlp):
    from kg.engine import extract_stream
    from kg.records import Document

    text = " ".join([_roll_call(150)] * 20)
    [extraction] = extract_stream(nlp, [Document("roll", text)])
    assert len(extraction.facts) <= 20 * 150  # at most a membership or two per actor, never 20 x 11,175 pairs


@pytest.mark.parametrize(
    "text, pair",
    [
        # support given to a state, or by a body to a state, is an act
        ("Chile has supported Peru with radars and training since the war began.", ("CHL", "PER")),
        ("The United Nations has supported Haiti through its peacebuilding fund.", ("HTI", "UN")),
        ("Chile supports the United Nations and Peru.", ("CHL", "PER")),
    ],
)
def test_support_for_a_state_is_no_mere_stance(nlp, text, pair):
    assert (*pair, "object") in _pairs(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "We thank Chile and Peru for their joint naval patrols.",  # a joint act
        "Chile, Peru and Bolivia trained our army.",  # the list is the subject
        "The support of Chile and Peru ended the war.",  # no first person
    ],
)
def test_givers_who_act_together_stay_partners(nlp, text):
    assert ("CHL", "PER", "coordination") in _pairs(nlp, text)


def test_work_done_in_a_place_links_its_doer_with_the_place(nlp):
    assert ("CHL", "HTI", "host") in _pairs(nlp, "Chile deployed peacekeepers to the mission in Haiti.")


def test_commitment_to_a_partnership_with_a_state_is_no_stance(nlp):
    assert ("CHL", "PER", "link") in _pairs(nlp, "Chile reaffirmed its commitment to the alliance with Peru.")


def test_a_clause_boundary_ends_the_reach_of_an_offer(nlp):
    text = "Chile stands ready to help; Peru has deployed a peacekeeping battalion to Haiti."
    assert ("HTI", "PER", "link") in _pairs(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # the first of a between list set apart by "and", then a list of its own
        ("Talks deepened cooperation between Chile and Peru, Bolivia and Ecuador.",
         {("CHL", "PER", "between"), ("BOL", "CHL", "between"), ("CHL", "ECU", "between")}),
        # one list: every pair
        ("The alliance between Chile, Peru, Bolivia and Ecuador held.",
         {("CHL", "PER", "between"), ("BOL", "CHL", "between"), ("CHL", "ECU", "between"),
          ("BOL", "PER", "between"), ("ECU", "PER", "between"), ("BOL", "ECU", "between")}),
    ],
)
def test_a_between_list_pairs_its_first_actor_with_each_when_set_apart(nlp, text, expected):
    assert _pairs(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a war aimed at no actor here leaves the clause's cooperation standing
        ("In the war against the rebels, Chilean troops fought alongside Peruvian forces.", {("CHL", "PER", "link")}),
        ("In the war against terrorism, Chile and Peru held joint naval drills.", {("CHL", "PER", "coordination")}),
        # hostility the pair stands against
        ("Chile and Peru ran joint patrols against ambushes by smugglers.", {("CHL", "PER", "coordination")}),
        ("Chile and Peru hold naval drills to deter any invasion.", {("CHL", "PER", "coordination")}),
    ],
)
def test_hostility_aimed_at_a_third_party_leaves_the_pair_standing(nlp, text, expected):
    assert _pairs(nlp, text) == expected


def test_hostility_in_the_clause_still_refuses_the_pair(nlp):
    candidates = _reading(nlp, "In May, rebel ambushes in Chile wounded Peruvian peacekeepers.").candidates
    assert [(c.shape, c.reasons) for c in candidates] == [("", ("hostile", "hostile_clause"))]


def test_hostility_aimed_at_an_actor_still_refuses_it(nlp):
    text = "Chile and Peru waged a war against Bolivia."
    candidates = {frozenset((c.a, c.b)): c for c in _reading(nlp, text).candidates}
    assert candidates[frozenset(("CHL", "BOL"))].shape == ""
    assert "adversary" in candidates[frozenset(("CHL", "BOL"))].reasons
