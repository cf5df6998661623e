"""Bad input end to end: one-line errors, warnings naming each file, outputs never damaged, same bytes.

Every bad input is generated here (no binary fixtures). Builds run in-process
(``kg.build`` or the typer app) where that is enough, and as real ``kg``
processes where the test needs a process: exit status, SIGKILL, concurrent
builds, another user, another hash seed.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import OptionError
from kg.html import render_html
from kg.outputs import OutputFolder

OUTPUTS = ["actors.gexf", "actors.graphml", "edges.csv", "facts.csv", "graph.gexf", "graph.graphml", "graph.html",
           "mentions.csv", "nodes.csv"]
COUNTRIES = ["Pakistan", "Turkey", "Qatar", "Oman", "India", "Japan", "Australia", "France", "Germany", "Egypt",
             "Jordan", "Kenya", "Nigeria", "Brazil", "Chile", "Canada", "Norway", "Poland", "Greece", "Morocco"]


def cli(*args):
    """The kg command in-process: exit code, stdout and stderr."""
    return CliRunner().invoke(app, [str(a) for a in args])


def kg_process(*args, **kwargs) -> subprocess.CompletedProcess:
    """The kg command as a real process."""
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (hidden ones too) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def write_docs(folder: Path, count: int, seed: int = 7) -> Path:
    """``count`` short articles, each pairing countries in cooperation sentences."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(count):
        sentences = [f"{a} and {b} held joint drills and signed a defence pact." for a, b in
                     (rng.sample(COUNTRIES, 2) for _ in range(6))]
        (folder / f"doc{i:04d}.txt").write_text(" ".join(sentences), encoding="utf-8")
    return folder


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_outputs_parse(out: Path) -> None:
    """Each output parses with the tool a user would open it with."""
    for name in ("facts.csv", "mentions.csv", "nodes.csv", "edges.csv"):
        pd.read_csv(out / name, dtype=str, keep_default_na=False)
    for name in ("graph.graphml", "actors.graphml", "graph.gexf", "actors.gexf"):
        etree.parse(str(out / name))  # strict XML 1.0
    nx.read_graphml(out / "graph.graphml")
    nx.read_graphml(out / "actors.graphml")
    nx.read_gexf(out / "graph.gexf")
    nx.read_gexf(out / "actors.gexf")
    page = _Page()
    page.feed((out / "graph.html").read_text(encoding="utf-8"))
    page.close()


class _Page(HTMLParser):
    """Collects the start tags and attributes of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply to the tests' user.

    Root reads and writes everything; run as root, the command keeps root's
    uid but loses the capabilities that bypass permissions (util-linux setpriv).
    """
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot apply")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", "--bounding-set", caps, "--inh-caps", caps]


# --- inputs that stop the build: one line, exit 1 -------------------------------------------

def test_missing_path_and_empty_folder_are_one_line_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    for path, message in [
        (tmp_path / "missing", f"Error: {tmp_path / 'missing'}: no such file or folder"),
        (tmp_path / "empty", f"Error: {tmp_path / 'empty'}: empty folder, no files to read"),
    ]:
        result = cli("build", path, "--out", tmp_path / "out")
        assert (result.exit_code, result.stderr) == (1, message + "\n")
    assert not (tmp_path / "out").exists()


def test_unreadable_file_and_unwritable_folder(tmp_path):
    def kg_without_root_powers(*args):
        command = without_root_powers() + [sys.executable, "-m", "kg", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True)

    corpus = write_docs(tmp_path / "corpus", 2)
    secret = corpus / "secret.txt"
    secret.write_text("Qatar and Oman.", encoding="utf-8")
    secret.chmod(0o000)
    result = kg_without_root_powers("build", corpus, "--out", tmp_path / "out")
    assert (result.returncode, result.stderr) == (1, f"Error: {secret}: cannot read (permission denied)\n")

    secret.unlink()
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    for target in (locked, locked / "new" / "out"):
        result = kg_without_root_powers("build", corpus, "--out", target)
        assert (result.returncode, result.stderr) == (1, f"Error: {locked}: not writable (permission denied)\n")
    assert list(locked.iterdir()) == []
    locked.chmod(0o755)


def test_a_file_where_the_output_folder_should_be(tmp_path):
    corpus = write_docs(tmp_path / "corpus", 2)
    (tmp_path / "out").write_text("my notes")
    result = cli("build", corpus, "--out", tmp_path / "out")
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'out'}: exists and is not a folder\n")
    result = cli("build", corpus, "--out", tmp_path / "out" / "sub")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'out' / 'sub'}: cannot create the folder, {tmp_path / 'out'} is a file\n"
    assert (tmp_path / "out").read_text() == "my notes"


