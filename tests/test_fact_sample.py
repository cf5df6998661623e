"""bench/fact_sample.py: a blind sample of a build's partnership or membership facts, and the summary of its verdicts."""
from __future__ import annotations

import csv
import json

import pytest

from kg.build import build
from tests.conftest import bench_module


@pytest.fixture(scope="module")
def fact_sample():
    return bench_module("fact_sample")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    texts = [
        "Chile and Peru signed a defence agreement. Chile and Peru also held joint naval exercises.",
        "Ghana trained Togolese officers in 2010.",
        "Norway and Iceland patrol the North Atlantic together under a cooperation accord.",
        "Kenya joined the East African Community in 2000.",
        "Ghana joined the African Union in 2002.",
    ]
    folder = tmp_path_factory.mktemp("facts")
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "country": "", "text": t}) + "\n"
                              for i, t in enumerate(texts)), encoding="utf-8")
    build([corpus], out=folder / "out", formats=("csv",), cache=False)
    return folder / "out", corpus


def test_a_sample_holds_each_fact_once_with_its_sentence_and_the_text_before(fact_sample, built, tmp_path):
    out, corpus = built
    facts = fact_sample.partnership_facts(out)
    sample = tmp_path / "sample.jsonl"
    assert fact_sample.draw(out, corpus, sample, 100, 1) == len(facts)
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["doc_id"], r["sentence"]) for r in rows) == sorted(
        (doc_id, (json.loads(line)["text"])[int(start):int(end)])
        for doc_id, start, end, _, _ in facts
        for line in corpus.read_text(encoding="utf-8").splitlines() if json.loads(line)["id"] == doc_id)
    second = next(r for r in rows if r["sentence"].startswith("Chile and Peru also"))
    assert second["before"] == "Chile and Peru signed a defence agreement. "
    assert {second["a_name"], second["b_name"]} == {"Chile", "Peru"}
    # the reader judges blind: the build's confidence and method are in the key beside the sample
    assert not {"confidence", "method"} & set(second)
    key = [json.loads(line) for line in (tmp_path / "sample.key.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [k["n"] for k in key] == [r["n"] for r in rows] and all(0 < k["confidence"] <= 1 for k in key)


def test_a_membership_sample_holds_the_member_and_its_organisation(fact_sample, built, tmp_path):
    out, corpus = built
    sample = tmp_path / "members.jsonl"
    assert fact_sample.draw(out, corpus, sample, 100, 1, relation="membership") == 2
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["a"], r["b"]) for r in rows) == [("GHA", "AU"), ("KEN", "EAC")]
    instructions = fact_sample.split_for_readers(sample, 1, tmp_path / "LABELS.md", "membership")
    text = instructions[0].read_text(encoding="utf-8")
    assert "is, was or\nbecame a member" in text and str((tmp_path / "members.jsonl").resolve().with_name(
        "members.part00.jsonl")) in text


def test_the_same_seed_draws_the_same_facts(fact_sample, built, tmp_path):
    out, corpus = built
    fact_sample.draw(out, corpus, tmp_path / "a.jsonl", 2, 7)
    fact_sample.draw(out, corpus, tmp_path / "b.jsonl", 2, 7)
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()
    assert len((tmp_path / "a.jsonl").read_text().splitlines()) == 2


def test_no_fact_of_a_document_the_model_learnt_from_is_drawn(fact_sample, built, tmp_path):
    out, corpus = built
    learnt = tmp_path / "learnt.txt"
    learnt.write_text("d0\nd2\n", encoding="utf-8")
    fact_sample.main(["draw", str(out), str(corpus), str(tmp_path / "s.jsonl"), "--exclude", str(learnt)])
    rows = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["doc_id"], r["sentence"]) for r in rows] == [("d1", "Ghana trained Togolese officers in 2010.")]


def test_the_summary_counts_the_verdicts_by_confidence(fact_sample, tmp_path):
    sample = tmp_path / "s.jsonl"
    sample.write_text("")
    key = [(1, 0.55, "between"), (2, 0.58, "link"), (3, 0.85, "between"), (4, 0.95, "host")]
    (tmp_path / "s.key.jsonl").write_text("".join(json.dumps({"n": n, "confidence": c, "method": m}) + "\n" for n, c, m in key))
    verdicts = tmp_path / "v.jsonl"
    verdicts.write_text("".join(json.dumps(v) + "\n" for v in [
        {"n": 1, "verdict": "wrong", "label": "proposed"}, {"n": 2, "verdict": "right", "label": "partnership"},
        {"n": 3, "verdict": "right", "label": "partnership"}, {"n": 4, "verdict": "unclear", "label": "none"}]))
    lines = fact_sample.score(sample, [verdicts])
    assert lines[0] == "4 facts judged: 2 right, 1 wrong, 1 unclear; right of those with a clear verdict 0.67"
    assert "mean confidence of the right facts 0.715" in lines
    assert "| 0.5–0.6 | 2 | 1 | 1 | 0 | 0.50 | 4 | 0.67 |" in lines
    assert "| 0.8–0.9 | 1 | 1 | 0 | 0 | 1.00 | 2 | 1.00 |" in lines
    assert "by method: between 1/2, link 1/1, host 0/0" in lines
    assert lines[-1] == "the wrong facts' labels: proposed 1"


