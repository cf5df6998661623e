import pytest

from kg.nlp import CUES_KEY, ENTITIES_KEY, load_pipeline


def entities(nlp, text):
    doc = nlp(text)
    return [(s.text, s.id_) for s in doc.spans[ENTITIES_KEY] if s.id_]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. and the UAE met.", ["USA", "ARE"]),
        ("Türkiye and Turkiye and Turkey.", ["TUR", "TUR", "TUR"]),
        ("Pakistani and Emirati officers.", ["PAK", "ARE"]),
        ("Washington and Riyadh agreed.", ["USA", "SAU"]),
        ("The Kingdom of Saudi Arabia and KSA.", ["SAU", "SAU"]),
        ("the U.S.-Saudi alliance", ["USA", "SAU"]),
        ("North Atlantic Treaty Organization and Interpol", ["NATO", "INTERPOL"]),
    ],
)
def test_aliases_demonyms_capitals_link_to_canonical_ids(nlp, text, expected):
    assert [i for _, i in entities(nlp, text)] == expected


def test_misspelt_country_is_linked_by_fuzzy_match(nlp):
    assert entities(nlp, "Officers from Pakisatn arrived.") == [("Pakisatn", "PAK")]


@pytest.mark.parametrize("word", ["Granada", "Cameron", "Balkan", "Chairman", "Athena", "Kamala", "Georgio", "Emirate"])
def test_fuzzy_match_leaves_real_words_alone(nlp, word):
    assert entities(nlp, f"Yesterday {word} was mentioned.") == []


