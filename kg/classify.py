"""Decide what a sentence says about each pair of actors in it, with a trained model.

A sentence's *candidate pairs* are the pairs of distinct actors it names. Each
candidate becomes a bag of string features read off the annotated ``Doc`` and the
rules' :class:`~kg.extract.SentenceReading` (the words between and around the two
mentions with the actors masked, the cue annotations and where they stand, the
rule that links the pair or the reason it excluded an actor, distances, mention
types, the speaker, what the document's other sentences say of the pair). A :class:`PairModel` (a linear model stored as JSON, with an
centred isotonic calibration of its partnership and membership scores) turns the features
into calibrated probabilities. ``kg.train`` fits the model; ``kg.resolve`` writes
the facts.

>>> from kg.nlp import load_pipeline
>>> from kg.extract import read_sentences
>>> doc = load_pipeline()("Qatar and Turkey held joint exercises.")
>>> [(c.a, c.b) for c in sentence_candidates(doc, read_sentences(doc)[0])]
[('QAT', 'TUR')]
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate, chain, combinations
from operator import itemgetter
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import numpy
import orjson
from spacy.attrs import DEP, HEAD, LEMMA, LIKE_NUM, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc

from kg.errors import KgError
from kg.fast import span_rows, token_offsets, word_columns
from kg.extract import SentenceReader, SentenceReading
from kg.extract.cues import in_their_sense
from kg.extract.sentence import Strings
from kg.gazetteer import GROUP, NON_ACTOR, ORGANIZATION, capital_names
from kg.nlp import CUES_KEY, ENTITIES_KEY
from kg.ontology import Cues, load_cues
from kg.trees import Trees, sigmoid

#: The relations a pair can have (LABELS.md); the model scores each.
RELATIONS = ("partnership", "proposed", "hostile", "membership", "none")
#: The model shipped with kg, trained by ``make train`` on the shared labels.
DEFAULT_MODEL = Path(__file__).parent / "models" / "pairs.json.gz"
_GZIP_MAGIC = b"\x1f\x8b"
#: Words either side of the pair read as context.
CONTEXT_WINDOW = 5
#: Dependency arcs between the two mentions' heads up to which their path is a feature ("dep_path:long" beyond).
DEP_PATH_MAX = 4
#: The cue kinds that link a pair: what a modality word governs.
_LINK_KINDS = ("cooperation", "activity", "partnership_type")
_MASKS = {"country": "X", ORGANIZATION: "O", GROUP: "G"}
#: A pair of a document without a speaker (news, reference prose) reads each of its features but its words
#: twice, once as itself and once with this prefix: the model learns a weight both genres share and one
#: for such prose alone, where a sentence's shape (a rule's link, a cue, a clause) says more than in a
#: speech, from which most labels and every read pair come.
PROSE_PREFIX = "prose&"
#: Word features, one weight for both genres: the prose labels are too few to weigh each word apart.
WORD_PREFIXES = ("s:", "btw:", "lft:", "rgt:")
#: Cue kinds that make a sentence hostile to the pairs it names, for the document features.
_HOSTILE_KINDS = frozenset(("hostile", "conflict"))
#: Cue kinds that end or refuse the cooperation they govern ("*suspended* the pact", "*halted* arms sales",
#: "the drills *were called off*").
_REFUSING_KINDS = frozenset(("hostile", "negation", "ended"))


class Mention(NamedTuple):
    """An actor's mention inside a sentence, by token offsets."""

    id: str
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two actors of one sentence, their nearest mentions and the pair's features."""

    a: str
    b: str
    #: The features of this pair.
    features: tuple[str, ...]
    #: The rule that links the pair ("between", "coordination", ...), or "".
    rule: str = ""
    #: The features of the sentence, the same for each of its pairs (the same tuple).
    shared: tuple[str, ...] = ()

    @property
    def all_features(self) -> tuple[str, ...]:
        """The pair's and the sentence's features."""
        return self.shared + self.features


class SentenceView(NamedTuple):
    """What the features read of one sentence of a Doc."""

    tokens: list[str]  # lower-case forms with numbers as "0", of the whole Doc
    first: int  # the sentence's first token
    stop: int  # one past its last token
    mentions: list[Mention]
    cues: list[tuple[str, str, int, int]]  # (kind, id, start, end)


class Parse(NamedTuple):
    """A Doc's dependency parse, by token index: what :func:`dependency_features` reads."""

    heads: list[int]  # the index of each token's head (a root is its own head)
    deps: list[str]  # the label of the arc to each token's head ("ROOT" at a root)
    lemmas: list[str]  # lower-case lemma of each token (its lower-case form when it has none)

    @classmethod
    def of(cls, doc: Doc) -> "Parse | None":
        """The parse of ``doc``; None when no parser annotated it (kg's default pipeline has none)."""
        if not doc.has_annotation("DEP"):
            return None
        columns = doc.to_array([HEAD, DEP, LEMMA, LOWER])
        heads = (numpy.arange(len(doc), dtype=numpy.int64) + columns[:, 0].astype(numpy.int64)).tolist()
        strings = doc.vocab.strings
        lemmas = [strings[int(lemma or lower)].lower() for lemma, lower in columns[:, 2:].tolist()]
        return cls(heads, [strings[int(d)] for d in columns[:, 1].tolist()], lemmas)


class ActorSentences:
    """What the other sentences of a document say of a pair: the pair's document features read it.

    A sentence seldom says whether the pair it names is what the document is about: an article on
    a partnership links its partners again and again, one on a rivalry names its two sides in
    hostile sentences. :meth:`features` gives how many of the document's other sentences the
    rules link the pair in, and how many of those that name both hold a hostile or conflict cue
    (none, one, more). How often the two are named together is no feature: that they are the
    subject says nothing of whether they are partners or foes.

    >>> from kg.nlp import load_pipeline
    >>> from kg.extract import read_sentences
    >>> doc = load_pipeline()("Chile and Peru held drills. Chile and Peru signed a pact. Chile accused Peru.")
    >>> readings = read_sentences(doc)
    >>> sentences = ActorSentences.of(DocIndex(doc), readings)
    >>> sentences.features("CHL", "PER", readings[0].start, readings[0].end)
    ['doc_linked:one', 'doc_hostile:one']
    """

    __slots__ = ("spans", "naming", "linking", "hostile")

    def __init__(self, spans: list[tuple[int, int]], naming: dict[str, set[int]],
                 linking: dict[frozenset, set[int]], hostile: set[int]) -> None:
        #: (start, end) character offsets of each sentence.
        self.spans = spans
        #: Actor id -> the sentences (positions in ``spans``) that name it.
        self.naming = naming
        #: Pair -> the sentences whose rules link it (:attr:`SentenceReading.pairs`).
        self.linking = linking
        #: The sentences that hold a hostile or conflict cue, or that the rules read as hostile.
        self.hostile = hostile

    @classmethod
    def of(cls, index: "DocIndex", readings: Iterable[SentenceReading], offset: int = 0) -> "ActorSentences":
        """The sentences of ``readings``, the actors each names and the pairs it links; ``offset``:
        characters of the document before ``index``'s Doc (a piece of a longer text), as in
        :func:`sentence_candidates`."""
        spans: list[tuple[int, int]] = []
        naming: dict[str, set[int]] = {}
        linking: dict[frozenset, set[int]] = {}
        hostile: set[int] = set()
        chars, mentions = index.mention_chars, index.mentions
        for k, r in enumerate(readings):
            spans.append((r.start, r.end))
            for m in mentions[bisect_left(chars, r.start - offset) : bisect_left(chars, r.end - offset)]:
                if m.type != GROUP:
                    naming.setdefault(m.id, set()).add(k)
            for a, b, _ in r.pairs:
                linking.setdefault(frozenset((a, b)), set()).add(k)
            first, stop = bisect_left(index.idx, r.start - offset), bisect_left(index.idx, r.end - offset)
            cues = index.cues[bisect_left(index.cue_starts, first) : bisect_left(index.cue_starts, stop)]
            if r.hostile or any(kind in _HOSTILE_KINDS for kind, _, _, _ in cues):
                hostile.add(k)
        return cls(spans, naming, linking, hostile)

    @classmethod
    def joined(cls, pieces: Iterable[tuple["ActorSentences", int]]) -> "ActorSentences":
        """A document's, from those of its pieces (a text longer than ``nlp.max_length``), each
        with where its piece starts in the document."""
        spans: list[tuple[int, int]] = []
        naming: dict[str, set[int]] = {}
        linking: dict[frozenset, set[int]] = {}
        hostile: set[int] = set()
        for piece, at in pieces:
            first = len(spans)
            spans += [(start + at, end + at) for start, end in piece.spans]
            for table, part in ((naming, piece.naming), (linking, piece.linking)):
                for key, sentences in part.items():
                    table.setdefault(key, set()).update(first + k for k in sentences)
            hostile.update(first + k for k in piece.hostile)
        return cls(spans, naming, linking, hostile)

    def _outside(self, sentences: set[int], start: int, end: int) -> set[int]:
        return {k for k in sentences if self.spans[k][1] <= start or self.spans[k][0] >= end}

    def features(self, a: str, b: str, start: int, end: int) -> list[str]:
        """The document features of the pair ``a``, ``b`` in the sentence at ``start``-``end``."""
        both = self._outside(self.naming.get(a, set()) & self.naming.get(b, set()), start, end)
        linked = len(self._outside(self.linking.get(frozenset((a, b)), set()), start, end))
        return ["doc_linked:" + _how_many(linked), "doc_hostile:" + _how_many(len(both & self.hostile))]


