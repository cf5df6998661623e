"""Faster variants of kg's pipeline components, with the same results and the same spaCy API.

``load_pipeline(fast=True)`` (the default) builds :mod:`kg.nlp`'s pipeline
from these; ``fast=False`` from the stock ones. Each variant finds exactly
what the component it stands for finds (``tests/test_fast.py`` checks every
one against it) and keeps its spaCy contract: ``add_patterns`` after load,
``pipe_names``, ``get_pipe``, ``tokenizer.add_special_case``...

What they share: the attributes of a word type (``ORTH``, ``LOWER``,
``IS_PUNCT``...) are the same for every token of it, so they test a Doc's
distinct words (:class:`WordColumns`) as arrays and spread the answers to
the tokens, rather than stepping through the tokens in Python.

>>> from kg.nlp import load_pipeline
>>> nlp = load_pipeline(fast=True)
>>> type(nlp.get_pipe("kg_cue_ruler")).__name__, type(nlp.tokenizer).__name__
('TupleSpanRuler', 'WarmCacheTokenizer')
"""
from __future__ import annotations

import ast
import re
import threading
import warnings
import weakref
from pathlib import Path
from typing import Callable, Iterable

import numpy
from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_TITLE, LEMMA, LOWER, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Sentencizer, SpanRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import filter_chain_spans
from spacy.vocab import Vocab

from kg.gazetteer import DATA_DIR
from kg.lines import load_line_rules
from kg.nlp import FuzzyCountryLinker, LineBreaks, LongChunkTokenizer, NormLemmatizer, TokenizerWrapper


class _WordTable:
    """``LOWER``, ``NORM`` and the ``IS_*`` flags of every word type read from one Vocab, a row each.

    They are attributes of the word's lexeme, not of the token: spaCy sets them
    when it first sees the word and kg never changes them, so each word type is
    read once per Vocab. Words are found by their ORTH ids in a sorted array (a
    binary search for all of a Doc's words at once), not one dict lookup each.
    The words read since the array was last sorted wait in a small sorted array
    of their own, merged into it once they are an eighth of its size: nearly
    every Doc brings new words, and inserting them into the whole array would
    copy it once per Doc.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.orths = numpy.zeros(0, dtype="uint64")  # ORTH ids of the words read, sorted
        self.rows = numpy.zeros(0, dtype=numpy.intp)  # the row of each
        self.recent_orths = numpy.zeros(0, dtype="uint64")  # the words read since, sorted
        self.recent_rows = numpy.zeros(0, dtype=numpy.intp)
        self.values = numpy.zeros((4096, 3), dtype="uint64")  # per row: LOWER, NORM, flags
        self.size = 0  # rows in use
        self.derived: dict[object, numpy.ndarray] = {}  # see WordColumns.derived

    def rows_of(self, words: numpy.ndarray) -> numpy.ndarray:
        """The rows of ``words`` (sorted, distinct ORTH ids), reading the words not read before."""
        rows = _sorted_rows(self.orths, self.rows, words)
        absent = numpy.flatnonzero(rows < 0)
        if len(absent):
            recent = _sorted_rows(self.recent_orths, self.recent_rows, words[absent])
            new = numpy.flatnonzero(recent < 0)
            if len(new):
                recent[new] = self._add(words[absent[new]])
            rows[absent] = recent
        return rows

    def _add(self, orths: numpy.ndarray) -> numpy.ndarray:
        """Read the words ``orths`` (sorted ORTH ids, none read before) into new rows; their rows."""
        rows = numpy.arange(self.size, self.size + len(orths))
        self.size += len(orths)
        while self.size > len(self.values):
            self.values = numpy.concatenate([self.values, numpy.zeros_like(self.values)])
        self.values[rows] = [(lex.lower, lex.norm, lex.flags) for lex in map(self.vocab.__getitem__, orths.tolist())]
        at = numpy.searchsorted(self.recent_orths, orths)
        self.recent_orths = numpy.insert(self.recent_orths, at, orths)
        self.recent_rows = numpy.insert(self.recent_rows, at, rows)
        if len(self.recent_orths) * 8 > len(self.orths):
            at = numpy.searchsorted(self.orths, self.recent_orths)
            self.orths = numpy.insert(self.orths, at, self.recent_orths)
            self.rows = numpy.insert(self.rows, at, self.recent_rows)
            self.recent_orths, self.recent_rows = self.recent_orths[:0], self.recent_rows[:0]
        return rows


def _sorted_rows(orths: numpy.ndarray, rows: numpy.ndarray, words: numpy.ndarray) -> numpy.ndarray:
    """The row of each of ``words`` among the sorted ``orths`` (their ``rows``); -1 for a word not among them."""
    if not len(orths):
        return numpy.full(len(words), -1, dtype=numpy.intp)
    at = numpy.minimum(numpy.searchsorted(orths, words), len(orths) - 1)
    return numpy.where(orths[at] == words, rows[at], -1)


#: The key of the word table's decoded strings of an attribute (see WordColumns.texts).
_TEXTS = "texts"

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
        self._texts: dict[int, list[str]] = {}  # see texts

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

    def texts(self, attr: int, decode: Callable[[int], str]) -> list[str]:
        """``attr`` (``LOWER``, ``NORM``) of every token as a string, each distinct word's decoded
        once by ``decode`` (a StringStore lookup: a hash names one string, whatever the store).

        Kept while the Doc lives, as the sentence reader and the pair classifier both read the
        lower-case forms: callers share the list and must not change it.
        """
        found = self._texts.get(attr)
        if found is None:
            # each word type's string is kept in the word table: decoded once per Vocab, not per Doc
            words = self.of_words(attr)
            forms = self.derived((_TEXTS, attr), lambda at: list(map(decode, words[at].tolist())), dtype=object)
            found = self._texts[attr] = forms[self.inverse].tolist()
        return found

    def derived(self, key: object, derive: Callable[[numpy.ndarray], numpy.ndarray], dtype: str | type = "uint64",
                ) -> numpy.ndarray:
        """Per distinct word, a value (uint64, or ``dtype``) that depends on the word type alone, kept
        in the vocabulary's word table under ``key`` (0 stands for not known yet):
        ``derive(indices)`` gives it for the ``words`` at ``indices`` that lack it."""
        known = self._table.derived.get(key)
        if known is None or len(known) < len(self._table.values):
            grown = numpy.zeros(len(self._table.values), dtype=dtype)
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


#: The character offset of each token of the Docs being read, read by the first component that asks.
_doc_offsets: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def token_offsets(doc: Doc) -> numpy.ndarray:
    """``doc.to_array(IDX)``, the character offset of every token, read on first use and kept while
    the Doc lives: the line-break component, the sentence reader and the pair classifier all read
    it (callers share the array and must not change it). Read again if the Doc's length changed."""
    offsets = _doc_offsets.get(doc)
    if offsets is None or len(offsets) != len(doc):
        offsets = _doc_offsets[doc] = doc.to_array(IDX)
    return offsets


