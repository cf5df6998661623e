"""Read a corpus: folders, ``.txt``/``.md``, ``.jsonl``, ``.csv``/``.tsv`` and ``.parquet`` files into Documents.

A ``.txt``/``.md`` file is one document whose id is the file stem. A ``.jsonl``
file holds one ``{"id", "text", ...metadata}`` object per line. A ``.csv``,
``.tsv`` or ``.parquet`` file holds one document per row, its text, id and date
in the columns :class:`Columns` names, any other column as metadata. JSONL,
CSV and TSV files may be compressed (``.jsonl.gz``, ``.csv.bz2``, ``.tsv.xz``):
they are decompressed as they are read.

Real corpora are messy, so reading is forgiving about content and strict about
paths. A missing path, a special file (``/dev/zero``, a FIFO), an empty
folder or an unreadable file raise :class:`CorpusError` (checked before any
document is read); inside a folder, every entry not read (hidden, a link to
a folder, a FIFO, a subfolder that cannot be listed) is a warning. A file or line
that cannot be used (binary, empty, invalid JSON, a malformed CSV row, no
``text``, an id already used elsewhere) is skipped and reported through
``on_warning`` as one line naming the file (and line or row), the name shown
by :func:`~kg.errors.printable`; text that is not UTF-8 is decoded (UTF-16/32 with a
byte-order mark, or the legacy encoding charset-normalizer finds) with a
warning. ``Document.text`` is the decoded text: every offset refers to it.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Qatar and Turkey held drills.")
>>> [d.id for d in read_corpus([folder])]
['a']
"""
from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import dataclasses
import datetime
import gzip
import importlib.util
import io
import json
import lzma
import os
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import charset_normalizer
import orjson

from kg.errors import KgError, printable
from kg.records import FACT_COLUMNS, MENTION_COLUMNS, Document

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})
#: Delimited tables and their delimiters.
TABLE_DELIMITERS = {".csv": ",", ".tsv": "\t"}
PARQUET_SUFFIXES = frozenset({".parquet"})
#: Compressions a JSONL, CSV or TSV file may have, by suffix, and how to open each as a stream.
COMPRESSIONS: dict[str, Callable[..., BinaryIO]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
#: Rows of a Parquet file read at a time.
PARQUET_BATCH_ROWS = 1024

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


@dataclass(frozen=True)
class Columns:
    """The columns of a CSV, TSV or Parquet file that hold a document's text, id and date.

    A file without the ``id`` column gives its documents the ids
    ``<file name>-<line>`` (``<file name>-<row>`` for Parquet), as JSONL lines
    without an id; the ``date`` column's value is the document's ``date``
    metadata. Every other column is metadata.

    >>> Columns(text="body").text, Columns().id
    ('body', 'id')
    """

    text: str = "text"
    id: str = "id"
    date: str = "date"


class _BrokenFile(Exception):
    """A compressed or Parquet file whose data ends or breaks midway: its later documents are lost."""


def file_format(path: Path) -> tuple[str, str | None]:
    """The format suffix of ``path`` and its compression suffix (None if not compressed).

    >>> file_format(Path("un.JSONL.gz")), file_format(Path("a.b.csv"))
    (('.jsonl', '.gz'), ('.csv', None))
    """
    suffix = path.suffix.lower()
    if suffix in COMPRESSIONS:
        return Path(path.stem).suffix.lower(), suffix
    return suffix, None


def _base_name(path: Path) -> str:
    """The file name without its format and compression suffixes: the prefix of generated ids."""
    fmt, compression = file_format(path)
    return path.name[: len(path.name) - len(fmt) - len(compression or "")]


def shown(path: Path | str) -> str:
    """A path as messages print it: on one line, without control characters (:func:`~kg.errors.printable`)."""
    return printable(str(path))


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


#: What :func:`special_kind` calls each kind of file that is not a regular file or a folder.
SPECIAL_FILES = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                 (stat.S_ISSOCK, "a socket"))


def special_kind(mode: int) -> str | None:
    """What a file of ``os.stat`` mode ``mode`` is if it is neither a regular file nor a folder, else None.

    >>> special_kind(os.stat("/dev/null").st_mode), special_kind(os.stat(".").st_mode)
    ('a character device', None)
    """
    return next((name for test, name in SPECIAL_FILES if test(mode)), None)