def test_the_output_folder_is_checked_before_the_inputs_are_processed(tmp_path):
    (tmp_path / "out").write_text("x")
    result = cli("build", tmp_path / "missing", "--out", tmp_path / "out")
    assert result.stderr == f"Error: {tmp_path / 'out'}: exists and is not a folder\n"


# --- messy corpora: warnings naming each file, the rest is built ----------------------------

def _messy_corpus(folder: Path) -> Path:
    write_docs(folder, 3)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("inner.txt", "Qatar and Oman held joint drills.")
    (folder / "archive.zip").write_bytes(archive.getvalue())
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n1 0 obj\n<< /Length 44 >>\nstream\n\x78\x9c\x03\x00endstream\n")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(64))
    return folder


def test_binary_files_are_skipped_with_a_warning_and_the_rest_is_built(tmp_path):
    corpus = _messy_corpus(tmp_path / "corpus")
    result = cli("build", corpus, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"Warning: {corpus / 'archive.zip'}: binary file (ZIP), skipped",
        f"Warning: {corpus / 'paper.pdf'}: binary file (PDF), skipped",
        f"Warning: {corpus / 'photo.png'}: binary file (PNG), skipped",
    ]
    assert {r["doc_id"] for r in csv_rows(tmp_path / "out" / "facts.csv")} == {"doc0000", "doc0001", "doc0002"}


def test_strict_turns_the_first_warning_into_an_error_and_writes_nothing(tmp_path):
    corpus = write_docs(tmp_path / "corpus", 3)
    out = tmp_path / "out"
    assert cli("build", corpus, "--out", out, "--quiet").exit_code == 0
    before = snapshot(out)
    assert cli("build", corpus, "--out", out, "--quiet", "--strict").exit_code == 0  # no warning: builds as usual
    _messy_corpus(corpus)
    (corpus / "doc0000.txt").write_text("Oman and Qatar signed a defence pact.", encoding="utf-8")
    result = cli("build", corpus, "--out", out, "--strict")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {corpus / 'archive.zip'}: binary file (ZIP), skipped (--strict: stopped, nothing written)\n"
    assert snapshot(out) == before
    fresh = tmp_path / "fresh"
    assert cli("build", corpus, "--out", fresh, "--strict").exit_code == 1
    assert not fresh.exists()


def test_jsonl_problems_are_named_by_file_and_line(tmp_path):
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": "a", "text": "Qatar and Oman held joint drills."}), '{"id": "b", "text": "unterminated}',
             json.dumps({"id": "c", "text": ["a", "list"]}), json.dumps({"id": "d"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("build", path, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"Warning: {path}:2: invalid JSON (Unterminated string starting at: column 21), skipped",
        f"Warning: {path}:3: 'text' is list, not a string, skipped",
        f"Warning: {path}:4: no 'text', skipped",
    ]
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "a", "text": "Japan and India."}) + "\n", encoding="utf-8")
    result = cli("build", path, other, "--out", tmp_path / "out2", "--quiet")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == f"Warning: {other}:1: duplicate document id 'a', also in {path}:1; skipped"
    assert (tmp_path / "out2" / "facts.csv").exists()
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"id": "a", "text": "Qatar and Oman held joint drills."}) + "\n", encoding="utf-8")
    result = cli("build", clean, other, "--out", tmp_path / "out3", "--quiet", "--strict")
    assert result.exit_code == 1
    assert f"{other}:1: duplicate document id 'a', also in {clean}:1" in result.stderr
    assert not (tmp_path / "out3").exists()


@pytest.mark.parametrize("encoding, warned", [("utf-8-sig", False), ("utf-16", True), ("cp1252", True)])
def test_non_utf8_text_is_decoded_and_offsets_refer_to_the_decoded_text(tmp_path, encoding, warned):
    text = "“Türkiye” and Pakistan held joint drills near Gwadar — a défense pact followed.\r\nQatar’s navy joined."
    (tmp_path / "doc.txt").write_bytes(text.encode(encoding))
    warnings = []
    result = kg.build([tmp_path / "doc.txt"], on_warning=warnings.append)
    assert bool(warnings) == warned
    assert {m.entity for m in result.mentions} == {"TUR", "PAK", "QAT"}
    assert all(text[m.start:m.end] == m.text for m in result.mentions)
    assert all(text[f.start:f.end] == f.evidence for f in result.facts)


