"""The spaCy pipeline: sentence boundaries, lemmas, entity and cue annotation.

The embedded default is ``spacy.blank("en")`` plus rule components, so nothing
is downloaded. ``spacy_model`` loads any installed pipeline instead and adds
the same rule components to it.

Annotations the later stages read (spaCy annotates; ``kg.extract`` reads):

- ``doc.spans["kg_entities"]``: actor mentions, ``label_`` = entity type
  (``country``/``organization``/``group``/``non_actor``), ``id_`` = canonical id.
- ``doc.spans["kg_cues"]``: cue phrases, ``label_`` = cue kind
  (``activity``, ``partnership_type``, ``cooperation``, ``hostile``, ...),
  ``id_`` = the ontology concept for activities and partnership types.

>>> nlp = load_pipeline()
>>> doc = nlp("Qatar and Turkey held joint exercises.")
>>> [(s.text, s.id_) for s in doc.spans["kg_entities"]]
[('Qatar', 'QAT'), ('Turkey', 'TUR')]
"""
from __future__ import annotations

import functools
import re
import threading
import warnings
import weakref
from pathlib import Path
from typing import Callable, Iterable

import numpy
import spacy
from rapidfuzz.distance import OSA
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_TITLE, LEMMA, LOWER, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Lemmatizer, Sentencizer, SpanRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_chain_spans
from spacy.vocab import Vocab

from kg.errors import OptionError
from kg.gazetteer import COUNTRY, DATA_DIR, load_gazetteer
from kg.ontology import Ontology, load_cues, load_ontology

ENTITIES_KEY = "kg_entities"
CUES_KEY = "kg_cues"

#: Hyphens joining an abbreviation to a name: "U.S.-Saudi" -> U.S. / - / Saudi.
_ABBREVIATION_HYPHEN = r"(?<=\.)[-–—](?=[A-Z])"


