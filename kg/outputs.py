"""Output safety: check the folder before processing, one build per folder, all files or none.

A build never damages the user's last good output. :class:`OutputFolder`
checks the folder before any document is processed, locks it so two builds
cannot interleave their files, and stages every file as an unnamed temporary
file (Linux ``O_TMPFILE``) inside the folder: nothing appears there until
:meth:`OutputFolder.commit` puts all of them in place as one transaction.

kg only ever removes files it can prove it made: every name it gives a file
of its own carries a kg marker and the build's id (its process id and a random
part), ``.kg-tmp-<pid>-<random>-graph.gexf`` for a file being committed,
``.kg-old-<pid>-<random>-graph.gexf`` for the previous output kept until the
commit is done, and ``.kg-commit-<pid>-<random>`` for the commit's journal.
A commit that fails puts every previous output back; one killed half-way is
finished or undone, from its journal, by the next build into the folder.

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

#: The names kg gives its own files in an output folder: (kind, build id, output name).
_OWN_NAME = re.compile(r"^\.kg-(tmp|old)-(\d+-[0-9a-f]{8})-(.+)$")
_JOURNAL_NAME = re.compile(r"^\.kg-commit-(\d+-[0-9a-f]{8})$")
_PROC_FD = Path("/proc/self/fd")
#: Descriptors holding a folder's lock, closed in a forked child so that only this process holds it.
_LOCKS: set[int] = set()


def _close_inherited_locks() -> None:
    # A forked child shares the parent's open file description, and an flock is
    # released only when every descriptor of it is closed: a worker that outlived
    # its build would keep the folder locked.
    for fd in _LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


def _running(build_id: str) -> bool:
    """Whether the process of ``build_id`` may still be running (and writing its files)."""
    pid = int(build_id.split("-")[0])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


class OutputError(KgError):
    """The output folder cannot be used: not a folder, not writable, or locked by another build."""


def new_build_id() -> str:
    """An id for one build's files: this process' id and a random part (``"4242-1a2b3c4d"``)."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def own_name(kind: str, build_id: str, name: str) -> str:
    """The name kg gives its ``kind`` ("tmp" or "old") of file ``name`` in build ``build_id``.

    >>> own_name("tmp", "4242-1a2b3c4d", "graph.gexf")
    '.kg-tmp-4242-1a2b3c4d-graph.gexf'
    """
    return f".kg-{kind}-{build_id}-{name}"


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


def _naming(err: OSError, path: Path) -> OSError:
    """``err`` naming ``path`` (a write to a descriptor names no file)."""
    if err.filename:
        return err
    named = OSError(err.errno, err.strerror or str(err), str(path))
    named.__cause__ = err
    return named


