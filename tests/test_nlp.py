import pytest

from kg.nlp import CUES_KEY, ENTITIES_KEY


def entities(nlp, text):
    doc = nlp(text)
    return [(s.text, s.id_) for s in doc.spans[ENTITIES_KEY] if s.id_]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. and the UAE met.", ["USA", "ARE"]),
        ("Türkiye and Turkiye and Turkey.", ["TUR", "TUR", "TUR"]),
        ("Pakistani and Emirati officers.", ["PAK", "ARE"]),
        ("Washington and Riyadh agreed.", ["USA", "SAU"]),
        ("The Kingdom of Saudi Arabia and KSA.", ["SAU", "SAU"]),
        ("the U.S.-Saudi alliance", ["USA", "SAU"]),
        ("North Atlantic Treaty Organization and Interpol", ["NATO", "INTERPOL"]),
    ],
)
def test_aliases_demonyms_capitals_link_to_canonical_ids(nlp, text, expected):
    assert [i for _, i in entities(nlp, text)] == expected


def test_misspelt_country_is_linked_by_fuzzy_match(nlp):
    assert entities(nlp, "Officers from Pakisatn arrived.") == [("Pakisatn", "PAK")]


@pytest.mark.parametrize("word", ["Granada", "Cameron", "Balkan", "Chairman", "Athena"])
def test_fuzzy_match_leaves_real_words_alone(nlp, word):
    assert entities(nlp, f"Yesterday {word} was mentioned.") == []


def test_country_names_inside_other_names_are_not_actors(nlp):
    assert entities(nlp, "Tankers crossed the Gulf of Oman near the Bank of England office.") == []


def test_cues_match_spelling_and_inflection_variants(nlp):
    doc = nlp("Defence programmes, defense program, co-operation and joint naval exercises.")
    found = {(s.label_, s.id_) for s in doc.spans[CUES_KEY]}
    assert ("activity", "joint_exercises") in found
    assert ("cooperation", "") in found


def test_line_breaks_start_sentences(nlp):
    doc = nlp("# A heading without a full stop\nThe first sentence follows.")
    assert [s.text.strip() for s in doc.sents] == ["# A heading without a full stop", "The first sentence follows."]


@pytest.mark.parametrize("text", [
    "",
    "?!",
    "...and then it stopped. Nobody asked why!",
    "\"We agree.\" The envoy left (quietly). Then: talks?! Yes . . . later",
    "Talks resumed。Both sides met ; no deal. 'Fine,' she said!! ok",
])
def test_array_sentencizer_splits_as_spacy_sentencizer(text):
    import spacy

    import kg.nlp  # noqa: F401  (registers kg_sentencizer)

    def starts(factory):
        nlp = spacy.blank("en")
        nlp.add_pipe(factory)
        return [t.is_sent_start for t in nlp(text)]

    assert starts("kg_sentencizer") == starts("sentencizer")


def test_span_rulers_match_as_spacy_span_ruler(nlp):
    from spacy.pipeline import SpanRuler

    doc = nlp.make_doc("Their joint naval drills with Oman and the UAE did not end; both support the Gulf Cooperation Council.")
    for name, proc in nlp.pipeline[:3]:
        doc = proc(doc)
    for name in ("kg_entity_ruler", "kg_cue_ruler"):
        ruler = nlp.get_pipe(name)
        spans = [(s.start, s.end, s.label_, s.id_) for s in ruler.match(doc)]
        assert spans and spans == [(s.start, s.end, s.label_, s.id_) for s in SpanRuler.match(ruler, doc)]


def test_span_rulers_annotate_as_spacy_span_ruler(nlp):
    from spacy.pipeline import SpanRuler

    text = "Joint naval drills: Oman, the UAE and the Gulf Cooperation Council. Pakisatn and the Bank of England."
    for name in ("kg_entity_ruler", "kg_cue_ruler"):
        ruler = nlp.get_pipe(name)
        ours, spacys = (nlp.make_doc(text) for _ in range(2))
        for doc in (ours, spacys):
            for _, proc in nlp.pipeline[:3]:
                doc = proc(doc)
        ruler(ours)
        SpanRuler.__call__(ruler, spacys)
        spans = [[(s.start, s.end, s.label_, s.id_) for s in doc.spans[ruler.key]] for doc in (ours, spacys)]
        assert spans[0] and spans[0] == spans[1]