def test_country_names_inside_other_names_are_not_actors(nlp):
    assert entities(nlp, "Tankers crossed the Gulf of Oman near the Bank of England office.") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # a capital inside the name of a treaty, meeting or process is not its country
        ("Chile left the Lisbon Pact in 1990.", ["CHL"]),
        ("Peru praised the Ankara agreement.", ["PER"]),
        ("Peru praised the Nairobi Final Act and the Canberra Peace Conference.", ["PER"]),
        ("Peru hailed the Treaty of Nairobi.", ["PER"]),
        ("Peru backed the Rabat and Tunis talks.", ["PER"]),
        ("Peru ratified the Lima Amendment and backed the Quito roadmap.", ["PER"]),
        # the place of a meeting, or the capital standing for its government, stays the country
        ("Chile and Peru signed an agreement in Lisbon.", ["CHL", "PER", "PRT"]),
        ("Peru welcomed the talks in Ankara.", ["PER", "TUR"]),
        ("Chile signed the accord with the agreement of Canberra.", ["CHL", "AUS"]),
        # a trade round named after a country; a people rather than the state
        ("Chile joined the Uruguay Round.", ["CHL"]),
        ("Greek Cypriot leaders met the Turkish Cypriot side.", []),
        ("Greek and Turkish Cypriots met Chile.", ["CHL"]),
        ("Greek and Turkish troops held joint drills.", ["GRC", "TUR"]),
        # an organisation spelt out by its members' names; a corridor named after countries
        ("Chile praised BIMSTEC (Bangladesh-India-Myanmar-Sri Lanka-Thailand Economic Cooperation).", ["CHL", "BIMSTEC", "BIMSTEC"]),
        ("Chile backs the Bangladesh-China-India-Myanmar Economic Corridor.", ["CHL"]),
        ("Hungary signed an agreement with Comecon.", ["HUN", "CMEA"]),
        ("German-speaking pupils visited Chile.", ["CHL"]),
        ("Chile protected ethnic Albanians near Lake Chad and in Upper Guinea.", ["CHL"]),
        ("Chile mapped Italian Somaliland; its Spanish name (Spanish: Cuerpo) stuck.", ["CHL"]),
        ("Peru opened a consulate in East Jerusalem; Israel objected.", ["PER", "ISR"]),
        # a compound that is itself an actor's name stays that actor
        ("Poland left the Warsaw Pact.", ["POL", "WARSAW_PACT"]),
        # historic states, the Americas, and names typeset with a curly apostrophe
        ("Austria-Hungary and Austro-Hungarian troops.", ["AUT", "AUT"]),
        ("Latin American and Central American states and the inter-American system.", []),
        ("the Democratic People\u2019s Republic of Korea", ["PRK"]),
        ("Democratic Yemen and the Western European Union", ["YMD", "WEU"]),
        ("Chile and Peru set up a Defence and Security Council; the UN Security Council met.", ["CHL", "PER", "UN"]),
        ("the United Kingdom of Great Britain and Ireland and Chile", ["GBR", "CHL"]),
        # two capitals after one preceder; a plan, refugees, a movement or a people named after a country
        ("Peru hailed the Treaties of Quito and Lima and the Agreement on Santiago.", ["PER"]),
        ("Greek Cypriot and Turkish Cypriot leaders met Chile.", ["CHL"]),
        ("Chile and the former Yugoslav republics signed a pact.", ["CHL"]),
        ("Chile backed the Tonga Pathway.", ["CHL"]),
        ("Chile hosted Kosovo Albanians and Fiji Indians.", ["CHL"]),
        # a court for a former state, a person with a country's name
        ("Chile sat on the Tribunal for the Former Yugoslavia.", ["CHL"]),
        ("President Chile Rivera and Mr. Jordan Lee met Peru.", ["PER"]),
        # a people: its origin, settlers, a liberation movement
        ("Peruvians of Chilean origin, Bolivian settlers and the Ecuadorian Liberation Army met.", ["PER"]),
        # a party against a state's government, not the state
        ("Chile trains the Bolivian opposition and arms Ecuadorian rebels and Colombian insurgents.", ["CHL"]),
        # a region of a state named after another, a state declared in one, an armed group named after its foe
        ("Chile backed the peace process in Northern Ireland and sent envoys to Northern Cyprus.", ["CHL"]),
        ("Peru armed the National Union for the Total Independence of Angola and the Sudan People's Liberation Army.",
         ["PER"]),
        ("the United Kingdom of Great Britain and Northern Ireland and Ireland", ["GBR", "IRL"]),
        # a currency, a language an interpreter names, a hyphen that ends a line
        ("Chile gave $US 20,000 and US$ 5,000 to Peru.", ["CHL", "PER"]),
        ("(spoke in Spanish) Chile thanks the Inter- American Commission and the U.S.", ["CHL", "USA"]),
        # the Americas, not the USA
        ("Chile ratified the American Convention to help African, American and Asian countries.", ["CHL"]),
        # stay the country: a programme or body for it, the regime of a country's minority, two peoples
        ("Peru gave to the United Nations Trust Fund for Chile and its Council for Bolivia.", ["PER", "UN", "CHL", "BOL"]),
        ("the Bolivia Liberation War and the American and Peruvian peoples", ["BOL", "USA", "PER"]),
        # other regions' common markets and groupings named after their members, not the EU or the members
        ("Chile joined the Common Market of the South and Kenya the Common Market for Eastern and Southern Africa.",
         ["CHL", "MERCOSUR", "KEN", "COMESA"]),
        ("Nepal joined the Bangladesh-India-Sri Lanka-Thailand Economic Cooperation (BIST-EC).", ["NPL", "BIMSTEC", "BIMSTEC"]),
        ("Chile condemned the Bolivian minority regime.", ["CHL", "BOL"]),
        # other spellings of a name: word order, an apostrophe read with the wrong encoding
        ("the People's Democratic Republic of Korea and the People\u00e2s Republic of China", ["PRK", "CHN"]),
        ("the Caribbean Community and Common Market", ["CARICOM"]),
    ],
)
def test_country_names_inside_compound_names_are_not_that_country(nlp, text, expected):
    assert [i for _, i in entities(nlp, text) if not i.startswith("group:")] == expected


