"""kg.extract.sentence: the Sentence view and the Doc's tokens as the rules read them."""
from __future__ import annotations

from kg.extract import SentenceReader, sentences
from kg.extract.sentence import Rules, Tokens
from kg.ontology import load_cues


def test_a_sentence_view_holds_its_actors_groups_and_cues_by_kind(nlp):
    first, second = sentences(nlp("Chile, Peru and Bolivia do not cooperate. Ecuador watched."))
    assert [[a.id for a in g] for g in first.groups] == [["CHL", "PER", "BOL"]]
    assert "negation" in first.kinds and "cooperation" in first.kinds
    assert "cooperation" not in first.live  # "do not cooperate"
    assert [a.id for a in second.actors] == ["ECU"] and second.span.start == first.span.stop


def test_the_word_before_skips_determiners_and_premodifiers(nlp):
    view = sentences(nlp("Chile sent aid to the war-torn Peru."))[0]
    peru = view.actors[-1]
    assert view.word_before(peru.start) == "to"


def test_the_word_at_a_token_reads_past_line_breaks_to_the_sentence_end(nlp):
    view = sentences(nlp("Chile, a NATO\npartner\nof Peru, sent aid."))[0]
    nato = [a for a in view.actors if a.id == "NATO"][0]
    assert view.word_at(nato.end) == "partner"
    assert view.word_at(nato.end, skip=1) == "of"
    assert view.word_at(view.span.stop) == ""


def test_a_phrase_of_several_words_ending_at_a_token(nlp):
    doc = nlp("Norway joined, followed by Denmark.")
    tokens = Tokens(doc)
    by = [t.i for t in doc if t.text == "by"][0]
    assert tokens.ends_with(by, 0, (("followed", "by"),))
    assert not tokens.ends_with(by, by, (("followed", "by"),))  # the phrase would start before the bound


def test_rules_combine_the_word_lists_once():
    cues = load_cues()
    rules = Rules.of(cues)
    assert cues.words.determiners <= rules.skip and cues.words.actor_premodifiers <= rules.skip
    assert rules.start_reference_phrases["the"] == (("the", "two"),) and "the two" not in rules.start_reference_words


def test_a_reader_reads_two_docs_interleaved(nlp):
    reader = SentenceReader()
    first, second = nlp("Chile and Peru held joint drills."), nlp("Bolivia signed a deal with Ecuador.")
    alone = [reader(first), reader(second)]
    assert [reader(first), reader(second), reader(first)] == [*alone, alone[0]]
