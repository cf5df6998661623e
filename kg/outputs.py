"""Output safety: check the folder before processing, one build per folder, all files or none.

A build never damages the user's last good output. :class:`OutputFolder`
checks the folder before any document is processed, locks it so two builds
cannot interleave their files, and stages every file as an unnamed temporary
file (Linux ``O_TMPFILE``) inside the folder: nothing appears there until
:meth:`OutputFolder.commit` renames all of them into place at once. A build
killed at any point before the commit (even by ``SIGKILL``) leaves the previous
outputs as they were and no temporary file behind; the kernel frees the unnamed
files. Where ``O_TMPFILE`` is missing, temporary files get hidden names
(``.facts.csv.x1y2z3w4.tmp``) and the next build into the folder removes any a
killed build left.

>>> import tempfile
>>> with OutputFolder(tempfile.mkdtemp()) as folder:
...     with folder.open("hello.txt", "w", encoding="utf-8") as fh:
...         _ = fh.write("hi")
...     [p.name for p in folder.commit()]
['hello.txt']
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import IO, Iterator

from kg.errors import KgError

try:
    import fcntl
except ImportError:  # Windows: no flock; builds into one folder are then not serialised
    fcntl = None

# Named temporary files: ours (".<name>.<8 chars>.tmp") and tempfile.mkstemp's.
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_PROC_FD = Path("/proc/self/fd")


class OutputError(KgError):
    """The output folder cannot be used: not a folder, not writable, or locked by another build."""


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


class StagedFile:
    """A binary file written next to ``target`` and renamed onto it by :meth:`publish`.

    It has no name in the folder while it is written (``O_TMPFILE``) when the
    file system allows, so a killed process leaves nothing behind.
    """

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.temp: Path | None = None
        fd = None
        if hasattr(os, "O_TMPFILE") and _PROC_FD.is_dir():
            with contextlib.suppress(OSError):  # file systems without O_TMPFILE: named fallback
                fd = os.open(self.target.parent, os.O_TMPFILE | os.O_RDWR, 0o666)
        if fd is None:
            fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
            self.temp = Path(name)
            os.chmod(fd, 0o644)  # mkstemp's 0600 would make outputs private
        self.file: IO[bytes] = os.fdopen(fd, "w+b")

    def sync(self) -> None:
        """Flush the file's bytes to disk."""
        self.file.flush()
        os.fsync(self.file.fileno())

    def publish(self) -> Path:
        """Flush to disk and rename onto the target (replacing it atomically)."""
        self.sync()
        if self.temp is None:
            # An unnamed file gets a name only for the instant before the rename.
            self.temp = _temp_name(self.target)
            # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N; os.link only uses
            # linkat (and follows the link) when given a directory descriptor.
            proc_fd = os.open(_PROC_FD, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.link(str(self.file.fileno()), self.temp, src_dir_fd=proc_fd, follow_symlinks=True)
            finally:
                os.close(proc_fd)
        os.replace(self.temp, self.target)
        self.temp = None
        self.file.close()
        return self.target

    def discard(self) -> None:
        """Close and forget the file; the target is untouched."""
        self.file.close()
        if self.temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.temp)
            self.temp = None


@contextlib.contextmanager
def _writing(staged: StagedFile, mode: str, **kwargs) -> Iterator[IO]:
    """``staged``'s file in ``mode`` ("w" text with ``kwargs`` as for ``open``, or "wb"); discarded on error."""
    try:
        if "b" in mode:
            yield staged.file
        else:
            text = io.TextIOWrapper(staged.file, **kwargs)
            yield text
            text.flush()
            text.detach()
    except BaseException:
        staged.discard()
        raise


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Write ``path`` through a temporary file renamed into place on success.

    A failure or a kill leaves the previous ``path`` untouched and no temporary
    file behind.
    """
    staged = StagedFile(Path(path))
    with _writing(staged, mode, **kwargs) as fh:
        yield fh
    staged.publish()


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_folder(out: str | os.PathLike) -> None:
    """Raise :class:`OutputError` unless ``out`` is, or can be created as, a writable folder.

    Nothing is created: this runs before any document is processed.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    existing = _nearest_existing(out)
    if not existing.is_dir():
        raise OutputError(f"{out}: cannot create the folder, {existing} is a file")
    try:
        # An unnamed temporary file proves write access (for root too, on a
        # read-only mount) and disappears on close.
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as err:
        reason = "permission denied" if isinstance(err, PermissionError) else (err.strerror or str(err)).lower()
        raise OutputError(f"{existing if existing != out.absolute() else out}: not writable ({reason})") from err


class OutputFolder:
    """The output folder of one build: checked, locked, and written all at once.

    ``with OutputFolder(out) as folder:`` creates ``out`` if needed and holds an
    exclusive lock on it (``flock`` on the folder itself, so no lock file is
    left); a second build into the same folder fails at once with
    :class:`OutputError`. Files opened with :meth:`open` stay invisible until
    :meth:`commit`; leaving the block without committing discards them, and
    removes ``out`` again if this build created it and left it empty.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        check_output_folder(self.path)
        self._staged: list[StagedFile] = []
        self._created = False
        self._lock: int | None = None

    def __enter__(self) -> "OutputFolder":
        self._created = not self.path.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{self.path}: cannot create the folder ({(err.strerror or str(err)).lower()})") from err
        self._lock = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            if fcntl is not None:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise OutputError(
                f"{self.path}: another kg build is writing to this folder; wait for it to finish or choose another --out"
            ) from None
        except OSError:
            pass  # a file system without flock (some network mounts): write unlocked rather than not at all
        self._remove_stale_temporary_files()
        return self

    def __exit__(self, *exc) -> None:
        for staged in self._staged:
            staged.discard()
        self._staged.clear()
        if self._created:
            with contextlib.suppress(OSError):
                self.path.rmdir()  # only succeeds when empty: this build wrote nothing
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def _remove_stale_temporary_files(self) -> None:
        # Only with the lock held: then no other kg build is writing them.
        for entry in self.path.iterdir():
            if _TEMP_NAME.match(entry.name) and entry.is_file():
                with contextlib.suppress(OSError):
                    entry.unlink()

    @contextlib.contextmanager
    def open(self, name: str, mode: str = "wb", **kwargs) -> Iterator[IO]:
        """A new file ``name`` to write (``mode`` "wb", or "w" with ``open``'s text ``kwargs``), staged until :meth:`commit`."""
        staged = StagedFile(self.path / name)
        with _writing(staged, mode, **kwargs) as fh:
            yield fh
        self._staged.append(staged)

    def commit(self) -> list[Path]:
        """Rename every staged file into place, in the order opened; return their paths."""
        for staged in self._staged:  # the slow part first, so the renames follow each other closely
            staged.sync()
        written = [staged.publish() for staged in self._staged]
        self._staged.clear()
        with contextlib.suppress(OSError):  # make the renames durable; not every platform can fsync a folder
            os.fsync(self._lock)
        return written
