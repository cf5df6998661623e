"""Mechanism 7: ``--spacy-model PATH`` adds the rule components to a trained pipeline saved to disk.

No pretrained pipeline can be downloaded here, so the test trains a tiny dependency
parser on a handful of our own annotated sentences, saves it with ``nlp.to_disk``
and loads it back through :func:`kg.nlp.load_pipeline` and ``kg build --spacy-model``.
"""
from __future__ import annotations

import csv
import random

import pytest
import spacy
from spacy.training import Example
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import read_sentences
from kg.nlp import ENTITIES_KEY, load_pipeline

# (words, heads, deps): subject - cooperation verb - object, and one verb that is no cooperation.
TRAINING = [
    ("Norway supplied Estonia with radars .".split(), [1, 1, 1, 1, 3, 1], ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct"]),
    ("Chile trained Peru .".split(), [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"]),
    ("Kenya cooperates with Uganda .".split(), [1, 1, 1, 2, 1], ["nsubj", "ROOT", "prep", "pobj", "punct"]),
    ("Japan praised India .".split(), [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"]),
    ("Ghana equipped Togo with boats .".split(), [1, 1, 1, 1, 3, 1], ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct"]),
    ("Spain works with Morocco .".split(), [1, 1, 1, 2, 1], ["nsubj", "ROOT", "prep", "pobj", "punct"]),
]


@pytest.fixture(scope="module")
def parser_path(tmp_path_factory):
    """A blank English pipeline with a dependency parser trained on TRAINING, saved to disk."""
    random.seed(0)
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    parser = nlp.add_pipe("parser")
    examples = [
        Example.from_dict(spacy.tokens.Doc(nlp.vocab, words=words), {"heads": heads, "deps": deps})
        for words, heads, deps in TRAINING
    ]
    for _, _, deps in TRAINING:
        for dep in deps:
            parser.add_label(dep)
    optimizer = nlp.initialize()
    for _ in range(60):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("trained") / "tiny_parser"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def trained_nlp(parser_path):
    return load_pipeline(str(parser_path))


def test_rule_components_are_added_to_the_saved_pipeline(trained_nlp):
    assert trained_nlp.has_pipe("parser")
    assert {"kg_entity_ruler", "kg_cue_ruler", "kg_fuzzy_linker"} <= set(trained_nlp.pipe_names)
    doc = trained_nlp("Norway supplied Estonia with radars.")
    assert [s.id_ for s in doc.spans[ENTITIES_KEY]] == ["NOR", "EST"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Norway supplied Estonia with radars.", {("EST", "NOR", "dependency")}),
        ("Kenya cooperates with Uganda.", {("KEN", "UGA", "dependency")}),
        # Praise is no cooperation verb: the parser sees subject and object, kg asserts nothing.
        ("Japan praised India.", set()),
    ],
)
def test_dependency_matcher_links_subject_and_object_of_cooperation_verbs(trained_nlp, text, expected):
    found = {(*sorted(p[:2]), p[2]) for r in read_sentences(trained_nlp(text)) for p in r.pairs}
    assert found == expected


def test_embedded_pipeline_has_no_parser_and_no_dependency_pairs(nlp):
    reading = read_sentences(nlp("Norway supplied Estonia with radars."))[0]
    assert [p[2] for p in reading.pairs] == ["object"]


def test_cli_builds_with_a_pipeline_folder(parser_path, tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text("Chile trained Peru.", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(source), "--out", str(out), "--spacy-model", str(parser_path),
                                      "--formats", "csv", "--quiet"])
    assert result.exit_code == 0, result.output
    with (out / "facts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["source"], r["target"]) for r in rows if r["relation"] == "partnership"} == {("CHL", "PER")}


def test_cli_reports_a_missing_pipeline_in_one_line(tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text("Chile trained Peru.", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(source), "--out", str(tmp_path / "o"), "--spacy-model",
                                      str(tmp_path / "no_such_pipeline")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:") and "Traceback" not in result.output
