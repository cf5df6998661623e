"""What the extraction tests ask of a sentence: entity ids, facts, dyads, their attributes."""
from __future__ import annotations

from kg.extract import mentions, read_sentences
from kg.resolve import resolve


def entity_ids(nlp, text):
    """Canonical ids of every mention in ``text``, in order."""
    return [m.entity for m in mentions(nlp(text), "d")]


def facts(nlp, text):
    """The facts of ``text`` as one document."""
    return resolve("d", read_sentences(nlp(text)))


def dyads(nlp, text):
    """Unordered partnership pairs of ``text``."""
    return {tuple(sorted((f.source, f.target))) for f in facts(nlp, text) if f.relation == "partnership"}


def dyad_attributes(nlp, text, attribute):
    """Per partnership pair, the set of values of ``attribute`` (``activity``, ``partnership_type``)."""
    out: dict = {}
    for f in facts(nlp, text):
        if f.relation == "partnership" and getattr(f, attribute):
            out.setdefault(tuple(sorted((f.source, f.target))), set()).add(getattr(f, attribute))
    return out
