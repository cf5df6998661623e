"""The output folder: checked before processing, locked, written all at once."""
import os

import pytest

from kg.outputs import OutputError, OutputFolder, StagedFile, atomic_open, check_output_folder


def test_staged_files_appear_only_on_commit(tmp_path):
    (tmp_path / "facts.csv").write_text("old facts")
    with OutputFolder(tmp_path) as folder:
        with folder.open("facts.csv", "w", encoding="utf-8", newline="") as fh:
            fh.write("new facts\r\n")
        with folder.open("graph.graphml") as fh:
            fh.write(b"<graphml/>")
        # Written but not yet committed: the folder still shows the old outputs only.
        assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.csv"]
        assert (tmp_path / "facts.csv").read_text() == "old facts"
        assert folder.commit() == [tmp_path / "facts.csv", tmp_path / "graph.graphml"]
    assert (tmp_path / "facts.csv").read_bytes() == b"new facts\r\n"
    assert (tmp_path / "graph.graphml").read_bytes() == b"<graphml/>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.csv", "graph.graphml"]


def test_a_failure_before_commit_changes_nothing(tmp_path):
    (tmp_path / "facts.csv").write_text("old facts")
    with pytest.raises(RuntimeError):
        with OutputFolder(tmp_path) as folder:
            with folder.open("facts.csv", "w", encoding="utf-8") as fh:
                fh.write("new")
            with folder.open("edges.csv", "w", encoding="utf-8") as fh:
                fh.write("half an edge")
                raise RuntimeError("writer crashed")
    assert [(p.name, p.read_text()) for p in tmp_path.iterdir()] == [("facts.csv", "old facts")]


def test_a_folder_the_build_created_is_removed_when_nothing_was_written(tmp_path):
    out = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError):
        with OutputFolder(out):
            assert out.is_dir()
            raise RuntimeError("failed before writing")
    assert not out.exists()


def test_a_second_build_into_a_locked_folder_fails_at_once(tmp_path):
    with OutputFolder(tmp_path):
        with pytest.raises(OutputError, match="another kg build is writing to this folder"):
            with OutputFolder(tmp_path):
                pass
    with OutputFolder(tmp_path):  # released when the first build is done
        pass


