"""``make bench``: kg's throughput against spaCy's tokenizer on the same texts, in one run.

Measures, on the first N documents of a JSONL corpus (``.jsonl`` or
``.jsonl.gz``; default: all of the UN General Debate corpus in ``../shared``
but its last document, which the incremental build adds):

- the floor: ``spacy.blank("en")`` tokenising the same texts (words/s);
- ``kg build`` end to end (reading, extraction, graph, every output file), in a
  fresh process, with 1 and with 2 workers (words/s, peak memory of the
  process tree as PSS, so pages that forked processes share count once), and
  the ratios build/tokenizer and 2 workers/1 worker; these builds and the
  tokenizer are each the fastest of ``--repeat`` runs (default 2, the builds
  taken in turns), as the machine's speed drifts over minutes;
- ``kg build`` with 2 workers filling an empty cache (what a first build costs
  by default), then again after adding one document to the corpus, reading
  that cache (seconds, and the ratio to the full 1-worker build);
- how long the HTML page of a 2,000-node graph takes to become interactive in
  headless Chromium, when ``bench/html_bench.py`` is there.

Prints a table and writes ``bench/results.json``. Words are counted as kg
counts them (tokens that are neither white space nor punctuation).
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import itertools
import json
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
TARGETS = {"build_vs_tokenizer_1_worker": 0.5, "speedup_2_workers": 1.7, "incremental_vs_full_1_worker": 0.1}


def read_sample(corpus: Path, n: int | None) -> list[str]:
    """The first ``n`` JSONL lines of ``corpus`` (all with ``n`` None)."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as fh:
        return list(itertools.islice(fh, n))


def tokenizer_seconds(texts: list[str]) -> float:
    """Seconds ``spacy.blank("en")`` takes to tokenise ``texts`` (after a warm-up)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = max(map(len, texts)) + 1
    for _ in nlp.pipe(texts[:5]):
        pass
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - started


def _memory_kb(pid: int) -> int:
    """A process' proportional set size (PSS) in KiB, or its RSS where PSS is not reported.

    PSS shares each page among the processes that map it: forked workers and
    output processes share their parent's pages, which summed RSS would count
    once per process.
    """
    try:
        return int(re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M).group(1))
    except (OSError, AttributeError):
        return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


def _tree_memory_kb(pid: int) -> int:
    """Memory of a process and all its descendants, in KiB (PSS, see :func:`_memory_kb`)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += _memory_kb(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def run_build(corpus: Path, out: Path, workers: int, cache: bool = False) -> dict:
    """Time ``kg build`` in a fresh process; words, seconds and peak memory (PSS) of its process tree."""
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command + ([] if cache else ["--no-cache"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_memory_kb(process.pid))
            time.sleep(0.5)  # reading PSS walks every page table: rarely, not to slow the build

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode:
        raise SystemExit(f"kg build failed:\n{stderr}")
    words = int(re.search(r"words\s+([\d,]+)", stderr).group(1).replace(",", ""))
    documents = int(re.search(r"documents\s+([\d,]+)", stderr).group(1).replace(",", ""))
    return {"workers": workers, "cache": cache, "documents": documents, "words": words, "seconds": round(seconds, 2),
            "words_per_second": round(words / seconds), "peak_memory_mb": round(peak[0] / 1024)}


def _fastest(runs: list[dict]) -> dict:
    """The fastest of ``runs`` of one build, with the seconds of every run."""
    best = dict(min(runs, key=lambda run: run["seconds"]))
    best["runs_seconds"] = [run["seconds"] for run in runs]
    return best


def html_interactive_seconds() -> float | None:
    """``bench/html_bench.py``'s 2,000-node measurement, or None when it is not there or cannot run."""
    path = HERE / "html_bench.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("html_bench", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        return round(float(module.measure_html_interactive(n_nodes=2000, n_edges=10000)), 2)
    except Exception as err:  # a missing browser must not lose the throughput numbers
        print(f"html benchmark skipped: {err}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; print the table; write the results JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a .jsonl or .jsonl.gz corpus")
    parser.add_argument("-n", "--documents", type=int, default=0, help="first N documents (default 0: all)")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML measurement")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the tokenizer and the 1- and 2-worker builds; the fastest counts")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"Error: {args.corpus}: no such corpus (make bench CORPUS=FILE.jsonl[.gz])")
    lines = read_sample(args.corpus, args.documents + 1 if args.documents else None)
    # the extra document is the one an incremental build adds
    lines, added = (lines[:-1], lines[-1]) if len(lines) > 1 else (lines, None)
    texts = [json.loads(line)["text"] for line in lines]
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        sample = Path(tmp) / "sample.jsonl"
        sample.write_text("".join(lines), encoding="utf-8")
        del lines
        # The machine's speed drifts over minutes: each measurement is the fastest of
        # --repeat, the 1- and 2-worker builds taken in turns, so a slow spell weighs on neither alone.
        floor_runs = [tokenizer_seconds(texts) for _ in range(args.repeat)]
        floor_seconds = min(floor_runs)
        del texts
        rounds = [[run_build(sample, Path(tmp) / f"out{workers}", workers) for workers in (1, 2)] for _ in range(args.repeat)]
        builds = [_fastest([runs[i] for runs in rounds]) for i in range(2)]
        cold = run_build(sample, Path(tmp) / "out3", 2, cache=True)
        incremental = None
        if added:  # one more document, reading the cache the cold build filled
            with sample.open("a", encoding="utf-8") as fh:
                fh.write(added)
            incremental = run_build(sample, Path(tmp) / "out3", 1, cache=True)
    words = builds[0]["words"]
    floor = {"seconds": round(floor_seconds, 2), "words_per_second": round(words / floor_seconds),
             "runs_seconds": [round(x, 2) for x in floor_runs]}
    ratios = {
        "build_vs_tokenizer_1_worker": round(builds[0]["words_per_second"] / floor["words_per_second"], 3),
        "build_vs_tokenizer_2_workers": round(builds[1]["words_per_second"] / floor["words_per_second"], 3),
        "speedup_2_workers": round(builds[1]["words_per_second"] / builds[0]["words_per_second"], 3),
    }
    if incremental:
        ratios["incremental_vs_full_1_worker"] = round(incremental["seconds"] / builds[0]["seconds"], 3)
    results = {
        "corpus": str(args.corpus), "documents": builds[0]["documents"], "words": words,
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "tokenizer": floor, "build": builds, "cold_cache_build": cold, "incremental_build": incremental, "ratios": ratios, "targets": TARGETS,
        "html_interactive_seconds_2000_nodes": None if args.no_html else html_interactive_seconds(),
    }
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    return results


