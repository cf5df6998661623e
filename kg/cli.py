"""The ``kg`` command line: a thin typer layer over :func:`kg.build`.

Exit status 0 on success, 1 on an error, 2 on a usage error (click's own).
Errors are one line, ``Error: ...``, naming the file at fault, never a
traceback (``--debug`` shows it); warnings are ``Warning: ...`` lines.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.build import DEFAULT_FORMATS, FORMATS, build
from kg.errors import KgError
from kg.ontology import OntologyError

app = typer.Typer(
    help="Build knowledge graphs of international security cooperation from text.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)


def fail(message: str) -> None:
    """Print ``Error: message`` on stderr and exit with status 1."""
    sys.stderr.write(f"Error: {message}\n")
    raise typer.Exit(1)


@app.callback()
def _main() -> None:
    """kg turns articles into a knowledge graph of who cooperates with whom on security."""


@app.command("build")
def build_command(
    inputs: Optional[List[Path]] = typer.Argument(
        None, help="Folders (read recursively), .txt/.md files (id = file stem) and .jsonl files. Default: corpus/."
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
) -> None:
    """Build the knowledge graph of INPUTS into --out: tables, GraphML, GEXF and an HTML page."""
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise typer.BadParameter(f"unknown format '{unknown[0]}' (choose from {', '.join(FORMATS)})", param_hint="--formats")
    inputs = inputs or [Path("corpus")]
    show_progress = not quiet and sys.stderr.isatty()
    progress = Progress(TextColumn("documents"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)
    task = progress.add_task("build", total=None)

    def warn(message: str) -> None:
        sys.stderr.write(f"Warning: {message}\n")

    with reported_errors(debug), progress if show_progress else contextlib.nullcontext():
        result = build(
            inputs, out=out, formats=chosen, ontology=ontology, spacy_model=spacy_model,
            on_warning=warn, on_document=lambda _: progress.advance(task), strict=strict,
        )
    if not quiet:
        _summary(result)


@contextlib.contextmanager
def reported_errors(debug: bool = False):
    """Turn exceptions into one ``Error: ...`` line and exit 1 (130 on Ctrl-C); ``debug`` re-raises them."""
    try:
        yield
    except (typer.Exit, SystemExit):
        raise
    except BaseException as error:
        if debug:
            raise
        if isinstance(error, KeyboardInterrupt):
            sys.stderr.write("Error: interrupted\n")
            raise typer.Exit(130) from None
        if isinstance(error, (KgError, OntologyError, ValueError)):
            fail(str(error))
        if isinstance(error, OSError):
            where = f"{error.filename}: " if error.filename else ""
            fail(f"{where}{(error.strerror or str(error)).lower()}")
        if isinstance(error, MemoryError):
            fail("out of memory")
        fail(f"{type(error).__name__}: {error} (a bug in kg; rerun with --debug for the traceback)")


def _summary(result) -> None:
    table = Table(title="kg build", show_header=False, box=None)
    partnerships = sum(1 for f in result.facts if f.relation == "partnership")
    rows = [
        ("documents", f"{result.documents:,}"),
        ("sentences", f"{result.sentences:,}"),
        ("words", f"{result.words:,}"),
        ("mentions", f"{len(result.mentions):,}"),
        ("facts", f"{len(result.facts):,} ({partnerships:,} partnership)"),
        ("nodes", f"{result.graph.number_of_nodes():,}"),
        ("edges", f"{result.graph.number_of_edges():,}"),
        ("seconds", f"{result.seconds:.2f}"),
        ("words/second", f"{result.words_per_second:,.0f}"),
        ("warnings", f"{len(result.warnings):,}"),
        ("files", "\n".join(str(p) for p in result.files)),
    ]
    for key, value in rows:
        table.add_row(key, value)
    Console(stderr=True).print(table)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    app()


if __name__ == "__main__":
    main()
