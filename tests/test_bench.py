"""``make bench`` (bench/run.py) on a small corpus: every run it promises, in one table and one JSON file."""
from __future__ import annotations

import json

import pytest

from tests.conftest import bench_module


@pytest.fixture(scope="module")
def bench():
    return bench_module("run")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    texts = [
        "Kenya and Uganda signed a defence pact and agreed to share intelligence.",
        "France trained Malian officers. Both countries held joint patrols near the border.",
        "Japan and Australia upgraded their ties to a special strategic partnership.",
        "Brazil sold patrol boats to Paraguay in 2019.",
    ]
    path = tmp_path_factory.mktemp("bench") / "small.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    return path


def test_bench_times_every_build_and_writes_the_ratios(bench, small_corpus, tmp_path, capsys):
    results_path = tmp_path / "results.json"
    results = bench.main(["--corpus", str(small_corpus), "-n", "0", "--results", str(results_path), "--no-html", "--repeat", "2"])

    assert json.loads(results_path.read_text(encoding="utf-8")) == results
    # all documents but the last are the corpus; the last is the one the incremental build adds
    assert [b["workers"] for b in results["build"]] == [1, 2]
    assert {b["documents"] for b in results["build"]} == {3}
    assert results["cold_cache_build"]["cache"] is True and results["cold_cache_build"]["documents"] == 3
    assert results["incremental_build"]["documents"] == 4
    assert results["words"] == results["build"][0]["words"] > 0
    assert set(results["ratios"]) == {
        "build_vs_tokenizer_1_worker", "build_vs_tokenizer_2_workers", "speedup_2_workers", "incremental_vs_full_1_worker",
    }
    # a few short documents run far below the tokenizer's speed: the ratios are numbers, not the targets
    assert all(isinstance(value, float) and value >= 0 for value in results["ratios"].values())
    assert results["tokenizer"]["seconds"] >= 0 and results["tokenizer"]["words_per_second"] > 0
    assert all(b["peak_memory_mb"] > 0 for b in results["build"])
    # each number is the fastest of the repeated runs, which are all kept
    assert all(len(b["runs_seconds"]) == 2 and b["seconds"] == min(b["runs_seconds"]) for b in results["build"])
    assert results["tokenizer"]["seconds"] == min(results["tokenizer"]["runs_seconds"])
    table = capsys.readouterr().out
    for label in ("spacy.blank(en) tokenizer", "kg build, 1 worker", "kg build, 2 workers", "new cache",
                  "+1 document, cached", "speedup_2_workers", "target >= 1.7"):
        assert label in table


def test_bench_names_a_missing_corpus(bench, tmp_path):
    with pytest.raises(SystemExit, match=r"^Error: .*nowhere\.jsonl: no such corpus"):
        bench.main(["--corpus", str(tmp_path / "nowhere.jsonl"), "--no-html"])
