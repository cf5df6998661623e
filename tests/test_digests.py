"""Regression: the output files of ``corpus/`` and of 300 UN speeches, byte for byte.

The digests in ``tests/data/output_digests.json`` are those of the last
deliberate change of behaviour. A change that alters an output on purpose
updates them (``python tests/test_digests.py`` prints the new ones) and says
why in its commit; any other difference is a regression.
"""
from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import OUTPUT_FILES, REPO, UN_DEBATES, _build_files  # noqa: E402

DIGESTS = Path(__file__).parent / "data" / "output_digests.json"


def un_every_tenth(path: Path) -> Path:
    """Every tenth of the first 3,000 UN speeches (300, spread over the decades) as a .jsonl file."""
    with gzip.open(UN_DEBATES, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as sample:
        sample.writelines(itertools.islice(source, 0, 3000, 10))
    return path


def digests(inputs: list[Path], out: Path) -> dict[str, str]:
    """sha256 of each output file of a build of ``inputs`` into ``out``."""
    files = _build_files(inputs, out)
    return {name: hashlib.sha256(files[name]).hexdigest() for name in OUTPUT_FILES}


def _inputs(name: str, folder: Path) -> list[Path]:
    if name == "corpus":
        return [REPO / "corpus"]
    if not UN_DEBATES.exists():
        pytest.skip(f"{UN_DEBATES} not found: the UN sample needs ../shared beside the checkout")
    return [un_every_tenth(folder / "un300.jsonl")]


@pytest.mark.parametrize("name", ["corpus", "un300"])
def test_outputs_are_byte_identical_to_the_recorded_ones(name, tmp_path):
    expected = json.loads(DIGESTS.read_text(encoding="utf-8"))[name]
    assert digests(_inputs(name, tmp_path), tmp_path / "out") == expected


if __name__ == "__main__":  # print the digests of this checkout, to record a deliberate change
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps({name: digests(_inputs(name, Path(folder)), Path(folder) / name) for name in ("corpus", "un300")},
                         indent=2, sort_keys=True))