def test_first_longest_keeps_the_spans_spacy_filter_spans_keeps(nlp):
    import random

    from spacy.tokens import Span
    from spacy.util import filter_spans

    from kg.nlp import _first_longest

    doc = nlp.make_doc(" ".join(["word"] * 30))
    labels = [nlp.vocab.strings.add(label) for label in ("a", "b")]
    rng = random.Random(0)
    for _ in range(300):
        matches = sorted({(s, s + rng.randint(1, 4), rng.choice(labels), 0) for s in (rng.randrange(26) for _ in range(10))})
        spans = filter_spans(sorted(Span(doc, s, e, label=label) for s, e, label, _ in matches))
        assert [m[:3] for m in _first_longest(matches)] == [(s.start, s.end, s.label) for s in spans]


def test_word_columns_read_as_doc_to_array(nlp):
    from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_TITLE, LOWER, ORTH

    from kg.nlp import word_columns

    doc = nlp.make_doc("Qatar,  QATAR and qatar held\n\nJoint drills: 12 ships! Pakisatn?")
    columns = word_columns(doc)
    for attr in (ORTH, LOWER, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_TITLE):
        assert columns.column(attr).tolist() == doc.to_array(attr).tolist()
    assert word_columns(doc) is columns
    assert word_columns(nlp.make_doc("")).column(LOWER).tolist() == []


def test_misspelt_names_are_linked_wherever_they_stand(nlp):
    assert entities(nlp, "Pakisatn, Turkye and again Pakisatn.") == [("Pakisatn", "PAK"), ("Turkye", "TUR"), ("Pakisatn", "PAK")]


def test_id_set_finds_what_numpy_isin_finds():
    import numpy

    from kg.nlp import IdSet

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
    import spacy

    from kg.nlp import WarmCacheTokenizer

    plain, warm = spacy.blank("en").tokenizer, WarmCacheTokenizer(spacy.blank("en").tokenizer)
    for _ in range(2):  # the second pass reads the warm cache
        for text in _PROSE:
            assert _tokens(warm(text)) == _tokens(plain(text))


def test_warm_cache_tokenizer_splits_each_chunk_once_even_after_an_exception():
    # spaCy caches no chunk after an exception such as "Mr." in the same text; kg's
    # tokenizer splits each distinct chunk with the affix rules once, whatever precedes it.
    import spacy

    from kg.nlp import WarmCacheTokenizer

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
    import spacy

    from kg.nlp import WarmCacheTokenizer

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


def test_pipeline_tokenizer_rules_changed_through_the_wrapper_apply(nlp):
    import spacy
    from spacy.symbols import ORTH

    from kg.nlp import WarmCacheTokenizer

    warm = WarmCacheTokenizer(spacy.blank("en").tokenizer)
    assert [t.text for t in warm("the F-16s arrived")] == ["the", "F-16s", "arrived"]
    warm.add_special_case("F-16s", [{ORTH: "F-16"}, {ORTH: "s"}])
    assert [t.text for t in warm("the F-16s arrived")] == ["the", "F-16", "s", "arrived"]
    assert isinstance(nlp.tokenizer, WarmCacheTokenizer)


@pytest.mark.parametrize("seed", range(3))
def test_warm_cache_tokenizer_matches_spacy_on_random_text(seed):
    import random

    import spacy

    from kg.nlp import WarmCacheTokenizer

    pieces = ["Mr.", "U.S.", "can't", "(", ")", "--", "e.g.", "a.m.", "Oman's", "1,200", "'", '"', "...", "!",
              "x", "Talks", "ended.", "U.S.-Gulf", "\n", "  ", "\t", "é", "drills,", "http://a.b/c", "#", ":)"]
    rng = random.Random(seed)
    texts = ["".join(rng.choice(pieces) + rng.choice(["", " ", " "]) for _ in range(60)) for _ in range(40)]
    plain, warm = spacy.blank("en").tokenizer, WarmCacheTokenizer(spacy.blank("en").tokenizer)
    for text in texts + texts:
        assert _tokens(warm(text)) == _tokens(plain(text))
