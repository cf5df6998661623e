"""notebooks/analysis.ipynb: executes to the end, and the committed copy shows its results."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "analysis.ipynb"
UN_CORPUS = REPO.parent / "shared" / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
SKIPPED = "Time section skipped"
YARDSTICK_SKIPPED = "Yardstick section skipped"
REFERENCE = REPO.parent / "shared" / "corpora" / "reference"


def execute(notebook, out: Path, shared: Path, monkeypatch) -> nbformat.NotebookNode:
    """Run ``notebook`` as Jupyter would from notebooks/, writing into ``out``; a cell error fails."""
    monkeypatch.setenv("KG_OUT", str(out))
    monkeypatch.setenv("KG_SHARED", str(shared))
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


def outputs(notebook, mime: str) -> list[str]:
    return [o["data"][mime] for c in notebook.cells if c.cell_type == "code" for o in c.outputs if mime in o.get("data", {})]


def text_of(notebook) -> str:
    return "\n".join(
        str(o.get("text", "")) + "".join(str(v) for v in o.get("data", {}).values())
        for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )


def test_notebook_runs_to_the_end(tmp_path, monkeypatch):
    notebook = execute(nbformat.read(NOTEBOOK, as_version=4), tmp_path, REPO.parent / "shared", monkeypatch)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert len(outputs(notebook, "image/png")) >= 4
    text = text_of(notebook)
    assert "Pakistan" in text and "Turkey" in text  # the corpus' best attested pair reaches the tables
    assert (tmp_path / "graph.html").exists()
    assert (tmp_path / "ego_TUR.graphml").exists()
    if UN_CORPUS.exists():
        assert SKIPPED not in text
        assert "Built 300 speeches" in text
        assert len(outputs(notebook, "image/png")) >= 8  # with the time plots and the ATOP/COW plot by decade
        assert "new" in text and "lapsed" in text  # pairs per decade
    if UN_CORPUS.exists() and REFERENCE.exists():
        assert YARDSTICK_SKIPPED not in text
        assert "have an ATOP alliance in force that year" in text
        assert "pairs of speakers had an ATOP alliance in force" in text


def test_time_section_says_it_was_skipped_without_the_un_corpus(tmp_path, monkeypatch):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells = [c for c in notebook.cells if {"setup", "time"} & set(c.metadata.get("tags", []))]
    assert len(notebook.cells) >= 2
    text = text_of(execute(notebook, tmp_path, tmp_path / "no-shared", monkeypatch))
    assert SKIPPED in text and YARDSTICK_SKIPPED in text
    assert str(tmp_path / "no-shared") in text


def test_committed_notebook_shows_its_tables_and_plots():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "commit the notebook executed (see README: Notebook)"
    assert [c.execution_count for c in code] == sorted(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert len(outputs(notebook, "text/html")) >= 5  # the tables
    assert len(outputs(notebook, "image/png")) >= 3
    if UN_CORPUS.exists() and REFERENCE.exists():
        assert "have an ATOP alliance in force that year" in text_of(notebook)
    assert all(len(html) < 100_000 for html in outputs(notebook, "text/html"))  # graph.html is an IFrame, not inline