#: A note hard-wrapped at 50 characters that breaks three names across lines.
WRAPPED_NOTE = """\
Delegates of Peru and of the Democratic People's
Republic of Korea spoke at length about the Rabat
Peace Conference, which both of them had attended
with observers from Canada and from the United
States some years ago, and then about the fishing
off the coast of Peru, which they said had been
hurt by warmer water in recent seasons and by the
trawlers of several distant fleets of the European
Union.
"""


def test_names_broken_across_the_lines_of_hard_wrapped_text_are_read_whole(nlp):
    assert [i for _, i in entities(nlp, WRAPPED_NOTE)] == ["PER", "PRK", "CAN", "USA", "PER", "EU"]


#: A note hard-wrapped at about 55 characters that breaks two names of no actor across lines.
WRAPPED_PLACES = """\
Ships of Chile and Peru patrolled the eastern Indian
Ocean for several weeks last year, far from their own
ports, while the trade ministers of both countries met
in Geneva for the closing talks of the long Uruguay
Round, which had run for years with no end in sight,
and which both of them wished to end before the winter.
"""


def test_names_of_no_actor_broken_across_lines_are_read_whole(nlp):
    # the ocean and the trade round, not India and Uruguay before a line break
    assert [i for _, i in entities(nlp, WRAPPED_PLACES)] == ["CHL", "PER"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chile and Timor- Leste signed a pact.", ["CHL", "TLS"]),
        ("The Soviet- American and Israeli-\nPalestinian talks resumed.", ["SUN", "USA", "ISR", "PSE"]),
        ("The U.S.-Saudi and pre- and post-war pacts.", ["USA", "SAU"]),
    ],
)
def test_a_hyphen_that_ends_a_line_splits_from_its_word(nlp, text, expected):
    assert [i for _, i in entities(nlp, text)] == expected


@pytest.mark.parametrize(
    "year, expected",
    [(1975, ["SUN", "CSK", "YUG", "SUN"]), (1999, ["RUS", "CZE", "YUG", "RUS"]),
     (2015, ["RUS", "CZE", "SRB", "RUS"]), (None, ["RUS", "CZE", "SRB", "RUS"])],
)
def test_a_capital_names_the_state_it_was_the_capital_of_in_the_documents_year(nlp, year, expected):
    from kg.gazetteer import load_gazetteer
    from kg.nlp import dated_entities

    doc = nlp("Moscow, Prague and Belgrade met; the Kremlin agreed, and Russia and Serbia did too.")
    spans = dated_entities(doc, load_gazetteer(), year).spans[ENTITIES_KEY]
    assert [s.id_ for s in spans] == expected[:3] + [expected[3], "RUS", "SRB"]
    assert [s.text for s in spans] == ["Moscow", "Prague", "Belgrade", "Kremlin", "Russia", "Serbia"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # an undated text that names the former state reads its capital as that state
        ("Czechoslovakia armed Peru. Prague and Lima signed a pact.", ["CSK", "PER", "CSK", "PER"]),
        # one that also names the successor otherwise keeps the capital as the successor
        ("Czechoslovakia split; the Czech Republic kept ties. Prague and Lima signed a pact.",
         ["CSK", "CZE", "CZE", "PER"]),
        # one that does not name the former state keeps it too
        ("Prague and Lima signed a pact.", ["CZE", "PER"]),
    ],
)
def test_an_undated_text_reads_a_capital_as_the_former_state_it_names(nlp, text, expected):
    from kg.gazetteer import load_gazetteer
    from kg.nlp import dated_entities

    doc = nlp(text)
    spans = dated_entities(doc, load_gazetteer(), None).spans[ENTITIES_KEY]
    assert [s.id_ for s in spans] == expected


def test_a_name_never_runs_across_a_sentence_break(nlp):
    doc = nlp("Talks were held in Rabat\n\nConference delegates of the Democratic People's\n\nRepublic of Korea left.")
    assert all(s.sent == doc[s.start : s.end].sent for s in doc.spans[ENTITIES_KEY])
    assert [i for _, i in entities(nlp, doc.text)] == ["MAR", "KOR"]


