"""A cache of per-document extractions, so a rebuild only reads new or changed documents.

Entries are keyed by the SHA-256 of a document's text and year (:func:`document_key`)
and a *fingerprint* of everything that shapes an extraction: kg's code and data files, the spaCy
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
Extraction(doc_id='d2', mention_rows=[], facts=[], sentences=1, words=2)
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import marshal
import os
import sqlite3
import sys
from collections import deque
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from kg.dates import document_year
from kg.engine import Engine, Extraction, LocalEngine
from kg.gazetteer import DATA_DIR
from kg.ontology import Ontology
from kg.outputs import new_build_id
from kg.records import FACT_COLUMNS, Document, Fact

CACHE_FOLDER = ".kg-cache"
CACHE_FILE = "extractions.sqlite"
#: Entries written per transaction.
COMMIT_EVERY = 500
#: Seconds a build waits for another build's write to a shared cache.
BUSY_SECONDS = 60.0
#: The cache's files: the database and the files SQLite keeps beside it.
_SQLITE_FILES = (CACHE_FILE, CACHE_FILE + "-wal", CACHE_FILE + "-shm", CACHE_FILE + "-journal")
_PACKAGE = Path(__file__).parent
#: The files of a data folder that shape an extraction.
_DATA_SUFFIXES = frozenset({".yaml", ".csv", ".txt"})


def default_cache_dir(out: str | Path) -> Path:
    """Where a build into ``out`` keeps its cache: ``.kg-cache/<out's name>`` beside ``out``."""
    out = Path(out).absolute()
    return out.parent / CACHE_FOLDER / (out.name or "root")


def fingerprint(
    spacy_model: str | None, ontology: Ontology, options: dict | None = None, data_dir: str | Path = DATA_DIR,
    model: str | None = None,
) -> str:
    """A hash of what decides a document's extraction besides its text.

    kg's Python code and the data files of ``data_dir`` the build reads (any
    change in them may change what is extracted), spaCy's version, the model,
    the ontology, ``options`` and the pair classifier's file ``model`` (None:
    the shipped one; "": none, the rules decide).
    """
    import spacy  # here, not at the top: `kg --help` and `kg cache clear` need no spaCy

    from kg import __version__  # kg/__init__ imports this module's importer
    from kg.classify import load_model

    digest = hashlib.sha256()
    code = [p for p in _PACKAGE.rglob("*.py") if DATA_DIR not in p.parents]
    data = [p for p in Path(data_dir).rglob("*") if p.suffix in _DATA_SUFFIXES and p.is_file()]
    for root, paths in ((_PACKAGE, code), (Path(data_dir), data)):
        for path in sorted(paths):
            digest.update(path.relative_to(root).as_posix().encode())
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


def document_key(document: Document) -> str:
    """The key of a document: its text's, and its year's when it has one (a name such as "Moscow"
    names another state before a year: :meth:`kg.gazetteer.Gazetteer.names_in`)."""
    year = document_year(document.meta)
    return text_hash(document.text if year is None else f"{document.text}\0{year}")


class CachedEntry(NamedTuple):
    """A document's extraction as the cache stores it: its records packed by :mod:`marshal`.

    Packed, a document's mentions take a few times less memory than as rows of values: a
    rebuild holds the cached documents before a new one packed, and unpacks each as it goes.
    """

    sentences: int
    words: int
    records: bytes

    def extraction(self, doc_id: str) -> Extraction:
        """The extraction, with ``doc_id`` filled in."""
        mention_rows, facts = marshal.loads(self.records)
        return Extraction(doc_id, mention_rows, [Fact(doc_id, *f) for f in facts], self.sentences, self.words)