def test_xml_illegal_characters_are_dropped_in_xml_and_replaced_in_csv(tmp_path):
    sentence = "Pakistan and Turkey held joint drills \x00 near Karachi \x01\x0b\x1f \ufffe."
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"id": "nul\x00id", "text": sentence}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    kg.build([path], out=out)
    assert_outputs_parse(out)
    evidence = nx.read_graphml(out / "graph.graphml").edges["PAK", "TUR"]["evidence"]
    assert evidence == "[nulid] Pakistan and Turkey held joint drills  near Karachi  ."
    facts = csv_rows(out / "facts.csv")
    # a control character is U+FFFD in a CSV: shown in a terminal it runs nothing, and offsets hold
    replaced = "Pakistan and Turkey held joint drills \ufffd near Karachi \ufffd\ufffd\ufffd \ufffe."
    assert {(f["doc_id"], f["evidence"]) for f in facts} == {("nul\ufffdid", replaced)}


def test_a_document_longer_than_spacys_max_length_is_built_with_right_offsets(tmp_path, nlp):
    filler = "The committee reviewed the budget, the schedule and the minutes of its last meeting. "
    parts, size, i = [], 0, 0
    while size <= nlp.max_length * 1.2:
        part = f"Pakistan and Turkey held joint drills in round {i}. " if i % 500 == 0 else filler
        part += "\n\n" if i % 2000 == 1999 else ""
        parts.append(part)
        size, i = size + len(part), i + 1
    parts.append("Finally, Qatar and Oman signed a defence pact.")
    text = "".join(parts)
    assert len(text) > nlp.max_length
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    result = kg.build([tmp_path / "long.txt"])
    assert result.documents == 1
    assert all(text[m.start:m.end] == m.text for m in result.mentions)
    assert all(text[f.start:f.end] == f.evidence for f in result.facts)
    rounds = {int(f.evidence.split("round ")[1].rstrip(".")) for f in result.facts if "round" in f.evidence}
    assert rounds == set(range(0, i, 500))
    assert any(f.evidence == "Finally, Qatar and Oman signed a defence pact." and f.start > nlp.max_length for f in result.facts)


