"""The sentence view the extraction functions read: a Doc's tokens, and one sentence's actors and cues.

A :class:`Tokens` holds what the rules read of a whole Doc (lower-case forms
read once, lemmas on demand); a :class:`Sentence` is one sentence of it with
its actors, its coordinated groups, its clauses and its cues by kind, both as
found and as asserted (not negated). Building a Sentence reads the Doc and
never changes it.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

import numpy
from spacy.attrs import IS_PUNCT, LOWER
from spacy.strings import StringStore
from spacy.tokens import Doc

from kg.fast import word_columns
from kg.ontology import Cues, Reaches, Words

#: The possessive ending of an actor: "Japan's".
POSSESSIVE_ENDINGS = ("'s", "’s")
#: Hyphens and dashes that join a compound ("the India-Pakistan border", "a UN-brokered deal").
HYPHENS = "-–—"
_QUOTES = "'\"“”‘’"


# Actor and Cue are named tuples rather than frozen dataclasses: a reader makes one per span,
# hundreds of thousands per corpus, and a frozen dataclass is slower to make.
class Actor(NamedTuple):
    """An entity mention inside one sentence, with token offsets."""

    id: str
    type: str
    start: int
    end: int


class Cue(NamedTuple):
    """A cue phrase inside one sentence."""

    kind: str
    id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Rules:
    """The loaded rules as the sentence functions read them: the word lists, reaches and
    confidences, with the sets they combine made once."""

    words: Words
    reaches: Reaches
    confidence: dict[str, float]
    #: Skipped when reading the word before an actor: determiners and premodifiers.
    skip: frozenset[str]
    #: Single words that open a sentence referring back, and the phrases of several words by their first word.
    start_reference_words: frozenset[str]
    start_reference_phrases: dict[str, tuple[tuple[str, ...], ...]]
    list_conjunction_phrases: tuple[tuple[str, ...], ...]
    later_member_markers: tuple[tuple[str, ...], ...]
    #: Verb phrases (the first word's lemma, then the words as written) by their first word's lemma:
    #: "make up" matches "made up".
    composition_verbs: dict[str, tuple[tuple[str, ...], ...]]
    participation_verbs: dict[str, tuple[tuple[str, ...], ...]]
    participation_relatives: tuple[tuple[str, ...], ...]
    #: The cue kinds whose following actor is no partner, in a fixed order.
    non_partner_markers: tuple[str, ...]

    @classmethod
    def of(cls, cues: Cues) -> Rules:
        """The rules of loaded ``cues``."""
        words = cues.words

        def phrases(entries: frozenset[str]) -> tuple[tuple[str, ...], ...]:
            return tuple(sorted(tuple(p.split()) for p in entries))
        return cls(
            words, cues.reaches, cues.confidence,
            skip=words.determiners | words.actor_premodifiers,
            start_reference_words=frozenset(w for w in words.sentence_start_references if " " not in w),
            start_reference_phrases=_by_first_word(phrases(frozenset(w for w in words.sentence_start_references if " " in w))),
            list_conjunction_phrases=phrases(words.list_conjunction_phrases),
            later_member_markers=phrases(words.later_member_markers),
            composition_verbs=_by_first_word(phrases(words.composition_verbs)),
            participation_verbs=_by_first_word(phrases(words.participation_verbs)),
            participation_relatives=phrases(words.participation_relatives),
            non_partner_markers=tuple(sorted(words.non_partner_markers)),
        )


def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for phrase in phrases:
        out[phrase[0]] = (*out.get(phrase[0], ()), phrase)
    return out


class Strings(dict):
    """Strings by their hash, filled from a StringStore on first use (one lookup per distinct word)."""

    def __init__(self) -> None:
        super().__init__()
        self.store: StringStore | None = None

    def __missing__(self, key: int) -> str:
        value = self[key] = self.store[key]
        return value


class Tokens:
    """What the rules read of a Doc's tokens, as plain Python lists.

    ``doc[i]`` makes a new Token on every access and the rules look at tokens millions of times
    per corpus, so the lower-case forms are read once per Doc. Punctuation and white space have
    no case, so ``lower`` also serves to compare a token with punctuation marks (``lower[i] in
    ",;"`` is ``doc[i].text in ",;"``) and ``lower[i].isspace()`` is ``doc[i].is_space``.
    """

    __slots__ = ("doc", "lower", "_has_parse", "_dependency_matches", "_lemmas", "_punct")

    def __init__(self, doc: Doc, lower: list[str] | None = None) -> None:
        self.doc = doc
        #: ``doc[i].lower_`` of every token.
        self.lower = [t.lower_ for t in doc] if lower is None else lower
        self._has_parse: bool | None = None
        self._dependency_matches: list | None = None
        self._lemmas: dict[int, str] | None = None  # lower-cased lemma by token index, read on demand
        self._punct: list[int] | None = None

    def has_parse(self) -> bool:
        """Whether the Doc has a dependency parse: asked once, and only when a rule needs it
        (``has_annotation`` scans every token of a Doc without one)."""
        if self._has_parse is None:
            self._has_parse = self.doc.has_annotation("DEP")
        return self._has_parse

    def dependency_matches(self, matcher) -> list:
        """``matcher``'s matches over the whole Doc, found once when a sentence first asks."""
        if self._dependency_matches is None:
            self._dependency_matches = matcher(self.doc)
        return self._dependency_matches

    def lemma(self, i: int) -> str:
        """The lower-cased lemma of token ``i`` (few rules read lemmas, about one token's in fifty of a
        speech: each read from its Token when first asked, not the Doc's whole column)."""
        lemmas = self._lemmas
        if lemmas is None:
            lemmas = self._lemmas = {}
        found = lemmas.get(i)
        if found is None:
            found = lemmas[i] = self.doc[i].lemma_.lower()
        return found

    def space_before(self, i: int) -> bool:
        """Whether white space stands right before token ``i`` (read from the Doc: few rules ask)."""
        return i > 0 and bool(self.doc[i - 1].whitespace_ or self.lower[i - 1].isspace())

    def is_punct(self, i: int) -> bool:
        """Whether token ``i`` is punctuation."""
        if self._punct is None:
            self._punct = word_columns(self.doc).column(IS_PUNCT).tolist()
        return self._punct[i] == 1

    def index_before(self, start: int, lower_bound: int, skip: frozenset) -> int:
        """Index of the token before token ``start``, skipping ``skip`` words, white space and
        quotes (-1 if none at or after ``lower_bound``)."""
        lower = self.lower
        i = start - 1
        while i >= lower_bound and (lower[i] in skip or lower[i].isspace() or lower[i] in _QUOTES):
            i -= 1
        return i if i >= lower_bound else -1

    def word_before(self, start: int, lower_bound: int, skip: frozenset) -> str:
        """The lower-cased word before token ``start``, skipping ``skip`` words ("" if none)."""
        i = self.index_before(start, lower_bound, skip)
        return self.lower[i] if i >= 0 else ""

    def verb_phrase_at(self, i: int, phrases: dict[str, tuple[tuple[str, ...], ...]]) -> int:
        """The length of the longest of ``phrases`` (:attr:`Rules.composition_verbs`) at token ``i``: its
        first word by lemma ("made" for "make up"), the rest as written; 0 when none is there."""
        found = phrases.get(self.lemma(i))
        if not found:
            return 0
        lower = self.lower
        return max((len(p) for p in found if tuple(lower[i + 1 : i + len(p)]) == p[1:]), default=0)

    def ends_with(self, end: int, lower_bound: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
        """Whether one of ``phrases`` ends at token ``end`` (inclusive), not before ``lower_bound``."""
        return any(
            end - len(p) + 1 >= lower_bound and tuple(self.lower[end - len(p) + 1 : end + 1]) == p for p in phrases
        )


@dataclass(slots=True)
class Sentence:
    """One sentence of a Doc: its token range, actors and cues, as the extraction functions read it."""

    tokens: Tokens
    #: Token indices of the sentence.
    span: range
    rules: Rules
    #: Actor mentions (entities that are no non-actor), in text order.
    actors: list[Actor]
    #: Cues by kind, less cues inside names and cues naming what a joining verb joins.
    kinds: dict[str, list[Cue]]
    #: The asserted cues by kind: those of :attr:`kinds` that no negation cue negates.
    live: dict[str, list[Cue]]
    #: Coordinated lists of actors ("A, B and C"); a lone actor is a list of one.
    groups: list[list[Actor]]
    #: Token indices where the sentence's clauses start ("..., while X and Y ...").
    clauses: list[int]
    #: The asserted activity and partnership-type cues.
    activities: list[Cue]
    types: list[Cue]

    def word_before(self, start: int, skip: frozenset | None = None) -> str:
        """The lower-cased word before token ``start`` in this sentence, past determiners and premodifiers."""
        return self.tokens.word_before(start, self.span.start, self.rules.skip if skip is None else skip)

    def index_before(self, start: int, skip: frozenset | None = None) -> int:
        """Index of the token before token ``start`` in this sentence, past determiners and premodifiers."""
        return self.tokens.index_before(start, self.span.start, self.rules.skip if skip is None else skip)

    def lemma_before(self, start: int) -> str:
        """The lemma of the word before token ``start``, past determiners and premodifiers."""
        i = self.index_before(start)
        return self.tokens.lemma(i) if i >= 0 else ""

    def index_at(self, i: int, skip: int = 0) -> int:
        """The index of the word at token ``i``, past white space (the line breaks of hard-wrapped
        text are tokens of their own: "the exercise\\nof" reads "of" after "exercise"), and ``skip``
        words further on; the sentence's end when it runs past it."""
        lower, stop = self.tokens.lower, self.span.stop
        while i < stop and lower[i].isspace():
            i += 1
        for _ in range(skip):
            i += 1
            while i < stop and lower[i].isspace():
                i += 1
        return min(i, stop)

    def word_at(self, i: int, skip: int = 0) -> str:
        """The lower-cased word at token ``i`` (:meth:`index_at`); "" past the sentence's end."""
        i = self.index_at(i, skip)
        return self.tokens.lower[i] if i < self.span.stop else ""

    def clause_of(self, token: int) -> int:
        """The clause (its start token) that ``token`` belongs to."""
        clauses = self.clauses
        if len(clauses) == 1 or token < clauses[0]:
            return clauses[0]
        return max(c for c in clauses if c <= token)


def by_kind(cues: list[Cue]) -> dict[str, list[Cue]]:
    """``cues`` grouped by kind, each group in text order."""
    out: dict[str, list[Cue]] = {}
    for c in cues:
        out.setdefault(c.kind, []).append(c)
    return out


def ids(records: list) -> tuple[str, ...]:
    """The distinct ids of ``records`` (actors or cues), in text order."""
    if len(records) < 2:
        return (records[0].id,) if records else ()
    return tuple(dict.fromkeys([r.id for r in records]))


def lower_forms(doc: Doc, strings: Strings) -> list[str]:
    """``doc[i].lower_`` of every token (a list shared with the Doc's other readers: not to be changed).

    Each distinct word is looked up once, from the Doc's distinct words the pipeline's components
    already read (:func:`kg.fast.word_columns`): a lookup per token misses the CPU cache on most
    tokens when the Doc comes in cold from the pipeline.
    """
    return word_columns(doc).texts(LOWER, strings.__getitem__)


def bucket(spans: list, sentences: list[range]) -> list:
    """Spans (records with ``start`` and ``end``) per sentence, in text order (longest first at a
    start); spans that cross a sentence boundary go to the first. Most sentences hold none: they
    share one empty tuple."""
    if not sentences:
        return []
    # Sorted by (start, -end) in two stable sorts on C-level keys: no Python call per span.
    spans = sorted(spans, key=attrgetter("end"), reverse=True)
    spans.sort(key=attrgetter("start"))
    starts = [s.start for s in spans]
    cuts = [0, *(bisect_left(starts, sent.stop) for sent in sentences[:-1]), len(spans)]
    return [spans[a:b] if a < b else () for a, b in zip(cuts, cuts[1:])]


def sentence_bounds(
    doc: Doc, text: str, starts: numpy.ndarray, idx: numpy.ndarray, spaces: numpy.ndarray
) -> tuple[list[range], list[int], list[int]]:
    """The sentences of ``doc`` (as ``doc.sents``) as ranges of token indices, with their start and
    end characters, from the Doc's SENT_START, IDX and SPACY columns (no Span per sentence).
    ``text``: ``doc.text``."""
    if not len(doc) or not doc.has_annotation("SENT_START"):
        edges = [[s.start, s.end] for s in doc.sents]  # a Doc without boundaries raises here
        bounds = numpy.asarray(edges, dtype=numpy.int64).reshape(-1, 2)
        first, end = bounds[:, 0], bounds[:, 1]
    else:
        first = numpy.flatnonzero(starts == 1)
        first = numpy.append(0, first[first > 0])
        end = numpy.append(first[1:], len(doc))
    # A sentence ends where its last token does: before the next token, less that token's space.
    token_ends = numpy.append(idx.astype(numpy.int64), len(text))
    end_chars = token_ends[end] - spaces.astype(numpy.int64)[end - 1]
    start_chars = token_ends[first]
    return list(map(range, first.tolist(), end.tolist())), start_chars.tolist(), end_chars.tolist()