#: Span rows of the Docs being read, per span group, made by the first reader that asks.
_doc_spans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

#: A span as :func:`span_rows` gives it: label and id (by hash), start and end token,
#: start and end character.
SpanRow = tuple[int, int, int, int, int, int]


def span_rows(doc: Doc, key: str) -> list[SpanRow]:
    """The spans of ``doc.spans[key]`` as rows of values, in the group's order, read on first use
    and kept while the Doc lives.

    Iterating a span group makes a new ``Span`` for each span every time, and the sentence reader,
    the mentions and the pair classifier all read the same groups. Read again if the group was
    replaced or changed length.
    """
    group = doc.spans.get(key)
    if not group:
        return []
    groups = _doc_spans.get(doc)
    if groups is None:
        groups = _doc_spans[doc] = {}
    cached = groups.get(key)
    if cached is None or cached[0] is not group or len(cached[1]) != len(group):
        rows = [(s.label, s.id, s.start, s.end, s.start_char, s.end_char) for s in group]
        cached = groups[key] = (group, rows)
    return cached[1]


def set_spans(doc: Doc, key: str, spans: list[tuple[int, int, int, int]]) -> None:
    """Set ``doc.spans[key]`` to the Spans of ``(start, end, label, id)`` tuples (label and id by hash,
    no empty span), and keep their rows for :func:`span_rows`, which then needs no Span to read them."""
    made = [Span(doc, start, end, label=label, span_id=span_id) for start, end, label, span_id in spans]
    doc.spans[key] = made
    if not spans:
        return
    rows = [(label, span_id, start, end, span.start_char, span.end_char)
            for (start, end, label, span_id), span in zip(spans, made)]
    groups = _doc_spans.get(doc)
    if groups is None:
        groups = _doc_spans[doc] = {}
    groups[key] = (doc.spans[key], rows)


#: Docs shorter than this (the rulers' phrase patterns) are lemmatised token by token:
#: on a few tokens, numpy's cost per call outweighs what arrays save.
_FEW_TOKENS = 32



class ArrayLemmatizer(NormLemmatizer):
    """:class:`kg.nlp.NormLemmatizer` that looks up each distinct norm once and writes the lemmas as an array."""

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


@Language.factory("kg_fast_lemmatizer", default_config={"mode": "lookup", "overwrite": True, "model": None})
def make_fast_lemmatizer(nlp: Language, name: str, model, mode: str, overwrite: bool) -> ArrayLemmatizer:
    """Factory of :class:`ArrayLemmatizer` (the config of ``kg_lemmatizer``)."""
    return ArrayLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


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
            self._final_ids = IdSet(get_string_id(c) for c in self._final_chars)
            self._final_words = object()  # the key of the word table's answers for this set
        columns = word_columns(doc)
        # whether each word type is a sentence-final character, kept in the word table as 2 (yes) or 1 (no)
        final_word = columns.derived(
            self._final_words, lambda at: self._final_ids.contains(columns.words[at]) + numpy.uint64(1)) == 2
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
    "kg_fast_sentencizer",
    default_config={"punct_chars": None, "overwrite": False, "scorer": {"@scorers": "spacy.senter_scorer.v1"}},
)
def make_fast_sentencizer(nlp: Language, name: str, punct_chars, overwrite: bool, scorer) -> ArraySentencizer:
    """Factory of :class:`ArraySentencizer` (the config of spaCy's ``sentencizer``)."""
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)


