"""A cache of per-document extractions, so a rebuild only reads new or changed documents.

Entries are keyed by the SHA-256 of a document's text and a *fingerprint* of
everything that shapes an extraction: kg's code and data files, the spaCy
version and model, the ontology and the options. A different fingerprint is a
different pipeline, so opening the cache with one drops the entries of every
other (a changed ontology invalidates everything). The cache is one SQLite
file, by default beside the output folder ``OUT``: ``.kg-cache/OUT/extractions.sqlite``
in OUT's parent, so the output folder holds only the outputs.

>>> import tempfile, pathlib
>>> from kg.engine import Extraction
>>> cache = ExtractionCache(pathlib.Path(tempfile.mkdtemp()), "f1")
>>> cache.put("some text", Extraction.of("d1", [], [], 1, 2))
>>> cache.get("some text", "d2")
Extraction(doc_id='d2', mention_csv='', entity_mentions={}, facts=[], sentences=1, words=2)
"""
from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
import sys
from operator import attrgetter
from pathlib import Path

from kg.engine import Extraction
from kg.ontology import Ontology
from kg.records import FACT_COLUMNS, Fact

CACHE_FOLDER = ".kg-cache"
CACHE_FILE = "extractions.sqlite"
#: Entries written per transaction.
COMMIT_EVERY = 500
_PACKAGE = Path(__file__).parent


def default_cache_dir(out: str | Path) -> Path:
    """Where a build into ``out`` keeps its cache: ``.kg-cache/<out's name>`` beside ``out``."""
    out = Path(out).absolute()
    return out.parent / CACHE_FOLDER / (out.name or "root")


def fingerprint(spacy_model: str | None, ontology: Ontology, options: dict | None = None, model: str | None = None) -> str:
    """A hash of what decides a document's extraction besides its text.

    kg's Python code and data files (any change in them may change what is
    extracted), spaCy's version, the model, the ontology, ``options`` and the
    pair classifier's file ``model`` (None: the shipped one; "": none).
    """
    from kg.classify import load_model

    import spacy  # here, not at the top: `kg --help` and `kg cache clear` need no spaCy

    from kg import __version__  # kg/__init__ imports this module's importer

    digest = hashlib.sha256()
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".csv", ".txt"}):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    settings = {
        "kg": __version__,
        "spacy": spacy.__version__,
        "python": list(sys.version_info[:2]),  # the cache's marshal format
        "model": spacy_model,
        "ontology": ontology.fingerprint,
        "options": options or {},
        "pair_model": load_model(model).digest if model != "" else "rules",
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def text_hash(text: str) -> str:
    """The key of a document's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ExtractionCache:
    """Per-document extractions in a SQLite file, for one pipeline fingerprint."""

    def __init__(self, folder: str | Path, fingerprint: str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.hits = self.misses = 0
        self._pending = 0
        self.db = sqlite3.connect(self.folder / CACHE_FILE)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS extractions (fingerprint TEXT, text_hash TEXT, sentences INTEGER,"
            " words INTEGER, records BLOB, PRIMARY KEY (fingerprint, text_hash))"
        )
        with self.db:
            self.db.execute("DELETE FROM extractions WHERE fingerprint != ?", (fingerprint,))

    def get(self, text: str, doc_id: str, key: str | None = None) -> Extraction | None:
        """The cached extraction of ``text`` with ``doc_id`` filled in, or None
        (``key``: ``text_hash(text)``, if the caller has it)."""
        row = self.db.execute(
            "SELECT sentences, words, records FROM extractions WHERE fingerprint = ? AND text_hash = ?",
            (self.fingerprint, key or text_hash(text)),
        ).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        sentences, words, records = row
        mention_csv, entity_mentions, facts = marshal.loads(records)
        return Extraction(doc_id, mention_csv, entity_mentions, [Fact(doc_id, *f) for f in facts], sentences, words)

    def put(self, text: str, extraction: Extraction, key: str | None = None) -> None:
        """Store the extraction of ``text`` (its records without the document id;
        ``key``: ``text_hash(text)``, if the caller has it)."""
        # marshal: plain tuples of strings and numbers, read back several times faster
        # than JSON and, unlike pickle, never running code; its format is Python's own
        # (the fingerprint holds the Python version)
        records = marshal.dumps(
            (extraction.mention_csv, extraction.entity_mentions, [_fact_values(f) for f in extraction.facts])
        )
        self.db.execute(
            "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?)",
            (self.fingerprint, key or text_hash(text), extraction.sentences, extraction.words, records),
        )
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.db.commit()
            self._pending = 0

    def close(self) -> None:
        """Commit what was stored and close the file."""
        self.db.commit()
        self.db.close()


#: A fact's field values after ``doc_id`` (which the cache does not store).
_fact_values = attrgetter(*FACT_COLUMNS[1:])


def clear(folder: str | Path) -> bool:
    """Delete the cache file in ``folder`` (and the folders that leaves empty); True if there was one."""
    folder = Path(folder)
    found = False
    for path in folder.glob(CACHE_FILE + "*"):  # the database and SQLite's journal files
        path.unlink()
        found = True
    for empty in (folder, folder.parent if folder.parent.name == CACHE_FOLDER else None):
        if found and empty is not None and empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    return found