def test_hostile_text_is_escaped_in_html_valid_in_xml_and_quoted_in_csv(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    file_id = 'x"><img src=x onerror=alert(1)>'
    (corpus / f"{file_id}.txt").write_text(
        "Pakistan and Turkey held joint drills, <script>alert('file')</script> "
        '<a href="javascript:alert(2)">said</a> officials.', encoding="utf-8")
    jsonl_id = 'evil\n"<script>alert(3)</script>",\''
    (corpus / "more.jsonl").write_text(json.dumps({
        "id": jsonl_id, "source": '=HYPERLINK("javascript:alert(5)")',
        "text": 'Qatar, "Oman" and Kuwait signed a "defence pact", <img src=x onerror=alert(4)>.\nNo comment.'}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    kg.build([corpus], out=out)
    assert_outputs_parse(out)

    facts = csv_rows(out / "facts.csv")
    assert {f["doc_id"] for f in facts} == {file_id, jsonl_id}
    assert any('<img src=x onerror=alert(4)>' in f["evidence"] for f in facts)
    assert len(pd.read_csv(out / "facts.csv", dtype=str, keep_default_na=False)) == len(facts)
    graph = nx.read_graphml(out / "graph.graphml")
    assert "<script>alert('file')</script>" in graph.edges["PAK", "TUR"]["evidence"]

    page_text = (out / "graph.html").read_text(encoding="utf-8")
    page, benign = _Page(), _Page()
    page.feed(page_text)
    benign.feed(render_html(nx.Graph()))
    # Corpus text adds no element and no attribute: it is data in the JSON block, shown with textContent.
    assert [tag for tag, _ in page.tags] == [tag for tag, _ in benign.tags]
    attributes = [(name, value or "") for _, attrs in page.tags for name, value in attrs.items()]
    assert not [a for a in attributes if a[0].startswith("on") or a[1].strip().lower().startswith("javascript:")]
    data = json.loads(page_text.split('<script type="application/json" id="kg-data">')[1].split("</script>")[0])
    assert any(jsonl_id in e for edge in data["edges"] for e in edge["evidence"])


# --- output safety ---------------------------------------------------------------------------

def test_a_build_into_a_locked_folder_fails_with_a_clear_message(tmp_path):
    corpus = write_docs(tmp_path / "corpus", 2)
    out = tmp_path / "out"
    with OutputFolder(out):  # another build holds the folder
        result = cli("build", corpus, "--out", out)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: another kg build is writing to this folder; wait for it to finish or choose another --out\n"


def test_two_builds_into_one_folder_at_once_do_not_interleave(tmp_path):
    first, second = write_docs(tmp_path / "first", 40, seed=1), write_docs(tmp_path / "second", 40, seed=2)
    (second / "doc0000.txt").rename(second / "other.txt")  # the two corpora's documents differ by id
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kg", "build", "--out", str(out), "--quiet"]
    builds = [subprocess.Popen(command + [str(c)], stderr=subprocess.PIPE, text=True) for c in (first, second)]
    finished = [(b.wait(), b.stderr.read()) for b in builds]
    for code, stderr in finished:
        assert code == 0 or (code == 1 and "another kg build is writing to this folder" in stderr), stderr
    assert 0 in [code for code, _ in finished]
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    assert_outputs_parse(out)
    # Every file comes from the same build.
    from_first = {r["doc_id"] for r in csv_rows(out / "mentions.csv")} == {p.stem for p in first.iterdir()}
    docs_in_graph = {d for _, _, e in nx.read_graphml(out / "graph.graphml").edges(data=True) for d in e.get("doc_ids", "").split("; ") if d}
    assert ("other" not in docs_in_graph) == from_first
    assert {r["doc_id"] for r in csv_rows(out / "facts.csv")} <= {p.stem for p in (first if from_first else second).iterdir()}


def _wait_until_writing(pid: int, out: Path, timeout: float = 120.0) -> str | None:
    """A file the process has open inside ``out`` (a staged output), or None if it ended first."""
    prefix = str(out) + os.sep
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with_target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if with_target.startswith(prefix):
                    return with_target
        except FileNotFoundError:  # the fd closed, or the process ended
            pass
        time.sleep(0.001)
    return None


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the build writing")
def test_a_build_killed_while_writing_leaves_the_previous_outputs_and_no_temporary_file(tmp_path):
    out = tmp_path / "out"
    assert kg_process("build", write_docs(tmp_path / "small", 3), "--out", out, "--quiet").returncode == 0
    before = snapshot(out)
    big = write_docs(tmp_path / "big", 300, seed=3)
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(big), "--out", str(out), "--quiet"])
    try:
        writing = _wait_until_writing(build.pid, out)
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    assert writing, "the build ended before it was seen writing its outputs"
    assert build.returncode == -signal.SIGKILL
    assert snapshot(out) == before


def test_same_documents_give_the_same_bytes_in_any_order_and_any_process(tmp_path, repo):
    docs = write_docs(tmp_path / "docs", 6)
    meta = tmp_path / "meta.jsonl"
    meta.write_text("\n".join(json.dumps(r) for r in [
        {"id": "m2", "text": "Japan and India held joint drills.", "year": 2021, "source": "wire"},
        {"id": "m1", "text": "Kenya and Egypt signed a defence pact.", "country": "KEN"},
    ]) + "\n", encoding="utf-8")
    inputs = sorted(docs.iterdir()) + [meta] + sorted((repo / "corpus").glob("*.txt"))
    runs = []
    for n, (order, seed) in enumerate([(inputs, "1"), (inputs[::-1], "2")]):
        out = tmp_path / f"out{n}"
        result = kg_process("build", *order, "--out", out, "--quiet", env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        runs.append(snapshot(out))
    assert sorted(runs[0]) == OUTPUTS
    assert runs[0] == runs[1]


# --- exit codes ------------------------------------------------------------------------------

def test_exit_codes_success_error_usage(tmp_path):
    corpus = write_docs(tmp_path / "corpus", 1)
    assert cli("build", corpus, "--out", tmp_path / "out", "--quiet").exit_code == 0
    assert cli("build", tmp_path / "missing").exit_code == 1
    assert cli("build", corpus, "--no-such-option").exit_code == 2
    bad_format = cli("build", corpus, "--formats", "csv,pdf")
    assert bad_format.exit_code == 2 and "unknown format 'pdf'" in bad_format.stderr


def test_no_traceback_for_a_user_error_unless_debug(tmp_path):
    plain = kg_process("build", tmp_path / "missing", "--out", tmp_path / "out")
    assert (plain.returncode, plain.stderr) == (1, f"Error: {tmp_path / 'missing'}: no such file or folder\n")
    debug = kg_process("build", tmp_path / "missing", "--out", tmp_path / "out", "--debug")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr and "CorpusError" in debug.stderr


# --- any text at all -------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from([
    "Pakistan and Turkey held joint drills.",
    "Qatar, Oman and Kuwait signed a defence pact.",
    "باكستان وتركيا وقعتا اتفاقية دفاع.",  # right-to-left
    "\u202eIndia and Japan\u202c agreed on intelligence sharing.",  # bidi override around actors
    "🇵🇰🤝🇹🇷 Egypt and Jordan 🛡️ held exercises.",
    "<script>alert(1)</script> onerror=alert(2) javascript:alert(3)",
    "Brazil" + "x" * 3000 + " and Chile",  # one very long token
    "Norway\x00and\x01Poland\x0b\x1f\ufffe\uffff",
])
_CONTROL = st.text(st.characters(codec=None, categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=20)
_TEXTS = st.lists(st.one_of(_FRAGMENTS, st.text(min_size=1, max_size=120), _CONTROL), min_size=1, max_size=6).map(
    " ".join).filter(str.strip)


# No shrinking: at ~0.4 s a build it could take minutes; the failing example is printed as found.
@settings(max_examples=25, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(records=st.lists(st.tuples(st.text(min_size=1, max_size=30).filter(str.strip), _TEXTS),
                        min_size=1, max_size=4, unique_by=lambda r: r[0]))
def test_any_unicode_corpus_builds_and_every_output_parses(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("any")
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in records),
                    encoding="utf-8")
    out = folder / "out"
    result = kg.build([path], out=out)
    assert result.documents == len(records)
    assert_outputs_parse(out)
    texts = dict(records)
    assert all(texts[m.doc_id][m.start:m.end] == m.text for m in result.mentions)
    assert all(texts[f.doc_id][f.start:f.end] == f.evidence for f in result.facts)
    assert len(csv_rows(out / "facts.csv")) == len(result.facts)
    assert [r["text"] for r in csv_rows(out / "mentions.csv")] == [m.text for m in sorted(result.mentions, key=lambda m: m.doc_id)]


# --- names and values that must not stop a build (file names not UTF-8, hostile names, JSONL extremes)

def _bytes_path(folder: Path, name: bytes) -> Path:
    """A path in ``folder`` whose last part is the raw bytes ``name``, as os.listdir returns it."""
    return folder / os.fsdecode(name)


def test_a_file_and_a_folder_whose_names_are_not_utf8_are_built(tmp_path):
    corpus = _bytes_path(tmp_path, b"d\xe9fense")  # a Latin-1 folder name: it goes into the page title too
    corpus.mkdir()
    _bytes_path(corpus, b"caf\xe9.txt").write_text("Qatar and Turkey held joint drills.", encoding="utf-8")
    (corpus / "plain.txt").write_text("Oman and India signed a defence pact.", encoding="utf-8")
    run = kg_process("build", corpus, "--out", tmp_path / "out", "--quiet")
    assert run.returncode == 0, run.stderr
    assert run.stderr == f"Warning: {tmp_path}/d\\xe9fense/caf\\xe9.txt: file name is not UTF-8, document id 'caf\ufffd'\n"
    assert {row["doc_id"] for row in csv_rows(tmp_path / "out" / "facts.csv")} == {"caf\ufffd", "plain"}
    assert "<title>kg: d\\xe9fense</title>" in (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    assert_outputs_parse(tmp_path / "out")


def test_metadata_with_lone_surrogates_is_cleaned_where_it_is_read(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "Qatar and Turkey held joint drills.", "src": "\\ud800x", "k\\udfff": 1}\n',
                    encoding="utf-8")
    run = cli("build", path, "--out", tmp_path / "out", "--quiet")
    assert run.exit_code == 0, run.output
    assert run.stderr == f"Warning: {path}:1: lone surrogate escapes in metadata, replaced with U+FFFD\n"
    row = csv_rows(tmp_path / "out" / "facts.csv")[0]
    assert (row["src"], row["k\ufffd"]) == ("\ufffdx", "1")


def test_a_huge_integer_and_a_deep_array_are_skipped_lines(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = ['{"id": "big", "text": "Oman and India.", "n": ' + "9" * 5000 + "}",
             '{"id": "deep", "text": "Oman and India.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
             '{"id": "fine", "text": "Qatar and Turkey held joint drills."}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("build", path, "--out", tmp_path / "out", "--quiet")
    assert run.exit_code == 0, run.output
    assert run.stderr.splitlines() == [
        f"Warning: {path}:1: a number of over {sys.get_int_max_str_digits():,} digits, skipped",
        f"Warning: {path}:2: JSON nested too deeply to read, skipped",
    ]
    assert {row["doc_id"] for row in csv_rows(tmp_path / "out" / "facts.csv")} == {"fine"}


@pytest.mark.parametrize("name", ["\x1b]0;PWNED\x07\x1b[2J.txt", "x\nError: fake message\n.txt", "rtl\u202etxt.md"])
def test_file_names_are_printed_on_one_line_without_control_characters(tmp_path, name):
    (tmp_path / name).write_text("   ", encoding="utf-8")  # empty: a warning names it
    (tmp_path / "ok.txt").write_text("Qatar and Turkey held joint drills.", encoding="utf-8")
    run = kg_process("build", tmp_path, "--out", tmp_path / "out", "--quiet")
    assert run.returncode == 0, run.stderr
    escaped = name.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\n", "\\n").replace("\u202e", "\\u202e")
    assert run.stderr == f"Warning: {tmp_path}/{escaped}: empty, skipped\n"
    failed = kg_process("build", tmp_path / name / "missing", "--out", tmp_path / "out2")
    assert failed.stderr == f"Error: {tmp_path}/{escaped}/missing: no such file or folder\n"


def test_the_summary_and_cache_messages_print_the_output_folder_escaped(tmp_path):
    (tmp_path / "a.txt").write_text("Qatar and Turkey held joint drills.", encoding="utf-8")
    run = kg_process("build", tmp_path / "a.txt", "--out", tmp_path / "[/bold]")  # not rich markup either
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    out = tmp_path / "o\x1b[2Jut"
    run = kg_process("build", tmp_path / "a.txt", "--out", out)
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stderr, repr(run.stderr)
    cleared = kg_process("cache", "clear", "--out", out)
    assert cleared.stderr == f"Cleared the cache in {tmp_path}/.kg-cache/o\\x1b[2Jut\n"


# --- processes, signals and the file system (issue 16: 1, 2, 3, 10, 11, 17) ------------------

def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if int(ppid) == pid and state != "Z":
                found.add(int(entry))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":  # a zombie has ended; only its parent (now init) has not reaped it
            alive.add(pid)
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds the workers through /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_multi_worker_build_leaves_no_process_and_the_next_build_succeeds(tmp_path, sig):
    big = write_docs(tmp_path / "big", 3000, seed=5)  # over two batches of work, so two workers start
    out = tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(big), "--out", str(out), "--workers", "2",
                              "--quiet", "--no-cache"], stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
            workers = _children(build.pid)
            time.sleep(0.05)
        time.sleep(0.5)  # the workers are extracting
        assert build.poll() is None, "the build ended before it could be killed"
        build.send_signal(sig)
        stderr = build.communicate(timeout=20)[1]  # returns only once no worker holds stderr open
        deadline = time.monotonic() + 10
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2 and not _alive(workers)
    finally:
        for pid in _alive(workers):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
            build.wait()
    if sig == signal.SIGTERM:
        assert (build.returncode, stderr) == (143, "Error: terminated\n")
        assert not out.exists()  # the build created it and wrote nothing
    else:
        assert build.returncode == -signal.SIGKILL
    again = kg_process("build", write_docs(tmp_path / "small", 2), "--out", out, "--quiet", "--formats", "csv")
    assert again.returncode == 0, again.stderr


def _killed_by_the_oom_killer(spec, documents):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_batch_is_one_line_saying_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.engine.extract_batch", _killed_by_the_oom_killer)
    monkeypatch.setattr("kg.engine.TASK_CHARS", 100)  # batches enough for two workers
    out = tmp_path / "out"
    run = cli("build", write_docs(tmp_path / "docs", 4), "--out", out, "--workers", "2", "--quiet")
    assert (run.exit_code, run.stderr) == (
        1, "Error: a worker process died (out of memory?): try fewer --workers, each holds a pipeline of its own\n"
    )
    assert not out.exists()


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path, monkeypatch):
    real_fsync = os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(tmp_path / "out")):
            raise OSError(28, "No space left on device")  # as the kernel reports it: no file name
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    run = cli("build", write_docs(tmp_path / "docs", 2), "--out", tmp_path / "out", "--quiet", "--formats", "csv")
    assert (run.exit_code, run.stderr) == (1, f"Error: {tmp_path / 'out' / 'facts.csv'}: no space left on device\n")


