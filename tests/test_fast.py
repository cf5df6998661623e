"""The fast components annotate what the stock ones annotate, and keep spaCy's API."""
import random

import pytest
import spacy
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_TITLE, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.pipeline import SpanRuler
from spacy.strings import get_string_id
from spacy.symbols import ORTH as ORTH_SYMBOL
from spacy.tokens import Span
from spacy.util import filter_spans

from kg.corpus import read_corpus
from kg.engine import extract_stream
from kg.fast import (
    AnchoredMatcher, IdSet, WarmCacheTokenizer, _anchor, _first_longest, _next_word, _required_words, _spaced_phrase,
    word_columns,
)
from kg.nlp import CUES_KEY, ENTITIES_KEY, load_pipeline


@pytest.fixture(scope="module")
def stock():
    return load_pipeline(fast=False)


def _annotated(nlp, text, upto):
    """``text`` through the pipes of ``nlp`` before the pipe named ``upto``."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == upto:
            break
        doc = proc(doc)
    return doc


@pytest.mark.parametrize("name", ["corpus", "un"])
def test_fast_and_stock_pipelines_extract_the_same_facts_and_mentions(name, corpus_inputs, nlp, stock):
    # a third of the UN sample: spaCy's stock matchers take minutes over the whole of it
    documents = list(read_corpus(corpus_inputs(name)))[:100]
    fast, plain = (list(extract_stream(pipeline, documents)) for pipeline in (nlp, stock))
    assert [x.doc_id for x in fast] == [d.id for d in documents]
    assert sum(len(x.facts) for x in fast) > 0
    for ours, theirs in zip(fast, plain):
        assert (ours.mentions, ours.facts, ours.sentences, ours.words) == (
            theirs.mentions, theirs.facts, theirs.sentences, theirs.words)


@pytest.mark.parametrize("text", [
    "",
    "?!",
    "...and then it stopped. Nobody asked why!",
    "\"We agree.\" The envoy left (quietly). Then: talks?! Yes . . . later",
    "Talks resumed。Both sides met ; no deal. 'Fine,' she said!! ok",
    "Mr. Haddad arrived.\nThe talks\n\nresumed in Doha\n",
])
def test_sentence_starts_are_spacys(text, nlp, stock):
    assert [t.is_sent_start for t in nlp(text)] == [t.is_sent_start for t in stock(text)]


@pytest.mark.parametrize("copies", [1, 5])  # short Docs are lemmatised token by token, longer ones as arrays
def test_lemmas_written_as_an_array_are_the_lookup_lemmas(nlp, stock, copies):
    for text in ("The Defence Ministers signed programmes for corvettes, drones and joint manoeuvres.",
                 "We can't and won't; ca. 1990 they can, wo n't they? Can't!"):  # tokens with a norm of their own
        text = " ".join([text] * copies)
        assert [t.lemma_ for t in nlp(text)] == [t.lemma_ for t in stock(text)]
    assert {"defense", "program", "corvette", "drone"} <= {t.lemma_ for t in nlp("Defence programmes, corvettes, drones")}


def test_misspelt_names_are_found_where_the_stock_linker_finds_them(nlp, stock):
    text = "Pakisatn, Turkye and again Pakisatn met Granada officials from Pakistan."
    docs = [pipeline(text) for pipeline in (nlp, stock)]
    spans = [[(s.start, s.end, s.id_) for s in doc.spans[ENTITIES_KEY]] for doc in docs]
    assert spans[0] == spans[1] and (0, 1, "PAK") in spans[0]


@pytest.mark.parametrize("ruler_name", ["kg_entity_ruler", "kg_cue_ruler"])
def test_span_rulers_match_and_annotate_as_spacys_span_ruler(nlp, ruler_name):
    text = ("Their joint naval drills with Oman and the UAE did not end; both support the Gulf Cooperation Council. "
            "Pakisatn and the Bank of England held joint drills.")
    ruler = nlp.get_pipe(ruler_name)
    ours, spacys = (_annotated(nlp, text, ruler_name) for _ in range(2))
    assert [(s.start, s.end, s.label_, s.id_) for s in ruler.match(ours)] == \
        [(s.start, s.end, s.label_, s.id_) for s in SpanRuler.match(ruler, spacys)]
    ruler(ours)
    SpanRuler.__call__(ruler, spacys)
    spans = [[(s.start, s.end, s.label_, s.id_) for s in doc.spans[ruler.key]] for doc in (ours, spacys)]
    assert spans[0] and spans[0] == spans[1]


def test_first_longest_keeps_the_spans_spacy_filter_spans_keeps(nlp):
    doc = nlp.make_doc(" ".join(["word"] * 30))
    labels = [nlp.vocab.strings.add(label) for label in ("a", "b")]
    rng = random.Random(0)
    for _ in range(300):
        matches = sorted({(s, s + rng.randint(1, 4), rng.choice(labels), 0) for s in (rng.randrange(26) for _ in range(10))})
        spans = filter_spans(sorted(Span(doc, s, e, label=label) for s, e, label, _ in matches))
        assert [m[:3] for m in _first_longest(matches)] == [(s.start, s.end, s.label) for s in spans]


def test_anchored_matcher_finds_what_the_whole_doc_matcher_finds(nlp):
    text = ("Turkey will hold its largest ever combined naval and air exercise with Qatar. "
            "They agreed to share sensitive real-time intelligence, and Bank of Ghana officials joined. "
            "Pakistan ordered four advanced Chinese-built frigates and close allies exchanged data. "
            "The Gulf Times reported that joint patrols and jointly developed drones were planned. held exercise")
    for name in ("kg_entity_ruler", "kg_cue_ruler"):
        doc = _annotated(nlp, text, "kg_entity_ruler")
        anchored = nlp.get_pipe(name).matcher
        # one pattern without an anchor (an unbounded "*" or "+") makes the whole ruler step through every token
        unanchored = [p for patterns in anchored.patterns.values() for p in patterns
                      if _anchor(p) is None and _spaced_phrase(p) is None]
        assert not unanchored and anchored.index.anchors is not None
        expected = sorted(anchored.matcher(doc))
        assert expected and sorted(anchored(doc)) == expected


#: A hard-wrapped note that breaks names across lines, and one name across a paragraph break.
WRAPPED_NAMES = """\
The envoys of the United States and of the Democratic People's
Republic of Korea spoke first, and then the envoys of the United
Kingdom of Great Britain and Northern Ireland and of the Soviet
Union replied to them at some length, as did the delegates from
the Republic of  Korea, who had come a long way to the meeting
in the hall of the United Nations, where the European Union, for
its part, spoke for all of its members and for some of the other
states of its region, and where the envoys sat down in the United

