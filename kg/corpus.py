"""Read a corpus: folders, ``.txt``/``.md`` files and ``.jsonl`` files into Documents.

A ``.txt``/``.md`` file is one document whose id is the file stem. A ``.jsonl``
file holds one ``{"id", "text", ...metadata}`` object per line.

Real corpora are messy, so reading is forgiving about content and strict about
paths. A missing path, an empty folder or an unreadable file raise
:class:`CorpusError` (checked before any document is read). A file or line
that cannot be used (binary, empty, invalid JSON, no ``text``, an id already
used elsewhere) is skipped and reported through ``on_warning`` as one line
naming the file (and line); text that is not UTF-8 is decoded (UTF-16/32 with a
byte-order mark, or the legacy encoding charset-normalizer finds) with a
warning. ``Document.text`` is the decoded text: every offset refers to it.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Qatar and Turkey held drills.")
>>> [d.id for d in read_corpus([folder])]
['a']
"""
from __future__ import annotations

import codecs
import json
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

import charset_normalizer
import orjson

from kg.errors import KgError
from kg.records import Document

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})

#: Leading bytes of binary formats often found in scraped folders, to name them in warnings.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office"),
    (b"\x7fELF", "ELF"),
)

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Short legacy-encoded texts fit many single-byte code pages equally well, and
# charset-normalizer then picks one arbitrarily (cp1250, cp775...). English news
# in a legacy encoding is overwhelmingly Windows-1252, so it wins whenever it is
# about as plausible (by charset-normalizer's "chaos" score) as the best guess.
PREFERRED_LEGACY_ENCODING = "cp1252"
LEGACY_CHAOS_TOLERANCE = 0.1


class CorpusError(KgError):
    """An input cannot be read at all: missing path, empty folder, unreadable file, duplicate id."""


Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    pass


def binary_format(data: bytes) -> str | None:
    """The name of the binary format ``data`` starts with (``"PDF"``...), else None.

    >>> binary_format(b"%PDF-1.7"), binary_format(b"Hello")
    ('PDF', None)
    """
    for signature, name in BINARY_SIGNATURES:
        if data.startswith(signature):
            return name
    return None


def _legacy_encoding(data: bytes) -> str | None:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if match.chaos <= best.chaos + LEGACY_CHAOS_TOLERANCE and PREFERRED_LEGACY_ENCODING in match.could_be_from_charset:
            return PREFERRED_LEGACY_ENCODING
    return best.encoding