def test_a_writable_out_in_a_read_only_folder_builds_without_the_cache(tmp_path):
    parent = tmp_path / "ro"
    out = parent / "out"
    out.mkdir(parents=True)
    parent.chmod(0o555)
    try:
        run = subprocess.run([*without_root_powers(), sys.executable, "-m", "kg", "build", str(write_docs(tmp_path / "d", 2)),
                              "--out", str(out), "--quiet", "--formats", "csv"], capture_output=True, text=True)
    finally:
        parent.chmod(0o755)
    assert (run.returncode, run.stderr) == (
        0, f"Warning: {parent}/.kg-cache/out: cannot create the cache (permission denied); building without it\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["edges.csv", "facts.csv", "mentions.csv", "nodes.csv"]


def test_cache_clear_removes_only_kgs_files(tmp_path):
    cache = tmp_path / "cc"
    run = kg_process("build", write_docs(tmp_path / "d", 2), "--out", tmp_path / "out", "--cache-dir", cache, "--quiet")
    assert run.returncode == 0, run.stderr
    users = ["extractions.sqlite-backup-2024", "extractions.sqlite.old"]
    for name in users:
        (cache / name).write_text("the user's")
    cleared = kg_process("cache", "clear", "--cache-dir", cache)
    assert cleared.stderr == f"Cleared the cache in {cache}\n"
    assert sorted(p.name for p in cache.iterdir()) == users


def test_a_build_into_a_folder_of_user_files_removes_none_of_them(tmp_path):
    out = tmp_path / "work"
    out.mkdir()
    users = [".thesis.docx.ab12cd34.tmp", ".backup.20240101.tmp"]
    for name in users:
        (out / name).write_text("the user's")
    assert cli("build", write_docs(tmp_path / "d", 2), "--out", out, "--quiet").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(users + OUTPUTS)


def test_an_old_output_that_cannot_be_replaced_fails_the_build_and_keeps_the_old_outputs(tmp_path):
    out = tmp_path / "out"
    assert cli("build", write_docs(tmp_path / "old", 2, seed=1), "--out", out, "--quiet").exit_code == 0
    (out / "graph.gexf").unlink()
    (out / "graph.gexf").mkdir()  # a folder where an output was
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    run = cli("build", write_docs(tmp_path / "new", 3, seed=2), "--out", out, "--quiet")
    assert (run.exit_code, run.stderr) == (1, f"Error: {out / 'graph.gexf'}: cannot replace it (is a folder)\n")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS


@pytest.mark.parametrize("run", ["=", "!", "(", "\U0001F600"])
def test_a_long_run_without_spaces_builds_in_seconds_and_the_fact_before_it_is_found(tmp_path, run):
    (tmp_path / "drills.txt").write_text("Pakistan and Turkey held joint drills. " + run * 40000, encoding="utf-8")
    started = time.monotonic()
    result = kg.build([tmp_path / "drills.txt"], cache=False)
    assert time.monotonic() - started < 20
    assert {(f.source, f.target) for f in result.facts if f.relation == "partnership"} == {("PAK", "TUR")}


def _memory_capped():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_special_file_given_as_input_is_refused_in_one_line(tmp_path, special):
    if special == "fifo":
        special = tmp_path / "fifo"
        os.mkfifo(special)
    done = kg_process("build", special, "--out", tmp_path / "out", timeout=120, preexec_fn=_memory_capped)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"Error: {special}: not a regular file "
                                        f"({'a FIFO' if special == tmp_path / 'fifo' else 'a character device'})"]
    assert not (tmp_path / "out").exists()


