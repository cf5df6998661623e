"""The ``kg`` command line: a thin typer layer over :func:`kg.build`.

Exit status 0 on success, 1 on an error, 2 on a usage error (click's own).
Errors are one line, ``Error: ...``, naming the file at fault, never a
traceback (``--debug`` shows it); warnings are ``Warning: ...`` lines.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from kg.build import DEFAULT_FORMATS, FORMATS, BuildOptions, build
from kg.cache import clear as clear_cache, default_cache_dir
from kg.corpus import Columns
from kg.errors import KgError, printable

app = typer.Typer(
    help="Build knowledge graphs of international security cooperation from text.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)


def fail(message: str) -> None:
    """Print ``Error: message`` on stderr (one line, control characters escaped) and exit with status 1."""
    sys.stderr.write(f"Error: {printable(message)}\n")
    raise typer.Exit(1)


def usage_error(message: str) -> None:
    """Print ``Error: message`` on stderr (one line) and exit with status 2, a usage error."""
    sys.stderr.write(f"Error: {printable(message)}\n")
    raise typer.Exit(2)


@app.callback()
def _main() -> None:
    """kg turns articles into a knowledge graph of who cooperates with whom on security."""


@app.command("build")
def build_command(
    inputs: Optional[List[Path]] = typer.Argument(
        None,
        help="Folders (read recursively), .txt/.md files (id = file stem), .jsonl files, .csv/.tsv and .parquet "
        "tables (one document a row); .jsonl/.csv/.tsv may be .gz, .bz2 or .xz. Default: corpus/.",
    ),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    formats: str = typer.Option(
        ",".join(DEFAULT_FORMATS), "--formats", help=f"Comma-separated outputs to write: {', '.join(FORMATS)}."
    ),
    ontology: Optional[Path] = typer.Option(None, "--ontology", help="Ontology YAML file (default: the packaged one)."),
    spacy_model: Optional[str] = typer.Option(
        None, "--spacy-model", help="An installed spaCy pipeline (name or folder) to add the rules to."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary."),
    strict: bool = typer.Option(
        False, "--strict", help="Treat every warning (a skipped file or line) as an error: stop and write nothing."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error."),
    engine: str = typer.Option("local", "--engine", help="Where the pipeline runs: local (this machine) or dask (a Dask cluster)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (local pool, or a Dask LocalCluster)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler (tcp://HOST:PORT), with --engine dask."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Extract every document again; do not read or write the cache."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder (default: .kg-cache/OUT beside OUT)."),
    text_column: str = typer.Option(Columns.text, "--text-column", help="The column of a CSV, TSV or Parquet file holding the text."),
    id_column: str = typer.Option(
        Columns.id, "--id-column",
        help="The column holding document ids; a file without it gives ids FILE-LINE (the file name without suffixes, "
        "the line the row starts on; FILE-ROW for Parquet).",
    ),
    date_column: str = typer.Option(Columns.date, "--date-column", help="The column holding each document's date (its 'date' metadata)."),
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", help="A copy of kg's data folder (gazetteer, cues, ontology), edited: every stage reads it."
    ),
    model: Optional[str] = typer.Option(
        None, "--model", help="The pair classifier to use (a file `kg train` wrote; default: the shipped one; "
        "'rules': none, the rules decide).",
    ),
) -> None:
    """Build the knowledge graph of INPUTS into --out: tables, GraphML, GEXF and an HTML page."""
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        usage_error(f"--formats: unknown format '{unknown[0]}' (choose from {', '.join(FORMATS)})")
    if not chosen:
        usage_error(f"--formats: no format given (choose from {', '.join(FORMATS)})")
    inputs = inputs or [Path("corpus")]
    progress = _ProgressBar(enabled=not quiet and sys.stderr.isatty())

    def warn(message: str) -> None:
        sys.stderr.write(f"Warning: {printable(message)}\n")

    with reported_errors(debug), progress:
        result = build(
            inputs, out=out, formats=chosen, ontology=ontology, spacy_model=spacy_model,
            on_warning=warn, on_document=progress.advance, strict=strict,
            engine=engine, workers=workers, scheduler=scheduler, cache=not no_cache, cache_dir=cache_dir,
            columns=Columns(text_column, id_column, date_column),
            data_dir=data_dir,
            model="" if model == "rules" else model,
        )
    if not quiet:
        _summary(result)


class Terminated(BaseException):
    """``SIGTERM`` arrived: the build stops as on Ctrl-C, cleaning up what it made."""


def _terminate(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def reported_errors(debug: bool = False):
    """Turn exceptions into one ``Error: ...`` line and exit 1 (130 on Ctrl-C, 143 on ``SIGTERM``);
    ``debug`` re-raises them.

    A :class:`~kg.errors.KgError` or an ``OSError`` is the user's to fix and
    shown as its message; anything else is a bug in kg and says so.
    """
    try:
        yield
    except (typer.Exit, SystemExit, typer.BadParameter):  # a usage error: typer prints it with the usage
        raise
    except BaseException as error:
        if debug:
            raise
        if isinstance(error, KeyboardInterrupt):
            sys.stderr.write("Error: interrupted\n")
            raise typer.Exit(130) from None
        if isinstance(error, Terminated):
            sys.stderr.write("Error: terminated\n")
            raise typer.Exit(128 + signal.SIGTERM) from None
        if isinstance(error, KgError):
            fail(str(error))
        if isinstance(error, OSError):
            where = f"{error.filename}: " if error.filename else ""
            fail(f"{where}{(error.strerror or str(error)).lower()}")
        if isinstance(error, MemoryError):
            fail("out of memory")
        fail(f"{type(error).__name__}: {error} (a bug in kg; rerun with --debug for the traceback)")


@app.command("train")
def train_command(
    labels: List[Path] = typer.Argument(..., help="Labelled pairs, JSON lines (the format of shared/train, LABELS.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="The model file to write: JSON, gzip-compressed when it ends in .gz; its card goes beside it (.md)."),
    corpus: Optional[List[Path]] = typer.Option(
        None, "--corpus", help="The labelled documents (a file or folder; repeat for several): a label takes its "
        "sentence, context or speaker from them when it lacks them, and its pair the document features a build gives it.",
    ),
    spacy_model: Optional[str] = typer.Option(
        None, "--spacy-model", help="An installed spaCy pipeline (name or folder) to read the labels with; "
        "with a parser, the dependency path between the two actors is a feature (build with the same pipeline).",
    ),
    silver: Optional[Path] = typer.Option(
        None, "--silver", help="Unlabelled pairs with a teacher's probabilities (JSON lines, kg.train.read_silver_file), "
        "learnt beside LABELS as soft labels.",
    ),
    silver_corpus: Optional[Path] = typer.Option(None, "--silver-corpus", help="The documents of the --silver pairs."),
    trees: bool = typer.Option(
        True, "--trees/--no-trees", help="Gradient-boosted trees (LightGBM) of a partnership beside the logistic "
        "regression, the partnership score the mean of the two (as the shipped model); --no-trees: the regression alone.",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error."),
) -> None:
    """Train the pair classifier on LABELS, cross-validate it by document and write it to --out."""
    from kg.train import card_path, train

    with reported_errors(debug):
        if silver is not None and silver_corpus is None:
            raise typer.BadParameter("--silver needs --silver-corpus", param_hint="--silver")
        card = train(labels, out, corpus=corpus, spacy_model=spacy_model, silver=silver, silver_corpus=silver_corpus,
                     trees=trees)
    s = card["partnership"]
    for genre, block in s.items():
        at = block["at_threshold"]
        sys.stderr.write(f"{genre}: partnership P {at['p']:.3f} R {at['r']:.3f} F1 {at['f1']:.3f} (held-out folds)\n")
    sys.stderr.write(f"Wrote {out} (threshold {card['threshold']}) and {card_path(out)}\n")


@app.command("explain")
def explain_command(
    text: Optional[str] = typer.Argument(None, help="The text to explain (or --doc ID with a corpus)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="The id of a document of --corpus to explain instead."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="The corpus (folder or file) that holds --doc."),
    model: Optional[Path] = typer.Option(None, "--model", help="The pair classifier (default: the shipped one)."),
    spacy_model: Optional[str] = typer.Option(
        None, "--spacy-model", help="An installed spaCy pipeline (name or folder) to add the rules to, as in kg build."
    ),
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", help="A copy of kg's data folder (gazetteer, cues, ontology), edited, as in kg build."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error."),
) -> None:
    """Print each candidate pair of TEXT with its probability, decision and the features behind them."""
    from kg.classify import explain, load_model, pipeline_mismatch
    from kg.corpus import read_corpus
    from kg.dates import document_year
    from kg.engine import PipelineSpec
    from kg.nlp import dated_entities, describe_pipeline

    with reported_errors(debug):
        speaker, year = "", None
        if doc is not None:
            if corpus is None:
                raise typer.BadParameter("--doc needs --corpus", param_hint="--doc")
            found = next((d for d in read_corpus([corpus]) if d.id == doc), None)
            if found is None:
                fail(f"no document {doc!r} in {corpus}")
            text, speaker, year = found.text, str(found.meta.get("country") or ""), document_year(found.meta)
        if not text:
            raise typer.BadParameter("give a TEXT or --doc ID --corpus PATH", param_hint="TEXT")
        options = BuildOptions(spacy_model=spacy_model, **({"data_dir": data_dir} if data_dir else {}))
        spec = PipelineSpec(spacy_model, options.load_ontology(), options.data_dir)
        nlp, pair_model = spec.load(), load_model(model)
        mismatch = pipeline_mismatch(pair_model, describe_pipeline(nlp))
        if mismatch:
            sys.stderr.write(f"Warning: {printable(mismatch)}\n")
        gazetteer = spec.gazetteer()
        explanations = explain(dated_entities(nlp(text), gazetteer, year), pair_model, speaker,
                               reader=spec.reader(), capitals=gazetteer.capitals)
    if not explanations:
        print("No candidate pair: no sentence names two actors.")
    sentence = None
    for e in explanations:
        if e.sentence != sentence:
            sentence = e.sentence
            print(printable(f"[{e.sentence}] {' '.join(e.text.split())}"))
        others = ", ".join(f"{r} {p:.2f}" for r, p in e.probabilities.items() if r != "partnership")
        verdict = "partnership" if e.partnership else "no partnership"
        hoped = "; read as hoped for" if e.hoped else ""
        parts = "".join(f", {part} {q:.2f}" for part, q in e.parts.items())
        refused = f" (refused: {', '.join(e.refused)})" if e.refused else ""
        print(printable(f"  {e.a}-{e.b}: {verdict} (p={e.probabilities['partnership']:.2f}{parts}; {others}); "
                        f"rule: {e.rule or 'none'}{refused}{hoped}"))
        print(printable("    features: " + ", ".join(f"{f} {w:+.2f}" for f, w in e.reasons)))
        if e.parse:
            print(printable("    parse: " + ", ".join(f"{f} {w:+.2f}" if w else f"{f} (not in the model)" for f, w in e.parse)))
        if e.partnership and e.stated:
            print(printable("    stated: " + ", ".join(f"{i} ({words!r})" for i, words in e.stated)))
        if e.partnership and e.inferred:
            print(printable("    read by the model: " + ", ".join(f"{i} {q:.2f}" for i, q in e.inferred)))


cache_app = typer.Typer(help="The cache of per-document extractions that makes rebuilds incremental.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear_command(
    out: Path = typer.Option(Path("out"), "--out", "-o", help="The output folder whose cache to clear."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="The cache folder (default: .kg-cache/OUT beside OUT)."),
) -> None:
    """Delete the extraction cache, so the next build reads every document again."""
    folder = cache_dir or default_cache_dir(out)
    if clear_cache(folder):
        sys.stderr.write(f"Cleared the cache in {printable(str(folder))}\n")
    else:
        sys.stderr.write(f"No cache in {printable(str(folder))}\n")


class _ProgressBar:
    """Documents done, on stderr, shown only once a build has run for a second."""

    DELAY = 1.0

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.progress = Progress(
            TextColumn("documents"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
        )
        self.task = self.progress.add_task("build", total=None)

    def advance(self, _document=None) -> None:
        """Count one document; show the bar if the build has run for over a second."""
        self.progress.advance(self.task)
        if self.enabled and not self.progress.live.is_started and time.monotonic() - self.started > self.DELAY:
            self.progress.start()

    def __enter__(self) -> "_ProgressBar":
        return self

    def __exit__(self, *exc) -> bool:
        if self.progress.live.is_started:
            self.progress.stop()
        return False


def _summary(result) -> None:
    table = Table(title="kg build", show_header=False, box=None)
    partnerships = sum(1 for f in result.facts if f.relation == "partnership")
    rows = [
        ("documents", f"{result.documents:,}"),
        ("sentences", f"{result.sentences:,}"),
        ("words", f"{result.words:,}"),
        ("mentions", f"{result.mention_count:,}"),
        ("facts", f"{len(result.facts):,} ({partnerships:,} partnership)"),
        ("nodes", f"{result.graph.number_of_nodes():,}"),
        ("edges", f"{result.graph.number_of_edges():,}"),
        ("seconds", f"{result.seconds:.2f}"),
        ("words/second", f"{result.words_per_second:,.0f}"),
        ("warnings", f"{len(result.warnings):,}"),
        ("files", "\n".join(printable(str(p)) for p in result.files)),
    ]
    for key, value in rows:
        table.add_row(key, Text(value))  # plain text: a "[" in a file name is not rich markup
    Console(stderr=True).print(table)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    # SIGTERM (kill, a scheduler's timeout) unwinds like Ctrl-C: the build removes
    # what it created and exits 143 with one line.
    signal.signal(signal.SIGTERM, _terminate)
    app()


if __name__ == "__main__":
    main()
