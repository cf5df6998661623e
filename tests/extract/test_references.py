"""kg.extract.references: whether a sentence points back to the pair or actor in focus."""
from __future__ import annotations

import pytest

from kg.extract import read_sentences, sentences
from kg.extract.references import references


@pytest.mark.parametrize(
    "text, refers_back, strong",
    [
        ("The two navies trained off Crete.", True, True),
        ("The alliance held for decades.", True, True),
        ("Their ships trained off Crete.", True, False),
        # "each other" mostly binds to its own clause's subject: weak
        ("We must all respect each other.", True, False),
        ("The peoples of the region must help one another.", True, False),
        ("These drills lasted a week.", True, False),
        # a phrase of several words opening the sentence
        ("The two held talks in Athens.", True, False),
        # "the Treaty on ..." names an instrument of its own
        ("The treaty on fisheries expired.", False, False),
        # ... also across the line break of hard-wrapped text
        ("The treaty\non fisheries expired.", False, False),
        ("Each state may invoke the exercise\nof the right of self-defence.", False, False),
        # an anticipatory "It is" points forward
        ("It is our hope that peace will come.", False, False),
        ("Rain fell on the harbour.", False, False),
    ],
)
def test_references_back_to_the_pair_in_focus(nlp, text, refers_back, strong):
    found = references(sentences(nlp(text))[0])
    assert (found.refers_back, found.strong) == (refers_back, strong)


def test_the_kingdom_names_an_actor_by_a_word_of_its_official_name(nlp):
    assert references(sentences(nlp("Egypt will train officers of the Kingdom."))[0]).actors == ("Kingdom",)


def test_a_reference_word_opening_a_longer_name_points_nowhere(nlp):
    assert references(sentences(nlp("The Republic of Chile will train officers."))[0]).actors == ()


def test_a_sentence_without_spans_still_refers_back(nlp):
    readings = read_sentences(nlp("Chile and Peru signed a pact. The two met again in May."))
    assert [r.refers_back for r in readings] == [False, True]
