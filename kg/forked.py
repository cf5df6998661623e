"""Run groups of tasks at the same time: the first group here, each other in a forked process.

A build's last steps (the graph layout, rendering the CSV, GraphML, GEXF and
HTML files) read the records and the graph the build holds, and each takes a
second or more on a large corpus. A forked child shares that memory with its
parent copy-on-write, so nothing is pickled on the way in; only what a task
returns (positions, a file's bytes) comes back through a pipe. Where ``fork``
is missing (Windows, macOS' default), or with one process, the groups run one
after the other here: the results are the same either way.

>>> run_groups([[lambda: 1, lambda: 2], [lambda: 3]], processes=2)
[[1, 2], [3]]
"""
from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any, Callable, Sequence

Task = Callable[[], Any]


def can_fork() -> bool:
    """Whether tasks can run in forked processes on this platform."""
    return "fork" in multiprocessing.get_all_start_methods()


def run_groups(groups: Sequence[Sequence[Task]], processes: int = 2) -> list[list[Any]]:
    """Each group's task results, in order; the groups run at once in up to ``processes`` processes.

    Group 0 runs in this process; with ``processes`` > 1 and ``fork`` available,
    groups 1… run in forked children (their results are pickled back). An
    exception in any task is raised here, after every child has finished.
    """
    if processes < 2 or len(groups) < 2 or not can_fork():
        return [[task() for task in group] for group in groups]
    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # a child must not print what the parent buffered
        stream.flush()
    children = []
    for group in groups[1:]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(group, send, os.getpid()), daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    try:
        results = [[task() for task in groups[0]]]
    finally:
        answers = [_answer(child, receive) for child, receive in children]
    for ok, value in answers:
        if not ok:
            raise value
        results.append(value)
    return results


def _child(group: Sequence[Task], send, parent: int) -> None:
    die_with_parent(parent)
    try:
        answer = (True, [task() for task in group])
    except BaseException as err:  # sent to the parent, which raises it
        answer = (False, err)
    try:
        send.send(answer)
    except Exception as err:  # an unpicklable result or exception
        send.send((False, RuntimeError(f"{type(err).__name__}: {err}")))
    send.close()


def _answer(child, receive) -> tuple[bool, Any]:
    try:
        answer = receive.recv()
    except EOFError:
        answer = None
    finally:
        receive.close()
    child.join()
    if answer is None:
        return False, RuntimeError(f"a build process ended without a result (exit status {child.exitcode})")
    return answer


def default_processes() -> int:
    """How many processes :func:`run_groups` may use here: 2 where two cores and ``fork`` are."""
    return 2 if can_fork() and (os.cpu_count() or 1) > 1 else 1


#: prctl(2) option: the signal a process gets when its parent ends (Linux).
_PR_SET_PDEATHSIG = 1
#: Seconds between two looks at the parent, where the kernel cannot signal its death.
_WATCH_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """End this process (a child of ``parent``) as soon as its parent ends, however it ends.

    A worker outliving a killed build would hold its memory, the build's
    stderr, and the output folder. On Linux the kernel kills the child when
    the parent dies (``PR_SET_PDEATHSIG``); elsewhere a thread watches for the
    child being handed to another parent. ``SIGTERM`` gets its default action
    back (the CLI's handler would turn it into an exception that a pool's
    worker survives).
    """
    with contextlib.suppress(ValueError):  # not the main thread: the handler is the parent's business
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the prctl
                    os._exit(1)
                return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)