class _WordTable:
    """``LOWER``, ``NORM`` and the ``IS_*`` flags of every word type read from one Vocab, a row each.

    They are attributes of the word's lexeme, not of the token: spaCy sets them
    when it first sees the word and kg never changes them, so each word type is
    read once per Vocab. Words are found by their ORTH ids in a sorted array (a
    binary search for all of a Doc's words at once), not one dict lookup each.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.orths = numpy.zeros(0, dtype="uint64")  # ORTH ids of the words read, sorted
        self.rows = numpy.zeros(0, dtype=numpy.intp)  # the row of each
        self.values = numpy.zeros((4096, 3), dtype="uint64")  # per row: LOWER, NORM, flags
        self.size = 0  # rows in use
        self.derived: dict[object, numpy.ndarray] = {}  # see WordColumns.derived

    def rows_of(self, words: numpy.ndarray) -> numpy.ndarray:
        """The rows of ``words`` (sorted, distinct ORTH ids), reading the words not read before."""
        at = numpy.searchsorted(self.orths, words)
        new = words[self.orths[numpy.minimum(at, len(self.orths) - 1)] != words] if len(self.orths) else words
        if len(new):
            self._add(new)
            at = numpy.searchsorted(self.orths, words)
        return self.rows[at]

    def _add(self, orths: numpy.ndarray) -> None:
        rows = numpy.arange(self.size, self.size + len(orths))
        self.size += len(orths)
        while self.size > len(self.values):
            self.values = numpy.concatenate([self.values, numpy.zeros_like(self.values)])
        self.values[rows] = [(lex.lower, lex.norm, lex.flags) for lex in map(self.vocab.__getitem__, orths.tolist())]
        at = numpy.searchsorted(self.orths, orths)
        self.orths = numpy.insert(self.orths, at, orths)
        self.rows = numpy.insert(self.rows, at, rows)


# This thread's word table, of the Vocab it last read (one pipeline per thread in kg's engines).
_tables = threading.local()


def _word_table(vocab: Vocab) -> _WordTable:
    table = getattr(_tables, "table", None)
    if table is None or table.vocab is not vocab:
        table = _tables.table = _WordTable(vocab)
    return table


class WordColumns:
    """A Doc's tokens as word types: ``orth`` per token, its distinct ``words`` and ``inverse``.

    Attributes of the word type (``ORTH``, ``LOWER``, ``IS_PUNCT``…) are the
    same for every token of one ``ORTH``, so kg's components test them on a
    Doc's distinct words (:meth:`of_words`) and spread the answer to the tokens
    by ``inverse``, instead of each reading its own per-token columns. Made
    once per Doc by :func:`word_columns`.
    """

    def __init__(self, doc: Doc) -> None:
        self.orth = doc.to_array(ORTH)
        self.words, self.inverse = numpy.unique(self.orth, return_inverse=True)
        self._table = _word_table(doc.vocab)
        self._rows = self._table.rows_of(self.words)
        self._values = self._table.values[self._rows]  # LOWER, NORM, flags of each of words

    def of_words(self, attr: int) -> numpy.ndarray:
        """``attr`` (``ORTH``, ``LOWER``, ``NORM`` or an ``IS_*`` flag) of each of ``words``'
        lexemes, as ``Doc.to_array`` gives it (``NORM``: unless a token has its own)."""
        if attr == ORTH:
            return self.words
        if attr in (LOWER, NORM):
            return self._values[:, 0 if attr == LOWER else 1]
        if 0 <= attr < 64:
            return (self._values[:, 2] >> numpy.uint64(attr)) & numpy.uint64(1)
        raise ValueError(f"not a word-type attribute: {attr}")

    def derived(self, key: object, derive: Callable[[numpy.ndarray], numpy.ndarray]) -> numpy.ndarray:
        """Per distinct word, a uint64 value that depends on the word type alone, kept in
        the vocabulary's word table under ``key`` (0 stands for not known yet):
        ``derive(indices)`` gives it for the ``words`` at ``indices`` that lack it."""
        known = self._table.derived.get(key)
        if known is None or len(known) < len(self._table.values):
            grown = numpy.zeros(len(self._table.values), dtype="uint64")
            if known is not None:
                grown[: len(known)] = known
            known = self._table.derived[key] = grown
        values = known[self._rows]
        missing = numpy.flatnonzero(values == 0)
        if len(missing):
            values[missing] = derive(missing)
            known[self._rows[missing]] = values[missing]
        return values

    def column(self, attr: int) -> numpy.ndarray:
        """``attr`` of every token: ``doc.to_array(attr)`` for a word-type attribute."""
        return self.orth if attr == ORTH else self.of_words(attr)[self.inverse]


#: Word columns of the Docs being processed, made by the first component that asks.
_doc_columns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def word_columns(doc: Doc) -> WordColumns:
    """``doc``'s :class:`WordColumns`, read on first use and kept while the Doc lives.

    Read again if the Doc's length changed (a retokenizer merged or split tokens).
    """
    columns = _doc_columns.get(doc)
    if columns is None or len(columns.orth) != len(doc):
        columns = _doc_columns[doc] = WordColumns(doc)
    return columns


#: Docs shorter than this (the rulers' phrase patterns) are lemmatised token by token:
#: on a few tokens, numpy's cost per call outweighs what arrays save.
_FEW_TOKENS = 32


class NormLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer keyed on the token's norm.

    Looking up the norm rather than the text makes lemmas independent of case
    and of British/American spelling ("Defence programmes" -> "defense program"),
    so one cue in the data files matches every variant.
    """

    def lookup_lemmatize(self, token) -> list[str]:
        return [self.norm_lemma(token.norm_)]

    def norm_lemma(self, norm: str) -> str:
        """The lemma of a token whose norm is ``norm``."""
        table = self.lookups.get_table("lemma_lookup", {})
        lemma = table.get(norm)
        if lemma is None:
            # Regular plurals the table lacks ("corvettes"): cues and text are lemmatised alike.
            regular_plural = len(norm) > 4 and norm.endswith("s") and not norm.endswith(("ss", "us", "is"))
            lemma = norm[:-1] if regular_plural and norm.isalpha() else norm
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        """Set every token's lemma, looked up once per distinct norm and written as an array."""
        if self.mode != "lookup" or not self.overwrite or not len(doc):
            return super().__call__(doc)
        table = self.lookups.get_table("lemma_lookup", {})
        if getattr(self, "_lemma_table", None) is not table:  # lemma id by norm id, per table
            self._lemma_table, self._lemma_ids, self._word_lemmas = table, _LemmaIds(self), object()
        lemma_ids = self._lemma_ids
        lemma_ids.strings = doc.vocab.strings
        if len(doc) < _FEW_TOKENS:
            for token in doc:
                token.lemma = lemma_ids[token.norm]
            return doc
        # A token's norm is its lexeme's unless the tokenizer gave it its own ("n't": "not"):
        # lemmas are kept per word type, and looked up for the tokens with a norm of their own.
        columns = word_columns(doc)
        word_norms = columns.of_words(NORM)
        word_lemmas = columns.derived(self._word_lemmas, lambda words: _lemma_column(lemma_ids, word_norms[words]))
        lemmas = word_lemmas[columns.inverse]
        norms = doc.to_array(NORM)
        own = numpy.flatnonzero(norms != word_norms[columns.inverse])
        lemmas[own] = _lemma_column(lemma_ids, norms[own])
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