class ExtractionCache:
    """Per-document extractions in a SQLite file, for one pipeline fingerprint.

    Several builds may share one cache (``--cache-dir``): the file is in WAL
    mode, new entries are written in short transactions, and a writer waits
    for another's transaction rather than failing. A file that is not a
    readable SQLite database (corrupt, cut short) is set aside under a kg name,
    ``extractions.sqlite.kg-broken-<pid>-<random>``, never deleted, and
    ``on_warning`` is told; the build goes on with a new file (or, if it breaks
    mid-build, without the cache). A cache this build created in a folder it
    created, and left empty (a failed build), is removed on :meth:`close` with
    those folders: another build never loses a cache it found.
    """

    def __init__(self, folder: str | Path, fingerprint: str, on_warning: Callable[[str], None] | None = None) -> None:
        self.folder = Path(folder)
        self.path = self.folder / CACHE_FILE
        self._created_folders = _missing_folders(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.on_warning = on_warning
        self.hits = self.misses = 0
        self._pending: dict[str, tuple] = {}
        self.db: sqlite3.Connection | None = None
        self._created_file = not self.path.exists()
        try:
            self._open()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError):
                raise
            self._set_aside(err)
            self._created_file = True
            self._open()

    def _open(self) -> None:
        # A busy timeout: another build sharing the cache holds the write lock only
        # while it writes one batch of entries.
        self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS extractions (fingerprint TEXT, text_hash TEXT, sentences INTEGER,"
            " words INTEGER, records BLOB, PRIMARY KEY (fingerprint, text_hash))"
        )
        with self.db:
            self.db.execute("DELETE FROM extractions WHERE fingerprint != ?", (self.fingerprint,))

    def _set_aside(self, err: sqlite3.DatabaseError) -> None:
        """Move the broken file out of the way under a kg name, and say so."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None
        suffix = f".kg-broken-{new_build_id()}"
        for name in _SQLITE_FILES:
            with contextlib.suppress(FileNotFoundError):
                os.rename(self.folder / name, self.folder / (name + suffix))
        if self.on_warning:
            self.on_warning(
                f"{self.path}: not a readable cache ({err}); set aside as {CACHE_FILE + suffix}, "
                "its documents are extracted again"
            )

    def _broken(self, err: sqlite3.DatabaseError) -> None:
        """A query found the file broken mid-build: set it aside and go on without the cache."""
        if isinstance(err, sqlite3.OperationalError):
            if "full" in str(err):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path)) from err
            raise err
        self._pending.clear()
        self._set_aside(err)

    def get(self, text: str, doc_id: str, key: str | None = None) -> Extraction | None:
        """The cached extraction of ``text`` with ``doc_id`` filled in, or None
        (``key``: ``text_hash(text)``, if the caller has it)."""
        entry = self.entry(text, key)
        return None if entry is None else entry.extraction(doc_id)

    def entry(self, text: str, key: str | None = None) -> CachedEntry | None:
        """The cached extraction of ``text`` as stored (its records still packed), or None
        (``key``: ``text_hash(text)``, if the caller has it)."""
        key = key or text_hash(text)
        row = self._pending.get(key)
        if row is None and self.db is not None:
            try:
                row = self.db.execute(
                    "SELECT sentences, words, records FROM extractions WHERE fingerprint = ? AND text_hash = ?",
                    (self.fingerprint, key),
                ).fetchone()
            except sqlite3.DatabaseError as err:
                self._broken(err)
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return CachedEntry(*row[-3:])

    def put(self, text: str, extraction: Extraction, key: str | None = None) -> None:
        """Store the extraction of ``text`` (its records without the document id;
        ``key``: ``text_hash(text)``, if the caller has it)."""
        if self.db is None:
            return
        # marshal: plain tuples of strings and numbers, read back several times faster
        # than JSON and, unlike pickle, never running code; its format is Python's own
        # (the fingerprint holds the Python version)
        records = marshal.dumps((extraction.mention_rows, [_fact_values(f) for f in extraction.facts]))
        key = key or text_hash(text)
        self._pending[key] = (self.fingerprint, key, extraction.sentences, extraction.words, records)
        if len(self._pending) >= COMMIT_EVERY:
            self._write_pending()

    def _write_pending(self) -> None:
        # One short transaction per batch: a build sharing the cache waits only that long.
        if not self._pending or self.db is None:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?)", self._pending.values())
        except sqlite3.DatabaseError as err:
            self._broken(err)
        self._pending.clear()

    def close(self) -> None:
        """Write what was stored and close the file (removing it if this build created it and stored nothing)."""
        if self.db is None:
            return
        try:
            self._write_pending()
            empty = self.db is not None and self.db.execute("SELECT 1 FROM extractions LIMIT 1").fetchone() is None
        finally:
            if self.db is not None:
                self.db.close()
                self.db = None
        # Only in a folder this build made: another build may be using a cache it found.
        if empty and self._created_file and self._created_folders:
            for name in _SQLITE_FILES:
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()
            for folder in self._created_folders:  # deepest first; rmdir only removes an empty one
                with contextlib.suppress(OSError):
                    folder.rmdir()

    def __enter__(self) -> "ExtractionCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_cache(
    folder: str | Path, fingerprint: str, on_warning: Callable[[str], None] | None = None
) -> ExtractionCache | None:
    """The :class:`ExtractionCache` in ``folder``, or None, with a warning, where the folder cannot be made
    (a read-only parent folder): the build then extracts every document."""
    try:
        return ExtractionCache(folder, fingerprint, on_warning)
    except (OSError, sqlite3.OperationalError) as err:
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            raise
        reason = (err.strerror or str(err)).lower() if isinstance(err, OSError) else str(err)
        if on_warning:
            on_warning(f"{folder}: cannot create the cache ({reason}); building without it")
        return None


def _missing_folders(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` of ``folder`` would create, deepest first."""
    missing = []
    folder = folder.absolute()
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


