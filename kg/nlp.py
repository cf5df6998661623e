"""The spaCy pipeline: sentence boundaries, lemmas, entity and cue annotation.

The embedded default is ``spacy.blank("en")`` plus rule components, so nothing
is downloaded. ``spacy_model`` loads any installed pipeline instead and adds
the same rule components to it:

1. ``sentencizer``: spaCy's rule-based sentence boundaries (unless the model
   has a parser or a sentence recogniser);
2. ``kg_line_breaks``: a sentence starts after a blank line, a heading, a list
   item or a page number, and after every line break of a text that is not
   hard-wrapped (:mod:`kg.lines`);
3. ``kg_lemmatizer``: spaCy's lookup lemmatizer, keyed on the token's norm;
4. ``kg_entity_ruler``: a ``span_ruler`` with the gazetteer's patterns;
5. ``kg_fuzzy_linker``: misspelt country names ("Pakisatn");
6. ``kg_cue_ruler``: a ``span_ruler`` with the ontology's and the cues' patterns.

``load_pipeline(fast=True)`` (the default) builds the same pipeline from the
faster variants in :mod:`kg.fast`: same annotations, same spaCy API.

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
from pathlib import Path
from typing import Iterable, Mapping

import numpy
import spacy
from rapidfuzz.distance import OSA
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex

from kg.errors import OptionError
from kg.gazetteer import COUNTRY, DATA_DIR, Gazetteer, line_broken, load_gazetteer
from kg.lines import LineRules, load_line_rules, text_line_starts
from kg.ontology import Ontology, load_cues, load_ontology

ENTITIES_KEY = "kg_entities"
CUES_KEY = "kg_cues"

#: Hyphens joining an abbreviation to a name: "U.S.-Saudi" -> U.S. / - / Saudi.
_ABBREVIATION_HYPHEN = r"(?<=\.)[-–—](?=[A-Z])"
#: A hyphen that ends a word before a space or a line break, as hard-wrapped text splits
#: "Timor-Leste" or "Soviet-American": "Timor- Leste" -> Timor / - / Leste, so the name reads as
#: it does unbroken ("Timor", "-", "Leste").
_TRAILING_HYPHEN = r"(?<=[a-z])-$"

#: spaCy's English spelling norms ("defence" -> "defense") from spacy-lookups-data.
_NORM_LOOKUPS = {"@misc": "spacy.LookupsDataLoader.v1", "lang": "en", "tables": ["lexeme_norm"]}


def load_pipeline(
    spacy_model: str | None = None,
    ontology: Ontology | None = None,
    data_dir: Path = DATA_DIR,
    *,
    fast: bool = True,
) -> Language:
    """Build the kg pipeline.

    ``spacy_model``: an installed pipeline name or a folder; ``None`` (the
    default) is the embedded blank-English rule pipeline. ``ontology``: the
    partnership types and activities to annotate (default: the packaged one).
    ``data_dir``: the gazetteer and cue files. ``fast``: use the components of
    :mod:`kg.fast`, which annotate the same spans and sentences in less time.

    >>> nlp = load_pipeline(fast=False)
    >>> nlp.pipe_names
    ['sentencizer', 'kg_line_breaks', 'kg_lemmatizer', 'kg_entity_ruler', 'kg_fuzzy_linker', 'kg_cue_ruler']
    >>> doc = nlp("They held joint drills.")
    >>> [s.text for s in doc.spans["kg_cues"] if s.id_ == "joint_exercises"]
    ['held joint drills', 'joint drills', 'drills']
    """
    factories = _FACTORIES
    if fast:
        from kg import fast as fast_components  # it builds on this module's components

        factories = fast_components.FACTORIES
    ontology = ontology or load_ontology()
    nlp = _base_pipeline(spacy_model)
    _add_hyphens(nlp)
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe(factories["sentencizer"], name="sentencizer")
    nlp.add_pipe(factories["kg_line_breaks"], name="kg_line_breaks", config={"data_dir": str(data_dir)})
    if spacy_model is None:
        nlp.add_pipe(factories["kg_lemmatizer"], name="kg_lemmatizer")
        nlp.initialize()
    elif not any(isinstance(p, Lemmatizer) for _, p in nlp.pipeline):
        nlp.add_pipe(factories["kg_lemmatizer"], name="kg_lemmatizer")
        nlp.get_pipe("kg_lemmatizer").initialize()
    entity_ruler = nlp.add_pipe(
        factories["span_ruler"],
        name="kg_entity_ruler",
        config={"spans_key": ENTITIES_KEY, "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}},
    )
    nlp.add_pipe(factories["kg_fuzzy_linker"], name="kg_fuzzy_linker", config={"data_dir": str(data_dir)})
    cue_ruler = nlp.add_pipe(
        factories["span_ruler"], name="kg_cue_ruler", config={"spans_key": CUES_KEY, "phrase_matcher_attr": "LEMMA"}
    )
    # A ruler runs its phrase patterns through the pipeline before it, for the token attributes
    # it matches on; the sentence and span components set none of those, so they are left out.
    with nlp.select_pipes(disable=[n for n in _SENTENCES_AND_SPANS if n in nlp.pipe_names]):
        entity_ruler.add_patterns(load_gazetteer(Path(data_dir)).ruler_patterns(_token_texts(nlp)))
        cue_patterns = ontology.ruler_patterns() + load_cues(Path(data_dir)).ruler_patterns()
        cue_ruler.add_patterns(cue_patterns + line_broken_phrases(nlp, cue_patterns))
    nlp.tokenizer = LongChunkTokenizer(nlp.tokenizer)
    if fast:
        nlp.tokenizer = fast_components.WarmCacheTokenizer(nlp.tokenizer)
    return nlp


def line_broken_phrases(nlp: Language, patterns: list[dict], ruler: str = "kg_cue_ruler") -> list[dict]:
    """Token patterns of the phrase patterns of several words, matched on their lemmas (as the cue
    ruler matches phrases) with a line break allowed between any two words: hard-wrapped text breaks
    "strategic partnership" after "strategic" as often as anywhere else. A phrase whose tokens are
    not all apart ("co-production", "each other's aid") has none. The phrases are read by the pipes
    before ``ruler``, as the ruler reads its own phrase patterns.

    >>> nlp = load_pipeline()
    >>> [p["pattern"][0] for p in line_broken_phrases(nlp, [{"label": "cue", "id": "", "pattern": "held talks"}])]
    [{'LEMMA': 'hold'}]
    """
    phrases = [p for p in patterns if isinstance(p["pattern"], str) and " " in p["pattern"].strip()]
    later = nlp.pipe_names[nlp.pipe_names.index(ruler):] if ruler in nlp.pipe_names else []
    with nlp.select_pipes(disable=later):
        docs = list(nlp.pipe(p["pattern"] for p in phrases))
    out = []
    for p, doc in zip(phrases, docs):
        if len(doc) > 1 and all(t.whitespace_ and not t.is_space for t in doc[:-1]):
            out.append({**p, "pattern": line_broken([t.lemma_ for t in doc], "LEMMA")})
    return out


#: Pipes that set no token attribute a ruler's phrase patterns are matched on.
_SENTENCES_AND_SPANS = ("sentencizer", "kg_line_breaks", "kg_entity_ruler", "kg_fuzzy_linker")


def dated_entities(doc: Doc, gazetteer: Gazetteer, year: int | None) -> Doc:
    """``doc`` with its entity spans relinked to the state their name meant in the document's ``year``.

    The names that meant another state then are ``gazetteer``'s (:meth:`kg.gazetteer.Gazetteer.names_in`).
    The rulers read text alone; the date is the document's, so this runs on the pipeline's Doc
    before anything reads it. A document with no date (``year`` None) reads a name as the former
    state only when it names that state and names the successor only by such names: "Moscow" in a
    passage on the Soviet Union that never says "Russia".

    >>> from kg.gazetteer import load_gazetteer
    >>> doc = load_pipeline()("Moscow and Hanoi signed a treaty.")
    >>> [s.id_ for s in dated_entities(doc, load_gazetteer(), 1975).spans[ENTITIES_KEY]]
    ['SUN', 'VNM']
    >>> doc = load_pipeline()("The Soviet Union armed Hanoi. Moscow and Hanoi signed a treaty.")
    >>> [s.id_ for s in dated_entities(doc, load_gazetteer(), None).spans[ENTITIES_KEY]]
    ['SUN', 'VNM', 'SUN', 'VNM']
    """
    names = gazetteer.names_in(year)
    group = doc.spans.get(ENTITIES_KEY) if names else None
    if not group:
        return doc
    if year is None:
        names = _named_states(group, names)
    from kg.fast import set_spans, span_rows  # kg.fast imports this module

    strings = doc.vocab.strings
    successors = {get_string_id(successor): successor for _, successor in names}
    # read as rows (a Span each only for the names of a successor): most spans name no successor
    spans = [(start, end, label, id_) for label, id_, start, end, _, _ in span_rows(doc, ENTITIES_KEY)]
    relinked = False
    for i, (start, end, label, id_) in enumerate(spans):
        state = names.get((" ".join(doc[start:end].text.split()), successors[id_])) if id_ in successors else None
        if state:
            spans[i] = (start, end, label, strings.add(state))
            relinked = True
    if relinked:
        set_spans(doc, ENTITIES_KEY, spans)
    return doc


def _named_states(spans, names: Mapping[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """The entries of ``names`` whose former state one of ``spans`` names, and whose successor no
    span names by another name (a text on the Soviet Union and on Russia keeps "Moscow" as Russia)."""
    read = [(" ".join(span.text.split()), span.id_) for span in spans]
    named = {entity for _, entity in read}
    otherwise = {entity for name, entity in read if (name, entity) not in names}
    return {key: state for key, state in names.items() if state in named and key[1] not in otherwise}


#: Factories of spaCy's dependency parsers: a pipeline with one of them gives each Doc a parse.
PARSER_FACTORIES = ("parser", "beam_parser")
#: :func:`describe_pipeline` of kg's embedded pipeline (spaCy's defaults for a blank English pipeline).
EMBEDDED_PIPELINE = {"name": "en_pipeline", "version": "0.0.0", "parses": False}


def describe_pipeline(nlp: Language) -> dict:
    """The ``name`` (``LANG_NAME``) and ``version`` of ``nlp`` from its meta, and whether it ``parses``.

    >>> describe_pipeline(spacy.blank("en"))
    {'name': 'en_pipeline', 'version': '0.0.0', 'parses': False}
    """
    return _described(nlp.meta, any(nlp.get_pipe_meta(name).factory in PARSER_FACTORIES for name in nlp.pipe_names))


def _described(meta: dict, parses: bool | None) -> dict:
    return {"name": f"{meta.get('lang', '')}_{meta.get('name', '')}", "version": str(meta.get("version", "")),
            "parses": parses}


def describe_spacy_model(spacy_model: str | None) -> dict:
    """:func:`describe_pipeline` of the pipeline ``load_pipeline(spacy_model)`` builds, read from the
    installed package's or the folder's ``meta.json`` and ``config.cfg`` without loading it
    (``parses`` is None when they cannot be read: spaCy will say why when it loads the pipeline).
    """
    if spacy_model is None:
        return dict(EMBEDDED_PIPELINE)
    folder = Path(spacy_model)
    try:
        if not folder.is_dir():
            package = spacy.util.get_package_path(spacy_model)
            meta = spacy.util.get_model_meta(package)
            folder = package / f"{meta['lang']}_{meta['name']}-{meta['version']}"
        meta = spacy.util.get_model_meta(folder)
        config = spacy.util.load_config(folder / "config.cfg", interpolate=False)
        disabled = set(config["nlp"].get("disabled", []))
        parses = any(config["components"][name].get("factory") in PARSER_FACTORIES
                     for name in config["nlp"]["pipeline"] if name not in disabled)
    except (OSError, ValueError, KeyError, ImportError):
        return {"name": spacy_model, "version": "", "parses": None}
    return _described(meta, parses)


def _token_texts(nlp: Language):
    """A function from a text to the texts of the tokens ``nlp``'s tokenizer makes of it."""
    return lambda text: [token.text for token in nlp.tokenizer(text)]


