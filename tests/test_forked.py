"""kg.forked: groups of tasks run at once in forked processes, with the results of running them here."""
import os

import pytest

from kg.forked import can_fork, run_groups

needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")


def _pid():
    return os.getpid()


@needs_fork
def test_groups_after_the_first_run_in_other_processes_and_results_keep_their_order():
    results = run_groups([[lambda: "a", _pid], [lambda: "b", _pid], [lambda: list(range(3))]], processes=2)
    assert results[0] == ["a", os.getpid()]
    assert results[1][0] == "b" and results[1][1] != os.getpid()
    assert results[2] == [[0, 1, 2]]


def test_one_process_runs_every_group_here():
    assert run_groups([[_pid], [_pid]], processes=1) == [[os.getpid()], [os.getpid()]]


@needs_fork
def test_a_large_result_comes_back_whole():
    data = os.urandom(20_000_000)
    assert run_groups([[], [lambda: data]], processes=2) == [[], [data]]


@needs_fork
def test_an_error_in_a_child_is_raised_here_with_its_message():
    def fail():
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"):
        run_groups([[lambda: 1], [fail]], processes=2)


@needs_fork
def test_a_child_that_dies_is_an_error_naming_its_exit_status():
    with pytest.raises(RuntimeError, match="exit status 3"):
        run_groups([[lambda: 1], [lambda: os._exit(3)]], processes=2)


@needs_fork
def test_an_unpicklable_result_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="pickle"):
        run_groups([[lambda: 1], [lambda: (lambda: 2)]], processes=2)


@needs_fork
def test_outputs_rendered_in_two_processes_are_the_bytes_of_one(repo, tmp_path):
    from kg import build
    from kg.render import FILES, write_outputs

    # the build makes the flattened edges before the layout; write_outputs alone makes them as it writes
    result = build([repo / "corpus"], out=tmp_path / "built", cache=False)
    write_outputs(result, tmp_path / "one", title="kg: corpus", processes=1)
    write_outputs(result, tmp_path / "two", title="kg: corpus", processes=2)
    for name in FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "built" / name).read_bytes(), name


@needs_fork
def test_a_build_over_the_parallel_threshold_writes_what_one_process_writes(repo, tmp_path, monkeypatch):
    import sys

    from kg import build
    from kg.render import FILES

    build([repo / "corpus"], out=tmp_path / "serial", cache=False)
    monkeypatch.setattr(sys.modules["kg.render"], "PARALLEL_RECORDS", 1)
    result = build([repo / "corpus"], out=tmp_path / "parallel", cache=False)
    assert result.graph.nodes["PAK"]["x"] != 0 or result.graph.nodes["PAK"]["y"] != 0
    for name in FILES:
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes(), name


def _orphan_survives(platform: str) -> bool:
    """Whether a grandchild that called die_with_parent (as on ``platform``) is alive 3 s after its parent died."""
    import signal
    import sys
    import time

    from kg import forked

    ready, told = os.pipe()
    middle = os.fork()
    if middle == 0:  # the build; a forked copy of pytest must never return from here
        try:
            grandchild = os.fork()
            if grandchild == 0:  # its worker
                try:
                    sys.platform = platform
                    forked.die_with_parent(os.getppid())
                    time.sleep(30)
                finally:
                    os._exit(0)
            os.write(told, grandchild.to_bytes(4, "little"))
            time.sleep(0.5)  # the worker has set itself up
        finally:
            os._exit(0)  # the build ends without stopping its worker
    os.waitpid(middle, 0)
    worker = int.from_bytes(os.read(ready, 4), "little")
    os.close(ready)
    os.close(told)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            state = open(f"/proc/{worker}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    return True


@needs_fork
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="looks for the process in /proc")
@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_a_worker_ends_when_its_parent_dies(platform):
    # linux: the kernel's parent-death signal; darwin stands for any other system: the watching thread
    assert not _orphan_survives(platform)
