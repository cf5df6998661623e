"""What keeps a build's memory bounded by its facts: a spool for the mentions, a heap left out of collection.

A build keeps every fact (the graph needs them) but a corpus has many more
mentions than facts, and the mentions are needed only when ``mentions.csv``
is written. :class:`RecordSpool` keeps each document's mention rows in an
unnamed temporary file as the document comes. :class:`FrozenHeap` leaves
what the build keeps to the end out of garbage collection, which would
otherwise scan it again on every full collection.

>>> spool = RecordSpool()
>>> spool["d"] = [("TUR", "country", "Turkey", 0, 6)]
>>> spool["d"]
[('TUR', 'country', 'Turkey', 0, 6)]
"""
from __future__ import annotations

import contextlib
import gc
import marshal
import os
import tempfile
from collections.abc import Mapping
from typing import Any, Iterator


class RecordSpool(Mapping[str, Any]):
    """Rows of plain values by key, written to an unnamed temporary file as they are
    added: memory holds where each key's rows are, not the rows.

    Values are what :mod:`marshal` writes (tuples and lists of strings and
    numbers), read back as they went in. ``folder``: where the file goes
    (default: the system's temporary folder); the kernel frees it when the
    spool is closed or collected, or the process dies. Reads are positional
    (``os.pread``), so a forked process reads the spool without moving this
    process' file offset. A pickled spool is a plain dict.
    """

    def __init__(self, folder: str | os.PathLike | None = None, buffer_bytes: int = 1 << 20) -> None:
        self.folder = str(folder if folder is not None else tempfile.gettempdir())
        self._file = tempfile.TemporaryFile(dir=folder, buffering=buffer_bytes)
        self._index: dict[str, tuple[int, int]] = {}
        self._end = 0

    def __setitem__(self, key: str, rows: Any) -> None:
        data = marshal.dumps(rows)
        with self._naming_the_folder():
            self._file.write(data)
        self._index[key] = (self._end, len(data))
        self._end += len(data)

    def __getitem__(self, key: str) -> Any:
        offset, length = self._index[key]
        self.flush()
        if hasattr(os, "pread"):
            data = os.pread(self._file.fileno(), length, offset)
        else:  # Windows: no pread, and no fork to share the file offset with
            self._file.seek(offset)
            data = self._file.read(length)
            self._file.seek(0, os.SEEK_END)
        if len(data) != length:
            raise OSError(f"spool file {self._file.name}: {len(data)} bytes at {offset}, expected {length}")
        return marshal.loads(data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def flush(self) -> None:
        """Write what is buffered to the file (before a process forks, so it is written once)."""
        with self._naming_the_folder():
            self._file.flush()

    @contextlib.contextmanager
    def _naming_the_folder(self) -> Iterator[None]:
        # The file has no name: an error writing it (a full disk) names its folder.
        try:
            yield
        except OSError as err:
            if err.filename:
                raise
            raise OSError(err.errno, err.strerror or str(err), self.folder) from err

    def close(self) -> None:
        """Delete the file."""
        self._file.close()

    def __reduce__(self):
        return dict, (dict(self.items()),)


#: Container objects allocated (less those freed) between two collections of the youngest
#: generation while a build's heap is frozen (Python's default is 700).
YOUNG_COLLECTION_THRESHOLD = 10_000


class FrozenHeap:
    """Leaves the objects a build keeps out of garbage collection until the build ends.

    A build keeps what it makes to the end (the pipeline with its lookup tables
    of hundreds of thousands of entries, every document's records), and each
    full collection would scan all of it again. :meth:`freeze` moves every
    object that exists now out of collection (in constant time); leaving the
    block returns them. A heap the caller froze is left as it is.

    Inside the block the youngest generation is collected after
    :data:`YOUNG_COLLECTION_THRESHOLD` allocations rather than 700: a document's
    records live until the document is read and are freed by reference counting
    (a Doc holds no reference cycle), so most are gone before a collection would
    scan them, where at 700 each is scanned, and promoted, while it is in use.

    >>> with FrozenHeap() as heap:
    ...     heap.freeze()
    """

    def __init__(self) -> None:
        self.owned = False
        self._thresholds: tuple[int, ...] | None = None

    def __enter__(self) -> "FrozenHeap":
        self.owned = gc.get_freeze_count() == 0
        self._thresholds = gc.get_threshold()
        first, *older = self._thresholds
        if 0 < first < YOUNG_COLLECTION_THRESHOLD:  # 0: the caller turned collection off
            gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *older)
        return self

    def freeze(self) -> None:
        """Leave every object that exists now out of collection."""
        if self.owned:
            gc.freeze()

    def __exit__(self, *exc) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
        if self.owned:
            gc.unfreeze()