#: The text each Doc was made from, kept by :class:`WarmCacheTokenizer` while the Doc
#: lives: ``Doc.text`` joins the text of every token again.
_doc_texts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class TextLineBreaks(LineBreaks):
    """:class:`kg.nlp.LineBreaks` that reads the text the tokenizer was given rather than joining the tokens,
    which tokens are line breaks from the Doc's word columns, and the tokens' offsets once per Doc."""

    def token_offsets(self, doc: Doc) -> numpy.ndarray:
        """The character offset of every token of ``doc`` (:func:`token_offsets`)."""
        return token_offsets(doc)

    def text_of(self, doc: Doc) -> str:
        """The text ``doc`` was made from."""
        text = _doc_texts.get(doc)
        if text is None or not len(doc) or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
            return doc.text
        return text

    def newline_spaces(self, doc: Doc, tokens: list[int]) -> list[bool]:
        """Per token index of ``tokens``: whether that token is white space holding a line break,
        read from the Doc's word columns (``doc[i]`` makes a new Token)."""
        columns, strings = word_columns(doc), doc.vocab.strings
        at = numpy.asarray(tokens, dtype=numpy.intp)
        spaces = (columns.of_words(IS_SPACE)[columns.inverse[at]] == 1).tolist()
        return [space and "\n" in strings[orth] for space, orth in zip(spaces, columns.orth[at].tolist())]


@Language.factory("kg_fast_line_breaks", default_config={"data_dir": str(DATA_DIR)})
def make_fast_line_breaks(nlp: Language, name: str, data_dir: str) -> TextLineBreaks:
    """Factory of :class:`TextLineBreaks` (the config of ``kg_line_breaks``)."""
    return TextLineBreaks(load_line_rules(Path(data_dir)))


class ArrayFuzzyLinker(FuzzyCountryLinker):
    """:class:`kg.nlp.FuzzyCountryLinker` that finds its candidates among the Doc's distinct words."""

    def misspelt_names(self, doc: Doc) -> list[tuple[int, str]]:
        """``(token index, canonical id)`` of each token of ``doc`` that is a misspelt country name."""
        columns = word_columns(doc)
        candidates = columns.words[(columns.of_words(IS_TITLE) & columns.of_words(IS_ALPHA)) == 1]
        linked = self.link_words(candidates.tolist(), doc.vocab.strings)
        if not linked:
            return []
        tokens = numpy.flatnonzero(numpy.isin(columns.orth, list(linked))).tolist()
        return [(i, linked[int(columns.orth[i])]) for i in tokens]


@Language.factory("kg_fast_fuzzy_linker", default_config={"data_dir": str(DATA_DIR)})
def make_fast_fuzzy_linker(nlp: Language, name: str, data_dir: str) -> ArrayFuzzyLinker:
    """Factory of :class:`ArrayFuzzyLinker` (the config of ``kg_fuzzy_linker``)."""
    return ArrayFuzzyLinker.from_data_dir(Path(data_dir))


#: Token attributes a pattern's anchor token may test, and the Doc columns they read.
_ANCHOR_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM}
#: Those of them that are attributes of the word type (read from :class:`WordColumns`).
_WORD_TYPE_ATTRS = frozenset({"LOWER", "ORTH", "TEXT"})