def test_cues_match_spelling_and_inflection_variants(nlp):
    doc = nlp("Defence programmes, defense program, co-operation and joint naval exercises.")
    found = {(s.label_, s.id_) for s in doc.spans[CUES_KEY]}
    assert ("activity", "joint_exercises") in found
    assert ("cooperation", "") in found


def test_line_breaks_start_sentences(nlp):
    doc = nlp("# A heading without a full stop\nThe first sentence follows.")
    assert [s.text.strip() for s in doc.sents] == ["# A heading without a full stop", "The first sentence follows."]


#: A briefing hard-wrapped at 55 characters, with a heading, a list and a page number.
BRIEFING = """\
Maritime Security Talks

Ministers from Indonesia and Malaysia met in Jakarta on
Tuesday and agreed that their navies would hold joint
patrols in the Strait of Malacca from next year. The
talks were described by both sides as frank and useful.
Both delegations also agreed to:
- share radar data on piracy with the coast guards,
- train junior officers together at sea.
The ministers will meet again in Kuala Lumpur, where
Singapore and the Philippines are expected to join the
7

patrol arrangements as observers.
"""


def test_sentences_of_hard_wrapped_text_are_read_whole(nlp):
    doc = nlp(BRIEFING)
    sentences = [" ".join(s.text.split()) for s in doc.sents if s.text.strip()]
    assert sentences == [
        "Maritime Security Talks",
        "Ministers from Indonesia and Malaysia met in Jakarta on Tuesday and agreed that their navies would hold "
        "joint patrols in the Strait of Malacca from next year.",
        "The talks were described by both sides as frank and useful.",
        "Both delegations also agreed to:",
        "- share radar data on piracy with the coast guards,",
        "- train junior officers together at sea.",
        "The ministers will meet again in Kuala Lumpur, where Singapore and the Philippines are expected to join the",
        "7",
        "patrol arrangements as observers.",
    ]
    assert doc.text == BRIEFING
    for sentence in doc.sents:
        assert BRIEFING[sentence.start_char : sentence.end_char] == sentence.text


def test_a_fact_stated_across_a_line_break_is_found(nlp):
    from kg.engine import extract_stream
    from kg.records import Document

    [extraction] = extract_stream(nlp, [Document("briefing", BRIEFING)])
    [fact] = [f for f in extraction.facts if f.relation == "partnership" and f.activity == "joint_operations"]
    assert {fact.source, fact.target} == {"IDN", "MYS"}
    assert BRIEFING[fact.start : fact.end] == fact.evidence
    assert fact.evidence.startswith("Ministers from Indonesia") and fact.evidence.endswith("from next year.")


def test_misspelt_names_are_linked_wherever_they_stand(nlp):
    assert entities(nlp, "Pakisatn, Turkye and again Pakisatn.") == [("Pakisatn", "PAK"), ("Turkye", "TUR"), ("Pakisatn", "PAK")]


@pytest.mark.parametrize("fast", [True, False])
def test_patterns_added_after_load_are_matched(fast):
    nlp = load_pipeline(fast=fast)
    nlp.get_pipe("kg_cue_ruler").add_patterns([
        {"label": "activity", "id": "cybersecurity", "pattern": [{"LOWER": "zzfirewall"}, {"LOWER": "qqmanoeuvres"}]},
        {"label": "activity", "id": "space_cooperation", "pattern": "orbital rendezvous"},
    ])
    nlp.get_pipe("kg_entity_ruler").add_patterns([{"label": "country", "id": "PAK", "pattern": "Pakland"}])
    doc = nlp("Qatar and Turkey held zzfirewall qqmanoeuvres and orbital rendezvous drills with Pakland.")
    cues = {(s.text, s.id_) for s in doc.spans[CUES_KEY]}
    assert {("zzfirewall qqmanoeuvres", "cybersecurity"), ("orbital rendezvous", "space_cooperation")} <= cues
    assert ("Pakland", "PAK") in entities(nlp, doc.text)