def decode(data: bytes, origin: str, on_warning: Warn = _ignore) -> str | None:
    """Decode a file's bytes to text, or return None (with a warning) for a binary file.

    UTF-8 (with or without BOM) is read silently; UTF-16/32 with a byte-order
    mark and legacy encodings (found with charset-normalizer, Windows-1252
    preferred) are read with a warning naming the encoding. NUL bytes without a
    UTF-16/32 mark, known binary signatures and bytes no encoding explains are
    binary.

    >>> decode("Bogotá".encode("cp1252"), "a.txt", print)
    a.txt: not UTF-8, decoded as cp1252
    'Bogotá'
    """
    kind = binary_format(data)
    encoding = None
    if kind is None:
        encoding = next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if kind is None and encoding is None:
        if b"\x00" in data:
            kind = "NUL bytes"
        else:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                encoding = _legacy_encoding(data)
                kind = None if encoding else "no text encoding fits"
    if kind is not None:
        on_warning(f"{origin}: binary file ({kind}), skipped")
        return None
    if encoding != "utf-8-sig":
        on_warning(f"{origin}: not UTF-8, decoded as {encoding}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        on_warning(f"{origin}: invalid {encoding} at byte {err.start}, replaced with U+FFFD")
        return data.decode(encoding, errors="replace")


def _folder_files(folder: Path) -> list[Path]:
    """Files below ``folder``, sorted, without hidden files and folders (``.git``, ``.DS_Store``)."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def corpus_files(inputs: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """Every file to read as ``(path, found_in_a_folder)``, each once, in input order.

    Raises :class:`CorpusError` for a path that does not exist, a folder with no
    files and a file that cannot be read, before any document is read.
    """
    files: list[tuple[Path, bool]] = []
    seen: set[Path] = set()
    for path in (Path(p) for p in inputs):
        if not path.exists():
            raise CorpusError(f"{path}: no such file or folder")
        if path.is_dir():
            found = [(f, True) for f in _folder_files(path)]
            if not found:
                raise CorpusError(f"{path}: empty folder, no files to read")
        else:
            found = [(path, False)]
        for file, in_folder in found:
            if not os.access(file, os.R_OK):
                raise CorpusError(f"{file}: cannot read (permission denied)")
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append((file, in_folder))
    return files


def _unreadable(path: Path, err: OSError) -> CorpusError:
    return CorpusError(f"{path}: cannot read ({(err.strerror or str(err)).lower()})")


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    """The bytes of ``path`` (the first ``limit`` of them if given); CorpusError if unreadable."""
    try:
        with path.open("rb") as fh:
            return fh.read(limit)
    except OSError as err:
        raise _unreadable(path, err) from err


def _read_text_file(path: Path, on_warning: Warn) -> Iterator[Document]:
    text = decode(_read_bytes(path), str(path), on_warning)
    if text is None:
        return
    if not text.strip():
        on_warning(f"{path}: empty, skipped")
    else:
        yield Document(path.stem, text, {}, str(path))


def _without_lone_surrogates(text: str) -> str:
    """``text`` with lone surrogates (valid JSON escapes, invalid Unicode) as U+FFFD, same length."""
    if text.isascii():  # a flag of the string, read at no cost: most texts end here
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _jsonl_document(record, path: Path, number: int, on_warning: Warn) -> Document | None:
    origin = f"{path}:{number}"
    if not isinstance(record, dict):
        on_warning(f"{origin}: expected a JSON object, got {type(record).__name__}, skipped")
        return None
    if "text" not in record:
        on_warning(f"{origin}: no 'text', skipped")
        return None
    body = record["text"]
    if not isinstance(body, str):
        on_warning(f"{origin}: 'text' is {type(body).__name__}, not a string, skipped")
        return None
    if not body.strip():
        on_warning(f"{origin}: empty 'text', skipped")
        return None
    raw_id = record.get("id", record.get("doc_id"))
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        on_warning(f"{origin}: 'id' is {type(raw_id).__name__}, not a string or integer, skipped")
        return None
    clean = _without_lone_surrogates(body)
    if clean != body:
        on_warning(f"{origin}: lone surrogate escapes in 'text', replaced with U+FFFD")
    doc_id = _without_lone_surrogates(str(raw_id)) if raw_id not in (None, "") else f"{path.stem}-{number}"
    meta = {k: v for k, v in record.items() if k not in ("id", "doc_id", "text") and isinstance(v, (str, int, float, bool))}
    return Document(doc_id, clean, meta, origin)


def _read_jsonl(path: Path, on_warning: Warn) -> Iterator[Document]:
    lines = _utf8_json_lines(path)
    if lines is None:
        text = decode(_read_bytes(path), str(path), on_warning)
        if text is None:
            return
        # Only "\n" ends a JSON line: str.splitlines() would also split at U+2028,
        # U+0085 or a form feed, which JSON strings may hold unescaped.
        lines = ((number, line, _NOT_PARSED) for number, line in enumerate(text.split("\n"), 1))
    records = 0
    blank = True
    for number, line, record in lines:
        if record is _NOT_PARSED:
            line = line.rstrip("\r")
            if not line.strip():
                continue
        blank = False
        if record is _NOT_PARSED:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                on_warning(f"{path}:{number}: invalid JSON ({err.msg}: column {err.colno}), skipped")
                continue
        document = _jsonl_document(record, path, number, on_warning)
        if document is not None:
            records += 1
            yield document
    if blank:
        on_warning(f"{path}: empty, skipped")


#: A line :func:`_utf8_json_lines` left to the standard library's ``json``.
_NOT_PARSED = object()
#: Bytes of a JSONL file parsed at a time: what reading a file holds in memory, however
#: large the file (a single line longer than this is held whole).
JSONL_BLOCK_BYTES = 1 << 24


def _line_blocks(path: Path, size: int | None = None) -> Iterator[bytes]:
    """The bytes of ``path`` in blocks of about ``size`` bytes that end with a line
    break (the last block: where the file ends); CorpusError if it cannot be read."""
    size = size or JSONL_BLOCK_BYTES
    try:
        with path.open("rb") as fh:
            rest = b""
            while chunk := fh.read(size):
                chunk = rest + chunk if rest else chunk
                cut = chunk.rfind(b"\n") + 1
                if cut:
                    yield chunk[:cut]
                rest = chunk[cut:]
            if rest:
                yield rest
    except OSError as err:
        raise _unreadable(path, err) from err


def _is_plain_utf8(path: Path, size: int | None = None) -> bool:
    """Whether ``path`` is UTF-8 without a byte-order mark, binary signature or NUL byte,
    checked a block at a time (a block ends at a line break, never inside a character)."""
    first = True
    for block in _line_blocks(path, size):
        if first and (binary_format(block) or any(block.startswith(mark) for mark, _ in _BYTE_ORDER_MARKS)):
            return False
        first = False
        if b"\x00" in block:
            return False
        if not block.isascii():
            try:
                block.decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


def _utf8_json_lines(path: Path, size: int | None = None) -> Iterator[tuple[int, str, object]] | None:
    """``(line number, line, record)`` of a plain UTF-8 JSONL file's lines, parsed by orjson
    straight from the bytes a block at a time; None for any other file (a byte-order
    mark, NUL bytes, a binary signature, bytes that are not UTF-8), which :func:`decode`
    reads whole.

    A line orjson refuses (invalid JSON, a lone surrogate escape, NaN, a blank line
    of Unicode spaces) or that holds a float (which might be an integer beyond 64
    bits) comes as its text with ``_NOT_PARSED``, for the standard library to parse
    or report as before: what a file yields does not depend on which parser read it.
    """
    if not _is_plain_utf8(path, size):
        return None
    return _parsed_lines(path, size)


def _parsed_lines(path: Path, size: int | None) -> Iterator[tuple[int, str, object]]:
    number = 0
    for block in _line_blocks(path, size):
        lines = block.split(b"\n")
        if block.endswith(b"\n"):
            lines.pop()  # the empty piece after the block's last line break
        for line in lines:
            number += 1
            line = line.rstrip(b"\r")
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
                # orjson reads an integer beyond 64 bits as a float: json's int is what the tables carry
                if not (isinstance(record, dict) and any(type(value) is float for value in record.values())):
                    yield number, "", record
                    continue
            except orjson.JSONDecodeError:
                pass
            yield number, line.decode("utf-8"), _NOT_PARSED


def _documents(files: list[tuple[Path, bool]], on_warning: Warn) -> Iterator[Document]:
    seen: dict[str, str] = {}
    for file, in_folder in files:
        suffix = file.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            docs = _read_jsonl(file, on_warning)
        elif suffix in TEXT_SUFFIXES or not in_folder:
            docs = _read_text_file(file, on_warning)
        else:
            kind = binary_format(_read_bytes(file, 16))
            on_warning(f"{file}: {f'binary file ({kind})' if kind else 'not a .txt, .md or .jsonl file'}, skipped")
            continue
        for doc in docs:
            if doc.id in seen:
                # Reported, not fatal: the rest of the corpus still builds (SPEC "Bad input");
                # --strict turns it into an error before anything is written.
                on_warning(f"{doc.origin}: duplicate document id {doc.id!r}, also in {seen[doc.id]}; skipped")
                continue
            seen[doc.id] = doc.origin
            yield doc
    if not seen:
        raise CorpusError(f"no documents to build: every input file was skipped ({len(files)} files)")


def read_corpus(inputs: Iterable[str | Path], on_warning: Warn = _ignore) -> Iterator[Document]:
    """The documents of every input, read lazily in a stable order (inputs in order, folders sorted).

    Paths are checked at once (:func:`corpus_files`); documents are decoded as
    the iterator is consumed. Folders are read recursively (``.txt``, ``.md``,
    ``.jsonl``; other files are skipped with a warning). A duplicate document
    id is reported naming both places and the later document is skipped.
    Raises :class:`CorpusError` when no input yields a document.
    """
    return _documents(corpus_files(inputs), on_warning)