def _base_pipeline(spacy_model: str | None) -> Language:
    if spacy_model is None:
        return spacy.blank("en", config={"initialize": {"lookups": _NORM_LOOKUPS}})
    try:
        return spacy.load(spacy_model)
    except OSError as err:
        raise OptionError(f"cannot load spaCy pipeline {spacy_model!r}: not installed and not a pipeline folder") from err


def _add_hyphens(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes) + [_ABBREVIATION_HYPHEN]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    suffixes = list(nlp.Defaults.suffixes) + [_TRAILING_HYPHEN]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


class TokenizerWrapper:
    """A tokenizer standing for the spaCy tokenizer it wraps: every attribute it does not
    define (``explain``, ``rules``, ``to_disk``...) is the wrapped one's, and attributes set
    on it are set on the wrapped one."""

    def __init__(self, tokenizer) -> None:
        object.__setattr__(self, "tokenizer", tokenizer)

    def __call__(self, text: str) -> Doc:
        """The wrapped tokenizer's Doc of ``text``."""
        return self.tokenizer(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        """Tokenise a stream of texts."""
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self.tokenizer, name, value)


class LongChunkTokenizer(TokenizerWrapper):
    """spaCy's tokenizer with whitespace-free chunks over ``max_chunk`` characters cut into ``piece``-character pieces.

    spaCy strips a chunk's prefixes and suffixes one at a time, copying the
    rest each time, so its time grows with the square of the chunk's length:
    a run of 40,000 ``=`` (or ``!``, ``(``, emoji) takes minutes. No word is
    that long, so such a chunk is tokenised as pieces, each alone, and the
    pieces' Docs are joined: the Doc's text is the text given, every offset
    kept. Texts without such a chunk are the wrapped tokenizer's Doc as is.
    Everything else (``explain``, ``rules``, ``add_special_case``...) is the
    wrapped tokenizer's.

    >>> import spacy
    >>> tokenizer = LongChunkTokenizer(spacy.blank("en").tokenizer, max_chunk=8, piece=4)
    >>> [t.text for t in tokenizer("Hi there! ==========")]
    ['Hi', 'there', '!', '=', '=', '=', '=', '=', '=', '=', '=', '=', '=']
    >>> tokenizer("Hi there! ==========").text
    'Hi there! =========='
    """

    def __init__(self, tokenizer, max_chunk: int = 1000, piece: int = 100) -> None:
        super().__init__(tokenizer)
        object.__setattr__(self, "max_chunk", max_chunk)
        object.__setattr__(self, "piece", piece)
        # a run of over max_chunk characters, matched from its first one (linear in the text)
        object.__setattr__(self, "_long_run", re.compile(r"(?<!\S)\S{%d,}" % (max_chunk + 1)))

    def __call__(self, text: str) -> Doc:
        """The wrapped tokenizer's Doc of ``text``, its over-long chunks tokenised a piece at a time."""
        # the longest chunk, found by one split (a C loop), rules out nearly every text before the regex
        return self.of_chunks(text, text.split() if len(text) > self.max_chunk else ())

    def of_chunks(self, text: str, chunks: Iterable[str]) -> Doc:
        """:meth:`__call__` of ``text`` whose whitespace-delimited ``chunks`` (each at least once, in
        any order: a set of them will do) the caller has split already."""
        if len(text) <= self.max_chunk or max(map(len, chunks), default=0) <= self.max_chunk:
            return self.tokenizer(text)
        cuts = [cut for run in self._long_run.finditer(text) for cut in range(run.start(), run.end(), self.piece)]
        if not cuts:
            return self.tokenizer(text)
        # each part starts at a chunk's first character or inside it: a part's trailing whitespace
        # is tokenised as in the whole text (the last token's space, or a whitespace token)
        bounds = [0, *cuts, len(text)] if cuts[0] else [*cuts, len(text)]
        docs = [self.tokenizer(text[start:end]) for start, end in zip(bounds, bounds[1:])]
        doc = Doc.from_docs([doc for doc in docs if len(doc)], ensure_whitespace=False)
        # from_docs starts a sentence at each part: the sentence components decide, as for any Doc
        doc.from_array([SENT_START], numpy.zeros((len(doc), 1), dtype="uint64"))
        return doc

    def __reduce__(self):
        return (type(self), (self.tokenizer, self.max_chunk, self.piece))


