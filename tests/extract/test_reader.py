"""Sentence readings, in our own sentences."""
import pytest

from kg.extract import SentenceReader, SentenceReading, mentions, read_sentences


def pairs(nlp, text):
    return {tuple(sorted(p[:2])) for r in read_sentences(nlp(text)) for p in r.pairs}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Talks on a naval pact between Chile and Peru advanced.", {("CHL", "PER")}),
        ("Norway and Denmark signed a maritime security accord.", {("DNK", "NOR")}),
        ("Kenya, Uganda and Rwanda held joint drills.", {("KEN", "RWA"), ("KEN", "UGA"), ("RWA", "UGA")}),
        ("Spain delivered patrol boats to Senegal.", {("ESP", "SEN")}),
        ("The Franco-German brigade trained together.", {("DEU", "FRA")}),
    ],
)
def test_explicit_sentence_shapes_link_pairs(nlp, text, expected):
    assert pairs(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ghana accused Togo of harbouring rebels despite their security agreement.",
        "Peru and Bolivia suspended their joint border patrols.",
        "Sweden deployed engineers in Mali and Niger.",
    ],
)
def test_hostile_contexts_and_places_give_no_pairs(nlp, text):
    assert pairs(nlp, text) == set()


def test_examples_are_not_participants(nlp):
    assert pairs(nlp, "Gulf monarchies such as Kuwait and Oman value strategic partnerships.") == set()


def test_adversary_is_not_a_partner(nlp):
    assert pairs(nlp, "Japan and Australia deepened defence ties to counter China.") == {("AUS", "JPN")}


def test_a_former_ruler_is_not_a_partner(nlp):
    text = "Ghana and Togo signed a defence pact two years after Togo gained independence from France."
    assert pairs(nlp, text) == {("GHA", "TGO")}


def test_activities_and_types_are_read_and_negation_drops_them(nlp):
    reading = read_sentences(nlp("Chile and Peru signed a defence agreement on intelligence sharing."))[0]
    assert reading.partnership_types == ("defense_agreement",)
    assert reading.activities == ("intelligence_sharing",)
    reading = read_sentences(nlp("Chile and Peru agreed on trade but not on intelligence sharing."))[0]
    assert "intelligence_sharing" not in reading.activities


@pytest.mark.parametrize(
    "text, expected",
    [
        # a summit, a visit, talks: the occasion yields to what the pair did there
        ("During a summit in Lima, Chile and Peru signed an arms deal.", ((), ("arms_transfer",))),
        ("On his visit, the Chilean minister agreed joint drills with Peru.", ((), ("joint_exercises",))),
        ("Chile and Peru discussed the border and signed a defence pact.", (("alliance",), ())),
        # alone, it is what the sentence says they did
        ("The Chilean president paid a state visit to Peru.", ((), ("policy_coordination",))),
        # talks under way are no coordination done (LABELS: talks are proposed until they agree)
        ("Chile and Peru held talks on the border.", ((), ())),
        # the occasion of a founding the sentence reports is only when it happened
        ("The accord was signed in 1990 during a visit by the president of Chile to Peru.", ((), ())),
        ("The force was created at a summit of Chile and Peru.", ((), ())),
        ("The brigade was formed in 1997 following a summit between Chile and Peru.", ((), ())),
        # with no founding in its clause, or not after a preposition, it stays what they did
        ("The pact was signed in 1990, while the presidents of Chile and Peru met at a summit in Lima.",
         ((), ("policy_coordination",))),
        ("The talks went well during the state visit of the Chilean president to Peru.", ((), ("policy_coordination",))),
        ("Chile and Peru signed nothing but discussed the border at a summit.", ((), ("policy_coordination",))),
        # an activity stated by other words too is no occasion
        ("At the summit, Chile and Peru issued a joint declaration on arms sales.",
         ((), ("arms_transfer", "policy_coordination"))),
    ],
)
def test_an_occasion_states_its_activity_only_when_nothing_else_is(nlp, text, expected):
    reading = read_sentences(nlp(text))[0]
    types, activities = reading.stated_for("CHL", "PER")
    assert (types, tuple(sorted(activities))) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Oslo, a NATO member, hosted the summit.", [("NOR", "NATO")]),
        ("Chad, Mali and Niger are members of the African Union.", [("TCD", "AU"), ("MLI", "AU"), ("NER", "AU")]),
        ("Finland joined NATO in 2023.", [("FIN", "NATO")]),
        ("Qatar was designated a major non-NATO ally.", []),
    ],
)
def test_memberships(nlp, text, expected):
    assert [m for r in read_sentences(nlp(text)) for m in r.memberships] == expected


def test_mentions_have_document_offsets(nlp):
    text = "Rain fell. Then Canberra called Jakarta."
    found = mentions(nlp(text), "d1")
    assert [(m.entity, text[m.start : m.end]) for m in found] == [("AUS", "Canberra"), ("IDN", "Jakarta")]
    assert all(m.doc_id == "d1" and m.type == "country" for m in found)


def test_paragraphs_are_numbered(nlp):
    readings = read_sentences(nlp("# Title\n\nFirst para. Still first.\n\nSecond para."))
    assert [r.paragraph for r in readings] == [0, 1, 1, 2]


def test_sentences_without_actors_or_cues_read_as_by_every_rule(nlp):
    text = (
        "The harbour was quiet that morning.\n\nThese boats went on for hours. Such weather is rare.\n"
        "Fishing boats returned late. Qatar and Turkey held joint drills. They did not sign anything."
    )
    doc = nlp(text)
    reader = SentenceReader()
    readings = reader(doc)
    views = reader.sentences(doc)
    for reading in readings:
        view = views[reading.index]
        every_rule = SentenceReading(reading.index, reading.start, reading.end, reading.text, reading.paragraph)
        reader.read(view, every_rule)  # no short cut for sentences without spans
        assert every_rule == reading
    assert [r.refers_back for r in readings[:4]] == [False, True, True, False]


def test_a_sentence_read_in_two_pieces_joins_what_each_piece_says(nlp):
    first, second = read_sentences(nlp("France and Germany signed a defence pact. Italy and Spain train troops."))
    whole = SentenceReading.joined([first, second], 0, second.end, "both")
    assert whole.participants == ("FRA", "DEU", "ITA", "ESP")
    assert [p[:2] for p in whole.pairs] == [("FRA", "DEU"), ("ITA", "ESP")]
    assert set(whole.partnership_types) == set(first.partnership_types) | set(second.partnership_types)
    assert whole.cooperative and (whole.start, whole.end, whole.text) == (0, second.end, "both")


def test_joining_readings_keeps_every_field_a_reading_has():
    """A field a join drops would give a labelled sentence other features in training than in a build."""
    from dataclasses import fields

    filled = SentenceReading(0, 0, 1, "x", 0)
    for f in fields(SentenceReading):
        default = getattr(filled, f.name)
        if f.name not in ("index", "start", "end", "text", "paragraph"):
            setattr(filled, f.name, {bool: True, tuple: ("x",), list: ["x"], dict: {"x": 1}}[type(default)])
    joined = SentenceReading.joined([SentenceReading(0, 0, 1, "x", 0), filled], 0, 1, "x")
    assert all(getattr(joined, f.name) == getattr(filled, f.name) for f in fields(SentenceReading))