def _lemma_column(lemma_ids: _LemmaIds, norms: numpy.ndarray) -> numpy.ndarray:
    return numpy.fromiter(map(lemma_ids.__getitem__, norms.tolist()), dtype="uint64", count=len(norms))


class _LemmaIds(dict):
    """Lemma string ids by norm string id: a norm not seen before is lemmatised and added."""

    def __init__(self, lemmatizer: NormLemmatizer) -> None:
        super().__init__()
        self.lemmatizer = lemmatizer
        self.strings = lemmatizer.vocab.strings  # of the Doc being lemmatised

    def __missing__(self, norm: int) -> int:
        lemma = self[norm] = self.strings.add(self.lemmatizer.norm_lemma(self.strings[norm]))
        return lemma


@Language.factory("kg_lemmatizer", default_config={"mode": "lookup", "overwrite": True, "model": None})
def make_kg_lemmatizer(nlp: Language, name: str, model, mode: str, overwrite: bool) -> NormLemmatizer:
    """Factory of :class:`NormLemmatizer`."""
    return NormLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


class ArraySentencizer(Sentencizer):
    """spaCy's rule-based ``Sentencizer`` with the same sentence starts found as arrays.

    spaCy's steps through every token in Python; this tests ``ORTH`` and
    ``IS_PUNCT`` on the Doc's distinct words (:class:`WordColumns`). A word (a
    token neither punctuation nor a sentence-final character) starts a
    sentence when a sentence-final character stands between it and the
    previous word, exactly as in spaCy's loop.
    """

    def predict(self, docs):
        """Per Doc, a boolean array: which tokens start a sentence."""
        return [self._starts(doc) for doc in docs]

    def _starts(self, doc: Doc) -> numpy.ndarray:
        starts = numpy.zeros(len(doc), dtype=bool)
        if not len(doc):
            return starts
        if getattr(self, "_final_chars", None) != self.punct_chars:  # their ORTH ids, once per set
            self._final_chars = set(self.punct_chars)
            self._final_ids = numpy.array([get_string_id(c) for c in self._final_chars], dtype="uint64")
        columns = word_columns(doc)
        final_word = numpy.isin(columns.words, self._final_ids)
        final = final_word[columns.inverse]
        words = numpy.flatnonzero(~(final_word | (columns.of_words(IS_PUNCT) == 1))[columns.inverse])
        finals_seen = numpy.cumsum(final)[words]  # sentence-final characters up to each word
        previous = numpy.concatenate(([0], finals_seen[:-1]))
        starts[words[finals_seen > previous]] = True
        starts[0] = True
        return starts

    def set_annotations(self, docs, batch_tag_ids) -> None:
        """Write the starts (1) and non-starts (-1) as one array per Doc, keeping set ones unless ``overwrite``."""
        for doc, starts in zip([docs] if isinstance(docs, Doc) else docs, batch_tag_ids):
            if not len(doc):
                continue
            values = numpy.where(numpy.asarray(starts, dtype=bool), 1, -1).astype("int64")
            if not self.overwrite:
                current = doc.to_array(SENT_START).astype("int64")
                values = numpy.where(current != 0, current, values)
            doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))


