"""Shared fixtures: one embedded pipeline per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp import load_pipeline

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


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
