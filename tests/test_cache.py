"""The extraction cache: hits, misses, invalidation, --no-cache and kg cache clear."""
import sqlite3
import subprocess
import sys

import pytest

from kg.build import build
from kg.cache import CACHE_FILE, ExtractionCache, default_cache_dir, fingerprint
from kg.ontology import ONTOLOGY_PATH, load_ontology

FIRST = "Pakistan and Turkey held joint naval exercises off Karachi."
SECOND = "Malaysia and Indonesia agreed to share intelligence on piracy."


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(FIRST, encoding="utf-8")
    (folder / "b.txt").write_text(SECOND, encoding="utf-8")
    return folder


def cache_counts(out) -> dict[str, int]:
    """Entries in the cache of ``out`` by pipeline fingerprint."""
    with sqlite3.connect(default_cache_dir(out) / CACHE_FILE) as db:
        return dict(db.execute("SELECT fingerprint, COUNT(*) FROM extractions GROUP BY fingerprint"))


def test_second_build_reads_every_document_from_the_cache(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build([corpus], out=out, formats=["csv"])
    assert cache_counts(out) == {fingerprint(None, load_ontology()): 2}
    seen = []
    monkeypatch.setattr(ExtractionCache, "put", lambda self, text, extraction: seen.append(extraction.doc_id))
    again = build([corpus], out=out, formats=["csv"])
    assert seen == []  # nothing went through the pipeline again
    assert again.facts == first.facts and again.mentions == first.mentions
    assert (again.sentences, again.words) == (first.sentences, first.words)


def test_a_new_document_is_a_miss_and_a_copy_under_another_id_a_hit(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([corpus], out=out, formats=["csv"])
    (corpus / "c.txt").write_text("Oman and Qatar signed a defence cooperation agreement.", encoding="utf-8")
    (corpus / "copy_of_a.txt").write_text(FIRST, encoding="utf-8")
    seen = []
    original_put = ExtractionCache.put
    monkeypatch.setattr(ExtractionCache, "put", lambda self, text, x, key=None: (seen.append(x.doc_id), original_put(self, text, x, key)))
    result = build([corpus], out=out, formats=["csv"])
    assert seen == ["c"]
    copied = [f for f in result.facts if f.doc_id == "copy_of_a"]
    assert copied and {(f.source, f.target) for f in copied} == {("PAK", "TUR")}
    assert {f.doc_id for f in result.facts} == {"a", "b", "c", "copy_of_a"}


def test_a_changed_ontology_invalidates_every_entry(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out=out, formats=["csv"])
    ontology = tmp_path / "ontology.yaml"
    ontology.write_text(ONTOLOGY_PATH.read_text(encoding="utf-8") + "\n# a user's edit\n", encoding="utf-8")
    edited = load_ontology(ontology)
    assert fingerprint(None, edited) != fingerprint(None, load_ontology())
    build([corpus], out=out, formats=["csv"], ontology=ontology)
    # the edited ontology's entries replaced the old ones, none of which is left to be hit
    assert cache_counts(out) == {fingerprint(None, edited): 2}


def test_no_cache_and_cache_clear_on_the_command_line(corpus, tmp_path):
    out = tmp_path / "out"

    def kg(*args):
        return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True)

    assert kg("build", str(corpus), "--out", str(out), "--formats", "csv", "--no-cache", "--quiet").returncode == 0
    cache = default_cache_dir(out)
    assert not cache.exists()
    assert kg("build", str(corpus), "--out", str(out), "--formats", "csv", "--quiet").returncode == 0
    assert (cache / CACHE_FILE).exists() and sorted(p.name for p in out.iterdir())[0] == "edges.csv"  # outputs only
    cleared = kg("cache", "clear", "--out", str(out))
    assert cleared.returncode == 0 and "Cleared" in cleared.stderr
    assert not cache.parent.exists() and (out / "facts.csv").exists()
    assert "No cache" in kg("cache", "clear", "--out", str(out)).stderr


def test_records_come_back_from_the_cache_as_they_went_in(tmp_path):
    from kg.engine import Extraction
    from kg.records import Fact, Mention

    text = "Türkiye and Qatar\u2028held drills \ud800 again."
    # a mention's text may hold what CSV quotes: a comma, a quote, a line break
    mentions = [Mention("x", "TUR", "country", "Türkiye", 0, 7), Mention("x", "QAT", "country", 'Qatar, "the\r\nState"', 12, 17),
                Mention("x", "TUR", "country", "Turkey", 30, 36)]
    facts = [Fact("x", 0, 0, 42, "partnership", "QAT", "TUR", "", "joint_exercises", text, 0.85, "pair")]
    cache = ExtractionCache(tmp_path, "f")
    cache.put(text, Extraction.of("x", mentions, facts, 1, 6))
    cache.close()
    again = ExtractionCache(tmp_path, "f").get(text, "x")
    assert (again.mentions, again.facts, again.sentences, again.words) == (mentions, facts, 1, 6)
    assert again.entity_mentions == {"TUR": 2, "QAT": 1}
    assert type(again.facts[0].confidence) is float and type(again.mentions[0].start) is int


def test_cached_documents_wait_for_a_new_one_without_their_texts(tmp_path):
    from kg.cache import extract_documents
    from kg.records import Document

    cache = ExtractionCache(tmp_path, fingerprint(None, load_ontology()))
    old = [Document("a", FIRST, {"year": 1}), Document("b", SECOND)]
    fresh = dict((d.id, x) for d, x in extract_documents(old, cache=cache))
    new = Document("c", "Chile and Peru held naval drills.")
    came = list(extract_documents(old + [new], cache=cache))
    assert [d.id for d, _ in came] == ["a", "b", "c"] and cache.hits == 2
    # the two cached documents waited for the new one: their texts were not kept
    assert [d.text for d, _ in came] == ["", "", new.text] and came[0][0].meta == {"year": 1}
    assert [x for _, x in came[:2]] == [fresh["a"], fresh["b"]] and came[2][1].facts
    cache.close()


def test_the_same_text_of_another_year_is_another_entry(tmp_path):
    from kg.cache import extract_documents
    from kg.records import Document

    cache = ExtractionCache(tmp_path, fingerprint(None, load_ontology()))
    text = "Prague and Moscow signed a trade agreement."
    documents = [Document("old", text, {"year": 1980}), Document("new", text, {"date": "2010-05-04"})]
    first = {d.id: x.entity_mentions for d, x in extract_documents(documents, cache=cache)}
    again = {d.id: x.entity_mentions for d, x in extract_documents(documents, cache=cache)}
    assert first == again == {"old": {"CSK": 1, "SUN": 1}, "new": {"CZE": 1, "RUS": 1}}
    assert cache.hits == 2
    cache.close()


def test_an_edited_data_folder_is_another_fingerprint(corpus, tmp_path):
    import shutil

    from kg.gazetteer import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    ontology = load_ontology()
    assert fingerprint(None, ontology, data_dir=data) == fingerprint(None, ontology)  # the same bytes
    with (data / "groups.csv").open("a", encoding="utf-8") as fh:
        fh.write("group:andean_states,Andean states,Andean nations\n")
    edited = fingerprint(None, ontology, data_dir=data)
    assert edited != fingerprint(None, ontology)
    out = tmp_path / "out"
    build([corpus], out=out, formats=["csv"], data_dir=data)
    assert cache_counts(out) == {edited: 2}


def test_cache_clear_removes_only_the_cache_files(tmp_path):
    from kg.cache import clear

    folder = tmp_path / "cc"
    folder.mkdir()
    for name in (CACHE_FILE, CACHE_FILE + "-wal", CACHE_FILE + "-shm"):
        (folder / name).write_bytes(b"kg's")
    users = ["extractions.sqlite-backup-2024", "extractions.sqlite.old", "notes.txt"]
    for name in users:
        (folder / name).write_text("the user's")
    assert clear(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(users)


def _warnings(result) -> list[str]:
    return [w for w in result.warnings if "cache" in w]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_broken_cache_file_is_set_aside_with_a_warning_and_the_build_goes_on(corpus, tmp_path, damage):
    out = tmp_path / "out"
    first = build([corpus], out=out, formats=["csv"])
    path = default_cache_dir(out) / CACHE_FILE
    data = path.read_bytes()
    path.write_bytes(b"this is not a database " * 100 if damage == "garbage" else data[: len(data) // 2])
    damaged = path.read_bytes()
    again = build([corpus], out=out, formats=["csv"])
    assert again.facts == first.facts
    [warning] = _warnings(again)
    assert warning.startswith(f"{path}: not a readable cache (") and "set aside as extractions.sqlite.kg-broken-" in warning
    [aside] = [p for p in path.parent.iterdir() if p.name.startswith(CACHE_FILE + ".kg-broken-")]
    assert aside.read_bytes() == damaged  # kept for the user, never deleted
    assert cache_counts(out) == {fingerprint(None, load_ontology()): 2}  # a new cache was written


def test_two_builds_sharing_one_cache_folder_at_once_both_succeed(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"d{i}.txt").write_text(f"Oman and Qatar held joint drills in {1900 + i}.", encoding="utf-8")
    shared = tmp_path / "cc"
    builds = [
        subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(tmp_path / f"out{n}"),
                          "--cache-dir", str(shared), "--formats", "csv", "--quiet"], stderr=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]
    finished = [(b.wait(timeout=120), b.stderr.read()) for b in builds]
    assert finished == [(0, ""), (0, "")]
    with sqlite3.connect(shared / CACHE_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM extractions").fetchone() == (40,)


def test_a_build_writes_to_a_shared_cache_while_another_has_entries_to_write(tmp_path):
    from kg.engine import Extraction

    first, second = ExtractionCache(tmp_path, "f"), ExtractionCache(tmp_path, "f")
    first.put("one", Extraction.of("a", [], [], 1, 1))
    second.put("two", Extraction.of("b", [], [], 2, 2))
    second.close()  # does not wait for the first build's unwritten entries
    first.close()
    again = ExtractionCache(tmp_path, "f")
    assert (again.get("one", "x").sentences, again.get("two", "y").sentences) == (1, 2)


def test_a_read_only_parent_folder_builds_without_the_cache(corpus, tmp_path, monkeypatch):
    parent = tmp_path / "ro"
    out = parent / "out"
    out.mkdir(parents=True)
    cache = default_cache_dir(out)
    real_mkdir = type(out).mkdir

    def mkdir(self, *args, **kwargs):
        # What a read-only parent does to a mkdir (root ignores chmod, so it is simulated).
        if self.absolute() == cache or cache in self.absolute().parents or self.absolute() == cache.parent:
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(type(out), "mkdir", mkdir)
    result = build([corpus], out=out, formats=["csv"])
    assert (out / "facts.csv").exists() and result.facts
    assert _warnings(result) == [f"{cache}: cannot create the cache (permission denied); building without it"]
    assert not cache.parent.exists()


def test_a_failed_build_leaves_no_cache_folder_it_created(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(Exception, match="no documents"):
        build([corpus], out=out, formats=["csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_a_full_disk_while_writing_the_cache_names_the_cache_file(tmp_path):
    from kg.engine import Extraction

    class FullDisk:
        """A connection whose writes meet a full disk, as SQLite reports it."""

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def executemany(self, *args):
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            pass

    cache = ExtractionCache(tmp_path, "f")
    real, cache.db = cache.db, FullDisk()
    cache.put("some text", Extraction.of("d", [], [], 1, 1))
    with pytest.raises(OSError) as raised:
        cache.close()
    real.close()
    assert (raised.value.filename, raised.value.strerror) == (str(tmp_path / CACHE_FILE), "No space left on device")