def _anchor(pattern: list[dict]) -> tuple[int, str, list[str], int] | None:
    """``(offset, attribute, values, longest)`` of a token pattern, or None.

    The anchor is the first token that must equal one of a few strings (``LOWER``,
    ``LEMMA``...), with only single or optional (``?``) tokens before it (``offset``
    of them), so a match can only start at most ``offset`` tokens before a token
    with one of those values; ``longest`` is the most tokens a match can span.
    None when a pattern has no such token, an unbounded operator (``*``, ``+``) or
    a token of several before the anchor.

    >>> _anchor([{"LOWER": "naval", "OP": "?"}, {"LOWER": {"IN": ["base", "bases"]}}, {"LEMMA": "treaty"}])
    (1, 'LOWER', ['base', 'bases'], 3)
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
        if anchor is None and op and op != "?":
            return None  # a token that may stand for several before any anchor
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


def _next_word(pattern: list[dict], anchor: int) -> tuple[tuple[str, frozenset[int]], int] | None:
    """``((attribute, word ids), gap)`` of the first token of ``pattern`` after the ``anchor``-th that must
    be there and equal one of a few strings, when only ``gap`` optional (``?``) tokens stand between:
    a match holds one of the words within ``gap`` + 1 tokens after its anchor. None when there is none."""
    for gap, token in enumerate(pattern[anchor + 1 :]):
        if token.get("OP"):
            if token["OP"] != "?":
                return None
            continue
        words = _required_words([token], -1)
        return (words[0], gap) if words else None
    return None


#: Keys of at most this many patterns are matched with all their patterns in one matcher.
_WHOLE_KEY_PATTERNS = 16


#: The token between two words of a spaced phrase (:func:`_spaced_phrase`).
_OPTIONAL_SPACE = {"IS_SPACE": True, "OP": "?", "IS_SENT_START": False}


#: The attributes a spaced phrase's words may be compared as, and the Doc columns they read.
_SPACED_ATTRS = {"ORTH": ORTH, "LEMMA": LEMMA}


def _spaced_phrase(pattern: list[dict]) -> tuple[str, tuple[str, ...]] | None:
    """``(attribute, words)`` of a token pattern that is a phrase of words (all ``ORTH`` or all
    ``LEMMA``) with an optional space token between any two and no token after the first starting a
    sentence (the shape of :func:`kg.gazetteer.line_broken`); None for any other pattern.

    >>> _spaced_phrase([{"ORTH": "North"}, _OPTIONAL_SPACE, {"ORTH": "Korea", "IS_SENT_START": False}])
    ('ORTH', ('North', 'Korea'))
    >>> _spaced_phrase([{"ORTH": "North"}, {"ORTH": "Korea"}]) is None
    True
    """
    if len(pattern) < 3 or len(pattern) % 2 == 0 or len(pattern[0]) != 1:
        return None
    attr = next(iter(pattern[0]))
    if attr not in _SPACED_ATTRS:
        return None
    words = [pattern[0][attr]]
    for space, word in zip(pattern[1::2], pattern[2::2]):
        if space != _OPTIONAL_SPACE or word.keys() != {attr, "IS_SENT_START"} or word["IS_SENT_START"] is not False:
            return None
        words.append(word[attr])
    return (attr, tuple(words)) if all(isinstance(w, str) for w in words) else None


class _SpacedPhrases:
    """The matches of spaced phrase patterns (:func:`_spaced_phrase`: the gazetteer's names and the
    cue phrases, each allowed a line break between its words), found by walking a tree of their words
    (as ``attr``: ``ORTH`` or ``LEMMA``) from each token that starts one. Such phrases are hundreds,
    and their first words ("United", "Republic", "joint") are common: a walk costs a lookup a word,
    where a matcher would run in a window around every "United Nations". A walk starts only where a
    phrase's first two words stand (past a space token), tested for all of a Doc's tokens at once.
    """

    def __init__(self, phrases: list[tuple[int, tuple[str, ...]]], attr: str = "ORTH") -> None:
        self.attr = attr
        self.tree: dict[int, tuple[dict, list[int]]] = {}  # word id -> (the words after it, the keys ending here)
        for key, words in phrases:
            node = self.tree
            for word in words[:-1]:
                node = node.setdefault(get_string_id(word), ({}, []))[0]
            keys = node.setdefault(get_string_id(words[-1]), ({}, []))[1]
            if key not in keys:
                keys.append(key)
        self._first = IdSet(self.tree)
        self._first_two = IdSet({_word_pair(a, b) for a, (after, _) in self.tree.items() for b in after})

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(key, start, end)`` of every match in ``doc``, as spaCy's ``Matcher`` finds them."""
        if not self.tree or len(doc) < 2:
            return []
        types = word_columns(doc)
        if self.attr == "ORTH":
            orth = types.orth
            starts = numpy.flatnonzero(self._first.contains(types.words)[types.inverse][:-1])
        else:
            orth = doc.to_array(_SPACED_ATTRS[self.attr])
            starts = numpy.flatnonzero(self._first.contains(orth)[:-1])
        if not len(starts):
            return []
        space = types.of_words(IS_SPACE)[types.inverse].astype(bool)
        opens = doc.to_array(SENT_START).astype(numpy.int64) == 1  # the Matcher's IS_SENT_START
        second = starts + 1
        second += space[second] & ~opens[second]  # past a space token: a line break inside the name
        kept = second < len(doc)
        starts, second = starts[kept], second[kept]
        kept = ~opens[second] & self._first_two.contains(_word_pair(orth[starts], orth[second]))
        starts = starts[kept].tolist()
        if not starts:
            return []
        n, matches = len(doc), []
        for start in starts:
            node, i = self.tree, start
            while (entry := node.get(int(orth[i]))) is not None:
                node, keys = entry
                matches += [(key, start, i + 1) for key in keys]
                i += 1
                if i < n and space[i] and not opens[i]:
                    i += 1  # the optional space token
                if i >= n or opens[i] or not node:
                    break
        return matches


def _word_pair(first, second):
    """One 64-bit value for two word ids (ints or uint64 arrays): a pair of words to look up at once."""
    if isinstance(first, numpy.ndarray):
        return first * numpy.uint64(0x9E3779B97F4A7C15) ^ second
    return (first * 0x9E3779B97F4A7C15 ^ second) & 0xFFFFFFFFFFFFFFFF