def _skipped_entry(entry: os.DirEntry) -> str | None:
    """Why a folder's entry is not read (``"a hidden file"``...), or None for a folder or regular file to read."""
    try:
        is_dir = entry.is_dir()
        if entry.name.startswith("."):  # .git, .DS_Store, editors' backups
            return f"a hidden {'folder' if is_dir else 'file'}"
        if is_dir:
            # a linked folder may lie outside the corpus, or hold it (a loop)
            return "a symbolic link to a folder" if entry.is_symlink() else None
        if entry.is_file():  # the folder listing's file type: no system call for a regular file
            return None
        mode = entry.stat().st_mode  # of the link's target for a symbolic link
    except FileNotFoundError:
        return "a broken symbolic link"
    except OSError as err:
        return f"cannot read ({(err.strerror or str(err)).lower()})"
    return special_kind(mode)


def _folder_files(folder: Path, on_warning: Warn, exclude: frozenset[Path]) -> list[Path]:
    """The regular files below ``folder`` (symbolic links to files too), sorted.

    Every other entry is skipped with a warning naming it: hidden files and
    folders (``.git``, ``.DS_Store``), symbolic links to folders, FIFOs,
    devices, sockets, broken links and subfolders kg may not list. Folders in
    ``exclude`` (resolved paths: kg's own outputs) are skipped silently.
    """
    files: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as err:
            on_warning(f"{shown(current)}: cannot read folder ({(err.strerror or str(err)).lower()}), skipped")
            continue
        for entry in entries:
            why = _skipped_entry(entry)
            if why is None and entry.is_dir():
                if Path(entry.path).resolve() not in exclude:
                    pending.append(Path(entry.path))
            elif why is None:
                files.append(Path(entry.path))
            elif not (entry.is_dir() and Path(entry.path).resolve() in exclude):
                on_warning(f"{shown(entry.path)}: {why}, skipped")
    return sorted(files)


def corpus_files(
    inputs: Iterable[str | Path], on_warning: Warn = _ignore, exclude: Iterable[str | Path] = ()
) -> list[tuple[Path, bool]]:
    """Every file to read as ``(path, found_in_a_folder)``, each once, in input order.

    Raises :class:`CorpusError` for a path that does not exist, that is not a
    regular file or a folder (``/dev/zero``, a FIFO), a folder with no files
    and a file that cannot be read, before any document is read. Entries of a
    folder that are not read are reported through ``on_warning``
    (:func:`_folder_files`); the folders in ``exclude`` (a build's output and
    cache folders) are not read, nor reported.
    """
    excluded = frozenset(Path(p).resolve() for p in exclude)
    files: list[tuple[Path, bool]] = []
    seen: set[Path] = set()
    for path in (Path(p) for p in inputs):
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise CorpusError(f"{shown(path)}: no such file or folder") from None
        except OSError as err:
            raise _unreadable(path, err) from err
        if stat.S_ISDIR(mode):
            if not os.access(path, os.R_OK | os.X_OK):
                raise CorpusError(f"{shown(path)}: cannot read folder (permission denied)")
            found = [(f, True) for f in _folder_files(path, on_warning, excluded)]
            if not found:
                raise CorpusError(f"{shown(path)}: empty folder, no files to read")
        elif special_kind(mode):
            raise CorpusError(f"{shown(path)}: not a regular file ({special_kind(mode)})")
        else:
            found = [(path, False)]
        for file, in_folder in found:
            if not os.access(file, os.R_OK):
                raise CorpusError(f"{shown(file)}: cannot read (permission denied)")
            if file_format(file) == (".parquet", None) and importlib.util.find_spec("pyarrow") is None:
                raise CorpusError(f"{shown(file)}: reading Parquet needs pyarrow: pip install 'kg[parquet]'")
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append((file, in_folder))
    return files


def text_size(files: Iterable[tuple[Path, bool]]) -> int | None:
    """At most how many characters of text ``files`` hold (their bytes), or None if a
    file's size says nothing of it (compressed or Parquet)."""
    total = 0
    for file, _ in files:
        fmt, compression = file_format(file)
        if compression or fmt in PARQUET_SUFFIXES:
            return None
        total += file.stat().st_size
    return total


def _unreadable(path: Path, err: OSError) -> CorpusError:
    return CorpusError(f"{shown(path)}: cannot read ({(err.strerror or str(err)).lower()})")