def _how_many(n: int) -> str:
    return "none" if n == 0 else "one" if n == 1 else "more"


class DocIndex:
    """A Doc's actor mentions, cues and token forms, read once, for the views of its sentences."""

    __slots__ = ("tokens", "idx", "mentions", "mention_starts", "mention_chars", "cues", "cue_starts", "parse")

    def __init__(self, doc: Doc) -> None:
        columns = word_columns(doc)
        strings = Strings()  # each distinct word decoded once
        strings.store = doc.vocab.strings
        # The sentence reader's lower-case forms of the Doc (read once for both), numbers as "0".
        self.tokens: list[str] = list(columns.texts(LOWER, strings.__getitem__))
        for i in numpy.flatnonzero(columns.of_words(LIKE_NUM)[columns.inverse]).tolist():
            self.tokens[i] = "0"
        #: Character offset of each token.
        self.idx: list[int] = token_offsets(doc).tolist()
        non_actor = get_string_id(NON_ACTOR)  # ids and labels by hash ("" is 0)
        entities = sorted((e for e in span_rows(doc, ENTITIES_KEY) if e[1] and e[0] != non_actor), key=itemgetter(2))
        self.mentions = [Mention(strings[id_], strings[label], start, end) for label, id_, start, end, _, _ in entities]
        self.mention_starts = [e[2] for e in entities]
        #: Character offset of each mention, to count a sentence's mentions without a view.
        self.mention_chars = [e[4] for e in entities]
        cues = [(strings[label], strings[id_], start, end) for label, id_, start, end, _, _ in span_rows(doc, CUES_KEY)]
        # the cues the sentence reader reads: a cue word in another sense ("vocational training") is none
        self.cues = sorted(in_their_sense(cues), key=itemgetter(2))
        self.cue_starts = [c[2] for c in self.cues]
        #: The dependency parse, or None when the pipeline has no parser.
        self.parse: Parse | None = Parse.of(doc)

    def mention_count(self, start_char: int, end_char: int) -> int:
        """How many actor mentions start between two character offsets of the Doc."""
        chars = self.mention_chars
        return bisect_left(chars, end_char) - bisect_left(chars, start_char)

    def view(self, start_char: int, end_char: int) -> SentenceView:
        """The sentence between two character offsets of the Doc."""
        lo, hi = bisect_left(self.idx, start_char), bisect_left(self.idx, end_char)
        m0, m1 = bisect_left(self.mention_starts, lo), bisect_left(self.mention_starts, hi)
        c0, c1 = bisect_left(self.cue_starts, lo), bisect_left(self.cue_starts, hi)
        return SentenceView(self.tokens, lo, hi, self.mentions[m0:m1], self.cues[c0:c1])


class PairContext(NamedTuple):
    """What the features of every pair of one sentence read alike, found once per sentence
    (:meth:`of`) rather than once per pair: the sentence holds a pair for each two of its actors."""

    #: The actor ids of the sentence.
    ids: frozenset[str]
    #: Per cue: its start token and its features when it stands between the pair, before it, after it.
    cues: list[tuple[int, tuple[list[str], list[str], list[str]]]]
    #: Token indices of the sentence's clause boundaries (``words.clause_boundaries``), in order.
    boundaries: list[int]
    #: (token index, modality class) of each word of ``words.modality_classes``, in order.
    modal: list[tuple[int, str]]
    #: The start token of each mention, and the first and last mention of the list that holds it.
    starts: list[int]
    lists: list[tuple[int, int]]
    #: The start tokens of the mentions named by a capital.
    capitals: frozenset[int]
    #: The words of the sentence with its actors masked (:func:`_type_masked`), less the blanks, and
    #: for each token of the sentence (and its end) how many of them stand before it.
    kept: list[str]
    kept_before: list[int]
    first: int

    @classmethod
    def of(
        cls, view: "SentenceView", rules: Cues, capitals: frozenset[str] | None = None, masked: list[str] | None = None,
    ) -> "PairContext":
        """The context of the sentence ``view`` with the rules ``rules`` (their word lists and reaches),
        the lower-cased ``capitals`` and its tokens ``masked`` (:func:`_type_masked`)."""
        words = rules.words
        capitals = capital_names() if capitals is None else capitals
        masked = _type_masked(view) if masked is None else masked
        kept_before = [0, *accumulate(1 if w and not w.isspace() else 0 for w in masked)]
        tokens, span = view.tokens, range(view.first, view.stop)
        negations = [c[2] for c in view.cues if c[0] == "negation"]
        cues = []
        for kind, cue_id, start, _ in view.cues:
            if kind == "negation":
                cues.append((start, (["cue_btw:negation"], ["cue_out:negation"], ["cue_out:negation"])))
                continue
            tag = f"{kind}:{cue_id}" if cue_id else kind
            negated = [f"cue_negated:{kind}"] if any(0 < start - n <= rules.reaches.negation for n in negations) else []
            cues.append((start, tuple([f"cue:{kind}", f"cue_{where}:{kind}", f"cue:{tag}", *negated]
                                      for where in ("btw", "lft", "rgt"))))
        connectors = words.list_connectors
        return cls(
            frozenset(m.id for m in view.mentions), cues,
            [i for i in span if tokens[i] in words.clause_boundaries],
            modal_words(view, words.modality_classes),
            [m.start for m in view.mentions],
            [_list_around(view, k, connectors) for k in range(len(view.mentions))],
            frozenset(m.start for m in view.mentions if " ".join(tokens[m.start : m.end]) in capitals),
            [w for w in masked if w and not w.isspace()], kept_before, view.first,
        )

    def words(self, start: int, end: int) -> list[str]:
        """The masked words (:attr:`kept`) of the tokens from ``start`` to ``end`` (Doc indices, ``end``
        not before the sentence), clipped to the sentence."""
        before, n = self.kept_before, len(self.kept_before) - 1
        return self.kept[before[min(max(start - self.first, 0), n)] : before[min(end - self.first, n)]]


