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
    stale = tmp_path / ".facts.csv.k3j9x_2a.tmp"
    stale.write_text("half")
    keep = tmp_path / ".notes.tmp"
    keep.write_text("not ours")
    with OutputFolder(tmp_path):
        pass
    assert not stale.exists() and keep.exists()


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
