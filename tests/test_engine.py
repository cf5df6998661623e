"""Engines: one stream, a process pool, long documents split at paragraphs."""
import pytest

from kg.engine import LocalEngine, split_text, word_count
from kg.nlp import load_pipeline
from kg.records import Document

PARAGRAPHS = [
    "Pakistan and Turkey held joint exercises in the Arabian Sea last spring.",
    "The two nations also agreed to share intelligence on militant networks.",
    "Separately, Pakisatn signed a defence cooperation agreement with Malaysia.",
    "Ministers from Qatar and the UAE met in Doha. They discussed border security.",
]


def test_split_text_cuts_after_paragraph_breaks_and_covers_the_text():
    text = "\n\n".join(PARAGRAPHS)
    pieces = split_text(text, 160)
    assert len(pieces) > 1
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(end - start <= 160 for start, end in pieces)
    assert all(text[end - 2 : end] == "\n\n" for _, end in pieces[:-1])


def test_split_text_without_separators_still_respects_the_limit():
    assert split_text("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


def test_word_count_skips_spaces_and_punctuation(nlp):
    assert word_count(nlp.make_doc("Qatar,  Oman and Iran .\n")) == 4
    assert word_count(nlp.make_doc("")) == 0


def test_document_over_max_length_keeps_document_offsets(nlp):
    text = "\n\n".join(PARAGRAPHS * 3)
    document = Document("long", text)
    [whole] = LocalEngine(nlp).map([document])
    small = load_pipeline()
    small.max_length = 200  # several pieces, each under spaCy's limit
    assert len(split_text(text, small.max_length)) > 3
    [pieces] = LocalEngine(small).map([document])
    assert pieces.mentions == whole.mentions and pieces.facts == whole.facts
    assert (pieces.sentences, pieces.words) == (whole.sentences, whole.words)
    assert {m.text for m in pieces.mentions} >= {"Pakistan", "Pakisatn", "Malaysia", "UAE"}
    for m in pieces.mentions:
        assert text[m.start : m.end] == m.text
    for f in pieces.facts:
        assert text[f.start : f.end] == f.evidence
    # the later copies of the paragraphs are numbered as later sentences
    assert len({f.sentence for f in pieces.facts}) > len(PARAGRAPHS)


@pytest.mark.parametrize("name", ["corpus", "un"])
def test_two_workers_write_the_same_files_as_one(name, corpus_inputs, reference_build, build_files, tmp_path):
    assert build_files(corpus_inputs(name), tmp_path, workers=2) == reference_build(name)


def test_engine_options_are_checked_when_made():
    from kg.engine import EngineOptions
    from kg.errors import OptionError

    with pytest.raises(OptionError, match="unknown engine 'spark' \\(choose from local, dask\\)"):
        EngineOptions("spark")
    with pytest.raises(OptionError, match="at least 1, not 0"):
        EngineOptions(workers=0)
    with pytest.raises(OptionError, match="--scheduler needs --engine dask"):
        EngineOptions(scheduler="tcp://127.0.0.1:8786")


def test_cli_engine_options_fail_in_one_line(tmp_path, repo):
    import subprocess
    import sys

    def kg(*args):
        return subprocess.run([sys.executable, "-m", "kg", "build", str(repo / "corpus"), "--out", str(tmp_path), *args],
                              capture_output=True, text=True)

    wrong = kg("--scheduler", "tcp://127.0.0.1:8786")
    assert (wrong.returncode, wrong.stderr) == (1, "Error: --scheduler needs --engine dask\n")
    help_text = subprocess.run([sys.executable, "-m", "kg", "build", "--help"], capture_output=True, text=True).stdout
    for option in ("--workers", "--engine", "--scheduler", "--no-cache", "--cache-dir"):
        assert option in help_text


def test_anchored_matcher_finds_what_the_whole_doc_matcher_finds(nlp):
    text = ("Turkey will hold its largest ever combined naval and air exercise with Qatar. "
            "They agreed to share sensitive real-time intelligence, and Bank of Ghana officials joined. "
            "Pakistan ordered four advanced Chinese-built frigates and close allies exchanged data. "
            "The Gulf Times reported that joint patrols and jointly developed drones were planned. held exercise")
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name in ("kg_entity_ruler", "kg_cue_ruler"):
            break
        doc = proc(doc)
    for name in ("kg_entity_ruler", "kg_cue_ruler"):
        anchored = nlp.get_pipe(name).matcher
        assert anchored.anchors is not None
        expected = sorted(anchored.matcher(doc))
        assert expected and sorted(anchored(doc)) == expected


def test_patterns_without_an_anchor_match_the_whole_doc():
    from kg.nlp import _anchor

    assert _anchor([{"LEMMA": {"IN": ["hold"]}}, {"OP": "{0,6}"}, {"LEMMA": "drill"}]) == (0, "LEMMA", ["hold"], 8)
    assert _anchor([{"IS_TITLE": True}, {"LOWER": "times"}]) == (1, "LOWER", ["times"], 2)
    assert _anchor([{"LOWER": "a"}, {"OP": "*"}]) is None
    assert _anchor([{"IS_TITLE": True, "OP": "?"}, {"LOWER": "b"}]) is None


@pytest.mark.parametrize("copies", [1, 5])  # short Docs are lemmatised token by token, longer ones as arrays
def test_lemmas_written_as_an_array_are_the_lookup_lemmas(nlp, copies):
    doc = nlp(" ".join(["The Defence Ministers signed programmes for corvettes, drones and joint manoeuvres."] * copies))
    lemmatizer = nlp.get_pipe("kg_lemmatizer")
    assert [t.lemma_ for t in doc] == [lemmatizer.lookup_lemmatize(t)[0] for t in doc]
    assert {"defense", "program", "corvette", "drone"} <= {t.lemma_ for t in doc}
    # tokens with a norm of their own (tokenizer exceptions), next to the same words without
    doc = nlp(" ".join(["We can't and won't; ca. 1990 they can, wo n't they? Can't!"] * copies))
    assert [t.lemma_ for t in doc] == [lemmatizer.lookup_lemmatize(t)[0] for t in doc]
    assert any(t.norm_ != t.lex.norm_ for t in doc)


def test_anchored_matcher_needs_every_required_word_in_the_window(nlp):
    from spacy.strings import get_string_id

    from kg.nlp import _required_words

    pattern = [{"LEMMA": {"IN": ["hold"]}}, {"OP": "{0,6}"}, {"LEMMA": "drill", "IS_PUNCT": False}, {"LOWER": "x", "OP": "?"}]
    assert _required_words(pattern, 0) == [("LEMMA", frozenset({get_string_id("drill")}))]
    cue_matcher = nlp.get_pipe("kg_cue_ruler").matcher
    # "exercise" one token beyond the reach of "hold ... exercise"; then within it
    for text, found in (("They hold talks in May and June on the exercise.", False),
                        ("They hold talks in May on the exercise.", True)):
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline[:3]:
            doc = proc(doc)
        assert sorted(cue_matcher(doc)) == sorted(cue_matcher.matcher(doc))
        assert bool(cue_matcher(doc)) is found


def test_a_pipeline_spec_gives_every_stage_its_data_folder(tmp_path):
    import pickle
    import shutil

    from kg.engine import PipelineSpec
    from kg.gazetteer import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cues = (data / "cues.yaml").read_text(encoding="utf-8")
    (data / "cues.yaml").write_text(cues.replace("distributive_markers: [", "distributive_markers: [singly, ", 1), encoding="utf-8")
    countries = (data / "countries.csv").read_text(encoding="utf-8")
    (data / "countries.csv").write_text(countries.replace("\nPER,Peru,", "\nPER,Peru (edited),", 1), encoding="utf-8")
    spec = pickle.loads(pickle.dumps(PipelineSpec(data_dir=data)))  # as a worker receives it
    assert "singly" in spec.reader().words["distributive_markers"]
    assert "singly" not in PipelineSpec().reader().words["distributive_markers"]
    assert spec.gazetteer().label("PER") == "Peru (edited)" != PipelineSpec().gazetteer().label("PER")
    [extraction] = LocalEngine(spec=spec).map([Document("d", "The Peru (edited) navy sailed.")])
    assert [(m.entity, m.text) for m in extraction.mentions] == [("PER", "Peru (edited)")]