def _ngrams(words: list[str], prefix: str, n: int = 3) -> list[str]:
    """``prefix`` + each 1-, 2-, ... n-gram of ``words`` (space-joined), the 1-grams first."""
    # 1- to 3-grams made in one step each (no slice and join per n-gram): millions per corpus.
    out = [prefix + w for w in words]
    if n >= 2:
        out += [f"{prefix}{a} {b}" for a, b in zip(words, words[1:])]
    if n >= 3:
        out += [f"{prefix}{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:])]
    for k in range(4, n + 1):
        out += [prefix + " ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
    return out


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-6" if n < 7 else "7-12" if n < 13 else "13+"


def _type_masked(view: SentenceView) -> list[str]:
    """The sentence's tokens with each actor's first token replaced by its type's mask, the rest by ""."""
    masked = view.tokens[view.first : view.stop]
    for m in view.mentions:
        masked[m.start - view.first] = _MASKS.get(m.type, "X")
        for i in range(m.start + 1, m.end):
            masked[i - view.first] = ""
    return masked


def sentence_features(view: SentenceView, masked: list[str] | None = None) -> tuple[str, ...]:
    """The features every pair of the sentence shares: its word 1-2-grams with each actor masked by its type.

    >>> view = SentenceView(["qatar", "and", "turkey", "drilled"], 0, 4, [Mention("QAT", "country", 0, 1)], [])
    >>> sentence_features(view)[:4]
    ('s:X', 's:and', 's:turkey', 's:drilled')
    """
    masked = _type_masked(view) if masked is None else masked
    return tuple(_ngrams([w for w in masked if w and not w.isspace()], "s:", 2))


def pair_features(
    view: SentenceView, reading: SentenceReading | None, x: Mention, y: Mention, speaker: str = "",
    rule: str = "", membership: bool = False, masked: list[str] | None = None,
    rules: Cues | None = None, capitals: frozenset[str] | None = None, context: PairContext | None = None,
) -> list[str]:
    """The features of the pair of mentions ``x`` (first in the text) and ``y`` in one sentence.

    ``rules``: the word lists and reaches of the rules (default: the packaged ``cues.yaml``'s and
    ``rules.yaml``'s); ``capitals``:
    the lower-cased capitals of the gazetteer (default: the packaged ``countries.csv``'s);
    ``context``: the sentence's :class:`PairContext` with them, when the caller reads several pairs.

    >>> m = [Mention("QAT", "country", 0, 1), Mention("TUR", "country", 2, 3)]
    >>> view = SentenceView(["qatar", "and", "turkey", "drilled", "."], 0, 5, m, [])
    >>> [f for f in pair_features(view, None, *m) if f.startswith("btw:")]
    ['btw:and']
    """
    lo = view.first
    masked = _type_masked(view) if masked is None else masked  # the sentence's, shared: not changed
    rules = rules or load_cues()
    words = rules.words
    context = context or PairContext.of(view, rules, capitals, masked)
    # the words around and between the pair: none of them is the pair's own first token
    between = context.words(x.end, y.start)
    left = context.words(x.start - CONTEXT_WINDOW * 2, x.start)[-CONTEXT_WINDOW:]
    right = context.words(y.end, y.end + CONTEXT_WINDOW * 2)[:CONTEXT_WINDOW]
    f = _ngrams(between[:12], "btw:") + _ngrams(left, "lft:", 2) + _ngrams(right, "rgt:", 2)
    f += ["btw_start:" + " ".join(between[:2]), "btw_end:" + " ".join(between[-2:])]
    f.append("x_prev:" + (left[-1] if left else "^"))
    f.append("y_prev:" + (between[-1] if between else "^"))
    f.append("x_next:" + (between[0] if between else "$"))
    f.append("y_next:" + (right[0] if right else "$"))
    if between and all(w in (",", "and", "or", "X", "O", "G", "the", "as", "well") for w in between):
        f.append("shape:list")
    others = context.ids - {x.id, y.id}
    inside = {m.id for m in view.mentions if x.end <= m.start < y.start} - {x.id, y.id}
    f += ["dist:" + _bucket(len(between)), "actors:" + _bucket(len(others) + 2), "actors_between:" + _bucket(len(inside))]
    f.append("types:" + "-".join(sorted((x.type[:3], y.type[:3]))))
    if speaker and speaker in (x.id, y.id):
        f.append("speaker_in_pair")
    elif speaker and speaker in others:
        f.append("speaker_other")
    if x.start == lo or (x.start - lo <= 2):
        f.append("x_opens_sentence")
    for start, (btw, lft, rgt) in context.cues:
        f += btw if x.end <= start < y.start else lft if start < x.start else rgt
    f.append("rule:" + (rule or "none"))
    if membership:
        f.append("rule:membership")
    f += member_phrase_features(x, y, membership, rules, context)
    if reading is not None:
        f.append("a_part" if x.id in reading.participants else "a_excluded")
        f.append("b_part" if y.id in reading.participants else "b_excluded")
        for flag in ("cooperative", "hostile", "refers_back"):
            if getattr(reading, flag):
                f.append("reading:" + flag)
        x_listed, y_listed = x.id in reading.listed_places, y.id in reading.listed_places
        if x_listed and y_listed:
            f.append("place_list:both")
        elif x_listed or y_listed:
            f.append("place_list:one")
            body, place = (x, y) if y_listed else (y, x)
            owners = reading.mission_places.get(place.id, ())
            # "UN missions in A, B and C": a body's work for each place, unless the place is named as
            # another body's mission ("the UN Operation in A … and the AU Mission in C": A is no AU place)
            if body.type == ORGANIZATION and (not owners or body.id in owners):
                f.append("place_list:body")
        f += mission_features(reading.mission_places, x, y)
        types, activities = reading.pair_scopes.get((x.id, y.id), reading.pair_scopes.get((y.id, x.id), (None, None)))
        if types is not None:
            f.append("scoped:" + ("typed" if types or activities else "untyped"))
    f += clause_features(view, x, y, speaker, masked, rules, context)
    f += list_features(view, x, y, masked, rules, context)
    f += form_features(view, x, y, capitals, context)
    return f


def member_phrase_features(x: Mention, y: Mention, membership: bool, rules: Cues, context: PairContext) -> list[str]:
    """``members_of`` when an organisation of the pair follows a plural member noun and "of"
    ("member countries *of* the EEC", "the members *of* NATO"): the phrase names its members as a
    set, and a country beside it in a list is not said to be one. ``members_of:unstated`` also when
    the rules state no membership of the pair.

    >>> m = [Mention("EU", "organization", 5, 6), Mention("JPN", "country", 7, 8)]
    >>> view = SentenceView(["with", "member", "countries", "of", "the", "eec", ",", "japan"], 0, 8, m, [])
    >>> cues = load_cues()
    >>> member_phrase_features(*m, False, cues, PairContext.of(view, cues))
    ['members_of', 'members_of:unstated']
    """
    plural = rules.words.plural_member_nouns
    for m in (x, y):
        if m.type != ORGANIZATION:
            continue
        before = [w for w in context.words(m.start - 4, m.start) if w != "the"]
        if len(before) >= 2 and before[-1] == "of" and before[-2] in plural:
            return ["members_of"] + ([] if membership else ["members_of:unstated"])
    return []


def mission_features(places: dict[str, tuple[str, ...]], x: Mention, y: Mention) -> list[str]:
    """Whether the pair holds the place of a named mission ("the UN Interim Force in Lebanon"):
    ``mission_place:own`` with the mission's owner (UN, Lebanon: the body's work for the place),
    ``mission_place:other`` with any other actor (a contributor, a welcomer, a body whose own
    mission is elsewhere), ``mission_place:both`` for two places of missions.

    >>> x, y = Mention("UN", "organization", 0, 2), Mention("LBN", "country", 5, 6)
    >>> mission_features({"LBN": ("UN",)}, x, y), mission_features({"LBN": ()}, x, y)
    (['mission_place:own'], ['mission_place:other'])
    """
    x_owners, y_owners = places.get(x.id), places.get(y.id)
    if x_owners is None and y_owners is None:
        return []
    if x_owners is not None and y_owners is not None:
        return ["mission_place:both"]
    owners, other = (x_owners, y) if x_owners is not None else (y_owners, x)
    return ["mission_place:own" if other.id in owners else "mission_place:other"]


def form_features(
    view: SentenceView, x: Mention, y: Mention, capitals: frozenset[str] | None = None,
    context: PairContext | None = None,
) -> list[str]:
    """``form:capital`` for each actor of the pair named by its capital ("Moscow", often a venue, a
    summit or a treaty: "the Moscow and Washington summits"). ``context``: the sentence's
    :class:`PairContext`, which holds the mentions named by a capital.

    >>> m = [Mention("RUS", "country", 0, 1), Mention("USA", "country", 2, 3)]
    >>> form_features(SentenceView(["moscow", "and", "washington", "met"], 0, 4, m, []), *m)
    ['form:capital', 'form:capital']
    """
    context = context or PairContext.of(view, load_cues(), capitals)
    return ["form:capital" for m in (x, y) if m.start in context.capitals]


def clause_features(
    view: SentenceView, x: Mention, y: Mention, speaker: str, masked: list[str], rules: Cues,
    context: PairContext | None = None,
) -> list[str]:
    """Features of the clause that holds the pair: whether a clause boundary (``words.clause_boundaries``)
    stands between the two mentions, the modality word nearest the pair on each side in its clause
    (``words.modality_words``: "will", "hope", "ready" ...), whether the clause speaks in the
    first person (``words.first_person_words``), with where the speaker stands, and its modality by
    class (:func:`modality_features`).

    ``masked``: the sentence's tokens with actors masked (:func:`_type_masked`); ``rules``: the word
    lists and reaches of the rules; ``context``: the sentence's :class:`PairContext`.

    >>> m = [Mention("QAT", "country", 2, 3), Mention("TUR", "country", 4, 5)]
    >>> view = SentenceView(["we", "hope", "qatar", "and", "turkey", "will", "cooperate"], 0, 7, m, [])
    >>> clause_features(view, *m, "", _type_masked(view), load_cues())
    ['clause:same', 'modal_lft:hope', 'modal_rgt:will', 'first_person', 'first_person&speaker_none', 'modal_class_lft:wish', 'modal_class_rgt:future', 'modal_over:none', 'modal_over_class:wish']
    """
    lo = view.first
    words = rules.words
    context = context or PairContext.of(view, rules, masked=masked)
    # the clause runs from the token after the last boundary before x to the first boundary from y's end
    boundaries = context.boundaries
    before, after = bisect_left(boundaries, x.start), bisect_left(boundaries, y.end)
    start = boundaries[before - 1] + 1 if before else lo
    end = boundaries[after] if after < len(boundaries) else view.stop
    crosses = bisect_left(boundaries, y.start) > bisect_left(boundaries, x.end)
    f = ["clause:cross" if crosses else "clause:same"]
    left, between, right = context.words(start, x.start), context.words(x.end, y.start), context.words(y.end, end)
    modal = words.modality_words
    for where, nearest in (("lft", left[::-1]), ("btw", between), ("rgt", right)):
        found = next((w for w in nearest if w in modal), None)
        if found:
            f.append(f"modal_{where}:{found}")
    if any(w in words.first_person_words for w in (*left, *between, *right)):
        where = "in_pair" if speaker in (x.id, y.id) else "other" if speaker else "none"
        f += ["first_person", "first_person&speaker_" + where]
    return f + modality_features(view, x, y, range(start, end), words.modality_classes, context.modal,
                                 rules.reaches.link_governor)


def modal_words(view: SentenceView, classes: dict[str, str]) -> list[tuple[int, str]]:
    """(token index, class) of each word of the sentence ``view`` that ``classes`` (``words.modality_classes``) holds.

    >>> modal_words(SentenceView(["we", "hope", "to", "sign"], 0, 4, [], []), {"hope": "wish"})
    [(1, 'wish')]
    """
    tokens = view.tokens
    return [(i, classes[tokens[i]]) for i in range(view.first, view.stop) if tokens[i] in classes]


def modality_features(
    view: SentenceView, x: Mention, y: Mention, clause: range, classes: dict[str, str],
    modal: list[tuple[int, str]], reach: int,
) -> list[str]:
    """The modality of the pair's clause (``clause``: its tokens) by class (``words.modality_classes``:
    "hope" -> wish, "urge" -> call ...): the classes on each side of the pair, and the class of the
    word that governs the pair's link, the nearest modality word within ``reach`` tokens
    before the cue that links the pair (the first between the mentions, else the nearest before them,
    else after them; the second mention when no cue stands in the clause), with where that cue stands.
    ``modal``: (token, class) of the sentence's words of ``classes`` (:func:`modal_words`, held by
    :attr:`PairContext.modal`).

    >>> m = [Mention("QAT", "country", 0, 1), Mention("TUR", "country", 5, 6)]
    >>> view = SentenceView(["qatar", "hopes", "to", "sign", "a", "turkey", "pact"], 0, 7, m, [("cooperation", "", 3, 4)])
    >>> modality_features(view, *m, range(0, 7), {"hopes": "wish"}, modal_words(view, {"hopes": "wish"}), 6)
    ['modal_class_btw:wish', 'modal_over:btw', 'modal_over_class:wish']
    """
    tokens = view.tokens
    f = []
    for where, part in (("lft", range(clause.start, x.start)), ("btw", range(x.end, y.start)), ("rgt", range(y.end, clause.stop))):
        f += [f"modal_class_{where}:{c}" for c in sorted({c for i, c in modal if i in part})]
    link, where = link_cue(view, x, y, clause)
    for i in range(link - 1, max(clause.start, link - reach) - 1, -1):
        if tokens[i] in classes and not (x.start <= i < x.end or y.start <= i < y.end):
            f += ["modal_over:" + where, "modal_over_class:" + classes[tokens[i]]]
            break
    return f + ended_link_features(view, x, y, clause, link, where, reach)


def link_cue(view: SentenceView, x: Mention, y: Mention, clause: range) -> tuple[int, str]:
    """The token of the cue that links the pair in its clause (a cooperation, activity or type cue:
    the first between the mentions, else the nearest before them, else the nearest after them) and
    where it stands ("btw", "lft", "rgt"); the second mention and "none" when the clause has none.

    >>> m = [Mention("IND", "country", 2, 3), Mention("PAK", "country", 4, 5)]
    >>> view = SentenceView(["trade", "between", "india", "and", "pakistan", "grew"], 0, 6, m, [("activity", "", 0, 1)])
    >>> link_cue(view, *m, range(0, 6))
    (0, 'lft')
    """
    links = [c[2] for c in view.cues if c[0] in _LINK_KINDS and c[2] in clause
             and not (x.start <= c[2] < x.end or y.start <= c[2] < y.end)]
    between = [i for i in links if x.end <= i < y.start]
    before = [i for i in links if i < x.start]
    after = [i for i in links if i >= y.end]
    return (between[0], "btw") if between else (before[-1], "lft") if before else (after[0], "rgt") if after else (y.start, "none")


def ended_link_features(
    view: SentenceView, x: Mention, y: Mention, clause: range, link: int, where: str, reach: int,
) -> list[str]:
    """Whether a hostile, negation or passive ending cue (``cues.hostile``, ``cues.negation``,
    ``cues.ended``: "suspend", "cut ties", "halt", "not", "was called off" ...) ends or refuses the
    cooperation that links the pair (``link``, ``where``:
    :func:`link_cue`): one within ``reach`` tokens before the linking cue ("A
    *suspended* its *cooperation* with B"), or, when that cue names the pair's cooperation before
    them ("*Trade* between A and B"), one as close after the pair in its clause ("... has been
    *suspended*"). A hostile word elsewhere in the sentence says less: the pair may cooperate against
    a third party's invasion.

    >>> m = [Mention("IND", "country", 2, 3), Mention("PAK", "country", 4, 5)]
    >>> cues = [("activity", "", 0, 1), ("hostile", "", 7, 8)]
    >>> view = SentenceView(["trade", "between", "india", "and", "pakistan", "has", "been", "suspended"], 0, 8, m, cues)
    >>> ended_link_features(view, *m, range(0, 8), 0, "lft", 6)
    ['link_ended:rgt']
    """
    if where == "none":
        return []
    ending = [c[2] for c in view.cues if c[0] in _REFUSING_KINDS and c[2] in clause
              and not (x.start <= c[2] < x.end or y.start <= c[2] < y.end)]
    if any(link - reach <= i < link for i in ending):
        return ["link_ended:lft"]
    if where == "lft" and any(y.end <= i < y.end + reach for i in ending):
        return ["link_ended:rgt"]
    return []


def _list_around(view: SentenceView, k: int, connectors: frozenset[str]) -> tuple[int, int]:
    """The first and last mention (indexes into ``view.mentions``) of the list that holds mention ``k``:
    mentions with only list connectors between them."""
    mentions, tokens = view.mentions, view.tokens

    def joined(i: int) -> bool:  # mention i and i + 1 are neighbours in one list
        return mentions[i].end <= mentions[i + 1].start and all(t in connectors for t in tokens[mentions[i].end : mentions[i + 1].start])
    first = last = k
    while first > 0 and joined(first - 1):
        first -= 1
    while last + 1 < len(mentions) and joined(last):
        last += 1
    return first, last


def list_features(
    view: SentenceView, x: Mention, y: Mention, masked: list[str], rules: Cues, context: PairContext | None = None,
) -> list[str]:
    """Features of the list the pair stands in: its size, and the words that open and close it
    ("the initiative of A, B and C", "we thank A, B and C", "A and B signed"); or that either actor
    stands in a list without the other.

    >>> m = [Mention("QAT", "country", 2, 3), Mention("TUR", "country", 4, 5), Mention("OMN", "country", 6, 7)]
    >>> view = SentenceView(["we", "thank", "qatar", ",", "turkey", "and", "oman", "."], 0, 8, m, [])
    >>> list_features(view, m[0], m[1], _type_masked(view), load_cues())
    ['list:same_3', 'lhead:thank', 'lhead2:we thank', 'ltail:.', 'ltail2:.']
    """
    mentions = view.mentions
    words = rules.words
    context = context or PairContext.of(view, rules, masked=masked)
    starts, lists = context.starts, context.lists
    xs, ys = lists[bisect_left(starts, x.start)], lists[bisect_left(starts, y.start)]
    if xs != ys:
        return [f"list:{tag}_in_other" for tag, (first, last) in (("x", xs), ("y", ys)) if last > first]
    size = xs[1] - xs[0] + 1
    f = ["list:same_" + (str(size) if size < 4 else "4+")]
    opening, closing = mentions[xs[0]], mentions[xs[1]]
    head = [w for w in context.words(opening.start - 6, opening.start) if w != "the"][-2:]
    tail = context.words(closing.end, min(view.stop, closing.end + 3))[:2]
    f += ["lhead:" + head[-1], "lhead2:" + " ".join(head)] if head else ["lhead:^"]
    f += ["ltail:" + tail[0], "ltail2:" + " ".join(tail)] if tail else ["ltail:$"]
    return f


def _span_head(parse: Parse, m: Mention) -> int:
    """The syntactic head of a mention: its first token whose head lies outside it (or that is a root)."""
    for i in range(m.start, m.end):
        head = parse.heads[i]
        if head == i or not m.start <= head < m.end:
            return i
    return m.end - 1


def _ancestors(parse: Parse, i: int) -> list[int]:
    """``i`` and its heads up to its root (a malformed cycle stops where it repeats)."""
    chain, seen = [i], {i}
    while parse.heads[i] != i and parse.heads[i] not in seen:
        i = parse.heads[i]
        chain.append(i)
        seen.add(i)
    return chain


def dependency_features(parse: Parse | None, x: Mention, y: Mention) -> list[str]:
    """The dependency path between the heads of mentions ``x`` and ``y`` through their lowest common ancestor.

    ``dep_path:`` the arcs' labels from ``x`` up to the ancestor (``↑``), its own label, and down to
    ``y`` (``↓``); ``dep_path:long`` beyond :data:`DEP_PATH_MAX` arcs. ``dep_lca:`` the ancestor's lemma
    (``A`` or ``B`` when it is in a mention). ``dep_arcs:`` the number of arcs. Nothing without a
    parse, or when the two heads are in different trees.

    >>> parse = Parse([1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"], ["chile", "train", "peru", "."])
    >>> dependency_features(parse, Mention("CHL", "country", 0, 1), Mention("PER", "country", 2, 3))
    ['dep_path:nsubj↑ROOT↓dobj', 'dep_lca:train', 'dep_arcs:2']
    """
    if parse is None:
        return []
    up, down = _ancestors(parse, _span_head(parse, x)), _ancestors(parse, _span_head(parse, y))
    common = set(up).intersection(down)
    if not common:
        return []
    lca = next(i for i in up if i in common)
    rising, falling = up[: up.index(lca)], down[: down.index(lca)][::-1]
    arcs = len(rising) + len(falling)
    deps = parse.deps
    if arcs > DEP_PATH_MAX:
        path = "long"
    else:
        path = "".join(deps[i] + "↑" for i in rising) + deps[lca] + "".join("↓" + deps[i] for i in falling)
    where = "A" if x.start <= lca < x.end else "B" if y.start <= lca < y.end else parse.lemmas[lca]
    return ["dep_path:" + path, "dep_lca:" + where, "dep_arcs:" + _bucket(arcs)]


def sentence_candidates(
    doc: Doc | DocIndex, reading: SentenceReading, speaker: str = "", offset: int = 0,
    rules: Cues | None = None, capitals: frozenset[str] | None = None,
    sentences: ActorSentences | None = None, span: tuple[int, int] | None = None,
) -> list[Candidate]:
    """The candidate pairs of one sentence, each with its features.

    ``rules``, ``capitals``: the data the features read (:func:`pair_features`). ``sentences``:
    what each sentence of the whole document names and links, for the pair's document features
    (:class:`ActorSentences`; None: no such features), and ``span`` the sentence's offsets in that
    document (default: the reading's).

    ``offset``: characters of ``doc`` before ``reading.start`` that are not in it (when the Doc
    was made from a piece of a longer text). ``doc``: the Doc, or its :class:`DocIndex` when the
    caller reads several sentences of one Doc.
    """
    index = doc if isinstance(doc, DocIndex) else DocIndex(doc)
    if index.mention_count(reading.start - offset, reading.end - offset) < 2:
        return []
    view = index.view(reading.start - offset, reading.end - offset)
    nearest: dict[tuple[str, str], tuple[Mention, Mention]] = {}
    linked = {frozenset(p[:2]): p for p in reading.pairs}
    memberships = {frozenset(p) for p in reading.memberships}
    linked_only = reading.roll_call  # only the pairs a rule links, as extraction decides from reaches.pairwise_list
    actors = [m for m in view.mentions if m.type != GROUP]
    for i, x in enumerate(actors):
        for y in actors[i + 1 :]:
            if x.id == y.id:
                continue
            key = (x.id, y.id) if x.id < y.id else (y.id, x.id)
            if linked_only and frozenset(key) not in linked and frozenset(key) not in memberships:
                continue
            if key not in nearest or y.start - x.end < nearest[key][1].start - nearest[key][0].end:
                nearest[key] = (x, y)
    out = []
    if not nearest:
        return out
    masked = _type_masked(view)
    shared = sentence_features(view, masked)
    rules = rules or load_cues()
    context = PairContext.of(view, rules, capitals, masked)
    refused = {frozenset((c.a, c.b)): c.reasons for c in reading.candidates if not c.shape}
    for (x, y) in nearest.values():
        a, b, rule = linked.get(frozenset((x.id, y.id)), (x.id, y.id, ""))
        features = pair_features(view, reading, x, y, speaker, rule, frozenset((a, b)) in memberships, masked,
                                 rules, capitals, context)
        if not rule:
            features += refusal_features(refused.get(frozenset((a, b)), ()))
        features += dependency_features(index.parse, x, y)
        if sentences is not None:
            features += sentences.features(x.id, y.id, *(span or (reading.start, reading.end)))
        out.append(Candidate(a, b, genre_features(features, speech=bool(speaker)), rule, shared))
    return out


def refusal_features(reasons: Iterable[str]) -> list[str]:
    """The reasons the rules refused a pair no rule links (:class:`kg.extract.pairs.Candidate`), as
    features: how often such a pair is a partnership depends on why it was refused (a place or an
    adversary rarely is, a pair with no link word between more often), whatever words its sentence holds.

    >>> refusal_features(("co_recipients", "no_link"))
    ['refused:co_recipients', 'refused:no_link']
    """
    return ["refused:" + r for r in reasons]


def genre_features(features: list[str], speech: bool) -> tuple[str, ...]:
    """A pair's ``features``, with a copy of each but its words marked :data:`PROSE_PREFIX` outside a ``speech``.

    >>> genre_features(["rule:between", "btw:and"], speech=False)
    ('rule:between', 'btw:and', 'prose&rule:between')
    >>> genre_features(["rule:between", "btw:and"], speech=True)
    ('rule:between', 'btw:and')
    """
    if speech:
        return tuple(features)
    return (*features, *(PROSE_PREFIX + f for f in features if not f.startswith(WORD_PREFIXES)))


def blend(probabilities: numpy.ndarray, trees: numpy.ndarray, column: int, share: float) -> numpy.ndarray:
    """``probabilities`` (a row per pair) with ``column`` replaced by ``1 - share`` times itself plus ``share``
    times the ``trees``' probability of each pair: how the regression and the trees make one score.

    >>> blend(numpy.array([[0.2, 0.8]]), numpy.array([0.6]), 0, 0.5).tolist()
    [[0.4, 0.8]]
    """
    out = numpy.array(probabilities, dtype=float)
    out[:, column] = (1.0 - share) * out[:, column] + share * numpy.asarray(trees, dtype=float)
    return out


class PairModel:
    """A trained pair classifier: feature weights per relation and calibrated scores.

    The file is JSON (nothing in it is executed when loaded): ``relations``, ``bias`` (one
    per relation), ``weights`` (feature -> one weight per relation), ``calibration``
    (relation -> the points ``x``, ``y`` of a centred isotonic calibration, joined by straight
    lines: :func:`kg.train.isotonic`), ``thresholds`` (relation -> the
    calibrated probability from which a fact is written; ``linked`` and ``stated``: the
    lower ones of a pair a rule links, and of one with a type or activity stated too), and
    optionally ``trees``: gradient-boosted trees of a partnership (:class:`kg.trees.Trees`, with
    their ``share``), whose probability is averaged with the regression's into the raw
    partnership score that is calibrated.
    """

    def __init__(self, data: dict, digest: str = "") -> None:
        self.relations: tuple[str, ...] = tuple(data["relations"])
        self.bias: list[float] = data["bias"]
        self.calibration: dict[str, dict] = data.get("calibration", {})
        self.thresholds: dict[str, float] = data.get("thresholds", {})
        self.card: dict = data.get("card", {})
        # The weights are kept as one array (a row per feature), not as the file's lists of
        # floats, which take several times the memory in every worker.
        weights = data["weights"]
        stated = data.get("stated") or {}
        #: The partnership types and activities the stated model reads for a pair (its columns, in order).
        self.stated_types: tuple[str, ...] = tuple(stated.get("types", ()))
        self.stated_activities: tuple[str, ...] = tuple(stated.get("activities", ()))
        #: The probability from which the stated part gives a pair a type or activity: ``threshold``,
        #: or per genre (``speech``: a document with a speaker; ``document``) and layer (``types``,
        #: ``activities``) ``thresholds``; 1 or more: never.
        self.stated_threshold: float = stated.get("threshold", 1.0)
        self.stated_thresholds: dict = stated.get("thresholds", {})
        stated_weights = stated.get("weights", {})
        # The features are kept as copies: the parsed file's lists and floats are freed with ``data``, and
        # the memory they fill goes back to the system only where nothing the model keeps lies among them.
        self._rows = {f.encode().decode(): i for i, f in enumerate(weights)}
        trees = data.get("trees")
        #: The trees of a partnership beside the regression, and their share of its raw score.
        self.trees: Trees | None = Trees(trees) if trees else None
        self.tree_share: float = float(trees.get("share", 0.5)) if trees else 0.0
        if trees and (trees.get("relation", "partnership") != "partnership" or not 0.0 <= self.tree_share <= 1.0):
            raise ValueError("its trees are not of a partnership with a share between 0 and 1")
        # a feature only the stated model or the trees read gets a row of its own
        for f in chain(stated_weights, self.trees.features if self.trees else ()):
            if f not in self._rows:
                self._rows[f.encode().decode()] = len(self._rows)
        # the trees' column of each row's feature; -1 where they do not ask about it
        self._tree_column = numpy.full(len(self._rows), -1, dtype=numpy.intp)
        if self.trees:
            self._tree_column[[self._rows[f] for f in self.trees.features]] = numpy.arange(len(self.trees.features))
        # A row per feature: a column per relation, and in an array of its own one per stated type and
        # activity, which a build reads only for the pairs it accepts (the rows of a bag of features
        # are gathered from memory for each pair: the relations' alone are a fraction of both).
        self._matrix = numpy.zeros((len(self._rows), len(self.relations)))
        self._stated_matrix = numpy.zeros((len(self._rows), len(self.stated_types) + len(self.stated_activities)))
        if weights:
            self._matrix[: len(weights)] = numpy.array(list(weights.values()), dtype=float)
        self._bias = numpy.array(self.bias, dtype=float)
        for f, w in stated_weights.items():
            self._stated_matrix[self._rows[f]] = w
        self._stated_bias = numpy.array(stated.get("bias", []), dtype=float)
        #: sha256 of the model file: part of the build cache's fingerprint.
        self.digest = digest

    @property
    def weights(self) -> dict[str, list[float]]:
        """Feature -> its weight for each relation (made on each use)."""
        return {f: w for f, w in zip(self._rows, self._matrix.tolist()) if any(w)}

    @classmethod
    def load(cls, path: Path | str | None = None) -> "PairModel":
        """The model in ``path``, JSON or gzip-compressed JSON (default: the one shipped with kg)."""
        path = Path(path or DEFAULT_MODEL)
        try:
            raw = path.read_bytes()
            data = _parse_json(gzip.decompress(raw) if raw[:2] == _GZIP_MAGIC else raw)
        except (OSError, EOFError) as e:
            raise KgError(f"cannot read the pair model {path}: {(getattr(e, 'strerror', None) or str(e)).lower()}") from None
        except ValueError as e:
            raise KgError(f"{path} is not a pair model: {e}") from None
        missing = {"relations", "bias", "weights"} - set(data)
        if missing:
            raise KgError(f"{path} is not a pair model: no {', '.join(sorted(missing))}")
        try:
            return cls(data, hashlib.sha256(raw).hexdigest())
        except (KeyError, TypeError, ValueError) as e:
            raise KgError(f"{path} is not a pair model: {e}") from None

    def floor(self, rule: str, stated: bool, speech: bool = False) -> float:
        """The probability from which a pair is a partnership when a rule links it (``rule``) and a
        partnership type or activity is stated for it (``stated``); 1 when no rule links it, and in a
        ``speech`` (a document with a speaker).

        The floors are for news and reference prose, whose plain statements the model, learnt mostly
        from speeches, has few examples of; in speeches it reads better alone: held out, the pairs
        the floors add there are as often wrong as right.
        """
        if speech or not rule or rule == "membership":
            return 1.0
        linked = self.thresholds.get("linked", 1.0)
        return min(linked, self.thresholds.get("stated", linked)) if stated else linked

    def rows(self, features: Iterable[str]) -> set[int]:
        """The weight rows of the distinct ``features`` the model knows."""
        found = set(map(self._rows.get, features))
        found.discard(None)
        return found

    def linear(self, features: Iterable[str]) -> numpy.ndarray:
        """The sum of the weights of ``features`` (each counted once), one per relation."""
        found = list(self.rows(features))
        return self._matrix[found].sum(axis=0) if found else numpy.zeros(len(self.relations))

    def linear_sums(self, rows: list[int], sizes: list[int], stated: bool = False) -> numpy.ndarray:
        """The :meth:`linear` sums of bags of features at once, a row per bag (``stated``: the stated
        model's sums, a column per type and activity): bag ``i`` is the next ``sizes[i]`` of the
        weight ``rows``."""
        matrix = self._stated_matrix if stated else self._matrix
        sums = numpy.zeros((len(sizes), matrix.shape[1]))
        if rows:
            sizes_ = numpy.array(sizes, dtype=numpy.intp)
            filled = numpy.flatnonzero(sizes_)
            starts = (numpy.cumsum(sizes_) - sizes_)[filled]
            sums[filled] = numpy.add.reduceat(matrix[numpy.array(rows, dtype=numpy.intp)], starts, axis=0)
        return sums

    def stated_cuts(self, speech: bool = False) -> numpy.ndarray:
        """The probability from which the stated part gives a pair each of its columns (the types,
        then the activities) in a ``speech`` or another document; infinite where it never does.

        >>> model = PairModel({"relations": [], "bias": [], "weights": {}, "stated": {"types": ["alliance"],
        ...     "activities": ["basing"], "threshold": 0.2, "thresholds": {"document": {"activities": 1.0}}}})
        >>> model.stated_cuts(speech=True).tolist(), model.stated_cuts().tolist()
        ([0.2, 0.2], [0.2, inf])
        """
        chosen = self.stated_thresholds.get("speech" if speech else "document", {})
        cuts = [chosen.get(layer, self.stated_threshold)
                for layer, ids in (("types", self.stated_types), ("activities", self.stated_activities)) for _ in ids]
        return numpy.array([c if c < 1.0 else numpy.inf for c in cuts], dtype=float)

    def stated(self, linear: numpy.ndarray, speech: bool = False) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """The partnership types and activities the stated model reads for each row of
        :meth:`linear_sums` with ``stated``: those whose probability reaches its threshold
        (:meth:`stated_cuts`) in a ``speech`` or another document."""
        if not self._stated_matrix.shape[1]:
            return [((), ())] * len(linear)
        found = 1.0 / (1.0 + numpy.exp(-(linear + self._stated_bias))) >= self.stated_cuts(speech)
        n = len(self.stated_types)
        ids = self.stated_types + self.stated_activities
        return [(tuple(ids[k] for k in numpy.flatnonzero(row[:n])), tuple(ids[n + k] for k in numpy.flatnonzero(row[n:])))
                for row in found]

    def stated_probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """The stated model's probability of each type and activity for a pair of ``features``."""
        found = list(self.rows(features))
        z = self._stated_bias + (self._stated_matrix[found].sum(axis=0) if found else 0.0)
        return dict(zip(self.stated_types + self.stated_activities, (1.0 / (1.0 + numpy.exp(-z))).tolist()))

    def raw_scores(self, linear: numpy.ndarray) -> numpy.ndarray:
        """The regression's probabilities (softmax of the linear scores) of rows of :meth:`linear` sums, a row each."""
        z = self._bias + linear
        e = numpy.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def tree_probabilities(self, pairs: tuple[list[int], list[int]], shared: tuple[list[int], list[int]],
                           sentence_of: list[int]) -> numpy.ndarray:
        """The trees' probability of a partnership of each bag of :func:`decide`: bag ``i`` is the next
        ``sizes[i]`` of the ``pairs`` (weight rows, sizes), with the bag of ``shared`` of its sentence
        (``sentence_of[i]``)."""
        assert self.trees is not None
        trees = self.trees
        # the splits on a sentence's shared features are read once for all of its pairs
        sentences = trees.reach(*self._tree_entries(*shared), len(shared[1]))
        bags, columns = self._tree_entries(*pairs)
        sentence_of_ = numpy.asarray(sentence_of, dtype=numpy.intp)
        out = numpy.zeros(len(sentence_of_))
        for first in range(0, len(out), trees.BLOCK):  # a long document in blocks: the masks stay small
            last = min(first + trees.BLOCK, len(out))
            a, b = numpy.searchsorted(bags, (first, last))
            reach = trees.reach(bags[a:b] - first, columns[a:b], last - first, sentences[sentence_of_[first:last]])
            out[first:last] = trees.raw_of_reach(reach)
        return sigmoid(out)

    def _tree_entries(self, rows: list[int], sizes: list[int]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The (bag, trees' column) entries of the features the trees ask about among bags of weight ``rows``,
        bag ``i`` the next ``sizes[i]`` of them."""
        columns = self._tree_column[numpy.asarray(rows, dtype=numpy.intp)]
        bags = numpy.repeat(numpy.arange(len(sizes), dtype=numpy.intp), sizes)
        asked = columns >= 0
        return bags[asked], columns[asked]

    def with_trees(self, raw: numpy.ndarray, trees: numpy.ndarray) -> numpy.ndarray:
        """The regression's probabilities ``raw`` (:meth:`raw_scores`) with their partnership column averaged
        with the ``trees``' probabilities (:attr:`tree_share` theirs): the model's raw scores."""
        if self.trees is None or "partnership" not in self.relations:
            return raw
        return blend(raw, trees, self.relations.index("partnership"), self.tree_share)

    def parts(self, features: Iterable[str]) -> tuple[numpy.ndarray, float | None]:
        """The regression's probability of each relation for a pair of ``features``, and the trees'
        probability of a partnership (``None`` when the model has no trees)."""
        features = list(features)
        regression = self.raw_scores(self.linear(features)[None, :])[0]
        return regression, None if self.trees is None else float(self.trees.probability([features])[0])

    def scores(self, features: Iterable[str]) -> list[float]:
        """The raw score of each relation: the regression's probability (softmax of the linear scores),
        averaged with the trees' for a partnership when the model has trees."""
        return self.combined(*self.parts(features))

    def combined(self, regression: numpy.ndarray, trees: float | None) -> list[float]:
        """The raw score of each relation from a pair's :meth:`parts`."""
        if trees is None:
            return regression.tolist()
        return self.with_trees(regression[None, :], numpy.array([trees]))[0].tolist()

    def probability(self, relation: str, raw: float) -> float:
        """The calibrated probability of ``relation`` from its raw score."""
        steps = self.calibration.get(relation)
        if not steps:
            return raw
        xs, ys = steps["x"], steps["y"]
        i = bisect_left(xs, raw)
        if i <= 0:
            return ys[0]
        if i >= len(xs):
            return ys[-1]
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1

    def predict(self, features: Iterable[str]) -> dict[str, float]:
        """Calibrated probability of each relation the model has a calibration for, raw otherwise."""
        return self.calibrated(self.scores(features))

    def calibrated(self, raw: Iterable[float]) -> dict[str, float]:
        """The calibrated probability of each relation from its raw score (:meth:`scores`)."""
        return {r: round(self.probability(r, p), 4) for r, p in zip(self.relations, raw)}

    def weight(self, feature: str, relation: int) -> float:
        """The weight of ``feature`` for the relation at index ``relation``; 0 when the model does not know it."""
        row = self._rows.get(feature)
        return 0.0 if row is None else float(self._matrix[row, relation])

    def contributions(self, features: Iterable[str], relation: str = "partnership", top: int = 8) -> list[tuple[str, float]]:
        """The features that weigh most for or against ``relation``, largest first."""
        k = self.relations.index(relation)
        out = [(f, float(self._matrix[self._rows[f], k])) for f in set(features) if f in self._rows]
        return sorted(out, key=lambda fw: -abs(fw[1]))[:top]


class Decision(NamedTuple):
    """The model's reading of one candidate pair."""

    a: str
    b: str
    #: The calibrated probability that the sentence states a partnership of the pair.
    partnership: float
    #: The rule that links the pair, or "".
    rule: str
    #: A rule links the pair and a partnership type or activity is stated for it (not negated).
    stated: bool = False
    #: The sentence states a membership of the pair, or lists both as members and no rule links them.
    members: bool = False
    #: The probability from which this pair is a partnership whatever ``threshold`` says: the model's
    #: ``linked`` threshold when a rule links the pair, its ``stated`` one when a type or activity is
    #: stated for it too (the model alone misses plain statements: "X and Y signed a defence treaty").
    floor: float = 1.0
    #: The calibrated probability that the sentence states that one of the pair is a member of the other.
    membership: float = 0.0
    #: The partnership types and activities the model's stated part reads for the pair, beside the rules'.
    inferred: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    #: Both are places the sentence's activity is done in ("contingents in Namibia in 1989, in Rwanda
    #: in 1993"): neither acts with the other there.
    places: bool = False
    #: The model reads the pair as more likely hoped for than a partnership ("we hope that X and Y
    #: will sign a pact"): only the threshold, not a rule's floor, makes it a partnership.
    hoped: bool = False

    def accepted(self, threshold: float) -> bool:
        """Whether the pair is a partnership: p reaches ``threshold``, or :attr:`floor` when the
        model does not read it as hoped for; never a pair of members, nor two places of the
        sentence's activity."""
        if self.members or self.places:
            return False
        return self.partnership >= (threshold if self.hoped else min(threshold, self.floor))


def _parse_json(raw: bytes):
    """The JSON value of ``raw``, parsed by orjson; what orjson refuses (NaN, a byte-order mark,
    invalid JSON) by the standard library, which reads it or says why not."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


_MODELS: dict[str, PairModel] = {}


def load_model(path: Path | str | None = None) -> PairModel:
    """The model in ``path`` (default: the shipped one), read once per process."""
    key = str(Path(path or DEFAULT_MODEL).resolve())
    if key not in _MODELS:
        _MODELS[key] = PairModel.load(key)
    return _MODELS[key]


def pipeline_mismatch(model: PairModel, pipeline: dict) -> str:
    """One line saying why ``model``'s features do not match the pipeline ``pipeline`` describes
    (:func:`kg.nlp.describe_pipeline`): one of the two parses and the other does not; "" when they match.

    A model's card names the pipeline it was trained with (``spacy_pipeline``); a model without
    one was trained on kg's default pipeline, which does not parse.
    """
    trained = model.card.get("spacy_pipeline") or {}
    if pipeline.get("parses") is None or bool(trained.get("parses")) == pipeline["parses"]:
        return ""
    if trained.get("parses"):
        return (f"the pair model was trained with the dependency parse of the spaCy pipeline {trained.get('name')} "
                f"{trained.get('version')}, and the pipeline {pipeline.get('name')} {pipeline.get('version')} has no "
                f"parser: the model's dependency-path features never fire and its probabilities are not those it "
                f"was measured with (use --spacy-model {trained.get('name')})")
    return (f"the spaCy pipeline {pipeline.get('name')} {pipeline.get('version')} parses, but the pair model was "
            f"trained without a parse: its dependency-path features carry no weight (a model trained with "
            f"kg train --spacy-model uses them)")


def _stated(r: SentenceReading, c: Candidate) -> bool:
    """A rule links the pair and the sentence states a partnership type or activity for it, or gives
    it the occasion of a founding ("created at a summit of A, B and C"), which names no activity but is
    as sure a sign of the pair's dealings as a cue that does (the floors are learnt from the cues)."""
    return bool(c.rule) and (r.founded_at(c.a, c.b) or any(r.stated_for(c.a, c.b)))


def _members(r: SentenceReading, c: Candidate) -> bool:
    """The pair is a member and its organisation, or both are listed as members ("The SCO's members
    are A, B and C", "A, B and C joined later") and no rule links them: a membership, not a partnership."""
    if not r.memberships and not r.members_of_focus:
        return False
    pair = {c.a, c.b}
    if any(pair == {m, org} for m, org in r.memberships):
        return True
    return not c.rule and pair <= {m for m, _ in r.memberships}.union(r.members_of_focus)


def _places(r: SentenceReading, c: Candidate) -> bool:
    """Both of the pair are places the sentence's activity is done in: "police contingents ... in
    Namibia in 1989, in Rwanda in 1993" pairs neither with the other."""
    return c.a in r.hosts and c.b in r.hosts


def _decision(model: PairModel, r: SentenceReading, c: Candidate, partnership: float, membership: float,
              speaker: str, hoped: bool = False) -> Decision:
    """The :class:`Decision` of candidate ``c`` of reading ``r`` at the model's probabilities
    (``hoped``: the raw probability of ``proposed`` is above that of ``partnership``)."""
    stated = _stated(r, c)
    return Decision(c.a, c.b, partnership, c.rule, stated, _members(r, c), model.floor(c.rule, stated, bool(speaker)),
                    membership, places=_places(r, c), hoped=hoped)


def hoped_for(raw: numpy.ndarray, relations: Sequence[str] = RELATIONS) -> numpy.ndarray:
    """Per row of raw relation probabilities (a column per relation of ``relations``), whether the
    model reads the pair as more likely hoped for than a partnership: no rule floor accepts it
    (:meth:`Decision.accepted`).

    >>> hoped_for(numpy.array([[0.3, 0.6, 0.0, 0.0, 0.1], [0.5, 0.4, 0.0, 0.0, 0.1]])).tolist()
    [True, False]
    """
    if "proposed" not in relations or "partnership" not in relations:
        return numpy.zeros(len(raw), dtype=bool)
    return raw[:, list(relations).index("proposed")] > raw[:, list(relations).index("partnership")]


def _hoped(model: PairModel, raw: numpy.ndarray) -> list[bool]:
    """:func:`hoped_for` of rows of ``model``'s raw probabilities."""
    return hoped_for(raw, model.relations).tolist()


def decide(
    model: PairModel, doc: Doc, readings: list[SentenceReading], speaker: str = "", offset: int = 0,
    rules: Cues | None = None, capitals: frozenset[str] | None = None, threshold: float | None = None,
    sentences: ActorSentences | None = None, at: int = 0,
) -> list[list[Decision]]:
    """For each reading, its candidate pairs with the probability of a partnership.

    ``rules``, ``capitals``: the data the features read, from the build's data folder
    (:func:`pair_features`; default: the packaged data). ``threshold``: the partnership
    probability from which the caller writes a fact (:meth:`Decision.accepted`); the types and
    activities the model reads (:attr:`Decision.inferred`) are read for the pairs it accepts
    only (None: for every pair).

    ``offset``: characters before ``doc`` in the document (a piece of a longer text), as
    the readings' offsets are the document's. ``sentences``: what the sentences of the whole
    document name and link, when ``doc`` is one of its pieces read apart
    (:meth:`ActorSentences.joined`; default: those of ``readings``), and ``at`` where the readings'
    offsets start in it.
    """
    if not doc.spans.get(ENTITIES_KEY):
        return [[] for _ in readings]
    index = DocIndex(doc)
    sentences = sentences or ActorSentences.of(index, readings, offset)
    # Every candidate of the Doc is scored at once: its pair features' rows, plus the rows of its
    # sentence's shared features, summed once per sentence.
    found: list[tuple[int, SentenceReading, Candidate]] = []  # (reading, its reading, candidate)
    pair_rows: list[int] = []
    pair_sizes: list[int] = []
    shared_rows: list[int] = []
    shared_sizes: list[int] = []
    sentence_of: list[int] = []
    for i, r in enumerate(readings):
        candidates = sentence_candidates(index, r, speaker, offset, rules, capitals, sentences, (r.start + at, r.end + at))
        if not candidates:
            continue
        rows = model.rows(candidates[0].shared)
        shared_rows += rows
        shared_sizes.append(len(rows))
        for c in candidates:
            rows = model.rows(c.features)
            pair_rows += rows
            pair_sizes.append(len(rows))
            sentence_of.append(len(shared_sizes) - 1)
            found.append((i, r, c))
    out: list[list[Decision]] = [[] for _ in readings]
    if not found:
        return out
    linear = model.linear_sums(pair_rows, pair_sizes)
    linear += model.linear_sums(shared_rows, shared_sizes)[sentence_of]
    raw = model.raw_scores(linear)
    hoped = _hoped(model, raw)  # the regression's reading: the trees only tell a partnership from the rest
    if model.trees is not None:
        raw = model.with_trees(raw, model.tree_probabilities((pair_rows, pair_sizes), (shared_rows, shared_sizes),
                                                             sentence_of))
    partnership, membership = (
        [round(model.probability(relation, p), 4) for p in raw[:, model.relations.index(relation)].tolist()]
        if relation in model.relations else [0.0] * len(found)
        for relation in ("partnership", "membership")
    )
    decisions = [_decision(model, r, c, p, m, speaker, h)
                 for (_, r, c), p, m, h in zip(found, partnership, membership, hoped)]
    if model.stated_types or model.stated_activities:
        chosen = [k for k, d in enumerate(decisions) if threshold is None or d.accepted(threshold)]
        inferred = _stated_sums(model, chosen, (pair_rows, pair_sizes), (shared_rows, shared_sizes), sentence_of)
        for k, read in zip(chosen, model.stated(inferred, speech=bool(speaker))):
            decisions[k] = decisions[k]._replace(inferred=read)
    for (i, _, _), decision in zip(found, decisions):
        out[i].append(decision)
    return out


def _stated_sums(
    model: PairModel, chosen: list[int], pairs: tuple[list[int], list[int]], shared: tuple[list[int], list[int]],
    sentence_of: list[int],
) -> numpy.ndarray:
    """The stated model's :meth:`PairModel.linear_sums` of the ``chosen`` candidates of :func:`decide`:
    each one's bag of ``pairs`` (weight rows, bag sizes) plus its sentence's (``sentence_of``) bag of
    ``shared``, added in the order the relations' sums are."""
    def bags(rows: list[int], sizes: list[int], numbers: list[int]) -> tuple[list[int], list[int]]:
        firsts = list(accumulate(sizes, initial=0))
        return [row for n in numbers for row in rows[firsts[n] : firsts[n + 1]]], [sizes[n] for n in numbers]

    sums = model.linear_sums(*bags(*pairs, chosen), stated=True)
    sums += model.linear_sums(*bags(*shared, [sentence_of[k] for k in chosen]), stated=True)
    return sums


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the model did or did not write a partnership for one candidate pair."""

    sentence: int
    text: str
    a: str
    b: str
    rule: str
    probabilities: dict
    partnership: bool
    #: (feature, weight for a partnership), the largest first.
    reasons: list
    #: (partnership type or activity id, the words that state it).
    stated: list
    #: (dependency feature, its weight for a partnership; 0 when the model does not know it), with a parse.
    parse: list = field(default_factory=list)
    #: (partnership type or activity id, probability) the model's stated part reads for the pair.
    inferred: list = field(default_factory=list)
    #: The model reads the pair as more likely hoped for than a partnership (:attr:`Decision.hoped`).
    hoped: bool = False
    #: With a model that has trees, the raw probabilities of a partnership its average is made of:
    #: ``regression`` and ``trees``.
    parts: dict = field(default_factory=dict)
    #: Why no rule links the pair (``Candidate.reasons``: "stance", "place_list", "hoped_for" …).
    refused: tuple = ()


def _dependency_weights(model: PairModel, features: Iterable[str]) -> list[tuple[str, float]]:
    """The pair's dependency features (:func:`dependency_features`) with their weight for a partnership."""
    k = model.relations.index("partnership")
    return [(f, model.weight(f, k)) for f in features if f.startswith("dep_")]


def explain(
    doc: Doc, model: PairModel, speaker: str = "", top: int = 6,
    reader: SentenceReader | None = None, capitals: frozenset[str] | None = None,
) -> list[Explanation]:
    """Every candidate pair of ``doc`` with its probabilities, decision, main features and the
    partnership types and activities stated in its sentence with the words that carry them.

    ``reader``, ``capitals``: the sentence reader and the capitals of the build's data folder
    (default: the packaged data), so a pair is explained as that build reads it.

    >>> from kg.nlp import load_pipeline
    >>> [(e.a, e.b) for e in explain(load_pipeline()("Chile and Peru held joint exercises."), load_model())]
    [('CHL', 'PER')]
    """
    reader = reader or SentenceReader()
    readings = reader(doc)
    index = DocIndex(doc) if doc.spans.get(ENTITIES_KEY) else None
    sentences = ActorSentences.of(index, readings) if index is not None else None
    threshold = model.thresholds.get("partnership", 0.5)
    out = []
    for r in readings:
        if index is None:
            break
        view = index.view(r.start, r.end)
        refused = {frozenset((k.a, k.b)): k.reasons for k in r.candidates if not k.shape}
        for c in sentence_candidates(index, r, speaker, rules=reader.rules, capitals=capitals,
                                     sentences=sentences):
            types, activities = r.stated_for(c.a, c.b)
            stated: dict[str, str] = {}  # id -> the longest words that state it
            for _, cue_id, start, end in view.cues:
                if cue_id and cue_id in (*types, *activities) and end - start > len(stated.get(cue_id, "").split()):
                    stated[cue_id] = doc[start:end].text
            for type_id in r.given_for(c.a, c.b)[0]:
                stated.setdefault(type_id, "members of one body: " + ", ".join(r.body))
            regression, trees = model.parts(c.all_features)
            p = model.calibrated(model.combined(regression, trees))
            hoped = _hoped(model, regression[None, :])[0]
            parts = {} if trees is None else {
                "regression": round(float(regression[model.relations.index("partnership")]), 4),
                "trees": round(trees, 4)}
            decision = _decision(model, r, c, p.get("partnership", 0.0), p.get("membership", 0.0), speaker, hoped)
            inferred = [(i, round(q, 2)) for (i, q), cut in zip(model.stated_probabilities(c.all_features).items(),
                                                                 model.stated_cuts(bool(speaker))) if q >= cut]
            out.append(Explanation(r.index, r.text, c.a, c.b, c.rule, p, decision.accepted(threshold),
                                   model.contributions(c.all_features, top=top), list(stated.items()),
                                   _dependency_weights(model, c.features), inferred, hoped, parts,
                                   () if c.rule else refused.get(frozenset((c.a, c.b)), ())))
    return out
