"""The pair classifier's parser features: the dependency path between two actors, when the pipeline parses.

Docs with a hand-made parse test :func:`kg.classify.dependency_features`; the tiny parser of
``conftest.py`` (``parser_path``) stands for a trained pipeline in ``kg train``, ``kg explain``
and ``kg build``.
"""
from __future__ import annotations

import json

import pytest
from spacy.tokens import Doc
from typer.testing import CliRunner

from kg.classify import Mention, Parse, PairModel, dependency_features, load_model, sentence_candidates
from kg.cli import app
from kg.extract import read_sentences
from kg.nlp import describe_pipeline, describe_spacy_model, load_pipeline


def parsed(nlp, words, heads, deps, lemmas=None) -> Parse:
    """The parse of a Doc made with the given heads (token indices) and labels."""
    return Parse.of(Doc(nlp.vocab, words=words, heads=heads, deps=deps, lemmas=lemmas))


def country(i: int, j: int | None = None, code: str = "X") -> Mention:
    return Mention(code, "country", i, i + 1 if j is None else j)


def test_the_path_runs_up_to_the_common_verb_and_down_to_the_other_actor(nlp):
    words = "Brazil quietly armed the navy of Angola .".split()
    parse = parsed(nlp, words, [2, 2, 2, 4, 2, 4, 5, 2], ["nsubj", "advmod", "ROOT", "det", "dobj", "prep", "pobj", "punct"],
                   ["brazil", "quietly", "arm", "the", "navy", "of", "angola", "."])
    assert dependency_features(parse, country(0), country(6)) == [
        "dep_path:nsubj↑ROOT↓dobj↓prep↓pobj", "dep_lca:arm", "dep_arcs:4-6"]


def test_a_mention_of_several_words_is_read_at_its_head(nlp):
    words = "New Zealand and Fiji patrol .".split()  # "New" hangs on "Zealand": the span's head is Zealand
    parse = parsed(nlp, words, [1, 4, 1, 1, 4, 4], ["compound", "nsubj", "cc", "conj", "ROOT", "punct"])
    assert dependency_features(parse, country(0, 2), country(3)) == ["dep_path:nsubj↓conj", "dep_lca:A", "dep_arcs:1"]


def test_a_path_longer_than_the_cap_is_long(nlp):
    words = "Peru said that Chile hoped to help troops of Bolivia .".split()
    heads = [1, 1, 4, 4, 1, 6, 4, 6, 7, 8, 1]
    deps = ["nsubj", "ROOT", "mark", "nsubj", "ccomp", "aux", "xcomp", "dobj", "prep", "pobj", "punct"]
    parse = parsed(nlp, words, heads, deps, ["peru", "say", "that", "chile", "hope", "to", "help", "troop", "of", "bolivia", "."])
    assert dependency_features(parse, country(0), country(9)) == ["dep_path:long", "dep_lca:say", "dep_arcs:4-6"]
    assert dependency_features(parse, country(3), country(9))[0] == "dep_path:long"  # five arcs
    assert dependency_features(parse, country(0), country(3))[0] == "dep_path:nsubj↑ROOT↓ccomp↓nsubj"


def test_actors_in_two_trees_have_no_path(nlp):
    words = "Mali voted . Chad abstained .".split()
    parse = parsed(nlp, words, [1, 1, 1, 4, 4, 4], ["nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"])
    assert dependency_features(parse, country(0), country(3)) == []


def test_without_a_parse_there_are_no_dependency_features(nlp):
    doc = nlp("Chile trained the army of Peru.")
    assert Parse.of(doc) is None
    features = [f for r in read_sentences(doc) for c in sentence_candidates(doc, r) for f in c.all_features]
    assert features and not [f for f in features if f.startswith("dep_")]


@pytest.fixture(scope="module")
def parser_nlp(parser_path):
    return load_pipeline(str(parser_path))


def test_a_pipeline_is_described_alike_loaded_or_not(parser_path, parser_nlp, nlp):
    assert describe_spacy_model(str(parser_path)) == describe_pipeline(parser_nlp) == {
        "name": "en_tiny_parser", "version": "0.1.0", "parses": True}
    assert describe_spacy_model(None) == describe_pipeline(nlp)
    assert describe_spacy_model("no_such_pipeline")["parses"] is None