def print_table(results: dict) -> None:
    """The results as a plain-text table."""
    print(f"\n{results['documents']:,} documents, {results['words']:,} words from {results['corpus']}\n")
    print(f"{'':32}{'seconds':>10}{'words/s':>12}{'peak PSS':>11}")
    floor = results["tokenizer"]
    print(f"{'spacy.blank(en) tokenizer':32}{floor['seconds']:>10.2f}{floor['words_per_second']:>12,}{'':>11}")
    for build in results["build"]:
        label = f"kg build, {build['workers']} worker{'s' if build['workers'] > 1 else ''}"
        print(f"{label:32}{build['seconds']:>10.2f}{build['words_per_second']:>12,}{build['peak_memory_mb']:>8,} MB")
    cold = results.get("cold_cache_build")
    if cold:
        label = "kg build, 2 workers, new cache"
        print(f"{label:32}{cold['seconds']:>10.2f}{cold['words_per_second']:>12,}{cold['peak_memory_mb']:>8,} MB")
    incremental = results["incremental_build"]
    if incremental:
        label = "kg build +1 document, cached"
        print(f"{label:32}{incremental['seconds']:>10.2f}{'':>12}{incremental['peak_memory_mb']:>8,} MB")
    print()
    for name, value in results["ratios"].items():
        target = results["targets"].get(name)
        met = target is not None and (value <= target if name.startswith("incremental") else value >= target)
        sign = "<=" if name.startswith("incremental") else ">="
        verdict = "" if target is None else f"  (target {sign} {target}: {'met' if met else 'NOT met'})"
        print(f"{name:32}{value:>10.2f}{verdict}")
    html_seconds = results["html_interactive_seconds_2000_nodes"]
    print(f"{'HTML, 2,000 nodes, interactive':32}" + (f"{html_seconds:>10.2f} s" if html_seconds is not None else "   skipped"))


if __name__ == "__main__":
    main()