@contextlib.contextmanager
def _opened(path: Path, decompress: bool = True) -> Iterator[BinaryIO]:
    """``path`` open for reading bytes, decompressed as it is read if its suffix says so.

    An unreadable file raises :class:`CorpusError`; compressed data that is
    corrupt or ends early raises :class:`_BrokenFile` where the break is met.
    """
    compression = file_format(path)[1] if decompress else None
    try:
        with (COMPRESSIONS[compression](path, "rb") if compression else path.open("rb")) as fh:
            yield fh
    except (EOFError, zlib.error, lzma.LZMAError) as err:
        raise _BrokenFile(f"{compression[1:]} data corrupt or cut short ({err})") from err
    except OSError as err:
        if compression and err.errno is None:  # gzip's and bz2's word for bad data
            raise _BrokenFile(f"{compression[1:]} data corrupt or cut short ({err})") from err
        raise _unreadable(path, err) from err


def _read_bytes(path: Path, limit: int = -1, decompress: bool = True) -> bytes:
    """The bytes of ``path`` (the first ``limit`` of them if given); CorpusError if unreadable."""
    with _opened(path, decompress) as fh:
        return fh.read(limit)


def _read_text_file(path: Path, on_warning: Warn) -> Iterator[Document]:
    origin = shown(path)
    text = decode(_read_bytes(path), origin, on_warning)
    if text is None:
        return
    if not text.strip():
        on_warning(f"{origin}: empty, skipped")
        return
    doc_id = _without_lone_surrogates(path.stem)
    if doc_id != path.stem:
        on_warning(f"{origin}: file name is not UTF-8, document id {doc_id!r}")
    yield Document(doc_id, text, {}, origin)