class LineBreaks:
    """Start a sentence where the text's layout ends one (:func:`kg.lines.text_line_starts`).

    In a hard-wrapped text a line break inside a paragraph is not a boundary;
    after a blank line, a heading, a list item or a page number a sentence
    starts. Where the sentencizer started a sentence at a line break (after a
    full stop), the words of the next line start one too, so the white space
    stays a sentence of its own as at any other line break.
    """

    def __init__(self, rules: LineRules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        """Set the sentence starts of ``doc``'s line breaks."""
        if len(doc) < 2:
            return doc
        offsets = numpy.array(text_line_starts(self.text_of(doc), self.rules), dtype="uint64")
        starts = doc.to_array(SENT_START)
        line_starts = numpy.searchsorted(self.token_offsets(doc), offsets)
        starts[line_starts[line_starts < len(doc)]] = 1
        after_break = numpy.flatnonzero(starts[:-1] == 1) + 1
        before = (after_break - 1).tolist()
        starts[[i + 1 for i, newline in zip(before, self.newline_spaces(doc, before)) if newline]] = 1
        doc.from_array([SENT_START], starts.reshape(-1, 1))
        return doc

    def newline_spaces(self, doc: Doc, tokens: list[int]) -> list[bool]:
        """Per token index of ``tokens``: whether that token is white space holding a line break."""
        return [doc[i].is_space and "\n" in doc[i].text for i in tokens]

    def text_of(self, doc: Doc) -> str:
        """The text ``doc`` was made from."""
        return doc.text

    def token_offsets(self, doc: Doc) -> numpy.ndarray:
        """The character offset of every token of ``doc``."""
        return doc.to_array(IDX)


@Language.factory("kg_line_breaks", default_config={"data_dir": str(DATA_DIR)})
def make_line_breaks(nlp: Language, name: str, data_dir: str) -> LineBreaks:
    """Factory of :class:`LineBreaks` with the rules in ``data_dir/line_breaks.yaml``."""
    return LineBreaks(load_line_rules(Path(data_dir)))


class NormLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer keyed on the token's norm.

    Looking up the norm rather than the text makes lemmas independent of case
    and of British/American spelling ("Defence programmes" -> "defense program"),
    so one cue in the data files matches every variant.
    """

    def lookup_lemmatize(self, token) -> list[str]:
        """The lemma of ``token``'s norm, as a one-item list (spaCy's lemmatizer API)."""
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


@Language.factory("kg_lemmatizer", default_config={"mode": "lookup", "overwrite": True, "model": None})
def make_kg_lemmatizer(nlp: Language, name: str, model, mode: str, overwrite: bool) -> NormLemmatizer:
    """Factory of :class:`NormLemmatizer`."""
    return NormLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


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

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> "FuzzyCountryLinker":
        """A linker of the gazetteer's country names in ``data_dir``, with its ``fuzzy_stoplist.txt``."""
        path = data_dir / "fuzzy_stoplist.txt"
        stoplist = path.read_text(encoding="utf-8").split() if path.exists() else []
        return cls(load_gazetteer(data_dir).country_names(), stoplist)

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

    def misspelt_names(self, doc: Doc) -> list[tuple[int, str]]:
        """``(token index, canonical id)`` of each token of ``doc`` that is a misspelt country name."""
        candidates = dict.fromkeys(t.orth for t in doc if t.is_title and t.is_alpha)
        linked = self.link_words(list(candidates), doc.vocab.strings)
        return [(t.i, linked[t.orth]) for t in doc if t.orth in linked]

    def __call__(self, doc: Doc) -> Doc:
        """Add a country span for each misspelt name no entity span covers."""
        misspelt = self.misspelt_names(doc)
        if not misspelt:
            return doc
        spans = list(doc.spans.get(ENTITIES_KEY, []))
        covered = {i for s in spans for i in range(s.start, s.end)}
        added = [Span(doc, i, i + 1, label=COUNTRY, span_id=entity_id) for i, entity_id in misspelt if i not in covered]
        if added:
            doc.spans[ENTITIES_KEY] = sorted(spans + added, key=lambda s: (s.start, s.end))
        return doc


@Language.factory("kg_fuzzy_linker", default_config={"data_dir": str(DATA_DIR)})
def make_fuzzy_linker(nlp: Language, name: str, data_dir: str) -> FuzzyCountryLinker:
    """Factory of :class:`FuzzyCountryLinker` from the gazetteer in ``data_dir``."""
    return FuzzyCountryLinker.from_data_dir(Path(data_dir))


#: Factory of each pipe, by pipe name (the rulers by the factory they share).
_FACTORIES = {
    "sentencizer": "sentencizer",
    "kg_line_breaks": "kg_line_breaks",
    "kg_lemmatizer": "kg_lemmatizer",
    "span_ruler": "span_ruler",
    "kg_fuzzy_linker": "kg_fuzzy_linker",
}


def __getattr__(name: str):
    # Names of kg.fast that other modules import from here; kg.fast imports this
    # module, so they are looked up on first use.
    if name in ("word_columns", "WordColumns", "WarmCacheTokenizer"):
        from kg import fast

        return getattr(fast, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