class AnchoredMatcher:
    """A ``Matcher`` run only around the tokens where a match can start, with only the patterns that can.

    spaCy's ``Matcher`` steps every pattern through every token; kg's few token
    patterns each begin with (or soon reach) a token of a short word list, so
    the matches are the ones found in windows around those tokens, found as
    arrays. A window is kept only if it also holds the pattern's other required
    words ("hold ... exercise": an "exercise"), so common anchors ("hold",
    "provide") rarely run the matcher. In a window only the keys whose patterns
    anchored it are run, each in a matcher of its own; the patterns of a key
    of many (the gazetteer's non-actors: hundreds) in a matcher of those that
    one anchor word anchors, unless the key was added with options
    (``greedy``...): the time of a matcher grows with its number of patterns. A key's matches found by several such
    matchers in one window are counted once, as the whole matcher counts
    them. Patterns without such an anchor make it match the whole Doc with
    the wrapped matcher. Phrases of words with a line break allowed between any two
    (:func:`_spaced_phrase`) are found by a walk of their words (:class:`_SpacedPhrases`).

    Patterns are added and removed through it as through the ``Matcher``
    (``add``, ``remove``); the anchors are indexed again on the next call.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> matcher = AnchoredMatcher(Matcher(nlp.vocab))
    >>> matcher.add("drills", [[{"LOWER": "joint"}, {"LOWER": "drills"}]])
    >>> [(nlp.vocab.strings[m], start, end) for m, start, end in matcher(nlp("They held joint drills."))]
    [('drills', 2, 4)]
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.patterns: dict[int, list[list[dict]]] = {}  # the token patterns added, by match id
        self._options: dict[int, dict] = {}  # the options each key was added with (``greedy``...)
        self._index: _AnchorIndex | None = None
        self._group_matchers: dict[int, Matcher] = {}  # a matcher of each group of patterns, made on use
        self._spaced: list[_SpacedPhrases] = []  # with the index: the spaced phrases, walked, one walker an attribute
        self._anchored: dict[int, list[list[dict]]] = {}  # with the index: the other patterns, by match id

    def add(self, key: str | int, patterns: list[list[dict]], **options) -> None:
        """Add ``patterns`` under ``key`` (see spaCy's ``Matcher.add``)."""
        self.matcher.add(key, patterns, **options)
        key_id = get_string_id(key)
        self.patterns.setdefault(key_id, []).extend(patterns)
        self._options[key_id] = options  # the Matcher keeps the last options given for a key
        self._reset()

    def remove(self, key: str | int) -> None:
        """Remove the patterns under ``key`` (see spaCy's ``Matcher.remove``)."""
        self.matcher.remove(key)
        key_id = get_string_id(key)
        self.patterns.pop(key_id, None)
        self._options.pop(key_id, None)
        self._reset()

    def _reset(self) -> None:
        self._index = None
        self._group_matchers = {}

    @property
    def index(self) -> _AnchorIndex:
        """The anchors of the patterns added so far."""
        if self._index is None:
            # spaced phrases of a key added without options are walked (:class:`_SpacedPhrases`), the rest anchored
            phrases = {key: [_spaced_phrase(p) if not self._options.get(key) else None for p in patterns]
                       for key, patterns in self.patterns.items()}
            self._spaced = [_SpacedPhrases([(key, spaced[1]) for key, all_words in phrases.items()
                                            for spaced in all_words if spaced and spaced[0] == attr], attr)
                            for attr in _SPACED_ATTRS]
            self._anchored = {key: [p for p, words in zip(self.patterns[key], all_words) if not words]
                              for key, all_words in phrases.items()}
            whole = {key for key, patterns in self._anchored.items()
                     if self._options.get(key) or len(patterns) <= _WHOLE_KEY_PATTERNS}
            self._index = _AnchorIndex([(key, p) for key, patterns in self._anchored.items() for p in patterns], whole)
        return self._index

    def group_matcher(self, group: int) -> Matcher:
        """A matcher of the patterns of the index's ``group`` (:attr:`_AnchorIndex.groups`), with the
        options their key was added with."""
        matcher = self._group_matchers.get(group)
        if matcher is None:
            key, numbers = self.index.groups[group]
            patterns = self._anchored[key] if numbers is None else [self.index.patterns[n] for n in numbers]
            matcher = self._group_matchers[group] = Matcher(self.matcher.vocab, validate=False)
            matcher.add(key, patterns, **self._options.get(key, {}))
        return matcher

    def __getattr__(self, name: str):
        if name in ("matcher", "patterns", "_options", "_index", "_group_matchers", "_spaced", "_anchored"):
            # not set yet (being unpickled)
            raise AttributeError(name)
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)

    def __contains__(self, key: str | int) -> bool:
        return key in self.matcher

    def __call__(self, doc: Doc, **kwargs):
        """The wrapped matcher's ``(match_id, start, end)`` matches in ``doc``."""
        index = self.index
        if index.anchors is None or kwargs or not len(doc) or not len(self.matcher):
            return self.matcher(doc, **kwargs)
        walked = [match for walker in self._spaced for match in walker(doc)]
        matches = []
        for start, end, groups in _merge(sorted(index.windows(doc))):
            window = doc[start:end]
            found = [(m, start + a, start + b) for group in groups for m, a, b in self.group_matcher(group)(window)]
            matches += found if len(groups) == 1 else dict.fromkeys(found)
        # a walked phrase that another pattern of its key matches too is one match, as the whole matcher
        # counts a key's match once ("joint patrols": a cue phrase and a token pattern of joint operations)
        return list(dict.fromkeys(walked + matches)) if walked and matches else walked + matches