def _folder_with_entries_kg_skips(tmp_path: Path) -> Path:
    corpus = write_docs(tmp_path / "corpus", 2)
    os.mkfifo(corpus / "pipe.txt")
    write_docs(tmp_path / "elsewhere", 1, seed=3)
    (corpus / "linked").symlink_to(tmp_path / "elsewhere")
    (corpus / ".notes.txt").write_text("Chile and Peru held joint drills.", encoding="utf-8")
    write_docs(corpus / ".git", 1, seed=4)
    write_docs(corpus / "locked", 1, seed=5)
    (corpus / "gone.txt").symlink_to(tmp_path / "missing.txt")
    return corpus


def _scandir_denied(monkeypatch, denied: Path):
    """``os.scandir`` refusing to list ``denied``, as it does for another user's folder (tests run as root)."""
    scandir = os.scandir

    def refusing(path="."):
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)


def test_entries_of_a_folder_that_are_not_read_are_each_named_in_a_warning(tmp_path, monkeypatch):
    corpus = _folder_with_entries_kg_skips(tmp_path)
    _scandir_denied(monkeypatch, corpus / "locked")
    result = kg.build([corpus], cache=False)
    assert result.documents == 2
    assert sorted(result.warnings) == sorted([
        f"{corpus / '.git'}: a hidden folder, skipped",
        f"{corpus / '.notes.txt'}: a hidden file, skipped",
        f"{corpus / 'gone.txt'}: a broken symbolic link, skipped",
        f"{corpus / 'linked'}: a symbolic link to a folder, skipped",
        f"{corpus / 'locked'}: cannot read folder (permission denied), skipped",
        f"{corpus / 'pipe.txt'}: a FIFO, skipped",
    ])