Nations hall to hear them.
"""


def test_names_broken_across_lines_are_matched_as_the_whole_doc_matcher_matches_them(nlp, stock):
    doc = _annotated(nlp, WRAPPED_NAMES, "kg_entity_ruler")
    anchored = nlp.get_pipe("kg_entity_ruler").matcher
    expected = sorted(anchored.matcher(doc))
    assert sorted(anchored(doc)) == expected
    # the line-broken names are walked, not matched in windows
    assert len(anchored.index.patterns) < sum(map(len, anchored.patterns.values()))
    docs = [pipeline(WRAPPED_NAMES) for pipeline in (nlp, stock)]
    ids = [[s.id_ for s in d.spans[ENTITIES_KEY]] for d in docs]
    assert ids[0] == ids[1] == ["USA", "PRK", "GBR", "SUN", "KOR", "UN", "EU"]


#: A hard-wrapped note that breaks cue phrases across lines.
WRAPPED_CUES = """\
The two navies have held regular joint
exercises for years, and last spring the two
states signed a strategic
partnership and an agreement on defence
cooperation, with a pledge of mutual
assistance in case of an armed attack on one
of them, which both parliaments ratified soon.
"""


def test_cue_phrases_broken_across_lines_are_matched_as_the_whole_doc_matcher_matches_them(nlp, stock):
    doc = _annotated(nlp, WRAPPED_CUES, "kg_cue_ruler")
    anchored = nlp.get_pipe("kg_cue_ruler").matcher
    expected = sorted(anchored.matcher(doc))
    assert sorted(anchored(doc)) == expected
    docs = [pipeline(WRAPPED_CUES) for pipeline in (nlp, stock)]
    spans = [[(s.start, s.end, s.label_, s.id_) for s in d.spans[CUES_KEY]] for d in docs]
    assert spans[0] == spans[1]
    assert {"strategic_partnership", "mutual_defense"} <= {s.id_ for s in docs[0].spans[CUES_KEY]}


def test_anchored_matcher_needs_every_required_word_in_the_window(nlp):
    pattern = [{"LEMMA": {"IN": ["hold"]}}, {"OP": "{0,6}"}, {"LEMMA": "drill", "IS_PUNCT": False}, {"LOWER": "x", "OP": "?"}]
    assert _required_words(pattern, 0) == [("LEMMA", frozenset({get_string_id("drill")}))]
    cue_matcher = nlp.get_pipe("kg_cue_ruler").matcher
    # "exercise" one token beyond the reach of "hold ... exercise"; then within it
    for text, found in (("They hold talks in May and June on that exercise.", False),
                        ("They hold talks in May on that exercise.", True)):
        doc = _annotated(nlp, text, "kg_entity_ruler")
        assert sorted(cue_matcher(doc)) == sorted(cue_matcher.matcher(doc))
        assert bool(cue_matcher(doc)) is found


def test_a_key_of_many_patterns_matched_by_anchor_word_finds_each_match_once():
    nlp = spacy.blank("en")
    patterns = [[{"ORTH": f"Lake{i}"}, {"ORTH": "Accord"}] for i in range(20)]
    # the same words by another anchor: one match of the key, found by two of its matchers
    patterns += [[{"LOWER": "lake3"}, {"LOWER": "accord"}], [{"ORTH": "Accord"}, {"IS_DIGIT": True, "OP": "?"}]]
    whole, anchored = Matcher(nlp.vocab), AnchoredMatcher(Matcher(nlp.vocab))
    for matcher in (whole, anchored):
        matcher.add("treaty", patterns)
    doc = nlp("The Lake3 Accord and the Lake7 Accord 1990 replaced lake3 accord and Lake3 accords.")
    assert len(anchored.index.groups) > 1
    assert sorted(anchored(doc)) == sorted(whole(doc))
    assert len(whole(doc)) == 6


def test_a_window_needs_the_word_after_its_anchor_next_to_it():
    # the word after the anchor, past optional white space: within that many tokens of it, or no window
    assert _next_word([{"ORTH": "Lake"}, {"IS_SPACE": True, "OP": "?"}, {"ORTH": "Chad"}], 0) == (
        ("ORTH", frozenset({get_string_id("Chad")})), 1)
    assert _next_word([{"LEMMA": "hold"}, {"OP": "{0,6}"}, {"LEMMA": "drill"}], 0) is None
    assert _next_word([{"ORTH": "Lake"}, {"IS_TITLE": True}], 0) is None
    nlp = spacy.blank("en")
    patterns = [[{"ORTH": "Lake"}, {"IS_SPACE": True, "OP": "?"}, {"ORTH": "Chad"}, {"ORTH": "Basin", "OP": "?"}]]
    whole, anchored = Matcher(nlp.vocab), AnchoredMatcher(Matcher(nlp.vocab))
    for matcher in (whole, anchored):
        matcher.add("lake", patterns)
    # "Chad" right after "Lake", after a line break, and too far from it
    doc = nlp("Lake Chad Basin states met. Lake\nChad shrank. Lake Victoria and Chad agreed.")
    assert len(anchored.index.windows(doc)) == 2
    assert sorted(anchored(doc)) == sorted(whole(doc)) and len(whole(doc)) == 3


def test_patterns_without_an_anchor_match_the_whole_doc():
    assert _anchor([{"LEMMA": {"IN": ["hold"]}}, {"OP": "{0,6}"}, {"LEMMA": "drill"}]) == (0, "LEMMA", ["hold"], 8)
    assert _anchor([{"IS_TITLE": True}, {"LOWER": "times"}]) == (1, "LOWER", ["times"], 2)
    assert _anchor([{"LOWER": "a"}, {"OP": "*"}]) is None
    assert _anchor([{"IS_TITLE": True, "OP": "{0,3}"}, {"LOWER": "b"}]) is None
    # an optional token before the anchor: a match starts at most one token before it
    assert _anchor([{"IS_TITLE": True, "OP": "?"}, {"LOWER": "b"}]) == (1, "LOWER", ["b"], 2)


def test_a_pattern_with_an_optional_token_before_its_anchor_matches_as_the_whole_matcher():
    nlp = spacy.blank("en")
    patterns = [[{"LOWER": {"IN": ["naval", "air"]}, "OP": "?"}, {"LOWER": "base"}, {"LOWER": "treaty"}]]
    whole, anchored = Matcher(nlp.vocab), AnchoredMatcher(Matcher(nlp.vocab))
    for matcher in (whole, anchored):
        matcher.add("basing", patterns)
    # the anchor opens the Doc (its optional token missing), then stands after the optional word
    doc = nlp("Base treaty talks ended; a naval base treaty and an air base treaty followed.")
    assert anchored.index.anchors is not None
    assert sorted(anchored(doc)) == sorted(whole(doc)) and len(whole(doc)) == 5


def test_a_removed_pattern_is_no_longer_matched():
    nlp = load_pipeline()
    ruler = nlp.get_pipe("kg_cue_ruler")
    ruler.add_patterns([{"label": "zzlabel", "pattern": [{"LOWER": "zzfirewall"}, {"LOWER": "qqmanoeuvres"}]}])

    def cue_labels(text):
        doc = nlp(text)
        return {s.label_ for s in doc.spans["kg_cues"]}

    text = "Qatar and Turkey held zzfirewall qqmanoeuvres."
    assert "zzlabel" in cue_labels(text)
    ruler.remove("zzlabel")
    assert "zzlabel" not in cue_labels(text)
    assert "activity" in cue_labels("Qatar and Turkey held joint exercises.")


def test_word_columns_read_as_doc_to_array(nlp):
    doc = nlp.make_doc("Qatar,  QATAR and qatar held\n\nJoint drills: 12 ships! Pakisatn?")
    columns = word_columns(doc)
    for attr in (ORTH, LOWER, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_TITLE):
        assert columns.column(attr).tolist() == doc.to_array(attr).tolist()
    assert word_columns(doc) is columns
    assert word_columns(nlp.make_doc("")).column(LOWER).tolist() == []


def test_word_columns_read_as_doc_to_array_as_new_words_keep_coming():
    # each Doc brings words no Doc had before: the word table's newest words and its older ones alike
    nlp = spacy.blank("en")
    for i in range(40):
        doc = nlp.make_doc(f"Envoy{i} met ENVOY{i + 1} and the envoys of {i * 7} states in Town{i % 5}.")
        for attr in (ORTH, LOWER, IS_ALPHA, IS_PUNCT, IS_TITLE):
            assert word_columns(doc).column(attr).tolist() == doc.to_array(attr).tolist()


def test_id_set_finds_what_numpy_isin_finds():
    import numpy

    rng = numpy.random.default_rng(0)
    ids = rng.integers(0, 2**64, size=70, dtype="uint64")
    twins = ids ^ numpy.uint64(1 << 40)  # same low bits, other ids
    column = numpy.concatenate([ids[:20], twins, rng.integers(0, 2**64, size=5000, dtype="uint64")])
    rng.shuffle(column)
    assert (IdSet(ids.tolist()).contains(column) == numpy.isin(column, ids)).all()
    assert IdSet(ids.tolist()).contains(numpy.zeros(0, dtype="uint64")).tolist() == []


def _tokens(doc):
    return [(t.text, t.whitespace_, t.norm_) for t in doc]


_PROSE = [
    "Mr. Khan thanked the U.S. delegation; they can't agree (yet) on the 2024-25 budget.",
    "Dr. Ruiz's team—and Gen. Okafor's—met at 9 a.m. in St. Louis, e.g. for drills!",
    "  Leading spaces,\ttabs\tand\n\nblank lines:  \"quoted\" words, http://example.org/x?y=1 and ya'll.",
    "Ms. Berg didn't say U.S.-Saudi talks had ended... Did she? 'No,' he replied.",
]


def test_warm_cache_tokenizer_gives_the_tokens_of_spacys_tokenizer():
    plain, warm = spacy.blank("en").tokenizer, WarmCacheTokenizer(spacy.blank("en").tokenizer)
    for _ in range(2):  # the second pass reads the warm cache
        for text in _PROSE:
            assert _tokens(warm(text)) == _tokens(plain(text))


def test_warm_cache_tokenizer_splits_each_chunk_once_even_after_an_exception():
    # spaCy caches no chunk after an exception such as "Mr." in the same text; kg's
    # tokenizer splits each distinct chunk with the affix rules once, whatever precedes it.
    def suffix_calls(tokenizer):
        search, calls = tokenizer.suffix_search, []
        tokenizer.suffix_search = lambda text: calls.append(text) or search(text)
        calls.clear()  # setting the rule re-reads the exceptions
        return calls

    text = "Mr. Haddad said the envoys, (all of them), met twice."
    plain = spacy.blank("en").tokenizer
    warm = WarmCacheTokenizer(spacy.blank("en").tokenizer)
    plain_calls, warm_calls = suffix_calls(plain), suffix_calls(warm.tokenizer)
    plain(text), warm(text)
    first = len(plain_calls), len(warm_calls)
    plain(text), warm(text)
    assert first[0] > 0 and first[1] > 0
    assert len(plain_calls) == 2 * first[0]  # spaCy splits the chunks after "Mr." again
    assert len(warm_calls) == first[1]  # kg's reads them from the cache


def test_chunks_met_in_a_memory_zone_are_warmed_after_it():
    nlp = spacy.blank("en")
    warm = WarmCacheTokenizer(nlp.tokenizer)
    search, calls = warm.tokenizer.suffix_search, []
    warm.suffix_search = lambda text: calls.append(text) or search(text)
    text = "Mr. Haddad said the envoys, (all of them), met twice."
    with nlp.memory_zone():
        assert [t.text for t in warm(text)][:2] == ["Mr.", "Haddad"]
    warm(text)
    calls.clear()
    warm(text)
    assert calls == []  # cached after the zone, though first met inside it


def test_tokenizer_rules_changed_through_the_wrapper_apply(nlp):
    warm = WarmCacheTokenizer(spacy.blank("en").tokenizer)
    assert [t.text for t in warm("the F-16s arrived")] == ["the", "F-16s", "arrived"]
    warm.add_special_case("F-16s", [{ORTH_SYMBOL: "F-16"}, {ORTH_SYMBOL: "s"}])
    assert [t.text for t in warm("the F-16s arrived")] == ["the", "F-16", "s", "arrived"]
    assert isinstance(nlp.tokenizer, WarmCacheTokenizer)


@pytest.mark.parametrize("seed", range(3))
def test_warm_cache_tokenizer_matches_spacy_on_random_text(seed):
    pieces = ["Mr.", "U.S.", "can't", "(", ")", "--", "e.g.", "a.m.", "Oman's", "1,200", "'", '"', "...", "!",
              "x", "Talks", "ended.", "U.S.-Gulf", "\n", "  ", "\t", "é", "drills,", "http://a.b/c", "#", ":)"]
    rng = random.Random(seed)
    texts = ["".join(rng.choice(pieces) + rng.choice(["", " ", " "]) for _ in range(60)) for _ in range(40)]
    plain, warm = spacy.blank("en").tokenizer, WarmCacheTokenizer(spacy.blank("en").tokenizer)
    for text in texts + texts:
        assert _tokens(warm(text)) == _tokens(plain(text))


@pytest.mark.parametrize("text", [
    "Oman and Qatar met. " + "=" * 2500 + " Then Chile and Peru signed a pact.\n" + "(!" * 1200,
    "=" * 3000,
    "  " + "\U0001F1FA\U0001F1F8" * 800 + "\n\nIndia drilled.",
])
def test_long_chunks_are_cut_alike_by_both_pipelines_with_offsets_kept(text, nlp, stock):
    fast, plain = nlp(text), stock(text)
    assert fast.text == plain.text == text
    assert [(t.idx, t.text, t.whitespace_) for t in fast] == [(t.idx, t.text, t.whitespace_) for t in plain]
    assert [t.is_sent_start for t in fast] == [t.is_sent_start for t in plain]


def test_a_long_chunk_inside_a_sentence_leaves_the_sentence_whole(nlp, stock):
    text = "Pakistan and " + "/" * 1500 + " Turkey held joint drills. Then talks resumed."
    for pipeline in (nlp, stock):
        assert [len(s) for s in pipeline(text).sents] == [22, 4]  # the run is 15 tokens of 100 characters