def _without_lone_surrogates(text: str) -> str:
    """``text`` with lone surrogates (valid JSON escapes, invalid Unicode) as U+FFFD, same length."""
    if text.isascii():  # a flag of the string, read at no cost: most texts end here
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _metadata_value(value: Any) -> Any:
    """A metadata value as the tables carry it (a string, number or boolean), else None (dropped)."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):  # Parquet's dates and timestamps
        return value.isoformat()
    return None


def _record_document(
    record: dict, origin: str, fallback_id: str, on_warning: Warn,
    text_key: str = "text", id_keys: tuple[str, ...] = ("id", "doc_id"), date_key: str = "date",
) -> Document | None:
    """The document of one JSONL line or table row, or None (with a warning naming ``origin``).

    ``record[text_key]`` is the text, the first of ``id_keys`` present the id
    (``fallback_id`` without one), ``record[date_key]`` the ``date`` metadata;
    every other string, number, boolean or date is metadata (the other
    ``id_keys`` too).
    """
    body = record.get(text_key)
    if body is None:  # absent, JSON null or an empty Parquet cell
        on_warning(f"{origin}: no {text_key!r}, skipped")
        return None
    if not isinstance(body, str):
        on_warning(f"{origin}: {text_key!r} is {type(body).__name__}, not a string, skipped")
        return None
    if not body.strip():
        on_warning(f"{origin}: empty {text_key!r}, skipped")
        return None
    id_key = next((key for key in id_keys if record.get(key) is not None), None)
    raw_id = record[id_key] if id_key is not None else None
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        on_warning(f"{origin}: {id_keys[0]!r} is {type(raw_id).__name__}, not a string or integer, skipped")
        return None
    clean = _without_lone_surrogates(body)
    if clean != body:
        on_warning(f"{origin}: lone surrogate escapes in {text_key!r}, replaced with U+FFFD")
    doc_id = _without_lone_surrogates(str(raw_id)) if raw_id not in (None, "") else fallback_id
    meta = {}
    for key, value in record.items():
        if key == id_key or key == text_key:  # another id key ("doc_id" beside "id") is metadata
            continue
        value = _metadata_value(value)
        if value is not None:
            meta["date" if key == date_key else key] = value
    clean_meta = {_without_lone_surrogates(k): _without_lone_surrogates(v) if isinstance(v, str) else v for k, v in meta.items()}
    if clean_meta != meta:
        on_warning(f"{origin}: lone surrogate escapes in metadata, replaced with U+FFFD")
    return Document(doc_id, clean, clean_meta, origin)


def _read_jsonl(path: Path, on_warning: Warn) -> Iterator[Document]:
    name, base = shown(path), _without_lone_surrogates(_base_name(path))
    lines = _utf8_json_lines(path)
    if lines is None:
        text = decode(_read_bytes(path), name, on_warning)
        if text is None:
            return
        # Only "\n" ends a JSON line: str.splitlines() would also split at U+2028,
        # U+0085 or a form feed, which JSON strings may hold unescaped.
        lines = ((number, line, _NOT_PARSED) for number, line in enumerate(text.split("\n"), 1))
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
                on_warning(f"{name}:{number}: invalid JSON ({err.msg}: column {err.colno}), skipped")
                continue
            except ValueError:  # the only other ValueError json raises: Python's limit on integer digits
                on_warning(f"{name}:{number}: a number of over {sys.get_int_max_str_digits():,} digits, skipped")
                continue
            except RecursionError:
                on_warning(f"{name}:{number}: JSON nested too deeply to read, skipped")
                continue
        if not isinstance(record, dict):
            on_warning(f"{name}:{number}: expected a JSON object, got {type(record).__name__}, skipped")
            continue
        document = _record_document(record, f"{name}:{number}", f"{base}-{number}", on_warning)
        if document is not None:
            yield document
    if blank:
        on_warning(f"{name}: empty, skipped")


#: A line :func:`_utf8_json_lines` left to the standard library's ``json``.
_NOT_PARSED = object()
#: Bytes of a JSONL file parsed at a time: what reading a file holds in memory, however
#: large the file (a single line longer than this is held whole).
JSONL_BLOCK_BYTES = 1 << 24


def _line_blocks(path: Path, size: int | None = None) -> Iterator[bytes]:
    """The (decompressed) bytes of ``path`` in blocks of about ``size`` bytes that end
    with a line break (the last block: where the file ends); CorpusError if it cannot
    be read, :class:`_BrokenFile` where its compressed data breaks."""
    size = size or JSONL_BLOCK_BYTES
    # A compressed stream loses what one read() decompressed when its data breaks: it
    # is read in steps, so the lines before a break are still yielded.
    step = min(size, COMPRESSED_READ_BYTES) if file_format(path)[1] else size
    with _opened(path) as fh:
        rest = b""
        while True:
            chunk, broken = _read_steps(fh, size, step)
            if not chunk and broken is None:
                break
            chunk = rest + chunk if rest else chunk
            cut = chunk.rfind(b"\n") + 1
            if cut:
                yield chunk[:cut]
            rest = chunk[cut:]
            if broken is not None:
                raise broken  # the partial line after the last line break is lost with the rest
        if rest:
            yield rest


#: Bytes decompressed per read: what a compressed file that breaks loses before the break.
COMPRESSED_READ_BYTES = 1 << 16


def _read_steps(fh: BinaryIO, size: int, step: int) -> tuple[bytes, Exception | None]:
    """Up to ``size`` bytes of ``fh`` read ``step`` bytes at a time, and the error that
    stopped the reading early (None at the end of the file or after ``size`` bytes)."""
    pieces: list[bytes] = []
    held = 0
    while held < size:
        try:
            piece = fh.read(min(step, size - held))
        except (EOFError, zlib.error, lzma.LZMAError, OSError) as err:
            return b"".join(pieces), err
        if not piece:
            break
        pieces.append(piece)
        held += len(piece)
    return b"".join(pieces), None


def _is_plain_utf8(path: Path, size: int | None = None) -> bool:
    """Whether ``path`` is UTF-8 without a byte-order mark, binary signature or NUL byte,
    checked a block at a time (a block ends at a line break, never inside a character).

    Compressed data that breaks midway counts as plain up to the break: the
    documents before it are read, and the break reported, as the file is parsed.
    """
    first = True
    try:
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
    except _BrokenFile:
        pass
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


def _read_table(path: Path, columns: Columns, on_warning: Warn) -> Iterator[Document]:
    """The documents of a CSV or TSV file, one per row after the header."""
    name = shown(path)
    delimiter = TABLE_DELIMITERS[file_format(path)[0]]
    # An article is one cell: the csv module's default limit (128 KiB a field) is lifted while reading.
    limit = csv.field_size_limit(sys.maxsize)
    try:
        if _is_plain_utf8(path):
            with _opened(path) as raw:
                yield from _table_documents(io.TextIOWrapper(raw, encoding="utf-8", newline=""), path, delimiter, columns, on_warning)
        else:
            text = decode(_read_bytes(path), name, on_warning)
            if text is not None:
                yield from _table_documents(io.StringIO(text, newline=""), path, delimiter, columns, on_warning)
    finally:
        csv.field_size_limit(limit)


def _table_documents(
    stream: io.TextIOBase, path: Path, delimiter: str, columns: Columns, on_warning: Warn
) -> Iterator[Document]:
    name, base = shown(path), _without_lone_surrogates(_base_name(path))
    rows = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        on_warning(f"{name}: empty, skipped")
        return
    except csv.Error as err:
        on_warning(f"{name}:1: malformed CSV header ({err}), skipped")
        return
    if columns.text not in header:
        on_warning(f"{name}: no {columns.text!r} column (columns: {', '.join(map(repr, header))}; --text-column names another), skipped")
        return
    _missing_column(name, header, "id", columns.id, "ids are <file name>-<line>", on_warning)
    _missing_column(name, header, "date", columns.date, "no document dates", on_warning)
    end = rows.line_num
    while True:
        start = end + 1  # a quoted cell may span lines: a row is named by the line it starts on
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            end = rows.line_num
            on_warning(f"{name}:{start}: malformed row ({err}), skipped")
            continue
        end = rows.line_num
        if not row:
            continue
        if len(row) != len(header):
            on_warning(f"{name}:{start}: {len(row)} fields where the header has {len(header)}, skipped")
            continue
        # An empty cell is a missing value, as in a spreadsheet: not metadata.
        record = {key: value for key, value in zip(header, row) if value != "" or key == columns.text}
        document = _record_document(
            record, f"{name}:{start}", f"{base}-{start}", on_warning, columns.text, (columns.id,), columns.date
        )
        if document is not None:
            yield document


def _missing_column(name: str, header: list[str], role: str, column: str, consequence: str, on_warning: Warn) -> None:
    """Warn when a column named on the command line (not the default) is not in the header."""
    if column not in header and column != getattr(Columns, role):
        on_warning(f"{name}: no {column!r} column for --{role}-column, {consequence}")


def _read_parquet(path: Path, columns: Columns, on_warning: Warn) -> Iterator[Document]:
    """The documents of a Parquet file, one per row, read a batch of rows at a time."""
    import pyarrow
    import pyarrow.parquet

    name, base = shown(path), _without_lone_surrogates(_base_name(path))
    try:
        table = pyarrow.parquet.ParquetFile(path)
    except (pyarrow.ArrowException, OSError) as err:
        on_warning(f"{name}: not a Parquet file ({err}), skipped")
        return
    header = table.schema_arrow.names
    if columns.text not in header:
        on_warning(f"{name}: no {columns.text!r} column (columns: {', '.join(map(repr, header))}; --text-column names another), skipped")
        return
    _missing_column(name, header, "id", columns.id, "ids are <file name>-<row>", on_warning)
    _missing_column(name, header, "date", columns.date, "no document dates", on_warning)
    number = 0
    batches = table.iter_batches(batch_size=PARQUET_BATCH_ROWS)
    while True:
        try:
            batch = next(batches, None)
        except (pyarrow.ArrowException, OSError) as err:
            raise _BrokenFile(f"Parquet data corrupt after row {number} ({err})") from err
        if batch is None:
            return
        for record in batch.to_pylist():
            number += 1
            document = _record_document(
                record, f"{name}:{number}", f"{base}-{number}", on_warning, columns.text, (columns.id,), columns.date
            )
            if document is not None:
                yield document


def _file_documents(file: Path, in_folder: bool, columns: Columns, on_warning: Warn) -> Iterator[Document]:
    """The documents of one input file, read by the reader its suffixes name."""
    fmt, compression = file_format(file)
    if fmt in JSONL_SUFFIXES:
        return _read_jsonl(file, on_warning)
    if fmt in TABLE_DELIMITERS:
        return _read_table(file, columns, on_warning)
    if fmt in PARQUET_SUFFIXES and compression is None:
        return _read_parquet(file, columns, on_warning)
    if compression is None and (fmt in TEXT_SUFFIXES or not in_folder):
        return _read_text_file(file, on_warning)
    kind = binary_format(_read_bytes(file, 16, decompress=False))
    on_warning(f"{shown(file)}: {f'binary file ({kind})' if kind else f'not a {READABLE} file'}, skipped")
    return iter(())


#: The files a folder's documents are read from, as warnings name them.
READABLE = ".txt, .md, .jsonl, .csv, .tsv or .parquet"


#: Separates the document ids of a ``doc_ids`` list in the tables and graphs: a
#: document id never holds it (:func:`unambiguous_id`).
ID_SEPARATOR = "; "
#: Metadata named like these columns of the tables is written as ``doc_<name>``
#: (:mod:`kg.tables`), with a warning: the others (``date``, ``year``) are the
#: document's date, whose ``doc_`` columns are expected.
RENAMED_METADATA = frozenset(FACT_COLUMNS + MENTION_COLUMNS) - {"date", "year"}


def unambiguous_id(doc_id: str) -> str:
    """``doc_id`` with every ``;`` escaped as ``%3B`` if it holds :data:`ID_SEPARATOR`, else as it is.

    >>> unambiguous_id("b; c"), unambiguous_id("a;b")
    ('b%3B c', 'a;b')
    """
    return doc_id.replace(";", "%3B") if ID_SEPARATOR in doc_id else doc_id


def _documents(files: list[tuple[Path, bool]], columns: Columns, on_warning: Warn, on_note: Warn) -> Iterator[Document]:
    seen: dict[str, str] = {}
    renamed: set[str] = set()  # metadata keys noted
    for file, in_folder in files:
        try:
            for doc in _file_documents(file, in_folder, columns, on_warning):
                if ID_SEPARATOR in doc.id:
                    escaped = unambiguous_id(doc.id)
                    on_note(f"{doc.origin}: document id {doc.id!r} holds {ID_SEPARATOR!r}, which separates "
                            f"the ids of doc_ids lists: read as {escaped!r}")
                    doc = dataclasses.replace(doc, id=escaped)
                for key in RENAMED_METADATA.intersection(doc.meta).difference(renamed):
                    renamed.add(key)
                    on_note(f"{shown(file)}: metadata {key!r} is named like an output column: "
                            f"written as {'doc_' + key!r} (prefixed again if that name is taken)")
                if doc.id in seen:
                    # Reported, not fatal: the rest of the corpus still builds (SPEC "Bad input");
                    # --strict turns it into an error before anything is written.
                    on_warning(f"{doc.origin}: duplicate document id {doc.id!r}, also in {seen[doc.id]}; skipped")
                    continue
                seen[doc.id] = doc.origin
                yield doc
        except _BrokenFile as err:
            on_warning(f"{shown(file)}: {err}; the documents after the break are skipped")
    if not seen:
        raise CorpusError(f"no documents to build: every input file was skipped ({len(files)} files)")


def read_corpus(
    inputs: Iterable[str | Path], on_warning: Warn = _ignore, columns: Columns | None = None,
    exclude: Iterable[str | Path] = (), on_note: Warn | None = None,
) -> Iterator[Document]:
    """The documents of every input, read lazily in a stable order (inputs in order, folders sorted).

    Paths are checked at once (:func:`corpus_files`, which skips the folders
    in ``exclude``); documents are decoded as the iterator is consumed.
    Folders are read recursively (``.txt``, ``.md``,
    ``.jsonl``, ``.csv``, ``.tsv``, ``.parquet``, the JSONL and tables also
    ``.gz``, ``.bz2`` or ``.xz``; other files are skipped with a warning).
    ``columns`` names the text, id and date columns of CSV, TSV and Parquet
    files. A duplicate document id is reported naming both places and the
    later document is skipped. Raises :class:`CorpusError` when no input
    yields a document.

    ``on_note`` hears of what is read under another name, losing nothing: a
    metadata key named like an output column (once per key), a document id
    holding :data:`ID_SEPARATOR`.
    """
    return read_files(corpus_files(inputs, on_warning, exclude), on_warning, columns, on_note)


def read_files(
    files: list[tuple[Path, bool]], on_warning: Warn = _ignore, columns: Columns | None = None, on_note: Warn | None = None
) -> Iterator[Document]:
    """The documents of :func:`corpus_files`' ``files``, read lazily (see :func:`read_corpus`)."""
    return _documents(files, columns or Columns(), on_warning, on_note or _ignore)