@Language.factory(
    "kg_sentencizer",
    default_config={"punct_chars": None, "overwrite": False, "scorer": {"@scorers": "spacy.senter_scorer.v1"}},
)
def make_kg_sentencizer(nlp: Language, name: str, punct_chars, overwrite: bool, scorer) -> ArraySentencizer:
    """Factory of :class:`ArraySentencizer` (the config of spaCy's ``sentencizer``)."""
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break (headings, list items)."""
    # Only the Doc's few distinct white-space words are looked at in Python.
    columns = word_columns(doc)
    spaces = numpy.flatnonzero(columns.of_words(IS_SPACE))
    breaks = numpy.zeros(len(columns.words), dtype=bool)
    breaks[[i for i in spaces.tolist() if "\n" in doc.vocab.strings[int(columns.words[i])]]] = True
    after_breaks = numpy.flatnonzero(breaks[columns.inverse[:-1]]) + 1
    if not len(after_breaks):
        return doc
    starts = doc.to_array(SENT_START)
    starts[after_breaks] = 1
    doc.from_array([SENT_START], starts.reshape(-1, 1))
    return doc


class FuzzyCountryLinker:
    """Link misspelt country names ("Pakisatn") by edit distance.

    Only capitalised words that no gazetteer pattern matched, that are not in a
    stop list of real words close to a country's name, and that are within one
    edit (two for long names) of a country name with the same first letter.
    """

    def __init__(self, names: dict[str, str], stoplist: Iterable[str], min_length: int = 6) -> None:
        # A five-letter name is reachable by one inserted letter ("Quatar" -> Qatar).
        self.names = {n: i for n, i in names.items() if len(n) >= min_length - 1}
        self.stoplist = frozenset(stoplist)
        self.min_length = min_length
        self._by_initial: dict[str, list[str]] = {}
        self._by_orth: dict[int, str | None] = {}  # link() of a word by its ORTH id
        for name in self.names:
            self._by_initial.setdefault(name[0], []).append(name)

    @functools.lru_cache(maxsize=65536)
    def link(self, word: str) -> str | None:
        """Canonical id for a misspelt country name, or None."""
        if len(word) < self.min_length or word in self.stoplist or word in self.names:
            return None
        limit = 1 if len(word) <= 8 else 2
        best: tuple[int, str] | None = None
        for name in self._by_initial.get(word[0], ()):
            if abs(len(name) - len(word)) > limit:
                continue
            dist = OSA.distance(word, name, score_cutoff=limit)
            if dist <= limit and (best is None or dist < best[0]):
                best = (dist, name)
        return self.names[best[1]] if best else None

    def link_words(self, words: list[int], strings) -> dict[int, str]:
        """Canonical ids of the words (ORTH ids) that are misspelt country names."""
        linked = {}
        for orth in words:
            entity_id = self._by_orth.get(orth, False)
            if entity_id is False:
                entity_id = self._by_orth[orth] = self.link(strings[orth])
            if entity_id:
                linked[orth] = entity_id
        return linked

    def __call__(self, doc: Doc) -> Doc:
        # Only the Doc's distinct title-case alphabetic words are candidates.
        columns = word_columns(doc)
        candidates = columns.words[(columns.of_words(IS_TITLE) & columns.of_words(IS_ALPHA)) == 1]
        linked = self.link_words(candidates.tolist(), doc.vocab.strings)
        if not linked:
            return doc
        spans = list(doc.spans.get(ENTITIES_KEY, []))
        covered = {i for s in spans for i in range(s.start, s.end)}
        added = False
        for i in numpy.flatnonzero(numpy.isin(columns.orth, list(linked))).tolist():
            if i not in covered:
                spans.append(Span(doc, i, i + 1, label=COUNTRY, span_id=linked[int(columns.orth[i])]))
                added = True
        if added:
            doc.spans[ENTITIES_KEY] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc


@Language.factory("kg_fuzzy_linker", default_config={"data_dir": str(DATA_DIR)})
def make_fuzzy_linker(nlp: Language, name: str, data_dir: str) -> FuzzyCountryLinker:
    """Factory of :class:`FuzzyCountryLinker` from the gazetteer in ``data_dir``."""
    path = Path(data_dir) / "fuzzy_stoplist.txt"
    stoplist = path.read_text(encoding="utf-8").split() if path.exists() else []
    return FuzzyCountryLinker(load_gazetteer(Path(data_dir)).country_names(), stoplist)


#: Token attributes a pattern's anchor token may test, and the Doc columns they read.
_ANCHOR_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM}
#: Those of them that are attributes of the word type (read from :class:`WordColumns`).
_WORD_TYPE_ATTRS = frozenset({"LOWER", "ORTH", "TEXT"})


def _anchor(pattern: list[dict]) -> tuple[int, str, list[str], int] | None:
    """``(offset, attribute, values, longest)`` of a token pattern, or None.

    The anchor is the first token that must equal one of a few strings (``LOWER``,
    ``LEMMA``...), with only single tokens before it (``offset`` of them), so a
    match can only start ``offset`` tokens before a token with one of those
    values; ``longest`` is the most tokens a match can span. None when a
    pattern has no such token or an unbounded operator (``*``, ``+``).
    """
    longest, anchor = 0, None
    for position, token in enumerate(pattern):
        op = token.get("OP", "")
        if op in ("*", "+", "!"):
            return None
        bounds = re.fullmatch(r"\{(\d*),(\d+)\}|\{(\d+)\}", op) if op.startswith("{") else None
        if op.startswith("{") and not bounds:
            return None
        longest += int(bounds.group(2) or bounds.group(3)) if bounds else 1
        if anchor is None and not op:
            for key, value in token.items():
                values = value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else [value]
                if key.upper() in _ANCHOR_ATTRS and all(isinstance(v, str) for v in values):
                    anchor = (position, key.upper(), list(values))
                    break
        if anchor is None and op:
            return None  # a variable-width token before any anchor
    return (*anchor, longest) if anchor else None


def _required_words(pattern: list[dict], anchor: int) -> list[tuple[str, frozenset[int]]]:
    """``(attribute, word ids)`` of every token of ``pattern`` other than the ``anchor``-th that
    must be there (no operator) and must equal one of a few strings: a match holds each of them."""
    required = []
    for position, token in enumerate(pattern):
        if position == anchor or token.get("OP"):
            continue
        for key, value in token.items():
            values = value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else [value]
            if key.upper() in _ANCHOR_ATTRS and all(isinstance(v, str) for v in values):
                required.append((key.upper(), frozenset(get_string_id(v) for v in values)))
                break
    return required


class AnchoredMatcher:
    """A ``Matcher`` run only around the tokens where a match can start.

    spaCy's ``Matcher`` steps every pattern through every token; kg's few token
    patterns each begin with (or soon reach) a token of a short word list, so
    the matches are the ones the wrapped matcher finds in windows around those
    tokens, found as arrays. A window is kept only if it also holds the
    pattern's other required words ("hold ... exercise": an "exercise"), so
    common anchors ("hold", "provide") rarely run the matcher. Same matches, a
    fraction of the time; patterns without such an anchor make it match the
    whole Doc as before.
    """

    def __init__(self, matcher, patterns: list[list[dict]]) -> None:
        self.matcher = matcher
        anchors = [_anchor(p) for p in patterns]
        self.anchors = None if None in anchors else anchors
        # attribute -> anchor word id -> (offset, longest, required words) of the patterns it anchors
        self._by_anchor: dict[str, dict[int, list]] = {}
        for pattern, (offset, attr, values, longest) in zip(patterns, self.anchors or ()):
            window = (offset, longest, _required_words(pattern, offset))
            for value in values:
                self._by_anchor.setdefault(attr, {}).setdefault(get_string_id(value), []).append(window)
        self._anchor_ids = {attr: IdSet(ids) for attr, ids in self._by_anchor.items()}
        read = set(self._by_anchor) | {a for windows in self._by_anchor.values() for w in windows.values()
                                       for _, _, required in w for a, _ in required}
        self._columns = sorted(read)

    def __getattr__(self, name):
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)

    def __call__(self, doc: Doc, **kwargs):
        if self.anchors is None or kwargs or not len(doc) or not len(self.matcher):
            return self.matcher(doc, **kwargs)
        types = word_columns(doc)
        columns = {a: types.column(_ANCHOR_ATTRS[a]) if a in _WORD_TYPE_ATTRS else doc.to_array(_ANCHOR_ATTRS[a])
                   for a in self._columns}
        windows = []
        for attr, by_id in self._by_anchor.items():
            column = columns[attr]
            if attr in _WORD_TYPE_ATTRS:  # tested on the Doc's distinct words
                is_anchor = self._anchor_ids[attr].contains(types.of_words(_ANCHOR_ATTRS[attr]))[types.inverse]
            else:
                is_anchor = self._anchor_ids[attr].contains(column)
            anchors = numpy.flatnonzero(is_anchor)
            for i, anchor in zip(anchors.tolist(), column[anchors].tolist()):
                for offset, longest, required in by_id[anchor]:
                    start, end = i - offset, min(len(doc), i - offset + longest)
                    if start < 0:
                        continue
                    for need, ids in required:
                        if ids.isdisjoint(columns[need][start:end].tolist()):
                            break
                    else:
                        windows.append((start, end))
        matches = []
        for start, end in _merge(sorted(windows)):
            matches += [(m, start + a, start + b) for m, a, b in self.matcher(doc[start:end])]
        return matches


class IdSet:
    """A fixed set of string ids (64-bit hashes) that tests whole columns for membership.

    ``numpy.isin`` sorts the column for a set of more than a few dozen ids; a
    table of the ids' low 16 bits rules out nearly every value at once, and
    only the few that pass it are compared with the ids themselves.
    """

    def __init__(self, ids) -> None:
        self.ids = numpy.array(sorted(ids), dtype="uint64")
        self._low = numpy.zeros(1 << 16, dtype=bool)
        self._low[self.ids & numpy.uint64(0xFFFF)] = True

    def contains(self, column: numpy.ndarray) -> numpy.ndarray:
        """Per value of the uint64 ``column``: whether it is one of the ids."""
        found = self._low[column & numpy.uint64(0xFFFF)]
        maybe = numpy.flatnonzero(found)
        if len(maybe):
            found[maybe] = numpy.isin(column[maybe], self.ids)
        return found


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` windows with the overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class TupleSpanRuler(SpanRuler):
    """spaCy's ``SpanRuler`` that deduplicates and sorts its matches as tuples, then makes Spans.

    ``SpanRuler.match`` makes a Span of every match, puts them in a set and sorts
    them, comparing Spans in Python; cue words match thousands of times a
    document. Tuples ``(start, end, label, id)`` sort in the same order (a
    Span sorts by its character offsets, which grow with its token offsets,
    then label and id) and give the same set, so the Spans are the same.
    With the first-longest filter (the entity ruler's), the matches are
    filtered as tuples too, and Spans made only of the ones kept.
    """

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.spans[key]`` to the (filtered) matches, as ``SpanRuler`` does."""
        replaces = self.key and (self.overwrite or self.key not in doc.spans) and not self.annotate_ents
        if not (replaces and self.spans_filter is filter_chain_spans):
            return super().__call__(doc)
        try:
            doc.spans[self.key] = self._spans(doc, _first_longest(self._matches(doc)))
            return doc
        except Exception as e:
            return self.get_error_handler()(self.name, self, [doc], e)

    def match(self, doc: Doc) -> list[Span]:
        """The sorted, deduplicated Spans of every pattern match in ``doc``."""
        return self._spans(doc, self._matches(doc))

    @staticmethod
    def _spans(doc: Doc, matches: list[tuple[int, int, int, int]]) -> list[Span]:
        return [Span(doc, start, end, label=label, span_id=span_id) for start, end, label, span_id in matches]

    def _matches(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """``(start, end, label, id)`` of every pattern match in ``doc``, deduplicated and sorted."""
        self._require_patterns()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = list(self.matcher(doc)) + list(self.phrase_matcher(doc))
        if getattr(self, "_label_ids", None) is None:
            self._label_ids = _LabelIds(self._match_label_id_map)
        label_ids = self._label_ids
        label_ids.strings = doc.vocab.strings
        unique = {(start, end, *label_ids[match_id]) for match_id, start, end in matches if start != end}
        return sorted(unique)


class _LabelIds(dict):
    """``(label, id)`` string ids by match id, filled on a match id's first match
    (a match id stands for one label and id for good)."""

    def __init__(self, match_label_id_map: dict) -> None:
        super().__init__()
        self.entries = match_label_id_map
        self.strings = None  # of the Doc being matched

    def __missing__(self, match_id: int) -> tuple[int, int]:
        entry = self.entries[match_id]
        ids = self[match_id] = (self.strings.add(entry["label"]), self.strings.add(entry["id"]))
        return ids


def _first_longest(matches: list[tuple]) -> list[tuple]:
    """spaCy's ``filter_spans`` on sorted ``(start, end, …)`` tuples: of overlapping
    matches the longest (then the first) is kept; the kept ones in start order."""
    kept, seen = [], set()
    for match in sorted(matches, key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
        start, end = match[0], match[1]
        if start not in seen and end - 1 not in seen:
            kept.append(match)
            seen.update(range(start, end))
    return sorted(kept, key=lambda m: m[0])


@Language.factory("kg_span_ruler", assigns=["doc.spans"], default_config={
    "spans_key": "ruler", "spans_filter": None, "annotate_ents": False,
    "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}, "phrase_matcher_attr": None,
    "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"}, "validate": False, "overwrite": True,
    "scorer": {"@scorers": "spacy.overlapping_labeled_spans_scorer.v1", "spans_key": "ruler"},
})
def make_kg_span_ruler(
    nlp: Language, name: str, spans_key, spans_filter, annotate_ents: bool, ents_filter, phrase_matcher_attr,
    matcher_fuzzy_compare, validate: bool, overwrite: bool, scorer,
) -> TupleSpanRuler:
    """Factory of :class:`TupleSpanRuler` (the config of spaCy's ``span_ruler``)."""
    return TupleSpanRuler(
        nlp, name, spans_key=spans_key, spans_filter=spans_filter, annotate_ents=annotate_ents, ents_filter=ents_filter,
        phrase_matcher_attr=phrase_matcher_attr, matcher_fuzzy_compare=matcher_fuzzy_compare, validate=validate,
        overwrite=overwrite, scorer=scorer,
    )


class WarmCacheTokenizer:
    """spaCy's tokenizer with its chunk cache filled: the same tokens, about 2.5x as fast on speeches.

    spaCy's ``Tokenizer`` caches how it split each whitespace-delimited chunk,
    but it stops caching for the rest of a text once the text holds a
    tokenizer exception ("Mr.", "U.S.", "can't": spaCy issue #13950) and keeps
    10,000 chunks at most, so on real prose nearly every chunk is split again
    with the affix regexes. This wrapper tokenises each chunk it has not seen
    alone first (one exception then spoils no other chunk's entry), with room
    for ``max_cache_size`` chunks, and then calls the wrapped tokenizer on the
    whole text, which finds the chunks in its cache. The cache holds only what
    spaCy itself would cache, so the tokens are the same.

    Everything else (``explain``, ``rules``, ``to_disk``...) is the wrapped
    tokenizer's; changing its rules through the wrapper starts the warm-up over.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> text = "Mr. Smith met U.S. envoys (twice) in Paris."
    >>> [t.text for t in WarmCacheTokenizer(nlp.tokenizer)(text)] == [t.text for t in nlp.tokenizer(text)]
    True
    """

    def __init__(self, tokenizer, max_cache_size: int = 1_000_000) -> None:
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, max_cache_size)
        object.__setattr__(self, "tokenizer", tokenizer)
        object.__setattr__(self, "seen", set())

    def __call__(self, text: str) -> Doc:
        """The wrapped tokenizer's Doc of ``text``, its new chunks cached first."""
        seen, tokenize = self.seen, self.tokenizer
        # in a memory zone spaCy caches nothing, so nothing is warmed (nor marked seen)
        if len(seen) < tokenize.max_cache_size and not tokenize.vocab.in_memory_zone:
            # in order of appearance, not set order: the vocabulary grows the same way every run
            new = [chunk for chunk in dict.fromkeys(text.split()) if chunk not in seen]
            for chunk in new:
                tokenize(chunk)
            seen.update(new)
        return tokenize(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        """Tokenise a stream of texts."""
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)

    def __setattr__(self, name: str, value) -> None:
        # new rules flush spaCy's cache: chunks seen before are no longer in it
        setattr(self.tokenizer, name, value)
        self.seen.clear()

    def add_special_case(self, string: str, substrings) -> None:
        """Add a tokenizer exception to the wrapped tokenizer (see spaCy's ``Tokenizer.add_special_case``)."""
        self.tokenizer.add_special_case(string, substrings)
        self.seen.clear()

    def __reduce__(self):
        return (type(self), (self.tokenizer, self.tokenizer.max_cache_size))


def _add_abbreviation_hyphen(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes) + [_ABBREVIATION_HYPHEN]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


#: spaCy's English spelling norms ("defence" -> "defense") from spacy-lookups-data.
_NORM_LOOKUPS = {"@misc": "spacy.LookupsDataLoader.v1", "lang": "en", "tables": ["lexeme_norm"]}


def _base_pipeline(spacy_model: str | None) -> Language:
    if spacy_model is None:
        return spacy.blank("en", config={"initialize": {"lookups": _NORM_LOOKUPS}})
    try:
        return spacy.load(spacy_model)
    except OSError as err:
        raise OptionError(f"cannot load spaCy pipeline {spacy_model!r}: not installed and not a pipeline folder") from err


def load_pipeline(
    spacy_model: str | None = None,
    ontology: Ontology | None = None,
    data_dir: Path = DATA_DIR,
) -> Language:
    """Build the kg pipeline.

    ``spacy_model``: an installed pipeline name or a folder; ``None`` (the
    default) is the embedded blank-English rule pipeline. ``ontology``: the
    partnership types and activities to annotate (default: the packaged one).
    """
    ontology = ontology or load_ontology()
    nlp = _base_pipeline(spacy_model)
    _add_abbreviation_hyphen(nlp)
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("kg_sentencizer", name="sentencizer")
    nlp.add_pipe("kg_line_breaks")
    if spacy_model is None:
        nlp.add_pipe("kg_lemmatizer")
        nlp.initialize()
    elif not any(isinstance(p, Lemmatizer) for _, p in nlp.pipeline):
        nlp.add_pipe("kg_lemmatizer")
        nlp.get_pipe("kg_lemmatizer").initialize()
    entity_ruler = nlp.add_pipe(
        "kg_span_ruler",
        name="kg_entity_ruler",
        config={"spans_key": ENTITIES_KEY, "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}},
    )
    nlp.add_pipe("kg_fuzzy_linker", config={"data_dir": str(data_dir)})
    cue_ruler = nlp.add_pipe(
        "kg_span_ruler", name="kg_cue_ruler", config={"spans_key": CUES_KEY, "phrase_matcher_attr": "LEMMA"}
    )
    # A ruler runs its phrase patterns through the pipeline before it, for the token attributes
    # it matches on; kg's own sentence and span components set none of those, so they are left
    # out (a third of the pipeline's load time).
    sentences_and_spans = [
        name for name, pipe in nlp.pipeline
        if isinstance(pipe, Sentencizer) or name in ("kg_line_breaks", "kg_entity_ruler", "kg_fuzzy_linker")
    ]
    with nlp.select_pipes(disable=sentences_and_spans):
        entity_ruler.add_patterns(load_gazetteer(Path(data_dir)).ruler_patterns())
        cue_ruler.add_patterns(ontology.ruler_patterns() + load_cues(Path(data_dir)).ruler_patterns())
    for ruler in (entity_ruler, cue_ruler):
        ruler.matcher = AnchoredMatcher(ruler.matcher, [p["pattern"] for p in ruler.patterns if not isinstance(p["pattern"], str)])
    nlp.tokenizer = WarmCacheTokenizer(nlp.tokenizer)
    return nlp
