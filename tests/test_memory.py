"""kg.memory: the mention spool on disk, the heap a build leaves out of garbage collection."""
import gc
import os
import pickle

import pytest

from kg.forked import run_groups
from kg.memory import YOUNG_COLLECTION_THRESHOLD, FrozenHeap, RecordSpool


def test_a_spool_keeps_its_rows_on_disk_and_reads_them_back_as_they_went_in(tmp_path):
    rows = {f"doc {i}": [("TUR", "country", f"T\u00fcrkiye {i}", i, i + 7)] * (i % 5) for i in range(3000)}
    rows["odd"] = [("PAK", "country", 'lone \ud800 surrogate, "quoted",\r\n \U0001F600', 0, 9)]
    spool = RecordSpool(tmp_path, buffer_bytes=4096)
    for key, value in rows.items():
        spool[key] = value
    spool.flush()
    assert os.fstat(spool._file.fileno()).st_size > 100_000
    assert list(tmp_path.iterdir()) == []  # an unnamed file: nothing to clean up after a crash
    assert list(spool) == list(rows) and dict(spool) == rows
    assert type(spool["odd"][0]) is tuple and type(spool["odd"][0][3]) is int
    assert pickle.loads(pickle.dumps(spool)) == rows
    spool.close()


def test_a_forked_process_reads_the_spool_while_this_one_adds_to_it(tmp_path):
    spool = RecordSpool(tmp_path)
    for i in range(100):
        spool[str(i)] = [(str(i), i)] * i
    spool.flush()

    def add_more():
        for i in range(100, 200):
            spool[str(i)] = [(str(i), i)]
        return spool["150"]

    # the child reads at its offsets while the parent appends: neither moves the other's reads
    (read_here,), (read_there,) = run_groups([[add_more], [lambda: [spool[str(i)] for i in range(100)]]], 2)
    assert read_there == [[(str(i), i)] * i for i in range(100)] and read_here == [("150", 150)]


def test_a_heap_is_unfrozen_by_whoever_froze_it(tmp_path):
    with FrozenHeap() as heap:
        heap.freeze()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with FrozenHeap() as heap:
            heap.freeze()
        assert gc.get_freeze_count() > 0  # the caller's freeze is left as it was
    finally:
        gc.unfreeze()


def test_a_build_unfreezes_the_heap_it_froze_and_leaves_a_callers_frozen(tmp_path):
    from kg.build import build

    (tmp_path / "d.txt").write_text("Chile and Peru held naval drills off Arica.", encoding="utf-8")
    build([tmp_path / "d.txt"], cache=False)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        build([tmp_path / "d.txt"], cache=False)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_full_disk_while_spooling_names_the_folder(tmp_path):
    spool = RecordSpool(tmp_path, buffer_bytes=0)

    class FullDisk:
        def write(self, data):
            raise OSError(28, "No space left on device")  # a write to a descriptor names no file

    spool._file = FullDisk()
    with pytest.raises(OSError) as raised:
        spool["d"] = [("TUR", "country", "Turkey", 0, 6)]
    assert (raised.value.filename, raised.value.strerror) == (str(tmp_path), "No space left on device")


def test_a_heap_collects_young_objects_less_often_and_restores_the_thresholds():
    before = gc.get_threshold()
    with FrozenHeap():
        assert gc.get_threshold()[0] >= YOUNG_COLLECTION_THRESHOLD
    assert gc.get_threshold() == before
