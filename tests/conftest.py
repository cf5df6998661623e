"""Shared fixtures: one embedded pipeline per test session, a tiny trained parser, the UN sample, builds."""
from __future__ import annotations

import random
from pathlib import Path
from typing import NamedTuple

import pytest
import spacy
from spacy.training import Example

from kg.nlp import load_pipeline

REPO = Path(__file__).resolve().parents[1]


def bench_module(name: str):
    """The script ``bench/NAME.py`` as a module (bench/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


# (words, heads, deps): subject - cooperation verb - object, and one verb that is no cooperation.
PARSER_TRAINING = [
    ("Norway supplied Estonia with radars .".split(), [1, 1, 1, 1, 3, 1], ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct"]),
    ("Chile trained Peru .".split(), [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"]),
    ("Kenya cooperates with Uganda .".split(), [1, 1, 1, 2, 1], ["nsubj", "ROOT", "prep", "pobj", "punct"]),
    ("Japan praised India .".split(), [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"]),
    ("Ghana equipped Togo with boats .".split(), [1, 1, 1, 1, 3, 1], ["nsubj", "ROOT", "dobj", "prep", "pobj", "punct"]),
    ("Spain works with Morocco .".split(), [1, 1, 1, 2, 1], ["nsubj", "ROOT", "prep", "pobj", "punct"]),
]


@pytest.fixture(scope="session")
def parser_path(tmp_path_factory):
    """A blank English pipeline with a dependency parser trained on PARSER_TRAINING, saved to disk
    (no pretrained pipeline can be downloaded here)."""
    random.seed(0)
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    parser = nlp.add_pipe("parser")
    examples = [
        Example.from_dict(spacy.tokens.Doc(nlp.vocab, words=words), {"heads": heads, "deps": deps})
        for words, heads, deps in PARSER_TRAINING
    ]
    for _, _, deps in PARSER_TRAINING:
        for dep in deps:
            parser.add_label(dep)
    optimizer = nlp.initialize()
    for _ in range(60):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.meta.update(name="tiny_parser", version="0.1.0")  # what a model trained with it records
    path = tmp_path_factory.mktemp("trained") / "tiny_parser"
    nlp.to_disk(path)
    return path


class ModalityFolder(NamedTuple):
    """A copy of kg/data whose modality list also holds "perchance", a model that reads it, a sentence."""

    data: Path
    model: Path
    text: str


@pytest.fixture
def perchance_folder(tmp_path) -> ModalityFolder:
    """A data folder that differs from kg/data by one modality word, and a one-weight model for which that
    word turns a partnership into none: a build reads the folder it is given when the pair is dropped."""
    import json
    import re
    import shutil

    from kg.gazetteer import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cues = data / "cues.yaml"
    cues.write_text(re.sub(r"modality_words: \[", "modality_words: [perchance, ", cues.read_text(encoding="utf-8")),
                    encoding="utf-8")
    model = tmp_path / "model.json"
    # a partnership unless the words before the pair hold a modality word of the data folder's list
    model.write_text(json.dumps({"relations": ["partnership", "none"], "bias": [1, 0],
                                 "weights": {"modal_lft:perchance": [-5, 0]}}))
    return ModalityFolder(data, model, "Perchance Ghana and Nigeria held joint naval patrols.")


UN_DEBATES = REPO.parent / "shared" / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
#: Every output file, compared byte for byte between engines.
OUTPUT_FILES = ("facts.csv", "mentions.csv", "nodes.csv", "edges.csv", "graph.graphml", "actors.graphml",
                "graph.gexf", "actors.gexf", "graph.html")


@pytest.fixture(scope="session")
def un_sample(tmp_path_factory) -> Path:
    """The first 200 speeches of the UN General Debate corpus as a .jsonl file."""
    import gzip
    import itertools

    if not UN_DEBATES.exists():
        pytest.skip(f"{UN_DEBATES} not found: the UN sample needs ../shared beside the checkout")
    path = tmp_path_factory.mktemp("un") / "un_sample.jsonl"
    with gzip.open(UN_DEBATES, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as sample:
        sample.writelines(itertools.islice(source, 200))
    return path


def _build_files(inputs, out: Path, **options) -> dict[str, bytes]:
    """Build ``inputs`` into ``out`` without a cache; the output files' bytes by name."""
    from kg.build import build

    build([str(i) for i in inputs], out=out, cache=False, **options)
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="session")
def build_files():
    """``build_files(inputs, out, **options)``: build without a cache; the output files' bytes by name."""
    return _build_files


@pytest.fixture(scope="session")
def corpus_inputs(request, repo):
    """Inputs by name: ``corpus`` (the bundled corpus) or ``un`` (200 UN speeches, skipped without ../shared)."""
    return lambda name: [repo / "corpus"] if name == "corpus" else [request.getfixturevalue("un_sample")]


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory, corpus_inputs):
    """Output files of the local single-process engine for the inputs named ``name``, built once."""
    built: dict[str, dict[str, bytes]] = {}

    def reference(name: str) -> dict[str, bytes]:
        if name not in built:
            built[name] = _build_files(corpus_inputs(name), tmp_path_factory.mktemp(f"reference_{name}"))
        return built[name]

    return reference