class StagedFile:
    """A binary file written next to ``target`` and renamed onto it by :meth:`publish`.

    It has no name in the folder while it is written (``O_TMPFILE``) when the
    file system allows, so a killed process leaves nothing behind; elsewhere
    its name is :func:`own_name` ``("tmp", build_id, target's name)``.
    """

    def __init__(self, target: Path, build_id: str | None = None) -> None:
        self.target = Path(target)
        self.build_id = build_id or new_build_id()
        self.temp: Path | None = None
        fd = None
        if hasattr(os, "O_TMPFILE") and _PROC_FD.is_dir():
            with contextlib.suppress(OSError):  # file systems without O_TMPFILE: named fallback
                fd = os.open(self.target.parent, os.O_TMPFILE | os.O_RDWR, 0o666)
        if fd is None:
            self.temp = self.target.with_name(own_name("tmp", self.build_id, self.target.name))
            try:
                fd = os.open(self.temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            except OSError as err:
                raise _naming(err, self.target) from None
        self.file: IO[bytes] = os.fdopen(fd, "w+b")

    def sync(self) -> None:
        """Flush the file's bytes to disk."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        except OSError as err:
            raise _naming(err, self.target) from None

    def name_in_folder(self) -> Path:
        """Give the file its temporary name in the folder (if it has none yet); that name."""
        if self.temp is None:
            temp = self.target.with_name(own_name("tmp", self.build_id, self.target.name))
            # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N; os.link only uses
            # linkat (and follows the link) when given a directory descriptor.
            proc_fd = os.open(_PROC_FD, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.link(str(self.file.fileno()), temp, src_dir_fd=proc_fd, follow_symlinks=True)
            except OSError as err:
                raise _naming(err, self.target) from None
            finally:
                os.close(proc_fd)
            self.temp = temp
        return self.temp

    def publish(self) -> Path:
        """Flush to disk and rename onto the target (replacing it atomically)."""
        self.sync()
        try:
            os.replace(self.name_in_folder(), self.target)
        except OSError as err:
            raise OutputError(f"{self.target}: cannot replace it ({_reason(err)})") from err
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
    except OSError as err:  # a full disk: name the file being written, not a descriptor
        staged.discard()
        raise _naming(err, staged.target) from None
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
        reason = "permission denied" if isinstance(err, PermissionError) else _reason(err)
        raise OutputError(f"{existing if existing != out.absolute() else out}: not writable ({reason})") from err


class OutputFolder:
    """The output folder of one build: checked, locked, and written all at once.

    ``with OutputFolder(out) as folder:`` creates ``out`` if needed and holds an
    exclusive lock on it (``flock`` on the folder itself, so no lock file is
    left; the kernel releases it when the process ends, however it ends); a
    second build into the same folder fails at once with :class:`OutputError`.
    Files opened with :meth:`open` stay invisible until :meth:`commit`; leaving
    the block without committing discards them, and removes ``out`` again if
    this build created it and left it empty.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        check_output_folder(self.path)
        self.build_id = new_build_id()
        self._staged: list[StagedFile] = []
        self._created = False
        self._lock: int | None = None
        self._locked = True

    def __enter__(self) -> "OutputFolder":
        self._created = not self.path.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{self.path}: cannot create the folder ({_reason(err)})") from err
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
            # a file system without flock (some network mounts): write unlocked rather than not at all
            self._locked = False
        _LOCKS.add(self._lock)
        self._recover()
        return self

    def __exit__(self, *exc) -> None:
        for staged in self._staged:
            staged.discard()
        self._staged.clear()
        if self._created:
            with contextlib.suppress(OSError):
                self.path.rmdir()  # only succeeds when empty: this build wrote nothing
        if self._lock is not None:
            _LOCKS.discard(self._lock)
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def _recover(self) -> None:
        """Finish or undo a commit a killed build left, and remove its temporary files.

        Runs with the lock held: then no other kg build is writing in the folder.
        """
        names = os.listdir(self.path)
        for name in names:
            journal = _JOURNAL_NAME.match(name)
            if journal and (self._locked or not _running(journal.group(1))):
                self._settle(journal.group(1), names)
        for name in os.listdir(self.path):
            # Without a journal a killed build had not started replacing outputs:
            # its temporary files and the links to the old outputs can go.
            own = _OWN_NAME.match(name)
            if own and (self._locked or not _running(own.group(2))):
                with contextlib.suppress(OSError):
                    if (self.path / name).is_file():
                        os.unlink(self.path / name)

    def _settle(self, build_id: str, names: list[str]) -> None:
        journal = self.path / f".kg-commit-{build_id}"
        entries = [line.split("\t") for line in journal.read_text(encoding="utf-8").splitlines() if "\t" in line]
        unfinished = any(own_name("tmp", build_id, name) in names for name, _ in entries)
        for name, had_old in entries:
            old = self.path / own_name("old", build_id, name)
            if unfinished and old.exists():
                os.replace(old, self.path / name)
            elif unfinished and had_old == "new" and own_name("tmp", build_id, name) not in names:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path / name)  # this build's file, where there was none before
        journal.unlink()

    @contextlib.contextmanager
    def open(self, name: str, mode: str = "wb", **kwargs) -> Iterator[IO]:
        """A new file ``name`` to write (``mode`` "wb", or "w" with ``open``'s text ``kwargs``), staged until :meth:`commit`."""
        staged = StagedFile(self.path / name, self.build_id)
        with _writing(staged, mode, **kwargs) as fh:
            yield fh
        self._staged.append(staged)

    def commit(self) -> list[Path]:
        """Put every staged file in place, in the order opened, all or none; return their paths.

        Each previous output is kept (a hard link) until every new file is in
        place; if one cannot be replaced, the ones already replaced get their
        previous file back and :class:`OutputError` names the file at fault.
        """
        staged = list(self._staged)
        for file in staged:  # the slow part first, so the renames follow each other closely
            file.sync()
            file.name_in_folder()
        for file in staged:
            if file.target.is_dir() and not file.target.is_symlink():
                raise OutputError(f"{file.target}: cannot replace it (is a folder)")
        self._write_journal(staged)
        kept: list[Path | None] = []
        try:
            for file in staged:
                kept.append(self._keep_old(file.target))
        except BaseException:
            self._roll_back(staged, [], kept)
            raise
        done: list[StagedFile] = []
        try:
            for file in staged:
                file.publish()
                done.append(file)
        except BaseException:
            self._roll_back(staged, done, kept)
            raise
        self._fsync_folder()
        os.unlink(self._journal())
        for old in kept:
            if old is not None:
                with contextlib.suppress(OSError):
                    os.unlink(old)
        self._staged.clear()
        return [file.target for file in staged]

    def _journal(self) -> Path:
        return self.path / f".kg-commit-{self.build_id}"

    def _keep_old(self, target: Path) -> Path | None:
        """A hard link to ``target``'s current file (None if there is none), kept until the commit is done."""
        if not os.path.lexists(target):
            return None
        old = target.with_name(own_name("old", self.build_id, target.name))
        try:
            os.link(target, old, follow_symlinks=False)
        except OSError:
            # A file system without hard links (FAT, some network mounts): the two-step
            # fallback moves the old file aside, so the name is missing until the new
            # file's rename; the journal restores it if the build dies in between.
            try:
                os.rename(target, old)
            except OSError as err:
                raise OutputError(f"{target}: cannot replace it ({_reason(err)})") from err
        return old

    def _write_journal(self, staged: list[StagedFile]) -> None:
        lines = "".join(f"{f.target.name}\t{'old' if os.path.lexists(f.target) else 'new'}\n" for f in staged)
        try:
            with open(self._journal(), "x", encoding="utf-8") as fh:
                fh.write(lines)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            raise _naming(err, self.path) from None  # the folder: the journal is kg's own name
        self._fsync_folder()

    def _roll_back(self, staged: list[StagedFile], done: list[StagedFile], kept: list[Path | None]) -> None:
        """Give the files already replaced their previous version back (or remove them if new)."""
        for file, old in zip(staged, kept):
            with contextlib.suppress(OSError):
                if old is None:
                    if file in done:
                        os.unlink(file.target)  # new in this build
                elif file in done or not os.path.lexists(file.target):
                    os.replace(old, file.target)  # replaced, or moved aside: the old file back
                else:
                    os.unlink(old)  # a link to the file still in place
        self._fsync_folder()
        os.unlink(self._journal())

    def _fsync_folder(self) -> None:
        with contextlib.suppress(OSError):  # make the renames durable; not every platform can fsync a folder
            os.fsync(self._lock)
