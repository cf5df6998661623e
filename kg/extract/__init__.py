"""Read an annotated ``Doc``: mentions, and what each sentence says about cooperation.

Doc in, small named records out (textacy-style); nothing here changes the Doc.
Each sentence becomes a :class:`~kg.extract.sentence.Sentence` view (its tokens,
actors, coordinated groups, clauses and cues by kind), and one function
answers each question about it:

- :mod:`kg.extract.cues`: which cues are asserted (not negated, not inside a
  name), what the sentence states, where its hostility aims, which clauses are
  attributions;
- :mod:`kg.extract.actors`: which actors take part, and why the others do not;
- :mod:`kg.extract.pairs`: which pairs the sentence states and by which shape,
  and, for every other pair of actors, why not (its candidates);
- :mod:`kg.extract.memberships`: which memberships it states;
- :mod:`kg.extract.references`: whether it refers back to the pair in focus.

:func:`sentences` gives the views of a Doc; :func:`read_sentences` gathers the answers into a :class:`SentenceReading` per
sentence; ``kg.resolve`` then turns the readings into facts across sentences.

>>> from kg.nlp import load_pipeline
>>> doc = load_pipeline()("Qatar and Turkey held joint exercises near Doha.")
>>> reading = read_sentences(doc)[0]
>>> reading.pairs[0][:2], reading.activities
(('QAT', 'TUR'), ('joint_exercises',))
"""
from __future__ import annotations

from spacy.strings import get_string_id
from spacy.tokens import Doc

from kg.extract.pairs import Candidate
from kg.extract.reader import SentenceReader, SentenceReading, read_sentences, sentence_view, sentences
from kg.extract.sentence import Actor, Cue, Sentence, Tokens
from kg.fast import span_rows
from kg.gazetteer import NON_ACTOR
from kg.nlp import ENTITIES_KEY
from kg.records import Mention

def mentions(doc: Doc, doc_id: str, text: str | None = None) -> list[Mention]:
    """Every entity mention in ``doc`` linked to its canonical id (``text``: ``doc.text``, if the
    caller has it: slicing it is cheaper than ``Span.text``).

    >>> from kg.nlp import load_pipeline
    >>> [m.entity for m in mentions(load_pipeline()("Ankara and the UAE."), "d")]
    ['TUR', 'ARE']
    """
    if text is None:
        return [
            Mention(doc_id, span.id_, span.label_, span.text, span.start_char, span.end_char)
            for span in doc.spans.get(ENTITIES_KEY, [])
            if span.label_ != NON_ACTOR and span.id_
        ]
    strings, non_actor = doc.vocab.strings, get_string_id(NON_ACTOR)  # labels and ids by hash ("" is 0)
    return [
        Mention(doc_id, strings[id_], strings[label], text[start_char:end_char], start_char, end_char)
        for label, id_, _, _, start_char, end_char in span_rows(doc, ENTITIES_KEY)
        if label != non_actor and id_
    ]


__all__ = [
    "Actor", "Candidate", "Cue", "Sentence", "SentenceReader", "SentenceReading", "Tokens",
    "mentions", "read_sentences", "sentence_view", "sentences",
]