#: A fact's field values after ``doc_id`` (which the cache does not store).
_fact_values = attrgetter(*FACT_COLUMNS[1:])


def extract_documents(
    documents: Iterable[Document],
    engine: Engine | None = None,
    cache: ExtractionCache | None = None,
    on_document: Callable[[Document], None] | None = None,
) -> Iterator[tuple[Document, Extraction]]:
    """Each document with its :class:`~kg.engine.Extraction`, in the order of ``documents``.

    ``engine`` runs the pipeline (default: one ``nlp.pipe`` stream of the
    packaged pipeline in this process); documents found in ``cache`` skip it,
    the others are added to it. A document found in the cache comes back
    without its text (``text`` is empty): it may wait for a new document far
    behind it, and in a rebuild every document may wait for the last, so the
    texts would fill memory; for the same reason it waits with its records
    packed (a :class:`CachedEntry`), unpacked when it comes back.
    """
    engine = engine or LocalEngine()
    # input order: (document, its cache entry or None when sent to the engine, its text's key)
    pending: deque[tuple[Document, CachedEntry | None, str | None]] = deque()

    def misses() -> Iterator[Document]:
        for document in documents:
            key = document_key(document) if cache else None
            hit = cache.entry(document.text, key) if cache else None
            if hit is None:
                pending.append((document, None, key))
                yield document
            else:
                pending.append((replace(document, text=""), hit, key))

    def done(document: Document, extraction: Extraction):
        if on_document:
            on_document(document)
        return document, extraction

    def cached_before_next_miss():
        while pending and pending[0][1] is not None:
            document, entry, _ = pending.popleft()
            yield done(document, entry.extraction(document.id))

    for extraction in engine.map(misses()):
        yield from cached_before_next_miss()
        document, _, key = pending.popleft()
        if cache:
            cache.put(document.text, extraction, key)
        yield done(document, extraction)
    yield from cached_before_next_miss()


def clear(folder: str | Path) -> bool:
    """Delete the cache in ``folder``: only kg's own files, by their exact names, then the
    folder (and ``.kg-cache`` above it) if that leaves it empty; True if there was a cache."""
    folder = Path(folder)
    found = False
    for name in _SQLITE_FILES:
        path = folder / name
        if path.is_file():
            path.unlink()
            found = True
    for empty in (folder, folder.parent if folder.parent.name == CACHE_FOLDER else None):
        if found and empty is not None and empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    return found