def test_the_shipped_model_gives_no_weight_to_the_path(parser_nlp):
    model = load_model()
    doc = parser_nlp("Chile trained Peru. Kenya cooperates with Uganda.")
    candidates = [c for r in read_sentences(doc) for c in sentence_candidates(doc, r)]
    assert all(any(f.startswith("dep_path:") for f in c.features) for c in candidates) and candidates
    for c in candidates:
        without = [f for f in c.all_features if not f.startswith("dep_")]
        assert model.predict(c.all_features) == model.predict(without)


# Sentences of our own, one document per pair of countries: partners and not.
PAIRS = [("Chile", "CHL", "Peru", "PER"), ("Ghana", "GHA", "Togo", "TGO"), ("Norway", "NOR", "Estonia", "EST"),
         ("Kenya", "KEN", "Uganda", "UGA"), ("Spain", "ESP", "Morocco", "MAR"), ("Japan", "JPN", "India", "IND")]
PARTNER_SENTENCES = ["{x} trained the coast guard of {y}.", "{x} works with {y} on border security.",
                     "{x} supplied {y} with patrol boats."]
OTHER_SENTENCES = ["{x} praised {y} for its elections.", "{x} voted against {y} in the council.",
                   "The ambassador of {x} left {y} in May."]


@pytest.fixture(scope="module")
def parse_model(tmp_path_factory, parser_path):
    """A model `kg train --spacy-model` wrote from labels read with the tiny parser."""
    folder = tmp_path_factory.mktemp("parse_model")
    records = []
    for d, (x, a, y, b) in enumerate(PAIRS):
        for templates, relation in ((PARTNER_SENTENCES, "partnership"), (OTHER_SENTENCES, "none")):
            for t in templates:
                records.append({"id": f"p-{len(records)}", "doc_id": f"doc{d}", "sentence": t.format(x=x, y=y),
                                "context_before": "", "a": a, "b": b, "relation": relation})
    labels = folder / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", str(labels), "--out", str(folder / "model.json"),
                                      "--spacy-model", str(parser_path)])
    assert result.exit_code == 0, result.output
    return folder / "model.json"


def test_training_with_a_parser_learns_the_path_and_names_the_pipeline(parse_model):
    model = PairModel.load(parse_model)
    assert [f for f in model.weights if f.startswith("dep_path:")]
    assert model.card["spacy_pipeline"] == {"name": "en_tiny_parser", "version": "0.1.0", "parses": True}
    assert "spaCy pipeline: en_tiny_parser 0.1.0 (with its dependency parse)." in parse_model.with_suffix(".md").read_text()


def test_explain_prints_the_path_and_its_weight(parse_model, parser_path):
    result = CliRunner().invoke(app, ["explain", "Chile trained the coast guard of Togo.", "--model", str(parse_model),
                                      "--spacy-model", str(parser_path)])
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output
    parse_line = next(line for line in result.output.splitlines() if line.strip().startswith("parse:"))
    path = parse_line.split("parse: ")[1].split(",")[0]
    assert path.startswith("dep_path:") and not path.endswith("(not in the model)")


def test_explain_with_the_shipped_model_shows_the_path_is_not_in_it(parser_path):
    result = CliRunner().invoke(app, ["explain", "Chile trained the coast guard of Togo.", "--spacy-model", str(parser_path)])
    assert result.exit_code == 0, result.output
    assert "dep_path:" in result.output and "(not in the model)" in result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "trained without a parse" in warnings[0]


def test_a_parse_model_without_a_parser_warns_once(parse_model, tmp_path):
    explained = CliRunner().invoke(app, ["explain", "Chile trained Peru.", "--model", str(parse_model)])
    source = tmp_path / "doc.txt"
    source.write_text("Chile trained Peru. Ghana works with Togo.", encoding="utf-8")
    built = CliRunner().invoke(app, ["build", str(source), "--out", str(tmp_path / "out"), "--model", str(parse_model),
                                     "--formats", "csv", "--quiet", "--no-cache"])
    for result in (explained, built):
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
        assert len(warnings) == 1 and "en_tiny_parser 0.1.0" in warnings[0] and "has no parser" in warnings[0]
