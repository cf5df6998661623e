"""Read a corpus: folders, ``.txt``/``.md`` files and ``.jsonl`` files into Documents.

A ``.txt``/``.md`` file is one document whose id is the file stem. A ``.jsonl``
file holds one ``{"id", "text", ...metadata}`` object per line. Problems with
one file or line are reported through ``on_warning`` as one line naming the
file (and line), and the rest of the corpus is still read.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Qatar and Turkey held drills.")
>>> [d.id for d in read_corpus([folder])]
['a']
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.records import Document

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})


class CorpusError(Exception):
    """An input cannot be read at all (missing path, nothing to read)."""


Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    pass


def decode(data: bytes, origin: str, on_warning: Warn = _ignore) -> str | None:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or Latin-1.

    Returns None for binary data (NUL bytes without a UTF-16 BOM).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        on_warning(f"{origin}: not UTF-8, read as Windows-1252")
        return data.decode("cp1252", errors="replace")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
    return [path]


def _read_text_file(path: Path, on_warning: Warn) -> Iterator[Document]:
    text = decode(path.read_bytes(), str(path), on_warning)
    if text is None:
        on_warning(f"{path}: binary file, skipped")
    elif not text.strip():
        on_warning(f"{path}: empty, skipped")
    else:
        yield Document(path.stem, text, {}, str(path))


def _read_jsonl(path: Path, on_warning: Warn) -> Iterator[Document]:
    text = decode(path.read_bytes(), str(path), on_warning)
    if text is None:
        on_warning(f"{path}: binary file, skipped")
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            on_warning(f"{origin}: invalid JSON ({err.msg}), skipped")
            continue
        if not isinstance(record, dict):
            on_warning(f"{origin}: expected a JSON object, skipped")
            continue
        body = record.get("text")
        if not isinstance(body, str):
            on_warning(f"{origin}: no string 'text', skipped")
            continue
        doc_id = str(record.get("id") or record.get("doc_id") or f"{path.stem}-{number}")
        meta = {k: v for k, v in record.items() if k not in ("id", "doc_id", "text") and isinstance(v, (str, int, float, bool))}
        yield Document(doc_id, body, meta, origin)


def read_corpus(inputs: Iterable[str | Path], on_warning: Warn = _ignore) -> Iterator[Document]:
    """Yield the documents of every input, in a stable order.

    Folders are read recursively (``.txt``, ``.md``, ``.jsonl``; other files are
    skipped with a warning). A path that does not exist raises
    :class:`CorpusError`. Duplicate ids are reported and only the first is kept.
    """
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.exists():
            raise CorpusError(f"{path}: no such file or folder")
    seen: dict[str, str] = {}
    for path in paths:
        for file in _files(path):
            suffix = file.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                docs = _read_text_file(file, on_warning)
            elif suffix in JSONL_SUFFIXES:
                docs = _read_jsonl(file, on_warning)
            elif path.is_dir():
                on_warning(f"{file}: not a .txt, .md or .jsonl file, skipped")
                continue
            else:
                docs = _read_text_file(file, on_warning)
            for doc in docs:
                if doc.id in seen:
                    on_warning(f"{doc.origin}: duplicate document id {doc.id!r} (first in {seen[doc.id]}), skipped")
                    continue
                seen[doc.id] = doc.origin
                yield doc