def test_an_unreadable_subfolder_is_an_error_with_strict(tmp_path, monkeypatch):
    corpus = write_docs(tmp_path / "corpus", 2)
    write_docs(corpus / "locked", 1, seed=5)
    _scandir_denied(monkeypatch, corpus / "locked")
    done = cli("build", corpus, "--out", tmp_path / "out", "--strict", "--quiet")
    assert done.exit_code == 1
    assert done.stderr == f"Error: {corpus / 'locked'}: cannot read folder (permission denied), skipped " \
                          "(--strict: stopped, nothing written)\n"
    assert not (tmp_path / "out").exists()


def test_workers_are_capped_at_the_cores_and_at_the_batches(tmp_path, monkeypatch):
    started = []
    build_module = sys.modules["kg.build"]  # the module, which kg.build (the function) hides
    make_engine = build_module.make_engine
    monkeypatch.setattr(build_module, "make_engine",
                        lambda options, *args: started.append(options.workers) or make_engine(options, *args))
    result = kg.build([write_docs(tmp_path / "corpus", 5)], workers=1000, cache=False)
    cores = len(os.sched_getaffinity(0))
    assert result.warnings == [f"--workers 1000 is more than the {cores} cores of this machine: at most {cores} are used"]
    assert started == [1]  # five short documents are one batch
    assert result.documents == 5