def test_the_summary_counts_the_right_facts_per_part_of_the_documents(fact_sample, tmp_path, capsys):
    sample = tmp_path / "s.jsonl"
    sample.write_text("".join(json.dumps({"n": n, "doc_id": d}) + "\n" for n, d in [(1, "a"), (2, "b"), (3, "c"), (4, "b")]))
    (tmp_path / "s.key.jsonl").write_text("".join(json.dumps({"n": n, "confidence": 0.7, "method": "link"}) + "\n" for n in range(1, 5)))
    verdicts = tmp_path / "v.jsonl"
    verdicts.write_text("".join(json.dumps({"n": n, "verdict": v}) + "\n" for n, v in [(1, "right"), (2, "wrong"), (3, "right"), (4, "right")]))
    labelled, read = tmp_path / "labelled.txt", tmp_path / "read.txt"
    labelled.write_text("a\n")
    read.write_text("a b\n")
    fact_sample.main(["score", str(sample), str(verdicts), "--part", "labelled", str(labelled), "--part", "read", str(read)])
    assert "by the document's part: labelled 1/1, read 1/2, other 1/1" in capsys.readouterr().out.splitlines()


def test_each_reader_gets_a_part_and_instructions_naming_it(fact_sample, built, tmp_path):
    out, corpus = built
    labels = tmp_path / "LABELS.md"
    labels.write_text("# labels\n", encoding="utf-8")
    sample = tmp_path / "s.jsonl"
    fact_sample.main(["draw", str(out), str(corpus), str(sample), "--readers", "2", "--labels", str(labels)])
    rows = sample.read_text(encoding="utf-8").splitlines()
    parts = [(tmp_path / f"s.part{i:02d}.jsonl").read_text(encoding="utf-8").splitlines() for i in range(2)]
    assert parts[0] + parts[1] == rows and len(parts[0]) >= len(parts[1]) >= 1
    instructions = (tmp_path / "s.part01.md").read_text(encoding="utf-8")
    assert f"Input: `{tmp_path / 's.part01.jsonl'}`" in instructions
    assert f"write `{tmp_path / 's.verdicts_part01.jsonl'}`" in instructions
    assert str(labels) in instructions and f"exactly {len(parts[1])} lines" in instructions


def test_the_learnt_documents_are_those_of_the_pairs(fact_sample, tmp_path, capsys):
    import gzip

    labelled, read = tmp_path / "labels.jsonl", tmp_path / "read.jsonl.gz"
    labelled.write_text('{"doc_id": "A_1"}\n{"doc_id": "B_2"}\n{"doc_id": "A_1"}\n', encoding="utf-8")
    with gzip.open(read, "wt", encoding="utf-8") as fh:
        fh.write('{"readers": "a header line"}\n{"doc_id": "C_3"}\n')
    fact_sample.main(["learnt", str(labelled), str(read)])
    assert capsys.readouterr().out.split() == ["A_1", "B_2", "C_3"]


def test_judged_facts_are_kept_without_text_and_score_a_later_build(fact_sample, built, tmp_path):
    out, corpus = built
    sample = tmp_path / "sample.jsonl"
    drawn = fact_sample.draw(out, corpus, sample, 100, 1)
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    verdicts = tmp_path / "verdicts.jsonl"
    # every fact right but the first, which is wrong
    verdicts.write_text("".join(json.dumps({"n": r["n"], "verdict": "wrong" if r["n"] == 1 else "right",
                                            "label": "none" if r["n"] == 1 else "partnership"}) + "\n"
                                for r in rows), encoding="utf-8")
    records = fact_sample.judged(sample, [verdicts])
    assert len(records) == drawn
    assert all(set(r) == {"doc_id", "start", "end", "a", "b", "verdict", "label", "confidence", "method"}
               for r in records)
    kept = tmp_path / "draw.jsonl"
    kept.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # the build that was drawn keeps every judged fact
    lines = fact_sample.paired(out, [kept])
    assert lines[2] == f"| draw | {drawn} | {drawn} | {drawn - 1} | 1 | 0 | {(drawn - 1) / drawn:.1%} | {(drawn - 1) / drawn:.1%} |"
    # a build without the wrong fact keeps only the right ones
    first = records[0]
    with (out / "facts.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [row for row in reader if (row["doc_id"], int(row["start"]), {row["source"], row["target"]})
                != (first["doc_id"], first["start"], {first["a"], first["b"]})]
    without = tmp_path / "without"
    without.mkdir()
    with (without / "facts.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, reader.fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    lines = fact_sample.paired(without, [kept])
    assert lines[2].startswith(f"| draw | {drawn} | ") and "| 0 | 0 | 100.0% | 100.0% |" in lines[2]
