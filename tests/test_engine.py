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
    assert "singly" in spec.reader().rules.words.distributive_markers
    assert "singly" not in PipelineSpec().reader().rules.words.distributive_markers
    assert spec.gazetteer().label("PER") == "Peru (edited)" != PipelineSpec().gazetteer().label("PER")
    [extraction] = LocalEngine(spec=spec).map([Document("d", "The Peru (edited) navy sailed.")])
    assert [(m.entity, m.text) for m in extraction.mentions] == [("PER", "Peru (edited)")]


def test_the_pair_classifier_reads_the_word_lists_and_capitals_of_the_build_data_folder(perchance_folder):
    from kg.classify import PairModel
    from kg.engine import extract_stream
    from kg.extract import SentenceReader
    from kg.gazetteer import DATA_DIR, load_gazetteer
    from kg.ontology import load_cues

    data, model, text = perchance_folder

    def partnerships(folder):
        nlp = load_pipeline(data_dir=folder)
        [extraction] = extract_stream(nlp, [Document("d", text)], reader=SentenceReader(load_cues(folder)),
                                      gazetteer=load_gazetteer(folder), model=PairModel.load(model))
        return {(f.source, f.target) for f in extraction.facts if f.relation == "partnership"}

    assert partnerships(DATA_DIR) == {("GHA", "NGA")}
    assert partnerships(data) == set()