@pytest.mark.parametrize("formats", ["", ",", " , "])
def test_no_format_is_a_usage_error(tmp_path, formats):
    done = cli("build", write_docs(tmp_path / "corpus", 1), "--out", tmp_path / "out", "--formats", formats)
    assert done.exit_code == 2
    assert done.stderr == "Error: --formats: no format given (choose from csv, graphml, gexf, html)\n"
    assert not (tmp_path / "out").exists()
    with pytest.raises(OptionError, match="no output format given"):
        kg.build([tmp_path / "corpus"], out=tmp_path / "out", formats=[])


def test_an_output_folder_inside_the_input_folder_is_never_read_as_input(tmp_path):
    corpus = write_docs(tmp_path / "corpus", 3)
    first = kg.build([corpus], out=corpus / "out", strict=True)
    second = kg.build([corpus], out=corpus / "out", strict=True)
    assert (first.documents, second.documents) == (3, 3)
    assert second.warnings == []
    assert (corpus / ".kg-cache").is_dir()


# Ctrl-C raises KeyboardInterrupt wherever Python is: here, in spaCy's import, the longest of the CLI's.
_INTERRUPTED_WHILE_IMPORTING = """
import runpy, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "spacy":
            raise KeyboardInterrupt

sys.meta_path.insert(0, CtrlC())
sys.argv = ["kg", "build", "corpus"]
runpy.run_module("kg", run_name="__main__")
"""


def test_ctrl_c_while_the_command_starts_exits_130_with_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED_WHILE_IMPORTING], capture_output=True, text=True,
                          cwd=tmp_path)
    assert (done.returncode, done.stderr) == (130, "Error: interrupted\n")


def test_the_console_script_handles_ctrl_c_before_the_heavy_imports(repo):
    import tomllib

    module, function = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["scripts"]["kg"].split(":")
    done = subprocess.run([sys.executable, "-c", f"import sys, {module}; print(sorted(m for m in sys.modules "
                           f"if m.split('.')[0] in ('spacy', 'networkx', 'typer')))"],
                          capture_output=True, text=True)
    assert done.stdout == "[]\n"
    assert callable(getattr(sys.modules.get(module) or __import__(module, fromlist=[function]), function))


def test_metadata_named_like_an_output_column_is_renamed_with_a_note_and_never_lost(tmp_path):
    records = [
        {"id": "a", "doc_id": "wire-7", "start": "08:00", "doc_start": "morning", "text": "Pakistan and Turkey held joint drills."},
        {"id": "b; c", "text": "Pakistan and Turkey held joint drills again."},
    ]
    (tmp_path / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = cli("build", tmp_path / "news.jsonl", "--out", tmp_path / "out", "--quiet", "--strict")
    assert done.exit_code == 0
    assert f"Warning: {tmp_path / 'news.jsonl'}: metadata 'start' is named like an output column: written as " \
           "'doc_start' (prefixed again if that name is taken)" in done.stderr.splitlines()
    assert f"Warning: {tmp_path / 'news.jsonl'}:2: document id 'b; c' holds '; ', which separates the ids of " \
           "doc_ids lists: read as 'b%3B c'" in done.stderr.splitlines()
    facts = csv_rows(tmp_path / "out" / "facts.csv")
    first = next(row for row in facts if row["doc_id"] == "a")
    assert (first["doc_doc_id"], first["doc_doc_start"], first["doc_start"]) == ("wire-7", "08:00", "morning")
    assert first["start"] != "08:00"
    edge = next(row for row in csv_rows(tmp_path / "out" / "edges.csv") if row["relation"] == "partnership")
    assert edge["doc_ids"].split("; ") == ["a", "b%3B c"]