def test_the_folder_is_checked_before_anything_is_created(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=f"^{tmp_path / 'file'}: exists and is not a folder$"):
        check_output_folder(tmp_path / "file")
    with pytest.raises(OutputError, match=f"^{tmp_path / 'file' / 'out'}: cannot create the folder, {tmp_path / 'file'} is a file$"):
        check_output_folder(tmp_path / "file" / "out")
    check_output_folder(tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()


def test_temporary_files_left_by_a_killed_build_are_removed_by_the_next(tmp_path):
    stale = [tmp_path / ".kg-tmp-4242-1a2b3c4d-facts.csv", tmp_path / ".kg-old-4242-1a2b3c4d-graph.gexf"]
    for path in stale:
        path.write_text("half")
    with OutputFolder(tmp_path):
        pass
    assert not any(path.exists() for path in stale)


def test_files_kg_did_not_make_are_never_removed(tmp_path):
    users = [".thesis.docx.ab12cd34.tmp", ".backup.20240101.tmp", ".facts.csv.k3j9x_2a.tmp", ".notes.tmp",
             ".kg-tmp-notes.txt", ".kg-commit-draft"]
    for name in users:
        (tmp_path / name).write_text("the user's")
    with OutputFolder(tmp_path) as folder:
        with folder.open("facts.csv") as fh:
            fh.write(b"new")
        folder.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(users + ["facts.csv"])


def _old_outputs(folder, names=("edges.csv", "facts.csv", "graph.gexf", "nodes.csv")):
    for name in names:
        (folder / name).write_text(f"old {name}")
    return {name: f"old {name}" for name in names}


@pytest.mark.parametrize("position", [0, 2, 3])
def test_an_output_that_cannot_be_replaced_fails_the_commit_and_keeps_every_old_file(tmp_path, position):
    old = _old_outputs(tmp_path)
    blocked = sorted(old)[position]
    (tmp_path / blocked).unlink()
    (tmp_path / blocked).mkdir()  # a folder where an output was: no file can be renamed onto it
    (tmp_path / blocked / "inside").write_text("x")
    with OutputFolder(tmp_path) as folder:
        for name in sorted(old):
            with folder.open(name) as fh:
                fh.write(b"new")
        with pytest.raises(OutputError, match=f"^{tmp_path / blocked}: cannot replace it"):
            folder.commit()
    assert {p.name: p.read_text() for p in tmp_path.iterdir() if p.is_file()} == {k: v for k, v in old.items() if k != blocked}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(old)


def test_a_rename_failing_half_way_puts_the_replaced_files_back(tmp_path, monkeypatch):
    old = _old_outputs(tmp_path)
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("graph.gexf") and ".kg-tmp-" in str(src):
            raise PermissionError(1, "Operation not permitted")
        real_replace(src, dst)

    with OutputFolder(tmp_path) as folder:
        for name in ["brand_new.csv", *sorted(old)]:
            with folder.open(name) as fh:
                fh.write(b"new")
        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(OutputError, match=f"^{tmp_path / 'graph.gexf'}: cannot replace it \\(operation not permitted\\)$"):
            folder.commit()
        monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == old


def test_without_hard_links_the_old_files_are_moved_aside_and_put_back_on_failure(tmp_path, monkeypatch):
    old = _old_outputs(tmp_path)
    real_replace, real_link = os.replace, os.link

    def no_link(src, dst, **kwargs):
        if kwargs.get("src_dir_fd") is not None:  # naming an unnamed staged file: not the old outputs
            return real_link(src, dst, **kwargs)
        raise PermissionError(1, "Operation not permitted")  # as FAT answers link(2)

    def replace(src, dst):
        if str(dst).endswith("nodes.csv") and ".kg-tmp-" in str(src):
            raise PermissionError(1, "Operation not permitted")
        real_replace(src, dst)

    with OutputFolder(tmp_path) as folder:
        for name in sorted(old):
            with folder.open(name) as fh:
                fh.write(b"new")
        monkeypatch.setattr(os, "link", no_link)
        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(OutputError, match="nodes.csv: cannot replace it"):
            folder.commit()
        monkeypatch.undo()
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == old


def test_a_commit_killed_half_way_is_undone_by_the_next_build(tmp_path):
    old = _old_outputs(tmp_path, ["facts.csv", "graph.gexf"])
    build = "4242-1a2b3c4d"
    # What a build killed after replacing facts.csv (and adding nodes.csv) leaves behind.
    (tmp_path / f".kg-commit-{build}").write_text("nodes.csv\tnew\nfacts.csv\told\ngraph.gexf\told\n")
    os.link(tmp_path / "facts.csv", tmp_path / f".kg-old-{build}-facts.csv")
    os.link(tmp_path / "graph.gexf", tmp_path / f".kg-old-{build}-graph.gexf")
    (tmp_path / "facts.csv").unlink()
    (tmp_path / "facts.csv").write_text("new")
    (tmp_path / "nodes.csv").write_text("new")
    (tmp_path / f".kg-tmp-{build}-graph.gexf").write_text("new")
    with OutputFolder(tmp_path):
        pass
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == old


def test_a_commit_killed_after_its_last_rename_is_finished_by_the_next_build(tmp_path):
    build = "4242-1a2b3c4d"
    (tmp_path / f".kg-commit-{build}").write_text("facts.csv\told\n")
    (tmp_path / f".kg-old-{build}-facts.csv").write_text("old")
    (tmp_path / "facts.csv").write_text("new")
    with OutputFolder(tmp_path):
        pass
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"facts.csv": "new"}


def test_a_full_disk_names_the_file_being_written(tmp_path):
    with OutputFolder(tmp_path) as folder:
        with pytest.raises(OSError) as raised:
            with folder.open("graph.gexf") as fh:
                raise OSError(28, "No space left on device")  # what a write to a full disk raises: no file name
    assert raised.value.filename == str(tmp_path / "graph.gexf")
    assert raised.value.strerror == "No space left on device"


def test_workers_forked_during_a_build_do_not_hold_its_lock(tmp_path):
    ready, started = os.pipe()
    with OutputFolder(tmp_path):
        child = os.fork()
        if child == 0:  # a worker that outlives the build
            os.write(started, b"x")
            import time
            time.sleep(5)
            os._exit(0)
        os.read(ready, 1)  # the worker is running
    try:
        with OutputFolder(tmp_path):  # the next build
            pass
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
        os.close(ready)
        os.close(started)


def test_staged_file_has_no_name_while_written_and_normal_permissions(tmp_path):
    staged = StagedFile(tmp_path / "graph.html")
    staged.file.write(b"<html></html>")
    if staged.temp is None:  # O_TMPFILE: invisible until published
        assert list(tmp_path.iterdir()) == []
    staged.publish()
    mode = (tmp_path / "graph.html").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044, oct(mode)  # readable by others, like any file the user writes


def test_atomic_open_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text("old")
    with atomic_open(path, encoding="utf-8") as fh:
        fh.write("new")
    assert path.read_text() == "new" and os.listdir(tmp_path) == ["facts.csv"]