class _AnchorIndex:
    """The anchors of a set of token patterns, and the windows of a Doc where they can match.

    The windows are found for all of a Doc's anchors at once: each anchor token
    with each pattern it anchors is a candidate window, kept when it holds a
    word of each of the pattern's required word sets. The tokens that hold a
    word of a set are keyed by (set, token) and sorted, so whether one lies
    between a window's ends is a binary search. A word the pattern fixes right
    after its anchor (past optional tokens) is looked for there first: that one
    search drops most windows of a common anchor ("President" + a country).
    """

    def __init__(self, patterns: list[tuple[int, list[dict]]], whole_keys: set[int] = frozenset()) -> None:
        self.patterns = [p for _, p in patterns]
        anchors = [_anchor(p) for _, p in patterns]
        self.anchors = None if None in anchors else anchors
        self.keys = numpy.array([key for key, _ in patterns], dtype="uint64")
        self.offsets = numpy.array([a[0] for a in self.anchors or ()], dtype=numpy.int64)
        self.longest = numpy.array([a[3] for a in self.anchors or ()], dtype=numpy.int64)
        # attribute -> the patterns each anchor word anchors
        by_anchor: dict[str, dict[int, list[int]]] = {}
        for number, (_, attr, values, _) in enumerate(self.anchors or ()):
            for value in values:
                by_anchor.setdefault(attr, {}).setdefault(get_string_id(value), []).append(number)
        self._anchors = {attr: _Rows(by_id) for attr, by_id in by_anchor.items()}
        # the patterns of one key that one anchor word anchors make a group (a key of ``whole_keys``: all
        # its patterns), matched together: (key, pattern numbers or None for all), and per anchor word
        # the group of each pattern it anchors
        groups: dict[tuple, int] = {}
        group_of: dict[str, dict[int, list[int]]] = {}
        for attr, by_id in by_anchor.items():
            for word, numbers in by_id.items():
                keys = [int(self.keys[n]) for n in numbers]
                group_of.setdefault(attr, {})[word] = [groups.setdefault(
                    (key, None if key in whole_keys else tuple(n for n, k in zip(numbers, keys) if k == key)),
                    len(groups)) for key in keys]
        self.groups: list[tuple[int, tuple[int, ...] | None]] = list(groups)
        # per attribute, the group of each pattern of the anchors' lists, laid out as their flat array
        self._groups = {attr: _Rows(by_id).flat for attr, by_id in group_of.items()}
        self._anchor_ids = {attr: IdSet(by_id) for attr, by_id in by_anchor.items()}
        # the distinct required word sets (attribute, ids), numbered; each pattern's numbers; and
        # per attribute, the sets each word is in
        sets: dict[tuple[str, frozenset[int]], int] = {}
        required = []
        for (_, pattern), anchor in zip(patterns, self.anchors or ()):
            required.append([sets.setdefault(r, len(sets)) for r in _required_words(pattern, anchor[0])])
        self._set_count = len(sets)
        self._required_first = numpy.cumsum([0] + [len(r) for r in required])  # pattern -> its sets, as CSR
        self._required = numpy.array([k for r in required for k in r], dtype=numpy.int64)
        # the set of each pattern's token right after its anchor (-1: none): a window whose anchor is not
        # followed by a word of it is dropped in one exact search, not one search per required set
        follows = [_next_word(pattern, anchor[0]) for (_, pattern), anchor in zip(patterns, self.anchors or ())]
        self._follows = numpy.array([-1 if w is None else sets[w[0]] for w in follows], dtype=numpy.int64)
        self._follows_gap = numpy.array([0 if w is None else w[1] for w in follows], dtype=numpy.int64)
        sets_of: dict[str, dict[int, list[int]]] = {}
        for (attr, ids), k in sets.items():
            for word in ids:
                sets_of.setdefault(attr, {}).setdefault(word, []).append(k)
        self._sets_of = {attr: _Rows(by_id) for attr, by_id in sets_of.items()}
        self._set_words = {attr: IdSet(by_id) for attr, by_id in sets_of.items()}
        self._columns = sorted(set(by_anchor) | set(sets_of))

    def windows(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(start, end, group)`` of each stretch of ``doc`` around an anchor that holds the required words
        of a pattern it anchors, and the pattern's :attr:`groups` number."""
        types = word_columns(doc)
        n = len(doc)
        columns = {a: types.column(_ANCHOR_ATTRS[a]) if a in _WORD_TYPE_ATTRS else doc.to_array(_ANCHOR_ATTRS[a])
                   for a in self._columns}
        # (set, token) of each token that holds a word of a required set, as one sorted key
        keys = [numpy.zeros(0, dtype=numpy.int64)]
        for attr, rows in self._sets_of.items():
            column = columns[attr]
            tokens = numpy.flatnonzero(_holding(self._set_words[attr], attr, types, column))
            counts, sets = rows.members(column[tokens])
            keys.append(sets * (n + 1) + numpy.repeat(tokens, counts))
        set_keys = numpy.sort(numpy.concatenate(keys))
        # a pattern with a required set that no token of the Doc holds has no window anywhere in it
        unheld = numpy.ones(self._set_count, dtype=bool)
        unheld[set_keys // (n + 1)] = False
        unheld_before = numpy.concatenate(([0], numpy.cumsum(unheld[self._required])))
        viable = unheld_before[self._required_first[1:]] == unheld_before[self._required_first[:-1]]
        positions, found, groups = [], [], []  # each candidate window's anchor token, pattern and group
        for attr, rows in self._anchors.items():
            column = columns[attr]
            at = numpy.flatnonzero(_holding(self._anchor_ids[attr], attr, types, column))
            if len(at):
                counts, items = rows.items(column[at])
                positions.append(numpy.repeat(at, counts))
                found.append(rows.flat[items])
                groups.append(self._groups[attr][items])
        if not positions:
            return []
        position, pattern, group = numpy.concatenate(positions), numpy.concatenate(found), numpy.concatenate(groups)
        kept = viable[pattern]
        position, pattern, group = position[kept], pattern[kept], group[kept]
        # the word a pattern fixes after its anchor, within its gap: one search per window, not one per set
        follows = self._follows[pattern]
        fixed = numpy.flatnonzero(follows >= 0)
        if len(fixed):
            first = follows[fixed] * (n + 1) + position[fixed] + 1
            last = first + self._follows_gap[pattern[fixed]]
            held = numpy.searchsorted(set_keys, last, side="right") > numpy.searchsorted(set_keys, first)
            kept = numpy.ones(len(pattern), dtype=bool)
            kept[fixed[~held]] = False
            position, pattern, group = position[kept], pattern[kept], group[kept]
        # an optional token before the anchor may be missing: a window may start before the Doc
        starts = numpy.maximum(0, position - self.offsets[pattern])
        ends = numpy.minimum(n, starts + self.longest[pattern])
        # each required set of each window: held when a token holding it lies between the window's ends
        first = self._required_first[pattern]
        windows, at = _expand(first, self._required_first[pattern + 1] - first)
        base = self._required[at] * (n + 1)
        held = numpy.searchsorted(set_keys, base + ends[windows]) > numpy.searchsorted(set_keys, base + starts[windows])
        kept = numpy.bincount(windows, weights=~held, minlength=len(pattern)) == 0
        return list(zip(starts[kept].tolist(), ends[kept].tolist(), group[kept].tolist()))


class _Rows:
    """Lists of pattern numbers by word id, as one array: the lists of many words at once."""

    def __init__(self, by_id: dict[int, list[int]]) -> None:
        self.ids = numpy.array(sorted(by_id), dtype="uint64")
        lists = [by_id[i] for i in self.ids.tolist()]
        self.first = numpy.cumsum([0] + [len(members) for members in lists])
        self.sizes = numpy.diff(self.first)
        self.flat = numpy.array([m for members in lists for m in members], dtype=numpy.int64)

    def members(self, words: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """How many patterns each of ``words`` (ids it has) lists, and those patterns, word after word."""
        counts, items = self.items(words)
        return counts, self.flat[items]

    def items(self, words: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """How many patterns each of ``words`` (ids it has) lists, and where those patterns stand in
        :attr:`flat` (or in an array laid out alike), word after word."""
        rows = numpy.searchsorted(self.ids, words)
        counts = self.sizes[rows]
        return counts, _ranges(self.first[rows], counts)


def _holding(ids: IdSet, attr: str, types: WordColumns, column: numpy.ndarray) -> numpy.ndarray:
    """Per token, whether its ``attr`` (``column``) is one of ``ids``: tested on the Doc's distinct words
    for an attribute of the word type."""
    if attr in _WORD_TYPE_ATTRS:
        return ids.contains(types.of_words(_ANCHOR_ATTRS[attr]))[types.inverse]
    return ids.contains(column)


def _expand(first: numpy.ndarray, counts: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """For ranges ``first[i]:first[i] + counts[i]``: the range each item comes from, and the items, range after range."""
    return numpy.repeat(numpy.arange(len(counts)), counts), _ranges(first, counts)


def _ranges(first: numpy.ndarray, counts: numpy.ndarray) -> numpy.ndarray:
    """The items of ranges ``first[i]:first[i] + counts[i]``, range after range."""
    ends = numpy.cumsum(counts)
    # an item is its place among all the items, shifted by how far its range starts from where its items do
    return numpy.arange(ends[-1] if len(ends) else 0) + numpy.repeat(first - (ends - counts), counts)


class IdSet:
    """A fixed set of string ids (64-bit hashes) that tests whole columns for membership.

    ``numpy.isin`` sorts the column for a set of more than a few dozen ids; a
    table of the ids' low 16 bits rules out nearly every value at once, and
    only the few that pass it are looked up among the sorted ids.
    """

    def __init__(self, ids) -> None:
        self.ids = numpy.array(sorted(ids), dtype="uint64")
        self._low = numpy.zeros(1 << 16, dtype=bool)
        self._low[self.ids & numpy.uint64(0xFFFF)] = True

    def contains(self, column: numpy.ndarray) -> numpy.ndarray:
        """Per value of the uint64 ``column``: whether it is one of the ids."""
        found = self._low[column & numpy.uint64(0xFFFF)]
        maybe = numpy.flatnonzero(found)
        if len(maybe):  # each value that passes, looked up among the sorted ids
            values = column[maybe]
            found[maybe] = self.ids[numpy.minimum(numpy.searchsorted(self.ids, values), len(self.ids) - 1)] == values
        return found


def _merge(windows: list[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Sorted ``(start, end, group)`` windows with the overlapping ones joined: ``(start, end, groups)``,
    each group once, in the order first met."""
    merged: list[tuple[int, int, list[int]]] = []
    for start, end, group in windows:
        if merged and start <= merged[-1][1]:
            first, last, groups = merged[-1]
            if group not in groups:
                groups.append(group)
            merged[-1] = (first, max(last, end), groups)
        else:
            merged.append((start, end, [group]))
    return merged


class TupleSpanRuler(SpanRuler):
    """spaCy's ``SpanRuler`` that deduplicates and sorts its matches as tuples, then makes Spans.

    ``SpanRuler.match`` makes a Span of every match, puts them in a set and sorts
    them, comparing Spans in Python; cue words match thousands of times a
    document. Tuples ``(start, end, label, id)`` sort in the same order (a
    Span sorts by its character offsets, which grow with its token offsets,
    then label and id) and give the same set, so the Spans are the same.
    With the first-longest filter (the entity ruler's), the matches are
    filtered as tuples too, and Spans made only of the ones kept; the tuples
    are kept as the group's rows (:func:`set_spans`). Its token patterns are
    matched by an :class:`AnchoredMatcher`.
    """

    def clear(self) -> None:
        """Reset all patterns (see ``SpanRuler.clear``)."""
        super().clear()
        self.matcher = AnchoredMatcher(self.matcher)
        self._label_ids = _LabelIds()

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc.spans[key]`` to the (filtered) matches, as ``SpanRuler`` does."""
        replaces = self.key and (self.overwrite or self.key not in doc.spans) and not self.annotate_ents
        if not (replaces and self.spans_filter in (filter_chain_spans, None) and len(self)):
            return super().__call__(doc)
        try:
            matches = self._matches(doc)
            set_spans(doc, self.key, matches if self.spans_filter is None else _first_longest(matches))
            return doc
        except Exception as e:
            return self.get_error_handler()(self.name, self, [doc], e)

    def match(self, doc: Doc) -> list[Span]:
        """The sorted, deduplicated Spans of every pattern match in ``doc``."""
        if not len(self):
            return super().match(doc)  # which warns that there are no patterns
        return self._spans(doc, self._matches(doc))

    @staticmethod
    def _spans(doc: Doc, matches: list[tuple[int, int, int, int]]) -> list[Span]:
        return [Span(doc, start, end, label=label, span_id=span_id) for start, end, label, span_id in matches]

    def _matches(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """``(start, end, label, id)`` of every pattern match in ``doc``, deduplicated and sorted."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = list(self.matcher(doc)) + list(self.phrase_matcher(doc))
        label_ids = self._label_ids
        label_ids.strings = doc.vocab.strings
        unique = {(start, end, *label_ids[match_id]) for match_id, start, end in matches if start != end}
        return sorted(unique)


class _LabelIds(dict):
    """``(label, id)`` string ids by match id, filled on a match id's first match.

    ``SpanRuler`` names the matches of a pattern by the string
    ``repr((label, id))`` and keeps no public map from match id to label and
    id, so both are read back from that string.
    """

    def __init__(self) -> None:
        super().__init__()
        self.strings = None  # of the Doc being matched

    def __missing__(self, match_id: int) -> tuple[int, int]:
        label, span_id = ast.literal_eval(self.strings[match_id])
        ids = self[match_id] = (self.strings.add(label), self.strings.add(span_id))
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


@Language.factory("kg_fast_span_ruler", assigns=["doc.spans"], default_config={
    "spans_key": "ruler", "spans_filter": None, "annotate_ents": False,
    "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}, "phrase_matcher_attr": None,
    "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"}, "validate": False, "overwrite": True,
    "scorer": {"@scorers": "spacy.overlapping_labeled_spans_scorer.v1", "spans_key": "ruler"},
})
def make_fast_span_ruler(
    nlp: Language, name: str, spans_key, spans_filter, annotate_ents: bool, ents_filter, phrase_matcher_attr,
    matcher_fuzzy_compare, validate: bool, overwrite: bool, scorer,
) -> TupleSpanRuler:
    """Factory of :class:`TupleSpanRuler` (the config of spaCy's ``span_ruler``)."""
    return TupleSpanRuler(
        nlp, name, spans_key=spans_key, spans_filter=spans_filter, annotate_ents=annotate_ents, ents_filter=ents_filter,
        phrase_matcher_attr=phrase_matcher_attr, matcher_fuzzy_compare=matcher_fuzzy_compare, validate=validate,
        overwrite=overwrite, scorer=scorer,
    )


class WarmCacheTokenizer(TokenizerWrapper):
    """spaCy's tokenizer with its chunk cache filled: the same tokens in less time on long texts.

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
        super().__init__(tokenizer)
        object.__setattr__(self, "seen", set())

    def __call__(self, text: str) -> Doc:
        """The wrapped tokenizer's Doc of ``text``, its new chunks cached first."""
        seen, tokenize = self.seen, self.tokenizer
        # in a memory zone spaCy caches nothing, so nothing is warmed (nor marked seen)
        if len(seen) < tokenize.max_cache_size and not tokenize.vocab.in_memory_zone:
            # the new chunks found by one set difference (most of a text's chunks were seen), then
            # sorted, not in set order: the vocabulary grows the same way every run
            chunks = set(text.split())
            new = chunks.difference(seen)
            for chunk in sorted(new):
                tokenize(chunk)
            seen.update(new)
            # a LongChunkTokenizer looks for over-long chunks among these, not in a new split of the text
            doc = tokenize.of_chunks(text, chunks) if isinstance(tokenize, LongChunkTokenizer) else tokenize(text)
        else:
            doc = tokenize(text)
        _doc_texts[doc] = text
        return doc

    def __setattr__(self, name: str, value) -> None:
        # new rules flush spaCy's cache: chunks seen before are no longer in it
        super().__setattr__(name, value)
        self.seen.clear()

    def add_special_case(self, string: str, substrings) -> None:
        """Add a tokenizer exception to the wrapped tokenizer (see spaCy's ``Tokenizer.add_special_case``)."""
        self.tokenizer.add_special_case(string, substrings)
        self.seen.clear()

    def __reduce__(self):
        return (type(self), (self.tokenizer, self.tokenizer.max_cache_size))




#: Factory of each pipe of :func:`kg.nlp.load_pipeline`, by pipe name (the rulers by the factory they share).
FACTORIES = {
    "sentencizer": "kg_fast_sentencizer",
    "kg_line_breaks": "kg_fast_line_breaks",
    "kg_lemmatizer": "kg_fast_lemmatizer",
    "span_ruler": "kg_fast_span_ruler",
    "kg_fuzzy_linker": "kg_fast_fuzzy_linker",
}
